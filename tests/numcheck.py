#!/usr/bin/env python3
"""Numbers through swindow, checked against Python's exact arithmetic.

    numcheck.py BINDIR SEED GROUPS [few-bits]

For GROUPS random groups of numbers (many spellings: integers, decimals,
exponents, numeric strings, 25-digit and 1000-digit mantissas, huge and
tiny exponents) it runs one `swindow -k g -a sum:x,avg:x,max:x` and
compares every line with what the contract says:

- sum: exact over the numbers' decimal values (fractions.Fraction of the
  text), rounded once; a sum of whole numbers that fits int64 is an
  integer.  A number with more than 1100 digits after the point counts
  as its nearest double.
- avg: the exact sum over the count, rounded once.
- max: the largest value as a double (an integer token as itself).
- doubles print as the shortest decimal that reads back (repr's digits),
  fixed point for 1e-4 <= |x| < 1e15, else d.ddde+XX.

With few-bits every number is a double of few significant bits from
1e-5 to 1e16: its exact decimal is short and ends in 5, so that rounding
it to 16 or 17 digits ties, which sends the shortest-text writer down
its slow paths, in every decade of fixed point and at both of its ends.

It then runs the records again in reverse order: no sum may change.
Exits 1 with the first differing lines.
"""
import random
import struct
import subprocess
import sys
from fractions import Fraction

MAXSCALE = 1100
INT64 = (-2**63, 2**63 - 1)


def layout(x):
    """The contract's layout of a computed double."""
    if x != x or x in (float('inf'), float('-inf')):
        return 'null'
    if x == 0:
        return '0'
    mant, _, exp = repr(abs(x)).partition('e')
    ip, _, fp = mant.partition('.')
    exp = int(exp or 0)
    digits = (ip + fp).lstrip('0')
    if ip.strip('0'):
        e = len(ip.lstrip('0')) - 1 + exp
    else:
        e = -(len(fp) - len(fp.lstrip('0'))) - 1 + exp
    digits = digits.rstrip('0') or '0'
    sign = '-' if x < 0 else ''
    if -4 <= e < 15:
        if e < 0:
            return sign + '0.' + '0' * (-e - 1) + digits
        head = digits[:e + 1].ljust(e + 1, '0')
        tail = digits[e + 1:]
        return sign + head + ('.' + tail if tail else '')
    tail = '.' + digits[1:] if len(digits) > 1 else ''
    return '%s%s%se%s%02d' % (sign, digits[0], tail, '-' if e < 0 else '+',
                              abs(e))


def scale_of(text):
    """Digits after the point of the number's exact value."""
    v = Fraction(text)
    k = 0
    while v.denominator != 1:
        v *= 10
        k += 1
        if k > MAXSCALE:
            break
    return k


def term(text):
    """What the number counts for in a sum."""
    if scale_of(text) > MAXSCALE:
        return Fraction(float(text))
    return Fraction(text)


def is_int_token(text):
    return not any(c in text for c in '.eE')


def number(rng):
    """A random number's JSON text."""
    k = rng.random()
    sign = '-' if rng.random() < 0.3 else ''
    if k < 0.2:
        return sign + str(rng.randint(0, 10**rng.randint(1, 18)))
    if k < 0.45:
        whole = rng.randint(0, 10**rng.randint(0, 9))
        frac = ''.join(rng.choice('0123456789')
                       for _ in range(rng.randint(1, 4)))
        return '%s%d.%s' % (sign, whole, frac)
    if k < 0.55:
        return rng.choice(['0.1', '0.2', '0.3', '0.7', '1.1', '2.675',
                           '1e-7', '9007199254740993', '1.5e300',
                           '4.9e-324', '2.2250738585072014e-308'])
    if k < 0.65:
        mant = str(rng.randint(1, 10**rng.randint(1, 25)))
        return '%s%s%se%d' % (sign, mant[0], '.' + mant[1:] if
                              len(mant) > 1 else '', rng.randint(-30, 30))
    if k < 0.72:
        digits = ''.join(rng.choice('0123456789') for _ in range(25))
        return '%s%s.%s' % (sign, digits[:10].lstrip('0') or '0',
                            digits[10:])
    if k < 0.76:
        # a mantissa of a thousand digits: past 38, the big integer
        return '%s0.%s' % (sign, ''.join(rng.choice('0123456789')
                                         for _ in range(1000)))
    if k < 0.79:
        # too many digits after the point: counts as its double
        return '%s1.%s7e5' % (sign, '0' * 1200)
    if k < 0.82:
        return sign + rng.choice(['1e-2000', '2.5e-1101', '3e-400', '1e308',
                                  '1e-320',
                                  '123456789012345678901234567890e0'])
    if k < 0.9:
        # the shortest double print, through max
        bits = rng.getrandbits(64)
        d = struct.unpack('<d', struct.pack('<Q', bits))[0]
        if d != d or d in (float('inf'), float('-inf')):
            d = 1.0
        return repr(d).replace('inf', '1')
    return sign + str(rng.randint(0, 100)) + '.' + str(rng.randint(0, 99))


def few_bits(rng):
    """A double of 1 to 53 significant bits, 1e-5 to 1e16, as repr writes it."""
    while True:
        d = float(rng.getrandbits(rng.randint(1, 53)) | 1) * \
            2.0 ** -rng.randint(0, 70)
        if 1e-5 <= d < 1e16:
            return ('-' if rng.random() < 0.3 else '') + repr(d)


def to_double(v):
    """float(v), rounded once; inf past the largest double."""
    try:
        return float(v)
    except OverflowError:
        return float('inf') if v > 0 else float('-inf')


def expected(texts):
    total = sum(term(t) for t in texts)
    whole = all(term(t).denominator == 1 for t in texts)
    if whole and INT64[0] <= total <= INT64[1]:
        s = str(int(total))
    else:
        s = layout(to_double(total))
    a = layout(to_double(total / len(texts)))
    best = None
    for t in texts:
        v = Fraction(t) if is_int_token(t) else Fraction(float(t))
        if best is None or v > best[0]:
            best = (v, t)
    v, t = best
    if is_int_token(t) and INT64[0] <= int(t) <= INT64[1]:
        m = str(int(t))
    else:
        m = layout(float(t))
    return s, a, m


def swindow(bindir, aggs, records):
    return subprocess.run(
        [bindir + '/swindow', '-k', 'g', '--tumble', '1s', '--time-out', 's',
         '-a', aggs], input='\n'.join(records) + '\n', capture_output=True,
        text=True)


def main():
    bindir, seed, groups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    kind = few_bits if sys.argv[4:] == ['few-bits'] else number
    rng = random.Random(seed)
    records, want = [], []
    for g in range(groups):
        texts = [kind(rng) for _ in range(rng.randint(1, 6))]
        for t in texts:
            x = '"%s"' % t if rng.random() < 0.1 else t
            records.append('{"ts":0,"g":%d,"x":%s}' % (g, x))
        want.append((g, expected(texts)))
    want.sort(key=lambda w: str(w[0]))
    lines = ['{"window_start":0,"window_end":1,"g":%d,"sum_x":%s,'
             '"avg_x":%s,"max_x":%s}' % (g, s, a, m) for g, (s, a, m) in want]
    got = swindow(bindir, 'sum:x,avg:x,max:x', records)
    if got.returncode != 0 or got.stderr:
        print('swindow exit %d: %s' % (got.returncode, got.stderr))
        return 1
    if got.stdout.splitlines() != lines:
        for w, g in zip(lines, got.stdout.splitlines() + [''] * len(lines)):
            if w != g:
                print('want ' + w + '\n got ' + g)
                break
        return 1
    # no sum depends on the order of its terms
    forward = [l[:l.index(',"max_x"')] + '}' for l in lines]
    rev = swindow(bindir, 'sum:x,avg:x', records[::-1])
    if rev.stdout.splitlines() != forward:
        for a, b in zip(forward, rev.stdout.splitlines() + [''] * groups):
            if a != b:
                print('forward  ' + a + '\nreversed ' + b)
                break
        return 1
    print('numcheck: %d groups agree (seed %d)' % (groups, seed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
