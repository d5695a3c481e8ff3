import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { migrations } from '../../db/migrations/index.js';
import { generateDemo } from '../../db/demo/generate.js';
import { reverseDocument } from '../../db/services/warehouse/documents.js';
import { listIndexes } from '../../db/search/indexes.js';
import { moduleById } from '../../shared/modules/index.js';
import { fold } from '../../shared/text/fold.js';
import { sortKey } from '../../shared/text/sort-key.js';

// Migration 009 on a database with rows (made at schema 8): every list's search index and sort
// keys hold exactly its rows, folded — computed here from the list views — and keep doing so
// through changes of the joined tables.

const dir = mkdtempSync(join(tmpdir(), 'pim-search-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each list's index tables against its view, row for row. */
function checkIndexes(db: DB): void {
  for (const [id, spec] of Object.entries(listIndexes)) {
    const def = moduleById(id)!;
    const view = db.prepare(`SELECT * FROM "${def.view}" ORDER BY id`).all() as Record<string, string | number | null>[];
    const f = spec.index.fields;
    const fields = db.prepare(`SELECT id, ${f.join(', ')} FROM ${spec.index.fieldsTable} ORDER BY id`).all();
    const folded = view.map((r) => ({ id: r.id, ...Object.fromEntries(f.map((c) => [c, r[c] === null ? null : fold(String(r[c]))])) }));
    expect({ id, fields }).toEqual({ id, fields: folded });
    const text = db.prepare(`SELECT id, text FROM ${spec.index.textTable} ORDER BY id`).all();
    expect({ id, text }).toEqual({ id, text: folded.map((r) => ({ id: r.id, text: f.map((c) => (r as Record<string, unknown>)[c] ?? '').join('\u001f') })) });
    db.prepare(`INSERT INTO ${spec.index.ftsTable} (${spec.index.ftsTable}, rank) VALUES ('integrity-check', 0)`).run();
    expect(db.prepare(`SELECT count(*) FROM ${spec.index.ftsTable}_docsize`).pluck().get()).toBe(view.length);
    if (spec.sort) {
      const cols = spec.sort.fields;
      const stored = db.prepare(`SELECT sid AS id, ${cols.map((c) => `sk_${c} AS ${c}`).join(', ')} FROM ${spec.sort.table} ORDER BY sid`).all();
      // Text by its whole sort key; enums by position (empty first, unknown last); numbers and
      // dates by value, empty first (-inf, '').
      const keyOf = (c: string, v: string | number | null) => {
        const col = def.columns.find((x) => x.field === c)!;
        if (col.type === 'text') return sortKey(v);
        if (col.type === 'enum') return v === null || v === '' ? -1 : col.enumValues!.includes(String(v)) ? col.enumValues!.indexOf(String(v)) : col.enumValues!.length;
        if (col.type === 'date' || col.type === 'datetime') return v ?? '';
        // The view shows hours; the key is the stored hundredths (the same order).
        if (c === 'hours' && v !== null) return Math.round(Number(v) * 100);
        return v ?? -Infinity;
      };
      const keys = view.map((r) => ({ id: r.id, ...Object.fromEntries(cols.map((c) => [c, keyOf(c, r[c])])) }));
      expect({ id, stored }).toEqual({ id, stored: keys });
    }
  }
}

describe('migration 009 (folded search indexes, every list, sort keys)', () => {
  it('rebuilds and adds the indexes of a database that has rows, and they follow every change', async () => {
    const file = join(dir, 'v8.db');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 8) });
    await generateDemo(old, { orders: 400, seed: 4, now: new Date('2026-06-30T10:00:00Z') });
    // Text the old index (ASCII case only) could not match, written before the migration.
    old.prepare("UPDATE dispatch_orders SET customer = 'ÄRZTE ＧＭＢＨ' WHERE id = 3").run();
    old.close();
    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(9);
      checkIndexes(db);
      // Changes of joined rows: an order's number and customer, an engineer, a region, a part, a warehouse.
      const order = db.prepare('SELECT order_id FROM service_contents ORDER BY id LIMIT 1').pluck().get() as number;
      db.prepare("UPDATE dispatch_orders SET customer = 'Ｎｅｗ 客户', order_no = order_no || 'X' WHERE id = ?").run(order);
      db.prepare("UPDATE engineers SET name = 'Ｅｎｇ' WHERE id = (SELECT engineer_id FROM service_contents ORDER BY id LIMIT 1)").run();
      db.prepare("UPDATE sales_regions SET name = '阿坝' WHERE id = (SELECT region_id FROM dispatch_orders WHERE region_id IS NOT NULL LIMIT 1)").run();
      db.prepare("UPDATE parts SET name = 'Ｐａｒｔ', part_no = part_no || '-Ä' WHERE id = (SELECT part_id FROM stock_balances LIMIT 1)").run();
      db.prepare("UPDATE warehouses SET name = 'Ｍａｉｎ' WHERE id = 1").run();
      db.prepare("UPDATE task_types SET name = 'Ｒｅｐａｉｒ' WHERE id = 1").run();
      db.prepare("UPDATE users SET display_name = 'Ｃｌｅｒｋ' WHERE id = 1").run();
      // Long free text, keyed since migration 013.
      db.prepare("UPDATE dispatch_orders SET problem = 'Ａ 阿坝 故障' WHERE id = (SELECT max(id) FROM dispatch_orders)").run();
      db.prepare("UPDATE service_contents SET findings = 'ä 轴承', work_done = '' WHERE id = (SELECT min(id) FROM service_contents)").run();
      db.prepare("UPDATE service_fees SET remarks = '' WHERE id = (SELECT min(id) FROM service_fees WHERE material_id IS NULL)").run();
      // Lines deleted and added, an order replaced.
      db.prepare('DELETE FROM service_fees WHERE id IN (SELECT id FROM service_fees WHERE material_id IS NULL ORDER BY id LIMIT 3)').run();
      db.prepare('DELETE FROM service_contents WHERE id IN (SELECT id FROM service_contents ORDER BY id DESC LIMIT 3)').run();
      checkIndexes(db);
      // Keyed since migration 014: a later document reversing an issue's and a return's lines
      // (their 红冲单号), owed records inserted, changed and deleted (their plan lines' owed
      // quantity), an owed record's own columns and its order's region, balances (a part's stock),
      // a warehouse's kind, a contract's address and dates.
      const actor = { user: { id: 1, username: 'admin', displayName: 'Admin', role: 'admin' as const }, now: new Date('2026-07-01T10:00:00Z') };
      for (const type of ['issue', 'return']) {
        const docs = db.prepare("SELECT doc_no FROM stock_documents WHERE doc_type = ? AND id NOT IN (SELECT reverses_id FROM stock_documents WHERE reverses_id IS NOT NULL) ORDER BY id DESC").pluck().all(type) as string[];
        const reversed = docs.some((docNo) => {
          try {
            reverseDocument(db, docNo, 'Ｔｅｓｔ 红冲', actor);
            return true;
          } catch {
            return false; // its stock or serials have moved on: the next one
          }
        });
        expect({ type, reversed }).toEqual({ type, reversed: true });
      }
      // First: it re-keys most owed records (one clerk made them), which would hide the changes below.
      db.prepare("UPDATE users SET display_name = 'Ｏｗｅｄ 经办' WHERE id = (SELECT created_by FROM owed_parts ORDER BY id LIMIT 1)").run();
      const material = db.prepare('SELECT order_id, part_id, order_no, customer, part_no, part_name FROM order_materials ORDER BY id LIMIT 1').get() as Record<string, unknown>;
      db.prepare(
        `INSERT INTO owed_parts (order_id, part_id, quantity, supplied, status, reason, promised_date, responsible, created_at, created_by, updated_at, updated_by, order_no, customer, part_no, part_name)
         VALUES (@order_id, @part_id, 5, 1, 'partial', '缺货 Ä', '2026-07-02', '张三', '2026-07-01 10:00:00', 1, '2026-07-01 10:00:00', 1, @order_no, @customer, @part_no, @part_name)`,
      ).run(material);
      db.prepare("UPDATE owed_parts SET supplied = quantity, status = 'supplied' WHERE id = (SELECT min(id) FROM owed_parts WHERE status = 'owed')").run();
      db.prepare("UPDATE owed_parts SET status = 'closed', close_reason = '客户取消', reason = '' WHERE id = (SELECT max(id) FROM owed_parts WHERE status = 'owed')").run();
      db.prepare("DELETE FROM owed_parts WHERE id = (SELECT min(id) FROM owed_parts WHERE status IN ('owed', 'partial') AND id NOT IN (SELECT owed_id FROM issue_lines WHERE owed_id IS NOT NULL))").run();
      db.prepare(
        'UPDATE dispatch_orders SET region_id = (SELECT min(r.id) FROM sales_regions r WHERE r.id IS NOT dispatch_orders.region_id) WHERE id = (SELECT order_id FROM owed_parts ORDER BY id LIMIT 1)',
      ).run();
      db.prepare('UPDATE stock_balances SET quantity = quantity + 7 WHERE id = (SELECT min(id) FROM stock_balances)').run();
      db.prepare("UPDATE warehouses SET kind = CASE kind WHEN 'main' THEN 'faulty' ELSE 'main' END WHERE id = (SELECT warehouse_id FROM stock_balances GROUP BY warehouse_id ORDER BY sum(quantity) DESC LIMIT 1)").run();
      db.prepare("UPDATE sales_contracts SET address = 'Ａｄｄｒ 阿坝', delivery_date = NULL, sign_date = '2020-01-01' WHERE id = (SELECT min(id) FROM sales_contracts)").run();
      checkIndexes(db);
    } finally {
      db.close();
    }
  }, 180_000);
});
