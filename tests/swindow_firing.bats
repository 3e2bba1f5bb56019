#!/usr/bin/env bats
# When windows fire: watermarks, -d, end of input, lateness, revisions.

load helper

@test "watermark: fires what it passed, in order, then is forwarded" {
	d=$BATS_TEST_TMPDIR
	run --separate-stderr swindow -k k --tumble 10s --time-out s \
	    -a count -a collect:ts <<EOF
{"ts":1,"k":"b"}
{"ts":12,"k":"a"}
{"ts":2,"k":"a"}
{"\$checkpoint":1,"dir":"$d"}
{"ts":3,"k":"a"}
{"\$watermark":10}
{"ts":15,"k":"a"}
{"\$watermark":"1970-01-01T00:00:19.999Z","extra":[1]}
{"\$watermark":20}
{"ts":25,"k":"c"}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{"\$checkpoint":1,"dir":"$d","ops":["1"]}
{"window_start":0,"window_end":10,"k":"a","count":2,"collect_ts":[2,3]}
{"window_start":0,"window_end":10,"k":"b","count":1,"collect_ts":[1]}
{"\$watermark":10}
{"\$watermark":"1970-01-01T00:00:19.999Z","extra":[1]}
{"window_start":10,"window_end":20,"k":"a","count":2,"collect_ts":[12,15]}
{"\$watermark":20}
{"window_start":20,"window_end":30,"k":"c","count":1,"collect_ts":[25]}
EOF
}

@test "watermark: one firing is ordered by end, then start, then key" {
	run swindow -k k --hop 20s --every 10s --time-out s -a count <<'EOF'
{"ts":15,"k":"b"}
{"ts":5,"k":"b"}
{"ts":5,"k":"a"}
{"$watermark":30}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":-10,"window_end":10,"k":"a","count":1}
{"window_start":-10,"window_end":10,"k":"b","count":1}
{"window_start":0,"window_end":20,"k":"a","count":1}
{"window_start":0,"window_end":20,"k":"b","count":2}
{"window_start":10,"window_end":30,"k":"b","count":1}
{"$watermark":30}
EOF
}

@test "watermark: records behind it are late and reported, --late keeps them" {
	late=$BATS_TEST_TMPDIR/late.ndjson
	run --separate-stderr swindow --tumble 10s --time-out s -a count \
	    --late "$late" <<'EOF'
{"ts":1}
{"$watermark":10}
{"ts":9}
{"ts":10}
{"ts":3, "why":"late"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":1}
{"$watermark":10}
{"window_start":10,"window_end":20,"count":1}
EOF
	expect_err <<EOF
swindow: 2 late events dropped, written to $late
EOF
	run cat "$late"
	expect <<'EOF'
{"ts":9}
{"ts":3, "why":"late"}
EOF
}

@test "watermark: never goes back" {
	run --separate-stderr swindow --tumble 10s --time-out s -a count <<'EOF'
{"$watermark":20}
{"$watermark":5}
{"ts":7}
{"ts":25}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"$watermark":20}
{"$watermark":5}
{"window_start":20,"window_end":30,"count":1}
EOF
	expect_err <<'EOF'
swindow: 1 late event dropped
EOF
}

@test "-d: the tool's own watermark, max event time - D, is not written" {
	run --separate-stderr swindow --tumble 10s -d 5s --time-out s \
	    -a count <<'EOF'
{"ts":1}
{"ts":14}
{"ts":8}
{"ts":15}
{"ts":9}
{"ts":16}
EOF
	[ "$status" -eq 0 ]
	# W reaches 10 at ts 15: [0,10) fires with 1, 8; then 9 is late.
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":2}
{"window_start":10,"window_end":20,"count":3}
EOF
	expect_err <<'EOF'
swindow: 1 late event dropped
EOF
}

@test "-d together with an upstream watermark is an error" {
	run --separate-stderr swindow --tumble 10s -d 1s -a count <<'EOF'
{"ts":1}
{"$watermark":10}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
swindow: line 2: $watermark record in the input, but -d makes the watermark here
EOF
}

@test "lateness: -L refires a window in full, with revisions" {
	late=$BATS_TEST_TMPDIR/late.ndjson
	run --separate-stderr swindow --tumble 10s --time-out s -d 0 -L 15s \
	    -a count -a collect:ts --late "$late" <<'EOF'
{"ts":1}
{"ts":12}
{"ts":3}
{"ts":25}
{"ts":4}
{"ts":31}
EOF
	[ "$status" -eq 0 ]
	# ts 12 fires [0,10); ts 3 joins it again (12 < 10 + 15); ts 25
	# fires [10,20) and drops [0,10), so ts 4 is late.
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":1,"collect_ts":[1],"revision":1}
{"window_start":0,"window_end":10,"count":2,"collect_ts":[1,3],"revision":2}
{"window_start":10,"window_end":20,"count":1,"collect_ts":[12],"revision":1}
{"window_start":20,"window_end":30,"count":1,"collect_ts":[25],"revision":1}
{"window_start":30,"window_end":40,"count":1,"collect_ts":[31],"revision":1}
EOF
	expect_err <<EOF
swindow: 1 late event dropped, written to $late
EOF
	run cat "$late"
	expect <<'EOF'
{"ts":4}
EOF
}

@test "lateness: a late window not yet seen fires at once as revision 1" {
	run swindow --tumble 10s --time-out s -L 1m -a count <<'EOF'
{"$watermark":35}
{"ts":5}
{"ts":36}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"$watermark":35}
{"window_start":0,"window_end":10,"count":1,"revision":1}
{"window_start":30,"window_end":40,"count":1,"revision":1}
EOF
}

@test "lateness: a late record bridging sessions continues their revision" {
	run swindow --session 10s --time-out s -L 1m -a count \
	    -a collect:ts <<'EOF'
{"ts":100}
{"ts":120}
{"$watermark":140}
{"ts":125}
{"ts":110}
{"ts":145}
{"$watermark":155}
EOF
	[ "$status" -eq 0 ]
	# 125 joins [120,130) -> [120,135), fired again as revision 2.
	# 110 bridges [100,110) (rev 1) and [120,135) (rev 2): revision 3.
	# [145,155) fires at the watermark 155.
	expect <<'EOF'
{"window_start":100,"window_end":110,"count":1,"collect_ts":[100],"revision":1}
{"window_start":120,"window_end":130,"count":1,"collect_ts":[120],"revision":1}
{"$watermark":140}
{"window_start":120,"window_end":135,"count":2,"collect_ts":[120,125],"revision":2}
{"window_start":100,"window_end":135,"count":4,"collect_ts":[100,120,125,110],"revision":3}
{"window_start":145,"window_end":155,"count":1,"collect_ts":[145],"revision":1}
{"$watermark":155}
EOF
}

@test "lateness: a late record that extends a session past W waits for W" {
	run swindow --session 10s --time-out s -L 1m -a count <<'EOF'
{"ts":100}
{"$watermark":112}
{"ts":108}
{"$watermark":118}
{"$watermark":119}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":100,"window_end":110,"count":1,"revision":1}
{"$watermark":112}
{"window_start":100,"window_end":118,"count":2,"revision":2}
{"$watermark":118}
{"$watermark":119}
EOF
}

@test "end of input fires every open window, windows fired before stay quiet" {
	run swindow --tumble 10s --time-out s -L 1m -a count <<'EOF'
{"ts":1}
{"ts":11}
{"$watermark":10}
{"ts":21}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":1,"revision":1}
{"$watermark":10}
{"window_start":10,"window_end":20,"count":1,"revision":1}
{"window_start":20,"window_end":30,"count":1,"revision":1}
EOF
}

@test "watermarks written as epoch milliseconds are read by magnitude" {
	run swindow --tumble 1s --time-out ms -a count <<'EOF'
{"ts":1795392000500}
{"$watermark":1795392001000}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":1795392000000,"window_end":1795392001000,"count":1}
{"$watermark":1795392001000}
EOF
}
