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

@test "numbers: doubles of few bits, whose roundings to 16 and 17 digits tie, print shortest" {
	# such ties take the writer's slow paths; below 1 one of them wrote
	# a second point ("0..65"), which is not JSON
	run python3 "$BATS_TEST_DIRNAME/numcheck.py" "$SU_BIN" 5 4000 few-bits
	[ "$status" -eq 0 ]
	expect <<'EOF'
numcheck: 4000 groups agree (seed 5)
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

@test "numbers: a mean or sum that ends in decimal is written from its integers, each side of every edge" {
	# written straight when it has 15 digits or fewer in [1e-4, 1e15);
	# past 15 digits, below 1e-4, at 1e15, past 64 bits, or not ending
	# (n has a factor that m lacks), by way of the double: both must
	# give the shortest text of the nearest double (Python's repr here)
	cd "$BATS_TEST_TMPDIR"
	awk '{ for (i = 2; i <= NF; i++)
		printf "{\"ts\":0,\"g\":\"%s\",\"v\":%s}\n", $1, $i }' \
	    > in.ndjson <<'EOF'
a 1 2
b 0.1 0.2
c 3 3 3
d 123456789012.345
e 1234567890123.456
f 0.00009
g 0.0001
h 0.0002 0.0001
i 2000000000000000
j 999999999999999
k -1 -2
l -0.5 0.25
m 1 1 2
n 0.5 0.5 0.5
o 0.1 0.1 0.1 0.1 0.1 0.1 0.1
p 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
q 9223372036854775807 1
r 0.00000000000000000001
s 0.123456789012345
t 0.1234567890123456
u 0.7 0.7 0.7 0.6
v -0.00012 -0.00018
w 99999999999999.9 99999999999999.9
y 9007199254740993
z 0.30000000000000001
x 0.3 0.3 0.3 0.3 0.3 0.3 0.3 0.3 0.3 0.3 0.3 0.3
EOF
	run swindow --tumble 1s --time-out s -k g -a sum:v,avg:v < in.ndjson
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1,"g":"a","sum_v":3,"avg_v":1.5}
{"window_start":0,"window_end":1,"g":"b","sum_v":0.3,"avg_v":0.15}
{"window_start":0,"window_end":1,"g":"c","sum_v":9,"avg_v":3}
{"window_start":0,"window_end":1,"g":"d","sum_v":123456789012.345,"avg_v":123456789012.345}
{"window_start":0,"window_end":1,"g":"e","sum_v":1234567890123.456,"avg_v":1234567890123.456}
{"window_start":0,"window_end":1,"g":"f","sum_v":9e-05,"avg_v":9e-05}
{"window_start":0,"window_end":1,"g":"g","sum_v":0.0001,"avg_v":0.0001}
{"window_start":0,"window_end":1,"g":"h","sum_v":0.0003,"avg_v":0.00015}
{"window_start":0,"window_end":1,"g":"i","sum_v":2000000000000000,"avg_v":2e+15}
{"window_start":0,"window_end":1,"g":"j","sum_v":999999999999999,"avg_v":999999999999999}
{"window_start":0,"window_end":1,"g":"k","sum_v":-3,"avg_v":-1.5}
{"window_start":0,"window_end":1,"g":"l","sum_v":-0.25,"avg_v":-0.125}
{"window_start":0,"window_end":1,"g":"m","sum_v":4,"avg_v":1.3333333333333333}
{"window_start":0,"window_end":1,"g":"n","sum_v":1.5,"avg_v":0.5}
{"window_start":0,"window_end":1,"g":"o","sum_v":0.7,"avg_v":0.1}
{"window_start":0,"window_end":1,"g":"p","sum_v":1,"avg_v":0.04}
{"window_start":0,"window_end":1,"g":"q","sum_v":9.223372036854776e+18,"avg_v":4.611686018427388e+18}
{"window_start":0,"window_end":1,"g":"r","sum_v":1e-20,"avg_v":1e-20}
{"window_start":0,"window_end":1,"g":"s","sum_v":0.123456789012345,"avg_v":0.123456789012345}
{"window_start":0,"window_end":1,"g":"t","sum_v":0.1234567890123456,"avg_v":0.1234567890123456}
{"window_start":0,"window_end":1,"g":"u","sum_v":2.7,"avg_v":0.675}
{"window_start":0,"window_end":1,"g":"v","sum_v":-0.0003,"avg_v":-0.00015}
{"window_start":0,"window_end":1,"g":"w","sum_v":199999999999999.8,"avg_v":99999999999999.9}
{"window_start":0,"window_end":1,"g":"x","sum_v":3.6,"avg_v":0.3}
{"window_start":0,"window_end":1,"g":"y","sum_v":9007199254740993,"avg_v":9.007199254740992e+15}
{"window_start":0,"window_end":1,"g":"z","sum_v":0.3,"avg_v":0.3}
EOF
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

@test "numbers: sums past 128 bits stay exact through session merges and a restore" {
	# A sum past 128 bits holds a big integer where the 128-bit one was:
	# key a's wide session takes in a narrow one, key b's narrow one a
	# wide one, then the wide parts cancel; and a wide sum is saved and
	# read back.
	cd "$BATS_TEST_TMPDIR"
	cat > part1 <<'IN'
{"ts":0,"k":"a","v":1e40}
{"ts":10,"k":"a","v":0.25}
{"ts":0,"k":"b","v":0.25}
{"ts":10,"k":"b","v":1e40}
{"ts":20,"k":"c","v":1e40}
IN
	cat > part2 <<'IN'
{"ts":5,"k":"a","v":-1e40}
{"ts":5,"k":"b","v":-1e40}
{"ts":21,"k":"c","v":"-10000000000000000000000000000000000000000.5"}
IN
	{ cat part1; echo "{\"\$checkpoint\":1,\"dir\":\"$PWD\"}"; cat part2; } |
	    swindow --time-out s --time-unit s -k k --session 6s -a sum:v,avg:v |
	    grep -v '^{"\$' > whole
	cat > want <<'OUT'
{"window_start":0,"window_end":16,"k":"a","sum_v":0.25,"avg_v":0.08333333333333333}
{"window_start":0,"window_end":16,"k":"b","sum_v":0.25,"avg_v":0.08333333333333333}
{"window_start":20,"window_end":27,"k":"c","sum_v":-0.5,"avg_v":-0.25}
OUT
	diff want whole
	{ echo "{\"\$restore\":1,\"dir\":\"$PWD\"}"; cat part2; } |
	    swindow --time-out s --time-unit s -k k --session 6s -a sum:v,avg:v |
	    grep -v '^{"\$' > restored
	diff want restored
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

# One record per window: its sum and average are the value itself, written
# from its digits without the zeros that end its fraction, or as its
# nearest double where that text has more than 15 digits or falls outside
# [1e-4, 1e15).
@test "sum and avg of one value: exact text, the fraction's last zeros dropped" {
	run swindow --tumble 1s --time-out s -a sum:v -a avg:v <<'EOF'
{"ts":0,"v":20.3}
{"ts":1,"v":20.30}
{"ts":2,"v":-0.50}
{"ts":3,"v":0.0001}
{"ts":4,"v":0.00010}
{"ts":5,"v":0.00001}
{"ts":6,"v":-0.0001}
{"ts":7,"v":1234567890.12345}
{"ts":8,"v":1234567890.123456}
{"ts":9,"v":0.1000000000000000000}
{"ts":10,"v":0.12345678901234567890}
{"ts":11,"v":999999999999999.9}
{"ts":12,"v":99999999999999.9}
{"ts":13,"v":-7.250}
{"ts":14,"v":1e-3}
{"ts":15,"v":2.5e2}
{"ts":16,"v":100.0}
{"ts":17,"v":0.0}
{"ts":18,"v":-0.0}
{"ts":19,"v":1E+2}
{"ts":20,"v":12345678901234567890.5}
{"ts":21,"v":0.000000000000000000001}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"window_start":0,"window_end":1,"sum_v":20.3,"avg_v":20.3}
{"window_start":1,"window_end":2,"sum_v":20.3,"avg_v":20.3}
{"window_start":2,"window_end":3,"sum_v":-0.5,"avg_v":-0.5}
{"window_start":3,"window_end":4,"sum_v":0.0001,"avg_v":0.0001}
{"window_start":4,"window_end":5,"sum_v":0.0001,"avg_v":0.0001}
{"window_start":5,"window_end":6,"sum_v":1e-05,"avg_v":1e-05}
{"window_start":6,"window_end":7,"sum_v":-0.0001,"avg_v":-0.0001}
{"window_start":7,"window_end":8,"sum_v":1234567890.12345,"avg_v":1234567890.12345}
{"window_start":8,"window_end":9,"sum_v":1234567890.123456,"avg_v":1234567890.123456}
{"window_start":9,"window_end":10,"sum_v":0.1,"avg_v":0.1}
{"window_start":10,"window_end":11,"sum_v":0.12345678901234568,"avg_v":0.12345678901234568}
{"window_start":11,"window_end":12,"sum_v":999999999999999.9,"avg_v":999999999999999.9}
{"window_start":12,"window_end":13,"sum_v":99999999999999.9,"avg_v":99999999999999.9}
{"window_start":13,"window_end":14,"sum_v":-7.25,"avg_v":-7.25}
{"window_start":14,"window_end":15,"sum_v":0.001,"avg_v":0.001}
{"window_start":15,"window_end":16,"sum_v":250,"avg_v":250}
{"window_start":16,"window_end":17,"sum_v":100,"avg_v":100}
{"window_start":17,"window_end":18,"sum_v":0,"avg_v":0}
{"window_start":18,"window_end":19,"sum_v":0,"avg_v":0}
{"window_start":19,"window_end":20,"sum_v":100,"avg_v":100}
{"window_start":20,"window_end":21,"sum_v":1.2345678901234567e+19,"avg_v":1.2345678901234567e+19}
{"window_start":21,"window_end":22,"sum_v":1e-21,"avg_v":1e-21}
EOF
}
