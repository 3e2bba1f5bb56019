/*
 * scandiff: differential test of src/scan.c against jansson 2.14.
 *
 *	scandiff [-v] [-n count] [-s seed] [file ...]
 *
 * Checks count lines (default 300000): a table of hostile lines and of
 * nesting around jansson's depth limit first, then random objects, half of
 * them mutated byte by byte; then every line of each file ("-" is stdin).
 * A line agrees when scan_object accepts exactly when json_loadb(s, n, 0)
 * gives an object, says "not an object" exactly when the line is valid
 * JSON of another type, and finds at each test path what json_object_get
 * finds there, with the right type, flags, text and jv_unescape; and
 * scan_line, on a copy padded as in_line pads it (a control byte, then
 * bytes of the line again), must agree the same way.
 * Prints "scandiff: N lines, D disagreements" and exits 1 when
 * D > 0 (2 when a file cannot be read).  -v tells on stderr how many lines
 * were valid and how often each path was found.  With SCANDIFF_LIB
 * defined only diffline() is compiled, for fuzz/scan_fuzz.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan.h"

#define NPATHS (sizeof(tpaths) / sizeof(tpaths[0]))
#define MAXPATHS 32

/*
 * Nested, shared prefixes, a repeat, the empty key, a non-ASCII key, keys
 * of 8, 10, 16 and 17 bytes (scan.c compares keys 8 bytes at a time),
 * keys that need escapes in JSON.
 */
static const char *const tpaths[] = {
	"ts", "user", "a", "a.b", "a.b.c", "a", "b", "", "a.", "x.y.z",
	"\xc3\xa9", "u.ts", "c.c", "latency_ms", "abcdefgh",
	"abcdefghijklmnop", "x.abcdefghijklmnopq", "q\"k", "x.b\\s",
};

/*
 * A few flat paths, one of them twice: flat lines often have them all,
 * and then a replay of the template is all that sets the outputs.
 */
static const char *const fpaths[] = { "ts", "user", "ts", "b" };
#define NFPATHS (sizeof(fpaths) / sizeof(fpaths[0]))

static struct scan_paths *tps, *fps, *tpad, *fpad;	/* pad: scan_line's */
static int lastok;	/* whether diffline's last line was accepted */
static size_t found[NPATHS];	/* accepted lines where jansson has path i */
static size_t ffound[NFPATHS];

static json_t *
jwalk(json_t *j, const char *path)
{
	const char *dot;

	for (;;) {
		if (!json_is_object(j))
			return NULL;
		dot = strchr(path, '.');
		if (dot == NULL)
			return json_object_get(j, path);
		j = json_object_getn(j, path, dot - path);
		path = dot + 1;
	}
}

static int
jtype(json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return J_OBJECT;
	case JSON_ARRAY: return J_ARRAY;
	case JSON_STRING: return J_STRING;
	case JSON_INTEGER: case JSON_REAL: return J_NUMBER;
	case JSON_TRUE: return J_TRUE;
	case JSON_FALSE: return J_FALSE;
	default: return J_NULL;
	}
}

/* Compares one extracted value with jansson's; 0 when they agree. */
/* Whether a number with JV_DIGITS holds other digits than its text. */
static int
digitsdiffer(const struct jval *v)
{
	uint64_t m = 0;
	size_t i, nd = 0, point = 0, dot = 0;

	if (!(v->flags & JV_DIGITS))
		return 0;
	if (v->type != J_NUMBER)
		return 1;
	for (i = v->p[0] == '-'; i < v->len; i++) {
		if (v->p[i] == '.') {
			dot = 1;
			continue;
		}
		if (v->p[i] < '0' || v->p[i] > '9' || ++nd > 19)
			return 1;
		m = m * 10 + (uint64_t)(v->p[i] - '0');
		point += dot;
	}
	return m != v->digits || point != v->point;
}

static int diffval(const char *, size_t, const struct jval *, json_t *,
    char *, size_t);

/*
 * Whether walking the container v with jv_element or jv_member disagrees
 * with jansson's j: every element the same value, type and flags, in
 * order; every member's key one that j has, and its value j's for it
 * where the key is not repeated (jansson keeps the last).  Objects of up
 * to 16 members, to a depth of 16: hostile nesting goes far deeper.
 */
static int
walk(const char *s, size_t n, const struct jval *v, json_t *j, char *why,
    size_t wn)
{
	struct jval el, keys[16], vals[16];
	size_t pos = 0, i = 0, k, m, dup;
	char kbuf[256], kbuf2[256];

	if (v->type == J_ARRAY) {
		for (; jv_element(v, &pos, &el); i++)
			if (i >= json_array_size(j) ||
			    diffval(s, n, &el, json_array_get(j, i), why, wn))
				return 1;
		if (i != json_array_size(j)) {
			snprintf(why, wn, "jv_element: %zu elements, jansson %zu",
			    i, json_array_size(j));
			return 1;
		}
		return 0;
	}
	if (v->type != J_OBJECT)
		return 0;
	for (; i < 16 && jv_member(v, &pos, &keys[i], &vals[i]); i++) {
		if (keys[i].type != J_STRING) {
			snprintf(why, wn, "jv_member: a key not a string");
			return 1;
		}
		if (keys[i].len > sizeof(kbuf))
			return 0;	/* too long to compare here */
	}
	if (i == 16)
		return 0;
	for (k = 0; k < i; k++) {
		m = jv_unescape(&keys[k], kbuf);
		for (dup = 0, pos = 0; pos < i; pos++)
			dup += jv_unescape(&keys[pos], kbuf2) == m &&
			    memcmp(kbuf, kbuf2, m) == 0;
		if (json_object_getn(j, kbuf, m) == NULL) {
			snprintf(why, wn, "jv_member: a key jansson has not");
			return 1;
		}
		if (dup == 1 && diffval(s, n, &vals[k], json_object_getn(j,
		    kbuf, m), why, wn))
			return 1;
	}
	if (json_object_size(j) > i) {
		snprintf(why, wn, "jv_member: %zu members, jansson %zu", i,
		    json_object_size(j));
		return 1;
	}
	return 0;
}

static int
diffwalk(const char *s, size_t n, const struct jval *v, json_t *j, char *why,
    size_t wn)
{
	static int depth;
	int r;

	if (depth >= 16)
		return 0;
	depth++;
	r = walk(s, n, v, j, why, wn);
	depth--;
	return r;
}

static int
diffval(const char *s, size_t n, const struct jval *v, json_t *j, char *why,
    size_t wn)
{
	json_error_t je;
	json_t *x;
	char *buf;
	size_t m;
	int bad = 0, esc;

	if (j == NULL) {
		if (v->type != J_NONE)
			snprintf(why, wn, "found, jansson has none");
		return v->type != J_NONE;
	}
	if (v->type != jtype(j) || v->p == NULL || v->p < s || v->len == 0 ||
	    v->len > n || v->p + v->len > s + n ||
	    strchr(" \t\n\r", v->p[0]) || strchr(" \t\n\r", v->p[v->len - 1]) ||
	    (v->type == J_STRING && (v->len < 2 || v->p[0] != '"' ||
	    v->p[v->len - 1] != '"'))) {
		snprintf(why, wn, "wrong type or span");
		return 1;
	}
	esc = v->type == J_STRING && memchr(v->p, '\\', v->len) != NULL;
	if ((v->flags & JV_INT) != (json_is_integer(j) ? JV_INT : 0) ||
	    (v->flags & JV_ESCAPED) != (esc ? JV_ESCAPED : 0)) {
		snprintf(why, wn, "wrong flags");
		return 1;
	}
	x = json_loadb(v->p, v->len, JSON_DECODE_ANY, &je);
	if (x == NULL || !json_equal(x, j)) {
		snprintf(why, wn, "value text differs");
		bad = 1;
	}
	json_decref(x);
	if (!bad && digitsdiffer(v)) {
		snprintf(why, wn, "digits or point differ");
		bad = 1;
	}
	if (!bad && diffwalk(s, n, v, j, why, wn))
		bad = 1;
	if ((buf = malloc(v->len + 1)) == NULL)
		abort();
	if (!bad && v->type == J_STRING) {
		m = jv_unescape(v, buf);
		if (m != json_string_length(j) ||
		    memcmp(buf, json_string_value(j), m) != 0) {
			snprintf(why, wn, "jv_unescape differs");
			bad = 1;
		}
	}
	free(buf);
	return bad;
}

/*
 * Checks one line against the np paths compiled in ps; returns 0 when scan
 * and jansson agree, else 1 with the reason in why.  hits[i] counts the
 * accepted lines that hold path i.  padded: s is padded for scan_line,
 * which is checked instead of scan_object.
 */
static int
diffpaths(const struct scan_paths *ps, const char *const *paths, size_t np,
    size_t *hits, const char *s, size_t n, int padded, char *why, size_t wn)
{
	struct jval out[MAXPATHS];
	struct scan_error se;
	json_error_t je;
	json_t *root, *any, *j;
	size_t i;
	int ok, jok, bad = 0, valid;

	if (np > MAXPATHS)
		abort();
	root = json_loadb(s, n, 0, &je);
	jok = root != NULL && json_is_object(root);
	memset(se.text, 'x', sizeof(se.text));
	se.pos = (size_t)-1;
	ok = (padded ? scan_line(ps, s, n, out, &se) :
	    scan_object(ps, s, n, out, &se)) == 0;
	lastok = ok;
	if (ok != jok) {
		snprintf(why, wn, "%s %s (%zu: %.96s), jansson %s (%d: %s)",
		    padded ? "scan_line" : "scan", ok ? "accepts" : "rejects",
		    ok ? 0 : se.pos,
		    ok ? "" : se.text, jok ? "accepts" : "rejects",
		    je.position, root ? "not an object" : je.text);
		json_decref(root);
		return 1;
	}
	if (!ok) {
		json_decref(root);
		if (se.pos > n || memchr(se.text, '\0', sizeof(se.text)) ==
		    NULL || se.text[0] == '\0') {
			snprintf(why, wn, "bad scan_error");
			return 1;
		}
		/* "not an object" exactly when the line is other JSON */
		any = json_loadb(s, n, JSON_DECODE_ANY, &je);
		valid = any != NULL;
		json_decref(any);
		if (valid != (strcmp(se.text, "not an object") == 0)) {
			snprintf(why, wn, "scan says \"%s\"%s", se.text,
			    valid ? ", jansson: valid JSON" :
			    ", jansson: invalid");
			return 1;
		}
		return 0;
	}
	for (i = 0; i < np && !bad; i++) {
		j = jwalk(root, paths[i]);
		hits[i] += j != NULL;
		bad = diffval(s, n, &out[i], j, why, wn);
		if (bad) {
			size_t l = strlen(why);

			snprintf(why + l, wn - l, " at path \"%.40s\"",
			    paths[i]);
		}
	}
	json_decref(root);
	return bad;
}

int diffline(const char *, size_t, char *, size_t);

/*
 * Checks one line against both sets of test paths; returns 0 when scan
 * and jansson agree, else 1 with the reason in why.
 */
int
diffline(const char *s, size_t n, char *why, size_t wn)
{
	size_t hits[NPATHS] = { 0 }, i;
	char *pad, padwhy[256];
	int bad, padbad;

	if (tps == NULL && ((tps = scan_compile(tpaths, NPATHS)) == NULL ||
	    (fps = scan_compile(fpaths, NFPATHS)) == NULL ||
	    (tpad = scan_compile(tpaths, NPATHS)) == NULL ||
	    (fpad = scan_compile(fpaths, NFPATHS)) == NULL))
		abort();
	bad = diffpaths(tps, tpaths, NPATHS, found, s, n, 0, why, wn) ||
	    diffpaths(fps, fpaths, NFPATHS, ffound, s, n, 0, why, wn);
	/*
	 * The pad: a control byte, then the line's first bytes again, so
	 * that a key or a number that ran on past the end would find more
	 * of itself.  Exactly SCAN_PAD bytes, for the sanitizers to see any
	 * read past them.
	 */
	if ((pad = malloc(n + SCAN_PAD)) == NULL)
		abort();
	memcpy(pad, s, n);
	pad[n] = (char)(n % 0x20);
	for (i = 1; i < SCAN_PAD; i++)
		pad[n + i] = n > 0 ? s[(i - 1) % n] : '9';
	/* even after a disagreement, so that both pairs learn alike */
	padbad = diffpaths(tpad, tpaths, NPATHS, hits, pad, n, 1, padwhy,
	    sizeof(padwhy)) || diffpaths(fpad, fpaths, NFPATHS, hits, pad, n,
	    1, padwhy, sizeof(padwhy));
	free(pad);
	if (padbad && !bad)
		snprintf(why, wn, "%s", padwhy);
	return bad || padbad;
}

#ifndef SCANDIFF_LIB

struct line {
	char *p;
	size_t len, cap;
};

static uint64_t rs;
static size_t nlines, ndiff, naccept;

static uint64_t
rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ z >> 27) * 0x94d049bb133111ebULL;
	return z ^ z >> 31;
}

static size_t
pick(size_t n)
{
	return rnd() % n;
}

static void
grow(struct line *l, size_t extra)
{
	if (l->len + extra <= l->cap)
		return;
	l->cap = (l->len + extra) * 2 + 64;
	if ((l->p = realloc(l->p, l->cap)) == NULL)
		abort();
}

static void
add(struct line *l, const void *p, size_t n)
{
	grow(l, n);
	memcpy(l->p + l->len, p, n);
	l->len += n;
}

static void
adds(struct line *l, const char *s)
{
	add(l, s, strlen(s));
}

static void
addc(struct line *l, int c)
{
	char ch = c;

	add(l, &ch, 1);
}

static void
put(const char *s, size_t n)
{
	size_t i;

	fputs("  \"", stderr);
	for (i = 0; i < n && i < 400; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(stderr, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "\"%s (%zu bytes)\n", i < n ? "..." : "", n);
}

static void
report(const char *why, const char *s, size_t n)
{
	if (++ndiff <= 10) {
		fprintf(stderr, "scandiff: %s\n", why);
		put(s, n);
	}
}

static void
check(const char *s, size_t n)
{
	char why[256];

	nlines++;
	if (diffline(s, n, why, sizeof(why)) == 0) {
		naccept += lastok;
		return;
	}
	report(why, s, n);
}

#define L(s) { s, sizeof(s) - 1 }

static const struct {
	const char *s;
	size_t n;
} table[] = {
	/* shapes and white space */
	L("{}"), L(" {}"), L("{} "), L("\t\r\n{\t\r\n}\t\r\n"), L("{\f}"),
	L("{}\f"), L("\v{}"), L("{}\v"), L(""), L(" "), L("{"), L("}"),
	L("{}}"), L("{}{}"), L("{} {}"), L("[]"), L("[{}]"), L("1"),
	L("\"a\""), L("null"), L("true"), L("false"), L("{}x"), L("{},"),
	L("{\"a\":1}"), L("{ \"a\" : 1 , \"b\" : 2 }"), L("{\"a\" 1}"),
	L("{\"a\":}"), L("{\"a\"}"), L("{a:1}"), L("{'a':1}"), L("{1:1}"),
	L("{\"a\":1,}"), L("{,}"), L("{\"a\":1,,\"b\":2}"), L("{\"a\":[1,]}"),
	L("{\"a\":[,1]}"), L("{\"a\":[1 2]}"), L("{\"a\":[]}"),
	L("{\"a\":[[]]}"), L("{\"a\":{}}"), L("{\"a\":{\"b\":{}}}"),
	L("{\"a\":1}\n"), L("{\"a\":1}\r"), L("{\"a\":1}\r\n"),
	/* truncations */
	L("{\"a"), L("{\"a\""), L("{\"a\":"), L("{\"a\":1"), L("{\"a\":1,"),
	L("{\"a\":\"x"), L("{\"a\":\"x\\"), L("{\"a\":\"\\u00"),
	L("{\"a\":tru"), L("{\"a\":fals"), L("{\"a\":nul"), L("{\"a\":[1"),
	L("{\"a\":{\"b\":1}"), L("{\"a\":-"), L("{\"a\":1."), L("{\"a\":1e"),
	L("{\"a\":1e+"),
	/* literals */
	L("{\"a\":true}"), L("{\"a\":false}"), L("{\"a\":null}"),
	L("{\"a\":truex}"), L("{\"a\":true1}"), L("{\"a\":True}"),
	L("{\"a\":nan}"), L("{\"a\":NaN}"), L("{\"a\":Infinity}"),
	L("{\"a\":-Infinity}"), L("{\"a\":nulll}"), L("{\"a\":t}"),
	/* numbers */
	L("{\"a\":0}"), L("{\"a\":-0}"), L("{\"a\":00}"), L("{\"a\":01}"),
	L("{\"a\":-01}"), L("{\"a\":+1}"), L("{\"a\":.5}"), L("{\"a\":-.5}"),
	L("{\"a\":1.}"), L("{\"a\":1.5}"), L("{\"a\":1.5.5}"), L("{\"a\":1e5}"),
	L("{\"a\":1E5}"), L("{\"a\":1e+5}"), L("{\"a\":1e-5}"),
	L("{\"a\":1e5.5}"), L("{\"a\":1ee5}"), L("{\"a\":0x10}"),
	L("{\"a\":-0.0}"), L("{\"a\":0e0}"), L("{\"a\":-}"), L("{\"a\":--1}"),
	L("{\"a\":1-1}"), L("{\"a\":12.7}"),
	L("{\"a\":9223372036854775807}"), L("{\"a\":9223372036854775808}"),
	L("{\"a\":-9223372036854775808}"), L("{\"a\":-9223372036854775809}"),
	L("{\"a\":9223372036854775806}"), L("{\"a\":10000000000000000000}"),
	L("{\"a\":99999999999999999999}"), L("{\"a\":1000000000000000000}"),
	L("{\"a\":-1000000000000000000}"), L("{\"a\":9999999999999999999}"),
	L("{\"a\":9223372036854775807.0}"), L("{\"a\":9223372036854775808.0}"),
	L("{\"a\":9223372036854775808e0}"),
	L("{\"a\":1e308}"), L("{\"a\":1e309}"), L("{\"a\":-1e309}"),
	L("{\"a\":-1e308}"), L("{\"a\":1e-400}"), L("{\"a\":-1e-400}"),
	L("{\"a\":1e-99999999999999999999999}"),
	L("{\"a\":1e99999999999999999999999}"),
	L("{\"a\":0e99999999999999999999999}"),
	L("{\"a\":0.0e99999}"), L("{\"a\":0.1e310}"), L("{\"a\":0.1e309}"),
	L("{\"a\":0.18e309}"), L("{\"a\":0.17e309}"), L("{\"a\":10e308}"),
	L("{\"a\":0.00001e314}"), L("{\"a\":0.00002e314}"),
	L("{\"a\":1.7976931348623157e308}"),
	L("{\"a\":1.7976931348623158e308}"),
	L("{\"a\":1.7976931348623159e308}"),
	L("{\"a\":1.79769313486231580793728971405301e308}"),
	L("{\"a\":1.797693134862315807937289714053e308}"),
	L("{\"a\":1.797693134862315807937289714053034150799341327100378269361"
	    "737789804449682927647509466490179775872070963302864166928879109465"
	    "555478519404026306574886715058206819089020007083836762738548458177"
	    "115317644757302700698555713669596228429148198608349364752927190741"
	    "684443655107043427115596995080930428801779041744977919999e308}"),
	L("{\"a\":1.797693134862315807937289714053034150799341327100378269361"
	    "737789804449682927647509466490179775872070963302864166928879109465"
	    "555478519404026306574886715058206819089020007083836762738548458177"
	    "115317644757302700698555713669596228429148198608349364752927190741"
	    "68444365510704342711559699508093042880177904174497792e308}"),
	L("{\"a\":1.797693134862315807937289714053034150799341327100378269361"
	    "737789804449682927647509466490179775872070963302864166928879109465"
	    "555478519404026306574886715058206819089020007083836762738548458177"
	    "115317644757302700698555713669596228429148198608349364752927190741"
	    "68444365510704342711559699508093042880177904174497791999e308}"),
	L("{\"a\":1.797693134862315807937289714053034150799341327100378269361"
	    "737789804449682927647509466490179775872070963302864166928879109465"
	    "555478519404026306574886715058206819089020007083836762738548458177"
	    "115317644757302700698555713669596228429148198608349364752927190741"
	    "684443655107043427115596995080930428801779041744977920000e308}"),
	L("{\"a\":1.797693134862315807937289714053034150799341327100378269361"
	    "737789804449682927647509466490179775872070963302864166928879109465"
	    "555478519404026306574886715058206819089020007083836762738548458177"
	    "115317644757302700698555713669596228429148198608349364752927190741"
	    "68444365510704342711559699508093042880177904174497793e308}"),
	L("{\"a\":1.797693134862315857833297452421029442208659153021342421048"
	    "019300690888220491328570396787476499973715587252001482821406343026"
	    "726583331785125617524596554899725298383977127869344762880372235319"
	    "028256087793411775378122047588209826528981468869727386512649412123"
	    "39564475904472144978749089612198939118253764199317504e308}"),
	L("{\"a\":17976931348623158e292}"), L("{\"a\":17976931348623159e292}"),
	L("{\"a\":0.000000000000000000001797693134862316e330}"),
	L("{\"a\":4.9e-324}"), L("{\"a\":2e-324}"), L("{\"a\":1e-323}"),
	/* strings and escapes */
	L("{\"a\":\"\"}"), L("{\"a\":\"x\"}"), L("{\"a\":\"\\\"\"}"),
	L("{\"a\":\"\\\\\"}"), L("{\"a\":\"\\/\"}"),
	L("{\"a\":\"\\b\\f\\n\\r\\t\"}"), L("{\"a\":\"\\a\"}"),
	L("{\"a\":\"\\x41\"}"), L("{\"a\":\"\\'\"}"), L("{\"a\":\"\\0\"}"),
	L("{\"a\":\"\\u0041\"}"), L("{\"a\":\"\\u00e9\\u00E9\"}"),
	L("{\"a\":\"\\uABCD\\uabcd\"}"), L("{\"a\":\"\\u004\"}"),
	L("{\"a\":\"\\u004g\"}"), L("{\"a\":\"\\U0041\"}"),
	L("{\"a\":\"\\u0000\"}"), L("{\"a\":\"x\\u0000y\"}"),
	L("{\"\\u0000\":1}"), L("{\"a\":\"\\u0001\"}"),
	L("{\"a\":\"\\ud800\"}"), L("{\"a\":\"\\udbff\"}"),
	L("{\"a\":\"\\udc00\"}"), L("{\"a\":\"\\udfff\"}"),
	L("{\"a\":\"\\ud800\\udc00\"}"), L("{\"a\":\"\\udbff\\udfff\"}"),
	L("{\"a\":\"\\uD83D\\uDE00\"}"), L("{\"a\":\"\\ud800\\ud800\"}"),
	L("{\"a\":\"\\ud800\\u0041\"}"), L("{\"a\":\"\\ud800x\"}"),
	L("{\"a\":\"\\ud800\\\"}"), L("{\"a\":\"\\ud800\\n\"}"),
	L("{\"a\":\"\\udc00\\ud800\"}"), L("{\"a\":\"\\ud800\\udc0\"}"),
	L("{\"a\":\"\\ud800\\udc0g\"}"), L("{\"a\":\"\\ud800\\u\"}"),
	L("{\"a\":\"\\ud800\\ud800\\udc00\"}"),
	L("{\"a\":\"\t\"}"), L("{\"a\":\"\n\"}"), L("{\"a\":\"\x1f\"}"),
	L("{\"a\":\"\x7f\"}"), L("{\"a\":\"\x20\"}"),
	/* UTF-8 */
	L("{\"a\":\"\xc3\xa9\"}"), L("{\"a\":\"\xe2\x82\xac\"}"),
	L("{\"a\":\"\xf0\x9f\x98\x80\"}"), L("{\"a\":\"\xf4\x8f\xbf\xbf\"}"),
	L("{\"a\":\"\xf4\x90\x80\x80\"}"), L("{\"a\":\"\xf5\x80\x80\x80\"}"),
	L("{\"a\":\"\xc0\x80\"}"), L("{\"a\":\"\xc1\xbf\"}"),
	L("{\"a\":\"\xc2\x80\"}"), L("{\"a\":\"\xdf\xbf\"}"),
	L("{\"a\":\"\xe0\x80\x80\"}"), L("{\"a\":\"\xe0\x9f\xbf\"}"),
	L("{\"a\":\"\xe0\xa0\x80\"}"), L("{\"a\":\"\xed\x9f\xbf\"}"),
	L("{\"a\":\"\xed\xa0\x80\"}"), L("{\"a\":\"\xed\xbf\xbf\"}"),
	L("{\"a\":\"\xee\x80\x80\"}"), L("{\"a\":\"\xef\xbf\xbf\"}"),
	L("{\"a\":\"\xf0\x80\x80\x80\"}"), L("{\"a\":\"\xf0\x8f\xbf\xbf\"}"),
	L("{\"a\":\"\xf0\x90\x80\x80\"}"), L("{\"a\":\"\x80\"}"),
	L("{\"a\":\"\xbf\"}"), L("{\"a\":\"\xc3\"}"), L("{\"a\":\"\xc3\xc3\"}"),
	L("{\"a\":\"\xe2\x82\"}"), L("{\"a\":\"\xf0\x9f\x98\"}"),
	L("{\"a\":\"\xfe\"}"), L("{\"a\":\"\xff\"}"),
	L("{\"a\":\"\xf8\x88\x80\x80\x80\"}"),
	L("{\"a\":\"\xc3\xa9"), L("{\"a\":\"\xc3"), L("{\"\xc3\xa9\":1}"),
	L("{\"a\xff\":1}"), L("{}\xc3\xa9"), L("{}\xff"), L("\xef\xbb\xbf{}"),
	L("{\"a\":1\xc2\xa0}"),
	/* NUL bytes */
	L("{\"a\":\"\0\"}"), L("{\"a\":1}\0"), L("\0{}"), L("{\0}"),
	/* jansson drops one NUL right after a number or literal */
	L("{\"a\":1\0}"), L("{\"a\":1\0\0}"), L("{\"a\":1 \0}"),
	L("{\"a\":1\0 }"), L("{\"a\":-0\0}"), L("{\"a\":1.5\0,\"b\":2}"),
	L("{\"a\":1e5\0}"), L("{\"a\":true\0}"), L("{\"a\":false\0}"),
	L("{\"a\":null\0}"), L("{\"a\":\"x\"\0}"), L("{\"a\":{}\0}"),
	L("{\"a\":[]\0}"), L("{\"a\":[1\0,2\0]}"), L("[1\0]"), L("1\0"),
	L("{\"a\":{\"b\":7\0}\0}"), L("{\"a\":-\0}"), L("{\"a\":1.\0}"),
	L("{\"a\":tr\0ue}"), L("{\"a\":1e\0}"), L("{\"a\":12\0" "3}"),
	L("{\"a\0\":1}"), L("{\"a\":1\0}"), L("{\"a\":\"x\0"),
	/* keys, escaped keys and duplicates */
	L("{\"t\\u0073\":\"x\"}"), L("{\"\\u0074\\u0073\":1,\"ts\":2}"),
	L("{\"ts\":1,\"t\\u0073\":2}"), L("{\"\\u00e9\":1}"),
	L("{\"\\u00E9\":{\"b\":1}}"), L("{\"\\u0061\":{\"\\u0062\":7}}"),
	L("{\"a\":{\"b\":1},\"a\":2}"), L("{\"a\":2,\"a\":{\"b\":1}}"),
	L("{\"a\":{\"b\":{\"c\":1}},\"a\":{\"b\":2}}"),
	L("{\"a\":{\"b\":{\"c\":1},\"b\":{\"d\":1}}}"),
	L("{\"a\":{\"b\":1,\"b\":{\"c\":[1]}}}"),
	L("{\"a\":{\"b\":{\"c\":1}},\"a\":{}}"),
	L("{\"a\":{\"b\":1},\"\\u0061\":{\"c\":2}}"),
	L("{\"a\":{\"\":5},\"\":6}"), L("{\"\":1,\"\":2}"),
	L("{\"u\":{\"ts\":\"x\"},\"u\":[1]}"),
	L("{\"x\":{\"y\":{\"z\":null}}}"),
	L("{\"x\":{\"y\":[{\"z\":1}]}}"), L("{\"x\":{\"y\":\"z\"}}"),
	L("{\"c\":{\"c\":{\"c\":1}}}"), L("{\"user\":\"u\\\"1\"}"),
	L("{\"user\":\"u1234\",\"user\":\"u5678\"}"),
	L("{\"a\\u0000\":1}"), L("{\"a\":1,\"a\\u0000\":1}"),
	L("{\"latency_ms\":1,\"latency_mt\":2,\"latency_m\":3}"),
	L("{\"abcdefgh\":1,\"abcdefghijklmnop\":2}"),
	L("{\"abcdefghijklmnoq\":1,\"abcdefghijklmnopq\":2}"),
	L("{\"x\":{\"abcdefghijklmnopq\":[]}}"),
	L("{\"x\":{\"abcdefghijklmnop\\u0071\":{}}}"),
	L("{\"abcdefghijklmnop\":1}"), L("{\"abcdefgh\":1}"),
	L("{\"latency_ms\":1}"), L("{\"abcdefghijklmnop\":\"x\"}"),
	L("{\"q\\\"k\":1,\"x\":{\"b\\\\s\":2}}"),
	L("{\"q\\\"k\":{},\"q\\u0022k\":3}"), L("{\"q\":1,\"k\":2}"),
	L("{\"x\":{\"b\\u005cs\":[],\"b\\\\\":4}}"), L("{\"q\"k\":1}"),
	/* the typical line */
	L("{\"ts\":\"2026-11-23T20:00:01.123Z\",\"user\":\"u1234\","
	    "\"path\":\"/api/items/17\",\"status\":200,\"bytes\":5123,"
	    "\"latency_ms\":12.7}"),
};

static void
nest(struct line *l, const char *open, const char *mid, const char *close,
    size_t k)
{
	size_t i;

	l->len = 0;
	for (i = 0; i < k; i++)
		adds(l, open);
	adds(l, mid);
	for (i = 0; i < k; i++)
		adds(l, close);
}

/* Nesting around jansson's limit of 2048 values deep. */
static void
depths(struct line *l, size_t count)
{
	static const char *const shape[][4] = {
		{ "", "[", "", "]" }, { "", "[", "1", "]" },
		{ "", "{\"a\":", "{}", "}" }, { "", "{\"a\":", "1", "}" },
		{ "", "{\"a\":", "[]", "}" }, { "", "{\"x\":", "\"s\"", "}" },
		{ "", "{\"a\":[", "1", "]}" }, { "", "{\"a\":[", "{}", "]}" },
		{ "", "{\"b\":", "null", "}" }, { "", "{\"c\":", "{}", "}" },
		{ "", " [ ", " [ ] ", " ] " },
	};
	struct line pre = { 0 };
	size_t i, k, d;

	for (i = 0; i < sizeof(shape) / sizeof(shape[0]); i++) {
		for (d = 2043; d <= 2052 && nlines + 2 <= count; d++) {
			/* k containers hold mid; an object holds two values */
			k = strchr(shape[i][1], '[') && strchr(shape[i][1], '{')
			    ? (d - 1) / 2 : d - 1;
			nest(l, shape[i][1], shape[i][2], shape[i][3], k);
			check(l->p, l->len);
			/* the same inside the trie's path a.b */
			pre.len = 0;
			adds(&pre, "{\"a\":{\"b\":");
			add(&pre, l->p, l->len);
			adds(&pre, "}}");
			check(pre.p, pre.len);
		}
	}
	free(pre.p);
}

/*
 * Paths as deep as the nesting limit, so that scan.c walks objects on its
 * path-aware side (recursively) right up to the limit.
 */
static void
deeppaths(struct line *l, size_t count)
{
	static const char *const mid[] = { "1", "{}", "[]", "{\"b\":1}",
	    "{\"a\":[]}", "\"s\"" };
	static const size_t len[] = { 2046, 2047, 2048, 2049, 1 };
	char *paths[5], why[256];
	size_t found5[5] = { 0 }, i, m, np = 5;
	struct scan_paths *ps;

	for (i = 0; i < np; i++) {
		if ((paths[i] = malloc(2 * len[i])) == NULL)
			abort();
		for (m = 0; m < len[i]; m++)
			memcpy(paths[i] + 2 * m, m + 1 < len[i] ? "a." : "a",
			    2);
	}
	if ((ps = scan_compile((const char *const *)paths, np)) == NULL)
		abort();
	for (m = 2045; m <= 2050; m++) {
		for (i = 0; i < sizeof(mid) / sizeof(mid[0]); i++) {
			if (nlines >= count)
				break;
			nest(l, "{\"a\":", mid[i], "}", m);
			nlines++;
			if (diffpaths(ps, (const char *const *)paths, np,
			    found5, l->p, l->len, 0, why, sizeof(why)) != 0)
				report(why, l->p, l->len);
		}
	}
	scan_free(ps);
	for (i = 0; i < np; i++)
		free(paths[i]);
}

static const char *const keys[] = {
	"a", "a", "a", "b", "b", "c", "ts", "user", "x", "y", "z", "u", "",
	"\xc3\xa9", "t\\u0073", "\\u0061", "\\u0062", "\\u00e9", "\\u00E9",
	"u\\u0073er", "\\u0063", "a\\/", "\\\"", "\\ud83d\\ude00",
	"\xf0\x9f\x98\x80", "latency_ms", "latency_m", "latency_mss",
	"latency\\u005fms", "abcdefgh", "abcdefg", "abcdefghi",
	"abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopq",
	"abcdefghijklmno\\u0070", "bbcdefghijklmnop", "abcdefghijklmnopr",
	"q\\\"k", "q\\u0022k", "q\\\"", "b\\\\s", "b\\u005cs", "b\\\\",
	"a\\u0000",
};

/* Numbers near the edges; those from "1e309" on are invalid. */
static const char *const nums[] = {
	"0", "-0", "1", "-1", "200", "5123", "12.7", "0.5", "-0.0", "1e5",
	"1E+2", "2e-3", "9223372036854775807", "-9223372036854775808",
	"1e308", "1e-400", "1.7976931348623157e308", "0.1e309",
	"123456789012345678", "1234567890123456789",
	"1e309", "-1e309", "9223372036854775808", "-9223372036854775809",
	"1.7976931348623159e308", "0.18e309", "12345678901234567890",
};
#define NGOODNUM 20

static void
gws(struct line *l)
{
	static const char w[] = " \t\n\r";

	while (pick(6) == 0)
		addc(l, w[pick(4)]);
}

static void
gnum(struct line *l)
{
	size_t i, n;
	char b[24];

	if (pick(2)) {
		adds(l, nums[pick(pick(30) ? NGOODNUM :
		    sizeof(nums) / sizeof(nums[0]))]);
		return;
	}
	if (pick(4) == 0)
		addc(l, '-');
	n = 1 + pick(pick(8) ? 6 : 30);
	addc(l, '1' + pick(9));
	for (i = 1; i < n; i++)
		addc(l, '0' + pick(10));
	if (pick(3) == 0) {
		addc(l, '.');
		for (i = 1 + pick(5); i > 0; i--)
			addc(l, '0' + pick(10));
	}
	if (pick(4) == 0) {
		addc(l, "eE"[pick(2)]);
		if (pick(2))
			addc(l, "+-"[pick(2)]);
		n = pick(10) ? pick(40) : 280 + pick(60);
		snprintf(b, sizeof(b), "%zu", n);
		adds(l, b);
	}
}

static void
gutf8(struct line *l, unsigned long u)
{
	if (u < 0x80) {
		addc(l, u);
	} else if (u < 0x800) {
		addc(l, 0xc0 | u >> 6);
		addc(l, 0x80 | (u & 0x3f));
	} else if (u < 0x10000) {
		addc(l, 0xe0 | u >> 12);
		addc(l, 0x80 | (u >> 6 & 0x3f));
		addc(l, 0x80 | (u & 0x3f));
	} else {
		addc(l, 0xf0 | u >> 18);
		addc(l, 0x80 | (u >> 12 & 0x3f));
		addc(l, 0x80 | (u >> 6 & 0x3f));
		addc(l, 0x80 | (u & 0x3f));
	}
}

static void
gstr(struct line *l)
{
	/* the last four are invalid */
	static const char *const esc[] = {
		"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
		"\\u0041", "\\u00e9", "\\u20AC", "\\ud83d\\ude00",
		"\\uDBFF\\uDFFF",
		"\\u001f", "\\uffff",
		"\\u0000", "\\ud800", "\\udc00", "\\ud800\\ud800",
	};
	unsigned long u;
	size_t n = pick(pick(8) ? 12 : 80);
	char b[8];
	int c;

	addc(l, '"');
	while (n-- > 0) {
		switch (pick(10)) {
		case 0:
			adds(l, esc[pick(sizeof(esc) / sizeof(esc[0]) -
			    (pick(30) ? 4 : 0))]);
			break;
		case 1:
			do
				u = pick(0x10000);
			while ((u == 0 || (u >= 0xd800 && u <= 0xdfff)) &&
			    pick(30));
			snprintf(b, sizeof(b), "\\u%04lx", u);
			adds(l, b);
			break;
		case 2:
			do
				u = 0x80 + pick(0x110000 - 0x80);
			while (u >= 0xd800 && u <= 0xdfff);
			gutf8(l, u);
			break;
		default:
			/* '"' and '\\' come from esc[] and mutate() */
			c = 0x20 + pick(0x5f);
			addc(l, c == '"' || c == '\\' ? 'q' : c);
		}
	}
	addc(l, '"');
}

static void gval(struct line *, int);

static void
gobj(struct line *l, int depth)
{
	static const char *const ptkeys[] = {
		"a", "b", "c", "x", "y", "z", "u", "ts", "",
	};
	size_t n = pick(depth == 0 ? 9 : 5), i;
	const char *k;

	addc(l, '{');
	gws(l);
	for (i = 0; i < n; i++) {
		if (i) {
			addc(l, ',');
			gws(l);
		}
		addc(l, '"');
		/* mostly keys on the test paths; the last key is invalid */
		k = pick(3) ? ptkeys[pick(sizeof(ptkeys) / sizeof(ptkeys[0]))]
		    : keys[pick(sizeof(keys) / sizeof(keys[0]) -
		    (pick(100) ? 1 : 0))];
		adds(l, k);
		addc(l, '"');
		gws(l);
		addc(l, ':');
		gws(l);
		/* walk on down the test paths often */
		if (strlen(k) == 1 && depth < 5 && pick(2))
			gobj(l, depth + 1);
		else
			gval(l, depth + 1);
		gws(l);
	}
	addc(l, '}');
}

static void
garr(struct line *l, int depth)
{
	size_t n = pick(5), i;

	addc(l, '[');
	gws(l);
	for (i = 0; i < n; i++) {
		if (i) {
			addc(l, ',');
			gws(l);
		}
		gval(l, depth + 1);
		gws(l);
	}
	addc(l, ']');
}

static void
gval(struct line *l, int depth)
{
	size_t r = pick(depth > 4 ? 7 : 10);

	if (r < 2)
		gnum(l);
	else if (r < 5)
		gstr(l);
	else if (r == 5)
		adds(l, pick(3) == 0 ? "true" : pick(2) ? "false" : "null");
	else if (r == 6)
		gnum(l);
	else if (r < 9)
		gobj(l, depth);
	else
		garr(l, depth);
}

static int
odd(void)
{
	static const unsigned char b[] = {
		'"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\t', '\n', '\r',
		'\f', '\v', 0, 'u', '0', '9', 'e', 'E', '-', '+', '.', 'a', 't',
		'n', 'f', 'd', 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
		0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
	};

	return pick(4) ? b[pick(sizeof(b))] : (int)pick(256);
}

static void
mutate(struct line *l)
{
	size_t k = 1 + pick(3), i, j, m;
	char *frag;

	while (k-- > 0) {
		i = l->len ? pick(l->len + 1) : 0;
		switch (pick(6)) {
		case 0:		/* replace */
			if (i < l->len)
				l->p[i] = odd();
			break;
		case 1:		/* insert */
			grow(l, 1);
			memmove(l->p + i + 1, l->p + i, l->len - i);
			l->p[i] = odd();
			l->len++;
			break;
		case 2:		/* delete */
			if (i < l->len) {
				memmove(l->p + i, l->p + i + 1, l->len - i - 1);
				l->len--;
			}
			break;
		case 3:		/* truncate */
			l->len = i;
			break;
		default:	/* duplicate a fragment elsewhere */
			if (l->len == 0)
				break;
			j = pick(l->len);
			m = 1 + pick(l->len - j < 16 ? l->len - j : 16);
			if ((frag = malloc(m)) == NULL)
				abort();
			memcpy(frag, l->p + j, m);
			grow(l, m);
			memmove(l->p + i + m, l->p + i, l->len - i);
			memcpy(l->p + i, frag, m);
			l->len += m;
			free(frag);
		}
	}
}

static void
randomline(struct line *l)
{
	l->len = 0;
	gws(l);
	if (pick(40) == 0)
		gval(l, 1);
	else
		gobj(l, 0);
	gws(l);
}

/*
 * Checks a random line and then up to three mutations of it: the scanner
 * remembers the keys of the last line, so a mutant checks what it does
 * when a line only mostly repeats the one before.
 */
static void
randomlines(struct line *l, struct line *m, size_t count)
{
	size_t k = pick(4);

	randomline(l);
	if (k == 0 || pick(2))
		check(l->p, l->len);
	while (k-- > 0 && nlines < count) {
		m->len = 0;
		add(m, l->p, l->len);
		mutate(m);
		check(m->p, m->len);
	}
}

/*
 * Flat lines, the kind scan.c replays from a template: a shape (keys and
 * kinds of value) is drawn, then lines of that shape with new values, some
 * mutated, so that the replay meets lines that fit, lines that almost fit
 * and invalid ones.
 */
static const char *const flatkeys[] = {
	"ts", "user", "b", "", "latency_ms", "abcdefgh", "abcdefghijklm",
	"abcdefghijklmnop", "x", "status", "bytes", "a", "\\u0062", "y",
};

static void
flatvalue(struct line *l, int kind)
{
	size_t n;
	int c;

	if (kind == 0 && pick(10) == 0) {
		gstr(l);
	} else if (kind == 0) {
		addc(l, '"');
		for (n = pick(pick(4) ? 12 : 40); n > 0; n--) {
			c = 0x20 + pick(0x5f);
			addc(l, c == '"' || c == '\\' ? 'q' : c);
		}
		addc(l, '"');
	} else if (kind == 1) {
		gnum(l);
	} else {
		adds(l, pick(2) ? "true" : "null");
	}
}

static void
flatruns(struct line *l, struct line *m, size_t count)
{
	size_t key[12], n = 1 + pick(10), runs = 2 + pick(8), i;
	int kind[12];

	/* fresh scanners, which learn at once, not after a back-off */
	scan_free(tps);
	scan_free(fps);
	scan_free(tpad);
	scan_free(fpad);
	tps = fps = tpad = fpad = NULL;
	for (i = 0; i < n; i++) {
		key[i] = pick(sizeof(flatkeys) / sizeof(flatkeys[0]));
		kind[i] = pick(20) ? (int)pick(2) : 2;
	}
	while (runs-- > 0 && nlines < count) {
		l->len = 0;
		addc(l, '{');
		for (i = 0; i < n; i++) {
			adds(l, i ? ",\"" : "\"");
			adds(l, flatkeys[key[i]]);
			adds(l, "\":");
			flatvalue(l, kind[i]);
		}
		addc(l, '}');
		if (pick(20) == 0)
			gws(l);
		check(l->p, l->len);
		if (pick(3) == 0 && nlines < count) {
			m->len = 0;
			add(m, l->p, l->len);
			mutate(m);
			check(m->p, m->len);
		}
	}
}

static int
readfile(const char *name)
{
	FILE *fp = strcmp(name, "-") ? fopen(name, "r") : stdin;
	char *p = NULL;
	size_t cap = 0;
	ssize_t n;

	if (fp == NULL) {
		perror(name);
		return -1;
	}
	while ((n = getline(&p, &cap, fp)) > 0) {
		if (p[n - 1] == '\n')
			n--;
		check(p, n);
	}
	free(p);
	if (ferror(fp)) {
		perror(name);
		return -1;
	}
	if (fp != stdin)
		fclose(fp);
	return 0;
}

int
main(int argc, char **argv)
{
	struct line l = { 0 }, m = { 0 };
	size_t count = 300000, i;
	int c, rc = 0, verbose = 0;

	rs = 1;
	while ((c = getopt(argc, argv, "n:s:v")) != -1) {
		switch (c) {
		case 'n':
			count = strtoull(optarg, NULL, 10);
			break;
		case 's':
			rs = strtoull(optarg, NULL, 10);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fputs("usage: scandiff [-v] [-n count] [-s seed] "
			    "[file ...]\n",
			    stderr);
			return 2;
		}
	}
	for (i = 0; i < sizeof(table) / sizeof(table[0]) && nlines < count;
	    i++)
		check(table[i].s, table[i].n);
	depths(&l, count);
	deeppaths(&l, count);
	while (nlines < count)
		if (pick(4) == 0)
			flatruns(&l, &m, count);
		else
			randomlines(&l, &m, count);
	for (; optind < argc; optind++)
		if (readfile(argv[optind]) != 0)
			rc = 2;
	free(l.p);
	free(m.p);
	scan_free(tps);
	scan_free(fps);
	scan_free(tpad);
	scan_free(fpad);
	if (verbose) {
		fprintf(stderr, "scandiff: %zu of %zu lines valid; found:",
		    naccept, nlines);
		for (i = 0; i < NPATHS; i++)
			fprintf(stderr, " %s=%zu", tpaths[i], found[i]);
		for (i = 0; i < NFPATHS; i++)
			fprintf(stderr, " %s=%zu", fpaths[i], ffound[i]);
		fputc('\n', stderr);
	}
	printf("scandiff: %zu lines, %zu disagreements\n", nlines, ndiff);
	return ndiff ? 1 : rc;
}

#endif
