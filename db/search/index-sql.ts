import type { SearchIndexDef } from '../../shared/modules/types.js';

// The SQL of a search index (see SearchIndexDef and migration 002) over some text columns of a
// base table whose rowid is the list view's `id`: the joined-text table, the fields table, the
// FTS5 trigram table, filled from the rows already there and kept by triggers.
//
// INSERT OR REPLACE (or UPDATE OR REPLACE) removes a conflicting row without running the delete
// trigger unless recursive triggers are on (they are off by default), so the BEFORE triggers
// clear the entries of any row the statement may replace: same id, or same value of one of
// `uniqueKeys` (each a list of columns). If the statement fails instead, its changes, these
// included, are rolled back. The index must hold exactly one row per base row: counts are
// taken from the narrow tables directly.
export function searchIndexSql(table: string, index: SearchIndexDef, uniqueKeys: readonly (readonly string[])[] = []): string {
  const f = index.fields;
  const joined = (r: string) => f.map((c) => `ifnull(${r}.${c}, '')`).join(' || char(31) || ');
  const values = (r: string) => [`${r}.id`, ...f.map((c) => `${r}.${c}`)].join(', ');
  const ftsColumns = ['rowid', ...f].join(', ');
  const fieldColumns = ['id', ...f].join(', ');
  const forget = (ids: string) => `
  DELETE FROM ${index.textTable} WHERE id IN (${ids});
  DELETE FROM ${index.fieldsTable} WHERE id IN (${ids});
  DELETE FROM ${index.ftsTable} WHERE rowid IN (${ids});`;
  const remember = (r: string) => `
  INSERT INTO ${index.textTable} (id, text) VALUES (${r}.id, ${joined(r)});
  INSERT INTO ${index.fieldsTable} (${fieldColumns}) VALUES (${values(r)});
  INSERT INTO ${index.ftsTable} (${ftsColumns}) VALUES (${values(r)});`;
  const sameKey = (r: string) =>
    [`id = ${r}.id`, ...uniqueKeys.map((k) => `(${k.map((c) => `${c} = ${r}.${c}`).join(' AND ')})`)].join(' OR ');
  const keyColumns = [...new Set(['id', ...uniqueKeys.flat()])];
  return `
CREATE TABLE ${index.textTable} (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL
);
INSERT INTO ${index.textTable} (id, text) SELECT o.id, ${joined('o')} FROM ${table} o;

CREATE TABLE ${index.fieldsTable} (
  id INTEGER PRIMARY KEY,
${f.map((c) => `  ${c} TEXT`).join(',\n')}
);
INSERT INTO ${index.fieldsTable} (${fieldColumns}) SELECT ${values('o')} FROM ${table} o;

CREATE VIRTUAL TABLE ${index.ftsTable} USING fts5(
  ${f.join(', ')},
  content = '', contentless_delete = 1,
  tokenize = 'trigram case_sensitive 0', detail = none
);
INSERT INTO ${index.ftsTable} (${ftsColumns}) SELECT ${values('o')} FROM ${table} o;

CREATE TRIGGER ${table}_search_replace_insert BEFORE INSERT ON ${table} BEGIN${forget(
    `SELECT id FROM ${table} WHERE ${sameKey('new')}`,
  )}
END;

CREATE TRIGGER ${table}_search_insert AFTER INSERT ON ${table} BEGIN${remember('new')}
END;

CREATE TRIGGER ${table}_search_delete AFTER DELETE ON ${table} BEGIN${forget('old.id')}
END;

CREATE TRIGGER ${table}_search_replace_update BEFORE UPDATE OF ${keyColumns.join(', ')} ON ${table} BEGIN${forget(
    `SELECT id FROM ${table} WHERE (${sameKey('new')}) AND id <> old.id`,
  )}
END;

CREATE TRIGGER ${table}_search_update
AFTER UPDATE OF ${[...new Set(['id', ...uniqueKeys.flat(), ...f])].join(', ')} ON ${table} BEGIN${forget('old.id')}${remember('new')}
END;
`;
}
