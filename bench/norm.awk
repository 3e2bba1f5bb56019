# norm.awk — normalise a tool's window output for comparison:
#   {"window_start":...,"user":...,"count":...,"sum_bytes":...,"avg_latency_ms":...}
# becomes "WINDOW_START_EPOCH_MS USER COUNT SUM AVG" with AVG rounded to 12
# significant digits (pipe through LC_ALL=C sort): a double sum's last bits
# vanish there, where 6 digits could round an exact half (swindow's exact
# averages) and a double's sum of it apart. Tolerates any key order,
# blank space after ':' and ',' (Miller), window_start as an RFC 3339 string
# (fraction and Z or +hh:mm offset allowed) or as epoch seconds/ms number.
# A line it cannot read becomes "BAD <line>" so it shows up in the diff;
# $watermark records are skipped.
function val(key,    i, rest, c) {
	i = index($0, "\"" key "\"")
	if (!i) { bad = 1; return "" }
	rest = substr($0, i + length(key) + 2)
	c = substr(rest, 1, 1)
	if (c != ":") { sub(/^[ \t]*:/, "", rest); c = ":" }
	rest = substr(rest, 2)
	c = substr(rest, 1, 1)
	if (c == " " || c == "\t") { sub(/^[ \t]+/, "", rest); c = substr(rest, 1, 1) }
	if (c == "\"") {
		rest = substr(rest, 2)
		return substr(rest, 1, index(rest, "\"") - 1)
	}
	if (!match(rest, /[,} \t]/)) return rest
	return substr(rest, 1, RSTART - 1)
}
function days_from_civil(y, m, d,    era, yoe, doy, doe) {
	y -= (m <= 2)
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
function epoch_ms(t,    ms, frac, rest, off, sign) {
	if (t ~ /^-?[0-9.]+$/)     # a number: seconds or milliseconds
		return sprintf("%.0f", (t + 0 < 1e11 && t + 0 > -1e11) ? t * 1000 : t)
	if (t !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]/) {
		bad = 1; return ""
	}
	ms = (days_from_civil(substr(t, 1, 4) + 0, substr(t, 6, 2) + 0, substr(t, 9, 2) + 0) * 86400 + \
	      substr(t, 12, 2) * 3600 + substr(t, 15, 2) * 60 + substr(t, 18, 2)) * 1000
	rest = substr(t, 20)
	if (match(rest, /^\.[0-9]+/)) {
		frac = substr(rest, 2, RLENGTH - 1) "000"
		ms += substr(frac, 1, 3) + 0
		rest = substr(rest, RLENGTH + 1)
	}
	if (rest ~ /^[+-][0-9][0-9]:[0-9][0-9]$/) {
		off = (substr(rest, 2, 2) * 60 + substr(rest, 5, 2)) * 60000
		ms += (substr(rest, 1, 1) == "+") ? -off : off
	} else if (rest != "Z" && rest != "z" && rest != "") {
		bad = 1
	}
	return sprintf("%.0f", ms)
}
NF == 0 { next }
/^\{"\$watermark"/ { next }	# swatermark | swindow forwards them
{
	bad = 0
	# fast path: the compact form in swindow's field order
	if (split($0, t, "\"") == 19 && t[2] == "window_start" && t[10] == "user" && \
	    t[14] == "count" && t[16] == "sum_bytes" && t[18] == "avg_latency_ms" && \
	    t[17] ~ /^:[^,]*,$/ && t[19] ~ /^:[^,]*}$/ && t[15] ~ /^:[^,]*,$/) {
		ws = t[4]; u = t[12]; c = substr(t[15], 2, length(t[15]) - 2)
		s = substr(t[17], 2, length(t[17]) - 2); a = substr(t[19], 2, length(t[19]) - 2)
	} else {
		ws = val("window_start")
		u = val("user"); c = val("count"); s = val("sum_bytes"); a = val("avg_latency_ms")
	}
	if (ws in wcache) ws = wcache[ws]
	else ws = wcache[ws] = epoch_ms(ws)
	if (ws == "") bad = 1
	if (bad) { print "BAD " $0; next }
	if (a ~ /^-?[0-9]/) a = sprintf("%.12g", a)
	printf "%s %s %.0f %.0f %s\n", ws, u, c, s, a
}
