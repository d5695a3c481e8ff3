import { statSync } from 'node:fs';
import type { DB } from '../db/open.js';
import { ExportJobs } from '../db/services/export.js';
import type { UserInfo } from '../shared/contract.js';
import type { ExportFormat, SheetColumn, SheetSpec } from '../shared/export/sheet.js';
import { dispatchModule } from '../shared/modules/dispatch.js';
import type { QueryRequest } from '../shared/query.js';
import zh from '../resources/locales/zh-CN/translation.json' with { type: 'json' };

// Export-all as a manager runs it: 100,000 rows × 15 columns through the real job (its own
// read connection, streamed writers, yields between batches), timed, with peak RSS sampled
// and the longest event-loop stall measured (how long the server would not answer).

const ROWS = 100_000;
const COLUMNS = 15;
const manager: UserInfo = { id: -1, username: 'bench', displayName: 'bench', role: 'manager' };

function label(key: string): string {
  let v: unknown = zh;
  for (const part of key.split('.')) v = (v as Record<string, unknown>)?.[part];
  return typeof v === 'string' ? v : key;
}

function benchSpec(groupBy: string[]): SheetSpec {
  const columns: SheetColumn[] = dispatchModule.columns.slice(0, COLUMNS + 1)
    .filter((c) => c.field !== 'project')
    .slice(0, COLUMNS)
    .map((c) => {
      const col: SheetColumn = { field: c.field, label: label(c.labelKey), type: c.type, widthPx: c.width };
      if (c.enumKey && c.enumValues) col.enumLabels = Object.fromEntries(c.enumValues.map((v) => [v, label(`${c.enumKey}.${v}`)]));
      if (c.type === 'bool') col.boolLabels = ['是', '否'];
      return col;
    });
  return { title: '售服派工单', columns, groupBy, sort: [{ field: 'created_at', dir: 'desc' }], emptyLabel: '（空）' };
}

/** The newest ~100,000 orders of the database, by a condition the index answers. */
function newestRequest(db: DB): QueryRequest {
  const from = db.prepare('SELECT created_at FROM dispatch_orders ORDER BY created_at DESC LIMIT 1 OFFSET ?').pluck().get(ROWS - 1) as string | undefined;
  return {
    conditions: from ? [{ field: 'created_at', op: 'gte', value: from }] : [],
    join: 'and',
    sort: [{ field: 'created_at', dir: 'desc' }],
  };
}

interface Result {
  name: string;
  rows: number;
  seconds: number;
  fileMiB: number;
  peakRssMiB: number;
  rssGrowthMiB: number;
  maxStallMs: number;
}

async function runOne(db: DB, name: string, format: ExportFormat, spec: SheetSpec, request: QueryRequest): Promise<Result> {
  (globalThis as { gc?: () => void }).gc?.();
  const jobs = new ExportJobs(db, { log: () => {} });
  const base = process.memoryUsage().rss;
  let peak = base;
  let last = performance.now();
  let maxStall = 0;
  const sampler = setInterval(() => {
    const now = performance.now();
    maxStall = Math.max(maxStall, now - last - 10);
    last = now;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const t0 = performance.now();
  try {
    const { jobId } = jobs.start(manager, { module: 'dispatch', request, spec, format });
    for (;;) {
      const p = jobs.progress(manager, jobId);
      if (p.state === 'failed') throw new Error(p.error);
      if (p.state === 'done') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    const file = jobs.file(manager, jobId);
    const p = jobs.progress(manager, jobId);
    return {
      name,
      rows: p.written,
      seconds,
      fileMiB: statSync(file.path).size / 2 ** 20,
      peakRssMiB: peak / 2 ** 20,
      rssGrowthMiB: (peak - base) / 2 ** 20,
      maxStallMs: maxStall,
    };
  } finally {
    clearInterval(sampler);
    await jobs.close();
  }
}

/** Streams ~100,000 rows × 15 columns to .xlsx (plain and grouped) and HTML; prints a table. */
export async function benchExport(db: DB, log: (line: string) => void): Promise<void> {
  const request = newestRequest(db);
  const plain = benchSpec([]);
  const grouped = benchSpec(['region', 'status']);
  const results = [
    await runOne(db, 'xlsx', 'xlsx', plain, request),
    await runOne(db, 'xlsx, grouped by region/status', 'xlsx', grouped, request),
    await runOne(db, 'html', 'html', plain, request),
  ];
  log(`Export all: ${results[0].rows.toLocaleString('en')} rows × ${plain.columns.length} columns, streamed by the export job`);
  log('');
  log('| export | rows | seconds | file MiB | peak RSS MiB | RSS growth MiB | longest event-loop stall ms |');
  log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    log(`| ${r.name} | ${r.rows.toLocaleString('en')} | ${r.seconds.toFixed(2)} | ${r.fileMiB.toFixed(1)} | ${r.peakRssMiB.toFixed(0)} | ${r.rssGrowthMiB.toFixed(0)} | ${r.maxStallMs.toFixed(0)} |`);
  }
}
