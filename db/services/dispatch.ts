import type { DB } from '../open.js';
import { runModuleQuery } from './query.js';
import { contentModule } from '../../shared/modules/content.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import { feesModule } from '../../shared/modules/fees.js';
import { contractLookup } from '../../shared/modules/lookups.js';
import type { QueryRequest, QueryResult } from '../../shared/query.js';

// The list queries of the clerk's work: the same query shapes, over each list's view.
// Writes are in orders.ts.
export function queryDispatch(db: DB, request: QueryRequest): QueryResult {
  return runModuleQuery(db, dispatchModule, request);
}

export function queryContent(db: DB, request: QueryRequest): QueryResult {
  return runModuleQuery(db, contentModule, request);
}

export function queryFees(db: DB, request: QueryRequest): QueryResult {
  return runModuleQuery(db, feesModule, request);
}

export function queryContracts(db: DB, request: QueryRequest): QueryResult {
  return runModuleQuery(db, contractLookup, request);
}
