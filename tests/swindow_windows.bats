#!/usr/bin/env bats
# Window kinds, alignment, keys.

load helper

@test "tumble: one record per key and minute, SPEC field order" {
	run --separate-stderr swindow -t ts -k user --tumble 1m -a count \
	    -a sum:bytes -a avg:latency_ms <<'EOF'
{"ts":"2026-11-23T20:00:01Z","user":"bob","bytes":200,"latency_ms":20.5}
{"ts":"2026-11-23T20:00:59.5Z","user":"alice","bytes":50,"latency_ms":15}
{"ts":"2026-11-23T20:00:01Z","user":"alice","bytes":100,"latency_ms":10}
{"ts":"2026-11-23T20:01:00Z","user":"alice","bytes":7,"latency_ms":1}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<'EOF'
{"window_start":"2026-11-23T20:00:00Z","window_end":"2026-11-23T20:01:00Z","user":"alice","count":2,"sum_bytes":150,"avg_latency_ms":12.5}
{"window_start":"2026-11-23T20:00:00Z","window_end":"2026-11-23T20:01:00Z","user":"bob","count":1,"sum_bytes":200,"avg_latency_ms":20.5}
{"window_start":"2026-11-23T20:01:00Z","window_end":"2026-11-23T20:02:00Z","user":"alice","count":1,"sum_bytes":7,"avg_latency_ms":1}
EOF
}

@test "tumble: --offset shifts the alignment" {
	run swindow --tumble 1h --offset 15m -a count <<'EOF'
{"ts":"2026-11-23T20:14:59Z"}
{"ts":"2026-11-23T20:15:00Z"}
{"ts":"2026-11-23T21:14:00Z"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"2026-11-23T19:15:00Z","window_end":"2026-11-23T20:15:00Z","count":1}
{"window_start":"2026-11-23T20:15:00Z","window_end":"2026-11-23T21:15:00Z","count":2}
EOF
}

@test "tumble: a negative offset and times before the epoch align by floor" {
	run swindow --tumble 10s --offset -3s --time-out s -a count <<'EOF'
{"ts":-1}
{"ts":-13}
{"ts":6.999}
{"ts":7}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":-13,"window_end":-3,"count":1}
{"window_start":-3,"window_end":7,"count":2}
{"window_start":7,"window_end":17,"count":1}
EOF
}

@test "hop: overlapping windows, each event in every window that holds it" {
	run swindow --hop 1m --every 30s -a count -a collect:n <<'EOF'
{"ts":"2026-11-23T20:00:10Z","n":1}
{"ts":"2026-11-23T20:00:40Z","n":2}
{"ts":"2026-11-23T20:01:05Z","n":3}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"2026-11-23T19:59:30Z","window_end":"2026-11-23T20:00:30Z","count":1,"collect_n":[1]}
{"window_start":"2026-11-23T20:00:00Z","window_end":"2026-11-23T20:01:00Z","count":2,"collect_n":[1,2]}
{"window_start":"2026-11-23T20:00:30Z","window_end":"2026-11-23T20:01:30Z","count":2,"collect_n":[2,3]}
{"window_start":"2026-11-23T20:01:00Z","window_end":"2026-11-23T20:02:00Z","count":1,"collect_n":[3]}
EOF
}

@test "hop: --offset, and a step larger than the size leaves gaps" {
	run swindow --hop 10s --every 1m --offset 5s --time-out s -a count <<'EOF'
{"ts":4}
{"ts":5}
{"ts":14}
{"ts":15}
{"ts":66}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":5,"window_end":15,"count":2}
{"window_start":65,"window_end":75,"count":1}
EOF
}

@test "session: an out-of-order event bridges sessions; touching ones merge" {
	run swindow -k u --session 10s --time-out s -a count -a collect:n <<'EOF'
{"ts":100,"u":"a","n":1}
{"ts":120,"u":"a","n":2}
{"ts":105,"u":"b","n":3}
{"ts":110,"u":"a","n":4}
{"ts":140,"u":"a","n":5}
{"ts":150,"u":"a","n":6}
{"ts":171,"u":"a","n":7}
EOF
	[ "$status" -eq 0 ]
	# n=4 at 110 makes [110,120), which touches [100,110) and [120,130):
	# all three become [100,130).  [140,150) and [150,160) touch and
	# merge; [171,181) is 11 s after 160 and stays apart.
	expect <<'EOF'
{"window_start":105,"window_end":115,"u":"b","count":1,"collect_n":[3]}
{"window_start":100,"window_end":130,"u":"a","count":3,"collect_n":[1,2,4]}
{"window_start":140,"window_end":160,"u":"a","count":2,"collect_n":[5,6]}
{"window_start":171,"window_end":181,"u":"a","count":1,"collect_n":[7]}
EOF
}

@test "session: first, last and collect keep arrival order across a merge" {
	run swindow --session 10s --time-out s -a first:v -a last:v \
	    -a collect:v <<'EOF'
{"ts":120,"v":"x"}
{"ts":100,"v":"y"}
{"ts":110,"v":"z"}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":100,"window_end":130,"first_v":"x","last_v":"z","collect_v":["x","y","z"]}
EOF
}

@test "count: every N records per key, no time needed, the rest at the end" {
	run swindow -k u --count 2 -a count -a collect:n <<'EOF'
{"u":"a","n":1}
{"u":"b","n":2}
{"u":"a","n":3}
{"u":"a","n":4}
{"$watermark":"2026-11-23T20:00:00Z"}
{"u":"b","n":5}
{"u":"c","n":6}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_index":0,"u":"a","count":2,"collect_n":[1,3]}
{"$watermark":"2026-11-23T20:00:00Z"}
{"window_index":0,"u":"b","count":2,"collect_n":[2,5]}
{"window_index":1,"u":"a","count":1,"collect_n":[4]}
{"window_index":0,"u":"c","count":1,"collect_n":[6]}
EOF
}

@test "keys: several keys, a nested path, a missing key is null" {
	run swindow -k user,req.path --tumble 1m -a count <<'EOF'
{"ts":0,"user":"a","req":{"path":"/x"}}
{"ts":1,"user":"a","req":{"path":"/x"}}
{"ts":2,"user":"a"}
{"ts":3,"req":{"path":"/y"},"user":"b"}
{"ts":4,"user":"a","req":{"path":"/\u0078"}}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","user":"a","req.path":"/x","count":3}
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","user":"a","req.path":null,"count":1}
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","user":"b","req.path":"/y","count":1}
EOF
}

@test "keys: numbers group by value; keys sort by the bytes of their JSON" {
	run swindow -k k --tumble 1m -a count <<'EOF'
{"ts":0,"k":10}
{"ts":0,"k":1.0}
{"ts":0,"k":1}
{"ts":0,"k":"1"}
{"ts":0,"k":[1, 2]}
{"ts":0,"k":true}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","k":"1","count":1}
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","k":1,"count":2}
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","k":10,"count":1}
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","k":[1,2],"count":1}
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","k":true,"count":1}
EOF
}
