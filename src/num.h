/* num: JSON numbers in and out. */
#ifndef NUM_H
#define NUM_H

#include <stddef.h>
#include <stdint.h>

#define NUM_MAXLEN 32	/* room for any text num_fmt_* writes, NUL included */

/* Returns 1 when s[0..n) is exactly one JSON number, else 0. */
int num_valid(const char *s, size_t n);

/* Returns 1 when the number text is an integer token (no . e E). */
int num_is_int_token(const char *s, size_t n);

/*
 * Parses an integer token into *v.  Returns 0, or -1 when it does not fit
 * int64.
 */
int num_parse_int(const char *s, size_t n, int64_t *v);

/* Parses any JSON number text as the nearest double. */
double num_parse_double(const char *s, size_t n);

/*
 * Writes d in the shortest form that reads back to the same double ("12.7",
 * "3", "1e+21"), or "null" when d is not finite, since JSON has no such
 * numbers.  dst holds NUM_MAXLEN.  Returns the length.
 */
size_t num_fmt_double(double d, char *dst);

/* Writes v in decimal.  dst holds NUM_MAXLEN.  Returns the length. */
size_t num_fmt_int(int64_t v, char *dst);

#endif
