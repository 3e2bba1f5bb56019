/*
 * scheckpoint: exactly once for shell pipelines.  As the source it reads
 * the input, resumes it just after the last committed checkpoint, and
 * puts $checkpoint barriers into the stream; as the sink (--commit) it
 * writes the output and commits each barrier; --status tells what DIR
 * holds.
 */
#define _XOPEN_SOURCE 700	/* realpath */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "num.h"
#include "op.h"
#include "scan.h"
#include "scheckpoint.h"
#include "snap.h"

static _Noreturn void
usage(void)
{
	fputs("usage: scheckpoint -d DIR [--every DUR|N] [-f] [FILE|-]\n"
	    "       scheckpoint -d DIR --commit [-o FILE] [--data-only]\n"
	    "       scheckpoint -d DIR --status [--json]\n", stdout);
	finish(0);
}

/* ---- commit records ---- */

int
commit_load(const char *dir, int64_t n, struct commit *c, char *why,
    size_t whylen)
{
	static const char *const paths[] = { "bytes", "end_bytes", "final",
	    "complete", "time", "output", "ops" };
	struct scan_paths *ps;
	struct scan_error e;
	struct jval v[LEN(paths)];
	struct buf path = { 0 };
	struct snap_r r;
	const char *line;
	size_t len;
	int ok;

	memset(c, 0, sizeof(*c));
	c->n = n;
	snap_path(&path, dir, n, "commit");
	buf_addc(&path, '\0');
	if ((ok = snap_load(&r, path.p, "scheckpoint", NULL, why,
	    whylen)) != 0) {
		buf_free(&path);
		return ok;
	}
	if ((ps = scan_compile(paths, LEN(paths))) == NULL)
		die(1, "out of memory");
	ok = snap_next(&r, &line, &len) && scan_object(ps, line, len, v,
	    &e) == 0 && v[0].type == J_NUMBER && num_parse_int(v[0].p,
	    v[0].len, &c->bytes) == 0 && v[4].type == J_STRING &&
	    v[4].len < sizeof(c->time) && v[6].type == J_ARRAY &&
	    (v[5].type == J_STRING || v[5].type == J_NULL);
	if (ok) {
		c->final = v[2].type == J_TRUE;
		c->complete = v[3].type == J_TRUE;
		if (v[1].type == J_NUMBER)
			num_parse_int(v[1].p, v[1].len, &c->end_bytes);
		c->time[jv_unescape(&v[4], c->time)] = '\0';
		if (v[5].type == J_STRING) {
			c->output = xmalloc(v[5].len);
			c->output[jv_unescape(&v[5], c->output)] = '\0';
		}
		c->ops = xmemdup(v[6].p, v[6].len);
	} else {
		snprintf(why, whylen, "%s: not a commit record", path.p);
	}
	scan_free(ps);
	snap_free(&r);
	buf_free(&path);
	return ok ? 0 : -1;
}

void
commit_write(const char *dir, const struct commit *c)
{
	struct snap_w w;
	struct buf b = { 0 };
	char why[512];

	if (snap_begin(&w, dir, c->n, "commit", "scheckpoint", "commit", "{}",
	    why, sizeof(why)) != 0)
		die(1, "commit %lld: %s", (long long)c->n, why);
	buf_adds(&b, "{");
	op_jint(&b, "bytes", c->bytes);
	if (c->complete)
		op_jint(&b, "end_bytes", c->end_bytes);
	op_json(&b, "final", c->final ? "true" : "false", c->final ? 4 : 5);
	op_json(&b, "complete", c->complete ? "true" : "false",
	    c->complete ? 4 : 5);
	op_jstr(&b, "time", c->time);
	op_jstr(&b, "output", c->output);
	op_json(&b, "ops", c->ops, strlen(c->ops));
	buf_addc(&b, '}');
	snap_put(&w, b.p, b.len);
	buf_free(&b);
	if (snap_end(&w, why, sizeof(why)) != 0)
		die(1, "commit %lld: %s", (long long)c->n, why);
}

void
commit_free(struct commit *c)
{
	free(c->output);
	free(c->ops);
	c->output = c->ops = NULL;
}

int
commit_op(const struct commit *c, size_t i, char *id, size_t n)
{
	struct jval a = { c->ops, strlen(c->ops), J_ARRAY, 0, 0, 0 }, el;
	size_t pos = 0, k;

	for (k = 0; jv_element(&a, &pos, &el); k++)
		if (k == i) {
			if (el.type != J_STRING || el.len - 2 >= n)
				return 0;
			id[jv_unescape(&el, id)] = '\0';
			return 1;
		}
	return 0;
}

/* Does every snapshot of commit c read back whole?  0, or -1 with why;
 * one that a newer format wrote ends the tool. */
static int
commit_check(const char *dir, const struct commit *c, char *why,
    size_t whylen)
{
	struct buf path = { 0 }, name = { 0 };
	struct snap_r r;
	char id[80];
	size_t i;
	int bad = 0;

	snap_path(&path, dir, c->n, "source");
	buf_addc(&path, '\0');
	if ((bad = snap_load(&r, path.p, "scheckpoint", NULL, why,
	    whylen)) == 0)
		snap_free(&r);
	for (i = 0; !bad && commit_op(c, i, id, sizeof(id)); i++) {
		name.len = 0;
		buf_printf(&name, "op.%s", id);
		snap_path(&path, dir, c->n, name.p);
		buf_addc(&path, '\0');
		if ((bad = snap_load(&r, path.p, NULL, NULL, why, whylen)) == 0)
			snap_free(&r);
	}
	/* no falling back past what a newer version wrote: stop, DIR as it
	 * is, and say so */
	if (bad == -2)
		die(1, "%s", why);
	buf_free(&path);
	buf_free(&name);
	return bad ? -1 : 0;
}

int
commit_newest(const char *dir, struct commit *c, int warn)
{
	struct buf path = { 0 };
	struct stat st;
	int64_t *ns;
	char why[1024];
	int n, i, r, found = 0;

	if ((n = snap_list(dir, &ns)) < 0)
		die(1, "%s: %s", dir, strerror(errno));
	for (i = 0; i < n && !found; i++) {
		snap_path(&path, dir, ns[i], "commit");
		buf_addc(&path, '\0');
		if (stat(path.p, &st) != 0)
			continue;	/* not committed: the run died first */
		if ((r = commit_load(dir, ns[i], c, why, sizeof(why))) == -2)
			die(1, "%s", why);
		if (r == 0 && commit_check(dir, c, why, sizeof(why)) == 0) {
			found = 1;
			break;
		}
		commit_free(c);
		if (warn)
			warnmsg("checkpoint %lld is damaged, an older one is "
			    "used: %s", (long long)ns[i], why);
	}
	free(ns);
	buf_free(&path);
	return found;
}

void
source_options(struct buf *out, const char *input)
{
	buf_adds(out, "{");
	op_jstr(out, "input", input);
	buf_addc(out, '}');
	buf_addc(out, '\0');
	out->len--;
}

int
source_position(const char *dir, int64_t n, const char *input,
    int64_t *offset, int64_t *line, char *why, size_t whylen)
{
	static const char *const paths[] = { "offset", "line" };
	struct scan_paths *ps;
	struct scan_error e;
	struct jval v[LEN(paths)];
	struct buf path = { 0 }, opts = { 0 };
	struct snap_r r;
	const char *s;
	size_t len;
	int ok;

	snap_path(&path, dir, n, "source");
	buf_addc(&path, '\0');
	if (input)
		source_options(&opts, input);
	if (snap_load(&r, path.p, "scheckpoint", input ? opts.p : NULL, why,
	    whylen) != 0) {
		buf_free(&path);
		buf_free(&opts);
		return -1;
	}
	if ((ps = scan_compile(paths, LEN(paths))) == NULL)
		die(1, "out of memory");
	*line = -1;
	ok = snap_next(&r, &s, &len) && scan_object(ps, s, len, v, &e) == 0 &&
	    v[0].type == J_NUMBER &&
	    num_parse_int(v[0].p, v[0].len, offset) == 0 &&
	    (v[1].type == J_NONE || (v[1].type == J_NUMBER &&
	    num_parse_int(v[1].p, v[1].len, line) == 0 && *line >= 0));
	if (!ok)
		snprintf(why, whylen, "%s: a bad state line", path.p);
	scan_free(ps);
	snap_free(&r);
	buf_free(&path);
	buf_free(&opts);
	return ok ? 0 : -1;
}

/* ---- --status ---- */

/* The size of checkpoint n's file name in dir, or -1. */
static int64_t
file_size(const char *dir, int64_t n, const char *name, struct buf *path)
{
	struct stat st;

	snap_path(path, dir, n, name);
	buf_addc(path, '\0');
	path->len--;
	return stat(path->p, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* The input a source snapshot names, from its header's options. */
static void
source_input(const char *dir, int64_t n, struct buf *out)
{
	static const char *const paths[] = { "input" };
	struct scan_paths *ps = scan_compile(paths, 1);
	struct scan_error e;
	struct buf path = { 0 };
	struct snap_r r;
	struct jval v;
	char why[512];

	snap_path(&path, dir, n, "source");
	buf_addc(&path, '\0');
	if (ps && snap_load(&r, path.p, NULL, NULL, why, sizeof(why)) == 0) {
		if (scan_object(ps, r.options, r.optlen, &v, &e) == 0 &&
		    v.type == J_STRING)
			buf_add(out, v.p, v.len);
		snap_free(&r);
	}
	if (out->len == 0)
		buf_adds(out, "null");
	scan_free(ps);
	buf_free(&path);
}

/* The input's name for a person: the JSON string decoded. */
static const char *
in_name(const struct buf *json)
{
	static char name[4096];
	struct jval v = { json->p, json->len, J_STRING, JV_ESCAPED, 0, 0 };

	if (json->len < 2 || json->p[0] != '"' || json->len > sizeof(name))
		return "?";
	name[jv_unescape(&v, name)] = '\0';
	return strcmp(name, "-") == 0 ? "standard input" : name;
}

static _Noreturn void
status(const char *dir, int json)
{
	struct commit c;
	struct buf b = { 0 }, path = { 0 }, input = { 0 }, name = { 0 };
	struct snap_r r;
	int64_t offset = 0, line = 0, size;
	char why[1024], id[80];
	size_t i;

	if (!commit_newest(dir, &c, !json)) {
		if (json)
			printf("{\"dir\":\"%s\",\"checkpoint\":null}\n", dir);
		else
			printf("%s: no committed checkpoint\n", dir);
		finish(0);
	}
	source_input(dir, c.n, &input);
	if (source_position(dir, c.n, NULL, &offset, &line, why,
	    sizeof(why)) != 0)
		die(1, "%s", why);
	if (json) {
		buf_adds(&b, "{");
		op_jstr(&b, "dir", dir);
		op_jint(&b, "checkpoint", c.n);
		op_jstr(&b, "time", c.time);
		op_json(&b, "final", c.final ? "true" : "false", c.final ? 4 :
		    5);
		op_json(&b, "complete", c.complete ? "true" : "false",
		    c.complete ? 4 : 5);
		buf_adds(&b, ",\"input\":{");
		op_json(&b, "path", input.p, input.len);
		op_jint(&b, "offset", offset);
		if (line >= 0)
			op_jint(&b, "line", line);
		buf_adds(&b, "},\"output\":{");
		op_jstr(&b, "path", c.output);
		op_jint(&b, "bytes", c.complete ? c.end_bytes : c.bytes);
		buf_adds(&b, "},\"operators\":[");
	} else {
		buf_printf(&b, "checkpoint %lld, committed %s%s\n",
		    (long long)c.n, c.time, c.complete ? ", the input's end" :
		    c.final ? ", at the input's end" : "");
		buf_printf(&b, "input:  %s, byte %lld", in_name(&input),
		    (long long)offset);
		if (line >= 0)
			buf_printf(&b, " (line %lld)", (long long)line);
		buf_addc(&b, '\n');
		buf_printf(&b, "output: %s, %lld bytes\n", c.output ? c.output :
		    "standard output", (long long)(c.complete ? c.end_bytes :
		    c.bytes));
		buf_adds(&b, "operators:\n");
	}
	for (i = 0; i == 0 || commit_op(&c, i - 1, id, sizeof(id)); i++) {
		name.len = 0;
		if (i == 0)
			buf_adds(&name, "source");
		else
			buf_printf(&name, "op.%s", id);
		buf_addc(&name, '\0');
		size = file_size(dir, c.n, name.p, &path);
		if (snap_load(&r, path.p, NULL, NULL, why, sizeof(why)) != 0)
			die(1, "%s", why);
		if (json) {
			buf_adds(&b, i ? ",{" : "{");
			op_jstr(&b, "id", r.id);
			op_jstr(&b, "tool", r.tool);
			op_jstr(&b, "file", path.p);
			op_jint(&b, "bytes", size);
			buf_addc(&b, '}');
		} else {
			buf_printf(&b, "  %-8s %-12s %s, %lld bytes\n", r.id,
			    r.tool, path.p, (long long)size);
		}
		snap_free(&r);
	}
	if (json)
		buf_adds(&b, "]}\n");
	out_write(b.p, b.len);
	commit_free(&c);
	buf_free(&b);
	buf_free(&path);
	buf_free(&input);
	buf_free(&name);
	finish(0);
}

/* ---- the tool ---- */

/* path made absolute, for the commit record; it need not exist yet. */
static char *
absolute(const char *path)
{
	struct buf b = { 0 };
	char *cwd;

	if (path[0] == '/')
		return xstrdup(path);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		die(1, "getcwd: %s", strerror(errno));
	buf_printf(&b, "%s/%s", cwd, path);
	free(cwd);
	return b.p;
}

/* --every: a bare integer counts input lines, a duration is wall-clock. */
static void
parse_every(const char *arg, int64_t *n, int64_t *ns)
{
	if (*arg && strspn(arg, "0123456789") == strlen(arg)) {
		if (num_parse_int(arg, strlen(arg), n) != 0 || *n == 0)
			usage_error("--every: bad number '%s'", arg);
		*ns = 0;
		return;
	}
	*n = 0;
	*ns = opt_duration("--every", arg, 0);
}

enum { OPT_COMMIT = 256, OPT_DATAONLY, OPT_EVERY, OPT_JSON, OPT_STATUS,
	OPT_VERSION };

static const struct option longopts[] = {
	{ "commit", no_argument, NULL, OPT_COMMIT },
	{ "data-only", no_argument, NULL, OPT_DATAONLY },
	{ "dir", required_argument, NULL, 'd' },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "follow", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "status", no_argument, NULL, OPT_STATUS },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char *argv[])
{
	const char *dir = NULL, *output = NULL;
	int c, commit = 0, follow = 0, json = 0, stat_mode = 0, has_every = 0;
	int data_only = 0;
	int64_t every_n = 100000, every_ns = 0;
	char *abs;

	tool_init("scheckpoint");
	while ((c = getopt_long(argc, argv, "d:fho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = opt_file("-d", optarg);
			break;
		case 'f':
			follow = 1;
			break;
		case 'h':
			usage();
		case 'o':
			output = opt_file("-o", optarg);
			break;
		case OPT_COMMIT:
			commit = 1;
			break;
		case OPT_DATAONLY:
			data_only = 1;
			break;
		case OPT_EVERY:
			parse_every(optarg, &every_n, &every_ns);
			has_every = 1;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_STATUS:
			stat_mode = 1;
			break;
		case OPT_VERSION:
			printf("%s (streamutils) %s\n", progname, VERSION);
			finish(0);
		default:
			usage_error(NULL);	/* getopt said what */
		}
	}
	if (dir == NULL)
		usage_error("-d DIR is required");
	if (commit + stat_mode > 1)
		usage_error("--commit and --status exclude each other");
	if (!commit && output)
		usage_error("-o goes with --commit");
	if (json && !stat_mode)
		usage_error("--json goes with --status");
	/* the sink writes data records only anyway */
	if (data_only && !commit && !stat_mode)
		usage_error("--data-only: the source's barriers are what the "
		    "pipeline runs on; it goes at the end (the sink writes "
		    "data records only)");
	if ((commit || stat_mode) && (has_every || follow ||
	    optind < argc))
		usage_error("--every, -f and FILE are the source's: not with "
		    "--%s", commit ? "commit" : "status");
	if (argc - optind > 1)
		usage_error("one FILE at most");
	/* the source and the sink make DIR, whichever comes first */
	if (!stat_mode && mkdir(dir, 0777) != 0 && errno != EEXIST)
		die(1, "%s: %s", dir, strerror(errno));
	if ((abs = realpath(dir, NULL)) == NULL)
		die(1, "%s: %s", dir, strerror(errno));
	if (stat_mode)
		status(abs, json);
	if (commit)
		sink_run(abs, output ? absolute(output) : NULL);
	source_run(abs, every_n, every_ns, follow, argv + optind,
	    argc - optind);
}
