#!/usr/bin/env python3
"""Randomized model test of swindow and swatermark.

    python3 tests/model/stress.py --bin DIR [--seed S] [--cases N | --seconds T]
                                  [--avoid TAG,...] [--case K] [--keep-going]
                                  [--no-minimize] [--max-lines N] [-v]

Each case (tests/model/gen.py) runs against DIR/swindow and DIR/swatermark
in its own temporary directory, and is compared exactly with the reference
model (tests/model/model.py): stdout (values, order, format), side files
(--late, --dead-letter: line and raw), the stderr counts, the exit status.
Invariants the model need not decide are checked too: no crash (a signal,
or exit >= 128), no sanitizer report on stderr, every data record accounted
for (plain count over the last output of each window + late + skipped +
dead-lettered = data records in; tumble, session and count windows), and a
second run byte-identical to the first.

On the first failure the input is minimized (delta debugging over lines,
then members of the objects left; same command) and the seed, case number,
the command (a here-document, or printf when a line needs escapes), expected
and got are printed; exit 1.  On success: "model: N cases passed (seed S)".
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
  sum-int-reading  a sum of whole numbers, some written as reals (1.0,
                   1e2), whose text differs between the two readings of
                   "integer sums" (the model reads them by value)
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True        # no __pycache__ in the source tree

import gen    # noqa: E402
import model  # noqa: E402

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


SIDE_FILES = ('late.ndjson', 'dead.ndjson', 'wmlate.ndjson', 'wmdead.ndjson')


def run_tools(case, bindir, workdir):
    """Runs the case's stages in workdir; the pipeline's second stage reads
    the first one's output (a replay: the same as a pipe)."""
    os.makedirs(workdir)
    data = ''.join(l + '\n' for l in case.lines).encode('utf-8',
                                                        'surrogatepass')
    stages = []
    for tool, argv in case.argvs():
        try:
            p = subprocess.run([os.path.join(bindir, tool)] + argv,
                               input=data, cwd=workdir,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=TIMEOUT)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = 'timeout', e.stdout or b'', e.stderr or b''
        except OSError as e:
            # not the tool's answer: it could not be run (being rebuilt?)
            sys.exit('model: cannot run %s: %s' % (tool, e))
        stages.append(Stage(tool, argv, rc, out, err, None))
        data = out
    files = {}
    for name in SIDE_FILES:
        path = os.path.join(workdir, name)
        if os.path.exists(path):
            with open(path, 'rb') as f:
                files[name] = f.read()
    for s in stages:
        s.files = files
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
    members = raw_members(text)
    if members is None:
        return None
    out = []
    for m in members:
        instr, esc = False, False
        for i, ch in enumerate(m):
            if instr:
                if esc:
                    esc = False
                elif ch == '\\':
                    esc = True
                elif ch == '"':
                    instr = False
            elif ch == '"':
                instr = True
            elif ch == ':':
                try:
                    name = json.loads(m[:i])
                except ValueError:
                    return None
                out.append((name, m[i + 1:]))
                break
        else:
            return None
    return out


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
        m = re.fullmatch(re.escape(tool) + r': ([0-9]+) late events? dropped',
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


def check_stage(st, res, data_in_lines):
    """Raises Failure when the stage differs from the model's Result."""
    err = st.err.decode('utf-8', 'replace')
    if st.rc == 'timeout':
        raise Failure('timeout', '%s did not finish in %ds' % (st.tool,
                                                               TIMEOUT))
    if st.rc < 0 or st.rc >= 128:
        raise Failure('crash', '%s: exit status %s (signal)\n%s' %
                      (st.tool, st.rc, err[-3000:]))
    for s in SANITIZER:
        if s in err:
            raise Failure('sanitizer', '%s: sanitizer report:\n%s' %
                          (st.tool, err[-4000:]))
    if st.out and not st.out.endswith(b'\n'):
        raise Failure('stdout', '%s: stdout does not end with a newline'
                      % st.tool)
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
    else:
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
    if res.exit == 0:
        check_accounting(st, data_in_lines)


def check_accounting(st, in_lines):
    """Every data record in is in a window's last output, late, skipped or
    dead-lettered (swindow: tumble, session, count windows with a plain
    count); forwarded, dropped late, skipped or dead-lettered
    (swatermark)."""
    def is_data(l):
        l = l[:-1] if l.endswith('\r') else l
        if not l.strip(' \t'):
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
        fwd = sum(1 for l in out if not model.is_watermark(l))
        if fwd + late + skipped + dead != data_in:
            raise Failure('accounting', 'swatermark: %d forwarded + %d late '
                          '+ %d skipped + %d dead-lettered != %d data '
                          'records in' % (fwd, late, skipped, dead, data_in))
        return
    o = model.parse_args(st.argv, model.SW_SPEC)
    if o.hop is not None:
        return
    names = [a.name for a in model.parse_aggs(o.aggs)
             if a.func == 'count' and a.path is None]
    if not names:
        return
    cname = names[0]
    keys = model.parse_keys(o.keys)
    recs = []
    for l in out:
        if model.is_watermark(l):
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

def evaluate(case, bindir, tmp, avoid, counter=[0]):
    """None when the case passes, 'skip' when it touches an avoided tag,
    else a Failure."""
    try:
        results = []
        tags = set()
        counter[0] += 1
        stages = run_tools(case, bindir, os.path.join(tmp, 'r%d' %
                                                      counter[0]))
        inp = case.lines
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
        except Failure as f:
            f.tags = tags
            raise
        counter[0] += 1
        again = run_tools(case, bindir, os.path.join(tmp, 'r%d' %
                                                     counter[0]))
        for a, b in zip(stages, again):
            if (a.rc, a.out, a.err, a.files) != (b.rc, b.out, b.err, b.files):
                raise Failure('nondeterministic', '%s: a second run gave '
                              'other output' % a.tool)
    except Failure as f:
        return f
    except model.Usage as e:
        return Failure('model', 'the model refused the options: %s' % e)
    return None


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
        c = gen.Case()
        c.kind, c.wm_argv, c.sw_argv, c.lines = (case.kind, case.wm_argv,
                                                 case.sw_argv, list(lines))
        r = evaluate(c, bindir, tmp, avoid)
        return isinstance(r, Failure) and r.kind == kind
    small = ddmin(list(case.lines), fails)
    # then members of the objects left, one at a time
    for i in range(len(small)):
        line = small[i]
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
    c = gen.Case()
    c.kind, c.wm_argv, c.sw_argv, c.lines = (case.kind, case.wm_argv,
                                             case.sw_argv, small)
    return c


def command(case, bindir):
    """The shell command that runs the case, its input as a here-document
    (or printf when a line needs escapes)."""
    parts = [' '.join([tool] + [shlex.quote(a) for a in argv])
             for tool, argv in case.argvs()]
    plain = all(l != 'EOF' and '\r' not in l and
                all(c >= ' ' or c == '\t' for c in l) for l in case.lines)
    head = 'cd "$(mktemp -d)" && PATH=%s:$PATH\n' % shlex.quote(
        os.path.abspath(bindir))
    if not case.lines:
        return head + parts[0] + ' </dev/null' + ''.join(' | ' + p
                                                          for p in parts[1:])
    if plain:
        body = parts[0] + " <<'EOF'" + ''.join(' | ' + p for p in parts[1:])
        return head + body + '\n' + '\n'.join(case.lines) + '\nEOF'
    fmt = ''.join(l.replace('\\', '\\\\').replace('%', '%%')
                  .replace('\r', '\\r').replace("'", "'\\''") + '\\n'
                  for l in case.lines)
    return head + "printf '%s' | " % fmt + ' | '.join(parts)


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
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else str(int(time.time()))
    gen.MAX_LINES = args.max_lines
    avoid = {t for t in args.avoid.split(',') if t}
    bindir = os.path.abspath(args.bin)
    for tool in ('swindow', 'swatermark'):
        if not os.access(os.path.join(bindir, tool), os.X_OK):
            print('model: %s/%s is not an executable' % (bindir, tool),
                  file=sys.stderr)
            return 2
    if args.cases is None and args.seconds is None:
        args.cases = 300
    tmp = tempfile.mkdtemp(prefix='su-model-')
    passed = skipped = failed = 0
    seen_kinds = {}
    t0 = time.time()
    try:
        i = args.case if args.case is not None else 0
        while True:
            if args.case is not None and i != args.case:
                break
            if args.cases is not None and args.case is None and \
                    i >= args.cases:
                break
            if args.seconds is not None and time.time() - t0 > args.seconds:
                break
            case = gen.gen_case(gen.case_rng(seed, i))
            r = evaluate(case, bindir, tmp, avoid)
            if r is None:
                passed += 1
            elif r == 'skip':
                skipped += 1
            else:
                failed += 1
                small = case if args.no_minimize else \
                    minimize(case, bindir, tmp, avoid, r.kind)
                r2 = evaluate(small, bindir, tmp, avoid)
                if not isinstance(r2, Failure):
                    small, r2 = case, r
                print('model: FAIL: %s, seed %s, case %d (%d of %d input '
                      'lines kept)' % (r2.kind, seed, i, len(small.lines),
                                       len(case.lines)))
                print('reproduce: python3 %s --bin %s --seed %s --case %d' %
                      (os.path.relpath(__file__), shlex.quote(bindir),
                       shlex.quote(seed), i))
                print('command:')
                print(command(small, bindir))
                print(r2.detail)
                print('model tags: %s' % (', '.join(sorted(getattr(r2, 'tags',
                                                                   ())))
                                          or '(none)'))
                print()
                sys.stdout.flush()
                seen_kinds[r2.kind] = seen_kinds.get(r2.kind, 0) + 1
                if not args.keep_going:
                    return 1
            if args.verbose and (i + 1) % 100 == 0:
                print('model: %d cases, %.1fs' % (i + 1, time.time() - t0),
                      file=sys.stderr)
            i += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
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
