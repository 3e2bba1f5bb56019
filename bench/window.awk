# window.awk — the benchmark workload in awk (mawk and gawk): tumbling
# 1-minute windows per user: count, sum bytes, avg latency_ms.
#   mawk -v form=rfc3339|ms -f bench/window.awk FILE
# Relies on the generator's fixed field order: splitting a line at '"' puts
#   rfc3339: ts in $4, user in $8, ":BYTES," in $17, ":LATENCY}" in $19
#   ms:      ":TS," in $3, user in $6, ":BYTES," in $15, ":LATENCY}" in $17
# The minute is the string prefix "2026-11-23T00:00" (rfc3339) or
# int(ts / 60000) (ms). Output shaped like swindow's (not ordered).
BEGIN { FS = "\""; ms = (form == "ms") }
ms {
	k = int(substr($3, 2) / 60000) SUBSEP $6
	c[k]++; s[k] += substr($15, 2); l[k] += substr($17, 2)
	next
}
{
	k = substr($4, 1, 16) SUBSEP $8
	c[k]++; s[k] += substr($17, 2); l[k] += substr($19, 2)
}

# days since 1970-01-01 of a proleptic Gregorian date, and back
function days_from_civil(y, m, d,    era, yoe, doy, doe) {
	y -= (m <= 2)
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
function rfc3339(sec,    z, era, doe, yoe, doy, mp, d, m, y, t) {
	z = int(sec / 86400); t = sec - z * 86400
	z += 719468
	era = int((z >= 0 ? z : z - 146096) / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	y = yoe + era * 400 + (m <= 2)
	return sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
	               int(t / 3600), int(t / 60) % 60, t % 60)
}
END {
	for (k in c) {
		split(k, p, SUBSEP)
		if (!(p[1] in start)) {
			if (ms)
				start[p[1]] = p[1] * 60
			else
				start[p[1]] = days_from_civil(substr(p[1], 1, 4) + 0, \
				    substr(p[1], 6, 2) + 0, substr(p[1], 9, 2) + 0) * 86400 + \
				    substr(p[1], 12, 2) * 3600 + substr(p[1], 15, 2) * 60
			sv = start[p[1]]
			ws[p[1]] = rfc3339(sv); we[p[1]] = rfc3339(sv + 60)
		}
		printf "{\"window_start\":\"%s\",\"window_end\":\"%s\",\"user\":\"%s\",\"count\":%d,\"sum_bytes\":%.0f,\"avg_latency_ms\":%.17g}\n", \
		    ws[p[1]], we[p[1]], p[2], c[k], s[k], l[k] / c[k]
	}
}
