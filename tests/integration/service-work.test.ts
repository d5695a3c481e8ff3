import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http-server.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// The lists of issue 4 over HTTP, as scripts outside the project use them: content.query and
// fees.query take and answer the same query shapes as dispatch.query.

let server: RunningServer;
let dir: string;
let dbFile: string;
let token: string;

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(900));
  server = await startServer({ dbFile, port: 0, host: '127.0.0.1', log: () => {} });
  token = (await post('auth.login', { username: 'clerk', password: 'demo123' })).body.token;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(method: string, body: unknown, auth?: string) {
  const res = await fetch(`${server.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(auth ?? token ? { Authorization: `Bearer ${auth ?? token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

// Independent of the app's query code: straight from the tables.
function sql<T>(query: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}
const scalar = (query: string, ...params: unknown[]) => Object.values(sql<Record<string, number>>(query, ...params)[0])[0];

describe('the demo data', () => {
  it('numbers orders SN + yyyyMMdd + 4 digits', () => {
    const numbers = sql<{ order_no: string }>('SELECT order_no FROM dispatch_orders').map((r) => r.order_no);
    expect(numbers).toHaveLength(900);
    expect(numbers.every((n) => /^SN\d{8}\d{4}$/.test(n))).toBe(true);
  });

  it('has content and fee lines on most orders, consistent with their status', () => {
    const both = scalar(
      `SELECT count(*) FROM dispatch_orders o WHERE EXISTS (SELECT 1 FROM service_contents c WHERE c.order_id = o.id)
       AND EXISTS (SELECT 1 FROM service_fees f WHERE f.order_id = o.id)`,
    );
    expect(both).toBeGreaterThan(900 / 2);
    const doneWithout = scalar(
      `SELECT count(*) FROM dispatch_orders o WHERE status IN ('completed','visited')
       AND NOT EXISTS (SELECT 1 FROM service_contents c WHERE c.order_id = o.id)`,
    );
    expect(doneWithout).toBe(0);
    expect(scalar("SELECT count(*) FROM dispatch_orders WHERE status = 'visited' AND satisfaction IS NULL")).toBe(0);
    expect(scalar("SELECT count(*) FROM dispatch_orders o JOIN service_contents c ON c.order_id = o.id WHERE o.status = 'pending'")).toBe(0);
    // Under 三包 the company pays, nearly always.
    const warrantyFees = sql<{ payer: string; n: number }>(
      'SELECT f.payer, count(*) AS n FROM service_fees f JOIN dispatch_orders o ON o.id = f.order_id WHERE o.warranty = 1 GROUP BY f.payer',
    );
    const company = warrantyFees.find((r) => r.payer === 'company')?.n ?? 0;
    const customer = warrantyFees.find((r) => r.payer === 'customer')?.n ?? 0;
    expect(company).toBeGreaterThan(customer * 5);
    // The number series continues after the numbers generated.
    const behind = scalar(
      `SELECT count(*) FROM (SELECT substr(order_no, 3, 8) AS day, max(CAST(substr(order_no, 11) AS INTEGER)) AS top
       FROM dispatch_orders GROUP BY day) d LEFT JOIN document_series s ON s.prefix = 'SN' AND s.day = d.day
       WHERE s.last_serial IS NULL OR s.last_serial <> d.top`,
    );
    expect(behind).toBe(0);
  });
});

describe.each([
  ['content.query', 'service_contents'],
  ['fees.query', 'service_fees'],
])('%s', (method: string, table: string) => {
  it('needs a session', async () => {
    const r = await post(method, {}, 'not-a-token');
    expect(r.status).toBe(401);
  });

  it('returns at most 200 rows with the exact total and capped flag', async () => {
    const r = await post(method, {});
    expect(r.status).toBe(200);
    const total = scalar(`SELECT count(*) FROM ${table}`);
    expect(total).toBeGreaterThan(200);
    expect(r.body).toMatchObject({ total, capped: true });
    expect(r.body.rows).toHaveLength(200);
    expect(r.body.rows[0].order_no).toMatch(/^SN\d{12}$/);
  });

  it('honours the limit', async () => {
    const r = await post(method, { limit: 7 });
    expect(r.body.rows).toHaveLength(7);
    expect(r.body.capped).toBe(true);
  });

  it('matches a * wildcard pattern exactly as the tables say', async () => {
    const day = sql<{ d: string }>(`SELECT substr(o.order_no, 3, 6) AS d FROM ${table} x JOIN dispatch_orders o ON o.id = x.order_id LIMIT 1`)[0].d;
    const pattern = `SN${day.slice(0, 4)}*${day.slice(4, 6)}`;
    const expected = sql<{ id: number }>(
      `SELECT x.id FROM ${table} x JOIN dispatch_orders o ON o.id = x.order_id WHERE o.order_no LIKE ?`,
      `%SN${day.slice(0, 4)}%${day.slice(4, 6)}%`,
    ).map((r) => r.id);
    const r = await post(method, { conditions: [{ field: 'order_no', op: 'contains', value: pattern }], limit: 5000 });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(expected.length);
    expect((r.body.rows as { id: number }[]).map((x) => x.id).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  });

  it('answers an unknown field with INVALID_PARAMS', async () => {
    const r = await post(method, { conditions: [{ field: 'nope', op: 'equals', value: 'x' }] });
    expect([r.status, r.body.error.code]).toEqual([400, 'INVALID_PARAMS']);
  });
});

describe('fees.query sums and filters', () => {
  it('filters by enum and sorts by amount; amounts are integer fen', async () => {
    const r = await post('fees.query', {
      conditions: [{ field: 'payer', op: 'equals', value: 'company' }],
      sort: [{ field: 'amount_fen', dir: 'desc' }],
      limit: 5000,
    });
    const expected = scalar("SELECT count(*) FROM service_fees WHERE payer = 'company'");
    expect(r.body.total).toBe(expected);
    const amounts = (r.body.rows as { amount_fen: number }[]).map((x) => x.amount_fen);
    expect(amounts.every((a) => Number.isInteger(a))).toBe(true);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    const sum = amounts.reduce((s, a) => s + a, 0);
    expect(sum).toBe(scalar("SELECT sum(amount_fen) FROM service_fees WHERE payer = 'company'"));
  });

  it('content.query groups fields are there: engineer, region, fault cause', async () => {
    const r = await post('content.query', { conditions: [{ field: 'result', op: 'in', value: ['solved'] }], limit: 3 });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.rows[0])).toEqual(expect.arrayContaining(['engineer', 'region', 'fault_cause', 'hours']));
    expect(r.body.rows.every((x: { result: string }) => x.result === 'solved')).toBe(true);
  });
});
