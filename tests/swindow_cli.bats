#!/usr/bin/env bats
# Bad input, usage, and behaving like a Unix filter.

load helper

@test "bad input: stops at the first bad line with its number; blank lines count" {
	run --separate-stderr swindow --tumble 10s -a count <<'EOF'
{"ts":1}

   
{"ts":2
{"ts":3}
EOF
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 4: invalid JSON: unexpected end of input at byte 8
EOF
}

@test "bad input: not an object, missing and bad time, with the file name" {
	f=$BATS_TEST_TMPDIR/events.ndjson
	printf '%s\n' '{"ts":1}' '[1,2]' > "$f"
	run --separate-stderr swindow --tumble 10s -a count "$f"
	[ "$status" -eq 1 ]
	expect_err <<EOF
swindow: $f: line 2: not an object
EOF
	printf '%s\n' '{"ts":1}' '{"t":1}' > "$f"
	run --separate-stderr swindow --tumble 10s -a count - < "$f"
	expect_err <<'EOF'
swindow: -: line 2: missing time field "ts"
EOF
	run --separate-stderr swindow --tumble 10s -a count <<'EOF'
{"ts":"yesterday"}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: line 1: bad time "yesterday" (expected RFC 3339 such as 2026-11-23T20:00:01Z, or an epoch number; --time-format FMT reads other forms)
EOF
}

@test "bad input: line numbers restart in each FILE operand" {
	a=$BATS_TEST_TMPDIR/a.ndjson b=$BATS_TEST_TMPDIR/b.ndjson
	printf '%s\n' '{"ts":1}' '{"ts":2}' > "$a"
	printf '%s\n' '{"ts":3}' 'oops' > "$b"
	run --separate-stderr swindow --tumble 10s -a count "$a" "$b"
	[ "$status" -eq 1 ]
	expect_err <<EOF
swindow: $b: line 2: invalid JSON: unexpected 'o' at byte 1
EOF
}

@test "bad input: --skip-bad skips, counts, and reports at exit" {
	run --separate-stderr swindow --tumble 10s --time-out s -a count \
	    -a sum:v --skip-bad <<'EOF'
{"ts":1,"v":1}
nope
{"ts":2,"v":"two"}
{"ts":3,"v":"3"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":2,"sum_v":4}
EOF
	expect_err <<'EOF'
swindow: 2 bad records skipped
EOF
}

@test "bad input: --dead-letter appends line, error and raw text, and goes on" {
	dl=$BATS_TEST_TMPDIR/dead.ndjson
	echo '{"line":0,"error":"earlier run","raw":""}' > "$dl"
	printf '{"ts":1}\n{"ts":\t2,\n{"ts":"\377"}\n{"ts":2}\r\n' |
	    swindow --tumble 10s --time-out s -a count --dead-letter "$dl" \
	    > "$BATS_TEST_TMPDIR/out"
	run cat "$BATS_TEST_TMPDIR/out"
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":2}
EOF
	run cat "$dl"
	expect <<'EOF'
{"line":0,"error":"earlier run","raw":""}
{"line":2,"error":"invalid JSON: unexpected end of input at byte 10","raw":"{\"ts\":\t2,"}
{"line":3,"error":"invalid JSON: invalid UTF-8 at byte 8","raw":"{\"ts\":\"�\"}"}
EOF
}

@test "bad input: hostile lines never crash it" {
	f=$BATS_TEST_TMPDIR/hostile
	{
		printf '{"ts":1}\n'
		printf '{"a":%s1%s}\n' "$(printf '[%.0s' $(seq 5000))" \
		    "$(printf ']%.0s' $(seq 5000))"
		printf '{"ts":1,"\0":1}\n'
		printf '{"ts":1e999999}\n'
		printf '{"ts":99999999999999999999}\n'
		printf '{"ts":"\\ud800"}\n'
		printf '{"ts":2,"big":"%s"}\n' "$(head -c 300000 /dev/zero |
		    tr '\0' x)"
		printf '{"ts":-9223372036854775808,"v":1}\n'
		printf '{"ts":"1677-09-21T00:12:43.145224192Z"}\n'
	} > "$f"
	run --separate-stderr swindow --tumble 10s --time-out s -a count \
	    --skip-bad "$f"
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":2}
EOF
	expect_err <<'EOF'
swindow: 7 bad records skipped
EOF
}

@test "usage: errors exit 2 with a hint" {
	run --separate-stderr swindow -a count
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
swindow: give exactly one of --tumble, --hop, --cumulate, --session, --count
Try 'swindow --help' for more information.
EOF
	run swindow --tumble 1m --session 1m -a count
	[ "$status" -eq 2 ]
	run swindow --tumble 1m
	[ "$status" -eq 2 ]
	run swindow --hop 1m -a count
	[ "$status" -eq 2 ]
	run --separate-stderr swindow --tumble 5x -a count
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "swindow: --tumble: bad duration '5x' (units: ns, us, ms, s, m, h, d, combined as in 1h30m; a bare number is seconds; window sizes and steps also 1w from Monday, 1mo, 1q, 1y and multiples such as 3mo)" ]
	run swindow --tumble 0s -a count
	[ "$status" -eq 2 ]
	run swindow --count 0 -a count
	[ "$status" -eq 2 ]
	run swindow --tumble 1m -a count --bogus
	[ "$status" -eq 2 ]
	run swindow --tumble 1m -a count --time-unit hours
	[ "$status" -eq 2 ]
	run swindow --session 1m --offset 1s -a count
	[ "$status" -eq 2 ]
}

@test "--help and --version go to stdout and exit 0" {
	run --separate-stderr swindow --help
	[ "$status" -eq 0 ]
	[ "${output%%$'\n'*}" = "usage: swindow [-t PATH] [-k KEYS] WINDOW -a AGG... [options] [FILE...]" ]
	run swindow --version
	[ "$status" -eq 0 ]
	expect <<'EOF'
swindow (streamutils) 0.1.0
EOF
}

@test "a missing FILE is an error with its name" {
	run --separate-stderr swindow --tumble 1m -a count /nonexistent/x
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: /nonexistent/x: No such file or directory
EOF
}

@test "output errors fail loudly: >/dev/full exits 1" {
	run --separate-stderr sh -c 'echo "{\"ts\":1}" |
	    swindow --tumble 1m -a count >/dev/full'
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: write error: No space left on device
EOF
}

@test "a closed stdout ends it quietly: | head -n 1" {
	f=$BATS_TEST_TMPDIR/many
	seq 1 200000 | sed 's/.*/{"ts":&}/' > "$f"
	run --separate-stderr sh -c "swindow --tumble 1s --time-out s \
	    -a count '$f' | head -n 1"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":1,"window_end":2,"count":1}
EOF
}

@test "records with CR line ends and no final newline are read" {
	run swindow --tumble 10s --time-out s -a count -a collect:v < <(
	    printf '{"ts":1,"v":"a"}\r\n{"ts":2,"v":"b"}')
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":2,"collect_v":["a","b"]}
EOF
}
