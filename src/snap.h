/*
 * snap: checkpoint files in a state directory, written as Redis writes its
 * snapshot.  DIR/ckpt.N/ holds checkpoint N: a file per operator and the
 * sink's commit record.  Each is NDJSON that jq can read: a header naming
 * the tool, the operator, the checkpoint and the options a restore must
 * match; one line per piece of state; and a last line with the crc32
 * (zlib's) of every byte before it.
 */
#ifndef SNAP_H
#define SNAP_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SNAP_FORMAT 1	/* a reader refuses a newer one */

/* An unfinished snapshot: a temp file in the checkpoint's directory. */
struct snap_w {
	int fd;
	char *tmp, *path, *dirpath;
	uint32_t crc;
	struct buf b;		/* bytes not yet written */
	size_t sent;		/* bytes written */
	int failed;		/* a write failed: errno in err */
	int err;
};

/* "DIR/ckpt.N/NAME" into out (emptied first). */
void snap_path(struct buf *out, const char *dir, int64_t n, const char *name);

/*
 * Begins the file name of checkpoint n in dir (ckpt.N made when missing)
 * for operator id of tool, whose options (a JSON object's text) a restore
 * must match.  Returns 0, or -1 with errno set and a message in why.
 */
int snap_begin(struct snap_w *w, const char *dir, int64_t n,
    const char *name, const char *tool, const char *id, const char *options,
    char *why, size_t whylen);

/* Appends one line of state; line holds no newline. */
void snap_put(struct snap_w *w, const char *line, size_t len);

/*
 * Ends it: the checksum line, every byte written and fsync'd, the temp
 * file renamed into place and the directory fsync'd.  Returns 0, or -1
 * with a message in why; the temp file is then removed.
 */
int snap_end(struct snap_w *w, char *why, size_t whylen);

/* A snapshot checked whole, then read line by line: its state lines. */
struct snap_r {
	int fd;
	char *buf;		/* lines read and not yet given: */
	size_t cap, start, end;	/* buf[start..end) */
	off_t pos, stop;	/* the file's next byte to read; where the
				 * checksum line starts */
	char *head;		/* the header line */
	char tool[32], id[80];
	int64_t checkpoint;
	const char *options;	/* the header's options text, in head */
	size_t optlen;
};

/*
 * Reads the file at path and checks its checksum and format; when tool is
 * not NULL, also that it was written by tool with these options.  Returns
 * 0; -2 when a newer format wrote it; or -1: missing, damaged (checksum),
 * other tool or options (naming both).  why then says which.
 */
int snap_load(struct snap_r *r, const char *path, const char *tool,
    const char *options, char *why, size_t whylen);

/*
 * The next state line into *line and *len (valid until the next call): 1,
 * or 0 after the last.  A read error ends the tool.
 */
int snap_next(struct snap_r *r, const char **line, size_t *len);

void snap_free(struct snap_r *r);

/*
 * The checkpoints in dir (its ckpt.N directories), newest first: their
 * numbers in *ns (the caller frees it).  Returns how many, or -1 with
 * errno set when dir cannot be read.
 */
int snap_list(const char *dir, int64_t **ns);

/* Removes checkpoint n from dir, with what it holds: 0, or -1 (errno). */
int snap_remove(const char *dir, int64_t n);

/*
 * Appends x so that it reads back as the same double, -0 included: the
 * shortest round-trip form, which snap_double reads.
 */
void snap_put_double(struct buf *b, double x);
double snap_double(const char *s, size_t n);

#endif
