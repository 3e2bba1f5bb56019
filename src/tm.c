#define _GNU_SOURCE	/* strptime, timegm, tm_gmtoff */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "num.h"
#include "tm.h"
#include "tz.h"
#include "util.h"

#define NS_PER_S 1000000000LL
#define RANGE_WHY "outside the years 1678 to 2262"

/* k fraction digits times frac_scale[k] are nanoseconds */
static const int64_t frac_scale[10] = { 1000000000, 100000000, 10000000,
	1000000, 100000, 10000, 1000, 100, 10, 1 };

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static const char *const unit_names[] = { "auto", "s", "ms", "us", "ns" };

const char *
tm_unit_name(enum tm_unit u)
{
	return unit_names[u];
}

int
tm_parse_unit(const char *s, int allow_auto, enum tm_unit *u)
{
	const char *const *names = unit_names;
	size_t i;

	for (i = allow_auto ? 0 : 1; i < LEN(unit_names); i++)
		if (strcmp(s, names[i]) == 0) {
			*u = (enum tm_unit)i;
			return 0;
		}
	return -1;
}

int64_t
tm_sub_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b > 0 ? INT64_MIN : INT64_MAX;
	return r;
}

int64_t
tm_add_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

int64_t
tm_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/*
 * A decimal number as its significant digits d1 d2 ... and the count of
 * digits before the point: value = 0.d1d2... * 10^point.  Digits past the
 * 40th never matter: int64 has 19, and rounding looks at one more.
 */
struct dec {
	char dig[40];
	int ndig;
	long point;
	int neg;
};

/* Parses digits, one optional point and an exponent; returns chars used. */
static size_t
dec_parse(const char *s, size_t n, struct dec *d)
{
	size_t i = 0;
	int seen = 0, afterpoint = 0;
	long e = 0;

	memset(d, 0, sizeof(*d));
	if (i < n && (s[i] == '-' || s[i] == '+'))
		d->neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] == '.' && !afterpoint) {
			afterpoint = 1;
			continue;
		}
		if (!isdig(s[i]))
			break;
		seen = 1;
		if (d->ndig == 0 && s[i] == '0') {
			if (afterpoint)
				d->point--;
			continue;
		}
		if (d->ndig < (int)sizeof(d->dig))
			d->dig[d->ndig++] = s[i];
		if (!afterpoint)
			d->point++;
	}
	if (!seen)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		int eneg = 0;

		if (j < n && (s[j] == '+' || s[j] == '-'))
			eneg = s[j++] == '-';
		if (j < n && isdig(s[j])) {
			for (; j < n && isdig(s[j]); j++)
				if (e < 100000000)
					e = e * 10 + (s[j] - '0');
			d->point += eneg ? -e : e;
			i = j;
		}
	}
	return i;
}

/* Rounds d * 10^shift to an int64, half away from zero.  0 or -1. */
static int
dec_to_int(const struct dec *d, int shift, int64_t *v)
{
	uint64_t u = 0, lim = d->neg ? (uint64_t)INT64_MAX + 1 :
	    (uint64_t)INT64_MAX;
	long k, i;

	if (d->ndig == 0) {
		*v = 0;
		return 0;
	}
	k = d->point + shift;	/* digits before the point */
	if (k > 19)
		return -1;
	for (i = 0; i < k; i++) {
		unsigned dg = i < d->ndig ? (unsigned)(d->dig[i] - '0') : 0;

		if (u > (lim - dg) / 10)
			return -1;
		u = u * 10 + dg;
	}
	if (k >= 0 && k < d->ndig && d->dig[k] >= '5') {
		if (u == lim)
			return -1;
		u++;
	}
	*v = d->neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

/*
 * Sets *ns to the integer time a (0 <= a < 10^18), negated with neg set,
 * in unit u; returns 0, or -1 when it is outside int64 nanoseconds.
 */
static int
from_int(int64_t a, int neg, enum tm_unit u, int64_t *ns)
{
	static const int64_t scale[] = { 0, 1000000000, 1000000, 1000, 1 };

	if (u == TU_AUTO)
		u = a < 100000000000LL ? TU_S : a < 100000000000000LL ?
		    TU_MS : a < 100000000000000000LL ? TU_US : TU_NS;
	return __builtin_mul_overflow(neg ? -a : a, scale[u], ns) ? -1 : 0;
}

int
tm_from_number(const char *s, size_t n, enum tm_unit u, int64_t *ns)
{
	static const int shift[] = { 0, 9, 6, 3, 0 };
	struct dec d;
	int64_t v = 0;
	size_t i = s[0] == '-';

	/* the common case, a plain integer of up to 18 digits */
	if (n > i && n - i <= 18) {
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			v = v * 10 + (s[i] - '0');
		if (i == n)
			return from_int(v, s[0] == '-', u, ns);
	}
	if (dec_parse(s, n, &d) != n)
		return -1;
	if (u == TU_AUTO) {
		/* |v| < 1e11 is seconds, < 1e14 ms, < 1e17 us, else ns */
		if (d.ndig == 0 || d.point <= 11)
			u = TU_S;
		else if (d.point <= 14)
			u = TU_MS;
		else if (d.point <= 17)
			u = TU_US;
		else
			u = TU_NS;
	}
	return dec_to_int(&d, shift[u], ns);
}

int
dur_parse(const char *s, int64_t *ns)
{
	static const struct {
		const char *name;
		int64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		{ "s", NS_PER_S }, { "m", 60 * NS_PER_S },
		{ "h", 3600 * NS_PER_S }, { "d", 86400 * NS_PER_S },
	};
	int64_t total = 0, part, unit;
	size_t n = strlen(s), i = 0, k, j;
	int nparts = 0;
	struct dec d;

	if (n == 0)
		return -1;
	while (i < n) {
		if (s[i] == '-' || s[i] == '+' || (k = dec_parse(s + i, n - i,
		    &d)) == 0 || memchr(s + i, 'e', k) || memchr(s + i, 'E', k))
			return -1;
		i += k;
		nparts++;
		unit = NS_PER_S;
		if (i < n) {
			for (j = 0; j < LEN(units); j++) {
				size_t len = strlen(units[j].name);

				if (strncmp(s + i, units[j].name, len) == 0)
					break;
			}
			if (j == LEN(units))
				return -1;
			unit = units[j].ns;
			i += strlen(units[j].name);
		} else if (nparts > 1) {
			return -1;	/* "1h30" leaves the 30 without a unit */
		}
		/* the digits times the unit, exactly: shift by the unit's
		 * power of ten, then multiply what remains */
		{
			int p = 0;
			int64_t m = unit;

			while (m % 10 == 0)
				m /= 10, p++;
			if (dec_to_int(&d, p, &part) != 0 ||
			    __builtin_mul_overflow(part, m, &part) ||
			    __builtin_add_overflow(total, part, &total))
				return -2;
		}
	}
	*ns = total;
	return 0;
}

/* Writes "YYYY-MM-DDTHH:MM:SS"; returns its length. */
static size_t
fmt_datetime(char *o, int64_t y, int m, int d, int secs)
{
	int v[] = { m, d, secs / 3600, secs / 60 % 60, secs % 60 };
	const char *sep = "-T::";
	size_t n = 0;
	int i;

	o[n++] = (char)('0' + y / 1000 % 10);
	o[n++] = (char)('0' + y / 100 % 10);
	o[n++] = (char)('0' + y / 10 % 10);
	o[n++] = (char)('0' + y % 10);
	for (i = 0; i < 5; i++) {
		o[n++] = i == 0 ? '-' : sep[i - 1];
		o[n++] = (char)('0' + v[i] / 10);
		o[n++] = (char)('0' + v[i] % 10);
	}
	return n;
}

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly k digits at s[*i]; -1 when they are not there. */
static int
digits(const char *s, size_t n, size_t *i, int k)
{
	int v = 0;

	if (*i + (size_t)k > n)
		return -1;
	while (k-- > 0) {
		if (!isdig(s[*i]))
			return -1;
		v = v * 10 + (s[(*i)++] - '0');
	}
	return v;
}

/* Combines civil seconds, a zone offset and nanoseconds, range-checked. */
static int
make_instant(int64_t secs, int64_t off, int64_t frac, int64_t *ns)
{
	/* before the epoch, borrow a second so that the product stays in
	 * range when the sum does (1677-09-21T00:12:43.5Z) */
	if (__builtin_sub_overflow(secs, off, &secs))
		return -1;
	if (secs < 0 && frac > 0) {
		secs++;
		frac -= NS_PER_S;
	}
	if (__builtin_mul_overflow(secs, NS_PER_S, &secs) ||
	    __builtin_add_overflow(secs, frac, ns))
		return -1;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/*
 * The minute of the last time read, which a stream's times mostly share.
 * Before the first it is bytes that no text of a time holds (nor valid
 * UTF-8), with seconds whose nanoseconds overflow: a text that matches
 * it anyway is refused, and the fast path needs no test of its own.
 */
#define NO_MINUTE (INT64_MAX / 2)
static struct {
	char text[16];		/* "YYYY-MM-DDTHH:MM" */
	int64_t secs;		/* its civil seconds */
} last_read = { { '\377', '\377', '\377', '\377', '\377', '\377', '\377',
    '\377', '\377', '\377', '\377', '\377', '\377', '\377', '\377', '\377' },
    NO_MINUTE };

/*
 * Reads the date "YYYY-MM-DD" at the start of s and, after 'T', 't' or
 * ' ', the "HH:MM" that follow: their civil seconds into *secs and the
 * index after them into *ip.  Returns 1 with a time of day, 0 for a date
 * alone, -1 when bad.  A time of day becomes last_read.
 */
static int
date_minute(const char *s, size_t n, size_t *ip, int64_t *secs)
{
	int y, mo, d, h, mi;
	size_t i = 0;

	if (n >= 16 && memcmp(s, last_read.text, 16) == 0) {
		if (last_read.secs == NO_MINUTE)
			return -1;
		*ip = 16;
		*secs = last_read.secs;
		return 1;
	}
	if ((y = digits(s, n, &i, 4)) < 0 || i >= n || s[i++] != '-' ||
	    (mo = digits(s, n, &i, 2)) < 1 || mo > 12 || i >= n ||
	    s[i++] != '-' || (d = digits(s, n, &i, 2)) < 1 ||
	    d > days_in_month(y, mo))
		return -1;
	*secs = days_from_civil(y, mo, d) * 86400;
	if (i >= n || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) {
		*ip = i;
		return 0;
	}
	i++;
	if ((h = digits(s, n, &i, 2)) < 0 || h > 23 || i >= n ||
	    s[i++] != ':' || (mi = digits(s, n, &i, 2)) < 0 || mi > 59)
		return -1;
	*secs += h * 3600 + mi * 60;
	memcpy(last_read.text, s, 16);
	last_read.secs = *secs;
	*ip = i;
	return 1;
}

/*
 * Whether the 8 bytes at s are ":SS.mmmZ" with SS below 60, in one test
 * of all 8: a byte is a digit when its high half is 3 and stays 3 once 6
 * is added (10 for the tens of seconds, which stop at 5).  The first
 * test passing leaves no byte that the addition could carry out of, so
 * the byte order does not matter.
 */
static inline int
usual_seconds(const char *s)
{
	static const unsigned char mask[8] = { 0xff, 0xf0, 0xf0, 0xff, 0xf0,
	    0xf0, 0xf0, 0xff }, text[8] = ":00.000Z", add[8] = { 0, 10, 6, 0,
	    6, 6, 6, 0 }, high[8] = { 0, 0xf0, 0xf0, 0, 0xf0, 0xf0, 0xf0, 0 },
	    digit[8] = { 0, '0', '0', 0, '0', '0', '0', 0 };
	uint64_t x, m, t, a, h, d;

	memcpy(&x, s, 8);
	memcpy(&m, mask, 8);
	memcpy(&t, text, 8);
	memcpy(&a, add, 8);
	memcpy(&h, high, 8);
	memcpy(&d, digit, 8);
	return ((x & m) == t) & (((x + a) & h) == d);
}

/*
 * Reads the usual time, "YYYY-MM-DDTHH:MM:SS.mmmZ" of the minute last
 * read: 1 with *ns set, 0 for any other text (which may be good too).
 */
static inline int
usual_rfc3339(const char *s, size_t n, int64_t *ns)
{
	int64_t secs, frac;

	if (n != 24 || memcmp(s, last_read.text, 16) != 0 ||
	    !usual_seconds(s + 16))
		return 0;
	secs = last_read.secs + (s[17] - '0') * 10 + s[18] - '0';
	frac = ((s[20] - '0') * 100 + (s[21] - '0') * 10 + s[22] - '0') *
	    INT64_C(1000000);
	return make_instant(secs, 0, frac, ns) == 0;
}

int
tm_from_rfc3339(const char *s, size_t n, int64_t *ns)
{
	int sec = 0, k, oh, om = 0, zoned = 0, r;
	int64_t frac = 0, off = 0, secs, l;
	size_t i;

	if ((r = date_minute(s, n, &i, &secs)) < 0)
		return -1;
	/* date_minute has just made s's minute the last one read */
	if (r == 1 && usual_rfc3339(s, n, ns))
		return 0;
	if (r == 1) {
		if (i < n && s[i] == ':') {
			i++;
			if ((sec = digits(s, n, &i, 2)) < 0 || sec > 59)
				return -1;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				i++;
				for (k = 0; i < n && isdig(s[i]); k++, i++) {
					if (k == 9)
						return -1;
					frac = frac * 10 + (s[i] - '0');
				}
				if (k == 0)
					return -1;
				frac *= frac_scale[k];
			}
		}
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
			zoned = 1;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			int neg = s[i++] == '-';

			zoned = 1;
			if ((oh = digits(s, n, &i, 2)) < 0 || oh > 23)
				return -1;
			if (i < n && s[i] == ':' && ++i == n)
				return -1;	/* "+01:" */
			if (i < n && (om = digits(s, n, &i, 2)) < 0)
				return -1;
			if (om > 59)
				return -1;
			off = (oh * 3600 + om * 60) * (neg ? -1 : 1);
		}
	}
	if (i != n)
		return -1;
	secs += sec;
	if (zoned || tz_utc())
		return make_instant(secs, off, frac, ns) == 0 ? 0 : -3;
	/* no offset: a local time in --tz */
	if (make_instant(secs, 0, frac, &l) != 0)
		return -3;
	return tz_instant(l, ns) == 0 ? 0 : -2;
}

/*
 * strptime, and %f (1 to 9 digits of a second's fraction) which it lacks:
 * the format is read up to %f, the digits, then the rest.  Without %z the
 * time is local in --tz.
 */
static int
from_format(const char *s, size_t n, const char *fmt, int64_t *ns)
{
	char tmp[256], head[256];
	const char *end, *f, *rest = NULL;
	struct tm tm;
	int64_t frac = 0, l;
	int k;

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(&tm, 0, sizeof(tm));
	tm.tm_mday = 1;
	tm.tm_year = 70;
	if ((f = strstr(fmt, "%f")) != NULL && (size_t)(f - fmt) <
	    sizeof(head)) {
		memcpy(head, fmt, f - fmt);
		head[f - fmt] = '\0';
		rest = f + 2;
		fmt = head;
	}
	if ((end = strptime(tmp, fmt, &tm)) == NULL)
		return -1;
	if (rest) {
		for (k = 0; isdig(*end); k++, end++) {
			if (k == 9)
				return -1;
			frac = frac * 10 + (*end - '0');
		}
		if (k == 0)
			return -1;
		frac *= frac_scale[k];
		if (*rest && (end = strptime(end, rest, &tm)) == NULL)
			return -1;
	}
	if (*end != '\0')
		return -1;
	/* strptime takes 30 February; timegm would roll it into March */
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > days_in_month(tm.tm_year + 1900, tm.tm_mon + 1))
		return -1;
	if (tz_utc() || tm_format_zoned(fmt) || (rest && tm_format_zoned(rest)))
		return make_instant((int64_t)timegm(&tm), tm.tm_gmtoff, frac,
		    ns) == 0 ? 0 : -3;
	if (make_instant((int64_t)timegm(&tm), 0, frac, &l) != 0)
		return -3;
	return tz_instant(l, ns) == 0 ? 0 : -2;
}

int
tm_format_zoned(const char *fmt)
{
	const char *p;

	for (p = fmt; (p = strchr(p, '%')) != NULL; p += 2) {
		if (p[1] == '\0')
			return 0;
		if (p[1] == 'z' || p[1] == 's')
			return 1;
	}
	return 0;
}

const char *
tm_format_check(const char *fmt)
{
	const char *p;
	int year = 0, nf = 0;

	for (p = fmt; (p = strchr(p, '%')) != NULL; p += 2) {
		if (p[1] == '\0')
			return "ends in a lone %";
		if (strchr("YyGgCFDscx", p[1]))
			year = 1;
		if (p[1] == 'f')
			nf++;
	}
	if (nf > 1)
		return "has %f more than once";
	if (!year)
		return "has no year (%Y, %y, %F, %D or %s), so every time "
		    "would fall in 1970; logs that omit it (syslog) need it "
		    "added when converting";
	return NULL;
}

/* Why a time string did not read: r is from_format's or RFC 3339's. */
static const char *
string_why(int r, const struct tm_opts *o)
{
	static char why[320];

	if (r == -3)
		return RANGE_WHY;
	if (r == -2)
		snprintf(why, sizeof(why), "no such local time in %s: the "
		    "clocks went forward", tz_name());
	else if (o->format)
		snprintf(why, sizeof(why), "does not match --time-format "
		    "'%.200s'", o->format);
	else
		return "expected RFC 3339 such as 2026-11-23T20:00:01Z, or an "
		    "epoch number; --time-format FMT reads other forms";
	return why;
}

/* tm_from_jval for all but the plain RFC 3339 string: its large frame
 * stays off the common path. */
__attribute__((noinline)) static int
from_jval(const struct jval *v, const struct tm_opts *o, int64_t *ns,
    const char **why)
{
	char tmp[256];
	const char *s;
	size_t n;
	int r;

	*why = RANGE_WHY;
	switch (v->type) {
	case J_NONE:
	case J_NULL:
		*why = NULL;
		return -1;
	case J_NUMBER:
		return tm_from_number(v->p, v->len, o->unit, ns);
	case J_STRING:
		break;
	default:
		*why = "a time is a string or a number";
		return -1;
	}
	if (v->flags & JV_ESCAPED) {
		if (v->len > sizeof(tmp)) {
			*why = string_why(-1, o);
			return -1;
		}
		n = jv_unescape(v, tmp);
		s = tmp;
	} else {
		s = v->p + 1;
		n = v->len - 2;
	}
	if (o->format)
		r = from_format(s, n, o->format, ns);
	/* four digits and a '-' ("2026-...") are no number: spare the
	 * check on the common case */
	else if (!(n > 4 && s[4] == '-' && isdig(s[0]) && isdig(s[1]) &&
	    isdig(s[2]) && isdig(s[3])) && num_valid(s, n))
		return tm_from_number(s, n, o->unit, ns);
	else
		r = tm_from_rfc3339(s, n, ns);
	if (r != 0)
		*why = string_why(r, o);
	return r == 0 ? 0 : -1;
}

int
tm_from_jval(const struct jval *v, const struct tm_opts *o, int64_t *ns,
    const char **why)
{
	const char *s = v->p + 1;

	/* the usual times straight on, with no call that would need a
	 * frame: one in the minute of the last, or an integer whose digits
	 * the scanner read on its way (of up to 18 digits, as
	 * tm_from_number takes one) */
	if (v->type == J_STRING && !(v->flags & JV_ESCAPED) && !o->format &&
	    usual_rfc3339(s, v->len - 2, ns))
		return 0;
	if (v->type == J_NUMBER &&
	    (v->flags & (JV_INT | JV_DIGITS)) == (JV_INT | JV_DIGITS) &&
	    v->digits < 1000000000000000000ULL &&
	    from_int((int64_t)v->digits, v->p[0] == '-', o->unit, ns) == 0)
		return 0;
	return from_jval(v, o, ns, why);
}

size_t
tm_format(int64_t ns, enum tm_unit u, char *dst)
{
	static const int64_t per[] = { 1, NS_PER_S, 1000000, 1000, 1 };
	static char minute_text[20];
	static int64_t last_minute = INT64_MIN;	/* no minute is that */
	int64_t secs, frac, days, y, p, q, r, minute;
	int32_t off;
	int m, d, rem, k;
	char *o = dst;

	if (u != TU_AUTO) {
		/* exact decimal: quotient, then the remainder's digits */
		p = per[u];
		q = ns / p;
		r = ns % p;
		if (ns < 0 && q == 0)
			*o++ = '-';
		o += num_fmt_int(q, o);
		if (r != 0) {
			if (r < 0)
				r = -r;
			*o++ = '.';
			for (p /= 10; p > 0 && r > 0; p /= 10) {
				*o++ = (char)('0' + r / p);
				r %= p;
			}
		}
		*o = '\0';
		return (size_t)(o - dst);
	}
	off = tz_offset(ns);
	secs = tm_floordiv(ns, NS_PER_S) + off;
	frac = ns % NS_PER_S;	/* secs * 10^9 can leave int64 in 1677 */
	if (frac < 0)
		frac += NS_PER_S;
	/* times written one after another mostly share their minute: its
	 * text, "YYYY-MM-DDTHH:MM", is kept */
	minute = tm_floordiv(secs, 60);
	if (minute != last_minute) {
		days = tm_floordiv(secs, 86400);
		rem = (int)(secs - days * 86400);
		civil_from_days(days, &y, &m, &d);
		fmt_datetime(minute_text, y, m, d, rem);
		last_minute = minute;
	}
	memcpy(o, minute_text, 16);
	rem = (int)(secs - minute * 60);
	o[16] = ':';
	o[17] = (char)('0' + rem / 10);
	o[18] = (char)('0' + rem % 10);
	o += 19;
	if (frac) {
		*o++ = '.';
		for (k = 100000000; k > 0 && frac > 0; k /= 10) {
			*o++ = (char)('0' + frac / k);
			frac %= k;
		}
	}
	if (tz_utc()) {
		*o++ = 'Z';
	} else {
		/* --tz: the zone's offset at that instant */
		*o++ = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		*o++ = (char)('0' + off / 36000);
		*o++ = (char)('0' + off / 3600 % 10);
		*o++ = ':';
		*o++ = (char)('0' + off / 600 % 6);
		*o++ = (char)('0' + off / 60 % 10);
		if (off % 60) {	/* local mean time, before 1900 */
			*o++ = ':';
			*o++ = (char)('0' + off % 60 / 10);
			*o++ = (char)('0' + off % 10);
		}
	}
	*o = '\0';
	return (size_t)(o - dst);
}

int64_t
tm_month_of(int64_t l)
{
	int64_t y;
	int m, d;

	civil_from_days(tm_floordiv(tm_floordiv(l, NS_PER_S), 86400), &y, &m,
	    &d);
	return (y - 1970) * 12 + (m - 1);
}

int64_t
tm_month_start(int64_t month)
{
	int64_t y = 1970 + tm_floordiv(month, 12), days;
	int m = (int)(month - tm_floordiv(month, 12) * 12) + 1;

	/* beyond int64 nanoseconds: held at the ends */
	if (y < 1677)
		return INT64_MIN;
	if (y > 2262)
		return INT64_MAX;
	days = days_from_civil(y, m, 1);
	return tm_add_sat(0, days * 86400 * NS_PER_S);
}

int64_t
tm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

int64_t
tm_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}
