#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "util.h"

#define AT(h, i) ((h)->v + (i) * (h)->size)

void
heap_init(struct heap *h, size_t size, int (*less)(const void *,
    const void *))
{
	memset(h, 0, sizeof(*h));
	h->size = size;
	h->less = less;
}

void
heap_push(struct heap *h, const void *e)
{
	size_t i, parent;

	/* one spare element at the end serves as scratch for the moves */
	if (h->n + 1 >= h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->v = xreallocarray(h->v, h->cap, h->size);
	}
	for (i = h->n++; i > 0; i = parent) {
		parent = (i - 1) / 2;
		if (!h->less(e, AT(h, parent)))
			break;
		memcpy(AT(h, i), AT(h, parent), h->size);
	}
	memcpy(AT(h, i), e, h->size);
}

void *
heap_peek(const struct heap *h)
{
	return h->n ? h->v : NULL;
}

void
heap_pop(struct heap *h, void *out)
{
	char *last;
	size_t i = 0, c;

	if (out)
		memcpy(out, h->v, h->size);
	last = AT(h, h->cap - 1);
	memcpy(last, AT(h, --h->n), h->size);
	for (; (c = 2 * i + 1) < h->n; i = c) {
		if (c + 1 < h->n && h->less(AT(h, c + 1), AT(h, c)))
			c++;
		if (!h->less(AT(h, c), last))
			break;
		memcpy(AT(h, i), AT(h, c), h->size);
	}
	if (h->n)
		memcpy(AT(h, i), last, h->size);
}

void
heap_free(struct heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
