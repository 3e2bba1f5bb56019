/* swindow's window store: the pool of windows, the key index, timers. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "swindow.h"

static struct scan_paths *store_paths;	/* the lines of a restore */

uint32_t
win_new(int64_t start, int64_t end, struct keystate *ks)
{
	struct win *w;
	uint32_t s;

	if (S.nfree) {
		s = S.freeslots[--S.nfree];
	} else {
		if (S.npool == S.poolcap) {
			S.poolcap = S.poolcap ? S.poolcap * 2 : CHUNK;
			S.gens = xreallocarray(S.gens, S.poolcap,
			    sizeof(*S.gens));
			S.freeslots = xreallocarray(S.freeslots, S.poolcap,
			    sizeof(*S.freeslots));
			S.chunks = xreallocarray(S.chunks, S.poolcap / CHUNK,
			    sizeof(*S.chunks));
		}
		s = S.npool++;
		if (s % CHUNK == 0)
			S.chunks[s / CHUNK] = xmalloc(CHUNK * S.winsize);
		S.gens[s] = 0;
	}
	w = win_at(s);
	memset(w, 0, S.winsize);
	w->start = start;
	w->end = end;
	w->due = INT64_MAX;	/* no timer yet */
	w->ks = ks;
	return s;
}

/* Frees what window w holds outside its block; the block is left as it
 * is (win_new clears it for the next). */
static void
win_release(struct win *w)
{
	const struct agg_spec *a, *end = S.aggs + S.naggs;

	for (a = S.aggs; a < end; a++)
		if (agg_holds(a, win_agg(w, a)))
			agg_free_any(a, win_agg(w, a));
}

void
win_free(uint32_t s)
{
	struct win *w = win_at(s);

	win_release(w);
	w->ks = NULL;		/* the slot is free */
	S.gens[s]++;
	S.freeslots[S.nfree++] = s;
}

static int
ev_less(const void *x, const void *y)
{
	const struct event *a = x, *b = y;

	return a->t < b->t;
}

/*
 * Sets window s's one timer to t; the entry set before goes stale.  In
 * order input makes windows in the order they end, so most timers come
 * in the order they fall due: those wait in a queue, at no cost, and
 * only the others go to the heap.
 */
void
win_arm(uint32_t s, int64_t t)
{
	struct timerq *q = &S.queue;
	struct event *e;

	win_at(s)->due = t;
	S.gens[s]++;
	if (q->head < q->n && t < q->v[q->n - 1].t) {
		struct event late = { t, S.gens[s], s };

		heap_push(&S.timers, &late);
		return;
	}
	if (q->head == q->n)
		q->head = q->n = 0;
	else if (q->n == q->cap && q->head >= q->n / 2) {
		memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof(*e));
		q->n -= q->head;
		q->head = 0;
	}
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 256;
		q->v = xreallocarray(q->v, q->cap, sizeof(*q->v));
	}
	e = &q->v[q->n++];
	e->t = t;
	e->gen = S.gens[s];
	e->slot = s;
}

/* The sooner of the queue's and the heap's first timers, or NULL. */
static inline struct event *
timer_top(int *inqueue)
{
	struct event *h = heap_peek(&S.timers);
	struct timerq *q = &S.queue;

	*inqueue = q->head < q->n && (h == NULL || q->v[q->head].t <= h->t);
	return *inqueue ? &q->v[q->head] : h;
}

/* Whether e is its window's timer still, not one set again or freed. */
static inline int
live(const struct event *e)
{
	return S.gens[e->slot] == e->gen;
}

/* Removes the first timer, which timer_top has just found. */
static inline void
drop_top(int inqueue)
{
	if (inqueue)
		S.queue.head++;
	else
		heap_pop(&S.timers, NULL);
}

int
timer_take(int64_t t, struct event *e)
{
	struct event *top;
	int inqueue;

	while ((top = timer_top(&inqueue)) != NULL && top->t <= t) {
		*e = *top;
		drop_top(inqueue);
		if (live(e))
			return 1;
	}
	return 0;
}

/* Drops stale events so the top is live; returns 0 when none is. */
int
timer_next(struct event *e)
{
	struct event *top;
	int inqueue;

	while ((top = timer_top(&inqueue)) != NULL) {
		*e = *top;
		if (live(e))
			return 1;
		drop_top(inqueue);
	}
	return 0;
}

/* Has the watermark passed end + lateness, so the window can go? */
int
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
int64_t
win_due(const struct win *w)
{
	int64_t at;

	if (S.wm < w->end)
		return w->end;
	if (__builtin_add_overflow(w->end, S.lateness, &at))
		return INT64_MAX;
	return at;
}

struct keystate *
keystate(const char *key, size_t klen, int create)
{
	struct keystate *ks;
	void **v = map_get(&S.keyst, key, klen, 0, NULL);

	if (v || !create)
		return v ? *v : NULL;
	ks = xcalloc(1, sizeof(*ks) + (klen < KEYHEAD ? KEYHEAD : klen));
	memcpy(ks->key, key, klen);
	ks->klen = klen;
	ks->slots = ks->slots_in;
	ks->starts = ks->starts_in;
	ks->cap = LEN(ks->slots_in);
	*map_get(&S.keyst, ks->key, klen, 1, NULL) = ks;
	return ks;
}

void
ks_add(struct keystate *ks, uint32_t s)
{
	size_t cap = 2 * ks->cap;
	int64_t *v;

	/* starts and slots grow in one block, the starts first: one
	 * allocation (and one free) for the two */
	if (ks->n == ks->cap) {
		if (ks->starts == ks->starts_in) {
			v = xreallocarray(NULL, cap, sizeof(*ks->starts) +
			    sizeof(*ks->slots));
			memcpy(v, ks->starts_in, sizeof(ks->starts_in));
			memcpy(v + cap, ks->slots_in, sizeof(ks->slots_in));
		} else {
			v = xreallocarray(ks->starts, cap,
			    sizeof(*ks->starts) + sizeof(*ks->slots));
			memcpy(v + cap, v + ks->cap, ks->n *
			    sizeof(*ks->slots));
		}
		ks->starts = v;
		ks->slots = (uint32_t *)(v + cap);
		ks->cap = cap;
	}
	ks->starts[ks->n] = win_at(s)->start;
	ks->slots[ks->n++] = s;
	if (ks->idle) {
		ks->idle = 0;
		S.nidle--;
	}
}

static void
ks_free(void *p)
{
	struct keystate *ks = p;

	if (ks->starts != ks->starts_in)
		free(ks->starts);	/* and the slots after them */
	free(ks);
}

/* Idle keys kept whatever the rest (about 2 MB): a stream of fewer
 * keys makes none twice. */
#define IDLE_KEPT 16384

/*
 * Drops the idle keys' entries.  A key whose windows are gone keeps its
 * entry, since in-order input mostly brings the key again for its next
 * window; once there are more than IDLE_KEPT and they outnumber the rest
 * they all go, so memory follows the keys with windows, at a cost spread
 * over the windows that went.
 */
static void
sweep_idle(void)
{
	struct keystate **idle = xreallocarray(NULL, S.nidle, sizeof(*idle));
	size_t i, n = 0;

	for (i = 0; i < S.keyst.cap && n < S.nidle; i++) {
		struct keystate *ks = S.keyst.slots[i].val;

		if (S.keyst.slots[i].hash != 0 && ks->idle)
			idle[n++] = ks;
	}
	for (i = 0; i < n; i++) {
		map_del(&S.keyst, idle[i]->key, idle[i]->klen);
		ks_free(idle[i]);
	}
	free(idle);
	S.nidle = 0;
}

/* Forgets a window: its place in its key's list, then the window. */
void
win_remove(uint32_t s)
{
	struct win *w = win_at(s);
	struct keystate *ks = w->ks;
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (ks->slots[i] == s) {
			/* mostly the key's only window: nothing to move */
			if (i + 1 < ks->n) {
				memmove(ks->slots + i, ks->slots + i + 1,
				    (ks->n - i - 1) * sizeof(*ks->slots));
				memmove(ks->starts + i, ks->starts + i + 1,
				    (ks->n - i - 1) * sizeof(*ks->starts));
			}
			ks->n--;
			break;
		}
	if (ks->n == 0 && S.kind != COUNT && !ks->idle) {
		ks->idle = 1;
		if (++S.nidle > IDLE_KEPT && S.nidle > S.keyst.len / 2)
			sweep_idle();
	}
	win_free(s);
}

/* Inserts window s into ks's list at i, keeping it sorted by start. */
void
ks_insert(struct keystate *ks, size_t i, uint32_t s)
{
	ks_add(ks, s);
	if (i == ks->n - 1)
		return;		/* in order: it goes last */
	memmove(ks->slots + i + 1, ks->slots + i, (ks->n - 1 - i) *
	    sizeof(*ks->slots));
	memmove(ks->starts + i + 1, ks->starts + i, (ks->n - 1 - i) *
	    sizeof(*ks->starts));
	ks->slots[i] = s;
	ks->starts[i] = win_at(s)->start;
}

/* The first of ks's windows that starts at or after start. */
size_t
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

void
store_init(void)
{
	size_t i, off = 0;

	S.keyst.borrow = 1;
	heap_init(&S.timers, sizeof(struct event), ev_less);
	/* room for the aggregates, each kept aligned */
	for (i = 0; i < S.naggs; i++) {
		S.aggs[i].state_off = off;
		off += agg_state_size(&S.aggs[i]);
	}
	S.winsize = sizeof(struct win) + off;
}

void
store_free(void)
{
	uint32_t s;

	for (s = 0; s < S.npool; s++)
		if (win_live(s))
			win_release(win_at(s));
	/*
	 * The key entries are left to the exit, still reachable from the
	 * index: freed one by one in the index's order, the million of a
	 * restore took a third of its time (0.2-0.5 s), in malloc's
	 * consolidation of blocks scattered over the heap.
	 */
	scan_free(store_paths);
	for (s = 0; s < S.npool; s += CHUNK)
		free(S.chunks[s / CHUNK]);
	free(S.chunks);
	free(S.gens);
	free(S.freeslots);
	heap_free(&S.timers);
	free(S.queue.v);
}

/* ---- snapshots: the store's logical content ---- */

/*
 * {"k":KEY,"s":START,"e":END,"r":REVISION,"p":PENDING,"y":EARLY,
 * "c":COUNT,"a":[STATE,...]} per window, and {"next":KEY,"i":INDEX} per
 * key whose next count window is not the first.  Nothing that depends on
 * slots, heap order or hash order is written.
 */
void
store_snapshot(struct snap_w *sw)
{
	struct buf b = { 0 };
	size_t i, a;
	uint32_t s;

	for (i = 0; S.kind == COUNT && i < S.keyst.cap; i++) {
		const struct keystate *ks = S.keyst.slots[i].val;

		if (S.keyst.slots[i].hash == 0 || ks->next_index == 0)
			continue;
		b.len = 0;
		buf_adds(&b, "{\"next\":");
		buf_add(&b, ks->key, ks->klen);
		op_jint(&b, "i", ks->next_index);
		buf_addc(&b, '}');
		snap_put(sw, b.p, b.len);
	}
	for (s = 0; s < S.npool; s++) {
		const struct win *w = win_live(s);

		if (w == NULL)
			continue;
		b.len = 0;
		buf_adds(&b, "{\"k\":");
		buf_add(&b, w->ks->key, w->ks->klen);
		op_jint(&b, "s", w->start);
		op_jint(&b, "e", w->end);
		op_jint(&b, "r", w->revision);
		op_jint(&b, "p", w->pending);
		op_jint(&b, "y", w->early);
		op_jint(&b, "c", w->count);
		buf_adds(&b, ",\"a\":[");
		for (a = 0; a < S.naggs; a++) {
			if (a)
				buf_addc(&b, ',');
			agg_save(&S.aggs[a], win_agg(w, &S.aggs[a]), &b);
		}
		buf_adds(&b, "]}");
		snap_put(sw, b.p, b.len);
	}
	buf_free(&b);
}


enum { F_K, F_S, F_E, F_R, F_P, F_Y, F_C, F_A, F_NEXT, F_I, NFIELDS };

int
store_restore(const char *line, size_t len, const char **why)
{
	static const char *const paths[NFIELDS] = { "k", "s", "e", "r", "p",
	    "y", "c", "a", "next", "i" };
	struct scan_error e;
	struct jval v[NFIELDS], el;
	int64_t x[NFIELDS] = { 0 };
	struct keystate *ks;
	struct win *w;
	size_t i, pos = 0, k;
	uint32_t s;

	*why = "a bad state line";
	if (store_paths == NULL && (store_paths = scan_compile(paths,
	    NFIELDS)) == NULL)
		die(1, "out of memory");
	if (scan_object(store_paths, line, len, v, &e) != 0)
		return -1;
	if (v[F_NEXT].type != J_NONE) {
		if (jv_int(&v[F_I], &x[F_I]) != 0 || x[F_I] < 0)
			return -1;
		ks = keystate(v[F_NEXT].p, v[F_NEXT].len, 1);
		ks->next_index = x[F_I];
		return 0;
	}
	for (i = F_S; i <= F_C; i++)
		if (jv_int(&v[i], &x[i]) != 0)
			return -1;
	if (v[F_K].type == J_NONE || v[F_A].type != J_ARRAY)
		return -1;
	ks = keystate(v[F_K].p, v[F_K].len, 1);
	s = win_new(x[F_S], x[F_E], ks);
	w = win_at(s);
	if (S.kind == COUNT) {
		if (ks->n != 0)
			return -1;	/* one open count window per key */
		ks_add(ks, s);
	} else {
		ks_insert(ks, ks_find(ks, x[F_S]), s);
	}
	w->revision = (int)x[F_R];
	w->pending = x[F_P] != 0;
	w->early = x[F_Y] != 0;
	w->count = x[F_C];
	for (k = 0; k < S.naggs; k++)
		if (!jv_element(&v[F_A], &pos, &el) ||
		    agg_load(&S.aggs[k], win_agg(w, &S.aggs[k]), &el) != 0) {
			*why = "a bad aggregate state";
			return -1;
		}
	if (jv_element(&v[F_A], &pos, &el)) {
		*why = "more aggregate states than aggregates";
		return -1;
	}
	if (S.kind != COUNT)
		win_arm(s, win_due(w));
	return 0;
}
