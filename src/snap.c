#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "num.h"
#include "scan.h"
#include "snap.h"

#define FLUSH_AT (1 << 16)	/* a block: a power of two */

void
snap_path(struct buf *out, const char *dir, int64_t n, const char *name)
{
	out->len = 0;
	buf_printf(out, "%s/ckpt.%lld%s%s", dir, (long long)n, name ? "/" : "",
	    name ? name : "");
}

/* Makes dir durable: its entries survive a crash once this returns 0. */
static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

static void
put_raw(struct snap_w *w, const char *p, size_t n)
{
	while (n > 0 && !w->failed) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			w->failed = 1;
			w->err = errno;
			return;
		}
		p += k;
		n -= (size_t)k;
	}
}

/* Writes the first n bytes held and keeps the rest. */
static void
flush_buf(struct snap_w *w, size_t n)
{
	w->crc = (uint32_t)crc32(w->crc, (const Bytef *)w->b.p, (uInt)n);
	put_raw(w, w->b.p, n);
	w->sent += n;
	w->b.len -= n;
	memmove(w->b.p, w->b.p + n, w->b.len);
}

int
snap_begin(struct snap_w *w, const char *dir, int64_t n, const char *name,
    const char *tool, const char *id, const char *options, char *why,
    size_t whylen)
{
	struct buf p = { 0 }, h = { 0 };

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	snap_path(&p, dir, n, NULL);
	w->dirpath = xmemdup(p.p, p.len);
	if (mkdir(w->dirpath, 0777) == 0) {
		if (sync_dir(dir) != 0)
			goto fail;
	} else if (errno != EEXIST) {
		goto fail;
	}
	snap_path(&p, dir, n, name);
	w->path = xmemdup(p.p, p.len);
	p.len = 0;
	buf_printf(&p, "%s/.tmp.%s.%ld", w->dirpath, name, (long)getpid());
	w->tmp = xmemdup(p.p, p.len);
	/* a temp file of ours is left only by a process killed before */
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (w->fd < 0 && errno == EEXIST && unlink(w->tmp) == 0)
		w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0666);
	if (w->fd < 0)
		goto fail;
	w->crc = (uint32_t)crc32(0, NULL, 0);
	buf_printf(&h, "{\"snapshot\":\"streamutils\",\"format\":%d,\"tool\":",
	    SNAP_FORMAT);
	buf_jstr(&h, tool, strlen(tool));
	buf_adds(&h, ",\"id\":");
	buf_jstr(&h, id, strlen(id));
	buf_printf(&h, ",\"checkpoint\":%lld,\"options\":%s}", (long long)n,
	    options);
	snap_put(w, h.p, h.len);
	buf_free(&h);
	buf_free(&p);
	return 0;
fail:
	snprintf(why, whylen, "%s: %s", w->tmp ? w->tmp : p.p,
	    strerror(errno));
	buf_free(&p);
	free(w->tmp);
	free(w->path);
	free(w->dirpath);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	return -1;
}

void
snap_put(struct snap_w *w, const char *line, size_t len)
{
	buf_add(&w->b, line, len);
	buf_addc(&w->b, '\n');
	if (w->b.len >= FLUSH_AT)
		flush_buf(w, block_cut(w->sent, w->b.len, FLUSH_AT));
}

int
snap_end(struct snap_w *w, char *why, size_t whylen)
{
	const char *step;
	char sum[40];
	int n, r = -1;

	flush_buf(w, w->b.len);
	n = snprintf(sum, sizeof(sum), "{\"crc32\":\"%08x\"}\n",
	    (unsigned)w->crc);
	put_raw(w, sum, (size_t)n);
	/* as Redis does: each step checked, and a failed one starts over */
	step = "write";
	if (w->failed) {
		errno = w->err;
		goto out;
	}
	step = "fsync";
	if (fsync(w->fd) != 0)
		goto out;
	step = "close";
	n = close(w->fd);
	w->fd = -1;
	if (n != 0)
		goto out;
	step = "rename";
	if (rename(w->tmp, w->path) != 0)
		goto out;
	step = "fsync of the directory";
	if (sync_dir(w->dirpath) != 0)
		goto out;
	r = 0;
out:
	if (r != 0) {
		snprintf(why, whylen, "%s: %s: %s", w->path, step,
		    strerror(errno));
		unlink(w->tmp);
	}
	if (w->fd >= 0)
		close(w->fd);
	buf_free(&w->b);
	free(w->tmp);
	free(w->path);
	free(w->dirpath);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	return r;
}

/*
 * A snapshot is read twice, a buffer at a time: once for its checksum,
 * then line by line for the caller, so that a million windows' state
 * never sits in memory as text.  Between the two nothing can change it:
 * both go through one descriptor, and a snapshot is only ever renamed
 * into place, never written over.
 */
#define READ_AT (1 << 20)

/* Reads up to n bytes at offset off into p; -1 on a read error. */
static ssize_t
read_at(int fd, char *p, size_t n, off_t off)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = pread(fd, p + got, n - got, off + (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* The crc32 of the file's first n bytes into *crc; -1 on a read error. */
static int
crc_of(struct snap_r *r, off_t n, unsigned long *crc)
{
	off_t at;
	ssize_t k;

	*crc = crc32(0, NULL, 0);
	for (at = 0; at < n; at += k) {
		k = read_at(r->fd, r->buf, n - at < READ_AT ? (size_t)(n - at) :
		    READ_AT, at);
		if (k <= 0)
			return -1;
		*crc = crc32(*crc, (const Bytef *)r->buf, (uInt)k);
	}
	return 0;
}

/*
 * The next line of the state, up to the checksum line, into *line and
 * *len: 1, 0 after the last, -1 on a read error.  The buffer grows for a
 * line longer than it.
 */
static int
next_line(struct snap_r *r, const char **line, size_t *len)
{
	char *nl;
	ssize_t k;
	size_t want;

	for (;;) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl != NULL) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line);
			r->start += *len + 1;
			return 1;
		}
		if (r->pos >= r->stop)
			return 0;	/* the writer ends every line */
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
		if (r->end == r->cap) {
			r->cap *= 2;
			r->buf = xrealloc(r->buf, r->cap);
		}
		want = r->cap - r->end;
		if ((off_t)want > r->stop - r->pos)
			want = (size_t)(r->stop - r->pos);
		if ((k = read_at(r->fd, r->buf + r->end, want, r->pos)) <= 0) {
			if (k == 0)
				errno = EIO;	/* shorter than when checked */
			return -1;
		}
		r->end += (size_t)k;
		r->pos += k;
	}
}

int
snap_load(struct snap_r *r, const char *path, const char *tool,
    const char *options, char *why, size_t whylen)
{
	static const char *const hpaths[] = { "snapshot", "format", "tool",
	    "id", "checkpoint", "options" };
	static const char *const cpath[] = { "crc32" };
	struct scan_paths *hp = NULL, *cp = NULL;
	struct scan_error e;
	struct jval h[6], c;
	char want[16], tail[128];
	const char *head;
	struct stat st;
	unsigned long crc;
	int64_t fmt;
	size_t n, last;

	memset(r, 0, sizeof(*r));
	if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(r->fd, &st) != 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		if (r->fd >= 0)
			close(r->fd);
		r->fd = -1;
		return -1;
	}
	r->cap = READ_AT;
	r->buf = xmalloc(r->cap);
	if ((hp = scan_compile(hpaths, LEN(hpaths))) == NULL ||
	    (cp = scan_compile(cpath, 1)) == NULL)
		die(1, "out of memory");
	/* the checksum line: the last, short, over every byte before it */
	n = st.st_size < (off_t)sizeof(tail) ? (size_t)st.st_size :
	    sizeof(tail);
	if (read_at(r->fd, tail, n, st.st_size - (off_t)n) != (ssize_t)n)
		goto damaged;
	for (last = n > 0 ? n - 1 : 0; last > 0 && tail[last - 1] != '\n';
	    last--)
		;
	r->stop = st.st_size - (off_t)(n - last);
	if (n == 0 || tail[n - 1] != '\n' || r->stop == 0 || (last == 0 &&
	    n == sizeof(tail)) || crc_of(r, r->stop, &crc) != 0)
		goto damaged;
	snprintf(want, sizeof(want), "\"%08x\"", (unsigned)crc);
	if (scan_object(cp, tail + last, n - 1 - last, &c, &e) != 0 ||
	    c.type != J_STRING || c.len != 10 || memcmp(c.p, want, 10) != 0)
		goto damaged;
	/* the header, kept: the options point into it */
	if (next_line(r, &head, &n) != 1)
		goto damaged;
	r->head = xmalloc(n + 1);
	memcpy(r->head, head, n);
	r->head[n] = '\0';
	if (scan_object(hp, r->head, n, h, &e) != 0 ||
	    h[0].type != J_STRING || h[0].len != 13 ||
	    memcmp(h[0].p, "\"streamutils\"", 13) != 0 ||
	    h[1].type != J_NUMBER || h[2].type != J_STRING ||
	    h[3].type != J_STRING || h[4].type != J_NUMBER ||
	    h[5].type != J_OBJECT || h[2].len - 2 >= sizeof(r->tool) ||
	    h[3].len - 2 >= sizeof(r->id) ||
	    num_parse_int(h[1].p, h[1].len, &fmt) != 0 ||
	    num_parse_int(h[4].p, h[4].len, &r->checkpoint) != 0) {
		snprintf(why, whylen, "%s: not a streamutils snapshot", path);
		goto fail;
	}
	if (fmt > SNAP_FORMAT) {
		snprintf(why, whylen, "%s: snapshot format %lld is newer than "
		    "this %s reads (%d)", path, (long long)fmt, progname,
		    SNAP_FORMAT);
		scan_free(hp);
		scan_free(cp);
		snap_free(r);
		return -2;
	}
	n = jv_unescape(&h[2], r->tool);
	r->tool[n] = '\0';
	n = jv_unescape(&h[3], r->id);
	r->id[n] = '\0';
	r->options = h[5].p;
	r->optlen = h[5].len;
	if (tool && strcmp(tool, r->tool) != 0) {
		snprintf(why, whylen, "%s: written by %s, not %s", path,
		    r->tool, tool);
		goto fail;
	}
	if (options && (strlen(options) != r->optlen ||
	    memcmp(options, r->options, r->optlen) != 0)) {
		snprintf(why, whylen, "%s: written by %s with other options: "
		    "%.*s; now %s", path, r->tool, (int)r->optlen, r->options,
		    options);
		goto fail;
	}
	scan_free(hp);
	scan_free(cp);
	return 0;
damaged:
	snprintf(why, whylen, "%s: damaged or cut short (its checksum "
	    "does not match)", path);
fail:
	scan_free(hp);
	scan_free(cp);
	snap_free(r);
	return -1;
}

int
snap_next(struct snap_r *r, const char **line, size_t *len)
{
	int k = next_line(r, line, len);

	if (k < 0)
		die(1, "snapshot: %s", strerror(errno));
	return k;
}

void
snap_free(struct snap_r *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->head);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

void
snap_put_double(struct buf *b, double x)
{
	char tmp[NUM_MAXLEN];

	if (isnan(x))
		buf_adds(b, "\"nan\"");
	else if (isinf(x))
		buf_adds(b, x > 0 ? "\"inf\"" : "\"-inf\"");
	else if (x == 0 && signbit(x))
		buf_adds(b, "-0");
	else
		buf_add(b, tmp, num_fmt_double(x, tmp));
}

double
snap_double(const char *s, size_t n)
{
	double d;

	if (n > 0 && s[0] == '"')
		return n == 5 && s[1] == 'n' ? NAN : s[1] == '-' ? -INFINITY :
		    INFINITY;
	d = num_parse_double(s, n);
	return d == 0 && n > 0 && s[0] == '-' ? -0.0 : d;
}

static int
cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y) - (x > y);
}

int
snap_list(const char *dir, int64_t **ns)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, cap = 0;
	int64_t v;

	*ns = NULL;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		const char *s = e->d_name;

		if (strncmp(s, "ckpt.", 5) != 0 || s[5] == '\0' ||
		    strspn(s + 5, "0123456789") != strlen(s + 5) ||
		    (s[5] == '0' && s[6] != '\0') ||
		    num_parse_int(s + 5, strlen(s + 5), &v) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			*ns = xreallocarray(*ns, cap, sizeof(**ns));
		}
		(*ns)[n++] = v;
	}
	closedir(d);
	if (n > 1)
		qsort(*ns, n, sizeof(**ns), cmp_desc);
	return (int)n;
}

int
snap_remove(const char *dir, int64_t n)
{
	struct buf p = { 0 }, f = { 0 };
	struct dirent *e;
	DIR *d;
	int r = 0;

	snap_path(&p, dir, n, NULL);
	buf_addc(&p, '\0');
	if ((d = opendir(p.p)) == NULL) {
		buf_free(&p);
		return errno == ENOENT ? 0 : -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		f.len = 0;
		buf_printf(&f, "%s/%s", p.p, e->d_name);
		if (unlink(f.p) != 0)
			r = -1;
	}
	closedir(d);
	if (rmdir(p.p) != 0)
		r = -1;
	buf_free(&p);
	buf_free(&f);
	return r;
}
