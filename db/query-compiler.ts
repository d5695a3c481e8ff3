import { ServiceError } from '../shared/errors.js';
import { ANY_FIELD, type Condition, type ParsedQueryRequest, type SortSpec } from '../shared/query.js';
import type { ColumnDef, ModuleDef, SearchIndexDef } from '../shared/modules/types.js';
import { normalizeQuery } from '../shared/text/pinyin-match.js';
import { analysePattern, foldedMatchSql, type TextPattern } from './search/pattern.js';
import { enumOrderSql } from './search/index-sql.js';
import { listIndexOf, storedSortKey } from './search/indexes.js';

export { wildcardToLike } from './search/pattern.js';

export interface CompiledQuery {
  /**
   * FROM clause: the list view as `v`, joined with the list's sort-key table (columns `sid`,
   * `sk_<field>`) when the order uses a stored key. `where` and `orderBy` refer to its columns.
   */
  from: string;
  where: string; // '' when there is no condition
  params: unknown[];
  orderBy: string;
  /** The sort-key table the order walks (first sort column has a stored key), if any. */
  sortTable?: string;
  /**
   * The sort-key table when `orderBy` reads nothing else (every sort column has a stored or
   * derived key): ids are ordered there, without the view's joins.
   */
  keyTable?: string;
}

/** A text `contains` condition, as the planner sees it. */
export interface TextTerm {
  /** The fields it spans: one, or the module's anyFields. */
  fields: readonly string[];
  pattern: TextPattern;
  /** Every field is in the search index (so the narrow fields table can answer it). */
  covered: boolean;
  /** The trigram index can narrow it: covered, and safe for FTS5 (every piece can use it). */
  canFts: boolean;
  /** The joined text table covers exactly these fields. */
  canText: boolean;
  index?: SearchIndexDef;
}

/**
 * How a `contains` condition is evaluated. Every plan gives exactly the rows of the rule
 * (shared/text/fold.ts): `scan` folds the view's columns at query time (pim_fold(col) LIKE …);
 * `fields` runs the same LIKE on the index's folded copy of the fields; `probe` does it for one
 * row at a time (correlated, for a walk in list order; with `ids`, only for the candidates it
 * meets); `text` runs it on the joined fields,
 * which is exact for a single piece and otherwise a superset in front of the fields check;
 * `fts` (an FTS5 query) and `ids` (candidates already fetched) put a superset in front of the
 * fields check. `ids` with `exact` are the matches themselves (from the memory index), and
 * `memory` asks the memory index row by row (pim_memhit, db/search/memory-index.ts): neither needs
 * the fields check. The choice is about speed only.
 */
export type TextPlan =
  | 'scan'
  | 'text'
  | 'fields'
  | 'probe'
  | { fts: string }
  | { ids: readonly number[]; probe?: boolean; exact?: boolean }
  | { memory: number };
export type PlanChooser = (term: TextTerm) => TextPlan;

export function textTerm(def: ModuleDef, fields: readonly string[], pattern: TextPattern): TextTerm {
  const index = listIndexOf(def)?.index;
  const covered = !!index && fields.every((f) => index.fields.includes(f));
  const sameSet = covered && index.fields.every((f) => fields.includes(f));
  const canFts = covered && pattern.ftsSafe && (pattern.trigrams.length > 0 || pattern.short.length > 0);
  return { fields, pattern, covered, canFts, canText: sameSet, index: covered ? index : undefined };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function invalid(path: string, message: string): never {
  throw new ServiceError('INVALID_PARAMS', message, { issues: [{ path, message }] });
}

function columnOf(def: ModuleDef, field: string, path: string): ColumnDef {
  const col = def.columns.find((c) => c.field === field);
  if (!col) invalid(path, `Unknown field "${field}" for ${def.id}.`);
  return col;
}

function numberValue(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  invalid(path, 'A number is required.');
}

/** Values compared against the column: numbers for numeric columns, text otherwise. */
function typedValue(col: ColumnDef, v: unknown, path: string): string | number {
  if (col.type === 'number' || col.type === 'money' || col.type === 'bool') {
    if (col.type === 'bool' && typeof v === 'boolean') return v ? 1 : 0;
    return numberValue(v, path);
  }
  if (typeof v === 'string') {
    if (col.type === 'enum' && col.enumValues && !col.enumValues.includes(v)) {
      invalid(path, `"${v}" is not one of ${col.enumValues.join(', ')}.`);
    }
    return v;
  }
  if (typeof v === 'number') return String(v);
  invalid(path, 'A text value is required.');
}

/** The text term of a `contains` condition; null for an empty pattern (it matches all). */
function containsTerm(def: ModuleDef, c: Condition, path: string): TextTerm | null {
  if (c.field === ANY_FIELD && c.op !== 'contains') invalid(`${path}.op`, 'The quick search only supports "contains".');
  const fields = c.field === ANY_FIELD ? def.anyFields : [columnOf(def, c.field, `${path}.field`).field];
  if (typeof c.value !== 'string') invalid(`${path}.value`, 'A text pattern is required.');
  const pattern = analysePattern(c.value);
  return pattern ? textTerm(def, fields, pattern) : null;
}

/** The text terms of a request, by condition index (null: not a `contains`, or an empty one). */
export function textTerms(def: ModuleDef, req: ParsedQueryRequest): (TextTerm | null)[] {
  return req.conditions.map((c, i) =>
    c.field === ANY_FIELD || c.op === 'contains' ? containsTerm(def, c, `conditions.${i}`) : null,
  );
}

/** The fields check of a term over a table of folded fields (alias `x`). */
function fieldsCheck(term: TextTerm, params: unknown[], alias = 'x'): string {
  const parts = term.fields.map((f) => foldedMatchSql(`${alias}.${quoteIdent(f)}`, term.pattern, params));
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

function containsSql(term: TextTerm, plan: TextPlan, params: unknown[]): string {
  const scan = () => {
    const parts = term.fields.map((f) => foldedMatchSql(`pim_fold(${quoteIdent(f)})`, term.pattern, params));
    return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  };
  const index = term.index;
  const id = quoteIdent('id');
  if (!index || !term.covered || plan === 'scan') return scan();
  const fields = quoteIdent(index.fieldsTable);
  if (typeof plan === 'object') {
    if ('memory' in plan) {
      params.push(plan.memory);
      return `pim_memhit(?, v.${id})`;
    }
    if ('ids' in plan && plan.exact) {
      params.push(JSON.stringify(plan.ids));
      return plan.probe ? `+v.${id} IN (SELECT value FROM json_each(?))` : `v.${id} IN (SELECT value FROM json_each(?))`;
    }
    if ('fts' in plan && term.canFts) {
      const fts = quoteIdent(index.ftsTable);
      params.push(plan.fts);
      return `${id} IN (SELECT x.id FROM ${fields} x WHERE x.id IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ?) AND ${fieldsCheck(term, params)})`;
    }
    if ('ids' in plan && plan.probe) {
      // For a walk: membership first (cheap), then the row's own check; `+` keeps SQLite from
      // driving the query by the candidates instead of walking the order's index.
      params.push(JSON.stringify(plan.ids));
      return `(+v.${id} IN (SELECT value FROM json_each(?)) AND EXISTS (SELECT 1 FROM ${fields} x WHERE x.id = v.${id} AND ${fieldsCheck(term, params)}))`;
    }
    if ('ids' in plan) {
      params.push(JSON.stringify(plan.ids));
      return `${id} IN (SELECT x.id FROM ${fields} x WHERE x.id IN (SELECT value FROM json_each(?)) AND ${fieldsCheck(term, params)})`;
    }
  }
  if (plan === 'probe') return `EXISTS (SELECT 1 FROM ${fields} x WHERE x.id = v.${id} AND ${fieldsCheck(term, params)})`;
  if (plan === 'text' && term.canText) {
    const text = `${id} IN (SELECT id FROM ${quoteIdent(index.textTable)} WHERE ${foldedMatchSql('text', term.pattern, params)})`;
    if (term.pattern.textExact) return text;
    return `(${text} AND ${id} IN (SELECT x.id FROM ${fields} x WHERE ${fieldsCheck(term, params)}))`;
  }
  return `${id} IN (SELECT x.id FROM ${fields} x WHERE ${fieldsCheck(term, params)})`;
}

/** The exact test of a term on its table of the search index: a WHERE for a count over it. */
export function indexCountSql(term: TextTerm, plan: 'text' | 'fields'): { table: string; where: string; params: unknown[] } | null {
  const index = term.index;
  if (!index || !term.covered) return null;
  if (plan === 'text' && term.canText && term.pattern.textExact) {
    const params: unknown[] = [];
    return { table: quoteIdent(index.textTable), where: foldedMatchSql('text', term.pattern, params), params };
  }
  if (plan === 'fields') {
    const params: unknown[] = [];
    const where = fieldsCheck(term, params);
    return { table: `${quoteIdent(index.fieldsTable)} x`, where, params };
  }
  return null;
}

function compileCondition(def: ModuleDef, c: Condition, path: string, params: unknown[], choose: PlanChooser): string | null {
  if (c.field === ANY_FIELD || c.op === 'contains') {
    const term = containsTerm(def, c, path);
    return term === null ? null : containsSql(term, choose(term), params);
  }
  const col = columnOf(def, c.field, `${path}.field`);
  const id = quoteIdent(col.field);
  switch (c.op) {
    case 'empty':
      return `(${id} IS NULL OR ${id} = '')`;
    case 'notEmpty':
      return `(${id} IS NOT NULL AND ${id} <> '')`;
    case 'equals':
    case 'eq':
      params.push(typedValue(col, c.value, `${path}.value`));
      return `${id} = ?`;
    case 'gte':
      params.push(typedValue(col, c.value, `${path}.value`));
      return `${id} >= ?`;
    case 'lte':
      params.push(typedValue(col, c.value, `${path}.value`));
      return `${id} <= ?`;
    case 'between': {
      if (!Array.isArray(c.value) || c.value.length !== 2) invalid(`${path}.value`, 'Between needs [from, to].');
      const from = typedValue(col, c.value[0], `${path}.value.0`);
      const to = typedValue(col, c.value[1], `${path}.value.1`);
      if (from > to) invalid(`${path}.value`, 'The range is reversed: "from" is after "to".');
      params.push(from, to);
      return `${id} BETWEEN ? AND ?`;
    }
    case 'in': {
      if (!Array.isArray(c.value) || c.value.length === 0) invalid(`${path}.value`, 'Pick at least one value.');
      const values = c.value.map((v, i) => typedValue(col, v, `${path}.value.${i}`));
      params.push(...values);
      return `${id} IN (${values.map(() => '?').join(', ')})`;
    }
    case 'pinyin': {
      // Pinyin is read from Chinese text: numbers, dates and enum codes have none.
      if (col.type !== 'text') invalid(`${path}.op`, `"pinyin" applies to text fields only; "${col.field}" is a ${col.type} field.`);
      // A function call per row: only the name columns of small lists offer it (ColumnDef.pinyin).
      if (!col.pinyin) invalid(`${path}.op`, `"${col.field}" of ${def.id} cannot be searched by pinyin; use "contains".`);
      if (typeof c.value !== 'string') invalid(`${path}.value`, 'A text value is required.');
      // Nothing typed matches every row (as pinyinMatch has it), like an empty `contains`.
      if (!normalizeQuery(c.value)) return null;
      params.push(c.value);
      return `pim_pinyin(${id}, ?) = 1`;
    }
  }
}

/**
 * The ascending order of a column's values in SQL, as the grid's comparator (shared/grid/compare.ts)
 * has it: text by its sort key (stored, or pim_sortkey at query time), enums in the order of their
 * definition (empty first, unknown values last), numbers, dates and booleans by value (NULL first).
 * `value` is the SQL of the value.
 */
export function orderKeySql(col: ColumnDef, value: string): string {
  if (col.type === 'enum' && col.enumValues) return enumOrderSql(value, col.enumValues);
  if (col.type === 'text' || col.type === 'enum') return `pim_sortkey(${value})`;
  return value;
}

/** The request's sort, or the module's default. */
export function effectiveSort(def: ModuleDef, req: ParsedQueryRequest): readonly SortSpec[] {
  return req.sort.length ? req.sort : def.defaultSort;
}

const plainScan: PlanChooser = () => 'scan';

/**
 * Compiles a query request for a module into parameterised SQL pieces. Without a chooser every
 * `contains` is the plain scan (folded at query time); db/services/query.ts chooses index plans.
 */
export function compileQuery(def: ModuleDef, req: ParsedQueryRequest, choose: PlanChooser = plainScan): CompiledQuery {
  const params: unknown[] = [];
  const compiled = req.conditions.map((c, i) => compileCondition(def, c, `conditions.${i}`, params, choose));
  const clauses = compiled.filter((s): s is string => s !== null);
  // A condition with an empty pattern matches every row: under AND it drops out, under OR it
  // makes the whole filter match everything.
  const matchesAll = req.join === 'or' && compiled.some((s) => s === null);
  const where = clauses.length && !matchesAll ? clauses.join(req.join === 'or' ? ' OR ' : ' AND ') : '';
  if (matchesAll) params.length = 0;

  const sort = effectiveSort(def, req);
  let sortTable: string | undefined;
  let allKeyed = sort.length > 0;
  const order = sort.map((s, i) => {
    const col = columnOf(def, s.field, `sort.${i}.field`);
    const stored = storedSortKey(def, col.field);
    const dir = s.dir === 'desc' ? 'DESC' : 'ASC';
    allKeyed &&= stored !== undefined;
    if (!stored) return `${orderKeySql(col, quoteIdent(s.field))} ${dir}`;
    sortTable = stored.table;
    return `${stored.sql ?? quoteIdent(stored.column)} ${dir}`;
  });
  // A unique tie-breaker keeps the 200 rows stable between refreshes (the sort table's `sid` is
  // the row's id: with it the table's index (sk_<field>, sid) gives the whole order).
  order.push(`${quoteIdent(sortTable ? 'sid' : 'id')} ${sort[0]?.dir === 'asc' ? 'ASC' : 'DESC'}`);
  const view = `${quoteIdent(def.view!)} AS v`;
  const from = sortTable ? `${view} JOIN ${quoteIdent(sortTable)} ON ${quoteIdent('sid')} = v.${quoteIdent('id')}` : view;
  const first = sort[0] && def.columns.find((c) => c.field === sort[0].field);
  // Only a stored key is walked in order; a derived one (days overdue) is sorted from the keys.
  const firstKey = first ? storedSortKey(def, first.field) : undefined;
  const walks = firstKey && !firstKey.sql ? firstKey.table : undefined;
  return { from, where, params, orderBy: order.join(', '), sortTable: walks, keyTable: allKeyed ? sortTable : undefined };
}
