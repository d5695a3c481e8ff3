import type { DB } from '../open.js';
import { compileQuery } from '../query-compiler.js';
import type { ModuleDef } from '../../shared/modules/types.js';
import { queryRequestSchema, type QueryRequest, type QueryResult, type Row } from '../../shared/query.js';

function listSql(def: ModuleDef, request: QueryRequest) {
  if (!def.view) throw new Error(`Module ${def.id} has no list view.`);
  const req = queryRequestSchema.parse(request);
  const q = compileQuery(def, req);
  const where = q.where ? `WHERE ${q.where}` : '';
  const view = `"${def.view}"`;
  const columns = ['id', ...def.columns.map((c) => c.field)].map((f) => `"${f}"`).join(', ');
  return { req, q, where, view, columns };
}

/**
 * Runs a module's list query: at most `limit` rows in the requested order, plus the exact
 * number of matching rows so the client can say "200 of N shown".
 */
export function runModuleQuery(db: DB, def: ModuleDef, request: QueryRequest): QueryResult {
  const { req, q, where, view, columns } = listSql(def, request);
  // One row more than the cap tells whether it is capped; the count is only needed then.
  const rows = db
    .prepare(`SELECT ${columns} FROM ${view} ${where} ORDER BY ${q.orderBy} LIMIT ?`)
    .all(...q.params, req.limit + 1) as Row[];
  const capped = rows.length > req.limit;
  if (capped) rows.length = req.limit;
  const total = capped ? countModuleRows(db, def, request) : rows.length;
  return { rows, total, capped };
}

/** The exact number of rows matching the request (its limit is ignored). */
export function countModuleRows(db: DB, def: ModuleDef, request: QueryRequest): number {
  const { q, where, view } = listSql(def, request);
  return (db.prepare(`SELECT count(*) AS n FROM ${view} ${where}`).get(...q.params) as { n: number }).n;
}

/**
 * Every row matching the request, in its order, without the cap: for "export all", which
 * streams them out one at a time instead of holding them.
 */
export function iterateModuleRows(db: DB, def: ModuleDef, request: QueryRequest): IterableIterator<Row> {
  const { q, where, view, columns } = listSql(def, request);
  return db.prepare(`SELECT ${columns} FROM ${view} ${where} ORDER BY ${q.orderBy}`).iterate(...q.params) as IterableIterator<Row>;
}
