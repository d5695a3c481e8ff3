import type { DB } from '../open.js';
import { compileQuery } from '../query-compiler.js';
import type { ModuleDef } from '../../shared/modules/types.js';
import { queryRequestSchema, type QueryRequest, type QueryResult, type Row } from '../../shared/query.js';

/**
 * Runs a module's list query: at most `limit` rows in the requested order, plus the exact
 * number of matching rows so the client can say "200 of N shown".
 */
export function runModuleQuery(db: DB, def: ModuleDef, request: QueryRequest): QueryResult {
  if (!def.view) throw new Error(`Module ${def.id} has no list view.`);
  const req = queryRequestSchema.parse(request);
  const q = compileQuery(def, req);
  const where = q.where ? `WHERE ${q.where}` : '';
  const view = `"${def.view}"`;
  const columns = ['id', ...def.columns.map((c) => c.field)].map((f) => `"${f}"`).join(', ');
  // One row more than the cap tells whether it is capped; the count is only needed then.
  const rows = db
    .prepare(`SELECT ${columns} FROM ${view} ${where} ORDER BY ${q.orderBy} LIMIT ?`)
    .all(...q.params, req.limit + 1) as Row[];
  const capped = rows.length > req.limit;
  if (capped) rows.length = req.limit;
  const total = capped
    ? (db.prepare(`SELECT count(*) AS n FROM ${view} ${where}`).get(...q.params) as { n: number }).n
    : rows.length;
  return { rows, total, capped };
}
