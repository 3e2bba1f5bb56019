#!/bin/sh
# Real pipelines over the bundled sample: per-user minute windows, then
# per-user sessions that end after 20 s of quiet, firing as the stream's
# own watermark (max event time - 5 s) passes them; then swatermark
# feeding swindow its watermarks, forwarded after the windows they close;
# the sessions again from two shards of skeyby; and orders per hour from
# a CSV file, back to CSV.
set -e
cd "$(dirname "$0")/.."
echo '# swindow -t ts -k user --tumble 1m -a count -a sum:bytes -a avg:latency_ms sample/access.ndjson'
bin/swindow -t ts -k user --tumble 1m -a count -a sum:bytes -a avg:latency_ms \
    sample/access.ndjson
echo
echo '# swindow -k user --session 20s -d 5s -a count -a p95:latency_ms -a collect:status < sample/access.ndjson | head -n 5'
bin/swindow -k user --session 20s -d 5s -a count -a p95:latency_ms \
    -a collect:status < sample/access.ndjson | head -n 5
echo
echo '# swatermark -d 5s sample/access.ndjson | swindow -k path --tumble 1m -a count'
echo '# (from the first firing: the windows, then the watermark that closed them)'
bin/swatermark -d 5s sample/access.ndjson |
    bin/swindow -k path --tumble 1m -a count |
    awk '/window_start/ { f = 1 } f && n++ < 7' 
echo
echo '# swatermark -d 5s sample/access.ndjson | skeyby -k user -n 2 -- swindow -k user --session 20s -a count | head -n 4'
echo '# (the same sessions as one swindow, from two shards; the order is the same on every run)'
bin/swatermark -d 5s sample/access.ndjson |
    bin/skeyby -k user -n 2 -- bin/swindow -k user --session 20s -a count |
    grep -v '^{"\$' | head -n 4
echo
echo '# scsv sample/orders.csv | swindow -t created_at --tumble 1h -a count -a sum:amount | scsv -r'
echo '# (CSV in, orders per hour, CSV out)'
bin/scsv sample/orders.csv |
    bin/swindow -t created_at --tumble 1h -a count -a sum:amount | bin/scsv -r
