/* swindow's window assigners: tumbling, hopping, session, count. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "swindow.h"
#include "tm.h"

/* Adds the current record's prepared inputs to window s. */
static void
win_add(uint32_t s)
{
	struct win *w = S.pool[s].w;
	size_t i;

	for (i = 0; i < S.naggs; i++)
		agg_add(&S.aggs[i], &w->agg[i], &S.ins[i], S.scratch.p, S.seq);
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
	struct win *w = S.pool[s].w;
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

/* Puts the record into the fixed window [start, end); 1 if it joined. */
static int
join_fixed(int64_t start, int64_t end, const char *key, size_t klen)
{
	struct keystate *ks;
	size_t i;
	uint32_t s;

	if (is_late(end))
		return 0;
	ks = keystate(key, klen, 1);
	i = ks_find(ks, start);
	if (i < ks->n && ks->starts[i] == start) {
		joined(ks->slots[i]);
		return 1;
	}
	s = win_new(start, end, key, klen);
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
	return start >= INT64_MIN && start + size <= INT64_MAX;
}

/*
 * Puts the record into its tumbling or hopping windows.  Returns 0, or -1
 * when no window that holds t fits the int64 range (a bad record); late
 * records are counted here.
 */
int
join_fixed_windows(int64_t t, const char *line, size_t len)
{
	__int128 last, st;
	int any = 0, fit = 0;

	if (S.kind == TUMBLE) {
		st = period_start(t, S.size, S.offset);
		if (!fits64(st, S.size))
			return -1;
		if (!join_fixed((int64_t)st, (int64_t)(st + S.size),
		    S.keybuf.p, S.keybuf.len))
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
			    S.keybuf.p, S.keybuf.len);
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
	for (lo = hi; lo > 0 && S.pool[ks->slots[lo - 1]].w->end >= t; lo--)
		;
	if (lo == hi) {
		if (is_late(end))
			return 0;
		if (ks == NULL)
			ks = keystate(key, klen, 1);
		s = win_new(t, end, key, klen);
		ks_insert(ks, hi, s);
		joined(s);
		return 1;
	}
	/* the first of the run takes in the record and the others */
	k = S.pool[ks->slots[lo]].w;
	if (t < k->start)
		k->start = ks->starts[lo] = t;
	if (end > k->end)
		k->end = end;
	for (i = lo + 1; i < hi; i++) {
		struct win *w = S.pool[ks->slots[i]].w;

		if (w->end > k->end)
			k->end = w->end;
		for (a = 0; a < S.naggs; a++)
			agg_merge(&S.aggs[a], &k->agg[a], &w->agg[a]);
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
		s = win_new(ks->next_index, ks->next_index, key, klen);
		ks_add(ks, s);
	}
	s = ks->slots[0];
	win_add(s);
	if (S.pool[s].w->count == S.count_n) {
		batch_add(s);
		fire_batch();
		ks->n = 0;
		ks->next_index++;
		win_free(s);
	}
}
