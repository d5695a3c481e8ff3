import type { SearchIndexDef } from '../../shared/modules/types.js';

// The SQL of a list's search index and of its stored sort keys, kept by triggers.
//
// A list's rows are the rows of one base table (rowid = the list view's `id`); an index row is
// built from a SELECT over that table and the tables it joins (the order's number and customer
// on a content line, the engineer's name …), so a change of a joined row (an order's customer)
// re-indexes the base rows that show it (its content and fee lines).
//
// Search index (see SearchIndexDef), all of it folded text (shared/text/fold.ts via pim_fold):
//   fields table — the fields as columns: the exact check of every `contains` on them;
//   text table   — the fields joined by U+001F in one column: one LIKE answers a one-piece
//                  pattern over all of them exactly (a piece cannot span the separator);
//   FTS5 table   — trigrams of the joined text followed by two U+001F, contentless, detail=none:
//                  a superset of the rows containing a piece of three characters or more (AND
//                  of its trigrams), and — since every character of a field is then followed by
//                  two more — of one of 1–2 characters too: the trigrams that begin with it,
//                  listed with their row counts by the fts5vocab table `<fts>_vocab`, ORed.
//                  For a one-piece quick search of 1–3 characters those rows are exactly the
//                  matches (the piece cannot span the separator): counted from the index alone.
// Sort keys: a table `sid, sk_<field> …` with an index (sk_<field>, sid) per field, so a list
// sorted by such a column is walked in order, the index giving the whole order (key, then id). A
// text column's key is its sort key (shared/text/sort-key.ts, pim_sortkey: pinyin, folded
// letters, numbers by value, then the folded text); other columns have a key written in SQL
// (`keys`): an enum's position, a number or a date, empty values first (see sortKeyOfColumn).
// (Migration 009 stored the primary part only, pim_sortprimary; migration 011 rebuilt them.)
//
// pim_fold and pim_sortkey are registered by db/open.ts on every connection of this program; a
// connection without them (the sqlite3 shell) cannot write the watched tables — intended: the
// write fails rather than leaving the index out of step with the rows.
//
// INSERT OR REPLACE (or UPDATE OR REPLACE) removes a conflicting row without running the delete
// trigger unless recursive triggers are on (they are off by default), so BEFORE triggers clear
// the entries of any row the statement may replace: same id, or same value of one of
// `uniqueKeys`. If the statement fails instead, its changes, these included, are rolled back.
// Each table holds exactly one row per base row: counts are taken from them directly.

/**
 * A table whose change re-indexes some base rows: an update of some of its columns (the default),
 * or any insert or delete (a later document that reverses a line's document, an owed record
 * counted into a plan line). `ids` is the SELECT of the affected base ids, in terms of `new` (the
 * row after an update or insert) or `old` (the row before an update, a deleted row).
 */
export type IndexDependent =
  | { table: string; on?: 'update'; columns: readonly string[]; ids: string }
  | { table: string; on: 'insert' | 'delete'; ids: string };

export interface ListIndexSpec {
  /**
   * Base table (alias `o` in `from`). The list's view shows exactly one row per row of it (only
   * LEFT JOINs on unique keys, no filter), so an unfiltered list is counted on this table
   * (tests/unit/query-plans.test.ts holds every view to that).
   */
  table: string;
  /** The search index: names and fields. */
  index: SearchIndexDef;
  /** FROM clause of the source rows; default `<table> o`. */
  from?: string;
  /** SQL expression of a field over `from`; default `o.<field>`. */
  exprs?: Readonly<Record<string, string>>;
  /** Base columns whose change re-indexes the row; default: the fields (and ids, keys). */
  watch?: readonly string[];
  uniqueKeys?: readonly (readonly string[])[];
  dependents?: readonly IndexDependent[];
  /**
   * Stored sort keys: their table and fields (expressions as for the index); `keys` the SQL of a
   * non-text field's key over `from` (a text field's is pim_sortkey of its expression).
   */
  sort?: {
    table: string;
    fields: readonly string[];
    keys?: Readonly<Record<string, string>>;
    watch?: readonly string[];
    dependents?: readonly IndexDependent[];
    /**
     * Orders that cannot be stored (they depend on today's date: an owed record's days overdue),
     * in SQL over the table's keys: sorted at query time from them, without the view's joins.
     */
    derived?: Readonly<Record<string, string>>;
  };
}

/** A base row's sort key of a column that is not text, in SQL over `value` (NULL and '' first). */
export function sortKeyOfColumn(type: string, value: string, enumValues?: readonly string[]): string {
  if (type === 'enum' && enumValues) return enumOrderSql(value, enumValues);
  // Dates are ISO text; numbers, money and yes/no are numbers (-inf stands for empty).
  if (type === 'date' || type === 'datetime') return `coalesce(${value}, '')`;
  return `coalesce(${value}, -9e999)`;
}

/** An enum's position in its definition: empty first (-1), unknown values last. */
export function enumOrderSql(value: string, enumValues: readonly string[]): string {
  const whens = enumValues.map((v, i) => `WHEN '${v.replace(/'/g, "''")}' THEN ${i}`).join(' ');
  return `CASE WHEN ${value} IS NULL OR ${value} = '' THEN -1 ELSE CASE ${value} ${whens} ELSE ${enumValues.length} END END`;
}

export const FTS_TERMINATOR = "char(31, 31)";

const expr = (spec: ListIndexSpec, field: string) => spec.exprs?.[field] ?? `o.${field}`;
const sourceFrom = (spec: ListIndexSpec) => spec.from ?? `${spec.table} o`;
const sortKeySql = (spec: ListIndexSpec, field: string) => spec.sort?.keys?.[field] ?? `pim_sortkey(${expr(spec, field)})`;
const joinedText = (fields: readonly string[], r: string) => fields.map((c) => `ifnull(${r}${c}, '')`).join(' || char(31) || ');

function createSql(spec: ListIndexSpec): string {
  const { index } = spec;
  return `
CREATE TABLE ${index.fieldsTable} (
  id INTEGER PRIMARY KEY,
${index.fields.map((c) => `  ${c} TEXT`).join(',\n')}
);
CREATE TABLE ${index.textTable} (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL
);
CREATE VIRTUAL TABLE ${index.ftsTable} USING fts5(
  text,
  content = '', contentless_delete = 1,
  tokenize = 'trigram case_sensitive 1', detail = none
);
CREATE VIRTUAL TABLE ${index.ftsTable}_vocab USING fts5vocab(${index.ftsTable}, row);`;
}

function createSortSql(spec: ListIndexSpec): string {
  const sort = spec.sort;
  if (!sort) return '';
  return `
CREATE TABLE ${sort.table} (
  sid INTEGER PRIMARY KEY,
${sort.fields.map((c) => `  sk_${c} ${sort.keys?.[c] ? '' : 'TEXT '}NOT NULL DEFAULT ''`).join(',\n')}
);
${sort.fields.map((c) => `CREATE INDEX ${sort.table}_${c} ON ${sort.table}(sk_${c}, sid);`).join('\n')}`;
}

/** Fills the index from the source rows (all, or those with id > ? — one parameter per statement). */
function fillIndexSql(spec: ListIndexSpec, after: boolean): string {
  const { index } = spec;
  const f = index.fields;
  const w = (alias: string) => (after ? ` WHERE ${alias}.id > ?` : '');
  return `
INSERT INTO ${index.fieldsTable} (id, ${f.join(', ')}) SELECT o.id, ${f.map((c) => `pim_fold(${expr(spec, c)})`).join(', ')} FROM ${sourceFrom(spec)}${w('o')};
INSERT INTO ${index.textTable} (id, text) SELECT x.id, ${joinedText(f, 'x.')} FROM ${index.fieldsTable} x${w('x')};
INSERT INTO ${index.ftsTable} (rowid, text) SELECT x.id, x.text || ${FTS_TERMINATOR} FROM ${index.textTable} x${w('x')};`;
}

function fillSortSql(spec: ListIndexSpec, after: boolean): string {
  const sort = spec.sort;
  if (!sort) return '';
  const w = after ? ' WHERE o.id > ?' : '';
  return `
INSERT INTO ${sort.table} (sid, ${sort.fields.map((c) => `sk_${c}`).join(', ')}) SELECT o.id, ${sort.fields
    .map((c) => sortKeySql(spec, c))
    .join(', ')} FROM ${sourceFrom(spec)}${w};`;
}

const forgetIndex = (spec: ListIndexSpec, ids: string) => `
  DELETE FROM ${spec.index.textTable} WHERE id IN (${ids});
  DELETE FROM ${spec.index.fieldsTable} WHERE id IN (${ids});
  DELETE FROM ${spec.index.ftsTable} WHERE rowid IN (${ids});`;

function rememberIndex(spec: ListIndexSpec, ids: string): string {
  const { index } = spec;
  const f = index.fields;
  return `
  INSERT INTO ${index.fieldsTable} (id, ${f.join(', ')}) SELECT o.id, ${f.map((c) => `pim_fold(${expr(spec, c)})`).join(', ')} FROM ${sourceFrom(spec)} WHERE o.id IN (${ids});
  INSERT INTO ${index.textTable} (id, text) SELECT x.id, ${joinedText(f, 'x.')} FROM ${index.fieldsTable} x WHERE x.id IN (${ids});
  INSERT INTO ${index.ftsTable} (rowid, text) SELECT x.id, x.text || ${FTS_TERMINATOR} FROM ${index.textTable} x WHERE x.id IN (${ids});`;
}

const forgetSort = (spec: ListIndexSpec, ids: string) => `
  DELETE FROM ${spec.sort!.table} WHERE sid IN (${ids});`;

function rememberSort(spec: ListIndexSpec, ids: string): string {
  const sort = spec.sort!;
  return `
  INSERT INTO ${sort.table} (sid, ${sort.fields.map((c) => `sk_${c}`).join(', ')}) SELECT o.id, ${sort.fields
    .map((c) => sortKeySql(spec, c))
    .join(', ')} FROM ${sourceFrom(spec)} WHERE o.id IN (${ids});`;
}

/** The triggers of one derived table set (`kind`: search or sortkey) on the base table and its dependents. */
function triggersSql(
  spec: ListIndexSpec,
  kind: 'search' | 'sortkey',
  watch: readonly string[],
  dependents: readonly IndexDependent[],
  forget: (ids: string) => string,
  remember: (ids: string) => string,
): string {
  const table = spec.table;
  const uniqueKeys = spec.uniqueKeys ?? [];
  const sameKey = (r: string) =>
    [`id = ${r}.id`, ...uniqueKeys.map((k) => `(${k.map((c) => `${c} = ${r}.${c}`).join(' AND ')})`)].join(' OR ');
  const keyColumns = [...new Set(['id', ...uniqueKeys.flat()])];
  const watched = [...new Set(['id', ...uniqueKeys.flat(), ...watch])];
  // The BEFORE triggers run only when there is a row to replace: a delete from the FTS5 table
  // in the middle of a run of inserts makes it write out its pending entries, row by row.
  let sql = `
CREATE TRIGGER ${table}_${kind}_replace_insert BEFORE INSERT ON ${table}
WHEN EXISTS (SELECT 1 FROM ${table} WHERE ${sameKey('new')}) BEGIN${forget(`SELECT id FROM ${table} WHERE ${sameKey('new')}`)}
END;
CREATE TRIGGER ${table}_${kind}_insert AFTER INSERT ON ${table} BEGIN${remember('new.id')}
END;
CREATE TRIGGER ${table}_${kind}_delete AFTER DELETE ON ${table} BEGIN${forget('old.id')}
END;
CREATE TRIGGER ${table}_${kind}_replace_update BEFORE UPDATE OF ${keyColumns.join(', ')} ON ${table}
WHEN EXISTS (SELECT 1 FROM ${table} WHERE (${sameKey('new')}) AND id <> old.id) BEGIN${forget(
    `SELECT id FROM ${table} WHERE (${sameKey('new')}) AND id <> old.id`,
  )}
END;
CREATE TRIGGER ${table}_${kind}_update AFTER UPDATE OF ${watched.join(', ')} ON ${table} BEGIN${forget('old.id')}${remember('new.id')}
END;
`;
  dependents.forEach((d, i) => {
    const event = 'columns' in d ? `UPDATE OF ${d.columns.join(', ')}` : d.on === 'insert' ? 'INSERT' : 'DELETE';
    sql += `
CREATE TRIGGER ${table}_${kind}_dep${i}_${d.table} AFTER ${event} ON ${d.table} BEGIN${forget(d.ids)}${remember(d.ids)}
END;
`;
  });
  return sql;
}

/** The search index of a list, created, filled from the rows already there and kept by triggers. */
export function listIndexSql(spec: ListIndexSpec): string {
  const watch = spec.watch ?? spec.index.fields;
  return (
    createSql(spec) +
    fillIndexSql(spec, false) +
    triggersSql(
      spec,
      'search',
      watch,
      spec.dependents ?? [],
      (ids) => forgetIndex(spec, ids),
      (ids) => rememberIndex(spec, ids),
    ) +
    listSortSql(spec)
  );
}

/** The stored sort keys of a list (nothing without `sort`). */
export function listSortSql(spec: ListIndexSpec): string {
  const sort = spec.sort;
  if (!sort) return '';
  return (
    createSortSql(spec) +
    fillSortSql(spec, false) +
    triggersSql(
      spec,
      'sortkey',
      sort.watch ?? sort.fields,
      sort.dependents ?? [],
      (ids) => forgetSort(spec, ids),
      (ids) => rememberSort(spec, ids),
    )
  );
}

/**
 * Drops a list's stored sort keys: the table and its triggers, as any earlier definition named
 * them (the dependents' triggers by position and table: up to `maxDependents` of `depTables`).
 */
export function dropSortSql(spec: ListIndexSpec, depTables: readonly string[], maxDependents = 8): string {
  const t = spec.table;
  const own = ['replace_insert', 'insert', 'delete', 'replace_update', 'update'].map((k) => `DROP TRIGGER IF EXISTS ${t}_sortkey_${k};`);
  const deps = depTables.flatMap((d) => Array.from({ length: maxDependents }, (_, i) => `DROP TRIGGER IF EXISTS ${t}_sortkey_dep${i}_${d};`));
  return `\n${[...own, ...deps].join('\n')}\nDROP TABLE IF EXISTS ${spec.sort!.table};\n`;
}

/** Statements that (re)fill the index of the base rows with id > ? (one parameter each). */
export function listIndexFillAfter(spec: ListIndexSpec): string[] {
  return (fillIndexSql(spec, true) + fillSortSql(spec, true))
    .split(';\n')
    .map((s) => s.trim().replace(/;$/, ''))
    .filter(Boolean);
}

/**
 * The search index over some text columns of one table (no joins): as listIndexSql. Its three
 * fill statements select `FROM <table> o`, so a bulk load may drop the `<table>_search_*`
 * triggers and run them with ` WHERE o.id > ?` appended (db/demo/warehouse.ts does).
 */
export function searchIndexSql(table: string, index: SearchIndexDef, uniqueKeys: readonly (readonly string[])[] = []): string {
  const spec: ListIndexSpec = { table, index, uniqueKeys };
  const f = index.fields;
  const folded = f.map((c) => `pim_fold(o.${c})`);
  // The compact fill of fillIndexSql, written as three selects from the base table.
  const fill = `
INSERT INTO ${index.fieldsTable} (id, ${f.join(', ')}) SELECT o.id, ${folded.join(', ')} FROM ${table} o;
INSERT INTO ${index.textTable} (id, text) SELECT o.id, ${folded.map((e) => `ifnull(${e}, '')`).join(' || char(31) || ')} FROM ${table} o;
INSERT INTO ${index.ftsTable} (rowid, text) SELECT o.id, ${folded.map((e) => `ifnull(${e}, '')`).join(' || char(31) || ')} || ${FTS_TERMINATOR} FROM ${table} o;`;
  return (
    createSql(spec) +
    fill +
    triggersSql(
      spec,
      'search',
      f,
      [],
      (ids) => forgetIndex(spec, ids),
      (ids) => rememberIndex(spec, ids),
    )
  );
}
