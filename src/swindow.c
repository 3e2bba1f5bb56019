/*
 * swindow: windowed aggregation over NDJSON events, with event time,
 * watermarks and allowed lateness as in Apache Flink.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "num.h"
#include "swindow.h"
#include "tm.h"
#include "tz.h"

struct swindow S;

static _Noreturn void
usage(void)
{
	fputs("usage: swindow [-t PATH] [-k KEYS] WINDOW -a AGG... [options] "
	    "[FILE...]\n"
	    "WINDOW: --tumble SIZE | --hop SIZE --every STEP "
	    "| --cumulate SIZE --every STEP\n"
	    "        [--offset OFF] | --session GAP | --count N\n"
	    "SIZE, STEP: a duration, or 1w 1mo 1q 1y and multiples\n"
	    "AGG:    FUNC[:PATH][=NAME]; FUNC is count sum min max avg first "
	    "last distinct\n"
	    "        median pNN stddev var collect topN\n"
	    "KEYS:   PATH[=NAME],...\n"
	    "options: -d DELAY  -L LATENESS  --late FILE  --emit-every DUR  "
	    "--processing-time\n"
	    "         --tz ZONE  --time-unit U  --time-format FMT  "
	    "--time-out U\n"
	    "         --skip-bad  --dead-letter FILE  --id NAME  --data-only\n",
	    stdout);
	finish(0);
}

static void
on_record(const char *line, size_t len)
{
	const struct agg_spec *a, *end = S.aggs + S.naggs;
	struct agg_in *in = S.ins;
	const char *why;
	int64_t t = 0, w;

	if (rec_scan(&S.ro.bad, &S.op.in, S.scan, line, len, S.vals) != 0)
		return;
	if (S.tfield >= 0 && rec_time(&S.ro.bad, &S.op.in, line, len,
	    &S.vals[S.tfield], &S.ro.topts, S.ro.tpath, &t) != 0)
		return;
	S.scratch.len = 0;
	for (a = S.aggs; a < end; a++, in++) {
		const struct jval *v = a->path ? &S.vals[a->field] : NULL;

		if (agg_prepare(a, v, in, &S.scratch, &why) != 0) {
			bad_record(&S.ro.bad, &S.op.in, line, len, "%s: %s %s",
			    a->name, why, jv_excerpt(v));
			return;
		}
	}
	key_view(S.vals, S.kfield, S.nkeys, &S.keybuf, &S.key, &S.klen);
	S.seq++;
	if (S.proctime) {
		t = tm_now();
		advance(t);
	}
	switch (S.kind) {
	case TUMBLE:
	case HOP:
	case CUMULATE:
		if (join_fixed_windows(t, line, len) != 0) {
			bad_record(&S.ro.bad, &S.op.in, line, len, "time %s has "
			    "no window inside the int64 nanosecond range",
			    jv_excerpt(&S.vals[S.tfield]));
			return;
		}
		break;
	case SESSION:
		if (!join_session(t, S.key, S.klen))
			late_add(&S.late, line, len);
		break;
	case COUNT:
		join_count(S.key, S.klen);
		break;
	}
	fire_batch();
	if (S.has_maxdelay && bwm_see(&S.bwm, t, &w))
		advance(w);
}

/* An upstream watermark fires what it passed; it goes on after them. */
static int
on_watermark(int64_t w, const char *line, size_t len)
{
	(void)line, (void)len;
	if (S.has_maxdelay)
		die(1, "%s%sline %lld: $watermark record in the input, but -d "
		    "makes the watermark here", S.op.in.name ? S.op.in.name :
		    "", S.op.in.name ? ": " : "", (long long)S.op.in.lineno);
	advance(w);
	return 1;
}

static int
add_path(const char *p)
{
	size_t i;

	for (i = 0; i < S.npaths; i++)
		if (strcmp(S.paths[i], p) == 0)
			return (int)i;
	S.paths = xreallocarray(S.paths, S.npaths + 1, sizeof(*S.paths));
	S.paths[S.npaths] = p;
	return (int)S.npaths++;
}

static struct buf
field_prefix(const char *name)
{
	struct buf b = { 0 };

	buf_addc(&b, ',');
	buf_jstr(&b, name, strlen(name));
	buf_addc(&b, ':');
	return b;
}

static void
setup(void)
{
	const char *dummy[1] = { "" };
	size_t i;

	S.tfield = -1;
	if (S.kind != COUNT && !S.proctime)
		S.tfield = add_path(S.ro.tpath);
	S.kfield = xcalloc(S.nkeys + 1, sizeof(*S.kfield));
	for (i = 0; i < S.nkeys; i++)
		S.kfield[i] = add_path(S.keys[i]);
	for (i = 0; i < S.naggs; i++)
		if (S.aggs[i].path)
			S.aggs[i].field = add_path(S.aggs[i].path);
	S.scan = scan_compile(S.npaths ? S.paths : dummy, S.npaths);
	if (S.scan == NULL)
		die(1, "out of memory");
	S.vals = xcalloc(S.npaths + 1, sizeof(*S.vals));
	S.ins = xcalloc(S.naggs, sizeof(*S.ins));
	S.keyprefix = xcalloc(S.nkeys + 1, sizeof(*S.keyprefix));
	for (i = 0; i < S.nkeys; i++)
		S.keyprefix[i] = field_prefix(S.keynames[i]);
	S.aggprefix = xcalloc(S.naggs, sizeof(*S.aggprefix));
	for (i = 0; i < S.naggs; i++)
		S.aggprefix[i] = field_prefix(S.aggs[i].name);
	if (S.nkeys == 0) {
		/* no -k: every record has the one key null, never printed */
		S.kfield[0] = -1;
	}
	S.wm = INT64_MIN;
	store_init();
}

static void
cleanup(void)
{
	size_t i;

	store_free();
	free(S.purge);
	free(S.batch);
	scan_free(S.scan);
	free(S.vals);
	free(S.ins);
	free(S.kfield);
	free(S.paths);
	for (i = 0; i < S.nkeys; i++) {
		free(S.keys[i]);
		free(S.keynames[i]);
		buf_free(&S.keyprefix[i]);
	}
	free(S.keys);
	free(S.keynames);
	free(S.keyprefix);
	for (i = 0; i < S.naggs; i++)
		buf_free(&S.aggprefix[i]);
	free(S.aggprefix);
	agg_spec_free(S.aggs, S.naggs);
	buf_free(&S.scratch);
	buf_free(&S.keybuf);
	buf_free(&S.head);
}

/* The next instant a timer wants the loop awake, as tm_mono(); or -1. */
static int64_t
deadline(void)
{
	struct event e;
	int64_t d = S.emit_every ? S.next_early : -1;

	if (S.proctime && timer_next(&e)) {
		int64_t at = tm_add_sat(tm_mono(), tm_sub_sat(e.t,
		    tm_now()));

		if (d < 0 || at < d)
			d = at;
	}
	return d;
}

/* The wall clock: processing-time windows, and early results. */
static void
tick(int timed_out)
{
	(void)timed_out;
	if (S.proctime)
		advance(tm_now());
	if (S.emit_every && tm_mono() >= S.next_early) {
		emit_early();
		S.next_early = tm_add_sat(tm_mono(), S.emit_every);
	}
}

static void
on_end(void)
{
	fire_all();
	cleanup();
}

static void
options(struct buf *o)
{
	static const char *const kinds[] = { "tumble", "hop", "session",
	    "count", "cumulate" };
	struct buf key = { 0 };
	size_t i;

	op_jstr(o, "window", kinds[S.kind]);
	op_jint(o, "size", S.size);
	op_jint(o, "step", S.step);
	op_jint(o, "offset", S.offset);
	op_jint(o, "gap", S.gap);
	op_jint(o, "count", S.count_n);
	if (S.size_mo)
		op_jint(o, "months", S.size_mo), op_jint(o, "step_months",
		    S.step_mo);
	if (!tz_utc())
		op_jstr(o, "tz", tz_name());
	buf_adds(o, ",\"keys\":[");
	for (i = 0; i < S.nkeys; i++) {
		if (i)
			buf_addc(o, ',');
		if (strcmp(S.keys[i], S.keynames[i]) == 0) {
			buf_jstr(o, S.keys[i], strlen(S.keys[i]));
			continue;
		}
		/* a rename changes the output: a restore must match it */
		key.len = 0;
		buf_printf(&key, "%s=%s", S.keys[i], S.keynames[i]);
		buf_jstr(o, key.p, key.len);
	}
	buf_free(&key);
	buf_adds(o, "],\"aggs\":[");
	for (i = 0; i < S.naggs; i++) {
		if (i)
			buf_addc(o, ',');
		agg_spec_save(&S.aggs[i], o);
	}
	buf_addc(o, ']');
	op_jstr(o, "t", S.tfield >= 0 ? S.ro.tpath : NULL);
	op_jstr(o, "time_unit", tm_unit_name(S.ro.topts.unit));
	op_jstr(o, "time_format", S.ro.topts.format);
	op_jint(o, "lateness", S.has_lateness ? S.lateness : -1);
	op_jint(o, "delay", S.has_maxdelay ? S.bwm.delay : -1);
	op_jint(o, "processing_time", S.proctime);
}

/* The event-time line first, then the store's lines. */
static void
snapshot(struct snap_w *w)
{
	op_save_clock(w, S.wm != INT64_MIN, S.wm, &S.bwm, S.seq);
	store_snapshot(w);
}

static int
restore(const char *line, size_t len, const char **why)
{
	int has_wm, r;

	*why = "a bad state line";
	if ((r = op_load_clock(line, len, &has_wm, &S.wm, &S.bwm,
	    &S.seq)) < 0)
		return -1;
	if (r == 0)
		return store_restore(line, len, why);
	if (!has_wm)
		S.wm = INT64_MIN;
	return 0;
}

/*
 * A rescale: the text of skeyby's keys for a window or count-index line,
 * taken from the window's key, which must hold them all.
 */
static int
state_key(const char *line, size_t len, const char *const *keys, size_t n,
    struct buf *out, const char **why)
{
	static const char *const paths[] = { "k", "next" };
	struct scan_paths *ps;
	struct scan_error e;
	struct jval v[2], key, el;
	size_t i, j, pos;
	int r = 1;

	if ((ps = scan_compile(paths, 2)) == NULL)
		die(1, "out of memory");
	if (scan_object(ps, line, len, v, &e) != 0 ||
	    (v[0].type == J_NONE && v[1].type == J_NONE)) {
		scan_free(ps);
		*why = "a bad state line";
		return -1;
	}
	key = v[0].type != J_NONE ? v[0] : v[1];
	if (n > 1)
		buf_addc(out, '[');
	for (i = 0; r == 1 && i < n; i++) {
		for (j = 0; j < S.nkeys && strcmp(S.keys[j], keys[i]); j++)
			;
		if (j == S.nkeys) {
			*why = "skeyby's keys must be among its -k keys";
			r = -1;
			break;
		}
		el = key;
		if (S.nkeys > 1) {
			pos = 0;
			do
				if (!jv_element(&key, &pos, &el)) {
					*why = "a bad key in a state line";
					r = -1;
				}
			while (r == 1 && j--);
		}
		if (i)
			buf_addc(out, ',');
		buf_add(out, el.p, el.len);
	}
	if (n > 1)
		buf_addc(out, ']');
	scan_free(ps);
	return r;
}

enum {
	OPT_COUNT = 256, OPT_CUMULATE, OPT_EMIT, OPT_EVERY, OPT_HOP, OPT_LATE,
	OPT_OFFSET, OPT_PROCTIME, OPT_SESSION, OPT_TUMBLE,
};

static const struct option longopts[] = {
	{ "aggregate", required_argument, NULL, 'a' },
	{ "allowed-lateness", required_argument, NULL, 'L' },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "cumulate", required_argument, NULL, OPT_CUMULATE },
	{ "emit-every", required_argument, NULL, OPT_EMIT },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "help", no_argument, NULL, 'h' },
	{ "hop", required_argument, NULL, OPT_HOP },
	{ "key", required_argument, NULL, 'k' },
	{ "late", required_argument, NULL, OPT_LATE },
	{ "max-delay", required_argument, NULL, 'd' },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "processing-time", no_argument, NULL, OPT_PROCTIME },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "tumble", required_argument, NULL, OPT_TUMBLE },
	RECOPTS_LONG,
	{ NULL, 0, NULL, 0 },
};

static void
set_kind(enum kind k, int *nkinds)
{
	S.kind = k;
	(*nkinds)++;
}

/*
 * A window size or step: a duration, or calendar units: weeks (7 days
 * from a Monday: *monday is set), months, quarters, years (*mo months).
 */
static int64_t
window_span(const char *opt, const char *arg, int64_t *mo, int *monday)
{
	static const struct {
		const char *unit;
		int64_t months;
	} cal[] = { { "w", 0 }, { "mo", 1 }, { "q", 3 }, { "y", 12 } };
	char *end;
	long long n;
	size_t i;
	int r;
	int64_t v;

	*mo = 0;
	*monday = 0;
	errno = 0;
	n = strtoll(arg, &end, 10);
	for (i = 0; end != arg && arg[0] >= '0' && arg[0] <= '9' &&
	    i < LEN(cal); i++) {
		if (strcmp(end, cal[i].unit) != 0)
			continue;
		if (n <= 0 || errno || n > 10000 * 12)
			usage_error("%s: '%s' out of range", opt, arg);
		if (cal[i].months == 0) {
			*monday = 1;
			return (int64_t)n * 7 * 86400 * 1000000000LL;
		}
		*mo = (int64_t)n * cal[i].months;
		return 0;
	}
	if ((r = dur_parse(arg, &v)) == -2)
		usage_error("%s: duration '%s' out of range (at most 292 "
		    "years)", opt, arg);
	if (r == 0 && v == 0)
		usage_error("%s: duration '%s' must be more than 0", opt, arg);
	if (r != 0)
		usage_error("%s: bad duration '%s' (%s; window sizes and "
		    "steps also 1w from Monday, 1mo, 1q, 1y and multiples "
		    "such as 3mo)", opt, arg, DUR_UNITS);
	return v;
}

int
main(int argc, char *argv[])
{
	const char *latepath = NULL, *offarg = NULL;
	char why[160], *end;
	int c, nkinds = 0, has_every = 0, size_monday = 0, step_monday = 0;
	int64_t period;

	tool_init("swindow");
	recopts_init(&S.ro);
	while ((c = getopt_long(argc, argv, "a:d:hk:L:t:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'a':
			if (agg_parse(optarg, &S.aggs, &S.naggs, why,
			    sizeof(why)) != 0)
				usage_error("-a: %s", why);
			break;
		case 'd':
			S.bwm.delay = opt_duration("-d", optarg, 1);
			S.has_maxdelay = 1;
			break;
		case 'h':
			usage();
		case 'k':
			opt_keys(optarg, &S.keys, &S.keynames, &S.nkeys);
			break;
		case 'L':
			S.lateness = opt_duration("-L", optarg, 1);
			S.has_lateness = 1;
			break;
		case OPT_COUNT:
			errno = 0;
			S.count_n = strtoll(optarg, &end, 10);
			if (errno || *end || S.count_n <= 0 || *optarg == '+')
				usage_error("--count: bad number '%s'", optarg);
			set_kind(COUNT, &nkinds);
			break;
		case OPT_EMIT:
			S.emit_every = opt_duration("--emit-every", optarg, 0);
			break;
		case OPT_CUMULATE:
			S.size = window_span("--cumulate", optarg, &S.size_mo,
			    &size_monday);
			set_kind(CUMULATE, &nkinds);
			break;
		case OPT_EVERY:
			S.step = window_span("--every", optarg, &S.step_mo,
			    &step_monday);
			has_every = 1;
			break;
		case OPT_HOP:
			S.size = window_span("--hop", optarg, &S.size_mo,
			    &size_monday);
			set_kind(HOP, &nkinds);
			break;
		case OPT_LATE:
			latepath = opt_file("--late", optarg);
			break;
		case OPT_OFFSET:
			offarg = optarg;
			break;
		case OPT_PROCTIME:
			S.proctime = 1;
			break;
		case OPT_SESSION:
			S.gap = opt_duration("--session", optarg, 0);
			set_kind(SESSION, &nkinds);
			break;
		case OPT_TUMBLE:
			S.size = window_span("--tumble", optarg, &S.size_mo,
			    &size_monday);
			set_kind(TUMBLE, &nkinds);
			break;
		default:
			if (!recopts_parse(&S.ro, c, optarg))
				usage_error(NULL);	/* getopt said what */
		}
	}
	if (nkinds != 1)
		usage_error("give exactly one of --tumble, --hop, --cumulate, "
		    "--session, --count");
	if (S.naggs == 0)
		usage_error("give at least one aggregate with -a");
	if ((S.kind == HOP || S.kind == CUMULATE) && !has_every)
		usage_error("--%s needs --every STEP", S.kind == HOP ? "hop" :
		    "cumulate");
	if (S.kind != HOP && S.kind != CUMULATE && has_every)
		usage_error("--every goes with --hop or --cumulate");
	if (has_every && (S.size_mo != 0) != (S.step_mo != 0))
		usage_error("SIZE and STEP: both in months (mo, q, y) or "
		    "neither");
	if ((S.kind == HOP || S.kind == CUMULATE) && (S.size_mo ?
	    S.size_mo / S.step_mo : S.size / S.step) > 100000)
		usage_error("--%s SIZE / --every STEP: over 100000 windows "
		    "per event", S.kind == HOP ? "hop" : "cumulate");
	if (S.kind == CUMULATE && (S.size_mo ? S.size_mo % S.step_mo :
	    S.size % S.step) != 0)
		usage_error("--cumulate SIZE must be a multiple of --every "
		    "STEP");
	if (offarg) {
		if (S.kind == SESSION || S.kind == COUNT)
			usage_error("--offset goes with --tumble, --hop or "
			    "--cumulate");
		S.offset = *offarg == '-' ? -opt_duration("--offset", offarg + 1,
		    1) : opt_duration("--offset", offarg, 1);
	}
	/* weeks start on Monday, 1970-01-05, four days after the epoch */
	if (S.kind == HOP ? step_monday : size_monday)
		S.offset += 4 * 86400 * 1000000000LL;
	if (!S.size_mo && S.kind != SESSION && S.kind != COUNT) {
		/* only the offset within a period matters */
		period = S.kind == HOP ? S.step : S.size;
		S.offset %= period;
		if (S.offset < 0)
			S.offset += period;
	}
	if (S.proctime && (S.has_maxdelay || S.kind == COUNT))
		usage_error("--processing-time goes with neither -d nor "
		    "--count");
	if (S.kind == COUNT && (S.has_maxdelay || S.has_lateness))
		usage_error("--count windows ignore time: no -d or -L");
	recopts_finish(&S.ro);
	recopts_zone(&S.ro);
	S.local = !tz_utc() || S.size_mo != 0;
	late_open(&S.late, latepath);
	S.late.hint = "it is out of order by more than -d allows; try a "
	    "larger -d, -L, or swatermark --reorder in front";

	setup();
	S.op.tool = "swindow";
	S.op.ro = &S.ro;
	S.op.late = &S.late;
	S.op.record = on_record;
	/* count and processing-time windows only forward watermarks */
	if (S.kind != COUNT && !S.proctime)
		S.op.watermark = on_watermark;
	S.op.options = options;
	S.op.snapshot = snapshot;
	S.op.restore = restore;
	S.op.state_key = state_key;
	if (S.proctime || S.emit_every) {
		S.op.deadline = deadline;
		S.op.tick = tick;
		S.next_early = tm_add_sat(tm_mono(), S.emit_every);
	}
	S.op.end = on_end;
	op_run(&S.op, argv + optind, argc - optind);
}
