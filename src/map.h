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
 * Finds key; when absent and create is set, adds it with a NULL value and
 * sets *created.  A map with borrow set stores the key pointer itself,
 * which must then live as long as the entry (a value that holds its key
 * spares a copy and a cache miss).  Returns the value's address, or NULL
 * when absent.  The address stays valid until the next insertion or
 * deletion.
 */
void **map_get(struct map *m, const void *key, size_t klen, int create,
    int *created);

/* Removes key if present. */
void map_del(struct map *m, const void *key, size_t klen);

/* Frees the table and its keys; freeval (may be NULL) frees each value. */
void map_free(struct map *m, void (*freeval)(void *));

#endif
