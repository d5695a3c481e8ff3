import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../db/backend.js';
import { openDatabase, type DB } from '../../db/open.js';
import { runModuleQuery } from '../../db/services/query.js';
import { compareValues } from '../../shared/grid/compare.js';
import { contentModule, dispatchModule, feesModule, materialsModule, type ModuleDef } from '../../shared/modules/index.js';
import { MAX_GROUPS, type GroupCount, type QueryRequest } from '../../shared/query.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// Group counts and sums over the whole result (not the 200 rows loaded), checked against
// COUNT(*) … GROUP BY written here over the base tables, and in the order of the sort keys.

let dir: string;
let db: DB;

beforeAll(async () => {
  const made = await makeDemoDb(900, 21);
  dir = made.dir;
  db = openDatabase(made.file);
}, 120_000);
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const norm = (v: unknown) => (v === '' || v === undefined ? null : v);

/** Groups as a map from their values to count and sums, from SQL written here. */
function independent(sql: string, params: unknown[] = []): Map<string, { count: number; sums: Record<string, number> }> {
  const out = new Map<string, { count: number; sums: Record<string, number> }>();
  for (const r of db.prepare(sql).all(...params) as Record<string, unknown>[]) {
    const keys = Object.keys(r).filter((k) => k.startsWith('k')).sort().map((k) => norm(r[k]));
    const sums = Object.fromEntries(Object.keys(r).filter((k) => k.startsWith('sum_')).map((k) => [k.slice(4), Number(r[k] ?? 0)]));
    const key = JSON.stringify(keys);
    const prev = out.get(key);
    // Empty text and NULL are one group.
    if (prev) {
      prev.count += r.n as number;
      for (const [f, v] of Object.entries(sums)) prev.sums[f] += v;
    } else out.set(key, { count: r.n as number, sums });
  }
  return out;
}

function asMap(groups: GroupCount[]) {
  return new Map(groups.map((g) => [JSON.stringify(g.values), { count: g.count, sums: g.sums }]));
}

function checkOrder(def: ModuleDef, req: QueryRequest, groups: GroupCount[]): void {
  const cols = req.groupBy!.map((f) => def.columns.find((c) => c.field === f)!);
  for (let i = 1; i < groups.length; i++) {
    const a = groups[i - 1].values;
    const b = groups[i].values;
    let c = 0;
    for (let l = 0; l < cols.length && c === 0; l++) {
      const sign = req.sort?.find((s) => s.field === cols[l].field)?.dir === 'desc' ? -1 : 1;
      c = sign * (compareValues(cols[l], a[l], b[l]) || (String(a[l] ?? '') < String(b[l] ?? '') ? -1 : String(a[l] ?? '') > String(b[l] ?? '') ? 1 : 0));
    }
    expect({ at: i, a, b, c: c < 0 }).toEqual({ at: i, a, b, c: true });
  }
}

describe('group counts over the whole result', () => {
  it('dispatch by region and status, filtered and capped: COUNT(*) GROUP BY over the orders', () => {
    const req: QueryRequest = { conditions: [{ field: 'customer', op: 'contains', value: '有限' }], groupBy: ['region', 'status'], limit: 200 };
    const result = runModuleQuery(db, dispatchModule, req);
    expect(result.capped).toBe(true);
    expect(result.groupsCapped).toBe(false);
    const want = independent(
      `SELECT r.name AS k0, o.status AS k1, count(*) AS n FROM dispatch_orders o LEFT JOIN sales_regions r ON r.id = o.region_id
       WHERE instr(lower(o.customer), '有限') > 0 GROUP BY r.name, o.status`,
    );
    expect(asMap(result.groups!)).toEqual(new Map([...want].map(([k, v]) => [k, { count: v.count, sums: {} }])));
    expect(result.groups!.reduce((s, g) => s + g.count, 0)).toBe(result.total);
    checkOrder(dispatchModule, req, result.groups!);
    // Sorted descending by status: that level's groups come the other way round.
    const desc = runModuleQuery(db, dispatchModule, { ...req, sort: [{ field: 'status', dir: 'desc' }] });
    checkOrder(dispatchModule, { ...req, sort: [{ field: 'status', dir: 'desc' }] }, desc.groups!);
  }, 120_000);

  it('fees by payer and fee type with exact sums of the amounts in fen', () => {
    const req: QueryRequest = { groupBy: ['payer', 'fee_type'], sort: [{ field: 'amount_fen', dir: 'desc' }], limit: 200 };
    const result = runModuleQuery(db, feesModule, req);
    const want = independent('SELECT payer AS k0, fee_type AS k1, count(*) AS n, sum(amount_fen) AS sum_amount_fen FROM service_fees GROUP BY payer, fee_type');
    expect(asMap(result.groups!)).toEqual(want);
    for (const g of result.groups!) expect(Number.isInteger(g.sums.amount_fen)).toBe(true);
    checkOrder(feesModule, req, result.groups!);
  }, 120_000);

  it('content by engineer (a joined name) with hours; materials by customer with quantities', () => {
    const content = runModuleQuery(db, contentModule, { groupBy: ['engineer'], conditions: [{ field: 'any', op: 'contains', value: '更换' }] });
    const want = independent(
      `SELECT e.name AS k0, count(*) AS n, sum(c.hours_x100) AS sum_hours FROM service_contents c LEFT JOIN engineers e ON e.id = c.engineer_id
       WHERE instr(c.work_done, '更换') > 0 OR instr(c.findings, '更换') > 0 OR instr(c.fault_cause, '更换') > 0 GROUP BY e.name`,
    );
    expect(asMap(content.groups!.map((g) => ({ ...g, sums: { hours: Math.round(g.sums.hours * 100) } })))).toEqual(want);
    checkOrder(contentModule, { groupBy: ['engineer'] }, content.groups!);
    const materials = runModuleQuery(db, materialsModule, { groupBy: ['customer'], limit: 10 });
    const mat = independent(
      `SELECT customer AS k0, count(*) AS n, sum(quantity) AS sum_quantity, sum(issued_qty) AS sum_issued_qty, sum(returned_qty) AS sum_returned_qty,
         sum(issued_qty - returned_qty) AS sum_used_qty, sum(quantity * unit_price_fen) AS sum_amount_fen FROM order_materials GROUP BY customer`,
    );
    const got = asMap(materials.groups!.map((g) => ({ ...g, sums: Object.fromEntries(Object.entries(g.sums).filter(([f]) => f !== 'owed_qty')) })));
    expect(got).toEqual(mat);
    checkOrder(materialsModule, { groupBy: ['customer'] }, materials.groups!);
  }, 120_000);

  it('no groups without groupBy; past MAX_GROUPS the first ones and groupsCapped; unknown fields refused', async () => {
    expect(runModuleQuery(db, feesModule, {}).groups).toBeUndefined();
    const order = db.prepare('SELECT id FROM dispatch_orders LIMIT 1').pluck().get();
    const insert = db.prepare(
      `INSERT INTO service_fees (order_id, fee_type, amount_fen, payer, remarks, created_at, created_by, updated_at, updated_by)
       VALUES (?, 'other', 1, 'customer', ?, '2020-01-01T00:00:00Z', 1, '2020-01-01T00:00:00Z', 1)`,
    );
    db.transaction(() => {
      for (let i = 0; i < MAX_GROUPS + 10; i++) insert.run(order, `备注 ${i}`);
    })();
    const result = runModuleQuery(db, feesModule, { groupBy: ['remarks'], limit: 5 });
    expect(result.groupsCapped).toBe(true);
    expect(result.groups).toHaveLength(MAX_GROUPS);
    checkOrder(feesModule, { groupBy: ['remarks'] }, result.groups!);
    const backend = new Backend(db);
    const token = (await backend.call('auth.login', { username: 'manager', password: 'demo123' })).token;
    const api = await backend.call('fees.query', { groupBy: ['payer'] }, token);
    expect(api.groups!.reduce((s, g) => s + g.count, 0)).toBe(api.total);
    await expect(backend.call('fees.query', { groupBy: ['nope'] }, token)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  }, 120_000);
});
