import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine, usageError } from '../db/cli-args.js';
import { generateDemo } from '../db/demo/generate.js';
import { openDatabase } from '../db/open.js';
import { benchExport } from './export.js';

// tsx bench/export-cli.ts [--orders N] [--db FILE]
// The export benchmark on its own: on the given database, or on a fresh demo database of
// N orders (default 100,000) in a temp folder, removed afterwards.

const USAGE = `Usage: tsx bench/export-cli.ts [--orders N] [--db FILE]
  --orders N   orders of the generated demo database (default 100,000)
  --db FILE    an existing database to export from instead`;

const { values } = parseCommandLine({ options: { orders: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }, USAGE);
let dir: string | null = null;
let file = values.db as string | undefined;
if (!file) {
  const orders = Number(values.orders ?? 100_000);
  if (!Number.isInteger(orders) || orders < 1) usageError('--orders must be a positive whole number', USAGE);
  dir = mkdtempSync(join(tmpdir(), 'pim-bench-export-'));
  file = join(dir, 'demo.db');
  const db = openDatabase(file);
  const t0 = performance.now();
  await generateDemo(db, { orders, seed: 20080601, now: new Date('2026-06-30T10:00:00Z') });
  db.close();
  console.log(`demo database: ${orders.toLocaleString('en')} orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const db = openDatabase(file);
try {
  await benchExport(db, (line) => console.log(line));
} finally {
  db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
