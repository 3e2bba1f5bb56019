/* util: memory, growable buffers and messages shared by every tool. */
#ifndef UTIL_H
#define UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VERSION "0.1.0"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

extern const char *progname;	/* set by tool_init, used in messages */

/*
 * Starts a tool: its name for messages, the default action for SIGPIPE
 * (a closed stdout ends the tool quietly, even when the caller ignored
 * the signal), and a large buffer for stdout when it is no terminal.
 */
void tool_init(const char *name);

/* Allocation that cannot fail: out of memory ends the tool with exit 1. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xmemdup(const void *p, size_t n);

/* A growable byte string; p is not NUL-terminated. */
struct buf {
	char *p;
	size_t len, cap;
};

void buf_grow(struct buf *b, size_t extra);
/* Appends printf output, with a NUL after it that len does not count. */
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Appends: inline, since output records are built of many small pieces.
 * A piece of 4 to 16 bytes goes as two copies of a fixed size that
 * overlap, which the compiler makes a load and a store each, where a
 * call to memcpy would cost more than the copy.
 */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	char *d;

	if (b->cap - b->len <= n)
		buf_grow(b, n);
	d = b->p + b->len;
	if (n >= 8 && n <= 16) {
		memcpy(d, p, 8);
		memcpy(d + n - 8, (const char *)p + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(d, p, 4);
		memcpy(d + n - 4, (const char *)p + n - 4, 4);
	} else if (n)
		memcpy(d, p, n);
	b->len += n;
}

static inline void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static inline void
buf_addc(struct buf *b, char c)
{
	if (b->cap - b->len <= 1)
		buf_grow(b, 1);
	b->p[b->len++] = c;
}
void buf_free(struct buf *b);

/*
 * Appends s[0..n) as a JSON string (quotes included), escaping what JSON
 * needs.  Bytes that are not valid UTF-8 become U+FFFD, so the result is
 * always valid JSON.
 */
void buf_jstr(struct buf *b, const char *s, size_t n);

/* Returns 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t n);

/* Messages in the "progname: text" form, to stderr. */
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Prints "progname: MESSAGE" and a pointer to --help, and exits 2.  A NULL
 * fmt prints only the pointer, after getopt's own message.
 */
_Noreturn void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * Flushes stdout and exits: 1 with a message when any write failed, so
 * "tool >/dev/full" never looks like success.  Returns never.
 */
_Noreturn void finish(int status);

/*
 * Writes to stdout, ending the tool quietly when the reader went away.
 * The bytes wait in a buffer of util's own (on a terminal, only until the
 * line ends): any other writer of stdout calls out_flush first.
 */
void out_write(const void *p, size_t n);

/* The same for a line p[0..n) and its newline. */
void out_line(const char *p, size_t n);

/*
 * The buffer out_write gathers in, for a record built in place, which
 * spares copying it: append the whole record, its newline too, then call
 * out_record, with no other output between.
 */
struct buf *out_buf(void);
void out_record(void);

/*
 * Of n bytes waiting after sent bytes already written, how many to write
 * now so that the write ends on a multiple of block (a power of two),
 * or all n when no multiple falls among them.  A file system takes
 * writes of 64 KiB that end on 64 KiB in large pages (ext4 on Linux 6.18
 * then writes a file in a quarter less system time).
 */
size_t block_cut(size_t sent, size_t n, size_t block);

/*
 * Sends what out_write holds to stdout and flushes stdio's buffer too,
 * as fflush(stdout) does: EOF when a write failed (which ferror(stdout)
 * and finish then tell), else 0.
 */
int out_flush(void);

#endif
