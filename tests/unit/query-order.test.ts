import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../db/backend.js';
import { openDatabase, type DB } from '../../db/open.js';
import { iterateModuleRows, runModuleQuery } from '../../db/services/query.js';
import { compareValues, rowComparator } from '../../shared/grid/compare.js';
import { contentModule, contractLookup, dispatchModule, feesModule, modules, owedModule, warehouseLists, type ModuleDef } from '../../shared/modules/index.js';
import type { Row, SortSpec } from '../../shared/query.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// Sorting happens in the database across the whole result, by the one sort key
// (shared/text/sort-key.ts): the first 200 by customer are the true first 200 even when those
// customers only have old orders; the list query, the API, export all (iterateModuleRows) and the
// grid's comparator agree; Latin ignores case; ties keep the id order.

let dir: string;
let db: DB;
let backend: Backend;
let token: string;

// Same pinyin or letters, different text (里/李, école/ecole): ordered by the folded text, then id.
const OLD_CUSTOMERS = ['安徽华信机电有限公司', '阿克苏纺织有限公司', '阿里山茶业', '爱华电子', '安阳钢铁', 'Alpha GmbH', 'alpha gmbh', 'ÄRZTE Bau', 'arzte bau', 'A', 'b', 'C', 'ｂ', '化工一厂', '华工一厂', '第10车间', '第2车间', '里山', '李山', 'école', 'ecole', 'ÉCOLE', ''];

beforeAll(async () => {
  const made = await makeDemoDb(900, 13);
  dir = made.dir;
  db = openDatabase(made.file);
  // The oldest orders get the customers that sort first by pinyin (and some Latin, some ties).
  const oldest = db.prepare('SELECT id FROM dispatch_orders ORDER BY created_at, id LIMIT 60').pluck().all() as number[];
  const update = db.prepare('UPDATE dispatch_orders SET customer = ? WHERE id = ?');
  db.transaction(() => oldest.forEach((id, i) => update.run(OLD_CUSTOMERS[i % OLD_CUSTOMERS.length], id)))();
  backend = new Backend(db);
  token = (await backend.call('auth.login', { username: 'manager', password: 'demo123' })).token;
}, 120_000);
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const allRows = (def: ModuleDef): Row[] =>
  db.prepare(`SELECT ${['id', ...def.columns.map((c) => c.field)].map((f) => `"${f}"`).join(', ')} FROM "${def.view}"`).all() as Row[];

/** The grid's comparator, the row id breaking ties in the direction of the first sort column. */
function expectedOrder(def: ModuleDef, sort: SortSpec[]): unknown[] {
  const cmp = rowComparator(def.columns, sort);
  const sign = sort[0].dir === 'desc' ? -1 : 1;
  return allRows(def)
    .sort((a, b) => cmp(a, b) || sign * ((a.id as number) - (b.id as number)))
    .map((r) => r.id);
}

async function checkOrder(def: ModuleDef, method: string, sort: SortSpec[]): Promise<void> {
  const want = expectedOrder(def, sort);
  const label = `${def.id} ${JSON.stringify(sort)}`;
  const page = runModuleQuery(db, def, { sort, limit: 200 });
  expect({ label, ids: page.rows.map((r) => r.id) }).toEqual({ label, ids: want.slice(0, 200) });
  const api = (await backend.call(method as 'dispatch.query', { conditions: [], join: 'and', sort, limit: 200 }, token)) as { rows: Row[] };
  expect({ label, ids: api.rows.map((r) => r.id) }).toEqual({ label, ids: want.slice(0, 200) });
  expect({ label, ids: [...iterateModuleRows(db, def, { sort })].map((r) => r.id) }).toEqual({ label, ids: want });
  // The grid re-sorting the page it got keeps it as it is.
  const resorted = [...page.rows].sort(rowComparator(def.columns, sort));
  expect({ label, ids: resorted.map((r) => r.id) }).toEqual({ label, ids: page.rows.map((r) => r.id) });
}

describe('sorting in the database, across the whole result', () => {
  it('the first 200 by customer are the pinyin-first customers, although their orders are old', async () => {
    await checkOrder(dispatchModule, 'dispatch.query', [{ field: 'customer', dir: 'asc' }]);
    const first = runModuleQuery(db, dispatchModule, { sort: [{ field: 'customer', dir: 'asc' }], limit: 200 }).rows.map((r) => r.customer);
    // Empty first, then the customers of the old orders: A / a… / 阿 / 爱 / 安 before any demo customer.
    expect(first[0]).toBe('');
    for (const c of ['阿克苏纺织有限公司', '阿里山茶业', '爱华电子', '安徽华信机电有限公司', 'Alpha GmbH', 'A']) expect(first).toContain(c);
    await checkOrder(dispatchModule, 'dispatch.query', [{ field: 'customer', dir: 'desc' }]);
  }, 120_000);

  it('orders Latin ignoring case and width (A, b, C), digits by value, and keeps ties in id order', () => {
    const byCustomer = (def: ModuleDef, dir: 'asc' | 'desc') => {
      const rows = [...iterateModuleRows(db, def, { sort: [{ field: 'customer', dir }] })];
      return rows.map((r) => r.customer as string);
    };
    const seen = byCustomer(dispatchModule, 'asc').filter((c) => ['A', 'b', 'ｂ', 'C'].includes(c));
    expect([...new Set(seen)]).toEqual(['A', 'b', 'ｂ', 'C'].filter((c) => seen.includes(c)).sort((x, y) => compareValues({ type: 'text' }, x, y) || (x < y ? -1 : 1)));
    expect(seen.indexOf('b')).toBeGreaterThan(seen.lastIndexOf('A'));
    expect(seen.indexOf('C')).toBeGreaterThan(seen.lastIndexOf('b'));
    const workshops = byCustomer(dispatchModule, 'asc').filter((c) => c.startsWith('第'));
    expect([...new Set(workshops)]).toEqual(['第2车间', '第10车间']);
    // Ties (the same customer) in id order, ascending and descending.
    const rows = [...iterateModuleRows(db, dispatchModule, { sort: [{ field: 'customer', dir: 'asc' }] })];
    const tied = rows.filter((r) => r.customer === '阿里山茶业').map((r) => r.id as number);
    expect(tied.length).toBeGreaterThan(1);
    expect(tied).toEqual([...tied].sort((a, b) => a - b));
    const down = [...iterateModuleRows(db, dispatchModule, { sort: [{ field: 'customer', dir: 'desc' }] })].filter((r) => r.customer === '阿里山茶业').map((r) => r.id as number);
    expect(down).toEqual([...tied].reverse());
  }, 120_000);

  it('every column of the dispatch list, stored sort key or not, enums in their order, several columns', async () => {
    for (const col of dispatchModule.columns) {
      await checkOrder(dispatchModule, 'dispatch.query', [{ field: col.field, dir: 'asc' }]);
    }
    await checkOrder(dispatchModule, 'dispatch.query', [{ field: 'status', dir: 'desc' }]);
    await checkOrder(dispatchModule, 'dispatch.query', [
      { field: 'region', dir: 'asc' },
      { field: 'customer', dir: 'desc' },
    ]);
    await checkOrder(dispatchModule, 'dispatch.query', [
      { field: 'urgency', dir: 'desc' },
      { field: 'engineer', dir: 'asc' },
      { field: 'created_at', dir: 'asc' },
    ]);
  }, 120_000);

  it('the content and fee lists sort by every column (joined names, enums, numbers, dates) the same way', async () => {
    for (const col of contentModule.columns) {
      await checkOrder(contentModule, 'content.query', [{ field: col.field, dir: col.field === 'region' || col.type !== 'text' ? 'desc' : 'asc' }]);
    }
    for (const col of feesModule.columns) {
      await checkOrder(feesModule, 'fees.query', [{ field: col.field, dir: col.type === 'text' ? 'asc' : 'desc' }]);
    }
    await checkOrder(contentModule, 'content.query', [
      { field: 'task_type', dir: 'asc' },
      { field: 'hours', dir: 'desc' },
    ]);
  }, 180_000);

  it('a filtered content or fee list sorted by a column with few values (walked in its key order) gives the oracle first rows', () => {
    const cases: [ModuleDef, string, SortSpec[]][] = [
      [contentModule, '有限', [{ field: 'task_type', dir: 'asc' }]],
      [contentModule, '有限', [{ field: 'hours', dir: 'desc' }]],
      [contentModule, '公', [{ field: 'status', dir: 'asc' }]],
      [contentModule, '公', [{ field: 'result', dir: 'desc' }]],
      [feesModule, '有限', [{ field: 'payer', dir: 'asc' }]],
      [feesModule, '公', [{ field: 'amount_fen', dir: 'desc' }]],
      [feesModule, '公', [{ field: 'warranty', dir: 'asc' }]],
    ];
    for (const [def, value, sort] of cases) {
      const label = `${def.id} ${value} ${JSON.stringify(sort)}`;
      const conditions = [{ field: 'any', op: 'contains' as const, value }];
      const matching = new Set([...iterateModuleRows(db, def, { conditions })].map((r) => r.id));
      const cmp = rowComparator(def.columns, sort);
      const sign = sort[0].dir === 'desc' ? -1 : 1;
      const want = allRows(def)
        .filter((r) => matching.has(r.id))
        .sort((a, b) => cmp(a, b) || sign * ((a.id as number) - (b.id as number)))
        .map((r) => r.id);
      expect(want.length).toBeGreaterThan(60);
      const got = runModuleQuery(db, def, { conditions, sort, limit: 50 });
      expect({ label, ids: got.rows.map((r) => r.id), total: got.total }).toEqual({ label, ids: want.slice(0, 50), total: want.length });
    }
  }, 120_000);

  it('follows a renamed region and customer at once (stored keys kept by triggers)', async () => {
    const region = db.prepare('SELECT region_id FROM dispatch_orders WHERE region_id IS NOT NULL ORDER BY id DESC LIMIT 1').pluck().get() as number;
    db.prepare('UPDATE sales_regions SET name = ? WHERE id = ?').run('阿坝州', region);
    const order = db.prepare('SELECT id FROM dispatch_orders ORDER BY id DESC LIMIT 1').pluck().get() as number;
    db.prepare('UPDATE dispatch_orders SET customer = ? WHERE id = ?').run('Ａａｒｏｎ', order);
    await checkOrder(dispatchModule, 'dispatch.query', [{ field: 'region', dir: 'asc' }]);
    await checkOrder(dispatchModule, 'dispatch.query', [{ field: 'customer', dir: 'asc' }]);
    await checkOrder(contentModule, 'content.query', [{ field: 'region', dir: 'asc' }]);
    await checkOrder(feesModule, 'fees.query', [{ field: 'customer', dir: 'asc' }]);
  }, 120_000);

  it('every other list (materials, issue, return, owed, ledger, stock, parts, contracts) sorts by every column both ways', async () => {
    // A 红冲单号 on some lines and overdue records: those orders are not all empty or zero.
    expect(db.prepare('SELECT count(*) FROM issue_line_list WHERE reversed_by IS NOT NULL').pluck().get()).toBeGreaterThan(0);
    expect(db.prepare('SELECT count(DISTINCT days_overdue) FROM owed_part_list').pluck().get()).toBeGreaterThan(2);
    const others = [...modules, ...warehouseLists, contractLookup].filter((d) => d.built && d.queryMethod && !['dispatch', 'content', 'fees'].includes(d.id));
    expect(others.map((d) => d.id).sort()).toEqual(['contracts', 'issue', 'ledger', 'materials', 'owed', 'parts', 'return', 'stock']);
    for (const def of others) {
      for (const col of def.columns) {
        for (const dir of ['asc', 'desc'] as const) await checkOrder(def, def.queryMethod!, [{ field: col.field, dir }]);
      }
    }
    await checkOrder(owedModule, 'owed.query', [
      { field: 'overdue', dir: 'desc' },
      { field: 'days_overdue', dir: 'asc' },
    ]);
  }, 240_000);

  it('a filtered list sorted by customer: the same order with every plan', async () => {
    for (const value of ['有限', '华信', 'a', '2by*5084*4*1', 'zq']) {
      const sort: SortSpec[] = [{ field: 'customer', dir: 'asc' }];
      const want = [...iterateModuleRows(db, dispatchModule, { conditions: [{ field: 'any', op: 'contains', value }], sort })].map((r) => r.id);
      const rowsOf = (r: Row[]) => r.filter(() => true).map((x) => x.id);
      const all = allRows(dispatchModule);
      const cmp = rowComparator(dispatchModule.columns, sort);
      const expected = all
        .filter((r) => want.includes(r.id))
        .sort((a, b) => cmp(a, b) || (a.id as number) - (b.id as number))
        .map((r) => r.id);
      expect(want).toEqual(expected);
      expect(rowsOf(runModuleQuery(db, dispatchModule, { conditions: [{ field: 'any', op: 'contains', value }], sort, limit: 50 }).rows)).toEqual(want.slice(0, 50));
    }
  }, 120_000);
});
