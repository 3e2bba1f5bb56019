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
#include "rec.h"
#include "scan.h"
#include "tm.h"
#include "util.h"

enum late { LATE_PASS, LATE_DROP, LATE_FILE };

/* A record --reorder holds until the watermark passes it. */
struct held {
	int64_t t, seq;
	char *line;
	size_t len;
};

static struct {
	struct recopts ro;	/* -t, time and bad-record options */
	int64_t delay, gran, idle;
	int reorder;
	enum late late;
	struct latesink latesink;
	struct input in;
	struct scan_paths *scan;

	int64_t maxts;		/* max event time seen; INT64_MIN before */
	int64_t wm;		/* the last watermark written */
	int have_wm;
	int64_t seq;
	struct heap held;	/* --reorder: struct held by (t, seq) */
} S;

static _Noreturn void
usage(void)
{
	fputs("usage: swatermark [-t PATH] -d MAXDELAY [--granularity G] "
	    "[--idle DUR]\n"
	    "                  [--late drop|pass|FILE] [--reorder] "
	    "[options] [FILE...]\n"
	    "options: --time-unit U  --time-format FMT  --time-out U  "
	    "--skip-bad  --dead-letter FILE\n", stdout);
	finish(0);
}

static int
held_less(const void *x, const void *y)
{
	const struct held *a = x, *b = y;

	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void
hold(int64_t t, const char *line, size_t len)
{
	struct held h = { t, S.seq++, xmemdup(line, len), len };

	heap_push(&S.held, &h);
}

static void
put_line(const char *line, size_t len)
{
	out_write(line, len);
	out_write("\n", 1);
}

/* Writes the held records with time before w, or all of them. */
static void
release(int64_t w, int all)
{
	struct held *top, h;

	while ((top = heap_peek(&S.held)) != NULL && (all || top->t < w)) {
		heap_pop(&S.held, &h);
		put_line(h.line, h.len);
		free(h.line);
	}
}

/* Writes our watermark w, after the records it releases. */
static void
write_watermark(int64_t w)
{
	char text[2 * TM_MAXLEN];

	release(w, 0);
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
on_data(const char *line, size_t len)
{
	struct jval v;
	int64_t t;

	if (rec_scan(&S.ro.bad, &S.in, S.scan, line, len, &v) != 0 ||
	    rec_time(&S.ro.bad, &S.in, line, len, &v, &S.ro.topts, S.ro.tpath, &t) != 0)
		return;
	if (S.have_wm && t < S.wm) {
		if (S.late == LATE_PASS)
			put_line(line, len);
		else
			late_add(&S.latesink, line, len);
		return;
	}
	if (S.reorder)
		hold(t, line, len);
	else
		put_line(line, len);
	if (t > S.maxts || S.maxts == INT64_MIN) {
		S.maxts = t;
		advance(tm_sub_sat(t, S.delay));
	}
}

static void
on_control(enum ctl_kind k, const char *line, size_t len)
{
	const char *why;
	int64_t w;

	if (k == CTL_WATERMARK) {
		if (ctl_watermark(line, len, S.ro.topts.unit, &w, &why) != 0) {
			bad_record(&S.ro.bad, &S.in, line, len, "%s", why);
			return;
		}
		/* only where it moves ours forward, never back */
		if (S.have_wm && w <= S.wm)
			return;
		release(w, 0);
		S.wm = w;
		S.have_wm = 1;
	}
	put_line(line, len);
}

/* --idle: the input is quiet, so event time follows the wall clock. */
static void
on_idle(void)
{
	int64_t w = tm_sub_sat(tm_now(), S.delay);

	if (!S.have_wm || w > S.wm)
		advance(w);
}

static void
finish_input(void)
{
	release(0, 1);
	if (S.maxts != INT64_MIN && (!S.have_wm || S.maxts > S.wm))
		write_watermark(S.maxts);
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
	char *line;
	size_t len;
	int c, r, has_delay = 0;
	int64_t deadline;
	enum ctl_kind k;

	tool_init("swatermark");
	recopts_init(&S.ro);
	S.gran = 1000000000;
	while ((c = getopt_long(argc, argv, "d:ht:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			S.delay = opt_duration("-d", optarg, 1);
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
	if (S.late != LATE_PASS)
		late_open(&S.latesink, latepath);
	if ((S.scan = scan_compile(&S.ro.tpath, 1)) == NULL)
		die(1, "out of memory");
	S.maxts = INT64_MIN;
	heap_init(&S.held, sizeof(struct held), held_less);

	in_init(&S.in, argv + optind, argc - optind);
	deadline = S.idle ? tm_add_sat(tm_mono(), S.idle) : -1;
	while ((r = in_line(&S.in, &line, &len, deadline)) != 0) {
		if (r < 0) {
			on_idle();
		} else if ((k = ctl_kind(line, len)) != CTL_NONE) {
			on_control(k, line, len);
		} else {
			on_data(line, len);
		}
		if (S.idle)
			deadline = tm_add_sat(tm_mono(), S.idle);
	}
	finish_input();
	if (S.late != LATE_PASS)
		late_finish(&S.latesink);
	bad_finish(&S.ro.bad);
	ctl_free();
	scan_free(S.scan);
	heap_free(&S.held);
	in_free(&S.in);
	finish(0);
}
