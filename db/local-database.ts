import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase, type DB } from './open.js';
import { generateDemo } from './demo/generate.js';

/** Orders in the demo data a first start creates: enough to show the 200-row cap at work. */
export const FIRST_START_DEMO_ORDERS = 5000;

/**
 * Opens the local database of this computer ("this computer" in the login settings). On first
 * start the file does not exist yet: it is created with demo data so a newcomer can log in.
 */
export async function openLocalDatabase(
  file: string,
  log: (message: string) => void = () => {},
): Promise<DB> {
  const isNew = !existsSync(file);
  mkdirSync(dirname(file), { recursive: true });
  const db = openDatabase(file);
  const empty = (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n === 0;
  if (isNew || empty) {
    log(`Creating the local database with demo data at ${file} …`);
    try {
      await generateDemo(db, { orders: FIRST_START_DEMO_ORDERS });
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return db;
}
