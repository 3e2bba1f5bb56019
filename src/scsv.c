/*
 * scsv: CSV logs in and out.  CSV to NDJSON, a record per row named by the
 * header row; with -r, NDJSON to CSV, a row per data record.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "scan.h"
#include "scsv.h"
#include "util.h"

static _Noreturn void
usage(void)
{
	fputs("usage: scsv [-d DELIM] [--no-header] [-f NAMES] [--strings] "
	    "[options] [FILE...]\n"
	    "       scsv -r [-d DELIM] [--no-header] [-f PATHS] [options] "
	    "[FILE...]\n"
	    "options: --skip-bad  --dead-letter FILE  --data-only\n", stdout);
	finish(0);
}

/* -d: one byte that is no quote and no line end; "\t" and "tab" name tab. */
static unsigned char
delimiter(const char *arg)
{
	if (strcmp(arg, "\\t") == 0 || strcmp(arg, "tab") == 0)
		return '\t';
	if (strlen(arg) != 1 || arg[0] == '"' || arg[0] == '\n' ||
	    arg[0] == '\r')
		usage_error("-d: '%s' is not one byte other than a quote or a "
		    "line end", arg);
	return (unsigned char)arg[0];
}

/* -f: a comma list; paths for -r, plain names otherwise. */
static void
fields(struct scsv_opts *o, const char *arg, int paths)
{
	char *list = xstrdup(arg), *p, *comma;
	size_t i;

	for (p = list;; p = comma + 1) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma = '\0';
		if (*p == '\0')
			usage_error("-f: empty name in '%s'", arg);
		if (paths)
			opt_path("-f", p);
		else if (!utf8_valid(p, strlen(p)))
			usage_error("-f: '%s' is not UTF-8", p);
		for (i = 0; i < o->nfields; i++)
			if (strcmp(o->fields[i], p) == 0)
				usage_error("-f: '%s' twice", p);
		o->fields = xreallocarray(o->fields, o->nfields + 1,
		    sizeof(*o->fields));
		o->fields[o->nfields++] = xstrdup(p);
		if (comma == NULL)
			break;
	}
	free(list);
}

enum { OPT_NOHEADER = 256, OPT_STRINGS };

static const struct option longopts[] = {
	{ "data-only", no_argument, NULL, RO_DATAONLY },
	{ "dead-letter", required_argument, NULL, RO_DEADLETTER },
	{ "delimiter", required_argument, NULL, 'd' },
	{ "fields", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "no-header", no_argument, NULL, OPT_NOHEADER },
	{ "reverse", no_argument, NULL, 'r' },
	{ "skip-bad", no_argument, NULL, RO_SKIPBAD },
	{ "strings", no_argument, NULL, OPT_STRINGS },
	{ "version", no_argument, NULL, RO_VERSION },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char *argv[])
{
	struct scsv_opts o = { .delim = ',' };
	struct recopts ro;
	struct input in;
	const char *fieldarg = NULL;
	int c, reverse = 0, i, nfiles;

	tool_init("scsv");
	recopts_init(&ro);
	while ((c = getopt_long(argc, argv, "d:f:hr", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.delim = delimiter(optarg);
			break;
		case 'f':
			fieldarg = optarg;
			break;
		case 'h':
			usage();
		case 'r':
			reverse = 1;
			break;
		case OPT_NOHEADER:
			o.no_header = 1;
			break;
		case OPT_STRINGS:
			o.strings = 1;
			break;
		default:
			if (!recopts_parse(&ro, c, optarg))
				usage_error(NULL);	/* getopt said what */
		}
	}
	if (fieldarg)
		fields(&o, fieldarg, reverse);
	if (reverse && o.strings)
		usage_error("--strings is for CSV in, not with -r");
	recopts_finish(&ro);
	o.bad = &ro.bad;

	argv += optind;
	nfiles = argc - optind;
	if (reverse) {
		in_init(&in, argv, nfiles);
		json_to_csv(&o, &in);
		in_free(&in);
	} else if (nfiles == 0) {
		in_init(&in, NULL, 0);
		csv_to_json(&o, &in);
		in_free(&in);
	} else {
		/* each file has its own header row */
		for (i = 0; i < nfiles; i++) {
			in_init(&in, argv + i, 1);
			csv_to_json(&o, &in);
			in_free(&in);
		}
	}
	for (i = 0; i < (int)o.nfields; i++)
		free(o.fields[i]);
	free(o.fields);
	bad_finish(&ro.bad);
	finish(0);
}
