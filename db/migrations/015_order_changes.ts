import type { Migration } from './index.js';
import { listIndexes } from '../search/indexes.js';
import { changeLogSql } from '../search/change-log.js';
import { moduleById } from '../../shared/modules/index.js';
import type { ListId } from '../../shared/modules/types.js';

// Which rows of each list moved in its orders, in commit order (issue 9): a reader that holds a
// list's order in memory (db/search/memory-order.ts) takes the rows logged since it read the
// order as out of place, and orders those few from their stored keys.
//
// A row moves when its stored sort keys are written (the sort-key triggers delete and insert the
// row, so its insert is logged: tbl = the sort table) or when the column of the list's default
// order changes (an index on the base table: created_at, work_date, posted_at …; logged only
// when the value changes). A new row's sort keys are inserted with it; a deleted row leaves the
// fields table, whose log (search_changes, migration 012) the reader already follows.
//
// A log of its own, pruned like search_changes: renaming a region re-keys every line of its
// orders, and a reader that missed part of this log only reads its orders again, where one that
// missed part of search_changes has to load the lists' text again.
const sortLog = (id: ListId) => {
  const spec = listIndexes[id];
  const sort = spec.sort;
  if (!sort) return '';
  const def = moduleById(id);
  const first = def?.defaultSort.length === 1 ? def.columns.find((c) => c.field === def.defaultSort[0].field) : undefined;
  // The default order walked on the base table (no stored key of its own): see walkOrder in db/services/query.ts.
  const base = first && !sort.fields.includes(first.field) && first.type !== 'text' && first.type !== 'enum' ? first.field : null;
  return `
CREATE TRIGGER ${sort.table}_changes_insert AFTER INSERT ON ${sort.table} BEGIN
  INSERT INTO order_changes (tbl, id) VALUES ('${sort.table}', new.sid);
END;${
    base
      ? `
CREATE TRIGGER ${spec.table}_order_changes AFTER UPDATE OF ${base} ON ${spec.table} WHEN old.${base} IS NOT new.${base} BEGIN
  INSERT INTO order_changes (tbl, id) VALUES ('${sort.table}', new.id);
END;`
      : ''
  }`;
};

export const orderChanges: Migration = {
  version: 15,
  name: 'order_changes',
  sql: `${changeLogSql('order_changes')}${(Object.keys(listIndexes) as ListId[]).map(sortLog).join('\n')}
`,
};
