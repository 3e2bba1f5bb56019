/* tm: event time.  Instants are int64 nanoseconds since the Unix epoch. */
#ifndef TM_H
#define TM_H

#include <stddef.h>
#include <stdint.h>

#include "scan.h"

/* Units of epoch numbers; TU_AUTO guesses by magnitude (SPEC section 2). */
enum tm_unit { TU_AUTO, TU_S, TU_MS, TU_US, TU_NS };

/* How a tool reads event time: -t, --time-unit, --time-format. */
struct tm_opts {
	enum tm_unit unit;
	const char *format;	/* strptime format for strings, or NULL */
};

#define TM_MAXLEN 40	/* room for any text tm_format writes, NUL included */

/* Parses "s", "ms", "us", "ns" (and "auto" when allow_auto).  0 or -1. */
int tm_parse_unit(const char *s, int allow_auto, enum tm_unit *u);

/* The name tm_parse_unit reads as u. */
const char *tm_unit_name(enum tm_unit u);

/*
 * Converts the JSON number text s[0..n) to nanoseconds exactly from its
 * decimal digits, rounding half away from zero.  Returns 0, or -1 when the
 * instant is outside the int64 nanosecond range or the text is no number.
 */
int tm_from_number(const char *s, size_t n, enum tm_unit u, int64_t *ns);

/*
 * Parses RFC 3339 / ISO 8601: "2026-11-23T20:00:01.123Z", space for T,
 * lower case t and z, offsets +01:00 +0100 +01, no zone meaning UTC,
 * seconds and the time of day optional; without an offset, a local time
 * in --tz.  Returns 0; -1 when s is no such time, -2 when it is a local
 * time the clocks skipped, -3 when it is outside the int64 range.
 */
int tm_from_rfc3339(const char *s, size_t n, int64_t *ns);

/*
 * Reads the time value v as the options say: numbers by unit, strings by
 * format, else as numeric strings or RFC 3339; without an offset a time
 * is local in --tz.  Returns 0, or -1 with *why set to what was wrong (a
 * static text), or to NULL when the time is missing.
 */
int tm_from_jval(const struct jval *v, const struct tm_opts *o, int64_t *ns,
    const char **why);

/*
 * For --time-format: whether fmt gives the offset itself (%z, or %s, an
 * epoch); tm_format_check says what is wrong with fmt (no year, say), or
 * NULL.
 */
int tm_format_zoned(const char *fmt);
const char *tm_format_check(const char *fmt);

/*
 * Writes ns as RFC 3339 UTC with Z and the fraction digits it needs
 * (u == TU_AUTO; with --tz, local time and the zone's offset), or as an
 * epoch number in unit u.  dst holds TM_MAXLEN.
 * Returns the length written, NUL not counted.
 */
size_t tm_format(int64_t ns, enum tm_unit u, char *dst);

/*
 * Parses a duration: "500ms", "5s", "1m", "2h", "1d", "1h30m", "250us",
 * "10ns", "1.5s"; a bare number is seconds.  Returns 0, -1 when s is no
 * duration, -2 when it is out of range.
 */
int dur_parse(const char *s, int64_t *ns);

/* a - b and a + b, held at INT64_MIN or INT64_MAX instead of wrapping:
 * a watermark far back, a deadline far ahead. */
int64_t tm_sub_sat(int64_t a, int64_t b);
int64_t tm_add_sat(int64_t a, int64_t b);

/* Floor division, for window alignment before the epoch. */
int64_t tm_floordiv(int64_t a, int64_t b);

/*
 * Calendar months for windows: the month (counted from January 1970) that
 * holds the time l, and the start of month m (its first day at 00:00).
 * Either works on UTC instants and on local times alike.
 */
int64_t tm_month_of(int64_t l);
int64_t tm_month_start(int64_t m);

/* Nanoseconds on the wall clock and on the monotonic clock. */
int64_t tm_now(void);
int64_t tm_mono(void);

#endif
