// duckdb.mjs — the benchmark workload in DuckDB (through @duckdb/node-api):
// tumbling 1-minute windows per user: count, sum bytes, avg latency_ms.
//
//   node bench/duckdb.mjs FILE rfc3339|ms > out.ndjson
//
// Prints NDJSON records shaped like swindow's output, ordered by
// window_end, window_start, user:
//   {"window_start":"2026-11-23T00:00:00Z","window_end":"2026-11-23T00:01:00Z",
//    "user":"u1","count":3,"sum_bytes":1234,"avg_latency_ms":12.7}
//
// @duckdb/node-api is looked up in $DUCKDB_NODE_DIR/node_modules (default
// bench/.cache/node, where bench/run installs it).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nodeDir = resolve(process.env.DUCKDB_NODE_DIR || join(here, '.cache', 'node'));
const { DuckDBInstance } = createRequire(join(nodeDir, 'package.json'))('@duckdb/node-api');

const [file, form = 'rfc3339'] = process.argv.slice(2);
if (!file || (form !== 'rfc3339' && form !== 'ms')) {
  process.stderr.write('usage: node duckdb.mjs FILE rfc3339|ms\n');
  process.exit(2);
}
const sq = (s) => "'" + s.replace(/'/g, "''") + "'";

// ts as text (RFC 3339) or BIGINT (epoch ms); window start as epoch ms.
const tsType = form === 'ms' ? 'BIGINT' : 'VARCHAR';
const bucket = form === 'ms'
  ? '(ts // 60000) * 60000'
  : "epoch_ms(time_bucket(INTERVAL '1 minute', CAST(ts AS TIMESTAMP)))";

const sql = `
COPY (
  SELECT strftime(make_timestamp(ws * 1000), '%Y-%m-%dT%H:%M:%SZ') AS window_start,
         strftime(make_timestamp((ws + 60000) * 1000), '%Y-%m-%dT%H:%M:%SZ') AS window_end,
         "user", "count", sum_bytes, avg_latency_ms
  FROM (
    SELECT ${bucket} AS ws, "user",
           count(*) AS "count",
           sum(bytes) AS sum_bytes,
           avg(latency_ms) AS avg_latency_ms
    FROM read_ndjson(${sq(file)}, columns = {
           ts: '${tsType}', "user": 'VARCHAR', path: 'VARCHAR',
           status: 'INTEGER', bytes: 'BIGINT', latency_ms: 'DOUBLE'})
    GROUP BY ALL
  )
  ORDER BY ws + 60000, ws, "user"
) TO '/dev/stdout' (FORMAT JSON)`;

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run(sql);
con.closeSync?.();
instance.closeSync?.();
