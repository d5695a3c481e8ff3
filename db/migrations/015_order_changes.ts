import type { Migration } from './index.js';
import { listIndexes } from '../search/indexes.js';
import { moduleById } from '../../shared/modules/index.js';
import type { ListId } from '../../shared/modules/types.js';

// Which rows of each list moved in its orders, in the log of migration 012 (issue 9): a reader
// that holds a list's order in memory (db/search/memory-order.ts) takes the rows logged since it
// read the order as out of place, and orders those few from their stored keys.
//
// A row moves when its stored sort keys are written (the sort-key triggers delete and insert the
// row, so its insert is logged: tbl = the sort table) or when the column of the list's default
// order changes (an index on the base table: created_at, work_date, posted_at …; logged only
// when the value changes). A new row's sort keys are inserted with it; a deleted row leaves the
// fields table, whose log the reader already follows.
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
  INSERT INTO search_changes (tbl, id) VALUES ('${sort.table}', new.sid);
END;${
    base
      ? `
CREATE TRIGGER ${spec.table}_order_changes AFTER UPDATE OF ${base} ON ${spec.table} WHEN old.${base} IS NOT new.${base} BEGIN
  INSERT INTO search_changes (tbl, id) VALUES ('${sort.table}', new.id);
END;`
      : ''
  }`;
};

export const orderChanges: Migration = {
  version: 15,
  name: 'order_changes',
  sql: (Object.keys(listIndexes) as ListId[]).map(sortLog).join('\n'),
};
