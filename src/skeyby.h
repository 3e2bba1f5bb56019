/*
 * skeyby: Flink's keyBy for a shell pipeline.  skeyby.c routes records by
 * key to N shard commands and owns the processes; skeyby_merge.c merges
 * what the shards write into one deterministic stream; skeyby_files.c
 * writes shards to files instead (-o TEMPLATE).
 */
#ifndef SKEYBY_H
#define SKEYBY_H

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>

#include "scan.h"
#include "tm.h"
#include "util.h"

/*
 * A shard's output not merged yet: in memory up to a bound, then in an
 * unlinked temp file, so that a shard whose turn has not come can go on
 * writing and never waits on one that needs more input to finish its turn.
 */
struct spool {
	struct buf mem;
	size_t off;		/* mem[off..len) is unread */
	FILE *f;		/* the overflow, once there was any */
	int64_t frd, fwr;	/* f[frd..fwr) is unread, after mem's */
	int eof;		/* the shard wrote all it will */
};

/* Where a shard stands in the merge's current round. */
enum turn { T_ROUND, T_WATERMARK, T_CONTROL, T_DONE };

struct shard {
	pid_t pid;		/* -1 once reaped */
	int in, out;		/* our ends of its stdin and stdout; -1 shut */
	struct buf q;		/* what waits to go to its stdin */
	size_t qoff;
	struct spool sp;
	enum turn turn;
	int has_wm;
	int64_t wm;		/* its latest watermark */
	struct buf wmline;	/* and that record */
	struct buf ctl;		/* the control record it waits at */
};

/*
 * The shards, for the merge; --hold, the most their spools may hold;
 * --time-unit, how to read their watermarks' numbers; --data-only.
 */
extern struct shard *shards;
extern size_t nshards;
extern int64_t hold_max;
extern enum tm_unit wm_unit;
extern int data_only;		/* --data-only: no control records out */

/*
 * The merge: merge_sent takes each barrier or restore as skeyby passed it
 * on (before the shards' own operators added theirs to its ops), to be
 * written once every shard has passed it.  merge_run writes all that can
 * be written now, in the order SPEC gives (cut at each watermark and
 * barrier, a segment shard by shard); 1 when every shard has ended.
 */
void merge_sent(const char *line, size_t len);
int merge_run(void);
void merge_free(void);

/*
 * The merge's state at a barrier (each shard's latest watermark, the last
 * merged one) as a snapshot line, and back: 0, or -1 when it is bad.
 * keyby_checkpoint, when the merged barrier b (line) is about to be
 * written, puts that line into skeyby's snapshot of it.
 */
void merge_save(struct buf *out);
int merge_load(const char *line, size_t len);
struct ctl_barrier;
void keyby_checkpoint(const struct ctl_barrier *b, const char *line);

/* Reads what the shard wrote into sp: read(2)'s return; at its end,
 * spool_end. */
ssize_t spool_read(struct spool *sp, int fd);
void spool_end(struct spool *sp);
void spool_free(struct spool *sp);

/*
 * -o TEMPLATE: files_init checks it (a usage error when bad) and says
 * whether it holds %d; files_put writes the data record line[0..len), of shard
 * shard and with its keys at vals[field[i]], to the file the template
 * names for it: 0, or -1 with *why set when that name would be too long
 * (a bad record).  files_close at the end: 0, or -1 when closing a file
 * failed (said on stderr).
 */
int files_init(const char *template, size_t n);
int files_put(const char *line, size_t len, size_t shard,
    const struct jval *vals, const int *field, size_t nkeys,
    const char **why);
int files_close(void);

#endif
