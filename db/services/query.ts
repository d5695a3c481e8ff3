import type { DB } from '../open.js';
import {
  compileQuery,
  effectiveSort,
  indexCountSql,
  orderKeySql,
  quoteIdent,
  textTerms,
  type CompiledQuery,
  type PlanChooser,
  type TextTerm,
} from '../query-compiler.js';
import { COUNT_FTS_MAX, ROWS_SORT_MAX, SearchProbe, TEXT_PREFILTER_MAX_SHARE, WALK_FACTOR, WINDOW_ROWS } from '../search/planner.js';
import { listIndexOf } from '../search/indexes.js';
import { foldedMatchSql } from '../search/pattern.js';
import { countHits, memorySearchOf, type MemoryMatch } from '../search/memory-index.js';
import type { OrderSource } from '../search/memory-order.js';
import type { ColumnDef, ModuleDef } from '../../shared/modules/types.js';
import { ServiceError } from '../../shared/errors.js';
import {
  ANY_FIELD,
  MAX_GROUPS,
  queryRequestSchema,
  type GroupCount,
  type ParsedQueryRequest,
  type QueryRequest,
  type QueryResult,
  type Row,
} from '../../shared/query.js';

// Every plan below returns exactly the rows of the rule (shared/text/fold.ts), in the order of
// the request's sort (query-compiler.ts: sort keys, enum order, values; the row id last): the
// index plans only narrow the candidates in front of the exact check on the folded fields, or
// walk the list in order and check each row. They differ in speed only; see
// db/search/planner.ts for the costs behind the choices.

/** A text term answered by the list's memory index (db/search/memory-index.ts). */
interface MemoryTerm {
  match: MemoryMatch;
  /** pim_memhit's handle of the match, for SQL. */
  token: number;
  hits?: Uint8Array;
  estimate?: number;
}

interface Prepared {
  def: ModuleDef;
  req: ParsedQueryRequest;
  columns: string;
  terms: (TextTerm | null)[];
  probe: SearchProbe;
  /** The terms the memory index answers, by termKey (none unless the connection has one). */
  memory: Map<string, MemoryTerm>;
  /** Releases the memory terms' handles: call when the query is done. */
  done: () => void;
}

function prepare(db: DB, def: ModuleDef, request: QueryRequest, useMemory = true): Prepared {
  if (!def.view) throw new Error(`Module ${def.id} has no list view.`);
  const req = queryRequestSchema.parse(request);
  const terms = textTerms(def, req);
  // Refuses bad fields, values and sorts whichever plan runs (some plans read no condition).
  compileQuery(def, req);
  const columns = ['id', ...def.columns.map((c) => c.field)].map((f) => `v.${quoteIdent(f)}`).join(', ');
  const memory = new Map<string, MemoryTerm>();
  const search = useMemory ? memorySearchOf(db) : undefined;
  if (search) {
    // Each index brought up to date once: a match holds the value codes of that moment.
    const ready = new Map<string, ReturnType<typeof search.ready>>();
    for (const t of terms) {
      // Patterns SQLite reads differently from JavaScript (NUL, lone surrogates) stay with SQLite.
      if (!t || !t.covered || !t.index || !t.pattern.ftsSafe || memory.has(termKey(t))) continue;
      if (!ready.has(t.index.fieldsTable)) ready.set(t.index.fieldsTable, search.ready(t.index));
      const index = ready.get(t.index.fieldsTable);
      if (!index) continue;
      const match = index.match(t.fields, t.pattern);
      memory.set(termKey(t), { match, token: search.register(match) });
    }
  }
  const done = () => {
    for (const m of memory.values()) search!.release(m.token);
  };
  return { def, req, columns, terms, probe: new SearchProbe(db), memory, done };
}

/** Runs `fn` over a prepared request and releases what it holds. */
function withPrepared<T>(db: DB, def: ModuleDef, request: QueryRequest, fn: (p: Prepared) => T): T {
  const p = prepare(db, def, request);
  try {
    return fn(p);
  } finally {
    p.done();
  }
}

const whereOf = (q: CompiledQuery) => (q.where ? `WHERE ${q.where}` : '');
// The compiler builds its own term objects: a chosen term is recognised by what it matches.
const termKey = (t: TextTerm) => `${t.fields.join(',')}\n${t.pattern.like}`;

const memoryOf = (p: Prepared, t: TextTerm | null) => (t ? p.memory.get(termKey(t)) : undefined);

/** The memory index for the terms it answers, `fallback` for the others. */
const orMemory =
  (p: Prepared, fallback: PlanChooser): PlanChooser =>
  (t) => {
    const m = memoryOf(p, t);
    return m ? { memory: m.token } : fallback(t);
  };

function hitsOf(m: MemoryTerm): Uint8Array {
  return (m.hits ??= m.match.index.hits(m.match));
}

/** Its matches by the values' row counts (one pass over each matching field's values), once a request. */
function estimateOf(m: MemoryTerm): number {
  return (m.estimate ??= m.match.index.estimate(m.match));
}

/** A `contains` with an empty pattern: it matches every row. */
function isMatchAll(p: Prepared, i: number): boolean {
  const c = p.req.conditions[i];
  return p.terms[i] === null && (c.op === 'contains' || c.field === ANY_FIELD);
}

/**
 * The text terms every result row must satisfy: all of them under AND; under OR only a lone
 * condition (any other adds rows, an empty pattern makes it match everything).
 */
function requiredTerms(p: Prepared): TextTerm[] {
  if (p.req.join === 'or' && p.req.conditions.length > 1) return [];
  return p.terms.filter((t): t is TextTerm => t !== null);
}

/**
 * How the list's order can be walked with an index: the module's default sort column (an index
 * on the base table: created_at, work_date …) or one column with a stored sort key (its index
 * (sk_<field>, sid)). The walk's position is the pair (key, id) — `columns`, in `dir`.
 */
function walkOrder(def: ModuleDef, req: ParsedQueryRequest, q: CompiledQuery): { columns: [string, string]; dir: 'asc' | 'desc' } | null {
  const sort = effectiveSort(def, req);
  if (sort.length !== 1) return null;
  const col = def.columns.find((c) => c.field === sort[0].field);
  if (!col) return null;
  if (q.sortTable) return { columns: [quoteIdent(`sk_${col.field}`), quoteIdent('sid')], dir: sort[0].dir };
  // The default order's column has an index on the base table, walked either way.
  const isDefault = !req.sort.length || (def.defaultSort.length === 1 && def.defaultSort[0].field === sort[0].field);
  if (isDefault && col.type !== 'text' && col.type !== 'enum') return { columns: [quoteIdent(col.field), quoteIdent('id')], dir: sort[0].dir };
  return null;
}

/** The first `n` rows: ids sorted first, whole rows (with the view's joins) for those only. */
function pageQuery(db: DB, p: Prepared, choose: PlanChooser, n: number): Row[] {
  const q = compileQuery(p.def, p.req, choose);
  // An order walked on an index reads n rows; any other sorts every row, so it sorts ids, not
  // whole rows with the view's joins (owed records by days overdue: 5 ms where it took 120).
  if (!q.where && walkOrder(p.def, p.req, q)) return db.prepare(`SELECT ${p.columns} FROM ${q.from} ORDER BY ${q.orderBy} LIMIT ?`).all(n) as Row[];
  if (!q.where && q.keyTable) {
    return db
      .prepare(`SELECT ${p.columns} FROM ${q.from} WHERE v."id" IN (SELECT "sid" FROM ${quoteIdent(q.keyTable)} ORDER BY ${q.orderBy} LIMIT ?) ORDER BY ${q.orderBy}`)
      .all(n) as Row[];
  }
  return db
    .prepare(
      `SELECT ${p.columns} FROM ${q.from} WHERE v."id" IN ` +
        `(SELECT v."id" FROM ${q.from} ${whereOf(q)} ORDER BY ${q.orderBy} LIMIT ?) ORDER BY ${q.orderBy}`,
    )
    .all(...q.params, n) as Row[];
}

/** Where a walk in the list's order reads its keys: the sort-key table, or the view (its base table). */
interface WalkIndex {
  key: string;
  id: string;
  dir: 'ASC' | 'DESC';
  /** The sort-key table, or the view whose joins SQLite leaves out when only its base table's columns are read. */
  source: string;
}

/**
 * A walk's order as the memory index reads it (db/search/memory-order.ts): from the sort-key
 * table, or for the default order from the base table alone (its index covers the read; through
 * the view it took four times as long).
 */
function orderSourceOf(p: Prepared, q: CompiledQuery, w: WalkIndex): OrderSource {
  const source = q.sortTable ? w.source : quoteIdent(listIndexOf(p.def)!.table);
  return { name: `${source} ${w.key}`, key: w.key, id: w.id, source };
}

function walkIndexOf(p: Prepared, q: CompiledQuery): WalkIndex | null {
  const walk = walkOrder(p.def, p.req, q);
  if (!walk) return null;
  const [key, id] = walk.columns;
  const source = q.sortTable ? quoteIdent(q.sortTable) : `${quoteIdent(p.def.view!)} AS v`;
  return { key, id, dir: walk.dir === 'desc' ? 'DESC' : 'ASC', source };
}

type WindowBound = { k: unknown; i: number } | undefined;

/** The position (key, id) of the `window`-th row of the order, from its index alone; none past the end. */
function windowBound(db: DB, w: WalkIndex, window: number): WindowBound {
  return db.prepare(`SELECT ${w.key} AS k, ${w.id} AS i FROM ${w.source} ORDER BY ${w.key} ${w.dir}, ${w.id} ${w.dir} LIMIT 1 OFFSET ?`).get(window - 1) as WindowBound;
}

/**
 * The first `n` rows by walking the list in its order (an index), each row checked as it comes,
 * no further than the `window`-th row (or its bound, when known): the rows found are the first
 * of all when there are `n` of them, or when the window reached the end; null otherwise.
 */
function walkRows(
  db: DB,
  p: Prepared,
  choose: PlanChooser,
  n: number,
  window: number | { bound: WindowBound },
  required: readonly number[] | null = null,
  requiredMemory: readonly number[] = [],
): Row[] | null {
  const q = compileQuery(p.def, p.req, choose);
  const walk = walkOrder(p.def, p.req, q)!;
  const w = walkIndexOf(p, q)!;
  const { key, id } = w;
  // An infinite window walks to the end of the list.
  const bound = typeof window === 'object' ? window.bound : Number.isFinite(window) ? windowBound(db, w, window) : undefined;
  // The rows up to that position in the order, as one range of the index. The walked keys are
  // NOT NULL (stored sort keys; the default sorts' created_at, work_date, posted_at …); a NULL
  // bound means another column: no walk then.
  if (bound && bound.k === null) return null;
  const within = !bound ? '' : `(${key}, ${id}) ${walk.dir === 'desc' ? '>=' : '<='} (?, ?) AND `;
  const at = !bound ? [] : [bound.k, bound.i];
  // The conditions inside coalesce(): no index of theirs can be used, so SQLite walks the order's
  // index (a common status would otherwise be fetched by its own index and all of it sorted).
  // The candidates of a term every row must satisfy are checked on the walked index's own id
  // first (`+`: not to drive the query), before the row itself is read.
  // Terms answered from memory are exact: checked on the walked id, the row is read only for a match.
  const member =
    (required ? `+${id} IN (SELECT value FROM json_each(?)) AND ` : '') + requiredMemory.map(() => `pim_memhit(?, ${id}) AND `).join('');
  const rows = db
    .prepare(`SELECT ${p.columns} FROM ${q.from} WHERE ${within}${member}coalesce((${q.where || '1'}), 0) ORDER BY ${q.orderBy} LIMIT ?`)
    .all(...at, ...(required ? [JSON.stringify(required)] : []), ...requiredMemory, ...q.params, n) as Row[];
  return rows.length >= n || !bound ? rows : null;
}

function rowsEstimate(db: DB, def: ModuleDef): number {
  const index = listIndexOf(def)?.index;
  if (!index) return Infinity;
  // Ids are not dense after deletes; an overestimate only makes a walk longer.
  return (db.prepare(`SELECT max(id) FROM "${index.textTable}"`).pluck().get() as number | null) ?? 0;
}

/**
 * Whether conditions without text terms (status, dates, numbers, lookups) are narrowed by an index
 * of the list's base table to at most ROWS_SORT_MAX rows: SQLite's own plan then fetches and sorts
 * them, where a walk in list order would pass every row that fails them.
 */
function fewByIndex(db: DB, p: Prepared, q: CompiledQuery): boolean {
  const base = listIndexOf(p.def)?.table;
  if (!base || p.terms.some((t) => t !== null)) return false;
  const indexes = new Set((db.pragma(`index_list(${quoteIdent(base)})`) as { name: string }[]).map((i) => i.name));
  const sql = `SELECT count(*) FROM (SELECT 1 FROM "${p.def.view}" AS v ${whereOf(q)} LIMIT ${ROWS_SORT_MAX + 1})`;
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...q.params) as { detail: string }[];
  const narrowed = plan.some((r) => {
    const m = /^SEARCH \S+ USING (?:COVERING )?INDEX (\S+)/.exec(r.detail);
    return m !== null && indexes.has(m[1]);
  });
  return narrowed && (db.prepare(sql).pluck().get(...q.params) as number) <= ROWS_SORT_MAX;
}

/**
 * The first `n` rows of a result an index narrows to a few rows: those rows first (SQLite's plan
 * for the conditions alone, kept apart by MATERIALIZED), then sorted. Asked with ORDER BY and
 * LIMIT together SQLite would walk the order's index and check every row instead.
 */
function fewRows(db: DB, p: Prepared, q: CompiledQuery, n: number): Row[] {
  return db
    .prepare(
      `WITH m AS MATERIALIZED (SELECT v."id" AS mid FROM "${p.def.view}" AS v ${whereOf(q)}) ` +
        `SELECT ${p.columns} FROM ${q.from} WHERE v."id" IN ` +
        `(SELECT v."id" FROM m CROSS JOIN ${q.from} WHERE v."id" = m.mid ORDER BY ${q.orderBy} LIMIT ?) ORDER BY ${q.orderBy}`,
    )
    .all(...q.params, n) as Row[];
}

/**
 * The rows of the result, exactly, when every condition is a text term the memory index
 * answers (under AND or OR): one byte per slot of the list's index.
 */
function memoryResult(p: Prepared, live: readonly number[]): Uint8Array {
  const terms = live.map((i) => memoryOf(p, p.terms[i])!);
  if (terms.length === 1) return hitsOf(terms[0]);
  const all = hitsOf(terms[0]).slice();
  const and = p.req.join !== 'or';
  for (const t of terms.slice(1)) {
    const h = hitsOf(t);
    if (and) for (let s = 0; s < all.length; s++) all[s] &= h[s];
    else for (let s = 0; s < all.length; s++) all[s] |= h[s];
  }
  return all;
}

/** The conditions that narrow the result (by index), and whether the memory index answers them all. */
function memoryOnly(p: Prepared): number[] | null {
  const live = p.req.conditions.map((_, i) => i).filter((i) => !isMatchAll(p, i));
  if (!live.length || live.length < p.req.conditions.length || !live.every((i) => memoryOf(p, p.terms[i]))) return null;
  return live;
}

/**
 * The first `n` of the rows `ids`, in the request's order: ordered on the order's own index
 * table alone (the stored sort keys, or the base table for the default order) — about 1 µs a row,
 * where ordering them through the list's view reads each whole row (~3.5 µs) — then those read.
 */
function rowsOfIds(db: DB, p: Prepared, ids: readonly number[], n: number): Row[] {
  if (!ids.length) return [];
  const q = compileQuery(p.def, { ...p.req, conditions: [] });
  const walk = walkIndexOf(p, q);
  let page: readonly number[] = ids;
  if (walk) {
    const { key, id, dir, source } = walk;
    page = db
      .prepare(`SELECT ${id} FROM ${source} WHERE ${id} IN (SELECT value FROM json_each(?)) ORDER BY ${key} ${dir}, ${id} ${dir} LIMIT ?`)
      .pluck()
      .all(JSON.stringify(ids), n) as number[];
  } else if (q.keyTable) {
    // Several sort columns, or a derived order (days overdue): sorted on the keys alone.
    page = db
      .prepare(`SELECT "sid" FROM ${quoteIdent(q.keyTable)} WHERE "sid" IN (SELECT value FROM json_each(?)) ORDER BY ${q.orderBy} LIMIT ?`)
      .pluck()
      .all(JSON.stringify(ids), n) as number[];
  }
  const ordered = walk || q.keyTable;
  const inner = ordered ? '' : ` ORDER BY ${q.orderBy} LIMIT ?`;
  return db
    .prepare(
      `SELECT ${p.columns} FROM ${q.from} WHERE v."id" IN ` +
        `(SELECT v."id" FROM ${q.from} WHERE v."id" IN (SELECT value FROM json_each(?))${inner}) ORDER BY ${q.orderBy}`,
    )
    .all(JSON.stringify(page), ...(ordered ? [] : [n])) as Row[];
}

// Ordering a result by id on the order's own index table costs ~1.2 µs a row for a sort-key table
// and ~3.5 µs for the base table (a wider row); walking the order costs ~0.3 µs a row passed,
// ~R·n/C rows for C matches of R rows spread evenly (10⁶ orders, bench/search.ts). The walk is
// tried first when it should be cheaper and a sample of the matches says enough of them lie within
// MEMORY_WALK_FACTOR times that far; otherwise the ids are ordered.
const ID_ORDER_US = { sortTable: 1.2, base: 3.5 };
const WALK_ROW_US = 0.3;
const MEMORY_WALK_FACTOR = 4;
/** At most this many matches are ordered by id (~0.25 s at 1.2 µs each); more are found by walking. */
const MEMORY_IDS_MAX = 200_000;
/** Matches whose place in the order is read before a walk is tried. */
const SAMPLE_SIZE = 64;

/**
 * The first `n` rows when the memory index answers every text term: its matches are exact, so a
 * walk checks a row with one call (pim_memhit) and few matches are fetched by id, unchecked.
 */
function memoryFirstRows(db: DB, p: Prepared, n: number, plain: CompiledQuery): Row[] {
  const choose = orMemory(p, p.probe.forStream);
  const walk = walkOrder(p.def, p.req, plain);
  // The required term with the fewest matches (estimated from the values' row counts).
  let best: { term: TextTerm; m: MemoryTerm; estimate: number } | undefined;
  for (const term of requiredTerms(p)) {
    const m = memoryOf(p, term)!;
    const estimate = estimateOf(m);
    if (!best || estimate < best.estimate) best = { term, m, estimate };
  }
  const live = memoryOnly(p);
  if (live) {
    const index = memoryOf(p, p.terms[live[0]])!.match.index;
    // Many matches (by the values' row counts, an upper bound): the first rows are near the start of
    // any order, found by a short walk before the result is worked out.
    const estimates = live.map((i) => estimateOf(memoryOf(p, p.terms[i])!));
    const estimate = p.req.join === 'or' ? Math.min(index.rowCount, estimates.reduce((a, b) => a + b, 0)) : Math.min(...estimates);
    // Under AND each term is checked on the walked id before the row is read; under OR none alone decides.
    const required = p.req.join === 'or' && live.length > 1 ? [] : live.map((i) => memoryOf(p, p.terms[i])!.token);
    if (walk && estimate > 0 && (index.rowCount * n) / estimate <= index.plan.shortWalkRows) {
      const found = walkRows(db, p, choose, n, Math.ceil((MEMORY_WALK_FACTOR * index.rowCount * n) / estimate), null, required);
      if (found) return found;
    }
    // Every condition answered from memory: the result itself, counted, then ordered by id or walked.
    const result = memoryResult(p, live);
    const count = countHits(result);
    if (count === 0) return [];
    const rows = index.rowCount;
    const source = walk ? walkIndexOf(p, plain) : null;
    // The matches' slots, read once when a plan below needs them (8 MiB for 2M matches).
    let matched: Int32Array | undefined;
    const slots = () => (matched ??= index.matchedSlots(result, count));
    // The order held in memory (asked for when first wanted, read in the background): one pass
    // over the matches, then ~n rows ordered in SQL — a walk long enough to be worth a sample costs more.
    const order = source && count > index.plan.orderMinMatches ? index.order(orderSourceOf(p, plain, source)) : null;
    if (order) return rowsOfIds(db, p, index.firstIdsInOrder(order, slots(), n, source!.dir === 'DESC'), n);
    const idCost = count * (plain.sortTable ? ID_ORDER_US.sortTable : ID_ORDER_US.base);
    const walkCost = (WALK_ROW_US * rows * n) / count;
    const w = walkCost < idCost ? source : null;
    if (w) {
      const window = Math.ceil((MEMORY_WALK_FACTOR * n * rows) / count);
      const bound = windowBound(db, w, window);
      // Matches may gather far down the order (a customer's orders sorted by customer): a sample of
      // them tells how many lie within the window before it is walked.
      const sample = index.sampleIds(slots(), SAMPLE_SIZE);
      let inside = sample.length;
      if (bound) {
        const cmp = w.dir === 'DESC' ? '>=' : '<=';
        inside = db
          .prepare(`SELECT count(*) FROM ${w.source} WHERE ${w.id} IN (SELECT value FROM json_each(?)) AND (${w.key}, ${w.id}) ${cmp} (?, ?)`)
          .pluck()
          .get(JSON.stringify(sample), bound.k, bound.i) as number;
      }
      if ((inside / sample.length) * count >= 1.25 * n || !bound) {
        const found = walkRows(db, p, choose, n, { bound }, null, required);
        if (found) return found;
      }
    }
    // Ordering even many ids (~1.2 µs each) beats walking to matches gathered far down the order
    // (a remark shared by 61,347 fee lines, sorted by remarks: 1.75 s walked).
    if (count <= MEMORY_IDS_MAX) return rowsOfIds(db, p, index.idsOfSlots(slots()), n);
    if (walk) {
      const found = walkRows(db, p, choose, n, Infinity);
      if (found) return found;
    }
    // Many matches and no index for the order (long free text): every match is sorted. SQLite's
    // plans over the tables do that faster than a view scan asking the memory index row by row.
    return pageQuery(db, p, p.probe.forStream, n);
  }
  // Other conditions too: the fewest matches of a required term fetched by id, or a walk.
  const byTerm = (b: { term: TextTerm; m: MemoryTerm }): Row[] | null => {
    const hits = hitsOf(b.m);
    const count = countHits(hits);
    if (count > COUNT_FTS_MAX) return null;
    const ids = b.m.match.index.idsOfSlots(b.m.match.index.matchedSlots(hits, count));
    const key = termKey(b.term);
    return pageQuery(db, p, (t) => (termKey(t) === key ? { ids, exact: true } : choose(t)), n);
  };
  if (best && (best.estimate <= ROWS_SORT_MAX || (!walk && best.estimate <= COUNT_FTS_MAX))) {
    const rows = byTerm(best);
    if (rows) return rows;
  }
  if (walk) {
    const window = best ? Math.ceil((WALK_FACTOR * n * rowsEstimate(db, p.def)) / Math.max(1, best.estimate)) : WINDOW_ROWS;
    const found = walkRows(db, p, choose, n, window, null, best ? [best.m.token] : []);
    if (found) return found;
  }
  const rows = best ? byTerm(best) : null;
  if (rows) return rows;
  return pageQuery(db, p, p.probe.forStream, n);
}

function firstRows(db: DB, p: Prepared, n: number): Row[] {
  const plain = compileQuery(p.def, p.req);
  if (!plain.where) return pageQuery(db, p, p.probe.forStream, n);
  if (fewByIndex(db, p, plain)) return fewRows(db, p, plain, n);
  if (p.memory.size && p.terms.every((t) => !t || memoryOf(p, t))) return memoryFirstRows(db, p, n, plain);
  const walkable = walkOrder(p.def, p.req, plain) !== null;
  const lone = p.req.conditions.filter((_, i) => !isMatchAll(p, i)).length === 1;

  // The most selective indexed term every row must satisfy (its candidates from the trigram
  // index, or for 1–2 character pieces from the trigrams beginning with them).
  let best: { term: TextTerm; ids: number[] } | undefined;
  for (const term of requiredTerms(p)) {
    const ids = p.probe.candidateIds(term);
    if (ids && (!best || ids.length < best.ids.length)) best = { term, ids };
  }
  const candidates = (b: { term: TextTerm; ids: number[] }, probe: boolean): PlanChooser => {
    const key = termKey(b.term);
    return (t) => (termKey(t) === key ? { ids: b.ids, probe } : p.probe.forWalk(t));
  };
  // Few candidates (or no index for the order): check them all and sort the matches.
  if (best && (!walkable || best.ids.length <= ROWS_SORT_MAX)) return pageQuery(db, p, candidates(best, false), n);
  if (walkable) {
    // Walk the list in order: far enough to meet `n` candidates several times over, or, without
    // candidates (a common pattern), WINDOW_ROWS rows.
    const window = best ? Math.ceil((WALK_FACTOR * n * rowsEstimate(db, p.def)) / Math.max(1, best.ids.length)) : WINDOW_ROWS;
    const found = walkRows(db, p, best ? candidates(best, true) : p.probe.forWalk, n, window, best?.ids ?? null);
    if (found) return found;
  }
  if (best) return pageQuery(db, p, candidates(best, false), n);
  // No candidates: one pass over the narrow tables for a lone term, else SQLite's own plan over
  // the folded fields (other conditions may have indexes of their own).
  return pageQuery(db, p, lone ? p.probe.forRare : p.probe.forStream, n);
}

/** The number of rows matching text terms that the memory index answers, under AND or OR. */
function memoryCount(p: Prepared, live: readonly number[]): number {
  const only = memoryOf(p, p.terms[live[0]])!;
  // One field: the matching values' row counts are the answer.
  if (live.length === 1 && only.match.fields.length === 1) return estimateOf(only);
  return countHits(memoryResult(p, live));
}

function countRows(db: DB, p: Prepared): number {
  const live = p.req.conditions.map((_, i) => i).filter((i) => !isMatchAll(p, i));
  const matchesAll = p.req.join === 'or' && live.length < p.req.conditions.length;
  // No condition narrows the list: its view has one row per row of its base table, whose count
  // SQLite reads from the smallest index (< 1 ms where the view's rows took 60–340 ms).
  const base = listIndexOf(p.def)?.table;
  if (base && (live.length === 0 || matchesAll)) return db.prepare(`SELECT count(*) FROM ${quoteIdent(base)}`).pluck().get() as number;
  if (p.memory.size && live.every((i) => memoryOf(p, p.terms[i]))) return memoryCount(p, live);
  const only = live.length === 1 && !matchesAll ? p.terms[live[0]] : null;
  if (only?.covered) {
    const ids = p.probe.candidateIds(only);
    const index = only.index!;
    if (ids) {
      // Few candidates: each checked on the folded fields.
      const count = indexCountSql(only, 'fields')!;
      return db
        .prepare(`SELECT count(*) FROM ${count.table} WHERE x.id IN (SELECT value FROM json_each(?)) AND ${count.where}`)
        .pluck()
        .get(JSON.stringify(ids), ...count.params) as number;
    }
    // A quick search for one piece of 1–3 characters: its rows are exactly those of some
    // trigrams, counted from the FTS5 index.
    const exact = p.probe.exactFtsCount(only);
    if (exact !== null) return exact;
    // One text condition alone, too common for the index: one pass over a narrow table.
    const plan = p.probe.forRare(only);
    const count = plan === 'text' || plan === 'fields' ? indexCountSql(only, plan) : null;
    if (count && plan === 'fields' && only.canText && p.probe.textShare(only) <= TEXT_PREFILTER_MAX_SHARE) {
      // Several pieces, rare enough: the joined text picks the rows to check field by field.
      const textParams: unknown[] = [];
      const textMatch = foldedMatchSql('text', only.pattern, textParams);
      return db
        .prepare(`SELECT count(*) FROM ${count.table} WHERE x.id IN (SELECT id FROM "${index.textTable}" WHERE ${textMatch}) AND ${count.where}`)
        .pluck()
        .get(...textParams, ...count.params) as number;
    }
    if (count) return db.prepare(`SELECT count(*) FROM ${count.table} WHERE ${count.where}`).pluck().get(...count.params) as number;
  }
  const q = compileQuery(p.def, p.req, orMemory(p, p.probe.forStream));
  // count(*) over the view keeps its lookup joins; a subquery that only selects "id", kept apart
  // by LIMIT -1, lets SQLite drop them.
  return db
    .prepare(`SELECT count(*) FROM (SELECT v."id" FROM "${p.def.view}" AS v ${whereOf(q)} LIMIT -1)`)
    .pluck()
    .get(...q.params) as number;
}

function invalid(path: string, message: string): never {
  throw new ServiceError('INVALID_PARAMS', message, { issues: [{ path, message }] });
}

/** Exact sums: integers stay integers; a fractional column (hours) is rounded to what it stores. */
function exactSum(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : Math.round(n * 1e6) / 1e6;
}

/**
 * Every group of the deepest level (one per distinct combination of the groupBy values; empty
 * text and NULL are one value), counted and summed over the whole result, in the order of the
 * sort keys (a group field sorts the way the request sorts it, ascending otherwise). At most
 * MAX_GROUPS; `capped` when there are more.
 */
function groupCounts(db: DB, p: Prepared): { groups: GroupCount[]; capped: boolean } {
  const { def, req } = p;
  const cols = req.groupBy.map((f, i) => {
    const col = def.columns.find((c) => c.field === f);
    if (!col) invalid(`groupBy.${i}`, `Unknown field "${f}" for ${def.id}.`);
    return col;
  });
  if (new Set(req.groupBy).size !== req.groupBy.length) invalid('groupBy', 'A field can group only once.');
  const summable = def.columns.filter((c) => c.summable && (c.type === 'money' || c.type === 'number'));
  const q = compileQuery(def, req, orMemory(p, p.probe.forStream));
  const keys = cols.map((c) => `nullif(v.${quoteIdent(c.field)}, '')`);
  const order = cols.map((c: ColumnDef, i) => {
    const dir = req.sort.find((s) => s.field === c.field)?.dir === 'desc' ? 'DESC' : 'ASC';
    return `${orderKeySql(c, `g${i}`)} ${dir}, g${i} ${dir}`;
  });
  const sql =
    `SELECT ${keys.map((k, i) => `${k} AS g${i}`).join(', ')}, count(*) AS n` +
    summable.map((c, i) => `, sum(v.${quoteIdent(c.field)}) AS s${i}`).join('') +
    ` FROM "${def.view}" AS v ${whereOf(q)} GROUP BY ${keys.map((_, i) => `g${i}`).join(', ')} ORDER BY ${order.join(', ')} LIMIT ?`;
  const rows = db.prepare(sql).all(...q.params, MAX_GROUPS + 1) as Record<string, string | number | null>[];
  const capped = rows.length > MAX_GROUPS;
  if (capped) rows.length = MAX_GROUPS;
  return {
    capped,
    groups: rows.map((r) => ({
      values: cols.map((_, i) => r[`g${i}`] ?? null),
      count: r.n as number,
      sums: Object.fromEntries(summable.map((c, i) => [c.field, exactSum(r[`s${i}`])])),
    })),
  };
}

/** The first `limit` rows and whether more match, without the total (for the benchmark). */
export function firstModuleRows(db: DB, def: ModuleDef, request: QueryRequest): { rows: Row[]; capped: boolean } {
  return withPrepared(db, def, request, (p) => {
    const rows = firstRows(db, p, p.req.limit + 1);
    const capped = rows.length > p.req.limit;
    if (capped) rows.length = p.req.limit;
    return { rows, capped };
  });
}

/**
 * Runs a module's list query: at most `limit` rows in the requested order, plus the exact
 * number of matching rows so the client can say "200 of N shown", and with `groupBy` the
 * groups of the whole result with their counts and sums.
 */
export function runModuleQuery(db: DB, def: ModuleDef, request: QueryRequest): QueryResult {
  return withPrepared(db, def, request, (p) => {
    // One row more than the cap tells whether it is capped; the count is only needed then.
    const rows = firstRows(db, p, p.req.limit + 1);
    const capped = rows.length > p.req.limit;
    if (capped) rows.length = p.req.limit;
    const total = capped ? countRows(db, p) : rows.length;
    if (!p.req.groupBy.length) return { rows, total, capped };
    const { groups, capped: groupsCapped } = groupCounts(db, p);
    return { rows, total, capped, groups, groupsCapped };
  });
}

/** The groups of a request over its whole result (its limit is ignored). */
export function groupModuleRows(db: DB, def: ModuleDef, request: QueryRequest): { groups: GroupCount[]; capped: boolean } {
  return withPrepared(db, def, request, (p) => groupCounts(db, p));
}

/** The exact number of rows matching the request (its limit is ignored). */
export function countModuleRows(db: DB, def: ModuleDef, request: QueryRequest): number {
  return withPrepared(db, def, request, (p) => countRows(db, p));
}

/**
 * Every row matching the request, in its order, without the cap: for "export all", which
 * streams them out one at a time instead of holding them.
 */
export function iterateModuleRows(db: DB, def: ModuleDef, request: QueryRequest): IterableIterator<Row> {
  // Not from memory: the rows stream out over many turns of the event loop, while the index moves on.
  const p = prepare(db, def, request, false);
  const q = compileQuery(def, p.req, p.probe.forStream);
  return db.prepare(`SELECT ${p.columns} FROM ${q.from} ${whereOf(q)} ORDER BY ${q.orderBy}`).iterate(...q.params) as IterableIterator<Row>;
}
