import type { Migration } from './index.js';
import { dropSortSql, listSortSql } from '../search/index-sql.js';
import { listIndexes, SORT_DEPENDENT_TABLES } from '../search/indexes.js';

// Sorted by any column, the first 200 rows come from walking an index (issue 9). Every list's
// stored sort keys are rebuilt:
// - whole keys (pim_sortkey: pinyin, then the folded text) where migration 009 stored the
//   primary part and ordered equal ones by the folded text at query time — which sorted a whole
//   run of equal keys (every order of one task type) for 200 rows;
// - the big lists (orders, service content, fees, materials, issue and return lines, the stock
//   ledger) get a key for every column they can be sorted by: text as above, enums by their
//   position, numbers and dates by value, empty first — except their default order (the base
//   table's own index), long free text and values kept by no trigger (see db/search/indexes.ts).
// The keys are written by triggers, as in migration 009 (pim_sortkey: see db/open.ts).
const REBUILT = Object.values(listIndexes).filter((spec) => spec.sort);

export const sortKeys: Migration = {
  version: 11,
  name: 'sort_keys',
  sql: REBUILT.map((spec) => dropSortSql(spec, SORT_DEPENDENT_TABLES) + listSortSql(spec)).join('\n'),
};
