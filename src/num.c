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
num_is_int_token(const char *s, size_t n)
{
	return memchr(s, '.', n) == NULL && memchr(s, 'e', n) == NULL &&
	    memchr(s, 'E', n) == NULL;
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

double
num_parse_double(const char *s, size_t n)
{
	char tmp[64], *p = tmp;
	uint64_t m = 0;
	size_t i = 0;
	int neg = 0, frac = 0, digits = 0, point = 0;
	double d;

	/*
	 * Most numbers are a few digits with a point: when the digits fit
	 * 2^53 and the power of ten is exact, one IEEE division rounds
	 * correctly (Clinger), and strtod is not needed.
	 */
	if (i < n && s[i] == '-')
		neg = 1, i++;
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			m = m * 10 + (uint64_t)(s[i] - '0');
			frac += point;
			if (++digits > 15)
				break;
		} else if (s[i] == '.' && !point) {
			point = 1;
		} else {
			break;
		}
	}
	if (i == n && digits > 0) {
		d = (double)m / pow10[frac];
		return neg ? -d : d;
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

/* Writes m / 10^k in fixed point, without trailing zeros. */
static size_t
put_fixed(uint64_t m, size_t k, int neg, char *dst)
{
	char digits[NUM_MAXLEN];
	size_t n = 0, len = 0, i;

	while (k > 0 && m % 10 == 0)
		m /= 10, k--;
	do {
		digits[n++] = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	while (n <= k)
		digits[n++] = '0';
	if (neg)
		dst[len++] = '-';
	for (i = n; i-- > 0;) {
		dst[len++] = digits[i];
		if (i == k && k > 0)
			dst[len++] = '.';
	}
	dst[len] = '\0';
	return len;
}

/*
 * The shortest text of d in [1e-4, 1e15), where %g writes fixed point.
 * Up to 15 digits, the fewest fraction digits k for which some integer m
 * has m / 10^k == d exactly is it: m and 10^k are exact doubles, so that
 * is just what strtod would read back.  Beyond 15 digits the nearest 16-
 * and then 17-digit candidates are the exact nearest, from 128-bit integer
 * arithmetic on the double's bits, checked with strtod.  Returns 0 to leave d to the slow, general path.
 */
static size_t
fmt_fixed(double d, char *dst)
{
	double a = fabs(d), m;
	unsigned __int128 p, half, rem;
	uint64_t mant, m64;
	int intdigits, prec, e, shift;
	size_t k, len, i;

	if (a < 1e-4 || a >= 1e15)
		return 0;
	for (k = 0; k <= 19; k++) {
		m = nearbyint(a * pow10[k]);
		if (m >= 1e15)
			break;
		if (m / pow10[k] == a)
			return put_fixed((uint64_t)m, k, d < 0, dst);
	}
	for (intdigits = 15; intdigits > -4 && a < pow10[intdigits + 3] /
	    1e4; intdigits--)
		;
	/* now 10^(intdigits-1) <= a < 10^intdigits; a = mant * 2^-shift */
	mant = (uint64_t)ldexp(frexp(a, &e), 53);
	shift = 53 - e;		/* from 14 to 67 in this range */
	for (prec = 16; prec <= 17; prec++) {
		k = (size_t)(prec - intdigits);
		/* a * 10^k exactly in 128 bits (< 2^120), rounded to the
		 * nearest integer; a tie is left to the slow path */
		for (p = mant, i = 0; i < k; i++)
			p *= 10;
		half = (unsigned __int128)1 << (shift - 1);
		rem = p & (((unsigned __int128)1 << shift) - 1);
		if (rem == half)
			return 0;
		m64 = (uint64_t)(p >> shift) + (rem > half);
		len = put_fixed(m64, k, d < 0, dst);
		if (strtod(dst, NULL) == d)
			return len;
	}
	return 0;
}

size_t
num_fmt_double(double d, char *dst)
{
	int prec;

	if (!isfinite(d)) {
		memcpy(dst, "null", 5);
		return 4;
	}
	if (d == 0) {
		/* -0 reads back as 0 in every JSON reader we care about */
		memcpy(dst, "0", 2);
		return 1;
	}
	if ((prec = (int)fmt_fixed(d, dst)) > 0)
		return (size_t)prec;
	/*
	 * A double has 15.95 digits: if any decimal of 15 digits or fewer
	 * reads back to d, it is the 15-digit rounding, which %g trims.
	 */
	/* below DBL_MIN a double has fewer digits: search from one */
	for (prec = fabs(d) < DBL_MIN ? 1 : 15; prec < 17; prec++) {
		snprintf(dst, NUM_MAXLEN, "%.*g", prec, d);
		if (strtod(dst, NULL) == d)
			return strlen(dst);
	}
	snprintf(dst, NUM_MAXLEN, "%.17g", d);
	return strlen(dst);
}

size_t
num_fmt_int(int64_t v, char *dst)
{
	char tmp[NUM_MAXLEN], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(dst, p, n);
	dst[n] = '\0';
	return n;
}
