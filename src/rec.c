#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "map.h"
#include "num.h"
#include "rec.h"
#include "tm.h"
#include "tz.h"
#include "util.h"

void
in_init(struct input *in, char **files, int nfiles)
{
	memset(in, 0, sizeof(*in));
	in->files = files;
	in->nfiles = nfiles;
	in->fd = -1;
	in->cap = 1 << 16;
	/* past cap, the pad of the last line's scan_line; all of it zeroed,
	 * so that reads past a line's end read bytes that were written */
	in->buf = xmalloc(in->cap + SCAN_PAD);
	memset(in->buf, 0, in->cap + SCAN_PAD);
}

/* Opens the next operand; returns 0 when none is left. */
static int
open_next(struct input *in)
{
	const char *f;
	struct stat st;

	if (in->fd > 0)
		close(in->fd);
	in->fd = -1;
	if (in->nfiles == 0 && in->next == 0) {
		in->next = 1;
		in->fd = 0;
	} else if (in->next < in->nfiles) {
		f = in->files[in->next++];
		in->name = f;
		if (strcmp(f, "-") == 0)
			in->fd = 0;
		else if ((in->fd = open(f, O_RDONLY)) < 0)
			die(1, "%s: %s", f, strerror(errno));
	} else {
		return 0;
	}
	in->regular = fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode);
	in->eof = 0;
	in->lineno = 0;
	in->offset = 0;
	return 1;
}

/* Waits until fd is readable: 1, or 0 when the deadline passed. */
static int
wait_readable(struct input *in, int64_t deadline)
{
	struct pollfd p = { .fd = in->fd, .events = POLLIN };
	int ms, r;

	if (in->regular || poll(&p, 1, 0) > 0)
		return 1;
	out_flush();
	fflush(NULL);
	for (;;) {
		if (deadline < 0) {
			ms = -1;
		} else {
			int64_t left = deadline - tm_mono();

			if (left <= 0)
				return 0;
			/* poll takes an int of milliseconds: wait that long at
			 * most, and look at the clock again */
			left = left / 1000000 + 1;
			ms = left < INT_MAX ? (int)left : INT_MAX;
		}
		if ((r = poll(&p, 1, ms)) > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			die(1, "%s: %s", in->name ? in->name : "stdin",
			    strerror(errno));
	}
}

/* -f at the end of the file: waits a little for it to grow, or until
 * the deadline; 0 when the deadline came. */
static int
follow_wait(int64_t deadline)
{
	int64_t left = 100000000;	/* as tail -f looks again: 0.1 s */
	struct timespec ts;

	out_flush();
	fflush(NULL);
	if (deadline >= 0 && deadline - tm_mono() < left)
		left = deadline - tm_mono();
	if (left <= 0)
		return 0;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)left;
	nanosleep(&ts, NULL);
	return 1;
}

/* Reads more bytes into the buffer: 1, 0 at end of file, -1 on timeout. */
static int
fill(struct input *in, int64_t deadline)
{
	ssize_t n;

	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap) {
		in->buf = xrealloc(in->buf, 2 * in->cap + SCAN_PAD);
		memset(in->buf + in->cap + SCAN_PAD, 0, in->cap);
		in->cap *= 2;
	}
	if (!wait_readable(in, deadline))
		return -1;
	for (;;) {
		do
			n = read(in->fd, in->buf + in->end, in->cap - in->end);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			die(1, "%s: %s", in->name ? in->name : "stdin",
			    strerror(errno));
		if (n > 0 || !in->follow || !in->regular)
			break;
		if (!follow_wait(deadline))
			return -1;
	}
	in->end += (size_t)n;
	return n > 0;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

int
in_line(struct input *in, char **line, size_t *len, int64_t deadline)
{
	char *s, *nl;
	size_t n, scanned = 0;
	int r;

	for (;;) {
		if (in->fd < 0 && !open_next(in))
			return 0;
		s = in->buf + in->start;
		nl = memchr(s + scanned, '\n', in->end - in->start - scanned);
		if (nl == NULL && !in->eof) {
			scanned = in->end - in->start;
			if ((r = fill(in, deadline)) < 0)
				return -1;
			if (r == 0)
				in->eof = 1;
			continue;
		}
		if (nl == NULL && in->end == in->start) {
			/* this file is done; go on with the next */
			if (in->fd > 0)
				close(in->fd);
			in->fd = -1;
			scanned = 0;
			if (in->next >= in->nfiles)
				return 0;
			continue;
		}
		n = nl ? (size_t)(nl - s) : in->end - in->start;
		if (nl == NULL)
			s[n] = '\n';	/* scan_line's control byte */
		in->start += n + (nl != NULL);
		in->offset += (int64_t)(n + (nl != NULL));
		in->lineno++;
		scanned = 0;
		if (in->raw) {
			*line = s;
			*len = n + (nl != NULL);
			return 1;
		}
		if (n > 0 && s[n - 1] == '\r')
			n--;
		/* s[0] is the newline when n is 0: one test for both */
		if ((unsigned char)s[0] <= ' ' && blank(s, n))
			continue;
		*line = s;
		*len = n;
		return 1;
	}
}

int
in_seek(struct input *in, int64_t offset, int64_t lineno)
{
	struct stat st;

	if (in->fd < 0 && !open_next(in))
		return -1;
	if (!in->regular) {
		errno = ESPIPE;
		return -1;
	}
	if (fstat(in->fd, &st) != 0 || st.st_size < offset) {
		errno = EINVAL;
		return -1;
	}
	if (lseek(in->fd, (off_t)offset, SEEK_SET) < 0)
		return -1;
	in->start = in->end = 0;
	in->offset = offset;
	in->lineno = lineno;
	return 0;
}

int
in_buffered(const struct input *in)
{
	return in->end > in->start && (in->eof || memchr(in->buf + in->start,
	    '\n', in->end - in->start) != NULL);
}

void
in_free(struct input *in)
{
	if (in->fd > 0)
		close(in->fd);
	free(in->buf);
	in->buf = NULL;
}

void
bad_deadletter(struct badpolicy *bp, const char *path)
{
	if ((bp->dead = fopen(path, "a")) == NULL)
		die(1, "--dead-letter: %s: %s", path, strerror(errno));
}

static void
vbad(struct badpolicy *bp, const char *name, int64_t lineno,
    const char *line, size_t len, const char *fmt, va_list ap)
{
	struct buf why = { 0 }, out = { 0 };

	buf_vprintf(&why, fmt, ap);
	if (bp->dead) {
		buf_printf(&out, "{\"line\":%lld,\"error\":", (long long)lineno);
		buf_jstr(&out, why.p, why.len);
		buf_adds(&out, ",\"raw\":");
		buf_jstr(&out, line, len);
		if (name) {
			buf_adds(&out, ",\"file\":");
			buf_jstr(&out, name, strlen(name));
		}
		buf_adds(&out, "}\n");
		if (fwrite(out.p, 1, out.len, bp->dead) != out.len)
			die(1, "dead-letter file: %s", strerror(errno));
	} else if (bp->skip) {
		bp->skipped++;
	} else if (name) {
		die(1, "%s: line %lld: %s", name, (long long)lineno, why.p);
	} else {
		die(1, "line %lld: %s", (long long)lineno, why.p);
	}
	buf_free(&why);
	buf_free(&out);
}

void
bad_record(struct badpolicy *bp, const struct input *in, const char *line,
    size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbad(bp, in->name, in->lineno, line, len, fmt, ap);
	va_end(ap);
}

void
bad_record_at(struct badpolicy *bp, const struct input *in, int64_t lineno,
    const char *line, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbad(bp, in->name, lineno, line, len, fmt, ap);
	va_end(ap);
}

void
bad_finish(struct badpolicy *bp)
{
	if (bp->skipped)
		warnmsg("%lld bad record%s skipped", (long long)bp->skipped,
		    bp->skipped == 1 ? "" : "s");
	if (bp->dead && (fflush(bp->dead) == EOF || ferror(bp->dead) ||
	    fclose(bp->dead) == EOF))
		die(1, "dead-letter file: %s", strerror(errno));
	bp->dead = NULL;
}

void
recopts_init(struct recopts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->tpath = "ts";
}

int64_t
opt_duration(const char *opt, const char *arg, int allow_zero)
{
	int64_t v;
	int r;

	if ((r = dur_parse(arg, &v)) == -2)
		usage_error("%s: duration '%s' out of range (at most 292 "
		    "years)", opt, arg);
	if (r != 0)
		usage_error("%s: bad duration '%s' (%s)", opt, arg, DUR_UNITS);
	if (!allow_zero && v == 0)
		usage_error("%s: duration '%s' must be more than 0", opt, arg);
	return v;
}

void
opt_keys(const char *arg, char ***paths, char ***names, size_t *n)
{
	const char *p = arg, *comma, *end, *eq;
	char *path;

	do {
		comma = strchr(p, ',');
		end = comma ? comma : p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		path = xmemdup(p, (size_t)((eq ? eq : end) - p));
		if (!scan_path_valid(path, strlen(path)))
			usage_error("-k: bad field path '%s' in '%s'", path,
			    arg);
		if (eq && eq + 1 == end)
			usage_error("-k: empty name in '%s'", arg);
		*paths = xreallocarray(*paths, *n + 1, sizeof(**paths));
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*paths)[*n] = path;
		(*names)[*n] = eq ? xmemdup(eq + 1, (size_t)(end - eq - 1)) :
		    xstrdup(path);
		(*n)++;
		p = comma + 1;
	} while (comma);
}

const char *
opt_file(const char *opt, const char *arg)
{
	if (*arg == '\0')
		usage_error("%s: empty file name", opt);
	return arg;
}

const char *
opt_path(const char *opt, const char *arg)
{
	if (!scan_path_valid(arg, strlen(arg)))
		usage_error("%s: bad field path '%s'", opt, arg);
	return arg;
}

int
recopts_parse(struct recopts *ro, int c, const char *arg)
{
	const char *why;

	switch (c) {
	case 't':
		ro->tpath = opt_path("-t", arg);
		return 1;
	case RO_DEADLETTER:
		ro->deadpath = opt_file("--dead-letter", arg);
		return 1;
	case RO_ID:
		if (strlen(arg) == 0 || strlen(arg) > 64 || arg[0] == '.' ||
		    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
		    "TUVWXYZ0123456789._-") != strlen(arg))
			usage_error("--id: '%s' is not a name of letters, "
			    "digits, '.', '_' and '-' (not first '.', at most "
			    "64)", arg);
		ro->id = arg;
		return 1;
	case RO_SKIPBAD:
		ro->bad.skip = 1;
		return 1;
	case RO_TFORMAT:
		if (*arg == '\0')
			usage_error("--time-format: empty format");
		if ((why = tm_format_check(arg)) != NULL)
			usage_error("--time-format: '%s' %s", arg, why);
		ro->topts.format = arg;
		return 1;
	case RO_TZ:
		ro->tz = arg;
		return 1;
	case RO_DATAONLY:
		ro->data_only = 1;
		return 1;
	case RO_TOUT:
		if (tm_parse_unit(arg, 0, &ro->time_out) != 0)
			usage_error("--time-out: bad unit '%s'", arg);
		return 1;
	case RO_TUNIT:
		if (tm_parse_unit(arg, 1, &ro->topts.unit) != 0)
			usage_error("--time-unit: bad unit '%s'", arg);
		return 1;
	case RO_VERSION:
		printf("%s (streamutils) %s\n", progname, VERSION);
		finish(0);
	}
	return 0;
}

void
recopts_zone(const struct recopts *ro)
{
	if (tz_set(ro->tz) != 0)
		usage_error("--tz: no zone '%s' in the system's time zone "
		    "database (an IANA name such as Europe/Berlin; Debian "
		    "package tzdata)", ro->tz);
}

void
recopts_finish(struct recopts *ro)
{
	if (ro->deadpath && ro->bad.skip)
		usage_error("--skip-bad and --dead-letter exclude each other");
	if (ro->deadpath)
		bad_deadletter(&ro->bad, ro->deadpath);
}

int
rec_scan(struct badpolicy *bp, const struct input *in,
    const struct scan_paths *ps, const char *line, size_t len,
    struct jval *vals)
{
	struct scan_error e;

	if (scan_line(ps, line, len, vals, &e) == 0)
		return 0;
	if (strcmp(e.text, "not an object") == 0)
		bad_record(bp, in, line, len, "not an object");
	else
		bad_record(bp, in, line, len, "invalid JSON: %s at byte %zu",
		    e.text, e.pos + 1);
	return -1;
}

int
rec_time(struct badpolicy *bp, const struct input *in, const char *line,
    size_t len, const struct jval *v, const struct tm_opts *o,
    const char *path, int64_t *t)
{
	const char *why;

	if (tm_from_jval(v, o, t, &why) == 0)
		return 0;
	if (why == NULL && v->type == J_NONE)
		bad_record(bp, in, line, len, "missing time field \"%s\"",
		    path);
	else if (why == NULL)
		bad_record(bp, in, line, len, "missing time null");
	else
		bad_record(bp, in, line, len, "bad time %s (%s)",
		    jv_excerpt(v), why);
	return -1;
}

const char *
jv_excerpt(const struct jval *v)
{
	static char tmp[64];
	int n = v->len > 40 ? 40 : (int)v->len;

	/* cut before a character, not inside one */
	while (n < (int)v->len && n > 0 && (v->p[n] & 0xc0) == 0x80)
		n--;

	snprintf(tmp, sizeof(tmp), "%.*s%s", n, v->p, v->len > 40 ? "..." :
	    "");
	return tmp;
}

void
late_open(struct latesink *ls, const char *path)
{
	memset(ls, 0, sizeof(*ls));
	ls->path = path;
	if (path && (ls->f = fopen(path, "a")) == NULL)
		die(1, "--late: %s: %s", path, strerror(errno));
}

void
late_add(struct latesink *ls, const char *line, size_t len)
{
	ls->n++;
	if (ls->f && (fwrite(line, 1, len, ls->f) != len ||
	    putc('\n', ls->f) == EOF))
		die(1, "%s: %s", ls->path, strerror(errno));
}

void
late_finish(struct latesink *ls)
{
	if (ls->n)
		warnmsg("%lld late event%s dropped%s%s%s%s", (long long)ls->n,
		    ls->n == 1 ? "" : "s", ls->path ? ", written to " : "",
		    ls->path ? ls->path : "", ls->hint && ls->n > ls->records / 2 ?
		    "; most of the input was late: " : "",
		    ls->hint && ls->n > ls->records / 2 ? ls->hint : "");
	if (ls->f && (fflush(ls->f) == EOF || ferror(ls->f) ||
	    fclose(ls->f) == EOF))
		die(1, "%s: %s", ls->path, strerror(errno));
	ls->f = NULL;
}

/*
 * Appends the decimal digits d[0..n) (no leading zero, more than 15 of
 * them) plus delta, where |delta| is far smaller than the number.
 */
static void
add_to_digits(const char *d, size_t n, int64_t delta, struct buf *out)
{
	char *r = xmemdup(d, n);
	size_t i, from = 0;
	int neg = delta < 0;
	uint64_t mag = neg ? 0 - (uint64_t)delta : (uint64_t)delta;
	int carry = 0;

	for (i = n; i-- > 0 && (mag || carry);) {
		int v = r[i] - '0';

		v += neg ? -(int)(mag % 10) - carry : (int)(mag % 10) + carry;
		mag /= 10;
		carry = 0;
		if (v < 0)
			v += 10, carry = 1;
		else if (v > 9)
			v -= 10, carry = 1;
		r[i] = (char)('0' + v);
	}
	if (carry)	/* only adding carries out of the top */
		buf_addc(out, '1');
	while (from < n - 1 && r[from] == '0')
		from++;
	buf_add(out, r + from, n - from);
	free(r);
}

/* Is the whole number 0.dig * 10^point (point >= nd) within int64? */
static int
fits_int64(const char *dig, size_t nd, int64_t point, int neg)
{
	const char *lim = neg ? "9223372036854775808" : "9223372036854775807";
	size_t i;

	if (point != 19)
		return point < 19;
	for (i = 0; i < 19; i++) {
		char c = i < nd ? dig[i] : '0';

		if (c != lim[i])
			return c < lim[i];
	}
	return 1;
}

/*
 * Appends the number text s[0..n) in the one form equal values share:
 * exact from its decimal digits, never through a double, so 1, 1.0 and
 * 1e0 all give "1", and 9007199254740993.0 stays apart from ...992.
 * Whole numbers that fit int64 print plainly (beyond, JSON readers such
 * as jansson, and our scanner, refuse an integer), other values in fixed
 * point when their exponent is small, else as D.DDDeX.
 */
static void
canon_number(const char *s, size_t n, struct buf *out)
{
	char small[64], *dig = n <= sizeof(small) ? small : xmalloc(n);
	const char *ebig = NULL;
	size_t i = 0, nd = 0, nebig = 0;
	int64_t point = 0, e = 0, k;
	int neg = 0, afterpoint = 0, eneg = 0;

	if (s[i] == '-')
		neg = 1, i++;
	for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.') {
			afterpoint = 1;
		} else if (nd == 0 && s[i] == '0') {
			point -= afterpoint;
		} else {
			dig[nd++] = s[i];
			point += !afterpoint;
		}
	}
	if (i < n) {
		i++;
		if (s[i] == '-' || s[i] == '+')
			eneg = s[i++] == '-';
		while (i < n - 1 && s[i] == '0')
			i++;
		if (n - i > 15) {
			ebig = s + i;
			nebig = n - i;
		}
		for (; i < n && !ebig; i++)
			e = e * 10 + (s[i] - '0');
		point += eneg ? -e : e;
	}
	while (nd > 0 && dig[nd - 1] == '0')
		nd--;
	if (nd == 0) {
		buf_addc(out, '0');
	} else if (ebig) {
		/* an exponent beyond int64 (1e-99999999999999999999 is
		 * valid JSON): the digits' own point shifts it by less than
		 * the line is long, worked out on its decimal text */
		if (neg)
			buf_addc(out, '-');
		buf_addc(out, dig[0]);
		if (nd > 1) {
			buf_addc(out, '.');
			buf_add(out, dig + 1, nd - 1);
		}
		buf_add(out, eneg ? "e-" : "e", 1 + eneg);
		add_to_digits(ebig, nebig, eneg ? 1 - point : point - 1, out);
	} else {
		if (neg)
			buf_addc(out, '-');
		/* value = 0.dig * 10^point */
		if (point >= (int64_t)nd && fits_int64(dig, nd, point, neg)) {
			buf_add(out, dig, nd);
			for (k = (int64_t)nd; k < point; k++)
				buf_addc(out, '0');
		} else if (point > 0 && point < (int64_t)nd) {
			buf_add(out, dig, (size_t)point);
			buf_addc(out, '.');
			buf_add(out, dig + point, nd - (size_t)point);
		} else if (point <= 0 && point > -6) {
			buf_add(out, "0.", 2);
			for (k = point; k < 0; k++)
				buf_addc(out, '0');
			buf_add(out, dig, nd);
		} else {
			buf_addc(out, dig[0]);
			if (nd > 1) {
				buf_addc(out, '.');
				buf_add(out, dig + 1, nd - 1);
			}
			buf_printf(out, "e%lld", (long long)(point - 1));
		}
	}
	if (dig != small)
		free(dig);
}

static size_t
skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	return i;
}

/* Decodes the string whose opening quote is at s[i] into raw; returns
 * the index after its closing quote. */
static size_t
read_string(const char *s, size_t n, size_t i, struct buf *raw)
{
	struct jval v = { s + i, 0, J_STRING, JV_ESCAPED, 0, 0 };
	size_t j;

	for (j = i + 1; j < n && s[j] != '"'; j++)
		if (s[j] == '\\')
			j++;
	v.len = j + 1 - i;
	raw->len = 0;
	buf_grow(raw, v.len);
	raw->len = jv_unescape(&v, raw->p);
	return j + 1;
}

struct member {
	char *key;		/* decoded */
	size_t klen, order;
	struct buf val;		/* canonical text */
};

static int
cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c == 0)
		c = (x->klen > y->klen) - (x->klen < y->klen);
	if (c == 0)
		c = (x->order > y->order) - (x->order < y->order);
	return c;
}

/*
 * Appends the canonical text of the valid JSON value starting at s[i]
 * (white space first is skipped); returns the index after it.  Objects
 * get their members sorted by key, the last of duplicate keys kept, as
 * jansson keeps it.
 */
static size_t
canon_text(const char *s, size_t n, size_t i, struct buf *out)
{
	struct buf raw = { 0 };
	struct member *m = NULL;
	size_t nm = 0, j, k;

	i = skip_ws(s, n, i);
	switch (s[i]) {
	case '{':
		i = skip_ws(s, n, i + 1);
		while (s[i] != '}') {
			m = xreallocarray(m, nm + 1, sizeof(*m));
			i = read_string(s, n, i, &raw);
			m[nm].key = xmemdup(raw.p, raw.len);
			m[nm].klen = raw.len;
			m[nm].order = nm;
			memset(&m[nm].val, 0, sizeof(m[nm].val));
			i = skip_ws(s, n, i) + 1;	/* the colon */
			i = skip_ws(s, n, canon_text(s, n, i, &m[nm].val));
			nm++;
			if (s[i] == ',')
				i = skip_ws(s, n, i + 1);
		}
		if (nm)
			qsort(m, nm, sizeof(*m), cmp_member);
		buf_addc(out, '{');
		for (j = k = 0; j < nm; j++) {
			if (j + 1 < nm && m[j].klen == m[j + 1].klen &&
			    memcmp(m[j].key, m[j + 1].key, m[j].klen) == 0)
				continue;	/* a later duplicate wins */
			if (k++)
				buf_addc(out, ',');
			buf_jstr(out, m[j].key, m[j].klen);
			buf_addc(out, ':');
			buf_add(out, m[j].val.p, m[j].val.len);
		}
		buf_addc(out, '}');
		for (j = 0; j < nm; j++) {
			free(m[j].key);
			buf_free(&m[j].val);
		}
		free(m);
		buf_free(&raw);
		return i + 1;
	case '[':
		buf_addc(out, '[');
		i = skip_ws(s, n, i + 1);
		for (k = 0; s[i] != ']'; k++) {
			if (k)
				buf_addc(out, ',');
			i = skip_ws(s, n, canon_text(s, n, i, out));
			if (s[i] == ',')
				i++;
		}
		buf_addc(out, ']');
		return i + 1;
	case '"':
		i = read_string(s, n, i, &raw);
		buf_jstr(out, raw.p, raw.len);
		buf_free(&raw);
		return i;
	case 't':
		buf_add(out, "true", 4);
		return i + 4;
	case 'f':
		buf_add(out, "false", 5);
		return i + 5;
	case 'n':
		buf_add(out, "null", 4);
		return i + 4;
	default:
		for (j = i; j < n && strchr("+-.0123456789eE", s[j]) &&
		    s[j] != '\0'; j++)
			;
		canon_number(s + i, j - i, out);
		return j;
	}
}

/* Whether v's text is its canonical text already: a string with no
 * escape, or an integer token (JSON allows no leading zeros) but "-0". */
static inline int
canonical_as_is(const struct jval *v)
{
	return (v->type == J_STRING && !(v->flags & JV_ESCAPED)) ||
	    (v->type == J_NUMBER && (v->flags & JV_INT) &&
	    !(v->len == 2 && v->p[1] == '0'));
}

void
jv_canonical(const struct jval *v, struct buf *out)
{
	if (v->type == J_NONE)
		buf_add(out, "null", 4);
	else if (canonical_as_is(v))
		buf_add(out, v->p, v->len);
	else
		canon_text(v->p, v->len, 0, out);
}

void
key_text(const struct jval *vals, const int *field, size_t n,
    struct buf *out)
{
	size_t i;

	out->len = 0;
	if (n == 1) {
		jv_canonical(&vals[field[0]], out);
		return;
	}
	buf_addc(out, '[');
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(out, ',');
		jv_canonical(&vals[field[i]], out);
	}
	buf_addc(out, ']');
}

void
key_view(const struct jval *vals, const int *field, size_t n,
    struct buf *out, const char **k, size_t *klen)
{
	if (n == 1 && canonical_as_is(&vals[field[0]])) {
		*k = vals[field[0]].p;
		*klen = vals[field[0]].len;
		return;
	}
	key_text(vals, field, n, out);
	*k = out->p;
	*klen = out->len;
}

/*
 * A 64-bit hash of p[0..n), the same on every run and machine: FNV-1a,
 * h then XOR h >> 32, and 1 for 0.  skeyby routes keys by it, and its man
 * page says so: it must never change.
 */
static uint64_t
hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	h ^= h >> 32;	/* FNV's low bits mix poorly; "% n" uses them */
	return h ? h : 1;
}

size_t
key_shard(const char *k, size_t len, size_t n)
{
	return (size_t)(hash_bytes(k, len) % n);
}
