/*
 * scheckpoint's source: the input, resumed after the last committed
 * checkpoint, with $checkpoint barriers in it.
 */
#define _GNU_SOURCE	/* realpath; splice on Linux */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "op.h"
#include "rec.h"
#include "scheckpoint.h"
#include "snap.h"
#include "tm.h"

static struct {
	const char *dir;
	const char *input;	/* for the snapshot's options: FILE or "-" */
	struct input in;
	struct buf opts;
	int64_t every_n, every_ns;	/* --every */
	int64_t next;		/* the next barrier's number */
	int64_t due;		/* --every DUR: the next one's tm_mono() */
	int64_t lines;		/* lines since the last barrier */
	int uncounted;		/* S.in.lineno is not known: see pass_mapped */
} S;

/*
 * One pipeline at a time on a DIR: a lock that the kernel drops when the
 * process dies, however it dies.
 */
static void
lock_dir(const char *dir)
{
	struct buf path = { 0 };
	struct flock fl;
	int fd;

	buf_printf(&path, "%s/lock", dir);
	if ((fd = open(path.p, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0)
		die(1, "%s: %s", path.p, strerror(errno));
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) != 0) {
		if (errno == EACCES || errno == EAGAIN)
			die(1, "%s: in use by another pipeline (%s is locked)",
			    dir, path.p);
		die(1, "%s: %s", path.p, strerror(errno));
	}
	buf_free(&path);	/* fd stays open: the lock with it */
}

/* Temp files left by processes killed while writing a snapshot. */
static void
remove_temps(const char *dir, int64_t n)
{
	struct buf path = { 0 }, f = { 0 };
	struct dirent *e;
	DIR *d;

	snap_path(&path, dir, n, NULL);
	buf_addc(&path, '\0');
	if ((d = opendir(path.p)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strncmp(e->d_name, ".tmp.", 5) != 0)
				continue;
			f.len = 0;
			buf_printf(&f, "%s/%s", path.p, e->d_name);
			unlink(f.p);
		}
		closedir(d);
	}
	buf_free(&path);
	buf_free(&f);
}

/*
 * What a dead run left behind: checkpoints newer than the one resumed
 * (never committed, or damaged), and temp files.  Nothing else writes to
 * DIR now: the pipeline's tools see no barrier before this one's first.
 */
static void
clean_dir(const char *dir, int64_t resumed)
{
	int64_t *ns;
	int n, i;

	if ((n = snap_list(dir, &ns)) < 0)
		die(1, "%s: %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		if (ns[i] > resumed && snap_remove(dir, ns[i]) != 0)
			die(1, "%s: cannot remove checkpoint %lld: %s", dir,
			    (long long)ns[i], strerror(errno));
		if (ns[i] <= resumed)
			remove_temps(dir, ns[i]);
	}
	free(ns);
}

/*
 * Barrier n: where the input stands goes to DIR/ckpt.N/source first,
 * then the barrier into the stream.
 */
static void
barrier(int64_t n, int final)
{
	struct snap_w w;
	struct buf b = { 0 };
	char why[512];

	if (snap_begin(&w, S.dir, n, "source", "scheckpoint", "source",
	    S.opts.p, why, sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)n, why);
	buf_adds(&b, "{");
	op_jint(&b, "offset", S.in.offset);
	if (!S.uncounted)
		op_jint(&b, "line", S.in.lineno);
	buf_addc(&b, '}');
	snap_put(&w, b.p, b.len);
	if (snap_end(&w, why, sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)n, why);
	b.len = 0;
	ctl_fmt_barrier(&b, "$checkpoint", n, S.dir, final ?
	    ",\"final\":true" : "");
	/* and the end mark: a source's end fires nothing */
	if (final)
		ctl_fmt_barrier(&b, "$checkpoint", n, S.dir,
		    ",\"final\":true,\"end\":true");
	out_write(b.p, b.len);
	buf_free(&b);
}

/* Goes back to where the input stood at checkpoint n, and says so. */
static void
resume(int64_t n)
{
	struct buf b = { 0 };
	int64_t offset, line;
	char why[1024], *s;
	size_t len;

	if (source_position(S.dir, n, S.input, &offset, &line, why,
	    sizeof(why)) != 0)
		die(1, "restore %lld: %s", (long long)n, why);
	S.uncounted = line < 0;
	if (in_seek(&S.in, offset, line) != 0) {
		if (errno != ESPIPE)
			die(1, "%s: shorter than at checkpoint %lld (%lld "
			    "bytes): not the input the pipeline read", S.input,
			    (long long)n, (long long)offset);
		/* a pipe: a deterministic producer replays; skip what the
		 * checkpoint had consumed */
		while (S.in.offset < offset)
			if (in_line(&S.in, &s, &len, -1) == 0)
				die(1, "%s: ended after %lld bytes, before "
				    "checkpoint %lld (byte %lld): not the input "
				    "the pipeline read", S.input,
				    (long long)S.in.offset, (long long)n,
				    (long long)offset);
		if (S.in.offset != offset)
			die(1, "%s: no line ends at byte %lld, where "
			    "checkpoint %lld stood: not the input the pipeline "
			    "read", S.input, (long long)offset, (long long)n);
	}
	ctl_fmt_barrier(&b, "$restore", n, S.dir, "");
	out_write(b.p, b.len);
	buf_free(&b);
}

/* A barrier when N lines have passed, or DUR (look at the clock only
 * when clock is set: it costs as much as a line). */
static void
schedule(int clock)
{
	if ((S.every_n && S.lines >= S.every_n) || (S.every_ns && clock &&
	    tm_mono() >= S.due)) {
		barrier(S.next++, 0);
		S.lines = 0;
		if (S.every_ns)
			S.due = tm_add_sat(tm_mono(), S.every_ns);
	}
}

#ifdef __linux__
/* Moves n bytes of the input at *off to standard output. */
static void
move(const char *map, off_t *off, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = splice(S.in.fd, off, STDOUT_FILENO, NULL, n, SPLICE_F_MORE);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EINVAL || errno == ENOSYS)) {
			/* a file system splice does not take: write it */
			out_write(map + *off, n);
			out_flush();
			*off += (off_t)n;
			return;
		}
		if (k <= 0)
			die(1, "write error: %s", k < 0 ? strerror(errno) :
			    "splice moved nothing");
		n -= (size_t)k;		/* splice moved *off on */
	}
}

/*
 * The input a file and the output a pipe, on Linux: the kernel moves the
 * file's pages into the pipe (splice(2)), so the source copies nothing on
 * its way; barriers fall on line ends as in the plain loop.  With --every
 * N, lines are counted in a mapping of the file; with --every DUR they
 * are not (the count would cost more than all the rest: each page read
 * once more, by us), so the line number is unknown from here on and only
 * the byte offset says where the input stands.  What the file gains
 * meanwhile is left to the plain loop.
 */
static void
pass_mapped(void)
{
	struct stat in, out;
	const char *map, *nl;
	off_t pos = S.in.offset, size, end;

	if (S.in.follow || !S.in.regular || S.in.start != S.in.end ||
	    fstat(STDOUT_FILENO, &out) != 0 || !S_ISFIFO(out.st_mode) ||
	    fstat(S.in.fd, &in) != 0 || (size = in.st_size) <= pos)
		return;
	map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, S.in.fd, 0);
	if (map == MAP_FAILED)
		return;
	madvise((void *)map, (size_t)size, MADV_SEQUENTIAL);
	out_flush();
	while (pos < size) {
		/* whole lines: to the next barrier's line, or about 1 MiB */
		if (S.every_n) {
			end = pos;
			do {
				nl = memchr(map + end, '\n', (size_t)(size - end));
				end = nl ? (off_t)(nl - map) + 1 : size;
				S.in.lineno++;
				S.lines++;
			} while (end < size && end - pos < (1 << 20) &&
			    S.lines < S.every_n);
		} else {
			end = size;
			if (size - pos > (1 << 20)) {
				end = pos + (1 << 20) - 1;
				nl = memchr(map + end, '\n', (size_t)(size - end));
				end = nl ? (off_t)(nl - map) + 1 : size;
			}
			S.uncounted = 1;
		}
		move(map, &pos, (size_t)(end - pos));
		S.in.offset = pos;
		if (map[pos - 1] != '\n')
			out_write("\n", 1);	/* the last line's */
		schedule(1);
		out_flush();
	}
	munmap((void *)map, (size_t)size);
	if (lseek(S.in.fd, pos, SEEK_SET) < 0)
		die(1, "%s: %s", S.input, strerror(errno));
}
#endif

void
source_run(const char *dir, int64_t every_n, int64_t every_ns, int follow,
    char **files, int nfiles)
{
	struct commit c;
	char *line;
	size_t len;
	int r;

	S.dir = dir;
	S.every_n = every_n;
	S.every_ns = every_ns;
	if (nfiles == 0 || strcmp(files[0], "-") == 0) {
		S.input = "-";
	} else if ((S.input = realpath(files[0], NULL)) == NULL) {
		die(1, "%s: %s", files[0], strerror(errno));
	}
	source_options(&S.opts, S.input);
	lock_dir(dir);
	in_init(&S.in, files, nfiles);
	S.in.raw = 1;
	S.in.follow = follow;
	if (commit_newest(dir, &c, 1)) {
		clean_dir(dir, c.n);
		resume(c.n);
		S.next = c.n + 1;
		commit_free(&c);
	} else {
		clean_dir(dir, -1);
		in_seek(&S.in, 0, 0);	/* opens it; a pipe stays as it is */
		barrier(0, 0);
		S.next = 1;
	}
	if (every_ns)
		S.due = tm_add_sat(tm_mono(), every_ns);
#ifdef __linux__
	pass_mapped();
#endif
	while ((r = in_line(&S.in, &line, &len, every_ns ? S.due : -1)) != 0) {
		if (r > 0) {
			out_write(line, len);
			if (line[len - 1] != '\n')
				out_write("\n", 1);	/* the last line's */
			S.lines++;
		}
		schedule(r < 0 || (S.lines & 255) == 0);
	}
	barrier(S.next, 1);
	in_free(&S.in);
	buf_free(&S.opts);
	if (strcmp(S.input, "-") != 0)
		free((char *)S.input);
	finish(0);
}
