import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../../db/backend.js';
import { generateDemo } from '../../db/demo/generate.js';
import { openDatabase, type DB } from '../../db/open.js';
import type { ParamsOf } from '../../shared/contract.js';
import { ServiceError } from '../../shared/errors.js';

// A demo database (reference data, users, a few orders) behind a Backend whose clock the test
// sets; shared by the dispatch, regions and numbering tests.

export const DEMO_NOW = new Date('2026-06-30T10:00:00Z');

export interface Fixture {
  dir: string;
  file: string;
  db: DB;
  backend: Backend;
  clock: { now: Date };
  token: { clerk: string; manager: string; admin: string };
  close(): void;
}

export async function makeFixture(orders = 0): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'pim-dispatch-'));
  const file = join(dir, 'demo.db');
  const db = openDatabase(file);
  await generateDemo(db, { orders, seed: 11, now: DEMO_NOW });
  const clock = { now: new Date(DEMO_NOW.getTime() + 3_600_000) };
  const backend = new Backend(db, { now: () => clock.now });
  const login = async (username: string) => (await backend.call('auth.login', { username, password: 'demo123' })).token;
  const token = { clerk: await login('clerk'), manager: await login('manager'), admin: await login('admin') };
  return {
    dir,
    file,
    db,
    backend,
    clock,
    token,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid order input on the demo's first contract. */
export function orderInput(f: Fixture, patch: Partial<ParamsOf<'dispatch.create'>['order']> = {}): ParamsOf<'dispatch.create'>['order'] {
  const contract = f.db.prepare('SELECT id, customer, region_id FROM sales_contracts ORDER BY id LIMIT 1').get() as {
    id: number;
    customer: string;
    region_id: number;
  };
  const engineer = f.db.prepare('SELECT id FROM engineers ORDER BY id LIMIT 1').pluck().get() as number;
  return {
    contractId: contract.id,
    customer: contract.customer,
    regionId: contract.region_id,
    taskTypeId: 1,
    warranty: false,
    contact: '张工',
    phone: '13912345678',
    problem: '设备异响',
    urgency: 'normal',
    expectedAt: new Date(f.clock.now.getTime() + 86_400_000).toISOString(),
    engineerId: engineer,
    ...patch,
  };
}

/** The ServiceError a call fails with. */
export async function failure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ServiceError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}
