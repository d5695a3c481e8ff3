import { ServiceError } from '../shared/errors.js';
import { ANY_FIELD, type Condition, type ParsedQueryRequest } from '../shared/query.js';
import type { ColumnDef, ModuleDef, SearchIndexDef } from '../shared/modules/types.js';
import { analysePattern, type TextPattern } from './search/pattern.js';

export { wildcardToLike } from './search/pattern.js';

export interface CompiledQuery {
  where: string; // '' when there is no condition
  params: unknown[];
  orderBy: string;
}

/** A text `contains` condition, as the planner sees it. */
export interface TextTerm {
  /** The fields it spans: one, or the module's anyFields. */
  fields: readonly string[];
  pattern: TextPattern;
  /** Every field is in the search index (so the narrow fields table can answer it). */
  covered: boolean;
  /** The trigram index can narrow it: covered, and a piece of three characters or more. */
  canFts: boolean;
  /** The joined text table covers exactly these fields. */
  canText: boolean;
  index?: SearchIndexDef;
}

/**
 * How a `contains` condition is evaluated. Every plan gives exactly the rows of the plain LIKE:
 * `fts` (an FTS5 query on some of the pattern's trigrams) and `ids` (those candidates, already
 * fetched) only put a superset in front of it; `fields` runs the same LIKE on the narrow copy
 * of the fields; `text` runs it on the joined fields, which is exact for a single piece and
 * otherwise a superset in front of the plain LIKE. The choice is about speed only.
 */
export type TextPlan = 'scan' | 'text' | 'fields' | { fts: string } | { ids: readonly number[] };
export type PlanChooser = (term: TextTerm) => TextPlan;

export function textTerm(def: ModuleDef, fields: readonly string[], pattern: TextPattern): TextTerm {
  const index = def.searchIndex;
  const covered = !!index && fields.every((f) => index.fields.includes(f));
  const sameSet = covered && index.fields.every((f) => fields.includes(f));
  return { fields, pattern, covered, canFts: covered && pattern.trigrams.length > 0, canText: sameSet, index };
}

function quoteIdent(name: string): string {
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

function containsSql(term: TextTerm, plan: TextPlan, params: unknown[]): string {
  const exact = () => {
    const parts = term.fields.map((f) => {
      params.push(term.pattern.like);
      return `${quoteIdent(f)} LIKE ? ESCAPE '\\'`;
    });
    return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  };
  const index = term.index;
  const id = quoteIdent('id');
  if (!index || plan === 'scan') return exact();
  if (typeof plan === 'object' && term.canFts) {
    if ('fts' in plan) {
      const fts = quoteIdent(index.ftsTable);
      params.push(plan.fts);
      return `(${id} IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ?) AND ${exact()})`;
    }
    params.push(JSON.stringify(plan.ids));
    return `(${id} IN (SELECT value FROM json_each(?)) AND ${exact()})`;
  }
  if (plan === 'text' && term.canText) {
    params.push(term.pattern.like);
    const text = `${id} IN (SELECT id FROM ${quoteIdent(index.textTable)} WHERE text LIKE ? ESCAPE '\\')`;
    return term.pattern.textExact ? text : `(${text} AND ${exact()})`;
  }
  if (plan === 'fields' && term.covered) return `${id} IN (SELECT id FROM ${quoteIdent(index.fieldsTable)} WHERE ${exact()})`;
  return exact();
}

/** The exact test of a term on its table of the search index: a WHERE for a count over it. */
export function indexCountSql(term: TextTerm, plan: 'text' | 'fields'): { table: string; where: string; params: unknown[] } | null {
  const index = term.index;
  if (!index) return null;
  if (plan === 'text' && term.canText && term.pattern.textExact) {
    return { table: quoteIdent(index.textTable), where: `text LIKE ? ESCAPE '\\'`, params: [term.pattern.like] };
  }
  if (plan === 'fields' && term.covered) {
    const params: unknown[] = [];
    const where = containsSql({ ...term, index: undefined }, 'scan', params);
    return { table: quoteIdent(index.fieldsTable), where, params };
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
  }
}

const plainScan: PlanChooser = () => 'scan';

/**
 * Compiles a query request for a module into parameterised SQL pieces. Without a chooser every
 * `contains` is the plain LIKE scan; db/services/query.ts chooses index plans per pattern.
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

  const sort = req.sort.length ? req.sort : def.defaultSort;
  const order = sort.map((s, i) => {
    columnOf(def, s.field, `sort.${i}.field`);
    return `${quoteIdent(s.field)} ${s.dir === 'desc' ? 'DESC' : 'ASC'}`;
  });
  // A unique tie-breaker keeps the 200 rows stable between refreshes.
  order.push(`${quoteIdent('id')} ${sort[0]?.dir === 'asc' ? 'ASC' : 'DESC'}`);
  return { where, params, orderBy: order.join(', ') };
}
