import type { MethodName, ResultOf } from '../../../shared/contract.js';
import { isMethodName } from '../../../shared/contract.js';
import { ServiceError } from '../../../shared/errors.js';
import type { ModuleDef } from '../../../shared/modules/types.js';
import { ANY_FIELD, DEFAULT_ROW_CAP, type QueryRequest, type QueryResult } from '../../../shared/query.js';
import type { ApiClient } from '../api/client.js';

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
