#!/usr/bin/env bats
# Sums, averages and printed doubles against Python's exact arithmetic,
# on thousands of random numbers of every spelling (numcheck.py).

load helper

@test "numbers: exact sums and averages, shortest doubles, order-free" {
	run python3 "$BATS_TEST_DIRNAME/numcheck.py" "$SU_BIN" 1 2000
	[ "$status" -eq 0 ]
	expect <<'EOF'
numcheck: 2000 groups agree (seed 1)
EOF
}

@test "numbers: 0.1 + 0.2 is 0.3, and avg rounds the exact mean once" {
	run swindow --tumble 1s --time-out s -a sum:v,avg:v <<'EOF'
{"ts":0.1,"v":0.1}
{"ts":0.2,"v":0.2}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1,"sum_v":0.3,"avg_v":0.15}
EOF
}

@test "numbers: doubles of many digits, near powers of ten and below 1, print shortest" {
	# max passes each double through as it is; the shortest text is
	# Python's repr (fixed point from 1e-4 to 1e15)
	local v want=""
	set -- 0.30000000000000004 999999999999999.9 99999999999999.98 \
	    9.999999999999998 0.09999999999999999 0.00010000000000000002 \
	    0.0001 0.00012345678901234567 0.1234567890123 123456.78901234 \
	    1234567.8901234567 0.5 2.675 100000000000000.5 \
	    9.999999999999999e-05
	run swindow --tumble 1s --time-out s -k k -a max:v < <(
		for v; do echo "{\"ts\":0,\"k\":\"$v\",\"v\":$v}"; done)
	[ "$status" -eq 0 ]
	for v in $(printf '%s\n' "$@" | LC_ALL=C sort); do
		want+="{\"window_start\":0,\"window_end\":1,\"k\":\"$v\",\"max_v\":$v}"$'\n'
	done
	[ "$output" = "${want%$'\n'}" ]
}

@test "numbers: sums past 128 bits stay exact, whole numbers stay integers" {
	run swindow --tumble 1s --time-out s -a sum:v,avg:v <<'EOF'
{"ts":0,"v":1e30}
{"ts":0,"v":"-1000000000000000000000000000000.5"}
{"ts":0,"v":0.5}
{"ts":0,"v":7}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1,"sum_v":7,"avg_v":1.75}
EOF
	run swindow --tumble 1s --time-out s -a sum:v <<'EOF'
{"ts":0,"v":1e30}
{"ts":0,"v":-1e30}
{"ts":0,"v":9223372036854775807}
EOF
	expect <<'EOF'
{"window_start":0,"window_end":1,"sum_v":9223372036854775807}
EOF
}

@test "numbers: integers of every width are written whole, each side of a power of ten" {
	# 0, then 9, 10, 99, 100, ... 10^18 - 1, 10^18, and the int64 ends:
	# the writer counts digits from the bit length, which these bound
	cd "$BATS_TEST_TMPDIR"
	awk 'BEGIN {
		print "{\"ts\":0,\"v\":0}"
		p = "1"
		for (k = 1; k <= 18; k++) {
			printf "{\"ts\":%d,\"v\":%s}\n", 2 * k - 1, substr("999999999999999999", 1, k)
			p = p "0"
			printf "{\"ts\":%d,\"v\":%s}\n", 2 * k, p
		}
		print "{\"ts\":37,\"v\":9223372036854775807}"
		print "{\"ts\":38,\"v\":-9223372036854775808}"
		print "{\"ts\":39,\"v\":-1000}"
	}' > in.ndjson
	run --separate-stderr swindow --tumble 1s --time-out s -a sum:v < in.ndjson
	[ "$status" -eq 0 ]
	sed 's/^{"ts":\([0-9]*\),"v":\(.*\)}$/{"window_start":\1,"window_end":\1,"sum_v":\2}/' in.ndjson |
	    awk -F'"window_end":' '{ split($2, a, ","); printf "%s\"window_end\":%d,%s\n", $1, a[1] + 1, substr($2, length(a[1]) + 2) }' > want
	printf '%s\n' "$output" | diff want -
}

@test "numbers: a sum of values below the least double is 0 (UBSan: memcpy NULL)" {
	run swindow --tumble 1s --time-out s -a sum:v,avg:v <<'EOF'
{"ts":0,"v":-2.5e-1101}
{"ts":0,"v":1e-1200}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1,"sum_v":0,"avg_v":0}
EOF
}

@test "numbers: a session merge adds sums exactly, in any order" {
	run swindow --session 10s --time-out s -a sum:v,avg:v <<'EOF'
{"ts":0,"v":0.1}
{"ts":16,"v":0.2}
{"ts":8,"v":0.7}
{"ts":22,"v":1e-30}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":32,"sum_v":1,"avg_v":0.25}
EOF
}
