#!/usr/bin/env python3
"""Randomized model test of swindow, swatermark, skeyby, scheckpoint and
scsv.

    python3 tests/model/stress.py --bin DIR [--seed S] [--cases N | --seconds T]
                                  [--avoid TAG,...] [--case K] [--keep-going]
                                  [--no-minimize] [--max-lines N]
                                  [--checkpoints] [--keyby] [--csv] [-j N] [-v]

Each case (tests/model/gen.py) runs against DIR/swindow and DIR/swatermark
in its own temporary directory, and is compared exactly with the reference
model (tests/model/model.py): stdout (values, order, format), side files
(--late, --dead-letter: line and raw), the stderr counts, the exit status
(a fatal bad record by its "TOOL: line N: " start; in full where the model
knows the message: a local time the clocks of --tz skipped).  The cases
cover --tz (local times near the zones' clock changes, the windows and the
times written in local time), calendar sizes (w, mo, q, y) and
--cumulate, topN, -k PATH=NAME, --data-only and the late-events hint at
a modest share each (gen.py).
Invariants the model need not decide are checked too: no crash (a signal,
or exit >= 128), no sanitizer report on stderr, every data record accounted
for (plain count over the last output of each window + late + skipped +
dead-lettered = data records in; tumble, session and count windows), and a
second run byte-identical to the first (snapshots too).

skeyby joins it (a tenth of the cases; every case with --keyby;
gen.gen_keyby): skeyby -k KEYS -n N (1-4) over swindow, its command after
-- or as -c 'swindow ...' (side files late$SKEYBY_SHARD.ndjson, one per
shard), -c 'swatermark ... | swindow ...', or after swatermark, its keys
swindow's.  The model (model.run_skeyby) routes the records by the key
hash, runs the model of the shard's command on each shard's input and
merges their outputs as skeyby does; compared exactly as above (the
shards' stderr lines in any order).  When skeyby fails (a fatal bad record
of its own, or a shard that fails: it kills the others) only its exit
status, the error lines and that its stdout is a prefix of the model's are
judged.  Where the windows fire only at watermarks from upstream or at the
end of input (no -d, no swatermark in the shards), the data records of
skeyby, sorted, must also be those of one swindow over all that skeyby
passed on (check_unsharded: a test of the merge that does not lean on the
model).  Coverage (-v): kb-*, keyby-unsharded, keyby-scheckpoint.

scheckpoint joins it (check_scheckpoint): a third of the cases with no
barriers of their own that end well run again between scheckpoint -d st
--every K and scheckpoint -d st --commit -o out; out must hold the data
records of the run without it, and the side files must be the same
(skeyby cases only where every result comes out at an upstream
watermark or at the end: skeyby's output is cut at each barrier; no
cases with --data-only: no barrier reaches the commit).

scsv joins it (a tenth of the cases, drawn with their own rng
csvmodel.csv_rng(seed, K) before the others, so that the other cases stay
the same; every case with --csv; tests/model/csvmodel.py): CSV to NDJSON
and, for three in ten, NDJSON to CSV (-r), random bytes (quoting, CRLF,
BOM, blank lines, bad rows, bad header rows, one or two FILE operands or
standard input) and random options, compared exactly with the model in
csvmodel.py (stdout byte for byte, stderr, the exit status, the
--dead-letter file), with no crash, no sanitizer report, a second run
byte-identical, and for CSV cases that end well without --strings the round
trip: scsv -r -d D of the output, then scsv -d D, gives it back.  The
minimizer drops rows (or lines); the command printed writes the inputs with
printf.  Coverage (-v): csv-*.

The checkpoint test (a third of the cases; every case with --checkpoints):
the input holds one or two barriers {"$checkpoint":N,"dir":"<the case's
directory>"} (gen.add_checkpoints; the model forwards them with the tool's
ID appended to "ops", so the run above checks them too).  Then the run is
cut at one barrier and restored, and compared with the uninterrupted run:
  1. a fresh start (fresh state directory) reads the input up to and
     including the barrier (sometimes a few lines more, as a run killed
     later would have: case.extra) and ends; its output up to its barrier
     must be the uninterrupted run's; sometimes a torn line is appended to
     the side files after it (case.junk);
  2. a fresh process per stage reads {"$restore":N,"dir":...} and the rest
     of the input (a pipeline stage by stage, as above); its stdout must be
     the uninterrupted run's after its barrier, with the restore record
     (forwarded with the same "ops") in the barrier's place; its exit
     status and its stderr (the counts; the line of a fatal bad record) the
     same; the side files (cut back to their length at the barrier by the
     restore) then the uninterrupted run's, byte for byte; the same
     snapshot files, with as many pieces of state;
  3. when a barrier follows, the same again from the snapshot the restored
     run wrote there.
A stage that stopped at a bad record before the barrier is not cut (it
wrote no snapshot), nor are the stages after it; nor is a last stage with
--data-only (it writes no barrier to cut its output at).  Barrier 0 comes only
first, and then the side files start with a line from "an earlier run"
(barrier 0 empties them).  Checkpoint cases draw from a random generator
of their own, so the cases are the same as without them.  Failures:
ckpt-prefix, restore-stdout, restore-exit, restore-stderr, restore-files,
restore-snapshot (and timeout, crash, sanitizer in any run).  -v prints the
checkpoint coverage at the end: the model's tags ckpt-* (what a barrier
cut through: held, late, dead, d, session-open, session-fired-L,
window-open, window-fired-L, count-partial, count-index) and restored
(-stage2: both stages; -twice: step 3; -exit1: the run stops at a bad
record after the cut; -extra, -torn, -0: barrier 0; -id: --id NAME), in
cases.

Cases run -j N at once (default: the CPUs, at most 4), in $TMPDIR, else in
/dev/shm when there is one (snapshots are fsynced), and are reported in
order.

On the first failure the input is minimized (delta debugging over lines,
then members of the objects left; same command) and the seed, case number,
the command (a here-document, or printf when a line needs escapes), expected
and got are printed (for the checkpoint test the command goes on with the
cut and the restore); exit 1.  On success: "model: N cases passed (seed S)".
Cases are deterministic for a seed (case K is gen.gen_case seeded with
"S:K"), so --case K reruns one; --keep-going reports every failure; the
default seed is the time.  --max-lines (default 40) allows longer inputs
for hunting.

--avoid (or MODEL_AVOID in the environment) lists tags of known defect
classes to leave out while they are being fixed; the default leaves out
nothing.  Tags (set by the model when a case touches the feature):
  session-L        session windows with -L
  session-refire   a record reaches a session that already fired
  count-end-order  incomplete count windows at the end where key order and
                   index-then-key order differ
  time-numstr-exp  a time given as a numeric string with an exponent
  canon-value      first/last/collect of a value not in canonical spelling
  canon-key        a key not in canonical spelling
  decimal-sum      a non-integer sum/avg where the exact result differs
                   from the binary one
  pow2             a computed number that is a power of two
  fixed-1e15       a computed number in [1e15, 1e17) with 16-17 digits
  longnum          a value from the input with more than 60 digits
  sum-1100         a sum/avg over a number with more than 1100 digits
                   after the point (it counts as its nearest double)
  ckpt, ckpt-*     a barrier in the input; what it cut through (above)
  bigint-real      a key or a first/last/collect/distinct value that is a
                   whole number outside int64 written as a real (1e19,
                   9223372036854775808.0): its canonical spelling is an
                   integer token jansson refuses, in a snapshot too
  sum-int-reading  a sum of whole numbers, some written as reals (1.0,
                   1e2), whose text differs between the two readings of
                   "integer sums" (the model reads them by value)
  keyby            a skeyby case
  keyby-stderr     skeyby with more than one process (its shards, itself)
                   writing messages to the one stderr: each message must
                   be a line of its own (the tools write one in three
                   pieces, which interleave)
  keyby-restore-wm a run restored at a barrier would merge the watermarks
                   after it otherwise (the last merged watermark and each
                   shard's latest are not in skeyby's snapshot)
  keyby-wm-unit    the merge compares the shards' watermarks in the unit
                   the stream's tools read them in (--time-unit), and
                   reading them as auto numbers gives another output (or
                   none: "bad time in $watermark record")
  csv-*            scsv cases: csv-in, csv-r and the features the model met
                   (csvmodel.py; -v lists them)
  csv-r-lead-ws    scsv -r without -f, a data record with white space
                   before its '{' (scsv once read none of its members)
  hop-shared-start hop windows in --tz local time whose local starts the
                   clocks skipped: they start at one instant (the jump)
                   with other ends, windows of their own (swindow once
                   kept them as one window)
  cumulate-shared-end  cumulative windows in --tz local time whose local
                   ends the clocks skipped: they end at one instant, so
                   they are one window (swindow once counted a record
                   once for each such end)
  minmax-int64-min min/max over the integer -9223372036854775808 and a
                   real of another exact value whose double is -2^63
                   (-9223372036854775808.5, -9223372036854775809e0):
                   swindow takes them as equal (the first is kept)
Feature coverage (-v, "feature coverage"; tags set by the model): tz (a
zone other than UTC), tz-local (a time without an offset read in it),
tz-repeated (one that occurs twice), tz-skipped (one the clocks skipped:
bad), tz-windows (windows in local time), tz-change-window (a window
across a clock change), cal-w, cal-mo (calendar sizes), cumulate, topn,
topn-cut (more distinct values than N), key-rename, data-only, late-hint
(the "most of the input was late" hint).
"""

import argparse
import collections
import concurrent.futures
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True        # no __pycache__ in the source tree

import csvmodel  # noqa: E402
import gen       # noqa: E402
import model     # noqa: E402

CKPT_SHARE = 1 / 3      # the share of checkpoint cases (--checkpoints: all)
KEYBY_SHARE = 1 / 10    # the share of skeyby cases (--keyby: all)
CSV_SHARE = 1 / 10      # the share of scsv cases (--csv: all)
SANITIZER = ('runtime error:', 'AddressSanitizer', 'LeakSanitizer')
TIMEOUT = 20


class Failure(Exception):
    def __init__(self, kind, detail):
        super().__init__(kind)
        self.kind, self.detail = kind, detail


# --- running the tools -----------------------------------------------------

class Stage:
    def __init__(self, tool, argv, rc, out, err, files):
        self.tool, self.argv = tool, argv
        self.rc, self.out, self.err, self.files = rc, out, err, files


SIDE_FILES = ('late.ndjson', 'dead.ndjson', 'wmlate.ndjson',
              'wmdead.ndjson', 'kbdead.ndjson') + tuple(
    '%s%d.ndjson' % (f, s) for f in ('late', 'dead', 'wmlate', 'wmdead')
    for s in range(4))        # skeyby's shards: one file each
PREFILL = b'{"left over":"from an earlier run"}\n'
TORN = b'{"torn":'


def side_files(tool, argv):
    """The side files a tool's argv names."""
    if tool == 'skeyby':
        return model.keyby_side_files(argv)
    return model.tool_side_files(argv)


def op_id(argv):
    return argv[argv.index('--id') + 1] if '--id' in argv else None


def case_input(case, workdir):
    """The case's lines with its directory in the barriers."""
    d = json.dumps(workdir)[1:-1]
    return [l.replace(gen.DIR_MARK, d) if gen.is_barrier_mark(l) else l
            for l in case.lines]


def encode(lines):
    return ''.join(l + '\n' for l in lines).encode('utf-8', 'surrogatepass')


def prefills(case):
    """Barrier 0 first: the side files hold something from an earlier run
    (barrier 0 empties them)."""
    if case.lines and gen.is_barrier_mark(case.lines[0]) and \
            case.lines[0].startswith('{"$checkpoint":0,'):
        return [n for tool, argv in case.argvs()
                for n in side_files(tool, argv)]
    return []


def tool_env(bindir):
    """The environment the tools run in: bindir first in PATH, for the
    commands skeyby runs in its shards."""
    env = dict(os.environ)
    env['PATH'] = bindir + os.pathsep + env.get('PATH', '')
    return env


def run1(tool, argv, bindir, workdir, data):
    try:
        p = subprocess.run([os.path.join(bindir, tool)] + argv,
                           input=data, cwd=workdir, env=tool_env(bindir),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = 'timeout', e.stdout or b'', e.stderr or b''
    except OSError as e:
        # not the tool's answer: it could not be run (being rebuilt?)
        sys.exit('model: cannot run %s: %s' % (tool, e))
    return Stage(tool, argv, rc, out, err, None)


def collect(workdir):
    """The side files and the snapshots (ckpt.N/op.ID) in workdir."""
    files, snaps = {}, {}
    for name in SIDE_FILES:
        path = os.path.join(workdir, name)
        if os.path.exists(path):
            with open(path, 'rb') as f:
                files[name] = f.read()
    for d in sorted(os.listdir(workdir)):
        if d.startswith('ckpt.') and os.path.isdir(os.path.join(workdir, d)):
            for op in sorted(os.listdir(os.path.join(workdir, d))):
                with open(os.path.join(workdir, d, op), 'rb') as f:
                    snaps[d + '/' + op] = f.read()
    return files, snaps


def run_tools(case, bindir, workdir):
    """Runs the case's stages in workdir; the pipeline's second stage reads
    the first one's output (a replay: the same as a pipe)."""
    os.makedirs(workdir)
    for name in prefills(case):
        with open(os.path.join(workdir, name), 'wb') as f:
            f.write(PREFILL)
    data = encode(case_input(case, workdir))
    stages = []
    for tool, argv in case.argvs():
        st = run1(tool, argv, bindir, workdir, data)
        stages.append(st)
        data = st.out
    files, snaps = collect(workdir)
    for s in stages:
        s.files, s.snaps = files, snaps
    shutil.rmtree(workdir, ignore_errors=True)
    return stages


def text_lines(b):
    s = b.decode('utf-8', 'replace')
    if s.endswith('\n'):
        s = s[:-1]
    return s.split('\n') if s else []


# --- comparing -------------------------------------------------------------

def raw_members(text):
    """The raw texts of the members of an object's text, or None."""
    if not (text.startswith('{') and text.endswith('}')):
        return None
    body = text[1:-1]
    members, depth, instr, esc, start = [], 0, False, False, 0
    for i, ch in enumerate(body):
        if instr:
            if esc:
                esc = False
            elif ch == '\\':
                esc = True
            elif ch == '"':
                instr = False
        elif ch == '"':
            instr = True
        elif ch in '[{':
            depth += 1
        elif ch in ']}':
            depth -= 1
        elif ch == ',' and depth == 0:
            members.append(body[start:i])
            start = i + 1
    if body.strip():
        members.append(body[start:])
    return members


def split_members(text):
    """[(name, raw value text)] of an object's text, or None."""
    try:
        spans = model.top_members(text)
    except (ValueError, IndexError):
        return None
    return None if spans is None else [(n, text[a:b]) for n, a, b in spans]


def line_matches(exp, got):
    if isinstance(exp, str):
        return exp == got
    if exp.exact():
        return exp.text() == got
    members = split_members(got)
    if members is None or len(members) != len(exp.fields):
        return False
    for (ename, ev), (gname, gv) in zip(exp.fields, members):
        if ename != gname:
            return False
        if isinstance(ev, str):
            if ev != gv:
                return False
        elif ev.any:
            continue
        elif ev.value is None or gv == 'null':
            if not (ev.value is None and gv == 'null'):
                return False
        else:
            try:
                g = float(gv)
            except ValueError:
                return False
            if not abs(g - ev.value) <= ev.tol:
                return False
            if not re.fullmatch(r'-?[0-9]+(\.[0-9]+)?(e[+-][0-9]{2,3})?', gv):
                return False
    return True


def first_diff(exp, got):
    for i in range(max(len(exp), len(got))):
        if i >= len(exp) or i >= len(got) or not line_matches(exp[i], got[i]):
            return i
    return None


def late_msg(tool, err_lines):
    for l in err_lines:
        m = re.match(re.escape(tool) + r': ([0-9]+) late events? dropped\b',
                     l)
        if m:
            return int(m.group(1))
    return 0


def skip_msg(tool, err_lines):
    for l in err_lines:
        m = re.fullmatch(re.escape(tool) +
                         r': ([0-9]+) bad records? skipped', l)
        if m:
            return int(m.group(1))
    return 0


def check_alive(st, what=''):
    """No timeout, no crash, no sanitizer report, stdout ends lines."""
    err = st.err.decode('utf-8', 'replace')
    name = st.tool + what
    if st.rc == 'timeout':
        raise Failure('timeout', '%s did not finish in %ds' % (name,
                                                               TIMEOUT))
    if st.rc < 0 or st.rc >= 128:
        raise Failure('crash', '%s: exit status %s (signal)\n%s' %
                      (name, st.rc, err[-3000:]))
    for s in SANITIZER:
        if s in err:
            raise Failure('sanitizer', '%s: sanitizer report:\n%s' %
                          (name, err[-4000:]))
    if st.out and not st.out.endswith(b'\n'):
        raise Failure('stdout', '%s: stdout does not end with a newline'
                      % name)


def check_keyby_failed(st, res):
    """skeyby that fails (a fatal bad record of its own, or a shard that
    failed: it kills the others): its exit status, the error on stderr, and
    a stdout that is a prefix of the model's (how far the merge got before
    the end depends on the shards' pace)."""
    err = st.err.decode('utf-8', 'replace')
    err_lines = [l for l in err.split('\n') if l]
    got = text_lines(st.out)
    exp = res.stdout
    i = first_diff(exp[:len(got)], got)
    if i is not None or len(got) > len(exp):
        i = len(exp) if i is None else i
        raise Failure('stdout', 'stdout of skeyby (which fails: a prefix of '
                      'the model\'s) differs at line %d\n%s' %
                      (i + 1, show_lines(exp, got, i)))
    if st.rc != res.exit:
        raise Failure('exit', 'skeyby: exit status: expected %d, got %s\n'
                      'stderr: %s' % (res.exit, st.rc, err.strip()))
    if not any(all(any(l.startswith(p) for l in err_lines) for p in sig)
               for sig in res.fail):
        raise Failure('stderr', 'skeyby: expected on stderr lines starting '
                      'with\n%s\ngot\n%s' % (
                          '\nor\n'.join('\n'.join(sig) for sig in res.fail),
                          err.strip() or '(nothing)'))


def check_stage(st, res, data_in_lines):
    """Raises Failure when the stage differs from the model's Result."""
    err = st.err.decode('utf-8', 'replace')
    check_alive(st)
    if st.tool == 'skeyby' and res.exit != 0:
        return check_keyby_failed(st, res)
    got = text_lines(st.out)
    exp = res.stdout
    i = first_diff(exp, got)
    if i is not None:
        raise Failure('stdout', 'stdout of %s differs at line %d\n%s' %
                      (st.tool, i + 1, show_lines(exp, got, i)))
    if st.rc != res.exit:
        raise Failure('exit', '%s: exit status: expected %d, got %d\n'
                      'stderr: %s' % (st.tool, res.exit, st.rc, err.strip()))
    err_lines = [l for l in err.split('\n') if l]
    if res.exit == 1:
        want = '%s: line %d: ' % (st.tool, res.err_line)
        if not any(l.startswith(want) for l in err_lines):
            raise Failure('stderr', '%s: expected an error at line %d '
                          '(%s...), got stderr:\n%s' %
                          (st.tool, res.err_line, want, err.strip()))
        if res.err_text is not None and res.err_text not in err_lines:
            # the one message known in full: a local time --tz skipped
            raise Failure('stderr', '%s: expected the error\n%s\ngot '
                          'stderr:\n%s' % (st.tool, res.err_text,
                                           err.strip()))
    else:
        for p in getattr(res, 'err_prefixes', ()):
            # a message known by its start (skeyby: a first stage in a
            # shard's pipeline that stops at a bad record)
            m = [l for l in err_lines if l.startswith(p)]
            if m:
                err_lines.remove(m[0])
        if sorted(err_lines) != sorted(res.stderr):
            raise Failure('stderr', '%s: stderr: expected\n%s\ngot\n%s' %
                          (st.tool, '\n'.join(res.stderr) or '(nothing)',
                           err.strip() or '(nothing)'))
    for name, lines in res.files.items():
        got = text_lines(st.files.get(name, b''))
        if got != lines:
            i = first_diff(lines, got)
            raise Failure('files', '%s: %s differs at line %d\n%s' %
                          (st.tool, name, i + 1, show_lines(lines, got, i)))
    for name, entries in res.dead.items():
        got = text_lines(st.files.get(name, b''))
        gote = []
        for l in got:
            try:
                pairs = json.loads(l, object_pairs_hook=list)
                d = dict(pairs)
                if [k for k, _ in pairs] != ['line', 'error', 'raw'] or \
                        not isinstance(d['error'], str):
                    raise ValueError
                gote.append((d['line'], d['raw']))
            except (ValueError, TypeError, KeyError):
                gote.append(('not a dead-letter record', l))
        if gote != entries:
            raise Failure('files', '%s: %s (line, raw) differ:\nexpected\n%s'
                          '\ngot\n%s' % (st.tool, name,
                                         '\n'.join(map(repr, entries)),
                                         '\n'.join(map(repr, gote))))
    if res.exit == 0 and st.tool != 'skeyby':
        check_accounting(st, data_in_lines)


def check_accounting(st, in_lines):
    """Every data record in is in a window's last output, late, skipped or
    dead-lettered (swindow: tumble, session, count windows with a plain
    count); forwarded, dropped late, skipped or dead-lettered
    (swatermark)."""
    # count windows do not read watermarks: passed on as they are
    untimed = st.tool == 'swindow' and '--count' in st.argv

    def is_data(l):
        l = l[:-1] if l.endswith('\r') else l
        if not l.strip(' \t'):
            return False
        if untimed and model.is_watermark(l):
            return False
        if model.is_watermark(l) or model.is_other_control(l):
            try:                      # a control record that is not JSON
                model.parse_json(l)   # is a bad record
                return False
            except ValueError:
                return True
        return True
    data_in = sum(1 for l in in_lines if is_data(l))
    err_lines = [l for l in st.err.decode('utf-8', 'replace').split('\n') if l]
    late = late_msg(st.tool, err_lines)
    skipped = skip_msg(st.tool, err_lines)
    dead = 0
    for name in ('dead.ndjson',) if st.tool == 'swindow' else \
            ('wmdead.ndjson',):
        if name in st.argv:
            dead = len(text_lines(st.files.get(name, b'')))
    out = text_lines(st.out)
    if st.tool == 'swatermark':
        fwd = sum(1 for l in out if not model.is_watermark(l) and
                  not model.is_other_control(l))
        if fwd + late + skipped + dead != data_in:
            raise Failure('accounting', 'swatermark: %d forwarded + %d late '
                          '+ %d skipped + %d dead-lettered != %d data '
                          'records in' % (fwd, late, skipped, dead, data_in))
        return
    o = model.parse_args(st.argv, model.SW_SPEC)
    if o.hop is not None or o.cumulate is not None:
        return
    names = [a.name for a in model.parse_aggs(o.aggs)
             if a.func == 'count' and a.path is None]
    if not names:
        return
    cname = names[0]
    keys = model.key_names(o.keys)
    recs = []
    for l in out:
        if model.is_watermark(l) or model.is_other_control(l):
            continue
        m = split_members(l)
        if m is None:
            raise Failure('accounting', 'not an object: ' + l)
        d = dict(m)
        if cname not in d:
            raise Failure('accounting', 'no %s in %s' % (cname, l))
        key = tuple(d.get(k) for k in keys)
        if o.count is not None:
            recs.append((key, d.get('window_index'), None, int(d[cname])))
        else:
            unit = o.time_out or 'auto'
            start = model.parse_time(model.parse_json(d['window_start']),
                                     unit)
            end = model.parse_time(model.parse_json(d['window_end']), unit)
            recs.append((key, start, end, int(d[cname])))
    total = 0
    if o.session is not None:
        # Without -L, or without a watermark (all fire at the end), no
        # session is written twice or merged after it was written: each
        # output is final.  With -L and watermarks, a late record can merge
        # fired sessions (superseded) but a purged session can also lie
        # inside a later one, and the output does not tell them apart: no
        # check then.
        if o.lateness is not None and (o.delay is not None or any(
                model.is_watermark(l.rstrip('\r')) for l in in_lines)):
            return
        total = sum(c for _, _, _, c in recs)
    else:
        last = {}
        for key, s, e, c in recs:
            last[(key, s, e)] = c
        total = sum(last.values())
    if total + late + skipped + dead != data_in:
        raise Failure('accounting', 'swindow: %d in windows + %d late + %d '
                      'skipped + %d dead-lettered != %d data records in' %
                      (total, late, skipped, dead, data_in))


def show_lines(exp, got, i):
    out = ['--- expected']
    out += [('> ' if j == i else '  ') + model.out_text(x)
            for j, x in enumerate(exp)]
    out += ['--- got']
    out += [('> ' if j == i else '  ') + x for j, x in enumerate(got)]
    return '\n'.join(out)


# --- one case --------------------------------------------------------------

COVER = {}       # coverage of the checkpoint test: tag -> cases (-v)
FEATURE_TAGS = ('tz', 'cal-', 'cumulate', 'topn', 'key-rename', 'data-only',
                'late-hint')   # and of these features (-v)
COVER_LOCK = threading.Lock()
RUN_DIRS = itertools.count(1)


def scratch_dir():
    """Where the cases run: $TMPDIR, else /dev/shm when it is there
    (snapshots are fsynced: a tmpfs keeps that cheap), else /tmp."""
    if os.environ.get('TMPDIR'):
        return None
    shm = '/dev/shm'
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return None


def evaluate(case, bindir, tmp, avoid):
    """None when the case passes, 'skip' when it touches an avoided tag,
    else a Failure."""
    if case.kind == 'csv':
        return evaluate_csv(case, bindir, tmp, avoid)
    try:
        results = []
        tags = set()
        # one directory for every run of the case: the barriers name it
        wd = os.path.join(tmp, 'r%d' % next(RUN_DIRS))
        stages = run_tools(case, bindir, wd)
        inp = case_input(case, wd)
        for (tool, argv), st in zip(case.argvs(), stages):
            res = model.run(tool, argv, inp)
            tags |= res.tags
            results.append((st, res, inp))
            inp = text_lines(st.out)
        if tags & avoid:
            return 'skip'
        try:
            for st, res, inp in results:
                check_stage(st, res, inp)
            again = run_tools(case, bindir, wd)
            for a, b in zip(stages, again):
                if run_key(a, stages) != run_key(b, again):
                    raise Failure('nondeterministic', '%s: a second run '
                                  'gave other output' % a.tool)
            for st, res, inp in results:
                if st.tool == 'skeyby':
                    tags |= keyby_cover(case, st, res)
                    if check_unsharded(case, bindir, tmp, st, res):
                        tags.add('keyby-unsharded')
            if case.restore is not None:
                for t in check_restore(case, bindir, wd, stages):
                    tags.add(t)
            elif check_scheckpoint(case, bindir, tmp, stages):
                tags.add('ckpt-scheckpoint')
                if case.kind == 'keyby':
                    tags.add('keyby-scheckpoint')
        except Failure as f:
            f.tags = tags
            raise
        finally:
            shutil.rmtree(wd, ignore_errors=True)
        with COVER_LOCK:
            for t in tags:
                if t.startswith(('ckpt', 'restored', 'kb-', 'keyby-')) or \
                        t.startswith(FEATURE_TAGS):
                    COVER[t] = COVER.get(t, 0) + 1
    except Failure as f:
        return f
    except model.Usage as e:
        return Failure('model', 'the model refused the options: %s' % e)
    return None


def evaluate_csv(case, bindir, tmp, avoid):
    """evaluate for an scsv case (csvmodel): the model, one run compared
    exactly, a second run byte-identical, the round trip."""
    try:
        exp = csvmodel.model(case)
    except csvmodel.Unspecified as e:
        f = Failure('model', 'the generator wrote an input the semantics '
                    'do not decide: %s' % e)
        f.tags = set()
        return f
    if exp.tags & avoid:
        return 'skip'
    tags = set(exp.tags)
    try:
        wd = os.path.join(tmp, 'r%d' % next(RUN_DIRS))
        try:
            r = csvmodel.run(case, bindir, wd)
        finally:
            shutil.rmtree(wd, ignore_errors=True)
        check_alive(r)
        csvmodel.check(case, exp, r)
        try:
            again = csvmodel.run(case, bindir, wd)
        finally:
            shutil.rmtree(wd, ignore_errors=True)
        if csvmodel.run_key(again) != csvmodel.run_key(r):
            raise Failure('nondeterministic', 'scsv: a second run gave '
                          'other output')
        wd = os.path.join(tmp, 'r%d' % next(RUN_DIRS))
        try:
            if csvmodel.check_roundtrip(case, exp, r, bindir, wd,
                                        check_alive):
                tags.add('csv-roundtrip')
        finally:
            shutil.rmtree(wd, ignore_errors=True)
    except csvmodel.Mismatch as m:
        f = Failure(m.kind, m.detail)
        f.tags = tags
        return f
    except Failure as f:
        f.tags = tags
        return f
    with COVER_LOCK:
        for t in tags:
            COVER[t] = COVER.get(t, 0) + 1
    return None


def minimize_csv(case, bindir, tmp, avoid, kind):
    """Drops rows (CSV) or lines (-r) while the case fails the same way
    (an input the model cannot decide does not count as failing)."""
    def fails(c):
        r = evaluate(c, bindir, tmp, avoid)
        return isinstance(r, Failure) and r.kind == kind and \
            kind != 'model'
    return csvmodel.minimize(case, fails)


def run_key(st, stages):
    """What must be the same in a second run.  skeyby: its shards write to
    stderr in their own time (the lines are compared sorted); when it fails
    it kills them, so only its exit status then, and no side files."""
    failed = any(x.tool == 'skeyby' and x.rc != 0 for x in stages)
    if st.tool != 'skeyby':
        err = st.err
    elif st.rc != 0:
        return st.rc
    else:
        err = sorted(st.err.split(b'\n'))
    return (st.rc, st.out, err) + ((st.files, st.snaps) if not failed
                                   else ())


def keyby_fires_upstream(case):
    """The shards' windows fire only at the watermarks every shard gets
    (from upstream) or at the end of input: no -d, no swatermark in the
    shards; then the shards' data records are those of one unsharded
    run."""
    return case.kind == 'keyby' and '-d' not in case.sw_argv and \
        not case.kb_shard_wm


def check_unsharded(case, bindir, tmp, st, res):
    """skeyby ending well where its shards' windows fire at the watermarks
    from upstream or at the end (keyby_fires_upstream): its data records,
    sorted, must be those of one swindow over all that skeyby passed on
    (its side files left out)."""
    if res.exit != 0 or not keyby_fires_upstream(case):
        return False
    wd = os.path.join(tmp, 'r%d' % next(RUN_DIRS))
    os.makedirs(wd)
    try:
        argv = gen.shard_files(case.sw_argv, 'strip')
        one = run1('swindow', argv, bindir, wd, encode(res.passed))
    finally:
        shutil.rmtree(wd, ignore_errors=True)
    check_alive(one, ' (unsharded)')

    def data(b):
        return sorted(l for l in text_lines(b) if not l.startswith('{"$'))
    if one.rc != 0 or data(one.out) != data(st.out):
        a, b = data(one.out), data(st.out)
        raise Failure('unsharded', 'the data records of skeyby (sorted) '
                      'differ from those of one swindow %s over what it '
                      'passed on (exit %s)\n%s' % (
                          ' '.join(shlex.quote(x) for x in argv), one.rc,
                          show_lines(a, b, first_diff(a, b))))
    return True


def keyby_cover(case, st, res):
    """Coverage tags of a skeyby case (-v)."""
    o = model.parse_keyby(st.argv)
    t = {'kb-n%d' % o.n, 'kb-' + ('up' if case.kb_up else 'shard-wm'
                                  if case.kb_shard_wm else 'shell'
                                  if case.kb_shell else 'cmd')}
    if res.exit:
        t.add('kb-exit1-' + ('skeyby' if any(
            sig[0].startswith('skeyby: line') for sig in res.fail)
            else 'shard'))
    if res.skipped or (o.dead and res.dead.get(o.dead)):
        t.add('kb-bad')
    if any(model.is_watermark(l) for l in text_lines(st.out)):
        t.add('kb-watermarks')
    if any(model.is_other_control(l) for l in text_lines(st.out)):
        t.add('kb-barriers')
    if getattr(res, 'err_prefixes', None):
        t.add('kb-shard-stage1-exit1')
    return t


def check_scheckpoint(case, bindir, tmp, stages):
    """scheckpoint joins the model test: for a third of the cases with no
    barriers of their own that end well, the same tools between
    `scheckpoint -d st --every K` and `scheckpoint -d st --commit -o out`
    (K from the case) must leave in out the data records of the last
    stage's output, and the same side files.  True when it ran."""
    if any(gen.is_barrier_mark(l) for l in case.lines) or \
            any(st.rc != 0 for st in stages) or prefills(case) or \
            any('--data-only' in argv for _, argv in case.argvs()):
        # (--data-only: no barriers reach scheckpoint --commit)
        return False
    if case.kind == 'keyby' and not (
            keyby_fires_upstream(case) and '--count' not in case.sw_argv
            and '-L' not in case.sw_argv):
        # skeyby's output is cut at each barrier: the order is the run's
        # without them only where every result comes out at a watermark
        # (count windows fire on records; -L refires at late records)
        return False
    key = zlib.crc32(encode(case.lines))
    if key % 3 != 0:
        return False
    wd = os.path.join(tmp, 'r%d' % next(RUN_DIRS))
    os.makedirs(wd)
    try:
        with open(os.path.join(wd, 'in.ndjson'), 'wb') as f:
            f.write(encode(case.lines))
        every = 1 + key // 3 % max(1, len(case.lines))
        q = shlex.quote
        cmd = '%s -d st --every %d in.ndjson' % (
            q(os.path.join(bindir, 'scheckpoint')), every)
        for tool, argv in case.argvs():
            cmd += ' | ' + ' '.join(q(a) for a in
                                    [os.path.join(bindir, tool)] + argv)
        cmd += ' | %s -d st --commit -o out' % q(
            os.path.join(bindir, 'scheckpoint'))
        p = subprocess.run(cmd, shell=True, cwd=wd, env=tool_env(bindir),
                           stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
        err = p.stderr.decode('utf-8', 'replace')
        if any(s in err for s in SANITIZER):
            raise Failure('scheckpoint', 'sanitizer report:\n' + err)
        want = b''.join(l + b'\n' for l in stages[-1].out.split(b'\n')
                        if l and not l.startswith(b'{"$'))
        got = b''
        if os.path.exists(os.path.join(wd, 'out')):
            with open(os.path.join(wd, 'out'), 'rb') as f:
                got = f.read()
        files, _ = collect(wd)
        files.pop('out', None)
        if p.returncode != 0 or got != want or files != stages[-1].files:
            raise Failure('scheckpoint', 'through scheckpoint (cd into a '
                          'new directory with the input in in.ndjson):\n'
                          '%s\nexit %s%s\n%s' % (
                              cmd.replace(bindir + '/', ''), p.returncode,
                              ', stderr: ' + err if err else '',
                              'the output differs from the data records '
                              'of the run without it' if got != want else
                              'side files differ' if files !=
                              stages[-1].files else ''))
    finally:
        shutil.rmtree(wd, ignore_errors=True)
    return True


def restore_plan(case, lines):
    """(b, N): the index of the barrier to cut at in lines and its number,
    or None when the case has none (left out by the minimizer)."""
    for i, l in enumerate(case.lines):
        if gen.is_barrier_mark(l) and \
                model.checkpoint_number(lines[i]) == case.restore:
            return i, case.restore
    return None


def barrier_index(out_lines, n):
    for i, l in enumerate(out_lines):
        if model.checkpoint_number(l) == n:
            return i
    return None


def passed_barrier(stages, n):
    """For each stage in turn that passed barrier n in the uninterrupted
    run, the index of the forwarded barrier in its output (a stage that
    stopped at a bad record before it wrote no snapshot; the stages after
    it are left out)."""
    cut = []
    for st in stages:
        i = barrier_index(text_lines(st.out), n)
        if i is None or shard_stopped(st):
            break
        cut.append(i)
    return cut


def shard_stopped(st):
    """A skeyby whose shard had a stage stop at a bad record: the shard's
    shell ended well (its last stage's status), so the barriers went on
    without that shard's snapshots, and there is nothing to restore."""
    return st.tool == 'skeyby' and any(
        re.match(r'(swindow|swatermark): line \d+: ', l)
        for l in text_lines(st.err))


def later_barrier(case, lines, b):
    """(index, N) of the first barrier after line b, or None."""
    for i in range(b + 1, len(lines)):
        if gen.is_barrier_mark(case.lines[i]):
            m = model.checkpoint_number(lines[i])
            if m is not None and m != 0:
                return i, m
    return None


def restore_run(case, bindir, wd, stages, lines, b, n, cut, what):
    """A fresh process per stage on {"$restore":n} + lines[b + 1:], each
    compared with the uninterrupted run after its barrier n."""
    argvs = case.argvs()[:len(cut)]
    rline = '{"$restore":%d,"dir":%s}' % (n, json.dumps(wd))
    data = encode([rline] + lines[b + 1:])
    first = rline
    for (tool, argv), st, i in zip(argvs, stages, cut):
        r = run1(tool, argv, bindir, wd, data)
        check_alive(r, ' (%s)' % what)
        first = model.pass_control(tool, argv, first)
        exp = [first] + text_lines(st.out)[i + 1:]
        got = text_lines(r.out)
        j = first_diff(exp, got)
        if j is not None:
            err = r.err.decode('utf-8', 'replace').strip()
            raise Failure('restore-stdout', '%s %s: stdout differs from the '
                          'uninterrupted run\'s (after its barrier) at line '
                          '%d\n%s\n--- its stderr (exit %s)\n%s' %
                          (tool, what, j + 1, show_lines(exp, got, j), r.rc,
                           err[-2000:] or '(nothing)'))
        if r.rc != st.rc:
            raise Failure('restore-exit', '%s %s: exit status %s, '
                          'uninterrupted %s\nstderr: %s' %
                          (tool, what, r.rc, st.rc,
                           r.err.decode('utf-8', 'replace').strip()))
        eu = sorted(l for l in st.err.decode('utf-8', 'replace').split('\n')
                    if l)
        er = sorted(l for l in r.err.decode('utf-8', 'replace').split('\n')
                    if l)
        if eu != er:
            raise Failure('restore-stderr', '%s %s: stderr: uninterrupted\n'
                          '%s\nrestored\n%s' %
                          (tool, what, '\n'.join(eu) or '(nothing)',
                           '\n'.join(er) or '(nothing)'))
        data = r.out
    files, snaps = collect(wd)
    for name in [x for tool, argv in argvs for x in side_files(tool, argv)]:
        u, g = stages[0].files.get(name), files.get(name)
        if u != g:
            ul = text_lines(u or b'')
            gl = text_lines(g or b'')
            j = first_diff(ul, gl)
            raise Failure('restore-files', '%s after the run %s differs '
                          'from the uninterrupted run\'s at line %s%s\n%s' %
                          (name, what, j + 1 if j is not None else '?',
                           '' if g is not None else ' (no file)',
                           show_lines(ul, gl, j)))
    if len(cut) == len(stages):
        # the same snapshots as the uninterrupted run's (before the cut:
        # the first part's; after it: the restored run's), with as many
        # pieces of state (their text may differ: a hash table's order)
        u = stages[0].snaps
        for key in sorted(set(u) | set(snaps)):
            nu = len(text_lines(u[key])) if key in u else None
            ng = len(text_lines(snaps[key])) if key in snaps else None
            if nu != ng:
                raise Failure('restore-snapshot', 'snapshot %s after the run'
                              ' %s: %s, uninterrupted %s\n%s' %
                              (key, what, 'none' if ng is None else
                               '%d lines' % ng, 'none' if nu is None else
                               '%d lines' % nu,
                               show_lines(text_lines(u.get(key, b'')),
                                          text_lines(snaps.get(key, b'')),
                                          None)))


def check_restore(case, bindir, wd, stages):
    """Cut the run at barrier case.restore, restore, compare with the
    uninterrupted run (stages); then, when a barrier follows, restore again
    from the snapshot the restored run wrote there.  Returns tags for the
    coverage."""
    lines = case_input(case, wd)
    plan = restore_plan(case, lines)
    if plan is None:
        return []
    b, n = plan
    if any(st.tool == 'skeyby' and st.rc != 0 for st in stages):
        return []       # its output then depends on its shards' pace
    cut = passed_barrier(stages, n)
    if not cut:
        return []
    argvs = case.argvs()[:len(cut)]
    os.makedirs(wd)
    for name in prefills(case):
        with open(os.path.join(wd, name), 'wb') as f:
            f.write(PREFILL)
    # 1. the first part: up to the barrier (and case.extra lines more, as a
    # run killed later would have read), then end of input
    data = encode(lines[:b + 1 + case.extra])
    for (tool, argv), st, i in zip(argvs, stages, cut):
        p = run1(tool, argv, bindir, wd, data)
        check_alive(p, ' (the first part, up to barrier %d)' % n)
        got, exp = text_lines(p.out), text_lines(st.out)
        if got[:i + 1] != exp[:i + 1]:
            j = first_diff(exp[:i + 1], got[:i + 1])
            raise Failure('ckpt-prefix', '%s: the output up to barrier %d '
                          'differs from the uninterrupted run\'s at line %d '
                          '(the first part read %d lines)\n%s' %
                          (tool, n, j + 1, b + 1 + case.extra,
                           show_lines(exp[:i + 1], got[:i + 1], j)))
        data = p.out
    if case.junk:
        # a run killed while writing: a torn line after the barrier
        for name in [x for tool, argv in argvs
                     for x in side_files(tool, argv)]:
            path = os.path.join(wd, name)
            if os.path.exists(path):
                with open(path, 'ab') as f:
                    f.write(TORN)
    # 2. the restore
    restore_run(case, bindir, wd, stages, lines, b, n, cut,
                'restored from barrier %d' % n)
    tags = ['restored'] + ['restored-stage2'] * (len(cut) > 1)
    tags += ['restored-exit1'] * any(st.rc == 1 for st in stages[:len(cut)])
    tags += ['restored-extra'] * (case.extra > 0)
    tags += ['restored-torn'] * (case.junk and any(
        os.path.exists(os.path.join(wd, x)) for tool, argv in argvs
        for x in side_files(tool, argv)))
    tags += ['restored-0'] * (n == 0)
    tags += ['restored-id'] * any(op_id(argv) for _, argv in argvs)
    # 3. a later barrier: restore from the snapshot a restored run wrote
    nxt = later_barrier(case, lines, b)
    if nxt is not None:
        b2, m = nxt
        cut2 = passed_barrier(stages, m)[:len(cut)]
        if cut2:
            restore_run(case, bindir, wd, stages, lines, b2, m, cut2,
                        'restored from barrier %d, written by the run '
                        'restored from %d' % (m, n))
            tags.append('restored-twice')
    shutil.rmtree(wd, ignore_errors=True)
    return tags


def ddmin(lines, fails):
    """Delta debugging over lines: a small subsequence that still fails."""
    n = 2
    while len(lines) >= 2:
        chunk = max(1, len(lines) // n)
        subsets = [lines[i:i + chunk] for i in range(0, len(lines), chunk)]
        progress = False
        for i in range(len(subsets)):
            complement = [l for j, s in enumerate(subsets) if j != i
                          for l in s]
            if fails(subsets[i]):
                lines, n, progress = subsets[i], 2, True
                break
            if len(subsets) > 2 and fails(complement):
                lines, n, progress = complement, max(n - 1, 2), True
                break
        if not progress:
            if n >= len(lines):
                break
            n = min(len(lines), n * 2)
    if len(lines) == 1 and fails([]):
        lines = []
    return lines


def minimize(case, bindir, tmp, avoid, kind):
    budget = [400]

    def fails(lines):
        if budget[0] <= 0:
            return False
        budget[0] -= 1
        r = evaluate(case.copy(lines), bindir, tmp, avoid)
        return isinstance(r, Failure) and r.kind == kind
    small = ddmin(list(case.lines), fails)
    # then members of the objects left, one at a time (not of barriers)
    for i in range(len(small)):
        line = small[i]
        if gen.is_barrier_mark(line):
            continue
        if line.strip() != line and line.strip() and \
                fails(small[:i] + [line.strip()] + small[i + 1:]):
            line = line.strip()
            small = small[:i] + [line] + small[i + 1:]
        j = 0
        while True:
            m = re.fullmatch(r'(\s*)(.*?)(\s*)', line, re.S)
            members = raw_members(m.group(2))
            if members is None or j >= len(members):
                break
            cand = m.group(1) + '{' + ','.join(members[:j] + members[j + 1:]) \
                + '}' + m.group(3)
            if fails(small[:i] + [cand] + small[i + 1:]):
                line = cand
                small = small[:i] + [cand] + small[i + 1:]
            else:
                j += 1
    small = case.copy(small)
    # the fewest lines after the barrier for the first part
    if small.restore is not None:
        for extra in range(0, small.extra):
            c = small.copy(small.lines)
            c.extra = extra
            r = evaluate(c, bindir, tmp, avoid)
            if isinstance(r, Failure) and r.kind == kind:
                small = c
                break
    return small


RESTORE_KINDS = ('ckpt-prefix', 'restore-stdout', 'restore-exit',
                 'restore-stderr', 'restore-files', 'restore-snapshot')


def command(case, bindir, kind=None):
    """The shell command that runs the case, its input as a here-document
    (or printf when a line needs escapes).  Barriers name the directory the
    command runs in.  For a failure of the checkpoint test it goes on: the
    same tools cut at the barrier and restored."""
    def pipeline(redir):
        parts = [' '.join([tool] + [shlex.quote(a) for a in argv])
                 for tool, argv in case.argvs()]
        return parts[0] + redir + ''.join(' | ' + p for p in parts[1:])
    marks = any(gen.is_barrier_mark(l) for l in case.lines)
    plain = all(l != 'EOF' and '\r' not in l and
                all(c >= ' ' or c == '\t' for c in l) for l in case.lines)
    head = 'd=$(mktemp -d) && cd "$d" && PATH=%s:$PATH\n' % shlex.quote(
        os.path.abspath(bindir))
    restore = kind in RESTORE_KINDS and case.restore is not None and \
        restore_plan(case, case_input(case, '/')) is not None
    pre = prefills(case)
    fill = ''.join("printf '%%s\\n' %s >%s\n" % (
        shlex.quote(PREFILL.decode().rstrip('\n')), n) for n in pre)
    if not marks and not restore:
        if not case.lines:
            return head + pipeline(' </dev/null')
        if plain:
            return head + pipeline(" <<'EOF'") + '\n' + \
                '\n'.join(case.lines) + '\nEOF'
        fmt = ''.join(l.replace('\\', '\\\\').replace('%', '%%')
                      .replace('\r', '\\r').replace("'", "'\\''") + '\\n'
                      for l in case.lines)
        return head + "printf '%s' | " % fmt + pipeline('')
    sed = 'sed "s|%s|$d|"' % gen.DIR_MARK
    if not case.lines:
        body = ': >in\n'
    elif plain:
        body = sed + " >in <<'EOF'\n" + '\n'.join(case.lines) + '\nEOF\n'
    else:
        fmt = ''.join(l.replace('\\', '\\\\').replace('%', '%%')
                      .replace('\r', '\\r').replace("'", "'\\''") + '\\n'
                      for l in case.lines)
        body = "printf '%s' | " % fmt + sed + ' >in\n'
    out = head + body + fill + '# the uninterrupted run\n' + \
        pipeline(' <in') + '; echo "exit $?"'
    if not restore:
        return out
    b, n = restore_plan(case, case_input(case, '/'))
    names = [x for tool, argv in case.argvs()
             for x in side_files(tool, argv)]
    out += '\n# cut at barrier %d (line %d of in): a fresh start that ' \
        'reads up to it' % (n, b + 1)
    if case.extra:
        out += ' and %d line%s more' % (case.extra, 's' * (case.extra > 1))
    out += ', then\n# a fresh process on $restore and the rest, to compare ' \
        'with the run above after its barrier\n'
    out += 'mkdir u && mv ckpt.*%s u/ 2>/dev/null    # (kept for the ' \
        'comparison)\n' % ''.join(' ' + x for x in names)
    out += fill
    out += 'head -n %d in | %s >/dev/null\n' % (b + 1 + case.extra,
                                               pipeline(''))
    if case.junk and names:
        out += ''.join("[ -e %s ] && printf '%%s' %s >>%s    # torn\n" % (
            x, shlex.quote(TORN.decode()), x) for x in names)
    cmp = '\nfor f in%s; do cmp u/$f $f; done' % ''.join(
        ' ' + x for x in names) if names else ''

    def restore_cmd(n, b):
        return "{ printf '{\"$restore\":%d,\"dir\":\"%%s\"}\\n' \"$d\"; " \
            'tail -n +%d in; } | %s; echo "exit $?"' % (n, b + 2,
                                                       pipeline(''))
    out += restore_cmd(n, b) + cmp
    nxt = later_barrier(case, case_input(case, '/'), b)
    if nxt is not None:
        out += '\n# and from barrier %d, the snapshot that run wrote (line ' \
            '%d of in)\n' % (nxt[1], nxt[0] + 1) + \
            restore_cmd(nxt[1], nxt[0]) + cmp
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    ap.add_argument('--bin', required=True, help='directory of the tools')
    ap.add_argument('--seed', default=None)
    g = ap.add_mutually_exclusive_group()
    g.add_argument('--cases', type=int)
    g.add_argument('--seconds', type=float)
    ap.add_argument('--case', type=int, help='run only this case number')
    ap.add_argument('--avoid', default=os.environ.get('MODEL_AVOID', ''),
                    help='comma list of tags to leave out')
    ap.add_argument('--no-minimize', action='store_true')
    ap.add_argument('--keep-going', action='store_true',
                    help='report every failure (minimized), exit 1 at the end')
    ap.add_argument('--max-lines', type=int, default=40,
                    help='longest input (default 40)')
    ap.add_argument('--checkpoints', action='store_true',
                    help='make every case a checkpoint case (default: a '
                    'third of them)')
    ap.add_argument('--keyby', action='store_true',
                    help='make every case a skeyby case (default: a tenth '
                    'of them)')
    ap.add_argument('--csv', action='store_true',
                    help='make every case an scsv case (default: a tenth '
                    'of them)')
    ap.add_argument('-j', '--jobs', type=int,
                    default=min(4, os.cpu_count() or 1),
                    help='cases run at once (default: the CPUs, at most 4)')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else str(int(time.time()))
    gen.MAX_LINES = args.max_lines
    avoid = {t for t in args.avoid.split(',') if t}
    bindir = os.path.abspath(args.bin)
    for tool in ('swindow', 'swatermark', 'skeyby', 'scsv'):
        if not os.access(os.path.join(bindir, tool), os.X_OK):
            print('model: %s/%s is not an executable' % (bindir, tool),
                  file=sys.stderr)
            return 2
    if args.cases is None and args.seconds is None:
        args.cases = 300
    tmp = tempfile.mkdtemp(prefix='su-model-', dir=scratch_dir())
    passed = skipped = failed = 0
    seen_kinds = {}
    t0 = time.time()

    def wanted(i):
        if args.case is not None:
            return i == args.case
        if args.cases is not None:
            return i < args.cases
        return time.time() - t0 <= args.seconds

    def make(i):
        if args.csv or csvmodel.csv_rng(seed, i).random() < CSV_SHARE:
            return csvmodel.gen_case(csvmodel.csv_rng(seed, i))
        if args.keyby or gen.keyby_rng(seed, i).random() < KEYBY_SHARE:
            case = gen.gen_keyby(gen.keyby_rng(seed, i))
        else:
            case = gen.gen_case(gen.case_rng(seed, i))
        crng = gen.ckpt_rng(seed, i)
        if crng.random() < CKPT_SHARE or args.checkpoints:
            gen.add_checkpoints(crng, case)
        return case

    # cases run in parallel (the tools' time is most of it), reported in
    # order
    pool = concurrent.futures.ThreadPoolExecutor(max(1, args.jobs))
    pending = collections.deque()
    try:
        i = args.case if args.case is not None else 0
        while True:
            while len(pending) < 2 * max(1, args.jobs) and wanted(i):
                case = make(i)
                pending.append((i, case, pool.submit(evaluate, case, bindir,
                                                     tmp, avoid)))
                i += 1
            if not pending:
                break
            k, case, fut = pending.popleft()
            r = fut.result()
            if r is None:
                passed += 1
            elif r == 'skip':
                skipped += 1
            else:
                failed += 1
                csv = case.kind == 'csv'
                small = case if args.no_minimize else \
                    (minimize_csv if csv else minimize)(case, bindir, tmp,
                                                        avoid, r.kind)
                r2 = evaluate(small, bindir, tmp, avoid)
                if not isinstance(r2, Failure):
                    small, r2 = case, r
                print('model: FAIL: %s, seed %s, case %d (%d of %d input '
                      '%s kept)' % (r2.kind, seed, k, len(small.lines),
                                    len(case.lines),
                                    'rows and lines' if csv else 'lines'))
                print('reproduce: python3 %s --bin %s --seed %s --case %d%s'
                      % (os.path.relpath(__file__), shlex.quote(bindir),
                         shlex.quote(seed), k,
                         ' --checkpoints' * args.checkpoints +
                         ' --keyby' * args.keyby + ' --csv' * args.csv))
                print('command:')
                print(csvmodel.command(small, bindir) if csv else
                      command(small, bindir, r2.kind))
                print(r2.detail)
                print('model tags: %s' % (', '.join(sorted(getattr(r2, 'tags',
                                                                   ())))
                                          or '(none)'))
                print()
                sys.stdout.flush()
                seen_kinds[r2.kind] = seen_kinds.get(r2.kind, 0) + 1
                if not args.keep_going:
                    return 1
            if args.verbose and (k + 1) % 100 == 0:
                print('model: %d cases, %.1fs' % (k + 1, time.time() - t0),
                      file=sys.stderr)
    finally:
        for _, _, fut in pending:
            fut.cancel()
        pool.shutdown(wait=True)
        shutil.rmtree(tmp, ignore_errors=True)
    if args.verbose:
        print('model: checkpoint coverage (cases): %s' % ', '.join(
            '%s %d' % kv for kv in sorted(COVER.items())
            if not kv[0].startswith(('csv-',) + FEATURE_TAGS)),
            file=sys.stderr)
        print('model: feature coverage (cases): %s' % ', '.join(
            '%s %d' % kv for kv in sorted(COVER.items())
            if kv[0].startswith(FEATURE_TAGS)), file=sys.stderr)
        print('model: scsv coverage (cases): %s' % ', '.join(
            '%s %d' % kv for kv in sorted(COVER.items())
            if kv[0].startswith('csv-')), file=sys.stderr)
    if failed:
        print('model: %d cases passed, %d failed (seed %s)%s' %
              (passed, failed, seed, '' if not skipped else
               ', %d skipped (avoid: %s)' % (skipped, ','.join(sorted(avoid)))))
        return 1
    msg = 'model: %d cases passed (seed %s)' % (passed, seed)
    if skipped:
        msg += ', %d skipped (avoid: %s)' % (skipped, ','.join(sorted(avoid)))
    print(msg)
    return 0


if __name__ == '__main__':
    sys.exit(main())
