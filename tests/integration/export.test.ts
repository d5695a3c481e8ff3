import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http-server.js';
import { saveExportJobFile, SessionFiles, type SaveDialogOptions } from '../../electron/bridge-handler.js';
import { compareValues } from '../../shared/grid/compare.js';
import type { SheetSpec } from '../../shared/export/sheet.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// Export-all against the real server over HTTP, on a demo database big enough that a job takes
// a moment (so it can be cancelled while it runs).
const ORDERS = 20_000;
let server: RunningServer;
let dir: string;
let dbFile: string;
let manager: string;
let admin: string;

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(ORDERS));
  server = await startServer({ dbFile, port: 0, host: '127.0.0.1', log: () => {} });
  manager = await login('manager');
  admin = await login('admin');
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(method: string, body: unknown, token?: string) {
  const res = await fetch(`${server.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function login(username: string): Promise<string> {
  const r = await post('auth.login', { username, password: 'demo123' });
  expect(r.status).toBe(200);
  return r.body.token;
}

function fetchFile(jobId: string, token?: string) {
  return fetch(`${server.url}/api/export/${jobId}/file`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

async function waitDone(jobId: string, token: string) {
  for (;;) {
    const p = await post('export.progress', { jobId }, token);
    expect(p.status).toBe(200);
    if (p.body.state !== 'running') return p.body;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function sql<T>(text: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(text).all(...params) as T[];
  } finally {
    db.close();
  }
}

const statusLabels = { pending: '待处理', dispatched: '已派工', in_progress: '处理中', completed: '已完成', visited: '已回访', cancelled: '已取消' };
const spec: SheetSpec = {
  title: '售服派工单',
  columns: [
    { field: 'order_no', label: '派工单号', type: 'text', widthPx: 150 },
    { field: 'status', label: '状态', type: 'enum', widthPx: 90, enumLabels: statusLabels },
    { field: 'customer', label: '客户', type: 'text', widthPx: 220 },
    { field: 'region', label: '区域', type: 'text', widthPx: 110 },
    { field: 'warranty', label: '保修', type: 'bool', widthPx: 70, boolLabels: ['是', '否'] },
    { field: 'created_at', label: '创建时间', type: 'datetime', widthPx: 140 },
  ],
  groupBy: [],
  sort: [{ field: 'created_at', dir: 'asc' }],
  emptyLabel: '（空）',
};
const completed = { conditions: [{ field: 'status', op: 'equals', value: 'completed' }], join: 'and', sort: [{ field: 'created_at', dir: 'asc' }], limit: 200 };

async function readXlsx(res: Response): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  return book.worksheets[0];
}

describe('export all matching rows', () => {
  it('writes every matching row, not just 200, in the query order', async () => {
    const expected = sql<{ order_no: string; created_at: string }>(
      "SELECT order_no, created_at FROM dispatch_order_list WHERE status = 'completed' ORDER BY created_at ASC, id ASC",
    );
    expect(expected.length).toBeGreaterThan(200);
    const start = await post('export.start', { module: 'dispatch', request: completed, spec, format: 'xlsx' }, manager);
    expect(start.status).toBe(200);
    expect(start.body.total).toBe(expected.length);
    expect(start.body.fileName).toMatch(/^售服派工单-\d{8}-\d{4}\.xlsx$/);
    const done = await waitDone(start.body.jobId, manager);
    expect(done).toMatchObject({ state: 'done', written: expected.length, total: expected.length });

    const res = await fetchFile(start.body.jobId, manager);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('售服派工单')}`);
    const ws = await readXlsx(res);
    expect(ws.rowCount).toBe(expected.length + 1);
    expect(ws.getRow(1).getCell(1).value).toBe('派工单号');
    const got: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) got.push(row.getCell(1).value as string);
    });
    expect(got).toEqual(expected.map((r) => r.order_no));
    expect(ws.getRow(2).getCell(2).value).toBe('已完成');
    const first = ws.getRow(2).getCell(6).value as Date;
    expect(first).toBeInstanceOf(Date);
    expect(first.toISOString().slice(0, 19)).toBe(expected[0].created_at.replace(' ', 'T').slice(0, 19));

    // Fetched once: the job and its file are gone afterwards.
    expect((await fetchFile(start.body.jobId, manager)).status).toBe(404);
  });

  it('groups with exact counts, groups ordered by pinyin, rows grouped', async () => {
    // As the grid sends it: grouped columns are not among the shown ones, only described.
    const grouped: SheetSpec = {
      ...spec,
      columns: spec.columns.filter((c) => c.field !== 'region' && c.field !== 'status'),
      groupBy: ['region', 'status'],
      groupColumns: spec.columns.filter((c) => c.field === 'region' || c.field === 'status'),
    };
    const byOrderNo = new Map(sql<{ order_no: string; region: string | null; status: string }>('SELECT order_no, region, status FROM dispatch_order_list').map((r) => [r.order_no, r]));
    const statusOrder = Object.keys(statusLabels);
    const counts = sql<{ region: string | null; status: string; n: number }>(
      'SELECT region, status, count(*) AS n FROM dispatch_order_list GROUP BY region, status',
    );
    const regionCounts = new Map<string | null, number>();
    for (const c of counts) regionCounts.set(c.region, (regionCounts.get(c.region) ?? 0) + c.n);
    const request = { conditions: [], join: 'and', sort: [{ field: 'created_at', dir: 'desc' }], limit: 200 };
    const start = await post('export.start', { module: 'dispatch', request, spec: grouped, format: 'xlsx' }, manager);
    expect(start.status).toBe(200);
    expect(start.body.total).toBe(ORDERS);
    expect(await waitDone(start.body.jobId, manager)).toMatchObject({ state: 'done', written: ORDERS });
    const ws = await readXlsx(await fetchFile(start.body.jobId, manager));
    expect(ws.properties.outlineLevelRow).toBe(2);

    const regions: string[] = [];
    let dataRows = 0;
    let region = '';
    let status = '';
    let inGroup = 0;
    let expectedInGroup = 0;
    const check = () => expect(inGroup).toBe(expectedInGroup);
    ws.eachRow((row, n) => {
      if (n === 1) return;
      const level = row.outlineLevel ?? 0;
      const text = String(row.getCell(1).value);
      if (level < 2) {
        const m = /^(区域|状态)：(.*)（([\d,]+)）$/.exec(text);
        expect(m, text).not.toBeNull();
        const count = Number(m![3].replace(/,/g, ''));
        if (level === 0) {
          if (region) check();
          region = m![2];
          regions.push(region);
          expect(count).toBe(regionCounts.get(region === '（空）' ? null : region));
          status = '';
        } else {
          if (status) check();
          const next = Object.entries(statusLabels).find(([, l]) => l === m![2])![0];
          // Statuses in their life-cycle order within a region.
          if (status) expect(statusOrder.indexOf(next)).toBeGreaterThan(statusOrder.indexOf(status));
          status = next;
          const c = counts.find((x) => (x.region ?? '（空）') === region && x.status === status)!;
          expect(count).toBe(c.n);
          inGroup = 0;
          expectedInGroup = count;
        }
      } else {
        expect(level).toBe(2);
        dataRows++;
        inGroup++;
        const order = byOrderNo.get(row.getCell(1).value as string)!;
        expect(order.region ?? '（空）').toBe(region);
        expect(order.status).toBe(status);
      }
    });
    check();
    expect(dataRows).toBe(ORDERS);
    expect(regions.length).toBe(regionCounts.size);
    const sorted = [...regions].sort((a, b) => compareValues({ type: 'text' }, a, b));
    expect(regions).toEqual(sorted);
  });

  it("writes creation times in the client's time zone, not the server's", async () => {
    const [first] = sql<{ order_no: string; created_at: string }>('SELECT order_no, created_at FROM dispatch_order_list ORDER BY id LIMIT 1');
    const request = { conditions: [{ field: 'order_no', op: 'equals', value: first.order_no }], join: 'and', sort: [], limit: 200 };
    const wallTime = async (timeZone: string) => {
      const start = await post('export.start', { module: 'dispatch', request, spec: { ...spec, timeZone }, format: 'xlsx' }, manager);
      expect(start.status).toBe(200);
      await waitDone(start.body.jobId, manager);
      const ws = await readXlsx(await fetchFile(start.body.jobId, manager));
      return (ws.getRow(2).getCell(6).value as Date).getTime();
    };
    const shanghai = await wallTime('Asia/Shanghai');
    const utc = await wallTime('UTC');
    expect(shanghai - utc).toBe(8 * 3600_000);
    expect(new Date(utc).toISOString().slice(0, 16)).toBe(new Date(first.created_at).toISOString().slice(0, 16));
  });

  it('exports HTML too', async () => {
    const start = await post('export.start', { module: 'dispatch', request: completed, spec, format: 'html' }, manager);
    expect(start.status).toBe(200);
    await waitDone(start.body.jobId, manager);
    const res = await fetchFile(start.body.jobId, manager);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('<title>售服派工单</title>');
    // One header row and one row per order.
    expect(html.match(/<tr>/g)?.length).toBe(start.body.total + 1);
  });

  it('cancel stops a running job and deletes its file', async () => {
    const start = await post('export.start', { module: 'dispatch', request: { sort: [{ field: 'customer', dir: 'asc' }] }, spec, format: 'xlsx' }, manager);
    expect(start.status).toBe(200);
    const running = await post('export.progress', { jobId: start.body.jobId }, manager);
    expect(running.body.state).toBe('running');
    expect(running.body.written).toBeLessThan(ORDERS);
    const cancel = await post('export.cancel', { jobId: start.body.jobId }, manager);
    expect(cancel).toEqual({ status: 200, body: { ok: true } });
    const after = await post('export.progress', { jobId: start.body.jobId }, manager);
    expect(after.body.state).toBe('cancelled');
    expect(after.body.written).toBeLessThan(ORDERS);
    expect((await fetchFile(start.body.jobId, manager)).status).toBe(404);
    // No file of that job is left behind.
    for (const d of readdirSync(tmpdir()).filter((n) => n.startsWith('pim-export-'))) {
      expect(existsSync(join(tmpdir(), d, `${start.body.jobId}.xlsx`))).toBe(false);
    }
    // The server kept answering (and can still write: a login writes a session).
    expect((await post('auth.login', { username: 'clerk', password: 'demo123' })).status).toBe(200);
  });

  it('keeps a job to its owner', async () => {
    const start = await post('export.start', { module: 'dispatch', request: completed, spec, format: 'xlsx' }, manager);
    await waitDone(start.body.jobId, manager);
    const other = await fetchFile(start.body.jobId, admin);
    expect(other.status).toBe(404);
    expect((await other.json()).error.code).toBe('NOT_FOUND');
    expect((await post('export.progress', { jobId: start.body.jobId }, admin)).body.error.code).toBe('NOT_FOUND');
    expect((await post('export.cancel', { jobId: start.body.jobId }, admin)).body.error.code).toBe('NOT_FOUND');
    const anonymous = await fetchFile(start.body.jobId);
    expect(anonymous.status).toBe(401);
    // Still there for its owner.
    expect((await fetchFile(start.body.jobId, manager)).status).toBe(200);
  });

  it('desktop: the main process copies a finished job to the chosen path, for its owner only', async () => {
    const start = await post('export.start', { module: 'dispatch', request: completed, spec, format: 'html' }, manager);
    await waitDone(start.body.jobId, manager);
    const backend = async () => server.backend;
    let asked = 0;
    const files = new SessionFiles();
    const choose = async (options: SaveDialogOptions) => {
      asked++;
      // The job's own format, whatever the page would have asked for.
      expect(options).toEqual({ defaultPath: 'x.html', filters: [{ name: 'HTML (*.html)', extensions: ['html', 'htm'] }] });
      return join(dir, 'copied.html');
    };
    await expect(saveExportJobFile(backend, { jobId: start.body.jobId, token: admin, defaultName: 'x.html' }, choose)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(asked).toBe(0);
    expect(files.mayOpen(join(dir, 'copied.html'))).toBe(false);
    expect(await saveExportJobFile(backend, { jobId: start.body.jobId, token: manager, defaultName: 'x.html' }, choose, files)).toBe(join(dir, 'copied.html'));
    // Written through the bridge: the page may offer to open it.
    expect(files.mayOpen(join(dir, 'copied.html'))).toBe(true);
    expect(readFileSync(join(dir, 'copied.html'), 'utf8')).toContain('<title>售服派工单</title>');
    // Released once copied.
    expect((await fetchFile(start.body.jobId, manager)).status).toBe(404);
  });

  it('is for managers', async () => {
    const clerk = await login('clerk');
    const r = await post('export.start', { module: 'dispatch', request: completed, spec, format: 'xlsx' }, clerk);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });

  it('answers bad params with INVALID_PARAMS', async () => {
    const bad = [
      { module: 'dispatch', request: completed, spec, format: 'pdf' },
      { module: 'nope', request: completed, spec, format: 'xlsx' },
      { module: 'content', request: completed, spec, format: 'xlsx' },
      { module: 'dispatch', request: completed, spec: { ...spec, columns: [{ ...spec.columns[0], field: 'password_hash' }] }, format: 'xlsx' },
      { module: 'dispatch', request: completed, spec: { ...spec, groupBy: ['x" OR 1'] }, format: 'xlsx' },
      { module: 'dispatch', request: { conditions: [{ field: 'nope', op: 'equals', value: 1 }] }, spec, format: 'xlsx' },
      { module: 'dispatch', request: completed, spec: { ...spec, columns: [] }, format: 'xlsx' },
      { module: 'dispatch', request: completed, spec: { ...spec, timeZone: 'Mars/Olympus_Mons' }, format: 'xlsx' },
      { module: 'dispatch', request: completed, spec: { ...spec, timeZone: 'x'.repeat(65) }, format: 'xlsx' },
      { module: 'dispatch', request: completed, format: 'xlsx' },
    ];
    for (const params of bad) {
      const r = await post('export.start', params, manager);
      expect(r.status, JSON.stringify(params).slice(0, 200)).toBe(400);
      expect(r.body.error.code).toBe('INVALID_PARAMS');
    }
    expect((await post('export.progress', {}, manager)).body.error.code).toBe('INVALID_PARAMS');
    expect((await fetch(`${server.url}/api/export/x/file`, { method: 'POST', headers: { Authorization: `Bearer ${manager}` } })).status).toBe(405);
  });
});
