import { readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../db/demo/generate.js';
import { openDatabase, type DB } from '../../db/open.js';
import { ExportJobs } from '../../db/services/export.js';
import type { UserInfo } from '../../shared/contract.js';
import type { SheetSpec } from '../../shared/export/sheet.js';
import type { QueryRequest } from '../../shared/query.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// Export-all jobs on an in-memory database (which they read on the main connection): enum sort
// order, the group cap, the rank function, the time zone of creation times.
const manager: UserInfo = { id: 1, username: 'manager', displayName: 'M', role: 'manager' };
const statuses = ['pending', 'dispatched', 'in_progress', 'completed', 'visited', 'cancelled'];
const statusLabels = { pending: '待处理', dispatched: '已派工', in_progress: '处理中', completed: '已完成', visited: '已回访', cancelled: '已取消' };
const spec: SheetSpec = {
  title: '派工单',
  columns: [
    { field: 'order_no', label: '派工单号', type: 'text', widthPx: 150 },
    { field: 'status', label: '状态', type: 'enum', widthPx: 90, enumLabels: statusLabels },
    { field: 'created_at', label: '创建时间', type: 'datetime', widthPx: 140 },
  ],
  groupBy: [],
  sort: [],
  emptyLabel: '（空）',
};
const request = (sort: QueryRequest['sort'] = [], conditions: QueryRequest['conditions'] = []): QueryRequest =>
  ({ conditions, join: 'and', sort, limit: 200 }) as QueryRequest;

let db: DB;
let registered: string[];
let jobs: ExportJobs;
const opened: ExportJobs[] = [];

beforeAll(async () => {
  db = openDatabase(':memory:');
  await generateDemo(db, { orders: 600, seed: 3, now: new Date('2026-06-30T10:00:00Z') });
  registered = [];
  const original = db.function.bind(db) as (...args: unknown[]) => DB;
  db.function = ((name: string, ...rest: unknown[]) => {
    registered.push(name);
    return original(name, ...rest);
  }) as DB['function'];
  jobs = new ExportJobs(db, { batchLines: 50 });
  opened.push(jobs);
});
afterAll(async () => {
  for (const j of opened) await j.close();
  db.close();
});

const tz = process.env.TZ;
afterEach(() => {
  if (tz === undefined) delete process.env.TZ;
  else process.env.TZ = tz;
});

async function run(j: ExportJobs, s: SheetSpec, req: QueryRequest): Promise<{ group: number | null; cells: string[] }[]> {
  const { jobId } = j.start(manager, { module: 'dispatch', request: req, spec: s, format: 'html' });
  while (j.progress(manager, jobId).state === 'running') await new Promise((r) => setTimeout(r, 5));
  expect(j.progress(manager, jobId).state).toBe('done');
  const html = readFileSync(j.file(manager, jobId).path, 'utf8');
  j.release(jobId);
  const body = html.slice(html.indexOf('<tbody>'));
  return [...body.matchAll(/<tr(?: class="group level-(\d)")?>(.*?)<\/tr>/g)].map((m) => ({
    group: m[1] === undefined ? null : Number(m[1]),
    cells: [...m[2].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]),
  }));
}

const rank = (label: string) => statuses.indexOf(Object.entries(statusLabels).find(([, l]) => l === label)![0]);

describe('export-all jobs', () => {
  it('sorts by an enum column in the order of its values, not by the stored text', async () => {
    for (const dir of ['asc', 'desc'] as const) {
      const lines = await run(jobs, spec, request([{ field: 'status', dir }]));
      expect(lines).toHaveLength(600);
      const ranks = lines.map((l) => rank(l.cells[1]));
      const sorted = [...ranks].sort((a, b) => (dir === 'asc' ? a - b : b - a));
      expect(ranks).toEqual(sorted);
      expect(new Set(ranks).size).toBeGreaterThan(2);
    }
    // Inside groups too.
    const grouped: SheetSpec = { ...spec, groupBy: ['region'], groupColumns: [{ field: 'region', label: '区域', type: 'text', widthPx: 100 }] };
    const lines = await run(jobs, grouped, request([{ field: 'status', dir: 'asc' }]));
    let previous = -1;
    let groups = 0;
    for (const l of lines) {
      if (l.group !== null) {
        groups++;
        previous = -1;
        continue;
      }
      const r = rank(l.cells[1]);
      expect(r).toBeGreaterThanOrEqual(previous);
      previous = r;
    }
    expect(groups).toBeGreaterThan(1);
  });

  it('refuses more groups than the cap, asking for a column with fewer values', async () => {
    const capped = new ExportJobs(db, { maxGroups: 5 });
    opened.push(capped);
    const byOrder: SheetSpec = { ...spec, groupBy: ['order_no'] };
    const err = (() => {
      try {
        capped.start(manager, { module: 'dispatch', request: request(), spec: byOrder, format: 'xlsx' });
      } catch (e) {
        return e as { code: string; message: string };
      }
      return null;
    })();
    expect(err).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringContaining('fewer values') });
    expect(err!.message).toContain('more than 5 groups');
    // Six statuses: over a cap of five, within a cap of six.
    expect(() => capped.start(manager, { module: 'dispatch', request: request(), spec: { ...spec, groupBy: ['status'] }, format: 'xlsx' })).toThrow(/fewer values/);
    const six = new ExportJobs(db, { maxGroups: 6 });
    opened.push(six);
    const lines = await run(six, { ...spec, groupBy: ['status'] }, request());
    expect(lines.filter((l) => l.group !== null)).toHaveLength(6);
    // The refused jobs left no cursor open: the connection still writes.
    db.exec('CREATE TEMP TABLE probe (a); DROP TABLE probe;');
  });

  it('registers the rank function once on a shared (in-memory) connection, not per export', async () => {
    const grouped: SheetSpec = { ...spec, groupBy: ['status'] };
    for (let i = 0; i < 3; i++) await run(jobs, grouped, request());
    // Once for the connection, however many jobs and exports use it.
    expect(opened.length).toBeGreaterThan(1);
    expect(registered.filter((n) => n.startsWith('pim_export'))).toEqual(['pim_export_rank']);
  });

  it('never touches the main connection of a database file', async () => {
    const demo = await makeDemoDb(50);
    const fileDb = openDatabase(demo.file);
    const names: string[] = [];
    const original = fileDb.function.bind(fileDb) as (...args: unknown[]) => DB;
    fileDb.function = ((name: string, ...rest: unknown[]) => {
      names.push(name);
      return original(name, ...rest);
    }) as DB['function'];
    const fileJobs = new ExportJobs(fileDb);
    try {
      const lines = await run(fileJobs, { ...spec, groupBy: ['status'] }, request());
      expect(lines.filter((l) => l.group === null)).toHaveLength(50);
      expect(names).toEqual([]);
    } finally {
      await fileJobs.close();
      fileDb.close();
      rmSync(demo.dir, { recursive: true, force: true });
    }
  });

  it("writes creation times in the spec's time zone, not the server's", async () => {
    process.env.TZ = 'America/New_York';
    const one = db.prepare('SELECT order_no, created_at FROM dispatch_order_list ORDER BY id LIMIT 1').get() as { order_no: string; created_at: string };
    expect(one.created_at).toMatch(/Z$/);
    const req = request([], [{ field: 'order_no', op: 'equals', value: one.order_no }] as QueryRequest['conditions']);
    const at = async (timeZone: string) => {
      const lines = await run(jobs, { ...spec, timeZone }, req);
      expect(lines).toHaveLength(1);
      return Date.parse(`${lines[0].cells[2].replace(' ', 'T')}:00Z`);
    };
    const shanghai = await at('Asia/Shanghai');
    const utc = await at('UTC');
    expect(shanghai - utc).toBe(8 * 3600_000);
    expect(new Date(utc).toISOString().slice(0, 16)).toBe(new Date(one.created_at).toISOString().slice(0, 16));
    // An unknown zone is refused.
    expect(() => jobs.start(manager, { module: 'dispatch', request: req, spec: { ...spec, timeZone: 'Nowhere/City' }, format: 'html' })).toThrow(/time zone/);
  });
});
