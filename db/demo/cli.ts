import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openDatabase, type DB } from '../open.js';
import { parseCommandLine, usageError as failUsage } from '../cli-args.js';
import { DEFAULT_DEMO_SEED, DEMO_PASSWORD, DemoRefusedError, generateDemo } from './generate.js';

// npm run demo -- --orders N --db FILE [--seed S] [--now ISO-DATE]
// Exit codes: 0 done, 1 generation failed, 2 bad arguments or a database that is not empty.

const USAGE = `Usage: npm run demo -- --orders N --db FILE [--seed S] [--now 2026-06-30T10:00:00Z]
  --orders N   dispatch orders to generate (0 = reference data and users only)
  --db FILE    SQLite file to create or fill; it must not hold data yet
  --seed S     whole number 0…4294967295 (default ${DEFAULT_DEMO_SEED}); same seed and --now give the same data
  --now DATE   the moment the data ends at (default: the current time)`;

function usageError(message: string): never {
  return failUsage(message, USAGE);
}

function wholeNumber(text: string | undefined, name: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.replaceAll('_', ''));
  if (!/^\d[\d_]*$/.test(text) || !Number.isSafeInteger(value) || value > max) {
    usageError(`${name} must be a whole number from 0 to ${max}, got "${text}".`);
  }
  return value;
}

async function main(): Promise<void> {
  const { values } = parseCommandLine(
    {
      options: {
        orders: { type: 'string' },
        db: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    },
    USAGE,
  );
  const orders = wholeNumber(values.orders, '--orders', 50_000_000);
  if (orders === undefined) usageError('--orders is required.');
  if (!values.db) usageError('--db is required.');
  const seed = wholeNumber(values.seed, '--seed', 0xffffffff) ?? DEFAULT_DEMO_SEED;
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) usageError(`--now must be a date and time such as 2026-06-30T10:00:00Z, got "${values.now}".`);

  const file = resolve(values.db);
  let db: DB;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = openDatabase(file);
  } catch (err) {
    console.error(`Cannot open ${file}: ${(err as Error).message}`);
    process.exit(1);
  }

  const started = performance.now();
  const interactive = process.stderr.isTTY;
  const progress = (what: string) => {
    let lastTenth = -1;
    return (done: number, total: number) => {
      if (total === 0) return;
      const percent = Math.floor((done * 100) / total);
      if (interactive) {
        process.stderr.write(`\r${what} ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${percent}%)`);
        if (done === total) process.stderr.write('\n');
      } else if (Math.floor(percent / 10) > lastTenth) {
        // Logs and CI get a line per tenth, not thousands of carriage returns.
        lastTenth = Math.floor(percent / 10);
        console.error(`${what} ${done}/${total} (${percent}%)`);
      }
    };
  };
  try {
    const summary = await generateDemo(db, {
      orders,
      seed,
      now,
      onProgress: progress('dispatch orders'),
      onWarehouseProgress: progress('warehouse steps'),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Demo database ${file}: ${summary.orders} dispatch orders, ${summary.contracts} contracts, ` +
        `${summary.customers} customers, ${summary.devices} devices, ${summary.engineers} engineers, ` +
        `${summary.regions} regions, ${summary.warehouse.parts} parts, ${summary.warehouse.documents} stock documents, ` +
        `${summary.warehouse.materials} material lines, ${summary.warehouse.owed} owed records, ` +
        `users clerk/warehouse/manager/admin (password ${DEMO_PASSWORD}), ` +
        `seed ${summary.seed}, ${seconds} s`,
    );
  } catch (err) {
    if (err instanceof DemoRefusedError) {
      console.error(`${err.message}\nChoose a new file for --db, or delete ${file} first.`);
      db.close();
      process.exit(2);
    }
    console.error(`Generating demo data failed: ${(err as Error).message}\nThe file may be partly filled; delete ${file} before trying again.`);
    db.close();
    process.exit(1);
  }
  db.close();
}

void main();
