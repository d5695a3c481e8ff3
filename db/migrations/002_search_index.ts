import type { Migration } from './index.js';
import { searchIndexSql } from '../search/index-sql.js';
import { listIndexes } from '../search/indexes.js';

// Search index for `contains` on the dispatch quick-search fields (db/search/indexes.ts).
//
// dispatch_search_fts: FTS5 trigram index, contentless (the query side only needs rowids).
// detail=none keeps it small (~70 MB per 10⁶ orders) and fast to build: the query side ANDs
// single trigrams, which gives a superset of the matching rows that is then checked exactly, so
// positions are not needed. Case folding (case_sensitive 0) only widens that superset.
// contentless_delete lets a row's entries be removed by rowid alone, and removing them twice
// is harmless, which the REPLACE handling below relies on.
//
// dispatch_search_text: the same five fields joined by U+001F in one narrow row. A LIKE over
// this column counts 10⁶ orders in about a third of the time of the five-column OR over the
// wide order rows; for a pattern without `*` it is exact, since the piece cannot span the
// separator (patterns containing U+001F are not sent here).
//
// dispatch_search_fields: the five fields as columns of a narrow row, for what the joined text
// cannot answer exactly: one field (customer contains 有限公司 counts in ~100 ms here against
// ~200 ms over the order rows), or a pattern with several pieces.
//
// Counts are taken from these two tables directly, so each must hold exactly one row per order.
//
// The SQL is db/search/index-sql.ts, which builds the same index for the other lists.
export const searchIndex: Migration = {
  version: 2,
  name: 'search_index',
  sql: searchIndexSql('dispatch_orders', listIndexes.dispatch.index, [['order_no']]),
};
