/*
 * swindow's parts, one file each: the window store (swindow_store.c),
 * the window assigners (swindow_assign.c), firing and output
 * (swindow_fire.c), and the tool (swindow.c).  They share one state, S.
 */
#ifndef SWINDOW_H
#define SWINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "heap.h"
#include "map.h"
#include "op.h"
#include "rec.h"
#include "scan.h"
#include "snap.h"
#include "util.h"

enum kind { TUMBLE, HOP, SESSION, COUNT, CUMULATE };

/*
 * One window of one key.  For count windows start is the window_index.
 * It lives in its slot's place in the blocks (win_at).  It has one live
 * timer in the heap, at due: the entry whose generation is its slot's;
 * setting the timer again or freeing the window moves the generation
 * on, so older entries go stale.
 */
struct win {
	int64_t start, end;
	int64_t due;		/* when its live timer is */
	int64_t count;		/* records in it (count windows fire on it) */
	struct keystate *ks;	/* the key's entry, which lists the window
				 * and holds the key's text for it; NULL
				 * while the slot is free */
	int revision;		/* firings so far */
	unsigned char pending;	/* changed since it last fired */
	unsigned char early;	/* changed since the last early result */
	/*
	 * The aggregates' states, each in the room its function takes
	 * (agg_state_size: a count's is 8 bytes, not the union's 40),
	 * since a batch input or a long window holds windows by the
	 * million: bytes, so that only win_agg reaches one.
	 */
	_Alignas(union agg_state) unsigned char agg[];
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
 * fire together, sit together.
 */
#define CHUNK 1024

struct event {
	int64_t t;
	uint64_t gen;
	uint32_t slot;
};

/* Timers set in the order they fall due: v[head..n), soonest first. */
struct timerq {
	struct event *v;
	size_t head, n, cap;
};

/*
 * Per key: its open windows, oldest first, so that in-order input finds
 * its window at the end of the list; and for count windows the next
 * window_index.
 */
struct keystate {
	uint32_t *slots;
	int64_t *starts;	/* each window's start, kept here to spare a
				 * cache miss per record; past the inline
				 * two, one block holds starts, then slots */
	size_t n, cap;
	uint32_t slots_in[2];	/* most keys have a window or two open */
	int64_t starts_in[2];
	int64_t next_index;
	int idle;		/* no window now: kept for the key's next */
	size_t klen;
	char key[];		/* canonical key text (a value, or an array),
				 * zero-padded to KEYHEAD bytes at least; the
				 * index borrows it, the windows read it */
};

/* The firing sort reads a key's first KEYHEAD bytes at once. */
#define KEYHEAD 8

struct swindow {
	/* the options: what a restore must match */
	enum kind kind;
	int64_t size, step, offset, gap, count_n;
	int64_t size_mo, step_mo;	/* calendar sizes: months, else 0 */
	int local;		/* windows of local time or of months: not
				 * the fixed spans of the fast path */
	int64_t lateness, emit_every;
	int has_lateness, has_maxdelay, proctime;
	struct recopts ro;	/* -t, time and bad-record options */
	char **keys;		/* -k's paths */
	char **keynames;	/* and their output names */
	size_t nkeys;
	struct agg_spec *aggs;
	size_t naggs;

	/* the state: what a snapshot holds, with the windows below */
	int64_t wm;		/* the watermark; INT64_MIN before any */
	struct bwm bwm;		/* -d, and the max event time seen */
	int64_t seq;		/* arrival number of the current record */

	const char **paths;	/* every field the scanner extracts */
	size_t npaths;
	int tfield;		/* slot of the time path, or -1 */
	int *kfield;
	struct scan_paths *scan;
	struct jval *vals;
	struct agg_in *ins;
	struct buf scratch, keybuf;
	const char *key;	/* the record's key text: in the line, or in
				 * keybuf when it is not canonical there */
	size_t klen;
	struct buf head;	/* the last record head, of these bounds: */
	int64_t headstart, headend;
	struct buf *keyprefix;	/* ,"name": per key and per aggregate */
	struct buf *aggprefix;

	uint64_t *gens;		/* per slot: moves on at every timer set and
				 * free, so older timers go stale */
	uint32_t npool, poolcap, *freeslots, nfree;
	char **chunks;		/* the windows themselves, CHUNK a block */
	size_t winsize;
	struct heap timers;	/* struct event, soonest first, */
	struct timerq queue;	/* and those set in order */
	struct map keyst;	/* key -> struct keystate */
	size_t nidle;		/* of them idle */

	struct latesink late;
	struct op op;		/* the read loop, and the input */
	int64_t next_early;	/* --emit-every: tm_mono() of the next */

	struct firing *batch;	/* windows to fire together */
	size_t nbatch, batchcap;
	uint32_t *purge;	/* windows to remove after a firing */
	size_t purgecap;
};

extern struct swindow S;

/* The window in slot s: its place in its block, whether live or free. */
static inline struct win *
win_at(uint32_t s)
{
	return (struct win *)(S.chunks[s / CHUNK] + (size_t)(s % CHUNK) *
	    S.winsize);
}

/* The window in slot s, or NULL when the slot is free (no key entry). */
static inline struct win *
win_live(uint32_t s)
{
	struct win *w = win_at(s);

	return w->ks ? w : NULL;
}

/* Window w's state of aggregate a (w const or not, as strchr takes). */
static inline union agg_state *
win_agg(const struct win *w, const struct agg_spec *a)
{
	return (union agg_state *)(w->agg + a->state_off);
}

/* ---- the window store: swindow_store.c ---- */

/* Sets up the pool, the key index and the timer heap, once the
 * aggregates are known; store_free, at exit, frees them and every
 * window, but not the key entries (swindow_store.c says why). */
void store_init(void);
void store_free(void);

/* Makes window [start, end) of ks's key; returns its slot.  The caller
 * puts it in ks's list. */
uint32_t win_new(int64_t start, int64_t end, struct keystate *ks);

/* Frees window s, whose key list no longer holds it. */
void win_free(uint32_t s);

/* Forgets window s: its place in its key's list, then the window. */
void win_remove(uint32_t s);

/* Sets window s's one timer to t; the entry set before goes stale. */
void win_arm(uint32_t s, int64_t t);

/* Drops stale timers so the top is live, and gives it; 0 when none is
 * left.  timer_take removes and gives the first live timer due at or
 * before t; 0 when none is due. */
int timer_next(struct event *e);
int timer_take(int64_t t, struct event *e);

/* Has the watermark passed end + lateness, so the window can go? */
int expired(int64_t end);

/* When window w next needs the watermark: its end, then end + L. */
int64_t win_due(const struct win *w);

/* The key's entry, made when absent and create is set; else NULL. */
struct keystate *keystate(const char *key, size_t klen, int create);

/* Appends window s to ks's list, or inserts it at i keeping it sorted
 * by start; ks_find gives the first window starting at or after start. */
void ks_add(struct keystate *ks, uint32_t s);
void ks_insert(struct keystate *ks, size_t i, uint32_t s);
size_t ks_find(const struct keystate *ks, int64_t start);

/*
 * For checkpoints: store_snapshot writes a line per window (its key,
 * bounds, revision, flags and aggregate states) and per key with a next
 * count window index; store_restore takes one such line back into an
 * empty store (windows get their timers from the restored watermark):
 * 0, or -1 with *why set.
 */
void store_snapshot(struct snap_w *w);
int store_restore(const char *line, size_t len, const char **why);

/* ---- the window assigners: swindow_assign.c ---- */

/*
 * Put the current record (its aggregate inputs in S.ins, its key in
 * S.key) into its windows.  join_fixed_windows: tumbling, hopping and
 * cumulative, 0, or -1 when no window holding t fits int64 (a bad
 * record), late records counted there.  join_session: 1 if it joined, 0
 * if late.  join_count: count windows, firing the one the record fills.
 */
int join_fixed_windows(int64_t t, const char *line, size_t len);
int join_session(int64_t t, const char *key, size_t klen);
void join_count(const char *key, size_t klen);

/* ---- firing and output: swindow_fire.c ---- */

/* Adds window s to the batch that fires next; fire_batch fires the
 * batch in SPEC order (end, start, key). */
void batch_add(uint32_t s);
void fire_batch(void);

/* Moves the watermark to w, fires and removes what it passed. */
void advance(int64_t w);

/* --emit-every: early results of the windows that changed, not final. */
void emit_early(void);

/* End of input: every window with unwritten changes fires. */
void fire_all(void);

#endif
