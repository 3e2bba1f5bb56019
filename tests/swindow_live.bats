#!/usr/bin/env bats
# Live use: results show while the input is still open.

load helper

setup() {
	fifo_setup
}

@test "live: a closed window shows at once, before the input ends" {
	swindow --tumble 10s -d 0 --time-out s -a count < "$fifo" > "$out" 3>&- &
	pid=$!
	exec 4> "$fifo"
	printf '%s\n' '{"ts":1}' '{"ts":2}' '{"ts":11}' >&4
	wait_for 1
	run cat "$out"
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":2}
EOF
	exec 4>&-
	wait "$pid"
	run cat "$out"
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":2}
{"window_start":10,"window_end":20,"count":1}
EOF
}

@test "live: an upstream watermark fires and is forwarded at once" {
	swindow --tumble 10s --time-out s -a count < "$fifo" > "$out" 3>&- &
	pid=$!
	exec 4> "$fifo"
	printf '%s\n' '{"ts":1}' '{"$watermark":10}' >&4
	wait_for 2
	run cat "$out"
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":1}
{"$watermark":10}
EOF
	exec 4>&-
	wait "$pid"
}

@test "live: --emit-every gives early results, then the final one" {
	swindow --tumble 10s --time-out s --emit-every 200ms -a count \
	    < "$fifo" > "$out" 3>&- &
	pid=$!
	exec 4> "$fifo"
	printf '%s\n' '{"ts":1}' >&4
	wait_for 1
	printf '%s\n' '{"ts":2}' >&4
	wait_for 2
	exec 4>&-
	wait "$pid"
	run cat "$out"
	expect <<'EOF'
{"window_start":0,"window_end":10,"count":1,"final":false}
{"window_start":0,"window_end":10,"count":2,"final":false}
{"window_start":0,"window_end":10,"count":2,"final":true}
EOF
}

@test "live: --processing-time windows by arrival and fires by the clock" {
	swindow --processing-time --tumble 1s --time-out ms -a count \
	    -a collect:n < "$fifo" > "$out" 3>&- &
	pid=$!
	exec 4> "$fifo"
	printf '%s\n' '{"n":1}' '{"n":2,"ts":"not a time, and not needed"}' >&4
	# fired by the clock, while the input is open
	wait_for 1
	exec 4>&-
	wait "$pid"
	run cat "$out"
	win='^\{"window_start":([0-9]+),"window_end":([0-9]+),"count":'
	if [ "${#lines[@]}" -eq 1 ]; then
		[[ ${lines[0]} =~ $win'2,"collect_n":[1,2]}'$ ]]
		[ $((BASH_REMATCH[2] - BASH_REMATCH[1])) -eq 1000 ]
	else
		# a second ended between the two records' arrivals
		[ "${#lines[@]}" -eq 2 ]
		[[ ${lines[0]} =~ $win'1,"collect_n":[1]}'$ ]]
		[ $((BASH_REMATCH[2] - BASH_REMATCH[1])) -eq 1000 ]
		end=${BASH_REMATCH[2]}
		[[ ${lines[1]} =~ $win'1,"collect_n":[2]}'$ ]]
		[ "${BASH_REMATCH[1]}" -ge "$end" ]
	fi
}
