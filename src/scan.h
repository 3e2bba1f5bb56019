/*
 * scan: one validating pass over an NDJSON line that finds only the fields a
 * tool asked for.  It accepts exactly what jansson's json_loadb(s, n, 0)
 * accepts and whose top level is an object; tests/scandiff checks that.
 */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>
#include <stdint.h>

enum jtype { J_NONE = 0, J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_STRING,
	J_OBJECT, J_ARRAY };

#define JV_ESCAPED 1	/* string: its text holds a backslash escape */
#define JV_INT     2	/* number: integer token (no . e E), fits int64 */
#define JV_DIGITS  4	/* number: read on the way, digits and point hold it */

/* A value found in the line, by position: it points into the caller's line. */
struct jval {
	const char *p;		/* first byte of the text; strings keep quotes */
	size_t len;
	unsigned char type;	/* enum jtype; J_NONE when the path is absent */
	unsigned char flags;
	/*
	 * JV_DIGITS, set for some numbers of at most 19 digits and no
	 * exponent: the value is -digits / 10^point when the text starts
	 * with '-', else digits / 10^point.
	 */
	unsigned char point;
	uint64_t digits;
};

struct scan_error {
	size_t pos;		/* byte offset of the fault in the line */
	char text[96];
};

struct scan_paths;

/*
 * Compiles n dotted paths ("a.b.c" walks nested objects).  scan_object then
 * fills out[i] for paths[i].  Returns NULL only when out of memory.
 */
struct scan_paths *scan_compile(const char *const *paths, size_t n);

/* Returns 1 when p[0..n) is a path: no part of it empty ("", "a..b"). */
int scan_path_valid(const char *p, size_t n);
void scan_free(struct scan_paths *ps);

/*
 * Validates s[0..n) as one JSON object, as jansson would, and sets out[i]
 * for every compiled path (J_NONE when absent; the last of duplicate keys
 * wins, as in jansson).  Returns 0, or -1 with *e set: "not an object" when
 * the line is valid JSON of another type, else why it is invalid.  ps
 * remembers the keys of the objects it walked last, in order, and the
 * shape of the last flat line (plain keys, plain strings, numbers, and
 * arrays or objects no path goes into), which makes the next line with
 * the same keys cheaper: one thread at a time per ps.
 */
int scan_object(const struct scan_paths *ps, const char *s, size_t n,
    struct jval *out, struct scan_error *e);

/*
 * scan_object for a line that its reader pads: s[n] is a control byte
 * (below 0x20: the newline, say) and SCAN_PAD bytes from s[n] on can be
 * read.  The template then reads keys, strings and numbers a word at a
 * time to the line's end without testing where that is, since no key,
 * string or number runs on across a control byte.  Same results.
 */
#define SCAN_PAD 16
int scan_line(const struct scan_paths *ps, const char *s, size_t n,
    struct jval *out, struct scan_error *e);

/*
 * Iterates over the elements of v, an array that scan_object found (it is
 * not checked again): *pos starts at 0; each call sets *out to the next
 * element and returns 1, or returns 0 after the last.
 */
int jv_element(const struct jval *v, size_t *pos, struct jval *out);

/*
 * The same over the members of v, an object that scan_object found: sets
 * *key (a string, quotes kept) and *val for each in turn.
 */
int jv_member(const struct jval *v, size_t *pos, struct jval *key,
    struct jval *val);

/* Sets *x to the integer token v (JV_INT) and returns 0; -1 for any other
 * value. */
int jv_int(const struct jval *v, int64_t *x);

/*
 * Returns 1 when s[0..n) is exactly one JSON number that scan_object (and
 * jansson) accepts: no sign but '-', no leading zeros, integers within
 * int64, reals below the double overflow.
 */
int scan_number(const char *s, size_t n);

/*
 * Decodes the string value v (escapes resolved, UTF-8 out) into dst, which
 * must hold v->len bytes.  Returns the decoded length.
 */
size_t jv_unescape(const struct jval *v, char *dst);

#endif
