#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "num.h"
#include "rec.h"
#include "tm.h"
#include "util.h"

void
in_init(struct input *in, char **files, int nfiles)
{
	memset(in, 0, sizeof(*in));
	in->files = files;
	in->nfiles = nfiles;
	in->fd = -1;
	in->cap = 1 << 16;
	in->buf = xmalloc(in->cap);
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
	fflush(NULL);
	for (;;) {
		if (deadline < 0) {
			ms = -1;
		} else {
			int64_t left = deadline - tm_mono();

			if (left <= 0)
				return 0;
			ms = (int)((left + 999999) / 1000000);
		}
		if ((r = poll(&p, 1, ms)) > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			die(1, "%s: %s", in->name ? in->name : "stdin",
			    strerror(errno));
	}
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
		in->cap *= 2;
		in->buf = xrealloc(in->buf, in->cap);
	}
	if (!wait_readable(in, deadline))
		return -1;
	do
		n = read(in->fd, in->buf + in->end, in->cap - in->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die(1, "%s: %s", in->name ? in->name : "stdin", strerror(errno));
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
		in->start += n + (nl != NULL);
		in->lineno++;
		scanned = 0;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n == 0 || ((s[0] == ' ' || s[0] == '\t' || s[0] == '\r') &&
		    blank(s, n)))
			continue;
		*line = s;
		*len = n;
		return 1;
	}
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
		die(1, "%s: %s", path, strerror(errno));
}

void
bad_record(struct badpolicy *bp, const struct input *in, const char *line,
    size_t len, const char *fmt, ...)
{
	struct buf why = { 0 }, out = { 0 };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_grow(&why, (size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(why.p, why.cap, fmt, ap);
	va_end(ap);
	why.len = strlen(why.p);

	if (bp->dead) {
		buf_printf(&out, "{\"line\":%lld,\"error\":",
		    (long long)in->lineno);
		buf_jstr(&out, why.p, why.len);
		buf_adds(&out, ",\"raw\":");
		buf_jstr(&out, line, len);
		if (in->name) {
			buf_adds(&out, ",\"file\":");
			buf_jstr(&out, in->name, strlen(in->name));
		}
		buf_adds(&out, "}\n");
		if (fwrite(out.p, 1, out.len, bp->dead) != out.len)
			die(1, "dead-letter file: %s", strerror(errno));
	} else if (bp->skip) {
		bp->skipped++;
	} else if (in->name) {
		die(1, "%s: line %lld: %s", in->name, (long long)in->lineno,
		    why.p);
	} else {
		die(1, "line %lld: %s", (long long)in->lineno, why.p);
	}
	buf_free(&why);
	buf_free(&out);
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

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends j with its object keys sorted and numbers by value. */
static void
canon_json(json_t *j, struct buf *out)
{
	char tmp[NUM_MAXLEN];
	const char **keys, *k;
	json_t *v;
	size_t i, n;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		keys = xreallocarray(NULL, json_object_size(j), sizeof(*keys));
		n = 0;
		json_object_foreach(j, k, v)
			keys[n++] = k;
		qsort(keys, n, sizeof(*keys), cmp_str);
		buf_addc(out, '{');
		for (i = 0; i < n; i++) {
			if (i)
				buf_addc(out, ',');
			buf_jstr(out, keys[i], strlen(keys[i]));
			buf_addc(out, ':');
			canon_json(json_object_get(j, keys[i]), out);
		}
		buf_addc(out, '}');
		free(keys);
		break;
	case JSON_ARRAY:
		buf_addc(out, '[');
		for (i = 0; i < json_array_size(j); i++) {
			if (i)
				buf_addc(out, ',');
			canon_json(json_array_get(j, i), out);
		}
		buf_addc(out, ']');
		break;
	case JSON_STRING:
		buf_jstr(out, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		buf_add(out, tmp, num_fmt_int(json_integer_value(j), tmp));
		break;
	case JSON_REAL:
		buf_add(out, tmp, num_fmt_double(json_real_value(j), tmp));
		break;
	case JSON_TRUE:
		buf_add(out, "true", 4);
		break;
	case JSON_FALSE:
		buf_add(out, "false", 5);
		break;
	case JSON_NULL:
		buf_add(out, "null", 4);
		break;
	}
}

void
jv_canonical(const struct jval *v, struct buf *out)
{
	char tmp[NUM_MAXLEN];
	json_t *j;
	int64_t i;

	switch (v->type) {
	case J_NONE:
	case J_NULL:
		buf_add(out, "null", 4);
		return;
	case J_TRUE:
		buf_add(out, "true", 4);
		return;
	case J_FALSE:
		buf_add(out, "false", 5);
		return;
	case J_NUMBER:
		if ((v->flags & JV_INT) && num_parse_int(v->p, v->len, &i) == 0)
			buf_add(out, tmp, num_fmt_int(i, tmp));
		else
			buf_add(out, tmp, num_fmt_double(num_parse_double(v->p,
			    v->len), tmp));
		return;
	case J_STRING:
		if (!(v->flags & JV_ESCAPED)) {
			buf_add(out, v->p, v->len);
			return;
		}
		break;
	default:
		break;
	}
	/* escaped strings, arrays and objects are rare here: jansson
	 * reads them, and the value is written back in one form */
	j = json_loadb(v->p, v->len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (j == NULL) {
		buf_add(out, v->p, v->len);	/* the scanner vouched for it */
		return;
	}
	canon_json(j, out);
	json_decref(j);
}
