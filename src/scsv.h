/* scsv: CSV to NDJSON and back, with libcsv. */
#ifndef SCSV_H
#define SCSV_H

#include <stddef.h>

#include "rec.h"

struct scsv_opts {
	unsigned char delim;	/* -d, ',' by default */
	char **fields;		/* -f: names (CSV in) or paths (CSV out) */
	size_t nfields;
	int no_header;		/* --no-header */
	int strings;		/* --strings: no numbers, no nulls */
	struct badpolicy *bad;
};

/*
 * Reads the CSV of in (one file or stdin, its own header row) and writes
 * a record per row to stdout.
 */
void csv_to_json(const struct scsv_opts *o, struct input *in);

/* Reads the NDJSON of in and writes CSV to stdout: a header, a row each. */
void json_to_csv(const struct scsv_opts *o, struct input *in);

#endif
