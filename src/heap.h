/* heap: a binary min-heap of fixed-size elements, for timers and reorder. */
#ifndef HEAP_H
#define HEAP_H

#include <stddef.h>

struct heap {
	char *v;
	size_t n, cap, size;	/* size: bytes of one element */
	int (*less)(const void *, const void *);
};

/* An empty heap of elements of size bytes, ordered by less. */
void heap_init(struct heap *h, size_t size,
    int (*less)(const void *, const void *));

/* Adds a copy of the element at e. */
void heap_push(struct heap *h, const void *e);

/* The least element, or NULL when the heap is empty. */
void *heap_peek(const struct heap *h);

/* Removes the least element, copying it to out (which may be NULL). */
void heap_pop(struct heap *h, void *out);

void heap_free(struct heap *h);

#endif
