// duckdb_csv.mjs — bench/csv's conversions in DuckDB (through @duckdb/node-api):
//
//   node bench/duckdb_csv.mjs tojson FILE.csv   > out.ndjson   (read_csv)
//   node bench/duckdb_csv.mjs tocsv FILE.ndjson > out.csv      (read_ndjson)
//
// The columns are the bench events' (ts, user, path, status, bytes,
// latency_ms), given as a schema so DuckDB neither guesses nor turns ts
// into a timestamp: the output is then the same text as scsv's.
// @duckdb/node-api is looked up in $DUCKDB_NODE_DIR/node_modules (default
// bench/.cache/node, where bench/run installs it).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nodeDir = resolve(process.env.DUCKDB_NODE_DIR || join(here, '.cache', 'node'));
const { DuckDBInstance } = createRequire(join(nodeDir, 'package.json'))('@duckdb/node-api');

const [dir, file] = process.argv.slice(2);
if (!file || (dir !== 'tojson' && dir !== 'tocsv')) {
  process.stderr.write('usage: node duckdb_csv.mjs tojson|tocsv FILE\n');
  process.exit(2);
}
const sq = (s) => "'" + s.replace(/'/g, "''") + "'";
const columns = `{ts: 'VARCHAR', "user": 'VARCHAR', path: 'VARCHAR',
  status: 'BIGINT', bytes: 'BIGINT', latency_ms: 'DOUBLE'}`;
const sql = dir === 'tojson'
  ? `COPY (SELECT * FROM read_csv(${sq(file)}, header = true, columns = ${columns}))
     TO '/dev/stdout' (FORMAT JSON)`
  : `COPY (SELECT * FROM read_ndjson(${sq(file)}, columns = ${columns}))
     TO '/dev/stdout' (FORMAT CSV, HEADER)`;

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run(sql);
con.closeSync?.();
instance.closeSync?.();
