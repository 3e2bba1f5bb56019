#!/usr/bin/env bats
# src/scan.c against jansson, through tests/scandiff (built by the Makefile
# as $SU_BUILD/scandiff, else $BUILD/scandiff, and as scandiff-plain with
# only the byte-at-a-time paths): the hostile table, random and mutated
# lines, files.

setup() {
	export LC_ALL=C TZ=UTC
	SCANDIFF="${SU_BUILD:-${BUILD:-build}}/scandiff"
	if [ ! -x "$SCANDIFF" ]; then
		echo "$SCANDIFF is not built" >&2
		return 1
	fi
}

@test "scandiff: table and 200000 random lines agree with jansson" {
	run "$SCANDIFF" -n 200000
	[ "$status" -eq 0 ]
	[ "$output" = "scandiff: 200000 lines, 0 disagreements" ]
}

@test "scandiff: another seed agrees too" {
	run "$SCANDIFF" -s 20261123 -n 50000
	[ "$status" -eq 0 ]
	[ "$output" = "scandiff: 50000 lines, 0 disagreements" ]
}

@test "scandiff: the byte-at-a-time scanner (SCAN_NO_SWAR) agrees too" {
	run "${SU_BUILD:-${BUILD:-build}}/scandiff-plain" -n 100000
	[ "$status" -eq 0 ]
	[ "$output" = "scandiff: 100000 lines, 0 disagreements" ]
}

@test "scandiff: lines from a file, NULs and CRs included" {
	f="$BATS_TEST_TMPDIR/lines"
	{
		printf '%s\n' '{"ts":"2026-11-23T20:00:01.123Z","user":"u1234","path":"/api/items/17","status":200,"bytes":5123,"latency_ms":12.7}'
		printf '%s\n' '{"a":{"b":1},"a":2}' '{"t\u0073":1}' '[1,2]' 'not json' ''
		printf '{"a":1}\r\n{"a":1\0}\n{"a":"\0"}\n{"a":1e309}\n'
	} >"$f"
	run "$SCANDIFF" -n 0 "$f"
	[ "$status" -eq 0 ]
	[ "$output" = "scandiff: 10 lines, 0 disagreements" ]
	run "$SCANDIFF" -n 0 - <"$f"
	[ "$status" -eq 0 ]
	[ "$output" = "scandiff: 10 lines, 0 disagreements" ]
}

@test "scandiff: a missing file is an error" {
	run "$SCANDIFF" -n 0 "$BATS_TEST_TMPDIR/nonexistent"
	[ "$status" -eq 2 ]
}
