/*
 * scsv_read: CSV rows to NDJSON records.  libcsv parses; this side feeds
 * it one physical line at a time, so that it knows the line each row
 * starts on, and builds each record while libcsv hands over the fields.
 */
#define _POSIX_C_SOURCE 200809L
#include <csv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "scan.h"
#include "scsv.h"

/* libcsv grows a field's buffer by its block size: start big, then double */
#define FIRST_BLOCK (64 * 1024)
#define CHUNK (1024 * 1024)

enum fault { F_NONE, F_NUL, F_UTF8 };

struct reader {
	const struct scsv_opts *o;
	struct input *in;
	struct csv_parser p;

	struct buf *keys;	/* per column: "name": as JSON */
	size_t ncols;
	struct buf *names;	/* the header row's fields, as read */
	size_t nnames;
	int header;		/* the next row is the header row */
	int fixed;		/* ncols is known */

	/* the row being read */
	struct buf rec;		/* its record so far */
	struct buf raw;		/* its lines before the current, for a bad
				 * row: most rows have one, never copied */
	const char *cur;	/* the line being fed, or NULL */
	size_t curlen;
	int64_t line;		/* where it starts */
	int open;		/* a line of it has been fed */
	size_t nfield;
	enum fault fault;
	size_t fault_field;
};

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;	/* RFC 4180: spaces belong to the field */
}

static void
parser_init(struct reader *r)
{
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL)
	    != 0)
		die(1, "out of memory");
	csv_set_delim(&r->p, r->o->delim);
	csv_set_space_func(&r->p, no_space);
	csv_set_blk_size(&r->p, FIRST_BLOCK);
}

static void
add_key(struct reader *r, const char *name, size_t len)
{
	r->keys = xreallocarray(r->keys, r->ncols + 1, sizeof(*r->keys));
	memset(&r->keys[r->ncols], 0, sizeof(*r->keys));
	buf_jstr(&r->keys[r->ncols], name, len);
	buf_addc(&r->keys[r->ncols], ':');
	r->ncols++;
}

/* A fault of the header row ends the tool: no record can be read without. */
static void
header_fault(struct reader *r, const char *why)
{
	if (r->in->name)
		die(1, "%s: line %lld: header: %s", r->in->name,
		    (long long)r->line, why);
	die(1, "line %lld: header: %s", (long long)r->line, why);
}

/*
 * The header row's names, made unique: an empty name becomes the column's
 * number, a repeated one gets _2, _3, ... as Miller does.  Each name taken
 * keeps the next suffix to try, so many repeats cost no more than few.
 */
static void
set_names(struct reader *r, struct buf *names, size_t n)
{
	struct map seen = { 0 };
	struct buf base = { 0 }, name = { 0 };
	size_t i, k;
	void **next, **slot;
	int created;

	for (i = 0; i < n; i++) {
		base.len = 0;
		if (names[i].len == 0)
			buf_printf(&base, "%zu", i + 1);
		else
			buf_add(&base, names[i].p, names[i].len);
		created = 0;
		next = map_get(&seen, base.p, base.len, 1, &created);
		if (created) {
			*next = (void *)(uintptr_t)2;
			add_key(r, base.p, base.len);
			continue;
		}
		for (k = (uintptr_t)*next;; k++) {
			name.len = 0;
			buf_printf(&name, "%.*s_%zu", (int)base.len, base.p, k);
			created = 0;
			slot = map_get(&seen, name.p, name.len, 1, &created);
			if (created)
				break;
		}
		*slot = (void *)(uintptr_t)2;
		/* the map may have moved: find the base again */
		*map_get(&seen, base.p, base.len, 0, NULL) =
		    (void *)(uintptr_t)(k + 1);
		add_key(r, name.p, name.len);
	}
	map_free(&seen, NULL);
	buf_free(&base);
	buf_free(&name);
}

static void
header_field(struct reader *r, const char *f, size_t len)
{
	if (f && memchr(f, '\0', len))
		header_fault(r, "NUL byte in a name");
	if (f && !utf8_valid(f, len))
		header_fault(r, "invalid UTF-8 in a name");
	r->names = xreallocarray(r->names, r->nnames + 1, sizeof(*r->names));
	memset(&r->names[r->nnames], 0, sizeof(*r->names));
	if (f)
		buf_add(&r->names[r->nnames], f, len);
	r->nnames++;
}

static void
on_field(void *field, size_t len, void *data)
{
	struct reader *r = data;
	const char *f = field;

	if (r->header) {
		header_field(r, f, len);
		return;
	}
	if (r->nfield == r->ncols && !r->fixed) {
		/* --no-header: the first row says how many columns */
		struct buf n = { 0 };

		buf_printf(&n, "%zu", r->ncols + 1);
		add_key(r, n.p, n.len);
		buf_free(&n);
	}
	r->nfield++;
	if (r->fault || r->nfield > r->ncols)
		return;
	if (f && memchr(f, '\0', len))
		r->fault = F_NUL;
	else if (f && !utf8_valid(f, len))
		r->fault = F_UTF8;
	if (r->fault) {
		r->fault_field = r->nfield;
		return;
	}
	buf_addc(&r->rec, r->nfield == 1 ? '{' : ',');
	buf_add(&r->rec, r->keys[r->nfield - 1].p, r->keys[r->nfield - 1].len);
	if (f == NULL)
		buf_adds(&r->rec, r->o->strings ? "\"\"" : "null");
	else if (!r->o->strings && scan_number(f, len))
		buf_add(&r->rec, f, len);
	else
		buf_jstr(&r->rec, f, len);
}

/* A bad row: its raw text is its lines without the last line end. */
static void __attribute__((format(printf, 2, 3)))
bad_row(struct reader *r, const char *fmt, ...)
{
	struct buf why = { 0 };
	const char *text;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&why, fmt, ap);
	va_end(ap);
	if (r->raw.len == 0 && r->cur) {
		text = r->cur;
		n = r->curlen;
	} else {
		if (r->cur)
			buf_add(&r->raw, r->cur, r->curlen);
		text = r->raw.p;
		n = r->raw.len;
	}
	if (n > 0 && text[n - 1] == '\n')
		n--;
	bad_record_at(r->o->bad, r->in, r->line, n ? text : "", n, "%s",
	    why.p);
	buf_free(&why);
}

static void
row_reset(struct reader *r)
{
	r->rec.len = 0;
	r->raw.len = 0;
	r->nfield = 0;
	r->fault = F_NONE;
	r->open = 0;
}

/*
 * A row ends at c, a line feed (or -1 at the end of the input).  A bare
 * carriage return inside a line ends a row too, as in libcsv: the next
 * row then starts on the same line.
 */
static void
on_row(int c, void *data)
{
	struct reader *r = data;
	size_t i;

	if (r->header) {
		r->header = 0;
		if (r->o->nfields && r->nnames != r->o->nfields)
			header_fault(r, r->nnames < r->o->nfields ?
			    "fewer fields than -f names" :
			    "more fields than -f names");
		if (r->o->nfields == 0)
			set_names(r, r->names, r->nnames);
		for (i = 0; i < r->nnames; i++)
			buf_free(&r->names[i]);
		r->nnames = 0;
	} else if (r->nfield != r->ncols)
		bad_row(r, "row has %zu field%s, the header %zu", r->nfield,
		    r->nfield == 1 ? "" : "s", r->ncols);
	else if (r->fault == F_NUL)
		bad_row(r, "NUL byte in field %zu", r->fault_field);
	else if (r->fault == F_UTF8)
		bad_row(r, "invalid UTF-8 in field %zu", r->fault_field);
	else {
		buf_add(&r->rec, "}\n", 2);
		out_write(r->rec.p, r->rec.len);
	}
	r->fixed = 1;
	row_reset(r);
	r->open = c == '\r';
}

/* Feeds one physical line; a quoting error makes the row bad. */
static void
feed(struct reader *r, const char *s, size_t n)
{
	const char *why;
	size_t k, done;

	while (n > 0) {
		k = n < CHUNK ? n : CHUNK;
		if (csv_get_buffer_size(&r->p) > FIRST_BLOCK)
			csv_set_blk_size(&r->p, csv_get_buffer_size(&r->p));
		done = csv_parse(&r->p, s, k, on_field, on_row, r);
		if (done < k) {
			if (csv_error(&r->p) != CSV_EPARSE)
				die(1, "%s", csv_strerror(csv_error(&r->p)));
			/* the rest of the line goes with the bad row */
			why = s[done] == '"' ? "misplaced quote" :
			    "text after a closing quote";
			if (r->header)
				header_fault(r, why);
			bad_row(r, "%s", why);
			csv_free(&r->p);
			parser_init(r);
			row_reset(r);
			return;
		}
		s += k;
		n -= k;
	}
}

void
csv_to_json(const struct scsv_opts *o, struct input *in)
{
	struct reader r;
	char *s;
	size_t n, i;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.in = in;
	r.header = !o->no_header;
	for (i = 0; i < o->nfields; i++)
		add_key(&r, o->fields[i], strlen(o->fields[i]));
	r.fixed = o->nfields > 0;
	parser_init(&r);
	in->raw = 1;
	while (in_line(in, &s, &n, -1) > 0) {
		if (in->lineno == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3)
		    == 0)
			s += 3, n -= 3;
		/* CRLF ends a line as LF does, in a quoted field too */
		if (n >= 2 && s[n - 1] == '\n' && s[n - 2] == '\r')
			s[n - 2] = '\n', n--;
		/* blank lines between rows are skipped */
		if (!r.open && s[0] == '\n')
			continue;
		if (!r.open) {
			r.line = in->lineno;
			r.open = 1;
		}
		r.cur = s;
		r.curlen = n;
		feed(&r, s, n);
		/* a row that goes on keeps this line for a bad row's text */
		if (r.open)
			buf_add(&r.raw, s, n);
	}
	r.cur = NULL;
	if (csv_fini(&r.p, on_field, on_row, &r) != 0) {
		if (r.header)
			header_fault(&r, "unterminated quoted field");
		bad_row(&r, "unterminated quoted field");
	}
	csv_free(&r.p);
	for (i = 0; i < r.ncols; i++)
		buf_free(&r.keys[i]);
	free(r.keys);
	free(r.names);
	buf_free(&r.rec);
	buf_free(&r.raw);
}
