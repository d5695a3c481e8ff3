import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase, type DB } from './open.js';
import { generateDemo } from './demo/generate.js';

/** Orders in the demo data a first start creates: enough to show the 200-row cap at work. */
export const FIRST_START_DEMO_ORDERS = 5000;

/**
 * Opens the local database of this computer ("this computer" in the login settings). On first
 * start the file does not exist yet: it is created with demo data so a newcomer can log in.
 * The demo is built in a temporary file and moved into place when complete, so an interrupted
 * first start never leaves a half-filled database behind.
 */
export async function openLocalDatabase(file: string, log: (message: string) => void = () => {}): Promise<DB> {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.creating-${process.pid}`;
    log(`Creating the local database with demo data at ${file} …`);
    try {
      const db = openDatabase(temp);
      await generateDemo(db, { orders: FIRST_START_DEMO_ORDERS });
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      renameSync(temp, file);
    } finally {
      for (const leftover of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(leftover, { force: true });
    }
  }
  return openDatabase(file);
}
