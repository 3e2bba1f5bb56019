#!/usr/bin/env bats
# Aggregates (SPEC 3, swindow): values, names, NULL rules, number output,
# bad values and bad -a arguments.  Every expected value is computed by
# hand from SPEC's rules; percentiles as numpy.percentile's default
# ("linear": index q*(n-1), interpolated from the nearer end).

load helper

W='"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z"'

# --- count --------------------------------------------------------------

@test "count: plain count counts records, count:PATH counts non-null values" {
	run --separate-stderr swindow --tumble 1m -a count -a count:x <<'EOF'
{"ts":0,"x":1}
{"ts":0,"x":null}
{"ts":0}

{"ts":0,"x":false}
{"ts":0,"x":""}
{"ts":0,"x":0}
{"ts":0,"x":[]}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"count":7,"count_x":5}
EOF
}

# --- sum ----------------------------------------------------------------

@test "sum: integers stay exact integers, past 2^53 too" {
	run --separate-stderr swindow -k g --tumble 1m -a sum:x <<'EOF'
{"ts":0,"g":"a","x":1}
{"ts":0,"g":"a","x":2}
{"ts":0,"g":"a","x":-10}
{"ts":0,"g":"b","x":9007199254740993}
{"ts":0,"g":"b","x":2}
{"ts":0,"g":"c","x":9223372036854775806}
{"ts":0,"g":"c","x":1}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# 9007199254740995 is odd and above 2^53: no double holds it.
	expect <<EOF
{$W,"g":"a","sum_x":-7}
{$W,"g":"b","sum_x":9007199254740995}
{$W,"g":"c","sum_x":9223372036854775807}
EOF
}

@test "sum: fractions add exactly, rounded once when written" {
	run --separate-stderr swindow -k g --tumble 1m -a sum:x <<'EOF'
{"ts":0,"g":"a","x":0.1}
{"ts":0,"g":"a","x":0.2}
{"ts":0,"g":"b","x":10}
{"ts":0,"g":"b","x":2.7}
{"ts":0,"g":"c","x":0.5}
{"ts":0,"g":"c","x":2}
{"ts":0,"g":"c","x":0.5}
{"ts":0,"g":"d","x":-1.25}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"g":"a","sum_x":0.3}
{$W,"g":"b","sum_x":12.7}
{$W,"g":"c","sum_x":3}
{$W,"g":"d","sum_x":-1.25}
EOF
}

@test "sum: beyond int64 (either way) the sum becomes a double" {
	run --separate-stderr swindow -k g --tumble 1m -a sum:x -a avg:x <<'EOF'
{"ts":0,"g":"a","x":9223372036854775807}
{"ts":0,"g":"a","x":1}
{"ts":0,"g":"b","x":-9223372036854775808}
{"ts":0,"g":"b","x":-1}
{"ts":0,"g":"c","x":9223372036854775807}
{"ts":0,"g":"c","x":9223372036854775805}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# 2^63 = 9223372036854775808 is the double 9.223372036854776e+18
	# (16 digits are the fewest that read back; the exponent form is the
	# tool's choice, SPEC only asks for the shortest digits).
	expect <<EOF
{$W,"g":"a","sum_x":9.223372036854776e+18,"avg_x":4.611686018427388e+18}
{$W,"g":"b","sum_x":-9.223372036854776e+18,"avg_x":-4.611686018427388e+18}
{$W,"g":"c","sum_x":1.8446744073709552e+19,"avg_x":9.223372036854776e+18}
EOF
}

@test "sum, min, max, avg: numeric strings count as numbers" {
	run --separate-stderr swindow --tumble 1m -a sum:x,min:x,max:x,avg:x \
	    <<'EOF'
{"ts":0,"x":"4"}
{"ts":0,"x":"-2.5"}
{"ts":0,"x":"1e1"}
{"ts":0,"x":0.5}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"sum_x":12,"min_x":-2.5,"max_x":10,"avg_x":3}
EOF
}

# --- min, max, avg ------------------------------------------------------

@test "min, max: by numeric value, nulls ignored, integers exact" {
	run --separate-stderr swindow -k g --tumble 1m -a min:x -a max:x <<'EOF'
{"ts":0,"g":"a","x":3}
{"ts":0,"g":"a","x":null}
{"ts":0,"g":"a","x":-7.5}
{"ts":0,"g":"a","x":12.7}
{"ts":0,"g":"a"}
{"ts":0,"g":"a","x":10}
{"ts":0,"g":"b","x":9007199254740992}
{"ts":0,"g":"b","x":9007199254740993}
{"ts":0,"g":"b","x":-9007199254740993}
{"ts":0,"g":"b","x":-9007199254740992}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"g":"a","min_x":-7.5,"max_x":12.7}
{$W,"g":"b","min_x":-9007199254740993,"max_x":9007199254740993}
EOF
}

@test "avg: the exact sum over the count, rounded once" {
	run --separate-stderr swindow -k g --tumble 1m -a avg:x <<'EOF'
{"ts":0,"g":"a","x":1}
{"ts":0,"g":"a","x":2}
{"ts":0,"g":"a","x":2}
{"ts":0,"g":"b","x":0.1}
{"ts":0,"g":"b","x":0.2}
{"ts":0,"g":"c","x":12.7}
{"ts":0,"g":"c","x":null}
{"ts":0,"g":"d","x":4}
{"ts":0,"g":"d","x":6}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"g":"a","avg_x":1.6666666666666667}
{$W,"g":"b","avg_x":0.15}
{$W,"g":"c","avg_x":12.7}
{$W,"g":"d","avg_x":5}
EOF
}

# --- first, last, collect -----------------------------------------------

@test "first, last: first and last non-null value, any JSON type, compact" {
	run --separate-stderr swindow --tumble 1m -a first:x -a last:x \
	    -a count:x <<'EOF'
{"ts":0,"x":null}
{"ts":0}
{"ts":0,"x":{ "a" : [1, {"b":null}] }}
{"ts":0,"x":"s\"q"}
{"ts":0,"x":[ true , false ]}
{"ts":0,"x":null}
{"ts":0}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"first_x":{"a":[1,{"b":null}]},"last_x":[true,false],"count_x":3}
EOF
}

@test "first, last, collect: arrival order, not event-time order" {
	run --separate-stderr swindow --tumble 1m -a first:x,last:x,collect:x \
	    <<'EOF'
{"ts":30,"x":"b"}
{"ts":10,"x":"a"}
{"ts":50,"x":"c"}
{"ts":20,"x":"d"}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"first_x":"b","last_x":"d","collect_x":["b","a","c","d"]}
EOF
}

@test "collect: array in arrival order, nulls and missing skipped, compact" {
	run --separate-stderr swindow --tumble 1m -a collect:x <<'EOF'
{"ts":0,"x":3}
{"ts":0,"x":null}
{"ts":0}
{"ts":0,"x":"three"}
{"ts":0,"x":[1, {"a" : null}]}
{"ts":0,"x":{ "k" : [ ] }}
{"ts":0,"x":false}
{"ts":0,"x":-2.5}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"collect_x":[3,"three",[1,{"a":null}],{"k":[]},false,-2.5]}
EOF
}

@test "collect: a result longer than the output buffer (64 KiB) comes whole, in order" {
	# windows of 0 and 60000 ms with one value, between them one of
	# 30,000 values: about 170 KiB in one line
	cd "$BATS_TEST_TMPDIR"
	{
		echo '{"ts":0,"x":1}'
		seq 100000 130000 | awk '{ printf "{\"ts\":60000,\"x\":%d}\n", $1 }'
		echo '{"ts":120000,"x":2}'
	} > in.ndjson
	run --separate-stderr swindow --time-unit ms --time-out ms \
	    --tumble 1m -a count -a collect:x in.ndjson
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	want=$( {
		echo '{"window_start":0,"window_end":60000,"count":1,"collect_x":[1]}'
		printf '{"window_start":60000,"window_end":120000,"count":30001,"collect_x":['
		seq -s, 100000 130000 | tr -d '\n'
		echo ']}'
		echo '{"window_start":120000,"window_end":180000,"count":1,"collect_x":[2]}'
	} )
	[ "$output" = "$want" ]
	[ "${#lines[1]}" -gt 65536 ]
}

# --- distinct -----------------------------------------------------------

@test "distinct: numbers by value, strings apart from numbers, nulls ignored" {
	# One group per line of thought:
	#   1 1.0 1e0 10e-1 -> the number 1       0 -0 0.0 -> the number 0
	#   "1" and "1.0" -> two strings           "A" "\u0041" -> one string
	#   true, false -> two booleans            null, missing -> ignored
	#   9007199254740993 and 9007199254740992 -> two numbers (exact)
	run --separate-stderr swindow --tumble 1m -a distinct:x -a count:x <<'EOF'
{"ts":0,"x":1}
{"ts":0,"x":1.0}
{"ts":0,"x":1e0}
{"ts":0,"x":10e-1}
{"ts":0,"x":0}
{"ts":0,"x":-0}
{"ts":0,"x":0.0}
{"ts":0,"x":"1"}
{"ts":0,"x":"1.0"}
{"ts":0,"x":"A"}
{"ts":0,"x":"\u0041"}
{"ts":0,"x":true}
{"ts":0,"x":false}
{"ts":0,"x":null}
{"ts":0}
{"ts":0,"x":9007199254740993}
{"ts":0,"x":9007199254740992}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"distinct_x":9,"count_x":15}
EOF
}

@test "distinct: arrays and objects are equal by value (numbers, key order)" {
	# [1, 2] and [1.0,2] hold equal numbers; {"a":1,"b":2} and
	# {"b":2,"a":1} are the same object (an object is unordered);
	# [0] and [-0] hold equal numbers.  Same rule as top-level values.
	run --separate-stderr swindow -k g --tumble 1m -a distinct:x <<'EOF'
{"ts":0,"g":"a","x":[1, 2]}
{"ts":0,"g":"a","x":[1.0,2]}
{"ts":0,"g":"a","x":[2,1]}
{"ts":0,"g":"b","x":{"a":1,"b":2}}
{"ts":0,"g":"b","x":{"b":2,"a":1}}
{"ts":0,"g":"b","x":{ "a" : 1 , "b" : 2 }}
{"ts":0,"g":"c","x":[0]}
{"ts":0,"g":"c","x":[-0]}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"g":"a","distinct_x":2}
{$W,"g":"b","distinct_x":1}
{$W,"g":"c","distinct_x":1}
EOF
}

@test "distinct: exact count, an integer equals its own fraction form" {
	# 9007199254740993.0 and 9.007199254740993e15 are the value
	# 9007199254740993, not the double 9007199254740992: group a holds
	# one value, group b two.
	run --separate-stderr swindow -k g --tumble 1m -a distinct:x <<'EOF'
{"ts":0,"g":"a","x":9007199254740993}
{"ts":0,"g":"a","x":9007199254740993.0}
{"ts":0,"g":"a","x":9.007199254740993e15}
{"ts":0,"g":"b","x":9007199254740992}
{"ts":0,"g":"b","x":9007199254740993.0}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"g":"a","distinct_x":1}
{$W,"g":"b","distinct_x":2}
EOF
}

# --- median, pNN --------------------------------------------------------

@test "median, pNN: numpy linear interpolation, even count, p0 and p100" {
	# sorted 1 2 3.5 7 8.25 10, n-1 = 5:
	#   p50  idx 2.5   -> 3.5 + 0.5*3.5                = 5.25
	#   p95  idx 4.75  -> 10 - 1.75*0.25               = 9.5625
	#   p99.9 idx 4.995 -> 10 - 1.75*0.005             = 9.99125
	#   p25  idx 1.25  -> 2 + 1.5*0.25                 = 2.375
	#   p1   idx 0.05  -> 1 + 1*0.05                   = 1.05
	run --separate-stderr swindow --tumble 1m \
	    -a median:x,p50:x,p95:x,p99.9:x,p0:x,p100:x,p25:x,p1:x <<'EOF'
{"ts":0,"x":7}
{"ts":0,"x":1}
{"ts":0,"x":3.5}
{"ts":0,"x":null}
{"ts":0,"x":10}
{"ts":0,"x":2}
{"ts":0,"x":8.25}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"median_x":5.25,"p50_x":5.25,"p95_x":9.5625,"p99_9_x":9.99125,"p0_x":1,"p100_x":10,"p25_x":2.375,"p1_x":1.05}
EOF
}

@test "median, pNN: odd count, numeric strings, numpy's floating point" {
	# sorted 15 20 35 40 50, n-1 = 4.  p99.9: q = 99.9/100 =
	# 0.9990000000000001, idx 3.9960000000000004, 50 - 10*(1 - 0.996...)
	# = 49.96000000000001 exactly as numpy prints it.
	run --separate-stderr swindow --tumble 1m \
	    -a median:x,p95:x,p99.9:x,p40:x,p0:x,p100:x <<'EOF'
{"ts":0,"x":"50"}
{"ts":0,"x":15}
{"ts":0,"x":"35"}
{"ts":0,"x":40}
{"ts":0,"x":2e1}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"median_x":35,"p95_x":48,"p99_9_x":49.96000000000001,"p40_x":29,"p0_x":15,"p100_x":50}
EOF
}

@test "median, pNN: four values and a single value" {
	# sorted 1 2 3 4: p95 idx 3*0.95 = 2.8499999999999996,
	# 4 - 1*(1 - 0.8499999999999996) = 3.8499999999999996 (numpy).
	run --separate-stderr swindow -k g --tumble 1m -a median:x,p95:x,p33:x \
	    <<'EOF'
{"ts":0,"g":"a","x":4}
{"ts":0,"g":"a","x":1}
{"ts":0,"g":"a","x":3}
{"ts":0,"g":"a","x":2}
{"ts":0,"g":"b","x":-12.7}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"g":"a","median_x":2.5,"p95_x":3.8499999999999996,"p33_x":1.99}
{$W,"g":"b","median_x":-12.7,"p95_x":-12.7,"p33_x":-12.7}
EOF
}

# --- stddev, var --------------------------------------------------------

@test "stddev, var: sample statistics; fewer than two values give null" {
	# 2 4 4 4 5 5 7 9: mean 5, squares 32, var 32/7, stddev sqrt(32/7).
	run --separate-stderr swindow -k g --tumble 1m -a var:x -a stddev:x <<'EOF'
{"ts":0,"g":"a","x":2}
{"ts":0,"g":"a","x":"4"}
{"ts":0,"g":"a","x":4}
{"ts":0,"g":"a","x":4.0}
{"ts":0,"g":"a","x":5}
{"ts":0,"g":"a","x":5}
{"ts":0,"g":"a","x":null}
{"ts":0,"g":"a","x":7}
{"ts":0,"g":"a","x":9}
{"ts":0,"g":"b","x":5}
{"ts":0,"g":"b","x":null}
{"ts":0,"g":"c","x":1}
{"ts":0,"g":"c","x":2}
{"ts":0,"g":"c","x":2}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"g":"a","var_x":4.571428571428571,"stddev_x":2.138089935299395}
{$W,"g":"b","var_x":null,"stddev_x":null}
{$W,"g":"c","var_x":0.3333333333333333,"stddev_x":0.5773502691896257}
EOF
}

@test "stddev, var: no cancellation on large values with a small spread" {
	run --separate-stderr swindow --tumble 1m -a var:x,stddev:x,avg:x <<'EOF'
{"ts":0,"x":1000000001}
{"ts":0,"x":1000000002}
{"ts":0,"x":1000000003}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"var_x":1,"stddev_x":1,"avg_x":1000000002}
EOF
}

# --- no values ----------------------------------------------------------

@test "no values: null, except count and distinct (0) and collect ([])" {
	run --separate-stderr swindow --tumble 1m \
	    -a count,count:x,sum:x,min:x,max:x,avg:x,first:x,last:x \
	    -a distinct:x,median:x,p95:x,stddev:x,var:x,collect:x <<'EOF'
{"ts":0}
{"ts":0,"x":null}
{"ts":0,"y":1}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"count":3,"count_x":0,"sum_x":null,"min_x":null,"max_x":null,"avg_x":null,"first_x":null,"last_x":null,"distinct_x":0,"median_x":null,"p95_x":null,"stddev_x":null,"var_x":null,"collect_x":[]}
EOF
}

@test "every aggregate at once: each as alone, through a session merge and a restore" {
	cd "$BATS_TEST_TMPDIR"
	# A window keeps each state in the room its function takes, count's
	# last; key a's two sessions merge at ts 15 while b's window, made
	# just after them, sits next to them.  Each result must be what the
	# aggregate gives alone, and the same after a checkpoint and restore.
	aggs="sum:x min:x max:x avg:x first:x last:x distinct:x median:x p95:x"
	aggs="$aggs stddev:x var:x collect:x top2:x count:x count"
	cat > part1 <<'EOF'
{"ts":0,"k":"a","x":1}
{"ts":30,"k":"a","x":3.5}
{"ts":31,"k":"b","x":"7"}
{"ts":32,"k":"b","x":null}
EOF
	cat > part2 <<'EOF'
{"ts":15,"k":"a","x":2}
{"ts":33,"k":"b","x":-4}
EOF
	all=()
	for a in $aggs; do
		all+=(-a "$a")
	done
	{ cat part1; echo "{\"\$checkpoint\":1,\"dir\":\"$PWD\"}"; cat part2; } |
	    swindow -t ts --time-unit s -k k --session 20s "${all[@]}" |
	    grep -v '^{"\$' > whole
	{ echo "{\"\$restore\":1,\"dir\":\"$PWD\"}"; cat part2; } |
	    swindow -t ts --time-unit s -k k --session 20s "${all[@]}" |
	    grep -v '^{"\$' > restored
	# what each gives alone, its field cut out of the record
	: > a.alone
	: > b.alone
	for a in $aggs; do
		cat part1 part2 |
		    swindow -t ts --time-unit s -k k --session 20s -a "$a" > one
		sed -n 's/^{.*"k":"a",\(.*\)}$/\1/p' one >> a.alone
		sed -n 's/^{.*"k":"b",\(.*\)}$/\1/p' one >> b.alone
	done
	want='{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:50Z","k":"a",'
	[ "$(sed -n 1p whole)" = "$want$(paste -sd, a.alone)}" ]
	want='{"window_start":"1970-01-01T00:00:31Z","window_end":"1970-01-01T00:00:53Z","k":"b",'
	[ "$(sed -n 2p whole)" = "$want$(paste -sd, b.alone)}" ]
	[ "$(grep -c . whole)" -eq 2 ]
	cmp whole restored
}

# --- names, lists, paths ------------------------------------------------

@test "names: FUNC_PATH by default, =NAME renames, plain count" {
	run --separate-stderr swindow --tumble 1m -a count=n -a sum:x=total \
	    -a p99.9:x=p999 -a collect:x=xs -a count:x -a p99.9:x <<'EOF'
{"ts":0,"x":1}
{"ts":0,"x":2}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# p99.9 of 1 2: idx 0.9990000000000001 -> 2 - 1*(1-0.999...) = 1.999
	expect <<EOF
{$W,"n":2,"total":3,"p999":1.999,"xs":[1,2],"count_x":2,"p99_9_x":1.999}
EOF
}

@test "comma lists: -a count,sum:x is -a count -a sum:x, in order" {
	run --separate-stderr swindow --tumble 1m -a count,sum:x \
	    -a max:x=hi,avg:x=mean,min:x <<'EOF'
{"ts":0,"x":1}
{"ts":0,"x":4}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"count":2,"sum_x":5,"hi":4,"mean":2.5,"min_x":1}
EOF
}

@test "nested paths: sum:a.b is named sum_a_b and walks objects only" {
	run --separate-stderr swindow --tumble 1m -a sum:a.b -a count:a.b \
	    -a p99.9:a.b -a collect:a.b.c <<'EOF'
{"ts":0,"a":{"b":2}}
{"ts":0,"a":{"b":"3"}}
{"ts":0,"a":5}
{"ts":0,"a.b":100}
{"ts":0,"a":[{"b":1}]}
{"ts":0,"a":{"c":1}}
{"ts":0,"a":{"b":null}}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# only 2 and "3" are at a.b; nothing is at a.b.c.
	expect <<EOF
{$W,"sum_a_b":5,"count_a_b":2,"p99_9_a_b":2.999,"collect_a_b_c":[]}
EOF
}

# --- bad values ---------------------------------------------------------

@test "bad value: a word for sum stops with line N, exit 1" {
	run --separate-stderr swindow --tumble 1m -a count -a sum:x <<'EOF'
{"ts":0,"x":1}

{"ts":0,"x":"abc"}
{"ts":0,"x":2}
EOF
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 3: sum_x: not a number "abc"
EOF
}

@test "bad value: a boolean for min, an array for avg, an object for p95" {
	run --separate-stderr swindow --tumble 1m -a min:x <<'EOF'
{"ts":0,"x":true}
EOF
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 1: min_x: not a number true
EOF
	run --separate-stderr swindow --tumble 1m -a avg:x <<'EOF'
{"ts":0,"x":3}
{"ts":0,"x":[1, 2]}
EOF
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 2: avg_x: not a number [1, 2]
EOF
	run --separate-stderr swindow --tumble 1m -a p95:x=q <<'EOF'
{"ts":0,"x":{"a":1}}
EOF
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: line 1: q: not a number {"a":1}
EOF
}

@test "bad value: max, median, stddev, var reject words and booleans too" {
	local agg
	for agg in max median stddev var; do
		run --separate-stderr swindow --tumble 1m -a "$agg:x" <<'EOF'
{"ts":0,"x":1}
{"ts":0,"x":false}
EOF
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "swindow: line 2: ${agg}_x: not a number false" ]
	done
}

@test "bad value: strings that are not JSON numbers are not numeric" {
	local v
	for v in '"+5"' '"007"' '" 12"' '"12 "' '"0x10"' '"NaN"' '"inf"' \
	    '""' '"1."' '".5"'; do
		run --separate-stderr swindow --tumble 1m -a sum:x \
		    <<<"{\"ts\":0,\"x\":$v}"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "swindow: line 1: sum_x: not a number $v" ]
	done
}

@test "bad value: first, last, collect, distinct, count take any value" {
	run --separate-stderr swindow --tumble 1m \
	    -a count:x,first:x,last:x,distinct:x,collect:x <<'EOF'
{"ts":0,"x":"abc"}
{"ts":0,"x":true}
{"ts":0,"x":{"a":1}}
{"ts":0,"x":[1]}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expect <<EOF
{$W,"count_x":4,"first_x":"abc","last_x":[1],"distinct_x":4,"collect_x":["abc",true,{"a":1},[1]]}
EOF
}

@test "bad value: --skip-bad leaves the whole record out of every aggregate" {
	run --separate-stderr swindow --skip-bad --tumble 1m \
	    -a count,sum:x,collect:y <<'EOF'
{"ts":0,"x":1,"y":"a"}
{"ts":0,"x":"abc","y":"b"}
{"ts":0,"x":2,"y":"c"}
EOF
	[ "$status" -eq 0 ]
	expect <<EOF
{$W,"count":2,"sum_x":3,"collect_y":["a","c"]}
EOF
	expect_err <<'EOF'
swindow: 1 bad record skipped
EOF
}

# --- usage errors -------------------------------------------------------

@test "usage: an unknown aggregate is exit 2" {
	local a
	for a in bogus SUM P95 p101 p-1 p pabc p1e1; do
		run --separate-stderr swindow --tumble 1m -a "$a:x" <<<'{"ts":0,"x":1}'
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		expect_err <<EOF
swindow: -a: unknown aggregate '$a'
Try 'swindow --help' for more information.
EOF
	done
}

@test "usage: sum, first, p95 ... without a path are exit 2; count is not" {
	local f
	for f in sum min max avg first last distinct median p95 stddev var \
	    collect; do
		run --separate-stderr swindow --tumble 1m -a "$f" <<<'{"ts":0,"x":1}'
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		expect_err <<EOF
swindow: -a: '$f' needs a field: $f:PATH
Try 'swindow --help' for more information.
EOF
	done
	run --separate-stderr swindow --tumble 1m -a count <<<'{"ts":0,"x":1}'
	[ "$status" -eq 0 ]
	expect <<EOF
{$W,"count":1}
EOF
}

@test "usage: an empty name, an empty path, an empty list item are exit 2" {
	run --separate-stderr swindow --tumble 1m -a sum:x= <<<'{"ts":0,"x":1}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: -a: empty name in 'sum:x='
Try 'swindow --help' for more information.
EOF
	run --separate-stderr swindow --tumble 1m -a count= <<<'{"ts":0,"x":1}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: -a: empty name in 'count='
Try 'swindow --help' for more information.
EOF
	run --separate-stderr swindow --tumble 1m -a sum: <<<'{"ts":0,"x":1}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: -a: bad field path in 'sum:'
Try 'swindow --help' for more information.
EOF
	run --separate-stderr swindow --tumble 1m -a count,,sum:x \
	    <<<'{"ts":0,"x":1}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: -a: empty aggregate in 'count,,sum:x'
Try 'swindow --help' for more information.
EOF
}

@test "usage: no -a at all is exit 2" {
	run --separate-stderr swindow --tumble 1m <<<'{"ts":0,"x":1}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	expect_err <<'EOF'
swindow: give at least one aggregate with -a
Try 'swindow --help' for more information.
EOF
}
