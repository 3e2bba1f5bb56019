#!/usr/bin/env bats
# Edge cases that were bugs once: each test failed before its fix.

load helper

@test "-d near the start of time: the watermark holds instead of wrapping" {
	run --separate-stderr swindow --tumble 1m -d 1d -a count <<'EOF'
{"ts":"1677-09-21T01:00:00Z"}
{"ts":"1677-09-21T01:00:05Z"}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"1677-09-21T01:00:00Z","window_end":"1677-09-21T01:01:00Z","count":2}
EOF
}

@test "hop near the start of time keeps the windows that fit" {
	# [00:12:40, 00:12:50) starts before int64 nanoseconds do (00:12:43.1)
	run --separate-stderr swindow --hop 10s --every 5s --offset -1d \
	    -a count <<'EOF'
{"ts":"1677-09-21T00:12:48Z"}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"1677-09-21T00:12:45Z","window_end":"1677-09-21T00:12:55Z","count":1}
EOF
}

@test "huge window sizes and offsets work when the window fits int64" {
	run swindow --tumble 100000d -a count <<'EOF'
{"ts":"2026-11-23T20:00:00Z"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"1970-01-01T00:00:00Z","window_end":"2243-10-17T00:00:00Z","count":1}
EOF
	run swindow --tumble 1m --offset 100000d -a count <<'EOF'
{"ts":"2026-11-23T20:00:30Z"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"2026-11-23T20:00:00Z","window_end":"2026-11-23T20:01:00Z","count":1}
EOF
}

@test "a time with no window inside int64 is a bad record, not a crash" {
	run --separate-stderr swindow --tumble 1s -a count <<'EOF'
{"ts":9223372036.8}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: line 1: time 9223372036.8 has no window inside the int64 nanosecond range
EOF
}

@test "doubles below DBL_MIN print in their shortest form too" {
	run swindow --tumble 1s --time-out s -a collect:v -a max:v <<'EOF'
{"ts":0,"v":5e-324}
{"ts":0,"v":1e-310}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1,"collect_v":[5e-324,1e-310],"max_v":1e-310}
EOF
}

@test "a zone offset that stops after its colon is a bad time" {
	run --separate-stderr swindow --tumble 1s -a count <<'EOF'
{"ts":"2026-01-01T00:00+01:"}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: line 1: bad time "2026-01-01T00:00+01:" (expected RFC 3339 such as 2026-11-23T20:00:01Z, or an epoch number; --time-format FMT reads other forms)
EOF
}

@test "sessions: many open sessions, merged by a late bridge, stay in order" {
	# sessions at 0, 100, ..., 900 (gap 10), arriving newest first; then
	# records every 10 s from 300 to 600 bridge seven of them into one.
	{
		for i in 9 8 7 6 5 4 3 2 1 0; do echo "{\"ts\":$((i * 100))}"; done
		for t in 310 320 330 340 350 360 370 380 390 400 410 420 430 \
		    440 450 460 470 480 490 500 510 520 530 540 550 560 570 \
		    580 590; do echo "{\"ts\":$t}"; done
	} > "$BATS_TEST_TMPDIR/in"
	run swindow --session 10s --time-out s -a count \
	    "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":1}
{"window_start":100,"window_end":110,"count":1}
{"window_start":200,"window_end":210,"count":1}
{"window_start":300,"window_end":610,"count":33}
{"window_start":700,"window_end":710,"count":1}
{"window_start":800,"window_end":810,"count":1}
{"window_start":900,"window_end":910,"count":1}
EOF
}

@test "usage: a hop with too many windows per event is refused" {
	run --separate-stderr swindow --hop 1h --every 1ms -a count
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
swindow: --hop SIZE / --every STEP: over 100000 windows per event
Try 'swindow --help' for more information.
EOF
}

@test "var and stddev are exact for exact data (Welford lost the last digit)" {
	run swindow --tumble 1s --time-out s -k g -a var:v -a stddev:v <<'EOF2'
{"ts":0,"g":"a","v":1}
{"ts":0,"g":"a","v":2}
{"ts":0,"g":"a","v":2.5}
{"ts":0,"g":"a","v":10}
{"ts":0,"g":"b","v":0.1}
{"ts":0,"g":"b","v":0.2}
{"ts":0,"g":"b","v":0.3}
EOF2
	[ "$status" -eq 0 ]
	expect <<'EOF2'
{"window_start":0,"window_end":1,"g":"a","var_v":17.0625,"stddev_v":4.130677910464576}
{"window_start":0,"window_end":1,"g":"b","var_v":0.009999999999999998,"stddev_v":0.09999999999999999}
EOF2
}

@test "var across merged sessions equals var over all their values" {
	run swindow --session 10s --time-out s -a var:v -a count <<'EOF2'
{"ts":0,"v":1}
{"ts":20,"v":2.5}
{"ts":25,"v":10}
{"ts":10,"v":2}
EOF2
	[ "$status" -eq 0 ]
	expect <<'EOF2'
{"window_start":0,"window_end":35,"var_v":17.0625,"count":4}
EOF2
}

@test "keys: past 16384 idle keys the idle entries go, and keys that come back start afresh" {
	# 25,000 keys, each in a window of its own twice, 25,000 windows
	# apart: the idle entries are dropped on the way (tumble and
	# session), and a key's second window must not see its first
	cd "$BATS_TEST_TMPDIR"
	awk 'BEGIN { for (j = 0; j < 50000; j++) for (h = 0; h < 2; h++)
	    printf "{\"ts\":%d,\"user\":\"k%d\",\"v\":%d}\n", j, j % 25000,
	    2 * j + h }' > in
	awk 'BEGIN { for (j = 0; j < 50000; j++)
	    printf "{\"window_start\":%d,\"window_end\":%d,\"user\":\"k%d\",\"count\":2,\"sum_v\":%d}\n",
	    j, j + 1, j % 25000, 4 * j + 1 }' > want
	swindow -t ts -k user --tumble 1s -d 0s -a count -a sum:v --time-out s \
	    < in > got
	cmp want got
	awk 'BEGIN { for (j = 0; j < 50000; j++)
	    printf "{\"window_start\":%d,\"window_end\":%d.5,\"user\":\"k%d\",\"count\":2,\"sum_v\":%d}\n",
	    j, j, j % 25000, 4 * j + 1 }' > want
	swindow -t ts -k user --session 500ms -d 0s -a count -a sum:v \
	    --time-out s < in > got
	cmp want got
}

@test "keys: idle entries go while -L keeps windows, late records refire them, a restore after" {
	# 40,000 keys with a window each, gone 100 s after it ends, so the
	# idle entries are dropped again and again; now and then a record 50
	# s late refires a window that is still kept, one 200 s late is
	# dropped, a dropped key comes back, and a barrier is cut through
	cd "$BATS_TEST_TMPDIR"
	mkdir st
	python3 - "$PWD/st" <<'EOF'
import sys
inp, want = open('in', 'w'), open('want', 'w')
def win(s, key, count, rev):
    want.write('{"window_start":%d,"window_end":%d,"user":"%s","count":%d,'
               '"revision":%d}\n' % (s, s + 1, key, count, rev))
for j in range(40000):
    inp.write('{"ts":%d,"user":"i%d"}\n' % (j, j))
    if j == 30001:
        win(30000, 'i30000', 1, 1)
        win(30000, 'i5', 1, 1)
    elif j > 0:
        win(j - 1, 'i%d' % (j - 1), 1, 1)
    if j % 1000 == 500 and j > 1000:
        inp.write('{"ts":%d,"user":"i%d"}\n' % (j - 50, j - 50))
        win(j - 50, 'i%d' % (j - 50), 2, 2)
        inp.write('{"ts":%d,"user":"i%d"}\n' % (j - 200, j - 200))
    if j == 30000:
        inp.write('{"ts":30000,"user":"i5"}\n')
    if j == 35000:
        inp.write('{"$checkpoint":1,"dir":"%s"}\n' % sys.argv[1])
win(39999, 'i39999', 1, 1)
EOF
	opts=(-t ts -k user --tumble 1s -d 0s -L 100s -a count --time-out s)
	run --separate-stderr swindow "${opts[@]}" in
	[ "$status" -eq 0 ]
	[ "$stderr" = "swindow: 39 late events dropped" ]
	printf '%s\n' "$output" | grep -v '^{"\$' > got
	cmp want got
	# cut at the barrier: what came before it, then the restored rest
	n=$(grep -n '^{"\$checkpoint"' in | cut -d: -f1)
	printf '%s\n' "$output" | sed -n '/^{"\$checkpoint"/q;p' > cut
	{ printf '{"$restore":1,"dir":"%s"}\n' "$PWD/st"; tail -n +$((n + 1)) in; } |
	    swindow "${opts[@]}" 2> /dev/null | grep -v '^{"\$' >> cut
	cmp want cut
}
