/* swindow's window store: the pool of windows, the key index, timers. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "swindow.h"

uint32_t
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

void
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
void
win_arm(uint32_t s, int64_t t)
{
	struct event e = { t, ++S.pool[s].gen, s };

	S.pool[s].w->due = t;
	heap_push(&S.timers, &e);
}

/* Drops stale events so the top is live; returns 0 when none is. */
int
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
	ks = xcalloc(1, sizeof(*ks) + klen);
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
void
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

/* Inserts window s into ks's list at i, keeping it sorted by start. */
void
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
	S.keyst.borrow = 1;
	heap_init(&S.timers, sizeof(struct event), ev_less);
	/* room for the aggregates and a short key, kept aligned for them */
	S.winsize = (sizeof(struct win) + S.naggs * sizeof(union agg_state) +
	    KEYINLINE + 7) / 8 * 8;
}

void
store_free(void)
{
	uint32_t s;

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
}
