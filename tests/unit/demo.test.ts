import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { verifyPassword } from '../../db/passwords.js';
import { DemoRefusedError, generateDemo, type DemoSummary } from '../../db/demo/generate.js';

const now = new Date('2026-06-30T10:00:00Z');
const ORDERS = 2000;
let dir: string;
let a: DB;
let b: DB;
let summary: DemoSummary;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pim-demo-'));
  a = openDatabase(join(dir, 'a.db'));
  b = openDatabase(join(dir, 'b.db'));
  const progress: number[] = [];
  summary = await generateDemo(a, { orders: ORDERS, seed: 42, now, onProgress: (done) => progress.push(done) });
  await generateDemo(b, { orders: ORDERS, seed: 42, now });
  expect(progress.at(-1)).toBe(ORDERS);
});

afterAll(() => {
  a?.close();
  b?.close();
  rmSync(dir, { recursive: true, force: true });
});

const tablesOf = (db: DB) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];

/** A table's rows in rowid (or key) order, without password hashes (their salts are random by design). */
function contents(db: DB, table: string): unknown[] {
  const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").pluck().get(table) as string | null;
  // Tables without a rowid (the search index's own shadow tables) are ordered by their key.
  const order = sql && /WITHOUT\s+ROWID/i.test(sql) ? '1' : 'rowid';
  return (db.prepare(`SELECT * FROM "${table}" ORDER BY ${order}`).all() as Record<string, unknown>[]).map((row) => {
    const { password_hash: _ignored, ...rest } = row;
    return rest;
  });
}

describe('demo data generator', () => {
  it('gives identical content for the same seed and now', () => {
    const tables = tablesOf(a);
    expect(tables).toEqual(tablesOf(b));
    expect(tables).toContain('dispatch_orders');
    for (const table of tables) expect(contents(b, table), table).toEqual(contents(a, table));
  });

  it('gives other content for another seed', async () => {
    const c = openDatabase(join(dir, 'c.db'));
    await generateDemo(c, { orders: 50, seed: 43, now });
    expect(contents(c, 'sales_contracts')).not.toEqual(contents(a, 'sales_contracts').slice(0, 50));
    c.close();
  });

  it('numbers orders SN + local date of created_at + a unique four-digit daily serial', () => {
    const rows = a.prepare('SELECT order_no, created_at FROM dispatch_orders').all() as { order_no: string; created_at: string }[];
    expect(rows).toHaveLength(ORDERS);
    expect(summary.orders).toBe(ORDERS);
    expect(new Set(rows.map((r) => r.order_no)).size).toBe(ORDERS);
    for (const r of rows) {
      expect(r.order_no).toMatch(/^SN\d{8}\d{4}$/);
      const d = new Date(r.created_at);
      const ymd = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
      expect(r.order_no.slice(2, 10)).toBe(ymd);
      expect(d.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(d.getTime()).toBeGreaterThan(now.getTime() - 740 * 86_400_000);
    }
  });

  it('creates one demo user per role, each with its own salt and the password demo123', async () => {
    const users = a
      .prepare('SELECT u.username, r.code AS role, u.display_name, u.password_hash FROM users u JOIN roles r ON r.id = u.role_id ORDER BY u.id')
      .all() as { username: string; role: string; display_name: string; password_hash: string }[];
    expect(users.map((u) => [u.username, u.role])).toEqual([
      ['clerk', 'clerk'],
      ['warehouse', 'warehouse'],
      ['manager', 'manager'],
      ['admin', 'admin'],
    ]);
    expect(new Set(users.map((u) => u.password_hash)).size).toBe(4);
    for (const u of users) {
      expect(u.display_name).toMatch(/\p{Script=Han}/u);
      expect(await verifyPassword('demo123', u.password_hash)).toBe(true);
    }
  });

  it('marks the database as demo data with its seed', () => {
    const meta = Object.fromEntries((a.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    expect(meta).toMatchObject({ demo: '1', seed: '42' });
  });

  it('has the legacy example part 2BY.5084.1044.1 and well-formed part numbers', () => {
    const parts = a.prepare('SELECT part_no FROM devices').pluck().all() as string[];
    expect(parts).toContain('2BY.5084.1044.1');
    for (const p of parts) expect(p).toMatch(/^\d[A-Z]{2}\.\d{4}\.\d{4}\.\d$/);
  });

  it('fills orders plausibly', () => {
    const orders = a.prepare('SELECT * FROM dispatch_orders').all() as Record<string, string | number | null>[];
    const statuses = new Set(orders.map((o) => o.status));
    for (const s of ['pending', 'completed', 'visited', 'cancelled']) expect(statuses).toContain(s);
    for (const o of orders) {
      expect(o.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(o.contract_no).toMatch(/^HT\d{4}-\d{5}$/);
      expect(o.device_part_no).toBeTruthy();
      expect(o.device_serial_no).toBeTruthy();
      expect(o.problem).toBeTruthy();
      expect(o.contact).toBeTruthy();
      // Nobody is sent to a job that is still waiting.
      if (o.status === 'pending') expect(o.engineer_id).toBeNull();
      expect(o.expected_at! > o.created_at!).toBe(true);
      expect(o.updated_at! >= o.created_at!).toBe(true);
    }
    // The device on the order is copied from a device row.
    const mismatched = a
      .prepare(
        `SELECT count(*) FROM dispatch_orders o JOIN devices d ON d.id = o.device_id
         WHERE o.device_part_no <> d.part_no OR o.device_name <> d.name OR o.device_model <> d.model`,
      )
      .pluck()
      .get();
    expect(mismatched).toBe(0);
    // No order before its contract was signed.
    const early = a
      .prepare('SELECT count(*) FROM dispatch_orders o JOIN sales_contracts c ON c.id = o.contract_id WHERE substr(o.created_at, 1, 10) < c.sign_date')
      .pluck()
      .get();
    expect(early).toBe(0);
  });

  it('names customers realistically: about half end in 有限公司, a modest share are 华信', () => {
    const customers = a.prepare('SELECT DISTINCT customer FROM sales_contracts').pluck().all() as string[];
    const share = (test: (c: string) => boolean) => customers.filter(test).length / customers.length;
    expect(share((c) => c.endsWith('有限公司'))).toBeGreaterThan(0.35);
    expect(share((c) => c.endsWith('有限公司'))).toBeLessThan(0.65);
    expect(share((c) => c.includes('华信'))).toBeGreaterThan(0);
    expect(share((c) => c.includes('华信'))).toBeLessThan(0.15);
  });

  it('builds a region tree three levels deep', () => {
    const depth = a
      .prepare(
        `WITH RECURSIVE t(id, depth) AS (SELECT id, 1 FROM sales_regions WHERE parent_id IS NULL
         UNION ALL SELECT r.id, t.depth + 1 FROM sales_regions r JOIN t ON r.parent_id = t.id)
         SELECT max(depth) FROM t`,
      )
      .pluck()
      .get();
    expect(depth).toBe(3);
    const path = a
      .prepare(
        `SELECT a.name || '>' || p.name || '>' || c.name FROM sales_regions c
         JOIN sales_regions p ON p.id = c.parent_id JOIN sales_regions a ON a.id = p.parent_id WHERE c.name = '南京市'`,
      )
      .pluck()
      .get();
    expect(path).toBe('华东区>江苏省>南京市');
  });

  it('refuses a database that already has data, writing nothing', async () => {
    const before = a.prepare('SELECT count(*) FROM dispatch_orders').pluck().get();
    await expect(generateDemo(a, { orders: 10, seed: 42, now })).rejects.toThrow(DemoRefusedError);
    await expect(generateDemo(a, { orders: 10, seed: 42, now })).rejects.toThrow(/empty database/);
    expect(a.prepare('SELECT count(*) FROM dispatch_orders').pluck().get()).toBe(before);
  });

  it('with 0 orders writes reference data and users only', async () => {
    const z = openDatabase(join(dir, 'zero.db'));
    const s = await generateDemo(z, { orders: 0, seed: 1, now });
    expect(s.orders).toBe(0);
    expect(z.prepare('SELECT count(*) FROM dispatch_orders').pluck().get()).toBe(0);
    expect(z.prepare('SELECT count(*) FROM users').pluck().get()).toBe(4);
    expect(z.prepare('SELECT count(*) FROM sales_contracts').pluck().get()).toBeGreaterThan(0);
    expect(z.prepare('SELECT code FROM task_types ORDER BY sort_order').pluck().all()).toEqual([
      'repair', 'install', 'maintenance', 'consult', 'training', 'inspection',
    ]);
    z.close();
  });
});
