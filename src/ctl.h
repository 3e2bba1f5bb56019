/* ctl: in-band control records ($watermark, $checkpoint, $restore). */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>
#include <stdint.h>

#include "tm.h"
#include "util.h"

enum ctl_kind { CTL_NONE, CTL_WATERMARK, CTL_CHECKPOINT, CTL_RESTORE };

/*
 * Tells a control record by its prefix: SPEC writes the control key first
 * and compactly, so no parse is needed to tell.  CTL_NONE for data.
 */
enum ctl_kind ctl_kind(const char *line, size_t len);

/*
 * Reads the instant of a $watermark record (an RFC 3339 string or an epoch
 * number in unit u).  Returns 0, or -1 with *why set.
 */
int ctl_watermark(const char *line, size_t len, enum tm_unit u, int64_t *w,
    const char **why);

/*
 * A $checkpoint barrier or a $restore: its number, its state directory,
 * "final":true (the source's last barrier), "end":true (not a barrier:
 * the mark that the final barrier's tools have written all that the end
 * of their input fires), the operators it passed (its "ops" list), whose
 * count gives the next one its place, and "shard":S when skeyby sent it
 * to its shard S.  Operators in a shard are named "ID@S"; outside the
 * shards they do not count, so the places after a skeyby are the same
 * whatever its number of shards.
 */
struct ctl_barrier {
	int64_t n;
	char *dir;		/* decoded; ctl_barrier_free frees it */
	int final, end;
	int64_t shard;		/* -1 when not in a shard */
	int64_t from, shards;	/* a restore that rescales: from "from"
				 * shards to "shards"; else -1 */
	size_t keysoff, keyslen;	/* and skeyby's "keys" */
	size_t nops;		/* the entries that count for places */
	size_t nent;		/* all the entries */
	size_t opsoff, opslen;	/* where "ops" is in the line; opslen is 0
				 * when it is not there */
};

/* Reads one; 0, or -1 with *why set. */
int ctl_barrier(const char *line, size_t len, struct ctl_barrier *b,
    const char **why);

/*
 * Appends the record line[0..len) that b was read from, with id added to
 * its ops and all else as it was, and a newline: the record to forward.
 */
void ctl_barrier_pass(const char *line, size_t len,
    const struct ctl_barrier *b, const char *id, struct buf *out);

/*
 * The same with elems (n bytes: JSON values joined by commas, or none)
 * added to its ops.
 */
void ctl_barrier_pass_elems(const char *line, size_t len,
    const struct ctl_barrier *b, const char *elems, size_t n,
    struct buf *out);

/*
 * Appends to out the entries of b's ops from the k-th on (0-based) as
 * they are written in line, each after a comma: what the operators after
 * the first k added.
 */
void ctl_barrier_ops_from(const char *line, const struct ctl_barrier *b,
    size_t k, struct buf *out);

void ctl_barrier_free(struct ctl_barrier *b);

/*
 * Appends {"KEY":n,"dir":DIR} and a newline, KEY "$checkpoint" or
 * "$restore", with extra (members after a comma, or "") before the brace.
 */
void ctl_fmt_barrier(struct buf *out, const char *key, int64_t n,
    const char *dir, const char *extra);

/* Frees what ctl_watermark and ctl_barrier keep between calls. */
void ctl_free(void);

/* Writes {"$watermark":...} and a newline into dst (2 * TM_MAXLEN). */
size_t ctl_fmt_watermark(int64_t w, enum tm_unit u, char *dst);

#endif
