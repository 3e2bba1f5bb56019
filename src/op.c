#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "num.h"
#include "op.h"
#include "scan.h"
#include "tm.h"

static struct buf line_out;	/* a forwarded barrier, rewritten */
static int seen_data;		/* a $restore must come before any */

static void
member(struct buf *b, const char *name)
{
	if (b->len > 0 && b->p[b->len - 1] != '{')
		buf_addc(b, ',');
	buf_jstr(b, name, strlen(name));
	buf_addc(b, ':');
}

void
op_jstr(struct buf *b, const char *name, const char *s)
{
	member(b, name);
	if (s)
		buf_jstr(b, s, strlen(s));
	else
		buf_adds(b, "null");
}

void
op_jint(struct buf *b, const char *name, int64_t v)
{
	char tmp[NUM_MAXLEN];

	member(b, name);
	buf_add(b, tmp, num_fmt_int(v, tmp));
}

void
op_json(struct buf *b, const char *name, const char *json, size_t n)
{
	member(b, name);
	buf_add(b, json, n);
}

int
bwm_see(struct bwm *b, int64_t t, int64_t *w)
{
	if (b->seen && t <= b->max)
		return 0;
	b->max = t;
	b->seen = 1;
	*w = tm_sub_sat(t, b->delay);
	return 1;
}

/* ---- side files: their lengths go into snapshots ---- */

static FILE *
dead_file(const struct op *op)
{
	return op->ro->bad.dead;
}

static FILE *
late_file(const struct op *op)
{
	return op->late ? op->late->f : NULL;
}

/* Makes f's bytes durable and returns its length; ends the tool on error. */
static int64_t
side_sync(FILE *f, const char *what)
{
	long n;

	if (f == NULL)
		return 0;
	if (fflush(f) == EOF || fsync(fileno(f)) != 0 ||
	    (n = ftell(f)) < 0)
		die(1, "%s: %s", what, strerror(errno));
	return n;
}

/* Cuts f back to n bytes, as it was at the checkpoint being restored. */
static void
side_cut(FILE *f, int64_t n, const char *what)
{
	off_t size;

	if (f == NULL)
		return;
	if (fflush(f) == EOF || fseek(f, 0, SEEK_END) != 0)
		die(1, "%s: %s", what, strerror(errno));
	size = ftello(f);
	if (size < n)
		die(1, "%s: shorter (%lld bytes) than at the checkpoint (%lld)",
		    what, (long long)size, (long long)n);
	if (ftruncate(fileno(f), (off_t)n) != 0 || fseek(f, 0, SEEK_END) != 0)
		die(1, "%s: %s", what, strerror(errno));
}

/* ---- barriers and restores ---- */

/* The operator's name in DIR: --id, or its place in the pipeline. */
static const char *
op_id(const struct op *op, const struct ctl_barrier *b, char *tmp,
    size_t n)
{
	if (op->ro->id)
		return op->ro->id;
	snprintf(tmp, n, "%zu", b->nops + 1);
	return tmp;
}

static void
read_barrier(const struct op *op, const char *line, size_t len,
    struct ctl_barrier *b)
{
	const char *why;

	if (ctl_barrier(line, len, b, &why) != 0) {
		if (op->in.name)
			die(1, "%s: line %lld: %s", op->in.name,
			    (long long)op->in.lineno, why);
		die(1, "line %lld: %s", (long long)op->in.lineno, why);
	}
}

static void
forward(const char *line, size_t len)
{
	out_write(line, len);
	out_write("\n", 1);
}

/*
 * Barrier n: the tool's state, and what op_run keeps (the line number,
 * counts, side-file lengths), go to DIR/ckpt.N/op.ID before the barrier
 * goes on, so a restore resumes just after it.  Barrier 0 is the start
 * of a fresh run: the side files begin empty, as the sink's output does.
 */
static void
on_barrier(struct op *op, const char *line, size_t len)
{
	struct ctl_barrier b;
	struct snap_w w;
	struct buf opts = { 0 }, io = { 0 }, name = { 0 };
	char why[512], tmp[32];
	const char *id;

	read_barrier(op, line, len, &b);
	/* barriers are not lines of the input: where the checkpointing put
	 * them must not move the line numbers of what follows */
	op->in.lineno--;
	if (op->snapshot == NULL) {
		forward(line, len);
		ctl_barrier_free(&b);
		return;
	}
	id = op_id(op, &b, tmp, sizeof(tmp));
	if (b.n == 0) {
		side_cut(dead_file(op), 0, "--dead-letter");
		side_cut(late_file(op), 0, "--late");
	}
	buf_adds(&opts, "{");
	op->options(&opts);
	buf_addc(&opts, '}');
	buf_addc(&opts, '\0');
	buf_printf(&name, "op.%s", id);
	if (snap_begin(&w, b.dir, b.n, name.p, op->tool, id, opts.p, why,
	    sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)b.n, why);
	buf_adds(&io, "{");
	op_jint(&io, "line", op->in.lineno);
	op_jint(&io, "skipped", op->ro->bad.skipped);
	op_jint(&io, "late", op->late ? op->late->n : 0);
	op_jint(&io, "late_bytes", side_sync(late_file(op), "--late"));
	op_jint(&io, "dead_bytes", side_sync(dead_file(op),
	    "--dead-letter"));
	buf_addc(&io, '}');
	snap_put(&w, io.p, io.len);
	op->snapshot(&w);
	if (snap_end(&w, why, sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)b.n, why);
	line_out.len = 0;
	ctl_barrier_pass(line, len, &b, id, &line_out);
	out_write(line_out.p, line_out.len);
	ctl_barrier_free(&b);
	buf_free(&opts);
	buf_free(&io);
	buf_free(&name);
}

/* Reads back the line that on_barrier wrote first. */
static void
restore_io(struct op *op, const char *line, size_t len, const char *path)
{
	static const char *const paths[] = { "line", "skipped", "late",
	    "late_bytes", "dead_bytes" };
	struct scan_paths *ps = scan_compile(paths, LEN(paths));
	struct scan_error e;
	struct jval v[LEN(paths)];
	int64_t x[LEN(paths)];
	size_t i;

	if (ps == NULL)
		die(1, "out of memory");
	if (scan_object(ps, line, len, v, &e) != 0)
		die(1, "%s: a bad state line", path);
	for (i = 0; i < LEN(paths); i++)
		if (v[i].type != J_NUMBER || num_parse_int(v[i].p, v[i].len,
		    &x[i]) != 0 || x[i] < 0)
			die(1, "%s: a bad state line", path);
	scan_free(ps);
	op->in.lineno = x[0];
	op->ro->bad.skipped = x[1];
	if (op->late)
		op->late->n = x[2];
	side_cut(late_file(op), x[3], "--late");
	side_cut(dead_file(op), x[4], "--dead-letter");
}

static void
on_restore(struct op *op, const char *line, size_t len)
{
	struct ctl_barrier b;
	struct snap_r r;
	struct buf opts = { 0 }, path = { 0 }, name = { 0 };
	char why[1024], tmp[32];
	const char *id, *s, *what;
	size_t n;

	read_barrier(op, line, len, &b);
	op->in.lineno--;
	if (op->snapshot == NULL) {
		forward(line, len);
		ctl_barrier_free(&b);
		return;
	}
	if (seen_data)
		die(1, "line %lld: a $restore record after data records",
		    (long long)op->in.lineno);
	id = op_id(op, &b, tmp, sizeof(tmp));
	buf_adds(&opts, "{");
	op->options(&opts);
	buf_addc(&opts, '}');
	buf_addc(&opts, '\0');
	buf_printf(&name, "op.%s", id);
	snap_path(&path, b.dir, b.n, name.p);
	buf_addc(&path, '\0');
	if (snap_load(&r, path.p, op->tool, opts.p, why, sizeof(why)) != 0)
		die(1, "restore %lld: %s", (long long)b.n, why);
	if (!snap_next(&r, &s, &n))
		die(1, "restore %lld: %s: no state", (long long)b.n, path.p);
	restore_io(op, s, n, path.p);
	while (snap_next(&r, &s, &n))
		if (op->restore(s, n, &what) != 0)
			die(1, "restore %lld: %s: %s: %.60s", (long long)b.n,
			    path.p, what, s);
	snap_free(&r);
	line_out.len = 0;
	ctl_barrier_pass(line, len, &b, id, &line_out);
	out_write(line_out.p, line_out.len);
	ctl_barrier_free(&b);
	buf_free(&opts);
	buf_free(&path);
	buf_free(&name);
}

static void
on_watermark(struct op *op, const char *line, size_t len)
{
	const char *why;
	int64_t w;

	if (op->watermark == NULL) {
		forward(line, len);
		return;
	}
	if (ctl_watermark(line, len, op->ro->topts.unit, &w, &why) != 0) {
		bad_record(&op->ro->bad, &op->in, line, len, "%s", why);
		return;
	}
	if (op->watermark(w, line, len))
		forward(line, len);
}

void
op_run(struct op *op, char **files, int nfiles)
{
	char *line;
	size_t len;
	int r;

	in_init(&op->in, files, nfiles);
	for (;;) {
		r = in_line(&op->in, &line, &len, op->deadline ?
		    op->deadline() : -1);
		if (r == 0)
			break;
		if (op->tick)
			op->tick(r < 0);
		if (r < 0)
			continue;
		switch (ctl_kind(line, len)) {
		case CTL_NONE:
			seen_data = 1;
			op->record(line, len);
			break;
		case CTL_WATERMARK:
			on_watermark(op, line, len);
			break;
		case CTL_CHECKPOINT:
			on_barrier(op, line, len);
			break;
		case CTL_RESTORE:
			on_restore(op, line, len);
			break;
		}
	}
	op->end();
	if (op->late)
		late_finish(op->late);
	bad_finish(&op->ro->bad);
	ctl_free();
	in_free(&op->in);
	buf_free(&line_out);
	finish(0);
}
