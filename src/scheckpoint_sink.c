/*
 * scheckpoint's sink (--commit): the pipeline's output, made durable and
 * committed at each barrier, so that a rerun can cut it back to the last
 * commit and go on from there.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "rec.h"
#include "scheckpoint.h"
#include "snap.h"
#include "tm.h"

static struct {
	const char *dir;
	const char *path;	/* -o FILE, or NULL: standard output */
	int fd;			/* FILE, opened at the first record */
	struct buf out;		/* written since the last flush or commit */
	int64_t bytes;		/* the output's length, out included */
	int64_t last;		/* the last commit, -1 before any */
	int64_t last_bytes;	/* the output's length at it */
	int final;		/* the final barrier came */
	int end;		/* and the end mark after it: upstream wrote
				 * all that the end of its input fires */
	struct input in;
} S;

/* Writes out what is held: to FILE now, or to stdout only at commits. */
static void
flush_out(int commit)
{
	const char *p = S.out.p;
	size_t n = S.out.len;
	ssize_t k;

	if (S.path == NULL) {
		if (!commit)
			return;
		out_write(p, n);
		if (out_flush() == EOF)
			die(1, "write error: %s", strerror(errno));
		S.out.len = 0;
		return;
	}
	while (n > 0) {
		if ((k = write(S.fd, p, n)) < 0 && errno == EINTR)
			continue;
		if (k < 0)
			die(1, "%s: %s", S.path, strerror(errno));
		p += k;
		n -= (size_t)k;
	}
	S.out.len = 0;
	if (commit && fsync(S.fd) != 0)
		die(1, "%s: fsync: %s", S.path, strerror(errno));
}

/* Cuts FILE back to n bytes, its length at a commit. */
static void
cut_to(int64_t n)
{
	struct stat st;

	S.out.len = 0;
	S.bytes = n;
	if (S.path == NULL)
		return;
	if (fstat(S.fd, &st) != 0)
		die(1, "%s: %s", S.path, strerror(errno));
	if (st.st_size < n)
		die(1, "%s: shorter (%lld bytes) than at the last commit "
		    "(%lld): changed by something else", S.path,
		    (long long)st.st_size, (long long)n);
	if (ftruncate(S.fd, (off_t)n) != 0 || lseek(S.fd, (off_t)n,
	    SEEK_SET) < 0 || fsync(S.fd) != 0)
		die(1, "%s: %s", S.path, strerror(errno));
}

static void
now_text(char *dst)
{
	tm_format(tm_now() / 1000000000 * 1000000000, TU_AUTO, dst);
}

/*
 * Barrier n reached the end of the pipeline: everything before it is
 * made durable and n committed; checkpoints before the one committed
 * last go, so that the last two stay.
 */
static void
commit(const char *line, size_t len)
{
	struct ctl_barrier b;
	struct commit c;
	const char *why;
	int64_t *ns;
	int i, n;

	if (ctl_barrier(line, len, &b, &why) != 0)
		die(1, "line %lld: %s", (long long)S.in.lineno, why);
	if (b.end) {
		S.end = S.final && b.n == S.last;
		ctl_barrier_free(&b);
		return;
	}
	if (b.n <= S.last)
		die(1, "line %lld: checkpoint %lld after %lld: barriers out of "
		    "order", (long long)S.in.lineno, (long long)b.n,
		    (long long)S.last);
	flush_out(1);
	memset(&c, 0, sizeof(c));
	c.n = b.n;
	c.bytes = S.bytes;
	c.final = b.final;
	now_text(c.time);
	c.output = (char *)S.path;
	c.ops = b.opslen ? xmemdup(line + b.opsoff, b.opslen) : xstrdup("[]");
	commit_write(S.dir, &c);
	free(c.ops);
	if (S.last >= 0 && (n = snap_list(S.dir, &ns)) >= 0) {
		for (i = 0; i < n; i++)
			if (ns[i] < S.last)
				snap_remove(S.dir, ns[i]);
		free(ns);
	}
	S.last = b.n;
	S.last_bytes = S.bytes;
	S.final = b.final;
	ctl_barrier_free(&b);
}

/* The first record: a $restore (cut back to its commit) or barrier 0. */
static void
start(enum ctl_kind k, const char *line, size_t len)
{
	struct ctl_barrier b;
	struct commit c;
	const char *why;
	char err[1024];

	if ((k != CTL_RESTORE && k != CTL_CHECKPOINT) || ctl_barrier(line,
	    len, &b, &why) != 0 || (k == CTL_CHECKPOINT && b.n != 0))
		die(1, "line %lld: the first record is not a $restore or "
		    "$checkpoint 0: is scheckpoint the source of this "
		    "pipeline?", (long long)S.in.lineno);
	if (S.path && (S.fd = open(S.path, O_WRONLY | O_CREAT | O_CLOEXEC,
	    0666)) < 0)
		die(1, "%s: %s", S.path, strerror(errno));
	if (k == CTL_CHECKPOINT) {
		cut_to(0);
		ctl_barrier_free(&b);
		commit(line, len);
		return;
	}
	if (commit_load(S.dir, b.n, &c, err, sizeof(err)) != 0)
		die(1, "restore %lld: %s", (long long)b.n, err);
	cut_to(c.bytes);
	S.last = b.n;
	S.last_bytes = c.bytes;
	commit_free(&c);
	ctl_barrier_free(&b);
}

void
sink_run(const char *dir, const char *output)
{
	struct commit c;
	char *line, err[1024];
	size_t len;
	int started = 0;
	enum ctl_kind k;

	S.dir = dir;
	S.path = output;
	S.fd = -1;
	S.last = -1;
	in_init(&S.in, NULL, 0);
	while (in_line(&S.in, &line, &len, -1) > 0) {
		k = ctl_kind(line, len);
		if (!started) {
			start(k, line, len);
			started = 1;
			continue;
		}
		switch (k) {
		case CTL_NONE:
			buf_add(&S.out, line, len);
			buf_addc(&S.out, '\n');
			S.bytes += (int64_t)len + 1;
			if (S.out.len >= 1 << 16)
				flush_out(0);
			break;
		case CTL_CHECKPOINT:
			commit(line, len);
			break;
		case CTL_RESTORE:
			die(1, "line %lld: a $restore after the first record",
			    (long long)S.in.lineno);
		default:
			break;	/* watermarks end here */
		}
	}
	in_free(&S.in);
	if (!started)
		die(1, "upstream ended before its first record: nothing "
		    "written");
	if (!S.final) {
		cut_to(S.last_bytes);
		die(1, "upstream ended before its input's end (no final "
		    "barrier): the output stays as at checkpoint %lld; rerun "
		    "the pipeline to go on", (long long)S.last);
	}
	if (!S.end) {
		cut_to(S.last_bytes);
		die(1, "upstream ended before it wrote what the end of its "
		    "input fires (no end mark after the final barrier): the "
		    "output stays as at checkpoint %lld; rerun the pipeline to "
		    "go on", (long long)S.last);
	}
	/* what the end of input fired, after the final barrier */
	flush_out(1);
	if (commit_load(dir, S.last, &c, err, sizeof(err)) != 0)
		die(1, "commit %lld: %s", (long long)S.last, err);
	c.complete = 1;
	c.end_bytes = S.bytes;
	now_text(c.time);
	commit_write(dir, &c);
	commit_free(&c);
	buf_free(&S.out);
	if (S.fd >= 0 && close(S.fd) != 0)
		die(1, "%s: %s", S.path, strerror(errno));
	finish(0);
}
