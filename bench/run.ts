import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openDatabase, type DB } from '../db/open.js';
import { parseCommandLine, usageError as failUsage } from '../db/cli-args.js';
import { generateDemo } from '../db/demo/generate.js';
import { benchSearch } from './search.js';
import { benchWarehouse } from './warehouse.js';
import { benchExport } from './export.js';
import { benchGrid } from './grid.js';
import { benchLoadSection } from './load.js';

// npm run bench [-- --orders N] [--db FILE]
// Benchmarks over a large demo database, generated once and reused: one section after another.

const BENCH_SEED = 20080601;
// A fixed end date keeps the generated data, and so the figures, comparable between runs.
const BENCH_NOW = new Date('2026-06-30T10:00:00Z');
const DEFAULT_ORDERS = 1_000_000;
const USAGE = `Usage: npm run bench [-- --orders N] [--db FILE] [--load-only] [--load-db FILE] [--load-seconds S]
  --orders N        orders in the benchmark database (default ${DEFAULT_ORDERS.toLocaleString('en')})
  --db FILE         database to use (default .bench/orders-1m.db, or .bench/orders-N.db)
  --load-only       only the load section (e): many desks on the server, over 200,000 orders and,
                    when it exists, the 10⁶-order benchmark database
  --load-db FILE    the 200,000-order database of the load section (default .bench/orders-200k.db,
                    generated when missing)
  --load-seconds S  seconds measured under the mixed load (default 60)`;

function usageError(message: string): never {
  return failUsage(message, USAGE);
}

function metaValue(db: DB, key: string): string | undefined {
  return (db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? undefined;
}

/** A database left by an earlier run: complete when its meta says so and the count agrees. */
function isComplete(db: DB, orders: number): boolean {
  if (metaValue(db, 'demo') !== '1' || metaValue(db, 'demo_orders') !== String(orders)) return false;
  // One from before the warehouse demo has no stock documents: generated again.
  if (!db.prepare('SELECT EXISTS (SELECT 1 FROM stock_documents)').pluck().get()) return false;
  return db.prepare('SELECT count(*) FROM dispatch_orders').pluck().get() === orders;
}

async function main(): Promise<void> {
  const { values } = parseCommandLine(
    {
      options: {
        orders: { type: 'string' },
        db: { type: 'string' },
        'load-only': { type: 'boolean' },
        'load-db': { type: 'string' },
        'load-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    },
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
  // (e) the server under load: over 200,000 orders, and the 10⁶-order database when there is one.
  const loadSeconds = values['load-seconds'] === undefined ? undefined : Number(values['load-seconds']);
  if (loadSeconds !== undefined && !(loadSeconds >= 1)) usageError(`--load-seconds must be a number ≥ 1, got "${values['load-seconds']}".`);
  const runLoad = () =>
    benchLoadSection({
      loadDb: resolve(values['load-db'] ?? '.bench/orders-200k.db'),
      loadDbOwned: values['load-db'] === undefined,
      millionDb: orders === DEFAULT_ORDERS ? file : resolve('.bench/orders-1m.db'),
      seed: BENCH_SEED,
      now: BENCH_NOW,
      log: (line) => console.log(line),
      load: loadSeconds === undefined ? {} : { seconds: loadSeconds },
    });
  if (values['load-only']) {
    await runLoad();
    return;
  }

  if (existsSync(file)) {
    // Opening applies pending migrations: on a database from before 002 that builds the search
    // index over every order.
    const opened = performance.now();
    const probe = openDatabase(file);
    const seconds = (performance.now() - opened) / 1000;
    if (seconds > 1) console.log(`opened ${file} (migrations applied) in ${seconds.toFixed(1)} s`);
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
    let ordersDone = started;
    const summary = await generateDemo(db, {
      orders,
      seed: BENCH_SEED,
      now: BENCH_NOW,
      onProgress: (done, total) => {
        const tenth = Math.floor((done * 10) / total);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          console.error(`  ${done.toLocaleString('en')}/${total.toLocaleString('en')}`);
        }
        if (done === total) ordersDone = performance.now();
      },
      onWarehouseProgress: (done, total) => {
        if (done === 0) console.error(`  warehouse: ${total.toLocaleString('en')} steps …`);
      },
    });
    const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    const finished = performance.now();
    console.log(
      `generated ${orders.toLocaleString('en')} orders in ${seconds(started, finished)} s (orders ${seconds(started, ordersDone)} s, ` +
        `warehouse ${seconds(ordersDone, finished)} s: ${summary.warehouse.documents.toLocaleString('en')} stock documents, ` +
        `${summary.warehouse.materials.toLocaleString('en')} material lines, ${summary.warehouse.owed.toLocaleString('en')} owed records)`,
    );
  }

  const sqliteVersion = db.prepare('SELECT sqlite_version()').pluck().get();
  console.log(`SQLite ${sqliteVersion}, Node ${process.versions.node}, ${orders.toLocaleString('en')} orders in ${file}`);

  // Sections, one after the other: (a) search, (d) the warehouse, (b) export all, (c) the grid in the browser.
  const log = (line: string) => console.log(line);
  await benchSearch(db, log, file);
  await benchWarehouse(db, log);
  await benchExport(db, log);
  await benchGrid(log);

  db.close();
  await runLoad();
}

void main();
