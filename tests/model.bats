#!/usr/bin/env bats
# The randomized model test: 300 cases of swindow, swatermark,
# swatermark | swindow and (a tenth) skeyby over swindow, each compared
# exactly with tests/model/model.py (a reference model written from SPEC.md
# and the man pages), with invariants (no crash, no sanitizer report, every
# record accounted for, two runs alike, skeyby's data records those of one
# unsharded run).  A third of them carry checkpoint barriers and are also
# cut at a barrier, restored ($restore) and compared with the uninterrupted
# run.  A tenth are scsv cases (tests/model/csvmodel.py): random CSV
# (quoting, CRLF, BOM, bad rows and headers, one or two files) to NDJSON and
# random NDJSON back to CSV (-r), compared exactly with a model written from
# scsv's semantics, with the same invariants and a round trip.
# At a modest share each, the cases also use --tz (local times without an
# offset near the clocks' changes, repeated and skipped ones; windows and
# output in local time; the model's zones are Python's zoneinfo), calendar
# sizes (1w 1mo 1q 1y) and --cumulate, topN, -k PATH=NAME, --data-only
# and the hint when most events were late.
# A failure prints a minimized command; see tests/model/stress.py.

load helper

@test "model: 300 random cases agree with the reference model" {
	run env -u MODEL_AVOID python3 "$BATS_TEST_DIRNAME/model/stress.py" \
	    --bin "$SU_BIN" --seed 1 --cases 300
	printf '%s\n' "$output"		# shown when the test fails
	[ "$status" -eq 0 ]
	[ "${lines[${#lines[@]} - 1]}" = "model: 300 cases passed (seed 1)" ]
}
