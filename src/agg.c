#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "map.h"
#include "num.h"
#include "rec.h"
#include "snap.h"

static const struct {
	const char *name;
	enum agg_func func;
} funcs[] = {
	{ "count", AG_COUNT }, { "sum", AG_SUM }, { "min", AG_MIN },
	{ "max", AG_MAX }, { "avg", AG_AVG }, { "first", AG_FIRST },
	{ "last", AG_LAST }, { "distinct", AG_DISTINCT },
	{ "median", AG_MEDIAN }, { "stddev", AG_STDDEV }, { "var", AG_VAR },
	{ "collect", AG_COLLECT },
};

/* "p95", "p99.9": a percentile from 0 to 100.  0 or -1. */
static int
parse_pct(const char *s, size_t n, double *q)
{
	char tmp[32], *end;
	double p;

	if (n < 2 || n >= sizeof(tmp) || s[0] != 'p' || !num_valid(s + 1,
	    n - 1) || s[1] == '-' || memchr(s, 'e', n) || memchr(s, 'E', n))
		return -1;
	memcpy(tmp, s + 1, n - 1);
	tmp[n - 1] = '\0';
	p = strtod(tmp, &end);
	if (p < 0 || p > 100)
		return -1;
	*q = p / 100;	/* numpy.percentile divides the same way */
	return 0;
}

/* "top3": the N most frequent values, N from 1 to 1000000.  0 or -1. */
static int
parse_top(const char *s, size_t n, size_t *top)
{
	size_t i, v = 0;

	if (n < 4 || n > 10 || memcmp(s, "top", 3) != 0 || s[3] == '0')
		return -1;
	for (i = 3; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	if (v > 1000000)
		return -1;
	*top = v;
	return 0;
}

static int
parse_one(const char *s, size_t n, struct agg_spec *a, char *why,
    size_t whylen)
{
	const char *colon, *eq, *fend, *pend;
	size_t i, flen;
	struct buf name = { 0 };

	memset(a, 0, sizeof(*a));
	eq = memchr(s, '=', n);
	pend = eq ? eq : s + n;
	colon = memchr(s, ':', (size_t)(pend - s));
	fend = colon ? colon : pend;
	flen = (size_t)(fend - s);
	for (i = 0; i < LEN(funcs); i++)
		if (strlen(funcs[i].name) == flen &&
		    memcmp(s, funcs[i].name, flen) == 0)
			break;
	if (i < LEN(funcs)) {
		a->func = funcs[i].func;
		a->q = 0.5;
	} else if (parse_pct(s, flen, &a->q) == 0) {
		a->func = AG_PCT;
	} else if (parse_top(s, flen, &a->top) == 0) {
		a->func = AG_TOP;
	} else {
		snprintf(why, whylen, "unknown aggregate '%.*s'", (int)flen, s);
		return -1;
	}
	if (colon) {
		if (!scan_path_valid(colon + 1, (size_t)(pend - colon - 1))) {
			snprintf(why, whylen, "bad field path in '%.*s'", (int)n,
			    s);
			return -1;
		}
		a->path = xmemdup(colon + 1, (size_t)(pend - colon - 1));
	} else if (a->func != AG_COUNT) {
		snprintf(why, whylen, "'%.*s' needs a field: %.*s:PATH",
		    (int)flen, s, (int)flen, s);
		return -1;
	}
	if (eq) {
		if (eq + 1 == s + n) {
			snprintf(why, whylen, "empty name in '%.*s'", (int)n, s);
			return -1;
		}
		a->name = xmemdup(eq + 1, (size_t)(s + n - eq - 1));
		return 0;
	}
	/* FUNC_PATH with every '.' as '_'; plain count is "count" */
	buf_add(&name, s, flen);
	if (a->path) {
		buf_addc(&name, '_');
		buf_adds(&name, a->path);
	}
	for (i = 0; i < name.len; i++)
		if (name.p[i] == '.')
			name.p[i] = '_';
	a->name = xmemdup(name.p, name.len);
	buf_free(&name);
	return 0;
}

int
agg_parse(const char *arg, struct agg_spec **specs, size_t *n, char *why,
    size_t whylen)
{
	const char *s = arg, *comma;
	size_t len;

	do {
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		if (len == 0) {
			snprintf(why, whylen, "empty aggregate in '%s'", arg);
			return -1;
		}
		*specs = xreallocarray(*specs, *n + 1, sizeof(**specs));
		if (parse_one(s, len, &(*specs)[*n], why, whylen) != 0)
			return -1;
		(*n)++;
		s = comma + 1;
	} while (comma);
	return 0;
}

void
agg_spec_free(struct agg_spec *specs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(specs[i].path);
		free(specs[i].name);
	}
	free(specs);
}

/*
 * Reads a number or a numeric string into in: its exact decimal value,
 * and with whole set its double and its integer when it is an integer
 * token (sums and averages need only the decimal).  The text stays in
 * scratch when a sum must read it again (many digits, or many after the
 * point).  0, or -1 for any other value.
 */
static int
to_num(const struct jval *v, struct agg_in *in, struct buf *scratch,
    int whole)
{
	const char *s = v->p;
	size_t n = v->len, mark = scratch->len;
	struct num *x = &in->num;

	if (v->type == J_STRING) {
		if (v->flags & JV_ESCAPED) {
			buf_grow(scratch, v->len);
			n = jv_unescape(v, scratch->p + mark);
			s = scratch->p + mark;
		} else {
			s++;
			n -= 2;
		}
		if (!num_valid(s, n))
			return -1;
	} else if (v->type != J_NUMBER) {
		return -1;
	}
	if (v->flags & JV_DIGITS)
		num_dec_digits(v->digits, v->point, *s == '-', &in->dec);
	else
		num_decimal(s, n, &in->dec);
	if (whole) {
		x->isint = in->dec.inttoken && num_dec_int(&in->dec, &x->i);
		x->d = x->isint ? (double)x->i : num_dec_double(&in->dec, s,
		    n);
	}
	scratch->len = mark;
	if (in->dec.wide || in->dec.exp < -38) {
		in->off = scratch->len;
		in->len = n;
		buf_add(scratch, s, n);
	}
	return 0;
}

int
agg_prepare(const struct agg_spec *a, const struct jval *v,
    struct agg_in *in, struct buf *scratch, const char **why)
{
	/* what each function reads is set below, the rest is left alone:
	 * this runs per aggregate per record */
	in->present = 0;
	in->off = in->len = 0;
	if (a->path == NULL) {
		in->present = 1;
		return 0;
	}
	if (v->type == J_NONE || v->type == J_NULL)
		return 0;
	in->present = 1;
	switch (a->func) {
	case AG_COUNT:
		return 0;
	case AG_FIRST:
	case AG_LAST:
	case AG_COLLECT:
	case AG_DISTINCT:
	case AG_TOP:
		/* written, and for distinct and topN compared, in canonical
		 * form */
		in->off = scratch->len;
		jv_canonical(v, scratch);
		in->len = scratch->len - in->off;
		return 0;
	default:
		if (to_num(v, in, scratch, a->func != AG_SUM &&
		    a->func != AG_AVG) != 0) {
			*why = "not a number";
			return -1;
		}
		return 0;
	}
}

/* -1, 0, 1 as x is below, equal to or above y; exact for int64 pairs. */
static int
num_cmp(const struct num *x, const struct num *y)
{
	long double a, b;

	if (x->isint && y->isint)
		return (x->i > y->i) - (x->i < y->i);
	a = x->isint ? (long double)x->i : (long double)x->d;
	b = y->isint ? (long double)y->i : (long double)y->d;
	return (a > b) - (a < b);
}


/*
 * var and stddev keep the sum and the sum of squares in double-double
 * (about 106 bits, exact products through fma), so that the sample
 * variance (S2 - S1^2/n) / (n - 1) survives the cancellation and comes
 * out exact for exact data (1, 2, 2.5, 10 give 17.0625), in O(1) memory.
 */
static void
two_sum(double a, double b, double *s, double *e)
{
	double bb;

	*s = a + b;
	bb = *s - a;
	*e = (a - (*s - bb)) + (b - bb);
}

/* x += hi + lo, both double-double. */
static void
dd_add(double x[2], double hi, double lo)
{
	double s, e;

	two_sum(x[0], hi, &s, &e);
	e += x[1] + lo;
	x[0] = s + e;
	x[1] = e - (x[0] - s);
}

/* x * y, double-double by double-double. */
static void
dd_mul(const double x[2], const double y[2], double r[2])
{
	double p = x[0] * y[0], e = fma(x[0], y[0], -p);

	e += x[0] * y[1] + x[1] * y[0];
	r[0] = p + e;
	r[1] = e - (r[0] - p);
}

/* x / d, double-double by double. */
static void
dd_div(const double x[2], double d, double r[2])
{
	double q = x[0] / d, p = q * d, pe = fma(q, d, -p);
	double rest = ((x[0] - p) - pe) + x[1];

	r[0] = q;
	r[1] = 0;
	dd_add(r, rest / d, 0);
}

static double
variance(const union agg_state *st)
{
	double sq[2], m[2], diff[2], v[2];
	double n = (double)st->var.n;

	dd_mul(st->var.s1, st->var.s1, sq);
	dd_div(sq, n, m);
	diff[0] = st->var.s2[0];
	diff[1] = st->var.s2[1];
	dd_add(diff, -m[0], -m[1]);
	dd_div(diff, n - 1, v);
	return v[0] > 0 ? v[0] : 0;
}

static void
text_set(union agg_state *st, const char *p, size_t len, int64_t seq)
{
	free(st->text.p);
	st->text.p = xmemdup(p, len);
	st->text.len = len;
	st->text.seq = seq;
}

static void
list_add(struct clist *l, const char *p, size_t len, int64_t seq)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->end = xreallocarray(l->end, l->cap, sizeof(*l->end));
		l->seq = xreallocarray(l->seq, l->cap, sizeof(*l->seq));
	}
	buf_add(&l->text, p, len);
	l->end[l->n] = l->text.len;
	l->seq[l->n++] = seq;
}

/* topN: counts n more of the value text[0..len). */
static void
top_add(union agg_state *st, const char *text, size_t len, int64_t n)
{
	void **slot;

	if (st->set == NULL)
		st->set = xcalloc(1, sizeof(*st->set));
	slot = map_get(st->set, text, len, 1, NULL);
	*slot = (void *)((uintptr_t)*slot + (uintptr_t)n);
}

static int
cmp_top(const void *a, const void *b)
{
	const struct map_slot *x = *(const struct map_slot *const *)a;
	const struct map_slot *y = *(const struct map_slot *const *)b;
	uintptr_t cx = (uintptr_t)x->val, cy = (uintptr_t)y->val;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c;

	if (cx != cy)
		return cx > cy ? -1 : 1;
	/* ties by the canonical text, byte by byte */
	if ((c = memcmp(x->key, y->key, n)) != 0)
		return c;
	return (x->klen > y->klen) - (x->klen < y->klen);
}

void
agg_add_any(const struct agg_spec *a, union agg_state *st,
    const struct agg_in *in, const char *scratch, int64_t seq)
{
	const char *text = scratch + in->off;
	double x;
	int created = 0;

	switch (a->func) {
	case AG_COUNT:
	case AG_SUM:
	case AG_AVG:
		break;		/* agg_add adds them inline */
	case AG_MIN:
	case AG_MAX:
		if (!st->mm.has || num_cmp(&in->num, &st->mm.v) ==
		    (a->func == AG_MIN ? -1 : 1)) {
			st->mm.v = in->num;
			st->mm.has = 1;
		}
		break;
	case AG_FIRST:
		if (st->text.p == NULL)
			text_set(st, text, in->len, seq);
		break;
	case AG_LAST:
		text_set(st, text, in->len, seq);
		break;
	case AG_DISTINCT:
		if (st->set == NULL)
			st->set = xcalloc(1, sizeof(*st->set));
		map_get(st->set, text, in->len, 1, &created);
		break;
	case AG_TOP:
		top_add(st, text, in->len, 1);
		break;
	case AG_MEDIAN:
	case AG_PCT:
		if (st->vals.n == st->vals.cap) {
			st->vals.cap = st->vals.cap ? st->vals.cap * 2 : 8;
			st->vals.v = xreallocarray(st->vals.v, st->vals.cap,
			    sizeof(double));
		}
		st->vals.v[st->vals.n++] = in->num.d;
		break;
	case AG_STDDEV:
	case AG_VAR:
		x = in->num.d;
		st->var.n++;
		dd_add(st->var.s1, x, 0);
		dd_add(st->var.s2, x * x, fma(x, x, -(x * x)));
		break;
	case AG_COLLECT:
		if (st->list == NULL)
			st->list = xcalloc(1, sizeof(*st->list));
		list_add(st->list, text, in->len, seq);
		break;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* numpy's default ("linear") quantile of sorted v[0..n). */
static double
quantile(double *v, size_t n, double q)
{
	double idx = q * (double)(n - 1), lo = floor(idx), t = idx - lo;
	size_t i = (size_t)lo, j = i + 1 < n ? i + 1 : i;
	double a = v[i], b = v[j], diff = b - a;

	/* numpy interpolates from the nearer end, for symmetry */
	return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

static void
put_double(struct buf *out, double d)
{
	if (out->cap - out->len <= NUM_MAXLEN)
		buf_grow(out, NUM_MAXLEN);
	out->len += num_fmt_double(d, out->p + out->len);
}

/* The sum over n, rounded once: from its integers when it is short. */
static void
put_quotient(struct buf *out, const struct dsum *d, int64_t n)
{
	size_t len;

	if (out->cap - out->len <= NUM_MAXLEN)
		buf_grow(out, NUM_MAXLEN);
	if ((len = dsum_fmt_div(d, n, out->p + out->len)) == 0)
		len = num_fmt_double(dsum_div(d, n), out->p + out->len);
	out->len += len;
}

static void
put_int(struct buf *out, int64_t v)
{
	if (out->cap - out->len <= NUM_MAXLEN)
		buf_grow(out, NUM_MAXLEN);
	out->len += num_fmt_int(v, out->p + out->len);
}

/* [{"value":V,"count":C}, ...]: the N most frequent, or null for none. */
static void
top_output(const struct agg_spec *a, const union agg_state *st,
    struct buf *out)
{
	const struct map_slot **v;
	size_t i, n = 0;

	if (st->set == NULL || st->set->len == 0) {
		buf_add(out, "null", 4);
		return;
	}
	v = xreallocarray(NULL, st->set->len, sizeof(*v));
	for (i = 0; i < st->set->cap; i++)
		if (st->set->slots[i].hash != 0)
			v[n++] = &st->set->slots[i];
	qsort(v, n, sizeof(*v), cmp_top);
	buf_addc(out, '[');
	for (i = 0; i < n && i < a->top; i++) {
		if (i)
			buf_addc(out, ',');
		buf_adds(out, "{\"value\":");
		buf_add(out, v[i]->key, v[i]->klen);
		buf_adds(out, ",\"count\":");
		put_int(out, (int64_t)(uintptr_t)v[i]->val);
		buf_addc(out, '}');
	}
	buf_addc(out, ']');
	free(v);
}

/* the bytes of member m of a state */
#define STATE_BYTES(m) sizeof(((union agg_state *)0)->m)

size_t
agg_state_size(const struct agg_spec *a)
{
	static const size_t bytes[] = {
		[AG_COUNT] = STATE_BYTES(count),
		[AG_SUM] = STATE_BYTES(sum), [AG_AVG] = STATE_BYTES(sum),
		[AG_MIN] = STATE_BYTES(mm), [AG_MAX] = STATE_BYTES(mm),
		[AG_FIRST] = STATE_BYTES(text), [AG_LAST] = STATE_BYTES(text),
		[AG_DISTINCT] = STATE_BYTES(set), [AG_TOP] = STATE_BYTES(set),
		[AG_MEDIAN] = STATE_BYTES(vals), [AG_PCT] = STATE_BYTES(vals),
		[AG_STDDEV] = STATE_BYTES(var), [AG_VAR] = STATE_BYTES(var),
		[AG_COLLECT] = STATE_BYTES(list),
	};
	size_t align = _Alignof(union agg_state);

	return (bytes[a->func] + align - 1) / align * align;
}

void
agg_output(const struct agg_spec *a, const union agg_state *st,
    struct buf *out)
{
	int64_t iv;
	double dv;
	size_t i;

	switch (a->func) {
	case AG_COUNT:
		put_int(out, st->count);
		return;
	case AG_SUM:
		/* whole numbers stay an integer while it fits int64 */
		if (st->sum.n == 0)
			buf_add(out, "null", 4);
		else if (dsum_int(&st->sum.s, &iv))
			put_int(out, iv);
		else
			put_quotient(out, &st->sum.s, 1);
		return;
	case AG_AVG:
		/* the exact sum over the count, rounded once */
		if (st->sum.n == 0)
			buf_add(out, "null", 4);
		else
			put_quotient(out, &st->sum.s, st->sum.n);
		return;
	case AG_MIN:
	case AG_MAX:
		if (!st->mm.has)
			buf_add(out, "null", 4);
		else if (st->mm.v.isint)
			put_int(out, st->mm.v.i);
		else
			put_double(out, st->mm.v.d);
		return;
	case AG_FIRST:
	case AG_LAST:
		if (st->text.p == NULL)
			buf_add(out, "null", 4);
		else
			buf_add(out, st->text.p, st->text.len);
		return;
	case AG_DISTINCT:
		put_int(out, st->set ? (int64_t)st->set->len : 0);
		return;
	case AG_MEDIAN:
	case AG_PCT:
		if (st->vals.n == 0) {
			buf_add(out, "null", 4);
			return;
		}
		/* sorting in place is harmless: order does not matter here */
		qsort(st->vals.v, st->vals.n, sizeof(double), cmp_double);
		put_double(out, quantile(st->vals.v, st->vals.n, a->q));
		return;
	case AG_STDDEV:
	case AG_VAR:
		if (st->var.n < 2) {
			buf_add(out, "null", 4);
			return;
		}
		dv = variance(st);
		put_double(out, a->func == AG_VAR ? dv : sqrt(dv));
		return;
	case AG_TOP:
		top_output(a, st, out);
		return;
	case AG_COLLECT:
		buf_addc(out, '[');
		for (i = 0; st->list && i < st->list->n; i++) {
			size_t from = i ? st->list->end[i - 1] : 0;

			if (i)
				buf_addc(out, ',');
			buf_add(out, st->list->text.p + from,
			    st->list->end[i] - from);
		}
		buf_addc(out, ']');
		return;
	}
}

static void
list_free(struct clist *l)
{
	if (l == NULL)
		return;
	buf_free(&l->text);
	free(l->end);
	free(l->seq);
	free(l);
}

void
agg_free_any(const struct agg_spec *a, union agg_state *st)
{
	switch (a->func) {
	case AG_SUM:
	case AG_AVG:
		dsum_free(&st->sum.s);
		break;
	case AG_FIRST:
	case AG_LAST:
		free(st->text.p);
		break;
	case AG_DISTINCT:
	case AG_TOP:
		if (st->set)
			map_free(st->set, NULL);
		free(st->set);
		break;
	case AG_MEDIAN:
	case AG_PCT:
		free(st->vals.v);
		break;
	case AG_COLLECT:
		list_free(st->list);
		break;
	default:
		break;
	}
	memset(st, 0, agg_state_size(a));
}

void
agg_merge(const struct agg_spec *a, union agg_state *dst,
    union agg_state *src)
{
	size_t i, j;

	switch (a->func) {
	case AG_COUNT:
		dst->count += src->count;
		break;
	case AG_SUM:
	case AG_AVG:
		dst->sum.n += src->sum.n;
		dsum_merge(&dst->sum.s, &src->sum.s);
		break;
	case AG_MIN:
	case AG_MAX:
		if (src->mm.has && (!dst->mm.has || num_cmp(&src->mm.v,
		    &dst->mm.v) == (a->func == AG_MIN ? -1 : 1)))
			dst->mm = src->mm;
		break;
	case AG_FIRST:
	case AG_LAST:
		if (src->text.p && (dst->text.p == NULL ||
		    (a->func == AG_FIRST) == (src->text.seq < dst->text.seq))) {
			free(dst->text.p);
			dst->text = src->text;
			src->text.p = NULL;
		}
		break;
	case AG_DISTINCT:
		for (i = 0; src->set && i < src->set->cap; i++) {
			struct map_slot *s = &src->set->slots[i];

			if (s->hash == 0)
				continue;
			if (dst->set == NULL)
				dst->set = xcalloc(1, sizeof(*dst->set));
			map_get(dst->set, s->key, s->klen, 1, NULL);
		}
		break;
	case AG_TOP:
		for (i = 0; src->set && i < src->set->cap; i++) {
			struct map_slot *s = &src->set->slots[i];

			if (s->hash != 0)
				top_add(dst, s->key, s->klen,
				    (int64_t)(uintptr_t)s->val);
		}
		break;
	case AG_MEDIAN:
	case AG_PCT:
		for (i = 0; i < src->vals.n; i++) {
			struct agg_in in = { 0 };

			in.present = 1;
			in.num.d = src->vals.v[i];
			agg_add(a, dst, &in, "", 0);
		}
		break;
	case AG_STDDEV:
	case AG_VAR:
		dst->var.n += src->var.n;
		dd_add(dst->var.s1, src->var.s1[0], src->var.s1[1]);
		dd_add(dst->var.s2, src->var.s2[0], src->var.s2[1]);
		break;
	case AG_COLLECT: {
		struct clist *l = xcalloc(1, sizeof(*l));
		struct clist *p = dst->list, *q = src->list;
		size_t np = p ? p->n : 0, nq = q ? q->n : 0;

		/* both are in arrival order: merge them by arrival number */
		for (i = j = 0; i < np || j < nq;) {
			struct clist *from;
			size_t k;

			if (j >= nq || (i < np && p->seq[i] < q->seq[j]))
				from = p, k = i++;
			else
				from = q, k = j++;
			list_add(l, from->text.p + (k ? from->end[k - 1] : 0),
			    from->end[k] - (k ? from->end[k - 1] : 0),
			    from->seq[k]);
		}
		list_free(p);
		dst->list = l;
		break;
	}
	}
	agg_free(a, src);
}

void
agg_spec_save(const struct agg_spec *a, struct buf *out)
{
	size_t i;

	buf_addc(out, '[');
	for (i = 0; i < LEN(funcs) && funcs[i].func != a->func; i++)
		;
	if (i < LEN(funcs))
		buf_jstr(out, funcs[i].name, strlen(funcs[i].name));
	else if (a->func == AG_TOP)
		buf_printf(out, "\"top%zu\"", a->top);
	else
		buf_adds(out, "\"pNN\"");
	buf_addc(out, ',');
	if (a->path)
		buf_jstr(out, a->path, strlen(a->path));
	else
		buf_adds(out, "null");
	buf_addc(out, ',');
	buf_jstr(out, a->name, strlen(a->name));
	if (a->func == AG_PCT || a->func == AG_MEDIAN) {
		buf_addc(out, ',');
		snap_put_double(out, a->q);
	}
	buf_addc(out, ']');
}

static void
save_int(struct buf *out, int64_t v)
{
	char tmp[NUM_MAXLEN];

	buf_add(out, tmp, num_fmt_int(v, tmp));
}

/*
 * count: N.  sum, avg: [N,"DIGITS",SCALE].  min, max: null, or [1,INT]
 * or [0,DOUBLE].  first, last: null or [SEQ,VALUE].  distinct: [VALUE,
 * ...].  topN: [[VALUE,COUNT], ...].  median, pNN: [DOUBLE, ...].  var,
 * stddev: [N,S1,s1,S2,s2] (the double-doubles).  collect: [[SEQ, ...],
 * [VALUE, ...]].
 */
void
agg_save(const struct agg_spec *a, const union agg_state *st,
    struct buf *out)
{
	size_t i, from;

	switch (a->func) {
	case AG_COUNT:
		save_int(out, st->count);
		return;
	case AG_SUM:
	case AG_AVG:
		buf_addc(out, '[');
		save_int(out, st->sum.n);
		buf_addc(out, ',');
		dsum_save(&st->sum.s, out);
		buf_addc(out, ']');
		return;
	case AG_MIN:
	case AG_MAX:
		if (!st->mm.has) {
			buf_adds(out, "null");
		} else if (st->mm.v.isint) {
			buf_adds(out, "[1,");
			save_int(out, st->mm.v.i);
			buf_addc(out, ']');
		} else {
			buf_adds(out, "[0,");
			snap_put_double(out, st->mm.v.d);
			buf_addc(out, ']');
		}
		return;
	case AG_FIRST:
	case AG_LAST:
		if (st->text.p == NULL) {
			buf_adds(out, "null");
			return;
		}
		buf_addc(out, '[');
		save_int(out, st->text.seq);
		buf_addc(out, ',');
		buf_add(out, st->text.p, st->text.len);
		buf_addc(out, ']');
		return;
	case AG_DISTINCT:
	case AG_TOP:
		buf_addc(out, '[');
		for (i = 0, from = out->len; st->set && i < st->set->cap; i++) {
			const struct map_slot *s = &st->set->slots[i];

			if (s->hash == 0)
				continue;
			if (out->len > from)
				buf_addc(out, ',');
			if (a->func == AG_DISTINCT) {
				buf_add(out, s->key, s->klen);
				continue;
			}
			buf_addc(out, '[');
			buf_add(out, s->key, s->klen);
			buf_addc(out, ',');
			save_int(out, (int64_t)(uintptr_t)s->val);
			buf_addc(out, ']');
		}
		buf_addc(out, ']');
		return;
	case AG_MEDIAN:
	case AG_PCT:
		buf_addc(out, '[');
		for (i = 0; i < st->vals.n; i++) {
			if (i)
				buf_addc(out, ',');
			snap_put_double(out, st->vals.v[i]);
		}
		buf_addc(out, ']');
		return;
	case AG_STDDEV:
	case AG_VAR:
		buf_addc(out, '[');
		save_int(out, st->var.n);
		for (i = 0; i < 4; i++) {
			buf_addc(out, ',');
			snap_put_double(out, i < 2 ? st->var.s1[i] :
			    st->var.s2[i - 2]);
		}
		buf_addc(out, ']');
		return;
	case AG_COLLECT:
		buf_adds(out, "[[");
		for (i = 0; st->list && i < st->list->n; i++) {
			if (i)
				buf_addc(out, ',');
			save_int(out, st->list->seq[i]);
		}
		buf_adds(out, "],[");
		for (i = 0; st->list && i < st->list->n; i++) {
			from = i ? st->list->end[i - 1] : 0;
			if (i)
				buf_addc(out, ',');
			buf_add(out, st->list->text.p + from,
			    st->list->end[i] - from);
		}
		buf_adds(out, "]]");
		return;
	}
}

static int
load_double(const struct jval *v, double *x)
{
	if (v->type != J_NUMBER && v->type != J_STRING)
		return -1;
	*x = snap_double(v->p, v->len);
	return 0;
}

/* The elements of the array v into e[0..n); -1 unless there are n. */
static int
elements(const struct jval *v, struct jval *e, size_t n)
{
	size_t pos = 0, i = 0;
	struct jval x;

	if (v->type != J_ARRAY)
		return -1;
	while (jv_element(v, &pos, &x)) {
		if (i == n)
			return -1;
		e[i++] = x;
	}
	return i == n ? 0 : -1;
}

int
agg_load(const struct agg_spec *a, union agg_state *st, const struct jval *v)
{
	struct jval e[5], x, y;
	size_t pos = 0, pos2 = 0, i;
	int64_t n;
	double d;

	switch (a->func) {
	case AG_COUNT:
		return jv_int(v, &st->count);
	case AG_SUM:
	case AG_AVG:
		if (elements(v, e, 3) != 0 || jv_int(&e[0], &st->sum.n) != 0 ||
		    e[1].type != J_STRING || jv_int(&e[2], &n) != 0)
			return -1;
		return dsum_load(&st->sum.s, e[1].p + 1, e[1].len - 2, n);
	case AG_MIN:
	case AG_MAX:
		if (v->type == J_NULL)
			return 0;
		if (elements(v, e, 2) != 0 || jv_int(&e[0], &n) != 0)
			return -1;
		st->mm.has = 1;
		if ((st->mm.v.isint = n == 1)) {
			if (jv_int(&e[1], &st->mm.v.i) != 0)
				return -1;
			st->mm.v.d = (double)st->mm.v.i;
			return 0;
		}
		return load_double(&e[1], &st->mm.v.d);
	case AG_FIRST:
	case AG_LAST:
		if (v->type == J_NULL)
			return 0;
		if (elements(v, e, 2) != 0 || jv_int(&e[0], &n) != 0)
			return -1;
		text_set(st, e[1].p, e[1].len, n);
		return 0;
	case AG_DISTINCT:
		if (v->type != J_ARRAY)
			return -1;
		while (jv_element(v, &pos, &x)) {
			if (st->set == NULL)
				st->set = xcalloc(1, sizeof(*st->set));
			map_get(st->set, x.p, x.len, 1, NULL);
		}
		return 0;
	case AG_MEDIAN:
	case AG_PCT:
		if (v->type != J_ARRAY)
			return -1;
		while (jv_element(v, &pos, &x)) {
			struct agg_in in = { 0 };

			if (load_double(&x, &d) != 0)
				return -1;
			in.present = 1;
			in.num.d = d;
			agg_add(a, st, &in, "", 0);
		}
		return 0;
	case AG_STDDEV:
	case AG_VAR:
		if (elements(v, e, 5) != 0 || jv_int(&e[0], &st->var.n) != 0)
			return -1;
		for (i = 0; i < 4; i++)
			if (load_double(&e[i + 1], i < 2 ? &st->var.s1[i] :
			    &st->var.s2[i - 2]) != 0)
				return -1;
		return 0;
	case AG_TOP:
		if (v->type != J_ARRAY)
			return -1;
		while (jv_element(v, &pos, &x)) {
			if (elements(&x, e, 2) != 0 || jv_int(&e[1], &n) != 0 ||
			    n <= 0)
				return -1;
			top_add(st, e[0].p, e[0].len, n);
		}
		return 0;
	case AG_COLLECT:
		if (elements(v, e, 2) != 0 || e[0].type != J_ARRAY ||
		    e[1].type != J_ARRAY)
			return -1;
		st->list = xcalloc(1, sizeof(*st->list));
		while (jv_element(&e[0], &pos, &x)) {
			if (!jv_element(&e[1], &pos2, &y) ||
			    jv_int(&x, &n) != 0)
				return -1;
			list_add(st->list, y.p, y.len, n);
		}
		return jv_element(&e[1], &pos2, &y) ? -1 : 0;
	}
	return -1;
}
