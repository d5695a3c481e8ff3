import type { DB } from '../open.js';
import { compileQuery, indexCountSql, textTerms, type CompiledQuery, type PlanChooser, type TextTerm } from '../query-compiler.js';
import { ROWS_SORT_MAX, SearchProbe, TEXT_PREFILTER_MAX_SHARE, WALK_FACTOR, WINDOW_ROWS } from '../search/planner.js';
import type { ModuleDef } from '../../shared/modules/types.js';
import {
  ANY_FIELD,
  queryRequestSchema,
  type ParsedQueryRequest,
  type QueryRequest,
  type QueryResult,
  type Row,
} from '../../shared/query.js';

// Every plan below returns exactly the rows of the plain LIKE scan: the index plans only narrow
// the candidates in front of that same check, or run it on a narrow copy of the fields. They
// differ in speed only; see db/search/planner.ts for the costs behind the choices.

interface Prepared {
  req: ParsedQueryRequest;
  view: string;
  columns: string;
  terms: (TextTerm | null)[];
  probe: SearchProbe;
}

function prepare(db: DB, def: ModuleDef, request: QueryRequest): Prepared {
  if (!def.view) throw new Error(`Module ${def.id} has no list view.`);
  const req = queryRequestSchema.parse(request);
  const terms = textTerms(def, req);
  const view = `"${def.view}"`;
  const columns = ['id', ...def.columns.map((c) => c.field)].map((f) => `"${f}"`).join(', ');
  return { req, view, columns, terms, probe: new SearchProbe(db) };
}

const whereOf = (q: CompiledQuery) => (q.where ? `WHERE ${q.where}` : '');
// The compiler builds its own term objects: a chosen term is recognised by what it matches.
const termKey = (t: TextTerm) => `${t.fields.join(',')}\n${t.pattern.like}`;

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
 * The list opens in the module's default sort, which has an index (dispatch: created_at), so
 * the first rows in that order can be walked cheaply.
 */
function isIndexedSort(def: ModuleDef, req: ParsedQueryRequest): boolean {
  const sort = req.sort.length ? req.sort : def.defaultSort;
  return (
    sort.length === def.defaultSort.length &&
    sort.every((s, i) => s.field === def.defaultSort[i].field && s.dir === def.defaultSort[i].dir)
  );
}

/** The first `n` rows: ids sorted first, whole rows (with the view's joins) for those only. */
function pageQuery(db: DB, p: Prepared, def: ModuleDef, choose: PlanChooser | undefined, n: number): Row[] {
  const q = compileQuery(def, p.req, choose);
  if (!q.where) {
    return db.prepare(`SELECT ${p.columns} FROM ${p.view} ORDER BY ${q.orderBy} LIMIT ?`).all(n) as Row[];
  }
  return db
    .prepare(
      `SELECT ${p.columns} FROM ${p.view} WHERE "id" IN ` +
        `(SELECT "id" FROM ${p.view} ${whereOf(q)} ORDER BY ${q.orderBy} LIMIT ?) ORDER BY ${q.orderBy}`,
    )
    .all(...q.params, n) as Row[];
}

/**
 * The first `n` rows of a term with many candidates: walk the first rows of the list in order
 * (index only), keep the candidates among them and check only those. If `n` match, they are
 * the first `n` of all; null when the walk was too short.
 */
function candidateWalk(db: DB, def: ModuleDef, p: Prepared, term: TextTerm, ids: number[], n: number): Row[] | null {
  // Ids are not dense after deletes; an overestimate only makes the walk longer.
  const rowsEstimate = (db.prepare(`SELECT max(id) FROM "${term.index!.textTable}"`).pluck().get() as number | null) ?? 0;
  const walk = Math.ceil((WALK_FACTOR * n * rowsEstimate) / ids.length);
  if (walk >= rowsEstimate) return null;
  // Within the walk every condition, this term included, is checked plainly.
  const q = compileQuery(def, p.req);
  const rows = db
    .prepare(
      `SELECT ${p.columns} FROM ${p.view} WHERE "id" IN (SELECT w."id" FROM ` +
        `(SELECT "id" FROM ${p.view} ORDER BY ${q.orderBy} LIMIT ?) AS w WHERE w."id" IN (SELECT value FROM json_each(?))) ` +
        `AND ${q.where} ORDER BY ${q.orderBy} LIMIT ?`,
    )
    .all(walk, JSON.stringify(ids), ...q.params, n) as Row[];
  return rows.length >= n ? rows : null;
}

function firstRows(db: DB, def: ModuleDef, p: Prepared, n: number): Row[] {
  const indexedSort = isIndexedSort(def, p.req);
  // The most selective indexed term every row must satisfy.
  let best: { term: TextTerm; ids: number[] } | undefined;
  for (const term of requiredTerms(p)) {
    const ids = p.probe.candidateIds(term);
    if (ids && (!best || ids.length < best.ids.length)) best = { term, ids };
  }
  if (best) {
    const { term, ids } = best;
    if (indexedSort && ids.length > ROWS_SORT_MAX) {
      const rows = candidateWalk(db, def, p, term, ids, n);
      if (rows) return rows;
    }
    // Few candidates (or no index for the sort): check them all and sort the matches.
    const key = termKey(term);
    return pageQuery(db, p, def, (t) => (termKey(t) === key ? { ids } : 'scan'), n);
  }

  // Another sort has no index to walk: every match is sorted whatever the plan, and a scan in
  // one pass is the safe choice for a pattern that may be common. With other conditions,
  // SQLite's own plan may use their indexes (status = pending: 25 ms, where the narrow tables
  // would first find every 华信 row).
  const plain = compileQuery(def, p.req);
  const live = p.req.conditions.filter((_, i) => !isMatchAll(p, i));
  const loneTerm = live.length === 1 && p.terms[p.req.conditions.indexOf(live[0])] !== null;
  if (!plain.where || !indexedSort || !loneTerm) return pageQuery(db, p, def, p.probe.forStream, n);
  // A common pattern (or one too short for trigrams): the first rows in list order are likely
  // to fill the page. If `n` matches are among the first WINDOW_ROWS rows, they are the first
  // `n` of all; otherwise the pattern is rare there, and the narrow tables find its rows.
  const rows = db
    .prepare(
      `SELECT ${p.columns} FROM (SELECT ${p.columns} FROM ${p.view} ORDER BY ${plain.orderBy} LIMIT ?) ` +
        `${whereOf(plain)} ORDER BY ${plain.orderBy} LIMIT ?`,
    )
    .all(WINDOW_ROWS, ...plain.params, n) as Row[];
  if (rows.length >= n) return rows;
  return pageQuery(db, p, def, p.probe.forRare, n);
}

function countRows(db: DB, def: ModuleDef, p: Prepared): number {
  const live = p.req.conditions.map((_, i) => i).filter((i) => !isMatchAll(p, i));
  const matchesAll = p.req.join === 'or' && live.length < p.req.conditions.length;
  const only = live.length === 1 && !matchesAll ? p.terms[live[0]] : null;
  // One text condition alone (the quick search, or one column), too common for the trigram
  // index: one pass over a narrow table of the search index.
  if (only && !p.probe.candidateIds(only)) {
    const plan = p.probe.forRare(only);
    const count = plan === 'text' || plan === 'fields' ? indexCountSql(only, plan) : null;
    if (count && plan === 'fields' && only.canText && p.probe.textShare(only) <= TEXT_PREFILTER_MAX_SHARE) {
      // Several pieces, rare enough: the joined text picks the rows to check field by field.
      return db
        .prepare(
          `SELECT count(*) FROM ${count.table} WHERE id IN ` +
            `(SELECT id FROM "${only.index!.textTable}" WHERE text LIKE ? ESCAPE '\\') AND ${count.where}`,
        )
        .pluck()
        .get(only.pattern.like, ...count.params) as number;
    }
    if (count) return db.prepare(`SELECT count(*) FROM ${count.table} WHERE ${count.where}`).pluck().get(...count.params) as number;
  }
  const q = compileQuery(def, p.req, p.probe.forStream);
  // count(*) over the view keeps its lookup joins (~110 ms per 10⁶ rows); a subquery that only
  // selects "id", kept apart by LIMIT -1, lets SQLite drop them.
  return db
    .prepare(`SELECT count(*) FROM (SELECT "id" FROM ${p.view} ${whereOf(q)} LIMIT -1)`)
    .pluck()
    .get(...q.params) as number;
}

/** The first `limit` rows and whether more match, without the total (for the benchmark). */
export function firstModuleRows(db: DB, def: ModuleDef, request: QueryRequest): { rows: Row[]; capped: boolean } {
  const p = prepare(db, def, request);
  const rows = firstRows(db, def, p, p.req.limit + 1);
  const capped = rows.length > p.req.limit;
  if (capped) rows.length = p.req.limit;
  return { rows, capped };
}

/**
 * Runs a module's list query: at most `limit` rows in the requested order, plus the exact
 * number of matching rows so the client can say "200 of N shown".
 */
export function runModuleQuery(db: DB, def: ModuleDef, request: QueryRequest): QueryResult {
  const p = prepare(db, def, request);
  // One row more than the cap tells whether it is capped; the count is only needed then.
  const rows = firstRows(db, def, p, p.req.limit + 1);
  const capped = rows.length > p.req.limit;
  if (capped) rows.length = p.req.limit;
  const total = capped ? countRows(db, def, p) : rows.length;
  return { rows, total, capped };
}

/** The exact number of rows matching the request (its limit is ignored). */
export function countModuleRows(db: DB, def: ModuleDef, request: QueryRequest): number {
  return countRows(db, def, prepare(db, def, request));
}

/**
 * Every row matching the request, in its order, without the cap: for "export all", which
 * streams them out one at a time instead of holding them.
 */
export function iterateModuleRows(db: DB, def: ModuleDef, request: QueryRequest): IterableIterator<Row> {
  const p = prepare(db, def, request);
  const q = compileQuery(def, p.req, p.probe.forStream);
  return db
    .prepare(`SELECT ${p.columns} FROM ${p.view} ${whereOf(q)} ORDER BY ${q.orderBy}`)
    .iterate(...q.params) as IterableIterator<Row>;
}
