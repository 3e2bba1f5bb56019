"""Random cases for the streamutils model test.

gen_case(rng) -> Case: a tool ('swindow', 'swatermark' or 'pipe', which is
swatermark ... | swindow ...), the argument lists, and the input lines
(0-40 of them, mostly realistic, some edge values).  Side files are named
relative to the case's directory (late.ndjson, dead.ndjson, ...), so the
command printed for a failure is the command that ran.

The newer options come at a modest share: --tz ZONE for a quarter of the
cases (pick_tz: UTC, Europe/Berlin, America/New_York, Asia/Kolkata,
Australia/Lord_Howe), mostly with TimeStyle 'local': times without an
offset (some in the repeated hour, a few the clocks skipped: bad records;
dates alone), with the zone's offset, Z and epoch seconds, of instants
near the zone's clock changes in 2026 (transitions(), by zoneinfo) or
ordinary ones; a fifth of the window cases --cumulate or calendar sizes
(gen_calendar: days, weeks from Monday, months, quarters, years, with
offsets); topN among the aggregates; -k PATH=NAME for some keys (and in
skeyby's -k); --data-only for some last stages (swindow, swatermark,
skeyby; not in a pipeline's first stage, nor in skeyby's shards, and
mostly left out of checkpoint cases); now and then input whose time runs
backwards (most of it late: the hint at exit).

gen_keyby(rng) -> Case of kind 'keyby': skeyby over swindow (see there),
drawn with its own rng (keyby_rng(seed, i)) in place of gen_case's case,
so the other cases stay the same.

add_checkpoints(rng, case) makes a case a checkpoint case: it inserts one or
two barrier lines {"$checkpoint":N,"dir":"@DIR@"} among the input lines
(DIR_MARK stands for the case's directory, filled in when it runs; barrier
0, the start of a fresh run, only as the first line) and picks the one to
cut at and restore from (case.restore, its N), how many lines after it the
first part reads too before it ends (case.extra: the records a killed run
processed after its last barrier), and whether a torn line is appended to
the side files after the first part (case.junk).  Most barriers go where
the model says they cut through state (interesting_cuts: records held by
--reorder, late drops and dead letters before, open sessions, windows
fired and kept by -L, count windows half full, also of keys past their
first window, -d in swindow, either stage of a pipeline); some cases get
--id NAME, and numbers a snapshot must keep exactly (SNAP_NUMS).  Its own
rng (ckpt_rng(seed, i)), so the cases are the same with or without it.
"""

import math
import random
import re
import shlex
import struct
from fractions import Fraction

MAX_LINES = 40                     # stress.py --max-lines changes it
S = 10 ** 9
MS = 10 ** 6
RFC_BASE = 1795464000 * S          # 2026-11-23T20:00:00Z
SEC_BASE_CHOICES = [0, 0, 0, 100 * S, 1700000000 * S]
MS_BASE = 1700000000000 * MS


class Case:
    def __init__(self):
        self.kind = 'swindow'
        self.wm_argv = None
        self.sw_argv = None
        self.lines = []
        self.restore = None     # the barrier (its N) to cut at, or None
        self.extra = 0          # lines after it the first part reads too
        self.junk = False       # a torn line in the side files after it
        # kind 'keyby' (gen_keyby): skeyby's options, swatermark before it
        # (kb_up) or in each shard (kb_shard_wm), the shards' command as
        # -c 'PIPELINE' (kb_shell) or after --
        self.kb_argv = None
        self.kb_up = self.kb_shard_wm = self.kb_shell = False

    def copy(self, lines):
        c = Case()
        c.__dict__.update(self.__dict__)
        c.lines = list(lines)
        return c

    def argvs(self):
        if self.kind == 'swindow':
            return [('swindow', self.sw_argv)]
        if self.kind == 'swatermark':
            return [('swatermark', self.wm_argv)]
        if self.kind == 'keyby':
            return keyby_argvs(self)
        return [('swatermark', self.wm_argv), ('swindow', self.sw_argv)]


# --- durations and times as text ------------------------------------------

def dur_text(ns, rng):
    """A duration in one of its spellings (SPEC 2)."""
    neg = ns < 0
    ns = abs(ns)
    if ns == 0:
        t = rng.choice(['0', '0s', '0ms'])
    elif ns % (60 * S) == 0 and rng.random() < 0.5:
        m = ns // (60 * S)
        t = '%dm' % m if m % 60 or rng.random() < 0.5 else '%dh' % (m // 60)
    elif ns % S == 0:
        sec = ns // S
        r = rng.random()
        if r < 0.15:
            t = str(sec)                      # a bare number is seconds
        elif r < 0.25 and sec > 60:
            t = '%dm%ds' % (sec // 60, sec % 60) if sec % 60 else \
                '%dm' % (sec // 60)
        elif r < 0.3:
            t = '%dms' % (ns // MS)
        else:
            t = '%ds' % sec
    elif ns % MS == 0:
        if ns % (S // 10) == 0 and rng.random() < 0.3:
            t = dec_text(Fraction(ns, S)) + 's'
        else:
            t = '%dms' % (ns // MS)
    elif ns % 1000 == 0:
        t = '%dus' % (ns // 1000)
    else:
        t = '%dns' % ns
    return ('-' + t) if neg else t


def dec_text(f):
    """Exact decimal text of a Fraction with a power-of-ten denominator."""
    neg = f < 0
    f = abs(f)
    ip = int(f)
    rest = f - ip
    s = str(ip)
    if rest:
        digits = ''
        while rest and len(digits) < 12:
            rest *= 10
            d = int(rest)
            digits += str(d)
            rest -= d
        s += '.' + digits
    return ('-' + s) if neg else s


# --- time zones (--tz) ------------------------------------------------------

TZ_SHARE = 1 / 4              # swindow / swatermark cases with --tz
ZONES = ['UTC', 'Europe/Berlin', 'Europe/Berlin', 'America/New_York',
         'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']
ORDINARY = [1784116800 * S,            # 2026-07-15T12:00:00Z
            RFC_BASE, 1767225600 * S - 6 * 3600 * S]   # near new year
_TRANSITIONS = {}


def pick_tz(rng):
    """--tz ZONE for a quarter of the cases, or None."""
    return rng.choice(ZONES) if rng.random() < TZ_SHARE else None


def zone(name):
    import model
    return model.Zone(name)


def transitions(name):
    """[(T, offset before, offset after)] (ns) of the zone's changes in
    2026, by zoneinfo."""
    if name not in _TRANSITIONS:
        z = zone(name)
        out = []
        t0 = 1767225600 * S                 # 2026-01-01T00:00:00Z
        prev = z.off(t0)
        for d in range(1, 366):
            t = t0 + d * 86400 * S
            o = z.off(t)
            if o != prev:
                lo, hi = t - 86400 * S, t
                while hi - lo > S:
                    mid = (lo + hi) // 2 // S * S
                    if z.off(mid) == prev:
                        lo = mid
                    else:
                        hi = mid
                out.append((hi, prev, o))
                prev = o
        _TRANSITIONS[name] = out
    return _TRANSITIONS[name]


def offset_text(off_ns, rng=None):
    a = abs(off_ns) // S
    sign = '-' if off_ns < 0 else '+'
    if rng is not None and rng.random() < 0.2:
        return '%s%02d%02d' % (sign, a // 3600, a // 60 % 60)
    return '%s%02d:%02d' % (sign, a // 3600, a // 60 % 60)


def civil(ns):
    from model import _civil_from_days
    secs, frac = divmod(ns, S)
    days, sod = divmod(secs, 86400)
    y, m, d = _civil_from_days(days)
    return y, m, d, sod // 3600, sod // 60 % 60, sod % 60, frac


class TimeStyle:
    """How a case writes event times: 'sec' (epoch seconds, numbers and
    numeric strings), 'ms' (epoch milliseconds), 'rfc' (RFC 3339 strings),
    'mixed' (all of these for the same instants), 'local' (with --tz ZONE:
    mostly local times without an offset, of instants near the zone's
    clock changes or ordinary ones, with an offset, Z, epoch seconds; some
    the clocks skipped: skipped(), bad records)."""

    def __init__(self, rng, tz=None):
        self.rng = rng
        self.tz = tz
        self.local_wm = True    # watermarks as local times too (not skeyby)
        if tz is not None and rng.random() < 0.75:
            self.kind = 'local'
        else:
            self.kind = rng.choice(['sec', 'sec', 'ms', 'rfc', 'rfc',
                                    'mixed'])
        self.unit_opt = None
        self.zone = self.gaps = None
        if self.kind == 'local':
            self.zone = zone(tz)
            trans = transitions(tz)
            self.gaps = [(t, a, b) for t, a, b in trans if b > a]
            self.unit_opt = rng.choice([None, None, 's'])
            self.near = None
            if trans and rng.random() < 0.75:
                self.near = rng.choice(trans)
                self.base = None        # set by at_tick(), before a change
            else:
                self.base = rng.choice(ORDINARY)
        elif self.kind == 'sec':
            self.base = rng.choice(SEC_BASE_CHOICES)
            self.unit_opt = rng.choice([None, None, 'auto', 's'])
        elif self.kind == 'ms':
            # epoch numbers in ms (mostly), us or ns
            self.unit = rng.choice(['ms', 'ms', 'ms', 'us', 'ns'])
            if rng.random() < 0.5:
                self.base = rng.choice([0, 1000 * S])
                self.unit_opt = self.unit
            else:
                self.base = MS_BASE      # auto reads 1.7e12 as ms, 1.7e15
                self.unit_opt = rng.choice([None, self.unit])  # as us ...
        elif self.kind == 'rfc':
            self.base = RFC_BASE
            self.unit_opt = rng.choice([None, None, 'ms'])  # no effect on RFC
        else:
            self.base = 1700000000 * S
            self.unit_opt = rng.choice([None, 's'])

    def at_tick(self, tick):
        """The tick is known: a 'local' case near a clock change starts
        some ticks before it."""
        if self.kind == 'local' and self.base is None:
            self.base = self.near[0] - self.rng.randint(5, 60) * tick
            if self.rng.random() < 0.3:
                self.base -= self.rng.randint(0, 3600) * S

    def tick_choices(self):
        rare = [MS, 250 * 1000, 3000, 7]
        if self.kind == 'local':
            return [S, S, 10 * S, 60 * S, 300 * S, 600 * S, 900 * S,
                    1800 * S]
        if self.kind == 'ms':
            return [S, S, 500 * MS, 250 * MS, 100 * MS, 10 * MS] + (
                rare if self.rng.random() < 0.1 else [])
        return [S, S, S, 500 * MS, 250 * MS, 2 * S, 100 * MS] + (
            [60 * S, 900 * S] if self.rng.random() < 0.15 else []) + (
            rare if self.rng.random() < 0.05 else [])

    def naive(self, l):
        """A local time (naive ns) as RFC 3339 without an offset."""
        rng = self.rng
        y, mo, d, hh, mi, ss, frac = civil(l)
        if not (hh or mi or ss or frac) and rng.random() < 0.2:
            return '%04d-%02d-%02d' % (y, mo, d)     # a date: its midnight
        s = '%04d-%02d-%02d%s%02d:%02d' % (y, mo, d, rng.choice(
            ['T'] * 6 + [' ', ' ', 't']), hh, mi)
        if ss or frac or rng.random() < 0.8:
            s += ':%02d' % ss
            if frac:
                s += '.' + ('%09d' % frac).rstrip('0')
        return s

    def local_text(self, ns, for_wm):
        rng = self.rng
        z = self.zone
        r = rng.random()
        if r < 0.5 and (self.local_wm or not for_wm):
            if r < 0.01 and not for_wm:
                # a date alone: the local midnight of that day
                y, mo, d = civil(z.local(ns))[:3]
                return '"%04d-%02d-%02d"' % (y, mo, d)
            return '"%s"' % self.naive(z.local(ns))
        if r < 0.65:
            # the local time with the zone's offset at that instant
            return '"%s%s"' % (self.full_local(z.local(ns)),
                               offset_text(z.off(ns), rng))
        if r < 0.77:
            return '"%s"' % self.rfc(ns, for_wm)
        t = dec_text(Fraction(ns, S))
        if not for_wm and rng.random() < 0.15:
            return '"%s"' % t
        return t

    def full_local(self, l):
        """A local time with its time of day (for an offset after it)."""
        y, mo, d, hh, mi, ss, frac = civil(l)
        s = '%04d-%02d-%02dT%02d:%02d:%02d' % (y, mo, d, hh, mi, ss)
        if frac:
            s += '.' + ('%09d' % frac).rstrip('0')
        return s

    def skipped(self):
        """A local time the clocks skipped (near the case's times), or
        None: a bad time."""
        if self.kind != 'local' or not self.gaps:
            return None
        t, a, b = min(self.gaps, key=lambda g: abs(g[0] - self.base))
        l = t + a + self.rng.randrange((b - a) // (60 * S)) * 60 * S
        if self.rng.random() < 0.3:
            l += self.rng.randrange(60) * S
        return '"%s"' % self.naive(l) if self.rng.random() < 0.5 else \
            '"%s"' % self.full_local(l)

    def text(self, ns, for_wm=False):
        rng = self.rng
        kind = self.kind
        if kind == 'local':
            return self.local_text(ns, for_wm)
        if kind == 'mixed':
            kind = rng.choice(['sec', 'rfc', 'secstr'])
        if kind in ('sec', 'secstr'):
            f = Fraction(ns, S)
            t = dec_text(f)
            r = rng.random()
            if not for_wm and r < 0.03:
                # digits beyond the nanosecond: rounded half away from zero
                fp = t.split('.')[1] if '.' in t else ''
                t = t + ('' if '.' in t else '.') + '0' * (9 - len(fp)) + \
                    rng.choice(['5', '49', '51', '4999', '5000001'])
                r = 1
            if r < 0.06 and '.' not in t and t not in ('0', '-0') and \
                    not t.endswith('0'):
                t = t + '.0' if rng.random() < 0.5 else t + 'e0'
            elif r < 0.1 and '.' in t:
                ip, fp = t.split('.')
                t = (ip + fp).lstrip('0') or '0'
                if t.startswith('-'):
                    t = '-' + t[1:].lstrip('0')
                t = t + 'e-%d' % len(fp)
                if t.startswith('e') or t.startswith('-e'):
                    t = dec_text(f)
            if kind == 'secstr' or (not for_wm and rng.random() < 0.08):
                return '"%s"' % t
            return t
        if kind == 'ms':
            f = Fraction(ns, {'ms': MS, 'us': 1000, 'ns': 1}[self.unit])
            t = dec_text(f)
            if not for_wm and rng.random() < 0.05:
                return '"%s"' % t
            return t
        return '"%s"' % self.rfc(ns, for_wm)

    def rfc(self, ns, for_wm=False):
        rng = self.rng
        off = 0
        r = rng.random()
        if r < 0.15:
            off = rng.choice([3600, -5 * 3600 - 1800, 5 * 3600 + 1800, 7200])
        y, mo, d, hh, mi, ss, frac = civil(ns + off * S)
        sep = rng.choice(['T'] * 8 + [' ', 't'])
        s = '%04d-%02d-%02d%s%02d:%02d' % (y, mo, d, sep, hh, mi)
        if ss or frac or rng.random() < 0.8:
            s += ':%02d' % ss
            if frac:
                fd = ('%09d' % frac).rstrip('0')
                if rng.random() < 0.2:
                    fd = fd.ljust(min(9, len(fd) + 2), '0')
                s += '.' + fd
        if off:
            sign = '+' if off > 0 else '-'
            a = abs(off)
            h, m = a // 3600, a // 60 % 60
            s += rng.choice(['%s%02d:%02d', '%s%02d%02d']) % (sign, h, m) \
                if m or rng.random() < 0.7 else '%s%02d' % (sign, h)
        else:
            r = rng.random()
            s += 'Z' if r < 0.8 else 'z' if r < 0.85 else '+00:00' \
                if r < 0.93 or (for_wm and not self.local_wm and
                                self.tz is not None) else ''
        return s


# --- values ----------------------------------------------------------------

MISSING = object()

EDGE_NUMS = [
    '0.1', '0.2', '0.3', '0.7', '-0', '-0.0', '0.0', '1e3', '2.5E-3', '1.50',
    '15e-1', '1E+2', '9223372036854775807', '-9223372036854775808',
    '9223372036854775806', '4611686018427387904', '9007199254740993',
    '1e15', '1000000000000000', '123456789012345678', '1234567890123456.7',
    '1e-7', '0.000001', '0.0001', '1e22', '1e21', '1e300', '-1e300',
    '5e-324', '12345678901234567890.5', '-12.345', '3.14159', '1e-5',
    '0.1e1', '100e-2', '"99999999999999999999"', '"1e2"', '"-0.5"',
    '"12345678901234567890123"', '2.5', '-2.5', '0.5', '1.125',
    '0.30000000000000004', '4503599627370496.5', '1.7976931348623157e308',
    '1e-400', '-1e-400', '1e308', '9007199254740992', '1.0', '2.0', '10e-1',
    '1e0', '0.1e-5', '-1e15', '-1000000000000000', '"1.0"',
    '123456789012345678901234567890', '0.000123456789012345678901234567',
    '1e-1200', '-2.5e-1101', '7e-1100', '1e-1099',
]
LONG_NUMS = [
    '0.' + '3' * 1200,                       # counts as its nearest double
    '0.' + '0' * 1090 + '123456789',         # 1099 digits: exact
    '1' * 40 + '.' + '5' * 30,
    '3.14159265358979323846264338327950288419716939937510582097494459230781'
    '6406286',
    '1.00000000000000000000000000000000000000000000000000000000000000000001',
    '123456789012345678901234567890123456789012345678901234567890123456789'
    '.5',
]
BAD_NUM_VALUES = ['"abc"', 'true', 'false', '[1]', '{"a":1}', '"1."',
                  '" 12"', '"+5"', '"NaN"', '""']
BAD_JSON_VALUES = ['99999999999999999999', '-9223372036854775809', '1e400']

ANY_VALUES = [
    '"a"', '"b"', '"x y"', '"\u00e9"', '"\\u00e9"', '"tab\\t"', '"q\\"q"',
    '"\\/"', '"\\u2028"', '"\\u001f"', '"\\n"', '1', '1.0', '1e0', '10e-1',
    '2', 'true', 'false', '[1, 2]', '[1.0,2]', '[]', '{}', '{"b":1,"a":2}',
    '{"a":2, "b":1}', '{"a":1,"a":2}', 'null', MISSING, '"12.5"', '0.1',
    '-0', '1.50', '[{"z":null,"y":[]}]', '"\\ud83d\\ude00"', '"\U0001F600"',
    '"\x7f"',
]

KEY_POOLS = [
    ['"a"', '"b"', '"c"', '"d"'],
    ['1', '1.0', '1e0', '2', '10', '-0', '0', '0.5', '5e-1', '2.0'],
    ['"a"', '1', '"1"', 'null', MISSING, 'true', '[1,2]', '[1.0, 2]',
     '{"x":1}', '{ "x" : 1.0 }', '"\u00e9"', '"a\\"b"', '"A"', '"\\u0041"'],
    # keys alike in their first 8 bytes, which the firing sort compares
    # at once, and keys longer than 16
    ['""', '"abcdefg"', '"abcdefgh"', '"abcdefgh0"', '"abcdefgh1"',
     '"abcdefghijklmnopq"', '"abcdefghijklmnopr"', '"abcdefghijklmnop"'],
]


def num_value(rng, edge):
    r = rng.random()
    if r < 0.08:
        return 'null'
    if r < 0.16:
        return MISSING
    if r < 0.16 + edge:
        r = rng.random()
        if r < 0.04:
            return rng.choice(LONG_NUMS)
        if r < 0.1:
            # a power of two, written shortest or exactly
            x = 2.0 ** rng.randint(-1074, 1023)
            return repr(x) if rng.random() < 0.7 else \
                '%.*e' % (rng.randint(15, 25), x)
        if r < 0.16:
            # any double, shortest
            x = struct.unpack('<d', struct.pack('<Q', rng.getrandbits(64)))[0]
            if math.isfinite(x):
                return repr(x)
        return rng.choice(EDGE_NUMS)
    r = rng.random()
    if r < 0.5:
        return str(rng.randint(-5, 40))
    if r < 0.8:
        d = rng.choice([1, 1, 2])
        x = rng.randint(-500, 5000)
        s = '%d.%0*d' % (abs(x) // 10 ** d, d, abs(x) % 10 ** d)
        return ('-' + s) if x < 0 else s
    if r < 0.95:
        return '"%s"' % rng.choice([str(rng.randint(0, 99)),
                                    '%d.5' % rng.randint(0, 99),
                                    '%d.25' % rng.randint(0, 9)])
    return rng.choice(['1e1', '2.5e0', '25e-1', '1E1', '0.5e1'])


# --- aggregates ------------------------------------------------------------

NUM_AGGS = ['sum', 'min', 'max', 'avg', 'median', 'p95', 'p99.9', 'p0',
            'p100', 'p25', 'p50', 'p1', 'p33', 'stddev', 'var']
ANY_AGGS = ['count', 'first', 'last', 'collect', 'distinct', 'top']


def gen_aggs(rng, kinds_numeric_paths):
    """-a arguments: a few aggregates, sometimes renamed, sometimes as a
    comma list; plain count most of the time (for the accounting
    invariant)."""
    pool = []
    for f in NUM_AGGS:
        for p in kinds_numeric_paths:
            pool.append('%s:%s' % (f, p))
    for f in ANY_AGGS:
        for p in ['v', 's'] + (['n.x'] if 'n.x' in kinds_numeric_paths
                               else []):
            # topN: the N most frequent values
            fn = 'top%d' % rng.choice([1, 1, 2, 2, 3, 5, 1000000]) \
                if f == 'top' else f
            pool.append('%s:%s' % (fn, p))
    rng.shuffle(pool)
    chosen = pool[:rng.randint(1, 5)]
    if rng.random() < 0.75:
        chosen.insert(rng.randint(0, len(chosen)), 'count')
    used = set()
    items = []
    for i, a in enumerate(chosen):
        if rng.random() < 0.15:
            a = a + '=out%d' % i
        items.append(a)
        used.add(a)
    args = []
    i = 0
    while i < len(items):
        if rng.random() < 0.3 and i + 1 < len(items):
            args += ['-a', items[i] + ',' + items[i + 1]]
            i += 2
        else:
            args += ['-a', items[i]]
            i += 1
    numeric_on = {a.split('=')[0].split(':')[1] for a in items
                  if ':' in a and a.split(':')[0] in NUM_AGGS}
    return args, numeric_on


# --- records ---------------------------------------------------------------

def obj_text(rng, fields, dups=()):
    """An object's text: "name": value members; missing values left out;
    compact or spaced.  dups: (name, value) members put before the first
    member of that name (the last one counts)."""
    members = [(k, v) for k, v in fields if v is not MISSING]
    if rng.random() < 0.1:
        rng.shuffle(members)
    for k, v in dups:
        i = next((j for j, m in enumerate(members) if m[0] == k),
                 len(members))
        members.insert(i, (k, v))
    sep, colon = (',', ':') if rng.random() < 0.85 else (', ', ': ')
    return '{' + sep.join('"%s"%s%s' % (k, colon, v) for k, v in members) + '}'


def nested(path, value):
    """[(top, text)] for a dotted path: a.b -> ("a", {"b": value})."""
    parts = path.split('.')
    if value is MISSING:
        return [(parts[0], MISSING)]
    text = value
    for p in reversed(parts[1:]):
        text = '{"%s":%s}' % (p, text)
    return [(parts[0], text)]


class Events:
    """Event times: progress with steps, pauses, duplicates, disorder and
    some records far behind."""

    def __init__(self, rng, tick, base):
        self.rng, self.tick, self.base = rng, tick, base
        self.progress = base + rng.randint(0, 20) * tick
        self.disorder = rng.choice([0, 0.1, 0.3, 0.5])
        self.maxdis = rng.choice([1, 2, 4, 8])
        self.pause = rng.choice([0.02, 0.08, 0.15])
        self.max = None
        self.past = []
        self.revisit = 0        # chance of a time near an earlier one
        self.backwards = False  # time goes back: most records late

    def next(self):
        rng = self.rng
        if self.past and rng.random() < self.revisit:
            t = rng.choice(self.past[-8:] if rng.random() < 0.7
                           else self.past) + rng.randint(-2, 2) * self.tick
            self.past.append(t)
            return t
        r = rng.random()
        if r < self.pause:
            self.progress += rng.randint(5, 40) * self.tick
        elif r < 0.6:
            self.progress += rng.randint(1, 3) * self.tick
        elif r < 0.7:
            self.progress += rng.randint(1, 9) * self.tick // 10 or 1
        t = self.progress
        if self.backwards:
            t = 2 * self.base - t
        r = rng.random()
        if r < self.disorder:
            t -= rng.randint(1, self.maxdis) * self.tick
        elif r < self.disorder + 0.05:
            t -= rng.randint(5, 50) * self.tick
        self.max = t if self.max is None else max(self.max, t)
        self.past.append(t)
        return t


def bad_line(rng, ts_text, numeric_paths, timed, tpath='ts'):
    opts = ['nope', '{"ts":1', '[1,2]', '"str"', '{"ts":', '{"ts":1}}',
            '{"ts":1,}', "{'ts':1}", '42', 'null', '{"ts":1} x',
            '{"a":"tab\there"}x', '{"s":"\u00e9\\q\"", ', '\u00e9']
    if timed:
        bad_times = ['"noon"', 'null', 'true', '"2026-02-30T00:00:00Z"',
                     '[1]', '"2026-11-23T20:00:60Z"', '"12 "', '"\u00e9"',
                     '"a\\\\b"', '{}', '"2026-11-23T20:00:01+01:"',
                     '"1e400"', '99999999999', '"+5"']
        opts += ['{"x":1}', obj_text(rng, nested(tpath, rng.choice(bad_times))),
                 obj_text(rng, nested(tpath, rng.choice(bad_times))),
                 '{"ts":\t"noon"}']
        if '.' in tpath:
            opts.append('{"%s":5}' % tpath.split('.')[0])
    r = rng.random()
    if numeric_paths and r < 0.35:
        p = sorted(numeric_paths)[rng.randrange(len(numeric_paths))]
        v = rng.choice(BAD_NUM_VALUES + BAD_JSON_VALUES)
        f = nested(tpath, ts_text) + nested(p, v)
        return obj_text(rng, f)
    if r < 0.45:
        return obj_text(rng, nested(tpath, ts_text) +
                        [('v', rng.choice(BAD_JSON_VALUES))])
    if r < 0.5:
        return obj_text(rng, nested(tpath, ts_text) + [('s', '"\\ud800"')])
    return rng.choice(opts)


# --- whole cases -----------------------------------------------------------

def gen_case(rng):
    r = rng.random()
    if r < 0.6:
        return gen_swindow(rng)
    if r < 0.78:
        return gen_swatermark(rng)
    return gen_pipe(rng)


def bad_policy(rng, prefix=''):
    r = rng.random()
    if r < 0.45:
        return ['--skip-bad']
    if r < 0.9:
        return ['--dead-letter', prefix + 'dead.ndjson']
    return []


def pick_time_out(rng):
    return rng.choice([[], [], ['--time-out', 's'], ['--time-out', 'ms'],
                       ['--time-out', 'us'], ['--time-out', 'ns']])


H = 3600 * S
DAY = 24 * H
CAL_SHARE = 1 / 5      # window cases with --cumulate or calendar sizes
DATA_ONLY_SHARE = 0.08  # last stages with --data-only


def gen_calendar(rng):
    """Windows of days, weeks, months, quarters or years (tumble, hop or
    cumulate), and a tick to go with them: (kind, args, tick).  Hop and
    cumulate with weeks: the period (STEP for hop, SIZE for cumulate) in
    weeks, or a STEP that divides 4 days (where it does not matter whether
    the Monday alignment applies)."""
    unit = rng.choice(['d', 'd', 'w', 'w', 'mo', 'mo', 'y'])
    kind = rng.choice(['tumble', 'tumble', 'hop', 'cumulate', 'cumulate'])
    if unit == 'd':
        tick = rng.choice([H, 2 * H, 3 * H, 6 * H])
        sizes = {'tumble': [('1d', None), ('2d', None), ('24h', None)],
                 'hop': [('1d', '6h'), ('2d', '1d'), ('1d', '12h'),
                         ('1d', '2d')],
                 'cumulate': [('1d', '1h'), ('1d', '6h'), ('1d', '8h'),
                              ('2d', '12h'), ('1d', '12h'), ('1d', '3h')]}
        offs = [0, 0, H, -H, 6 * H, -3 * H, 30 * 60 * S]
    elif unit == 'w':
        tick = rng.choice([6 * H, 12 * H, DAY])
        sizes = {'tumble': [('1w', None), ('2w', None), ('1w', None)],
                 'hop': [('2w', '1w'), ('1w', '1d'), ('3d', '1w'),
                         ('1w', '12h'), ('3w', '1w')],
                 'cumulate': [('1w', '1d'), ('2w', '1w'), ('1w', '12h')]}
        offs = [0, 0, DAY, -DAY, 6 * H, -12 * H, 3 * DAY]
    elif unit == 'mo':
        tick = rng.choice([DAY, DAY, 2 * DAY, 3 * DAY])
        sizes = {'tumble': [('1mo', None), ('2mo', None), ('1q', None),
                            ('3mo', None), ('6mo', None)],
                 'hop': [('3mo', '1mo'), ('1q', '1mo'), ('2mo', '1mo'),
                         ('1mo', '2mo'), ('6mo', '1q')],
                 'cumulate': [('1q', '1mo'), ('6mo', '2mo'), ('2mo', '1mo'),
                              ('3mo', '1mo'), ('1y', '1q')]}
        offs = [0, 0, 6 * H, -H, DAY, -2 * DAY, 12 * H]
    else:
        tick = rng.choice([10 * DAY, 15 * DAY, 30 * DAY])
        sizes = {'tumble': [('1y', None), ('2y', None), ('12mo', None)],
                 'hop': [('1y', '6mo'), ('2y', '1y'), ('1y', '1q')],
                 'cumulate': [('1y', '1q'), ('1y', '1mo'), ('2y', '1y'),
                              ('1y', '6mo')]}
        offs = [0, 0, DAY, -6 * H, 12 * H]
    size, step = rng.choice(sizes[kind])
    opt = {'tumble': '--tumble', 'hop': '--hop',
           'cumulate': '--cumulate'}[kind]
    args = [opt, size] + (['--every', step] if step else [])
    if rng.random() < 0.35:
        off = rng.choice(offs)
        if off or rng.random() < 0.3:
            args += ['--offset', dur_text(off, rng)]
    return kind, args, tick


def gen_window(rng, tick, cal_ok=True):
    """(kind, args, tick): the window options (and a tick of another
    size for calendar windows)."""
    r = rng.random()
    if cal_ok and r < CAL_SHARE / 2:
        return gen_calendar(rng)
    if r < CAL_SHARE:
        # cumulative windows of fixed spans
        step = tick * rng.choice([1, 1, 2, 3, 5])
        size = step * rng.choice([2, 3, 4, 5, 10])
        args = ['--cumulate', dur_text(size, rng), '--every',
                dur_text(step, rng)]
        if rng.random() < 0.3:
            args += ['--offset', dur_text(tick * rng.randint(-12, 12), rng)]
        return 'cumulate', args, tick
    kind, args = gen_fixed_window(rng, tick)
    return kind, args, tick


def gen_fixed_window(rng, tick):
    kind = rng.choice(['tumble', 'tumble', 'hop', 'hop', 'session',
                       'session', 'count'])
    if kind == 'tumble':
        size = tick * rng.choice([2, 3, 4, 5, 10, 1])
        args = ['--tumble', dur_text(size, rng)]
        if rng.random() < 0.3:
            off = tick * rng.randint(-12, 12)
            args += ['--offset', dur_text(off, rng)]
        return kind, args
    if kind == 'hop':
        size = tick * rng.choice([2, 3, 4, 6, 10])
        if rng.random() < 0.7:
            step = tick * rng.choice([1, 2, 3, 5])
            if step >= size:
                step = tick
        else:
            step = size + tick * rng.choice([1, 2, 4, 7])
        args = ['--hop', dur_text(size, rng), '--every', dur_text(step, rng)]
        if rng.random() < 0.3:
            args += ['--offset', dur_text(tick * rng.randint(-9, 9), rng)]
        return kind, args
    if kind == 'session':
        return kind, ['--session', dur_text(tick * rng.choice([1, 2, 3, 5]),
                                            rng)]
    return kind, ['--count', str(rng.choice([1, 2, 2, 3, 4, 5]))]


def gen_records(rng, style, tick, tpath, keys, key_pools, numeric_on,
                bad_rate, timed, wm_mode, n, late_bias=False, allow_cr=False):
    """The input lines for swindow or swatermark."""
    ev = Events(rng, tick, style.base)
    if late_bias:
        ev.disorder = rng.choice([0.3, 0.5])
        ev.maxdis = rng.choice([2, 4, 8, 12])
        ev.pause = rng.choice([0.08, 0.15, 0.25])
        ev.revisit = rng.choice([0.1, 0.2, 0.3])
    if rng.random() < 0.03:
        ev.backwards = True
    lines = []
    last_wm = None
    edge = rng.choice([0.02, 0.08, 0.2])
    numeric_paths = sorted(numeric_on)
    for i in range(n):
        t = ev.next()
        ts_text = style.text(t)
        if style.kind == 'local' and \
                rng.random() < (0.06 if bad_rate else 0.012):
            # a local time the clocks skipped: bad where --tz is its zone
            ts_text = style.skipped() or ts_text
        if bad_rate and rng.random() < bad_rate:
            lines.append(bad_line(rng, ts_text, numeric_paths, timed, tpath))
            continue
        fields = []
        if timed or rng.random() < 0.5:
            fields += nested(tpath, ts_text)
        for k, pool in zip(keys, key_pools):
            if '.' in k and rng.random() < 0.05:
                # a path through a non-object: the key is missing (null)
                fields.append((k.split('.')[0], rng.choice(['5', '[1]',
                                                            '"x"', 'null'])))
            else:
                fields += nested(k, rng.choice(pool))
        fields.append(('v', num_value(rng, edge)))
        fields.append(('s', rng.choice(ANY_VALUES)))
        if 'n.x' in numeric_on or rng.random() < 0.2:
            x = num_value(rng, edge)
            fields.append(('n', MISSING if x is MISSING and rng.random() < 0.5
                           else '{"x":%s}' % ('null' if x is MISSING else x)))
        if rng.random() < 0.3:
            fields.append(('id', str(i)))
        dups = []
        r = rng.random()
        if r < 0.03 and '.' not in tpath:
            dups.append((tpath, rng.choice(['"noon"', '0', 'null',
                                            style.text(t)])))
        elif r < 0.06:
            dups.append(('v', rng.choice(['"abc"', '1', 'null', 'true'])))
        elif r < 0.07:
            fields.append(('$watermark', '5'))
        line = obj_text(rng, fields, dups)
        r = rng.random()
        if r < 0.03:
            line = rng.choice([' ', '\t', '  ']) + line
        elif r < 0.06:
            line = line + rng.choice([' ', '\t', '  '])
        if allow_cr and rng.random() < 0.05:
            line += '\r'
        lines.append(line)
        if rng.random() < 0.04:
            lines.append(rng.choice(['', '   ', '\t']))
        if wm_mode == 'upstream' and rng.random() < 0.3:
            r = rng.random()
            if r < 0.1 and last_wm is not None:
                w = last_wm - rng.randint(0, 3) * tick     # old or equal
            else:
                w = ev.max - rng.randint(0, 3) * tick
                if r > 0.95:
                    w = ev.max + rng.randint(1, 5) * tick  # ahead of data
            last_wm = w if last_wm is None else max(last_wm, w)
            extra = ',"src":"up"' if rng.random() < 0.1 else ''
            lines.append('{"$watermark":%s%s}' % (style.text(w, True), extra))
    return lines[:MAX_LINES]


KEY_NAMES = {'k': ['key', 'kk'], 'g': ['group', 'G'], 'r.p': ['rp', 'p']}


def gen_swindow(rng, case=None, style=None, tpath=None, from_wm=False,
                min_keys=0, tz=MISSING, data_only_ok=True):
    """tz: the zone of the case (a pipe's or skeyby's, given with style),
    else drawn here (pick_tz)."""
    case = case or Case()
    if tz is MISSING:
        tz = pick_tz(rng)
    style = style or TimeStyle(rng, tz)
    tick = rng.choice(style.tick_choices())
    kind, wargs, tick = gen_window(rng, tick)
    style.at_tick(tick)
    timed = kind != 'count'
    argv = []
    if tpath is None:
        tpath = rng.choice(['ts'] * 8 + ['time', 'm.t'])
    if tpath != 'ts':
        argv += ['-t', tpath]
    nkeys = max(min_keys, rng.choice([0, 0, 1, 1, 1, 2]))
    keys = rng.sample(['k', 'g', 'r.p'], nkeys)
    key_pools = []
    for _ in keys:
        pool = list(rng.choice(KEY_POOLS))
        rng.shuffle(pool)
        key_pools.append(pool[:rng.randint(1, 4)])
    if keys:
        # -k PATH=NAME: the key written as NAME
        kargs = [k + '=' + rng.choice(KEY_NAMES[k])
                 if rng.random() < 0.15 else k for k in keys]
        if len(keys) == 2 and rng.random() < 0.5:
            argv += ['-k', ','.join(kargs)]
        else:
            for k in kargs:
                argv += ['-k', k]
    argv += wargs
    if tz is not None and timed and rng.random() < 0.92:
        argv += ['--tz', tz]
    numeric_paths = ['v'] + (['n.x'] if rng.random() < 0.3 else [])
    aargs, numeric_on = gen_aggs(rng, numeric_paths)
    argv += aargs
    if style.unit_opt:
        argv += ['--time-unit', style.unit_opt]
    argv += pick_time_out(rng)
    wm_mode = 'none'
    if from_wm:
        wm_mode = 'pipe'
    elif timed:
        wm_mode = rng.choice(['none', 'upstream', 'upstream', 'upstream',
                              'd', 'd'])
        if rng.random() < 0.03:
            wm_mode = 'both'
    elif rng.random() < 0.3:
        wm_mode = 'upstream'
    if wm_mode in ('d', 'both'):
        argv += ['-d', dur_text(tick * rng.choice([0, 0, 1, 2, 5, 20]),
                                rng)]
    late_bias = False
    if timed and rng.random() < (0.6 if kind == 'session' else 0.4):
        argv += ['-L', dur_text(tick * rng.choice(
            [0, 1, 2, 3, 5, 10] if kind != 'session' else [1, 3, 5, 10, 20]),
            rng)]
        # late records that reach windows already fired
        late_bias = kind == 'session' or rng.random() < 0.5
    if timed and wm_mode != 'none' and rng.random() < 0.4:
        argv += ['--late', 'late.ndjson']
    bad_rate = 0
    if rng.random() < 0.3:
        bad_rate = rng.choice([0.03, 0.08, 0.15])
        argv += bad_policy(rng)
    if data_only_ok and rng.random() < DATA_ONLY_SHARE:
        argv += ['--data-only']
    case.sw_argv = argv
    if from_wm:
        return case, dict(style=style, tick=tick, tpath=tpath, keys=keys,
                          key_pools=key_pools, numeric_on=numeric_on,
                          bad_rate=bad_rate, timed=True, late_bias=late_bias)
    n = min(rng.randint(0, MAX_LINES), rng.randint(0, MAX_LINES))
    if style.kind == 'local' and rng.random() < 0.5:
        n = max(n, rng.randint(10, MAX_LINES))     # across the change
    case.lines = gen_records(rng, style, tick, tpath, keys, key_pools,
                             numeric_on, bad_rate, timed,
                             'upstream' if wm_mode in ('upstream', 'both')
                             else 'none', n, late_bias,
                             allow_cr='--late' not in argv and
                             '--dead-letter' not in argv)
    if wm_mode == 'both' and not any(l.startswith('{"$watermark"')
                                     for l in case.lines):
        case.lines.append('{"$watermark":%s}' % style.text(style.base, True))
    return case


def gen_wm_args(rng, style, tick, tpath, pipe, tz=None):
    argv = ['-d', dur_text(tick * rng.choice([0, 1, 1, 2, 3, 5]), rng)]
    if tz is not None and rng.random() < 0.92:
        argv += ['--tz', tz]
    if tpath != 'ts':
        argv = ['-t', tpath] + argv
    if rng.random() < 0.5:
        argv += ['--granularity',
                 dur_text(rng.choice([tick, 2 * tick, 5 * tick, 60 * S,
                                      S, S // 2]), rng)]
    r = rng.random()
    if r < 0.25:
        argv += ['--late', 'drop']
    elif r < 0.45:
        argv += ['--late', 'wmlate.ndjson']
    elif r < 0.55:
        argv += ['--late', 'pass']
    if rng.random() < 0.4:
        argv += ['--reorder']
    if style.unit_opt:
        argv += ['--time-unit', style.unit_opt]
    if pipe:
        # swindow reads the watermarks: they must be in its unit.
        if style.kind == 'rfc':
            if style.unit_opt is None:
                argv += pick_time_out(rng)
            elif rng.random() < 0.5:
                argv += ['--time-out', style.unit_opt]
        elif style.kind in ('sec', 'mixed', 'local') and \
                rng.random() < 0.5:
            argv += ['--time-out', 's']
        elif style.kind == 'ms' and rng.random() < 0.5:
            argv += ['--time-out', style.unit]
    else:
        argv += pick_time_out(rng)
    return argv


def no_files(wm_argv):
    """CHOICE: no CR line ends where a side file would hold the raw line
    (whether "as they were read" keeps the CR is left open)."""
    return '--dead-letter' not in wm_argv and not (
        '--late' in wm_argv and
        wm_argv[wm_argv.index('--late') + 1] not in ('pass', 'drop'))


def gen_swatermark(rng):
    case = Case()
    case.kind = 'swatermark'
    tz = pick_tz(rng)
    style = TimeStyle(rng, tz)
    tick = rng.choice(style.tick_choices())
    style.at_tick(tick)
    tpath = rng.choice(['ts'] * 8 + ['time', 'm.t'])
    argv = gen_wm_args(rng, style, tick, tpath, False, tz)
    bad_rate = 0
    if rng.random() < 0.3:
        bad_rate = rng.choice([0.03, 0.08, 0.15])
        argv += bad_policy(rng, 'wm')
    if rng.random() < DATA_ONLY_SHARE:
        argv += ['--data-only']
    case.wm_argv = argv
    n = min(rng.randint(0, MAX_LINES), rng.randint(0, MAX_LINES))
    if style.kind == 'local' and rng.random() < 0.5:
        n = max(n, rng.randint(10, MAX_LINES))
    case.lines = gen_records(rng, style, tick, tpath, [], [], set(),
                             bad_rate, True,
                             'upstream' if rng.random() < 0.2 else 'none', n,
                             allow_cr=no_files(argv))
    return case


def gen_pipe(rng):
    case = Case()
    case.kind = 'pipe'
    tz = pick_tz(rng)
    style = TimeStyle(rng, tz)
    tpath = rng.choice(['ts'] * 8 + ['time', 'm.t'])
    case, info = gen_swindow(rng, case, style, tpath, from_wm=True, tz=tz)
    tick = info['tick']
    argv = gen_wm_args(rng, style, tick, tpath, True, tz)
    if info['bad_rate']:
        argv += bad_policy(rng, 'wm')
    case.wm_argv = argv
    n = min(rng.randint(0, MAX_LINES), rng.randint(0, MAX_LINES))
    case.lines = gen_records(rng, style, tick, tpath, info['keys'],
                             info['key_pools'], info['numeric_on'],
                             info['bad_rate'], True,
                             'upstream' if rng.random() < 0.1 else 'none', n,
                             info['late_bias'], allow_cr=no_files(argv))
    return case


def case_rng(seed, i):
    return random.Random('%s:%d' % (seed, i))


# --- skeyby ----------------------------------------------------------------

KEYBY_FILES = {'late.ndjson': 'late', 'dead.ndjson': 'dead',
               'wmlate.ndjson': 'wmlate', 'wmdead.ndjson': 'wmdead'}


def shard_files(argv, how):
    """A shard's argv: its side files one per shard (how 'rename':
    late$SKEYBY_SHARD.ndjson, for -c), or none (how 'strip': shards that
    share a command line would write one file together; --dead-letter
    becomes --skip-bad)."""
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a in ('--late', '--dead-letter') and argv[i + 1] in KEYBY_FILES:
            if how == 'rename':
                out += [a, KEYBY_FILES[argv[i + 1]] + '$SKEYBY_SHARD.ndjson']
            elif a == '--dead-letter':
                out.append('--skip-bad')
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def shell_word(w):
    if '$SKEYBY_SHARD' in w:
        return '"%s"' % w           # the shell puts the shard's number in
    return shlex.quote(w)


def keyby_argvs(case):
    kb = list(case.kb_argv)
    sw = shard_files(case.sw_argv, 'rename' if case.kb_shell else 'strip')
    if case.kb_shell:
        stages = [['swindow'] + sw]
        if case.kb_shard_wm:
            stages.insert(0, ['swatermark'] +
                          shard_files(case.wm_argv, 'rename'))
        kb += ['-c', ' | '.join(' '.join(shell_word(w) for w in st)
                                for st in stages)]
    else:
        kb += ['--', 'swindow'] + sw
    if '--time-unit' in case.sw_argv:
        # skeyby reads the shards' watermarks in their unit (skeyby.1)
        kb[:0] = ['--time-unit',
                  case.sw_argv[case.sw_argv.index('--time-unit') + 1]]
    return ([('swatermark', case.wm_argv)] if case.kb_up else []) + \
        [('skeyby', kb)]


def keyby_rng(seed, i):
    return random.Random('%s:%d:keyby' % (seed, i))


def gen_keyby(rng):
    """skeyby -k KEYS -n N (1-4) over swindow: its command after -- or as
    -c 'swindow ...' (side files one per shard), sometimes -c 'swatermark
    ... | swindow ...' (a watermark per shard), sometimes after swatermark
    (its watermarks go to every shard), or over input with $watermark
    records.  The keys are swindow's (sometimes in another order, or only
    one of two: a key's records still meet in one shard)."""
    case = Case()
    case.kind = 'keyby'
    tz = pick_tz(rng)
    style = TimeStyle(rng, tz)
    # skeyby reads the watermarks as they are (it has no --tz): none
    # without an offset
    style.local_wm = False
    tpath = rng.choice(['ts'] * 8 + ['time', 'm.t'])
    r = rng.random()
    case.kb_up = r < 0.25
    case.kb_shard_wm = 0.25 <= r < 0.4
    case.kb_shell = case.kb_shard_wm or rng.random() < 0.4
    if case.kb_up or case.kb_shard_wm:
        case, info = gen_swindow(rng, case, style, tpath, from_wm=True,
                                 min_keys=1, tz=tz, data_only_ok=False)
        argv = gen_wm_args(rng, style, info['tick'], tpath, True, tz)
        if info['bad_rate']:
            argv += bad_policy(rng, 'wm')
        case.wm_argv = argv
        n = min(rng.randint(0, MAX_LINES), rng.randint(0, MAX_LINES))
        case.lines = gen_records(rng, style, info['tick'], tpath,
                                 info['keys'], info['key_pools'],
                                 info['numeric_on'], info['bad_rate'], True,
                                 'upstream' if rng.random() < 0.1 else 'none',
                                 n, info['late_bias'],
                                 allow_cr=no_files(argv))
        bad_rate = info['bad_rate']
    else:
        case = gen_swindow(rng, case, style, tpath, min_keys=1, tz=tz,
                           data_only_ok=False)
        bad_rate = 0.1 if any(a in case.sw_argv for a in
                              ('--skip-bad', '--dead-letter')) else 0
    keys = []
    for i, a in enumerate(case.sw_argv):
        if a == '-k':
            keys += case.sw_argv[i + 1].split(',')
    if rng.random() < 0.5:
        keys = [k.split('=')[0] for k in keys]    # skeyby's -k PATH=NAME

    r = rng.random()
    if len(keys) == 2 and r < 0.2:
        keys = keys[::-1]
    elif len(keys) == 2 and r < 0.4:
        keys = [rng.choice(keys)]
    if len(keys) == 2 and rng.random() < 0.5:
        kb = ['-k', ','.join(keys)]
    else:
        kb = [x for k in keys for x in ('-k', k)]
    kb += ['-n', str(rng.randint(1, 4))]
    if bad_rate or rng.random() < 0.2:
        r = rng.random()
        kb += ['--skip-bad'] if r < 0.4 else \
            ['--dead-letter', 'kbdead.ndjson'] if r < 0.85 else []
    if rng.random() < DATA_ONLY_SHARE:
        kb += ['--data-only']
    case.kb_argv = kb
    return case


# --- checkpoints -----------------------------------------------------------

DIR_MARK = '@DIR@'


def barrier_text(rng, n):
    r = rng.random()
    if r < 0.8:
        return '{"$checkpoint":%d,"dir":"%s"}' % (n, DIR_MARK)
    if r < 0.9:
        return '{"$checkpoint":%d,"dir":"%s","final":true}' % (n, DIR_MARK)
    return '{"$checkpoint":%d,"src":[1, {"a":"b"}],"dir":"%s"}' % (n,
                                                                  DIR_MARK)


NUM_MEMBER = re.compile(r'("(?:v|k|g|x)": ?)-?[0-9][0-9.eE+-]*(?=[,}])')
SNAP_NUMS = ['1e19', '-1e19', '9223372036854775808.0',
             '1.8446744073709552e+19', '-9223372036854775809e0', '99999999999999999999.0', '1e20',
             '123456789012345678901.5', '0.1000000000000000000000001',
             '-0.0', '5e-324', '1e308', '9223372036854775807',
             '-9223372036854775808']


def is_barrier_mark(line):
    return line.startswith('{"$checkpoint":') and DIR_MARK in line


def interesting_cuts(case):
    """{what: [positions]}: where a barrier before case.lines[pos] would cut
    through state the model names (model.barrier_state and swatermark's:
    'held', 'count-index', ...; 's2-...' in a pipeline's second stage)."""
    import model
    base = 1000
    lines = []
    for i, l in enumerate(case.lines):
        lines.append('{"$checkpoint":%d,"dir":"%s"}' % (base + i, DIR_MARK))
        lines.append(l)
    lines.append('{"$checkpoint":%d,"dir":"%s"}' % (base + len(case.lines),
                                                   DIR_MARK))
    where = {}
    try:
        for s, (tool, argv) in enumerate(case.argvs()):
            res = model.run(tool, argv, lines)
            for n, tags in res.barriers:
                for t in tags:
                    if t not in ('window-open',):
                        where.setdefault(('s2-' if s else '') + t,
                                         []).append(n - base)
            lines = [model.out_text(x) for x in res.stdout]
    except Exception:           # the model refuses: no preference
        return {}
    return where


def add_checkpoints(rng, case):
    """Barriers in the input and the cut (see the module docstring);
    sometimes --id NAME for a tool."""
    n = len(case.lines)
    cuts = [rng.randint(0, n)]
    if rng.random() < 0.6:
        # where the barrier cuts through something: records held by
        # --reorder, windows fired and kept by -L, a count window half full
        # (of a key whose first one is done), after late records and dead
        # letters, ... (the model says where)
        where = interesting_cuts(case)
        if where:
            cuts = [rng.choice(where[rng.choice(sorted(where))])]
    if rng.random() < 0.35:
        cuts.append(rng.randint(0, n))
    cuts.sort()
    first = rng.choice([1, 2, 3, 7, 7, 7, 100])
    nums = [first + 5 * i for i in range(len(cuts))]
    zero = rng.random() < 0.08
    lines = list(case.lines)
    for pos, num in reversed(list(zip(cuts, nums))):
        lines.insert(pos, barrier_text(rng, num))
    if zero:
        lines.insert(0, '{"$checkpoint":0,"dir":"%s"}' % DIR_MARK)
        nums = [0] + nums
    if rng.random() < 0.12:
        # numbers a snapshot must keep as they were: whole numbers outside
        # int64 written as reals (their canonical spelling is digits only),
        # exact decimals beyond a double
        for _ in range(rng.randint(1, 3)):
            data = [i for i, l in enumerate(lines) if not
                    is_barrier_mark(l) and NUM_MEMBER.search(l)]
            if not data:
                break
            i = rng.choice(data)
            lines[i] = NUM_MEMBER.sub(
                lambda m: m.group(1) + rng.choice(SNAP_NUMS), lines[i],
                count=1)
    case.lines = lines
    case.restore = rng.choice(nums)
    where = next(i for i, l in enumerate(lines)
                 if is_barrier_mark(l) and
                 l.startswith('{"$checkpoint":%d,' % case.restore))
    if rng.random() < 0.15:
        # a bad record after the cut: the restored run stops there too (or
        # skips it, or dead-letters it at the same line)
        lines.insert(rng.randint(where + 1, len(lines)),
                     rng.choice(['nope', '{"ts":1', '[1,2]', '{"ts":1}}',
                                 '{"a":"\u00e9"} x']))
    rest = len(lines) - where - 1
    case.extra = 0 if rest == 0 or rng.random() < 0.6 else \
        rng.randint(1, rest)
    case.junk = rng.random() < 0.3
    # --data-only in the last stage: its barriers are not written, so the
    # cut and the restore cannot be compared there; mostly left out
    if rng.random() < 0.7:
        for attr in ('sw_argv', 'wm_argv', 'kb_argv'):
            argv = getattr(case, attr)
            if argv and '--data-only' in argv:
                setattr(case, attr, [a for a in argv if a != '--data-only'])
    # --id NAME: the snapshot's name and the entry in "ops"
    if rng.random() < 0.15:
        if case.kind in ('swindow', 'pipe') and rng.random() < 0.6:
            case.sw_argv = case.sw_argv + ['--id', rng.choice(['w', 'win-1'])]
        if case.kind in ('swatermark', 'pipe') and rng.random() < 0.6:
            case.wm_argv = case.wm_argv + ['--id', 'wm']
        if case.kind == 'keyby':
            if rng.random() < 0.6:
                case.sw_argv = case.sw_argv + ['--id', 'w']
            if rng.random() < 0.4:
                case.kb_argv = case.kb_argv + ['--id', 'kb']
            if case.wm_argv and rng.random() < 0.4:
                case.wm_argv = case.wm_argv + ['--id', 'wm']
    return case


def ckpt_rng(seed, i):
    return random.Random('%s:%d:ckpt' % (seed, i))
