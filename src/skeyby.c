/*
 * skeyby: partitions a stream by key over N shards, each a command of its
 * own (that may run on another machine), and merges what they write into
 * one stream that is the same on every run.  Data records go to the shard
 * their key hashes to; control records go to every shard.
 */
#define _GNU_SOURCE	/* pipe2; prctl on Linux */
#include <sys/types.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "num.h"
#include "op.h"
#include "rec.h"
#include "scan.h"
#include "skeyby.h"
#include "snap.h"
#include "util.h"

enum { OPT_HOLD = 2000 };

enum {
	QUEUE_MAX = 1 << 18,	/* bytes waiting for one shard's stdin */
	PIPE_SIZE = 1 << 20
};

static struct {
	/* the options: what a restore must match */
	struct recopts ro;	/* bad records, --id */
	char **keys;
	size_t nkeys;

	size_t n;		/* -n */
	const char *shell;	/* -c PIPELINE */
	char **cmd;		/* or COMMAND ARG... */
	const char *template;	/* or -o TEMPLATE */

	struct scan_paths *scan;
	struct jval *vals;
	int *kfield;
	struct buf key;		/* a key's text, where the line's is not it */
	struct op op;
	int in_done;
	pid_t parent;
	int64_t from;		/* a restore's number of shards, or 0 */
	struct pollfd *polls;	/* wait_io's, one stdin and two a shard */
} S;

static _Noreturn void
usage(void)
{
	fputs("usage: skeyby -k KEYS -n N [options] [--] COMMAND [ARG...]\n"
	    "       skeyby -k KEYS -n N [options] -c 'PIPELINE'\n"
	    "       skeyby -k KEYS [-n N] [options] -o TEMPLATE\n"
	    "options: --hold SIZE  --time-unit U  --skip-bad  --dead-letter FILE  "
	    "--id NAME\n"
	    "         --data-only\n",
	    stdout);
	finish(0);
}

/* ---- the shards' processes ---- */

static const char *
shard_name(void)
{
	return S.shell ? S.shell : S.cmd[0];
}

/* In the child: stdin and stdout the pipes, then the command. */
static _Noreturn void
exec_shard(size_t i, int in, int out)
{
	char num[32];

	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
		_exit(126);
	signal(SIGPIPE, SIG_DFL);
#ifdef __linux__
	/* dies with skeyby, however skeyby dies */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != S.parent)
		_exit(1);
#endif
	snprintf(num, sizeof(num), "%zu", i);
	setenv("SKEYBY_SHARD", num, 1);
	snprintf(num, sizeof(num), "%zu", S.n);
	setenv("SKEYBY_SHARDS", num, 1);
	if (S.shell)
		execl("/bin/sh", "sh", "-c", S.shell, (char *)NULL);
	else
		execvp(S.cmd[0], S.cmd);
	fprintf(stderr, "skeyby: shard %zu: %s: %s\n", i, shard_name(),
	    strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Ends skeyby at once, with no shard left behind. */
static _Noreturn void
abandon(int status)
{
	size_t i;

	for (i = 0; i < S.n; i++)
		if (shards[i].pid > 0)
			kill(shards[i].pid, SIGKILL);
	for (i = 0; i < S.n; i++)
		if (shards[i].pid > 0)
			waitpid(shards[i].pid, NULL, 0);
	out_flush();
	exit(status);
}

/*
 * A flush of the output failed with e, its write's errno.  SIGPIPE is
 * ignored, so a reader that went away is one more error here: end as a
 * tool that the reader left behind ends, quietly; else fail.
 */
static _Noreturn void
stdout_failed(int e)
{
	struct pollfd p = { .fd = STDOUT_FILENO };

	if (e == EPIPE || (poll(&p, 1, 0) == 1 && (p.revents & POLLERR)))
		abandon(0);
	warnmsg("write error: %s", strerror(e ? e : EIO));
	abandon(1);
}

static void
spawn(size_t i)
{
	struct shard *s = &shards[i];
	int in[2], out[2];

	/* close-on-exec: no shard holds another's pipe open */
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
		die(1, "pipe: %s", strerror(errno));
	if (out_flush() != 0)
		stdout_failed(errno);
	fflush(NULL);
	if ((s->pid = fork()) < 0)
		die(1, "fork: %s", strerror(errno));
	if (s->pid == 0)
		exec_shard(i, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	s->in = in[1];
	s->out = out[0];
	if (fcntl(s->in, F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(s->out, F_SETFL, O_NONBLOCK) != 0)
		die(1, "fcntl: %s", strerror(errno));
#ifdef F_SETPIPE_SZ
	/* bigger pipes, fewer switches between skeyby and a shard: where
	 * the system allows (an unprivileged process up to 1 MiB) */
	fcntl(s->in, F_SETPIPE_SZ, PIPE_SIZE);
	fcntl(s->out, F_SETPIPE_SZ, PIPE_SIZE);
#endif
}

/*
 * Waits for shard i (or with hang unset, looks whether it has ended); a
 * shard that failed ends skeyby.  Its output may end while it still
 * reads (exec >file): only once its input is shut is it waited for.
 */
static void
reap(size_t i, int hang)
{
	struct shard *s = &shards[i];
	pid_t r;
	int st;

	if (s->pid <= 0)
		return;
	while ((r = waitpid(s->pid, &st, hang ? 0 : WNOHANG)) < 0)
		if (errno != EINTR)
			die(1, "shard %zu: waitpid: %s", i, strerror(errno));
	if (r == 0)
		return;
	s->pid = -1;
	/* only now has it ended for the merge: a barrier must not pass a
	 * shard that failed before it */
	spool_end(&s->sp);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (WIFSIGNALED(st)) {
		warnmsg("shard %zu (%s) was killed by signal %d", i,
		    shard_name(), WTERMSIG(st));
		abandon(128 + WTERMSIG(st));
	}
	warnmsg("shard %zu (%s) exited with status %d", i, shard_name(),
	    WEXITSTATUS(st));
	abandon(WEXITSTATUS(st));
}

static void keys_json(struct buf *out);

/* ---- routing ---- */

static void
queue(struct shard *s, const char *line, size_t len)
{
	if (s->in < 0)
		return;		/* it stopped reading, as head does */
	buf_add(&s->q, line, len);
	buf_addc(&s->q, '\n');
}

static void
on_record(const char *line, size_t len)
{
	const char *why, *key;
	size_t i, klen;

	if (rec_scan(&S.ro.bad, &S.op.in, S.scan, line, len, S.vals) != 0)
		return;
	key_view(S.vals, S.kfield, S.nkeys, &S.key, &key, &klen);
	i = S.n ? key_shard(key, klen, S.n) : 0;
	if (S.template) {
		if (files_put(line, len, i, S.vals, S.kfield, S.nkeys,
		    &why) != 0)
			bad_record(&S.ro.bad, &S.op.in, line, len, "%s", why);
		return;
	}
	queue(&shards[i], line, len);
}

/*
 * The op's forward: every shard gets the record; a barrier or restore
 * says which shard it went to, so that the shard's tools name their
 * snapshots apart.  With -o they are consumed.
 */
static void
broadcast(const char *line, size_t len)
{
	enum ctl_kind k = ctl_kind(line, len);
	struct ctl_barrier b;
	const char *why;
	size_t i, brace;
	struct shard *s;
	int nested;

	if (S.template)
		return;
	if (k != CTL_CHECKPOINT && k != CTL_RESTORE) {
		for (i = 0; i < S.n; i++)
			queue(&shards[i], line, len);
		return;
	}
	if (ctl_barrier(line, len, &b, &why) == 0) {
		nested = b.shard >= 0;
		ctl_barrier_free(&b);
		if (nested)
			die(1, "a barrier from a shard of another skeyby: "
			    "skeyby in a shard is not supported");
	}
	merge_sent(line, len);
	for (brace = len; brace > 0 && line[brace - 1] != '}'; brace--)
		;
	for (i = 0; i < S.n; i++) {
		s = &shards[i];
		if (s->in < 0)
			continue;
		buf_add(&s->q, line, brace - 1);
		buf_printf(&s->q, ",\"shard\":%zu", i);
		if (k == CTL_RESTORE && S.from && (size_t)S.from != S.n) {
			/* rescaling: the shards' tools need to know how */
			buf_printf(&s->q, ",\"shards\":%zu,\"from\":%lld,"
			    "\"keys\":", S.n, (long long)S.from);
			keys_json(&s->q);
		}
		buf_add(&s->q, line + brace - 1, len - brace + 1);
		buf_addc(&s->q, '\n');
	}
}

/* ---- snapshots: the keys (options) and the number of shards ---- */

/* The keys as a JSON array of their paths. */
static void
keys_json(struct buf *out)
{
	size_t i;

	buf_addc(out, '[');
	for (i = 0; i < S.nkeys; i++) {
		if (i)
			buf_addc(out, ',');
		buf_jstr(out, S.keys[i], strlen(S.keys[i]));
	}
	buf_addc(out, ']');
}

static void
options(struct buf *out)
{
	struct buf k = { 0 };

	keys_json(&k);
	op_json(out, "keys", k.p, k.len);
	buf_free(&k);
}

static void
snapshot(struct snap_w *w)
{
	char line[64];

	snprintf(line, sizeof(line), "{\"shards\":%zu}", S.n);
	snap_put(w, line, strlen(line));
}

/*
 * The merged barrier is about to go out: skeyby's snapshot, written by
 * op_control when the barrier came in, gets the merge's state as it is
 * now, at the barrier, which is where a restore takes it up.  The
 * checkpoint is committed only once the barrier has gone out.
 */
void
keyby_checkpoint(const struct ctl_barrier *b, const char *line)
{
	struct jval ops = { line + b->opsoff, b->opslen, J_ARRAY, 0, 0, 0 }, el;
	struct buf id = { 0 }, name = { 0 }, path = { 0 }, opts = { 0 };
	struct buf lines = { 0 }, m = { 0 };
	struct snap_r r;
	struct snap_w w;
	const char *s;
	size_t n, pos = 0, i;
	char why[1024];

	if (b->opslen == 0)
		die(1, "checkpoint %lld: no ops", (long long)b->n);
	while (jv_element(&ops, &pos, &el))
		;	/* the last is ours */
	buf_grow(&id, el.len);
	id.len = jv_unescape(&el, id.p);
	buf_addc(&id, '\0');
	buf_printf(&name, "op.%s", id.p);
	buf_addc(&name, '\0');
	snap_path(&path, b->dir, b->n, name.p);
	buf_addc(&path, '\0');
	buf_adds(&opts, "{");
	options(&opts);
	buf_addc(&opts, '}');
	buf_addc(&opts, '\0');
	if (snap_load(&r, path.p, "skeyby", opts.p, why, sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)b->n, why);
	while (snap_next(&r, &s, &n)) {
		if (n >= 6 && memcmp(s, "{\"wm\":", 6) == 0)
			continue;
		buf_add(&lines, s, n);
		buf_addc(&lines, '\n');
	}
	snap_free(&r);
	merge_save(&m);
	if (snap_begin(&w, b->dir, b->n, name.p, "skeyby", id.p, opts.p, why,
	    sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)b->n, why);
	for (i = 0; i < lines.len; i += n + 1) {
		n = (size_t)((char *)memchr(lines.p + i, '\n', lines.len - i) -
		    (lines.p + i));
		snap_put(&w, lines.p + i, n);
	}
	snap_put(&w, m.p, m.len);
	if (snap_end(&w, why, sizeof(why)) != 0)
		die(1, "checkpoint %lld: %s", (long long)b->n, why);
	buf_free(&id);
	buf_free(&name);
	buf_free(&path);
	buf_free(&opts);
	buf_free(&lines);
	buf_free(&m);
}

static int
restore(const char *line, size_t len, const char **why)
{
	int64_t n;

	if (len >= 6 && memcmp(line, "{\"wm\":", 6) == 0) {
		*why = "a bad merge state";
		return merge_load(line, len);
	}

	if (len < 11 || memcmp(line, "{\"shards\":", 10) != 0 ||
	    line[len - 1] != '}' || num_parse_int(line + 10, len - 11,
	    &n) != 0 || n < 1) {
		*why = "not a skeyby state line";
		return -1;
	}
	S.from = n;
	return 0;
}

/* ---- the loop ---- */

static int
queues_full(void)
{
	size_t i;

	for (i = 0; i < S.n; i++)
		if (shards[i].in >= 0 && shards[i].q.len - shards[i].qoff >=
		    QUEUE_MAX)
			return 1;
	return 0;
}

/* Routes the input that is there, as far as the queues take it. */
static void
take_input(void)
{
	char *line;
	size_t len;
	int r;

	while (!S.in_done && !queues_full()) {
		if ((r = in_line(&S.op.in, &line, &len, 0)) < 0)
			return;
		if (r == 0) {
			S.in_done = 1;
			op_end(&S.op);
			return;
		}
		if (!op_control(&S.op, line, len))
			on_record(line, len);
	}
}

/* Writes what waits for shard i's stdin; at the input's end, closes it. */
static void
feed(size_t i)
{
	struct shard *s = &shards[i];
	ssize_t k;

	if (s->in < 0)
		return;
	if (s->qoff < s->q.len) {
		k = write(s->in, s->q.p + s->qoff, s->q.len - s->qoff);
		if (k < 0 && errno == EPIPE) {
			/* it stopped reading: what it would have read goes
			 * nowhere, as with any pipe into head */
			close(s->in);
			s->in = -1;
			s->q.len = s->qoff = 0;
			return;
		}
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			die(1, "shard %zu: write: %s", i, strerror(errno));
		if (k > 0)
			s->qoff += (size_t)k;
		if (s->qoff == s->q.len) {
			s->q.len = s->qoff = 0;
		} else if (s->qoff >= QUEUE_MAX) {
			memmove(s->q.p, s->q.p + s->qoff, s->q.len - s->qoff);
			s->q.len -= s->qoff;
			s->qoff = 0;
		}
	}
	if (S.in_done && s->q.len == 0) {
		close(s->in);
		s->in = -1;
	}
}

/* Takes what shard i wrote; at its end, reaps it. */
static void
drain(size_t i)
{
	struct shard *s = &shards[i];
	ssize_t k;

	if (s->out < 0)
		return;
	k = spool_read(&s->sp, s->out);
	if (k == 0) {
		close(s->out);
		s->out = -1;
		reap(i, 0);
	} else if (k < 0 && errno != EAGAIN && errno != EINTR) {
		die(1, "shard %zu: read: %s", i, strerror(errno));
	}
}

/* Every shard's input is shut: the input ended, or they stopped reading. */
static int
all_shut(void)
{
	size_t i;

	for (i = 0; i < S.n; i++)
		if (shards[i].in >= 0)
			return 0;
	return 1;
}

/* Waits until some pipe can move, flushing stdout first. */
static void
wait_io(void)
{
	struct pollfd *p = S.polls;
	size_t i, n = 0;
	int ms = -1;
	int want_in = !S.in_done && !queues_full();

	if (want_in && (S.op.in.regular || in_buffered(&S.op.in)))
		return;		/* a file is always ready; so are lines read */
	if (want_in)
		p[n++] = (struct pollfd){ .fd = S.op.in.fd < 0 ? 0 :
		    S.op.in.fd, .events = POLLIN };
	for (i = 0; i < S.n; i++) {
		struct shard *s = &shards[i];

		if (s->in >= 0 && s->qoff < s->q.len)
			p[n++] = (struct pollfd){ .fd = s->in,
			    .events = POLLOUT };
		if (s->out >= 0)
			p[n++] = (struct pollfd){ .fd = s->out,
			    .events = POLLIN };
	}
	/* a shard whose output ended is looked at again soon: its exit
	 * comes through no pipe */
	for (i = 0; i < S.n; i++)
		if (shards[i].out < 0 && shards[i].pid > 0)
			ms = 10;
	if (n == 0 && ms < 0)
		return;
	if (out_flush() != 0)
		stdout_failed(errno);
	while (poll(p, n, ms) < 0)
		if (errno != EINTR)
			die(1, "poll: %s", strerror(errno));
}

static void
run_shards(void)
{
	size_t i;

	signal(SIGPIPE, SIG_IGN);	/* a shard that stops reading: EPIPE */
	S.parent = getpid();
	S.polls = xcalloc(2 * S.n + 1, sizeof(*S.polls));
	for (i = 0; i < S.n; i++)
		spawn(i);
	for (;;) {
		take_input();
		for (i = 0; i < S.n; i++)
			feed(i);
		for (i = 0; i < S.n; i++)
			drain(i);
		for (i = 0; i < S.n; i++)
			if (shards[i].out < 0)
				reap(i, 0);
		if (merge_run() && all_shut())
			break;
		wait_io();
	}
	for (i = 0; i < S.n; i++)
		reap(i, 1);
	free(S.polls);
	for (i = 0; i < S.n; i++) {
		buf_free(&shards[i].q);
		buf_free(&shards[i].wmline);
		buf_free(&shards[i].ctl);
		spool_free(&shards[i].sp);
	}
	merge_free();
}

static void
run_files(void)
{
	char *line;
	size_t len;
	int r;

	while ((r = in_line(&S.op.in, &line, &len, -1)) != 0)
		if (r > 0 && !op_control(&S.op, line, len))
			on_record(line, len);
	op_end(&S.op);
	if (files_close() != 0)
		finish(1);
}

/* --hold SIZE: bytes, with K, M, G or T for powers of 1024; 0: no limit. */
static int64_t
parse_size(const char *arg)
{
	static const char units[] = "KMGT";
	const char *u;
	char *end;
	long long n;
	int64_t v;

	errno = 0;
	n = strtoll(arg, &end, 10);
	if (end == arg || n < 0 || errno)
		usage_error("--hold: '%s' is not a size (bytes, or with K, M, "
		    "G or T)", arg);
	v = n;
	if (*end) {
		if (end[1] || (u = strchr(units, *end)) == NULL)
			usage_error("--hold: '%s' is not a size (bytes, or "
			    "with K, M, G or T)", arg);
		for (; u >= units; u--) {
			if (v > INT64_MAX / 1024)
				usage_error("--hold: '%s' is too big", arg);
			v *= 1024;
		}
	}
	return v;
}

static const struct option longopts[] = {
	{ "command", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "key", required_argument, NULL, 'k' },
	{ "shards", required_argument, NULL, 'n' },
	{ "output", required_argument, NULL, 'o' },
	{ "data-only", no_argument, NULL, RO_DATAONLY },
	{ "dead-letter", required_argument, NULL, RO_DEADLETTER },
	{ "hold", required_argument, NULL, OPT_HOLD },
	{ "id", required_argument, NULL, RO_ID },
	{ "skip-bad", no_argument, NULL, RO_SKIPBAD },
	{ "time-unit", required_argument, NULL, RO_TUNIT },
	{ "version", no_argument, NULL, RO_VERSION },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char *argv[])
{
	const char *nstr = NULL;
	char **keynames = NULL;
	int64_t n;
	size_t i;
	int c;

	tool_init("skeyby");
	recopts_init(&S.ro);
	hold_max = (int64_t)1 << 30;
	/* '+': the options end at COMMAND, whose own are its */
	while ((c = getopt_long(argc, argv, "+c:hk:n:o:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'c':
			S.shell = optarg;
			break;
		case 'h':
			usage();
		case 'k':
			/* a key's output name is the shards' affair */
			opt_keys(optarg, &S.keys, &keynames, &S.nkeys);
			break;
		case 'n':
			nstr = optarg;
			break;
		case 'o':
			S.template = optarg;
			break;
		case OPT_HOLD:
			hold_max = parse_size(optarg);
			break;
		default:
			if (!recopts_parse(&S.ro, c, optarg))
				usage_error(NULL);	/* getopt said what */
		}
	}
	if (S.nkeys == 0)
		usage_error("-k KEYS is required");
	if (nstr && (num_parse_int(nstr, strlen(nstr), &n) != 0 || n < 1 ||
	    n > 1024))
		usage_error("-n: '%s' is not a number of shards from 1 to "
		    "1024", nstr);
	S.n = nstr ? (size_t)n : 0;
	if (!!S.shell + !!S.template + (optind < argc) != 1)
		usage_error("one of COMMAND, -c PIPELINE or -o TEMPLATE is "
		    "needed");
	if (!S.template && !nstr)
		usage_error("-n N is required with a command");
	if (S.template && files_init(S.template, S.n) && !nstr)
		usage_error("-o: %%d needs -n N");
	S.cmd = argv + optind;
	recopts_finish(&S.ro);
	wm_unit = S.ro.topts.unit;
	data_only = S.ro.data_only;
	if (S.ro.bad.dead)	/* ours, not the shards' */
		fcntl(fileno(S.ro.bad.dead), F_SETFD, FD_CLOEXEC);

	if ((S.scan = scan_compile((const char *const *)S.keys,
	    S.nkeys)) == NULL)
		die(1, "out of memory");
	S.vals = xcalloc(S.nkeys, sizeof(*S.vals));
	S.kfield = xcalloc(S.nkeys, sizeof(*S.kfield));
	for (i = 0; i < S.nkeys; i++)
		S.kfield[i] = (int)i;
	shards = xcalloc(S.n + 1, sizeof(*shards));
	nshards = S.n;

	S.op.tool = "skeyby";
	S.op.ro = &S.ro;
	S.op.options = options;
	S.op.snapshot = snapshot;
	S.op.restore = restore;
	S.op.forward = broadcast;
	in_init(&S.op.in, NULL, 0);
	if (S.template)
		run_files();
	else
		run_shards();
	scan_free(S.scan);
	free(S.vals);
	free(S.kfield);
	for (i = 0; i < S.nkeys; i++) {
		free(S.keys[i]);
		free(keynames[i]);
	}
	free(S.keys);
	free(keynames);
	free(shards);
	buf_free(&S.key);
	finish(0);
}
