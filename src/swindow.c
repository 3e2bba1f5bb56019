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

#include "agg.h"
#include "ctl.h"
#include "heap.h"
#include "map.h"
#include "num.h"
#include "rec.h"
#include "scan.h"
#include "tm.h"
#include "util.h"

enum kind { TUMBLE, HOP, SESSION, COUNT };

/*
 * One window of one key.  For count windows start is the window_index.
 * It lives in the pool.  It has one live timer in the heap, at due: the
 * entry whose generation is its slot's; setting the timer again or
 * freeing the window moves the generation on, so older entries go stale.
 */
struct win {
	int64_t start, end;
	char *key;		/* canonical key text (a value, or an array),
				 * stored after agg[] in the same allocation */
	size_t klen;
	int revision;		/* firings so far */
	int pending;		/* changed since it last fired */
	int64_t due;		/* when its live timer is */
	int early;		/* changed since the last early result */
	int64_t count;		/* records in it (count windows fire on it) */
	struct keystate *ks;	/* the key's entry, which lists the window */
	union agg_state agg[];
};

struct slot {
	struct win *w;
	uint64_t gen;		/* moves on at every timer set and free */
};

/* A window about to fire, with what it sorts by close at hand. */
struct firing {
	int64_t end, start;
	uint64_t keyhead;	/* the key's first 8 bytes, big-endian */
	uint32_t slot;
};

/*
 * Windows live in blocks of CHUNK, one size each, so that making and
 * dropping one costs no malloc, and windows made together, which tend to
 * fire together, sit together.  A key longer than KEYINLINE is allocated
 * apart.
 */
#define CHUNK 1024
#define KEYINLINE 16

struct event {
	int64_t t;
	uint64_t gen;
	uint32_t slot;
};

/*
 * Per key: its open windows, oldest first, so that in-order input finds
 * its window at the end of the list; and for count windows the next
 * window_index.
 */
struct keystate {
	uint32_t *slots;
	int64_t *starts;	/* each window's start, kept here to spare a
				 * cache miss per record */
	size_t n, cap;
	uint32_t slots_in[2];	/* most keys have a window or two open */
	int64_t starts_in[2];
	int64_t next_index;
	size_t klen;
	char key[];		/* the index's key: it borrows this */
};

static struct {
	enum kind kind;
	int64_t size, step, offset, gap, count_n;
	int64_t lateness, maxdelay, emit_every;
	int has_lateness, has_maxdelay, proctime;
	struct recopts ro;	/* -t, time and bad-record options */

	char **keys;
	size_t nkeys;
	struct agg_spec *aggs;
	size_t naggs;

	const char **paths;	/* every field the scanner extracts */
	size_t npaths;
	int tfield;		/* slot of the time path, or -1 */
	int *kfield;
	struct scan_paths *scan;
	struct jval *vals;
	struct agg_in *ins;
	struct buf scratch, keybuf, out;
	char **keyprefix;	/* ,"name": per key and per aggregate */
	char **aggprefix;

	struct slot *pool;
	uint32_t npool, poolcap, *freeslots, nfree;
	char **chunks;		/* the windows themselves, CHUNK a block */
	size_t winsize;
	struct heap timers;	/* struct event, soonest first */
	struct map keyst;	/* key -> struct keystate */

	int64_t wm;		/* the watermark; INT64_MIN before any */
	int64_t maxts;
	int64_t seq;		/* arrival number of the current record */
	struct latesink late;
	int saw_watermark;
	struct input in;

	struct firing *batch;	/* windows to fire together */
	size_t nbatch, batchcap;
	uint32_t *purge;	/* windows to remove after a firing */
	size_t purgecap;
} S;

static _Noreturn void
usage(void)
{
	fputs("usage: swindow [-t PATH] [-k KEYS] WINDOW -a AGG... [options] "
	    "[FILE...]\n"
	    "WINDOW: --tumble SIZE [--offset OFF] | --hop SIZE --every STEP "
	    "[--offset OFF]\n"
	    "        | --session GAP | --count N\n"
	    "AGG:    FUNC[:PATH][=NAME]; FUNC is count sum min max avg first "
	    "last distinct\n"
	    "        median pNN stddev var collect\n"
	    "options: -d DELAY  -L LATENESS  --late FILE  --emit-every DUR  "
	    "--processing-time\n"
	    "         --time-unit U  --time-format FMT  --time-out U  "
	    "--skip-bad  --dead-letter FILE\n", stdout);
	finish(0);
}

/* ---- the pool of windows and the timer heap ---- */

static uint32_t
win_new(int64_t start, int64_t end, const char *key, size_t klen)
{
	struct win *w;
	uint32_t s;

	if (S.nfree) {
		s = S.freeslots[--S.nfree];
	} else {
		if (S.npool == S.poolcap) {
			S.poolcap = S.poolcap ? S.poolcap * 2 : CHUNK;
			S.pool = xreallocarray(S.pool, S.poolcap,
			    sizeof(*S.pool));
			S.freeslots = xreallocarray(S.freeslots, S.poolcap,
			    sizeof(*S.freeslots));
			S.chunks = xreallocarray(S.chunks, S.poolcap / CHUNK,
			    sizeof(*S.chunks));
		}
		s = S.npool++;
		if (s % CHUNK == 0)
			S.chunks[s / CHUNK] = xmalloc(CHUNK * S.winsize);
		S.pool[s].gen = 0;
	}
	w = (struct win *)(S.chunks[s / CHUNK] + (s % CHUNK) * S.winsize);
	memset(w, 0, S.winsize);
	w->start = start;
	w->end = end;
	w->due = INT64_MAX;	/* no timer yet */
	if (klen <= KEYINLINE)
		w->key = (char *)w->agg + S.naggs * sizeof(union agg_state);
	else
		w->key = xmalloc(klen);
	memcpy(w->key, key, klen);
	w->klen = klen;
	S.pool[s].w = w;
	return s;
}

static void
win_free(uint32_t s)
{
	struct win *w = S.pool[s].w;
	size_t i;

	for (i = 0; i < S.naggs; i++)
		agg_free(&S.aggs[i], &w->agg[i]);
	if (w->klen > KEYINLINE)
		free(w->key);
	S.pool[s].w = NULL;
	S.pool[s].gen++;
	S.freeslots[S.nfree++] = s;
}

static int
ev_less(const void *x, const void *y)
{
	const struct event *a = x, *b = y;

	return a->t < b->t;
}

/* Sets window s's one timer to t; the entry set before goes stale. */
static void
win_arm(uint32_t s, int64_t t)
{
	struct event e = { t, ++S.pool[s].gen, s };

	S.pool[s].w->due = t;
	heap_push(&S.timers, &e);
}

/* Drops stale events so the top is live; returns 0 when none is. */
static int
timer_next(struct event *e)
{
	struct event *top;

	while ((top = heap_peek(&S.timers)) != NULL) {
		*e = *top;
		if (S.pool[e->slot].w && S.pool[e->slot].gen == e->gen)
			return 1;
		heap_pop(&S.timers, NULL);
	}
	return 0;
}

/* Has the watermark passed end + lateness, so the window can go? */
static int
expired(int64_t end)
{
	int64_t limit;

	if (__builtin_add_overflow(end, S.lateness, &limit))
		return 0;
	return S.wm >= limit;
}

/*
 * When window w next needs the watermark: at its end to fire, and once
 * the watermark has passed that, at end + lateness to be dropped.
 */
static int64_t
win_due(const struct win *w)
{
	int64_t at;

	if (S.wm < w->end)
		return w->end;
	if (__builtin_add_overflow(w->end, S.lateness, &at))
		return INT64_MAX;
	return at;
}

/* ---- output ---- */

/* Appends the i-th top-level element of a canonical key array. */
static void
key_part(const char *k, size_t n, size_t want, struct buf *out)
{
	size_t i, from = 1, idx = 0;
	int depth = 0, instr = 0;

	for (i = 1; i < n - 1; i++) {
		char c = k[i];

		if (instr) {
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = 0;
			continue;
		}
		if (c == '"')
			instr = 1;
		else if (c == '[' || c == '{')
			depth++;
		else if (c == ']' || c == '}')
			depth--;
		else if (c == ',' && depth == 0) {
			if (idx == want)
				break;
			idx++;
			from = i + 1;
		}
	}
	buf_add(out, k + from, i - from);
}

/* Appends instant t as the output wants it.  Windows come out in runs of
 * the same bounds, so the last two texts are kept. */
static void
put_time(struct buf *o, int64_t t)
{
	static struct {
		int64_t t;
		size_t len;
		char text[TM_MAXLEN + 2];
	} cache[2];
	static int valid[2], next;
	int i;

	for (i = 0; i < 2; i++)
		if (valid[i] && cache[i].t == t) {
			buf_add(o, cache[i].text, cache[i].len);
			return;
		}
	i = next;
	next ^= 1;
	valid[i] = 1;
	cache[i].t = t;
	if (S.ro.time_out == TU_AUTO) {
		cache[i].text[0] = '"';
		cache[i].len = 1 + tm_format(t, TU_AUTO, cache[i].text + 1);
		cache[i].text[cache[i].len++] = '"';
	} else {
		cache[i].len = tm_format(t, S.ro.time_out, cache[i].text);
	}
	buf_add(o, cache[i].text, cache[i].len);
}

/* Writes one result record; final is -1 when --emit-every is off. */
static void
emit(struct win *w, int revision, int final)
{
	struct buf *o = &S.out;
	char tmp[NUM_MAXLEN];
	size_t i;

	o->len = 0;
	if (S.kind == COUNT) {
		buf_adds(o, "{\"window_index\":");
		buf_add(o, tmp, num_fmt_int(w->start, tmp));
	} else {
		buf_adds(o, "{\"window_start\":");
		put_time(o, w->start);
		buf_adds(o, ",\"window_end\":");
		put_time(o, w->end);
	}
	for (i = 0; i < S.nkeys; i++) {
		buf_adds(o, S.keyprefix[i]);
		if (S.nkeys == 1)
			buf_add(o, w->key, w->klen);
		else
			key_part(w->key, w->klen, i, o);
	}
	for (i = 0; i < S.naggs; i++) {
		buf_adds(o, S.aggprefix[i]);
		agg_output(&S.aggs[i], &w->agg[i], o);
	}
	if (S.has_lateness) {
		buf_adds(o, ",\"revision\":");
		buf_add(o, tmp, num_fmt_int(revision, tmp));
	}
	if (final >= 0)
		buf_adds(o, final ? ",\"final\":true" : ",\"final\":false");
	buf_add(o, "}\n", 2);
	out_write(o->p, o->len);
}

static int
cmp_fire(const void *a, const void *b)
{
	const struct firing *x = a, *y = b;
	const struct win *wx, *wy;
	size_t n;
	int c;

	/* a key has one count window open: at the end they go by key */
	if (S.kind != COUNT && x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (S.kind != COUNT && x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->keyhead != y->keyhead)
		return x->keyhead < y->keyhead ? -1 : 1;
	wx = S.pool[x->slot].w;
	wy = S.pool[y->slot].w;
	n = wx->klen < wy->klen ? wx->klen : wy->klen;
	if ((c = memcmp(wx->key, wy->key, n)) != 0)
		return c;
	return (wx->klen > wy->klen) - (wx->klen < wy->klen);
}

/*
 * Sorts the batch by cmp_fire: a merge sort, since firing at the end of a
 * long input sorts every window there is, and qsort's indirect calls and
 * byte-wise copies cost more there than the comparisons themselves.
 */
static void
sort_batch(void)
{
	struct firing *a = S.batch, *b, *t;
	size_t n = S.nbatch, width, lo, mid, hi, i, j, k;

	if (n < 2)
		return;
	b = xreallocarray(NULL, n, sizeof(*b));
	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = lo + 2 * width < n ? lo + 2 * width : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				b[k] = (j >= hi || (i < mid &&
				    cmp_fire(&a[i], &a[j]) <= 0)) ? a[i++] :
				    a[j++];
		}
		t = a, a = b, b = t;
	}
	if (a != S.batch) {
		memcpy(S.batch, a, n * sizeof(*a));
		b = a;
	}
	free(b);
}

static void
batch_add(uint32_t s)
{
	const struct win *w = S.pool[s].w;
	struct firing *f;
	size_t i;

	if (S.nbatch == S.batchcap) {
		S.batchcap = S.batchcap ? S.batchcap * 2 : 64;
		S.batch = xreallocarray(S.batch, S.batchcap, sizeof(*S.batch));
	}
	f = &S.batch[S.nbatch++];
	f->end = w->end;
	f->start = w->start;
	f->slot = s;
	/* zero-padded, so a shorter key that is a prefix sorts first */
	f->keyhead = 0;
	for (i = 0; i < 8; i++)
		f->keyhead = f->keyhead << 8 |
		    (i < w->klen ? (unsigned char)w->key[i] : 0);
}

/* Fires the batched windows in SPEC order: end, start, key. */
static void
fire_batch(void)
{
	size_t i;

	if (S.nbatch == 0)
		return;
	sort_batch();
	for (i = 0; i < S.nbatch; i++) {
		struct win *w = S.pool[S.batch[i].slot].w;

		w->revision++;
		w->pending = w->early = 0;
		emit(w, w->revision, S.emit_every ? 1 : -1);
	}
	S.nbatch = 0;
}

/* ---- window bookkeeping ---- */

static struct keystate *
keystate(const char *key, size_t klen, int create)
{
	struct keystate *ks;
	void **v = map_get(&S.keyst, key, klen, 0, NULL);

	if (v || !create)
		return v ? *v : NULL;
	ks = xcalloc(1, sizeof(*ks) + klen);
	memcpy(ks->key, key, klen);
	ks->klen = klen;
	ks->slots = ks->slots_in;
	ks->starts = ks->starts_in;
	ks->cap = LEN(ks->slots_in);
	*map_get(&S.keyst, ks->key, klen, 1, NULL) = ks;
	return ks;
}

static void
ks_add(struct keystate *ks, uint32_t s)
{
	if (ks->n == ks->cap) {
		ks->cap *= 2;
		if (ks->slots == ks->slots_in) {
			ks->slots = xreallocarray(NULL, ks->cap,
			    sizeof(*ks->slots));
			ks->starts = xreallocarray(NULL, ks->cap,
			    sizeof(*ks->starts));
			memcpy(ks->slots, ks->slots_in, sizeof(ks->slots_in));
			memcpy(ks->starts, ks->starts_in,
			    sizeof(ks->starts_in));
		} else {
			ks->slots = xreallocarray(ks->slots, ks->cap,
			    sizeof(*ks->slots));
			ks->starts = xreallocarray(ks->starts, ks->cap,
			    sizeof(*ks->starts));
		}
	}
	ks->starts[ks->n] = S.pool[s].w->start;
	ks->slots[ks->n++] = s;
	S.pool[s].w->ks = ks;
}

static void
ks_free(void *p)
{
	struct keystate *ks = p;

	if (ks->slots != ks->slots_in) {
		free(ks->slots);
		free(ks->starts);
	}
	free(ks);
}

/* Forgets a window: its place in its key's list, then the window. */
static void
win_remove(uint32_t s)
{
	struct win *w = S.pool[s].w;
	struct keystate *ks = w->ks;
	size_t i;

	for (i = 0; ks && i < ks->n; i++)
		if (ks->slots[i] == s) {
			memmove(ks->slots + i, ks->slots + i + 1,
			    (ks->n - i - 1) * sizeof(*ks->slots));
			memmove(ks->starts + i, ks->starts + i + 1,
			    (ks->n - i - 1) * sizeof(*ks->starts));
			ks->n--;
			break;
		}
	if (ks && ks->n == 0 && S.kind != COUNT) {
		map_del(&S.keyst, ks->key, ks->klen);
		ks_free(ks);
	}
	win_free(s);
}

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

/* Inserts window s into ks's list at i, keeping it sorted by start. */
static void
ks_insert(struct keystate *ks, size_t i, uint32_t s)
{
	ks_add(ks, s);
	memmove(ks->slots + i + 1, ks->slots + i, (ks->n - 1 - i) *
	    sizeof(*ks->slots));
	memmove(ks->starts + i + 1, ks->starts + i, (ks->n - 1 - i) *
	    sizeof(*ks->starts));
	ks->slots[i] = s;
	ks->starts[i] = S.pool[s].w->start;
}

/* The first of ks's windows that starts at or after start. */
static size_t
ks_find(const struct keystate *ks, int64_t start)
{
	size_t lo = 0, hi = ks->n, mid;

	/* in-order input: the newest window, or a new one after it */
	if (hi == 0 || ks->starts[hi - 1] < start)
		return hi;
	if (ks->starts[hi - 1] == start)
		return hi - 1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ks->starts[mid] < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
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
 * Puts the record at t into its key's sessions: every session it touches
 * merges with it into one (Flink's merging windows); its revision goes on
 * from the highest of the merged.  A key's sessions never touch each
 * other, so sorted by start they are sorted by end too, and the ones the
 * record touches are a run found by binary search.  1 if it joined.
 */
static int
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
static void
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

/* Moves the watermark to w and fires and removes what it passed. */
static void
advance(int64_t w)
{
	struct event e;
	size_t npurge = 0, i;

	if (w <= S.wm)
		return;
	S.wm = w;
	while (timer_next(&e) && e.t <= w) {
		struct win *win = S.pool[e.slot].w;

		heap_pop(&S.timers, NULL);
		if (win->pending && w >= win->end)
			batch_add(e.slot);
		/* kept for late records until W passes end + L, or removed
		 * after this firing when W already has */
		if (!expired(win->end)) {
			win_arm(e.slot, win_due(win));
			continue;
		}
		if (npurge == S.purgecap) {
			S.purgecap = S.purgecap ? S.purgecap * 2 : 64;
			S.purge = xreallocarray(S.purge, S.purgecap,
			    sizeof(*S.purge));
		}
		S.purge[npurge++] = e.slot;
	}
	fire_batch();
	for (i = 0; i < npurge; i++)
		win_remove(S.purge[i]);
}

/* --emit-every: early results of the windows that changed, not final. */
static void
emit_early(void)
{
	uint32_t s;

	for (s = 0; s < S.npool; s++) {
		struct win *w = S.pool[s].w;

		if (w && w->early && w->revision == 0)
			batch_add(s);
	}
	if (S.nbatch)
		sort_batch();
	for (s = 0; s < S.nbatch; s++) {
		struct win *w = S.pool[S.batch[s].slot].w;

		w->early = 0;
		emit(w, w->revision + 1, 0);
	}
	S.nbatch = 0;
}

/* End of input: every window with unfired changes fires. */
static void
fire_all(void)
{
	uint32_t s;

	for (s = 0; s < S.npool; s++)
		if (S.pool[s].w && S.pool[s].w->pending)
			batch_add(s);
	fire_batch();
}

/* ---- records ---- */

static void
build_key(void)
{
	size_t i;

	S.keybuf.len = 0;
	if (S.nkeys == 1) {
		jv_canonical(&S.vals[S.kfield[0]], &S.keybuf);
		return;
	}
	buf_addc(&S.keybuf, '[');
	for (i = 0; i < S.nkeys; i++) {
		if (i)
			buf_addc(&S.keybuf, ',');
		jv_canonical(&S.vals[S.kfield[i]], &S.keybuf);
	}
	buf_addc(&S.keybuf, ']');
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
static int
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

static void
on_data(const char *line, size_t len)
{
	const char *why;
	int64_t t = 0;
	size_t i;

	if (rec_scan(&S.ro.bad, &S.in, S.scan, line, len, S.vals) != 0)
		return;
	if (S.tfield >= 0 && rec_time(&S.ro.bad, &S.in, line, len,
	    &S.vals[S.tfield], &S.ro.topts, S.ro.tpath, &t) != 0)
		return;
	S.scratch.len = 0;
	for (i = 0; i < S.naggs; i++) {
		const struct agg_spec *a = &S.aggs[i];
		const struct jval *v = a->path ? &S.vals[a->field] : NULL;

		if (agg_prepare(a, v, &S.ins[i], &S.scratch, &why) != 0) {
			bad_record(&S.ro.bad, &S.in, line, len, "%s: %s %s",
			    a->name, why, jv_excerpt(v));
			return;
		}
	}
	build_key();
	S.seq++;
	if (S.proctime) {
		t = tm_now();
		advance(t);
	}
	switch (S.kind) {
	case TUMBLE:
	case HOP:
		if (join_fixed_windows(t, line, len) != 0) {
			bad_record(&S.ro.bad, &S.in, line, len, "time %s has no "
			    "window inside the int64 nanosecond range",
			    jv_excerpt(&S.vals[S.tfield]));
			return;
		}
		break;
	case SESSION:
		if (!join_session(t, S.keybuf.p, S.keybuf.len))
			late_add(&S.late, line, len);
		break;
	case COUNT:
		join_count(S.keybuf.p, S.keybuf.len);
		break;
	}
	fire_batch();
	if (S.has_maxdelay && S.kind != COUNT) {
		if (t > S.maxts)
			S.maxts = t;
		advance(tm_sub_sat(S.maxts, S.maxdelay));
	}
}

static void
on_control(enum ctl_kind k, const char *line, size_t len)
{
	const char *why;
	int64_t w;

	if (k == CTL_WATERMARK && !S.proctime && S.kind != COUNT) {
		if (S.has_maxdelay)
			die(1, "%s%sline %lld: $watermark record in the input, "
			    "but -d makes the watermark here", S.in.name ?
			    S.in.name : "", S.in.name ? ": " : "",
			    (long long)S.in.lineno);
		if (ctl_watermark(line, len, S.ro.topts.unit, &w, &why) != 0) {
			bad_record(&S.ro.bad, &S.in, line, len, "%s", why);
			return;
		}
		advance(w);
	}
	out_write(line, len);
	out_write("\n", 1);
}

/* ---- set-up ---- */

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

static char *
field_prefix(const char *name)
{
	struct buf b = { 0 };
	char *s;

	buf_addc(&b, ',');
	buf_jstr(&b, name, strlen(name));
	buf_addc(&b, ':');
	s = xmemdup(b.p, b.len);
	buf_free(&b);
	return s;
}

static void
split_keys(const char *arg)
{
	const char *p = arg, *comma;
	char *key;

	do {
		comma = strchr(p, ',');
		key = comma ? xmemdup(p, (size_t)(comma - p)) : xstrdup(p);
		S.keys = xreallocarray(S.keys, S.nkeys + 1, sizeof(*S.keys));
		S.keys[S.nkeys++] = key;
		if (!scan_path_valid(key, strlen(key)))
			usage_error("-k: bad field path '%s' in '%s'", key, arg);
		p = comma + 1;
	} while (comma);
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
	S.keyprefix = xcalloc(S.nkeys + 1, sizeof(char *));
	for (i = 0; i < S.nkeys; i++)
		S.keyprefix[i] = field_prefix(S.keys[i]);
	S.aggprefix = xcalloc(S.naggs, sizeof(char *));
	for (i = 0; i < S.naggs; i++)
		S.aggprefix[i] = field_prefix(S.aggs[i].name);
	if (S.nkeys == 0) {
		/* no -k: every record has the one key null, never printed */
		S.kfield[0] = -1;
	}
	S.wm = INT64_MIN;
	S.keyst.borrow = 1;
	heap_init(&S.timers, sizeof(struct event), ev_less);
	/* room for the aggregates and a short key, kept aligned for them */
	S.winsize = (sizeof(struct win) + S.naggs * sizeof(union agg_state) +
	    KEYINLINE + 7) / 8 * 8;
	S.maxts = INT64_MIN;
}

static void
cleanup(void)
{
	uint32_t s;
	size_t i;

	for (s = 0; s < S.npool; s++)
		if (S.pool[s].w)
			win_free(s);
	map_free(&S.keyst, ks_free);
	for (s = 0; s < S.npool; s += CHUNK)
		free(S.chunks[s / CHUNK]);
	free(S.chunks);
	free(S.pool);
	free(S.freeslots);
	heap_free(&S.timers);
	free(S.purge);
	free(S.batch);
	scan_free(S.scan);
	free(S.vals);
	free(S.ins);
	free(S.kfield);
	free(S.paths);
	for (i = 0; i < S.nkeys; i++) {
		free(S.keys[i]);
		free(S.keyprefix[i]);
	}
	free(S.keys);
	free(S.keyprefix);
	for (i = 0; i < S.naggs; i++)
		free(S.aggprefix[i]);
	free(S.aggprefix);
	agg_spec_free(S.aggs, S.naggs);
	buf_free(&S.scratch);
	buf_free(&S.keybuf);
	buf_free(&S.out);
	in_free(&S.in);
}

/* The next instant a timer wants the loop awake, as tm_mono(); or -1. */
static int64_t
next_deadline(int64_t next_early)
{
	struct event e;
	int64_t d = next_early;

	if (S.proctime && timer_next(&e)) {
		int64_t at = tm_add_sat(tm_mono(), tm_sub_sat(e.t,
		    tm_now()));

		if (d < 0 || at < d)
			d = at;
	}
	return d;
}

enum {
	OPT_COUNT = 256, OPT_EMIT, OPT_EVERY, OPT_HOP, OPT_LATE,
	OPT_OFFSET, OPT_PROCTIME, OPT_SESSION, OPT_TUMBLE,
};

static const struct option longopts[] = {
	{ "aggregate", required_argument, NULL, 'a' },
	{ "allowed-lateness", required_argument, NULL, 'L' },
	{ "count", required_argument, NULL, OPT_COUNT },
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

int
main(int argc, char *argv[])
{
	const char *latepath = NULL, *offarg = NULL;
	char why[160], *line, *end;
	int c, nkinds = 0, has_every = 0, r;
	int64_t next_early = -1, period;
	size_t len;
	enum ctl_kind k;

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
			S.maxdelay = opt_duration("-d", optarg, 1);
			S.has_maxdelay = 1;
			break;
		case 'h':
			usage();
		case 'k':
			split_keys(optarg);
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
		case OPT_EVERY:
			S.step = opt_duration("--every", optarg, 0);
			has_every = 1;
			break;
		case OPT_HOP:
			S.size = opt_duration("--hop", optarg, 0);
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
			S.size = opt_duration("--tumble", optarg, 0);
			set_kind(TUMBLE, &nkinds);
			break;
		default:
			if (!recopts_parse(&S.ro, c, optarg))
				usage_error(NULL);	/* getopt said what */
		}
	}
	if (nkinds != 1)
		usage_error("give exactly one of --tumble, --hop, --session, "
		    "--count");
	if (S.naggs == 0)
		usage_error("give at least one aggregate with -a");
	if (S.kind == HOP && !has_every)
		usage_error("--hop needs --every STEP");
	if (S.kind == HOP && S.size / S.step > 100000)
		usage_error("--hop SIZE / --every STEP: over 100000 windows "
		    "per event");
	if (S.kind != HOP && has_every)
		usage_error("--every goes with --hop");
	if (offarg) {
		if (S.kind != TUMBLE && S.kind != HOP)
			usage_error("--offset goes with --tumble or --hop");
		S.offset = *offarg == '-' ? -opt_duration("--offset", offarg + 1,
		    1) : opt_duration("--offset", offarg, 1);
		/* only the offset within a period matters */
		period = S.kind == TUMBLE ? S.size : S.step;
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
	late_open(&S.late, latepath);

	setup();
	in_init(&S.in, argv + optind, argc - optind);
	if (S.emit_every)
		next_early = tm_add_sat(tm_mono(), S.emit_every);
	for (;;) {
		r = in_line(&S.in, &line, &len, next_deadline(next_early));
		if (r == 0)
			break;
		if (S.proctime)
			advance(tm_now());
		if (S.emit_every && tm_mono() >= next_early) {
			emit_early();
			next_early = tm_add_sat(tm_mono(), S.emit_every);
		}
		if (r < 0)
			continue;
		if ((k = ctl_kind(line, len)) != CTL_NONE)
			on_control(k, line, len);
		else
			on_data(line, len);
	}
	fire_all();
	late_finish(&S.late);
	bad_finish(&S.ro.bad);
	ctl_free();
	cleanup();
	finish(0);
}
