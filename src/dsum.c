#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsum.h"
#include "util.h"

/* A big integer's magnitude, least significant limb first, and its sign. */
struct dsum_big {
	uint32_t *limb;
	size_t n, cap;
	int neg;
};

/* A double midpoint has at most 767 significant digits: with more than
 * that and a sticky digit after them, strtod rounds as the exact value
 * would (see ratio()). */
#define EXACT_DIGITS 800

/* *v times 10^k; 0 when that leaves 128 bits (then *v is undefined). */
static int
mul_pow10(__int128 *v, int64_t k)
{
	while (k-- > 0)
		if (__builtin_mul_overflow(*v, 10, v))
			return 0;
	return 1;
}

/* ---- big integers: just what exact sums need ---- */

static void
big_reserve(struct dsum_big *b, size_t n)
{
	if (n <= b->cap)
		return;
	b->cap = n + n / 2 + 4;
	b->limb = xreallocarray(b->limb, b->cap, sizeof(*b->limb));
}

static void
big_trim(struct dsum_big *b)
{
	while (b->n > 0 && b->limb[b->n - 1] == 0)
		b->n--;
	if (b->n == 0)
		b->neg = 0;
}

/* b = b * f + add */
static void
big_mul_add(struct dsum_big *b, uint32_t f, uint32_t add)
{
	uint64_t carry = add;
	size_t i;

	for (i = 0; i < b->n; i++) {
		carry += (uint64_t)b->limb[i] * f;
		b->limb[i] = (uint32_t)carry;
		carry >>= 32;
	}
	if (carry) {
		big_reserve(b, b->n + 1);
		b->limb[b->n++] = (uint32_t)carry;
	}
}

static void
big_mul_pow(struct dsum_big *b, uint32_t base, int64_t k)
{
	uint32_t chunk = 1;

	/* as many factors at a time as fit 32 bits */
	for (; k > 0; k--) {
		if ((uint64_t)chunk * base > UINT32_MAX) {
			big_mul_add(b, chunk, 0);
			chunk = 1;
		}
		chunk *= base;
	}
	if (chunk > 1)
		big_mul_add(b, chunk, 0);
}

static void
big_set_u128(struct dsum_big *b, unsigned __int128 v, int neg)
{
	b->n = 0;
	big_reserve(b, 4);
	for (; v; v >>= 32)
		b->limb[b->n++] = (uint32_t)v;
	b->neg = neg;
	big_trim(b);
}

static int
mag_cmp(const struct dsum_big *a, const struct dsum_big *b)
{
	size_t i;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = a->n; i-- > 0;)
		if (a->limb[i] != b->limb[i])
			return a->limb[i] < b->limb[i] ? -1 : 1;
	return 0;
}

/* |a| = |a| + |b| */
static void
mag_add(struct dsum_big *a, const struct dsum_big *b)
{
	uint64_t carry = 0;
	size_t i, n = a->n > b->n ? a->n : b->n;

	big_reserve(a, n + 1);
	for (i = a->n; i < n; i++)
		a->limb[i] = 0;
	for (i = 0; i < n; i++) {
		carry += (uint64_t)a->limb[i] + (i < b->n ? b->limb[i] : 0);
		a->limb[i] = (uint32_t)carry;
		carry >>= 32;
	}
	a->limb[n] = (uint32_t)carry;
	a->n = n + 1;
	big_trim(a);
}

/* |a| = |big| - |small|, where |big| >= |small|; a may be either. */
static void
mag_sub(struct dsum_big *a, const struct dsum_big *big,
    const struct dsum_big *small)
{
	int64_t borrow = 0;
	size_t i, n = big->n;

	big_reserve(a, n);
	for (i = 0; i < n; i++) {
		int64_t v = (int64_t)big->limb[i] - borrow -
		    (i < small->n ? small->limb[i] : 0);

		borrow = v < 0;
		a->limb[i] = (uint32_t)(v + (borrow << 32));
	}
	a->n = n;
	big_trim(a);
}

/* a += b, signed */
static void
big_add(struct dsum_big *a, const struct dsum_big *b)
{
	int neg;

	if (b->n == 0)
		return;
	if (a->n == 0 || a->neg == b->neg) {
		neg = b->neg;
		mag_add(a, b);
	} else if (mag_cmp(a, b) >= 0) {
		neg = a->neg;
		mag_sub(a, a, b);
	} else {
		neg = b->neg;
		mag_sub(a, b, a);
	}
	a->neg = neg;
	big_trim(a);
}

/* b = b / d; returns the remainder.  d > 0. */
static uint64_t
big_divmod(struct dsum_big *b, uint64_t d)
{
	unsigned __int128 r = 0;
	size_t i;

	for (i = b->n; i-- > 0;) {
		r = r << 32 | b->limb[i];
		b->limb[i] = (uint32_t)(r / d);
		r %= d;
	}
	big_trim(b);
	return (uint64_t)r;
}

/* Appends b's magnitude in decimal ("0" for zero); empties b. */
static void
big_put_decimal(struct dsum_big *b, struct buf *out)
{
	uint32_t *chunk = xreallocarray(NULL, b->n * 10 / 9 + 2,
	    sizeof(*chunk));
	size_t n = 0;

	do
		chunk[n++] = (uint32_t)big_divmod(b, 1000000000);
	while (b->n > 0);
	buf_printf(out, "%u", chunk[--n]);
	while (n-- > 0)
		buf_printf(out, "%09u", chunk[n]);
	free(chunk);
}

/* ---- terms ---- */

/*
 * The term x (text s[0..n)) as a big integer t and a scale: x = t /
 * 10^*scale.  Past DSUM_MAXSCALE digits after the point, the nearest
 * double's exact value: M * 2^E is M * 5^-E / 10^-E.
 */
static void
term_big(const struct num_dec *x, const char *s, size_t n,
    struct dsum_big *t, int64_t *scale)
{
	int64_t zeros = 0, e;
	size_t i;
	double f;
	int be;
	uint64_t m;

	t->n = 0;
	t->neg = x->neg;
	if (-x->exp <= DSUM_MAXSCALE) {
		if (!x->wide) {
			big_set_u128(t, x->mant, x->neg);
		} else {
			/* every significant digit, the trailing zeros left to
			 * exp, as num_decimal counts them */
			for (i = x->neg; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
				if (s[i] == '.')
					continue;
				if (s[i] == '0') {
					zeros += t->n > 0;
					continue;
				}
				for (; zeros > 0; zeros--)
					big_mul_add(t, 10, 0);
				big_mul_add(t, 10, (uint32_t)(s[i] - '0'));
			}
		}
		if (x->exp >= 0) {
			big_mul_pow(t, 10, x->exp);
			*scale = 0;
		} else {
			*scale = -x->exp;
		}
		return;
	}
	f = frexp(fabs(num_dec_double(x, s, n)), &be);
	m = (uint64_t)ldexp(f, 53);
	for (e = be - 53; m && !(m & 1) && e < 0; e++)
		m >>= 1;
	big_set_u128(t, m, x->neg);
	if (m == 0) {		/* below the least double: a whole 0 */
		*scale = 0;
	} else if (e >= 0) {
		big_mul_pow(t, 2, e);
		*scale = 0;
	} else {
		big_mul_pow(t, 5, -e);
		*scale = -e;
	}
}

/* Moves the sum from m to big, where it can grow. */
static void
promote(struct dsum *d)
{
	__int128 m;

	if (d->wide)
		return;
	m = d->m;
	d->big = xcalloc(1, sizeof(*d->big));
	d->wide = 1;
	big_set_u128(d->big, m < 0 ? -(unsigned __int128)m :
	    (unsigned __int128)m, m < 0);
}

/* Adds t / 10^scale to the big sum; t is scaled in place. */
static void
add_big(struct dsum *d, struct dsum_big *t, int64_t scale)
{
	if (scale > d->scale) {
		big_mul_pow(d->big, 10, scale - d->scale);
		d->scale = (int32_t)scale;
	} else {
		big_mul_pow(t, 10, d->scale - scale);
	}
	big_add(d->big, t);
}

/* dsum_add's way for the sums and terms that do not fit 128 bits, kept
 * apart so that the common way stays small. */
static __attribute__((noinline)) void
add_wide(struct dsum *d, const struct num_dec *x, const char *s, size_t n)
{
	struct dsum_big t = { 0 };
	int64_t scale;

	promote(d);
	term_big(x, s, n, &t, &scale);
	add_big(d, &t, scale);
	free(t.limb);
}

void
dsum_add_any(struct dsum *d, const struct num_dec *x, const char *s,
    size_t n)
{
	int64_t sx = x->exp < 0 ? -x->exp : 0, scale = d->scale;
	__int128 m = d->m, v = (__int128)x->mant;

	if (!x->wide && x->mant == 0)
		return;
	/* the common case: the scaled sum, and the term, fit 128 bits */
	if (!d->wide && !x->wide && sx <= 38 &&
	    (sx <= scale || mul_pow10(&m, sx - scale))) {
		if (sx > scale)
			scale = sx;
		if (mul_pow10(&v, x->exp + scale) &&
		    !__builtin_add_overflow(m, x->neg ? -v : v, &m)) {
			d->m = m;
			d->scale = (int32_t)scale;
			return;
		}
	}
	add_wide(d, x, s, n);
}

void
dsum_merge(struct dsum *dst, struct dsum *src)
{
	int32_t k = dst->scale > src->scale ? dst->scale : src->scale;
	__int128 m = dst->m, v = src->m;

	if (!dst->wide && !src->wide &&
	    mul_pow10(&m, k - dst->scale) && mul_pow10(&v, k - src->scale) &&
	    !__builtin_add_overflow(m, v, &m)) {
		dst->m = m;
		dst->scale = k;
	} else {
		promote(dst);
		promote(src);
		add_big(dst, src->big, src->scale);
	}
	dsum_free(src);
}

int
dsum_int(const struct dsum *d, int64_t *v)
{
	unsigned __int128 u = 0;
	size_t i;

	if (d->scale != 0)
		return 0;
	if (!d->wide) {
		if (d->m < INT64_MIN || d->m > INT64_MAX)
			return 0;
		*v = (int64_t)d->m;
		return 1;
	}
	if (d->big->n > 2)
		return 0;
	for (i = d->big->n; i-- > 0;)
		u = u << 32 | d->big->limb[i];
	if (u > (unsigned __int128)INT64_MAX + d->big->neg)
		return 0;
	*v = d->big->neg ? (int64_t)(0 - (uint64_t)u) : (int64_t)u;
	return 1;
}

/* The sum's numerator, a copy as a big integer, into the empty b. */
static void
numerator(const struct dsum *d, struct dsum_big *b)
{
	if (!d->wide) {
		__int128 m = d->m;

		big_set_u128(b, m < 0 ? -(unsigned __int128)m :
		    (unsigned __int128)m, m < 0);
		return;
	}
	big_reserve(b, d->big->n + 1);
	if (d->big->n)
		memcpy(b->limb, d->big->limb, d->big->n * sizeof(*b->limb));
	b->n = d->big->n;
	b->neg = d->big->neg;
}

/*
 * The big integer b (emptied) divided by den * 10^scale, rounded once:
 * its quotient and then EXACT_DIGITS significant digits of it, and a 1
 * after them when the division left more, go to strtod, which rounds
 * correctly however long its text.  No rounding boundary (a midpoint
 * between two doubles has at most 767 significant digits) lies between
 * those digits and the exact value, so both round alike.
 */
static double
ratio(struct dsum_big *b, uint64_t den, int64_t scale)
{
	struct buf text = { 0 };
	unsigned __int128 r;
	size_t sig;
	double v;

	if (b->neg)
		buf_addc(&text, '-');
	r = big_divmod(b, den);
	sig = text.len;
	big_put_decimal(b, &text);
	sig = text.len - sig;
	if (sig == 1 && text.p[text.len - 1] == '0')
		sig = 0;
	if (r) {
		buf_addc(&text, '.');
		while (r && sig < EXACT_DIGITS) {
			r *= 10;
			buf_addc(&text, (char)('0' + (int)(r / den)));
			sig += sig > 0 || r / den > 0;
			r %= den;
		}
		if (r)
			buf_addc(&text, '1');
	}
	buf_printf(&text, "e-%lld", (long long)scale);
	v = strtod(text.p, NULL);
	buf_free(&text);
	return v;
}

/* dsum_div the long way, with the big numerator: off the common path,
 * so that its frame is not paid there. */
static __attribute__((noinline)) double
div_big(const struct dsum *d, uint64_t den)
{
	struct dsum_big b = { 0 };
	double v;

	numerator(d, &b);
	v = ratio(&b, den, d->scale);
	free(b.limb);
	return v;
}

double
dsum_div(const struct dsum *d, int64_t n)
{
	uint64_t den = (uint64_t)n;
	__int128 m = d->m;
	int32_t i;

	/* exact over exact is one correct rounding, when both are doubles */
	if (!d->wide && m > -((__int128)1 << 53) &&
	    m < (__int128)1 << 53) {
		for (i = 0; i < d->scale && den < UINT64_C(1) << 53; i++)
			den *= 10;
		if (i == d->scale && den < UINT64_C(1) << 53)
			return (double)(int64_t)m / (double)den;
	}
	return div_big(d, (uint64_t)n);
}

/*
 * Makes *num, which is over n 10^scale, an integer over 10^*k with the
 * fewest digits after the point: 1, or 0 when the quotient has no such
 * form in 64 bits.
 */
static int
exact_quotient(uint64_t *num, uint64_t n, int32_t scale, size_t *k)
{
	uint64_t den, odd = n >> __builtin_ctzll(n);

	if (__builtin_mul_overflow(n, num_tens[scale], &den))
		return 0;
	/* it ends in decimal only when the part of n that is prime to 10
	 * divides num */
	while (odd % 5 == 0)
		odd /= 5;
	if (odd != 1 && *num % odd != 0)
		return 0;
	/* num grows tenfold each time, so k stays under 20 */
	for (*k = 0; *num % den != 0; (*k)++)
		if (__builtin_mul_overflow(*num, 10, num))
			return 0;
	*num /= den;
	return 1;
}

size_t
dsum_fmt_div(const struct dsum *d, int64_t n, char *dst)
{
	__int128 m = d->m;
	int64_t m64 = (int64_t)m;
	uint64_t num;
	size_t k;

	if (d->wide || m64 != m || m64 == 0 || d->scale > 19)
		return 0;
	num = m64 < 0 ? 0 - (uint64_t)m64 : (uint64_t)m64;
	if (n == 1) {
		/* the sum itself (most windows hold one record): its digits,
		 * without the zeros that end its fraction */
		for (k = (size_t)d->scale; k > 0 && num % 10 == 0; k--)
			num /= 10;
	} else if (!exact_quotient(&num, (uint64_t)n, d->scale, &k)) {
		return 0;
	}
	/* at most 15 digits, and num / 10^k from 1e-4 */
	if (num >= num_tens[15] || (k > 4 && num < num_tens[k - 4]))
		return 0;
	return num_fmt_fixed(num, k, m64 < 0, dst);
}

void
dsum_save(const struct dsum *d, struct buf *out)
{
	struct dsum_big b = { 0 };

	numerator(d, &b);
	buf_addc(out, '"');
	if (b.neg)
		buf_addc(out, '-');
	big_put_decimal(&b, out);
	buf_printf(out, "\",%ld", (long)d->scale);
	free(b.limb);
}

int
dsum_load(struct dsum *d, const char *digits, size_t n, int64_t scale)
{
	size_t neg = n > 0 && digits[0] == '-', i;
	int64_t m = 0;
	struct num_dec x;

	memset(d, 0, sizeof(*d));
	if (scale < 0 || scale > DSUM_MAXSCALE)
		return -1;
	/* the usual numerator, of 18 digits at most, read in one pass */
	for (i = neg; i < n && i - neg < 18 && digits[i] >= '0' &&
	    digits[i] <= '9'; i++)
		m = m * 10 + (digits[i] - '0');
	if (i == n && i > neg && (digits[neg] != '0' || i == neg + 1)) {
		d->m = neg ? -m : m;
		d->scale = (int32_t)scale;
		return 0;
	}
	if (!num_valid(digits, n) || memchr(digits, '.', n) ||
	    memchr(digits, 'e', n) || memchr(digits, 'E', n))
		return -1;
	/* the numerator as a sum of one whole term, then its scale */
	num_decimal(digits, n, &x);
	dsum_add_any(d, &x, digits, n);
	d->scale = (int32_t)scale;
	return 0;
}

void
dsum_free(struct dsum *d)
{
	if (d->wide) {
		free(d->big->limb);
		free(d->big);
	}
	memset(d, 0, sizeof(*d));
}
