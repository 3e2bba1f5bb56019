# window.jq — the benchmark workload in jq: tumbling 1-minute windows per
# user: count, sum bytes, avg latency_ms.
#   jq -nc --arg form rfc3339|ms -f bench/window.jq FILE
# Streams the input with `reduce inputs`; state: one object keyed by
# "MINUTE USER" -> [count, sum bytes, sum latency]. Output shaped like
# swindow's. (`.[$k] as $g | .[$k] = ...` rather than `.[$k] |= ...`:
# jq 1.6's `|=` copies the whole state on every update, ~100x slower.)
def minute:
  if $form == "ms" then (.ts / 60000 | floor | tostring)
  else .ts[0:16] end;                     # "2026-11-23T00:00"
def start_s($m):
  if $form == "ms" then ($m | tonumber) * 60
  else ($m + ":00Z" | fromdateiso8601) end;

reduce inputs as $e ({};
  (($e | minute) + " " + $e.user) as $k
  | .[$k] as $g
  | .[$k] = (if $g == null then [1, $e.bytes, $e.latency_ms]
             else [$g[0] + 1, $g[1] + $e.bytes, $g[2] + $e.latency_ms] end))
| foreach (to_entries[] | .i = (.key | index(" "))) as $x ([null];
    $x.key[0:$x.i] as $m
    | if $m == .[0] then .
      else start_s($m) as $s | [$m, ($s | todate), ($s + 60 | todate)] end;
    {window_start: .[1], window_end: .[2], user: $x.key[$x.i + 1:],
     count: $x.value[0], sum_bytes: $x.value[1],
     avg_latency_ms: ($x.value[2] / $x.value[0])})
