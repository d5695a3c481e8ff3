import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { countModuleRows, runModuleQuery } from '../../db/services/query.js';
import { listIndexes } from '../../db/search/indexes.js';
import { ROWS_SORT_MAX } from '../../db/search/planner.js';
import { dispatchModule, moduleById } from '../../shared/modules/index.js';
import type { QueryRequest, Row } from '../../shared/query.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// The plans for lists without a text condition: an unfiltered list counted on its base table;
// conditions an index narrows to a few rows fetched by that index and sorted; common ones walked
// in list order. Each must give exactly the rows and total an oracle written here computes from
// every row of the view.

let dir: string;
let db: DB;

beforeAll(async () => {
  const made = await makeDemoDb(600, 21);
  dir = made.dir;
  db = openDatabase(made.file);
  // More orders than ROWS_SORT_MAX, so a common status is past the "few rows" plan: copies of
  // the demo's orders with new numbers and shuffled dates (list order is not id order).
  const copies = Math.ceil((ROWS_SORT_MAX * 1.3) / 600);
  db.transaction(() => {
    for (let k = 1; k <= copies; k++) {
      db.prepare(
        `INSERT INTO dispatch_orders (order_no, status, contract_id, contract_no, project, customer, address, region_id,
           task_type_id, warranty, contact, phone, device_id, device_name, device_model, device_part_no, device_serial_no,
           problem, urgency, expected_at, engineer_id, created_at, created_by, updated_at, updated_by)
         SELECT order_no || '-C${k}', CASE WHEN (id * 7 + ${k}) % 20 = 0 THEN 'pending' ELSE 'visited' END, contract_id, contract_no,
           project, customer, address, region_id, task_type_id, warranty, contact, phone, device_id, device_name, device_model,
           device_part_no, device_serial_no, problem, urgency, expected_at, engineer_id,
           strftime('%Y-%m-%dT%H:%M:%SZ', '2025-01-01', '+' || ((id * 7919 + ${k} * 104729) % 500) || ' days', '+' || (id % 86400) || ' seconds'),
           created_by, updated_at, updated_by
         FROM dispatch_orders WHERE order_no NOT LIKE '%-C%'`,
      ).run();
    }
  })();
}, 180_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const allOrders = (): Row[] => db.prepare('SELECT * FROM dispatch_order_list').all() as Row[];

const numeric = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

// The oracle: filter and order written plainly, the id breaking ties in the first column's direction.
function expected(filter: (r: Row) => boolean, sort: { field: string; dir: 'asc' | 'desc' }[]): { ids: number[]; total: number } {
  const key = sort.length ? sort : [{ field: 'created_at', dir: 'desc' as const }];
  const rows = allOrders()
    .filter(filter)
    .sort((a, b) => {
      for (const s of key) {
        // Dates as ISO text; order numbers with their digits by value (PG…-C2 before PG…-C10).
        const c = numeric.compare(String(a[s.field] ?? ''), String(b[s.field] ?? ''));
        if (c !== 0) return c * (s.dir === 'desc' ? -1 : 1);
      }
      return ((a.id as number) - (b.id as number)) * (key[0].dir === 'desc' ? -1 : 1);
    });
  return { ids: rows.slice(0, 200).map((r) => r.id as number), total: rows.length };
}

/** The SQL the query ran, to see which plan answered. */
function statements(run: () => void): string {
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  try {
    run();
  } finally {
    db.prepare = prepare;
  }
  return seen.join('\n');
}

describe('lists without a text condition', () => {
  it('every view lists one row per row of its base table, so an unfiltered list is counted there', () => {
    for (const [id, spec] of Object.entries(listIndexes)) {
      const def = moduleById(id)!;
      const sql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?").pluck().get(def.view) as string;
      // Its own clauses, the subqueries taken out: only LEFT JOINs, no filter, no grouping.
      let outer = sql.replace(/^CREATE VIEW \S+ AS/i, '');
      for (let prev = ''; prev !== outer; ) [prev, outer] = [outer, outer.replace(/\([^()]*\)/g, '')];
      expect({ id, clause: /\b(WHERE|GROUP BY|HAVING|DISTINCT|LIMIT|UNION)\b/i.exec(outer)?.[0] }).toEqual({ id, clause: undefined });
      expect({ id, joins: outer.match(/\b(\w+\s+)?JOIN\b/gi)?.filter((j) => !/^LEFT\s/i.test(j)) ?? [] }).toEqual({ id, joins: [] });
      const viewCount = db.prepare(`SELECT count(*) FROM "${def.view}"`).pluck().get();
      expect({ id, count: countModuleRows(db, def, {}) }).toEqual({ id, count: viewCount });
      expect({ id, count: db.prepare(`SELECT count(*) FROM "${spec.table}"`).pluck().get() }).toEqual({ id, count: viewCount });
    }
  });

  const pendingOnly = (r: Row) => r.status === 'pending';
  const region = () => db.prepare('SELECT region FROM dispatch_order_list WHERE region IS NOT NULL GROUP BY region ORDER BY count(*) LIMIT 1').pluck().get() as string;
  const cases: { label: string; request: () => QueryRequest; filter: () => (r: Row) => boolean; plan: 'few' | 'walk' | 'any' }[] = [
    { label: 'a rare status (index, few rows)', request: () => ({ conditions: [{ field: 'status', op: 'in', value: ['pending'] }] }), filter: () => pendingOnly, plan: 'few' },
    {
      label: 'a common status (walked in list order)',
      request: () => ({ conditions: [{ field: 'status', op: 'in', value: ['visited', 'completed'] }] }),
      filter: () => (r) => r.status === 'visited' || r.status === 'completed',
      plan: 'walk',
    },
    {
      label: 'the rarest region (a joined name, its index on the orders)',
      request: () => ({ conditions: [{ field: 'region', op: 'equals', value: region() }] }),
      filter: () => {
        const name = region();
        return (r) => r.region === name;
      },
      plan: 'few',
    },
    {
      label: 'a region that no order has',
      request: () => ({ conditions: [{ field: 'region', op: 'equals', value: '没有这个区%_\'"' }] }),
      filter: () => () => false,
      plan: 'any',
    },
    {
      label: 'a week of orders (the date index)',
      request: () => ({ conditions: [{ field: 'created_at', op: 'between', value: ['2025-03-01T00:00:00Z', '2025-03-08T00:00:00Z'] }] }),
      filter: () => (r) => String(r.created_at) >= '2025-03-01T00:00:00Z' && String(r.created_at) <= '2025-03-08T00:00:00Z',
      plan: 'few',
    },
    {
      label: 'a rare status OR a region',
      request: () => ({ join: 'or', conditions: [{ field: 'status', op: 'in', value: ['pending'] }, { field: 'region', op: 'equals', value: region() }] }),
      filter: () => {
        const name = region();
        return (r) => r.status === 'pending' || r.region === name;
      },
      plan: 'any',
    },
    {
      label: 'a common status AND an expected date (no index for it)',
      request: () => ({ conditions: [{ field: 'status', op: 'in', value: ['visited'] }, { field: 'expected_at', op: 'gte', value: '2026-01-01T00:00:00Z' }] }),
      filter: () => (r) => r.status === 'visited' && r.expected_at !== null && String(r.expected_at) >= '2026-01-01T00:00:00Z',
      plan: 'any',
    },
  ];
  const sorts: { field: string; dir: 'asc' | 'desc' }[][] = [[], [{ field: 'order_no', dir: 'asc' }], [{ field: 'created_at', dir: 'asc' }]];

  for (const c of cases) {
    it(`${c.label}: the oracle's first 200 rows and total, in every order`, () => {
      for (const sort of sorts) {
        const want = expected(c.filter(), sort);
        const request = { ...c.request(), sort, limit: 200 };
        let got: ReturnType<typeof runModuleQuery> | undefined;
        const sql = statements(() => (got = runModuleQuery(db, dispatchModule, request)));
        const label = `${c.label} ${JSON.stringify(sort)}`;
        expect({ label, ids: got!.rows.map((r) => r.id), total: got!.total }).toEqual({ label, ...want });
        if (c.plan === 'few' && !sort.length) expect(sql).toContain('MATERIALIZED');
        if (c.plan === 'walk' && !sort.length) expect(sql).toContain('coalesce((');
      }
    });
  }

  it('a pattern with more candidates than are sorted, walked in a stored key order (status): the oracle first rows', () => {
    // Every copy's number has "-C": more candidates than ROWS_SORT_MAX, checked on the walked
    // index's id before the row is read.
    const request = { conditions: [{ field: 'any', op: 'contains' as const, value: '-c' }], sort: [{ field: 'status', dir: 'asc' as const }], limit: 200 };
    const statuses = dispatchModule.columns.find((c) => c.field === 'status')!.enumValues!;
    const fields = dispatchModule.anyFields;
    const want = allOrders()
      .filter((r) => fields.some((f) => String(r[f] ?? '').toLowerCase().includes('-c')))
      .sort((a, b) => statuses.indexOf(String(a.status)) - statuses.indexOf(String(b.status)) || (a.id as number) - (b.id as number));
    expect(want.length).toBeGreaterThan(ROWS_SORT_MAX);
    let got: ReturnType<typeof runModuleQuery> | undefined;
    const sql = statements(() => (got = runModuleQuery(db, dispatchModule, request)));
    expect({ ids: got!.rows.map((r) => r.id), total: got!.total }).toEqual({ ids: want.slice(0, 200).map((r) => r.id), total: want.length });
    expect(sql).toContain('+"sid" IN (SELECT value FROM json_each(?))');
  });

  it('the cases cover both plans: the common status is past the few-rows limit, the rare one within it', () => {
    const count = (s: string[]) => countModuleRows(db, dispatchModule, { conditions: [{ field: 'status', op: 'in', value: s }] });
    expect(count(['visited', 'completed'])).toBeGreaterThan(ROWS_SORT_MAX);
    expect(count(['pending'])).toBeLessThanOrEqual(ROWS_SORT_MAX);
    expect(count(['pending'])).toBeGreaterThan(200);
  });
});
