import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http-server.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// The warehouse's lists and documents over HTTP, as scripts outside the project use them:
// materials/issues/returns/owed/stock/parts/ledger .query answer the dispatch.query shapes, and a
// refusal carries its reason code and values for the client to translate.

let server: RunningServer;
let dir: string;
let dbFile: string;
const token: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(600));
  server = await startServer({ dbFile, port: 0, host: '127.0.0.1', log: () => {} });
  for (const u of ['clerk', 'warehouse', 'manager', 'admin']) {
    token[u] = (await post('auth.login', { username: u, password: 'demo123' })).body.token;
  }
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(method: string, body: unknown, auth?: string) {
  const res = await fetch(`${server.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

function sql<T>(query: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}

// The list, its base table and a text column of that table to search on, counted independently.
const lists = [
  { method: 'materials.query', table: 'order_materials', column: 'part_no' },
  { method: 'issues.query', table: 'issue_lines', column: 'part_no' },
  { method: 'returns.query', table: 'return_lines', column: 'part_no' },
  { method: 'owed.query', table: 'owed_parts', column: 'part_no' },
  { method: 'ledger.query', table: 'stock_ledger', column: 'part_no' },
] as const;

describe('the warehouse lists over HTTP', () => {
  it.each(lists)('$method: rows, exact total and capped like dispatch.query, for a part number', async ({ method, table, column }) => {
    const partNo = sql<{ v: string }>(`SELECT ${column} AS v FROM ${table} GROUP BY ${column} ORDER BY count(*) DESC LIMIT 1`)[0]?.v;
    expect(partNo, `the demo has ${table} rows`).toBeTruthy();
    const expected = sql<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`, partNo)[0].n;
    const r = await post(method, { conditions: [{ field: 'part_no', op: 'equals', value: partNo }], limit: 5 }, token.manager);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(expected);
    expect(r.body.rows.length).toBe(Math.min(5, expected));
    expect(r.body.capped).toBe(expected > 5);
    expect(r.body.rows.every((row: Record<string, unknown>) => row.part_no === partNo)).toBe(true);
    // The quick search finds the same rows (and maybe more: other fields may contain it).
    const quick = await post(method, { conditions: [{ field: 'any', op: 'contains', value: partNo.toLowerCase() }] }, token.clerk);
    expect(quick.body.total).toBeGreaterThanOrEqual(expected);
  });

  it('stock.query and parts.query list balances and the catalogue', async () => {
    const stock = await post('stock.query', { conditions: [{ field: 'quantity', op: 'gte', value: 1 }] }, token.warehouse);
    expect(stock.body.total).toBe(sql<{ n: number }>('SELECT count(*) AS n FROM stock_balances WHERE quantity >= 1')[0].n);
    const parts = await post('parts.query', { conditions: [{ field: 'any', op: 'contains', value: '2by*5084*4*1' }] }, token.warehouse);
    expect(parts.body.rows.map((r: { part_no: string }) => r.part_no)).toContain('2BY.5084.1044.1');
  });

  it('the overdue quick condition lists exactly the open records whose promised day has passed', async () => {
    const r = await post('owed.query', { conditions: [{ field: 'overdue', op: 'eq', value: true }], limit: 5000 }, token.manager);
    const today = sql<{ d: string }>("SELECT date('now', (SELECT value FROM meta WHERE key = 'utc_offset_minutes') || ' minutes') AS d")[0].d;
    const expected = sql<{ n: number }>("SELECT count(*) AS n FROM owed_parts WHERE status IN ('owed','partial') AND promised_date < ?", today)[0].n;
    expect(expected).toBeGreaterThan(0);
    expect(r.body.total).toBe(expected);
    expect(r.body.rows.every((row: { days_overdue: number }) => row.days_overdue > 0)).toBe(true);
  });

  it('a refusal is 422 REFUSED with its reason code and values; a role that may not is 403', async () => {
    const order = sql<{ order_no: string }>("SELECT order_no FROM dispatch_orders WHERE status = 'in_progress' LIMIT 1")[0].order_no;
    const main = sql<{ id: number }>("SELECT id FROM warehouses WHERE kind = 'main' LIMIT 1")[0].id;
    const part = sql<{ id: number; part_no: string; q: number }>(
      `SELECT p.id, p.part_no, ifnull(b.quantity, 0) AS q FROM parts p LEFT JOIN stock_balances b ON b.part_id = p.id AND b.warehouse_id = ?
       WHERE p.serial_tracked = 0 LIMIT 1`,
      main,
    )[0];
    const refused = await post('issues.post', { orderNo: order, warehouseId: main, lines: [{ partId: part.id, quantity: part.q + 1 }] }, token.warehouse);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'REFUSED', reason: { code: 'INSUFFICIENT_STOCK', params: { partNo: part.part_no, available: part.q, requested: part.q + 1 } } });
    const forbidden = await post('issues.post', { orderNo: order, warehouseId: main, lines: [{ partId: part.id, quantity: 1 }] }, token.manager);
    expect(forbidden.status).toBe(403);
  });
});
