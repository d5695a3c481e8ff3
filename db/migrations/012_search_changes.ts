import type { Migration } from './index.js';
import { listIndexes } from '../search/indexes.js';

// Which rows of each list's folded search fields changed, in commit order (issue 9): a reader
// that holds those fields in memory (db/search/memory-index.ts) reads the rows changed since the
// last change it applied, so what it matches is exactly what the tables hold in its snapshot —
// whichever process wrote them. A trigger on every fields table writes one row per changed row;
// seq is never reused (AUTOINCREMENT, the write lock taken with BEGIN IMMEDIATE).
//
// Pruned by itself: every 10,000th change deletes those older than the newest 200,000 and raises
// the floor; a reader whose last applied change is below the floor has missed some and rebuilds.
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
  sql: `
CREATE TABLE search_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tbl TEXT NOT NULL,
  id  INTEGER NOT NULL
);
CREATE TABLE search_changes_floor (seq INTEGER NOT NULL);
INSERT INTO search_changes_floor (seq) VALUES (0);
CREATE TRIGGER search_changes_prune AFTER INSERT ON search_changes WHEN new.seq % 10000 = 0 BEGIN
  DELETE FROM search_changes WHERE seq <= new.seq - 200000;
  UPDATE search_changes_floor SET seq = max(seq, new.seq - 200000);
END;
${FIELDS_TABLES.map(logTriggers).join('\n')}
`,
};
