/*
 * tz: offsets come from localtime_r under TZ set to the zone's file, so
 * the database and its rules are the C library's.  A call costs far more
 * than the work on a record, so offsets are cached per UTC day: a day has
 * one offset, or two and the instant it changes (no zone changes twice in
 * a day).
 */
#define _DEFAULT_SOURCE	/* tm_gmtoff, setenv */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tm.h"
#include "tz.h"
#include "util.h"

#define NS 1000000000LL
#define DAY_S 86400
#define ZONEINFO "/usr/share/zoneinfo/"

static char zone[128] = "UTC";
static int is_utc = 1;

struct day {
	int64_t day;		/* UTC days since the epoch */
	int64_t change;		/* seconds: when after takes over */
	int32_t before, after;
	int valid;
};

static struct day cache[64];

static int32_t
libc_offset(int64_t secs)
{
	time_t s = (time_t)secs;
	struct tm tm;

	if (localtime_r(&s, &tm) == NULL)
		return 0;
	return (int32_t)tm.tm_gmtoff;
}

/* A name the database could hold: no way out of its directory. */
static int
zone_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= sizeof(zone) || name[0] == '/' || name[0] == '.' ||
	    strstr(name, "/.") || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+-.") != n)
		return 0;
	return 1;
}

int
tz_set(const char *name)
{
	char path[sizeof(ZONEINFO) + sizeof(zone)], magic[4];
	char *tzvar;
	int fd, ok;

	memset(cache, 0, sizeof(cache));
	if (name == NULL || strcmp(name, "UTC") == 0) {
		/* strptime's %s reads through localtime too */
		setenv("TZ", "UTC0", 1);
		tzset();
		strcpy(zone, "UTC");
		is_utc = 1;
		return 0;
	}
	if (!zone_name_ok(name))
		return -1;
	strcpy(path, ZONEINFO);
	strcat(path, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	ok = read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
	close(fd);
	if (!ok)
		return -1;
	tzvar = xmalloc(strlen(path) + 2);
	tzvar[0] = ':';
	strcpy(tzvar + 1, path);
	setenv("TZ", tzvar, 1);
	free(tzvar);
	tzset();
	strcpy(zone, name);
	is_utc = 0;
	return 0;
}

const char *
tz_name(void)
{
	return zone;
}

int
tz_utc(void)
{
	return is_utc;
}

static const struct day *
day_of(int64_t day)
{
	struct day *d = &cache[day & (LEN(cache) - 1)];
	int64_t lo, hi, mid, start = day * DAY_S;

	if (d->valid && d->day == day)
		return d;
	d->day = day;
	d->valid = 1;
	d->before = libc_offset(start);
	d->after = libc_offset(start + DAY_S - 1);
	d->change = start + DAY_S;
	if (d->before != d->after) {
		/* the first second of the new offset */
		for (lo = start, hi = start + DAY_S - 1; lo < hi;) {
			mid = lo + (hi - lo) / 2;
			if (libc_offset(mid) == d->before)
				lo = mid + 1;
			else
				hi = mid;
		}
		d->change = lo;
	}
	return d;
}

int32_t
tz_offset(int64_t t)
{
	int64_t secs;
	const struct day *d;

	if (is_utc)
		return 0;
	secs = tm_floordiv(t, NS);
	d = day_of(tm_floordiv(secs, DAY_S));
	return secs < d->change ? d->before : d->after;
}

int64_t
tz_local(int64_t t)
{
	return tm_add_sat(t, (int64_t)tz_offset(t) * NS);
}

/*
 * The instants whose local time is l: at most two, as offsets change at
 * most once in the 36 hours either side.  Returns how many, earliest
 * first.
 */
static int
instants(int64_t l, int64_t t[2])
{
	int32_t o[2];
	int64_t c;
	int i, k = 0;

	o[0] = tz_offset(tm_sub_sat(l, 36 * 3600 * NS));
	o[1] = tz_offset(tm_add_sat(l, 36 * 3600 * NS));
	/* the larger offset gives the earlier instant */
	if (o[1] > o[0]) {
		int32_t x = o[0];

		o[0] = o[1];
		o[1] = x;
	}
	for (i = 0; i < 2; i++) {
		if (i == 1 && o[1] == o[0])
			break;
		if (__builtin_sub_overflow(l, (int64_t)o[i] * NS, &c))
			continue;
		if (tz_offset(c) == o[i])
			t[k++] = c;
	}
	return k;
}

int
tz_instant(int64_t l, int64_t *t)
{
	int64_t c[2];

	if (is_utc) {
		*t = l;
		return 0;
	}
	if (instants(l, c) == 0)
		return -1;
	*t = c[0];
	return 0;
}

int64_t
tz_bound(int64_t l)
{
	int64_t c[2], lo, hi, mid;
	int32_t before;

	if (is_utc)
		return l;
	if (instants(l, c) > 0)
		return c[0];
	/* skipped: l lies in the gap, so the change is between the
	 * instants l would be under the offsets before and after it */
	before = tz_offset(tm_sub_sat(l, 36 * 3600 * NS));
	lo = tm_floordiv(tm_sub_sat(l, 36 * 3600 * NS), NS);
	hi = tm_floordiv(tm_add_sat(l, 36 * 3600 * NS), NS);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (tz_offset(mid * NS) == before)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo * NS;
}
