/*
 * scan: a validating single pass over one NDJSON line.  The rules are
 * jansson 2.14's (json_loadb with flags 0), checked empirically and kept
 * honest by tests/scandiff.  Objects on the way to a requested path are
 * walked recursively (as deep as the longest path); everything else is
 * skipped by an iterative loop, so hostile nesting costs no stack.
 *
 * Speed comes from the usual line being compact and plain and like the
 * one before: a line of the last flat line's shape is checked against it
 * member by member (replay); otherwise each test looks for the expected
 * byte before skipping white space, strings are scanned 16 bytes at a
 * time, a key is recognised by comparing its bytes in place with the key
 * there last time, and errors are formatted off the fast path.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#if defined(__SSE2__) && !defined(SCAN_NO_SWAR)
#include <emmintrin.h>
#endif

/*
 * jansson's JSON_PARSER_MAX_DEPTH: every value counts, the top one is 1, so
 * 2048 empty arrays nest but 2048 arrays around a number do not.
 */
#define MAXDEPTH 2048

typedef unsigned char uchar;

/*
 * A member key as the last line had it: the bytes from its opening quote
 * (in a flat template, from the '{' or ',' before it) through the colon
 * after it, at most 16 (w, zero-padded, with the mask m of those in use),
 * and the child it names.
 */
struct seen {
	uint64_t w[2], m[2];
	const struct node *c;
	size_t len;
	int kind;		/* flat template: the value's, a FLAT_ */
};

/*
 * The lines of a stream mostly repeat their keys in the same order, so an
 * object node remembers the keys of the last object it walked: a member
 * whose bytes are those of the same member last time needs no key scan.
 */
#define SEEN_MAX 32

struct shape {
	size_t n;
	struct seen key[SEEN_MAX];
};

/*
 * Most streams are of flat lines of one shape: an object of plain keys
 * whose values are plain strings and numbers, no white space (an array or
 * object among them is checked in full).  The last such line is kept as
 * a template; a line that has the same bytes between its values and
 * values of the same kinds is scanned by running down the template
 * (replay), with no key to look up and no branch on what comes next.
 * Anything else, valid or not, takes the full scan.
 */
#define FLAT_MAX 32

enum { FLAT_NUMBER, FLAT_STRING, FLAT_CONTAINER };

struct flat {
	size_t n;		/* members; 0 when there is no template */
	struct seen m[FLAT_MAX];
	int covers;		/* every path is one of its members, so that
				 * a replay sets every output */
	int misses;		/* replays failed in a row */
	int used;		/* a replay of this template succeeded */
	size_t wait, backoff;	/* lines before learning is tried again */
};

struct node {
	const char *key;
	size_t klen;
	uint64_t pre;		/* prefix() of the key */
	const struct node *kid;	/* first child, or NULL */
	const struct node *next; /* next sibling, or NULL */
	size_t tlo, thi;	/* paths ending here: ord[tlo..thi) */
	size_t tend;		/* paths in this subtree: ord[tlo..tend) */
	size_t one;		/* the only path in the subtree, or NONE */
	int plain;		/* key in ASCII ' '..'~' but '"' and '\\' */
	int kidsplain;		/* every child's key is plain */
	struct shape *shape;	/* the keys last seen here (if kid) */
};

#define NONE ((size_t)-1)

struct scan_paths {
	struct node *nodes;	/* preorder, so a subtree is contiguous */
	size_t *ord;		/* path indices in node order */
	size_t n;
	char *keys;		/* the node keys, each followed by 8 NULs */
	struct shape *shapes;	/* one per node with children */
	struct flat *flat;	/* the template of the top level */
};

struct sc {
	const uchar *s, *end;
	const struct scan_paths *ps;
	struct jval *out;
	struct scan_error *e;
};

enum { C_WS = 1, C_STR = 2, C_DIG = 4 };

/* C_STR marks the bytes that end the plain ASCII run inside a string. */
static const uchar cls[256] = {
	2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 2, 2, 3, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/*
 * 2^1024 - 2^970, halfway between DBL_MAX and 2^1024: strtod rounds this
 * and everything above it to infinity (the tie goes to even, which is up),
 * and jansson calls that "real number overflow".
 */
static const char huge[] =
    "179769313486231580793728971405303415079934132710037826936173778980444"
    "968292764750946649017977587207096330286416692887910946555547851940402"
    "630657488671505820681908902000708383676273854845817711531764475730270"
    "069855571366959622842914819860834936475292719074168444365510704342711"
    "559699508093042880177904174497792";

#if defined(__GNUC__)
#define COLD __attribute__((cold, noinline))
#define INLINE inline __attribute__((always_inline))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define COLD
#define INLINE inline
#define PRINTF(f, a)
#endif

/* Sets the error and returns NULL, which every scanner passes back up. */
COLD PRINTF(3, 4) static const uchar *
fail(struct sc *sc, const uchar *at, const char *fmt, ...)
{
	va_list ap;

	sc->e->pos = at - sc->s;
	va_start(ap, fmt);
	vsnprintf(sc->e->text, sizeof(sc->e->text), fmt, ap);
	va_end(ap);
	return NULL;
}

/* Fails on the byte at, which the grammar does not allow there. */
COLD static const uchar *
unexpected(struct sc *sc, const uchar *at)
{
	if (at == sc->end)
		return fail(sc, at, "unexpected end of input");
	if (*at > 0x20 && *at < 0x7f)
		return fail(sc, at, "unexpected '%c'", *at);
	return fail(sc, at, "unexpected byte 0x%02x", *at);
}

static INLINE const uchar *
ws(const uchar *p, const uchar *end)
{
	/* compact lines have no white space: one test decides */
	if (p < end && *p > ' ')
		return p;
	while (p < end && (cls[*p] & C_WS))
		p++;
	return p;
}

/* 8 bytes at a time where that is cheap; SCAN_NO_SWAR tests the rest */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && !defined(SCAN_NO_SWAR)
#define SWAR 1
#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL
#ifdef __SSE2__
#define SSE 1		/* 16 bytes at a time in strings */
#endif

/*
 * Sets the high bit of the bytes of x (8 bytes of a string) that end its
 * plain ASCII run: '"', '\\', below 0x20, from 0x80.  Borrows can set bits
 * above the first such byte too, but never below it.
 */
static INLINE uint64_t
stops(uint64_t x)
{
	return ((x - ONES * 0x20) | ((x ^ ONES * '"') - ONES) |
	    ((x ^ ONES * '\\') - ONES) | x) & HIGH;
}
#endif

/*
 * The first min(n, 8) bytes of k as a number, to compare 8 bytes of keys
 * at once.  Reads up to 8 bytes when there are that many before end.
 */
static INLINE uint64_t
prefix(const uchar *k, size_t n, const uchar *end)
{
	uint64_t x = 0;
	size_t i;

#ifdef SWAR
	if (end - k >= 8) {
		memcpy(&x, k, 8);
		return n >= 8 ? x : x & ((1ULL << 8 * n) - 1);
	}
#else
	(void)end;
#endif
	for (i = 0; i < n && i < 8; i++)
		x |= (uint64_t)k[i] << 8 * i;
	return x;
}

/* Returns the value of 4 hex digits at p, or more than 0xffff if bad. */
static unsigned
hex4(const uchar *p, const uchar *end)
{
	unsigned u = 0, c, i;

	if (end - p < 4)
		return 0x10000;
	for (i = 0; i < 4; i++) {
		c = p[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else
			return 0x10000;
		u = u << 4 | c;
	}
	return u;
}

/* Checks the escape at q (a backslash); returns the byte after it. */
static const uchar *
escape(struct sc *sc, const uchar *q)
{
	unsigned u, lo;

	if (sc->end - q < 2)
		return fail(sc, q, "unterminated string");
	switch (q[1]) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r':
	case 't':
		return q + 2;
	case 'u':
		break;
	default:
		return fail(sc, q, "invalid escape");
	}
	if ((u = hex4(q + 2, sc->end)) > 0xffff)
		return fail(sc, q, "invalid \\u escape");
	if (u == 0)	/* jansson refuses NUL in keys and in values */
		return fail(sc, q, "\\u0000 not allowed");
	if (u < 0xd800 || u > 0xdfff)
		return q + 6;
	if (u > 0xdbff || sc->end - q < 8 || q[6] != '\\' || q[7] != 'u')
		return fail(sc, q, "lone surrogate \\u%04X", u);
	if ((lo = hex4(q + 8, sc->end)) > 0xffff)
		return fail(sc, q + 6, "invalid \\u escape");
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail(sc, q, "lone surrogate \\u%04X", u);
	return q + 12;
}

/* Checks the UTF-8 sequence whose lead byte is at q. */
static const uchar *
utf8(struct sc *sc, const uchar *q)
{
	uchar c = q[0], lo = 0x80, hi = 0xbf;
	size_t k, i;

	if (c >= 0xc2 && c <= 0xdf)
		k = 1;
	else if (c >= 0xe0 && c <= 0xef)
		k = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 3;
	else
		return fail(sc, q, "invalid UTF-8");
	/* the second byte rules out overlongs, surrogates and > U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if ((size_t)(sc->end - q) <= k || q[1] < lo || q[1] > hi)
		return fail(sc, q, "invalid UTF-8");
	for (i = 2; i <= k; i++)
		if ((q[i] & 0xc0) != 0x80)
			return fail(sc, q, "invalid UTF-8");
	return q + k + 1;
}

/*
 * The first byte at or after q that ends a plain ASCII run, or end.  With
 * padded set the line is padded as scan_line says: its control byte at
 * end stops every run, so no step needs to look where end is.
 */
static INLINE const uchar *
plain_in(const uchar *q, const uchar *end, int padded)
{
	(void)padded;
#ifdef SSE
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(' ');
	__m128i x;
	unsigned m;

	/* a signed compare with ' ' catches the bytes from 0x80 as well */
	for (; padded || end - q >= 16; q += 16) {
		x = _mm_loadu_si128((const __m128i *)q);
		m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bs)),
		    _mm_cmplt_epi8(x, space)));
		if (m != 0)
			return q + __builtin_ctz(m);
	}
#endif
#ifdef SWAR
	uint64_t y, n;

	for (; padded || end - q >= 8; q += 8) {
		memcpy(&y, q, 8);
		if ((n = stops(y)) != 0)
			return q + __builtin_ctzll(n) / 8;
	}
#endif
	while (q < end && !(cls[*q] & C_STR))
		q++;
	return q;
}

static INLINE const uchar *
plain(const uchar *q, const uchar *end)
{
	return plain_in(q, end, 0);
}

/*
 * Goes on with the string opened at p from its byte q, which ends a plain
 * run: escapes, UTF-8 and errors live here, off the fast path.
 */
static const uchar *
strrest(struct sc *sc, const uchar *p, const uchar *q, unsigned char *fl)
{
	const uchar *end = sc->end;

	for (;;) {
		if (q == end)
			return fail(sc, p, "unterminated string");
		if (*q == '"')
			return q + 1;
		if (*q == '\\') {
			*fl |= JV_ESCAPED;
			q = escape(sc, q);
		} else if (*q < 0x20)
			return fail(sc, q, "control character in string");
		else
			q = utf8(sc, q);
		if (q == NULL)
			return NULL;
		q = plain(q, end);
	}
}

/*
 * Scans the string whose opening quote is at p; returns the byte after the
 * closing quote and sets JV_ESCAPED in *fl when it holds a backslash.
 */
static INLINE const uchar *
str(struct sc *sc, const uchar *p, unsigned char *fl)
{
	const uchar *q = plain(p + 1, sc->end);

	if (q < sc->end && *q == '"')
		return q + 1;
	return strrest(sc, p, q, fl);
}

/*
 * Tells whether the real number with integer digits ip[0..ni), fraction
 * digits fp[0..nf) and exponent ex makes strtod overflow.
 */
static int
overflows(const uchar *ip, size_t ni, const uchar *fp, size_t nf,
    long long ex)
{
	const uchar *d = ip;
	size_t nd = ni, z = 0, k;
	long long e;

	/* the value is 0.DDD x 10^e, DDD without leading zeros */
	if (*ip == '0') {
		while (z < nf && fp[z] == '0')
			z++;
		if (z == nf)
			return 0;
		d = fp + z;
		nd = nf - z;
		fp = NULL;
		e = ex - (long long)z;
	} else
		e = ex + (long long)ni;
	if (e != 309)
		return e > 309;
	for (k = 0; k < sizeof(huge) - 1; k++) {
		if (nd == 0) {
			/* a prefix of huge is below it */
			if (fp == NULL || nf == 0)
				return 0;
			d = fp;
			nd = nf;
			fp = NULL;
		}
		if (*d != (uchar)huge[k])
			return *d > (uchar)huge[k];
		d++;
		nd--;
	}
	return 1;
}

/* Goes on with the number at p from q, its '.', 'e' or 'E'. */
static const uchar *
real(struct sc *sc, const uchar *p, const uchar *ip, const uchar *q)
{
	const uchar *end = sc->end, *fp = NULL, *ep;
	size_t ni = q - ip, nf = 0;
	long long ex = 0;
	int eneg = 0, big = ni > 308;

	if (*q == '.') {
		fp = ++q;
		while (q < end && (cls[*q] & C_DIG))
			q++;
		if ((nf = q - fp) == 0)
			return fail(sc, p, "invalid number");
	}
	if (q < end && (*q | 0x20) == 'e') {
		if (++q < end && (*q == '+' || *q == '-'))
			eneg = *q++ == '-';
		for (ep = q; q < end && (cls[*q] & C_DIG); q++)
			if (ex < 100000000000000000LL)	/* beyond any line */
				ex = ex * 10 + (*q - '0');
		if (q == ep)
			return fail(sc, p, "invalid number");
		big = 1;
	}
	if (big && overflows(ip, ni, fp, nf, eneg ? -ex : ex))
		return fail(sc, p, "number too big");
	return q;
}

/* Scans the number at p (a '-' or a digit) into v. */
static INLINE const uchar *
num(struct sc *sc, const uchar *p, struct jval *v)
{
	const uchar *end = sc->end, *ip = p + (*p == '-'), *q = ip, *r;
	size_t ni;

	v->type = J_NUMBER;
	while (q < end && (cls[*q] & C_DIG))
		q++;
	ni = q - ip;
	/* "01" is an error in jansson too, if a different one */
	if (ni == 0 || (*ip == '0' && ni > 1))
		return fail(sc, p, "invalid number");
	if (q < end && *q == '.') {
		/* the usual fraction: no exponent, too short to overflow */
		r = ++q;
		while (q < end && (cls[*q] & C_DIG))
			q++;
		if (q > r && ni < 309 && (q == end || (*q | 0x20) != 'e'))
			return q;
		return real(sc, p, ip, r - 1);
	}
	if (q < end && (*q | 0x20) == 'e')
		return real(sc, p, ip, q);
	/* strtoll's range, as jansson reads integers */
	if (ni >= 19 && (ni > 19 || memcmp(ip, *p == '-' ?
	    "9223372036854775808" : "9223372036854775807", 19) > 0))
		return fail(sc, p, "number too big");
	v->flags = JV_INT;
	return q;
}

/* Checks that the literal w, of n bytes, is at p. */
static const uchar *
lit(struct sc *sc, const uchar *p, const char *w, size_t n)
{
	if ((size_t)(sc->end - p) >= n && memcmp(p, w, n) == 0)
		return p + n;
	return fail(sc, p, "invalid literal");
}

/*
 * Scans the scalar at p into v.  jansson reads one byte past a number or
 * a literal and pushes it back; a NUL pushed back looks like its empty
 * buffer, so it is lost.  Hence one NUL right after such a token is
 * skipped here too (it is not part of v).
 */
static INLINE const uchar *
scalar(struct sc *sc, const uchar *p, struct jval *v)
{
	const uchar *q;

	v->p = (const char *)p;
	v->flags = 0;
	/* strings and numbers first, the rest is rare */
	if (*p == '"') {
		v->type = J_STRING;
		if ((q = str(sc, p, &v->flags)) == NULL)
			return NULL;
		v->len = q - p;
		return q;
	}
	switch (*p) {
	case '-': case '0': case '1': case '2': case '3': case '4': case '5':
	case '6': case '7': case '8': case '9':
		q = num(sc, p, v);
		break;
	case 't':
		v->type = J_TRUE;
		q = lit(sc, p, "true", 4);
		break;
	case 'f':
		v->type = J_FALSE;
		q = lit(sc, p, "false", 5);
		break;
	case 'n':
		v->type = J_NULL;
		q = lit(sc, p, "null", 4);
		break;
	default:
		return unexpected(sc, p);
	}
	if (q == NULL)
		return NULL;
	v->len = q - p;
	if (q < sc->end && *q == '\0')
		q++;
	return q;
}

/*
 * Skips the object or array at p, a value at depth d, without recursion:
 * one bit per open container says whether it is an object.
 */
static const uchar *
skip(struct sc *sc, const uchar *p, size_t d)
{
	uint64_t obj[MAXDEPTH / 64 + 1];
	const uchar *end = sc->end;
	size_t lvl = 0;
	struct jval v;
	int isobj;

	goto open;
value:
	if (d + lvl > MAXDEPTH)
		return fail(sc, p, "nesting too deep");
	if (p == end)
		return unexpected(sc, p);
	if (*p != '{' && *p != '[') {
		if ((p = scalar(sc, p, &v)) == NULL)
			return NULL;
		goto after;
	}
open:
	isobj = *p == '{';
	if (lvl % 64 == 0)
		obj[lvl / 64] = 0;
	if (isobj)
		obj[lvl / 64] |= (uint64_t)1 << lvl % 64;
	else
		obj[lvl / 64] &= ~((uint64_t)1 << lvl % 64);
	lvl++;
	p = ws(p + 1, end);
	if (p < end && *p == (isobj ? '}' : ']')) {
		p++;
		lvl--;
		goto after;
	}
	if (isobj)
		goto key;
	goto value;
after:
	if (lvl == 0)
		return p;
	p = ws(p, end);
	isobj = obj[(lvl - 1) / 64] >> (lvl - 1) % 64 & 1;
	if (p < end && *p == ',') {
		p = ws(p + 1, end);
		if (isobj)
			goto key;
		goto value;
	}
	if (p < end && *p == (isobj ? '}' : ']')) {
		p++;
		lvl--;
		goto after;
	}
	return unexpected(sc, p);
key:
	if (p == end || *p != '"')
		return unexpected(sc, p);
	v.flags = 0;
	if ((p = str(sc, p, &v.flags)) == NULL)
		return NULL;
	p = ws(p, end);
	if (p == end || *p != ':')
		return unexpected(sc, p);
	p = ws(p + 1, end);
	goto value;
}

/* Scans any value at p, at depth d, into v. */
static INLINE const uchar *
val(struct sc *sc, const uchar *p, size_t d, struct jval *v)
{
	const uchar *q;

	if (d > MAXDEPTH)
		return fail(sc, p, "nesting too deep");
	if (p == sc->end)
		return unexpected(sc, p);
	if (*p != '{' && *p != '[')
		return scalar(sc, p, v);
	v->type = *p == '{' ? J_OBJECT : J_ARRAY;
	v->flags = 0;
	if ((q = skip(sc, p, d)) == NULL)
		return NULL;
	v->p = (const char *)p;
	v->len = q - p;
	return q;
}

/*
 * Scans the value at p, at depth d, that no path asks for: the usual
 * string or number goes straight to its scanner.
 */
static INLINE const uchar *
skipval(struct sc *sc, const uchar *p, size_t d)
{
	const uchar *q;
	struct jval v;

	if (d > MAXDEPTH)
		return val(sc, p, d, &v);	/* which fails */
	if (p < sc->end && *p == '"') {
		q = plain(p + 1, sc->end);
		if (q < sc->end && *q == '"')
			return q + 1;
	} else if (p < sc->end && ((cls[*p] & C_DIG) || *p == '-')) {
		if ((q = num(sc, p, &v)) != NULL && q < sc->end && *q == '\0')
			q++;
		return q;
	}
	return val(sc, p, d, &v);
}

/*
 * Decodes one character of a string body that str() accepted, at *pp,
 * into b as UTF-8; returns its length.
 */
static size_t
unit(const uchar **pp, uchar *b)
{
	const uchar *p = *pp;
	unsigned u;

	if (*p != '\\') {
		*pp = p + 1;
		b[0] = *p;
		return 1;
	}
	*pp = p + 2;
	switch (p[1]) {
	case 'b': b[0] = '\b'; return 1;
	case 'f': b[0] = '\f'; return 1;
	case 'n': b[0] = '\n'; return 1;
	case 'r': b[0] = '\r'; return 1;
	case 't': b[0] = '\t'; return 1;
	case 'u': break;
	default: b[0] = p[1]; return 1;
	}
	u = hex4(p + 2, p + 6);
	*pp = p + 6;
	if (u >= 0xd800 && u <= 0xdbff) {
		u = 0x10000 + ((u - 0xd800) << 10) +
		    (hex4(p + 8, p + 12) - 0xdc00);
		*pp = p + 12;
	}
	if (u < 0x80) {
		b[0] = u;
		return 1;
	}
	if (u < 0x800) {
		b[0] = 0xc0 | u >> 6;
		b[1] = 0x80 | (u & 0x3f);
		return 2;
	}
	if (u < 0x10000) {
		b[0] = 0xe0 | u >> 12;
		b[1] = 0x80 | (u >> 6 & 0x3f);
		b[2] = 0x80 | (u & 0x3f);
		return 3;
	}
	b[0] = 0xf0 | u >> 18;
	b[1] = 0x80 | (u >> 12 & 0x3f);
	b[2] = 0x80 | (u >> 6 & 0x3f);
	b[3] = 0x80 | (u & 0x3f);
	return 4;
}

/* Compares the escaped key body k[0..n) with a trie key, decoding lazily. */
static int
keyeq(const uchar *k, size_t n, const struct node *c)
{
	const uchar *end = k + n, *key = (const uchar *)c->key;
	size_t left = c->klen, m;
	uchar b[4];

	while (k < end) {
		m = unit(&k, b);
		if (m > left || memcmp(b, key, m) != 0)
			return 0;
		key += m;
		left -= m;
	}
	return left == 0;
}

/* The child of nd named by the escaped key body k[0..n), if any. */
static const struct node *
matchesc(const struct node *nd, const uchar *k, size_t n)
{
	const struct node *c;

	for (c = nd->kid; c; c = c->next)
		if (keyeq(k, n, c))
			return c;
	return NULL;
}

/* Whether the plain key body k[0..n) goes on as c's after its prefix. */
static INLINE int
keyis(const uchar *k, size_t n, const uchar *end, const struct node *c)
{
	const uchar *ck = (const uchar *)c->key;
	size_t i;

	/* c->key is followed by 8 NULs, so prefix() reads it whole */
	for (i = 0; i < n; i += 8)
		if (prefix(k + i, n - i, end) != prefix(ck + 8 + i, n - i,
		    ck + 8 + n + 8))
			return 0;
	return 1;
}

/* Finds the child of nd named by the key body k[0..n), if any. */
static INLINE const struct node *
match(const struct sc *sc, const struct node *nd, const uchar *k, size_t n,
    int esc)
{
	const struct node *c;
	uint64_t pre;

	if (esc)
		return matchesc(nd, k, n);
	pre = prefix(k, n, sc->end);
	for (c = nd->kid; c; c = c->next)
		if (c->pre == pre && c->klen == n &&
		    (n <= 8 || keyis(k + 8, n - 8, sc->end, c)))
			return c;
	return NULL;
}

/*
 * Finds the child of nd whose plain key is at k, closed by a quote: then
 * the key needs no other scan.  Only one child can match so.
 */
static INLINE const struct node *
direct(const struct node *nd, const uchar *k, const uchar *end)
{
	const struct node *c;

	for (c = nd->kid; c; c = c->next)
		if ((size_t)(end - k) > c->klen && k[c->klen] == '"' &&
		    c->plain && c->pre == prefix(k, c->klen, end) &&
		    (c->klen <= 8 || keyis(k + 8, c->klen - 8, end, c)))
			return c;
	return NULL;
}

/* Whether the bytes of ks are at p, the slow way, near the line's end. */
COLD static int
seen_short(const struct seen *ks, const uchar *p, const uchar *end)
{
	uchar b[16];

	if ((size_t)(end - p) < ks->len)
		return 0;
	memcpy(b, ks->w, sizeof(b));
	return memcmp(p, b, ks->len) == 0;
}

/*
 * Whether the bytes at p are those of the member key ks last time.  With
 * padded set (scan_line) 16 bytes can be read at p, and a key, whose
 * bytes are no control bytes, cannot match across end.
 */
static INLINE int
seen_in(const struct seen *ks, const uchar *p, const uchar *end, int padded)
{
#ifdef SWAR
	uint64_t a, b;

	if (!padded && end - p < 16)
		return seen_short(ks, p, end);
	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	return (((a ^ ks->w[0]) & ks->m[0]) | ((b ^ ks->w[1]) & ks->m[1])) ==
	    0;
#else
	(void)padded;
	return seen_short(ks, p, end);
#endif
}

static INLINE int
seen(const struct seen *ks, const uchar *p, const uchar *end)
{
	return seen_in(ks, p, end, 0);
}

/* Makes ks the n bytes at k (n <= 16), naming c. */
static void
pack(struct seen *ks, const uchar *k, size_t n, const struct node *c)
{
	uchar b[16] = { 0 }, m[16] = { 0 };

	memcpy(b, k, n);
	memset(m, 0xff, n);
	memcpy(ks->w, b, sizeof(b));
	memcpy(ks->m, m, sizeof(m));
	ks->c = c;
	ks->len = n;
	ks->kind = FLAT_NUMBER;
}

/*
 * Remembers k[0..n), a key with its quotes and colon, as member i of the
 * objects at nd, naming c; a different key there forgets those after it.
 */
static void
remember(const struct node *nd, size_t i, const uchar *k, size_t n,
    const struct node *c)
{
	struct shape *sh = nd->shape;
	struct seen ks, *was;

	if (i >= SEEN_MAX || n > 16 || i > sh->n)
		return;
	was = sh->key + i;
	pack(&ks, k, n, c);
	if (i < sh->n && was->w[0] == ks.w[0] && was->w[1] == ks.w[1] &&
	    was->len == n)
		return;
	*was = ks;
	sh->n = i + 1;
}

/*
 * Scans the key of a member at p, an opening quote, of an object at nd
 * and the colon after it; sets *cp to the child it names (or NULL) and
 * returns the byte after the colon.
 */
static const uchar *
key(struct sc *sc, const struct node *nd, const uchar *p, size_t i,
    const struct node **cp)
{
	const uchar *end = sc->end, *k = p;
	const struct node *c;
	unsigned char fl = 0;

	if ((c = direct(nd, k + 1, end)) != NULL)
		p = k + c->klen + 2;
	else {
		if ((p = str(sc, p, &fl)) == NULL)
			return NULL;
		/* a plain key not met above names no child */
		if (fl || !nd->kidsplain)
			c = match(sc, nd, k + 1, p - k - 2, fl);
	}
	*cp = c;
	if (p < end && *p == ':') {
		remember(nd, i, k, p + 1 - k, c);
		return p + 1;
	}
	p = ws(p, end);
	if (p == end || *p != ':')
		return unexpected(sc, p);
	return p + 1;
}

/* Sets the outputs of the paths that end at c to v. */
static INLINE void
give(struct sc *sc, const struct node *c, const struct jval *v)
{
	size_t i;

	if (c->one != NONE)
		sc->out[c->one] = *v;
	else
		for (i = c->tlo; i < c->thi; i++)
			sc->out[sc->ps->ord[i]] = *v;
}

/*
 * Scans the object at p (depth d), whose trie node nd has children,
 * filling the outputs of the paths below nd.
 */
static const uchar *
pobj(struct sc *sc, const uchar *p, size_t d, const struct node *nd)
{
	const struct scan_paths *ps = sc->ps;
	const struct shape *sh = nd->shape;
	const uchar *end = sc->end, *q;
	const struct node *c;
	struct jval v;
	size_t i, m;

	/* each test looks for the expected byte before any white space */
	if (++p == end || *p != '"') {
		p = ws(p, end);
		if (p < end && *p == '}')
			return p + 1;
	}
	for (m = 0;; m++) {
		if (p == end || *p != '"') {
			p = ws(p, end);
			if (p == end || *p != '"')
				return unexpected(sc, p);
		}
		if (m < sh->n && seen(&sh->key[m], p, end)) {
			c = sh->key[m].c;
			p += sh->key[m].len;
		} else if ((p = key(sc, nd, p, m, &c)) == NULL)
			return NULL;
		p = ws(p, end);
		if (c == NULL) {
			if ((p = skipval(sc, p, d + 1)) == NULL)
				return NULL;
		} else {
			/* a later duplicate replaces all an earlier one gave */
			if (c->one == NONE)
				for (i = c->thi; i < c->tend; i++)
					sc->out[ps->ord[i]].type = J_NONE;
			if (c->kid && p < end && *p == '{' && d < MAXDEPTH) {
				if ((q = pobj(sc, p, d + 1, c)) == NULL)
					return NULL;
				v.type = J_OBJECT;
				v.flags = 0;
				v.p = (const char *)p;
				v.len = q - p;
			} else if ((q = val(sc, p, d + 1, &v)) == NULL)
				return NULL;
			give(sc, c, &v);
			p = q;
		}
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		p = ws(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '}')
			return p + 1;
		return unexpected(sc, p);
	}
}

/*
 * The walks over a container that scan_object accepted trust it: they
 * read only as much as finding each entry's end takes, and never past the
 * container's end whatever it holds.
 */

/* Their classes of bytes: those of numbers, and those that open, close
 * or quote. */
enum { T_NUM = 1, T_REAL = 2, T_OPEN = 4, T_CLOSE = 8, T_QUOTE = 16 };

static const uchar tcls[256] = {
	['0'] = T_NUM, ['1'] = T_NUM, ['2'] = T_NUM, ['3'] = T_NUM,
	['4'] = T_NUM, ['5'] = T_NUM, ['6'] = T_NUM, ['7'] = T_NUM,
	['8'] = T_NUM, ['9'] = T_NUM, ['-'] = T_NUM,
	['+'] = T_NUM | T_REAL, ['.'] = T_NUM | T_REAL,
	['e'] = T_NUM | T_REAL, ['E'] = T_NUM | T_REAL,
	['['] = T_OPEN, ['{'] = T_OPEN, [']'] = T_CLOSE, ['}'] = T_CLOSE,
	['"'] = T_QUOTE,
};

/* The byte after the string whose opening quote is at p; JV_ESCAPED in
 * *fl when it holds a backslash. */
static const uchar *
tstr(const uchar *p, const uchar *end, unsigned char *fl)
{
	const uchar *q = p + 1;

	for (;;) {
		q = plain(q, end);
		if (q >= end)
			return end;
		if (*q == '"')
			return q + 1;
		if (*q == '\\') {
			*fl |= JV_ESCAPED;
			q++;
		}
		q++;
	}
}

/* The value at p, a valid one: v gets its type, flags and span. */
static const uchar *
tval(const uchar *p, const uchar *end, struct jval *v)
{
	const uchar *q = p;
	unsigned char fl = 0;
	size_t depth = 0;

	v->p = (const char *)p;
	switch (*p) {
	case '"':
		v->type = J_STRING;
		q = tstr(p, end, &fl);
		break;
	case '{':
	case '[':
		v->type = *p == '{' ? J_OBJECT : J_ARRAY;
		for (;;) {
			while (q < end && !(tcls[*q] & (T_OPEN | T_CLOSE |
			    T_QUOTE)))
				q++;
			if (q >= end)
				break;
			if (*q == '"') {
				q = tstr(q, end, &fl);
				continue;
			}
			if (tcls[*q++] & T_OPEN)
				depth++;
			else if (--depth == 0)
				break;
		}
		fl = 0;
		break;
	case 't':
	case 'n':
	case 'f':
		v->type = *p == 't' ? J_TRUE : *p == 'n' ? J_NULL : J_FALSE;
		q = p + (*p == 'f' ? 5 : 4);
		break;
	default:
		/* a valid integer token fits int64: jansson takes no other */
		v->type = J_NUMBER;
		for (; q < end && (tcls[*q] & T_NUM); q++)
			fl |= tcls[*q];
		fl = fl & T_REAL ? 0 : JV_INT;
	}
	if (q > end)
		q = end;
	v->flags = fl;
	v->len = (size_t)(q - p);
	/* the NUL that jansson loses after a number or a literal */
	if (v->type != J_STRING && v->type != J_OBJECT && v->type != J_ARRAY &&
	    q < end && *q == '\0')
		q++;
	return q;
}

#ifdef SWAR
/* How many of the 8 bytes at p are digits before the first that is not:
 * 8 when all are.  A byte is a digit when its high nibble is 3, and 6
 * more leaves it so; carries only go up, past the first other byte. */
static INLINE size_t
digit_run(const uchar *p)
{
	uint64_t x, other;

	memcpy(&x, p, 8);
	other = ((x & ONES * 0xf0) ^ ONES * 0x30) |
	    (((x + ONES * 6) & ONES * 0xf0) ^ ONES * 0x30);
	return other ? (size_t)__builtin_ctzll(other) / 8 : 8;
}

/* The value of the n digits at p (0 < n <= 8), 8 bytes readable there:
 * moved to the top of a word, under zeros, and summed in pairs, fours
 * and eights. */
static INLINE uint64_t
digits_value(const uchar *p, size_t n)
{
	uint64_t x;

	memcpy(&x, p, 8);
	x = (x & ONES * 0x0f) << 8 * (8 - n);
	x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffULL;
	x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffULL;
	return (x * 10000 + (x >> 32)) & 0xffffffffULL;
}
#endif

#ifdef SWAR
/* Where a run of digits ends, and with read set its value. */
struct digits {
	const uchar *end;
	uint64_t value;
};

/*
 * Reads on from q, the first of at least 8 digits with 8 bytes readable
 * there (end - q >= 8): 8 at a time while 8 bytes are left to read,
 * then the rest of the run in one more step where 8 bytes still are,
 * else one by one (a time in ms: two steps).  Out of line, and by
 * value, so that the short numbers' path keeps its registers.
 */
static __attribute__((noinline)) struct digits
long_digits(const uchar *q, const uchar *end, int read)
{
	/* scan.c stands alone: not num.c's table */
	static const uint32_t tens[8] = { 1, 10, 100, 1000, 10000, 100000,
	    1000000, 10000000 };
	struct digits r = { q, 0 };
	size_t run = 0;

	do {
		if (read)
			r.value = r.value * 100000000 + digits_value(r.end, 8);
		r.end += 8;
	} while (end - r.end >= 8 && (run = digit_run(r.end)) == 8);
	if (end - r.end >= 8) {
		if (read && run > 0)
			r.value = r.value * tens[run] +
			    digits_value(r.end, run);
		r.end += run;
		return r;
	}
	for (; r.end < end && (cls[*r.end] & C_DIG); r.end++)
		if (read)
			r.value = r.value * 10 + ((uint64_t)*r.end - '0');
	return r;
}
#endif

/*
 * The number at p as a flat template takes it, -?(0|[1-9][0-9]*)(.[0-9]+)?
 * with 19 integer digits at most, and an integer within int64: so that it
 * is valid; NULL for any other (which may be valid too).  With read set,
 * a number of at most 19 digits also gets its value (JV_DIGITS).  With
 * padded set, as plain_in: no digit run passes end.
 */
static INLINE const uchar *
flatnum(const uchar *p, const uchar *end, struct jval *v, int read,
    int padded)
{
	const uchar *q = p + ((padded || p < end) && *p == '-'), *d = q, *f;
	uint64_t m = 0;
	size_t nd;

#ifdef SWAR
	size_t run;

	/* a short number in one step, a long one 8 digits a step */
	if (padded || end - q >= 8) {
		if ((run = digit_run(q)) == 8) {
			struct digits r = long_digits(q, end, read);

			q = r.end;
			m = r.value;
		} else {
			if (read && run > 0)
				m = digits_value(q, run);
			q += run;
		}
	} else
#endif
	for (; (padded || q < end) && (cls[*q] & C_DIG); q++)
		if (read)
			m = m * 10 + ((uint64_t)*q - '0');
	nd = q - d;
	if (nd == 0 || (*d == '0' && nd > 1) || (nd > 18 && (nd > 19 ||
	    ((q == end || *q != '.') && memcmp(d, d > p ?
	    "9223372036854775808" : "9223372036854775807", 19) > 0))))
		return NULL;
	v->type = J_NUMBER;
	v->flags = JV_INT;
	f = q;
	if ((padded || q < end) && *q == '.') {
		/* byte by byte: mostly a digit or two */
		for (f = ++q; (padded || q < end) && (cls[*q] & C_DIG); q++)
			if (read)
				m = m * 10 + ((uint64_t)*q - '0');
		if (q == f)
			return NULL;
		v->flags = 0;
		nd += q - f;
	}
	if (read && nd <= 19) {
		v->flags |= JV_DIGITS;
		v->point = (unsigned char)(q - f);
		v->digits = m;
	}
	return q;
}

/*
 * Scans the line at p, its first byte, as the template f says, filling
 * the outputs; returns the byte after the closing brace, or NULL when the
 * line is not one that f describes, valid or not.  padded: the line is
 * scan_line's.
 */
static INLINE const uchar *
replay(struct sc *sc, const struct flat *f, const uchar *p, int padded)
{
	const uchar *end = sc->end, *q;
	const struct seen *ms;
	struct jval v;
	size_t i;

	for (i = 0; i < f->n; i++) {
		ms = &f->m[i];
		if (!seen_in(ms, p, end, padded))
			return NULL;
		p += ms->len;
		v.p = (const char *)p;
		if (ms->kind == FLAT_STRING) {
			if ((!padded && p == end) || *p != '"')
				return NULL;
			q = plain_in(p + 1, end, padded);
			if ((!padded && q == end) || *q != '"')
				return NULL;
			q++;
			v.type = J_STRING;
			v.flags = 0;
		} else if (ms->kind == FLAT_NUMBER) {
			if ((q = ms->c == NULL ? flatnum(p, end, &v, 0,
			    padded) : flatnum(p, end, &v, 1, padded)) == NULL)
				return NULL;
		} else {
			if (p == end || (*p != '[' && *p != '{') ||
			    (q = skip(sc, p, 2)) == NULL)
				return NULL;
			v.type = *p == '{' ? J_OBJECT : J_ARRAY;
			v.flags = 0;
		}
		v.len = q - p;
		if (ms->c != NULL)
			give(sc, ms->c, &v);
		p = q;
	}
	if ((!padded && p == end) || *p != '}')
		return NULL;
	return p + 1;
}

/*
 * Leaves f without a template for a while: twice as many lines as the
 * last time, up to 1024, so that a stream whose lines are not of one
 * shape spends little on learning and on replays that fail.
 */
static void
back_off(struct flat *f)
{
	f->n = 0;
	f->backoff = f->backoff == 0 ? 1 : f->backoff < 1024 ?
	    2 * f->backoff : 1024;
	f->wait = f->backoff;
}

/* How many paths the template f gives a value: each path once, however
 * many members of one key it has. */
static size_t
covered(const struct flat *f)
{
	const struct node *c;
	size_t i, j, n = 0;

	for (i = 0; i < f->n; i++) {
		if ((c = f->m[i].c) == NULL)
			continue;
		for (j = 0; j < i && f->m[j].c != c; j++)
			;
		if (j == i)
			n += c->one != NONE ? 1 : c->thi - c->tlo;
	}
	return n;
}

/*
 * Makes f the template of the line, which the full scan has just
 * accepted, when it is flat as struct flat says; else it backs off.
 */
static void
learn(struct sc *sc, struct flat *f)
{
	const uchar *p = sc->s, *end = sc->end, *q;
	const struct node *c;
	struct jval v;
	size_t i;

	if (f->used)
		f->backoff = 0;	/* the last template served: start again */
	f->n = 0;
	f->misses = 0;
	f->used = 0;
	if (p == end || *p != '{')
		goto no;
	for (i = 0;; i++) {
		/* at the '{' or ',' before a member */
		if (i == FLAT_MAX || end - p < 2 || p[1] != '"')
			goto no;
		q = plain(p + 2, end);
		if (end - q < 2 || q[0] != '"' || q[1] != ':' || q + 2 - p > 16)
			goto no;
		c = match(sc, sc->ps->nodes, p + 2, q - p - 2, 0);
		if (c != NULL && c->kid != NULL)
			goto no;
		pack(&f->m[i], p, q + 2 - p, c);
		q += 2;
		if (q < end && *q == '"') {
			f->m[i].kind = FLAT_STRING;
			q = plain(q + 1, end);
			if (q == end || *q++ != '"')
				goto no;
		} else if (q < end && (*q == '[' || *q == '{')) {
			f->m[i].kind = FLAT_CONTAINER;
			q = tval(q, end, &v);
		} else if ((q = flatnum(q, end, &v, 0, 0)) == NULL) {
			goto no;
		}
		if (q < end && *q == '}')
			break;
		if (q == end || *q != ',')
			goto no;
		p = q;
	}
	f->n = i + 1;
	f->covers = covered(f) == sc->ps->n;
	return;
no:
	back_off(f);
}

/* Resets out, so that a path that is absent reads J_NONE. */
static void
clear(const struct scan_paths *ps, struct jval *out)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		out[i].p = NULL;
		out[i].len = 0;
		out[i].type = J_NONE;
		out[i].flags = 0;
	}
}

/*
 * The full scan, for a line the template did not fit or when there is
 * none: resets all of out first and fills it on the way (after an error
 * out is only partly filled).  Two such lines in a row make a new
 * template, or, when this one never fitted a line, none for a while.
 */
static int
full(struct sc *sc)
{
	const struct scan_paths *ps = sc->ps;
	struct flat *f = ps->flat;
	struct jval v;
	const uchar *p, *q;

	clear(ps, sc->out);
	p = ws(sc->s, sc->end);
	if (p < sc->end && *p == '{' && ps->nodes[0].kid != NULL)
		q = pobj(sc, p, 1, ps->nodes);
	else
		q = val(sc, p, 1, &v);
	if (q == NULL)
		return -1;
	if (ws(q, sc->end) != sc->end) {
		fail(sc, ws(q, sc->end), *p == '{' ?
		    "trailing characters after object" :
		    "trailing characters after value");
		return -1;
	}
	if (*p != '{') {
		fail(sc, p, "not an object");
		return -1;
	}
	if (f->n != 0 && f->misses >= 2 && !f->used)
		back_off(f);
	else if (f->n != 0 ? f->misses >= 2 : f->wait == 0 ||
	    --f->wait == 0)
		learn(sc, f);
	return 0;
}

/* scan_object and scan_line: the template first, and the full scan for a
 * line it does not fit. */
static INLINE int
scan(const struct scan_paths *ps, const char *s, size_t n,
    struct jval *out, struct scan_error *e, int padded)
{
	struct flat *f = ps->flat;
	struct sc sc;
	const uchar *q;

	sc.s = (const uchar *)s;
	sc.end = sc.s + n;
	sc.ps = ps;
	sc.out = out;
	sc.e = e;
	if (f->n != 0) {
		if (!f->covers)
			clear(ps, out);
		if ((q = replay(&sc, f, sc.s, padded)) != NULL &&
		    ws(q, sc.end) == sc.end) {
			f->misses = 0;
			f->used = 1;
			return 0;
		}
		f->misses++;
	}
	return full(&sc);
}

int
scan_object(const struct scan_paths *ps, const char *s, size_t n,
    struct jval *out, struct scan_error *e)
{
	return scan(ps, s, n, out, e, 0);
}

int
scan_line(const struct scan_paths *ps, const char *s, size_t n,
    struct jval *out, struct scan_error *e)
{
	return scan(ps, s, n, out, e, 1);
}

/* Where the next entry of the container v starts, from pos (0: its first
 * byte, the bracket), past a comma. */
static const uchar *
next_entry(const struct jval *v, size_t pos, const uchar *end)
{
	const uchar *p = ws((const uchar *)v->p + pos + (pos == 0), end);

	if (p < end && *p == ',')
		p = ws(p + 1, end);
	return p;
}

int
jv_element(const struct jval *v, size_t *pos, struct jval *out)
{
	const uchar *s = (const uchar *)v->p, *end = s + v->len, *p;

	p = next_entry(v, *pos, end);
	if (p >= end || *p == ']')
		return 0;
	*pos = (size_t)(tval(p, end, out) - s);
	return 1;
}

int
jv_member(const struct jval *v, size_t *pos, struct jval *key,
    struct jval *value)
{
	const uchar *s = (const uchar *)v->p, *end = s + v->len, *p;

	p = next_entry(v, *pos, end);
	if (p >= end || *p != '"')
		return 0;
	p = ws(tval(p, end, key), end);
	if (p >= end || *p != ':')
		return 0;
	*pos = (size_t)(tval(ws(p + 1, end), end, value) - s);
	return 1;
}

int
jv_int(const struct jval *v, int64_t *x)
{
	uint64_t u = 0;
	size_t i;

	if (v->type != J_NUMBER || !(v->flags & JV_INT))
		return -1;
	/* a token the scanner took as an integer fits int64 */
	if (v->flags & JV_DIGITS)
		u = v->digits;
	else
		for (i = v->p[0] == '-'; i < v->len; i++)
			u = u * 10 + (uint64_t)(v->p[i] - '0');
	*x = v->p[0] == '-' ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

int
scan_number(const char *s, size_t n)
{
	struct scan_error e;
	struct sc sc;
	struct jval v;
	const uchar *p = (const uchar *)s;

	if (n == 0 || (*p != '-' && (*p < '0' || *p > '9')))
		return 0;
	memset(&sc, 0, sizeof(sc));
	sc.s = p;
	sc.end = p + n;
	sc.e = &e;
	return num(&sc, p, &v) == sc.end;
}

/* Trusts v to come from scan_object: its escapes are valid. */
size_t
jv_unescape(const struct jval *v, char *dst)
{
	const uchar *p, *end, *bs;
	uchar *d = (uchar *)dst;

	if (v->len < 2)
		return 0;
	p = (const uchar *)v->p + 1;
	end = (const uchar *)v->p + v->len - 1;
	while (p < end) {
		if ((bs = memchr(p, '\\', end - p)) == NULL)
			bs = end;
		memcpy(d, p, bs - p);
		d += bs - p;
		p = bs;
		if (p < end)
			d += unit(&p, d);
	}
	return d - (uchar *)dst;
}

/*
 * The trie is built in a scratch tree (first child, next sibling, in the
 * order the paths name them) and then laid out in preorder.
 */
struct tnode {
	const char *key;
	size_t klen, kid, last, next, parent;
};

static size_t
tchild(struct tnode *t, size_t *nt, size_t at, const char *key, size_t klen)
{
	size_t c;

	for (c = t[at].kid; c; c = t[c].next)
		if (t[c].klen == klen && memcmp(t[c].key, key, klen) == 0)
			return c;
	c = (*nt)++;
	t[c].key = key;
	t[c].klen = klen;
	t[c].kid = t[c].last = t[c].next = 0;
	t[c].parent = at;
	if (t[at].kid == 0)
		t[at].kid = c;
	else
		t[t[at].last].next = c;
	t[at].last = c;
	return c;
}

static void
layout(struct scan_paths *ps, struct tnode *t, size_t nt, size_t *term,
    size_t *pre, size_t *idx, size_t *size, size_t *stack)
{
	struct node *nd = ps->nodes;
	const struct node *c0;
	size_t np = 0, sp = 0, v, c, i, j, k;

	/* preorder, pushing children reversed so the first comes out first */
	stack[sp++] = 0;
	while (sp) {
		v = stack[--sp];
		idx[v] = np;
		pre[np++] = v;
		for (c = t[v].kid, k = sp; c; c = t[c].next)
			stack[sp++] = c;
		for (j = sp; k + 1 < j; k++, j--) {
			c = stack[k];
			stack[k] = stack[j - 1];
			stack[j - 1] = c;
		}
	}
	for (i = 0; i < nt; i++)
		size[i] = 1;
	for (i = nt; i-- > 1;)
		size[idx[t[pre[i]].parent]] += size[i];
	for (i = 0, k = 0; i < nt; i++) {
		v = pre[i];
		memcpy(ps->keys + k, t[v].key, t[v].klen);
		nd[i].key = ps->keys + k;
		nd[i].klen = t[v].klen;
		nd[i].pre = prefix((const uchar *)nd[i].key, t[v].klen,
		    (const uchar *)nd[i].key + t[v].klen + 8);
		k += t[v].klen + 8;
		nd[i].kid = t[v].kid ? nd + idx[t[v].kid] : NULL;
		nd[i].next = t[v].next ? nd + idx[t[v].next] : NULL;
		nd[i].tlo = nd[i].thi = 0;
		nd[i].shape = ps->shapes + i;
	}
	/* count paths per node, then place them in node order */
	for (i = 0; i < ps->n; i++)
		nd[idx[term[i]]].thi++;
	for (i = 0, k = 0; i < nt; i++) {
		nd[i].tlo = k;
		k += nd[i].thi;
		nd[i].thi = nd[i].tlo;
	}
	for (i = 0; i < ps->n; i++)
		ps->ord[nd[idx[term[i]]].thi++] = i;
	for (i = 0; i < nt; i++) {
		nd[i].plain = 1;
		for (k = 0; k < nd[i].klen; k++)
			if ((uchar)nd[i].key[k] < 0x20 || (uchar)nd[i].key[k] >
			    0x7e || nd[i].key[k] == '"' || nd[i].key[k] == '\\')
				nd[i].plain = 0;
	}
	for (i = 0; i < nt; i++) {
		nd[i].kidsplain = 1;
		for (c0 = nd[i].kid; c0; c0 = c0->next)
			nd[i].kidsplain &= c0->plain;
		nd[i].tend = nd[i + size[i] - 1].thi;
		nd[i].one = nd[i].tend - nd[i].tlo == 1 && nd[i].thi ==
		    nd[i].tend ? ps->ord[nd[i].tlo] : NONE;
	}
}

/*
 * Cuts text (n paths, each NUL-terminated, in a row) at its dots into the
 * scratch tree; term[i] gets the node where path i ends.
 */
static size_t
tbuild(struct tnode *t, char *text, size_t n, size_t *term)
{
	size_t nt = 1, i, at;
	char *p = text, *dot;

	t[0].key = "";
	for (i = 0; i < n; i++) {
		for (at = 0;; p = dot + 1) {
			if ((dot = strchr(p, '.')) != NULL)
				*dot = '\0';
			at = tchild(t, &nt, at, p, strlen(p));
			if (dot == NULL)
				break;
		}
		p += strlen(p) + 1;
		term[i] = at;
	}
	return nt;
}

/*
 * The trie and everything scan_object needs live in seven allocations that
 * scan_free releases; the scratch tree is freed before returning.
 */
int
scan_path_valid(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i <= n; i++)
		if ((i == n || p[i] == '.') && (i == 0 || p[i - 1] == '.'))
			return 0;
	return 1;
}

struct scan_paths *
scan_compile(const char *const *paths, size_t n)
{
	struct scan_paths *ps;
	struct tnode *t;
	size_t *scr, len = 0, max = 1, nt, i, l;
	const char *q;
	char *text;

	for (i = 0; i < n; i++) {
		len += strlen(paths[i]) + 1;
		for (q = paths[i]; (q = strchr(q, '.')) != NULL; q++)
			max++;
		max++;
	}
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return NULL;
	ps->n = n;
	ps->keys = calloc(len + 8 * max, 1);
	ps->nodes = calloc(max, sizeof(*ps->nodes));
	ps->ord = calloc(n ? n : 1, sizeof(*ps->ord));
	ps->shapes = calloc(max, sizeof(*ps->shapes));
	ps->flat = calloc(1, sizeof(*ps->flat));
	text = malloc(len ? len : 1);
	t = calloc(max, sizeof(*t));
	scr = calloc(4 * max + n + 1, sizeof(*scr));
	if (ps->keys && ps->nodes && ps->ord && ps->shapes && ps->flat &&
	    text && t && scr) {
		for (i = 0, len = 0; i < n; i++, len += l) {
			l = strlen(paths[i]) + 1;
			memcpy(text + len, paths[i], l);
		}
		nt = tbuild(t, text, n, scr + 4 * max);
		layout(ps, t, nt, scr + 4 * max, scr, scr + max,
		    scr + 2 * max, scr + 3 * max);
	} else {
		scan_free(ps);
		ps = NULL;
	}
	free(text);
	free(t);
	free(scr);
	return ps;
}

/* Takes NULL too, as free does. */
void
scan_free(struct scan_paths *ps)
{
	if (ps == NULL)
		return;
	free(ps->keys);
	free(ps->nodes);
	free(ps->ord);
	free(ps->shapes);
	free(ps->flat);
	free(ps);
}
