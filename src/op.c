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
static struct buf end_mark;	/* the end mark, held until our end */

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

/*
 * Passes a control record (no newline) on: to op->forward, or standard
 * output unless --data-only.
 */
static void
forward(struct op *op, const char *line, size_t len)
{
	if (op->forward) {
		op->forward(line, len);
		return;
	}
	if (op->ro->data_only)
		return;
	out_line(line, len);
}

/* A barrier or a restore as it reaches this operator. */
struct mark {
	struct ctl_barrier b;
	char id[80];		/* --id, or its place in the pipeline */
	struct buf opts;	/* the options, a JSON object's text */
	struct buf name;	/* its file in the checkpoint: op.ID */
};

/*
 * Reads the barrier or restore line: 1 with *m filled when the tool has
 * state to write or read, or 0 when it has none and the record went on
 * as it was.  Barriers are not lines of the input: where the
 * checkpointing put them must not move the line numbers that follow.
 */
static int
mark_begin(struct op *op, const char *line, size_t len, struct mark *m)
{
	const char *why;

	memset(m, 0, sizeof(*m));
	if (ctl_barrier(line, len, &m->b, &why) != 0) {
		if (op->in.name)
			die(1, "%s: line %lld: %s", op->in.name,
			    (long long)op->in.lineno, why);
		die(1, "line %lld: %s", (long long)op->in.lineno, why);
	}
	op->in.lineno--;
	if (m->b.end) {
		/* upstream has written all its end fires: so shall we, and
		 * pass the mark on after that */
		end_mark.len = 0;
		buf_add(&end_mark, line, len);
		buf_addc(&end_mark, '\n');
		ctl_barrier_free(&m->b);
		return 0;
	}
	if (op->snapshot == NULL) {
		forward(op, line, len);
		ctl_barrier_free(&m->b);
		return 0;
	}
	if (op->ro->id)
		snprintf(m->id, sizeof(m->id), "%s", op->ro->id);
	else
		snprintf(m->id, sizeof(m->id), "%zu", m->b.nops + 1);
	if (m->b.shard >= 0)
		snprintf(m->id + strlen(m->id), sizeof(m->id) - strlen(m->id),
		    "@%lld", (long long)m->b.shard);
	buf_adds(&m->opts, "{");
	op->options(&m->opts);
	buf_addc(&m->opts, '}');
	buf_addc(&m->opts, '\0');
	buf_printf(&m->name, "op.%s", m->id);
	return 1;
}

/* Forwards the record with this operator added to its ops; frees m. */
static void
mark_end(struct op *op, struct mark *m, const char *line, size_t len)
{
	line_out.len = 0;
	ctl_barrier_pass(line, len, &m->b, m->id, &line_out);
	forward(op, line_out.p, line_out.len - 1);
	ctl_barrier_free(&m->b);
	buf_free(&m->opts);
	buf_free(&m->name);
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
	struct mark m;
	struct snap_w w;
	struct buf io = { 0 };
	char why[512];

	if (!mark_begin(op, line, len, &m))
		return;
	if (m.b.n == 0) {
		side_cut(dead_file(op), 0, "--dead-letter");
		side_cut(late_file(op), 0, "--late");
	}
	if (snap_begin(&w, m.b.dir, m.b.n, m.name.p, op->tool, m.id,
	    m.opts.p, why, sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)m.b.n, why);
	buf_adds(&io, "{");
	op_jint(&io, "line", op->in.lineno);
	op_jint(&io, "skipped", op->ro->bad.skipped);
	op_jint(&io, "late", op->late ? op->late->n : 0);
	op_jint(&io, "records", op->late ? op->late->records : 0);
	op_jint(&io, "late_bytes", side_sync(late_file(op), "--late"));
	op_jint(&io, "dead_bytes", side_sync(dead_file(op),
	    "--dead-letter"));
	buf_addc(&io, '}');
	snap_put(&w, io.p, io.len);
	op->snapshot(&w);
	if (snap_end(&w, why, sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)m.b.n, why);
	buf_free(&io);
	mark_end(op, &m, line, len);
}

/* Reads back the line that on_barrier wrote first. */
static void
restore_io(struct op *op, const char *line, size_t len, const char *path)
{
	static const char *const paths[] = { "line", "skipped", "late",
	    "late_bytes", "dead_bytes", "records" };
	struct scan_paths *ps = scan_compile(paths, LEN(paths));
	struct scan_error e;
	struct jval v[LEN(paths)];
	int64_t x[LEN(paths)];
	size_t i;

	if (ps == NULL)
		die(1, "out of memory");
	if (scan_object(ps, line, len, v, &e) != 0)
		die(1, "%s: a bad state line", path);
	x[5] = 0;	/* "records" came later: snapshots before lack it */
	for (i = 0; i < LEN(paths); i++)
		if ((i < 5 || v[i].type != J_NONE) && (v[i].type != J_NUMBER ||
		    num_parse_int(v[i].p, v[i].len, &x[i]) != 0 || x[i] < 0))
			die(1, "%s: a bad state line", path);
	scan_free(ps);
	op->in.lineno = x[0];
	op->ro->bad.skipped = x[1];
	if (op->late) {
		op->late->n = x[2];
		op->late->records = x[5];
	}
	side_cut(late_file(op), x[3], "--late");
	side_cut(dead_file(op), x[4], "--dead-letter");
}

/* The event-time line that op_save_clock writes, as text. */
static void
clock_text(struct buf *l, int has_wm, int64_t wm, const struct bwm *b,
    int64_t seq)
{
	buf_adds(l, "{");
	op_jint(l, "seq", seq);
	if (has_wm)
		op_jint(l, "wm", wm);
	if (b->seen)
		op_jint(l, "max", b->max);
	buf_addc(l, '}');
}

/* One old shard's snapshot for a rescaling restore, its io line read. */
static void
load_old(struct op *op, struct mark *m, int64_t old, struct snap_r *r,
    struct buf *path, const char **io, size_t *iolen)
{
	char why[1024];
	size_t at = strcspn(m->id, "@");

	path->len = 0;
	snap_path(path, m->b.dir, m->b.n, NULL);
	buf_printf(path, "/op.%.*s@%lld", (int)at, m->id, (long long)old);
	buf_addc(path, '\0');
	if (snap_load(r, path->p, op->tool, m->opts.p, why, sizeof(why)) != 0)
		die(1, "restore %lld: %s", (long long)m->b.n, why);
	if (!snap_next(r, io, iolen))
		die(1, "restore %lld: %s: no state", (long long)m->b.n,
		    path->p);
}

/*
 * A restore that rescales, from skeyby with another -n: this shard takes,
 * from every old shard's snapshot, the pieces of state whose key (by
 * skeyby's keys) now hashes to it.  Its event time is the old shards'
 * together: the greatest arrival count and event time, the least
 * watermark (so no record is late that one of them would have taken).
 * Its counts and side files are those of the old shard of its number,
 * and a new shard's start empty.
 */
static void
restore_rescaled(struct op *op, struct mark *m, const char *line)
{
	struct jval karr = { line + m->b.keysoff, m->b.keyslen, J_ARRAY, 0, 0,
	    0 };
	struct jval el;
	struct buf path = { 0 }, kt = { 0 }, cl = { 0 };
	struct snap_r r;
	struct bwm bw = { 0 }, b;
	const char *s, *what;
	char **keys = NULL;
	size_t n, nkeys = 0, pos = 0, i;
	int64_t old, seq = 0, wm = INT64_MAX, w, q;
	int all_wm = 1, hw, k;

	if (op->state_key == NULL)
		die(1, "restore %lld: %s cannot take a restore with another "
		    "number of shards", (long long)m->b.n, op->tool);
	while (jv_element(&karr, &pos, &el)) {
		if (el.type != J_STRING)
			die(1, "restore %lld: bad \"keys\"", (long long)m->b.n);
		keys = xreallocarray(keys, nkeys + 1, sizeof(*keys));
		keys[nkeys] = xmalloc(el.len);
		keys[nkeys][jv_unescape(&el, keys[nkeys])] = '\0';
		nkeys++;
	}
	/* first the io lines and the event time of them all */
	for (old = 0; old < m->b.from; old++) {
		load_old(op, m, old, &r, &path, &s, &n);
		if (old == m->b.shard)
			restore_io(op, s, n, path.p);
		while (snap_next(&r, &s, &n))
			if ((k = op_load_clock(s, n, &hw, &w, &b, &q)) < 0) {
				die(1, "restore %lld: %s: a bad state line",
				    (long long)m->b.n, path.p);
			} else if (k > 0) {
				seq = q > seq ? q : seq;
				if (!hw)
					all_wm = 0;
				else if (w < wm)
					wm = w;
				if (b.seen && (!bw.seen || b.max > bw.max))
					bw.max = b.max, bw.seen = 1;
			}
		snap_free(&r);
	}
	if (m->b.shard >= m->b.from) {
		/* a new shard: nothing read, nothing written yet */
		op->in.lineno = 0;
		op->ro->bad.skipped = 0;
		if (op->late)
			op->late->n = op->late->records = 0;
		side_cut(late_file(op), 0, "--late");
		side_cut(dead_file(op), 0, "--dead-letter");
	}
	clock_text(&cl, all_wm && wm != INT64_MAX, wm, &bw, seq);
	if (op->restore(cl.p, cl.len, &what) != 0)
		die(1, "restore %lld: %s", (long long)m->b.n, what);
	/* then the keyed state that is now this shard's */
	for (old = 0; old < m->b.from; old++) {
		load_old(op, m, old, &r, &path, &s, &n);
		while (snap_next(&r, &s, &n)) {
			if (op_load_clock(s, n, &hw, &w, &b, &q) != 0)
				continue;
			kt.len = 0;
			if ((k = op->state_key(s, n, (const char *const *)keys,
			    nkeys, &kt, &what)) < 0)
				die(1, "restore %lld: cannot rescale %s: %s",
				    (long long)m->b.n, op->tool, what);
			if (k == 0 && old != m->b.shard)
				continue;
			if (k > 0 && key_shard(kt.p, kt.len,
			    (size_t)m->b.shards) != (size_t)m->b.shard)
				continue;
			if (op->restore(s, n, &what) != 0)
				die(1, "restore %lld: %s: %s: %.60s",
				    (long long)m->b.n, path.p, what, s);
		}
		snap_free(&r);
	}
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	buf_free(&path);
	buf_free(&kt);
	buf_free(&cl);
}

static void
on_restore(struct op *op, const char *line, size_t len)
{
	struct mark m;
	struct snap_r r;
	struct buf path = { 0 };
	char why[1024];
	const char *s, *what;
	size_t n;

	if (!mark_begin(op, line, len, &m))
		return;
	if (seen_data)
		die(1, "line %lld: a $restore record after data records",
		    (long long)op->in.lineno);
	if (m.b.from >= 0) {
		restore_rescaled(op, &m, line);
		mark_end(op, &m, line, len);
		return;
	}
	snap_path(&path, m.b.dir, m.b.n, m.name.p);
	buf_addc(&path, '\0');
	if (snap_load(&r, path.p, op->tool, m.opts.p, why, sizeof(why)) != 0)
		die(1, "restore %lld: %s", (long long)m.b.n, why);
	if (!snap_next(&r, &s, &n))
		die(1, "restore %lld: %s: no state", (long long)m.b.n, path.p);
	restore_io(op, s, n, path.p);
	while (snap_next(&r, &s, &n))
		if (op->restore(s, n, &what) != 0)
			die(1, "restore %lld: %s: %s: %.60s", (long long)m.b.n,
			    path.p, what, s);
	snap_free(&r);
	buf_free(&path);
	mark_end(op, &m, line, len);
}

/* ---- event time's state, which both stateful tools keep ---- */

void
op_save_clock(struct snap_w *w, int has_wm, int64_t wm, const struct bwm *b,
    int64_t seq)
{
	struct buf l = { 0 };

	clock_text(&l, has_wm, wm, b, seq);
	snap_put(w, l.p, l.len);
	buf_free(&l);
}

int
op_load_clock(const char *line, size_t len, int *has_wm, int64_t *wm,
    struct bwm *b, int64_t *seq)
{
	static const char *const paths[] = { "seq", "wm", "max" };
	struct scan_paths *ps;
	struct scan_error e;
	struct jval v[LEN(paths)];
	int64_t x[LEN(paths)];
	size_t i;
	int r = 1;

	if (len < 7 || memcmp(line, "{\"seq\":", 7) != 0)
		return 0;
	if ((ps = scan_compile(paths, LEN(paths))) == NULL)
		die(1, "out of memory");
	if (scan_object(ps, line, len, v, &e) != 0 || v[0].type == J_NONE)
		r = -1;
	for (i = 0; r == 1 && i < LEN(paths); i++)
		if (v[i].type != J_NONE && (v[i].type != J_NUMBER ||
		    num_parse_int(v[i].p, v[i].len, &x[i]) != 0))
			r = -1;
	scan_free(ps);
	if (r < 0)
		return -1;
	*seq = x[0];
	if ((*has_wm = v[1].type != J_NONE))
		*wm = x[1];
	if ((b->seen = v[2].type != J_NONE))
		b->max = x[2];
	return 1;
}

static void
on_watermark(struct op *op, const char *line, size_t len)
{
	const char *why;
	int64_t w;

	if (op->watermark == NULL) {
		forward(op, line, len);
		return;
	}
	if (ctl_watermark(line, len, op->ro->topts.unit, &w, &why) != 0) {
		bad_record(&op->ro->bad, &op->in, line, len, "%s", why);
		return;
	}
	if (op->watermark(w, line, len))
		forward(op, line, len);
}

int
op_control(struct op *op, const char *line, size_t len)
{
	switch (ctl_kind(line, len)) {
	case CTL_NONE:
		seen_data = 1;
		return 0;
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
	return 1;
}

void
op_end(struct op *op)
{
	if (end_mark.len)
		forward(op, end_mark.p, end_mark.len - 1);
	if (op->late)
		late_finish(op->late);
	bad_finish(&op->ro->bad);
	ctl_free();
	in_free(&op->in);
	buf_free(&line_out);
	buf_free(&end_mark);
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
		if (r > 0 && !op_control(op, line, len)) {
			if (op->late)
				op->late->records++;
			op->record(line, len);
		}
	}
	op->end();
	op_end(op);
	finish(0);
}
