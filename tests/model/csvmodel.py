"""scsv in the streamutils model test: random cases, a reference model, the
checks.

Written from the semantics of scsv(1) (CSV to NDJSON and back, RFC 4180
taken strictly), never from src/.  Python 3 standard library only.

gen_case(rng) -> CsvCase, drawn with its own rng (csv_rng(seed, i)) so that
the other cases stay the same.  Seven in ten are CSV to NDJSON:

  * 1-5 columns, 0-15 rows, cells from a pool that mixes JSON numbers (42,
    -1.5, 1e5, -0, 1.0E-3, the int64 limits, 1e308, 1e-400), number-like
    strings (007, +5, " 12", 1., .5, 9223372036854775808, 1e999, -, NaN),
    text with the delimiter, quotes, LF and CRLF (quoted), a bare CR
    (quoted), tabs, spaces, control characters, UTF-8 (é, 日本, emoji),
    and empty fields, unquoted (null) and quoted (""); cells are quoted
    when they must be and sometimes when they need not;
  * header names with duplicates, empty names and names such as a_2 that a
    renaming can meet;
  * sometimes a BOM, CRLF line ends (or a mix), no final newline, blank
    lines between rows (and before the header), and faults: a row with a
    field too many or too few, a NUL, a lone byte that is not UTF-8
    (0x80-0xff between ASCII), a quote in an unquoted field, text after a
    closing quote (anywhere in a row, also after a field of many lines), an
    unterminated quoted field at the end; rarely a fault in the header row;
  * options: -d (, ; | or a tab as \\t, tab or itself), --strings,
    --no-header, -f NAMES (now and then one name too many or too few),
    --skip-bad, --dead-letter FILE (sometimes a file that exists, to which
    scsv appends) or neither; standard input, one FILE operand or two.

The rest are NDJSON to CSV (-r): flat and nested values written with random
white space and escapes, keys missing, a repeated key, now and then a key
that is no column, control records, blank lines and lines of white space,
CRLF line ends, bad lines (a JSON value that is not an object: "not an
object"; invalid JSON, whose message comes from the JSON scanner and is not
judged), random -d, -f (paths that exist, are nested, are missing, walk
through a scalar), --no-header, and the bad-record options.

The model (model(case) -> Expected) reads the case's bytes as the
semantics say and gives the expected stdout (bytes), stderr lines, exit
status and dead-letter file.  Where the semantics do not decide (a bare CR
outside quotes, a quoting error in the first row with --no-header and no -f,
a header row with bad bytes under -f, a field with both a NUL and bad
UTF-8, an -r input whose first record is {} ...) it raises Unspecified
rather than guess: the generator writes no such input, so a case that meets
one fails as 'model' instead of being skipped.  One thing left open is
allowed either way, and said so where it is checked: the skip count on
stderr after a fatal header error with --skip-bad.  With -r -f the header
row is written first, whatever follows; barriers ($checkpoint, $restore)
are no lines of the input, so the line numbers after them leave them out.

A number jansson cannot hold (an integer beyond int64, a real beyond a
double) makes an -r line invalid JSON, as in every tool; a quoting error in
the header row is reported as "header: " and the error a row would give.

check(case, exp, run) compares the run exactly (stdout byte for byte, stderr
line for line, the exit status, the dead-letter file byte for byte, its
error text only where the model knows it); stress.py adds: no crash, no
sanitizer report, a second run byte-identical, and for CSV cases that end
well without --strings a round trip (roundtrip_argvs): scsv -r -d D of the
output, then scsv -d D of that, gives the output back (not when the records'
keys differ, nor for one column holding a null, which -r writes as "").
"""

import json
import math
import os
import random
import re
import shlex
import subprocess
import sys

BOM = b'\xef\xbb\xbf'
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
NUMBER = re.compile(r'-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?')
CONTROL_PREFIXES = ('{"$watermark"', '{"$checkpoint"', '{"$restore"')
DEAD = 'dead.ndjson'
PREFILL = b'{"left over":"from an earlier run"}\n'
TIMEOUT = 20


class Unspecified(Exception):
    """The input is one that the semantics do not decide."""


class Mismatch(Exception):
    """scsv disagrees with the model (kind as in stress.py)."""

    def __init__(self, kind, detail):
        super().__init__(kind)
        self.kind, self.detail = kind, detail


# --- cases -----------------------------------------------------------------

class Input:
    """One input: a FILE operand (name) or standard input (name None); its
    bytes are the units joined (the BOM first when bom): the header row,
    the rows, blank lines (CSV), or the lines (NDJSON), each with its line
    end but perhaps the last.  The minimizer drops units."""

    def __init__(self, name, bom=False, units=()):
        self.name, self.bom, self.units = name, bom, list(units)

    def data(self):
        return (BOM if self.bom else b'') + b''.join(self.units)


class CsvCase:
    kind = 'csv'
    restore = None            # no checkpoint test for scsv

    def __init__(self, opts, inputs, prefill=False):
        self.opts = list(opts)        # the options, without the operands
        self.inputs = inputs          # [Input]
        self.prefill = prefill        # the dead-letter file exists already

    @property
    def lines(self):
        """The units of every input (for the counts stress.py prints)."""
        return [u for inp in self.inputs for u in inp.units]

    def argv(self):
        return self.opts + [i.name for i in self.inputs if i.name is not None]

    def stdin(self):
        return b''.join(i.data() for i in self.inputs if i.name is None)

    def argvs(self):
        return [('scsv', self.argv())]

    def without(self, drop):
        """A copy without the units whose (input, unit) indexes are in
        drop."""
        ins = [Input(inp.name, inp.bom, [u for j, u in enumerate(inp.units)
                                         if (k, j) not in drop])
               for k, inp in enumerate(self.inputs)]
        return CsvCase(self.opts, ins, self.prefill)


def csv_rng(seed, i):
    return random.Random('%s:%d:csv' % (seed, i))


def gen_case(rng):
    return gen_reverse(rng) if rng.random() < 0.3 else gen_csv(rng)


# --- CSV to NDJSON: generation ---------------------------------------------

NUMBERS = ['42', '-1.5', '1e5', '0', '-0', '1.0E-3', '7', '3.25', '-12',
           '2E+10', '0.5e-3', '-0.0', '10', '9223372036854775807',
           '-9223372036854775808', '1e308', '1.7976931348623157e308',
           '1e-400', '0e999', '123456789012345678901234567890.5']
NUMLIKE = ['007', '+5', ' 12', '12 ', '1.', '.5', '9223372036854775808',
           '-9223372036854775809', '99999999999999999999', '1e999', '-1e999',
           '1.7976931348623159e308', '-', '1e', '1e+', '0x1F', 'NaN',
           'Infinity', 'true', 'false', 'null', '00', '-01', '1.5.2',
           '1_000', '\u0663', '\uff11\uff12', '5e-', '--1']
TEXT = ['alice', 'a b', 'x,y', 'p;q', 'a|b', 'tab\there', 'say "hi"', '"',
        '""', 'two\nlines', 'crlf\r\nin', 'bare\rcr', 'end\r', '\u00e9',
        '\u65e5\u672c', '\U0001F600', 'back\\slash', 'ctl\x01\x1f',
        'del\x7f', ' ', '  spaced  ', '{"a":1}', '\x08\x0c', '\n',
        'x\n\ny', 'x\r\n\r\ny', ',', '|;\t']
HEADER_NAMES = ['id', 'name', 'a', 'b', 'a', '', '', 'x y', '\u00e9',
                '\u65e5\u672c', 'a_2', '2', '1', 'n"q', 'k,v', 'two\nlines',
                'ts', 'amount', ' sp', 'b_2']
F_NAMES = ['x', 'y', 'z', 'user.id', '\u00e9', 'a b', 'n"q', '2', 'a_2', 'ts',
           'w']
NUL_CELLS = [b'p\x00q', b'\x00', b'ab\x00']
BAD_UTF8_CELLS = [b'x\xffy', b'\x80', b'a\xc3b', b'\xfe', b'q\xe6z']
MISPLACED = [b'x"y', b'ab"', b'a""b']
AFTER_CLOSE = [b'"z"w', b'"ok" ', b'"a"b"']
DELIMS = [(',', None), (',', ','), (';', ';'), ('|', '|'), ('\t', '\\t'),
          ('\t', 'tab'), ('\t', '\t')]


def long_value(rng):
    """A long text (past the buffers a reader may have), now and then with
    a quote, a delimiter or a line end in it."""
    n = rng.choice([4095, 4096, 8191, 65535, 65536, rng.randint(1, 70000)])
    b = ['x'] * n
    for _ in range(rng.randint(0, 3)):
        b[rng.randrange(n)] = rng.choice(['"', ',', ';', '\t', '|', '\n',
                                          '\r\n', '\u00e9'])
    return ''.join(b)


def cell_value(rng):
    """(value, quoted-empty): a cell's text as str."""
    r = rng.random()
    if r < 0.005:
        return long_value(rng), False
    if r < 0.3:
        return rng.choice(NUMBERS), False
    if r < 0.5:
        return rng.choice(NUMLIKE), False
    if r < 0.85:
        return rng.choice(TEXT), False
    return '', rng.random() < 0.5


def render(rng, value, delim, eol, quote_empty=False):
    """The bytes of a cell: quoted when it must be (the delimiter, a quote,
    a line end; an empty string), and now and then when it need not; a LF
    in a quoted field is written as the file's line end."""
    b = value.encode('utf-8') if isinstance(value, str) else value
    must = any(c in b for c in (delim.encode(), b'"', b'\n', b'\r')) or \
        (b == b'' and quote_empty)
    if not must and (b == b'' or rng.random() > 0.15):
        return b
    inner = b.replace(b'"', b'""')
    if eol == b'\r\n':
        # keep a CRLF of the value as it is (it reads as LF anyway)
        inner = re.sub(b'(?<!\r)\n', b'\r\n', inner)
    return b'"' + inner + b'"'


def fault_cell(rng, kind, delim, eol):
    if kind == 'nul':
        return render(rng, rng.choice(NUL_CELLS), delim, eol)
    if kind == 'utf8':
        return render(rng, rng.choice(BAD_UTF8_CELLS), delim, eol)
    if kind == 'misplaced':
        return rng.choice(MISPLACED)
    return rng.choice(AFTER_CLOSE)


def gen_row(rng, ncols, delim, eol, fault=None):
    """A row's bytes with its line end; fault: None, 'count', 'nul',
    'utf8', 'misplaced', 'after-close'."""
    n = ncols
    if fault == 'count':
        n = ncols + 1 if ncols == 1 or rng.random() < 0.5 else ncols - 1
    cells = []
    for _ in range(n):
        v, qe = cell_value(rng)
        cells.append(render(rng, v, delim, eol, qe))
    if fault in ('nul', 'utf8', 'misplaced', 'after-close'):
        k = rng.randrange(n)
        cells[k] = fault_cell(rng, fault, delim, eol)
        if fault in ('misplaced', 'after-close') and rng.random() < 0.3:
            # the rest of the line goes with the bad row, an opening
            # quote too: the next line starts a row of its own
            cells[k] += b'"still' if rng.random() < 0.5 else b''
    return delim.encode().join(cells) + eol


def gen_header(rng, ncols, delim, eol, fault=None):
    names = [rng.choice(HEADER_NAMES) for _ in range(ncols)]
    cells = [render(rng, n, delim, eol, rng.random() < 0.3) for n in names]
    if fault:
        k = rng.randrange(ncols)
        cells[k] = fault_cell(rng, fault, delim, eol)
    if cells == [b'']:
        cells = [b'""']     # a blank line is no header row: quote the name
    return delim.encode().join(cells) + eol


def gen_csv_input(rng, name, ncols, delim, eol_style, row_faults, header,
                  header_fault):
    inp = Input(name, bom=rng.random() < 0.15)

    def eol():
        if eol_style == 'mixed':
            return rng.choice([b'\n', b'\r\n'])
        return eol_style
    blank = rng.random() < 0.25
    if blank and rng.random() < 0.2:
        inp.units.append(eol())                 # a blank line first
    if header:
        inp.units.append(gen_header(rng, ncols, delim, eol(), header_fault))
    nrows = rng.randint(0, 15)
    unterminated = 'unterminated' in row_faults and rng.random() < 0.5
    for _ in range(nrows):
        if blank and rng.random() < 0.15:
            inp.units.append(rng.choice([b'\n', b'\r\n', b'\n\n']))
        fault = None
        if row_faults and rng.random() < 0.2:
            fault = rng.choice(row_faults)
            if fault == 'unterminated':
                fault = None
        inp.units.append(gen_row(rng, ncols, delim, eol(), fault))
    if unterminated or (header_fault == 'unterminated' and header):
        # a quoted field still open at the end of the file
        row = gen_row(rng, ncols, delim, b'')
        cut = row.rfind(delim.encode())
        row = (row[:cut + 1] if cut >= 0 else b'') + b'"never closed'
        if rng.random() < 0.5:
            row += eol() + b'more' + eol() * rng.randint(0, 2)
        if header_fault == 'unterminated' and header:
            inp.units = [u for u in inp.units if u.strip(b'\r\n') == b'']
        inp.units.append(row)
    elif inp.units and rng.random() < 0.2:
        # no final line end
        last = inp.units[-1]
        inp.units[-1] = last[:-2] if last.endswith(b'\r\n') else last[:-1]
    return inp


def bad_policy(rng, opts):
    """Adds the bad-record options to opts: none, --skip-bad,
    --dead-letter FILE, rarely both (a usage error)."""
    r = rng.random()
    policy = 'stop' if r < 0.45 else 'skip' if r < 0.7 else 'dead'
    if policy == 'skip':
        opts.append('--skip-bad')
    elif policy == 'dead':
        opts += ['--dead-letter', DEAD]
        if rng.random() < 0.03:
            opts.insert(rng.choice([0, len(opts)]), '--skip-bad')
    return policy


def gen_csv(rng):
    delim, spelled = rng.choice(DELIMS)
    opts = []
    if spelled is not None:
        opts += ['-d', spelled]
    strings = rng.random() < 0.2
    if strings:
        opts.append('--strings')
    no_header = rng.random() < 0.15
    if no_header:
        opts.append('--no-header')
    ncols = rng.randint(1, 5)
    if rng.random() < 0.15:
        k = ncols
        if rng.random() < 0.15:
            k = max(1, ncols + rng.choice([-1, 1]))
        opts += ['-f', ','.join(rng.sample(F_NAMES, k))]
    with_f = '-f' in opts
    policy = bad_policy(rng, opts)
    eol_style = rng.choice([b'\n'] * 6 + [b'\r\n'] * 3 + ['mixed'])
    # faults: none in half the cases
    row_faults = []
    if rng.random() < 0.5:
        row_faults = rng.sample(['count', 'nul', 'utf8', 'misplaced',
                                 'after-close', 'unterminated'],
                                rng.randint(1, 3))
    header_fault = None
    if not no_header and rng.random() < 0.06:
        header_fault = rng.choice(['nul', 'utf8', 'misplaced',
                                   'after-close', 'unterminated'] +
                                  (['nul', 'utf8'] if not with_f else []))
        if with_f and header_fault in ('nul', 'utf8'):
            header_fault = None             # unspecified under -f
    r = rng.random()
    names = [None] if r < 0.5 else ['in.csv'] if r < 0.65 else \
        ['a b.csv'] if r < 0.75 else ['\u00e9 "q\\".csv'] if r < 0.85 else \
        ['in.csv', 'two.csv']
    inputs = []
    for k, name in enumerate(names):
        if k and rng.random() < 0.5:
            ncols = rng.randint(1, 5)
            if with_f:
                ncols = len(opts[opts.index('-f') + 1].split(','))
        if rng.random() < 0.04:
            inputs.append(Input(name, bom=rng.random() < 0.5))  # empty
            continue
        inputs.append(gen_csv_input(rng, name, ncols, delim, eol_style,
                                    row_faults, not no_header, header_fault))
    # with --no-header and no -f the first row names the columns by its
    # count: no quoting error there (the semantics leave it open)
    if no_header and not with_f:
        for inp in inputs:
            for j, u in enumerate(inp.units):
                if u.strip(b'\r\n'):
                    row = b'\n'
                    while row == b'\n':      # not a blank line
                        row = gen_row(rng, ncols, delim, b'\n')
                    inp.units[j] = row
                    break
    return CsvCase(opts, inputs, prefill=policy == 'dead' and
                   rng.random() < 0.3)


# --- NDJSON to CSV: generation ---------------------------------------------

R_KEYS = ['a', 'b', 'c', 'user', 'x y', '\u00e9', 'q"k', 'k,v', 'n', 'tags',
          '']
R_STRINGS = ['"x"', '""', '"x,y"', '"p;q"', '"a|b"', '"say \\"hi\\""',
             '"two\\nlines"', '"cr\\rx"', '"tab\\tx"', '" "', '"\u00e9\u65e5'
             '\u672c\U0001F600"', '"\\u00e9"', '"\\ud83d\\ude00"',
             '"back\\\\slash"', '"\\/"', '"007"', '"42"', '"ctl\\u0001"',
             '"\\u007f"', '"\\""', '"a\\r\\nb"', '"null"', '"\\b\\f"']
R_NUMBERS = ['1', '-1.5', '2.50', '-0', '1e5', '1E+2', '0.000',
             '123456789012345678', '-9223372036854775808', '1.5e-7', '42']
R_LITERALS = ['true', 'false', 'null']
R_BAD_NOT_OBJECT = ['[1]', '[]', '"x"', '42', 'null', 'true', ' [ 1 , 2 ] ']
R_BAD_JSON = ['{"a":', '{"a" 1}', '{a:1}', '{"a":1}}', '{"a":1,}', '{"a":01}',
              "{'a':1}", '{"a":"\\x"}', '{"a":tru}', '{"a":1',
              # numbers jansson refuses: invalid JSON in every tool
              '{"a":99999999999999999999}', '{"a":[1e400]}',
              '{"a":-9223372036854775809}']
R_CONTROL = ['{"$watermark":"2026-11-23T00:00:00Z"}',
             '{"$checkpoint":1,"dir":"/tmp"}', '{"$watermark":17}',
             '{"$restore":1,"dir":"/tmp"}']
R_PATHS = ['user.id', 'user.name', 'user.geo.cc', 'user.x', 'a.b', 'a.k',
           'a.k.id', 'nokey', 'tags']


def ws(rng):
    return rng.choice(['', '', '', '', ' ', '  ', '\t', ' \t '])


def key_text(rng, key):
    """A key as JSON text, now and then with its letters escaped."""
    if rng.random() < 0.1:
        return '"' + ''.join('\\u%04x' % ord(c) if c.isalnum() else
                             json.dumps(c)[1:-1] for c in key) + '"'
    return json.dumps(key, ensure_ascii=False)


def json_value(rng, depth=0):
    r = rng.random()
    if depth < 2 and r < 0.12:
        items = [json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
        return '[' + ws(rng) + (ws(rng) + ',' + ws(rng)).join(items) + \
            ws(rng) + ']'
    if depth < 2 and r < 0.22:
        return obj_text(rng, [(rng.choice(['k', 'id', 'x y', 'k']),
                               json_value(rng, depth + 1))
                              for _ in range(rng.randint(0, 3))])
    if r < 0.55:
        return rng.choice(R_STRINGS)
    if r < 0.85:
        return rng.choice(R_NUMBERS)
    return rng.choice(R_LITERALS)


def user_value(rng):
    """user: mostly an object {id, name, geo:{cc}} with some missing."""
    if rng.random() < 0.2:
        return json_value(rng, 2)
    members = []
    for k, v in (('id', rng.choice(['7', '"u7"', 'null', '{"n":1}'])),
                 ('name', rng.choice(['"a b"', '""', '"x,y"', '1'])),
                 ('geo', '{' + ws(rng) + '"cc"' + ws(rng) + ':' +
                  rng.choice(['"fr"', '2', '[ ]']) + '}')):
        if rng.random() < 0.7:
            members.append((k, v))
    rng.shuffle(members)
    return obj_text(rng, members)


def obj_text(rng, members):
    """{"k":v,...} with random white space around every token."""
    parts = [ws(rng) + key_text(rng, k) + ws(rng) + ':' + ws(rng) + v +
             ws(rng) for k, v in members]
    return '{' + ','.join(parts) + ws(rng) + '}'


def record_value(rng, key):
    return user_value(rng) if key == 'user' else json_value(rng)


def gen_reverse(rng):
    delim, spelled = rng.choice(DELIMS)
    opts = ['-r']
    if spelled is not None:
        opts += ['-d', spelled]
    if rng.random() < 0.15:
        opts.append('--no-header')
    keys = rng.sample(R_KEYS, rng.randint(1, 4))
    if rng.random() < 0.35:
        pool = [k for k in keys if k and ',' not in k and
                k not in R_PATHS] + R_PATHS
        opts += ['-f', ','.join(rng.sample(pool, rng.randint(1, 4)))]
    policy = bad_policy(rng, opts)
    bad_rate = 0 if rng.random() < 0.5 else 0.12
    crlf = rng.random() < 0.15
    lines = []
    first = True                # no data record yet: its keys are the columns
    for i in range(rng.randint(0, 12)):
        r = rng.random()
        if r < 0.08:
            lines.append(rng.choice(R_CONTROL))
            continue
        if r < 0.13:
            lines.append(rng.choice(['', ' ', '\t', '  ']))
            continue
        if r < 0.13 + bad_rate:
            lines.append(rng.choice(R_BAD_NOT_OBJECT if rng.random() < 0.6
                                    else R_BAD_JSON))
            continue
        if first or rng.random() < 0.15:
            chosen = rng.sample(keys, rng.randint(1, len(keys)))
            first = False
        else:
            chosen = [k for k in keys if rng.random() < 0.7]
            rng.shuffle(chosen)
        if rng.random() < 0.08:
            chosen.append(rng.choice([k for k in R_KEYS if k not in keys] +
                                     ['zz']))        # no column
        if chosen and rng.random() < 0.1:
            chosen.insert(rng.randrange(len(chosen) + 1),
                          rng.choice(chosen))        # a repeated key
        text = ws(rng) * (rng.random() < 0.03) + \
            obj_text(rng, [(k, record_value(rng, k)) for k in chosen])
        if crlf and rng.random() < 0.5:
            text += '\r'
        lines.append(text)
    units = [(l + '\n').encode('utf-8') for l in lines]
    if units and rng.random() < 0.2:
        units[-1] = units[-1][:-1]
    name = None if rng.random() < 0.6 else 'in.ndjson'
    return CsvCase(opts, [Input(name, units=units)],
                   prefill=policy == 'dead' and rng.random() < 0.3)


# --- the model: options ----------------------------------------------------

class Opts:
    def __init__(self, argv):
        self.reverse = self.no_header = self.strings = self.skip = False
        self.delim, self.fields, self.dead = ',', None, None
        self.operands = []
        it = iter(argv)
        for a in it:
            if a == '-r':
                self.reverse = True
            elif a == '-d':
                v = next(it)
                self.delim = {'\\t': '\t', 'tab': '\t'}.get(v, v)
            elif a == '-f':
                self.fields = next(it).split(',')
            elif a == '--no-header':
                self.no_header = True
            elif a == '--strings':
                self.strings = True
            elif a == '--skip-bad':
                self.skip = True
            elif a == '--dead-letter':
                self.dead = next(it)
            else:
                self.operands.append(a)


class Line:
    """An expected line of stderr or of the dead-letter file: exact text
    but for the parts given as None, a message of the JSON scanner's own
    (any text; any JSON string in a dead letter)."""

    def __init__(self, parts, any_text='.+'):
        self.text = ''.join('<any message>' if p is None else p
                            for p in parts)
        self.regex = re.compile(''.join(any_text if p is None else
                                        re.escape(p) for p in parts))

    def match(self, s):
        return self.regex.fullmatch(s) is not None


class Expected:
    def __init__(self):
        self.stdout = [b'']     # the accepted stdouts (bytes)
        self.stderr = []        # [Line], in order
        self.optional = []      # [Line] that may also be there
        self.exit = 0
        self.dead = None        # [Line] or None: no --dead-letter
        self.tags = set()

    def out(self, b):
        self.stdout = [s + b for s in self.stdout]


def plural(n, word):
    return '%d %s%s' % (n, word, '' if n == 1 else 's')


def jstr(s):
    """A JSON string as scsv writes it: ", \\, \\b \\f \\n \\r \\t escaped,
    other control characters as \\u00XX, everything else as it is (that
    is json.dumps with ensure_ascii=False)."""
    return json.dumps(s, ensure_ascii=False)


def per_byte_replace(b):
    """Bytes as text, each byte that starts no valid UTF-8 sequence
    replaced by U+FFFD (one per byte)."""
    out, i = [], 0
    while i < len(b):
        for k in (1, 2, 3, 4):
            try:
                out.append(b[i:i + k].decode('utf-8'))
                i += k
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append('\ufffd')
            i += 1
    return ''.join(out)


def is_utf8(b):
    try:
        b.decode('utf-8')
        return True
    except UnicodeDecodeError:
        return False


class Policy:
    """The bad-record policy: stop (exit 1), --skip-bad (count) or
    --dead-letter FILE (a line per bad record)."""

    def __init__(self, o, exp):
        self.o, self.exp, self.skipped = o, exp, 0

    def where(self, name, line):
        return 'scsv: %sline %d: ' % ('' if name is None else name + ': ',
                                      line)

    def bad(self, name, line, reason, raw):
        """reason None: a message of the JSON scanner's own.  True when the
        run stops."""
        e = self.exp
        if self.o.dead:
            e.tags.add('csv-dead-letter')
            e.dead.append(Line([
                '{"line":%d,"error":' % line,
                None if reason is None else jstr(reason),
                ',"raw":%s%s}' % (jstr(raw), '' if name is None else
                                  ',"file":%s' % jstr(name))],
                r'"(?:[^"\\]|\\.)+"'))
            return False
        if self.o.skip:
            e.tags.add('csv-skip')
            self.skipped += 1
            return False
        self.fatal(name, line, reason)
        return True

    def fatal(self, name, line, reason):
        e = self.exp
        e.exit = 1
        e.stderr.append(Line([self.where(name, line), reason]))
        if self.skipped:
            # not said: whether the count is reported when a fatal error
            # ends the run after skips (either is accepted)
            e.optional.append(Line(['scsv: %s skipped' %
                                    plural(self.skipped, 'bad record')]))

    def finish(self):
        if self.exp.exit == 0 and self.skipped:
            self.exp.stderr.append(Line(['scsv: %s skipped' % plural(
                self.skipped, 'bad record')]))


def model(case):
    """The expected result of the case: an Expected.  Raises Unspecified."""
    o = Opts(case.argv())
    exp = Expected()
    if o.skip and o.dead:
        exp.exit = 2            # a usage error: its message is not judged
        exp.tags.add('csv-usage')
        return exp
    if o.dead:
        exp.dead = []
    pol = Policy(o, exp)
    if o.reverse:
        model_reverse(case, o, exp, pol)
    else:
        exp.tags.add('csv-in')
        for inp in case.inputs:
            if model_csv_input(inp, o, exp, pol):
                break
    pol.finish()
    return exp


# --- the model: CSV to NDJSON ----------------------------------------------

def physical_lines(data, exp):
    """The physical lines of a file's bytes: the BOM skipped, split at LF,
    a CR right before an LF dropped; the last line may lack its LF."""
    if data.startswith(BOM):
        data = data[3:]
        exp.tags.add('csv-bom')
    if b'\r\n' in data:
        exp.tags.add('csv-crlf')
    parts = data.split(b'\n')
    last = parts.pop()
    lines = [p[:-1] if p.endswith(b'\r') else p for p in parts]
    if last:
        exp.tags.add('csv-no-final-newline')
        lines.append(last)
    return lines


def read_rows(lines, delim, exp):
    """The rows: (line, fields, error, raw) with line the physical line
    where the row starts, fields [(bytes, quoted)], error None or the
    quoting error, raw the row's physical lines joined with LF (for a
    quoting error through the line it is on: the rest of that line goes
    with the bad row)."""
    d = delim.encode()[0]
    i, n = 0, len(lines)
    while i < n:
        if lines[i] == b'':
            if i:
                exp.tags.add('csv-blank-line')
            i += 1                     # empty lines between rows
            continue
        start, line, pos = i, lines[i], 0
        fields, error = [], None
        while True:                    # a field at line[pos:]
            if line[pos:pos + 1] == b'"':
                buf = bytearray()
                pos += 1
                while True:
                    if pos >= len(line):
                        if i + 1 >= n:
                            error = 'unterminated quoted field'
                            break
                        buf += b'\n'   # a line end inside quotes is data
                        exp.tags.add('csv-multiline')
                        i, pos = i + 1, 0
                        line = lines[i]
                        continue
                    c = line[pos]
                    if c == 0x22:
                        if line[pos + 1:pos + 2] == b'"':
                            buf.append(0x22)
                            pos += 2
                            continue
                        pos += 1
                        break
                    if c == 0x0d:
                        exp.tags.add('csv-bare-cr-quoted')
                    buf.append(c)
                    pos += 1
                if error:
                    break
                fields.append((bytes(buf), True))
                if pos == len(line):
                    break
                if line[pos] == d:
                    pos += 1
                    continue
                if line[pos] == 0x0d:
                    raise Unspecified('a bare CR after a closing quote')
                error = 'text after a closing quote'
                break
            j = line.find(bytes([d]), pos)
            end = len(line) if j < 0 else j
            text = line[pos:end]
            if b'\r' in text:
                raise Unspecified('a bare CR outside quotes')
            if b'"' in text:
                error = 'misplaced quote'
                break
            fields.append((text, False))
            if j < 0:
                break
            pos = j + 1
        if error:
            exp.tags.add({'misplaced quote': 'csv-misplaced-quote',
                          'text after a closing quote': 'csv-after-close',
                          'unterminated quoted field': 'csv-unterminated'}
                         [error])
        yield start + 1, fields, error, b'\n'.join(lines[start:i + 1])
        i += 1


def header_names(texts):
    """Names from a header row: an empty name becomes the column number;
    a name taken by an earlier column gets _2, _3, ... (the first free)."""
    names, taken = [], set()
    for k, t in enumerate(texts, 1):
        base = t if t != '' else str(k)
        name = base
        j = 2
        while name in taken:
            name = '%s_%d' % (base, j)
            j += 1
        names.append(name)
        taken.add(name)
    return names


def json_number(s):
    """True when s is a JSON number scsv writes as a number: an integer in
    int64, a real that a double holds."""
    if not NUMBER.fullmatch(s):
        return False
    if not re.search('[.eE]', s):
        return INT64_MIN <= int(s) <= INT64_MAX
    return not math.isinf(float(s))


def cell_json(b, quoted, o, exp):
    s = b.decode('utf-8')
    if o.strings:
        return jstr(s)
    if s == '' and not quoted:
        return 'null'
    if json_number(s):
        exp.tags.add('csv-number')
        return s
    if NUMBER.fullmatch(s):
        exp.tags.add('csv-number-too-big')
    return jstr(s)


def field_fault(fields):
    """The reason a row of the right count is bad, or None: the first
    field with a NUL or bytes that are not UTF-8."""
    for k, (b, _) in enumerate(fields, 1):
        nul, bad = b'\x00' in b, not is_utf8(b)
        if nul and bad:
            raise Unspecified('a field with both a NUL and bad UTF-8')
        if nul:
            return 'NUL byte in field %d' % k
        if bad:
            return 'invalid UTF-8 in field %d' % k
    return None


def model_csv_input(inp, o, exp, pol):
    """One input (its own header row).  True when the run stops."""
    name = inp.name
    if name is not None:
        exp.tags.add('csv-file')
    lines = physical_lines(inp.data(), exp)
    names = None
    if o.no_header:
        exp.tags.add('csv-no-header')
        if o.fields:
            names = list(o.fields)
    for line, fields, error, raw in read_rows(lines, o.delim, exp):
        if names is None and not o.no_header:
            # the header row
            if error:
                pol.fatal(name, line, 'header: ' + error)
                exp.tags.add('csv-header-fault')
                return True
            if o.fields:
                exp.tags.add('csv-f')
                if any(b'\x00' in b or not is_utf8(b) for b, _ in fields):
                    raise Unspecified('a bad header row under -f')
                if len(fields) != len(o.fields):
                    pol.fatal(name, line, 'header: %s fields than -f names' %
                              ('fewer' if len(fields) < len(o.fields)
                               else 'more'))
                    exp.tags.add('csv-header-fault')
                    return True
                names = list(o.fields)
                continue
            nul = [b'\x00' in b for b, _ in fields]
            bad = [not is_utf8(b) for b, _ in fields]
            if any(nul) and any(bad):
                raise Unspecified('a header with a NUL and bad UTF-8')
            if any(nul) or any(bad):
                pol.fatal(name, line, 'header: %s in a name' % (
                    'NUL byte' if any(nul) else 'invalid UTF-8'))
                exp.tags.add('csv-header-fault')
                return True
            texts = [b.decode('utf-8') for b, _ in fields]
            names = header_names(texts)
            if names != texts:
                exp.tags.add('csv-renamed')
            continue
        if names is None:
            # --no-header without -f: the first row's count
            if error:
                raise Unspecified('a quoting error in the first row with '
                                  '--no-header and no -f')
            names = [str(k) for k in range(1, len(fields) + 1)]
        reason = error
        if reason is None and len(fields) != len(names):
            reason = 'row has %s, the header %d' % (
                plural(len(fields), 'field'), len(names))
            exp.tags.add('csv-count')
        if reason is None:
            reason = field_fault(fields)
            if reason:
                exp.tags.add('csv-nul' if reason.startswith('NUL')
                             else 'csv-bad-utf8')
        if reason:
            if pol.bad(name, line, reason, per_byte_replace(raw)):
                return True
            continue
        exp.out(('{' + ','.join(
            jstr(n) + ':' + cell_json(b, q, o, exp)
            for n, (b, q) in zip(names, fields)) + '}\n').encode('utf-8'))
    return False


# --- the model: NDJSON to CSV ----------------------------------------------

JWS = ' \t\n\r'
JSTRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')


class Node:
    """A JSON value: kind ('obj', 'arr', 'str', 'num', 'lit'), text (as
    written, the white space outside strings removed), value (a string's
    text; an object's [(key, key as written, Node)])."""

    def __init__(self, kind, text, value=None):
        self.kind, self.text, self.value = kind, text, value


def skip_ws(s, i):
    while i < len(s) and s[i] in JWS:
        i += 1
    return i


def parse_value(s, i):
    """(Node, end) of the JSON value at s[i:] (white space first);
    ValueError when there is none."""
    i = skip_ws(s, i)
    c = s[i:i + 1]
    if c in ('{', '['):
        close = '}' if c == '{' else ']'
        items = []
        i = skip_ws(s, i + 1)
        if s[i:i + 1] == close:
            i += 1
        else:
            while True:
                if c == '{':
                    i = skip_ws(s, i)
                    m = JSTRING.match(s, i)
                    if not m:
                        raise ValueError('a key')
                    i = skip_ws(s, m.end())
                    if s[i:i + 1] != ':':
                        raise ValueError('a colon')
                    v, i = parse_value(s, i + 1)
                    items.append((json.loads(m.group()), m.group(), v))
                else:
                    v, i = parse_value(s, i)
                    items.append(v)
                i = skip_ws(s, i)
                if s[i:i + 1] == ',':
                    i += 1
                    continue
                if s[i:i + 1] == close:
                    i += 1
                    break
                raise ValueError('a comma or the end')
        if c == '{':
            return Node('obj', '{' + ','.join(kw + ':' + v.text
                                              for _, kw, v in items) + '}',
                        items), i
        return Node('arr', '[' + ','.join(v.text for v in items) + ']'), i
    if c == '"':
        m = JSTRING.match(s, i)
        if not m:
            raise ValueError('a string')
        return Node('str', m.group(), json.loads(m.group())), m.end()
    m = NUMBER.match(s, i)
    if m:
        # as in every tool, a number jansson cannot hold (an integer
        # beyond int64, a real beyond a double) makes the line invalid
        t = m.group()
        if not json_number(t):
            raise ValueError('number too big')
        return Node('num', t), m.end()
    for lit in ('true', 'false', 'null'):
        if s.startswith(lit, i):
            return Node('lit', lit), i + len(lit)
    raise ValueError('a value')


def parse_line(s):
    v, i = parse_value(s, 0)
    if skip_ws(s, i) != len(s):
        raise ValueError('text after the value')
    return v


def member(obj, key):
    """The value of key in an object Node (the last when repeated)."""
    found = None
    for k, _, v in obj.value:
        if k == key:
            found = v
    return found


def csv_cell(text, is_string, delim, one_column):
    """A cell as scsv -r writes it: quoted, its quotes doubled, when it
    holds the delimiter, a quote, CR or LF, when it is an empty string, and
    when it is empty in a table of one column."""
    if any(c in text for c in (delim, '"', '\r', '\n')) or \
            (text == '' and (is_string or one_column)):
        return '"' + text.replace('"', '""') + '"'
    return text


def model_reverse(case, o, exp, pol):
    exp.tags.add('csv-r')
    if len(case.inputs) != 1:
        raise Unspecified('-r with more than one input')
    inp = case.inputs[0]
    name = inp.name
    data = inp.data()
    parts = data.split(b'\n')
    if parts[-1] == b'':
        parts.pop()
    columns = None              # [(name, path)]
    first_line = None
    rows = 0
    if o.fields:
        exp.tags.add('csv-r-f')
        columns = [(p, p.split('.')) for p in o.fields]

    def header():
        return (o.delim.join(csv_cell(n, True, o.delim, False)
                             for n, _ in columns) + '\n').encode('utf-8')
    if o.fields and not o.no_header:
        exp.out(header())
    barriers = 0
    for physical, b in enumerate(parts, 1):
        lineno = physical - barriers
        line = b.decode('utf-8')
        if line.endswith('\r'):
            line = line[:-1]
        if line.strip(' \t') == '':
            continue
        if line.startswith(CONTROL_PREFIXES):
            exp.tags.add('csv-r-control')
            if not line.startswith('{"$watermark"'):
                barriers += 1   # no line of the input
            continue
        try:
            rec = parse_line(line)
        except ValueError:
            exp.tags.add('csv-r-bad-json')
            if pol.bad(name, lineno, None, line):
                break
            continue
        if rec.kind != 'obj':
            exp.tags.add('csv-r-not-object')
            if pol.bad(name, lineno, 'not an object', line):
                break
            continue
        if line[:1] in (' ', '\t') and not o.fields:
            exp.tags.add('csv-r-lead-ws')
        if columns is None:
            keys = []
            for k, _, _ in rec.value:
                if k not in keys:
                    keys.append(k)
            if not keys:
                raise Unspecified('-r: the first record is {}')
            columns = [(k, [k]) for k in keys]
            first_line = lineno
        elif not o.fields:
            extra = [kw for k, kw, _ in rec.value
                     if k not in [n for n, _ in columns]]
            if extra:
                exp.tags.add('csv-r-not-a-column')
                if pol.bad(name, lineno, 'key %s is not a column (the '
                           'columns are the keys of line %d; name them '
                           'with -f)' % (extra[0], first_line), line):
                    break
                continue
        if rows == 0 and not o.no_header and not o.fields:
            exp.out(header())
        rows += 1
        cells = []
        for _, path in columns:
            v = rec
            for part in path:
                v = member(v, part) if v is not None and v.kind == 'obj' \
                    else None
            if v is None or v.text == 'null':
                text, is_string = '', False
                exp.tags.add('csv-r-empty')
            elif v.kind == 'str':
                text, is_string = v.value, True
            else:
                text, is_string = v.text, False
                if v.kind in ('obj', 'arr'):
                    exp.tags.add('csv-r-nested')
            cells.append(csv_cell(text, is_string, o.delim,
                                  len(columns) == 1))
        try:
            exp.out((o.delim.join(cells) + '\n').encode('utf-8'))
        except UnicodeEncodeError:
            raise Unspecified('-r: a lone surrogate')


# --- running and checking --------------------------------------------------

class Run:
    """One run of scsv (the attributes stress.check_alive reads)."""

    def __init__(self, argv, rc, out, err, dead):
        self.tool, self.argv = 'scsv', argv
        self.rc, self.out, self.err, self.dead = rc, out, err, dead


def run(case, bindir, wd):
    """Runs the case in the new directory wd (removed by the caller)."""
    os.makedirs(wd)
    for inp in case.inputs:
        if inp.name is not None:
            with open(os.path.join(wd, inp.name), 'wb') as f:
                f.write(inp.data())
    if case.prefill:
        with open(os.path.join(wd, DEAD), 'wb') as f:
            f.write(PREFILL)
    r = run_bytes(bindir, case.argv(), case.stdin(), wd)
    path = os.path.join(wd, DEAD)
    if os.path.exists(path):
        with open(path, 'rb') as f:
            r.dead = f.read()
    return r


def run_bytes(bindir, argv, data, wd):
    try:
        p = subprocess.run([os.path.join(bindir, 'scsv')] + argv, input=data,
                           cwd=wd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = 'timeout', e.stdout or b'', e.stderr or b''
    except OSError as e:
        # not scsv's answer: it could not be run (being rebuilt?)
        sys.exit('model: cannot run scsv: %s' % e)
    return Run(argv, rc, out, err, None)


def vis(b):
    """A line of bytes for a person: control characters, bad UTF-8 and
    a trailing space made visible."""
    s = b.decode('utf-8', 'backslashreplace')
    s = ''.join('\\x%02x' % ord(c) if ord(c) < 0x20 and c != '\t' or
                c == '\x7f' else c for c in s)
    return s + ('<- ends in a space' if s.endswith(' ') else '')


def show(exp, got):
    """Expected and got lines, the first difference marked."""
    e, g = exp.split(b'\n'), got.split(b'\n')
    i = next((k for k in range(max(len(e), len(g)))
              if k >= len(e) or k >= len(g) or e[k] != g[k]), None)
    out = ['first difference at line %s' % (i + 1 if i is not None else '?'),
           '--- expected']
    out += [('> ' if k == i else '  ') + vis(x) for k, x in enumerate(e)]
    out += ['--- got']
    out += [('> ' if k == i else '  ') + vis(x) for k, x in enumerate(g)]
    return '\n'.join(out)


def check(case, exp, r):
    """Raises Mismatch where the run differs from the model."""
    if exp.exit == 2:
        if r.rc != 2 or r.out or not r.err:
            raise Mismatch('exit', 'scsv: a usage error expected (exit 2, '
                           'a message, no output), got exit %s, %d bytes '
                           'out%s' % (r.rc, len(r.out), stderr_note(r)))
        return
    if r.out not in exp.stdout:
        raise Mismatch('stdout', 'stdout of scsv differs (exit %s)\n%s' % (
            r.rc, show(exp.stdout[-1], r.out)) + stderr_note(r))
    if r.rc != exp.exit:
        raise Mismatch('exit', 'scsv: exit status: expected %d, got %s%s'
                       % (exp.exit, r.rc, stderr_note(r)))
    err = [l for l in r.err.decode('utf-8', 'replace').split('\n') if l]
    left = list(err)
    for want in exp.optional:
        m = [l for l in left if want.match(l)]
        if m:
            left.remove(m[0])
    if len(left) != len(exp.stderr) or not all(
            w.match(l) for w, l in zip(exp.stderr, left)):
        raise Mismatch('stderr', 'scsv: stderr: expected\n%s%s\ngot\n%s' % (
            '\n'.join(w.text for w in exp.stderr) or '(nothing)',
            ''.join('\n(or also) ' + w.text for w in exp.optional),
            '\n'.join(err) or '(nothing)'))
    if exp.dead is not None:
        got = r.dead or b''
        pre = PREFILL if case.prefill else b''
        lines = got[len(pre):].split(b'\n') if got.startswith(pre) else None
        try:
            ok = lines is not None and lines[-1] == b'' and \
                len(lines) - 1 == len(exp.dead) and all(
                    w.match(l.decode('utf-8'))     # strictly: UTF-8 only
                    for w, l in zip(exp.dead, lines))
        except UnicodeDecodeError:
            ok = False
        if not ok:
            want = [w.text for w in exp.dead]
            if case.prefill:
                want.insert(0, PREFILL.decode().rstrip('\n') +
                            '    (there before the run)')
            raise Mismatch('files', '%s differs: expected\n%s\ngot\n%s' % (
                DEAD, '\n'.join(want) or '(nothing)',
                '\n'.join(vis(l) for l in got.split(b'\n')) or '(nothing)'))


def stderr_note(r):
    err = r.err.decode('utf-8', 'replace').strip()
    return '\nstderr: %s' % (err[-2000:] or '(nothing)')


def roundtrip_argvs(case, exp, r):
    """For a CSV case that ended well without --strings: the argv of
    scsv -r -d D and of scsv -d D that must give r.out back, or None when
    the round trip does not hold (records of other keys; one column with
    a null, which -r writes as "")."""
    o = Opts(case.argv())
    if o.reverse or o.strings or exp.exit != 0 or not r.out:
        return None
    keys = set()
    for l in r.out.split(b'\n')[:-1]:
        pairs = json.loads(l, object_pairs_hook=list)
        keys.add(tuple(k for k, _ in pairs))
        if len(pairs) == 1 and pairs[0][1] is None:
            return None
    if len(keys) != 1:
        return None
    d = o.delim
    return ['-r', '-d', d], ['-d', d]


def check_roundtrip(case, exp, r, bindir, wd, alive):
    """scsv -r -d D, then scsv -d D, gives back scsv's output.  True when
    it ran."""
    argvs = roundtrip_argvs(case, exp, r)
    if argvs is None:
        return False
    os.makedirs(wd)
    a = run_bytes(bindir, argvs[0], r.out, wd)
    alive(a, ' -r (the round trip)')
    b = run_bytes(bindir, argvs[1], a.out, wd)
    alive(b, ' (the round trip, back)')
    if a.rc != 0 or b.rc != 0 or b.out != r.out:
        raise Mismatch('roundtrip', 'scsv %s | scsv %s of the output does '
                       'not give it back (exit %s, %s)\n--- scsv -r wrote\n'
                       '%s\n%s%s' % (
                           ' '.join(map(shlex.quote, argvs[0])),
                           ' '.join(map(shlex.quote, argvs[1])), a.rc, b.rc,
                           '\n'.join(vis(l) for l in a.out.split(b'\n')),
                           show(r.out, b.out), stderr_note(b)))
    return True


def run_key(r):
    return (r.rc, r.out, r.err, r.dead)


# --- the printed command and the minimizer ---------------------------------

def printf_arg(b):
    """A printf format that writes the bytes b, one input line per source
    line."""
    out = []
    for c in b:
        ch = chr(c)
        if ch == '\\':
            out.append('\\\\')
        elif ch == '%':
            out.append('%%')
        elif ch == "'":
            out.append("'\\''")
        elif ch == '\n':
            out.append("\\n'\\\n'")
        elif ch == '\r':
            out.append('\\r')
        elif ch == '\t':
            out.append('\\t')
        elif 0x20 <= c < 0x7f:
            out.append(ch)
        else:
            out.append('\\%03o' % c)
    s = "'" + ''.join(out) + "'"
    return s[:-4] if s.endswith("'\\\n''") else s


def command(case, bindir):
    """The shell command that runs the case: the inputs written with
    printf, scsv, its exit status, the dead-letter file."""
    out = ['d=$(mktemp -d) && cd "$d" && PATH=%s:$PATH' % shlex.quote(
        os.path.abspath(bindir))]
    stdin_file = None
    for inp in case.inputs:
        fname = inp.name
        if fname is None:
            fname = stdin_file = 'stdin.txt'
        out.append('printf %s >%s' % (printf_arg(inp.data()),
                                      shlex.quote(fname)))
    if case.prefill:
        out.append("printf '%%s\\n' %s >%s" % (
            shlex.quote(PREFILL.decode().rstrip('\n')), DEAD))
    cmd = 'scsv ' + ' '.join(shlex.quote(a) for a in case.argv())
    if stdin_file:
        cmd += ' <' + stdin_file
    elif not any(i.name for i in case.inputs):
        cmd += ' </dev/null'
    out.append(cmd + '; echo "exit $?"')
    if Opts(case.argv()).dead:
        out.append('[ -e %s ] && cat %s' % (DEAD, DEAD))
    return '\n'.join(out)


def minimize(case, fails, budget=300):
    """Drops units (rows, lines) while fails(case) holds: blocks of half
    the units, then of a quarter, ... then one at a time."""
    cur = case
    n = len(cur.lines)
    size = max(1, n // 2)
    while size >= 1 and budget > 0:
        progress = False
        idx = [(k, j) for k, inp in enumerate(cur.inputs)
               for j in range(len(inp.units))]
        start = 0
        while start < len(idx) and budget > 0:
            cand = cur.without(set(idx[start:start + size]))
            budget -= 1
            if fails(cand):
                cur, progress = cand, True
                idx = [(k, j) for k, inp in enumerate(cur.inputs)
                       for j in range(len(inp.units))]
            else:
                start += size
        if not progress:
            size //= 2
    return cur
