#!/usr/bin/env bats
# Event time (SPEC 2): epoch numbers, RFC 3339 strings, --time-format,
# the int64-nanosecond range, bad times, how times are written, durations.
# Seen through swindow: a 1 ns tumbling window starts at the event's own
# instant, and --time-out ns prints that instant exactly.

load helper

# --- epoch numbers ------------------------------------------------------

@test "epoch: auto unit by magnitude, the same instant in s, ms, us, ns" {
	run --separate-stderr swindow --tumble 1ns --time-out ns -a count \
	    -a collect:n <<'EOF'
{"ts":1700000000.5,"n":1}
{"ts":1700000000500,"n":2}
{"ts":1700000000500000,"n":3}
{"ts":1700000000500000000,"n":4}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":1700000000500000000,"window_end":1700000000500000001,"count":4,"collect_n":[1,2,3,4]}
EOF
}

@test "epoch: auto boundaries 1e11 is ms, 1e14 is us, 1e17 is ns, by |v|" {
	# 1e11 ms = 1e14 us = 1e17 ns = 1e8 s = 1973-03-03T09:46:40Z
	run --separate-stderr swindow --tumble 1s -a count -a collect:n <<'EOF'
{"ts":100000000000,"n":1}
{"ts":100000000000000,"n":2}
{"ts":100000000000000000,"n":3}
{"ts":1e11,"n":4}
{"ts":-100000000000,"n":5}
{"ts":-1e14,"n":6}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"1966-10-31T14:13:20Z","window_end":"1966-10-31T14:13:21Z","count":2,"collect_n":[5,6]}
{"window_start":"1973-03-03T09:46:40Z","window_end":"1973-03-03T09:46:41Z","count":4,"collect_n":[1,2,3,4]}
EOF
}

@test "epoch: just below each boundary is the smaller unit (so out of range)" {
	# 99999999999 s, 99999999999999 ms, 99999999999999999 us are all
	# about year 5138: bad.  Read with the next unit they would be good.
	local v
	for v in 99999999999 99999999999999 99999999999999999 -99999999999 \
	    99999999999.5; do
		run --separate-stderr swindow --tumble 1s -a count \
		    <<<"{\"ts\":$v}"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "swindow: line 1: bad time $v (outside the years 1678 to 2262)" ]
	done
}

@test "epoch: fractions are exact from their decimal digits, not a double" {
	# As doubles, 1700000000.123456789 is ...123456716.5 ns and
	# 1.00000000049999999999 is 1.0000000005000000414 s.
	run --separate-stderr swindow --tumble 1ns --time-out ns -a count \
	    -a collect:n <<'EOF'
{"ts":1700000000.123456789,"n":1}
{"ts":1.00000000049999999999,"n":2}
{"ts":170000000012345678915e-11,"n":3}
{"ts":1700000000123.456789,"n":4}
{"ts":1700000000123456.789,"n":5}
{"ts":1.0000000004,"n":6}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":1000000000,"window_end":1000000001,"count":2,"collect_n":[2,6]}
{"window_start":1700000000123456789,"window_end":1700000000123456790,"count":4,"collect_n":[1,3,4,5]}
EOF
}

@test "epoch: half a nanosecond rounds away from zero" {
	# SPEC says "rounded to the nanosecond"; ties are the tool's choice.
	run --separate-stderr swindow --tumble 1ns --time-out ns -a count \
	    -a collect:n <<'EOF'
{"ts":1.0000000005,"n":1}
{"ts":-1.0000000005,"n":2}
{"ts":0.0000000015,"n":3}
{"ts":1.0000000025,"n":4}
{"ts":5e-10,"n":5}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":-1000000001,"window_end":-1000000000,"count":1,"collect_n":[2]}
{"window_start":1,"window_end":2,"count":1,"collect_n":[5]}
{"window_start":2,"window_end":3,"count":1,"collect_n":[3]}
{"window_start":1000000001,"window_end":1000000002,"count":1,"collect_n":[1]}
{"window_start":1000000003,"window_end":1000000004,"count":1,"collect_n":[4]}
EOF
}

@test "epoch: exponents, the unit chosen from the value" {
	run --separate-stderr swindow --tumble 1ns --time-out ns -a count \
	    -a collect:n <<'EOF'
{"ts":1.7e9,"n":1}
{"ts":17e8,"n":2}
{"ts":1.7E+9,"n":3}
{"ts":0.17e10,"n":4}
{"ts":1700000000e0,"n":5}
{"ts":1.7e12,"n":6}
{"ts":1700000000123e-3,"n":7}
{"ts":1.7000000001234567891e9,"n":8}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":1700000000000000000,"window_end":1700000000000000001,"count":6,"collect_n":[1,2,3,4,5,6]}
{"window_start":1700000000123000000,"window_end":1700000000123000001,"count":1,"collect_n":[7]}
{"window_start":1700000000123456789,"window_end":1700000000123456790,"count":1,"collect_n":[8]}
EOF
}

@test "epoch: negative times are before 1970, windows align by floor" {
	run --separate-stderr swindow --tumble 500ms -a count -a collect:n <<'EOF'
{"ts":-1.5,"n":1}
{"ts":-0.1,"n":2}
{"ts":-1700000000,"n":3}
{"ts":-1.2,"n":4}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"1916-02-18T01:46:40Z","window_end":"1916-02-18T01:46:40.5Z","count":1,"collect_n":[3]}
{"window_start":"1969-12-31T23:59:58.5Z","window_end":"1969-12-31T23:59:59Z","count":2,"collect_n":[1,4]}
{"window_start":"1969-12-31T23:59:59.5Z","window_end":"1970-01-01T00:00:00Z","count":1,"collect_n":[2]}
EOF
}

@test "epoch: a time the scanner's template read is the time the full scan reads" {
	cd "$BATS_TEST_TMPDIR"
	# Lines of one shape go through the scanner's template, which reads
	# an integer's digits on its way (8 at a time, a time in ms in two
	# steps); a space after the colon sends the same line through the
	# full scan.  Every digit count, each unit boundary, signs, the
	# int64 edges and times out of range must come out the same.
	python3 - > times <<'EOF'
ts = ['0', '-0', 0, 7, -1, 99999999999, 100000000000, 99999999999999, 100000000000000,
      99999999999999999, 100000000000000000, 999999999999999999,
      1000000000000000000, 9223372036854775807, -9223372036854775808,
      1795392000543, -1795392000543, 12345678, 123456789, 1234567890123456]
for d in range(1, 20):
    ts.append(int('9' * d))
    ts.append(int('1' + '0' * (d - 1)))
    ts.append(-int('8' * d))
for t in ts:
    print(t)
EOF
	# the time first, and last, where fewer than 8 bytes follow it
	for unit in auto s ms us ns; do
		: > flat
		: > spaced
		while read -r t; do
			printf '{"ts":%s,"k":"a"}\n' "$t" >> flat
			printf '{"ts": %s,"k":"a"}\n' "$t" >> spaced
		done < times
		while read -r t; do
			printf '{"k":"a","ts":%s}\n' "$t" >> flat
			printf '{"k":"a","ts": %s}\n' "$t" >> spaced
		done < times
		for f in flat spaced; do
			swindow -t ts --time-unit "$unit" --skip-bad --tumble 1ns \
			    --time-out ns -a count "$f" > "$f.out" 2> "$f.err" ||
			    return 1
		done
		cmp flat.out spaced.out
		cmp flat.err spaced.err
		[ -s flat.out ]
	done
}

@test "--time-unit s|ms|us|ns overrides auto for numbers and numeric strings" {
	local u
	local -A want=(
	    [s]='1500000000000 2250000000'
	    [ms]='1500000000 2250000'
	    [us]='1500000 2250'
	    [ns]='1500 2'
	    [auto]='1500000000000 2250000000'
	)
	for u in s ms us ns auto; do
		run --separate-stderr swindow --tumble 1ns --time-out ns \
		    --time-unit "$u" -a count <<'EOF'
{"ts":1500}
{"ts":"2.25"}
EOF
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		set -- ${want[$u]}
		expect <<EOF
{"window_start":$2,"window_end":$(($2 + 1)),"count":1}
{"window_start":$1,"window_end":$(($1 + 1)),"count":1}
EOF
	done
}

@test "--time-unit: a fixed unit makes auto's big values out of range" {
	run --separate-stderr swindow --tumble 1s --time-unit s -a count \
	    <<<'{"ts":100000000000}'
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 1: bad time 100000000000 (outside the years 1678 to 2262)
EOF
	run --separate-stderr swindow --tumble 1ns --time-unit ns \
	    --time-out ns -a count <<<'{"ts":1700000000}'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":1700000000,"window_end":1700000001,"count":1}
EOF
}

@test "--time-unit does not change RFC 3339 strings; a bad unit is exit 2" {
	run --separate-stderr swindow --tumble 1s --time-unit ms -a count \
	    <<<'{"ts":"2026-11-23T20:00:01Z"}'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"2026-11-23T20:00:01Z","window_end":"2026-11-23T20:00:02Z","count":1}
EOF
	run --separate-stderr swindow --tumble 1s --time-unit m -a count \
	    <<<'{"ts":1}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: --time-unit: bad unit 'm'
Try 'swindow --help' for more information.
EOF
}

# --- strings ------------------------------------------------------------

@test "RFC 3339: Z, t/z, space for T, +01:00, -05:30, no zone are one instant" {
	run --separate-stderr swindow --tumble 1ns --time-out ns -a count \
	    -a collect:n <<'EOF'
{"ts":"2026-11-23T20:00:01Z","n":1}
{"ts":"2026-11-23t20:00:01z","n":2}
{"ts":"2026-11-23 20:00:01Z","n":3}
{"ts":"2026-11-23T21:00:01+01:00","n":4}
{"ts":"2026-11-23T14:30:01-05:30","n":5}
{"ts":"2026-11-23T20:00:01","n":6}
{"ts":"2026-11-24T01:30:01+05:30","n":7}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":1795464001000000000,"window_end":1795464001000000001,"count":7,"collect_n":[1,2,3,4,5,6,7]}
EOF
}

@test "RFC 3339: 1 to 9 fraction digits, written back with only those needed" {
	run --separate-stderr swindow --tumble 1ns -a collect:n <<'EOF'
{"ts":"2026-11-23T20:00:01.1Z","n":1}
{"ts":"2026-11-23T20:00:01.12Z","n":2}
{"ts":"2026-11-23T20:00:01.123+00:00","n":3}
{"ts":"2026-11-23T20:00:01.1234Z","n":4}
{"ts":"2026-11-23T20:00:01.12345Z","n":5}
{"ts":"2026-11-23T20:00:01.123456Z","n":6}
{"ts":"2026-11-23T20:00:01.1234567Z","n":7}
{"ts":"2026-11-23T20:00:01.12345678Z","n":8}
{"ts":"2026-11-23T20:00:01.123456789Z","n":9}
{"ts":"2026-11-23T20:00:01.120Z","n":10}
{"ts":"2026-11-23T20:00:01.000000000Z","n":11}
{"ts":"2026-11-23T20:00:01.000000001Z","n":12}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"2026-11-23T20:00:01Z","window_end":"2026-11-23T20:00:01.000000001Z","collect_n":[11]}
{"window_start":"2026-11-23T20:00:01.000000001Z","window_end":"2026-11-23T20:00:01.000000002Z","collect_n":[12]}
{"window_start":"2026-11-23T20:00:01.1Z","window_end":"2026-11-23T20:00:01.100000001Z","collect_n":[1]}
{"window_start":"2026-11-23T20:00:01.12Z","window_end":"2026-11-23T20:00:01.120000001Z","collect_n":[2,10]}
{"window_start":"2026-11-23T20:00:01.123Z","window_end":"2026-11-23T20:00:01.123000001Z","collect_n":[3]}
{"window_start":"2026-11-23T20:00:01.1234Z","window_end":"2026-11-23T20:00:01.123400001Z","collect_n":[4]}
{"window_start":"2026-11-23T20:00:01.12345Z","window_end":"2026-11-23T20:00:01.123450001Z","collect_n":[5]}
{"window_start":"2026-11-23T20:00:01.123456Z","window_end":"2026-11-23T20:00:01.123456001Z","collect_n":[6]}
{"window_start":"2026-11-23T20:00:01.1234567Z","window_end":"2026-11-23T20:00:01.123456701Z","collect_n":[7]}
{"window_start":"2026-11-23T20:00:01.12345678Z","window_end":"2026-11-23T20:00:01.123456781Z","collect_n":[8]}
{"window_start":"2026-11-23T20:00:01.123456789Z","window_end":"2026-11-23T20:00:01.12345679Z","collect_n":[9]}
EOF
}

@test "RFC 3339: 10 fraction digits, or none after the dot, are bad" {
	local v
	for v in '"2026-11-23T20:00:01.1234567891Z"' '"2026-11-23T20:00:01.Z"'; do
		run --separate-stderr swindow --tumble 1s -a count <<EOF
{"ts":"2026-11-23T20:00:00Z"}
{"ts":$v}
EOF
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "swindow: line 2: bad time $v (expected RFC 3339 such as 2026-11-23T20:00:01Z, or an epoch number; --time-format FMT reads other forms)" ]
	done
}

@test "RFC 3339: invalid dates and times are bad records" {
	local v
	for v in 2026-02-30T00:00:00Z 2026-13-01T00:00:00Z \
	    2026-11-23T25:00:00Z 2026-02-29T00:00:00Z 2100-02-29T00:00:00Z \
	    2026-04-31T00:00:00Z 2026-00-10T00:00:00Z 2026-01-00T00:00:00Z \
	    2026-11-23T20:60:00Z 2026-11-23T24:00:00Z \
	    2026-11-23T20:00:01+24:00 2026-11-23T20:00:01ZZ \
	    '2026-11-23T20:00:01 Z' 26-11-23T20:00:01Z now '' \
	    2026-11-23T20:00:60.000Z 2026-11-23T20:00:5x.000Z \
	    2026-11-23T20:00:01.0x0Z 2026-11-23T20:00:01.000X \
	    2026-11-23T20:00:01:000Z; do
		run --separate-stderr swindow --tumble 1s -a count \
		    <<<"{\"ts\":\"$v\"}"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "swindow: line 1: bad time \"$v\" (expected RFC 3339 such as 2026-11-23T20:00:01Z, or an epoch number; --time-format FMT reads other forms)" ]
	done
}

@test "RFC 3339: the usual milliseconds and Z, after a time of the same minute" {
	# the second line shares the first's date and minute, which the
	# parser keeps: only its seconds and fraction are read anew
	run --separate-stderr swindow --skip-bad --tumble 1ns --time-out ns \
	    -a count <<'EOF'
{"ts":"2026-11-23T20:07:00.000Z"}
{"ts":"2026-11-23T20:07:59.999Z"}
{"ts":"2026-11-23T20:07:09.120Z"}
{"ts":"2026-11-23T20:07:60.000Z"}
EOF
	[ "$status" -eq 0 ]
	[ "$stderr" = 'swindow: 1 bad record skipped' ]
	expect <<'EOF'
{"window_start":1795464420000000000,"window_end":1795464420000000001,"count":1}
{"window_start":1795464429120000000,"window_end":1795464429120000001,"count":1}
{"window_start":1795464479999000000,"window_end":1795464479999000001,"count":1}
EOF
}

@test "RFC 3339: every printable byte in each place of the usual seconds" {
	# After a time of the same minute, each of the 8 bytes of
	# ":12.345Z" in turn becomes every printable byte: just the digits
	# (0 to 5 for the tens of seconds), 'z' for 'Z', and a digit for 'Z'
	# (then the time is local, in UTC) are good.  The fast path for that
	# form reads them all at once; this holds it to the general reader.
	cd "$BATS_TEST_TMPDIR"
	awk 'BEGIN {
		base = "2026-11-23T00:00:12.345Z"
		for (pos = 17; pos <= 24; pos++)
			for (b = 32; b < 127; b++) {
				c = sprintf("%c", b)
				if (c == "\"" || c == "\\")
					continue
				printf "{\"ts\":\"%s\"}\n", base
				printf "{\"ts\":\"%s%s%s\"}\n", substr(base, 1, pos - 1), c, substr(base, pos + 1)
			}
	}' > in.ndjson
	run --separate-stderr swatermark -d 0s --skip-bad --data-only < in.ndjson
	[ "$status" -eq 0 ]
	[ "$stderr" = 'swatermark: 683 bad records skipped' ]
	printf '%s\n' "$output" | grep -v ':12.345Z"' | cut -c24-31 | tr '\n' ' ' > got
	printf '%s' ':02.345Z :22.345Z :32.345Z :42.345Z :52.345Z :10.345Z :11.345Z :13.345Z :14.345Z :15.345Z :16.345Z :17.345Z :18.345Z :19.345Z :12.045Z :12.145Z :12.245Z :12.445Z :12.545Z :12.645Z :12.745Z :12.845Z :12.945Z :12.305Z :12.315Z :12.325Z :12.335Z :12.355Z :12.365Z :12.375Z :12.385Z :12.395Z :12.340Z :12.341Z :12.342Z :12.343Z :12.344Z :12.346Z :12.347Z :12.348Z :12.349Z :12.3450 :12.3451 :12.3452 :12.3453 :12.3454 :12.3455 :12.3456 :12.3457 :12.3458 :12.3459 :12.345z ' > want
	diff want got
}

@test "RFC 3339: leap days of leap years are good" {
	run --separate-stderr swindow --tumble 1d -a count <<'EOF'
{"ts":"2024-02-29T12:00:00Z"}
{"ts":"2000-02-29T00:00:00Z"}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"2000-02-29T00:00:00Z","window_end":"2000-03-01T00:00:00Z","count":1}
{"window_start":"2024-02-29T00:00:00Z","window_end":"2024-03-01T00:00:00Z","count":1}
EOF
}

@test "numeric strings: a string that is a whole JSON number is epoch time" {
	run --separate-stderr swindow --tumble 1ns --time-out ns -a count \
	    -a collect:n <<'EOF'
{"ts":"1700000000","n":1}
{"ts":"1700000000000","n":2}
{"ts":"1.7e9","n":3}
{"ts":"-1.5","n":4}
{"ts":"1700000000.000000001","n":5}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":-1500000000,"window_end":-1499999999,"count":1,"collect_n":[4]}
{"window_start":1700000000000000000,"window_end":1700000000000000001,"count":3,"collect_n":[1,2,3]}
{"window_start":1700000000000000001,"window_end":1700000000000000002,"count":1,"collect_n":[5]}
EOF
}

@test "numeric strings: a number with '-' where a date has it is still a number" {
	# "170e-5" has its '-' where "2026-" has it: no date, a number
	run --separate-stderr swindow --tumble 1ns --time-out ns -a count \
	    <<<'{"ts":"170e-5"}'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = '{"window_start":1700000,"window_end":1700001,"count":1}' ]
	run --separate-stderr swindow --tumble 1ns -a count \
	    <<<'{"ts":"2026-1x-01T00:00:00Z"}'
	[ "$status" -eq 1 ]
	[ "$stderr" = 'swindow: line 1: bad time "2026-1x-01T00:00:00Z" (expected RFC 3339 such as 2026-11-23T20:00:01Z, or an epoch number; --time-format FMT reads other forms)' ]
}

@test "numeric strings: not a JSON number (spaces, +, leading 0) is bad" {
	local v
	for v in ' 1700000000' '1700000000 ' '+1700000000' '01700000000' \
	    '0x10' '1.'; do
		run --separate-stderr swindow --tumble 1s -a count \
		    <<<"{\"ts\":\"$v\"}"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "swindow: line 1: bad time \"$v\" (expected RFC 3339 such as 2026-11-23T20:00:01Z, or an epoch number; --time-format FMT reads other forms)" ]
	done
}

@test "--time-format: Apache log times with %z offsets" {
	run --separate-stderr swindow --tumble 1s \
	    --time-format '%d/%b/%Y:%H:%M:%S %z' -a count -a collect:n <<'EOF'
{"ts":"23/Nov/2026:21:00:01 +0100","n":1}
{"ts":"23/Nov/2026:20:00:01 +0000","n":2}
{"ts":"23/Nov/2026:14:30:01 -0530","n":3}
{"ts":"23/Nov/2026:20:00:02 +0000","n":4}
{"ts":1795464001,"n":5}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"2026-11-23T20:00:01Z","window_end":"2026-11-23T20:00:02Z","count":4,"collect_n":[1,2,3,5]}
{"window_start":"2026-11-23T20:00:02Z","window_end":"2026-11-23T20:00:03Z","count":1,"collect_n":[4]}
EOF
}

@test "--time-format: text that does not match the format is bad" {
	local v
	for v in '2026-11-23T20:00:01Z' '23/Nov/2026:20:00:01' \
	    '23/Nov/2026:20:00:01 +0000 x' '23/Foo/2026:20:00:01 +0000' \
	    '23/Nov/2263:20:00:01 +0000'; do
		run --separate-stderr swindow --tumble 1s \
		    --time-format '%d/%b/%Y:%H:%M:%S %z' -a count \
		    <<<"{\"ts\":\"$v\"}"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		why="(does not match --time-format '%d/%b/%Y:%H:%M:%S %z')"
		[ "$v" = '23/Nov/2263:20:00:01 +0000' ] && why='(outside the years 1678 to 2262)'
		[ "$stderr" = "swindow: line 1: bad time \"$v\" $why" ]
	done
}

@test "--time-format: an invalid date (30 Feb) is bad, not rolled over" {
	run --separate-stderr swindow --tumble 1s \
	    --time-format '%d/%b/%Y:%H:%M:%S %z' -a count <<'EOF'
{"ts":"30/Feb/2026:20:00:01 +0000"}
EOF
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 1: bad time "30/Feb/2026:20:00:01 +0000" (does not match --time-format '%d/%b/%Y:%H:%M:%S %z')
EOF
}

# --- range --------------------------------------------------------------

@test "range: instants outside int64 nanoseconds are bad" {
	local v
	for v in '"2263-01-01T00:00:00Z"' '"1600-01-01T00:00:00Z"' 1e20 \
	    '"1e20"' -1e20 9223372036.854775808 -9223372036.854775809 \
	    '"2262-04-11T23:47:16.854775808Z"'; do
		run --separate-stderr swindow --tumble 1ns -a count \
		    <<<"{\"ts\":$v}"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "swindow: line 1: bad time $v (outside the years 1678 to 2262)" ]
	done
}

@test "range: the last instants inside int64 nanoseconds are good" {
	run --separate-stderr swindow --tumble 1ns -a count <<'EOF'
{"ts":"2262-04-11T23:47:16.854775806Z"}
{"ts":9223372036.854775806}
{"ts":-9223372036.854775807}
{"ts":"2262-04-12T00:47:16.5+01:00"}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"1677-09-21T00:12:43.145224193Z","window_end":"1677-09-21T00:12:43.145224194Z","count":1}
{"window_start":"2262-04-11T23:47:16.5Z","window_end":"2262-04-11T23:47:16.500000001Z","count":1}
{"window_start":"2262-04-11T23:47:16.854775806Z","window_end":"2262-04-11T23:47:16.854775807Z","count":2}
EOF
}

@test "range: the usual form in a minute already read is range-checked too" {
	# the second line of each pair is read from the first one's minute
	run --separate-stderr swindow --skip-bad --tumble 1ns --time-out ns \
	    -a count <<'EOF'
{"ts":"2262-04-11T23:47:16.000Z"}
{"ts":"2262-04-11T23:47:16.855Z"}
{"ts":"1677-09-21T00:12:43.146Z"}
{"ts":"1677-09-21T00:12:43.145Z"}
EOF
	[ "$status" -eq 0 ]
	[ "$stderr" = "swindow: 2 bad records skipped" ]
	expect <<'EOF'
{"window_start":-9223372036854000000,"window_end":-9223372036853999999,"count":1}
{"window_start":9223372036000000000,"window_end":9223372036000000001,"count":1}
EOF
	run --separate-stderr swindow --tumble 1ns -a count <<'EOF'
{"ts":"2262-04-11T23:47:16.000Z"}
{"ts":"2262-04-11T23:47:16.855Z"}
EOF
	[ "$status" -eq 1 ]
	[ "$stderr" = 'swindow: line 2: bad time "2262-04-11T23:47:16.855Z" (outside the years 1678 to 2262)' ]
}

@test "range: an RFC 3339 time in 1677 inside int64 nanoseconds is good" {
	# The same instants as the numbers -9223372036.5 and
	# -9223372036.854775807, which the tool accepts.
	run --separate-stderr swindow --tumble 1ns --time-out ns -a count <<'EOF'
{"ts":"1677-09-21T00:12:43.5Z"}
{"ts":"1677-09-21T00:12:43.145224193Z"}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":-9223372036854775807,"window_end":-9223372036854775806,"count":1}
{"window_start":-9223372036500000000,"window_end":-9223372036499999999,"count":1}
EOF
}

# --- missing and bad times ----------------------------------------------

@test "bad time: a missing time field stops with line N, exit 1" {
	run --separate-stderr swindow --tumble 1s -a count <<'EOF'
{"ts":1}

{"x":1}
EOF
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 3: missing time field "ts"
EOF
}

@test "bad time: null, a boolean, an array, an object are bad records" {
	run --separate-stderr swindow --tumble 1s -a count <<'EOF'
{"ts":1}
{"ts":null}
EOF
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 2: missing time null
EOF
	local v
	for v in true false '[1]' '{}' '{"s":1}'; do
		run --separate-stderr swindow --tumble 1s -a count \
		    <<<"{\"ts\":$v}"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "swindow: line 1: bad time $v (a time is a string or a number)" ]
	done
}

@test "-t a.b: the time at a nested path; top-level ts is not used" {
	run --separate-stderr swindow -t a.b --tumble 1s -a count <<'EOF'
{"a":{"b":"2026-11-23T20:00:01Z"},"ts":5}
{"ts":5,"a":{"b":1795464001.5}}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"2026-11-23T20:00:01Z","window_end":"2026-11-23T20:00:02Z","count":2}
EOF
	run --separate-stderr swindow -t a.b --tumble 1s -a count <<'EOF'
{"a":{"b":1}}
{"ts":5,"a.b":1,"a":{"c":1}}
EOF
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 2: missing time field "a.b"
EOF
}

# --- times written ------------------------------------------------------

@test "output: window bounds in RFC 3339 UTC with only the digits needed" {
	local size
	local -A want=(
	    [1us]='"2026-11-23T20:00:01.123456Z","2026-11-23T20:00:01.123457Z"'
	    [1ms]='"2026-11-23T20:00:01.123Z","2026-11-23T20:00:01.124Z"'
	    [10ms]='"2026-11-23T20:00:01.12Z","2026-11-23T20:00:01.13Z"'
	    [100ms]='"2026-11-23T20:00:01.1Z","2026-11-23T20:00:01.2Z"'
	    [1s]='"2026-11-23T20:00:01Z","2026-11-23T20:00:02Z"'
	    [1d]='"2026-11-23T00:00:00Z","2026-11-24T00:00:00Z"'
	)
	for size in 1us 1ms 10ms 100ms 1s 1d; do
		run --separate-stderr swindow --tumble "$size" -a count \
		    <<<'{"ts":"2026-11-23T21:00:01.123456789+01:00"}'
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		set -- "${want[$size]}"
		[ "$output" = "{\"window_start\":${1%,*},\"window_end\":${1#*,},\"count\":1}" ]
	done
}

@test "output: times written one after another, of one minute or not, are whole" {
	# the writer keeps the text of the last minute it wrote: each time
	# here shares it, or its day, year or nothing with the one before
	run --separate-stderr swatermark -d 0s <<'EOF'
{"ts":"1969-12-31T23:59:59.5Z"}
{"ts":"1970-01-01T00:00:00Z"}
{"ts":"1970-01-01T00:00:30.25Z"}
{"ts":"1970-01-01T00:01:00Z"}
{"ts":"1970-01-02T00:01:00.001Z"}
{"ts":"2026-12-31T23:59:59.999Z"}
{"ts":"2027-01-01T00:00:00Z"}
{"ts":"2027-01-01T00:00:07Z"}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(grep '"\$watermark"' <<<"$output")" = '{"$watermark":"1969-12-31T23:59:59.5Z"}
{"$watermark":"1970-01-01T00:00:00Z"}
{"$watermark":"1970-01-01T00:00:30.25Z"}
{"$watermark":"1970-01-01T00:01:00Z"}
{"$watermark":"1970-01-02T00:01:00.001Z"}
{"$watermark":"2026-12-31T23:59:59.999Z"}
{"$watermark":"2027-01-01T00:00:00Z"}
{"$watermark":"2027-01-01T00:00:07Z"}' ]
	# local minutes: the same UTC minute is two local ones in Kolkata,
	# and the hour Berlin repeats gives one local minute two offsets
	run --separate-stderr swindow --tz Asia/Kolkata --tumble 20s -a count <<'EOF'
{"ts":"2026-11-23T20:29:50Z"}
{"ts":"2026-11-23T20:30:10Z"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"2026-11-24T01:59:40+05:30","window_end":"2026-11-24T02:00:00+05:30","count":1}
{"window_start":"2026-11-24T02:00:00+05:30","window_end":"2026-11-24T02:00:20+05:30","count":1}
EOF
	run --separate-stderr swindow --tz Europe/Berlin --tumble 1h -a count <<'EOF'
{"ts":"2026-10-25T00:30:00Z"}
{"ts":"2026-10-25T02:10:00Z"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"2026-10-25T02:00:00+02:00","window_end":"2026-10-25T03:00:00+01:00","count":1}
{"window_start":"2026-10-25T03:00:00+01:00","window_end":"2026-10-25T04:00:00+01:00","count":1}
EOF
}

@test "output: a window ending on a whole second has no fraction" {
	run --separate-stderr swindow --tumble 250ms -a count <<'EOF'
{"ts":"2026-11-23T20:00:01.9Z"}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"2026-11-23T20:00:01.75Z","window_end":"2026-11-23T20:00:02Z","count":1}
EOF
}

@test "--time-out s|ms|us|ns: epoch numbers, a fraction only when needed" {
	local input='{"ts":-0.1}
{"ts":1.3}
{"ts":"2026-11-23T20:00:01.123456789Z"}'
	run --separate-stderr swindow --tumble 250ms --time-out s -a count \
	    <<<"$input"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":-0.25,"window_end":0,"count":1}
{"window_start":1.25,"window_end":1.5,"count":1}
{"window_start":1795464001,"window_end":1795464001.25,"count":1}
EOF
	run --separate-stderr swindow --tumble 250ms --time-out ms -a count \
	    <<<"$input"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":-250,"window_end":0,"count":1}
{"window_start":1250,"window_end":1500,"count":1}
{"window_start":1795464001000,"window_end":1795464001250,"count":1}
EOF
	run --separate-stderr swindow --tumble 250ms --time-out us -a count \
	    <<<"$input"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":-250000,"window_end":0,"count":1}
{"window_start":1250000,"window_end":1500000,"count":1}
{"window_start":1795464001000000,"window_end":1795464001250000,"count":1}
EOF
	run --separate-stderr swindow --tumble 250ms --time-out ns -a count \
	    <<<"$input"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":-250000000,"window_end":0,"count":1}
{"window_start":1250000000,"window_end":1500000000,"count":1}
{"window_start":1795464001000000000,"window_end":1795464001250000000,"count":1}
EOF
}

@test "--time-out: nanosecond fractions, negative fractions, exact digits" {
	run --separate-stderr swindow --tumble 1ns --time-out s -a count <<'EOF'
{"ts":1700000000.123456789}
{"ts":-1.2500015}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":-1.2500015,"window_end":-1.250001499,"count":1}
{"window_start":1700000000.123456789,"window_end":1700000000.12345679,"count":1}
EOF
	run --separate-stderr swindow --tumble 1500us --time-out ms -a count \
	    <<<'{"ts":0.002}'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":1.5,"window_end":3,"count":1}
EOF
	run --separate-stderr swindow --tumble 1s --time-out min -a count \
	    <<<'{"ts":0}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: --time-out: bad unit 'min'
Try 'swindow --help' for more information.
EOF
}

# --- durations ----------------------------------------------------------

@test "durations: each unit, compound, bare seconds, fractions" {
	# A tumbling window at ts 0 ends at exactly SIZE nanoseconds.
	local d
	local -A want=(
	    [1h30m]=5400000000000 [90m]=5400000000000 [500ms]=500000000
	    [250us]=250000 [10ns]=10 [1d]=86400000000000 [5]=5000000000
	    [1.5s]=1500000000 [1.5]=1500000000 [2h]=7200000000000
	    [1m]=60000000000 [5s]=5000000000 [0.5ms]=500000
	    [1h30m15s]=5415000000000 [1d2h]=93600000000000
	)
	for d in 1h30m 90m 500ms 250us 10ns 1d 5 1.5s 1.5 2h 1m 5s 0.5ms \
	    1h30m15s 1d2h; do
		run --separate-stderr swindow --tumble "$d" --time-out ns \
		    -a count <<<'{"ts":0}'
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[ "$output" = "{\"window_start\":0,\"window_end\":${want[$d]},\"count\":1}" ]
	done
}

@test "durations: 1h30m equals 90m in every window option" {
	local input='{"ts":"2026-11-23T20:10:00Z","n":1}
{"ts":"2026-11-23T21:00:00Z","n":2}
{"ts":"2026-11-23T23:00:00Z","n":3}'
	run --separate-stderr swindow --hop 1h30m --every 1h30m \
	    --offset 1h30m -a collect:n <<<"$input"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	local a=$output
	run --separate-stderr swindow --hop 90m --every 90m --offset 90m \
	    -a collect:n <<<"$input"
	[ "$status" -eq 0 ]
	[ "$output" = "$a" ]
	expect <<'EOF'
{"window_start":"2026-11-23T19:30:00Z","window_end":"2026-11-23T21:00:00Z","collect_n":[1]}
{"window_start":"2026-11-23T21:00:00Z","window_end":"2026-11-23T22:30:00Z","collect_n":[2]}
{"window_start":"2026-11-23T22:30:00Z","window_end":"2026-11-24T00:00:00Z","collect_n":[3]}
EOF
	run --separate-stderr swindow --session 1h30m -a collect:n <<<"$input"
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"2026-11-23T20:10:00Z","window_end":"2026-11-23T22:30:00Z","collect_n":[1,2]}
{"window_start":"2026-11-23T23:00:00Z","window_end":"2026-11-24T00:30:00Z","collect_n":[3]}
EOF
}

@test "durations: bad ones (5x, -1s, 1h30, empty) are usage errors, exit 2" {
	local d opt units cal
	units='units: ns, us, ms, s, m, h, d, combined as in 1h30m; a bare number is seconds'
	cal='; window sizes and steps also 1w from Monday, 1mo, 1q, 1y and multiples such as 3mo'
	for opt in --tumble --session; do
		for d in 5x -1s 1h30 '' 5S 1M 5sec 1e3 ' 5s'; do
			run --separate-stderr swindow "$opt" "$d" -a count \
			    <<<'{"ts":0}'
			[ "$status" -eq 2 ]
			[ -z "$output" ]
			[ "$opt" = --tumble ] && u="$units$cal" || u=$units
			expect_err <<EOF
swindow: $opt: bad duration '$d' ($u)
Try 'swindow --help' for more information.
EOF
		done
	done
	run --separate-stderr swindow --hop 1m --every 1h30 -a count \
	    <<<'{"ts":0}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	expect_err <<EOF
swindow: --every: bad duration '1h30' ($units$cal)
Try 'swindow --help' for more information.
EOF
}

@test "durations: a zero window size is a usage error" {
	local d
	for d in 0 0s; do
		run --separate-stderr swindow --tumble "$d" -a count <<<'{"ts":0}'
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		expect_err <<EOF
swindow: --tumble: duration '$d' must be more than 0
Try 'swindow --help' for more information.
EOF
	done
}
