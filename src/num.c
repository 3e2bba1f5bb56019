#define _POSIX_C_SOURCE 200809L
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

int
num_valid(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && isdig(s[i]))
		while (i < n && isdig(s[i]))
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (++i >= n || !isdig(s[i]))
			return 0;
		while (i < n && isdig(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !isdig(s[i]))
			return 0;
		while (i < n && isdig(s[i]))
			i++;
	}
	return i == n;
}

int
num_parse_int(const char *s, size_t n, int64_t *v)
{
	uint64_t u = 0, lim;
	size_t i = 0;
	int neg = 0;

	if (n && s[0] == '-')
		neg = 1, i = 1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (i == n)
		return -1;
	/* 18 digits cannot overflow: check only from the 19th on */
	for (; i < n && i < 18 + (size_t)neg; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9)
			return -1;
		u = u * 10 + d;
	}
	for (; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || u > (lim - d) / 10)
			return -1;
		u = u * 10 + d;
	}
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

/* Exact powers of ten a double holds: the fast paths need exactness. */
static const double pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

void
num_dec_digits(uint64_t digits, int point, int neg, struct num_dec *x)
{
	x->inttoken = point == 0;
	x->wide = 0;
	for (; point > 0 && digits % 10 == 0 && digits; point--)
		digits /= 10;
	x->mant = digits;
	x->exp = digits ? -point : 0;
	x->neg = neg && digits;
}

void
num_decimal(const char *s, size_t n, struct num_dec *x)
{
	int64_t zeros = 0, frac = 0, e = 0;
	size_t i = 0, lim;
	int nd = 0, point = 0, eneg = 0;
	uint64_t mant = 0;

	memset(x, 0, sizeof(*x));
	x->inttoken = 1;
	if (i < n && s[i] == '-')
		x->neg = 1, i++;
	/*
	 * Most numbers: a few digits, perhaps a point and a few more, 19 at
	 * most (mant is a local: a store through x per digit would not be)
	 */
	lim = n - i > 19 ? i + 19 : n;
	for (; i < lim && isdig(s[i]); i++)
		mant = mant * 10 + (uint64_t)(s[i] - '0');
	nd = (int)(i - (size_t)x->neg);
	if (i < n && s[i] == '.') {
		x->inttoken = 0;
		lim = n - i - 1 > (size_t)(19 - nd) ? i + 1 + (19 - nd) : n;
		for (i++; i < lim && isdig(s[i]); i++, frac++)
			mant = mant * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == n) {
		num_dec_digits(mant, (int)frac, x->neg, x);
		return;
	}
	/* the rest, digit by digit: value = digits * 10^-frac; zeros after
	 * the last non-zero digit wait in zeros, so that mant ends without
	 * them */
	x->mant = 0;
	x->inttoken = 1;
	nd = frac = 0;
	for (i = x->neg; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.') {
			point = 1;
			x->inttoken = 0;
			continue;
		}
		frac += point;
		if (s[i] == '0') {
			zeros += nd > 0;
			continue;
		}
		nd += 1 + (int)zeros;
		if (nd > 19) {
			x->wide = 1;
		} else {
			for (; zeros > 0; zeros--)
				x->mant *= 10;
			x->mant = x->mant * 10 + (uint64_t)(s[i] - '0');
		}
		zeros = 0;
	}
	if (i < n) {
		x->inttoken = 0;
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		/* beyond 10^17 the number is 0 or no double at all */
		for (; i < n; i++)
			if (e < INT64_C(100000000000000000))
				e = e * 10 + (s[i] - '0');
	}
	if (nd == 0) {
		x->neg = 0;
		return;
	}
	x->exp = zeros - frac + (eneg ? -e : e);
}

int
num_dec_int(const struct num_dec *x, int64_t *v)
{
	uint64_t u = x->mant, lim = x->neg ? (uint64_t)INT64_MAX + 1 :
	    (uint64_t)INT64_MAX;
	int64_t e;

	if (x->wide || x->exp < 0)
		return 0;
	for (e = x->exp; e > 0 && u; e--)
		if (__builtin_mul_overflow(u, 10, &u))
			return 0;
	if (u > lim)
		return 0;
	*v = x->neg ? (int64_t)(0 - u) : (int64_t)u;
	return 1;
}

double
num_dec_double(const struct num_dec *x, const char *s, size_t n)
{
	char tmp[64], *p = tmp;
	double d;

	/*
	 * Most numbers have a few digits and a small exponent: when mant is
	 * an exact double and so is the power of ten, one IEEE operation
	 * rounds correctly (Clinger), and strtod is not needed.
	 */
	if (!x->wide && x->mant < UINT64_C(1) << 53 && x->exp >= -22 &&
	    x->exp <= 22) {
		d = x->exp < 0 ? (double)x->mant / pow10[-x->exp] :
		    (double)x->mant * pow10[x->exp];
		return x->neg ? -d : d;
	}
	if (n >= sizeof(tmp))
		p = malloc(n + 1);
	if (p == NULL)
		return NAN;
	memcpy(p, s, n);
	p[n] = '\0';
	d = strtod(p, NULL);
	if (p != tmp)
		free(p);
	return d;
}

double
num_parse_double(const char *s, size_t n)
{
	struct num_dec x;

	num_decimal(s, n, &x);
	return num_dec_double(&x, s, n);
}

const uint64_t num_tens[20] = { 1, 10, 100, 1000, 10000, 100000, 1000000,
    10000000, 100000000, 1000000000, 10000000000, 100000000000,
    1000000000000, 10000000000000, 100000000000000, 1000000000000000,
    10000000000000000, 100000000000000000, 1000000000000000000,
    10000000000000000000U };

/*
 * The number of decimal digits of u, 1 for 0: from its bit length, whose
 * times log10(2) (1233 / 4096) is the digits, or one more, which a
 * compare with the power of ten tells.
 */
static size_t
ndigits(uint64_t u)
{
	uint64_t v = u | 1;	/* 0 has a digit; no power of ten but 1 is odd */
	size_t t = (size_t)(64 - __builtin_clzll(v)) * 1233 >> 12;

	return t + (v >= num_tens[t]);
}

/*
 * Writes the last n digits of *u, zeros where it has fewer, so that they
 * end just before e, two at a time; leaves in *u the digits before them.
 * Returns where they begin.
 */
static char *
put_last_digits(uint64_t *u, size_t n, char *e)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "6263646566676869707172737475767778798081828384858687888990919293"
	    "949596979899";
	uint64_t v = *u;

	for (; n >= 2; n -= 2, v /= 100)
		memcpy(e -= 2, pairs + 2 * (v % 100), 2);
	if (n) {
		*--e = (char)('0' + v % 10);
		v /= 10;
	}
	*u = v;
	return e;
}

size_t
num_fmt_fixed(uint64_t m, size_t k, int neg, char *dst)
{
	size_t n, len;
	char *e;

	while (k > 0 && m % 10 == 0)
		m /= 10, k--;
	/* n digits, at least one before the point */
	if ((n = ndigits(m)) <= k)
		n = k + 1;
	len = (size_t)neg + n + (k > 0);
	dst[len] = '\0';
	if (neg)
		dst[0] = '-';
	e = dst + len;
	if (k > 0) {
		e = put_last_digits(&m, k, e);
		*--e = '.';
	}
	put_last_digits(&m, n - k, e);
	return len;
}

/*
 * The shortest text of d in [1e-4, 1e15), where %g writes fixed point.
 * Up to 15 digits, the fewest fraction digits k for which some integer m
 * has m / 10^k == d exactly is it: m and 10^k are exact doubles, so that
 * is just what strtod would read back.  k is tried up to 3, then at the
 * 15th digit, which gives the same m with zeros after it.  Beyond 15
 * digits the nearest 16- and then 17-digit candidates are the exact
 * nearest, from 128-bit integer arithmetic on the double's bits; one
 * reads back as d when it is less than half an ulp from it, which the
 * same integers tell (a tie, or the bottom of a binade where the ulp
 * below is smaller, goes to strtod).
 * Returns 0 to leave d to the slow, general path.
 */
static size_t fmt_long(double d, char *dst);

static size_t
fmt_fixed(double d, char *dst)
{
	double a = fabs(d), m;
	size_t k;

	if (a < 1e-4 || a >= 1e15)
		return 0;
	for (k = 0; k <= 3; k++) {
		m = nearbyint(a * pow10[k]);
		if (m >= 1e15)
			break;
		if (m / pow10[k] == a)
			return num_fmt_fixed((uint64_t)m, k, d < 0, dst);
	}
	return fmt_long(d, dst);
}

/* fmt_fixed past 3 fraction digits: apart, so that its frame is not paid
 * by the short ones. */
static __attribute__((noinline)) size_t
fmt_long(double d, char *dst)
{
	double a = fabs(d), m;
	unsigned __int128 p, half, rem, pk, c, diff;
	uint64_t bits, mant, m64;
	int intdigits, prec, shift;
	size_t k, len;

	/* 10^(intdigits-1) <= a < 10^intdigits */
	if (a >= 1)
		intdigits = (int)ndigits((uint64_t)a);
	else
		for (intdigits = 0; a < pow10[intdigits + 3] / 1e4; intdigits--)
			;
	/* more fraction digits: at the 15th digit the nearest integer is
	 * the shortest's digits and zeros (a * 10^k is within 0.2 of it),
	 * and num_fmt_fixed drops the zeros */
	k = (size_t)(15 - intdigits);
	if (k > 3) {
		m = nearbyint(a * pow10[k]);
		if (m < 1e15 && m / pow10[k] == a)
			return num_fmt_fixed((uint64_t)m, k, d < 0, dst);
	}
	/* a = mant * 2^-shift, a normal double: its 52 bits and the one
	 * above them, over 2^(1075 - its biased exponent) */
	memcpy(&bits, &a, sizeof(bits));
	mant = (bits & (((uint64_t)1 << 52) - 1)) | (uint64_t)1 << 52;
	shift = 1075 - (int)(bits >> 52);	/* from 3 to 66 in this range */
	for (prec = 16; prec <= 17; prec++) {
		/* k is 20 at most, 10^k a product of two of num_tens */
		k = (size_t)(prec - intdigits);
		pk = (unsigned __int128)num_tens[k / 2] * num_tens[k - k / 2];
		/* a * 10^k exactly in 128 bits (< 2^120), rounded to the
		 * nearest integer; a tie is left to the slow path */
		p = mant * pk;
		half = (unsigned __int128)1 << (shift - 1);
		rem = p & (((unsigned __int128)1 << shift) - 1);
		if (rem == half)
			return 0;
		m64 = (uint64_t)(p >> shift) + (rem > half);
		/* m64 / 10^k against mant * 2^-shift, both times 10^k 2^shift:
		 * half an ulp is 10^k / 2 there */
		c = (unsigned __int128)m64 << shift;
		diff = c > p ? c - p : p - c;
		if (mant != (uint64_t)1 << 52 && 2 * diff != pk) {
			if (2 * diff < pk)
				return num_fmt_fixed(m64, k, d < 0, dst);
			continue;
		}
		len = num_fmt_fixed(m64, k, d < 0, dst);
		if (strtod(dst, NULL) == d)
			return len;
	}
	return 0;
}

/*
 * Writes the digits dig[0..nd) of a value d1.d2d3... * 10^e (nd >= 1, no
 * trailing zero) as the output lays numbers out: fixed point for
 * 1e-4 <= |x| < 1e15, otherwise d.ddde+XX with two exponent digits at
 * least, as printf's %g writes them.  Returns the length.
 */
static size_t
put_digits(int neg, const char *dig, int nd, int e, char *dst)
{
	size_t len = 0;
	int i;

	if (neg)
		dst[len++] = '-';
	if (e >= -4 && e < 15) {
		if (e < 0) {
			dst[len++] = '0';
			dst[len++] = '.';
			for (i = e; i < -1; i++)
				dst[len++] = '0';
		}
		for (i = 0; i < nd || i <= e; i++) {
			/* below 1 the point went first, with "0" */
			if (e >= 0 && i == e + 1)
				dst[len++] = '.';
			dst[len++] = i < nd ? dig[i] : '0';
		}
	} else {
		dst[len++] = dig[0];
		if (nd > 1)
			dst[len++] = '.';
		for (i = 1; i < nd; i++)
			dst[len++] = dig[i];
		len += (size_t)sprintf(dst + len, "e%c%02d", e < 0 ? '-' : '+',
		    e < 0 ? -e : e);
	}
	dst[len] = '\0';
	return len;
}

/*
 * The shortest digits of a = |d| > 0 by trial: the nearest decimal of
 * each precision, from printf, until one reads back to a.  Where the
 * nearest falls below a, the one above it may still read back, since a
 * power of two has a gap above twice the gap below: that one is then
 * the only one of its length.
 */
static __attribute__((noinline)) size_t
fmt_trial(double d, char *dst)
{
	char text[NUM_MAXLEN], dig[20];
	double a = fabs(d);
	int prec, nd, e, i;

	/* a double has 15.95 digits: a decimal of 15 digits or fewer that
	 * reads back is the nearest of 15, which the trimming shortens;
	 * below DBL_MIN a double has fewer digits: search from one */
	for (prec = a < DBL_MIN ? 1 : 15;; prec++) {
		snprintf(text, sizeof(text), "%.*e", prec - 1, a);
		for (nd = 0, i = 0; text[i] != 'e'; i++)
			if (text[i] != '.')
				dig[nd++] = text[i];
		e = atoi(text + i + 1);
		if (prec == 17 || strtod(text, NULL) == a)
			break;
		if (strtod(text, NULL) > a)
			continue;
		for (i = nd - 1; i >= 0 && dig[i] == '9'; i--)
			dig[i] = '0';
		if (i < 0) {
			dig[0] = '1';	/* 9.99 and one more is 10.0 */
			e++;
		} else {
			dig[i]++;
		}
		put_digits(0, dig, nd, e, text);
		if (strtod(text, NULL) == a)
			break;
	}
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	return put_digits(d < 0, dig, nd, e, dst);
}

size_t
num_fmt_double(double d, char *dst)
{
	size_t n;

	if (!isfinite(d)) {
		memcpy(dst, "null", 5);
		return 4;
	}
	if (d == 0) {
		/* -0 reads back as 0 in every JSON reader we care about */
		memcpy(dst, "0", 2);
		return 1;
	}
	if ((n = fmt_fixed(d, dst)) > 0)
		return n;
	return fmt_trial(d, dst);
}

size_t
num_fmt_int(int64_t v, char *dst)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n;

	if ((uint64_t)v < 10) {		/* counts are mostly small */
		dst[0] = (char)('0' + v);
		dst[1] = '\0';
		return 1;
	}
	n = (size_t)(v < 0) + ndigits(u);

	if (v < 0)
		dst[0] = '-';
	dst[n] = '\0';
	put_last_digits(&u, n - (size_t)(v < 0), dst + n);
	return n;
}
