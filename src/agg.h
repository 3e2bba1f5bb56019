/* agg: swindow's aggregates, their per-window state and their output. */
#ifndef AGG_H
#define AGG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dsum.h"
#include "num.h"
#include "scan.h"
#include "util.h"

enum agg_func { AG_COUNT, AG_SUM, AG_MIN, AG_MAX, AG_AVG, AG_FIRST, AG_LAST,
	AG_DISTINCT, AG_MEDIAN, AG_PCT, AG_STDDEV, AG_VAR, AG_COLLECT, AG_TOP };

struct agg_spec {
	enum agg_func func;
	char *path;		/* NULL for a plain count of records */
	char *name;		/* output field */
	double q;		/* median and pNN: the quantile, 0 to 1 */
	size_t top;		/* topN: N */
	int field;		/* the path's slot among the extracted fields */
	size_t state_off;	/* where a window keeps its state, past the
				 * states before it (agg_state_size) */
};

/* A number as JSON gave it: integer tokens stay exact. */
struct num {
	int64_t i;
	double d;
	int isint;		/* an integer token that fits int64 */
};

/* One record's input to one aggregate, checked before any window changes. */
struct agg_in {
	int present;		/* a non-null value */
	struct num num;
	struct num_dec dec;	/* its exact value, for sum and avg */
	size_t off, len;	/* its text in the caller's scratch buffer:
				 * values, and numbers sum and avg must read
				 * again (len 0 when not) */
};

/*
 * A window keeps a state in only the agg_state_size bytes of its
 * function's member: read and write that member alone, never the whole.
 */
union agg_state {
	int64_t count;
	struct {
		int64_t n;
		struct dsum s;	/* exact, whatever the order */
	} sum;
	struct {
		int has;
		struct num v;
	} mm;
	struct {
		char *p;	/* NULL until a value arrives */
		size_t len;
		int64_t seq;	/* arrival order, so merged sessions agree */
	} text;
	struct {
		double *v;
		size_t n, cap;
	} vals;
	struct {
		int64_t n;
		double s1[2], s2[2];	/* sum and sum of squares, each a
					 * double-double: hi, lo */
	} var;
	struct map *set;	/* distinct: the values; topN: each with its
				 * count as the map's value */
	struct clist *list;
};

/* collect's values, each with its arrival number, in arrival order. */
struct clist {
	struct buf text;	/* the values, back to back */
	size_t *end;		/* value i is text[end[i-1], end[i]) */
	int64_t *seq;
	size_t n, cap;
};

/*
 * Parses one -a argument, FUNC[:PATH][=NAME] or a comma list of them, and
 * appends to *specs.  Returns 0, or -1 with a reason in why.
 */
int agg_parse(const char *arg, struct agg_spec **specs, size_t *n,
    char *why, size_t whylen);

void agg_spec_free(struct agg_spec *specs, size_t n);

/*
 * Checks and converts v, the value at a->path, for a->func.  Text for
 * first, last, distinct, collect and topN goes to scratch.  Sets only
 * what a->func reads (present, off and len always; dec for sum and avg,
 * num for the other numeric functions).  Returns 0, or -1 with *why set
 * when the value has the wrong type.
 */
int agg_prepare(const struct agg_spec *a, const struct jval *v,
    struct agg_in *in, struct buf *scratch, const char **why);

/*
 * Adds one record's prepared input to the state (zeroed when new); seq is
 * the record's arrival number, which first, last and collect keep.
 * Inline for count, sum and avg; agg_add_any takes the other functions
 * (the input present).
 */
void agg_add_any(const struct agg_spec *a, union agg_state *st,
    const struct agg_in *in, const char *scratch, int64_t seq);

static inline void
agg_add(const struct agg_spec *a, union agg_state *st,
    const struct agg_in *in, const char *scratch, int64_t seq)
{
	if (!in->present)
		return;
	if (a->func == AG_COUNT) {
		st->count++;
	} else if (a->func == AG_SUM || a->func == AG_AVG) {
		st->sum.n++;
		dsum_add(&st->sum.s, &in->dec, scratch + in->off, in->len);
	} else {
		agg_add_any(a, st, in, scratch, seq);
	}
}

/*
 * The bytes a state of a's function takes, a multiple of the union's
 * alignment: a state may be kept in just these (a count in 8 bytes), so
 * nothing may copy or clear one as the whole union.
 */
size_t agg_state_size(const struct agg_spec *a);

/* Appends the aggregate's JSON value to out. */
void agg_output(const struct agg_spec *a, const union agg_state *st,
    struct buf *out);

/*
 * Frees what the state holds (not the state itself) and leaves it zeroed.
 * Inline where nothing is held; agg_free_any takes every function.
 * agg_holds tells whether the state holds anything to free.
 */
void agg_free_any(const struct agg_spec *a, union agg_state *st);

static inline int
agg_holds(const struct agg_spec *a, const union agg_state *st)
{
	/* count, and sums that never outgrew 128 bits, hold no memory */
	return !(a->func == AG_COUNT || ((a->func == AG_SUM ||
	    a->func == AG_AVG) && !st->sum.s.wide));
}

static inline void
agg_free(const struct agg_spec *a, union agg_state *st)
{
	if (agg_holds(a, st))
		agg_free_any(a, st);
	else
		memset(st, 0, agg_state_size(a));
}

/* Merges src into dst (session windows joining); src is left empty. */
void agg_merge(const struct agg_spec *a, union agg_state *dst,
    union agg_state *src);

/* Appends the aggregate's spec as JSON, for the options a restore must
 * match: ["FUNC","PATH","NAME"], with the quantile for pNN. */
void agg_spec_save(const struct agg_spec *a, struct buf *out);

/*
 * For snapshots: appends the state as JSON that agg_load reads back into
 * a zeroed state exactly (every double to the bit, sums exact, values in
 * their canonical text).  agg_load returns 0, or -1 when v is not what
 * agg_save writes.
 */
void agg_save(const struct agg_spec *a, const union agg_state *st,
    struct buf *out);
int agg_load(const struct agg_spec *a, union agg_state *st,
    const struct jval *v);

#endif
