/*
 * swindow's window assigners: tumbling, hopping and cumulative windows,
 * of fixed spans (the fast path) or of local time and calendar months;
 * sessions; count windows.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "swindow.h"
#include "tm.h"
#include "tz.h"

/* Adds the current record's prepared inputs to window s. */
static void
win_add(uint32_t s)
{
	struct win *w = win_at(s);
	const struct agg_spec *a = S.aggs, *end = S.aggs + S.naggs;
	const struct agg_in *in = S.ins;

	for (; a < end; a++, in++)
		agg_add(a, win_agg(w, a), in, S.scratch.p, S.seq);
	w->count++;
	w->pending = w->early = 1;
}

/*
 * The record joined window s, new or grown: one that the watermark
 * already passed fires again at once, and the timer comes forward when
 * the window is now due sooner (a new window, or a fired session that a
 * late record moved to an end the watermark has not reached).  A timer
 * that is early for a grown session is set again when it comes.
 */
static void
joined(uint32_t s)
{
	struct win *w = win_at(s);
	int64_t due;

	win_add(s);
	if (S.wm >= w->end)
		batch_add(s);
	if ((due = win_due(w)) < w->due)
		win_arm(s, due);
}

/* Can a record no longer make a window [.., end)?  The wall clock may
 * step back under --processing-time: never late there. */
static int
is_late(int64_t end)
{
	return !S.proctime && expired(end);
}

/*
 * Puts the record into the fixed window [start, end); 1 if it joined.
 * Windows of fixed spans in UTC never share a start; cumulative ones do,
 * and so do local ones that start where the clocks jumped: those look at
 * the ends too.
 */
static int
join_fixed(int64_t start, int64_t end, const char *key, size_t klen)
{
	struct keystate *ks;
	size_t i, j;
	uint32_t s;
	int shared = S.kind == CUMULATE || S.local;

	if (is_late(end))
		return 0;
	ks = keystate(key, klen, 1);
	i = ks_find(ks, start);
	while (shared && i > 0 && ks->starts[i - 1] == start)
		i--;	/* ks_find may give the last of those */
	for (j = i; j < ks->n && ks->starts[j] == start; j++)
		if (!shared || win_at(ks->slots[j])->end == end) {
			joined(ks->slots[j]);
			return 1;
		}
	s = win_new(start, end, ks);
	ks_insert(ks, i, s);
	joined(s);
	return 1;
}

/*
 * The start of the period p (offset off, 0 <= off < p) that holds t.  In
 * 128 bits, since a window near either end of time can start or end
 * outside int64 even when t is inside.
 */
static __int128
period_start(int64_t t, int64_t p, int64_t off)
{
	__int128 x, q;

	/* 64 bits do when nothing can overflow: years 1824 to 2116 */
	if (t > -(INT64_C(1) << 62) && t < INT64_C(1) << 62 &&
	    p < INT64_C(1) << 61)
		return (__int128)(tm_floordiv(t - off, p) * p + off);
	x = (__int128)t - off;
	q = x / p;
	if (x % p < 0)
		q--;
	return q * p + off;
}

static int
fits64(__int128 start, int64_t size)
{
	int64_t end;

	/* start in int64, and start + size too (size > 0) */
	return (__int128)(int64_t)start == start &&
	    !__builtin_add_overflow((int64_t)start, size, &end);
}

/*
 * Puts the record into its tumbling or hopping windows.  Returns 0, or -1
 * when no window that holds t fits the int64 range (a bad record); late
 * records are counted here.
 */
/*
 * Windows of local time (--tz) and of calendar months.  Periods of p (ns
 * of local time, or mo months) have their bounds in local time: the k-th
 * is k p + OFF, or the first of month k mo, + OFF.  A window's instants
 * are [U(start), U(end)), where U gives a local time's first instant, or
 * for one the clocks skipped the instant they did: so the windows of a
 * period still cut time into pieces, a local day lasting 23 or 25 hours.
 * An instant's window is found from its local time; in the hour that
 * repeats when clocks go back, the local time of its second pass is one
 * the first pass had, so the window is found further on.
 */
static int64_t
lbound(int64_t k, int64_t p, int64_t mo)
{
	__int128 x;
	int64_t m;

	if (mo) {
		if (__builtin_mul_overflow(k, mo, &m))
			return k < 0 ? INT64_MIN : INT64_MAX;
		return tm_add_sat(tm_month_start(m), S.offset);
	}
	x = (__int128)k * p + S.offset;
	return x < INT64_MIN ? INT64_MIN : x > INT64_MAX ? INT64_MAX :
	    (int64_t)x;
}

/* The period of p, or of mo months, that holds local time l. */
static int64_t
lperiod(int64_t l, int64_t p, int64_t mo)
{
	__int128 x, q;

	if (mo)
		return tm_floordiv(tm_month_of(tm_sub_sat(l, S.offset)), mo);
	x = (__int128)l - S.offset;
	q = x / p;
	if (x % p < 0)
		q--;
	return (int64_t)q;
}

/* U, or 0 when the bound is outside the int64 range. */
static int
instant(int64_t l, int64_t *t)
{
	if (l == INT64_MIN || l == INT64_MAX)
		return 0;
	*t = tz_bound(l);
	return 1;
}

/* The end, in local time, of the window of step k (hop) or of the i-th
 * window of period k (cumulate). */
static int64_t
lend(int64_t k, int64_t i)
{
	int64_t m;

	if (S.kind == HOP) {
		if (!S.step_mo)
			return tm_add_sat(lbound(k, S.step, 0), S.size);
		if (__builtin_mul_overflow(k, S.step_mo, &m) ||
		    __builtin_add_overflow(m, S.size_mo, &m))
			return k < 0 ? INT64_MIN : INT64_MAX;
		return tm_add_sat(tm_month_start(m), S.offset);
	}
	if (!S.size_mo)
		return tm_add_sat(lbound(k, S.size, 0), i * S.step);
	if (__builtin_mul_overflow(k, S.size_mo, &m) ||
	    __builtin_add_overflow(m, i * S.step_mo, &m))
		return k < 0 ? INT64_MIN : INT64_MAX;
	return tm_add_sat(tm_month_start(m), S.offset);
}

/*
 * Joins [start, end) if it holds t: 1 joined, 0 late, -1 not t's, -2 out
 * of the int64 range.
 */
static int
join_if_holds(int64_t lstart, int64_t lend_, int64_t t)
{
	int64_t start, end;

	if (!instant(lstart, &start) || !instant(lend_, &end))
		return -2;
	if (start > t || end <= t)
		return -1;
	return join_fixed(start, end, S.key, S.klen);
}

static int
join_local_windows(int64_t t, const char *line, size_t len)
{
	/* in-order input meets the same tumbling window again and again */
	static int64_t last_start, last_end;
	static int have_last;
	int64_t k, i, n, b, st, e;
	int any = 0, held = 0, range = 0, r;
	int64_t p = S.kind == HOP ? S.step : S.size;
	int64_t mo = S.kind == HOP ? S.step_mo : S.size_mo;

	if (S.kind == TUMBLE && have_last && t >= last_start && t < last_end) {
		if (!join_fixed(last_start, last_end, S.key, S.klen))
			late_add(&S.late, line, len);
		return 0;
	}
	/* the period: from the local time's, on while it ends by t */
	k = lperiod(tz_local(t), p, mo);
	while (instant(lbound(k + 1, p, mo), &b) && b <= t)
		k++;
	switch (S.kind) {
	case TUMBLE:
		if (!instant(lbound(k, p, mo), &st) ||
		    !instant(lbound(k + 1, p, mo), &e))
			return -1;
		last_start = st;
		last_end = e;
		have_last = 1;
		held = 1;
		any = join_fixed(st, e, S.key, S.klen);
		break;
	case HOP:
		for (i = k; instant(lend(i, 0), &e) && e > t; i--) {
			r = join_if_holds(lbound(i, p, mo), lend(i, 0), t);
			range |= r == -2;
			held |= r >= 0;
			any |= r > 0;
		}
		break;
	default:	/* CUMULATE: [start, start + STEP), ... */
		n = S.size_mo ? S.size_mo / S.step_mo : S.size / S.step;
		for (i = n; i >= 1 && instant(lend(k, i), &e) && e > t; i--) {
			/* ends the clocks skipped are one: join it once */
			if (i < n && instant(lend(k, i + 1), &b) && b == e)
				continue;
			r = join_if_holds(lbound(k, p, mo), lend(k, i), t);
			range |= r == -2;
			held |= r >= 0;
			any |= r > 0;
		}
		break;
	}
	if (!held)
		return range ? -1 : 0;	/* else between hopping windows */
	if (!any)
		late_add(&S.late, line, len);
	return 0;
}

int
join_fixed_windows(int64_t t, const char *line, size_t len)
{
	__int128 last, st;
	int any = 0, fit = 0;

	if (S.local || S.kind == CUMULATE)
		return join_local_windows(t, line, len);
	if (S.kind == TUMBLE) {
		st = period_start(t, S.size, S.offset);
		if (!fits64(st, S.size))
			return -1;
		if (!join_fixed((int64_t)st, (int64_t)(st + S.size),
		    S.key, S.klen))
			late_add(&S.late, line, len);
		return 0;
	}
	last = period_start(t, S.step, S.offset);
	if (last + S.size <= t)
		return 0;	/* between windows: STEP > SIZE leaves gaps */
	for (st = last; st + S.size > t; st -= S.step)
		fit |= fits64(st, S.size);
	if (!fit)
		return -1;
	for (st = last; st + S.size > t; st -= S.step)
		if (fits64(st, S.size))
			any |= join_fixed((int64_t)st, (int64_t)(st + S.size),
			    S.key, S.klen);
	if (!any)
		late_add(&S.late, line, len);
	return 0;
}

/*
 * Puts the record at t into its key's sessions: every session it touches
 * merges with it into one (Flink's merging windows); its revision goes on
 * from the highest of the merged.  A key's sessions never touch each
 * other, so sorted by start they are sorted by end too, and the ones the
 * record touches are a run found by binary search.  1 if it joined.
 */
int
join_session(int64_t t, const char *key, size_t klen)
{
	struct keystate *ks = keystate(key, klen, 0);
	int64_t end;
	size_t lo = 0, hi = ks ? ks->n : 0, mid, i, a;
	struct win *k;
	uint32_t s;

	if (__builtin_add_overflow(t, S.gap, &end))
		end = INT64_MAX;
	while (lo < hi) {	/* hi: the first session starting after end */
		mid = lo + (hi - lo) / 2;
		if (ks->starts[mid] <= end)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (lo = hi; lo > 0 && win_at(ks->slots[lo - 1])->end >= t; lo--)
		;
	if (lo == hi) {
		if (is_late(end))
			return 0;
		if (ks == NULL)
			ks = keystate(key, klen, 1);
		s = win_new(t, end, ks);
		ks_insert(ks, hi, s);
		joined(s);
		return 1;
	}
	/* the first of the run takes in the record and the others */
	k = win_at(ks->slots[lo]);
	if (t < k->start)
		k->start = ks->starts[lo] = t;
	if (end > k->end)
		k->end = end;
	for (i = lo + 1; i < hi; i++) {
		struct win *w = win_at(ks->slots[i]);

		if (w->end > k->end)
			k->end = w->end;
		for (a = 0; a < S.naggs; a++)
			agg_merge(&S.aggs[a], win_agg(k, &S.aggs[a]),
			    win_agg(w, &S.aggs[a]));
		if (w->revision > k->revision)
			k->revision = w->revision;
		k->count += w->count;
		win_free(ks->slots[i]);
	}
	memmove(ks->slots + lo + 1, ks->slots + hi, (ks->n - hi) *
	    sizeof(*ks->slots));
	memmove(ks->starts + lo + 1, ks->starts + hi, (ks->n - hi) *
	    sizeof(*ks->starts));
	ks->n -= hi - lo - 1;
	joined(ks->slots[lo]);
	return 1;
}

/* Count windows: the Nth record of a key fires its window at once. */
void
join_count(const char *key, size_t klen)
{
	struct keystate *ks = keystate(key, klen, 1);
	uint32_t s;

	if (ks->n == 0) {
		s = win_new(ks->next_index, ks->next_index, ks);
		ks_add(ks, s);
	}
	s = ks->slots[0];
	win_add(s);
	if (win_at(s)->count == S.count_n) {
		batch_add(s);
		fire_batch();
		ks->n = 0;
		ks->next_index++;
		win_free(s);
	}
}
