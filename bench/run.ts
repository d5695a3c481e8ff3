import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openDatabase, type DB } from '../db/open.js';
import { parseCommandLine, usageError as failUsage } from '../db/cli-args.js';
import { generateDemo } from '../db/demo/generate.js';
import { queryDispatch } from '../db/services/dispatch.js';
import type { QueryRequest } from '../shared/query.js';

// npm run bench [-- --orders N] [--db FILE]
// The quick search of the dispatch list over a large demo database: capped rows plus the full
// count, as the grid asks for them. The database is generated once and reused.

const BENCH_SEED = 20080601;
// A fixed end date keeps the generated data, and so the figures, comparable between runs.
const BENCH_NOW = new Date('2026-06-30T10:00:00Z');
const DEFAULT_ORDERS = 1_000_000;
const WARMUP_RUNS = 2;
const RUNS = 20;

const PATTERNS = [
  '2by*5084*4*1', // selective part number, the legacy manual's example
  '*y.50*4.10*4', // the manual's second example, with a leading *
  '有限公司', // unselective: about half the customers
  '华信', // Chinese, two characters (too short for a trigram index), a modest share
];

const USAGE = `Usage: npm run bench [-- --orders N] [--db FILE]
  --orders N   orders in the benchmark database (default ${DEFAULT_ORDERS.toLocaleString('en')})
  --db FILE    database to use (default .bench/orders-1m.db, or .bench/orders-N.db)`;

function usageError(message: string): never {
  return failUsage(message, USAGE);
}

function metaValue(db: DB, key: string): string | undefined {
  return (db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? undefined;
}

/** A database left by an earlier run: complete when its meta says so and the count agrees. */
function isComplete(db: DB, orders: number): boolean {
  if (metaValue(db, 'demo') !== '1' || metaValue(db, 'demo_orders') !== String(orders)) return false;
  return db.prepare('SELECT count(*) FROM dispatch_orders').pluck().get() === orders;
}

function percentile(sorted: number[], p: number): number {
  // Nearest rank: with 20 runs, p95 is the 19th fastest.
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function pad(text: string, width: number, right = false): string {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\ua4cf\uff00-\uff60]/.test(ch) ? 2 : 1;
  const fill = ' '.repeat(Math.max(0, width - w));
  return right ? fill + text : text + fill;
}

async function main(): Promise<void> {
  const { values } = parseCommandLine(
    { options: { orders: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true },
    USAGE,
  );
  let orders = DEFAULT_ORDERS;
  if (values.orders !== undefined) {
    orders = Number(values.orders.replaceAll('_', ''));
    if (!/^\d[\d_]*$/.test(values.orders) || !Number.isSafeInteger(orders) || orders < 1) {
      usageError(`--orders must be a whole number ≥ 1, got "${values.orders}".`);
    }
  }
  const defaultFile = `.bench/orders-${orders === DEFAULT_ORDERS ? '1m' : orders}.db`;
  const file = resolve(values.db ?? defaultFile);

  if (existsSync(file)) {
    const probe = openDatabase(file);
    const complete = isComplete(probe, orders);
    probe.close();
    if (!complete) {
      // Only files this script owns are thrown away; a file named with --db might be real data.
      if (values.db) usageError(`${file} is not a complete ${orders}-order demo database. Delete it or choose another --db.`);
      console.error(`${file} is incomplete or from another run; generating it again.`);
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    }
  }

  let db: DB;
  if (existsSync(file)) {
    db = openDatabase(file);
    console.error(`Reusing ${file} (${orders.toLocaleString('en')} orders, seed ${metaValue(db, 'seed')}).`);
  } else {
    mkdirSync(dirname(file), { recursive: true });
    db = openDatabase(file);
    console.error(`Generating ${orders.toLocaleString('en')} orders into ${file} (seed ${BENCH_SEED}) …`);
    const started = performance.now();
    let lastTenth = -1;
    await generateDemo(db, {
      orders,
      seed: BENCH_SEED,
      now: BENCH_NOW,
      onProgress: (done, total) => {
        const tenth = Math.floor((done * 10) / total);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          console.error(`  ${done.toLocaleString('en')}/${total.toLocaleString('en')}`);
        }
      },
    });
    console.log(`generated ${orders.toLocaleString('en')} orders in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  const sqliteVersion = db.prepare('SELECT sqlite_version()').pluck().get();
  console.log(`quick search (any field contains), limit 200, ${WARMUP_RUNS} warm-up + ${RUNS} runs each; ` +
    `SQLite ${sqliteVersion}, Node ${process.versions.node}, ${orders.toLocaleString('en')} orders`);
  const header = ['pattern', 'rows', 'total', 'median ms', 'p95 ms'];
  const widths = [16, 6, 10, 10, 9];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], i > 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const pattern of PATTERNS) {
    const request: QueryRequest = { conditions: [{ field: 'any', op: 'contains', value: pattern }], join: 'and', sort: [], limit: 200 };
    for (let i = 0; i < WARMUP_RUNS; i++) queryDispatch(db, request);
    const times: number[] = [];
    let result = queryDispatch(db, request);
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      result = queryDispatch(db, request);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(
      line([
        pattern,
        String(result.rows.length),
        String(result.total),
        percentile(times, 50).toFixed(1),
        percentile(times, 95).toFixed(1),
      ]),
    );
  }
  db.close();
}

void main();
