#!/usr/bin/env bash
# The kill/rerun chaos test: a checkpointed pipeline over generated events
# is killed at random moments and rerun until it completes; its output and
# side files must then be byte-identical to one uninterrupted run.
#
#   tests/chaos.sh BINDIR EVENTS KILLS MODE [SEED]
#
# It kills until KILLS kills have cut a run short, in cycles from a fresh
# start that each end with a whole run, compared; after five kills in a
# row that cut a run short, a run goes to its end unharmed.
#
# MODE: group  SIGKILL the whole process group
#       one    SIGKILL one process of the pipeline, at random
#       pipe   the input through cat (restored by skipping bytes)
#       time   barriers every 100ms of wall-clock time
#       grow   the input grows between runs; the end is compared with a
#              run over the whole grown input; barriers by lines or
#              by time, at random from run to run
#       keyby  swindow in two shards of skeyby, each with side files of
#              its own; the kills as in one (any process, shards too)
#       rescale  the same with 1, 2 or 3 shards, at random from run to
#              run, and no side files in the shards; out is compared as
#              a multiset (the merge's order depends on the shards)
# Prints "chaos MODE: K kills (C cut a run short), R runs in N cycles,
# identical" and exits 0, or says what
# differs and exits 1.  Its work dir is $CHAOS_DIR (default a new temp dir).
set -u
bin=$(cd "$1" && pwd) events=$2 kills=$3 mode=$4 seed=${5:-1}
# LeakSanitizer checks at exit from a helper process of its own, which a
# kill here may hit, leaving the tool waiting for it: leaks are the rest
# of the suite's (and valgrind's) to find
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
here=$(cd "$(dirname "$0")" && pwd)
work=${CHAOS_DIR:-$(mktemp -d)}
mkdir -p "$work"
cd "$work" || exit 2
RANDOM=$seed

cc -std=c11 -O2 -o gen "$here/../bench/gen.c" || exit 2
# events, with bad lines for the dead-letter files: a bad time every
# 1009th (swatermark's), bytes that are no number every 997th (swindow's)
./gen -n "$events" -f rfc3339 | awk '
	NR % 1009 == 0 { print "{\"ts\":\"not a time\",\"n\":" NR "}" }
	NR % 997 == 0 { sub(/"bytes":[0-9]+/, "\"bytes\":\"many\"") }
	{ print }' > input.ndjson

# The pipeline, in directory $1, reading input file $2.
pipeline() {
	local d=$1 in=$2 src every=--every=5000
	# a growing input takes either kind of barrier, run by run: one
	# counts lines, the other keeps only byte offsets
	if [ "$mode" = time ] || { [ "$mode" = grow ] && [ $((RANDOM % 2)) = 0 ]; }; then
		every=--every=100ms
	fi
	if [ "$mode" = pipe ]; then
		src="cat '$in' | '$bin/scheckpoint' -d '$d/state' $every -"
	else
		src="'$bin/scheckpoint' -d '$d/state' $every '$in'"
	fi
	local window="'$bin/swindow' -t ts -k user --session 30m -a count \
	    -a sum:bytes -a avg:latency_ms"
	if [ "$mode" = rescale ]; then
		window="'$bin/skeyby' -k user -n $((RANDOM % 3 + 1)) -- $window --skip-bad"
	elif [ "$mode" = keyby ]; then
		window="'$bin/skeyby' -k user -n 2 -c \"$window \
		    --late '$d/late.'\\\$SKEYBY_SHARD \
		    --dead-letter '$d/dead.'\\\$SKEYBY_SHARD\""
	else
		window="$window --late '$d/late' --dead-letter '$d/dead'"
	fi
	echo "$src | '$bin/swatermark' -t ts -d 5s --late '$d/wmlate' \
	        --dead-letter '$d/wmdead' | $window |
	    '$bin/scheckpoint' -d '$d/state' --commit -o '$d/out'"
}

files="out late dead wmlate wmdead"
[ "$mode" = keyby ] && files="out late.0 late.1 dead.0 dead.1 wmlate wmdead"
[ "$mode" = rescale ] && files="out wmlate wmdead"

# The reference: one uninterrupted run, over the whole input.
mkdir -p ref run
cp input.ndjson ref/input
t0=$(date +%s%N)
bash -c "$(pipeline ref ref/input)" 2>/dev/null || {
	echo "chaos $mode: the reference run failed"; exit 1; }
# kills fall anywhere in the first third of a whole run's time (a resumed
# run has less to do)
span=$(( ($(date +%s%N) - t0) / 1000000 / 3 + 1 ))

# A fresh start: no state, no output; half the input when it is to grow.
fresh() {
	rm -rf run/state
	rm -f run/out run/late* run/dead* run/wmlate run/wmdead
	if [ "$mode" = grow ]; then
		head -n $(( $(wc -l < input.ndjson) / 2 )) input.ndjson > run/input
	else
		cp input.ndjson run/input
	fi
}

# One run, killed at a random moment: 0 when it ran to its end anyway.
attempt() {
	local pid ms victim
	# job control: the run is a process group of its own, pgid = pid
	set -m
	bash -c "$(pipeline run run/input)" 2>/dev/null &
	pid=$!
	set +m
	ms=$(( (RANDOM * 32768 + RANDOM) % span ))
	sleep "$(( ms / 1000 )).$(printf '%03d' $(( ms % 1000 )))"
	if [ "$mode" = one ] || [ "$mode" = keyby ] || [ "$mode" = rescale ]; then
		# one of the tools still running (not one that has exited)
		victim=$(pgrep -r R,S,D -g "$pid" | grep -v "^$pid\$" |
		    shuf -n 1 --random-source=<(yes "$k"))
		kill -9 "${victim:-$pid}" 2>/dev/null
	else
		kill -9 -- "-$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	local rc=$? i
	pkill -9 -g "$pid" 2>/dev/null
	# until the last of them is gone: a killed process that still holds
	# the state directory's lock would refuse the rerun (more processes
	# with skeyby's shards, slower to die under ASan, or in an fsync); a
	# zombie holds no lock
	for i in $(seq 1200); do
		pgrep -r R,S,D,T -g "$pid" > /dev/null || break
		sleep 0.05
	done
	if pgrep -r R,S,D,T -g "$pid" > /dev/null; then
		echo "chaos $mode: a killed run's processes still live after 60 s"
		exit 1
	fi
	return $rc
}

# Cycles from a fresh start: killed and rerun until a run completes (for
# grow: completes, the input grows, and again), then compared; until
# KILLS kills have cut a run short.
runs=0 cut=0 k=0 cycles=0
while [ "$cut" -lt "$kills" ]; do
	fresh
	cycles=$((cycles + 1))
	phase=1 streak=0
	while :; do
		if [ "$cut" -ge "$kills" ] || [ "$streak" -ge 5 ]; then
			# enough: a run to the end, unharmed (also where kills
			# come sooner than a resumed run reaches a commit)
			runs=$((runs + 1))
			streak=0
			bash -c "$(pipeline run run/input)" 2>unharmed.err ||
			    { echo "chaos $mode: a run unharmed failed:"
			      tail -n 5 unharmed.err; exit 1; }
		else
			k=$((k + 1))
			runs=$((runs + 1))
			if ! attempt; then
				cut=$((cut + 1))
				streak=$((streak + 1))
				continue
			fi
		fi
		if [ "$mode" = grow ] && [ "$phase" = 1 ]; then
			cp input.ndjson run/input.new && mv run/input.new run/input
			phase=2
			continue
		fi
		break
	done
	if [ "$mode" = rescale ]; then
		sort ref/out > ref/out.sorted
		sort run/out > run/out.sorted && mv run/out.sorted run/out
		mv ref/out.sorted ref/out.multiset
	fi
	for f in $files; do
		r=ref/$f
		[ "$mode" = rescale ] && [ "$f" = out ] && r=ref/out.multiset
		if ! cmp -s "$r" "run/$f"; then
			echo "chaos $mode: run/$f differs from one uninterrupted" \
			    "run ($(wc -c < "$r") and $(wc -c < "run/$f")" \
			    "bytes), in $work"
			cmp "$r" "run/$f" | head -n 3
			exit 1
		fi
	done
done
[ -n "${CHAOS_DIR:-}" ] || rm -rf "$work"
echo "chaos $mode: $k kills ($cut cut a run short), $runs runs in $cycles" \
    "cycles, identical"
