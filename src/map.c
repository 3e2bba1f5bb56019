#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "util.h"

uint64_t
hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	h ^= h >> 32;	/* FNV's low bits mix poorly; the mask uses them */
	return h ? h : 1;
}

static struct map_slot *
find(struct map *m, uint64_t h, const void *key, size_t klen)
{
	size_t mask = m->cap - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct map_slot *s = &m->slots[i];

		if (s->hash == 0 || (s->hash == h && s->klen == klen &&
		    memcmp(s->key, key, klen) == 0))
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
	uint64_t h = hash_bytes(key, klen);
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
	s = find(m, hash_bytes(key, klen), key, klen);
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
