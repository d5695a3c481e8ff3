import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../db/backend.js';
import { backupDatabase, databaseInUse, listBackups, restoreDatabase } from '../../db/backup.js';
import { openDatabase } from '../../db/open.js';
import { makeDemoDb } from '../helpers/demo-db.js';
import { finished, spawnTs } from '../helpers/spawn.js';

// Issue 10, backups: an online copy taken while another process writes orders through the
// Backend restores to a database whose orders all pass their checks.
let dir: string;
let dbFile: string;

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(100));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Waits for a line on a child's standard output. */
function waitFor(child: ReturnType<typeof spawnTs>, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" within 60 s: ${out}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d) => (out += d));
  });
}

/** Every check an order of the restored database must pass; returns the problems found. */
async function checkOrders(file: string): Promise<{ problems: string[]; orders: number }> {
  const db = openDatabase(file);
  const problems: string[] = [];
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length) problems.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 3))}`);
    const orders = db.prepare('SELECT id, order_no, status, row_version, created_at, customer FROM dispatch_orders').all() as {
      id: number;
      order_no: string;
      status: string;
      row_version: number;
      created_at: string;
      customer: string;
    }[];
    for (const o of orders) {
      if (!/^SN\d{12}$/.test(o.order_no)) problems.push(`${o.order_no}: number`);
      if (!['pending', 'dispatched', 'in_progress', 'completed', 'visited', 'cancelled'].includes(o.status)) problems.push(`${o.order_no}: status`);
      if (!(o.row_version >= 1) || Number.isNaN(Date.parse(o.created_at)) || !o.customer) problems.push(`${o.order_no}: row`);
    }
    // The writer's fee lines are written as one set: an order has both or none, never one.
    const halfSets = db
      .prepare(
        `SELECT o.order_no, count(f.id) AS n FROM dispatch_orders o JOIN service_fees f ON f.order_id = o.id
         WHERE o.problem LIKE 'backup stream %' GROUP BY o.id HAVING count(f.id) <> 2`,
      )
      .all();
    if (halfSets.length) problems.push(`orders with a partial fee set: ${JSON.stringify(halfSets.slice(0, 3))}`);
    // The search index has exactly one row per order (its counts are taken from it).
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    const n = count('SELECT count(*) FROM dispatch_orders');
    if (count('SELECT count(*) FROM dispatch_search_text') !== n) problems.push('dispatch_search_text count');
    if (count('SELECT count(*) FROM dispatch_search_fields') !== n) problems.push('dispatch_search_fields count');
    // Numbering: each day's series stands at that day's last order number.
    const series = db
      .prepare(
        `SELECT substr(o.order_no, 3, 8) AS day, max(CAST(substr(o.order_no, 11) AS INTEGER)) AS last, s.last_serial
         FROM dispatch_orders o LEFT JOIN document_series s ON s.prefix = 'SN' AND s.day = substr(o.order_no, 3, 8)
         GROUP BY 1`,
      )
      .all() as { day: string; last: number; last_serial: number | null }[];
    for (const s of series) if (s.last_serial !== s.last) problems.push(`series SN${s.day}: ${s.last_serial} vs ${s.last}`);
    // And the service answers over it as over the live database.
    const backend = new Backend(db);
    const { token } = await backend.call('auth.login', { username: 'manager', password: 'demo123' });
    const list = await backend.call('dispatch.query', { conditions: [], join: 'and', sort: [], limit: 200 }, token);
    if (list.total !== n) problems.push(`dispatch.query total ${list.total} vs ${n}`);
    const newest = await backend.call('dispatch.get', { orderNo: list.rows[0].order_no as string }, token);
    const fen = count(`SELECT coalesce(sum(amount_fen), 0) FROM service_fees WHERE order_id = ${newest.order.id}`);
    if (newest.feeTotals.all < fen) problems.push('fee totals');
    await backend.exports.close();
    return { problems, orders: n };
  } finally {
    db.close();
  }
}

describe('npm run backup / npm run restore', () => {
  it('copies the database consistently while another process writes orders, and the copy restores to sound orders', async () => {
    const stop = join(dir, 'stop');
    const writer = spawnTs('tests/unit/backup-writer-worker.ts', [dbFile, stop]);
    const writerDone = finished(writer, 120_000);
    await waitFor(writer, 'ready');
    const count = () => {
      const db = new Database(dbFile, { readonly: true });
      try {
        return db.prepare('SELECT count(*) FROM dispatch_orders').pluck().get() as number;
      } finally {
        db.close();
      }
    };
    const before = count();
    const backups = join(dir, 'backups');
    const run = await finished(spawnTs('db/backup-cli.ts', ['backup', '--db', dbFile, '--to', backups]), 120_000);
    const after = count();
    writeFileSync(stop, '');
    const { output: writerOutput } = await writerDone;
    expect(run.code, run.output).toBe(0);
    const file = run.output.split('\n').map((l) => l.trim()).find((l) => l.endsWith('.db'))!;
    expect(existsSync(file)).toBe(true);
    expect(listBackups(dbFile, backups)).toEqual([file]);
    expect(run.output).toMatch(/integrity_check ok/);
    // The writer really wrote during the backup.
    expect(after).toBeGreaterThan(before);
    expect(Number(/written (\d+)/.exec(writerOutput)?.[1])).toBeGreaterThan(20);

    // The live database is in use by nobody now; a restore into a new file, then the checks.
    const restored = join(dir, 'restored.db');
    const r = await finished(spawnTs('db/backup-cli.ts', ['restore', '--from', file, '--db', restored]), 60_000);
    expect(r.code, r.output).toBe(0);
    const { problems, orders } = await checkOrders(restored);
    expect(problems).toEqual([]);
    // A snapshot from during the writes: between what was there before and after the backup.
    expect(orders).toBeGreaterThanOrEqual(before);
    expect(orders).toBeLessThanOrEqual(after);
  }, 180_000);

  it("the server's daily backup runs in steps on its own connection while it keeps writing", async () => {
    const db = openDatabase(dbFile);
    const backend = new Backend(db);
    const { token } = await backend.call('auth.login', { username: 'clerk', password: 'demo123' });
    const contract = db.prepare('SELECT id, customer, region_id FROM sales_contracts ORDER BY id LIMIT 1').get() as { id: number; customer: string; region_id: number };
    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        await backend.call(
          'dispatch.create',
          { order: { contractId: contract.id, customer: contract.customer, regionId: contract.region_id, taskTypeId: 1, warranty: false, contact: 'x', phone: '13912345678', problem: 'stepped', urgency: 'normal', expectedAt: null, engineerId: null } },
          token,
        );
        written++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    try {
      const { file } = await backupDatabase(db, join(dir, 'stepped'), { pagesPerStep: 4 });
      writing = false;
      await writes;
      expect(written).toBeGreaterThan(0);
      const restored = join(dir, 'stepped.db');
      restoreDatabase(file, restored);
      expect((await checkOrders(restored)).problems).toEqual([]);
    } finally {
      writing = false;
      await writes;
      await backend.exports.close();
      db.close();
    }
  });

  it('keeps the newest N backups', async () => {
    const to = join(dir, 'keep');
    const made: string[] = [];
    for (let i = 0; i < 4; i++) made.push((await backupDatabase(dbFile, to, { keep: 2, now: new Date(Date.UTC(2026, 5, 1 + i, 3)) })).file);
    expect(listBackups(dbFile, to)).toEqual([made[3], made[2]]);
    expect(readdirSync(to).sort()).toEqual(['demo-20260603T030000Z.db', 'demo-20260604T030000Z.db']);
  });

  it('refuses to restore over a database in use, and a backup that is not sound', async () => {
    const target = join(dir, 'busy.db');
    const live = openDatabase(target);
    const { file } = await backupDatabase(dbFile, join(dir, 'b2'));
    try {
      expect(databaseInUse(target)).toBe(true);
      const r = await finished(spawnTs('db/backup-cli.ts', ['restore', '--from', file, '--db', target]), 60_000);
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/is in use/);
    } finally {
      live.close();
    }
    expect(databaseInUse(target)).toBe(false);

    const broken = join(dir, 'broken.db');
    writeFileSync(broken, 'SQLite format 3\0 but not really a database');
    expect(() => restoreDatabase(broken, join(dir, 'x.db'))).toThrow(/not a readable database|cannot be opened|not a database/i);
    const foreign = join(dir, 'foreign.db');
    new Database(foreign).exec('CREATE TABLE t (x)');
    expect(() => restoreDatabase(foreign, join(dir, 'x.db'))).toThrow(/not a database of this program/);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);

    // Restoring over an idle database keeps the one it replaces.
    const result = restoreDatabase(file, target);
    expect(result.previous && existsSync(result.previous)).toBe(true);
    expect((await checkOrders(target)).problems).toEqual([]);
  });

  it('the server takes one at shutdown into <db dir>/backups, unless --no-backup', async () => {
    const home = join(dir, 'srv');
    mkdirSync(home);
    const db = join(home, 'pim.db');
    await backupDatabase(dbFile, home); // a copy to serve
    const [copy] = listBackups(dbFile, home);
    restoreDatabase(copy, db);
    for (const noBackup of [true, false]) {
      const child = spawnTs('server/cli.ts', ['--port', '0', '--db', db, ...(noBackup ? ['--no-backup'] : [])]);
      const done = finished(child, 60_000);
      await waitFor(child, 'listening on');
      child.kill('SIGTERM');
      const { code, output } = await done;
      expect(code, output).toBe(0);
      expect(listBackups(db, join(home, 'backups'))).toHaveLength(noBackup ? 0 : 1);
      if (!noBackup) expect(output).toMatch(/backup \(shutdown\): .*pim-\d{8}T\d{6}Z\.db/);
    }
  }, 180_000); // builds a demo database (orders, warehouse, search indexes): slow on a loaded machine
});
