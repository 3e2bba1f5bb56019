/*
 * scheckpoint's source: the input, resumed after the last committed
 * checkpoint, with $checkpoint barriers in it.
 */
#define _XOPEN_SOURCE 700	/* realpath */
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
	op_jint(&b, "line", S.in.lineno);
	buf_addc(&b, '}');
	snap_put(&w, b.p, b.len);
	if (snap_end(&w, why, sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)n, why);
	b.len = 0;
	buf_printf(&b, "{\"$checkpoint\":%lld,\"dir\":", (long long)n);
	buf_jstr(&b, S.dir, strlen(S.dir));
	buf_adds(&b, final ? ",\"final\":true}\n" : "}\n");
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
	if (in_seek(&S.in, offset, line) != 0) {
		if (errno != ESPIPE)
			die(1, "%s: shorter than at checkpoint %lld (%lld "
			    "bytes): not the input the pipeline read", S.input,
			    (long long)n, (long long)offset);
		/* a pipe: a deterministic producer replays; skip what the
		 * checkpoint had consumed */
		while (S.in.lineno < line)
			if (in_line(&S.in, &s, &len, -1) == 0)
				die(1, "%s: ended after %lld lines, before "
				    "checkpoint %lld (line %lld): not the input "
				    "the pipeline read", S.input,
				    (long long)S.in.lineno, (long long)n,
				    (long long)line);
	}
	buf_printf(&b, "{\"$restore\":%lld,\"dir\":", (long long)n);
	buf_jstr(&b, S.dir, strlen(S.dir));
	buf_adds(&b, "}\n");
	out_write(b.p, b.len);
	buf_free(&b);
}

void
source_run(const char *dir, int64_t every_n, int64_t every_ns, int follow,
    char **files, int nfiles)
{
	struct commit c;
	int64_t next, lines = 0, due = -1;
	char *line;
	size_t len;
	int r;

	S.dir = dir;
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
		next = c.n + 1;
		commit_free(&c);
	} else {
		clean_dir(dir, -1);
		barrier(0, 0);
		next = 1;
	}
	if (every_ns)
		due = tm_add_sat(tm_mono(), every_ns);
	while ((r = in_line(&S.in, &line, &len, due)) != 0) {
		if (r > 0) {
			out_write(line, len);
			if (line[len - 1] != '\n')
				out_write("\n", 1);	/* the last line's */
			lines++;
		}
		/* the clock costs as much as a line: look at it every 256
		 * lines, and whenever the input keeps us waiting */
		if ((every_n && lines >= every_n) || (every_ns && (r < 0 ||
		    (lines & 255) == 0) && tm_mono() >= due)) {
			barrier(next++, 0);
			lines = 0;
			if (every_ns)
				due = tm_add_sat(tm_mono(), every_ns);
		}
	}
	barrier(next, 1);
	in_free(&S.in);
	buf_free(&S.opts);
	if (strcmp(S.input, "-") != 0)
		free((char *)S.input);
	finish(0);
}
