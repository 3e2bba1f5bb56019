#!/usr/bin/env bats
# scsv: CSV to NDJSON and back.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "a row per record, named by the header; numbers typed, empty is null" {
	printf '%s\n' 'id,name,amount,code,note' \
	    '1,alice,-1.5,007,+5' '2,,1e5, 12,""' '3,bob,42,0,-0' > t.csv
	run scsv t.csv
	expect <<'EOF'
{"id":1,"name":"alice","amount":-1.5,"code":"007","note":"+5"}
{"id":2,"name":null,"amount":1e5,"code":" 12","note":""}
{"id":3,"name":"bob","amount":42,"code":0,"note":-0}
EOF
}

@test "numbers no tool could read stay strings" {
	run scsv <<'EOF'
a,b,c,d,e,f
9223372036854775807,9223372036854775808,1e308,1e309,1.,.5
EOF
	expect <<'EOF'
{"a":9223372036854775807,"b":"9223372036854775808","c":1e308,"d":"1e309","e":"1.","f":".5"}
EOF
}

@test "--strings keeps every field a string, and empty fields empty" {
	run scsv --strings <<'EOF'
a,b,c
1,,"x"
EOF
	expect <<'EOF'
{"a":"1","b":"","c":"x"}
EOF
}

@test "quoted fields hold delimiters, quotes and line ends" {
	printf 'a,b\n"x,y","say ""hi"""\n"two\nlines",3\n' > q.csv
	run scsv q.csv
	expect <<'EOF'
{"a":"x,y","b":"say \"hi\""}
{"a":"two\nlines","b":3}
EOF
}

@test "spaces are kept, as RFC 4180 says" {
	run scsv <<'EOF'
a,b
 x , y
EOF
	expect <<'EOF'
{"a":" x ","b":" y"}
EOF
}

@test "-d takes ; tab and |, for input and output" {
	run scsv -d ';' <<'EOF'
a;b
1,5;x
EOF
	expect <<'EOF'
{"a":"1,5","b":"x"}
EOF
	run sh -c "printf 'a\tb\n1\t2\n' | scsv -d '\\t'"
	expect <<'EOF'
{"a":1,"b":2}
EOF
	run sh -c "printf 'a\tb\n1\t2\n' | scsv -d tab | scsv -r -d '|'"
	expect <<'EOF'
a|b
1|2
EOF
	run scsv -d ab < /dev/null
	[ "$status" -eq 2 ]
	run scsv -d '"' < /dev/null
	[ "$status" -eq 2 ]
}

@test "a UTF-8 byte order mark is skipped; CRLF reads as LF" {
	printf '\357\273\277a,b\r\n1,"x\r\ny"\r\n\r\n2,3\r\n' > w.csv
	run scsv w.csv
	expect <<'EOF'
{"a":1,"b":"x\ny"}
{"a":2,"b":3}
EOF
}

@test "blank lines between rows are skipped, not inside quotes" {
	printf 'a,b\n\n1,"x\n\ny"\n\n' > b.csv
	run scsv b.csv
	expect <<'EOF'
{"a":1,"b":"x\n\ny"}
EOF
}

@test "a row with too many or too few fields stops it, with the line it starts on" {
	printf 'a,b\n1,"two\nlines"\n3,"x\ny",9\n' > bad.csv
	run --separate-stderr scsv bad.csv
	[ "$status" -eq 1 ]
	expect <<'EOF'
{"a":1,"b":"two\nlines"}
EOF
	expect_err <<'EOF'
scsv: bad.csv: line 4: row has 3 fields, the header 2
EOF
	run --separate-stderr scsv < bad.csv
	expect_err <<'EOF'
scsv: line 4: row has 3 fields, the header 2
EOF
	printf 'a,b\n1\n2,3\n' > few.csv
	run --separate-stderr scsv < few.csv
	[ "$status" -eq 1 ]
	expect_err <<<'scsv: line 2: row has 1 field, the header 2'
}

@test "--skip-bad counts bad rows; --dead-letter keeps them with line and text" {
	printf 'a,b\n1\n"x\ny",2,3\n4,5\n' > bad.csv
	run --separate-stderr scsv --skip-bad bad.csv
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"a":4,"b":5}
EOF
	expect_err <<'EOF'
scsv: 2 bad records skipped
EOF
	run --separate-stderr scsv --dead-letter dl.ndjson < bad.csv
	[ "$status" -eq 0 ]
	run cat dl.ndjson
	expect <<'EOF'
{"line":2,"error":"row has 1 field, the header 2","raw":"1"}
{"line":3,"error":"row has 3 fields, the header 2","raw":"\"x\ny\",2,3"}
EOF
}

@test "invalid UTF-8 and NUL bytes are bad records, never broken JSON" {
	printf 'a,b\n1,x\377y\n2,p\000q\n3,ok\n' > u.csv
	run --separate-stderr scsv u.csv
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
scsv: u.csv: line 2: invalid UTF-8 in field 2
EOF
	run --separate-stderr scsv --dead-letter dl.ndjson u.csv
	expect <<'EOF'
{"a":3,"b":"ok"}
EOF
	run cat dl.ndjson
	expect <<'EOF'
{"line":2,"error":"invalid UTF-8 in field 2","raw":"1,x�y","file":"u.csv"}
{"line":3,"error":"NUL byte in field 2","raw":"2,p\u0000q","file":"u.csv"}
EOF
	printf 'a,\377\n1,2\n' > h.csv
	run --separate-stderr scsv --skip-bad h.csv
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
scsv: h.csv: line 1: header: invalid UTF-8 in a name
EOF
}

@test "misplaced quotes are bad rows; the next line reads again" {
	printf 'a,b\n1,x"y\n2,"z"w\n3,"ok"\n' > m.csv
	run --separate-stderr scsv --dead-letter dl.ndjson m.csv
	[ "$status" -eq 0 ]
	expect <<'EOF'
{"a":3,"b":"ok"}
EOF
	run cat dl.ndjson
	expect <<'EOF'
{"line":2,"error":"misplaced quote","raw":"1,x\"y","file":"m.csv"}
{"line":3,"error":"text after a closing quote","raw":"2,\"z\"w","file":"m.csv"}
EOF
}

@test "an unbalanced quote at the end of the file is a bad row" {
	printf 'a,b\n1,2\n3,"never closed\nmore\n' > e.csv
	run --separate-stderr scsv e.csv
	[ "$status" -eq 1 ]
	expect <<'EOF'
{"a":1,"b":2}
EOF
	expect_err <<'EOF'
scsv: e.csv: line 3: unterminated quoted field
EOF
	printf 'a,"b\n' > h.csv
	run --separate-stderr scsv < h.csv
	[ "$status" -eq 1 ]
	expect_err <<<'scsv: line 1: header: unterminated quoted field'
}

@test "empty and repeated header names are renamed" {
	run scsv <<'EOF'
a,a,,b,a
1,2,3,4,5
EOF
	expect <<'EOF'
{"a":1,"a_2":2,"3":3,"b":4,"a_3":5}
EOF
}

@test "--no-header: names from -f, or the column numbers" {
	run scsv --no-header -f x,y <<'EOF'
1,2
3,4
EOF
	expect <<'EOF'
{"x":1,"y":2}
{"x":3,"y":4}
EOF
	run scsv --no-header <<'EOF'
1,2
3,4
EOF
	expect <<'EOF'
{"1":1,"2":2}
{"1":3,"2":4}
EOF
	run scsv -f x,y <<'EOF'
a,b
1,2
EOF
	expect <<'EOF'
{"x":1,"y":2}
EOF
	run --separate-stderr scsv -f x,y,z <<'EOF'
a,b
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
scsv: line 1: header: fewer fields than -f names
EOF
	run scsv -f x,,y < /dev/null
	[ "$status" -eq 2 ]
	run scsv -f x,x < /dev/null
	[ "$status" -eq 2 ]
}

@test "each FILE has its own header row" {
	printf 'a\n1\n' > one.csv
	printf 'b\n2\n' > two.csv
	run scsv one.csv two.csv
	expect <<'EOF'
{"a":1}
{"b":2}
EOF
}

@test "-r: the header from the first record's keys; missing fields empty" {
	run scsv -r <<'EOF'
{"a":1,"b":"x","c":true}
{"c":null,"a":2.50}
{"b":"y"}
EOF
	expect <<'EOF'
a,b,c
1,x,true
2.50,,
,y,
EOF
}

@test "-r: -f names nested paths; nested values are compact JSON" {
	run scsv -r -f user.id,tags,user <<'EOF'
{"user": {"id": 7, "name": "a b"}, "tags": [1, "x y", {"k": null}]}
{"tags":"plain"}
EOF
	expect <<'EOF'
user.id,tags,user
7,"[1,""x y"",{""k"":null}]","{""id"":7,""name"":""a b""}"
,plain,
EOF
}

@test "-r: RFC 4180 quoting, byte for byte; empty strings quoted" {
	printf '%s\n' '{"a":"x,y","b":"say \"hi\"","c":"two\nlines","d":"","e":null}' |
	    scsv -r > out.csv
	printf 'a,b,c,d,e\n"x,y","say ""hi""","two\nlines","",\n' > want.csv
	cmp out.csv want.csv
	printf '%s\n' '{"a":"p;q","b":"x,y"}' | scsv -r -d ';' > out.csv
	printf 'a;b\n"p;q";x,y\n' > want.csv
	cmp out.csv want.csv
}

@test "-r: control records are dropped; bad records follow SPEC section 4" {
	run --separate-stderr scsv -r --skip-bad <<'EOF'
{"$watermark":"2026-11-23T00:00:00Z"}
{"a":1}
[1]
{"a":
{"$checkpoint":1,"dir":"/tmp"}
{"a":2,"z":3}
{"a":4}
EOF
	[ "$status" -eq 0 ]
	expect <<'EOF'
a
1
4
EOF
	expect_err <<'EOF'
scsv: 3 bad records skipped
EOF
	run --separate-stderr scsv -r <<'EOF'
{"a":1}
{"a":2,"z":3}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
scsv: line 2: key "z" is not a column (the columns are the keys of line 1; name them with -f)
EOF
}

@test "-r --no-header writes rows only; a lone empty cell is quoted" {
	run scsv -r --no-header <<'EOF'
{"a":null}
{"a":""}
{"a":1}
EOF
	expect <<'EOF'
""
""
1
EOF
}

@test "round trips: CSV to NDJSON to CSV, and NDJSON to CSV to NDJSON" {
	printf '%s\n' 'id,text,n,empty' '1,"a,b",2.5,' '2,"say ""x""",-3,""' \
	    '3,"multi' 'line",007,z' > t.csv
	scsv t.csv | scsv -r > back.csv
	cmp t.csv back.csv
	scsv t.csv > t.ndjson
	scsv -r t.ndjson | scsv > back.ndjson
	cmp t.ndjson back.ndjson
}

@test "hostile input: a 50 MB field, NUL bytes, a field of many lines" {
	head -c 50000000 /dev/zero | tr '\0' x > x
	{ echo 'a,b'; printf '1,"'; cat x; printf ',"\n2,3\n'; } > big.csv
	run sh -c 'scsv big.csv | scsv -r | cmp - big.csv && echo same'
	expect <<<'same'
	{ echo 'a,b'; printf '1,"'; seq 100000; printf '"\n2,"x\n'; } > lines.csv
	run --separate-stderr scsv lines.csv
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	expect_err <<<'scsv: lines.csv: line 100003: unterminated quoted field'
	head -c 100000 /dev/zero > nul.csv
	run --separate-stderr scsv --skip-bad nul.csv
	[ "$status" -eq 1 ]
	expect_err <<<'scsv: nul.csv: line 1: header: NUL byte in a name'
}

@test "the pipe with swindow: hourly sums, back to CSV" {
	cat > orders.csv <<'EOF'
order,created_at,amount
1,2026-11-23T10:05:00Z,10.5
2,2026-11-23T10:59:59Z,4
3,2026-11-23T11:00:00Z,7
EOF
	run sh -c 'scsv < orders.csv |
	    swindow -t created_at --tumble 1h -a count -a sum:amount | scsv -r'
	expect <<'EOF'
window_start,window_end,count,sum_amount
2026-11-23T10:00:00Z,2026-11-23T11:00:00Z,2,14.5
2026-11-23T11:00:00Z,2026-11-23T12:00:00Z,1,7
EOF
}

@test "live: a row written to a growing CSV comes out at once, both ways" {
	fifo_setup
	scsv < "$fifo" > "$out" 3>&- &
	pid=$!
	exec 5> "$fifo"
	printf 'a,b\n1,2\n' >&5
	wait_for 1
	run cat "$out"
	expect <<<'{"a":1,"b":2}'
	exec 5>&-
	wait "$pid"
	rm "$fifo" && mkfifo "$fifo"
	scsv -r < "$fifo" > "$out" 3>&- &
	pid=$!
	exec 5> "$fifo"
	printf '{"a":1}\n' >&5
	wait_for 2
	run cat "$out"
	expect <<'EOF'
a
1
EOF
	exec 5>&-
	wait "$pid"
}

@test "a closed stdout ends it quietly; a full disk fails loudly" {
	seq 1 100000 | sed 's/.*/&,x/' > many.csv
	run --separate-stderr sh -c 'scsv --no-header many.csv | head -n 1'
	[ -z "$stderr" ]
	expect <<<'{"1":1,"2":"x"}'
	run --separate-stderr sh -c 'scsv many.csv >/dev/full'
	[ "$status" -eq 1 ]
	expect_err <<<'scsv: write error: No space left on device'
}

@test "--help, --version and usage errors" {
	run scsv --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: scsv [-d DELIM] [--no-header] [-f NAMES] [--strings] [options] [FILE...]" ]
	run scsv --version
	expect <<<'scsv (streamutils) 0.1.0'
	run --separate-stderr scsv -r --strings < /dev/null
	[ "$status" -eq 2 ]
	expect_err <<'EOF'
scsv: --strings is for CSV in, not with -r
Try 'scsv --help' for more information.
EOF
	run scsv --skip-bad --dead-letter x < /dev/null
	[ "$status" -eq 2 ]
	run scsv -x < /dev/null
	[ "$status" -eq 2 ]
}

@test "regression: -r reads a record with white space before its '{'" {
	run scsv -r <<'EOF'
 {"c":1}
	{"c":2}
EOF
	expect <<'EOF'
c
1
2
EOF
	run --separate-stderr scsv -r <<'EOF'
{"c":1}
 {"d":2}
EOF
	[ "$status" -eq 1 ]
	expect_err <<'EOF'
scsv: line 2: key "d" is not a column (the columns are the keys of line 1; name them with -f)
EOF
}

@test "-r -f writes its header first, even for no records" {
	run scsv -r -f a,b.c < /dev/null
	expect <<<'a,b.c'
}

@test "-r: barriers are no lines of the input in messages" {
	run --separate-stderr scsv -r <<'EOF'
{"$checkpoint":1,"dir":"/tmp"}
{"a":1}
{"$watermark":5}
[1]
EOF
	[ "$status" -eq 1 ]
	expect_err <<<'scsv: line 3: not an object'
}

@test "a quoting error in the header says which, as in a row" {
	printf 'a,"b"c\n1,2\n' > h.csv
	run --separate-stderr scsv h.csv
	[ "$status" -eq 1 ]
	expect_err <<<'scsv: h.csv: line 1: header: text after a closing quote'
}

@test "many repeated header names are renamed in order" {
	{ for i in $(seq 20000); do printf 'a,'; done; echo a_3; } > wide.csv
	{ for i in $(seq 20001); do printf '1,'; done; echo; } | sed 's/,$//' >> wide.csv
	run sh -c 'scsv wide.csv | tr , "\n" | sed -n "1p;2p;3p;20000p;20001p"'
	expect <<'EOF'
{"a":1
"a_2":1
"a_3":1
"a_20000":1
"a_3_2":1}
EOF
}
