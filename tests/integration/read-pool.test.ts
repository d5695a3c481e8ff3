import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../db/backend.js';
import { openDatabase, type DB } from '../../db/open.js';
import { startServer, type RunningServer } from '../../server/http-server.js';
import { POOL_METHODS, type ReadPool } from '../../server/read-pool.js';
import { contract, type MethodName } from '../../shared/contract.js';
import { writeRoles } from '../../shared/roles.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// Issue 10: reads run on a pool of worker threads, each with its own read-only connection, and
// answer exactly what Backend.call answers on the main thread — results, errors and codes. The
// workers hold every list's search text in memory (db/search/memory-index.ts), the main thread's
// reference connection none: the searches agree, also after writes.

let server: RunningServer;
let pool: ReadPool;
let dir: string;
let dbFile: string;
/** A second connection and a Backend over it: the reference answers (and "another process"). */
let direct: DB;
let backend: Backend;
const token: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(400));
  server = await startServer({ dbFile, port: 0, host: '127.0.0.1', log: () => {}, readWorkers: 2, memoryMinRows: 0 });
  expect(server.pool, 'the read pool started').not.toBeNull();
  pool = server.pool!;
  await pool.memoryReady();
  direct = openDatabase(dbFile);
  backend = new Backend(direct);
  for (const u of ['clerk', 'warehouse', 'manager']) {
    token[u] = (await post('auth.login', { username: u, password: 'demo123' })).body.token;
  }
});
afterAll(async () => {
  await server?.close();
  await backend?.exports.close();
  direct?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(method: string, body: unknown, auth?: string | null, raw?: string) {
  const res = await fetch(`${server.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bearer ${auth}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

/** What Backend.call on the main thread answers, as HTTP would carry it. */
async function reference(method: string, params: unknown, auth: string | null) {
  try {
    return { ok: true, body: JSON.parse(JSON.stringify(await backend.call(method, params, auth, { address: '127.0.0.1' }))) };
  } catch (e) {
    return { ok: false, body: (e as { toBody(): unknown }).toBody() };
  }
}

const one = <T>(query: string) => direct.prepare(query).pluck().get() as T;

/** Valid params for every read method, from the demo data. */
function readCalls(): { method: MethodName; params: Record<string, unknown> }[] {
  const orderNo = one<string>('SELECT o.order_no FROM dispatch_orders o JOIN order_materials m ON m.order_id = o.id LIMIT 1');
  const anyOrder = one<string>('SELECT order_no FROM dispatch_orders ORDER BY id DESC LIMIT 1');
  const contractId = one<number>('SELECT id FROM sales_contracts LIMIT 1');
  const taskTypeId = one<number>('SELECT id FROM task_types LIMIT 1');
  const partId = one<number>('SELECT part_id FROM serials LIMIT 1');
  const serialNo = one<string>('SELECT serial_no FROM serials LIMIT 1');
  const docNo = one<string>('SELECT doc_no FROM stock_documents LIMIT 1');
  const lists = ['dispatch', 'content', 'fees', 'contracts', 'parts', 'stock', 'ledger', 'issues', 'returns', 'materials', 'owed'];
  return [
    { method: 'auth.me', params: {} },
    ...lists.flatMap((l) => [
      { method: `${l}.query` as MethodName, params: { limit: 5 } },
      { method: `${l}.query` as MethodName, params: {} },
    ]),
    { method: 'dispatch.query', params: { conditions: [{ field: 'any', op: 'contains', value: '有限*司' }], limit: 3 } },
    { method: 'dispatch.query', params: { conditions: [{ field: 'status', op: 'in', value: ['pending', 'completed'] }], join: 'or', sort: [{ field: 'customer', dir: 'asc' }], limit: 7 } },
    { method: 'dispatch.get', params: { orderNo: anyOrder } },
    { method: 'dispatch.suggestWarranty', params: { contractId, taskTypeId } },
    { method: 'regions.tree', params: {} },
    { method: 'taskTypes.list', params: {} },
    { method: 'engineers.list', params: {} },
    { method: 'parts.options', params: { search: '2*' } },
    { method: 'warehouses.list', params: {} },
    { method: 'stock.balance', params: { partId } },
    { method: 'serials.find', params: { serialNo } },
    { method: 'documents.get', params: { docNo } },
    { method: 'issues.fromPlan', params: { orderNo } },
    { method: 'materials.get', params: { orderNo } },
    { method: 'layout.get', params: { list: 'dispatch' } },
    { method: 'layout.get', params: { list: 'no-layout-here' } },
  ];
}

describe('the read pool', () => {
  it('serves every read-only method, and only those: each method of the contract is placed', () => {
    // A new method must be placed on purpose: a read-only one may be added to POOL_METHODS.
    const mainThread = ['system.ping', 'auth.login', 'auth.logout', 'export.start', 'export.progress', 'export.cancel'];
    for (const m of Object.keys(contract) as MethodName[]) {
      const isWrite = writeRoles[m] !== undefined || /\.(create|update|delete|save|set\w*|returnVisit|post|receive|adjust|reverse|move|rename|close)$/.test(m);
      if (POOL_METHODS.has(m)) expect(isWrite, `${m} writes, it cannot be on the pool`).toBe(false);
      else expect(isWrite || mainThread.includes(m), `${m} is neither a pool method nor a known main-thread method`).toBe(true);
    }
    for (const m of POOL_METHODS) expect(m in contract, m).toBe(true);
  });

  it('answers every read method exactly as Backend.call does', async () => {
    await post('layout.save', { list: 'dispatch', layout: { columns: [], sort: [{ field: 'customer', dir: 'desc' }] } }, token.clerk);
    const served = pool.served;
    const calls = readCalls();
    expect(new Set(calls.map((c) => c.method))).toEqual(new Set(POOL_METHODS));
    for (const { method, params } of calls) {
      for (const user of ['clerk', 'warehouse']) {
        const viaPool = await post(method, params, token[user]);
        const want = await reference(method, params, token[user]);
        expect(viaPool.status, `${method} as ${user}: ${JSON.stringify(viaPool.body).slice(0, 300)}`).toBe(want.ok ? 200 : viaPool.status);
        expect(viaPool.body, `${method} as ${user}`).toEqual(want.body);
      }
    }
    expect(pool.served - served).toBe(calls.length * 2);
  });

  it('refuses as Backend.call does: no session, unknown or expired token, bad params, bad JSON, too deep', async () => {
    const expired = (await post('auth.login', { username: 'manager', password: 'demo123' })).body.token as string;
    direct.prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE token_hash = (SELECT token_hash FROM sessions ORDER BY created_at DESC LIMIT 1)").run();
    for (const method of POOL_METHODS) {
      for (const [auth, params] of [
        [null, {}],
        ['not-a-token', {}],
        [expired, {}],
        [token.clerk, { bogus: 1 }],
        [token.clerk, { limit: 'x', conditions: 'y' }],
      ] as const) {
        const viaPool = await post(method, params, auth);
        const want = await reference(method, params, auth);
        expect(want.ok, `${method} ${JSON.stringify(params)} is refused`).toBe(false);
        expect(viaPool.body, `${method} with ${auth?.slice(0, 6)} ${JSON.stringify(params)}`).toEqual(want.body);
      }
    }
    // Bodies the worker parses say what the main thread says for a write method's body.
    for (const raw of ['{"limit": ', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', '']) {
      const onPool = await post('dispatch.query', null, token.clerk, raw);
      const onMain = await post('dispatch.create', null, token.clerk, raw);
      if (raw === '') expect(onPool.status).toBe(200);
      else expect(onPool).toEqual(onMain);
    }
  });

  it('writes a session extension on the main connection, at most once a minute', async () => {
    const t = (await post('auth.login', { username: 'clerk', password: 'demo123' })).body.token as string;
    const db = server.backend.db;
    const expiry = () => db.prepare('SELECT expires_at FROM sessions ORDER BY created_at DESC, rowid DESC LIMIT 1').pluck().get() as string;
    const before = expiry();
    for (let i = 0; i < 5; i++) expect((await post('auth.me', {}, t)).status).toBe(200);
    expect(expiry()).toBe(before);
    // Two minutes later (as if): the stored expiry is now older than a call's by more than a minute.
    const older = new Date(Date.parse(before) - 120_000).toISOString();
    db.prepare('UPDATE sessions SET expires_at = ? WHERE expires_at = ?').run(older, before);
    const me = await post('auth.me', {}, t);
    expect(Date.parse(me.body.expiresAt)).toBeGreaterThan(Date.parse(before) - 1);
    expect(expiry()).toBe(me.body.expiresAt);
    const again = await post('dispatch.query', { limit: 1 }, t);
    expect(again.status).toBe(200);
    expect(expiry()).toBe(me.body.expiresAt);
  });

  it('keeps exact totals while nothing is written, and counts again after any write (this server or another connection)', async () => {
    const q = { conditions: [{ field: 'customer', op: 'contains', value: '*' }], limit: 2 };
    const total = () => direct.prepare('SELECT count(*) FROM dispatch_orders').pluck().get() as number;
    const first = await post('dispatch.query', q, token.manager);
    expect(first.body.total).toBe(total());
    const stats = await pool.cacheStats();
    // Both workers answer it at least once more: from their caches.
    for (let i = 0; i < 4; i++) expect((await post('dispatch.query', { ...q, limit: 3 + i }, token.manager)).body.total).toBe(total());
    const after = await pool.cacheStats();
    expect(after.hits - stats.hits).toBeGreaterThanOrEqual(2);

    // A write through the server: the next answers count again.
    const created = await post(
      'dispatch.create',
      {
        order: {
          contractId: null, customer: '缓存测试客户', regionId: one<number>('SELECT id FROM sales_regions WHERE parent_id IS NOT NULL LIMIT 1'),
          taskTypeId: one<number>('SELECT id FROM task_types LIMIT 1'), warranty: false, contact: '王工', phone: '13800138000',
          problem: 'x', urgency: 'normal', expectedAt: null, engineerId: null,
        },
      },
      token.clerk,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    for (let i = 0; i < 4; i++) expect((await post('dispatch.query', q, token.manager)).body.total).toBe(total());

    // A write by another connection (as another process would): seen at once as well.
    direct.prepare('DELETE FROM dispatch_orders WHERE order_no = ?').run(created.body.orderNo);
    for (let i = 0; i < 4; i++) expect((await post('dispatch.query', q, token.manager)).body.total).toBe(total());
  });

  it('searches from memory and follows the writes of this server and of another connection', async () => {
    const search = (value: string, list = 'dispatch') => ({ method: `${list}.query`, params: { conditions: [{ field: 'any', op: 'contains', value }], limit: 5 } });
    const same = async (calls: { method: string; params: unknown }[]) => {
      for (const { method, params } of calls) {
        // Twice: both workers answer.
        for (let i = 0; i < 2; i++) {
          const got = await post(method, params, token.manager);
          expect({ method, params, body: got.body }).toEqual({ method, params, body: (await reference(method, params, token.manager)).body });
        }
      }
    };
    const mark = 'ＭＥＭ测试 Ärzte';
    await same([search('mem测试'), search('ärzte'), search('公'), search('华信*有限', 'content'), search('2by*5084*4*1', 'materials')]);
    const created = await post(
      'dispatch.create',
      {
        order: {
          contractId: null, customer: mark, regionId: one<number>('SELECT id FROM sales_regions WHERE parent_id IS NOT NULL LIMIT 1'),
          taskTypeId: one<number>('SELECT id FROM task_types LIMIT 1'), warranty: false, contact: '王工', phone: '13800138000',
          problem: 'x', urgency: 'normal', expectedAt: null, engineerId: null,
        },
      },
      token.clerk,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect((await post('dispatch.query', search('mem测试*ärzte').params, token.manager)).body.total).toBe(1);
    await same([search('mem测试'), search('ÄRZTE'), search(created.body.orderNo)]);
    direct.prepare('UPDATE dispatch_orders SET customer = ? WHERE order_no = ?').run('改名 ＺＺＺ', created.body.orderNo);
    expect((await post('dispatch.query', search('mem测试').params, token.manager)).body.total).toBe(0);
    await same([search('zzz'), search('mem测试')]);
    direct.prepare('DELETE FROM dispatch_orders WHERE order_no = ?').run(created.body.orderNo);
    await same([search('zzz'), search('公')]);
  });

  it('answers identical list queries waiting together with one query, each caller checked as Backend.call does', async () => {
    const params = { conditions: [{ field: 'any', op: 'contains', value: '公司' }], limit: 50 };
    const want = await reference('dispatch.query', params, token.clerk);
    const served = pool.served;
    const batches = pool.batches;
    const callers = [...Array.from({ length: 14 }, (_, i) => [token.clerk, token.warehouse, token.manager][i % 3]), null, 'not-a-token'];
    const answers = await Promise.all(callers.map((t) => post('dispatch.query', params, t)));
    for (const [i, a] of answers.entries()) {
      if (callers[i] === null || callers[i] === 'not-a-token') expect(a.body.error.code).toBe('UNAUTHENTICATED');
      else expect(a.body).toEqual(want.body);
    }
    expect(pool.served - served).toBe(callers.length);
    expect(pool.batches - batches, 'some calls answered together').toBeLessThan(callers.length);
  });

  it('replaces a worker that died; the calls go on', async () => {
    const slots = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
    await slots[0].worker.terminate();
    for (let i = 0; i < 6; i++) expect((await post('regions.tree', {}, token.clerk)).status).toBe(200);
    await expect.poll(() => pool.size, { timeout: 20_000 }).toBe(2);
    for (let i = 0; i < 6; i++) expect((await post('dispatch.query', { limit: 1 }, token.clerk)).status).toBe(200);
  });
});

describe('the totals cache (TotalCache)', () => {
  it('forgets on any commit by another connection and at each quarter hour, and reads the version in the query snapshot', async () => {
    const { TotalCache } = await import('../../server/total-cache.js');
    const reader = openDatabase(dbFile, { readonly: true });
    let clock = Date.parse('2026-06-30T15:50:00Z');
    const cache = new TotalCache(reader, { now: () => clock });
    try {
      reader.exec('BEGIN');
      cache.begin();
      cache.keep('k', 41);
      // A commit elsewhere inside this snapshot changes nothing for it.
      direct.prepare("INSERT INTO meta (key, value) VALUES ('cache-test', '1') ON CONFLICT (key) DO UPDATE SET value = value + 1").run();
      expect(cache.known('k')).toBe(41);
      reader.exec('COMMIT');
      reader.exec('BEGIN');
      cache.begin();
      expect(cache.known('k')).toBeUndefined();
      cache.keep('k', 42);
      reader.exec('COMMIT');
      reader.exec('BEGIN');
      cache.begin();
      expect(cache.known('k')).toBe(42);
      reader.exec('COMMIT');
      // 16:00 UTC is midnight in Shanghai: overdue owed parts may have changed with no write.
      clock += 10 * 60_000;
      reader.exec('BEGIN');
      cache.begin();
      expect(cache.known('k')).toBeUndefined();
      reader.exec('COMMIT');
    } finally {
      if (reader.inTransaction) reader.exec('ROLLBACK');
      reader.close();
    }
  });
});
