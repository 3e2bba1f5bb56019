/*
 * op: the one shape of every tool that reads records, an operator in
 * Flink's word.  op_run owns the input, the control records ($watermark
 * read, $checkpoint and $restore carried out), deadlines, the end of the
 * input and teardown; the tool gives what is its own: what a data record
 * and a watermark do, its state for snapshots, and its end.
 */
#ifndef OP_H
#define OP_H

#include <stddef.h>
#include <stdint.h>

#include "rec.h"
#include "snap.h"
#include "util.h"

struct op {
	const char *tool;	/* its name in snapshots */
	struct recopts *ro;	/* -t, time, bad records, --id */
	struct latesink *late;	/* its --late file, or NULL */
	struct input in;	/* the input: op_run sets it up */

	void (*record)(const char *line, size_t len);
	/* a $watermark at w: returns 1 to forward the record; with NULL
	 * watermarks are forwarded unread */
	int (*watermark)(int64_t w, const char *line, size_t len);
	/* the options a restore must match, as a JSON object's text */
	void (*options)(struct buf *out);
	/* its state, one snap_put line per piece; NULL: a tool without
	 * state, which only forwards barriers */
	void (*snapshot)(struct snap_w *w);
	/* one state line back: 0, or -1 with *why set */
	int (*restore)(const char *line, size_t len, const char **why);
	/* for a restore that rescales (skeyby with another -n): the text of
	 * skeyby's keys (key_text of keys[0..n)) for a state line into out:
	 * 1, or 0 for a line of no key, or -1 with *why set when the line
	 * cannot tell it; NULL: the tool cannot be rescaled */
	int (*state_key)(const char *line, size_t len,
	    const char *const *keys, size_t n, struct buf *out,
	    const char **why);
	/* the next tm_mono() instant it wants to be woken at, or -1 */
	int64_t (*deadline)(void);
	/* after every wait for input; timed_out when the deadline came */
	void (*tick)(int timed_out);
	/* end of input: what is left fires; its memory is freed */
	void (*end)(void);
	/* where records it passes on go (each without its newline); NULL:
	 * standard output */
	void (*forward)(const char *line, size_t len);
};

/*
 * Runs op over the files (none: standard input) to the end, and exits
 * through finish(): 0, or 1 when writing failed.  Errors in the input
 * are bad records (the tool's policy); a snapshot that cannot be written
 * or read ends the tool with exit 1 and a message naming the file.
 */
_Noreturn void op_run(struct op *op, char **files, int nfiles);

/*
 * For a tool with a read loop of its own (skeyby), op_run's two halves:
 * op_control carries out the control record line[0..len) (the
 * snapshot, restore or watermark, then the forward) and returns 1, or
 * returns 0 for a data record, which is the tool's.  op_end, at the end
 * of op->in, passes on the end mark it held and frees what op_run would.
 */
int op_control(struct op *op, const char *line, size_t len);
void op_end(struct op *op);

/*
 * Appends ,"name":v to a JSON object being built, for options and state
 * lines: a string, a number, or JSON text as it is.
 */
void op_jstr(struct buf *b, const char *name, const char *s);
void op_jint(struct buf *b, const char *name, int64_t v);
void op_json(struct buf *b, const char *name, const char *json, size_t n);

/*
 * -d: a watermark that trails the largest event time seen by a delay.
 * bwm_see takes an event time; it returns 1 when the largest grew, with
 * the watermark now in *w.
 */
struct bwm {
	int64_t delay, max;
	int seen;
};

int bwm_see(struct bwm *b, int64_t t, int64_t *w);

/*
 * The event-time state both stateful tools keep, as one snapshot line:
 * {"seq":SEQ,"wm":W,"max":M} (the arrival count; the watermark when
 * there is one; the largest event time seen).  op_load_clock reads it
 * back: 1 when line is that line, 0 when it is another, -1 when bad.
 */
void op_save_clock(struct snap_w *w, int has_wm, int64_t wm,
    const struct bwm *b, int64_t seq);
int op_load_clock(const char *line, size_t len, int *has_wm, int64_t *wm,
    struct bwm *b, int64_t *seq);

#endif
