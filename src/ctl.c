#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "num.h"
#include "scan.h"
#include "util.h"

static const struct {
	const char *prefix;
	enum ctl_kind kind;
} kinds[] = {
	{ "{\"$watermark\":", CTL_WATERMARK },
	{ "{\"$checkpoint\":", CTL_CHECKPOINT },
	{ "{\"$restore\":", CTL_RESTORE },
};

enum ctl_kind
ctl_kind(const char *line, size_t len)
{
	size_t i, n;

	if (len < 3 || line[1] != '"' || line[2] != '$')
		return CTL_NONE;
	for (i = 0; i < LEN(kinds); i++) {
		n = strlen(kinds[i].prefix);
		if (len >= n && memcmp(line, kinds[i].prefix, n) == 0)
			return kinds[i].kind;
	}
	return CTL_NONE;
}

/* The paths these records are read by, compiled at first use. */
static struct scan_paths *wmpath, *barpaths;

void
ctl_free(void)
{
	scan_free(wmpath);
	scan_free(barpaths);
	wmpath = barpaths = NULL;
}

int
ctl_watermark(const char *line, size_t len, enum tm_unit u, int64_t *w,
    const char **why)
{
	static const char *const path[] = { "$watermark" };
	struct tm_opts o = { u, NULL };
	struct scan_error e;
	struct jval v;

	if (wmpath == NULL && (wmpath = scan_compile(path, 1)) == NULL)
		die(1, "out of memory");
	if (scan_object(wmpath, line, len, &v, &e) != 0) {
		*why = "invalid $watermark record";
		return -1;
	}
	if (tm_from_jval(&v, &o, w, why) != 0) {
		*why = "bad time in $watermark record";
		return -1;
	}
	return 0;
}

int
ctl_barrier(const char *line, size_t len, struct ctl_barrier *b,
    const char **why)
{
	static const char *const paths[] = { "$checkpoint", "$restore",
	    "dir", "final", "ops", "end", "shard", "from", "shards", "keys" };
	struct scan_error e;
	struct jval v[LEN(paths)], el;
	const struct jval *num;
	size_t pos = 0, mine = 0;

	memset(b, 0, sizeof(*b));
	if (barpaths == NULL && (barpaths = scan_compile(paths,
	    LEN(paths))) == NULL)
		die(1, "out of memory");
	*why = "invalid $checkpoint or $restore record";
	if (scan_object(barpaths, line, len, v, &e) != 0)
		return -1;
	num = v[0].type != J_NONE ? &v[0] : &v[1];
	if (jv_int(num, &b->n) != 0 || b->n < 0) {
		*why = "a checkpoint number must be a whole number >= 0";
		return -1;
	}
	if (v[2].type != J_STRING || v[2].len < 3 || v[2].p[1] != '/') {
		*why = "a checkpoint record needs \"dir\", an absolute path";
		return -1;
	}
	b->dir = xmalloc(v[2].len);
	b->dir[jv_unescape(&v[2], b->dir)] = '\0';
	b->final = v[3].type == J_TRUE;
	b->end = v[0].type != J_NONE && v[5].type == J_TRUE;
	b->shard = -1;
	if (v[6].type != J_NONE && (jv_int(&v[6], &b->shard) != 0 ||
	    b->shard < 0)) {
		*why = "\"shard\" must be a whole number >= 0";
		goto bad;
	}
	b->from = b->shards = -1;
	if (v[7].type != J_NONE) {
		if (v[7].type != J_NUMBER || num_parse_int(v[7].p, v[7].len,
		    &b->from) != 0 || b->from < 1 || v[8].type != J_NUMBER ||
		    num_parse_int(v[8].p, v[8].len, &b->shards) != 0 ||
		    b->shards < 1 || v[9].type != J_ARRAY || b->shard < 0 ||
		    b->shard >= b->shards) {
			*why = "a rescaling restore needs \"shard\", "
			    "\"shards\", \"from\" and \"keys\"";
			goto bad;
		}
		b->keysoff = (size_t)(v[9].p - line);
		b->keyslen = v[9].len;
	}
	if (v[4].type == J_ARRAY) {
		b->opsoff = (size_t)(v[4].p - line);
		b->opslen = v[4].len;
		/* the shard names (ID@S) of a skeyby upstream do not count;
		 * in a shard, those after our skeyby's own entry do: they are
		 * this shard's */
		while (jv_element(&v[4], &pos, &el)) {
			b->nent++;
			if (el.type != J_STRING || memchr(el.p, '@', el.len) ==
			    NULL) {
				b->nops++;
				mine = 0;
			} else if (b->shard >= 0) {
				mine++;
			}
		}
		b->nops += mine;
	} else if (v[4].type != J_NONE) {
		*why = "\"ops\" must be an array";
		goto bad;
	}
	return 0;
bad:
	free(b->dir);
	b->dir = NULL;
	return -1;
}

void
ctl_barrier_pass(const char *line, size_t len, const struct ctl_barrier *b,
    const char *id, struct buf *out)
{
	struct buf e = { 0 };

	buf_jstr(&e, id, strlen(id));
	ctl_barrier_pass_elems(line, len, b, e.p, e.len, out);
	buf_free(&e);
}

void
ctl_barrier_pass_elems(const char *line, size_t len,
    const struct ctl_barrier *b, const char *elems, size_t n,
    struct buf *out)
{
	size_t end;

	if (b->opslen == 0) {
		/* before the closing brace */
		for (end = len; end > 0 && line[end - 1] != '}'; end--)
			;
		buf_add(out, line, end - 1);
		buf_adds(out, ",\"ops\":[");
		buf_add(out, elems, n);
		buf_addc(out, ']');
		buf_add(out, line + end - 1, len - end + 1);
	} else {
		end = b->opsoff + b->opslen - 1;	/* the ']' */
		while (end > b->opsoff && (line[end - 1] == ' ' ||
		    line[end - 1] == '\t'))
			end--;
		buf_add(out, line, end);
		if (b->nent && n)
			buf_addc(out, ',');
		buf_add(out, elems, n);
		buf_add(out, line + b->opsoff + b->opslen - 1,
		    len - (b->opsoff + b->opslen - 1));
	}
	buf_addc(out, '\n');
}

void
ctl_barrier_ops_from(const char *line, const struct ctl_barrier *b, size_t k,
    struct buf *out)
{
	struct jval ops = { line + b->opsoff, b->opslen, J_ARRAY, 0, 0, 0 }, el;
	size_t pos = 0, i = 0;

	if (b->opslen == 0)
		return;
	while (jv_element(&ops, &pos, &el))
		if (i++ >= k) {
			buf_addc(out, ',');
			buf_add(out, el.p, el.len);
		}
}

void
ctl_fmt_barrier(struct buf *out, const char *key, int64_t n, const char *dir,
    const char *extra)
{
	buf_printf(out, "{\"%s\":%lld,\"dir\":", key, (long long)n);
	buf_jstr(out, dir, strlen(dir));
	buf_adds(out, extra);
	buf_adds(out, "}\n");
}

void
ctl_barrier_free(struct ctl_barrier *b)
{
	free(b->dir);
	b->dir = NULL;
}

size_t
ctl_fmt_watermark(int64_t w, enum tm_unit u, char *dst)
{
	size_t n = 0;

	memcpy(dst, "{\"$watermark\":", 14);
	n = 14;
	if (u == TU_AUTO)
		dst[n++] = '"';
	n += tm_format(w, u, dst + n);
	if (u == TU_AUTO)
		dst[n++] = '"';
	dst[n++] = '}';
	dst[n++] = '\n';
	dst[n] = '\0';
	return n;
}
