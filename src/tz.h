/*
 * tz: the one time zone of a tool (--tz), from the system's time zone
 * database through the C library.  Local times are nanoseconds of the
 * zone's wall clock counted like instants ("1970-01-01T00:00 local" is
 * 0), so the calendar code that works on UTC works on them too.
 */
#ifndef TZ_H
#define TZ_H

#include <stdint.h>

/*
 * Selects zone name, an IANA name such as "Europe/Berlin", read from
 * /usr/share/zoneinfo; "UTC" is UTC itself, also the default.  The TZ
 * variable is never read.  Returns 0, or -1 when the database has no such
 * zone.
 */
int tz_set(const char *name);

/* The zone's name, "UTC" by default. */
const char *tz_name(void);

/* 1 when the zone is UTC: no local time to work out. */
int tz_utc(void);

/* The zone's offset from UTC at instant t, in seconds. */
int32_t tz_offset(int64_t t);

/* The local time of instant t. */
int64_t tz_local(int64_t t);

/*
 * The instant of local time l: when l is repeated (clocks went back) its
 * first occurrence.  Returns 0, or -1 when l was skipped (clocks went
 * forward) or the instant is out of range.
 */
int tz_instant(int64_t l, int64_t *t);

/*
 * The same for the bound of a window: a skipped local time maps to the
 * instant the clocks went forward, so windows of local time stay
 * contiguous.  Held at INT64_MIN and INT64_MAX.
 */
int64_t tz_bound(int64_t l);

#endif
