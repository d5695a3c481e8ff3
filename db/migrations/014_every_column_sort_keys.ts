import type { Migration } from './index.js';
import { dropSortSql, listSortSql } from '../search/index-sql.js';
import { listIndexes, SORT_DEPENDENT_TABLES } from '../search/indexes.js';

// Every column of every list sorted from an index (issue 9): the lists whose columns were still
// keyed at query time get their sort-key tables rebuilt (db/search/indexes.ts):
// - an issue's and a return's 红冲单号 (re-keyed when the reversing document is posted),
// - a plan line's owed quantity (re-keyed by every change of its owed records),
// - the owed list's every column (days overdue and overdue are ordered from the status and
//   promised date keys at query time: they change with the date),
// - the contracts' address, dates (the default order had no index),
// - the stock and parts lists (new: their default order is a text column).
const REBUILT = [listIndexes.contracts, listIndexes.materials, listIndexes.issue, listIndexes.return, listIndexes.owed, listIndexes.stock, listIndexes.parts];

export const everyColumnSortKeys: Migration = {
  version: 14,
  name: 'every_column_sort_keys',
  sql: REBUILT.map((spec) => dropSortSql(spec, SORT_DEPENDENT_TABLES) + listSortSql(spec)).join('\n'),
};
