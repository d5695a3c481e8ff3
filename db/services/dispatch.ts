import type { DB } from '../open.js';
import { runModuleQuery } from './query.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import type { QueryRequest, QueryResult } from '../../shared/query.js';

// 售服派工单: the list query now; create, modify, status and delete come with their issue.
export function queryDispatch(db: DB, request: QueryRequest): QueryResult {
  return runModuleQuery(db, dispatchModule, request);
}
