#!/usr/bin/env bats
# scheckpoint: barriers, snapshots, commits, resuming, and the faults.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	# 400 events over 40 minutes, 4 users, a bad time at line 150
	python3 - > in.ndjson <<'EOF'
for i in range(400):
    if i == 149:
        print('{"ts":"not a time","user":"x"}')
        continue
    print('{"ts":%d,"user":"u%d","bytes":%d}' % (1700000000 + i * 6 + i // 50 * 120,
                                                 i % 4, i * 10 % 97))
EOF
}

# The example pipeline: scheckpoint | swatermark | swindow | scheckpoint.
run_pipeline() {
	scheckpoint -d state --every "${EVERY:-50}" "${@:-in.ndjson}" |
	    swatermark -d 5s --dead-letter wmdead |
	    swindow -k user --session 60s -a count -a sum:bytes --late late |
	    scheckpoint -d state --commit -o out
}

# The same without scheckpoint: what out must hold.
reference() {
	swatermark -d 5s --dead-letter refdead < "${1:-in.ndjson}" |
	    swindow -k user --session 60s -a count -a sum:bytes --late reflate |
	    grep -v '^{"\$' > ref
}

@test "pipeline: the output is the pipeline's without scheckpoint" {
	run_pipeline
	reference
	cmp out ref
	cmp wmdead refdead
	cmp late reflate
	[ "$(wc -l < out)" -gt 20 ]
}

@test "source: barrier 0 on a fresh DIR, one every N lines, a final one, the end" {
	printf '{"a":1}\n\n{"a":2}\n{"a":3}\n' > small
	run --separate-stderr scheckpoint -d st --every 2 small
	[ "$status" -eq 0 ]
	d=$PWD/st
	expect <<EOF
{"\$checkpoint":0,"dir":"$d"}
{"a":1}

{"\$checkpoint":1,"dir":"$d"}
{"a":2}
{"a":3}
{"\$checkpoint":2,"dir":"$d"}
{"\$checkpoint":3,"dir":"$d","final":true}
{"\$checkpoint":3,"dir":"$d","final":true,"end":true}
EOF
	# nothing was committed, so a rerun starts afresh
	run scheckpoint -d st --every 2 small
	[ "${lines[0]}" = "{\"\$checkpoint\":0,\"dir\":\"$d\"}" ]
}

@test "source: resumes just after the last commit, seeking the file" {
	run_pipeline
	n=$(scheckpoint -d state --status --json | sed 's/.*"checkpoint":\([0-9]*\).*/\1/')
	run scheckpoint -d state --every 50 in.ndjson
	[ "$status" -eq 0 ]
	d=$PWD/state
	[ "${lines[0]}" = "{\"\$restore\":$n,\"dir\":\"$d\"}" ]
	[ "${lines[1]}" = "{\"\$checkpoint\":$((n + 1)),\"dir\":\"$d\",\"final\":true}" ]
	[ "${lines[2]}" = "{\"\$checkpoint\":$((n + 1)),\"dir\":\"$d\",\"final\":true,\"end\":true}" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "status: the last commit, the input position, every operator" {
	run_pipeline
	d=$PWD/state
	run scheckpoint -d state --status
	[ "$status" -eq 0 ]
	[[ ${lines[0]} =~ ^checkpoint\ 9,\ committed\ [0-9T:-]+Z,\ the\ input\'s\ end$ ]]
	[ "${lines[1]}" = "input:  $PWD/in.ndjson, byte $(wc -c < in.ndjson) (line 400)" ]
	[ "${lines[2]}" = "output: $PWD/out, $(wc -c < out) bytes" ]
	[ "${lines[3]}" = "operators:" ]
	[[ ${lines[4]} =~ ^\ \ source\ +scheckpoint\ +$d/ckpt.9/source,\ [0-9]+\ bytes$ ]]
	[[ ${lines[5]} =~ ^\ \ 1\ +swatermark\ +$d/ckpt.9/op.1,\ [0-9]+\ bytes$ ]]
	[[ ${lines[6]} =~ ^\ \ 2\ +swindow\ +$d/ckpt.9/op.2,\ [0-9]+\ bytes$ ]]
	run scheckpoint -d state --status --json
	[ "$status" -eq 0 ]
	python3 - "$output" "$d" "$PWD" <<'EOF'
import json, sys
s, d, cwd = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
assert s['checkpoint'] == 9 and s['final'] and s['complete'], s
assert s['input'] == {'path': cwd + '/in.ndjson', 'offset': s['input']['offset'], 'line': 400}
assert s['output']['path'] == cwd + '/out'
assert [(o['id'], o['tool']) for o in s['operators']] == [
    ('source', 'scheckpoint'), ('1', 'swatermark'), ('2', 'swindow')]
EOF
	run scheckpoint -d nothing-here --status
	[ "$status" -eq 1 ]
	mkdir empty
	run scheckpoint -d empty --status
	[ "$status" -eq 0 ]
	expect <<EOF
$PWD/empty: no committed checkpoint
EOF
}

@test "snapshots: NDJSON, a header, state lines, a crc32 line" {
	run_pipeline
	for f in state/ckpt.9/*; do
		python3 - "$f" <<'EOF'
import json, sys, zlib
data = open(sys.argv[1], 'rb').read()
lines = data.split(b'\n')
assert lines[-1] == b''
head, last = json.loads(lines[0]), json.loads(lines[-2])
for l in lines[1:-2]:
    json.loads(l)
assert head['snapshot'] == 'streamutils' and head['format'] == 1
assert head['checkpoint'] == 9 and 'options' in head
body = data[:len(data) - len(lines[-2]) - 1]
assert last == {'crc32': '%08x' % zlib.crc32(body)}, last
EOF
	done
	run sed -n 1p state/ckpt.9/op.2
	[[ $output == '{"snapshot":"streamutils","format":1,"tool":"swindow","id":"2","checkpoint":9,"options":{"window":"session",'* ]]
}

@test "old checkpoints go once a newer one commits: the last two stay" {
	run_pipeline
	run ls state
	expect <<'EOF'
ckpt.8
ckpt.9
lock
EOF
}

@test "sink to stdout: output is released only at commits" {
	fifo_setup
	scheckpoint -d state --every 2 "$fifo" 3>&- |
	    scheckpoint -d state --commit > "$out" 3>&- &
	exec 8> "$fifo"
	printf '{"n":1}\n{"n":2}\n{"n":3}\n' >&8
	wait_for 2
	sleep 0.3
	run cat "$out"
	expect <<'EOF'
{"n":1}
{"n":2}
EOF
	printf '{"n":4}\n{"n":5}\n' >&8
	wait_for 4
	exec 8>&-
	wait
	run cat "$out"
	expect <<'EOF'
{"n":1}
{"n":2}
{"n":3}
{"n":4}
{"n":5}
EOF
}

@test "sink: upstream ends early: nothing kept after the last commit, exit 1" {
	d=$PWD/state
	run --separate-stderr scheckpoint -d state --commit -o out <<EOF
{"\$checkpoint":0,"dir":"$d"}
{"a":1}
{"\$checkpoint":1,"dir":"$d","ops":[]}
{"a":2}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
scheckpoint: upstream ended before its input's end (no final barrier): the output stays as at checkpoint 1; rerun the pipeline to go on
EOF
	run cat out
	expect <<'EOF'
{"a":1}
EOF
	run --separate-stderr scheckpoint -d state --commit -o out <<'EOF'
{"a":1}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
scheckpoint: line 1: the first record is not a $restore or $checkpoint 0: is scheckpoint the source of this pipeline?
EOF
	run --separate-stderr scheckpoint -d state --commit -o out </dev/null
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
scheckpoint: upstream ended before its first record: nothing written
EOF
	run cat out
	expect <<'EOF'
{"a":1}
EOF
}

@test "end mark: a tool dies after the final barrier: the end it fired is not kept" {
	d=$PWD/state
	# a tool's end fires windows after the final barrier; its end mark,
	# written after them, says they are all there: here it never comes
	run --separate-stderr scheckpoint -d state --commit -o out <<EOF
{"\$checkpoint":0,"dir":"$d"}
{"a":1}
{"\$checkpoint":1,"dir":"$d","final":true,"ops":["1"]}
{"a":2}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
scheckpoint: upstream ended before it wrote what the end of its input fires (no end mark after the final barrier): the output stays as at checkpoint 1; rerun the pipeline to go on
EOF
	run cat out
	expect <<'EOF'
{"a":1}
EOF
	# the tools hold the mark until their own end is written
	run swindow --tumble 1m -a count <<EOF
{"\$checkpoint":0,"dir":"$d"}
{"ts":1}
{"\$checkpoint":1,"dir":"$d","final":true}
{"\$checkpoint":1,"dir":"$d","final":true,"end":true}
EOF
	expect <<EOF
{"\$checkpoint":0,"dir":"$d","ops":["1"]}
{"\$checkpoint":1,"dir":"$d","final":true,"ops":["1"]}
{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","count":1}
{"\$checkpoint":1,"dir":"$d","final":true,"end":true}
EOF
}

@test "a killed source: downstream sees the end, the rerun converges" {
	reference
	# the source dies by SIGPIPE, its output cut off mid-line
	scheckpoint -d state --every 50 in.ndjson | head -c 7000 |
	    swatermark -d 5s --dead-letter wmdead |
	    swindow -k user --session 60s -a count -a sum:bytes --late late |
	    scheckpoint -d state --commit -o out 2>err || true
	grep -q 'upstream ended before' err
	run_pipeline
	cmp out ref
	cmp wmdead refdead
	cmp late reflate
}

@test "rerun after the input grew: only the new part is read" {
	head -n 200 in.ndjson > grow
	run_pipeline "$PWD/grow"
	cat in.ndjson > grow
	# a read-counting shim: the source must start where it stood
	run scheckpoint -d state --status --json
	[[ $output == *'"line":200'* ]]
	run_pipeline "$PWD/grow"
	reference grow
	cmp out ref
	cmp late reflate
	cmp wmdead refdead
	run scheckpoint -d state --status --json
	[[ $output == *'"line":400'* ]]
}

@test "a pipe: the restore skips the bytes the checkpoint consumed" {
	cat in.ndjson | run_pipeline -
	reference
	cmp out ref
	# rerun with a producer that stops short: it is no longer the same
	run --separate-stderr sh -c 'head -n 5 in.ndjson | scheckpoint -d state -'
	[ "$status" -eq 1 ]
	[[ $stderr == "scheckpoint: -: ended after $(head -n 5 in.ndjson | wc -c) bytes, before checkpoint 9 (byte $(wc -c < in.ndjson)): not the input the pipeline read" ]]
	# or one whose lines do not end where the checkpoint stood
	run --separate-stderr sh -c 'sed 1s/^/x/ in.ndjson | scheckpoint -d state -'
	[ "$status" -eq 1 ]
	[[ $stderr == "scheckpoint: -: no line ends at byte $(wc -c < in.ndjson), where checkpoint 9 stood: not the input the pipeline read" ]]
}

@test "--every DUR over a file into a pipe: only the byte offset is kept" {
	# the kernel moves the file's pages; the source reads none to count
	# lines, so the status shows where it stands in bytes
	head -n 200 in.ndjson > grow
	EVERY=1s run_pipeline "$PWD/grow"
	run scheckpoint -d state --status
	[ "${lines[1]}" = "input:  $PWD/grow, byte $(wc -c < grow)" ]
	run scheckpoint -d state --status --json
	[[ $output == *"\"input\":{\"path\":\"$PWD/grow\",\"offset\":$(wc -c < grow)},"* ]]
	# it resumes at that byte, whatever --every is now
	cat in.ndjson > grow
	run_pipeline "$PWD/grow"
	reference grow
	cmp out ref
	cmp late reflate
	cmp wmdead refdead
	run scheckpoint -d state --status
	[ "${lines[1]}" = "input:  $PWD/grow, byte $(wc -c < grow)" ]
}

@test "-f follows a growing file and checkpoints as it goes" {
	: > live
	scheckpoint -d state -f --every 1 live 3>&- |
	    scheckpoint -d state --commit -o out 3>&- &
	out=$PWD/out
	printf '{"n":1}\n{"n":2}\n' >> live
	wait_for 2
	printf '{"n":3}\n' >> live
	wait_for 3
	# the sink writes a line out before it commits the checkpoint
	eventually sh -c 'scheckpoint -d state --status --json |
	    grep -q "\"line\":3"'
	kill %1
	wait || true
	run cat out
	expect <<'EOF'
{"n":1}
{"n":2}
{"n":3}
EOF
}

@test "identity: --id names an operator; other options or tools are refused" {
	d=$PWD/state
	scheckpoint -d state --every 100 in.ndjson |
	    swatermark -d 5s --skip-bad --id wm |
	    swindow -k user --tumble 1m -a count |
	    scheckpoint -d state --commit -o out 2>/dev/null
	ls state/ckpt.5 | grep -qx op.wm
	ls state/ckpt.5 | grep -qx op.2
	# the same pipeline with another window size
	run --separate-stderr sh -c 'scheckpoint -d state in.ndjson |
	    swatermark -d 5s --skip-bad --id wm |
	    swindow -k user --tumble 2m -a count'
	[ "$status" -eq 1 ]
	[[ $stderr == *"swindow: restore 5: $d/ckpt.5/op.2: written by swindow with other options: {\"window\":\"tumble\",\"size\":60000000000,"*"; now {\"window\":\"tumble\",\"size\":120000000000,"* ]]
	# the tools swapped
	run --separate-stderr sh -c 'scheckpoint -d state in.ndjson |
	    swindow -k user --tumble 1m -a count --id wm --skip-bad'
	[ "$status" -eq 1 ]
	[[ $stderr == *"swindow: restore 5: $d/ckpt.5/op.wm: written by swatermark, not swindow" ]]
}

@test "corruption: a damaged newest checkpoint falls back to the one before" {
	reference
	EVERY=100 run_pipeline
	for f in source op.1 op.2 commit; do
		for how in flip cut; do
			rm -rf state out late wmdead
			EVERY=100 run_pipeline
			n=$(ls state | sed -n 's/ckpt\.//p' | sort -n | tail -1)
			p=state/ckpt.$n/$f
			if [ $how = flip ]; then
				python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 1; open(p, "wb").write(b)' "$p"
			else
				head -c $(( $(wc -c < "$p") - 9 )) "$p" > t && mv t "$p"
			fi
			run --separate-stderr scheckpoint -d state --status
			[ "$status" -eq 0 ]
			[ "${lines[0]%%,*}" = "checkpoint $((n - 1))" ]
			[[ $stderr == "scheckpoint: checkpoint $n is damaged, an older one is used: $PWD/$p: damaged or cut short (its checksum does not match)" ]]
			EVERY=100 run_pipeline 2>/dev/null
			cmp out ref
			cmp late reflate
			cmp wmdead refdead
		done
	done
}

@test "corruption: every cut and flip of a snapshot bigger than the reader's buffer is refused" {
	# 30,000 windows and one of 200,000 values (a 2.6 MB line): the
	# file (5.9 MB) is read a megabyte at a time, twice
	python3 - > keys <<'EOF'
for i in range(30000):
    print('{"ts":%d,"k":%d,"v":%d}' % (1700000000 + i % 600, i, i))
for i in range(200000):
    print('{"ts":1700000000,"k":"big","v":%d}' % i)
EOF
	d=$PWD/st
	mkdir st
	{ cat keys; echo "{\"\$checkpoint\":1,\"dir\":\"$d\"}"; } |
	    swindow -k k --tumble 1h -a count,collect:v | grep -v '^{"\$' > ref
	echo "{\"\$restore\":1,\"dir\":\"$d\"}" > restore
	p=st/ckpt.1/op.1
	cp "$p" good
	run --separate-stderr swindow -k k --tumble 1h -a count,collect:v restore
	[ "$status" -eq 0 ]
	[ "$(grep -v '^{"\$' <<<"$output")" = "$(cat ref)" ]
	size=$(wc -c < good)
	damaged="swindow: restore 1: $d/ckpt.1/op.1: damaged or cut short (its checksum does not match)"
	# cuts: empty, inside the header, at the reader's buffer, inside
	# and at the checksum line, the last newline
	for at in 0 1 100 1048575 1048576 1048577 $((size / 2)) \
	    $((size - 22)) $((size - 21)) $((size - 9)) $((size - 1)); do
		head -c "$at" good > "$p"
		run --separate-stderr swindow -k k --tumble 1h -a count,collect:v restore
		[ "$status" -eq 1 ] || { echo "cut at $at: status $status" >&2; return 1; }
		[ "$stderr" = "$damaged" ] || { echo "cut at $at: $stderr" >&2; return 1; }
		[ -z "$output" ]
	done
	# flips of one bit, over the file and in its checksum line
	for at in $(python3 -c "
import random
r = random.Random(7); n = $size
print(*sorted(set([0, n - 2, n - 1, n - 12] + [r.randrange(n) for _ in range(12)])))"); do
		python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[int(sys.argv[2])] ^= 4; open(sys.argv[3], "wb").write(b)' good "$at" "$p"
		run --separate-stderr swindow -k k --tumble 1h -a count,collect:v restore
		[ "$status" -eq 1 ] || { echo "flip at $at: status $status" >&2; return 1; }
		[ "$stderr" = "$damaged" ] || { echo "flip at $at: $stderr" >&2; return 1; }
	done
	# a checksum line made long: no line of the writer's is so long
	{ head -c $((size - 1)) good; printf '%0200d\n' 0; } > "$p"
	run --separate-stderr swindow -k k --tumble 1h -a count,collect:v restore
	[ "$status" -eq 1 ]
	[ "$stderr" = "$damaged" ]
}

@test "a snapshot goes to its file in 64 KiB blocks on 64 KiB bounds" {
	d=$PWD/st
	mkdir st
	{
		python3 -c '
for i in range(20000):
    print("{\"ts\":%d,\"k\":%d,\"v\":%d.5}" % (1700000000 + i % 600, i, i))'
		echo "{\"\$checkpoint\":1,\"dir\":\"$d\"}"
	} > in
	traced trace openat,write swindow -k k --tumble 1h -a count,sum:v in \
	    > /dev/null
	fd=$(grep '/\.tmp\.op\.1\.' trace | grep -o '= [0-9]*$' | cut -c3-)
	[ -n "$fd" ]
	run awk -v fd="$fd" 'index($0, "write(" fd ",") == 1 { print $NF }' trace
	body=$(($(wc -c < st/ckpt.1/op.1) - 21))	# the checksum line last
	[ "$body" -gt $((3 * 65536)) ]
	{
		for ((i = 0; i + 65536 <= body; i += 65536)); do
			echo 65536
		done
		[ $((body % 65536)) -gt 0 ] && echo $((body % 65536))
		echo 21
	} | expect
}

@test "a snapshot from a newer format is refused, naming it" {
	run_pipeline
	python3 - state/ckpt.9/op.2 <<'EOF'
import sys, zlib
p = sys.argv[1]
lines = open(p, 'rb').read().split(b'\n')[:-2]
lines[0] = lines[0].replace(b'"format":1', b'"format":2')
body = b''.join(l + b'\n' for l in lines)
open(p, 'wb').write(body + b'{"crc32":"%08x"}\n' % zlib.crc32(body))
EOF
	run --separate-stderr scheckpoint -d state in.ndjson
	[ "$status" -eq 1 ]
	[ "$stderr" = "scheckpoint: $PWD/state/ckpt.9/op.2: snapshot format 2 is newer than this scheckpoint reads (1)" ]
	[ -d state/ckpt.9 ] && [ -d state/ckpt.8 ]
	d=$PWD/state
	run --separate-stderr swindow -k user --session 60s -a count \
	    -a sum:bytes <<EOF
{"\$restore":9,"dir":"$d","ops":["1"]}
EOF
	[ "$status" -eq 1 ]
	[ "$stderr" = "swindow: restore 9: $PWD/state/ckpt.9/op.2: snapshot format 2 is newer than this swindow reads (1)" ]
}

@test "a sum's state reads back exactly, short or long, and a bad one is refused" {
	mkdir st
	d=$PWD/st
	printf '{"ts":0,"k":"a","v":1.5}\n{"$checkpoint":1,"dir":"%s"}\n' "$d" |
	    swindow -k k --tumble 1h -a sum:v > /dev/null
	cp st/ckpt.1/op.1 good
	grep -q '"a":\[\[1,"15",1\]\]}$' good
	# the window's state [n,"NUMERATOR",SCALE] made [1,TEXT], checksum anew
	restore_sum() {
		python3 - good st/ckpt.1/op.1 "$1" <<'EOF'
import sys, zlib
lines = open(sys.argv[1], 'rb').read().split(b'\n')[:-2]
lines[-1] = lines[-1].replace(b'"15",1', sys.argv[3].encode())
body = b''.join(l + b'\n' for l in lines)
open(sys.argv[2], 'wb').write(body + b'{"crc32":"%08x"}\n' % zlib.crc32(body))
EOF
		printf '{"$restore":1,"dir":"%s"}\n' "$d" |
		    swindow -k k --tumble 1h -a sum:v 2>&1 | sed -n '2s/.*"sum_v"://p;s/^swindow: .*: a bad/bad/p'
	}
	for c in '"-15",1 -1.5}' '"0",0 0}' '"-0",0 0}' '"-1",0 -1}' \
	    '"123456789012345678",0 123456789012345678}' \
	    '"-999999999999999999",0 -999999999999999999}' \
	    '"999999999999999999",3 1e+15}' \
	    '"9223372036854775807",0 9223372036854775807}' \
	    '"-9223372036854775809",0 -9.223372036854776e+18}' \
	    '"12345678901234567890123",2 1.2345678901234568e+20}'; do
		[ "$(restore_sum "${c% *}")" = "${c#* }" ] ||
		    { echo "$c: $(restore_sum "${c% *}")" >&2; return 1; }
	done
	for c in '"05",0' '"-05",1' '"00",0' '"",0' '"-",0' '"1.5",0' \
	    '"1e3",0' '"+1",0' '" 1",0' '"1 ",0' '"15",-1' '"15",1101'; do
		[ "$(restore_sum "$c")" = 'bad aggregate state: {"k":"a","s":0,"e":3600000000000,"r":0,"p":1,"y":1,"c":1,"a"' ] ||
		    { echo "$c: $(restore_sum "$c")" >&2; return 1; }
	done
}

@test "lock: a second pipeline on the same DIR is refused at once" {
	fifo_setup
	scheckpoint -d state "$fifo" > /dev/null 3>&- &
	exec 8> "$fifo"
	sleep 0.3
	run --separate-stderr scheckpoint -d state in.ndjson
	[ "$status" -eq 1 ]
	[ "$stderr" = "scheckpoint: $PWD/state: in use by another pipeline ($PWD/state/lock is locked)" ]
	exec 8>&-
	wait
}

@test "faults: an unwritable DIR, and a full disk, with the last commit intact" {
	run --separate-stderr scheckpoint -d /proc/version/state in.ndjson
	[ "$status" -eq 1 ]
	[ "$stderr" = "scheckpoint: /proc/version/state: Not a directory" ]
	reference
	mkdir small
	mount -t tmpfs -o size=256k tmpfs small 2>/dev/null ||
	    skip "no tmpfs mount here (not root?): the full disk is not tried"
	head -n 200 in.ndjson > small/in.ndjson
	cp ref reflate refdead small/
	cd small
	run_pipeline "$PWD/in.ndjson"
	cat ../in.ndjson > in.ndjson
	# the disk fills up: the rerun fails, saying so, and changes nothing
	dd if=/dev/zero of=fill bs=4k 2>/dev/null || true
	run --separate-stderr run_pipeline "$PWD/in.ndjson"
	[ "$status" -eq 1 ]
	[[ $stderr == *"No space left on device"* ]]
	run scheckpoint -d state --status
	[ "${lines[1]}" = "input:  $PWD/in.ndjson, byte $(head -n 200 in.ndjson | wc -c) (line 200)" ]
	rm fill
	run_pipeline "$PWD/in.ndjson"
	cmp out ref && cmp late reflate && cmp wmdead refdead
	code=$?
	cd ..
	umount small
	[ "$code" -eq 0 ]
}

@test "usage: bad options exit 2" {
	for args in "" "-d s --every 0" "-d s --every 5x" "-d s --commit --status" \
	    "-d s -o x" "-d s --json" "-d s --commit f" "-d s a b"; do
		run scheckpoint $args
		[ "$status" -eq 2 ]
	done
	run scheckpoint --version
	[ "$status" -eq 0 ]
	[[ $output == "scheckpoint (streamutils) "* ]]
	run scheckpoint --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "usage: scheckpoint -d DIR [--every DUR|N] [-f] [FILE|-]" ]]
}
