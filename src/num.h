/* num: JSON numbers in and out. */
#ifndef NUM_H
#define NUM_H

#include <stddef.h>
#include <stdint.h>

#define NUM_MAXLEN 32	/* room for any text num_fmt_* writes, NUL included */

extern const uint64_t num_tens[20];	/* 10^0 .. 10^19 */

/* Returns 1 when s[0..n) is exactly one JSON number, else 0. */
int num_valid(const char *s, size_t n);

/*
 * Parses an integer token into *v.  Returns 0, or -1 when it does not fit
 * int64.
 */
int num_parse_int(const char *s, size_t n, int64_t *v);

/* Parses any JSON number text as the nearest double. */
double num_parse_double(const char *s, size_t n);

/*
 * A number's exact value, read from its decimal text: (-1)^neg * mant *
 * 10^exp, mant without trailing zeros.  wide when it has more than 19
 * significant digits, which only its text then holds (mant is not the
 * value; exp still goes with all the digits).  inttoken when the text has
 * no '.', 'e' or 'E'.
 */
struct num_dec {
	uint64_t mant;
	int64_t exp;
	int neg, wide, inttoken;
};

/* Reads the valid JSON number text s[0..n) into *x. */
void num_decimal(const char *s, size_t n, struct num_dec *x);

/*
 * Sets *x to the number of a token with no exponent whose digits, read as
 * one integer, are digits (19 at most), point of them after its '.', and
 * that starts with '-' when neg is set.
 */
void num_dec_digits(uint64_t digits, int point, int neg, struct num_dec *x);

/* When x is a whole number that fits int64, sets *v and returns 1. */
int num_dec_int(const struct num_dec *x, int64_t *v);

/* The double nearest to x, the number read from s[0..n). */
double num_dec_double(const struct num_dec *x, const char *s, size_t n);

/*
 * Writes d in the shortest form that reads back to the same double ("12.7",
 * "3", "1e+21"), or "null" when d is not finite, since JSON has no such
 * numbers.  dst holds NUM_MAXLEN.  Returns the length.
 */
size_t num_fmt_double(double d, char *dst);

/*
 * Writes m / 10^k in fixed point, "-" first when neg is set, without
 * trailing zeros after the point: as num_fmt_double writes a double in
 * [1e-4, 1e15) whose shortest text that value is.  m has at most 20
 * digits and k is at most 24, so that dst holds NUM_MAXLEN.  Returns the
 * length.
 */
size_t num_fmt_fixed(uint64_t m, size_t k, int neg, char *dst);

/* Writes v in decimal.  dst holds NUM_MAXLEN.  Returns the length. */
size_t num_fmt_int(int64_t v, char *dst);

#endif
