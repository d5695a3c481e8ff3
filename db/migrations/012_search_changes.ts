import type { Migration } from './index.js';
import { listIndexes } from '../search/indexes.js';
import { changeLogSql } from '../search/change-log.js';

// Which rows of each list's folded search fields changed, in commit order (issue 9): a reader
// that holds those fields in memory (db/search/memory-index.ts) reads the rows changed since the
// last change it applied, so what it matches is exactly what the tables hold in its snapshot —
// whichever process wrote them. A trigger on every fields table writes one row per changed row;
// the log's tables and its pruning: db/search/change-log.ts.
const FIELDS_TABLES = [...new Set(Object.values(listIndexes).map((spec) => spec.index.fieldsTable))];

const logTriggers = (table: string) =>
  (['INSERT', 'UPDATE', 'DELETE'] as const)
    .map(
      (op) => `
CREATE TRIGGER ${table}_changes_${op.toLowerCase()} AFTER ${op} ON ${table} BEGIN
  INSERT INTO search_changes (tbl, id) VALUES ('${table}', ${op === 'DELETE' ? 'old' : 'new'}.id);
END;`,
    )
    .join('');

export const searchChanges: Migration = {
  version: 12,
  name: 'search_changes',
  sql: `${changeLogSql('search_changes')}${FIELDS_TABLES.map(logTriggers).join('\n')}
`,
};
