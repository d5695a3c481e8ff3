// The query panel's model, kept free of React and the DOM so that every rule is unit-tested.
// A draft holds what the user typed (raw text), never parsed values: it survives being stored
// and reloaded, and what is shown is always exactly what was typed.

import type { ColumnDef, ColumnType, ModuleDef } from '../../../shared/modules/types.js';
import { ANY_FIELD, DEFAULT_ROW_CAP, type Condition, type QueryRequest } from '../../../shared/query.js';
import { halfWidth, parseYuanToFen, ungroup } from '../../../shared/money.js';

/** Operators the panel offers. `on` exists only here; it becomes `eq` or `between` on the wire. */
export type DraftOp = 'contains' | 'equals' | 'empty' | 'notEmpty' | 'eq' | 'gte' | 'lte' | 'between' | 'on' | 'in';

export const quickRanges = [
  'today',
  'yesterday',
  'thisWeek',
  'lastWeek',
  'thisMonth',
  'lastMonth',
  'thisYear',
  'last7Days',
  'last30Days',
] as const;
export type QuickRange = (typeof quickRanges)[number];

export interface DraftRow {
  /** Stable within the draft; errors are keyed by it. */
  id: string;
  field: string;
  op: DraftOp;
  /** The single value, or the "from" of a between. */
  value: string;
  /** The "to" of a between. */
  valueTo: string;
  /** Checked values of a "one of" (enum values; 'true'/'false' for bool). */
  values: string[];
  /**
   * A quick date range the between was filled from. While set, the range is recomputed when
   * the query runs, so a stored "this week" still means this week next month.
   */
  range?: QuickRange;
}

export interface QueryDraft {
  join: 'and' | 'or';
  rows: DraftRow[];
}

/** The schema allows 20 conditions per request. */
export const MAX_ROWS = 20;
/** The schema allows text values up to 200 characters. */
export const MAX_TEXT = 200;

/** How the panel treats a field: the pseudo-field `any` is a text field limited to contains. */
export type OpGroup = 'any' | 'text' | 'number' | 'date' | 'set';

export function opGroup(type: ColumnType | 'any'): OpGroup {
  switch (type) {
    case 'any':
      return 'any';
    case 'text':
      return 'text';
    case 'number':
    case 'money':
      return 'number';
    case 'date':
    case 'datetime':
      return 'date';
    case 'enum':
    case 'bool':
      return 'set';
  }
}

const opsByGroup: Record<OpGroup, readonly DraftOp[]> = {
  any: ['contains'],
  text: ['contains', 'equals', 'empty', 'notEmpty'],
  number: ['eq', 'gte', 'lte', 'between'],
  date: ['on', 'gte', 'lte', 'between'],
  set: ['in'],
};

/** A field's type, or 'any' for the quick-search pseudo-field; undefined when unknown. */
export function fieldType(module: ModuleDef, field: string): ColumnType | 'any' | undefined {
  if (field === ANY_FIELD) return module.anyFields.length ? 'any' : undefined;
  return module.columns.find((c) => c.field === field)?.type;
}

export function opsFor(type: ColumnType | 'any'): readonly DraftOp[] {
  return opsByGroup[opGroup(type)];
}

/** i18n key of an operator's label; the same op reads differently by type ("≥" vs "from"). */
export function opLabelKey(type: ColumnType | 'any', op: DraftOp): string {
  const group = opGroup(type);
  return `queryPanel.ops.${group === 'any' ? 'text' : group}.${op}`;
}

/** Which value inputs an operator shows. */
export function opArity(op: DraftOp): 'none' | 'one' | 'two' | 'set' {
  if (op === 'empty' || op === 'notEmpty') return 'none';
  if (op === 'between') return 'two';
  if (op === 'in') return 'set';
  return 'one';
}

/** The choices of a "one of": enum values, or 'true'/'false' for a bool. */
export function setChoices(col: ColumnDef): readonly string[] {
  if (col.type === 'bool') return ['true', 'false'];
  return col.enumValues ?? [];
}

// ---------- draft editing (pure; the component only calls these) ----------

function blankRow(id: string, module: ModuleDef, field: string): DraftRow {
  const type = fieldType(module, field) ?? 'text';
  return { id, field, op: opsFor(type)[0], value: '', valueTo: '', values: [] };
}

function defaultField(module: ModuleDef): string {
  if (module.anyFields.length) return ANY_FIELD;
  return module.columns[0]?.field ?? ANY_FIELD;
}

/** One blank "any field contains" row: running it lists everything, as the legacy window does. */
export function emptyDraft(module: ModuleDef): QueryDraft {
  return { join: 'and', rows: [blankRow('r1', module, defaultField(module))] };
}

function nextRowId(draft: QueryDraft): string {
  let max = 0;
  for (const r of draft.rows) {
    const n = /^r(\d+)$/.exec(r.id);
    if (n) max = Math.max(max, Number(n[1]));
  }
  return `r${max + 1}`;
}

/** Adds a row after the others; a new row starts on the first column a user sees. */
export function addRow(module: ModuleDef, draft: QueryDraft): QueryDraft {
  if (draft.rows.length >= MAX_ROWS) return draft;
  const first = module.columns.find((c) => !c.hidden) ?? module.columns[0];
  const field = first ? first.field : defaultField(module);
  return { ...draft, rows: [...draft.rows, blankRow(nextRowId(draft), module, field)] };
}

/** Removes a row; the last row left is cleared instead, so there is always a row to type in. */
export function removeRow(module: ModuleDef, draft: QueryDraft, id: string): QueryDraft {
  if (draft.rows.length <= 1) return emptyDraft(module);
  return { ...draft, rows: draft.rows.filter((r) => r.id !== id) };
}

export function updateRow(draft: QueryDraft, id: string, patch: Partial<Omit<DraftRow, 'id'>>): QueryDraft {
  return { ...draft, rows: draft.rows.map((r) => (r.id === id ? { ...r, ...patch } : r)) };
}

/**
 * A new field keeps the operator and the typed values when they still make sense (text to
 * text, date to date); otherwise the row starts over with the type's first operator.
 */
export function setRowField(module: ModuleDef, draft: QueryDraft, id: string, field: string): QueryDraft {
  const row = draft.rows.find((r) => r.id === id);
  if (!row) return draft;
  const oldType = fieldType(module, row.field);
  const newType = fieldType(module, field);
  if (!newType) return draft;
  const ops = opsFor(newType);
  const sameKind = oldType !== undefined && opGroup(oldType) === opGroup(newType) && opGroup(newType) !== 'set';
  const textish = oldType !== undefined && ['any', 'text'].includes(opGroup(oldType)) && ['any', 'text'].includes(opGroup(newType));
  if (sameKind || textish) {
    const op = ops.includes(row.op) ? row.op : ops[0];
    return updateRow(draft, id, { field, op });
  }
  return updateRow(draft, id, { field, op: ops[0], value: '', valueTo: '', values: [], range: undefined });
}

export function setRowOp(draft: QueryDraft, id: string, op: DraftOp): QueryDraft {
  // A quick range only describes a between.
  return updateRow(draft, id, op === 'between' ? { op } : { op, range: undefined });
}

/** Typing into a value replaces a quick range: the typed days are what the user now means. */
export function setRowValue(draft: QueryDraft, id: string, which: 'value' | 'valueTo', text: string): QueryDraft {
  return updateRow(draft, id, { [which]: text, range: undefined });
}

export function toggleRowValue(draft: QueryDraft, id: string, value: string, checked: boolean): QueryDraft {
  const row = draft.rows.find((r) => r.id === id);
  if (!row) return draft;
  const values = checked ? [...new Set([...row.values, value])] : row.values.filter((v) => v !== value);
  return updateRow(draft, id, { values });
}

/** Fills a between from a quick range relative to `now`, and remembers the range. */
export function applyQuickRange(module: ModuleDef, draft: QueryDraft, id: string, range: QuickRange, now: Date): QueryDraft {
  const row = draft.rows.find((r) => r.id === id);
  const type = row && fieldType(module, row.field);
  if (!type || opGroup(type) !== 'date') return draft;
  const { from, to } = quickRangeDays(range, now);
  return updateRow(draft, id, { op: 'between', value: from, valueTo: to, range });
}

/**
 * Repairs a stored draft against the module as it is now: unknown fields, operators that no
 * longer fit and malformed entries are dropped or reset, never trusted.
 */
export function normalizeDraft(module: ModuleDef, raw: unknown): QueryDraft {
  if (!raw || typeof raw !== 'object') return emptyDraft(module);
  const obj = raw as { join?: unknown; rows?: unknown };
  const join = obj.join === 'or' ? 'or' : 'and';
  const rows: DraftRow[] = [];
  const seen = new Set<string>();
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  for (const r of Array.isArray(obj.rows) ? obj.rows : []) {
    if (!r || typeof r !== 'object' || rows.length >= MAX_ROWS) continue;
    const row = r as Record<string, unknown>;
    const field = str(row.field);
    const type = fieldType(module, field);
    if (!type) continue;
    let id = str(row.id);
    if (!/^r\d+$/.test(id) || seen.has(id)) id = nextRowId({ join, rows });
    seen.add(id);
    const ops = opsFor(type);
    const op = ops.includes(row.op as DraftOp) ? (row.op as DraftOp) : ops[0];
    const col = module.columns.find((c) => c.field === field);
    const allowed = col ? setChoices(col) : [];
    const values = Array.isArray(row.values) ? row.values.filter((v): v is string => typeof v === 'string' && allowed.includes(v)) : [];
    const range = op === 'between' && quickRanges.includes(row.range as QuickRange) ? (row.range as QuickRange) : undefined;
    rows.push({ id, field, op, value: str(row.value), valueTo: str(row.valueTo), values: [...new Set(values)], ...(range ? { range } : {}) });
  }
  return rows.length ? { join, rows } : emptyDraft(module);
}

/** Rows that will become a condition (a blank "contains" matches everything and is skipped). */
export function activeRowCount(draft: QueryDraft): number {
  return draft.rows.filter((r) => !(r.op === 'contains' && r.value.trim() === '')).length;
}

// ---------- parsing ----------

// Full-width input (a Chinese input method) is read as ASCII by halfWidth (shared/money.ts).

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ErrorKey };

export const errorKeys = {
  required: 'queryPanel.errors.required',
  number: 'queryPanel.errors.number',
  money: 'queryPanel.errors.money',
  moneyDecimals: 'queryPanel.errors.moneyDecimals',
  tooLarge: 'queryPanel.errors.tooLarge',
  date: 'queryPanel.errors.date',
  dateTime: 'queryPanel.errors.dateTime',
  reversed: 'queryPanel.errors.reversed',
  pickOne: 'queryPanel.errors.pickOne',
  tooLong: 'queryPanel.errors.tooLong',
} as const;
export type ErrorKey = (typeof errorKeys)[keyof typeof errorKeys];

/** A plain decimal number: no hex, no exponent, no Infinity — what a clerk types. */
export function parseNumber(raw: string): Parsed<number> {
  const m = /^([+-]?)([\d,]*)(?:\.(\d*))?$/.exec(halfWidth(raw));
  const whole = m ? ungroup(m[2]) : null;
  if (!m || whole === null || (whole === '' && (m[3] ?? '') === '')) return { ok: false, error: errorKeys.number };
  const n = Number(`${m[1]}${whole || '0'}.${m[3] || '0'}`);
  if (!Number.isFinite(n) || Math.abs(n) > Number.MAX_SAFE_INTEGER) return { ok: false, error: errorKeys.tooLarge };
  return { ok: true, value: n === 0 ? 0 : n };
}

/** Yuan as typed → integer fen: the shared parser (shared/money.ts), with this panel's error keys. */
export function parseMoney(raw: string): Parsed<number> {
  const parsed = parseYuanToFen(raw);
  return parsed.ok ? parsed : { ok: false, error: errorKeys[parsed.error] };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

export interface ParsedDate {
  /** 'YYYY-MM-DD' */
  day: string;
  /** 'HH:MM:SS' when a time was typed */
  time?: string;
  /** whether seconds were typed (a typed '18:30' as an upper bound means up to 18:30:59) */
  seconds?: boolean;
}

/**
 * A day as people type it: 2026-11-03, 2026-11-3, 2026/11/03, 2026.11.3, 20261103,
 * 2026年11月3日; optionally followed by a time (8:05, 08:05:30). Checked against the calendar.
 */
export function parseDate(raw: string): ParsedDate | null {
  const text = halfWidth(raw).replace(/\s+/g, ' ');
  const m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text) ??
    /^(\d{4})年\s?(\d{1,2})月\s?(\d{1,2})[日号]?(?: ?(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  const day = `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
  if (m[4] === undefined) return { day };
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  return { day, time: `${pad(h)}:${pad(mi)}:${pad(s)}`, seconds: m[6] !== undefined };
}

export function formatDay(d: Date): string {
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local calendar arithmetic (new Date(y, m, d) normalises overflow, and knows no DST hour). */
function day(y: number, m0: number, d: number): string {
  return formatDay(new Date(y, m0, d, 12));
}

/** The first and last day of a quick range, in the local time of `now`; weeks start on Monday. */
export function quickRangeDays(range: QuickRange, now: Date): { from: string; to: string } {
  const y = now.getFullYear();
  const m = now.getMonth();
  const d = now.getDate();
  const sinceMonday = (now.getDay() + 6) % 7;
  switch (range) {
    case 'today':
      return { from: day(y, m, d), to: day(y, m, d) };
    case 'yesterday':
      return { from: day(y, m, d - 1), to: day(y, m, d - 1) };
    case 'thisWeek':
      return { from: day(y, m, d - sinceMonday), to: day(y, m, d - sinceMonday + 6) };
    case 'lastWeek':
      return { from: day(y, m, d - sinceMonday - 7), to: day(y, m, d - sinceMonday - 1) };
    case 'thisMonth':
      return { from: day(y, m, 1), to: day(y, m + 1, 0) };
    case 'lastMonth':
      return { from: day(y, m - 1, 1), to: day(y, m, 0) };
    case 'thisYear':
      return { from: day(y, 0, 1), to: day(y, 11, 31) };
    case 'last7Days':
      return { from: day(y, m, d - 6), to: day(y, m, d) };
    case 'last30Days':
      return { from: day(y, m, d - 29), to: day(y, m, d) };
  }
}

// ---------- validation and the request ----------

/** Where an error belongs: which input of the row is marked. */
export type ErrorTarget = 'value' | 'valueTo' | 'both' | 'values';
export interface RowError {
  key: ErrorKey;
  target: ErrorTarget;
}

type RowResult = { condition: Condition | null } | { error: RowError };

const fail = (key: ErrorKey, target: ErrorTarget): RowResult => ({ error: { key, target } });

/**
 * Date-times are stored as UTC instants (ISO, as `toISOString` writes them); what the clerk types
 * is this computer's wall time, so a bound becomes the instant it names, in the stored form.
 */
export function instantOf(day: string, time: string, end: boolean): string {
  const [y, mo, d] = day.split('-').map(Number);
  const [h, mi, sec] = time.split(':').map(Number);
  return new Date(y, mo - 1, d, h, mi, sec, end ? 999 : 0).toISOString();
}

/** A bound of a date column: a datetime bound gets the start or end of the day, or the typed time. */
function dateBound(col: ColumnDef, raw: string, end: boolean): Parsed<string> {
  const p = parseDate(raw);
  if (!p) return { ok: false, error: errorKeys.date };
  if (col.type === 'date') return p.time ? { ok: false, error: errorKeys.dateTime } : { ok: true, value: p.day };
  if (!p.time) return { ok: true, value: instantOf(p.day, end ? '23:59:59' : '00:00:00', end) };
  return { ok: true, value: instantOf(p.day, end && !p.seconds ? p.time.slice(0, 6) + '59' : p.time, end) };
}

function scalarOf(col: ColumnDef, raw: string, end: boolean): Parsed<string | number> {
  if (col.type === 'money') return parseMoney(raw);
  if (col.type === 'number') return parseNumber(raw);
  return dateBound(col, raw, end);
}

function compileRow(module: ModuleDef, row: DraftRow, now: Date): RowResult {
  if (row.field === ANY_FIELD) {
    const value = row.value.trim();
    if (value.length > MAX_TEXT) return fail(errorKeys.tooLong, 'value');
    return { condition: value ? { field: ANY_FIELD, op: 'contains', value } : null };
  }
  const col = module.columns.find((c) => c.field === row.field);
  if (!col) return { condition: null }; // normalizeDraft drops these; never send an unknown field
  const field = col.field;
  const group = opGroup(col.type);
  const op = opsFor(col.type).includes(row.op) ? row.op : opsFor(col.type)[0];

  if (group === 'text') {
    if (op === 'empty' || op === 'notEmpty') return { condition: { field, op } };
    const value = row.value.trim();
    if (value.length > MAX_TEXT) return fail(errorKeys.tooLong, 'value');
    // A blank pattern is a row not filled in: it matches everything, so it is left out
    // rather than turning an OR into "all rows".
    if (op === 'contains') return { condition: value ? { field, op, value } : null };
    if (!value) return fail(errorKeys.required, 'value');
    return { condition: { field, op: 'equals', value } };
  }

  if (group === 'set') {
    const choices = setChoices(col);
    const picked = choices.filter((v) => row.values.includes(v));
    if (!picked.length) return fail(errorKeys.pickOne, 'values');
    const value = col.type === 'bool' ? picked.map((v) => v === 'true') : picked;
    return { condition: { field, op: 'in', value } };
  }

  // number, money, date, datetime
  let from = row.value;
  let to = row.valueTo;
  if (op === 'between' && row.range && group === 'date') ({ from, to } = quickRangeDays(row.range, now));

  if (op === 'on') {
    if (!from.trim()) return fail(errorKeys.required, 'value');
    const p = parseDate(from);
    if (!p) return fail(errorKeys.date, 'value');
    if (p.time) return fail(errorKeys.dateTime, 'value');
    if (col.type === 'date') return { condition: { field, op: 'eq', value: p.day } };
    return { condition: { field, op: 'between', value: [instantOf(p.day, '00:00:00', false), instantOf(p.day, '23:59:59', true)] } };
  }

  if (op === 'between') {
    const hasFrom = from.trim() !== '';
    const hasTo = to.trim() !== '';
    if (!hasFrom && !hasTo) return fail(errorKeys.required, 'both');
    const a = hasFrom ? scalarOf(col, from, false) : undefined;
    if (a && !a.ok) return fail(a.error, 'value');
    const b = hasTo ? scalarOf(col, to, true) : undefined;
    if (b && !b.ok) return fail(b.error, 'valueTo');
    const lo = a?.ok ? a.value : undefined;
    const hi = b?.ok ? b.value : undefined;
    // One side left open reads as "from …" or "up to …".
    if (lo === undefined) return { condition: { field, op: 'lte', value: hi! } };
    if (hi === undefined) return { condition: { field, op: 'gte', value: lo } };
    if (lo > hi) return fail(errorKeys.reversed, 'both');
    return { condition: { field, op: 'between', value: [lo, hi] } };
  }

  if (!from.trim()) return fail(errorKeys.required, 'value');
  // Left: eq/gte/lte. Dates never get eq here (they offer `on`), so an upper bound is the only
  // case where a day means its end.
  const v = scalarOf(col, from, op === 'lte');
  if (!v.ok) return fail(v.error, 'value');
  return { condition: { field, op: op as 'eq' | 'gte' | 'lte', value: v.value } };
}

/** Every row's problem, by row id (empty when the draft can be sent). */
export function validateDraft(module: ModuleDef, draft: QueryDraft, now: Date): Record<string, RowError> {
  const errors: Record<string, RowError> = {};
  for (const row of draft.rows) {
    const r = compileRow(module, row, now);
    if ('error' in r) errors[row.id] = r.error;
  }
  return errors;
}

/**
 * The request a draft asks for, or the i18n key of each row's problem. Pure: `now` resolves
 * the quick date ranges. The caller may replace sort and limit.
 */
export function draftToRequest(
  module: ModuleDef,
  draft: QueryDraft,
  now: Date,
): { request: QueryRequest } | { errors: Record<string, string> } {
  const conditions: Condition[] = [];
  const errors: Record<string, string> = {};
  for (const row of draft.rows.slice(0, MAX_ROWS)) {
    const r = compileRow(module, row, now);
    if ('error' in r) errors[row.id] = r.error.key;
    else if (r.condition) conditions.push(r.condition);
  }
  if (Object.keys(errors).length) return { errors };
  return { request: { conditions, join: draft.join === 'or' ? 'or' : 'and', sort: [], limit: DEFAULT_ROW_CAP } };
}
