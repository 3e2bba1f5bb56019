#!/usr/bin/env bats
# swatermark: watermark placement, late policies, reorder, idle, and
# swatermark | swindow.

load helper

@test "watermarks follow the record that raised them, with disorder" {
	run --separate-stderr swatermark -d 2s --time-out s <<'EOF'
{"ts":10, "spaced":  true}
{"ts":12.5}
{"ts":11}
{"ts":13}
{"ts":9}
{"ts":13.9}
{"ts":14}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# W = max - 2 s: 8, 10.5, (10.5 again), 11, (late 9 passes),
	# 11.9 (floor 11, no), 12; at the end the max itself, 14.
	expect <<'EOF'
{"ts":10, "spaced":  true}
{"$watermark":8}
{"ts":12.5}
{"$watermark":10.5}
{"ts":11}
{"ts":13}
{"$watermark":11}
{"ts":9}
{"ts":13.9}
{"ts":14}
{"$watermark":12}
{"$watermark":14}
EOF
}

@test "RFC 3339 watermarks, and --granularity" {
	run swatermark -d 5s --granularity 1m <<'EOF'
{"ts":"2026-11-23T20:00:30Z"}
{"ts":"2026-11-23T20:00:59Z"}
{"ts":"2026-11-23T20:01:04.999Z"}
{"ts":"2026-11-23T20:01:05.25Z"}
{"ts":"2026-11-23T20:02:06Z"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"ts":"2026-11-23T20:00:30Z"}
{"$watermark":"2026-11-23T20:00:25Z"}
{"ts":"2026-11-23T20:00:59Z"}
{"ts":"2026-11-23T20:01:04.999Z"}
{"ts":"2026-11-23T20:01:05.25Z"}
{"$watermark":"2026-11-23T20:01:00.25Z"}
{"ts":"2026-11-23T20:02:06Z"}
{"$watermark":"2026-11-23T20:02:01Z"}
{"$watermark":"2026-11-23T20:02:06Z"}
EOF
}

@test "two runs over the same input are byte-identical" {
	f=$BATS_TEST_TMPDIR/in
	for i in $(seq 1 500); do
		echo "{\"ts\":$(( (i * 7919) % 1000 + i * 3 )),\"i\":$i}"
	done > "$f"
	swatermark -d 10s --reorder < "$f" > "$BATS_TEST_TMPDIR/a"
	swatermark -d 10s --reorder < "$f" > "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	run grep -c '^{"\$watermark"' "$BATS_TEST_TMPDIR/a"
	[ "$output" -gt 20 ]
	run grep -vc '^{"\$watermark"' "$BATS_TEST_TMPDIR/a"
	[ "$output" -eq 500 ]
}

@test "--late drop counts and drops; pass is the default" {
	run --separate-stderr swatermark -d 1s --time-out s --late drop <<'EOF'
{"ts":10}
{"ts":8.9}
{"ts":9}
{"ts":5}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"ts":10}
{"$watermark":9}
{"ts":9}
{"$watermark":10}
EOF
	expect_err <<'EOF'
swatermark: 2 late events dropped
EOF
}

@test "--late FILE writes late records there and counts them" {
	late=$BATS_TEST_TMPDIR/late.ndjson
	run --separate-stderr swatermark -d 1s --time-out s --late "$late" <<'EOF'
{"ts":10}
{"ts":8.9,"n":1}
{"ts":11}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"ts":10}
{"$watermark":9}
{"ts":11}
{"$watermark":10}
{"$watermark":11}
EOF
	expect_err <<EOF
swatermark: 1 late event dropped, written to $late
EOF
	run cat "$late"
	expect <<'EOF'
{"ts":8.9,"n":1}
EOF
}

@test "--reorder: event-time order, stable, released before the watermark" {
	run --separate-stderr swatermark -d 2s --time-out s --reorder <<'EOF'
{"ts":10,"n":"a"}
{"ts":13,"n":"b"}
{"ts":10,"n":"c"}
{"ts":12,"n":"d"}
{"ts":11,"n":"e"}
{"ts":14,"n":"f"}
{"ts":9,"n":"late"}
{"ts":12,"n":"g"}
{"ts":16,"n":"h"}
EOF
	[ "$status" -eq 0 ]
	# b raises W to 11, releasing a; c then is late and passes at
	# once; e at 11 is not late and waits; f raises W to 12 and
	# releases e; 9 is late; h raises W to 14 and releases d, g, b in
	# order; the end releases the rest before the last watermark.
	expect <<'EOF'
{"$watermark":8}
{"ts":10,"n":"a"}
{"$watermark":11}
{"ts":10,"n":"c"}
{"ts":11,"n":"e"}
{"$watermark":12}
{"ts":9,"n":"late"}
{"ts":12,"n":"d"}
{"ts":12,"n":"g"}
{"ts":13,"n":"b"}
{"$watermark":14}
{"ts":14,"n":"f"}
{"ts":16,"n":"h"}
{"$watermark":16}
EOF
}

@test "upstream watermarks pass only when they move ours forward" {
	d=$BATS_TEST_TMPDIR
	run swatermark -d 2s --time-out s <<EOF
{"ts":10}
{"\$watermark":20,"from":"upstream"}
{"\$watermark":15}
{"ts":21}
{"\$checkpoint":3,"dir":"$d"}
{"ts":25}
{"\$watermark":22}
EOF
	[ "$status" -eq 0 ]
	expect <<EOF
{"ts":10}
{"\$watermark":8}
{"\$watermark":20,"from":"upstream"}
{"ts":21}
{"\$checkpoint":3,"dir":"$d","ops":["1"]}
{"ts":25}
{"\$watermark":23}
{"\$watermark":25}
EOF
}

@test "bad input: line numbers, --skip-bad, --dead-letter" {
	run --separate-stderr swatermark -d 1s <<'EOF'
{"ts":10}
{"ts":"noon"}
EOF
	[ "$status" -eq 1 ]
	expect <<'EOF'
{"ts":10}
{"$watermark":"1970-01-01T00:00:09Z"}
EOF
	expect_err <<'EOF'
swatermark: line 2: bad time "noon" (expected RFC 3339 such as 2026-11-23T20:00:01Z, or an epoch number; --time-format FMT reads other forms)
EOF
	run --separate-stderr swatermark -d 1s --time-out s --skip-bad <<'EOF'
{"ts":10}
nope
{"x":1}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"ts":10}
{"$watermark":9}
{"$watermark":10}
EOF
	expect_err <<'EOF'
swatermark: 2 bad records skipped
EOF
	dl=$BATS_TEST_TMPDIR/dl
	run swatermark -d 1s --time-out s --dead-letter "$dl" <<'EOF'
{"ts":10}
[]
EOF
	[ "$status" -eq 0 ]
	run cat "$dl"
	expect <<'EOF'
{"line":2,"error":"not an object","raw":"[]"}
EOF
}

@test "usage: -d is required; bad values exit 2; --help and --version" {
	run swatermark
	[ "$status" -eq 2 ]
	run swatermark -d 5x
	[ "$status" -eq 2 ]
	run swatermark -d 1s --granularity 0
	[ "$status" -eq 2 ]
	run swatermark -d 1s --idle soon
	[ "$status" -eq 2 ]
	run swatermark --version
	[ "$status" -eq 0 ]
	expect <<'EOF'
swatermark (streamutils) 0.1.0
EOF
	run swatermark --help
	[ "$status" -eq 0 ]
	[ "${output%%$'\n'*}" = "usage: swatermark [-t PATH] -d MAXDELAY [--granularity G] [--idle DUR]" ]
}

@test "swatermark | swindow: windows fire exactly when W reaches their end" {
	run sh -c 'swatermark -d 1s --time-out s |
	    swindow --tumble 10s --time-out s -a count -a collect:ts' <<'EOF'
{"ts":1}
{"ts":9}
{"ts":10.5}
{"ts":8}
{"ts":11}
{"ts":15}
EOF
	[ "$status" -eq 0 ]
	# W = 9.5 leaves [0,10) open, so 8 still joins it; W = 10 fires it.
	# The last watermark, 15, leaves [10,20) to the end of input.
	expect <<'EOF'
{"$watermark":0}
{"$watermark":8}
{"$watermark":9.5}
{"window_start":0,"window_end":10,"count":3,"collect_ts":[1,9,8]}
{"$watermark":10}
{"$watermark":14}
{"$watermark":15}
{"window_start":10,"window_end":20,"count":3,"collect_ts":[10.5,11,15]}
EOF
}

@test "swatermark | swindow -L: revisions and --late across the pipe" {
	late=$BATS_TEST_TMPDIR/late
	run --separate-stderr sh -c "swatermark -d 0 --time-out s |
	    swindow --tumble 10s --time-out s -L 10s -a count \
	    --late '$late'" <<'EOF'
{"ts":1}
{"ts":12}
{"ts":3}
{"ts":21}
{"ts":4}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"$watermark":1}
{"window_start":0,"window_end":10,"count":1,"revision":1}
{"$watermark":12}
{"window_start":0,"window_end":10,"count":2,"revision":2}
{"window_start":10,"window_end":20,"count":1,"revision":1}
{"$watermark":21}
{"window_start":20,"window_end":30,"count":1,"revision":1}
EOF
	expect_err <<EOF
swindow: 1 late event dropped, written to $late
EOF
	run cat "$late"
	expect <<'EOF'
{"ts":4}
EOF
}

@test "swatermark | swindow -d is the error SPEC names" {
	run --separate-stderr sh -c 'swatermark -d 1s | swindow --tumble 1m -d 1s -a count' <<'EOF'
{"ts":1}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: line 2: $watermark record in the input, but -d makes the watermark here
EOF
}

@test "live: a window closes through the pipe while the input stays open" {
	fifo_setup
	sh -c 'swatermark -d 1s --time-out s |
	    swindow --tumble 10s --time-out s -a count' < "$fifo" > "$out" 3>&- &
	pid=$!
	exec 4> "$fifo"
	printf '%s\n' '{"ts":1}' '{"ts":2}' '{"ts":11.5}' >&4
	wait_for 4
	run cat "$out"
	expect <<'EOF'
{"$watermark":0}
{"$watermark":1}
{"window_start":0,"window_end":10,"count":2}
{"$watermark":10.5}
EOF
	exec 4>&-
	wait "$pid"
}

@test "live: --idle moves the watermark with the clock when input stops" {
	fifo_setup
	now=$(date +%s)
	# the record waits in the FIFO before the tool starts, so that a
	# slow test shell cannot let the idle time pass before it
	exec 4<> "$fifo"
	echo "{\"ts\":$((now - 100))}" >&4
	swatermark -d 1s --idle 200ms --time-out s < "$fifo" > "$out" 3>&- 4>&- &
	pid=$!
	wait_for 3
	exec 4>&-
	wait "$pid"
	run sed -n 3p "$out"
	# the third line is a watermark near now - 1 s, from the clock
	[[ "$output" =~ ^\{\"\$watermark\":([0-9.]+)\}$ ]]
	w=${BASH_REMATCH[1]%.*}
	[ "$w" -ge $((now - 2)) ] && [ "$w" -le $((now + 5)) ]
	run sed -n 1,2p "$out"
	expect <<EOF
{"ts":$((now - 100))}
{"\$watermark":$((now - 101))}
EOF
}

@test "a closed stdout ends it quietly; a full disk fails loudly" {
	f=$BATS_TEST_TMPDIR/many
	seq 1 100000 | sed 's/.*/{"ts":&}/' > "$f"
	run --separate-stderr sh -c "swatermark -d 1s '$f' | head -n 2"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF2'
{"ts":1}
{"$watermark":"1970-01-01T00:00:00Z"}
EOF2
	run --separate-stderr sh -c "swatermark -d 1s '$f' >/dev/full"
	[ "$status" -eq 1 ]
	expect_err <<'EOF2'
swatermark: write error: No space left on device
EOF2
}

# Output goes on in blocks of 64 KiB that end on a multiple of 64 KiB, so
# that a file system takes each in one large page; a record longer than a
# block goes in a write of its own, and the blocks after it line up again.
@test "output goes on in 64 KiB blocks on 64 KiB bounds, after a longer record too" {
	cd "$BATS_TEST_TMPDIR"
	{
		seq 1 1000 | sed 's/.*/{"ts":&}/'
		printf '{"ts":1001,"pad":"%s"}\n' "$(head -c 100000 /dev/zero | tr '\0' x)"
		seq 1002 60000 | sed 's/.*/{"ts":&}/'
	} > in
	swatermark -d 1s in | cat > want
	traced trace write swatermark -d 1s in > got
	cmp want got
	a=$(grep -b -m1 '"pad"' want | cut -d: -f1)
	big=$(awk '/"pad"/ { print length($0) }' want)
	total=$(wc -c < want)
	[ "$total" -gt $((a + big + 3 * 65536)) ]
	run awk '/^write\(1,/ { print $NF }' trace
	at=$(( ((a + big) / 65536 + 1) * 65536 ))
	{
		echo "$a"
		echo "$big"
		echo $((at - a - big))
		for ((; at + 65536 <= total; at += 65536)); do
			echo 65536
		done
		[ "$at" -lt "$total" ] && echo $((total - at))
	} | expect
}

# The tools scan their lines with scan_line, whose template reads words
# past a line's end, into the reader's padding: a line cut short must
# still be bad wherever the cut falls, after lines of its own shape and as
# the last line, with or without its newline or CR.
@test "scan_line: a line cut anywhere after lines of its shape is bad, the last line too" {
	cd "$BATS_TEST_TMPDIR"
	line='{"ts":1000,"user":"u1","path":"/a/b","v":22,"w":-3.25}'
	n=${#line}
	{
		printf '%s\n' "$line" "$line"
		for ((k = 1; k < n; k++)); do
			printf '%s\n%s\n' "${line:0:k}" "$line"
		done
	} > in
	run swatermark -d 0s --time-out s --dead-letter dl < in
	[ "$status" -eq 0 ]
	[ "$(grep -c '^{"ts":1000,' <<<"$output")" -eq $((n + 1)) ]
	[ "$(grep -vc '^{"ts":1000,' <<<"$output")" -eq 1 ]
	[ "$(wc -l < dl)" -eq $((n - 1)) ]
	for ((k = 1; k < n; k++)); do
		esc=$(printf '%s' "${line:0:k}" | sed 's/\\/\\\\/g; s/"/\\"/g')
		grep -qF "{\"line\":$((2 * k + 1)),\"error\":\"invalid JSON: " dl
		grep -qF "\",\"raw\":\"$esc\"}" dl
	done
	for end in '' $'\r' $'\r\n'; do
		for ((k = 1; k < n; k++)); do
			printf '%s\n%s\n%s' "$line" "$line" "${line:0:k}$end" > last
			run swatermark -d 0s --time-out s --skip-bad < last
			[ "$status" -eq 0 ]
			[ "$output" = "$line"$'\n{"$watermark":1000}\n'"$line"$'\nswatermark: 1 bad record skipped' ] ||
			    { echo "cut at $k, end '$end': $output"; return 1; }
		done
	done
}
