import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open.js';
import { bundleServer, startServerProcess } from '../helpers/spawn.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// Issue 10: the server (`npm run server`, its read pool on) under many desks at once — readers
// and writers side by side: no errors, every desk reads its own writes at once (the pool's
// snapshots and the totals' cache), and no acknowledged write is lost when the process is
// killed (-9) in the middle of it all.

let dir: string;
let dbFile: string;
let refs: { regionId: number; taskTypeId: number; engineerId: number };

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(1500));
  const db = openDatabase(dbFile, { readonly: true });
  refs = {
    regionId: db.prepare('SELECT id FROM sales_regions WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1').pluck().get() as number,
    taskTypeId: db.prepare('SELECT id FROM task_types WHERE active = 1 ORDER BY id LIMIT 1').pluck().get() as number,
    engineerId: db.prepare('SELECT id FROM engineers WHERE active = 1 ORDER BY id LIMIT 1').pluck().get() as number,
  };
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function call(url: string, method: string, params: unknown, token?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

const login = async (url: string, username: string) => (await call(url, 'auth.login', { username, password: 'demo123' })).body.token as string;

async function loginMany(url: string, n: number, users: string[]): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push(await login(url, users[i % users.length]));
  return tokens;
}

const order = (n: number, desk: number) => ({
  contractId: null,
  customer: `并发客户${desk}-${n}有限公司`,
  regionId: refs.regionId,
  taskTypeId: refs.taskTypeId,
  warranty: false,
  contact: '李工',
  phone: '13900139000',
  problem: `load ${desk}/${n}`,
  urgency: 'normal',
  expectedAt: null,
  engineerId: refs.engineerId,
});

const QUERIES = [
  { method: 'dispatch.query', params: {} },
  { method: 'dispatch.query', params: { conditions: [{ field: 'any', op: 'contains', value: '有限*司' }] } },
  { method: 'content.query', params: {} },
  { method: 'fees.query', params: { conditions: [{ field: 'payer', op: 'in', value: ['customer'] }] } },
  { method: 'materials.query', params: {} },
  { method: 'dispatch.query', params: { conditions: [{ field: 'status', op: 'in', value: ['pending'] }], sort: [{ field: 'customer', dir: 'asc' }] } },
];

describe('many desks on the server', () => {
  it('readers and writers at once: no errors, each writer reads its own writes at once, totals exact', async () => {
    const server = await startServerProcess(dbFile);
    try {
      // One login after the other: parallel logins of one name from one address count as
      // attempts before their passwords are checked (login throttling).
      const readers = await loginMany(server.url, 16, ['clerk', 'manager', 'warehouse']);
      const writers = await loginMany(server.url, 4, ['clerk']);
      const errors: string[] = [];
      const end = Date.now() + 5000;
      let queries = 0;
      const created: string[] = [];
      await Promise.all([
        ...readers.map(async (token, i) => {
          for (let k = i; Date.now() < end; k++) {
            const q = QUERIES[k % QUERIES.length];
            const r = await call(server.url, q.method, q.params, token);
            queries++;
            if (r.status !== 200) errors.push(`${q.method}: ${r.status} ${JSON.stringify(r.body)}`);
            else if (r.body.rows.length > 200 || r.body.total < r.body.rows.length) errors.push(`${q.method}: ${r.body.total} for ${r.body.rows.length} rows`);
          }
        }),
        ...writers.map(async (token, desk) => {
          for (let n = 0; Date.now() < end; n++) {
            const c = await call(server.url, 'dispatch.create', { order: order(n, desk) }, token);
            if (c.status !== 200) {
              errors.push(`create: ${c.status} ${JSON.stringify(c.body)}`);
              continue;
            }
            created.push(c.body.orderNo);
            // Read your own write at once, through the pool: the row and its exact total.
            const mine = await call(server.url, 'dispatch.query', { conditions: [{ field: 'order_no', op: 'equals', value: c.body.orderNo }] }, token);
            if (mine.body.total !== 1) errors.push(`own order ${c.body.orderNo} not read back: ${JSON.stringify(mine.body).slice(0, 200)}`);
            const saved = await call(
              server.url,
              'dispatch.saveFees',
              { orderNo: c.body.orderNo, rowVersion: c.body.rowVersion, lines: [{ feeType: 'labour', amountFen: 100 * (n + 1), payer: 'customer', settled: false, settledOn: null }] },
              token,
            );
            if (saved.status !== 200) errors.push(`saveFees: ${saved.status} ${JSON.stringify(saved.body)}`);
            const detail = await call(server.url, 'dispatch.get', { orderNo: c.body.orderNo }, token);
            if (detail.body.fees?.length !== 1 || detail.body.order?.rowVersion !== saved.body.rowVersion) errors.push(`own fees of ${c.body.orderNo} not read back`);
          }
        }),
      ]);
      expect(errors).toEqual([]);
      expect(queries).toBeGreaterThan(50);
      expect(created.length).toBeGreaterThan(8);
      // The plain list's total after the load is every order, counted on a connection of our own.
      const token = readers[0];
      const total = (await call(server.url, 'dispatch.query', {}, token)).body.total;
      const db = openDatabase(dbFile, { readonly: true });
      try {
        expect(total).toBe(db.prepare('SELECT count(*) FROM dispatch_orders').pluck().get());
      } finally {
        db.close();
      }
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('loses no acknowledged write when the server is killed (-9) under load', async () => {
    // The bundled server is the process itself: killing tsx with -9 would leave its child, the
    // real server, running (see bundleServer).
    const bundle = await bundleServer();
    const server = await startServerProcess(dbFile, 0, { bundle: bundle.entry });
    const acknowledged: string[] = [];
    let killed = false;
    try {
      const readers = await loginMany(server.url, 8, ['manager']);
      const writers = await loginMany(server.url, 4, ['clerk']);
      const readLoop = async (token: string, i: number) => {
        for (let k = i; !killed; k++) {
          const q = QUERIES[k % QUERIES.length];
          await call(server.url, q.method, q.params, token).catch(() => null);
        }
      };
      const writeLoop = async (token: string, desk: number) => {
        for (let n = 0; !killed; n++) {
          const c = await call(server.url, 'dispatch.create', { order: order(n, 100 + desk) }, token).catch(() => null);
          if (c?.status === 200) acknowledged.push(c.body.orderNo);
        }
      };
      const loops = [...readers.map(readLoop), ...writers.map(writeLoop)];
      await new Promise((r) => setTimeout(r, 2500));
      server.child.kill('SIGKILL');
      killed = true;
      await Promise.all(loops);
      await new Promise((r) => (server.child.exitCode !== null || server.child.signalCode ? r(null) : server.child.once('exit', r)));
      // The server is really gone: nothing answers at its address any more.
      await expect(fetch(`${server.url}/api/auth.me`, { method: 'POST' })).rejects.toThrow();
    } finally {
      if (!killed) server.child.kill('SIGKILL');
      rmSync(bundle.dir, { recursive: true, force: true });
    }
    expect(acknowledged.length).toBeGreaterThan(5);
    const db = openDatabase(dbFile);
    try {
      const find = db.prepare('SELECT count(*) FROM dispatch_orders WHERE order_no = ?').pluck();
      const missing = acknowledged.filter((no) => find.get(no) !== 1);
      expect(missing).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 90_000);
});
