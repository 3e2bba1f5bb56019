/* rec: reading NDJSON lines from stdin or FILE operands, and bad records. */
#ifndef REC_H
#define REC_H

#include <stdint.h>
#include <stdio.h>

#include "scan.h"
#include "tm.h"
#include "util.h"

struct input {
	char **files;		/* FILE operands; none means stdin */
	int nfiles, next;
	int fd;			/* -1 before the first file is opened */
	int regular;		/* reads from a regular file never block */
	const char *name;	/* current file, for messages; NULL for stdin */
	char *buf;
	size_t cap, start, end;
	int eof;		/* the current file has no more bytes */
	int64_t lineno;		/* physical line number in the current file */
	int64_t offset;		/* bytes of the current file read as lines */
	int raw;		/* lines as they are: blank ones, CR and
				 * the newline kept */
	int follow;		/* at the end of a regular file, wait for more
				 * (tail -f): lines only once their newline
				 * is there */
};

/* Prepares to read the operands in order ("-" is stdin). */
void in_init(struct input *in, char **files, int nfiles);

/*
 * Reads the next line that is not blank into *line (newline and a trailing
 * CR removed; valid until the next call), padded for scan_line: the
 * newline or CR, or at the end of the input a newline put there, follows
 * it, and SCAN_PAD bytes from there on can be read.  Before it would
 * block it flushes every output stream, so live pipelines see results at
 * once.  deadline is a tm_mono() instant, or -1 to wait as long as it
 * takes.  Returns 1 for a line, 0 at the end of all input, -1 when the
 * deadline came first.  An unreadable file ends the tool with a message.
 */
int in_line(struct input *in, char **line, size_t *len, int64_t deadline);

/*
 * Goes to byte offset of the first operand, as line lineno, before the
 * first read: 0, or -1 when the input is no regular file (the caller
 * then reads to offset) or shorter than offset (errno ESPIPE or EINVAL).
 */
int in_seek(struct input *in, int64_t offset, int64_t lineno);

/* 1 when a whole line is in the buffer already: in_line will not read. */
int in_buffered(const struct input *in);

/* Frees the buffer and closes the current file. */
void in_free(struct input *in);

/*
 * Appends v's text in the one form that equal values share: numbers by
 * their exact decimal value (1, 1.0 and 1e0 are "1"), strings with the
 * fewest escapes, arrays and objects compact with their keys sorted;
 * absent becomes null.  Keys and distinct compare values this way.
 */
void jv_canonical(const struct jval *v, struct buf *out);

/*
 * A record's key as one text, which keys compare and shards hash: the
 * canonical text of vals[field[0]] for one key, of the array of them for
 * several ("[\"u1\",\"eu\"]"); a missing key is null.  Replaces out.
 */
void key_text(const struct jval *vals, const int *field, size_t n,
    struct buf *out);

/*
 * The same text without the copy where the line holds it already: one
 * key that is its own canonical text (a string with no escape, an
 * integer token) is pointed at in the line; any other is built in out
 * and pointed at there.  Valid while the line and out are.
 */
void key_view(const struct jval *vals, const int *field, size_t n,
    struct buf *out, const char **k, size_t *klen);

/*
 * The shard of key text k[0..len) among n: its FNV-1a hash modulo n,
 * which skeyby's man page gives: the same on every run, machine and
 * build.
 */
size_t key_shard(const char *k, size_t len, size_t n);

/* What to do with a bad record: --skip-bad, --dead-letter FILE, or stop. */
struct badpolicy {
	int skip;
	FILE *dead;
	int64_t skipped;
};

/* Opens the dead-letter file for appending; ends the tool if it cannot. */
void bad_deadletter(struct badpolicy *bp, const char *path);

/*
 * Deals with the bad record line[0..len) read from in: ends the tool with
 * "prog: [file: ]line N: why" and exit 1, or counts and skips it, or
 * appends {"line":N,"error":why,"raw":line} to the dead-letter file.
 */
void bad_record(struct badpolicy *bp, const struct input *in,
    const char *line, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The same for a record that began on line lineno of in (a CSV row that
 * spans lines). */
void bad_record_at(struct badpolicy *bp, const struct input *in,
    int64_t lineno, const char *line, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* At exit: reports skipped records on stderr and closes the file. */
void bad_finish(struct badpolicy *bp);

/*
 * Scans a data record, a line from in_line, for the compiled paths (with
 * scan_line).  On a bad line applies the policy and returns -1; else 0.
 */
int rec_scan(struct badpolicy *bp, const struct input *in,
    const struct scan_paths *ps, const char *line, size_t len,
    struct jval *vals);

/*
 * Reads the event time at path (whose value is v) into *t.  When it is
 * missing or bad, applies the policy and returns -1; else 0.
 */
int rec_time(struct badpolicy *bp, const struct input *in, const char *line,
    size_t len, const struct jval *v, const struct tm_opts *o,
    const char *path, int64_t *t);

/* At most 40 bytes of v's text, for a message; valid until the next call. */
const char *jv_excerpt(const struct jval *v);

/*
 * The options every tool that reads event time takes: -t, --time-unit,
 * --time-format, --time-out, --tz, --skip-bad, --dead-letter, --id,
 * --data-only, --version.
 */
struct recopts {
	const char *tpath;	/* -t PATH, "ts" by default */
	struct tm_opts topts;
	enum tm_unit time_out;	/* TU_AUTO: RFC 3339 */
	const char *deadpath;
	struct badpolicy bad;
	const char *id;		/* --id NAME in checkpoints, or NULL */
	const char *tz;		/* --tz ZONE, or NULL for UTC */
	int data_only;		/* --data-only: write no control records */
};

enum { RO_DEADLETTER = 1000, RO_ID, RO_SKIPBAD, RO_TFORMAT, RO_TOUT,
	RO_TUNIT, RO_TZ, RO_VERSION, RO_DATAONLY };

/* Their entries for a tool's getopt_long table. */
#define RECOPTS_LONG \
	{ "data-only", no_argument, NULL, RO_DATAONLY }, \
	{ "dead-letter", required_argument, NULL, RO_DEADLETTER }, \
	{ "id", required_argument, NULL, RO_ID }, \
	{ "skip-bad", no_argument, NULL, RO_SKIPBAD }, \
	{ "time", required_argument, NULL, 't' }, \
	{ "time-format", required_argument, NULL, RO_TFORMAT }, \
	{ "time-out", required_argument, NULL, RO_TOUT }, \
	{ "time-unit", required_argument, NULL, RO_TUNIT }, \
	{ "tz", required_argument, NULL, RO_TZ }, \
	{ "version", no_argument, NULL, RO_VERSION }

void recopts_init(struct recopts *ro);

/*
 * Option values, checked: each returns the value, or ends the tool with
 * a usage error that names the option.  opt_duration takes a duration
 * (zero only when allow_zero), opt_file a non-empty file name, opt_path a
 * field path ("a.b.c": no empty part).
 */
int64_t opt_duration(const char *opt, const char *arg, int allow_zero);

/*
 * -k KEYS: a comma list of field paths, each maybe renamed for output
 * (PATH=NAME, "-k op.action=action,user").  Appends the paths and names
 * (the path itself when not renamed) to *paths and *names, both of *n;
 * a bad path or an empty name is a usage error.
 */
void opt_keys(const char *arg, char ***paths, char ***names, size_t *n);

/* What a bad duration's message lists. */
#define DUR_UNITS "units: ns, us, ms, s, m, h, d, combined as in 1h30m; " \
	"a bare number is seconds"
const char *opt_file(const char *opt, const char *arg);
const char *opt_path(const char *opt, const char *arg);

/*
 * Takes option c with argument arg if it is one of those; returns 1 when
 * it was.  A bad value is a usage error; --version prints and exits.
 */
int recopts_parse(struct recopts *ro, int c, const char *arg);

/* After the options: checks them together, opens the dead-letter file. */
void recopts_finish(struct recopts *ro);

/*
 * For the tools that read event time, after recopts_finish: selects --tz's
 * zone (UTC without it), or ends the tool with a usage error.
 */
void recopts_zone(const struct recopts *ro);

/* Late records that a tool drops: counted, and kept in a file if asked. */
struct latesink {
	FILE *f;
	const char *path;
	int64_t n;
	int64_t records;	/* data records read, late or not */
	const char *hint;	/* what to try when most were late */
};

/* Opens path for appending (NULL: count only); ends the tool on error. */
void late_open(struct latesink *ls, const char *path);

/* Counts the late record line[0..len) and appends it to the file. */
void late_add(struct latesink *ls, const char *line, size_t len);

/*
 * At exit: "N late events dropped" when there were any (and where they
 * were written), with the hint when they were most of the records;
 * closes the file.
 */
void late_finish(struct latesink *ls);

#endif
