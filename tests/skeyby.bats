#!/usr/bin/env bats
# skeyby: routing by key, the deterministic merge, control records, -o
# templates, children that fail, stop early or write a lot, checkpoints.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	# 2000 events over 10 minutes, 7 users, out of order by up to 3 s
	python3 - > in.ndjson <<'EOF'
import random
r = random.Random(5)
for i in range(2000):
    t = 1700000000 + i * 0.3 - r.random() * 3
    print('{"ts":%.3f,"user":"u%d","bytes":%d}' % (t, r.randrange(7), r.randrange(1000)))
EOF
}

# The shard of a key text, as the man page gives it.
shard_of() {
	python3 -c '
import sys
h = 0xcbf29ce484222325
for b in sys.argv[1].encode():
    h = ((h ^ b) * 0x100000001b3) % 2**64
h ^= h >> 32
print((h or 1) % int(sys.argv[2]))' "$1" "$2"
}

@test "the same records as one swindow, for each kind of window; the same bytes on every run" {
	for w in "--tumble 1m" "--hop 2m --every 30s" "--session 1s" "--count 5"; do
		swindow -k user $w -a count -a sum:bytes < in.ndjson | sort > one
		skeyby -k user -n 3 -- swindow -k user $w -a count -a sum:bytes \
		    < in.ndjson > three
		sort three | cmp - one
		[ "$(wc -l < one)" -gt 10 ]
		for i in 1 2 3; do
			skeyby -k user -n 3 -- swindow -k user $w -a count \
			    -a sum:bytes < in.ndjson | cmp - three
		done
	done
}

@test "routing: hash_bytes of the key text mod N; a missing key is null" {
	printf '%s\n' '{"user":"u1"}' '{"user":1}' '{"user":"1"}' '{"x":0}' \
	    '{"user":null}' '{"user":["a",1.0]}' > keys
	run skeyby -k user -n 4 -c 'sed "s/^/$SKEYBY_SHARD /"' < keys
	want=$(for k in '"u1"' 1 '"1"' null null '["a",1]'; do shard_of "$k" 4; done | sort | uniq -c)
	[ "$(cut -d' ' -f1 <<< "$output" | sort | uniq -c)" = "$want" ]
	# the missing key and null: one shard
	[ "$(grep -c "^$(shard_of null 4) " <<< "$output")" -ge 2 ]
	# several keys: the array of them
	printf '{"a":"x","b":2}\n' | skeyby -k a,b -n 5 -c 'sed "s/^/$SKEYBY_SHARD /"' > got
	[ "$(cut -d' ' -f1 got)" = "$(shard_of '["x",2]' 5)" ]
}

@test "each shard's command sees SKEYBY_SHARD and SKEYBY_SHARDS" {
	run skeyby -k user -n 3 -c 'cat >/dev/null; echo "{\"shard\":$SKEYBY_SHARD,\"of\":$SKEYBY_SHARDS}"' < in.ndjson
	expect <<'EOF'
{"shard":0,"of":3}
{"shard":1,"of":3}
{"shard":2,"of":3}
EOF
}

@test "shards elsewhere: through a stand-in for ssh, each in its own directory" {
	# fake-ssh HOST CMD: runs CMD in a directory of its own, as ssh runs
	# it on another machine: nothing but stdin and stdout in common
	cat > fake-ssh <<EOF
#!/bin/sh
host=\$1; shift
mkdir -p "$PWD/\$host" && cd "$PWD/\$host" && exec env -i PATH="$PATH" sh -c "\$*"
EOF
	chmod +x fake-ssh
	swatermark -d 5s < in.ndjson | swindow -k user --session 20s -a count > one
	swatermark -d 5s < in.ndjson |
	    skeyby -k user -n 2 -c './fake-ssh "worker$SKEYBY_SHARD" swindow -k user --session 20s -a count --late late' > two
	sort two | cmp - <(sort one)
	[ -f worker0/late ] && [ -f worker1/late ]
}

@test "watermarks: the least of the shards', forwarded only when it grows" {
	# shard 0 is slow to see time pass: its watermarks hold the merge back
	printf '%s\n' '{"$watermark":10}' '{"$watermark":20}' '{"$watermark":30}' |
	    skeyby -k user -n 2 -c 'if [ $SKEYBY_SHARD = 0 ]; then sed "s/20/5/;s/30/25/"; else cat; fi' > got
	run cat got
	expect <<'EOF'
{"$watermark":10}
{"$watermark":25}
EOF
}

@test "the merge: cut at each watermark, each segment shard by shard" {
	u0=$(for u in a b c d e f g h; do [ "$(shard_of "\"$u\"" 2)" = 0 ] && echo $u; done | head -1)
	u1=$(for u in a b c d e f g h; do [ "$(shard_of "\"$u\"" 2)" = 1 ] && echo $u; done | head -1)
	# shard 1's records come first in the input, and are written second
	printf '%s\n' "{\"user\":\"$u1\",\"n\":1}" "{\"user\":\"$u0\",\"n\":2}" \
	    '{"$watermark":5}' "{\"user\":\"$u1\",\"n\":3}" "{\"user\":\"$u0\",\"n\":4}" |
	    skeyby -k user -n 2 -- cat > got
	run cat got
	expect <<EOF
{"user":"$u0","n":2}
{"user":"$u1","n":1}
{"\$watermark":5}
{"user":"$u0","n":4}
{"user":"$u1","n":3}
EOF
}

@test "barriers: aligned, once, with every shard's operators in ops" {
	d=$PWD/st
	mkdir st
	printf '%s\n' "{\"\$checkpoint\":0,\"dir\":\"$d\"}" '{"ts":1,"user":"a"}' \
	    '{"ts":2,"user":"b"}' '{"$watermark":3}' "{\"\$checkpoint\":1,\"dir\":\"$d\",\"x\":7}" '{"ts":3,"user":"c"}' |
	    skeyby -k user -n 2 -- swindow -k user --tumble 1s -a count > got
	run grep '^{"\$' got
	expect <<EOF
{"\$checkpoint":0,"dir":"$d","ops":["1","2@0","2@1"]}
{"\$watermark":3}
{"\$checkpoint":1,"dir":"$d","x":7,"ops":["1","2@0","2@1"]}
EOF
	# the records of both shards before barrier 1 come before it
	[ "$(sed -n '/checkpoint":1/,$p' got | grep -c '"window_start":"1970-01-01T00:00:0[12]Z"')" -eq 0 ]
	[ "$(grep -c '"count":1' got)" -eq 3 ]
	ls st/ckpt.1 > files
	run cat files
	expect <<'EOF'
op.1
op.2@0
op.2@1
EOF
	# after a skeyby, the places go on as if it had one shard
	printf '%s\n' "{\"\$checkpoint\":0,\"dir\":\"$d\"}" '{"ts":1,"user":"a"}' |
	    skeyby -k user -n 3 -- swindow -k user --tumble 1s -a count |
	    swindow --tumble 1s -a count -t window_start | grep '^{"\$' > got
	run cat got
	expect <<EOF
{"\$checkpoint":0,"dir":"$d","ops":["1","2@0","2@1","2@2","2"]}
EOF
}

@test "the SPEC pipeline through skeyby -n 2: checkpointed, killed, rerun" {
	run_it() {
		scheckpoint -d state --every 300 in.ndjson | swatermark -d 5s |
		    skeyby -k user -n 2 -- swindow -k user --session 20s -a count -a sum:bytes |
		    scheckpoint -d state --commit -o out
	}
	swatermark -d 5s < in.ndjson | skeyby -k user -n 2 -- swindow -k user --session 20s -a count -a sum:bytes |
	    grep -v '^{"\$' > ref
	run_it
	cmp out ref
	run scheckpoint -d state --status
	[[ $output == *"  3@1      swindow "* ]]
	# a run killed after checkpoint 3: the rerun restores every shard
	rm -rf state out
	scheckpoint -d state --every 300 in.ndjson | head -n 1200 | swatermark -d 5s |
	    skeyby -k user -n 2 -- swindow -k user --session 20s -a count -a sum:bytes |
	    scheckpoint -d state --commit -o out 2>/dev/null || true
	[ -s state/ckpt.3/commit ]
	run_it
	cmp out ref
}

@test "-o TEMPLATE: a file per shard, or per key, data records only" {
	printf '%s\n' '{"$watermark":1}' '{"user":"a","n":1}' '{"user":"b","n":2}' '{"user":"a","n":3}' |
	    skeyby -k user -n 2 -o 'part-%d.ndjson'
	sa=$(shard_of '"a"' 2)
	grep -q '"n":1' "part-$sa.ndjson"
	grep -q '"n":3' "part-$sa.ndjson"
	! grep -q watermark part-*.ndjson
	[ "$(cat part-*.ndjson | wc -l)" -eq 3 ]
	# a rerun writes them anew
	printf '{"user":"a","n":9}\n' | skeyby -k user -n 2 -o 'part-%d.ndjson'
	run cat "part-$sa.ndjson"
	expect <<<'{"user":"a","n":9}'
}

@test "-o %k: hostile keys stay in the directory and never share a file" {
	mkdir -p sub/out
	printf '%s\n' '{"k":"../../etc/x"}' '{"k":"a/b"}' '{"k":""}' '{"k":"\u0001"}' \
	    '{"k":"1"}' '{"k":1}' '{"k":null}' '{"z":0}' '{"k":"ok-Name_1.x"}' \
	    '{"k":"."}' '{"k":".."}' '{"k":"%41"}' '{"k":"A"}' '{"k":"é"}' '{"k":[1]}' |
	    skeyby -k k -o 'sub/out/%k.ndjson'
	run ls -A sub/out
	expect <<'EOF'
%.ndjson
%01.ndjson
%2541.ndjson
%2E.%2F..%2Fetc%2Fx.ndjson
%2E..ndjson
%2E.ndjson
%=%5B1%5D.ndjson
%=1.ndjson
%=null.ndjson
%C3%A9.ndjson
1.ndjson
A.ndjson
a%2Fb.ndjson
ok-Name_1.x.ndjson
EOF
	[ "$(cat sub/out/%=null.ndjson | wc -l)" -eq 2 ]
	[ "$(find . -name '*.ndjson' -newer in.ndjson | grep -vc '^./sub/out/')" -eq 0 ]
	# a 10,000-byte key: a clear error, a bad record
	python3 -c 'print("{\"k\":\"" + "x" * 10000 + "\"}")' > long
	run --separate-stderr skeyby -k k -o 'sub/out/%k' < long
	[ "$status" -eq 1 ]
	expect_err <<<"skeyby: line 1: the key's file name would be over 255 bytes"
}

@test "a child that fails: skeyby exits with its status, naming the shard" {
	run --separate-stderr skeyby -k user -n 3 -c '[ $SKEYBY_SHARD = 2 ] && exit 7; cat' < in.ndjson
	[ "$status" -eq 7 ]
	[[ $stderr == "skeyby: shard 2 ([ \$SKEYBY_SHARD = 2 ] && exit 7; cat) exited with status 7" ]]
	# both shards fail; which one skeyby sees first is a race, but the
	# one it names wrote its own message before it ended
	run -127 --separate-stderr skeyby -k user -n 2 -- no-such-command < /dev/null
	[[ $stderr =~ "skeyby: shard "([01])" (no-such-command) exited with status 127" ]]
	[[ $stderr == *"skeyby: shard ${BASH_REMATCH[1]}: no-such-command: No such file or directory"* ]]
	run --separate-stderr skeyby -k user -n 2 -c 'kill -9 $$' < in.ndjson
	[ "$status" -eq 137 ]
	[[ $stderr == *"was killed by signal 9" ]]
}

@test "a child that stops reading early, as head does: the others go on" {
	run skeyby -k user -n 2 -c 'if [ $SKEYBY_SHARD = 0 ]; then head -n 1; else cat; fi' < in.ndjson
	[ "$status" -eq 0 ]
	n1=$(python3 -c '
import json, sys
print(sum(1 for l in open("in.ndjson")))')
	[ "${#lines[@]}" -gt 1 ]
	[ "${#lines[@]}" -lt "$n1" ]
}

@test "large outputs: shards write far more than a pipe holds while skeyby still writes to them" {
	# each shard doubles every line and writes only at its end, or at once
	python3 -c '
for i in range(200000):
    print("{\"user\":\"u%d\",\"pad\":\"%s\"}" % (i, "x" * 60))' > big
	run skeyby -k user -n 2 -c 'awk "{ print; print }"' < big
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 400000 ]
	skeyby -k user -n 2 -c 'sort' < big | sort | cmp - <(sort big)
	# a slow reader downstream: backpressure, no loss
	skeyby -k user -n 2 -- cat < big | (sleep 1; cat) | sort | cmp - <(sort big)
	# a shard that reads slowly, and one that reads nothing for a while
	skeyby -k user -n 2 -c 'if [ $SKEYBY_SHARD = 0 ]; then sleep 1; cat; else
	    while read -r l; do printf "%s\n" "$l"; done; fi' < big | sort | cmp - <(sort big)
}

@test "| head: skeyby and its shards end quietly" {
	# an endless input, with watermarks so the merge can write
	mark="cat # head-$$-$RANDOM"
	run bash -c 'yes "{\"user\":\"a\"}
{\"user\":\"b\"}
{\"\$watermark\":1}" | skeyby -k user -n 2 -c "$1" | head -n 3; echo "${PIPESTATUS[@]}"' _ "$mark"
	printf '%s\n' "$output"	# shown when it fails
	[ "${lines[3]}" = "141 0 0" ]
	# they go at once, but a loaded machine may take a while to show it
	gone() { ! pgrep -f "$mark" > /dev/null; }
	eventually gone
}

@test "--hold: output that waits for its turn is bounded, with a clear message" {
	# no watermark: shard 1's output waits for shard 0's end, which an
	# endless input never brings
	u1=$(for u in a b c d e f g h; do [ "$(shard_of "\"$u\"" 2)" = 1 ] && echo $u; done | head -1)
	run --separate-stderr bash -c "yes '{\"user\":\"$u1\"}' | skeyby --hold 4M -k user -n 2 -- cat"
	[ "$status" -eq 1 ]
	expect_err <<<"skeyby: more than --hold 4194304 bytes of the shards' output wait for their turn: a shard before them has not come to a watermark, a barrier or its end (see skeyby(1))"
	run --separate-stderr skeyby --hold 4X -k user -n 2 -- cat
	[ "$status" -eq 2 ]
}

@test "killed, skeyby leaves no shard behind" {
	mkfifo fifo
	skeyby -k user -n 2 -- sleep 300 < fifo > /dev/null 3>&- &
	pid=$!
	exec 5> fifo
	# both shards up; a loaded machine (or valgrind) may take a while
	both_up() { [ "$(pgrep -c -P "$pid")" -eq 2 ]; }
	eventually both_up
	# these two, not any "sleep 300": another run of the suite (valgrind's,
	# a helper's) may have its own shards up at this moment
	kids=$(pgrep -P "$pid")
	kill -9 "$pid"
	exec 5>&-
	# they go at once, but a loaded machine may take a while to show it
	all_gone() {
		local p state
		alive=
		for p in $kids; do
			# gone once reaped (where init reaps), else a zombie
			state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' \
			    /proc/"$p"/status 2>/dev/null) || state=
			[ -n "$state" ] && [ "$state" != Z ] && alive="$alive $p"
		done
		[ -z "$alive" ]
	}
	eventually all_gone || {
		for p in $alive; do
			echo "left behind: $(ps -o pid=,ppid=,stat=,etimes=,args= \
			    -p "$p") (skeyby was $pid)" >&2
		done
		false
	}
}

@test "bad input: line numbers, --skip-bad, --dead-letter" {
	printf '%s\n' '{"user":"a"}' 'not json' '' '[1]' '{"user":"b"}' > bad
	run --separate-stderr skeyby -k user -n 2 -- cat < bad
	[ "$status" -eq 1 ]
	expect_err <<<'skeyby: line 2: invalid JSON: invalid literal at byte 1'
	run --separate-stderr skeyby --skip-bad -k user -n 2 -- cat < bad
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	expect_err <<<'skeyby: 2 bad records skipped'
	run skeyby --dead-letter dl -k user -n 2 -- cat < bad
	[ "$status" -eq 0 ]
	run cat dl
	expect <<'EOF'
{"line":2,"error":"invalid JSON: invalid literal at byte 1","raw":"not json"}
{"line":4,"error":"not an object","raw":"[1]"}
EOF
}

@test "flush on wait: a live input's merged output comes out at each watermark" {
	fifo_setup
	skeyby -k user -n 2 -- cat < "$fifo" > "$out" 3>&- &
	exec 5> "$fifo"
	printf '{"user":"a"}\n{"user":"b"}\n{"$watermark":1}\n' >&5
	wait_for 3
	printf '{"user":"c"}\n{"$watermark":2}\n' >&5
	wait_for 5
	exec 5>&-
	wait
	[ "$(tail -n 1 "$out")" = '{"$watermark":2}' ]
}

@test "usage: --help, --version, and what is required" {
	run skeyby --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "usage: skeyby -k KEYS -n N [options] [--] COMMAND [ARG...]" ]]
	run skeyby --version
	[[ $output =~ ^skeyby\ \(streamutils\)\  ]]
	run --separate-stderr skeyby -n 2 cat
	[ "$status" -eq 2 ]
	[[ $stderr == "skeyby: -k KEYS is required"* ]]
	run --separate-stderr skeyby -k user cat
	[ "$status" -eq 2 ]
	run --separate-stderr skeyby -k user -n 0 cat
	[ "$status" -eq 2 ]
	[[ $stderr == "skeyby: -n: '0' is not a number of shards from 1 to 1024"* ]]
	run --separate-stderr skeyby -k user -n 2
	[ "$status" -eq 2 ]
	run --separate-stderr skeyby -k user -o 'x-%d'
	[ "$status" -eq 2 ]
	[[ $stderr == "skeyby: -o: %d needs -n N"* ]]
	# the options end at COMMAND: this -n is sed's, not skeyby's
	printf '{"user":"a"}\n' | skeyby -k user -n 2 sed -n p > got
	run cat got
	expect <<<'{"user":"a"}'
}

@test "rescaling: killed with -n 2, rerun with -n 3, killed, rerun with -n 2" {
	pipe() {
		scheckpoint -d state --every 200 in.ndjson | head -n "$2" | swatermark -d 5s |
		    skeyby -k user -n "$1" -- swindow -k user --session 20s -a count -a sum:bytes -a first:bytes |
		    scheckpoint -d state --commit -o out 2>/dev/null
	}
	swatermark -d 5s < in.ndjson | swindow -k user --session 20s -a count -a sum:bytes -a first:bytes |
	    grep -v '^{"\$' | sort > ref
	pipe 2 700 || true
	[ -s state/ckpt.3/commit ]
	pipe 3 1500 || true
	ls state/ckpt.*/op.3@2 > /dev/null
	pipe 2 100000
	sort out | cmp - ref
	# every key's windows came back whole: no key lost or doubled
	[ "$(wc -l < out)" -eq "$(wc -l < ref)" ]
	# a tool whose keys do not hold skeyby's cannot be rescaled
	rm -rf state
	scheckpoint -d state --every 200 in.ndjson | head -n 700 | swatermark -d 5s |
	    skeyby -k user -n 2 -- swindow --session 20s -a count |
	    scheckpoint -d state --commit -o out 2>/dev/null || true
	run --separate-stderr bash -c 'scheckpoint -d state --every 200 in.ndjson | swatermark -d 5s |
	    skeyby -k user -n 3 -- swindow --session 20s -a count |
	    scheckpoint -d state --commit -o out'
	[ "$status" -ne 0 ]
	[[ $stderr == *"cannot rescale swindow: skeyby's keys must be among its -k keys"* ]]
}

@test "regression: the shards' messages come out whole, never mixed" {
	for i in $(seq 40); do
		printf '{"k":1,"ts":1}\n{"k":2,"ts":1}\n{"k":3,"ts":1}\n{"k":4,"ts":1}\n{"$watermark":5}\n{"k":1,"ts":1}\n{"k":2,"ts":1}\n{"k":3,"ts":1}\n{"k":4,"ts":1}\n' |
		    skeyby -k k -n 4 -- swindow -k k --tumble 1s -a count 2>&1 >/dev/null
	done > err
	[ "$(wc -l < err)" -eq 160 ]
	[ "$(grep -cvx 'swindow: 1 late event dropped' err)" -eq 0 ]
}

@test "regression: --time-unit reads the shards' watermarks in their unit" {
	run skeyby --time-unit ms -k g -n 2 -- swindow -k g --tumble 1s -a count --time-unit ms <<'EOF2'
{"$watermark":5000000000}
{"$watermark":100000000000}
EOF2
	expect <<'EOF2'
{"$watermark":5000000000}
{"$watermark":100000000000}
EOF2
	run skeyby --time-unit ns -k g -n 2 -- swindow -k g --tumble 1s -a count --time-unit ns <<<'{"$watermark":18000000000}'
	[ "$status" -eq 0 ]
	expect <<<'{"$watermark":18000000000}'
}

@test "regression: a restore takes up the merge's watermarks where the barrier left them" {
	d=$PWD
	# one that does not advance is not written again after the restore
	printf '{"$watermark":10}\n{"$checkpoint":1,"dir":"%s"}\n{"$watermark":5}\n' "$d" |
	    skeyby -k g -n 1 -- swindow -k g --tumble 2s -a count > /dev/null
	run skeyby -k g -n 1 -- swindow -k g --tumble 2s -a count <<<"$(printf '{"$restore":1,"dir":"%s"}\n{"$watermark":5}' "$d")"
	expect <<<"{\"\$restore\":1,\"dir\":\"$d\",\"ops\":[\"1\",\"2@0\"]}"
	# and a shard that says nothing after it still holds its watermark
	rm -rf ckpt.*
	printf '{"k":"b","ts":10}\n{"k":"a","ts":5}\n{"$checkpoint":1,"dir":"%s"}\n{"k":"a","ts":7}\n{"$checkpoint":2,"dir":"%s"}\n' "$d" "$d" |
	    skeyby -k k -n 2 -c 'swatermark -d 0' | sed -n '/checkpoint":1/,$p' | tail -n +2 > whole
	run skeyby -k k -n 2 -c 'swatermark -d 0' <<<"$(printf '{"$restore":1,"dir":"%s"}\n{"k":"a","ts":7}\n{"$checkpoint":2,"dir":"%s"}' "$d" "$d")"
	[ "$(tail -n +2 <<<"$output")" = "$(cat whole)" ]
	grep -q '"\$watermark":"1970-01-01T00:00:07Z"' whole
}

@test "regression: lines already read wait for no more input" {
	# a little more than a shard's queue takes at once, then a quiet
	# upstream: the lines skeyby has read must still go on
	python3 -c '
for i in range(2300): print("{\"k\":1,\"pad\":\"%s\"}" % ("x" * 100))
print("{\"k\":1,\"END\":1}")' > f
	mkfifo in
	skeyby -k k -n 1 -- grep --line-buffered END < in > got 3>&- &
	exec 5> in
	cat f >&5
	eventually grep -q END got
	# while the input is still open
	[ "$(cat got)" = '{"k":1,"END":1}' ]
	exec 5>&-
	wait
}

@test "regression: a shard that shuts its output and reads on is not waited for too soon" {
	(echo '{"k":1}'; sleep 0.5; echo '{"k":2}') |
	    timeout 10 skeyby -k k -n 2 -c 'exec > "out.$SKEYBY_SHARD"; cat'
	[ "$(cat out.* | sort)" = "$(printf '{"k":1}\n{"k":2}')" ]
}

@test "regression: places after a second skeyby do not depend on the first's N; no skeyby in a shard" {
	d=$PWD
	for n in 2 3; do
		printf '{"$checkpoint":0,"dir":"%s"}\n' "$d" |
		    skeyby -k k -n $n -- swatermark -d 1s | skeyby -k k -n 1 -- swatermark -d 1s
	done > got
	[ "$(grep -o '"2","3@0"]' got | wc -l)" -eq 2 ]
	run --separate-stderr bash -c 'printf "{\"\$checkpoint\":0,\"dir\":\"%s\"}\n" "$PWD" | skeyby -k k -n 2 -- skeyby -k k -n 2 -- cat'
	[ "$status" -eq 1 ]
	[[ $stderr == *"skeyby: a barrier from a shard of another skeyby: skeyby in a shard is not supported"* ]]
}

@test "regression: -o %d is as wide as N - 1, so a key next to it cannot run into it" {
	printf '{"k":"cj"}\n{"k":"cj1"}\n' | skeyby -k k -n 13 -o 'o-%k%d'
	run ls o-*
	expect <<'EOF2'
o-cj10
o-cj100
EOF2
	# %% is no %d: no -n needed
	printf '{"k":"a"}\n' | skeyby -k k -o 'p-%%d-%k'
	[ -f 'p-%d-a' ]
}

@test "regression: the shards do not hold skeyby's dead-letter file open" {
	printf '{"k":1}\n' | skeyby --dead-letter dl -k k -n 1 -c 'ls -l /proc/$$/fd; cat >/dev/null' > fds
	! grep -q "$PWD/dl" fds
}

@test "regression: a barrier never passes a shard that failed before it" {
	d=$PWD
	for i in $(seq 5); do
		# its output ends a little before its failure does
		run --separate-stderr skeyby -k k -n 2 -c '[ $SKEYBY_SHARD = 1 ] &&
		    { exec >&-; sleep 0.1; exit 3; }; cat' \
		    <<<"{\"\$checkpoint\":1,\"dir\":\"$d\"}"
		[ "$status" -eq 3 ]
		[[ $output != *checkpoint* ]]
	done
}
