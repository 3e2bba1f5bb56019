#!/usr/bin/env bats
# The kill/rerun chaos test (chaos.sh): a checkpointed pipeline over
# generated events, killed at random moments until 10 kills have cut a
# run short, then rerun to the end: output, --late and --dead-letter
# files byte-identical to one uninterrupted run.  make stress runs it
# longer, on more events.

load helper

chaos() {
	run "$BATS_TEST_DIRNAME/chaos.sh" "$SU_BIN" "${CHAOS_EVENTS:-200000}" 10 "$1" 7
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[${#lines[@]} - 1]} =~ ^chaos\ $1:\ [0-9]+\ kills\ \((1[0-9]|[2-9][0-9])\ cut\ a\ run\ short\),\ [0-9]+\ runs\ in\ [0-9]+\ cycles,\ identical$ ]]
}

@test "chaos: SIGKILL of the whole pipeline at random moments" {
	chaos group
}

@test "chaos: SIGKILL of one process of the pipeline at a time" {
	chaos one
}

@test "chaos: the input on a pipe, replayed by skipping what was read" {
	chaos pipe
}

@test "chaos: barriers every 100ms of wall-clock time" {
	chaos time
}

@test "chaos: the input grows between runs" {
	chaos grow
}

@test "chaos: through skeyby -n 2, any process killed, shards too" {
	chaos keyby
}

@test "chaos: through skeyby, rescaled to 1, 2 or 3 shards on every rerun" {
	chaos rescale
}
