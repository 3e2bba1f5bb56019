/* map: an open-addressing hash table from byte strings to pointers. */
#ifndef MAP_H
#define MAP_H

#include <stddef.h>
#include <stdint.h>

struct map_slot {
	uint64_t hash;		/* 0 marks an empty slot */
	char *key;		/* owned by the map */
	size_t klen;
	void *val;
};

struct map {
	struct map_slot *slots;
	size_t cap, len;
	int borrow;		/* keys are the caller's, kept alive by it */
};

/*
 * A 64-bit hash of p[0..n), the same on every run and machine: FNV-1a,
 * h then XOR h >> 32, and 1 for 0.  skeyby routes keys by it, and its man
 * page says so: it must never change.
 */
uint64_t hash_bytes(const void *p, size_t n);

/*
 * Finds key; when absent and create is set, adds it with a NULL value and
 * sets *created.  A map with borrow set stores the key pointer itself,
 * which must then live as long as the entry (a value that holds its key
 * spares a copy and a cache miss).  Returns the value's address, or NULL when absent.  The
 * address stays valid until the next insertion or deletion.
 */
void **map_get(struct map *m, const void *key, size_t klen, int create,
    int *created);

/* Removes key if present. */
void map_del(struct map *m, const void *key, size_t klen);

/* Frees the table and its keys; freeval (may be NULL) frees each value. */
void map_free(struct map *m, void (*freeval)(void *));

#endif
