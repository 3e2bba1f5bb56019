/*
 * The merge of the shards' outputs into one stream that is the same on
 * every run: the shards run at their own pace, so what decides the order
 * is where each is in its own output, never when its bytes came.
 *
 * The merge goes in rounds.  In a round each shard in turn, in shard
 * order, has its records written up to its next watermark (which ends its
 * turn) or its next barrier or restore (where it waits until every shard
 * is there).  After the round the merged watermark, the least of the
 * shards' latest, is written when it has grown; when every shard waits at
 * the same barrier, that barrier is written once, with what each shard's
 * operators added to its ops, and they go on.  A shard that has ended
 * holds nothing back.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "num.h"
#include "scan.h"
#include "skeyby.h"

struct shard *shards;
size_t nshards;
int64_t hold_max;
enum tm_unit wm_unit;
int data_only;

enum { SPOOL_MEM = 1 << 20 };	/* a shard's output held in memory */

static size_t cur;		/* whose turn it is in the round */
static int has_out_wm;
static int64_t out_wm;		/* the last merged watermark written */
static struct buf *sent;	/* barriers passed on, not yet merged */
static size_t nsent, sentcap, senthead;
static struct buf merged;
static int64_t held;		/* unread bytes in the spools' files */

/* An unlinked file in $TMPDIR (else /tmp), as sort(1) spills. */
static FILE *
spill_file(void)
{
	const char *dir = getenv("TMPDIR");
	struct buf path = { 0 };
	FILE *f;
	int fd;

	buf_printf(&path, "%s/skeyby.XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path.p)) < 0 || unlink(path.p) != 0 ||
	    (f = fdopen(fd, "w+")) == NULL)
		die(1, "%s: %s", path.p, strerror(errno));
	buf_free(&path);
	return f;
}

static int64_t
spool_unread(const struct spool *sp)
{
	return (int64_t)(sp->mem.len - sp->off) + (sp->fwr - sp->frd);
}

/* Appends n bytes: to memory, or behind what waits in the file. */
static void
spool_add(struct spool *sp, const char *p, size_t n)
{
	ssize_t k;

	if ((sp->f && sp->frd < sp->fwr) || sp->mem.len - sp->off + n >
	    SPOOL_MEM) {
		/* behind what is in the file already, to keep the order */
		if (sp->f == NULL)
			sp->f = spill_file();
		if (hold_max && (held += (int64_t)n) > hold_max)
			die(1, "more than --hold %lld bytes of the shards' "
			    "output wait for their turn: a shard before them "
			    "has not come to a watermark, a barrier or its end "
			    "(see skeyby(1))", (long long)hold_max);
		while (n > 0) {
			k = pwrite(fileno(sp->f), p, n, (off_t)sp->fwr);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				die(1, "a temp file for a shard's output: %s",
				    strerror(errno));
			sp->fwr += k;
			p += k;
			n -= (size_t)k;
		}
		return;
	}
	if (sp->off > 0 && sp->off >= sp->mem.len / 2) {
		memmove(sp->mem.p, sp->mem.p + sp->off, sp->mem.len - sp->off);
		sp->mem.len -= sp->off;
		sp->off = 0;
	}
	buf_add(&sp->mem, p, n);
}

void
spool_end(struct spool *sp)
{
	sp->eof = 1;
}

void
spool_free(struct spool *sp)
{
	buf_free(&sp->mem);
	if (sp->f)
		fclose(sp->f);
	memset(sp, 0, sizeof(*sp));
}

/* Moves up to SPOOL_MEM bytes from the file behind what mem holds. */
static void
spool_refill(struct spool *sp)
{
	size_t want = (size_t)(sp->fwr - sp->frd);
	ssize_t k;

	if (want > SPOOL_MEM)
		want = SPOOL_MEM;
	memmove(sp->mem.p, sp->mem.p + sp->off, sp->mem.len - sp->off);
	sp->mem.len -= sp->off;
	sp->off = 0;
	buf_grow(&sp->mem, want);
	do
		k = pread(fileno(sp->f), sp->mem.p + sp->mem.len, want,
		    (off_t)sp->frd);
	while (k < 0 && errno == EINTR);
	if (k <= 0)
		die(1, "a temp file for a shard's output: %s", k < 0 ?
		    strerror(errno) : "shorter than written");
	sp->mem.len += (size_t)k;
	sp->frd += k;
	held -= k;
	if (sp->frd == sp->fwr) {
		/* all back in memory: the file starts over */
		if (ftruncate(fileno(sp->f), 0) != 0)
			die(1, "a temp file for a shard's output: %s",
			    strerror(errno));
		sp->frd = sp->fwr = 0;
	}
}

/*
 * The next whole line the shard wrote (without its newline; a last line
 * without one once the shard has ended): 1, or 0 when there is none yet.
 * It stays valid until the next call on sp.
 */
static int
spool_line(struct spool *sp, const char **line, size_t *len)
{
	size_t scanned = 0;
	char *s, *nl;

	for (;;) {
		s = sp->mem.p + sp->off;
		nl = sp->mem.len > sp->off ? memchr(s + scanned, '\n',
		    sp->mem.len - sp->off - scanned) : NULL;
		if (nl) {
			*line = s;
			*len = (size_t)(nl - s);
			sp->off += *len + 1;
			return 1;
		}
		if (sp->frd < sp->fwr) {
			scanned = sp->mem.len - sp->off;
			spool_refill(sp);
			continue;
		}
		if (sp->eof && sp->mem.len > sp->off) {
			*line = s;
			*len = sp->mem.len - sp->off;
			sp->off = sp->mem.len;
			return 1;
		}
		return 0;
	}
}

/*
 * The whole data lines at the front of what memory holds, up to the first
 * control record or partial line: as one piece, which the merge writes
 * with one call.
 */
static size_t
spool_data(struct spool *sp, const char **p)
{
	const char *s = sp->mem.p + sp->off, *end = sp->mem.p + sp->mem.len;
	const char *q = s, *nl;

	while (q < end && !(end - q >= 3 && q[0] == '{' && q[1] == '"' &&
	    q[2] == '$' && ctl_kind(q, (size_t)(end - q)) != CTL_NONE) &&
	    (nl = memchr(q, '\n', (size_t)(end - q))) != NULL)
		q = nl + 1;
	*p = s;
	sp->off += (size_t)(q - s);
	return (size_t)(q - s);
}

ssize_t
spool_read(struct spool *sp, int fd)
{
	static char b[1 << 16];
	ssize_t k;

	if (!(sp->f && sp->frd < sp->fwr) && sp->mem.len - sp->off +
	    sizeof(b) <= SPOOL_MEM) {
		/* straight into memory, with no copy */
		if (sp->off > 0 && sp->off >= sp->mem.len / 2) {
			memmove(sp->mem.p, sp->mem.p + sp->off,
			    sp->mem.len - sp->off);
			sp->mem.len -= sp->off;
			sp->off = 0;
		}
		buf_grow(&sp->mem, sizeof(b));
		if ((k = read(fd, sp->mem.p + sp->mem.len, sizeof(b))) > 0)
			sp->mem.len += (size_t)k;
		return k;
	}
	if ((k = read(fd, b, sizeof(b))) > 0)
		spool_add(sp, b, (size_t)k);
	return k;
}

void
merge_sent(const char *line, size_t len)
{
	size_t i;

	if (nsent == sentcap) {
		/* the ring is full: unroll it into a bigger one */
		struct buf *b = xcalloc(sentcap ? 2 * sentcap : 8, sizeof(*b));

		for (i = 0; i < nsent; i++)
			b[i] = sent[(senthead + i) % sentcap];
		free(sent);
		sent = b;
		senthead = 0;
		sentcap = sentcap ? 2 * sentcap : 8;
	}
	i = (senthead + nsent++) % sentcap;
	sent[i].len = 0;
	buf_add(&sent[i], line, len);
}

/*
 * Every shard that has not ended waits at a barrier or restore: the one
 * skeyby passed on, with what the shards' operators added to its ops.
 */
static void
write_control(void)
{
	struct ctl_barrier fb, sb;
	struct buf *f, elems = { 0 };
	const char *why;
	size_t i;

	if (nsent == 0)
		die(1, "shards passed on a barrier that skeyby never sent");
	f = &sent[senthead];
	if (ctl_barrier(f->p, f->len, &fb, &why) != 0)
		die(1, "%s", why);
	for (i = 0; i < nshards; i++) {
		struct shard *s = &shards[i];

		if (s->turn != T_CONTROL)
			continue;
		if (ctl_barrier(s->ctl.p, s->ctl.len, &sb, &why) != 0)
			die(1, "shard %zu: %s", i, why);
		if (sb.n != fb.n || sb.end != fb.end ||
		    ctl_kind(s->ctl.p, s->ctl.len) != ctl_kind(f->p, f->len))
			die(1, "shard %zu passed on %.*s where skeyby sent "
			    "%.*s", i, (int)s->ctl.len, s->ctl.p, (int)f->len,
			    f->p);
		ctl_barrier_ops_from(s->ctl.p, &sb, fb.nent, &elems);
		ctl_barrier_free(&sb);
		s->turn = T_ROUND;
		s->ctl.len = 0;
	}
	if (ctl_kind(f->p, f->len) == CTL_CHECKPOINT && !fb.end)
		keyby_checkpoint(&fb, f->p);
	merged.len = 0;
	if (elems.len > 0)
		ctl_barrier_pass_elems(f->p, f->len, &fb, elems.p + 1,
		    elems.len - 1, &merged);
	else {
		buf_add(&merged, f->p, f->len);
		buf_addc(&merged, '\n');
	}
	if (!data_only)
		out_write(merged.p, merged.len);
	ctl_barrier_free(&fb);
	buf_free(&elems);
	senthead = (senthead + 1) % sentcap;
	nsent--;
}

/* The round is over: the merged watermark, a barrier; 1 when all ended. */
static int
end_round(void)
{
	struct shard *least = NULL;
	int all_ended = 1, all_wait = 1, all_wm = 1;
	size_t i;

	for (i = 0; i < nshards; i++) {
		struct shard *s = &shards[i];

		if (s->turn == T_DONE)
			continue;
		all_ended = 0;
		if (s->turn != T_CONTROL)
			all_wait = 0;
		if (!s->has_wm)
			all_wm = 0;
		else if (least == NULL || s->wm < least->wm)
			least = s;
	}
	cur = 0;
	if (all_ended)
		return 1;
	if (all_wm && least && (!has_out_wm || least->wm > out_wm)) {
		if (!data_only)
			out_write(least->wmline.p, least->wmline.len);
		out_wm = least->wm;
		has_out_wm = 1;
	}
	if (all_wait)
		write_control();
	for (i = 0; i < nshards; i++)
		if (shards[i].turn == T_WATERMARK)
			shards[i].turn = T_ROUND;
	return 0;
}

int
merge_run(void)
{
	const char *line, *why;
	struct shard *s;
	size_t len;
	int64_t w;

	for (;;) {
		if (cur == nshards) {
			if (end_round())
				return 1;
			continue;
		}
		s = &shards[cur];
		if (s->turn != T_ROUND) {
			cur++;
			continue;
		}
		if ((len = spool_data(&s->sp, &line)) > 0)
			out_write(line, len);
		if (!spool_line(&s->sp, &line, &len)) {
			if (!s->sp.eof || spool_unread(&s->sp) > 0)
				return 0;
			s->turn = T_DONE;
			cur++;
			continue;
		}
		switch (ctl_kind(line, len)) {
		case CTL_NONE:
			out_line(line, len);
			break;
		case CTL_WATERMARK:
			if (ctl_watermark(line, len, wm_unit, &w, &why) != 0)
				die(1, "shard %zu: %s: %.*s", cur, why,
				    (int)len, line);
			if (!s->has_wm || w > s->wm) {
				s->wm = w;
				s->has_wm = 1;
				s->wmline.len = 0;
				buf_add(&s->wmline, line, len);
				buf_addc(&s->wmline, '\n');
			}
			s->turn = T_WATERMARK;
			cur++;
			break;
		case CTL_CHECKPOINT:
		case CTL_RESTORE:
			s->ctl.len = 0;
			buf_add(&s->ctl, line, len);
			s->turn = T_CONTROL;
			cur++;
			break;
		}
	}
}

void
merge_save(struct buf *out)
{
	size_t i;

	buf_adds(out, "{\"wm\":[");
	for (i = 0; i < nshards; i++) {
		const struct shard *s = &shards[i];

		if (i)
			buf_addc(out, ',');
		if (!s->has_wm) {
			buf_adds(out, "null");
			continue;
		}
		buf_printf(out, "[%lld,", (long long)s->wm);
		buf_jstr(out, s->wmline.p, s->wmline.len - 1);
		buf_addc(out, ']');
	}
	buf_addc(out, ']');
	if (has_out_wm)
		buf_printf(out, ",\"out\":%lld", (long long)out_wm);
	buf_addc(out, '}');
}

int
merge_load(const char *line, size_t len)
{
	static const char *const paths[] = { "wm", "out" };
	struct scan_paths *ps = scan_compile(paths, 2);
	struct scan_error e;
	struct jval v[2], el, w[2];
	struct buf least = { 0 }, text = { 0 };
	int64_t x, min = 0;
	size_t pos = 0, p2, i, old = 0;
	int all = 1, r = -1;

	if (ps == NULL)
		die(1, "out of memory");
	if (scan_object(ps, line, len, v, &e) != 0 || v[0].type != J_ARRAY ||
	    (v[1].type != J_NONE && (v[1].type != J_NUMBER ||
	    num_parse_int(v[1].p, v[1].len, &out_wm) != 0)))
		goto out;
	has_out_wm = v[1].type != J_NONE;
	/* the shards' latest watermarks; with another number of shards
	 * (a rescale), each new one has the least of the old ones' */
	while (jv_element(&v[0], &pos, &el)) {
		if (el.type == J_NULL) {
			all = 0;
		} else {
			p2 = 0;
			if (el.type != J_ARRAY || !jv_element(&el, &p2, &w[0]) ||
			    !jv_element(&el, &p2, &w[1]) || w[0].type !=
			    J_NUMBER || w[1].type != J_STRING ||
			    num_parse_int(w[0].p, w[0].len, &x) != 0)
				goto out;
			text.len = 0;
			buf_grow(&text, w[1].len);
			text.len = jv_unescape(&w[1], text.p);
			buf_addc(&text, '\n');
			if (old < nshards) {
				shards[old].has_wm = 1;
				shards[old].wm = x;
				shards[old].wmline.len = 0;
				buf_add(&shards[old].wmline, text.p, text.len);
			}
			if (least.len == 0 || x < min) {
				min = x;
				least.len = 0;
				buf_add(&least, text.p, text.len);
			}
		}
		old++;
	}
	if (old != nshards)
		for (i = 0; i < nshards; i++) {
			shards[i].has_wm = all && least.len > 0;
			shards[i].wm = min;
			shards[i].wmline.len = 0;
			buf_add(&shards[i].wmline, least.p, least.len);
		}
	r = 0;
out:
	scan_free(ps);
	buf_free(&least);
	buf_free(&text);
	return r;
}

void
merge_free(void)
{
	size_t i;

	for (i = 0; i < sentcap; i++)
		buf_free(&sent[i]);
	free(sent);
	sent = NULL;
	nsent = sentcap = senthead = 0;
	buf_free(&merged);
}
