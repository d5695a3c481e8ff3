import type { Migration } from './index.js';
import { dropSortSql, listSortSql } from '../search/index-sql.js';
import { listIndexes, SORT_DEPENDENT_TABLES } from '../search/indexes.js';

// Sorted by long free text (an order's 故障描述, a content line's 现场检查情况 and 处理过程, a fee's
// 备注, a return's 故障描述), the first 200 rows come from an index too (issue 9): the stored sort
// keys of those lists are rebuilt with a key for those columns (db/search/indexes.ts), as
// migration 011 built them; their triggers now watch those columns.
const REBUILT = [listIndexes.dispatch, listIndexes.content, listIndexes.fees, listIndexes.return];

export const freeTextSortKeys: Migration = {
  version: 13,
  name: 'free_text_sort_keys',
  sql: REBUILT.map((spec) => dropSortSql(spec, SORT_DEPENDENT_TABLES) + listSortSql(spec)).join('\n'),
};
