import { ServiceError } from '../shared/errors.js';
import { ANY_FIELD, wildcardPieces, type Condition, type ParsedQueryRequest } from '../shared/query.js';
import type { ColumnDef, ModuleDef } from '../shared/modules/types.js';

export interface CompiledQuery {
  where: string; // '' when there is no condition
  params: unknown[];
  orderBy: string;
}

/**
 * Legacy `*` pattern → LIKE pattern. The pattern matches anywhere in the value (as if it began
 * and ended with `*`); `%`, `_` and `\` typed by the user are literal, escaped with `\`.
 * Returns null for a pattern with no literal piece (empty, or only `*`): it matches everything.
 */
export function wildcardToLike(pattern: string): string | null {
  const pieces = wildcardPieces(pattern);
  if (pieces.length === 0) return null;
  const escaped = pieces.map((p) => p.replace(/[\\%_]/g, (c) => `\\${c}`));
  return `%${escaped.join('%')}%`;
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

function compileCondition(def: ModuleDef, c: Condition, path: string, params: unknown[]): string | null {
  if (c.field === ANY_FIELD) {
    if (c.op !== 'contains') invalid(`${path}.op`, 'The quick search only supports "contains".');
    if (typeof c.value !== 'string') invalid(`${path}.value`, 'A text pattern is required.');
    const like = wildcardToLike(c.value);
    if (like === null) return null;
    const parts = def.anyFields.map((f) => {
      params.push(like);
      return `${quoteIdent(f)} LIKE ? ESCAPE '\\'`;
    });
    return `(${parts.join(' OR ')})`;
  }
  const col = columnOf(def, c.field, `${path}.field`);
  const id = quoteIdent(col.field);
  switch (c.op) {
    case 'contains': {
      if (typeof c.value !== 'string') invalid(`${path}.value`, 'A text pattern is required.');
      const like = wildcardToLike(c.value);
      if (like === null) return null;
      params.push(like);
      return `${id} LIKE ? ESCAPE '\\'`;
    }
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

/** Compiles a query request for a module into parameterised SQL pieces. */
export function compileQuery(def: ModuleDef, req: ParsedQueryRequest): CompiledQuery {
  const params: unknown[] = [];
  const compiled = req.conditions.map((c, i) => compileCondition(def, c, `conditions.${i}`, params));
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
