#!/usr/bin/env bats
# Local time zones (--tz), calendar windows (1w 1mo 1q 1y), cumulative
# windows, top-N, key renames, --data-only, and the messages that help.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# --- --tz: days of 23 and 25 hours, the repeated and the skipped hour ---

@test "--tz Europe/Berlin: the spring day lasts 23 hours, the autumn day 25" {
	run swindow --tz Europe/Berlin --tumble 1d -a count <<'EOF'
{"ts":"2026-03-28T23:59:59"}
{"ts":"2026-03-29T01:59:59"}
{"ts":"2026-03-29T03:00:00"}
{"ts":"2026-03-29T23:59:59"}
{"ts":"2026-10-25T00:00:00"}
{"ts":"2026-10-25T23:59:59"}
EOF
	expect <<'EOF'
{"window_start":"2026-03-28T00:00:00+01:00","window_end":"2026-03-29T00:00:00+01:00","count":1}
{"window_start":"2026-03-29T00:00:00+01:00","window_end":"2026-03-30T00:00:00+02:00","count":3}
{"window_start":"2026-10-25T00:00:00+02:00","window_end":"2026-10-26T00:00:00+01:00","count":2}
EOF
	# 23 and 25 hours, as epoch seconds show
	run swindow --tz Europe/Berlin --tumble 1d -a count --time-out s <<'EOF'
{"ts":"2026-03-29T12:00:00"}
{"ts":"2026-10-25T12:00:00"}
EOF
	expect <<'EOF'
{"window_start":1774738800,"window_end":1774821600,"count":1}
{"window_start":1792879200,"window_end":1792969200,"count":1}
EOF
	[ $((1774821600 - 1774738800)) -eq $((23 * 3600)) ]
	[ $((1792969200 - 1792879200)) -eq $((25 * 3600)) ]
}

@test "--tz: the repeated hour is its first pass; the skipped hour is a bad time" {
	# 02:30 without an offset is the first 02:30 (+02:00); the second
	# one must say +01:00.  The hour window holds both passes.
	run swindow --tz Europe/Berlin --tumble 1h -a count -a collect:ts <<'EOF'
{"ts":"2026-10-25T02:30:00"}
{"ts":"2026-10-25T02:30:00+01:00"}
{"ts":"2026-10-25T03:10:00"}
EOF
	expect <<'EOF'
{"window_start":"2026-10-25T02:00:00+02:00","window_end":"2026-10-25T03:00:00+01:00","count":2,"collect_ts":["2026-10-25T02:30:00","2026-10-25T02:30:00+01:00"]}
{"window_start":"2026-10-25T03:00:00+01:00","window_end":"2026-10-25T04:00:00+01:00","count":1,"collect_ts":["2026-10-25T03:10:00"]}
EOF
	run swindow --tz Europe/Berlin --tumble 1h -a count --time-out s <<'EOF'
{"ts":"2026-10-25T02:30:00"}
EOF
	expect <<<'{"window_start":1792886400,"window_end":1792893600,"count":1}'
	run --separate-stderr swindow --tz Europe/Berlin --tumble 1h -a count <<'EOF'
{"ts":"2026-03-29T01:30:00"}
{"ts":"2026-03-29T02:30:00"}
EOF
	[ "$status" -eq 1 ]
	expect <<<''
	expect_err <<'EOF'
swindow: line 2: bad time "2026-03-29T02:30:00" (no such local time in Europe/Berlin: the clocks went forward)
EOF
	run swindow --tz Europe/Berlin --tumble 1h -a count <<'EOF'
{"ts":"2026-03-29T01:30:00"}
{"ts":"2026-03-29T03:30:00"}
EOF
	expect <<'EOF'
{"window_start":"2026-03-29T01:00:00+01:00","window_end":"2026-03-29T03:00:00+02:00","count":1}
{"window_start":"2026-03-29T03:00:00+02:00","window_end":"2026-03-29T04:00:00+02:00","count":1}
EOF
}

@test "--tz America/New_York: 23 and 25 hour days, both odd hours" {
	run swindow --tz America/New_York --tumble 1d -a count <<'EOF'
{"ts":"2026-03-08T01:59:59"}
{"ts":"2026-03-08T03:00:00"}
{"ts":"2026-11-01T01:30:00"}
{"ts":"2026-11-01T01:30:00-05:00"}
{"ts":"2026-11-01T23:00:00"}
EOF
	expect <<'EOF'
{"window_start":"2026-03-08T00:00:00-05:00","window_end":"2026-03-09T00:00:00-04:00","count":2}
{"window_start":"2026-11-01T00:00:00-04:00","window_end":"2026-11-02T00:00:00-05:00","count":3}
EOF
	run --separate-stderr swindow --tz America/New_York --tumble 1d -a count \
	    <<<'{"ts":"2026-03-08T02:00:00"}'
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: line 1: bad time "2026-03-08T02:00:00" (no such local time in America/New_York: the clocks went forward)
EOF
}

@test "--tz Asia/Kolkata: an hour window starts at a local full hour, half past UTC" {
	run swindow --tz Asia/Kolkata --tumble 1h -a count --time-out s <<'EOF'
{"ts":"2026-01-01T10:15:00Z"}
{"ts":"2026-01-01T10:45:00Z"}
EOF
	expect <<'EOF'
{"window_start":1767259800,"window_end":1767263400,"count":1}
{"window_start":1767263400,"window_end":1767267000,"count":1}
EOF
	run swindow --tz Asia/Kolkata --tumble 1d -a count <<<'{"ts":"2026-06-01T20:00:00Z"}'
	expect <<<'{"window_start":"2026-06-02T00:00:00+05:30","window_end":"2026-06-03T00:00:00+05:30","count":1}'
}

@test "--tz: swatermark reads local times and writes its watermarks with the offset" {
	run swatermark --tz Europe/Berlin -d 0 <<'EOF'
{"ts":"2026-07-01T12:00:00"}
{"ts":"2026-12-01T12:00:00"}
EOF
	expect <<'EOF'
{"ts":"2026-07-01T12:00:00"}
{"$watermark":"2026-07-01T12:00:00+02:00"}
{"ts":"2026-12-01T12:00:00"}
{"$watermark":"2026-12-01T12:00:00+01:00"}
EOF
	run sh -c 'swatermark --tz Europe/Berlin -d 0 | swindow --tz Europe/Berlin --tumble 1d -a count' <<'EOF'
{"ts":"2026-07-01T12:00:00"}
{"ts":"2026-07-02T12:00:00"}
EOF
	expect <<'EOF'
{"$watermark":"2026-07-01T12:00:00+02:00"}
{"window_start":"2026-07-01T00:00:00+02:00","window_end":"2026-07-02T00:00:00+02:00","count":1}
{"$watermark":"2026-07-02T12:00:00+02:00"}
{"window_start":"2026-07-02T00:00:00+02:00","window_end":"2026-07-03T00:00:00+02:00","count":1}
EOF
}

@test "--tz: an unknown zone is a usage error; TZ is never read" {
	run --separate-stderr swindow --tz Mars/Olympus --tumble 1d -a count < /dev/null
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
swindow: --tz: no zone 'Mars/Olympus' in the system's time zone database (an IANA name such as Europe/Berlin; Debian package tzdata)
Try 'swindow --help' for more information.
EOF
	run swatermark --tz ../../etc/passwd -d 1s < /dev/null
	[ "$status" -eq 2 ]
	run env TZ=Asia/Tokyo swindow --tumble 1d -a count <<<'{"ts":"2026-01-01T12:00:00"}'
	expect <<<'{"window_start":"2026-01-01T00:00:00Z","window_end":"2026-01-02T00:00:00Z","count":1}'
	run env TZ=Asia/Tokyo swindow --tumble 1d -a count --time-format '%s' <<<'{"ts":"1767225600"}'
	expect <<<'{"window_start":"2026-01-01T00:00:00Z","window_end":"2026-01-02T00:00:00Z","count":1}'
}

# --- calendar windows ------------------------------------------------------

@test "1w: weeks from Monday, across a year boundary; 7d stays epoch-aligned" {
	run swindow --tumble 1w -a count <<'EOF'
{"ts":"2026-12-27T23:59:59Z"}
{"ts":"2026-12-28T00:00:00Z"}
{"ts":"2027-01-03T23:59:59Z"}
{"ts":"2027-01-04T00:00:00Z"}
EOF
	expect <<'EOF'
{"window_start":"2026-12-21T00:00:00Z","window_end":"2026-12-28T00:00:00Z","count":1}
{"window_start":"2026-12-28T00:00:00Z","window_end":"2027-01-04T00:00:00Z","count":2}
{"window_start":"2027-01-04T00:00:00Z","window_end":"2027-01-11T00:00:00Z","count":1}
EOF
	run swindow --tumble 7d -a count <<<'{"ts":"2027-01-01T00:00:00Z"}'
	expect <<<'{"window_start":"2026-12-31T00:00:00Z","window_end":"2027-01-07T00:00:00Z","count":1}'
	run swindow --tumble 2w -a count <<<'{"ts":"2026-02-15T12:00:00Z"}'
	expect <<<'{"window_start":"2026-02-02T00:00:00Z","window_end":"2026-02-16T00:00:00Z","count":1}'
}

@test "1mo: months of 28 to 31 days and leap years; 1q and 1y; multiples" {
	run swindow --tumble 1mo -a count --time-out s <<'EOF'
{"ts":"2026-01-31T23:59:59Z"}
{"ts":"2026-02-28T23:59:59Z"}
{"ts":"2026-04-30T12:00:00Z"}
{"ts":"2028-02-29T12:00:00Z"}
EOF
	expect <<'EOF'
{"window_start":1767225600,"window_end":1769904000,"count":1}
{"window_start":1769904000,"window_end":1772323200,"count":1}
{"window_start":1775001600,"window_end":1777593600,"count":1}
{"window_start":1832976000,"window_end":1835481600,"count":1}
EOF
	# 31, 28, 30 and 29 days
	[ $((1769904000 - 1767225600)) -eq $((31 * 86400)) ]
	[ $((1772323200 - 1769904000)) -eq $((28 * 86400)) ]
	[ $((1777593600 - 1775001600)) -eq $((30 * 86400)) ]
	[ $((1835481600 - 1832976000)) -eq $((29 * 86400)) ]
	run swindow --tumble 1q -a count <<'EOF'
{"ts":"2026-03-31T23:59:59Z"}
{"ts":"2026-11-15T12:00:00Z"}
EOF
	expect <<'EOF'
{"window_start":"2026-01-01T00:00:00Z","window_end":"2026-04-01T00:00:00Z","count":1}
{"window_start":"2026-10-01T00:00:00Z","window_end":"2027-01-01T00:00:00Z","count":1}
EOF
	run swindow --tumble 1y -a count --tz America/New_York <<<'{"ts":"2026-05-17T10:15:00Z"}'
	expect <<<'{"window_start":"2026-01-01T00:00:00-05:00","window_end":"2027-01-01T00:00:00-05:00","count":1}'
	run swindow --tumble 2mo -a count <<<'{"ts":"2026-04-17T10:15:00Z"}'
	expect <<<'{"window_start":"2026-03-01T00:00:00Z","window_end":"2026-05-01T00:00:00Z","count":1}'
	run swindow --hop 3mo --every 1mo -a count <<<'{"ts":"2026-04-17T10:15:00Z"}'
	expect <<'EOF'
{"window_start":"2026-02-01T00:00:00Z","window_end":"2026-05-01T00:00:00Z","count":1}
{"window_start":"2026-03-01T00:00:00Z","window_end":"2026-06-01T00:00:00Z","count":1}
{"window_start":"2026-04-01T00:00:00Z","window_end":"2026-07-01T00:00:00Z","count":1}
EOF
}

@test "calendar months follow --tz: the local month, across a clock change" {
	run swindow --tz Europe/Berlin --tumble 1mo -a count <<<'{"ts":"2026-03-15T12:00:00"}'
	expect <<<'{"window_start":"2026-03-01T00:00:00+01:00","window_end":"2026-04-01T00:00:00+02:00","count":1}'
}

@test "bad sizes: the accepted units listed; out of range and mixed units said" {
	run --separate-stderr swindow --tumble 1fortnight -a count < /dev/null
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
swindow: --tumble: bad duration '1fortnight' (units: ns, us, ms, s, m, h, d, combined as in 1h30m; a bare number is seconds; window sizes and steps also 1w from Monday, 1mo, 1q, 1y and multiples such as 3mo)
Try 'swindow --help' for more information.
EOF
	run --separate-stderr swindow --tumble 999999999999d -a count < /dev/null
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
swindow: --tumble: duration '999999999999d' out of range (at most 292 years)
Try 'swindow --help' for more information.
EOF
	run --separate-stderr swindow --tumble 0mo -a count < /dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr swindow --hop 1mo --every 1d -a count < /dev/null
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
swindow: SIZE and STEP: both in months (mo, q, y) or neither
Try 'swindow --help' for more information.
EOF
	run --separate-stderr swindow --session 1mo -a count < /dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr swindow -d 1w --tumble 1d -a count < /dev/null
	[ "$status" -eq 2 ]
}

# --- cumulative windows ----------------------------------------------------

@test "--cumulate: a day's running totals, 8 hours at a time" {
	run swindow --cumulate 1d --every 8h -a count -a sum:v <<'EOF'
{"ts":"2026-01-01T00:30:00Z","v":1}
{"ts":"2026-01-01T07:59:59Z","v":2}
{"ts":"2026-01-01T09:00:00Z","v":4}
{"ts":"2026-01-02T00:10:00Z","v":8}
EOF
	expect <<'EOF'
{"window_start":"2026-01-01T00:00:00Z","window_end":"2026-01-01T08:00:00Z","count":2,"sum_v":3}
{"window_start":"2026-01-01T00:00:00Z","window_end":"2026-01-01T16:00:00Z","count":3,"sum_v":7}
{"window_start":"2026-01-01T00:00:00Z","window_end":"2026-01-02T00:00:00Z","count":3,"sum_v":7}
{"window_start":"2026-01-02T00:00:00Z","window_end":"2026-01-02T08:00:00Z","count":1,"sum_v":8}
{"window_start":"2026-01-02T00:00:00Z","window_end":"2026-01-02T16:00:00Z","count":1,"sum_v":8}
{"window_start":"2026-01-02T00:00:00Z","window_end":"2026-01-03T00:00:00Z","count":1,"sum_v":8}
EOF
}

@test "--cumulate with watermarks, lateness and revisions" {
	run --separate-stderr swindow --cumulate 1d --every 8h -a count -d 0 -L 4h \
	    --time-out s <<'EOF'
{"ts":3600}
{"ts":32400}
{"ts":18000}
{"ts":61200}
{"ts":7200}
EOF
	# 09:00 fires [0,8h); 05:00 joins it late, refires it and is in
	# the others; 17:00 fires [0,16h) and drops [0,8h) (8h + 4h < 17h),
	# so 02:00 still joins [0,16h) and [0,24h) but not [0,8h)
	expect <<'EOF'
{"window_start":0,"window_end":28800,"count":1,"revision":1}
{"window_start":0,"window_end":28800,"count":2,"revision":2}
{"window_start":0,"window_end":57600,"count":3,"revision":1}
{"window_start":0,"window_end":57600,"count":4,"revision":2}
{"window_start":0,"window_end":86400,"count":5,"revision":1}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run --separate-stderr swindow --cumulate 1d --every 5h -a count < /dev/null
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
swindow: --cumulate SIZE must be a multiple of --every STEP
Try 'swindow --help' for more information.
EOF
}

@test "--cumulate 1q --every 1mo: a quarter's running totals by month" {
	run swindow --cumulate 1q --every 1mo -a sum:v <<'EOF'
{"ts":"2026-01-15T00:30:00Z","v":1}
{"ts":"2026-03-01T01:30:00Z","v":2}
EOF
	expect <<'EOF'
{"window_start":"2026-01-01T00:00:00Z","window_end":"2026-02-01T00:00:00Z","sum_v":1}
{"window_start":"2026-01-01T00:00:00Z","window_end":"2026-03-01T00:00:00Z","sum_v":1}
{"window_start":"2026-01-01T00:00:00Z","window_end":"2026-04-01T00:00:00Z","sum_v":3}
EOF
}

@test "--cumulate and topN keep their state through a checkpoint" {
	cat > in.ndjson <<'EOF'
{"ts":100,"p":"/a"}
{"ts":200,"p":"/b"}
{"ts":300,"p":"/a"}
{"$checkpoint":1,"dir":"DIR"}
{"ts":400,"p":"/b"}
{"ts":90000,"p":"/c"}
{"ts":500,"p":"/b"}
EOF
	sed -i "s|DIR|$PWD/state|" in.ndjson
	mkdir state
	args=(--cumulate 1d --every 6h -a top2:p -a count --time-out s -d 1h -L 1d)
	swindow "${args[@]}" in.ndjson > whole.out
	head -n 4 in.ndjson | swindow "${args[@]}" > /dev/null
	{ echo "{\"\$restore\":1,\"dir\":\"$PWD/state\"}"; tail -n 3 in.ndjson; } |
	    swindow "${args[@]}" > rest.out
	diff <(sed -n '/checkpoint/,$p' whole.out | tail -n +2) <(tail -n +2 rest.out)
	run grep -c top2 whole.out
	expect <<<'12'
	run sed -n 6p whole.out
	expect <<<'{"window_start":0,"window_end":21600,"top2_p":[{"value":"/b","count":3},{"value":"/a","count":2}],"count":5,"revision":2}'
}

# --- topN ------------------------------------------------------------------

@test "topN: exact counts, ties by the value's canonical text, nulls ignored" {
	run swindow --tumble 1m -a top2:p -a top9:p --time-out s <<'EOF'
{"ts":1,"p":"/b"}
{"ts":2,"p":"/a"}
{"ts":3,"p":1.0}
{"ts":4,"p":"/b"}
{"ts":5,"p":null}
{"ts":6,"p":1}
{"ts":7}
{"ts":8,"p":"/a"}
{"ts":9,"p":[1,2]}
EOF
	expect <<'EOF'
{"window_start":0,"window_end":60,"top2_p":[{"value":"/a","count":2},{"value":"/b","count":2}],"top9_p":[{"value":"/a","count":2},{"value":"/b","count":2},{"value":1,"count":2},{"value":[1,2],"count":1}]}
EOF
	run swindow --tumble 1m -a top1:p --time-out s <<<'{"ts":1}'
	expect <<<'{"window_start":0,"window_end":60,"top1_p":null}'
	run swindow --tumble 1m -a top0:p < /dev/null
	[ "$status" -eq 2 ]
	run swindow --tumble 1m -a top3 < /dev/null
	[ "$status" -eq 2 ]
}

@test "topN merges with sessions" {
	run swindow --session 10s -a top1:u -a count --time-out s <<'EOF'
{"ts":1,"u":"x"}
{"ts":30,"u":"y"}
{"ts":31,"u":"y"}
{"ts":15,"u":"x"}
{"ts":22,"u":"x"}
EOF
	expect <<'EOF'
{"window_start":1,"window_end":11,"top1_u":[{"value":"x","count":1}],"count":1}
{"window_start":15,"window_end":41,"top1_u":[{"value":"x","count":2}],"count":4}
EOF
}

# --- -k PATH=NAME ----------------------------------------------------------

@test "-k PATH=NAME renames key fields, with several keys" {
	run swindow --tumble 1m -k op.action=action,user,geo.cc=country -a count \
	    --time-out s <<'EOF'
{"ts":1,"op":{"action":"get"},"user":"a","geo":{"cc":"de"}}
{"ts":2,"op":{"action":"get"},"user":"a","geo":{"cc":"de"}}
{"ts":3,"op":{"action":"put"},"user":"b"}
EOF
	expect <<'EOF'
{"window_start":0,"window_end":60,"action":"get","user":"a","country":"de","count":2}
{"window_start":0,"window_end":60,"action":"put","user":"b","country":null,"count":1}
EOF
	run skeyby -k op.action=action -n 2 -- swindow --tumble 1m -k op.action=action \
	    -a count --time-out s <<<'{"ts":1,"op":{"action":"get"}}'
	expect <<<'{"window_start":0,"window_end":60,"action":"get","count":1}'
	run swindow --tumble 1m -k a= -a count < /dev/null
	[ "$status" -eq 2 ]
}

# --- --data-only -----------------------------------------------------------

@test "--data-only: no control records out of any tool" {
	printf '%s\n' '{"ts":1,"u":1}' '{"ts":70,"u":2}' '{"$watermark":200}' > in.ndjson
	run swindow --tumble 1m -a count --time-out s --data-only in.ndjson
	expect <<'EOF'
{"window_start":0,"window_end":60,"count":1}
{"window_start":60,"window_end":120,"count":1}
EOF
	run swatermark -d 0 --data-only in.ndjson
	expect <<'EOF'
{"ts":1,"u":1}
{"ts":70,"u":2}
EOF
	run sh -c 'swatermark -d 0 in.ndjson | skeyby -k u -n 2 --data-only -- swindow --tumble 1m -k u -a count --time-out s'
	expect <<'EOF'
{"window_start":0,"window_end":60,"u":1,"count":1}
{"window_start":60,"window_end":120,"u":2,"count":1}
EOF
	run scsv -r --data-only in.ndjson
	expect <<'EOF'
ts,u
1,1
70,2
EOF
	run sh -c "printf 'a\n1\n' | scsv --data-only"
	expect <<<'{"a":1}'
	run sh -c 'scheckpoint -d st --every 1 in.ndjson | scheckpoint -d st --commit --data-only'
	expect <<'EOF'
{"ts":1,"u":1}
{"ts":70,"u":2}
EOF
	run --separate-stderr scheckpoint -d st2 --data-only in.ndjson
	[ "$status" -eq 2 ]
}

# --- --time-format ---------------------------------------------------------

@test "--time-format: %f reads 1 to 9 fraction digits" {
	run swindow --tumble 1s -a count --time-out ns \
	    --time-format '%Y-%m-%d %H:%M:%S.%f' <<'EOF'
{"ts":"2026-11-23 10:00:00.5"}
{"ts":"2026-11-23 10:00:01.123456789"}
EOF
	expect <<'EOF'
{"window_start":1795428000000000000,"window_end":1795428001000000000,"count":1}
{"window_start":1795428001000000000,"window_end":1795428002000000000,"count":1}
EOF
	run swindow --tumble 1h -a count --time-format '%d/%b/%Y:%H:%M:%S.%f %z' \
	    <<<'{"ts":"23/Nov/2026:10:00:00.25 +0100"}'
	expect <<<'{"window_start":"2026-11-23T09:00:00Z","window_end":"2026-11-23T10:00:00Z","count":1}'
	for v in '2026-11-23 10:00:00.' '2026-11-23 10:00:00.1234567891'; do
		run --separate-stderr swindow --tumble 1s -a count \
		    --time-format '%Y-%m-%d %H:%M:%S.%f' <<<"{\"ts\":\"$v\"}"
		[ "$status" -eq 1 ]
		[ "$stderr" = "swindow: line 1: bad time \"$v\" (does not match --time-format '%Y-%m-%d %H:%M:%S.%f')" ]
	done
}

@test "--time-format: a format without a year is a usage error with a hint" {
	run --separate-stderr swindow --tumble 1d -a count --time-format '%b %d %H:%M:%S' < /dev/null
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
swindow: --time-format: '%b %d %H:%M:%S' has no year (%Y, %y, %F, %D or %s), so every time would fall in 1970; logs that omit it (syslog) need it added when converting
Try 'swindow --help' for more information.
EOF
	run --separate-stderr swindow --tumble 1d -a count --time-format '%Y %f.%f' < /dev/null
	[ "$status" -eq 2 ]
}

@test "--time-format without %z is local time in --tz" {
	run swindow --tumble 1h -a count --time-format '%Y-%m-%d %H:%M:%S' \
	    --tz Europe/Berlin <<<'{"ts":"2026-11-23 10:00:00"}'
	expect <<<'{"window_start":"2026-11-23T10:00:00+01:00","window_end":"2026-11-23T11:00:00+01:00","count":1}'
}

# --- messages --------------------------------------------------------------

@test "a bad time says what was expected and names --time-format" {
	run --separate-stderr swindow --tumble 1h -a count <<<'{"ts":"2025-06-24  14:36:25"}'
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: line 1: bad time "2025-06-24  14:36:25" (expected RFC 3339 such as 2026-11-23T20:00:01Z, or an epoch number; --time-format FMT reads other forms)
EOF
}

@test "late events: where they went, and a hint when most of the input was late" {
	seq 10 -1 1 | sed 's/.*/{"ts":&}/' > back.ndjson
	run --separate-stderr swindow --tumble 1s -d 0 -a count back.ndjson
	expect_err <<'EOF'
swindow: 9 late events dropped; most of the input was late: it is out of order by more than -d allows; try a larger -d, -L, or swatermark --reorder in front
EOF
	run --separate-stderr swatermark -d 0 --late late.ndjson back.ndjson
	expect_err <<'EOF'
swatermark: 9 late events dropped, written to late.ndjson; most of the input was late: it is out of order by more than -d allows; try a larger -d, or --reorder
EOF
	printf '%s\n' '{"ts":5}' '{"ts":9}' '{"ts":2}' '{"ts":10}' > few.ndjson
	run --separate-stderr swindow --tumble 1s -d 0 -a count --late late2.ndjson few.ndjson
	expect_err <<'EOF'
swindow: 1 late event dropped, written to late2.ndjson
EOF
}

@test "regression: hop windows that start where the clocks jumped stay apart" {
	run swindow --hop 20m --every 10m --tz Europe/Berlin -a count \
	    <<<'{"ts":"2026-03-29T03:07:00+02:00"}'
	expect <<'EOF'
{"window_start":"2026-03-29T03:00:00+02:00","window_end":"2026-03-29T03:10:00+02:00","count":1}
{"window_start":"2026-03-29T03:00:00+02:00","window_end":"2026-03-29T03:20:00+02:00","count":1}
EOF
}

@test "regression: cumulative windows whose ends the clocks skipped are one window" {
	run swindow --cumulate 2h --every 20m --offset 1h --tz Europe/Berlin -a count \
	    --time-out s <<<'{"ts":"2026-03-29T01:45:00"}'
	expect <<'EOF'
{"window_start":1774742400,"window_end":1774746000,"count":1}
EOF
}
