/* gen — deterministic NDJSON web-access event generator for the benchmark.
 *
 *   gen [-n N] [-s SEED] [-f rfc3339|ms]
 *
 * Writes N events (default 1,000,000) to stdout, one JSON object per line,
 * fields always in this order:
 *
 *   {"ts":"2026-11-23T00:00:01.123Z","user":"u1234","path":"/api/items/17",
 *    "status":200,"bytes":12345,"latency_ms":12.7}
 *
 * ts: event i has the nominal time base + 5 s + i * (24 h - 5 s) / N
 *     (base = 2026-11-23T00:00:00Z), minus a random 0..5000 ms of disorder,
 *     so every ts lies in [base, base + 24 h) and no event is more than 5 s
 *     behind the largest ts before it.  -f rfc3339 (default) writes RFC 3339
 *     UTC strings with milliseconds, -f ms epoch milliseconds integers; the
 *     instants are the same for the same N and SEED.
 * user: one of 10,000 users "u0".."u9999", Zipf-like (weight 1/rank).
 * path: one of 35 paths, skewed.  status: mostly 200, some 304/404/500/...
 * bytes: integer.  latency_ms: a number with exactly one decimal.
 *
 * Everything is integer arithmetic on a private splitmix64 PRNG, so the
 * output is byte-identical for the same arguments on any machine.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASE_MS 1795392000000LL /* 2026-11-23T00:00:00Z */
#define DAY_MS 86400000LL
#define DISORDER_MS 5000LL
#define NUSERS 10000
#define MAX_EVENTS 10000000000ULL /* keeps i * DAY_MS inside int64 */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n), n > 0, unbiased (rejection) */
static uint64_t below(uint64_t n)
{
	uint64_t lim = -n % n, r;
	do
		r = rnd();
	while (r < lim);
	return r % n;
}

/* ---- skewed choices from integer cumulative weights ---- */

static uint64_t user_cum[NUSERS];

static void init_users(void)
{
	uint64_t acc = 0;
	for (int k = 0; k < NUSERS; k++) {
		acc += (1ULL << 40) / (uint64_t)(k + 1); /* Zipf, s = 1 */
		user_cum[k] = acc;
	}
}

static int pick_cum(const uint64_t *cum, int n)
{
	uint64_t r = below(cum[n - 1]);
	int lo = 0, hi = n - 1;
	while (lo < hi) { /* first k with cum[k] > r */
		int mid = lo + (hi - lo) / 2;
		if (cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static const struct {
	const char *path;
	unsigned weight;
	unsigned kind; /* 0 page, 1 static, 2 api */
} paths[] = {
	{"/", 120, 0},
	{"/index.html", 30, 0},
	{"/login", 40, 0},
	{"/logout", 15, 0},
	{"/search", 60, 0},
	{"/cart", 35, 0},
	{"/checkout", 12, 0},
	{"/favicon.ico", 50, 1},
	{"/static/app.js", 80, 1},
	{"/static/app.css", 80, 1},
	{"/static/logo.png", 45, 1},
	{"/api/items", 150, 2},
	{"/api/items/1", 60, 2},
	{"/api/items/2", 45, 2},
	{"/api/items/3", 36, 2},
	{"/api/items/4", 30, 2},
	{"/api/items/5", 26, 2},
	{"/api/items/6", 22, 2},
	{"/api/items/7", 20, 2},
	{"/api/items/8", 18, 2},
	{"/api/items/9", 16, 2},
	{"/api/items/10", 15, 2},
	{"/api/items/11", 14, 2},
	{"/api/items/12", 13, 2},
	{"/api/items/13", 12, 2},
	{"/api/items/14", 11, 2},
	{"/api/items/15", 10, 2},
	{"/api/items/16", 10, 2},
	{"/api/items/17", 9, 2},
	{"/api/items/18", 9, 2},
	{"/api/items/19", 8, 2},
	{"/api/items/20", 8, 2},
	{"/api/users/me", 70, 2},
	{"/api/orders", 40, 2},
	{"/api/health", 25, 2},
};
#define NPATHS ((int)(sizeof paths / sizeof paths[0]))
static uint64_t path_cum[NPATHS];

static void init_paths(void)
{
	uint64_t acc = 0;
	for (int k = 0; k < NPATHS; k++) {
		acc += paths[k].weight;
		path_cum[k] = acc;
	}
}

/* per mille: 200 90.0%, 304 3.0%, 404 4.0%, 301 1.0%, 500 1.5%, 503 0.5% */
static unsigned pick_status(void)
{
	uint64_t r = below(1000);
	if (r < 900)
		return 200;
	if (r < 930)
		return 304;
	if (r < 970)
		return 404;
	if (r < 980)
		return 301;
	if (r < 995)
		return 500;
	return 503;
}

/* ---- time formatting (proleptic Gregorian, UTC) ---- */

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static int fmt_rfc3339(char *out, size_t cap, int64_t ms)
{
	int64_t days = ms / DAY_MS, rem = ms % DAY_MS;
	if (rem < 0) {
		rem += DAY_MS;
		days--;
	}
	int y;
	unsigned mo, d;
	civil_from_days(days, &y, &mo, &d);
	unsigned msod = (unsigned)rem;
	return snprintf(out, cap, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", y, mo, d,
	                msod / 3600000, msod / 60000 % 60, msod / 1000 % 60,
	                msod % 1000);
}

static void usage(FILE *f)
{
	fputs("usage: gen [-n N] [-s SEED] [-f rfc3339|ms]\n"
	      "  -n N     number of events (default 1000000)\n"
	      "  -s SEED  PRNG seed, unsigned integer (default 1)\n"
	      "  -f FORM  ts as RFC 3339 strings with ms (rfc3339, default)\n"
	      "           or epoch milliseconds integers (ms)\n",
	      f);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (*s == '\0' || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t n = 1000000, seed = 1;
	int ms_form = 0;
	int c;

	while ((c = getopt(argc, argv, "n:s:f:h")) != -1) {
		switch (c) {
		case 'n':
			if (parse_u64(optarg, &n) || n > MAX_EVENTS) {
				fprintf(stderr, "gen: bad -n: %s\n", optarg);
				return 2;
			}
			break;
		case 's':
			if (parse_u64(optarg, &seed)) {
				fprintf(stderr, "gen: bad -s: %s\n", optarg);
				return 2;
			}
			break;
		case 'f':
			if (strcmp(optarg, "rfc3339") == 0)
				ms_form = 0;
			else if (strcmp(optarg, "ms") == 0)
				ms_form = 1;
			else {
				fprintf(stderr, "gen: bad -f: %s (rfc3339|ms)\n",
				        optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	rng_state = seed;
	init_users();
	init_paths();

	const int64_t span = DAY_MS - DISORDER_MS;
	char ts[40];
	for (uint64_t i = 0; i < n; i++) {
		int64_t nominal = BASE_MS + DISORDER_MS +
		                  (int64_t)(i * (uint64_t)span / n);
		int64_t t = nominal - (int64_t)below(DISORDER_MS + 1);
		/* rank k -> id: a fixed permutation of 0..9999 (7919 is prime) */
		int rank = pick_cum(user_cum, NUSERS);
		unsigned uid = (unsigned)((uint64_t)rank * 7919 % NUSERS);
		int p = pick_cum(path_cum, NPATHS);
		unsigned status = pick_status();

		uint64_t bytes;
		if (status == 304 || status == 301)
			bytes = 0;
		else if (status != 200)
			bytes = 150 + below(400);
		else if (paths[p].kind == 1)
			bytes = 1000 + below(250000);
		else if (paths[p].kind == 2)
			bytes = 80 + below(4000) + (below(20) == 0 ? below(60000) : 0);
		else
			bytes = 2000 + below(30000);

		/* latency in tenths of a millisecond, long tail */
		uint64_t lat = 5 + below(150) + below(150);
		if (paths[p].kind == 2)
			lat += below(300);
		if (below(100) == 0)
			lat += below(20000);
		if (status >= 500)
			lat += 10000 + below(20000);

		int r;
		if (ms_form) {
			r = printf("{\"ts\":%" PRId64, t);
		} else {
			fmt_rfc3339(ts, sizeof ts, t);
			r = printf("{\"ts\":\"%s\"", ts);
		}
		if (r < 0)
			break;
		r = printf(",\"user\":\"u%u\",\"path\":\"%s\",\"status\":%u,"
		           "\"bytes\":%" PRIu64 ",\"latency_ms\":%" PRIu64
		           ".%" PRIu64 "}\n",
		           uid, paths[p].path, status, bytes, lat / 10, lat % 10);
		if (r < 0)
			break;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		perror("gen: write");
		return 1;
	}
	return 0;
}
