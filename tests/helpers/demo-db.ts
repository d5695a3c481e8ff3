import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../db/demo/generate.js';
import { openDatabase } from '../../db/open.js';

/** A fresh demo database in a temp folder; returns its path. */
export async function makeDemoDb(orders: number, seed = 7): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pim-test-'));
  const file = join(dir, 'demo.db');
  const db = openDatabase(file);
  await generateDemo(db, { orders, seed, now: new Date('2026-06-30T10:00:00Z') });
  db.close();
  return { dir, file };
}
