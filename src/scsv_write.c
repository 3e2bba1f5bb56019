/*
 * scsv_write: NDJSON records to CSV rows.  The columns are -f's paths,
 * found by the scanner, or the first record's keys, found by walking each
 * record's members; libcsv quotes the cells that need it.
 */
#define _POSIX_C_SOURCE 200809L
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "map.h"
#include "scan.h"
#include "scsv.h"

struct writer {
	const struct scsv_opts *o;
	struct input *in;
	struct scan_paths *ps;	/* -f's paths; else none: validation only */
	size_t ncols;
	struct map cols;	/* no -f: key -> column + 1 */
	int64_t header_line;	/* no -f: the record the keys came from */
	struct jval *vals;	/* the record's cell per column */
	struct buf row, text, key;
};

/*
 * Appends the cell text t[0..n) quoted as RFC 4180 asks when it holds the
 * delimiter, a quote or a line end, or is empty (a empty string, not a
 * missing value).
 */
static void
add_cell(struct writer *w, const char *t, size_t n, int empty_quoted)
{
	size_t i, need;

	for (i = 0; i < n; i++)
		if (t[i] == (char)w->o->delim || t[i] == '"' || t[i] == '\n' ||
		    t[i] == '\r')
			break;
	if (i == n && (n > 0 || !empty_quoted)) {
		buf_add(&w->row, t, n);
		return;
	}
	need = csv_write2(NULL, 0, t, n, '"');
	buf_grow(&w->row, need);
	w->row.len += csv_write2(w->row.p + w->row.len, need, t, n, '"');
}

/* Appends v's text without the white space outside its strings. */
static void
compact(const struct jval *v, struct buf *out)
{
	size_t i;
	int instr = 0;

	for (i = 0; i < v->len; i++) {
		char c = v->p[i];

		if (instr) {
			if (c == '\\')
				buf_addc(out, c), c = v->p[++i];
			else if (c == '"')
				instr = 0;
		} else if (c == '"')
			instr = 1;
		else if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		buf_addc(out, c);
	}
}

static void
add_value(struct writer *w, const struct jval *v, int alone)
{
	switch (v->type) {
	case J_NONE:
	case J_NULL:
		/* a row of one empty cell would read as a blank line */
		add_cell(w, "", 0, alone);
		return;
	case J_STRING:
		w->text.len = 0;
		buf_grow(&w->text, v->len);
		w->text.len = jv_unescape(v, w->text.p);
		add_cell(w, w->text.p, w->text.len, 1);
		return;
	case J_OBJECT:
	case J_ARRAY:
		w->text.len = 0;
		compact(v, &w->text);
		add_cell(w, w->text.p, w->text.len, 1);
		return;
	default:
		add_cell(w, v->p, v->len, 1);
	}
}

static void
write_row(struct writer *w)
{
	buf_addc(&w->row, '\n');
	out_write(w->row.p, w->row.len);
	w->row.len = 0;
}

/* A member's key decoded into w->key. */
static void
decode_key(struct writer *w, const struct jval *k)
{
	w->key.len = 0;
	buf_grow(&w->key, k->len);
	w->key.len = jv_unescape(k, w->key.p);
}

/* The record line[0..len), valid JSON, as the object it holds. */
static struct jval
object(const char *line, size_t len)
{
	struct jval obj = { line, len, J_OBJECT, 0, 0, 0 };

	while (obj.len > 0 && *obj.p != '{')	/* white space before it */
		obj.p++, obj.len--;
	return obj;
}

/* No -f: the columns are the keys of the first record, in its order. */
static void
keys_header(struct writer *w, const char *line, size_t len)
{
	struct jval obj = object(line, len), k, v;
	size_t pos = 0;
	void **slot;
	int created;

	while (jv_member(&obj, &pos, &k, &v)) {
		decode_key(w, &k);
		created = 0;
		slot = map_get(&w->cols, w->key.p, w->key.len, 1, &created);
		if (!created)
			continue;
		*slot = (void *)(w->ncols + 1);
		if (w->ncols)
			buf_addc(&w->row, (char)w->o->delim);
		add_cell(w, w->key.p, w->key.len, 1);
		w->ncols++;
	}
	w->vals = xreallocarray(w->vals, w->ncols ? w->ncols : 1,
	    sizeof(*w->vals));
	w->header_line = w->in->lineno;
}

/* Fills w->vals from the record's members; -1 when a key is no column. */
static int
keys_values(struct writer *w, const char *line, size_t len)
{
	struct jval obj = object(line, len), k, v;
	size_t pos = 0, i;
	void **slot;

	for (i = 0; i < w->ncols; i++)
		w->vals[i].type = J_NONE;
	while (jv_member(&obj, &pos, &k, &v)) {
		decode_key(w, &k);
		slot = map_get(&w->cols, w->key.p, w->key.len, 0, NULL);
		if (slot == NULL) {
			bad_record(w->o->bad, w->in, line, len, "key %.*s is "
			    "not a column (the columns are the keys of line "
			    "%lld; name them with -f)", (int)k.len, k.p,
			    (long long)w->header_line);
			return -1;
		}
		w->vals[(size_t)*slot - 1] = v;
	}
	return 0;
}

void
json_to_csv(const struct scsv_opts *o, struct input *in)
{
	struct writer w;
	char *line;
	size_t len, i;
	int started = 0;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.in = in;
	w.ncols = o->nfields;
	if ((w.ps = scan_compile((const char *const *)o->fields, o->nfields))
	    == NULL)
		die(1, "out of memory");
	w.vals = xcalloc(w.ncols ? w.ncols : 1, sizeof(*w.vals));
	if (o->nfields) {
		/* the columns are known: the header, even for no records */
		for (i = 0; i < o->nfields; i++) {
			if (i)
				buf_addc(&w.row, (char)o->delim);
			add_cell(&w, o->fields[i], strlen(o->fields[i]), 1);
		}
		if (o->no_header)
			w.row.len = 0;
		else
			write_row(&w);
		started = 1;
	}
	while (in_line(in, &line, &len, -1) > 0) {
		switch (ctl_kind(line, len)) {
		case CTL_NONE:
			break;
		case CTL_WATERMARK:
			continue;
		default:
			in->lineno--;	/* barriers are no lines of the input */
			continue;
		}
		if (rec_scan(o->bad, in, w.ps, line, len, w.vals) != 0)
			continue;
		if (!started) {
			keys_header(&w, line, len);
			if (o->no_header)
				w.row.len = 0;
			else
				write_row(&w);
			started = 1;
		}
		if (!o->nfields && keys_values(&w, line, len) != 0)
			continue;
		for (i = 0; i < w.ncols; i++) {
			if (i)
				buf_addc(&w.row, (char)o->delim);
			add_value(&w, &w.vals[i], w.ncols == 1);
		}
		write_row(&w);
	}
	scan_free(w.ps);
	map_free(&w.cols, NULL);
	free(w.vals);
	buf_free(&w.row);
	buf_free(&w.text);
	buf_free(&w.key);
}
