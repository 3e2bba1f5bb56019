/*
 * scanbench: lines per second of scan_object on access-log lines.
 *
 *	scanbench [-j] [-n lines] [file]
 *
 * Without a file it makes 4096 varied lines shaped like
 * {"ts":"2026-11-23T20:00:01.123Z","user":"u1234",...,"latency_ms":12.7}
 * and scans them in turn, asking for ts,user,bytes,latency_ms.  -j times
 * json_loadb on the same lines, for comparison.  Time is CPU time, so a
 * busy machine skews it less.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scan.h"

#define NL 4096

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static const char *const paths[] = { "ts", "user", "bytes",
	    "latency_ms" };
	static char *line[NL];
	static size_t len[NL];
	struct scan_paths *ps;
	struct scan_error e;
	struct jval out[4];
	json_error_t je;
	json_t *j;
	size_t i, nl = NL, total = 20000000, bytes = 0, bad = 0, cap = 0;
	double t;
	int c, jans = 0;
	FILE *fp;
	char *p = NULL;
	ssize_t n;

	while ((c = getopt(argc, argv, "jn:")) != -1) {
		if (c == 'j')
			jans = 1;
		else if (c == 'n')
			total = strtoull(optarg, NULL, 10);
		else
			return 2;
	}
	if (optind < argc) {
		if ((fp = fopen(argv[optind], "r")) == NULL)
			return perror(argv[optind]), 1;
		for (nl = 0; nl < NL && (n = getline(&p, &cap, fp)) > 0; nl++) {
			len[nl] = n - (p[n - 1] == '\n');
			line[nl] = strndup(p, len[nl]);
		}
		fclose(fp);
		free(p);
		if (nl == 0)
			return 1;
	} else {
		srand(1);
		for (i = 0; i < nl; i++) {
			if ((line[i] = malloc(256)) == NULL)
				return 1;
			len[i] = snprintf(line[i], 256, "{\"ts\":\"2026-11-23T20:"
			    "%02d:%02d.%03dZ\",\"user\":\"u%d\",\"path\":\"/api/"
			    "items/%d\",\"status\":%d,\"bytes\":%d,\"latency_ms\":"
			    "%d.%d}", rand() % 60, rand() % 60, rand() % 1000,
			    rand() % 100000, rand() % 1000, rand() % 3 ? 200 :
			    404, rand() % 100000, rand() % 100, rand() % 10);
		}
	}
	if ((ps = scan_compile(paths, 4)) == NULL)
		return 1;
	t = now();
	for (i = 0; i < total; i++) {
		if (jans) {
			j = json_loadb(line[i % nl], len[i % nl], 0, &je);
			bad += j == NULL;
			json_decref(j);
		} else
			bad += scan_object(ps, line[i % nl], len[i % nl], out,
			    &e) != 0;
		bytes += len[i % nl];
	}
	t = now() - t;
	printf("%s: %zu lines (%zu bad), %.0f lines/s, %.0f MB/s\n",
	    jans ? "json_loadb" : "scan_object", total, bad, total / t,
	    bytes / t / 1e6);
	scan_free(ps);
	return 0;
}
