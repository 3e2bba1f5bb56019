# Loaded by every bats file: the tools under test on PATH, a fixed locale
# and zone, and expect, which compares $output with its stdin exactly.
bats_require_minimum_version 1.5.0
export LC_ALL=C TZ=UTC
SU_BIN=${SU_BIN:-$BATS_TEST_DIRNAME/../bin}
PATH="$SU_BIN:$PATH"

# teardown: a test that failed midway leaves no job of its own running,
# for one holding bats' descriptors would keep the whole run waiting.
# kill %N takes every process of a pipeline, but of a job that is a
# { ...; } group only the subshell: so tests start pipelines bare.  And
# no process still working in the test's directory may outlive it: one
# that does fails the test (once it has had 10 s to end on its own).
teardown() {
	local n i pids
	for n in $(jobs | sed -n 's/^\[\([0-9]*\)\].*/\1/p'); do
		kill "%$n" 2>/dev/null || true
	done
	cd / || return 1
	for i in $(seq 100); do
		pids=$(left_behind)
		[ -z "$pids" ] && return 0
		sleep 0.1
	done
	echo "left running by the test:" >&2
	ps -o pid=,args= -p "$pids" >&2
	kill -9 ${pids//,/ } 2>/dev/null
	return 1
}

# left_behind: the processes whose working directory is in the test's
# (none where there is no /proc), as a comma list.
left_behind() {
	find /proc -mindepth 2 -maxdepth 2 -name cwd \( \
	    -lname "$BATS_TEST_TMPDIR" -o -lname "$BATS_TEST_TMPDIR/*" \) \
	    2>/dev/null | cut -d/ -f3 | paste -sd, -
}

# traced FILE SYSCALLS CMD...: runs CMD under strace, its calls of
# SYSCALLS (a comma list) written to FILE; the test is skipped without
# strace. LeakSanitizer cannot work under ptrace, so the ASan build runs
# it without leak checks (the other tests have them).
traced() {
	local file=$1 calls=$2
	shift 2
	command -v strace >/dev/null || skip "needs strace"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -o "$file" -e trace="$calls" "$@"
}

# expect: the last run's stdout must equal stdin, byte for byte.
expect() {
	local want
	want=$(cat)
	if [ "$output" != "$want" ]; then
		printf '%s\n' "--- expected" "$want" "--- got" "$output" >&2
		return 1
	fi
}

# expect_err: the last run's stderr (run --separate-stderr) equals stdin.
expect_err() {
	local want
	want=$(cat)
	if [ "$stderr" != "$want" ]; then
		printf '%s\n' "--- expected stderr" "$want" "--- got" \
		    "$stderr" >&2
		return 1
	fi
}

# fifo_setup: a FIFO $fifo to feed a live tool, and its output file $out.
fifo_setup() {
	fifo=$BATS_TEST_TMPDIR/in
	out=$BATS_TEST_TMPDIR/out
	mkfifo "$fifo"
}

# eventually CMD...: runs CMD until it succeeds, up to 30 s, for a
# loaded machine running the sanitizers' build may be slow to get there.
eventually() {
	local i
	for i in $(seq 300); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# wait_for N: waits until $out has N lines.
wait_for() {
	eventually has_lines "$1"
}

has_lines() {
	[ "$(wc -l < "$out" 2>/dev/null)" -ge "$1" ]
}
