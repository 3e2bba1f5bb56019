/*
 * swatermark: event time and watermarks.  Forwards records as they are
 * and inserts $watermark records, W = max event time seen - max delay, so
 * that the tools downstream know when event time has passed.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "heap.h"
#include "num.h"
#include "op.h"
#include "rec.h"
#include "scan.h"
#include "tm.h"
#include "tz.h"
#include "util.h"

enum late { LATE_PASS, LATE_DROP, LATE_FILE };

/* A record --reorder holds until the watermark passes it. */
struct held {
	int64_t t, seq;
	char *line;
	size_t len;
};

static struct {
	/* the options: what a restore must match */
	struct recopts ro;	/* -t, time and bad-record options */
	int64_t gran, idle;
	int reorder;
	enum late late;

	/* the state: what a snapshot holds */
	struct bwm bwm;		/* -d, and the max event time seen */
	int64_t wm;		/* the last watermark written, and INT64_MIN
				 * until then, so that no event is late */
	int have_wm;
	int64_t seq;		/* arrival number, for --reorder's order */
	struct heap held;	/* --reorder: struct held by (t, seq) */

	struct latesink latesink;
	struct scan_paths *scan, *state;	/* the time; held records */
	struct op op;
	int64_t idle_at;	/* --idle: when the input is quiet enough */
} S;

static _Noreturn void
usage(void)
{
	fputs("usage: swatermark [-t PATH] -d MAXDELAY [--granularity G] "
	    "[--idle DUR]\n"
	    "                  [--late drop|pass|FILE] [--reorder] "
	    "[options] [FILE...]\n"
	    "options: --tz ZONE  --time-unit U  --time-format FMT  "
	    "--time-out U\n"
	    "         --skip-bad  --dead-letter FILE  --id NAME  --data-only\n",
	    stdout);
	finish(0);
}

static int
held_less(const void *x, const void *y)
{
	const struct held *a = x, *b = y;

	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void
hold(int64_t t, int64_t seq, const char *line, size_t len)
{
	struct held h = { t, seq, xmemdup(line, len), len };

	heap_push(&S.held, &h);
}

/* Writes the held records with time before w, or all of them. */
static void
release(int64_t w, int all)
{
	struct held *top, h;

	while ((top = heap_peek(&S.held)) != NULL && (all || top->t < w)) {
		heap_pop(&S.held, &h);
		out_line(h.line, h.len);
		free(h.line);
	}
}

/* Writes our watermark w, after the records it releases. */
static void
write_watermark(int64_t w)
{
	char text[2 * TM_MAXLEN];

	release(w, 0);
	if (!S.ro.data_only)
		out_write(text, ctl_fmt_watermark(w, S.ro.time_out, text));
	S.wm = w;
	S.have_wm = 1;
}

/* W moved to w: a watermark is due when w / G has grown (floor). */
static void
advance(int64_t w)
{
	if (!S.have_wm)
		write_watermark(w);
	else if (w > S.wm && tm_floordiv(w, S.gran) > tm_floordiv(S.wm,
	    S.gran))
		write_watermark(w);
}

static void
on_record(const char *line, size_t len)
{
	struct jval v;
	int64_t t, w;

	if (rec_scan(&S.ro.bad, &S.op.in, S.scan, line, len, &v) != 0 ||
	    rec_time(&S.ro.bad, &S.op.in, line, len, &v, &S.ro.topts,
	    S.ro.tpath, &t) != 0)
		return;
	if (t < S.wm) {
		if (S.late == LATE_PASS)
			out_line(line, len);
		else
			late_add(&S.latesink, line, len);
		return;
	}
	if (S.reorder)
		hold(t, S.seq++, line, len);
	else
		out_line(line, len);
	if (bwm_see(&S.bwm, t, &w))
		advance(w);
}

/* An upstream watermark passes only where it moves ours forward. */
static int
on_watermark(int64_t w, const char *line, size_t len)
{
	(void)line, (void)len;
	if (S.have_wm && w <= S.wm)
		return 0;
	release(w, 0);
	S.wm = w;
	S.have_wm = 1;
	return 1;
}

static int64_t
deadline(void)
{
	return S.idle ? S.idle_at : -1;
}

/* --idle: the input is quiet, so event time follows the wall clock. */
static void
tick(int timed_out)
{
	int64_t w = tm_sub_sat(tm_now(), S.bwm.delay);

	if (timed_out && (!S.have_wm || w > S.wm))
		advance(w);
	S.idle_at = tm_add_sat(tm_mono(), S.idle);
}

static void
options(struct buf *o)
{
	static const char *const lates[] = { "pass", "drop", "file" };

	op_jstr(o, "t", S.ro.tpath);
	op_jstr(o, "time_unit", tm_unit_name(S.ro.topts.unit));
	op_jstr(o, "time_format", S.ro.topts.format);
	op_jint(o, "delay", S.bwm.delay);
	op_jint(o, "granularity", S.gran);
	op_jstr(o, "late", lates[S.late]);
	op_jint(o, "reorder", S.reorder);
	if (!tz_utc())
		op_jstr(o, "tz", tz_name());
}

/* The event-time line, then one per held record. */
static void
snapshot(struct snap_w *w)
{
	struct buf b = { 0 };
	size_t i;

	op_save_clock(w, S.have_wm, S.wm, &S.bwm, S.seq);
	for (i = 0; i < S.held.n; i++) {
		const struct held *h = (const struct held *)(S.held.v + i *
		    S.held.size);

		b.len = 0;
		buf_adds(&b, "{\"held\":");
		buf_jstr(&b, h->line, h->len);
		op_jint(&b, "t", h->t);
		op_jint(&b, "q", h->seq);
		buf_addc(&b, '}');
		snap_put(w, b.p, b.len);
	}
	buf_free(&b);
}

static int
restore(const char *line, size_t len, const char **why)
{
	static const char *const paths[] = { "held", "t", "q" };
	struct scan_error e;
	struct jval v[LEN(paths)];
	int64_t t, q;
	char *text;
	int r;

	*why = "a bad state line";
	if ((r = op_load_clock(line, len, &S.have_wm, &S.wm, &S.bwm,
	    &S.seq)) != 0) {
		/* a watermark read before the restore is not the state's */
		if (r > 0 && !S.have_wm)
			S.wm = INT64_MIN;
		return r < 0 ? -1 : 0;
	}
	if (S.state == NULL && (S.state = scan_compile(paths,
	    LEN(paths))) == NULL)
		die(1, "out of memory");
	if (scan_object(S.state, line, len, v, &e) != 0 ||
	    v[0].type != J_STRING || v[1].type != J_NUMBER ||
	    v[2].type != J_NUMBER || num_parse_int(v[1].p, v[1].len, &t) != 0 ||
	    num_parse_int(v[2].p, v[2].len, &q) != 0)
		return -1;
	text = xmalloc(v[0].len);
	hold(t, q, text, jv_unescape(&v[0], text));
	free(text);
	return 0;
}

/* A rescale: the text of skeyby's keys for a held record; 0 for others. */
static int
state_key(const char *line, size_t len, const char *const *keys, size_t n,
    struct buf *out, const char **why)
{
	static const char *const held[] = { "held" };
	struct scan_paths *hp, *kp;
	struct scan_error e;
	struct jval v, *vals;
	int *field;
	char *text;
	size_t i, tlen;
	int r = 1;

	if ((hp = scan_compile(held, 1)) == NULL ||
	    (kp = scan_compile(keys, n)) == NULL)
		die(1, "out of memory");
	vals = xcalloc(n + 1, sizeof(*vals));
	field = xcalloc(n + 1, sizeof(*field));
	for (i = 0; i < n; i++)
		field[i] = (int)i;
	text = NULL;
	if (scan_object(hp, line, len, &v, &e) != 0 || v.type != J_STRING) {
		*why = "a bad state line";
		r = -1;
	} else {
		text = xmalloc(v.len);
		tlen = jv_unescape(&v, text);
		if (scan_object(kp, text, tlen, vals, &e) != 0) {
			*why = "a held record that is not JSON";
			r = -1;
		} else {
			key_text(vals, field, n, out);
		}
	}
	free(text);
	free(vals);
	free(field);
	scan_free(hp);
	scan_free(kp);
	return r;
}

static void
end(void)
{
	release(0, 1);
	if (S.bwm.seen && (!S.have_wm || S.bwm.max > S.wm))
		write_watermark(S.bwm.max);
	scan_free(S.scan);
	scan_free(S.state);
	heap_free(&S.held);
}

enum {
	OPT_GRAN = 256, OPT_IDLE, OPT_LATE, OPT_REORDER,
};

static const struct option longopts[] = {
	{ "granularity", required_argument, NULL, OPT_GRAN },
	{ "help", no_argument, NULL, 'h' },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "late", required_argument, NULL, OPT_LATE },
	{ "max-delay", required_argument, NULL, 'd' },
	{ "reorder", no_argument, NULL, OPT_REORDER },
	RECOPTS_LONG,
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char *argv[])
{
	const char *latepath = NULL;
	int c, has_delay = 0;

	tool_init("swatermark");
	recopts_init(&S.ro);
	S.gran = 1000000000;
	S.wm = INT64_MIN;
	while ((c = getopt_long(argc, argv, "d:ht:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			S.bwm.delay = opt_duration("-d", optarg, 1);
			has_delay = 1;
			break;
		case 'h':
			usage();
		case OPT_GRAN:
			S.gran = opt_duration("--granularity", optarg, 0);
			break;
		case OPT_IDLE:
			S.idle = opt_duration("--idle", optarg, 0);
			break;
		case OPT_LATE:
			if (strcmp(optarg, "pass") == 0)
				S.late = LATE_PASS;
			else if (strcmp(optarg, "drop") == 0)
				S.late = LATE_DROP;
			else
				S.late = LATE_FILE,
				latepath = opt_file("--late", optarg);
			break;
		case OPT_REORDER:
			S.reorder = 1;
			break;
		default:
			if (!recopts_parse(&S.ro, c, optarg))
				usage_error(NULL);	/* getopt said what */
		}
	}
	if (!has_delay)
		usage_error("-d MAXDELAY is required");
	recopts_finish(&S.ro);
	recopts_zone(&S.ro);
	if (S.late != LATE_PASS)
		late_open(&S.latesink, latepath);
	S.latesink.hint = "it is out of order by more than -d allows; try a "
	    "larger -d, or --reorder";
	if ((S.scan = scan_compile(&S.ro.tpath, 1)) == NULL)
		die(1, "out of memory");
	heap_init(&S.held, sizeof(struct held), held_less);

	S.op.tool = "swatermark";
	S.op.ro = &S.ro;
	S.op.late = S.late != LATE_PASS ? &S.latesink : NULL;
	S.op.record = on_record;
	S.op.watermark = on_watermark;
	S.op.options = options;
	S.op.snapshot = snapshot;
	S.op.restore = restore;
	S.op.state_key = state_key;
	if (S.idle) {
		S.op.deadline = deadline;
		S.op.tick = tick;
		S.idle_at = tm_add_sat(tm_mono(), S.idle);
	}
	S.op.end = end;
	op_run(&S.op, argv + optind, argc - optind);
}
