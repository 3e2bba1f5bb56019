/* swindow's firing and output: batches in SPEC order, result records. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "swindow.h"
#include "tm.h"

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

/* Appends instant t as the output wants it. */
static void
put_time(struct buf *o, int64_t t)
{
	char text[TM_MAXLEN + 2];
	size_t n;

	if (S.ro.time_out == TU_AUTO) {
		text[0] = '"';
		n = 1 + tm_format(t, TU_AUTO, text + 1);
		text[n++] = '"';
	} else {
		n = tm_format(t, S.ro.time_out, text);
	}
	buf_add(o, text, n);
}

/*
 * Appends the record's head, '{', its window's bounds and the first
 * key's name.  Windows come out in runs of the same bounds, so the last
 * head is kept.
 */
static void
put_head(struct buf *o, const struct win *w)
{
	struct buf *h = &S.head;
	char tmp[NUM_MAXLEN];

	if (h->len == 0 || w->start != S.headstart || w->end != S.headend) {
		h->len = 0;
		if (S.kind == COUNT) {
			buf_adds(h, "{\"window_index\":");
			buf_add(h, tmp, num_fmt_int(w->start, tmp));
		} else {
			buf_adds(h, "{\"window_start\":");
			put_time(h, w->start);
			buf_adds(h, ",\"window_end\":");
			put_time(h, w->end);
		}
		if (S.nkeys > 0)
			buf_add(h, S.keyprefix[0].p, S.keyprefix[0].len);
		S.headstart = w->start;
		S.headend = w->end;
	}
	buf_add(o, h->p, h->len);
}

/* Writes one result record; final is -1 when --emit-every is off. */
static void
emit(struct win *w, int revision, int final)
{
	struct buf *o = out_buf(), *prefix = S.aggprefix;
	const struct agg_spec *a, *end = S.aggs + S.naggs;
	char tmp[NUM_MAXLEN];
	size_t i;

	put_head(o, w);
	for (i = 0; i < S.nkeys; i++) {
		if (i > 0)	/* the first is in the head */
			buf_add(o, S.keyprefix[i].p, S.keyprefix[i].len);
		if (S.nkeys == 1)
			buf_add(o, w->ks->key, w->ks->klen);
		else
			key_part(w->ks->key, w->ks->klen, i, o);
	}
	for (a = S.aggs; a < end; a++, prefix++) {
		buf_add(o, prefix->p, prefix->len);
		agg_output(a, win_agg(w, a), o);
	}
	if (S.has_lateness) {
		buf_adds(o, ",\"revision\":");
		buf_add(o, tmp, num_fmt_int(revision, tmp));
	}
	if (final >= 0)
		buf_adds(o, final ? ",\"final\":true" : ",\"final\":false");
	buf_add(o, "}\n", 2);
	out_record();
}

static int
cmp_fire(const void *a, const void *b)
{
	const struct firing *x = a, *y = b;
	const struct keystate *kx, *ky;
	size_t n;
	int c;

	/* a key has one count window open: at the end they go by key */
	if (S.kind != COUNT && x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (S.kind != COUNT && x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->keyhead != y->keyhead)
		return x->keyhead < y->keyhead ? -1 : 1;
	kx = win_at(x->slot)->ks;
	ky = win_at(y->slot)->ks;
	n = kx->klen < ky->klen ? kx->klen : ky->klen;
	if ((c = memcmp(kx->key, ky->key, n)) != 0)
		return c;
	return (kx->klen > ky->klen) - (kx->klen < ky->klen);
}

/* Sorts a[0..n) by cmp_fire, a merge sort with b (n places) beside it. */
static void
merge_sort(struct firing *a, struct firing *b, size_t n)
{
	struct firing *from = a, *to = b, *t;
	size_t width, lo, mid, hi, i, j, k;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = lo + 2 * width < n ? lo + 2 * width : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				to[k] = (j >= hi || (i < mid &&
				    cmp_fire(&from[i], &from[j]) <= 0)) ?
				    from[i++] : from[j++];
		}
		t = from, from = to, to = t;
	}
	if (from != a)
		memcpy(a, from, n * sizeof(*a));
}

/* A window of a batch that shares its bounds: its key head, its place. */
struct head {
	uint64_t keyhead;
	size_t at;
};

/*
 * Sorts a[0..n) by key head, with b beside it: a radix sort by the bytes
 * that differ among them, the least significant first (keys mostly share
 * their first bytes: "u1234" differs in 5 of its 8).  Returns a or b,
 * whichever holds the result.
 */
static struct head *
radix_heads(struct head *a, struct head *b, size_t n)
{
	struct head *t;
	size_t at[256], i, c, sum;
	uint64_t differ = 0;
	int shift;

	for (i = 1; i < n; i++)
		differ |= a[i].keyhead ^ a[0].keyhead;
	for (shift = 0; shift < 64; shift += 8) {
		if ((differ >> shift & 0xff) == 0)
			continue;
		memset(at, 0, sizeof(at));
		for (i = 0; i < n; i++)
			at[a[i].keyhead >> shift & 0xff]++;
		for (c = 0, sum = 0; c < 256; c++) {
			sum += at[c];
			at[c] = sum - at[c];
		}
		for (i = 0; i < n; i++)
			b[at[a[i].keyhead >> shift & 0xff]++] = a[i];
		t = a, a = b, b = t;
	}
	return a;
}

/*
 * Sorts the batch by cmp_fire.  A batch mostly shares its bounds (the
 * windows a watermark passed): then it is sorted by key head alone, in
 * pairs of 16 bytes that compare as one number, and only the runs whose
 * keys share their first 8 bytes are sorted again by the whole key.
 * Firing at the end of a long input sorts every window there is, of
 * many bounds: that goes by cmp_fire throughout.
 */
static void
sort_batch(void)
{
	struct firing *a = S.batch, *b;
	struct head *h, *sorted;
	size_t n = S.nbatch, i, lo, hi;

	if (n < 2)
		return;
	b = xreallocarray(NULL, S.batchcap, sizeof(*b));
	for (i = 1; i < n; i++)
		if (S.kind != COUNT && (a[i].end != a[0].end ||
		    a[i].start != a[0].start))
			break;
	if (i < n) {
		merge_sort(a, b, n);
		free(b);
		return;
	}
	h = xreallocarray(NULL, 2 * n, sizeof(*h));
	for (i = 0; i < n; i++) {
		h[i].keyhead = a[i].keyhead;
		h[i].at = i;
	}
	sorted = radix_heads(h, h + n, n);
	for (i = 0; i < n; i++)
		b[i] = a[sorted[i].at];
	free(h);
	/* the sorted copy becomes the batch, the old one the scratch */
	S.batch = b;
	b = a;
	a = S.batch;
	for (lo = 0; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && a[hi].keyhead == a[lo].keyhead;
		    hi++)
			;
		if (hi - lo > 1)
			merge_sort(a + lo, b, hi - lo);
	}
	free(b);
}

void
batch_add(uint32_t s)
{
	const struct win *w = win_at(s);
	struct firing *f;
	unsigned char head[KEYHEAD];

	if (S.nbatch == S.batchcap) {
		S.batchcap = S.batchcap ? S.batchcap * 2 : 64;
		S.batch = xreallocarray(S.batch, S.batchcap, sizeof(*S.batch));
	}
	f = &S.batch[S.nbatch++];
	f->end = w->end;
	f->start = w->start;
	f->slot = s;
	/* zero-padded, so a shorter key that is a prefix sorts first: the
	 * key's entry holds KEYHEAD bytes at least, zeros past the key */
	memcpy(head, w->ks->key, sizeof(head));
	f->keyhead = (uint64_t)head[0] << 56 | (uint64_t)head[1] << 48 |
	    (uint64_t)head[2] << 40 | (uint64_t)head[3] << 32 |
	    (uint64_t)head[4] << 24 | (uint64_t)head[5] << 16 |
	    (uint64_t)head[6] << 8 | head[7];
}

/* Fires the batched windows in SPEC order: end, start, key. */
void
fire_batch(void)
{
	size_t i;

	if (S.nbatch == 0)
		return;
	sort_batch();
	for (i = 0; i < S.nbatch; i++) {
		struct win *w = win_at(S.batch[i].slot);

		w->revision++;
		w->pending = w->early = 0;
		emit(w, w->revision, S.emit_every ? 1 : -1);
	}
	S.nbatch = 0;
}

/* Moves the watermark to w and fires and removes what it passed. */
void
advance(int64_t w)
{
	struct event e;
	size_t npurge = 0, i;

	if (w <= S.wm)
		return;
	S.wm = w;
	while (timer_take(w, &e)) {
		struct win *win = win_at(e.slot);

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
void
emit_early(void)
{
	uint32_t s;

	for (s = 0; s < S.npool; s++) {
		struct win *w = win_live(s);

		if (w && w->early && w->revision == 0)
			batch_add(s);
	}
	if (S.nbatch)
		sort_batch();
	for (s = 0; s < S.nbatch; s++) {
		struct win *w = win_at(S.batch[s].slot);

		w->early = 0;
		emit(w, w->revision + 1, 0);
	}
	S.nbatch = 0;
}

/*
 * End of input: every window with unfired changes fires.  A fixed window
 * with changes has its timer at its end, so they come from the timers a
 * batch per end, each of one bounds and so sorted cheaply; sessions
 * (whose timers may be early) and count windows (which have none), and
 * anything the timers did not hold, from the pool.
 */
void
fire_all(void)
{
	struct event e;
	struct win *w;
	uint32_t s;

	if (S.kind != SESSION && S.kind != COUNT)
		while (timer_take(INT64_MAX, &e)) {
			if (!(w = win_at(e.slot))->pending)
				continue;
			if (S.nbatch > 0 && S.batch[S.nbatch - 1].end != w->end)
				fire_batch();
			batch_add(e.slot);
		}
	fire_batch();
	for (s = 0; s < S.npool; s++)
		if (win_live(s) && win_at(s)->pending)
			batch_add(s);
	fire_batch();
}
