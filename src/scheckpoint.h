/*
 * scheckpoint's parts: the source (scheckpoint_source.c), the sink
 * (scheckpoint_sink.c), and the tool with --status (scheckpoint.c), which
 * holds what they share: the commit records.
 */
#ifndef SCHECKPOINT_H
#define SCHECKPOINT_H

#include <stdint.h>

#include "tm.h"
#include "util.h"

/*
 * DIR/ckpt.N/commit: what the sink made durable at barrier N.  Written
 * once at the barrier, and again with complete set and end_bytes when
 * the output after the final barrier is durable too.
 */
struct commit {
	int64_t n;
	int64_t bytes;		/* the output's length at the barrier */
	int64_t end_bytes;	/* and at the end of the input */
	int final, complete;
	char time[TM_MAXLEN];	/* when it was committed, RFC 3339 */
	char *output;		/* the output file, or NULL: stdout */
	char *ops;		/* the operators' ids: a JSON array's text */
};

/* Reads commit n in dir: 0, or -1 with the reason in why (-2: a newer
 * format wrote it). */
int commit_load(const char *dir, int64_t n, struct commit *c, char *why,
    size_t whylen);

/* Writes commit c into dir durably; ends the tool when it cannot. */
void commit_write(const char *dir, const struct commit *c);

void commit_free(struct commit *c);

/*
 * The newest checkpoint in dir that was committed and whose every
 * snapshot reads back whole (checksums, format): 1 with *c filled, or 0
 * when there is none.  A newer one that is damaged is named on stderr
 * when warn is set, and passed over.
 */
int commit_newest(const char *dir, struct commit *c, int warn);

/* The i-th operator id of c into id (size n): 1, or 0 after the last. */
int commit_op(const struct commit *c, size_t i, char *id, size_t n);

/*
 * The source's snapshot state: where the input stood at barrier n, its
 * byte offset and line number (-1 when the source did not count them).
 */
int source_position(const char *dir, int64_t n, const char *input,
    int64_t *offset, int64_t *line, char *why, size_t whylen);

/* The options a source snapshot holds: its input, "-" for stdin. */
void source_options(struct buf *out, const char *input);

/* The modes: each ends the tool. */
_Noreturn void source_run(const char *dir, int64_t every_n,
    int64_t every_ns, int follow, char **files, int nfiles);
_Noreturn void sink_run(const char *dir, const char *output);

#endif
