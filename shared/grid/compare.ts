import type { ColumnDef } from '../modules/types.js';
import type { Row, SortSpec } from '../query.js';
import { compareKeys, sortKey } from '../text/sort-key.js';

export type CellValue = string | number | boolean | null | undefined;

// Legacy sort rule: numbers by value, Latin letters ignoring case (and accents), Chinese by
// pinyin letter by letter; digits inside text by value ("第2" before "第10"). Text compares by the
// one sort key of shared/text/sort-key.ts — the key the database sorts by (pim_sortkey and the
// stored keys) — so the grid's groups come in the order of the database's rows.

export function isEmptyValue(v: CellValue): boolean {
  return v === null || v === undefined || v === '';
}

/** Text by pinyin / case-insensitively; empty values first. */
export function compareText(a: CellValue, b: CellValue): number {
  const aEmpty = isEmptyValue(a);
  const bEmpty = isEmptyValue(b);
  if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? -1 : 1;
  return compareKeys(sortKey(String(a)), sortKey(String(b)));
}

function compareNumbers(a: CellValue, b: CellValue): number {
  const na = isEmptyValue(a) ? NaN : Number(a);
  const nb = isEmptyValue(b) ? NaN : Number(b);
  const aBad = Number.isNaN(na);
  const bBad = Number.isNaN(nb);
  if (aBad || bBad) return aBad === bBad ? 0 : aBad ? -1 : 1;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Epoch milliseconds of a stored date or date-time (local `YYYY-MM-DD HH:MM:SS` or ISO). */
function dateValue(v: CellValue): number {
  if (isEmptyValue(v)) return NaN;
  const text = String(v);
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    return new Date(+y, +mo - 1, +d, +h, +mi, +s).getTime();
  }
  return new Date(text).getTime();
}

function compareDates(a: CellValue, b: CellValue): number {
  return compareNumbers(dateValue(a), dateValue(b));
}

/** How booleans arrive from the database (0/1) or from JSON. */
export function isTrue(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

function booleanValue(v: CellValue): number | null {
  if (isEmptyValue(v)) return null;
  return isTrue(v) ? 1 : 0;
}

/** Ascending comparison of two values of a column, by the column's type; empty first. */
export function compareValues(col: Pick<ColumnDef, 'type' | 'enumValues'>, a: CellValue, b: CellValue): number {
  switch (col.type) {
    case 'number':
    case 'money':
      return compareNumbers(a, b);
    case 'date':
    case 'datetime':
      return compareDates(a, b);
    case 'bool':
      return compareNumbers(booleanValue(a), booleanValue(b));
    case 'enum': {
      // Enum values sort in the order of their definition (the life cycle), not by label.
      const values = col.enumValues;
      if (!values) return compareText(a, b);
      const rank = (v: CellValue) => (isEmptyValue(v) ? -1 : values.indexOf(String(v)) === -1 ? values.length : values.indexOf(String(v)));
      return rank(a) - rank(b);
    }
    default:
      return compareText(a, b);
  }
}

/** A row comparator for several sort columns (the first decides, the next break ties). */
export function rowComparator(columns: readonly ColumnDef[], sort: readonly SortSpec[]): (a: Row, b: Row) => number {
  const keys = sort
    .map((s) => ({ col: columns.find((c) => c.field === s.field), sign: s.dir === 'desc' ? -1 : 1 }))
    .filter((k): k is { col: ColumnDef; sign: 1 | -1 } => k.col !== undefined);
  return (a, b) => {
    for (const { col, sign } of keys) {
      const c = compareValues(col, a[col.field], b[col.field]);
      if (c !== 0) return c * sign;
    }
    return 0;
  };
}
