import { openReadonly, type DB } from '../db/open.js';
import { enableMemorySearch, memorySearchOf, MEMORY_MIN_ROWS, ORDER_MAX_BYTES } from '../db/search/memory-index.js';
import { compileQuery, textTerms } from '../db/query-compiler.js';
import { COUNT_FTS_MAX, SearchProbe } from '../db/search/planner.js';
import { storedSortKey } from '../db/search/indexes.js';
import { countModuleRows, firstModuleRows } from '../db/services/query.js';
import { contractLookup, modules, warehouseLists, type ModuleDef } from '../shared/modules/index.js';
import { queryRequestSchema, type QueryRequest, type SortSpec } from '../shared/query.js';

// `contains` search over every list (issue 9): first 200 rows and the exact total, timed apart,
// in the default order and sorted by other columns (a text column with a stored sort key, one
// sorted by pim_sortkey at query time, a number or date), for the full pattern set — codes,
// common and rare 1–2 character terms, several pieces. "plain" is the reference: every
// `contains` folded at query time on the view's columns (pim_fold(col) LIKE …), rows and total,
// run once (see PLAIN_MODE); "same" compares its page (ids, in order) and total with the planned
// query's. Each case runs twice in one run: on a connection with the lists' folded fields held in
// memory (db/search/memory-index.ts, "memory") and on one without ("sqlite": the index plans over
// the tables); "same" also compares their pages and totals. Targets over 10⁶ orders: first 200
// ≤ 20 ms p95, exact total ≤ 100 ms p95. BENCH_SEARCH_RUNS (default 10) sets the runs per case.
//
// The memory connection holds a list's order once a query has asked for it (db/search/memory-order.ts;
// the server's workers read it in the background): a case's first query asks, the orders are then
// read, and the runs timed after that. That first query is timed too ("before its order is read").

const TARGET = { rows: 20, total: 100 };
const WARMUP = 1;
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 10);
const LIMIT = 200;
/**
 * The plain reference is slow (every row folded at query time: seconds per case over 10⁶ orders):
 * by default it runs for the quick search in the default order, BENCH_SEARCH_PLAIN=all for
 * every case, =0 for none.
 */
const PLAIN_MODE = process.env.BENCH_SEARCH_PLAIN === '0' ? 'none' : process.env.BENCH_SEARCH_PLAIN === 'all' ? 'all' : 'default';
const PLAIN = PLAIN_MODE !== 'none';

const COMMON = ['有限公司', '华信', '华信*有限', '有限*公司', '公', 'a'];
const RARE = ['zq', 'ｚｑ', 'Q', '2by*5084*4*1', '*y.50*4.10*4'];

/** The patterns of a list: the common set where it has customers, codes from its own rows, rare short terms. */
function patternsFor(db: DB, def: ModuleDef): string[] {
  const out = def.anyFields.includes('customer') ? [...COMMON, ...RARE] : ['a', ...RARE];
  // A code of the list (a contract, document, order or part number) cut to a multi-piece pattern.
  const codeField = def.anyFields.find((f) => ['contract_no', 'doc_no', 'part_no'].includes(f)) ?? def.anyFields[0];
  const code = db.prepare(`SELECT "${codeField}" FROM "${def.view}" WHERE "${codeField}" <> '' ORDER BY id DESC LIMIT 1 OFFSET 500`).pluck().get() as string | undefined;
  if (code) out.push(code, `${code.slice(0, 2).toLowerCase()}*${code.slice(-4)}`);
  if (def.id === 'content') out.push('更换*轴承', '轴承');
  if (def.id === 'fees') out.push('公司承担');
  return [...new Set(out)];
}

/**
 * The orders a list is timed in: default, a stored-key text column, long free text (a stored key
 * since migration 013), a text column sorted at query time where one is left, a number or date,
 * an enum.
 */
function sortsFor(def: ModuleDef): { label: string; sort: SortSpec[]; keyed?: false }[] {
  const out: { label: string; sort: SortSpec[]; keyed?: false }[] = [{ label: 'default', sort: [] }];
  const text = def.columns.filter((c) => c.type === 'text');
  const stored = text.find((c) => storedSortKey(def, c.field));
  if (stored) out.push({ label: `${stored.field}↑`, sort: [{ field: stored.field, dir: 'asc' }] });
  // Long free text, keyed since migration 013.
  const long = text.find((c) => ['problem', 'findings', 'remarks', 'fault'].includes(c.field) && storedSortKey(def, c.field));
  if (long) out.push({ label: `${long.field}↑`, sort: [{ field: long.field, dir: 'asc' }] });
  // A text column keyed at query time, where a list still has one (none since migration 014).
  const computed = text.find((c) => !storedSortKey(def, c.field) && !def.defaultSort.some((s) => s.field === c.field));
  if (computed) out.push({ label: `${computed.field}↑`, sort: [{ field: computed.field, dir: 'asc' }], keyed: false });
  const numeric = def.columns.find((c) => (c.type === 'money' || c.type === 'number' || c.type === 'date') && !def.defaultSort.some((s) => s.field === c.field));
  if (numeric) out.push({ label: `${numeric.field}↓`, sort: [{ field: numeric.field, dir: 'desc' }] });
  const enumerated = def.columns.find((c) => c.type === 'enum');
  if (enumerated) out.push({ label: `${enumerated.field}↑`, sort: [{ field: enumerated.field, dir: 'asc' }] });
  return out;
}

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

/** The reference: every condition folded at query time on the view (no index), rows then count. */
function plainQuery(db: DB, def: ModuleDef, request: QueryRequest): { ids: unknown[]; total: number; ms: number } {
  const t = performance.now();
  const req = queryRequestSchema.parse(request);
  const q = compileQuery(def, req);
  const where = q.where ? `WHERE ${q.where}` : '';
  const ids = db.prepare(`SELECT v.id FROM ${q.from} ${where} ORDER BY ${q.orderBy} LIMIT ?`).pluck().all(...q.params, req.limit + 1);
  const capped = ids.length > req.limit;
  if (capped) ids.length = req.limit;
  const total = capped ? (db.prepare(`SELECT count(*) FROM "${def.view}" AS v ${where}`).pluck().get(...q.params) as number) : ids.length;
  return { ids, total, ms: performance.now() - t };
}

/** What the planner can do with the pattern: candidates from the trigram index, or why not. */
function planNote(db: DB, def: ModuleDef, request: QueryRequest): string {
  const term = textTerms(def, queryRequestSchema.parse(request))[0];
  if (!term) return '-';
  if (!term.canFts) return 'no index';
  const ids = new SearchProbe(db).candidateIds(term);
  return ids ? String(ids.length) : `>${COUNT_FTS_MAX / 1000}k`;
}

interface Timing {
  rows: number[];
  total: number[];
  over: { rows: number; total: number };
  worst: { rows: [number, string]; total: [number, string] };
}

const newTiming = (): Timing => ({ rows: [], total: [], over: { rows: 0, total: 0 }, worst: { rows: [0, ''], total: [0, ''] } });

/** First queries on the memory connection before the orders they asked for were read (ms). */
const beforeOrders: number[] = [];

/** On a memory connection: the query once (timed into beforeOrders), then the orders it asked for read. */
function readOrders(db: DB, run: () => unknown): void {
  const search = memorySearchOf(db);
  if (!search) return;
  const t = performance.now();
  run();
  beforeOrders.push(performance.now() - t);
  search.buildAll();
}

/** Times one case on one connection: first rows and total, apart. */
function timeCase(db: DB, def: ModuleDef, request: QueryRequest, into: Timing, what: string) {
  readOrders(db, () => firstModuleRows(db, def, request));
  const rows = timed(RUNS, () => firstModuleRows(db, def, request));
  const total = timed(RUNS, () => countModuleRows(db, def, request));
  const r95 = percentile(rows.times, 95);
  const t95 = percentile(total.times, 95);
  into.rows.push(...rows.times);
  into.total.push(...total.times);
  if (r95 > into.worst.rows[0]) into.worst.rows = [r95, what];
  if (t95 > into.worst.total[0]) into.worst.total = [t95, what];
  if (r95 > TARGET.rows) into.over.rows++;
  if (t95 > TARGET.total) into.over.total++;
  return { ids: rows.result.rows.map((r) => r.id), capped: rows.result.capped, total: total.result, rows: rows.times, totals: total.times, r95, t95 };
}

/**
 * `file` is opened once more, read-only, for the memory plans: its lists are loaded into memory
 * first (the load time and size are printed).
 */
export async function benchSearch(db: DB, log: (line: string) => void, file: string, lists: readonly ModuleDef[] = [...modules, ...warehouseLists, contractLookup]): Promise<void> {
  const orders = db.prepare('SELECT count(*) FROM dispatch_orders').pluck().get() as number;
  const memoryDb = openReadonly(file);
  try {
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const search = enableMemorySearch(memoryDb, { minRows: Number(process.env.BENCH_MEMORY_MIN_ROWS ?? MEMORY_MIN_ROWS) });
    search.buildAll();
    const loadMs = performance.now() - t0;
    const sizes = search.sizes();
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    log('');
    log(
      `memory index: loaded in ${(loadMs / 1000).toFixed(1)} s, ${Object.entries(sizes)
        .map(([t, s]) => `${t.replace('_search_fields', '')} ${s.rows.toLocaleString('en')} rows ${mb(s.bytes)} MiB`)
        .join(', ')}; process RSS +${mb(process.memoryUsage().rss - rssBefore)} MiB`,
    );
    runCases(db, memoryDb, orders, log, lists);
    if (process.env.BENCH_SEARCH_COLUMNS !== '0') runEveryColumn(db, memoryDb, log, lists);
    beforeOrders.sort((a, b) => a - b);
    const held = Object.values(search.sizes()).reduce((sum, x) => sum + x.orders, 0);
    log(
      `orders held in memory: ${mb(held)} MiB at the end (at most ${mb(ORDER_MAX_BYTES)} MiB); a case's first query, before the orders it ` +
        `asked for were read: median ${percentile(beforeOrders, 50).toFixed(1)} ms, p95 ${percentile(beforeOrders, 95).toFixed(1)} ms, ` +
        `max ${beforeOrders[beforeOrders.length - 1].toFixed(0)} ms (${beforeOrders.length} cases)`,
    );
  } finally {
    memoryDb.close();
  }
}

function runCases(db: DB, memoryDb: DB, orders: number, log: (line: string) => void, lists: readonly ModuleDef[]): void {
  log('');
  log(
    `(a) contains search over every list, first ${LIMIT} rows + exact total; ${orders.toLocaleString('en')} orders. ` +
      `plain: folded at query time on the view, rows+total, 1 run (${PLAIN_MODE === 'default' ? 'quick search, default order' : PLAIN_MODE}); ` +
      `sqlite: the index plans over the tables; memory: the lists' folded fields in memory; ${RUNS} runs each, rows and total timed apart (ms)`,
  );
  const header = ['list', 'pattern', 'field', 'sort', 'total', 'cand', 'plain', 'sql rows', 'sql total', 'rows med', 'rows p95', 'total med', 'total p95', 'same'];
  const widths = [9, 16, 14, 16, 9, 6, 8, 8, 9, 8, 8, 9, 9, 4];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], i > 3 && i < 13)).join(' ');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join(' '));

  const sqlite = newTiming();
  const memory = newTiming();
  // Sorts by a column without a stored key: every match keyed at query time, pooled apart (none
  // left since migration 014).
  const unkeyed = { sqlite: newTiming(), memory: newTiming(), cases: 0 };
  // Per list (keyed sorts only), for the README's table.
  const perList = new Map<string, { cases: number; sqlite: Timing; memory: Timing }>();
  let cases = 0;
  let allSame = true;
  let compared = 0;
  for (const def of lists) {
    const singleField = def.anyFields.includes('customer') ? 'customer' : def.anyFields[def.anyFields.length > 1 ? 1 : 0];
    for (const pattern of patternsFor(db, def)) {
      for (const field of ['any', singleField]) {
        for (const { label, sort, keyed } of sortsFor(def)) {
          // Sorted cases for the quick search only: the single field is timed in the default order.
          if (field !== 'any' && label !== 'default') continue;
          const request: QueryRequest = { conditions: [{ field, op: 'contains', value: pattern }], sort, limit: LIMIT };
          const what = `${def.id} ${pattern} ${field} ${label}`;
          const a = timeCase(db, def, request, keyed === false ? unkeyed.sqlite : sqlite, what);
          const b = timeCase(memoryDb, def, request, keyed === false ? unkeyed.memory : memory, what);
          if (keyed !== false) {
            const list = perList.get(def.id) ?? { cases: 0, sqlite: newTiming(), memory: newTiming() };
            perList.set(def.id, list);
            list.cases++;
            list.sqlite.rows.push(...a.rows);
            list.sqlite.total.push(...a.totals);
            list.memory.rows.push(...b.rows);
            list.memory.total.push(...b.totals);
          }
          const sameAs = (x: { ids: unknown[]; total: number; capped: boolean }) =>
            b.total === x.total && b.capped === x.capped && b.ids.length === x.ids.length && b.ids.every((id, i) => id === x.ids[i]);
          let same = sameAs(a);
          let plainMs = NaN;
          if (PLAIN_MODE === 'all' || (PLAIN_MODE === 'default' && field === 'any' && label === 'default')) {
            const plain = plainQuery(db, def, request);
            plainMs = plain.ms;
            same &&= sameAs({ ids: plain.ids, total: plain.total, capped: plain.total > LIMIT });
          }
          allSame &&= same;
          compared++;
          if (keyed === false) unkeyed.cases++;
          else cases++;
          log(
            line([
              def.id,
              pattern.length > 16 ? pattern.slice(0, 15) + '…' : pattern,
              field,
              label,
              String(b.total),
              planNote(db, def, request),
              Number.isNaN(plainMs) ? '-' : plainMs.toFixed(0),
              a.r95.toFixed(1),
              a.t95.toFixed(1),
              percentile(b.rows, 50).toFixed(1),
              b.r95.toFixed(1),
              percentile(b.totals, 50).toFixed(1),
              b.t95.toFixed(1),
              same ? 'yes' : 'NO',
            ]),
          );
        }
      }
    }
  }
  const pools = [
    ['sqlite', sqlite, cases],
    ['memory', memory, cases],
    ['sqlite, sorted by a column without a stored key', unkeyed.sqlite, unkeyed.cases],
    ['memory, sorted by a column without a stored key', unkeyed.memory, unkeyed.cases],
  ] as const;
  for (const [name, t, cases] of pools) {
    if (!cases) continue;
    t.rows.sort((x, y) => x - y);
    t.total.sort((x, y) => x - y);
    log(
      `${name}: p95 over its ${cases} cases (all runs pooled): rows ${percentile(t.rows, 95).toFixed(1)} ms (target ${TARGET.rows}), ` +
        `total ${percentile(t.total, 95).toFixed(1)} ms (target ${TARGET.total}); cases over target: rows ${t.over.rows} of ${cases}, ` +
        `total ${t.over.total} of ${cases}; worst p95: rows ${t.worst.rows[0].toFixed(1)} ms (${t.worst.rows[1]}), ` +
        `total ${t.worst.total[0].toFixed(1)} ms (${t.worst.total[1]})`,
    );
  }
  log('per list, keyed sorts (all runs pooled, ms): list | cases | memory rows median, p95 | memory total median, p95 | sqlite rows p95 | sqlite total p95');
  for (const [id, l] of perList) {
    const sorted = (xs: number[]) => xs.sort((x, y) => x - y);
    const [mr, mt, sr, st] = [l.memory.rows, l.memory.total, l.sqlite.rows, l.sqlite.total].map(sorted);
    const f = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
    log(`| ${id} | ${l.cases} | ${f(percentile(mr, 50))} | ${f(percentile(mr, 95))} | ${f(percentile(mt, 50))} | ${f(percentile(mt, 95))} | ${f(percentile(sr, 95))} | ${f(percentile(st, 95))} |`);
  }
  log(`results ${allSame ? 'identical' : 'DIFFERENT'}: memory against sqlite in every case (${compared})${PLAIN ? ', and against the plain scan where it ran' : ''}`);
}

/**
 * "Sorted by any column": every column of every list, both ways, unfiltered and with a common
 * and a rare pattern: first 200 rows timed from memory (RUNS runs), the page compared with the
 * SQLite connection's (run once). Totals do not depend on the order (timed above).
 */
function runEveryColumn(db: DB, memoryDb: DB, log: (line: string) => void, lists: readonly ModuleDef[]): void {
  log('');
  log(`(a') every column of every list, both ways: first ${LIMIT} rows from memory, ${RUNS} runs each; unfiltered, "a", "zq" (and "有限公司" where a list has customers)`);
  log('list | columns | cases | rows median | rows p95 | cases over 20 ms | worst p95 (case)');
  const all: number[] = [];
  let cases = 0;
  let over = 0;
  let same = true;
  for (const def of lists) {
    const patterns = ['', 'a', 'zq', ...(def.anyFields.includes('customer') ? ['有限公司'] : [])];
    const times: number[] = [];
    let listCases = 0;
    let listOver = 0;
    let worst: [number, string] = [0, ''];
    for (const col of def.columns) {
      for (const dir of ['asc', 'desc'] as const) {
        for (const value of patterns) {
          const request: QueryRequest = { conditions: value ? [{ field: 'any', op: 'contains', value }] : [], sort: [{ field: col.field, dir }], limit: LIMIT };
          readOrders(memoryDb, () => firstModuleRows(memoryDb, def, request));
          const { times: t, result } = timed(RUNS, () => firstModuleRows(memoryDb, def, request));
          const reference = firstModuleRows(db, def, request);
          same &&= reference.rows.length === result.rows.length && reference.rows.every((r, i) => r.id === result.rows[i].id);
          const p95 = percentile(t, 95);
          if (p95 > worst[0]) worst = [p95, `${col.field} ${dir} "${value}"`];
          if (p95 > TARGET.rows) listOver++;
          times.push(...t);
          listCases++;
        }
      }
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    cases += listCases;
    over += listOver;
    const f = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
    log(`| ${def.id} | ${def.columns.length} | ${listCases} | ${f(percentile(times, 50))} | ${f(percentile(times, 95))} | ${listOver} | ${f(worst[0])} (${worst[1]}) |`);
  }
  all.sort((a, b) => a - b);
  log(
    `every column: ${cases} cases, rows p95 ${percentile(all, 95).toFixed(1)} ms (target ${TARGET.rows}), ${over} cases over; ` +
      `pages ${same ? 'identical' : 'DIFFERENT'} from memory and from SQLite's tables`,
  );
}
