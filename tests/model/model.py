"""Reference model of swindow(1), swatermark(1) and skeyby(1).

Written from the contract (/work/shared/SPEC.md sections 1-4, man/swindow.1,
man/swatermark.1, man/streamutils.7) and the semantics the C code is being
changed to, never from src/.  Python 3 standard library only.

The model is a set of pure functions:

    run_swindow(argv, lines)    -> Result
    run_swatermark(argv, lines) -> Result
    run_skeyby(argv, lines)     -> Result (its shards: swindow, swatermark)

argv is the tool's argument list (without the program name), lines the
physical input lines without their '\\n'.  A Result holds the expected
stdout (a list of lines: str for an exact line, Rec for an output record
whose fields may compare with a tolerance or against alternatives), side files by the name given on the command line, the stderr
messages expected at exit, the exit status, the line of a fatal bad record,
accounting counts, and *tags*: names of features the case touched, so that a
driver can leave out classes of known defects (see stress.py --avoid).

Checkpoint barriers ($checkpoint) and restores ($restore) in the input are
forwarded in stream order with the tool's ID appended to "ops"
(forward_control); they are not lines of the input (the line numbers leave
them out); barrier 0 empties the side files.  The model does not restore
state: stress.py compares a restored run with the uninterrupted one.  At
each barrier the model notes what it cut through (Result.barriers, tags
ckpt-*), for the coverage of that test and for gen.add_checkpoints.

Where the contract is silent, the choice made is marked CHOICE: in a comment
(Flink's behaviour was the guide); the list is also in the report.

Structure: time parsing (parse_time), window assignment (WindowSpec
subclasses), aggregates (parse_aggs, agg_value), output of values (canon)
and of times (fmt_time) are separate.  --tz ZONE is a Zone (Python's
zoneinfo over the system's tzdata, independent of the tools' C library):
times without an offset are local (the first occurrence; a skipped one is
a bad record, BadLocal, whose message is known in full), times written
carry the zone's offset.  Fixed (tumble, hop, cumulate) computes window
bounds in local time, fixed spans or months (calendar sizes w, mo, q, y),
and maps them to instants with the first instant of each local time (the
jump for a skipped one); an event joins the windows whose instants hold
it.  topN is a branch of agg_value; -k PATH=NAME is parse_key_items (the
path groups and routes, the name is written); --data-only leaves control
records out where they are appended to stdout.
"""

import datetime
import json
import math
import re
import shlex
import zoneinfo
from decimal import Decimal
from fractions import Fraction

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
NS = {'ns': 1, 'us': 10 ** 3, 'ms': 10 ** 6, 's': 10 ** 9}
DUR_UNITS = {'ns': 1, 'us': 10 ** 3, 'ms': 10 ** 6, 's': 10 ** 9,
             'm': 60 * 10 ** 9, 'h': 3600 * 10 ** 9, 'd': 86400 * 10 ** 9}
NUM_RE = re.compile(r'-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?')


class Bad(Exception):
    """A bad record (SPEC 4)."""


class BadLocal(Bad):
    """A time without an offset that the clocks of --tz skipped: its
    message is known in full."""

    def __init__(self, text, zone):
        super().__init__('no such local time')
        self.text, self.zone = text, zone

    def message(self, tool, lineno):
        return '%s: line %d: bad time "%s" (no such local time in %s: the ' \
            'clocks went forward)' % (tool, lineno, self.text, self.zone)


class Usage(Exception):
    """A usage error (exit 2)."""


class _Missing:
    def __repr__(self):
        return 'MISSING'


MISSING = _Missing()


# --- JSON values -----------------------------------------------------------

class Num:
    """A JSON number, kept as its text: its value is exact."""
    __slots__ = ('text', '_frac')

    def __init__(self, text):
        self.text = text
        self._frac = None

    @property
    def frac(self):
        if self._frac is None:
            self._frac = Fraction(self.text)
        return self._frac

    @property
    def is_int(self):
        """An integer token that fits int64 (prints as that integer)."""
        t = self.text
        if '.' in t or 'e' in t or 'E' in t:
            return False
        return INT64_MIN <= int(t) <= INT64_MAX

    def float(self):
        return float(self.text)      # correctly rounded from the decimal

    @property
    def sum_frac(self):
        """The value a sum counts: exact, except that a number with more
        than 1100 digits after the point counts as its nearest double
        (swindow.1, sum).  CHOICE: digits of the value, so trailing zeros
        in the text do not count."""
        sign, dig, point = num_digits(self.text)
        if len(dig) - point > 1100:
            return Fraction(self.float())
        return self.frac

    def __repr__(self):
        return 'Num(%s)' % self.text


class Obj:
    """A JSON object: its members in order, duplicates kept (last wins)."""
    __slots__ = ('pairs',)

    def __init__(self, pairs):
        self.pairs = pairs

    def get(self, key):
        v = MISSING
        for k, x in self.pairs:
            if k == key:
                v = x
        return v

    def first_key(self):
        return self.pairs[0][0] if self.pairs else None


def _reject_constant(name):
    raise ValueError('not JSON: ' + name)


def _check_number(text):
    # CHOICE: the tools accept exactly what jansson accepts (README, SPEC 1
    # "any nesting that jansson accepts", tests/scandiff.c).  jansson
    # rejects integer tokens outside int64 ("too big integer") and reals
    # that overflow a double; so those lines are invalid JSON, bad records.
    # A numeric *string* holding such a number is a valid string.
    if '.' in text or 'e' in text or 'E' in text:
        if math.isinf(float(text)):
            raise ValueError('real number overflow')
    else:
        if not INT64_MIN <= int(text) <= INT64_MAX:
            raise ValueError('too big integer')
    return Num(text)


_DECODER = json.JSONDecoder(parse_float=_check_number,
                            parse_int=_check_number,
                            parse_constant=_reject_constant,
                            object_pairs_hook=Obj)


def _check_strings(v):
    if isinstance(v, str):
        for ch in v:
            o = ord(ch)
            # jansson: lone surrogates are invalid, \u0000 needs a flag.
            if o == 0 or 0xD800 <= o <= 0xDFFF:
                raise ValueError('bad string')
    elif isinstance(v, list):
        for x in v:
            _check_strings(x)
    elif isinstance(v, Obj):
        for k, x in v.pairs:
            _check_strings(k)
            _check_strings(x)


def parse_json(text):
    """Parse one line; raises ValueError when jansson would not accept it."""
    v = _DECODER.decode(text)      # allows JSON white space around
    _check_strings(v)
    return v


def get_path(v, path):
    """a.b.c walks nested objects; anything else is MISSING."""
    for part in path.split('.'):
        if not isinstance(v, Obj):
            return MISSING
        v = v.get(part)
        if v is MISSING:
            return MISSING
    return v


# --- canonical spelling of values taken from the input ---------------------

def num_digits(text):
    """(sign, digits, point): value = sign 0.digits x 10^point, digits
    without leading or trailing zeros; digits '' for zero."""
    m = re.fullmatch(r'(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?',
                     text)
    sign, ip, fp, ex = m.group(1), m.group(2), m.group(3) or '', m.group(4)
    digits = ip + fp
    exp10 = int(ex or 0) - len(fp)
    digits = digits.lstrip('0')
    if not digits:
        return '', '', 0
    stripped = digits.rstrip('0')
    exp10 += len(digits) - len(stripped)
    return sign, stripped, len(stripped) + exp10


def canon_num(text):
    sign, dig, point = num_digits(text)
    if not dig:
        return '0'
    nd = len(dig)
    whole = dig + '0' * (point - nd) if nd <= point <= 19 else None
    # a whole number is written plainly only where JSON readers (jansson)
    # take it as an integer: within int64
    if whole is not None and -2**63 <= int(sign + whole) <= 2**63 - 1:
        s = whole
    elif 0 < point < nd:
        s = dig[:point] + '.' + dig[point:]
    elif -6 < point <= 0:
        s = '0.' + '0' * (-point) + dig
    else:
        s = dig[0] + ('.' + dig[1:] if nd > 1 else '') + 'e' + str(point - 1)
    return sign + s


_ESC = {'"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n',
        '\r': '\\r', '\t': '\\t'}


def canon_str(s):
    out = ['"']
    for ch in s:
        e = _ESC.get(ch)
        if e is not None:
            out.append(e)
        elif ord(ch) < 0x20:
            out.append('\\u%04x' % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def canon(v):
    """The one canonical spelling of a JSON value (SPEC: keys, first, last,
    collect; equality for keys and distinct)."""
    if v is None or v is MISSING:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, Num):
        return canon_num(v.text)
    if isinstance(v, str):
        return canon_str(v)
    if isinstance(v, list):
        return '[' + ','.join(canon(x) for x in v) + ']'
    if isinstance(v, Obj):
        last = {}
        for k, x in v.pairs:
            last[k] = x
        keys = sorted(last, key=lambda k: k.encode('utf-8', 'surrogatepass'))
        return '{' + ','.join(canon_str(k) + ':' + canon(last[k])
                              for k in keys) + '}'
    raise TypeError(v)


def max_digits(v):
    """The most significant digits of a number in v (for the tag
    'longnum')."""
    if isinstance(v, Num):
        return len(num_digits(v.text)[1])
    if isinstance(v, list):
        return max([max_digits(x) for x in v] or [0])
    if isinstance(v, Obj):
        return max([max_digits(x) for _, x in v.pairs] or [0])
    return 0


def big_whole_real(v):
    """A number in v (nested too) that is whole, outside int64 and not
    written as an integer: its canonical spelling is an integer token that
    jansson refuses (the tag 'bigint-real')."""
    if isinstance(v, Num):
        t = v.text
        return ('.' in t or 'e' in t or 'E' in t) and \
            v.frac.denominator == 1 and not INT64_MIN <= v.frac <= INT64_MAX \
            and len(canon_num(t)) <= 22 and 'e' not in canon_num(t)
    if isinstance(v, list):
        return any(big_whole_real(x) for x in v)
    if isinstance(v, Obj):
        return any(big_whole_real(x) for _, x in v.pairs)
    return False


def naive_compact(v):
    """The input spelling, compacted (numbers as written, members in input
    order): what a tool that does not canonicalize would print."""
    if isinstance(v, Num):
        return v.text
    if isinstance(v, list):
        return '[' + ','.join(naive_compact(x) for x in v) + ']'
    if isinstance(v, Obj):
        return '{' + ','.join(canon_str(k) + ':' + naive_compact(x)
                              for k, x in v.pairs) + '}'
    return canon(v)


# --- computed numbers ------------------------------------------------------

def fmt_double(x):
    """Shortest round-trip digits (Python's repr), fixed notation when
    1e-4 <= |x| < 1e15, else d[.ddd]e+XX; -0 prints 0; non-finite null."""
    if not math.isfinite(x):
        return 'null'
    if x == 0:
        return '0'
    sign = '-' if x < 0 else ''
    t = Decimal(repr(abs(x))).as_tuple()
    digits = ''.join(map(str, t.digits))
    exp10 = t.exponent
    stripped = digits.lstrip('0')
    digits = stripped.rstrip('0')
    exp10 += len(stripped) - len(digits)
    nd = len(digits)
    point = nd + exp10
    if 1e-4 <= abs(x) < 1e15:
        if point >= nd:
            s = digits + '0' * (point - nd)
        elif point > 0:
            s = digits[:point] + '.' + digits[point:]
        else:
            s = '0.' + '0' * (-point) + digits
    else:
        e = point - 1
        s = (digits[0] + ('.' + digits[1:] if nd > 1 else '') + 'e' +
             ('+' if e >= 0 else '-') + '%02d' % abs(e))
    return sign + s


def frac_to_float(f):
    try:
        return float(f)       # rounds correctly, once
    except OverflowError:
        return math.inf if f > 0 else -math.inf


def computed(x, tags):
    """Text of a computed double, with tags for the known defect classes."""
    if math.isfinite(x) and x != 0:
        m, _ = math.frexp(x)
        if abs(m) == 0.5 and len(repr(abs(x)).replace('.', '')
                                 .split('e')[0].strip('0')) >= 15:
            tags.add('pow2')
        if 1e15 <= abs(x) < 1e17 and len(repr(abs(x)).replace('.', '')
                                        .split('e')[0].strip('0')) >= 16:
            tags.add('fixed-1e15')
    return fmt_double(x)


# --- time ------------------------------------------------------------------

def _days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(z):
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


def _mdays(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


RFC_RE = re.compile(
    r'([0-9]{4})-([0-9]{2})-([0-9]{2})'
    r'(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?'
    r'(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?')


def parse_rfc3339(s, zone=None, tags=None):
    m = RFC_RE.fullmatch(s)
    if not m:
        raise Bad('bad time')
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hh = int(m.group(4) or 0)
    mi = int(m.group(5) or 0)
    ss = int(m.group(6) or 0)
    fr = m.group(7) or ''
    if not (1 <= mo <= 12 and 1 <= d <= _mdays(y, mo) and hh < 24 and
            mi < 60 and ss < 60):
        raise Bad('bad time')
    off = 0
    if m.group(9):
        oh, om = int(m.group(10)), int(m.group(11) or 0)
        if oh >= 24 or om >= 60:
            raise Bad('bad time')
        off = (oh * 3600 + om * 60) * (1 if m.group(9) == '+' else -1)
    secs = _days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss - off
    ns = secs * 10 ** 9 + (int(fr.ljust(9, '0')) if fr else 0)
    if zone is not None and not m.group(8) and not m.group(9):
        # no offset: a local time in --tz ZONE, its first occurrence; one
        # the clocks skipped is bad
        t, exists = zone.first(ns)
        if not exists:
            raise BadLocal(s, zone.name)
        if tags is not None:
            tags.add('tz-local')
            if len(zone.occurrences(ns)) > 1:
                tags.add('tz-repeated')      # it occurs twice
        return _in_range(t)
    return _in_range(ns)


def _in_range(ns):
    # The hostile-input test: -9223372036854775808 ns is bad; the last good
    # instants are +-(2^63 - 1).
    if not -INT64_MAX <= ns <= INT64_MAX:
        raise Bad('time out of range')
    return ns


def round_half_away(f):
    n = math.floor(abs(f) + Fraction(1, 2))
    return n if f >= 0 else -n


def epoch_to_ns(frac, unit):
    if unit == 'auto':
        a = abs(frac)
        unit = ('s' if a < 10 ** 11 else 'ms' if a < 10 ** 14 else
                'us' if a < 10 ** 17 else 'ns')
    return _in_range(round_half_away(frac * NS[unit]))


def parse_time(v, unit, tags=None, zone=None):
    """Event time of a value (SPEC 2): epoch numbers in unit, RFC 3339
    strings (without an offset: local in zone, a Zone or None for UTC),
    numeric strings as numbers."""
    if isinstance(v, Num):
        return epoch_to_ns(v.frac, unit)
    if isinstance(v, str):
        if NUM_RE.fullmatch(v):
            if tags is not None and ('e' in v or 'E' in v):
                tags.add('time-numstr-exp')
            return epoch_to_ns(Fraction(v), unit)
        return parse_rfc3339(v, zone, tags)
    raise Bad('missing time' if v is MISSING or v is None else 'bad time')


def late_message(tool, res, path, hint):
    """The count of late records at exit: where they went, and a hint
    when they were most of the data records read."""
    m = '%s: %s dropped' % (tool, _plural(res.late, 'late event'))
    if path:
        m += ', written to ' + path
    if res.late > res.data_in // 2:
        m += '; most of the input was late: ' + hint
        res.tags.add('late-hint')
    return m


def fmt_time(ns, time_out, zone=None):
    """RFC 3339 with only the fraction digits needed, in UTC with Z, or
    with --tz ZONE (a Zone) the local time with the zone's offset at that
    instant; or an epoch number in time_out written exactly."""
    if time_out is None:
        off = zone.off(ns) if zone is not None else 0
        secs, frac = divmod(ns + off, 10 ** 9)
        days, sod = divmod(secs, 86400)
        y, mo, d = _civil_from_days(days)
        s = '"%04d-%02d-%02dT%02d:%02d:%02d' % (y, mo, d, sod // 3600,
                                               sod // 60 % 60, sod % 60)
        if frac:
            s += '.' + ('%09d' % frac).rstrip('0')
        if zone is None:
            return s + 'Z"'
        a = abs(off) // 10 ** 9
        s += '%s%02d:%02d' % ('-' if off < 0 else '+', a // 3600,
                              a // 60 % 60)
        if a % 60:
            s += ':%02d' % (a % 60)
        return s + '"'
    u = NS[time_out]
    q, r = divmod(abs(ns), u)
    s = str(q)
    if r:
        width = len(str(u)) - 1
        s += '.' + ('%0*d' % (width, r)).rstrip('0')
    return ('-' + s) if ns < 0 else s


# --- time zones (--tz) -----------------------------------------------------

_EPOCH = datetime.datetime(1970, 1, 1)
SEC = 10 ** 9


class Zone:
    """An IANA zone from the system's database, through Python's zoneinfo
    (independent of the tools' C library).  Instants and local times are
    nanoseconds: L(t) = t + offset(t) is the local wall-clock time of
    instant t as naive nanoseconds since 1970-01-01T00:00; first(l) is
    U(l), the earliest instant whose local time is l, or, for a local time
    the clocks skipped, the instant of the jump (the first after the
    gap).  One per run: it caches offsets by second."""

    def __init__(self, name):
        self.name = name
        try:
            self.zi = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise Usage('--tz: no zone %r' % name)
        self._cache = {}

    def off_s(self, secs):
        """The UTC offset in seconds at epoch second secs."""
        c = self._cache.get(secs)
        if c is None:
            dt = (_EPOCH + datetime.timedelta(seconds=secs)).replace(
                tzinfo=self.zi)
            c = int(self.zi.fromutc(dt).utcoffset().total_seconds())
            self._cache[secs] = c
        return c

    def off(self, t):
        return self.off_s(t // SEC) * SEC

    def local(self, t):
        return t + self.off(t)

    def _offsets(self, l):
        """The offsets in use within 16 hours of l (read as an instant):
        those of every instant whose local time is l, as no two changes
        of a zone are that close."""
        ls = l // SEC
        return {self.off_s(ls + d) for d in (-57600, -28800, 0, 28800,
                                              57600)}

    def occurrences(self, l):
        """The instants whose local time is l, in order."""
        return sorted(l - o * SEC for o in self._offsets(l)
                      if self.off_s((l - o * SEC) // SEC) == o)

    def first(self, l):
        """(U(l), whether local time l occurs)."""
        valid = self.occurrences(l)
        if valid:
            return valid[0], True
        offs = self._offsets(l)
        # in a gap: the first instant whose local time is past l
        lo, hi = l - max(offs) * SEC, l - min(offs) * SEC
        while lo < hi:
            mid = (lo + hi) // 2
            if self.local(mid) > l:
                hi = mid
            else:
                lo = mid + 1
        return lo, False

    def U(self, l):
        return self.first(l)[0]


def make_zone(name):
    """--tz NAME: None for UTC (everything as without it)."""
    if name is None or name == 'UTC':
        return None
    return Zone(name)


DUR_RE = re.compile(r'(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|ms|s|m|h|d))+')


def parse_dur(text, allow_neg=False):
    """Durations: 500ms, 5s, 1h30m, a bare number of seconds, fractions."""
    neg = False
    if allow_neg and text.startswith('-'):
        neg, text = True, text[1:]
    if re.fullmatch(r'[0-9]+(?:\.[0-9]+)?', text):
        ns = Fraction(text) * 10 ** 9
    elif DUR_RE.fullmatch(text):
        ns = Fraction(0)
        for num, unit in re.findall(r'([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h|d)',
                                    text):
            ns += Fraction(num) * DUR_UNITS[unit]
    else:
        raise Usage('bad duration ' + text)
    if ns.denominator != 1:
        raise Usage('duration not whole ns: ' + text)
    return -int(ns) if neg else int(ns)


# --- output records --------------------------------------------------------

class Tol:
    """An expected number compared with a tolerance (var, stddev)."""
    __slots__ = ('value', 'tol', 'any')

    def __init__(self, value, tol, any_=False):
        self.value, self.tol, self.any = value, tol, any_


class Rec:
    """An output record: fields (name, text | Tol) in order."""
    __slots__ = ('fields',)

    def __init__(self, fields):
        self.fields = fields

    def text(self):
        parts = []
        for name, v in self.fields:
            if isinstance(v, Tol):
                v = fmt_double(v.value) if v.value is not None else 'null'
            parts.append(canon_str(name) + ':' + v)
        return '{' + ','.join(parts) + '}'

    def exact(self):
        return all(isinstance(v, str) for _, v in self.fields)


def out_text(o):
    return o if isinstance(o, str) else o.text()


class Result:
    def __init__(self, tool):
        self.tool = tool
        self.stdout = []          # str (exact line) or Rec
        self.files = {}           # name -> list of lines (late files)
        self.dead = {}            # name -> list of (line, raw)
        self.stderr = []          # messages expected at exit
        self.exit = 0
        self.err_line = None      # line of the fatal bad record
        self.err_text = None      # its whole message, where it is known
        self.tags = set()
        self.data_in = 0          # data records read (not blank, not control)
        self.late = 0
        self.skipped = 0
        self.dead_count = 0
        self.barriers = []        # (N, what it cut through) per $checkpoint


def _plural(n, word):
    return '%d %s%s' % (n, word, '' if n == 1 else 's')


class BadPolicy:
    """--skip-bad / --dead-letter FILE / stop (SPEC 4)."""

    def __init__(self, res, skip, dead):
        self.res, self.skip, self.dead = res, skip, dead
        if dead:
            res.dead.setdefault(dead, [])

    def bad(self, lineno, line, exc=None):
        """Returns True when processing stops.  exc: the Bad raised, when
        its message is known in full (BadLocal)."""
        if isinstance(exc, BadLocal):
            self.res.tags.add('tz-skipped')
        if self.dead:
            self.res.dead[self.dead].append((lineno, line))
            self.res.dead_count += 1
            return False
        if self.skip:
            self.res.skipped += 1
            return False
        self.res.exit = 1
        self.res.err_line = lineno
        if isinstance(exc, BadLocal):
            self.res.err_text = exc.message(self.res.tool, lineno)
        return True

    def finish(self, tool):
        # CHOICE: with --dead-letter nothing is reported on stderr (the
        # records are in the file; nothing is lost silently).
        if self.skip and not self.dead and self.res.skipped:
            self.res.stderr.append('%s: %s skipped' %
                                   (tool, _plural(self.res.skipped,
                                                  'bad record')))


def input_lines(lines):
    """(lineno, line) for the non-blank lines; a trailing CR is dropped.
    CHOICE: the line without its CR is also what --late and --dead-letter
    write as the raw text (the generator writes no CR in such cases).
    Barriers and restores ($checkpoint, $restore) are not lines of the
    input (streamutils.7): the line numbers leave them out, so they are
    those of the input scheckpoint(1) read."""
    i = 0
    for raw in lines:
        line = raw[:-1] if raw.endswith('\r') else raw
        if is_other_control(line):
            yield i, line
            continue
        i += 1
        if line.strip(' \t\n\r') == '':
            continue
        yield i, line


def is_watermark(line):
    return line.startswith('{"$watermark":')


def is_other_control(line):
    """$checkpoint and $restore: forwarded in place, with the tool's ID
    appended to "ops" (forward_control).  CHOICE: swatermark --reorder
    forwards them at once too, not after the held records (the held records
    are in the snapshot)."""
    return line.startswith('{"$checkpoint":') or \
        line.startswith('{"$restore":')


def top_members(text):
    """[(name, start, end)] of the top-level members of an object's text:
    the span of each value's raw text; None when not an object."""
    text_s = text.rstrip(' \t')
    if not (text_s.startswith('{') and text_s.endswith('}')):
        return None
    out = []
    i, n = 1, len(text_s) - 1
    while i < n:
        while i < n and text_s[i] in ' \t,':
            i += 1
        if i >= n or text_s[i] != '"':
            break
        j = i + 1
        while text_s[j] != '"':
            j += 2 if text_s[j] == '\\' else 1
        name = json.loads(text_s[i:j + 1])
        k = text_s.index(':', j + 1) + 1
        while text_s[k] in ' \t':
            k += 1
        start, depth, instr, esc = k, 0, False, False
        while k < n:
            ch = text_s[k]
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
                break
            k += 1
        end = k
        while end > start and text_s[end - 1] in ' \t':
            end -= 1
        out.append((name, start, end))
        i = k
    return out


def parse_record(line):
    """A data record's object; ValueError when the line is no JSON, Bad
    when it is JSON of another type."""
    rec = parse_json(line)
    if not isinstance(rec, Obj):
        raise Bad('not an object')
    return rec


def control_id(line, op_id):
    """The ID a tool takes for a $checkpoint/$restore: --id NAME, else its
    place in the pipeline (entries in "ops" + 1).  Entries "...@S" (the
    tools in the shards of a skeyby) do not count, so the tools after a
    skeyby keep their places whatever its number of shards; in a shard
    (the record carries "shard":S) the ID is "ID@S" and the entries after
    the last other one, this shard's own, count too."""
    try:
        v = parse_json(line)
        ops, shard = v.get('ops'), v.get('shard')
    except ValueError:
        ops = shard = MISSING
    in_shard = isinstance(shard, Num) and shard.is_int and int(shard.text) >= 0
    if op_id is not None:
        ident = op_id
    elif isinstance(ops, list):
        named = [isinstance(e, str) and '@' in e for e in ops]
        mine = 0
        while in_shard and mine < len(named) and named[-1 - mine]:
            mine += 1
        ident = str(1 + named.count(False) + mine)
    else:
        ident = '1'
    return ident + ('@%d' % int(shard.text) if in_shard else '')


def forward_control(line, op_id=None):
    """A $checkpoint or $restore as a tool forwards it: its ID appended to
    the "ops" array, added as the last member when there is none; the rest
    of the text as it was."""
    return add_ops(line, canon_str(control_id(line, op_id)))


def add_ops(line, elems):
    """The record with elems (JSON texts joined by commas) appended to its
    "ops" array, added as the last member when there is none."""
    members = top_members(line)
    for name, start, end in members or []:
        if name == 'ops' and line[start] == '[' and line[end - 1] == ']':
            inner = line[start + 1:end - 1].rstrip(' \t')
            sep = ',' if inner.strip(' \t') else ''
            return line[:start + 1] + inner + sep + elems + line[end - 1:]
    body = line.rstrip(' \t')
    return body[:-1] + ',"ops":[' + elems + ']}' + line[len(body):]


def checkpoint_number(line):
    """N of a {"$checkpoint":N,...} line, or None."""
    if not line.startswith('{"$checkpoint":'):
        return None
    try:
        v = parse_json(line).get('$checkpoint')
    except ValueError:
        return None
    return int(v.text) if isinstance(v, Num) and v.is_int else None


def control(res, o, line, files, state_tags):
    """A $checkpoint or $restore read by a stateful tool: forwarded with
    its ID; barrier 0 (the start of a fresh run) empties the --late and
    --dead-letter files first.  state_tags: what the barrier cut through,
    for the tags (coverage of the checkpoint test, stress.py)."""
    n = checkpoint_number(line)
    if n is not None:
        res.barriers.append((n, frozenset(state_tags)))
        res.tags.add('ckpt')
        res.tags |= {'ckpt-' + t for t in state_tags}
        if n == 0:
            for name in files:
                if name in res.files:
                    res.files[name] = []
                if name in res.dead:
                    res.dead[name] = []
    if not o.data_only:
        res.stdout.append(forward_control(line, o.op_id))


def watermark_time(line, unit, zone=None):
    v = parse_json(line)
    return parse_time(v.get('$watermark'), unit, zone=zone)


# --- common options --------------------------------------------------------

class Opts:
    pass


def parse_args(argv, spec):
    """A tiny getopt_long for the options the generator writes: every
    option and its value as separate words.  spec: name -> (attr, kind)
    with kind 'flag', 'one' or 'many'."""
    o = Opts()
    for name, (attr, kind) in spec.items():
        setattr(o, attr, [] if kind == 'many' else (False if kind == 'flag'
                                                    else None))
    o.files = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in spec:
            attr, kind = spec[a]
            if kind == 'flag':
                setattr(o, attr, True)
            else:
                i += 1
                if i >= len(argv):
                    raise Usage('missing value for ' + a)
                if kind == 'many':
                    getattr(o, attr).append(argv[i])
                else:
                    setattr(o, attr, argv[i])
        elif a.startswith('-') and a != '-':
            raise Usage('unknown option ' + a)
        else:
            o.files.append(a)
        i += 1
    if o.files:
        raise Usage('the model reads stdin only')
    return o


COMMON = {
    '-t': ('time', 'one'), '--time': ('time', 'one'),
    '--time-unit': ('time_unit', 'one'), '--time-out': ('time_out', 'one'),
    '--skip-bad': ('skip_bad', 'flag'), '--dead-letter': ('dead', 'one'),
    '-d': ('delay', 'one'), '--max-delay': ('delay', 'one'),
    '--id': ('op_id', 'one'),
    '--tz': ('tz', 'one'), '--data-only': ('data_only', 'flag'),
}


# --- swatermark ------------------------------------------------------------

WM_SPEC = dict(COMMON, **{
    '--granularity': ('gran', 'one'), '--late': ('late', 'one'),
    '--reorder': ('reorder', 'flag'),
})


def run_swatermark(argv, lines):
    res = Result('swatermark')
    o = parse_args(argv, WM_SPEC)
    if o.delay is None:
        raise Usage('-d is required')
    D = parse_dur(o.delay)
    G = parse_dur(o.gran) if o.gran else 10 ** 9
    if G <= 0:
        raise Usage('granularity')
    unit = o.time_unit or 'auto'
    tpath = o.time or 'ts'
    zone = make_zone(o.tz)
    if zone is not None:
        res.tags.add('tz')
    late = o.late or 'pass'
    if late not in ('pass', 'drop'):
        res.files.setdefault(late, [])
    bad = BadPolicy(res, o.skip_bad, o.dead)
    out = res.stdout
    last = None           # the last watermark written (ours or upstream)
    maxt = None
    buf = []              # --reorder: (time, seq, line)

    def release(below):
        """--reorder: the held records with time < below, in time order
        (stable); below None releases all."""
        nonlocal buf
        keep, go = [], []
        for item in buf:
            (go if below is None or item[0] < below else keep).append(item)
        go.sort(key=lambda it: (it[0], it[1]))
        out.extend(it[2] for it in go)
        buf = keep

    for seq, (lineno, line) in enumerate(input_lines(lines)):
        if is_other_control(line):
            st = set()
            if buf:
                st.add('held')
            if res.late:
                st.add('late')
            if o.dead and res.dead[o.dead]:
                st.add('dead')
            control(res, o, line, [late, o.dead], st)
            continue
        if is_watermark(line):
            try:
                u = watermark_time(line, unit, zone)
            except (ValueError, Bad) as e:
                if bad.bad(lineno, line, e):     # CHOICE, as in swindow
                    return res
                continue
            # Upstream watermarks pass only when they move the watermark
            # forward, and then become the last one written.
            # CHOICE: "forward" is against the last watermark written (what
            # downstream has seen), not against max event time - D.
            if last is None or u > last:
                if o.reorder:
                    release(u)
                if not o.data_only:
                    out.append(line)
                last = u
            continue
        res.data_in += 1
        try:
            rec = parse_record(line)
            t = parse_time(get_path(rec, tpath), unit, res.tags, zone)
        except (ValueError, Bad) as e:
            if bad.bad(lineno, line, e):
                # CHOICE: a fatal bad record stops the tool at once: held
                # records (--reorder) and the final watermark are not
                # written (Flink: a failed job emits nothing more).
                return res
            continue
        if last is not None and t < last:
            # Late (time < last watermark written); not held by --reorder.
            if late == 'pass':
                out.append(line)
            else:
                res.late += 1
                if late != 'drop':
                    res.files[late].append(line)
            continue
        if o.reorder:
            buf.append((t, seq, line))
        else:
            out.append(line)
        maxt = t if maxt is None else max(maxt, t)
        w = maxt - D
        # CHOICE: "the first record always writes one" means while nothing
        # has been written yet; after an upstream watermark the floor rule
        # applies against it.
        if last is None or w // G > last // G:
            if o.reorder:
                release(w)
            if not o.data_only:
                out.append('{"$watermark":%s}' % fmt_time(w, o.time_out,
                                                          zone))
            last = w
    if o.reorder:
        release(None)
    if maxt is not None and (last is None or maxt > last) and \
            not o.data_only:
        out.append('{"$watermark":%s}' % fmt_time(maxt, o.time_out, zone))
    bad.finish('swatermark')
    if o.data_only:
        res.tags.add('data-only')
    if late not in ('pass',) and res.late:
        res.stderr.append(late_message(
            'swatermark', res, None if late == 'drop' else late,
            'it is out of order by more than -d allows; try a larger -d, '
            'or --reorder'))
    return res


# --- swindow: aggregates ---------------------------------------------------

NUMERIC = ('sum', 'min', 'max', 'avg', 'median', 'pNN', 'stddev', 'var')


class Agg:
    """-a FUNC[:PATH][=NAME]; q is the quantile of median and pNN, N of
    topN."""

    def __init__(self, func, path, name, q=None):
        self.func, self.path, self.name, self.q = func, path, name, q


def parse_aggs(items):
    aggs = []
    for item in items:
        for a in item.split(','):
            if a == '':
                raise Usage('empty aggregate')
            name = None
            if '=' in a:
                a, name = a.split('=', 1)
                if not name:
                    raise Usage('empty name')
            path = None
            if ':' in a:
                a, path = a.split(':', 1)
                if not path:
                    raise Usage('empty field')
            func, q = a, None
            m = re.fullmatch(r'p([0-9]+(?:\.[0-9]+)?)', a)
            mt = re.fullmatch(r'top([1-9][0-9]*)', a)
            if mt:
                if int(mt.group(1)) > 1000000:
                    raise Usage('topN: N is 1 to 1000000')
                func, q = 'topN', int(mt.group(1))     # q: N
            elif m:
                if float(m.group(1)) > 100:
                    raise Usage('unknown aggregate')
                func, q = 'pNN', float(m.group(1)) / 100   # q as a double
            elif a == 'median':
                q = 0.5
            elif a not in ('count', 'sum', 'min', 'max', 'avg', 'first',
                           'last', 'distinct', 'stddev', 'var', 'collect'):
                raise Usage('unknown aggregate ' + a)
            if path is None and func != 'count':
                raise Usage('needs a field')
            if name is None:
                name = 'count' if path is None else (a + '_' + path).replace(
                    '.', '_')
            aggs.append(Agg(func, path, name, q))
    if not aggs:
        raise Usage('give at least one aggregate')
    return aggs


def numeric_value(v):
    """A number for sum & co: numbers and numeric strings; null/missing are
    None; anything else is bad."""
    if v is MISSING or v is None:
        return None
    if isinstance(v, Num):
        return v
    if isinstance(v, str) and NUM_RE.fullmatch(v):
        # CHOICE: a numeric string is the number its text spells, so "12"
        # is an integer token as 12 is.
        return Num(v)
    raise Bad('not a number')


def percentile(sorted_vals, q):
    """numpy's default 'linear' method, with these float operations."""
    n = len(sorted_vals)
    idx = q * (n - 1)
    lo = math.floor(idx)
    t = idx - lo
    a = sorted_vals[lo]
    b = sorted_vals[min(lo + 1, n - 1)]
    diff = b - a
    if t >= 0.5:
        return b - diff * (1 - t)
    return a + diff * t


def safe_fsum(xs):
    xs = list(xs)
    try:
        return math.fsum(xs)
    except OverflowError:
        return sum(xs)          # +-inf, as the doubles would give


def agg_value(agg, vals, tags):
    """The output text (or Tol) of one aggregate over its values in
    arrival order (MISSING for missing)."""
    f = agg.func
    if f == 'count':
        if agg.path is None:
            return str(len(vals))
        return str(sum(1 for v in vals if v is not MISSING and v is not None))
    present = [v for v in vals if v is not MISSING and v is not None]
    if f in ('first', 'last', 'collect', 'topN'):
        for v in present:
            if canon(v) != naive_compact(v):
                tags.add('canon-value')
            if max_digits(v) > 60:
                tags.add('longnum')
        if f == 'collect':
            return '[' + ','.join(canon(v) for v in present) + ']'
        if f == 'topN':
            tags.add('topn')
            if not present:
                return 'null'
            counts = {}
            for v in present:
                c = canon(v)
                counts[c] = counts.get(c, 0) + 1
            # by count, highest first; ties by the canonical text's bytes
            top = sorted(counts.items(), key=lambda kv: (
                -kv[1], kv[0].encode('utf-8', 'surrogatepass')))[:agg.q]
            if len(counts) > agg.q:
                tags.add('topn-cut')
            return '[' + ','.join('{"value":%s,"count":%d}' % kv
                                  for kv in top) + ']'
        if not present:
            return 'null'
        return canon(present[0] if f == 'first' else present[-1])
    if f == 'distinct':
        return str(len({canon(v) for v in present}))
    nums = [numeric_value(v) for v in present]
    if f in ('stddev', 'var'):
        return var_value(f, nums)
    if not nums:
        return 'null'
    if f == 'sum' or f == 'avg':
        if any(len(num_digits(n.text)[1]) - num_digits(n.text)[2] > 1100
               for n in nums):
            tags.add('sum-1100')
        exact = sum((n.sum_frac for n in nums), Fraction(0))
        # CHOICE: "integer sums stay integers" reads by value: a sum of
        # whole numbers (2, 1.0, 1e2, "12") that fits int64 is written as
        # an integer, as numbers are equal by value everywhere else (keys,
        # distinct, the canonical spelling of 1.0 is 1); only min and max
        # keep the integer *token* ("as it was given").  Where the token
        # reading (1.0 makes a double) would print otherwise, the case is
        # tagged 'sum-int-reading'.
        allint = all(n.sum_frac.denominator == 1 for n in nums)
        alltok = all(n.is_int for n in nums)
        # binary sums in a few orders, for the tag 'decimal-sum'
        naives = set()
        for seq in (nums, nums[::-1], sorted(nums, key=lambda n: n.sum_frac)):
            acc = 0.0
            for n in seq:
                acc += n.float()
            naives.add(acc)
        naives.add(safe_fsum(n.float() for n in nums))
        if f == 'sum':
            if allint and not alltok and INT64_MIN <= exact <= INT64_MAX \
                    and str(int(exact)) != fmt_double(frac_to_float(exact)):
                tags.add('sum-int-reading')
            if allint:
                if INT64_MIN <= exact <= INT64_MAX:
                    return str(int(exact))
                # CHOICE: a sum of integers that ends outside int64 is a
                # double (its exact value rounded once); an intermediate
                # overflow that comes back does not count, so no sum
                # depends on the order of the records.
            x = frac_to_float(exact)
            if not allint and (naives != {x} or len(nums) > 1):
                tags.add('decimal-sum')
            # SPEC lets a sum of more than 38 digits be math.fsum's
            # instead; swindow.1 promises the exact sum: held to that
            return computed(x, tags)
        x = frac_to_float(exact / len(nums))
        if {a / len(nums) for a in naives} != {x} or (
                len(nums) > 1 and not all(n.is_int for n in nums)):
            tags.add('decimal-sum')
        return computed(x, tags)
    if f in ('min', 'max'):
        if any(n.is_int and int(n.text) == INT64_MIN for n in nums) and \
                any(not n.is_int and n.float() == -2.0 ** 63 and
                    n.frac != INT64_MIN for n in nums):
            tags.add('minmax-int64-min')
        best = nums[0]
        for n in nums[1:]:
            if (n.frac < best.frac) if f == 'min' else (n.frac > best.frac):
                best = n                      # ties keep the first
        if best.is_int:
            return str(int(best.text))
        return computed(best.float(), tags)
    if f in ('median', 'pNN'):
        vs = sorted(n.float() for n in nums)
        return computed(percentile(vs, agg.q), tags)
    raise AssertionError(f)


def var_value(f, nums):
    """Sample variance of the doubles, exactly, then rounded; compared with
    a tolerance (the tool keeps double-double sums)."""
    if len(nums) < 2:
        return 'null'
    xs = [n.float() for n in nums]
    if any(not math.isfinite(x) or abs(x) > 1e150 for x in xs):
        # Squares overflow doubles: the tool may print null; not judged.
        return Tol(None, 0, any_=True)
    fx = [Fraction(x) for x in xs]
    n = len(fx)
    mean = sum(fx) / n
    var = sum((x - mean) ** 2 for x in fx) / (n - 1)
    scale = float(sum(x * x for x in fx) / (n - 1))
    v = float(var)
    if f == 'var':
        return Tol(v, 1e-12 * abs(v) + 1e-26 * scale)
    sd = math.sqrt(v)
    return Tol(sd, 1e-12 * sd + math.sqrt(1e-26 * scale))


# --- swindow: windows ------------------------------------------------------

class Win:
    __slots__ = ('key', 'keyvals', 'start', 'end', 'recs', 'rev', 'dirty',
                 'index')

    def __init__(self, key, keyvals, start, end, index=None):
        self.key, self.keyvals = key, keyvals
        self.start, self.end, self.index = start, end, index
        self.recs = []            # (seq, values) in arrival order
        self.rev = 0              # times fired
        self.dirty = False        # changed since last written


class WindowSpec:
    """How records map to windows.  Subclasses: Fixed (tumble, hop,
    cumulate; fixed or calendar sizes; in a zone's local time), Session,
    Count."""
    timed = True


DAY = 86400 * 10 ** 9
MONTH_AVG = 2629746 * 10 ** 9          # a Gregorian month on average


def parse_size(text):
    """A window SIZE or STEP: ('ns', N, week) for fixed spans (Nw is N
    weeks of 7 days, week True), ('mo', M, False) for Nmo, Nq (3N months),
    Ny (12N months)."""
    m = re.fullmatch(r'([0-9]+)(w|mo|q|y)', text)
    if m:
        n = int(m.group(1))
        if n <= 0:
            raise Usage('zero size ' + text)
        if m.group(2) == 'w':
            return ('ns', n * 7 * DAY, True)
        return ('mo', n * {'mo': 1, 'q': 3, 'y': 12}[m.group(2)], False)
    n = parse_dur(text)
    if n <= 0:
        raise Usage('size must be positive: ' + text)
    return ('ns', n, False)


def month_start(m):
    """Local naive ns of 00:00 on the first day of month m counted from
    1970-01 (month index (y - 1970) * 12 + (mon - 1))."""
    return _days_from_civil(1970 + m // 12, m % 12 + 1, 1) * DAY


class Fixed(WindowSpec):
    """--tumble SIZE, --hop SIZE --every STEP, --cumulate SIZE --every STEP
    [--offset OFF], with fixed spans (ns) or months, in the local time of
    zone (None: UTC).  Bounds are local times mapped to instants with U
    (Zone.first: the first instant of that local time, or the jump of a
    skipped one); an event at t belongs to each window [U(start), U(end))
    that holds it (the instant test: in a repeated hour L(t) goes back).
    Fixed periods: bounds k*P + OFF mod P (P = STEP for hop, SIZE for
    tumble and cumulate; a period in weeks adds 4 days first, weeks
    starting Monday 1970-01-05); months: the first of month k*M at local
    00:00, plus OFF (not reduced)."""

    def __init__(self, kind, size, step, off, zone):
        self.kind, self.zone, self.off = kind, zone, off
        self.su, self.sn, sweek = size
        self.tu, self.tn, tweek = step
        if (self.su == 'mo') != (self.tu == 'mo'):
            raise Usage('SIZE and STEP: both in months (mo, q, y) or neither')
        self.months = self.su == 'mo'
        if kind == 'cumulate' and self.sn % self.tn:
            raise Usage('--cumulate SIZE must be a multiple of --every STEP')
        if not self.months:
            period = self.tn if kind == 'hop' else self.sn
            pweek = tweek if kind == 'hop' else sweek
            self.offm = (off + (4 * DAY if pweek else 0)) % period

    def U(self, l):
        return l if self.zone is None else self.zone.U(l)

    def L(self, t):
        return t if self.zone is None else self.zone.local(t)

    # local bounds: start of window (or period) k, and its ends
    def start(self, k):
        if self.months:
            n = self.tn if self.kind == 'hop' else self.sn
            return month_start(k * n) + self.off
        n = self.tn if self.kind == 'hop' else self.sn
        return k * n + self.offm

    def end(self, k, i=None):
        """The end of window k (hop, tumble), or of the i-th window of
        period k (cumulate)."""
        if self.kind == 'tumble':
            return self.start(k + 1)
        if self.kind == 'hop':
            if self.months:
                return month_start(k * self.tn + self.sn) + self.off
            return self.start(k) + self.sn
        if self.months:
            return month_start(k * self.sn + i * self.tn) + self.off
        return self.start(k) + i * self.tn

    def guess(self, l, f):
        """A k near the last one with f(k) <= l (local times)."""
        per = (self.tn if self.kind == 'hop' else self.sn) * \
            (MONTH_AVG if self.months else 1)
        return (l - f(0)) // per

    def last_le(self, f, t):
        """The largest k with U(f(k)) <= t (U o f never decreases)."""
        def ok(k):
            return self.U(f(k)) <= t
        lo = self.guess(self.L(t), f)
        step = 1
        if ok(lo):
            hi = lo + 1
            while ok(hi):
                lo, hi, step = hi, hi + step, step * 2
        else:
            hi, lo = lo, lo - 1
            while not ok(lo):
                hi, lo, step = lo, lo - step, step * 2
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ok(mid):
                lo = mid
            else:
                hi = mid
        return lo

    def windows(self, t):
        """[(start, end)] instants of the windows that hold t, in order of
        start."""
        U = self.U
        if self.kind == 'tumble':
            k = self.last_le(self.start, t)
            return [(U(self.start(k)), U(self.start(k + 1)))]
        if self.kind == 'hop':
            jmax = self.last_le(self.start, t)
            jmin = self.last_le(self.end, t) + 1
            return [(U(self.start(j)), U(self.end(j)))
                    for j in range(jmin, jmax + 1)]
        k = self.last_le(self.start, t)
        p = U(self.start(k))
        out = []
        for i in range(1, self.sn // self.tn + 1):
            e = U(self.end(k, i))
            # local ends the clocks skipped are all the instant of the
            # jump: windows of the same instants, which are one window
            if e > t and (p, e) not in out:
                out.append((p, e))
        return out

    def shared_end(self, t):
        """Whether the cumulative windows of t's period include two whose
        local ends map to one instant (ends the clocks skipped)."""
        if self.kind != 'cumulate' or self.zone is None:
            return False
        k = self.last_le(self.start, t)
        ends = [self.U(self.end(k, i)) for i in range(1, self.sn // self.tn
                                                       + 1)]
        return len(set(ends)) < len(ends)


class Session(WindowSpec):
    def __init__(self, gap):
        self.gap = gap


class Count(WindowSpec):
    timed = False

    def __init__(self, n):
        self.n = n


SW_SPEC = dict(COMMON, **{
    '-k': ('keys', 'many'), '--key': ('keys', 'many'),
    '--tumble': ('tumble', 'one'), '--hop': ('hop', 'one'),
    '--every': ('every', 'one'), '--offset': ('offset', 'one'),
    '--session': ('session', 'one'), '--count': ('count', 'one'),
    '--cumulate': ('cumulate', 'one'),
    '-a': ('aggs', 'many'), '--aggregate': ('aggs', 'many'),
    '-L': ('lateness', 'one'), '--allowed-lateness': ('lateness', 'one'),
    '--late': ('late', 'one'),
})


def parse_key_items(items):
    """-k KEYS, each PATH or PATH=NAME: [(path, output name)]."""
    keys = []
    for item in items:
        for k in item.split(','):
            path, eq, name = k.partition('=')
            if not path or (eq and not name):
                raise Usage('empty key path or name')
            keys.append((path, name if eq else path))
    return keys


def parse_keys(items):
    """The key paths of -k KEYS (what records are grouped and routed by)."""
    return [p for p, _ in parse_key_items(items)]


def key_names(items):
    """The output field names of -k KEYS (PATH, or NAME of PATH=NAME)."""
    return [n for _, n in parse_key_items(items)]


def run_swindow(argv, lines):
    res = Result('swindow')
    o = parse_args(argv, SW_SPEC)
    kinds = [x for x in (o.tumble, o.hop, o.session, o.count, o.cumulate)
             if x is not None]
    if len(kinds) != 1:
        raise Usage('give exactly one window')
    off = parse_dur(o.offset, allow_neg=True) if o.offset else 0
    zone = make_zone(o.tz)
    if zone is not None:
        res.tags.add('tz')
    if o.tumble is not None:
        size = parse_size(o.tumble)
        spec = Fixed('tumble', size, size, off, zone)
    elif o.hop is not None:
        spec = Fixed('hop', parse_size(o.hop), parse_size(o.every), off,
                     zone)
    elif o.cumulate is not None:
        spec = Fixed('cumulate', parse_size(o.cumulate),
                     parse_size(o.every), off, zone)
        res.tags.add('cumulate')
    elif o.session is not None:
        spec = Session(parse_dur(o.session))
    else:
        spec = Count(int(o.count))
    if isinstance(spec, Fixed):
        if spec.months:
            res.tags.add('cal-mo')
        elif any(re.fullmatch(r'[0-9]+w', x or '') for x in
                 (o.tumble, o.hop, o.cumulate, o.every)):
            res.tags.add('cal-w')
        if zone is not None:
            res.tags.add('tz-windows')
    aggs = parse_aggs(o.aggs)
    keys = parse_keys(o.keys)
    knames = key_names(o.keys)
    if knames != keys:
        res.tags.add('key-rename')
    if o.data_only:
        res.tags.add('data-only')
    unit = o.time_unit or 'auto'
    tpath = o.time or 'ts'
    D = parse_dur(o.delay) if o.delay is not None else None
    L = parse_dur(o.lateness) if o.lateness is not None else 0
    # CHOICE: -L 0 given still adds "revision" (with -L every output
    # record carries it).
    with_rev = o.lateness is not None
    if isinstance(spec, Session) and with_rev:
        res.tags.add('session-L')
    if o.late:
        res.files.setdefault(o.late, [])
    bad = BadPolicy(res, o.skip_bad, o.dead)
    out = res.stdout
    paths = []
    for a in aggs:
        if a.path is not None and a.path not in paths:
            paths.append(a.path)

    W = None                  # the watermark; None before any
    maxt = None
    fixed = {}                # (keytext, start, end) -> Win
    hop_ends = {}             # (keytext, start) -> an end (hop windows)
    sessions = {}             # keytext -> [Win]
    counts = {}               # keytext -> Win
    nextindex = {}            # keytext -> next window_index

    def emit(win):
        fields = []
        if spec.timed:
            fields.append(('window_start', fmt_time(win.start, o.time_out,
                                                    zone)))
            fields.append(('window_end', fmt_time(win.end, o.time_out,
                                                  zone)))
        else:
            fields.append(('window_index', str(win.index)))
        for k, v in zip(knames, win.keyvals):
            fields.append((k, canon(v)))
        recs = sorted(win.recs, key=lambda r: r[0])
        for a in aggs:
            vals = [r[1].get(a.path, MISSING) for r in recs] \
                if a.path is not None else [None] * len(recs)
            if a.func in ('first', 'last', 'collect', 'topN') and any(
                    r[1][None] and not isinstance(r[1].get(a.path), Num)
                    and r[1].get(a.path) not in (None, MISSING)
                    for r in recs):
                res.tags.add('canon-value')
            fields.append((a.name, agg_value(a, vals, res.tags)))
        win.rev += 1
        if with_rev:
            fields.append(('revision', str(win.rev)))
        win.dirty = False
        out.append(Rec(fields))

    def all_windows():
        yield from fixed.values()
        for lst in sessions.values():
            yield from lst

    def order(win):
        return (win.end, win.start, win.key.encode('utf-8', 'surrogatepass'))

    def fire(ready):
        for win in sorted(ready, key=order):
            emit(win)

    def fire_passed():
        if W is None:
            return
        fire([w for w in all_windows() if w.dirty and w.end <= W])

    def purge():
        if W is None:
            return
        for k in [k for k, w in fixed.items() if W >= w.end + L]:
            del fixed[k]
        for key in list(sessions):
            sessions[key] = [w for w in sessions[key] if W < w.end + L]

    for seq, (lineno, line) in enumerate(input_lines(lines)):
        if is_other_control(line):
            control(res, o, line, [o.late, o.dead],
                    barrier_state(res, o, spec, fixed, sessions, counts,
                                  D, W))
            continue
        if is_watermark(line):
            if D is not None:
                # -d and a $watermark in the input: an error, exit 1.
                # CHOICE: even with --skip-bad or --dead-letter (it is a
                # misuse, not a bad record); what was written stays.  A
                # line that is no JSON (a number past int64 in it, which
                # jansson refuses) is a bad record first.
                try:
                    watermark_time(line, unit, zone)
                except (ValueError, Bad) as e:
                    if bad.bad(lineno, line, e):
                        return res
                    continue
                res.exit = 1
                res.err_line = lineno
                return res
            if spec.timed:
                try:
                    w = watermark_time(line, unit, zone)
                except (ValueError, Bad) as e:
                    # CHOICE: a $watermark record without a good time is a
                    # bad record (the generator does not write one).
                    if bad.bad(lineno, line, e):
                        return res
                    continue
                if W is None or w > W:          # never goes back
                    W = w
                    fire_passed()
                    purge()
            if not o.data_only:
                out.append(line)
            continue
        res.data_in += 1
        try:
            rec = parse_record(line)
            t = parse_time(get_path(rec, tpath), unit, res.tags, zone) \
                if spec.timed else None
            values = {}
            # for the tag 'canon-value': escapes in the line that the
            # canonical spelling writes otherwise
            values[None] = bool(re.search(r'\\(u(?!00[01][0-9a-f])|/)',
                                          line))
            for p in paths:
                values[p] = get_path(rec, p)
            for a in aggs:
                if a.func in NUMERIC:
                    numeric_value(values[a.path])
                elif a.func in ('first', 'last', 'collect', 'distinct',
                                'topN') and big_whole_real(values[a.path]):
                    res.tags.add('bigint-real')
            if isinstance(spec, Fixed):
                wins = spec.windows(t)
                # windows outside the int64 nanosecond range are left out;
                # a record with none inside is bad
                inside = [(a, b) for a, b in wins
                          if -INT64_MAX <= a and b <= INT64_MAX]
                if wins and not inside:
                    raise Bad('no window inside the int64 range')
            if isinstance(spec, Session) and t + spec.gap > INT64_MAX:
                raise Bad('no window inside the int64 range')
        except (ValueError, Bad) as e:
            # CHOICE: a record is checked in full (JSON, time, values) before
            # it is windowed, so a bad record that is also late counts as
            # bad, not late.
            if bad.bad(lineno, line, e):
                return res
            continue
        keyvals = [get_path(rec, k) for k in keys]
        keyvals = [None if v is MISSING else v for v in keyvals]
        for v in keyvals:
            if canon(v) != naive_compact(v):
                res.tags.add('canon-key')
            if big_whole_real(v):
                res.tags.add('bigint-real')
        if len(keys) == 1:
            key = canon(keyvals[0])
        elif keys:
            key = '[' + ','.join(canon(v) for v in keyvals) + ']'
        else:
            key = ''
        item = (seq, values)

        if isinstance(spec, Count):
            win = counts.get(key)
            if win is None:
                win = counts[key] = Win(key, keyvals, None, None,
                                        nextindex.get(key, 0))
            win.recs.append(item)
            if len(win.recs) == spec.n:
                emit(win)
                del counts[key]
                nextindex[key] = win.index + 1
            continue

        if isinstance(spec, Fixed):
            # A record in a gap between hop windows belongs to no window
            # and is not late; one whose windows are all expired is late.
            kept = [(s, e) for s, e in inside if W is None or W < e + L]
            if spec.shared_end(t):
                res.tags.add('cumulate-shared-end')
            if inside and not kept:
                late_record(res, o, line)
            for s, e in kept:
                win = fixed.get((key, s, e))
                if win is None:
                    win = fixed[(key, s, e)] = Win(key, keyvals, s, e)
                    if spec.kind == 'hop':
                        # hop windows whose local starts the clocks
                        # skipped start at one instant (the jump), with
                        # other ends: windows of their own
                        if hop_ends.setdefault((key, s), e) != e:
                            res.tags.add('hop-shared-start')
                    if zone is not None and spec.L(e) - spec.L(s) != \
                            e - s:
                        res.tags.add('tz-change-window')
                win.recs.append(item)
                win.dirty = True
        else:
            gap = spec.gap
            lst = sessions.setdefault(key, [])
            start, end = t, t + gap
            touch = [w for w in lst if w.start <= end and start <= w.end]
            if not touch and W is not None and W >= end + L:
                late_record(res, o, line)
            else:
                merged = Win(key, keyvals, min([start] + [w.start
                                                          for w in touch]),
                             max([end] + [w.end for w in touch]))
                # its revision continues from the highest among the merged
                merged.rev = max([0] + [w.rev for w in touch])
                if merged.rev:
                    res.tags.add('session-refire')
                for w in touch:
                    merged.recs.extend(w.recs)
                    lst.remove(w)
                merged.recs.append(item)
                merged.dirty = True
                lst.append(merged)
        # A kept window the watermark already passed fires again at once.
        # CHOICE: when one record refires several (hop windows), they come
        # out in the order of one firing: end, start, key.
        fire_passed()
        if D is not None:
            # CHOICE: every good record counts for "max event time seen",
            # also one in a gap between hop windows or a late one (a late
            # one cannot raise it anyway).
            maxt = t if maxt is None else max(maxt, t)
            w = maxt - D
            if W is None or w > W:
                W = w
                fire_passed()
                purge()

    # End of input: every window with unwritten results fires.
    if isinstance(spec, Count):
        pend = sorted(counts.values(),
                      key=lambda w: w.key.encode('utf-8', 'surrogatepass'))
        byidx = sorted(counts.values(),
                       key=lambda w: (w.index,
                                      w.key.encode('utf-8', 'surrogatepass')))
        if [w.key for w in pend] != [w.key for w in byidx]:
            res.tags.add('count-end-order')
        for w in pend:
            emit(w)
    else:
        fire([w for w in all_windows() if w.dirty])
    bad.finish('swindow')
    if res.late:
        res.stderr.append(late_message(
            'swindow', res, o.late,
            'it is out of order by more than -d allows; try a larger -d, '
            '-L, or swatermark --reorder in front'))
    return res


def barrier_state(res, o, spec, fixed, sessions, counts, D, W):
    """What a barrier cuts through in swindow (tags ckpt-*)."""
    st = set()
    if res.late:
        st.add('late')
    if o.dead and res.dead[o.dead]:
        st.add('dead')
    if D is not None and W is not None:
        st.add('d')
    if isinstance(spec, Count):
        if counts:
            st.add('count-partial')
        if any(w.index for w in counts.values()):
            st.add('count-index')
    elif isinstance(spec, Session):
        wins = [w for lst in sessions.values() for w in lst]
        if wins:
            st.add('session-open')
        if o.lateness is not None and any(w.rev for w in wins):
            st.add('session-fired-L')
    else:
        if fixed:
            st.add('window-open')
        if o.lateness is not None and any(w.rev for w in fixed.values()):
            st.add('window-fired-L')
    return st


def late_record(res, o, line):
    res.late += 1
    if o.late:
        res.files[o.late].append(line)


# --- skeyby ----------------------------------------------------------------

FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3


def key_hash(text):
    """The shard hash of a key text: FNV-1a 64 over its UTF-8 bytes, the
    high half folded into the low one, never 0."""
    h = FNV_OFFSET
    for b in text.encode('utf-8', 'surrogatepass'):
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    h ^= h >> 32
    return h or 1


def key_text(rec, keys):
    """The text swindow groups by: the canonical JSON of the key value
    (null when missing), or the array of them for several keys."""
    vals = [get_path(rec, k) for k in keys]
    vals = [None if v is MISSING else v for v in vals]
    if len(keys) == 1:
        return canon(vals[0])
    return '[' + ','.join(canon(v) for v in vals) + ']'


SHARD_VAR = '$SKEYBY_SHARD'


def parse_keyby(argv):
    """skeyby's options; the command after them (or after --)."""
    o = Opts()
    o.keys, o.n, o.shell, o.cmd = [], None, None, None
    o.skip_bad, o.dead, o.op_id, o.unit = False, None, None, 'auto'
    o.data_only = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--':
            o.cmd = argv[i + 1:]
            break
        if a in ('--skip-bad', '--data-only'):
            if a == '--skip-bad':
                o.skip_bad = True
            else:
                o.data_only = True
            i += 1
            continue
        if a in ('-k', '--key', '-n', '--shards', '-c', '--command',
                 '--dead-letter', '--id', '--time-unit', '--hold'):
            if i + 1 >= len(argv):
                raise Usage('missing value for ' + a)
            v = argv[i + 1]
            if a in ('-k', '--key'):
                # PATH=NAME: the name is swindow's; the path routes
                o.keys += parse_keys([v])
            elif a in ('-n', '--shards'):
                o.n = int(v)
            elif a in ('-c', '--command'):
                o.shell = v
            elif a == '--dead-letter':
                o.dead = v
            elif a == '--time-unit':
                o.unit = v
            elif a == '--hold':
                pass
            else:
                o.op_id = v
            i += 2
            continue
        if a.startswith('-'):
            raise Usage('unknown option ' + a)
        o.cmd = argv[i:]
        break
    if not o.keys or o.n is None or not 1 <= o.n <= 1024 or \
            (o.shell is None) == (not o.cmd):
        raise Usage('skeyby: -k KEYS -n N and one command')
    return o


def shard_stages(o, s):
    """[(tool, argv)] of shard s's command: COMMAND ARG..., or the -c
    pipeline (words as shlex reads them, | between stages, $SKEYBY_SHARD
    as its number)."""
    if o.shell is None:
        stages = [list(o.cmd)]
    else:
        stages = [[]]
        for w in shlex.split(o.shell):
            if w == '|':
                stages.append([])
            else:
                stages[-1].append(w.replace(SHARD_VAR + 'S', str(o.n))
                                  .replace(SHARD_VAR, str(s)))
    return [(st[0], st[1:]) for st in stages]


def shard_name(o):
    """How skeyby names a shard's command in its messages."""
    return o.shell if o.shell is not None else o.cmd[0]


def tool_side_files(argv):
    out = []
    for opt in ('--late', '--dead-letter'):
        if opt in argv:
            name = argv[argv.index(opt) + 1]
            if name not in ('pass', 'drop'):
                out.append(name)
    return out


def keyby_side_files(argv):
    """Every side file a skeyby command line names: its own dead letters
    and each shard's."""
    o = parse_keyby(argv)
    out = [o.dead] if o.dead else []
    for s in range(o.n):
        for _, sargv in shard_stages(o, s):
            out += tool_side_files(sargv)
    return out


def add_shard(line, s):
    """A barrier or restore as skeyby sends it to shard s."""
    j = line.rindex('}')
    return line[:j] + ',"shard":%d' % s + line[j:]


def ops_entries(line):
    ops = parse_json(line).get('ops')
    return ops if isinstance(ops, list) else []


def merged_control(sent, shard_lines):
    """The barrier or restore skeyby writes once every shard that has not
    ended passed it: the one it sent, with the entries each shard's tools
    added to "ops" appended, in shard order."""
    k = len(ops_entries(sent))
    elems = []
    for line in shard_lines:
        elems += [canon_str(e) if isinstance(e, str) else canon(e)
                  for e in ops_entries(line)[k:]]
    return add_ops(sent, ','.join(elems)) if elems else sent


def merge(outs, sent, unit='auto'):
    """skeyby's merge of its shards' outputs (str or Rec items, each
    shard's as it ended) into one stream, in rounds: in each, shard by
    shard in order, its data lines up to its next watermark (which ends its
    turn and is not written then) or its next barrier/restore (where it
    waits).  After a round: the least of the latest watermarks of the
    shards that have not ended (when each has one; the line of the first
    shard in order with that value), when it is greater than the last one
    written; then, when every shard that has not ended waits at a barrier,
    that barrier once (merged_control) and they go on.  A shard that has
    ended holds nothing back.  sent: the barriers skeyby sent, in order;
    unit: the one the watermarks' epoch numbers are in."""
    n = len(outs)
    pos, turn = [0] * n, ['R'] * n
    wm, wmline, ctl = [None] * n, [None] * n, [None] * n
    out, out_wm, k = [], None, 0
    while True:
        for i in range(n):
            if turn[i] != 'R':
                continue
            while True:
                if pos[i] == len(outs[i]):
                    turn[i] = 'D'
                    break
                x = outs[i][pos[i]]
                pos[i] += 1
                if isinstance(x, str) and is_watermark(x):
                    try:
                        w = watermark_time(x, unit)
                    except (ValueError, Bad):
                        raise Usage('a shard wrote a watermark skeyby '
                                    'cannot read: ' + x)
                    if wm[i] is None or w > wm[i]:
                        wm[i], wmline[i] = w, x
                    turn[i] = 'W'
                    break
                if isinstance(x, str) and is_other_control(x):
                    ctl[i] = x
                    turn[i] = 'C'
                    break
                out.append(x)
        live = [i for i in range(n) if turn[i] != 'D']
        if not live:
            return out
        if all(wm[i] is not None for i in live):
            least = min(live, key=lambda i: wm[i])     # the first of them
            if out_wm is None or wm[least] > out_wm:
                out.append(wmline[least])
                out_wm = wm[least]
        if all(turn[i] == 'C' for i in live):
            if k >= len(sent):
                raise Usage('shards passed on a barrier skeyby never sent')
            out.append(merged_control(sent[k], [ctl[i] for i in live]))
            k += 1
            for i in live:
                turn[i] = 'R'
        for i in range(n):
            if turn[i] == 'W':
                turn[i] = 'R'


def pass_control(tool, argv, line):
    """A $checkpoint or $restore as the tool writes it downstream."""
    if tool != 'skeyby':
        return forward_control(line, argv[argv.index('--id') + 1]
                               if '--id' in argv else None)
    o = parse_keyby(argv)
    fwd = forward_control(line, o.op_id)
    lines = []
    for s in range(o.n):
        x = add_shard(fwd, s)
        for t, sargv in shard_stages(o, s):
            x = pass_control(t, sargv, x)
        lines.append(x)
    return merged_control(fwd, lines)


def run_skeyby(argv, lines):
    """skeyby -k KEYS -n N with swindow/swatermark stages in its shards:
    the records routed (data records by key_hash(key_text) mod N, control
    records to all; a record that is not a JSON object is skeyby's bad
    record, every other one goes to its shard as it was, without a CR),
    each shard's command modelled on its input, and their outputs merged.

    Result.exit 1 (a fatal bad record of skeyby's or a shard that failed):
    the stdout is then only a prefix of the model's (the shards are killed
    when one fails or skeyby stops), Result.fail lists the stderr lines
    each possible failure gives (prefixes), and nothing else is judged.
    Result.err_prefixes: stderr lines known only by their start (a fatal
    bad record of a first stage in a -c pipeline, whose shell goes on).
    Result.passed: the lines skeyby passed on (data and watermarks), for
    the comparison with one unsharded run; Result.shards: each shard's
    [Result] by stage."""
    o = parse_keyby(argv)
    res = Result('skeyby')
    res.tags.add('keyby')
    res.fail, res.err_prefixes, res.passed = [], [], []
    bad = BadPolicy(res, o.skip_bad, o.dead)
    ins = [[] for _ in range(o.n)]
    sent, dead_at = [], []
    for lineno, line in input_lines(lines):
        if is_other_control(line):
            fwd = forward_control(line, o.op_id)
            if checkpoint_number(line) == 0 and o.dead:
                res.dead[o.dead] = []
            if checkpoint_number(line) is not None:
                dead_at.append(bool(o.dead and res.dead[o.dead]))
            sent.append(fwd)
            for s in range(o.n):
                ins[s].append(add_shard(fwd, s))
            continue
        if is_watermark(line):
            res.passed.append(line)
            for s in range(o.n):
                ins[s].append(line)
            continue
        res.data_in += 1
        try:
            rec = parse_record(line)
        except (ValueError, Bad):
            if bad.bad(lineno, line):
                res.fail.append(['skeyby: line %d: ' % lineno])
                break
            continue
        res.passed.append(line)
        ins[key_hash(key_text(rec, o.keys)) % o.n].append(line)
    if res.exit == 0:
        bad.finish('skeyby')
    res.exit = 0 if not res.fail else 1
    outs, res.shards = [], []
    names = set(res.dead)
    talkers = int(bool(res.stderr))     # processes that write to stderr
    acc = {}                 # barrier index -> what it cut through
    for s in range(o.n):
        inp, rs = ins[s], []
        for j, (tool, sargv) in enumerate(shard_stages(o, s)):
            r = run(tool, sargv, inp)
            rs.append(r)
            inp = [out_text(x) for x in r.stdout]
            res.tags |= r.tags
            for name in list(r.files) + list(r.dead):
                if name in names:
                    raise Usage('side file %s written twice' % name)
                names.add(name)
            res.files.update(r.files)
            res.dead.update(r.dead)
            res.late += r.late
            for b, (num, tags) in enumerate(r.barriers):
                acc.setdefault(b, [num, set()])[1].update(
                    ('s2-' if j else '') + t for t in tags)
            talkers += bool(r.stderr) or r.exit != 0
            if r.exit == 0:
                res.stderr += r.stderr
            elif j + 1 < len(shard_stages(o, s)):
                # the shell's pipeline goes on: the next stage ends well
                res.err_prefixes.append('%s: line %d: ' % (tool,
                                                           r.err_line))
        outs.append(rs[-1].stdout)
        res.shards.append(rs)
        if rs[-1].exit != 0:
            res.exit = 1
            res.fail.append(['skeyby: shard %d (%s) exited with status %d'
                             % (s, shard_name(o), rs[-1].exit),
                             '%s: line %d: ' % (shard_stages(o, s)[-1][0],
                                                rs[-1].err_line)])
    for b, dead in enumerate(dead_at):
        if dead and b in acc:
            acc[b][1].add('dead')
    res.barriers = [(num, frozenset(t)) for _, (num, t) in sorted(acc.items())]
    if talkers > 1:
        # each message is one line however many processes write to the
        # one stderr (the tools write each in one piece)
        res.tags.add('keyby-stderr')
    # the merge reads watermarks' epoch numbers in skeyby's --time-unit
    # (skeyby.1: give the shards' own)
    unit = o.unit
    res.stdout = merge(outs, sent, unit)

    if unit != 'auto':
        try:
            auto = merge(outs, sent)
        except Usage:
            auto = None
        if auto is None or [out_text(x) for x in auto] != \
                [out_text(x) for x in res.stdout]:
            res.tags.add('keyby-wm-unit')
    if sent and restore_differs(outs, sent, res.stdout, unit):
        res.tags.add('keyby-restore-wm')
    if o.data_only:
        # the merged watermarks and barriers still cut and align the
        # output, but are not written
        res.tags.add('data-only')
        res.stdout = [x for x in res.stdout if not (
            isinstance(x, str) and (is_watermark(x) or
                                    is_other_control(x)))]
    return res


def restore_differs(outs, sent, merged, unit):
    """Whether a run restored at one of the barriers would merge the rest
    otherwise than the uninterrupted run: the merge's own state (the last
    merged watermark, each shard's latest) is in skeyby's snapshot since
    the merge-state fix; the tag marks the cases that test it."""
    def controls(items):
        return [j for j, x in enumerate(items)
                if isinstance(x, str) and is_other_control(x)]
    at = controls(merged)
    for k in range(len(sent)):
        if k >= len(at):
            break
        rest = []
        for o in outs:
            c = controls(o)
            rest.append(o[c[k]:] if k < len(c) else [])
        if [out_text(x) for x in merge(rest, sent[k:], unit)] != \
                [out_text(x) for x in merged[at[k]:]]:
            return True
    return False


def run(tool, argv, lines):
    if tool == 'swindow':
        return run_swindow(argv, lines)
    if tool == 'swatermark':
        return run_swatermark(argv, lines)
    if tool == 'skeyby':
        return run_skeyby(argv, lines)
    raise ValueError(tool)
