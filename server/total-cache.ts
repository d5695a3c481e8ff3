import type { DB } from '../db/open.js';
import { firstModuleRows, runModuleQuery } from '../db/services/query.js';
import {
  contentModule,
  contractLookup,
  dispatchModule,
  feesModule,
  issueModule,
  ledgerList,
  materialsModule,
  owedModule,
  partsList,
  returnModule,
  stockList,
  type ModuleDef,
} from '../shared/modules/index.js';
import type { MethodName } from '../shared/contract.js';
import type { QueryRequest, QueryResult } from '../shared/query.js';

/** The list queries whose exact totals are kept, by the list they query. */
export const totalCachedLists: { readonly [M in MethodName]?: ModuleDef } = {
  'dispatch.query': dispatchModule,
  'content.query': contentModule,
  'fees.query': feesModule,
  'contracts.query': contractLookup,
  'parts.query': partsList,
  'stock.query': stockList,
  'ledger.query': ledgerList,
  'issues.query': issueModule,
  'returns.query': returnModule,
  'materials.query': materialsModule,
  'owed.query': owedModule,
};

/**
 * Views may read the clock (owed parts: overdue as of the business day), so totals are also
 * forgotten every quarter of an hour: every UTC offset in use is a multiple of 15 minutes, so a
 * business day never changes inside one bucket.
 */
const TIME_BUCKET_MS = 15 * 60_000;

export interface TotalCacheOptions {
  /** Entries kept at most; the oldest goes first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Exact totals of list queries, kept while nothing was committed to the database: keyed by the
 * connection's `PRAGMA data_version`, which changes whenever another connection — this server's
 * writer or any other process — commits. Counting a large list is the slow part of a query
 * (tens to hundreds of ms); the first rows are cheap. A read-only connection never commits
 * itself, so on it every write anywhere shows.
 *
 * Call `begin()` inside the read transaction the query runs in: the version is then read from
 * the same snapshot as the rows and the count, so a total is never filed under a version it does
 * not belong to.
 */
export class TotalCache {
  private readonly totals = new Map<string, number>();
  private version = -1;
  private bucket = -1;
  private readonly maxEntries: number;
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(
    private readonly db: DB,
    options: TotalCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.now = options.now ?? (() => Date.now());
  }

  /** Reads the data version (taking the read snapshot when inside BEGIN) and forgets stale totals. */
  begin(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    const bucket = Math.floor(this.now() / TIME_BUCKET_MS);
    if (version !== this.version || bucket !== this.bucket) {
      this.totals.clear();
      this.version = version;
      this.bucket = bucket;
    }
  }

  /** The total kept under `key` for the current version, if any. */
  known(key: string): number | undefined {
    const total = this.totals.get(key);
    if (total === undefined) this.misses++;
    else this.hits++;
    return total;
  }

  /** Keeps a total counted in the current version's snapshot (not when the clock moved past its bucket). */
  keep(key: string, total: number): void {
    if (Math.floor(this.now() / TIME_BUCKET_MS) !== this.bucket) return;
    if (this.totals.size >= this.maxEntries) this.totals.delete(this.totals.keys().next().value!);
    this.totals.set(key, total);
  }

  get size(): number {
    return this.totals.size;
  }
}

/** What the total of a request depends on: the list and its conditions (not sort, not limit). */
export function totalKey(list: string, request: { conditions?: unknown; join?: unknown }): string {
  return `${list}\n${request.join ?? 'and'}\n${JSON.stringify(request.conditions ?? [])}`;
}

/**
 * A module's list query answered as `runModuleQuery` answers it — the first `limit` rows, the
 * exact total, whether capped — with the total from the cache while nothing changed: a known
 * total costs only the first rows; otherwise runModuleQuery runs as it is (rows and count share
 * its search probe) and its total is kept. Requests with groups (whose counts per group come with
 * the query) always run as they are.
 */
export function cachedModuleQuery(db: DB, def: ModuleDef, cache: TotalCache, request: QueryRequest): QueryResult {
  const groupBy = (request as { groupBy?: unknown[] }).groupBy;
  if (Array.isArray(groupBy) && groupBy.length > 0) return runModuleQuery(db, def, request);
  const key = totalKey(def.id, request);
  const known = cache.known(key);
  if (known !== undefined) {
    const { rows, capped } = firstModuleRows(db, def, request);
    // Not capped: the rows are all of them, and their number is the total (as runModuleQuery says).
    return { rows, total: capped ? known : rows.length, capped };
  }
  const result = runModuleQuery(db, def, request);
  if (result.capped) cache.keep(key, result.total);
  return result;
}
