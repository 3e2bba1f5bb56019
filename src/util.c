#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

const char *progname = "streamutils";

/*
 * Output records gather here and go to stdio a block at a time: a call
 * to fwrite costs more than copying a short line.  A block is OUT_MAX
 * bytes ending at a multiple of OUT_MAX in the output (block_cut).  On a
 * terminal each line goes at once, as stdio's line buffering would send
 * it.  Between calls out holds OUT_MAX bytes at most.
 */
static struct {
	struct buf b;
	int tty;
	size_t whole;	/* between out_buf and out_record: the bytes before
			 * the record being built */
	int building;
	size_t sent;	/* bytes handed to stdio so far */
} out;

#define OUT_MAX (1 << 16)	/* a block; a power of two */

static void out_drain(void);

/*
 * Hands the first n bytes out holds to stdio and keeps the rest: 0, or
 * -1 when the write failed (what failed is dropped, as stdio drops it).
 */
static int
out_send(size_t n)
{
	int r = n > 0 && fwrite(out.b.p, 1, n, stdout) != n ? -1 : 0;

	out.sent += n;
	out.b.len -= n;
	memmove(out.b.p, out.b.p + n, out.b.len);
	return r;
}

/* Whatever ends the tool (exit, die, out of memory) writes out first, as
 * exit flushes stdio's buffers. */
static void
out_atexit(void)
{
	if (out.building)
		out.b.len = out.whole;	/* never half a record */
	out_send(out.b.len);
}

void
tool_init(const char *name)
{
	progname = name;
	signal(SIGPIPE, SIG_DFL);
	/* out's buffer is the only one a pipe or file needs */
	if (!(out.tty = isatty(STDOUT_FILENO)))
		setvbuf(stdout, NULL, _IONBF, 0);
	buf_grow(&out.b, 2 * OUT_MAX);
	atexit(out_atexit);
}

static _Noreturn void
oom(void)
{
	fprintf(stderr, "%s: out of memory\n", progname);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom();
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s) + 1);
}

char *
xmemdup(const void *p, size_t n)
{
	char *q = xmalloc(n + 1);

	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t cap;

	if (b->cap - b->len > extra)
		return;
	if (extra > SIZE_MAX / 2 - b->len)
		oom();
	for (cap = b->cap ? b->cap : 64; cap - b->len <= extra; cap *= 2)
		;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	buf_grow(b, 128);
	va_copy(again, ap);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	if (n >= 0 && (size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n + 1);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, again);
	}
	va_end(again);
	if (n > 0)
		b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	uint64_t x;

	while (i < n) {
		/* ASCII runs 8 bytes at a time */
		if (n - i >= 8) {
			memcpy(&x, u + i, 8);
			if ((x & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		if ((k = utf8_len(u + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

void
buf_jstr(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i, k;

	buf_grow(b, n + 2);
	buf_addc(b, '"');
	for (i = 0; i < n; i += k) {
		unsigned char c = u[i];

		/* the usual text needs no escape: copy it by runs */
		for (k = 0; i + k < n && u[i + k] >= 0x20 && u[i + k] < 0x80 &&
		    u[i + k] != '"' && u[i + k] != '\\'; k++)
			;
		if (k > 0) {
			buf_add(b, u + i, k);
			continue;
		}
		k = 1;
		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c < 0x20) {
			switch (c) {
			case '\b': buf_add(b, "\\b", 2); break;
			case '\f': buf_add(b, "\\f", 2); break;
			case '\n': buf_add(b, "\\n", 2); break;
			case '\r': buf_add(b, "\\r", 2); break;
			case '\t': buf_add(b, "\\t", 2); break;
			default:
				buf_add(b, "\\u00", 4);
				buf_addc(b, hex[c >> 4]);
				buf_addc(b, hex[c & 15]);
			}
		} else if (c < 0x80) {
			buf_addc(b, (char)c);
		} else if ((k = utf8_len(u + i, n - i)) == 0) {
			buf_add(b, "\xef\xbf\xbd", 3);
			k = 1;
		} else {
			buf_add(b, u + i, k);
		}
	}
	buf_addc(b, '"');
}

/* One write for the whole line: shards of skeyby share one stderr. */
static void
vmsg(const char *fmt, va_list ap)
{
	struct buf m = { 0 };

	/* what came before the message goes first; a write that fails here
	 * is left to the next write or to finish */
	out_flush();
	buf_vprintf(&m, fmt, ap);
	fprintf(stderr, "%s: %s\n", progname, m.p ? m.p : "");
	buf_free(&m);
}

void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void
usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vmsg(fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	exit(2);
}

void
finish(int status)
{
	out_drain();
	if (fflush(stdout) == EOF || ferror(stdout) || fclose(stdout) == EOF) {
		if (errno == EPIPE)
			exit(status);
		fprintf(stderr, "%s: write error: %s\n", progname,
		    strerror(errno ? errno : EIO));
		exit(1);
	}
	exit(status);
}

/* A failed write: quiet when the reader went away, else the tool fails. */
static _Noreturn void
write_failed(void)
{
	if (errno == EPIPE)
		exit(0);
	fprintf(stderr, "%s: write error: %s\n", progname, strerror(errno));
	exit(1);
}

static void
out_drain(void)
{
	if (out_send(out.b.len) != 0)
		write_failed();
}

size_t
block_cut(size_t sent, size_t n, size_t block)
{
	size_t over = (sent + n) & (block - 1);

	return over < n ? n - over : n;
}

/* Once out holds OUT_MAX bytes or more, what ends on a block goes on. */
static void
out_spill(void)
{
	if (out.b.len >= OUT_MAX &&
	    out_send(block_cut(out.sent, out.b.len, OUT_MAX)) != 0)
		write_failed();
}

int
out_flush(void)
{
	int r = out_send(out.b.len);

	return fflush(stdout) == EOF || r != 0 ? EOF : 0;
}

void
out_write(const void *p, size_t n)
{
	if (n == 0)
		return;		/* p may be NULL then: an empty buffer's */
	if (n > OUT_MAX) {
		out_drain();
		if (fwrite(p, 1, n, stdout) != n)
			write_failed();
		out.sent += n;
		return;
	}
	memcpy(out.b.p + out.b.len, p, n);
	out.b.len += n;
	out_spill();
	if (out.tty && memchr(p, '\n', n) != NULL)
		out_flush();
}

/* out_line's way for a line that fills the buffer, or on a terminal:
 * out of line, so that the usual way needs no frame of its own */
static __attribute__((noinline)) void
out_line_slow(const char *p, size_t n)
{
	out_write(p, n);
	out_write("\n", 1);
}

void
out_line(const char *p, size_t n)
{
	char *d = out.b.p + out.b.len;

	if (out.b.len + n >= OUT_MAX || out.tty) {
		out_line_slow(p, n);
		return;
	}
	/* the copy goes last, where it needs no frame of its own */
	d[n] = '\n';
	out.b.len += n + 1;
	memcpy(d, p, n);
}

struct buf *
out_buf(void)
{
	out.whole = out.b.len;
	out.building = 1;
	return &out.b;
}

void
out_record(void)
{
	out.building = 0;
	if (out.b.len >= OUT_MAX)
		out_spill();
	else if (out.tty)
		out_flush();
}
