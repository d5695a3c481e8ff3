import type { MethodName, ResultOf } from '../../../shared/contract.js';
import { isMethodName } from '../../../shared/contract.js';
import { ServiceError } from '../../../shared/errors.js';
import type { ModuleDef } from '../../../shared/modules/types.js';
import { ANY_FIELD, DEFAULT_ROW_CAP, type Condition, type QueryRequest, type QueryResult } from '../../../shared/query.js';
import type { ListLayout } from '../../../shared/grid/layout.js';
import type { ApiClient } from '../api/client.js';
import { requestSort } from '../grid/list-lines.js';

/** Contract methods that answer a module query. */
export type QueryMethodName = { [M in MethodName]: ResultOf<M> extends QueryResult ? M : never }[MethodName];

/** The quick-search request: one `*` pattern across the module's anyFields; empty lists all. */
export function quickQuery(pattern: string): QueryRequest {
  const value = pattern.trim();
  return {
    conditions: value ? [{ field: ANY_FIELD, op: 'contains', value }] : [],
    join: 'and',
    sort: [],
    limit: DEFAULT_ROW_CAP,
  };
}

export async function runModuleQuery(client: ApiClient, module: ModuleDef, request: QueryRequest): Promise<QueryResult> {
  const method = module.queryMethod;
  if (!method || !isMethodName(method)) throw new ServiceError('UNKNOWN_METHOD', `Module ${module.id} has no query method.`);
  return client.call(method as QueryMethodName, request);
}

/**
 * The request a list sends for a query: the conditions, in the layout's order (the group fields
 * first, so that the first rows fill the first groups), and the group fields to count. The server
 * sorts the whole result; the grid shows its rows in that order.
 */
export function listRequest(base: QueryRequest, layout: Pick<ListLayout, 'sort' | 'groupBy'>): QueryRequest {
  return { ...base, sort: requestSort(layout.sort, layout.groupBy), groupBy: [...layout.groupBy] };
}

/** The conditions a request may carry (shared/query.ts). */
const MAX_CONDITIONS = 20;

/**
 * The query that fetches one group's rows: the request's conditions AND the group's, or null when
 * that cannot be said in one request (conditions joined by OR, too many conditions).
 */
export function groupRequest(request: QueryRequest, group: Condition[]): QueryRequest | null {
  const conditions = request.conditions ?? [];
  if (request.join === 'or' && conditions.length > 1) return null;
  if (conditions.length + group.length > MAX_CONDITIONS) return null;
  return { ...request, conditions: [...conditions, ...group], join: 'and', groupBy: [], limit: request.limit ?? DEFAULT_ROW_CAP };
}
