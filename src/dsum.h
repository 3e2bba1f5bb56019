/*
 * dsum: exact sums of decimal numbers.  Each term counts at the exact
 * value of its decimal text, the sum is kept exactly and rounded once
 * when it is read, so no sum depends on the order of its terms: 0.1 plus
 * 0.2 is 0.3.  Most sums fit a scaled 128-bit integer; one that outgrows
 * it moves to a big integer and stays exact.
 */
#ifndef DSUM_H
#define DSUM_H

#include <stddef.h>
#include <stdint.h>

#include "num.h"
#include "util.h"

/* Past this many digits after the point a term counts as its nearest
 * double, whose exact value has at most 1074: so that a hostile
 * 1e-99999999 cannot ask for a number of a hundred million digits. */
#define DSUM_MAXSCALE 1100

/* 128 bits at 8-byte alignment, so that states pack without padding. */
typedef __int128 dsum_i128 __attribute__((aligned(8)));

struct dsum_big;

/* The sum is m / 10^scale, or big / 10^scale once m overflowed (wide).
 * One holds the place of the other: a window keeps two sums, and a
 * million windows take 16 MB less.  A zeroed struct dsum is the empty
 * sum. */
struct dsum {
	union {
		dsum_i128 m;		/* while !wide */
		struct dsum_big *big;	/* once wide */
	};
	int32_t scale;		/* 0 while every term is a whole number */
	unsigned char wide;
};

/*
 * Adds the number x read from its text s[0..n) (the text is read again
 * only when x is wide or very small).  Inline for the commonest term,
 * one with as many digits after the point as the sum (whole numbers to
 * a whole sum); dsum_add_any takes any.
 */
void dsum_add_any(struct dsum *d, const struct num_dec *x, const char *s,
    size_t n);

static inline void
dsum_add(struct dsum *d, const struct num_dec *x, const char *s, size_t n)
{
	__int128 v = (__int128)x->mant, m;

	if (!d->wide && x->exp == -(int64_t)d->scale && !x->wide &&
	    !__builtin_add_overflow(d->m, x->neg ? -v : v, &m)) {
		d->m = m;
	} else if (!d->wide && d->m == 0 && d->scale == 0 &&
	    !x->wide && x->exp < 0 && x->exp >= -38) {
		/* the first term of a sum: its scale is the term's */
		d->m = x->neg ? -v : v;
		d->scale = (int32_t)-x->exp;
	} else {
		dsum_add_any(d, x, s, n);
	}
}

/* dst += src; src is left empty. */
void dsum_merge(struct dsum *dst, struct dsum *src);

/* When every term was a whole number and the sum fits int64, sets *v and
 * returns 1; else 0. */
int dsum_int(const struct dsum *d, int64_t *v);

/* The sum divided by n (1 for the sum itself), rounded once to the
 * nearest double; n > 0. */
double dsum_div(const struct dsum *d, int64_t n);

/*
 * Writes the sum divided by n (n > 0) as num_fmt_double writes
 * dsum_div(d, n), when the quotient is a decimal of at most 15
 * significant digits in [1e-4, 1e15), the sum's scaled integer fits
 * int64 and n 10^scale fits 64 bits: that decimal is the shortest text
 * of its nearest double, so it is written straight from the integers.
 * dst holds NUM_MAXLEN.  Returns the length, or 0 for any other
 * quotient.
 */
size_t dsum_fmt_div(const struct dsum *d, int64_t n, char *dst);

/* Frees what the sum holds and leaves it empty. */
void dsum_free(struct dsum *d);

/*
 * For snapshots: appends the sum exactly, as "DIGITS",SCALE (a signed
 * decimal integer over 10^SCALE); dsum_load reads that back into an empty
 * sum: 0, or -1 when the text is not one.
 */
void dsum_save(const struct dsum *d, struct buf *out);
int dsum_load(struct dsum *d, const char *digits, size_t n, int64_t scale);

#endif
