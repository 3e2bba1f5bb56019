#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "util.h"

/* splitmix64's finalizer: every bit of x reaches the low bits the mask
 * takes */
static inline uint64_t
mix(uint64_t x)
{
	x = (x ^ x >> 30) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ x >> 27) * 0x94d049bb133111ebULL;
	return x ^ x >> 31;
}

/*
 * The table's hash, 8 bytes at a time (skeyby's routing hash, FNV-1a in
 * rec.c, goes byte by byte and must stay so).  The last 4 to 8 bytes are
 * read as two words that may overlap, fewer as three bytes; with the
 * length in the seed, each key of a length gives its own words.
 */
static uint64_t
map_hash(const void *key, size_t n)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w = 0;
	uint32_t a, b;

	for (; n > 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = mix(h ^ w);
	}
	if (n >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		w = (uint64_t)a << 32 | b;
	} else if (n > 0) {
		w = (uint64_t)p[0] << 16 | (uint64_t)p[n / 2] << 8 | p[n - 1];
	}
	h = mix(h ^ w);
	return h ? h : 1;
}

/* Whether a[0..n) and b[0..n) are equal, for keys of 4 to 16 bytes, the
 * usual ones: as two words that may overlap. */
static inline int
same_short(const void *a, const void *b, size_t n)
{
	uint64_t a0, a1, b0, b1;
	uint32_t c0, c1, d0, d1;

	if (n < 8) {
		memcpy(&c0, a, 4);
		memcpy(&d0, b, 4);
		memcpy(&c1, (const char *)a + n - 4, 4);
		memcpy(&d1, (const char *)b + n - 4, 4);
		return ((c0 ^ d0) | (c1 ^ d1)) == 0;
	}
	memcpy(&a0, a, 8);
	memcpy(&b0, b, 8);
	memcpy(&a1, (const char *)a + n - 8, 8);
	memcpy(&b1, (const char *)b + n - 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

/* The slot of key, or the empty one where it would go: keys of any
 * length, by memcmp. */
static __attribute__((noinline)) struct map_slot *
find_any(struct map *m, uint64_t h, const void *key, size_t klen)
{
	size_t mask = m->cap - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct map_slot *s = &m->slots[i];

		if (s->hash == 0 || (s->hash == h && s->klen == klen &&
		    memcmp(s->key, key, klen) == 0))
			return s;
	}
}

/* find_any, with keys of 4 to 16 bytes compared in place: a loop with
 * no call in it needs no registers saved. */
static struct map_slot *
find(struct map *m, uint64_t h, const void *key, size_t klen)
{
	size_t mask = m->cap - 1, i = h & mask;

	if (klen < 4 || klen > 16)
		return find_any(m, h, key, klen);
	for (;; i = (i + 1) & mask) {
		struct map_slot *s = &m->slots[i];

		if (s->hash == 0 || (s->hash == h && s->klen == klen &&
		    same_short(s->key, key, klen)))
			return s;
	}
}

static void
grow(struct map *m)
{
	struct map_slot *old = m->slots;
	size_t oldcap = m->cap, i;

	m->cap = oldcap ? oldcap * 2 : 16;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].hash)
			*find(m, old[i].hash, old[i].key, old[i].klen) = old[i];
	free(old);
}

void **
map_get(struct map *m, const void *key, size_t klen, int create,
    int *created)
{
	uint64_t h = map_hash(key, klen);
	struct map_slot *s;

	if (m->cap) {
		s = find(m, h, key, klen);
		if (s->hash)
			return &s->val;
	}
	if (!create)
		return NULL;
	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	s = find(m, h, key, klen);
	s->hash = h;
	s->key = m->borrow ? (char *)(uintptr_t)key : xmemdup(key, klen);
	s->klen = klen;
	s->val = NULL;
	m->len++;
	if (created)
		*created = 1;
	return &s->val;
}

void
map_del(struct map *m, const void *key, size_t klen)
{
	size_t mask, i, j, k;
	struct map_slot *s;

	if (m->cap == 0)
		return;
	s = find(m, map_hash(key, klen), key, klen);
	if (s->hash == 0)
		return;
	if (!m->borrow)
		free(s->key);
	mask = m->cap - 1;
	i = (size_t)(s - m->slots);
	/* backward-shift deletion keeps probe chains whole without tombstones */
	for (j = (i + 1) & mask; m->slots[j].hash; j = (j + 1) & mask) {
		k = m->slots[j].hash & mask;
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	memset(&m->slots[i], 0, sizeof(m->slots[i]));
	m->len--;
}

void
map_free(struct map *m, void (*freeval)(void *))
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].hash) {
			if (!m->borrow)
				free(m->slots[i].key);
			if (freeval)
				freeval(m->slots[i].val);
		}
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}
