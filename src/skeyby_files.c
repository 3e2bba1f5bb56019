/*
 * skeyby -o TEMPLATE: data records to files named by shard (%d) or key
 * (%k), instead of to commands.
 *
 * %k must give each key a name of its own that stays in the template's
 * directory.  A string of letters, digits, '-', '_' and '.' (not first)
 * is its own name; any other string has each other byte, and a leading
 * '.', written %XX (upper-case hex), and the empty string is "%"; a key
 * that is no string is "%=" and its canonical JSON so encoded ("1" is 1,
 * 1 is %=1, null is %=null).  '%' always starts an escape, so no two keys
 * meet, and '/' never appears.  Several keys are joined by ','.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "rec.h"
#include "skeyby.h"

#ifndef NAME_MAX
#define NAME_MAX 255
#endif

enum { MAX_OPEN = 64 };		/* files open at once */

static const char *tmpl;
static int dwidth;		/* %d's digits */
static struct map made;		/* names written this run: value 1 */
static struct { char *name; FILE *f; } open_files[MAX_OPEN];
static size_t nopen;
static struct buf name, text, dec;
static int failed;

int
files_init(const char *template, size_t n)
{
	const char *p;
	int uses_d = 0;

	for (p = template; (p = strchr(p, '%')) != NULL; p += 2) {
		if (p[1] != 'd' && p[1] != 'k' && p[1] != '%')
			usage_error("-o: %s: only %%d, %%k and %%%% may follow "
			    "a %%", template);
		uses_d |= p[1] == 'd';
	}
	if (*template == '\0')
		usage_error("-o: an empty template");
	tmpl = template;
	/* %d as wide as N - 1, so that a key before it cannot run into
	 * it: "cj" in shard 10 and "cj1" in shard 0 of 13 */
	for (dwidth = 1; n > 10; n /= 10)
		dwidth++;
	return uses_d;
}

static int
plain_byte(unsigned char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	    (c == '.' && !first);
}

static void
encode_bytes(struct buf *out, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (plain_byte(c, i == 0)) {
			buf_addc(out, (char)c);
		} else {
			buf_addc(out, '%');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
	}
}

static void
encode_key(struct buf *out, const struct jval *v)
{
	if (v->type == J_STRING) {
		dec.len = 0;
		buf_grow(&dec, v->len);
		dec.len = jv_unescape(v, dec.p);
		if (dec.len == 0)
			buf_addc(out, '%');
		encode_bytes(out, dec.p, dec.len);
		return;
	}
	text.len = 0;
	jv_canonical(v, &text);
	buf_adds(out, "%=");
	encode_bytes(out, text.p, text.len);
}

/* The file name for a record: 0, or -1 when a part of it is too long. */
static int
expand(size_t shard, const struct jval *vals, const int *field, size_t nkeys)
{
	const char *p, *part;
	size_t i;

	name.len = 0;
	for (p = tmpl; *p; p++) {
		if (*p != '%') {
			buf_addc(&name, *p);
			continue;
		}
		p++;
		if (*p == 'd') {
			buf_printf(&name, "%0*zu", dwidth, shard);
		} else if (*p == 'k') {
			for (i = 0; i < nkeys; i++) {
				if (i)
					buf_addc(&name, ',');
				encode_key(&name, &vals[field[i]]);
			}
		} else {
			buf_addc(&name, '%');
		}
	}
	buf_addc(&name, '\0');
	name.len--;
	for (part = name.p; part; part = p ? p + 1 : NULL) {
		p = strchr(part, '/');
		if ((size_t)((p ? p : name.p + name.len) - part) > NAME_MAX)
			return -1;
	}
	return 0;
}

static void
close_all(void)
{
	size_t i;

	for (i = 0; i < nopen; i++) {
		if (fclose(open_files[i].f) == EOF) {
			warnmsg("%s: %s", open_files[i].name, strerror(errno));
			failed = 1;
		}
		free(open_files[i].name);
	}
	nopen = 0;
}

/* The open file for name: made empty the first time this run. */
static FILE *
file_for(void)
{
	void **v;
	size_t i;
	int created;
	FILE *f;

	for (i = 0; i < nopen; i++)
		if (strcmp(open_files[i].name, name.p) == 0)
			return open_files[i].f;
	if (nopen == MAX_OPEN)
		close_all();
	v = map_get(&made, name.p, name.len, 1, &created);
	if ((f = fopen(name.p, created ? "w" : "a")) == NULL)
		die(1, "%s: %s", name.p, strerror(errno));
	*v = (void *)1;
	open_files[nopen].name = xstrdup(name.p);
	open_files[nopen].f = f;
	nopen++;
	return f;
}

int
files_put(const char *line, size_t len, size_t shard, const struct jval *vals,
    const int *field, size_t nkeys, const char **why)
{
	FILE *f;

	if (expand(shard, vals, field, nkeys) != 0) {
		*why = "the key's file name would be over 255 bytes";
		return -1;
	}
	f = file_for();
	if (fwrite(line, 1, len, f) != len || putc('\n', f) == EOF)
		die(1, "%s: %s", name.p, strerror(errno));
	return 0;
}

int
files_close(void)
{
	close_all();
	map_free(&made, NULL);
	buf_free(&name);
	buf_free(&text);
	buf_free(&dec);
	return failed ? -1 : 0;
}
