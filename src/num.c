#define _POSIX_C_SOURCE 200809L
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

double
num_parse_double(const char *s, size_t n)
{
	char tmp[64], *p = tmp;
	double d;

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
	/*
	 * A double has 15.95 digits: if any decimal of 15 digits or fewer
	 * reads back to d, it is the 15-digit rounding, which %g trims.
	 */
	for (prec = 15; prec < 17; prec++) {
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
