// polars.mjs — the benchmark workload in Polars (nodejs-polars): tumbling
// 1-minute windows per user: count, sum bytes, avg latency_ms.
//
//   node bench/polars.mjs FILE rfc3339|ms > out.ndjson
//
// The idiomatic fast query: a lazy scanJson with the schema given, the
// window start by dt.truncate("1m"), a group by window and user.  Prints
// NDJSON records shaped like swindow's output, ordered by window, user.
// Polars sums the doubles of avg in its own order, so its averages can
// differ from swindow's exact ones in the last bit.
//
// nodejs-polars is looked up in $DUCKDB_NODE_DIR/node_modules (default
// bench/.cache/node, where bench/run installs it).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nodeDir = resolve(process.env.DUCKDB_NODE_DIR || join(here, '.cache', 'node'));
const pl = createRequire(join(nodeDir, 'package.json'))('nodejs-polars');

const [file, form = 'rfc3339'] = process.argv.slice(2);
if (!file || (form !== 'rfc3339' && form !== 'ms')) {
  process.stderr.write('usage: node polars.mjs FILE rfc3339|ms\n');
  process.exit(2);
}

const schema = {
  ts: form === 'ms' ? pl.Int64 : pl.Utf8, user: pl.Utf8, path: pl.Utf8,
  status: pl.Int64, bytes: pl.Int64, latency_ms: pl.Float64,
};
// times in microseconds, Polars' unit for datetimes (strptime takes only
// Datetime("ms"), and gives microseconds all the same)
const ts = form === 'ms'
  ? pl.col('ts').mul(1000).cast(pl.Datetime('us'))
  : pl.col('ts').str.strptime(pl.Datetime('ms'), '%Y-%m-%dT%H:%M:%S%.fZ');
const fmt = '%Y-%m-%dT%H:%M:%SZ';

const df = await pl.scanJson(file, { schema })
  .withColumns(ts.dt.truncate('1m').alias('ws'))
  .groupBy(['ws', 'user'])
  .agg(pl.len().alias('count'), pl.col('bytes').sum().alias('sum_bytes'),
    pl.col('latency_ms').mean().alias('avg_latency_ms'))
  .sort(['ws', 'user'])
  .select(pl.col('ws').dt.strftime(fmt).alias('window_start'),
    pl.col('ws').cast(pl.Int64).add(60000000).cast(pl.Datetime('us'))
      .dt.strftime(fmt).alias('window_end'),
    'user', 'count', 'sum_bytes', 'avg_latency_ms')
  .collect();
process.stdout.write(df.writeJSON({ format: 'lines' }));
