#!/usr/bin/env bats
# Defects found from outside the project, each as the command that showed
# it and the output it must give.  The randomized model test (model.bats)
# looks for their kind; these keep the exact cases.

load helper

@test "session + -L: a late record in a fired session, W past end + L (crashed)" {
	run swindow --time-unit ms --session 3s -L 1ms -a count <<'EOF'
{"ts":1000}
{"$watermark":4000}
{"ts":3900}
{"$watermark":8000}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"1970-01-01T00:00:01Z","window_end":"1970-01-01T00:00:04Z","count":1,"revision":1}
{"$watermark":4000}
{"window_start":"1970-01-01T00:00:01Z","window_end":"1970-01-01T00:00:06.9Z","count":2,"revision":2}
{"$watermark":8000}
EOF
}

@test "session + -L: a late record, bounds unchanged, fires again at once (crashed)" {
	run swindow --session 1s -a count -L 20s <<'EOF'
{"ts":0}
{"$watermark":"1970-01-01T00:00:03Z"}
{"ts":0}
{"$watermark":"1970-01-01T00:01:40Z"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:01Z","count":1,"revision":1}
{"$watermark":"1970-01-01T00:00:03Z"}
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:01Z","count":2,"revision":2}
{"$watermark":"1970-01-01T00:01:40Z"}
EOF
}

@test "session + -L: a late record moves a fired session's end before its purge" {
	# the session fired at 3; a late record makes it [0, 3.5), which
	# must fire when W reaches 3.5, not wait for the old end + L (30);
	# at 31 it is gone (3.5 + 27 = 30.5) and a record at 1 is late
	run --separate-stderr swindow --session 3s -L 27s --time-out s \
	    -a count <<'EOF'
{"ts":0}
{"$watermark":3}
{"ts":0.5}
{"$watermark":3.4}
{"$watermark":3.5}
{"$watermark":31}
{"ts":1}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":3,"count":1,"revision":1}
{"$watermark":3}
{"$watermark":3.4}
{"window_start":0,"window_end":3.5,"count":2,"revision":2}
{"$watermark":3.5}
{"$watermark":31}
EOF
	expect_err <<'EOF'
swindow: 1 late event dropped
EOF
}

@test "count windows at end of input come out by key, not by index" {
	run swindow --count 2 -k k -a count <<'EOF'
{"k":"a"}
{"k":"a"}
{"k":"a"}
{"k":"b"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_index":0,"k":"a","count":2}
{"window_index":1,"k":"a","count":1}
{"window_index":0,"k":"b","count":1}
EOF
}

@test "a numeric-string time with '-' at position 4 is a number" {
	run swindow --tumble 1s --time-out ms -a count <<'EOF'
{"ts":"123e-5"}
{"ts":"2026-01-01"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1000,"count":1}
{"window_start":1767225600000,"window_end":1767225601000,"count":1}
EOF
}

@test "canonical numbers keep every digit: keys 70 zeros apart stay apart" {
	z=$(printf '0%.0s' $(seq 70))
	run swindow -k k --tumble 1s --time-out s -a count -a distinct:k <<EOF
{"ts":0,"k":1.${z}1}
{"ts":0,"k":1.${z}2}
{"ts":0,"k":1.${z}20}
EOF
	[ "$status" -eq 0 ]
	expect <<EOF
{"window_start":0,"window_end":1,"k":1.${z}1,"count":1,"distinct_k":1}
{"window_start":0,"window_end":1,"k":1.${z}2,"count":2,"distinct_k":1}
EOF
}

@test "canonical numbers with exponents beyond int64 stay apart and exact" {
	run swindow -k k --tumble 1s --time-out s -a count <<'EOF'
{"ts":0,"k":1e-99999999999999999999}
{"ts":0,"k":10e-100000000000000000000}
{"ts":0,"k":1e-100000000000000000000}
{"ts":0,"k":0.0015e-100000000000000000000}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1,"k":1.5e-100000000000000000003,"count":1}
{"window_start":0,"window_end":1,"k":1e-100000000000000000000,"count":1}
{"window_start":0,"window_end":1,"k":1e-99999999999999999999,"count":2}
EOF
}

@test "shortest doubles: a power of two whose nearest 16 digits miss" {
	run swindow --tumble 1s --time-out s -a max:v <<'EOF'
{"ts":0,"v":5.966672584960166e-154}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1,"max_v":5.966672584960166e-154}
EOF
}

@test "first, last and collect write values in the canonical spelling" {
	run swindow --tumble 1s --time-out s -a first:v,last:v,collect:v <<'EOF'
{"ts":0,"v":1.50}
{"ts":0,"v":782.6e0}
{"ts":0,"v":{"b":1e0,"a":[15e-1, "\u0041"]}}
{"ts":0,"v":1e0}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1,"first_v":1.5,"last_v":1,"collect_v":[1.5,782.6,{"a":[1.5,"A"],"b":1},1]}
EOF
}

@test "durations near the int64 limit: --idle and --emit-every do not overflow" {
	run swatermark -d 1s --idle 106751d23h47m16s <<'EOF'
{"ts":1}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"ts":1}
{"$watermark":"1970-01-01T00:00:00Z"}
{"$watermark":"1970-01-01T00:00:01Z"}
EOF
	run swindow --tumble 1s --time-out s -a count \
	    --emit-every 106751d23h47m16s <<'EOF'
{"ts":1}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":1,"window_end":2,"count":1,"final":true}
EOF
}

@test "empty or bad option values are usage errors naming the option" {
	run --separate-stderr swatermark -d 1s --late '' </dev/null
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
swatermark: --late: empty file name
Try 'swatermark --help' for more information.
EOF
	for args in "--late=" "--dead-letter=" "-t=" "--time-format=" \
	    "-k=a,,b" "-k=a..b" "-a=sum:.x"; do
		run --separate-stderr swindow --tumble 1s -a count "${args%%=*}" \
		    "${args#*=}" </dev/null
		[ "$status" -eq 2 ]
		case $stderr in "swindow: ${args%%=*}: "*) ;; *) false ;; esac
	done
	run --separate-stderr swindow --tumble 1s -a count --late /nonexistent/x \
	    </dev/null
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: --late: /nonexistent/x: No such file or directory
EOF
}

@test "whole numbers past int64 are written as reals: our own output reads back" {
	# 10000000000000000000 is an integer token jansson (and swindow)
	# refuse: a snapshot holding it could not be restored
	d=$BATS_TEST_TMPDIR
	run swindow -k k --tumble 1s --time-out s -a first:v <<EOF
{"ts":1,"k":-9223372036854775809.0,"v":1e19}
{"\$checkpoint":1,"dir":"$d"}
EOF
	[ "$status" -eq 0 ]
	run swindow -k k --tumble 1s --time-out s -a first:v <<EOF
{"\$restore":1,"dir":"$d"}
EOF
	[ "$status" -eq 0 ]
	expect <<EOF
{"\$restore":1,"dir":"$d","ops":["1"]}
{"window_start":1,"window_end":2,"k":-9.223372036854775809e18,"first_v":1e19}
EOF
	echo "$output" | tail -n 1 | swindow -t window_start -k k --tumble 1s \
	    -a count --time-out s > "$d/again"
	run cat "$d/again"
	expect <<'EOF'
{"window_start":1,"window_end":2,"k":-9.223372036854775809e18,"count":1}
EOF
}

# ulimit -v leaves no room for ASan's shadow memory or for valgrind
plain_binary() {
	local bin
	bin=$(command -v "$1")
	[ "$(head -c 2 "$bin")" != '#!' ] && ! ldd "$bin" 2>/dev/null |
	    grep -q libasan
}

@test "out of memory: the results already made still reach stdout (were lost)" {
	plain_binary swindow || skip "a sanitizer or valgrind build"
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' '{"ts":1}' '{"ts":12}' '{"ts":23}' '{"ts":34}' \
	    '{"ts":45}' '{"ts":56}' > big
	# then a "line" of 200 MB of NULs (sparse: no disk), more than the
	# tool may hold
	truncate -s 200M big
	run --separate-stderr sh -c 'ulimit -v 60000; swindow -t ts -d 0s \
	    --tumble 10s --time-unit s -a count big'
	[ "$status" -eq 1 ]
	[ "$stderr" = "swindow: out of memory" ]
	expect <<'EOF'
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","count":1}
{"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","count":1}
{"window_start":"1970-01-01T00:00:20Z","window_end":"1970-01-01T00:00:30Z","count":1}
{"window_start":"1970-01-01T00:00:30Z","window_end":"1970-01-01T00:00:40Z","count":1}
{"window_start":"1970-01-01T00:00:40Z","window_end":"1970-01-01T00:00:50Z","count":1}
EOF
}

@test "out of memory while a result is being written: no half line reaches stdout (did)" {
	plain_binary swindow || skip "a sanitizer or valgrind build"
	cd "$BATS_TEST_TMPDIR"
	# a short result, then one of 4 MB (500,001 values), which is built
	# in the output buffer itself
	{
		echo '{"ts":0,"x":1}'
		seq 1000000 1500000 | awk '{ printf "{\"ts\":60000,\"x\":%d}\n", $1 }'
		echo '{"ts":120000,"x":2}'
	} > in
	# limits from too little for anything to enough for all: some run
	# must fail inside the big result, and none may leave a line cut
	local v cut=0
	for v in $(seq 8000 1000 40000); do
		run --separate-stderr sh -c "ulimit -v $v; swindow --time-unit ms \
		    --tumble 1m -a count -a collect:x in"
		if [ "$status" -eq 1 ]; then
			[ "$stderr" = "swindow: out of memory" ]
			[ -z "$output" ] || [ "$output" = '{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","count":1,"collect_x":[1]}' ] || {
				echo "ulimit -v $v: ${output:0:200}" >&2
				return 1
			}
			[ -n "$output" ] && cut=1
		else
			[ "$status" -eq 0 ]
			[ "${#lines[@]}" -eq 3 ]
		fi
	done
	[ "$cut" -eq 1 ]
}

@test "a terminal gets the lines a pipe gets: results, passed lines, a 170 KiB result" {
	command -v script >/dev/null || skip "no script(1) for a terminal"
	cd "$BATS_TEST_TMPDIR"
	{
		echo '{"ts":0,"x":1}'
		seq 100000 130000 | awk '{ printf "{\"ts\":60,\"x\":%d}\n", $1 }'
		echo '{"ts":120,"x":2}'
	} > in
	# on a terminal every line goes out at once (out_line, out_record)
	for cmd in "swindow --tumble 1m -a count -a collect:x in" \
	    "swatermark -d 0s in"; do
		$cmd > pipe
		script -qec "$cmd" /dev/null | tr -d '\r' > tty
		cmp pipe tty || { echo "differs: $cmd" >&2; return 1; }
	done
	[ "$(wc -l < tty)" -gt 30000 ]
}

@test "a full stdout does not take the place of the error that ends a tool" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' '{"ts":1}' '{"ts":12}' '{"ts":23}' '{"ts":34}' \
	    '{"ts":45}' '{"ts":"bad"}' > in
	run --separate-stderr sh -c 'swindow -t ts -d 0s --tumble 10s \
	    --time-unit s -a count in > /dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = 'swindow: in: line 6: bad time "bad" (expected RFC 3339 such as 2026-11-23T20:00:01Z, or an epoch number; --time-format FMT reads other forms)' ]
	# nor of a shard's failure: skeyby exits with the shard's status.
	# These keys all go to shard 1, whose output waits for shard 0 to
	# end, which fails first: no write comes before (with keys for
	# shard 0 too, which of the two errors comes first is a race)
	printf '{"k":2}\n{"k":4}\n{"k":6}\n' > keys
	run --separate-stderr sh -c "skeyby -k k -n 2 -- sh -c 'cat; exit 3' \
	    < keys > /dev/full"
	[ "$status" -eq 3 ]
	[[ "$stderr" =~ ^skeyby:\ shard\ [01]\ \(sh\)\ exited\ with\ status\ 3$ ]]
}

@test "skeyby's write error names what the write said, not a later read's EAGAIN" {
	# the error was looked at a loop later, when a read from a shard had
	# left EAGAIN in errno: 17 runs in 40 said "Resource temporarily
	# unavailable"
	cd "$BATS_TEST_TMPDIR"
	printf '{"k":1}\n{"k":2}\n{"k":3}\n' > keys
	for i in $(seq 20); do
		run --separate-stderr sh -c 'skeyby -k k -n 2 -- cat < keys \
		    > /dev/full'
		[ "$status" -eq 1 ]
		[ "$stderr" = "skeyby: write error: No space left on device" ]
	done
}

@test "regression: a watermark read before a restore leaves nothing in the restored state" {
	# A $restore replaces the state, so a $watermark before it is only
	# forwarded: what follows is what the restore alone gives.  swatermark
	# kept that watermark and made ts 50 and 51 late (no watermarks after
	# them, not held by --reorder, dropped by --late drop)
	cd "$BATS_TEST_TMPDIR"
	while read -r cmd; do
		rm -rf state
		mkdir state
		echo "{\"\$checkpoint\":1,\"dir\":\"$PWD/state\"}" |
		    $cmd > /dev/null
		printf '%s\n' "{\"\$restore\":1,\"dir\":\"$PWD/state\"}" \
		    '{"ts":50,"k":"a"}' '{"ts":51,"k":"b"}' > plain
		{ echo '{"$watermark":80}'; cat plain; } > early
		$cmd < plain > want.tail
		{ echo '{"$watermark":80}'; cat want.tail; } > want
		$cmd < early > got
		echo "$cmd" >&2
		diff want got
		[ "$(wc -l < want)" -ge 3 ]
	done <<'EOF'
swatermark -d 0s --time-unit s
swatermark -d 0s --time-unit s --late drop
swatermark -d 0s --time-unit s --reorder
swindow --tumble 10s --time-out s -a count
swindow -k k --session 5s --time-out s -a count -L 1m
skeyby -k k -n 2 -- swindow -k k --tumble 10s --time-out s -a count
EOF
}
