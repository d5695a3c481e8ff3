import type { DB } from '../db/open.js';
import { compileQuery, textTerms } from '../db/query-compiler.js';
import { COUNT_FTS_MAX, SearchProbe } from '../db/search/planner.js';
import { countModuleRows, firstModuleRows } from '../db/services/query.js';
import { dispatchModule } from '../shared/modules/dispatch.js';
import { queryRequestSchema, type QueryRequest, type Row } from '../shared/query.js';

// `contains` search over the dispatch list, before (the plain LIKE … ESCAPE scan the compiler
// produced until migration 002, kept here as the reference) and after (db/services/query.ts).
// Rows and total are timed separately after; "same" compares the ids of the first page and the
// total with the reference.

const CASES: { pattern: string; field: string }[] = [
  { pattern: '2by*5084*4*1', field: 'any' }, // selective part number, the legacy manual's example
  { pattern: '2by*5084*4*1', field: 'device_part_no' },
  { pattern: '*y.50*4.10*4', field: 'any' }, // the manual's second example, with a leading *
  { pattern: '*y.50*4.10*4', field: 'device_part_no' },
  { pattern: '有限公司', field: 'any' }, // about half the customers
  { pattern: '有限公司', field: 'customer' },
  { pattern: '华信', field: 'any' }, // two Chinese characters: too short for trigrams
  { pattern: '华信', field: 'customer' },
  { pattern: '华信*有限', field: 'any' }, // several short pieces
  { pattern: 'HT2024-0012', field: 'contract_no' }, // one contract
];
// Outside the target set, to show where the plans are weakest: a two-character pattern that is
// rare (the newest rows do not fill the page, and there is no trigram to find the rest).
const WEAK_CASES: { pattern: string; field: string }[] = [
  { pattern: 'zq', field: 'any' },
  { pattern: '有限*公司', field: 'any' },
];
const WARMUP = 2;
const RUNS = 20;
const PLAIN_RUNS = 7;
const LIMIT = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function timed<T>(runs: number, fn: () => T): { times: number[]; result: T } {
  for (let i = 0; i < WARMUP; i++) fn();
  let result = fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    times.push(performance.now() - t);
  }
  return { times: times.sort((a, b) => a - b), result };
}

function pad(text: string, width: number, right = false): string {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\ua4cf\uff00-\uff60]/.test(ch) ? 2 : 1;
  const fill = ' '.repeat(Math.max(0, width - w));
  return right ? fill + text : text + fill;
}

/** The query as it ran before the search index: LIKE … ESCAPE on every field, rows then count. */
function plainQuery(db: DB, request: QueryRequest): { ids: unknown[]; total: number } {
  const req = queryRequestSchema.parse(request);
  const q = compileQuery(dispatchModule, req);
  const view = `"${dispatchModule.view}"`;
  const columns = ['id', ...dispatchModule.columns.map((c) => c.field)].map((f) => `"${f}"`).join(', ');
  const where = q.where ? `WHERE ${q.where}` : '';
  const rows = db.prepare(`SELECT ${columns} FROM ${view} ${where} ORDER BY ${q.orderBy} LIMIT ?`).all(...q.params, req.limit + 1) as Row[];
  const capped = rows.length > req.limit;
  if (capped) rows.length = req.limit;
  const total = capped ? (db.prepare(`SELECT count(*) FROM ${view} ${where}`).pluck().get(...q.params) as number) : rows.length;
  return { ids: rows.map((r) => r.id), total };
}

/** What the planner will do with the pattern: trigram candidates, or why not. */
function planNote(db: DB, request: QueryRequest): string {
  const term = textTerms(dispatchModule, queryRequestSchema.parse(request))[0];
  if (!term) return '-';
  if (!term.canFts) return 'no trigram';
  const ids = new SearchProbe(db).candidateIds(term);
  return ids ? String(ids.length) : `>${COUNT_FTS_MAX}`;
}

export async function benchSearch(db: DB, log: (line: string) => void): Promise<void> {
  const orders = db.prepare('SELECT count(*) FROM dispatch_orders').pluck().get() as number;
  log('');
  log(
    `contains search, first ${LIMIT} rows + exact total, default sort; ${orders.toLocaleString('en')} orders. ` +
      `before: plain LIKE scan, rows+total, ${PLAIN_RUNS} runs; after: ${RUNS} runs each, rows and total timed apart (ms)`,
  );
  const header = ['pattern', 'field', 'rows', 'total', 'trigram cand', 'before med', 'before p95', 'rows med', 'rows p95', 'total med', 'total p95', 'same'];
  const widths = [14, 14, 5, 8, 12, 10, 10, 8, 8, 9, 9, 4];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], i > 1 && i < 11)).join('  ');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));

  const all = { plain: [] as number[], rows: [] as number[], total: [] as number[] };
  const worst = { plain: 0, rows: 0, total: 0 };
  let allSame = true;
  const run = (c: { pattern: string; field: string }, inSet: boolean) => {
    const request: QueryRequest = { conditions: [{ field: c.field, op: 'contains', value: c.pattern }], limit: LIMIT };
    const plain = timed(PLAIN_RUNS, () => plainQuery(db, request));
    const rows = timed(RUNS, () => firstModuleRows(db, dispatchModule, request));
    const total = timed(RUNS, () => countModuleRows(db, dispatchModule, request));
    const ids = rows.result.rows.map((r) => r.id);
    const same =
      total.result === plain.result.total &&
      rows.result.capped === plain.result.total > LIMIT &&
      ids.length === plain.result.ids.length &&
      ids.every((id, i) => id === plain.result.ids[i]);
    allSame &&= same;
    if (inSet) {
      all.plain.push(...plain.times);
      all.rows.push(...rows.times);
      all.total.push(...total.times);
      worst.plain = Math.max(worst.plain, percentile(plain.times, 95));
      worst.rows = Math.max(worst.rows, percentile(rows.times, 95));
      worst.total = Math.max(worst.total, percentile(total.times, 95));
    }
    log(
      line([
        c.pattern,
        c.field,
        String(ids.length),
        String(total.result),
        planNote(db, request),
        percentile(plain.times, 50).toFixed(1),
        percentile(plain.times, 95).toFixed(1),
        percentile(rows.times, 50).toFixed(1),
        percentile(rows.times, 95).toFixed(1),
        percentile(total.times, 50).toFixed(1),
        percentile(total.times, 95).toFixed(1),
        same ? 'yes' : 'NO',
      ]),
    );
  };

  for (const c of CASES) run(c, true);
  for (const list of Object.values(all)) list.sort((a, b) => a - b);
  log(
    `p95 over the set (all runs pooled / worst case): before rows+total ${percentile(all.plain, 95).toFixed(1)} / ${worst.plain.toFixed(1)} ms; ` +
      `after rows ${percentile(all.rows, 95).toFixed(1)} / ${worst.rows.toFixed(1)} ms (target 20), ` +
      `total ${percentile(all.total, 95).toFixed(1)} / ${worst.total.toFixed(1)} ms (target 250)`,
  );
  log('outside the set (weak spots):');
  for (const c of WEAK_CASES) run(c, false);
  log(`results ${allSame ? 'identical' : 'DIFFERENT'} to the plain scan in every case`);
}
