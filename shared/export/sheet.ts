import { z } from 'zod';
import type { ColumnType } from '../modules/types.js';
import { compareValues } from '../grid/compare.js';
import type { GridLine } from '../grid/grouping.js';
import { sortSchema, type Row, type SortSpec } from '../query.js';

// What the user sees as a list, as data: the one shape both exports take — the visible rows
// written in the renderer and "export all" written by the backend. Everything language-dependent
// (labels, enum and bool texts) is already in the spec, so the writers need no i18n.

export interface SheetColumn {
  field: string;
  label: string;
  type: ColumnType;
  widthPx: number;
  enumLabels?: Record<string, string>;
  /** [text for true, text for false] */
  boolLabels?: [string, string];
  /** Group header rows show the group's sum in this column (number and money columns). */
  summable?: boolean;
}

export interface SheetSpec {
  title: string;
  /** Visible columns, in screen order. */
  columns: SheetColumn[];
  /** Group fields, in level order. */
  groupBy: string[];
  sort: SortSpec[];
  /** Text of an empty group value, e.g. "（空）"; defaults to "-". */
  emptyLabel?: string;
  /**
   * Group fields that are not among `columns` (a grouped column is shown by its group rows):
   * their labels and value texts, so group headers read as on screen.
   */
  groupColumns?: SheetColumn[];
  /** Per summed field, the words naming its sum in a group label (e.g. 费用合计). */
  sumLabels?: Record<string, string>;
  /**
   * Summed fields that are neither shown nor grouped (a hidden money column): their types, so
   * their sums in group labels read as money or numbers.
   */
  sumColumns?: SheetColumn[];
  /**
   * IANA time zone of the screen (e.g. "Asia/Shanghai"): values stored with a zone (creation
   * times in UTC) are written in it. Absent, the zone of the process that writes the file.
   */
  timeZone?: string;
}

export type SheetLine =
  | {
      kind: 'group';
      /** 0-based */
      level: number;
      field: string;
      value: string | number | null;
      /** e.g. "客户：华信有限公司（12）" */
      label: string;
      count: number;
      sums: Record<string, number>;
    }
  | { kind: 'row'; /** = groupBy.length */ level: number; row: Row };

export const exportFormats = ['xlsx', 'html'] as const;
export type ExportFormat = (typeof exportFormats)[number];

// Kept here rather than in modules/types.ts, which only declares the type.
const columnTypes = ['text', 'number', 'money', 'date', 'datetime', 'enum', 'bool'] as const satisfies readonly ColumnType[];

const label = z.string().max(200);
export const sheetColumnSchema = z.strictObject({
  field: z.string().min(1).max(64),
  label,
  type: z.enum(columnTypes),
  widthPx: z.number().finite().min(0).max(5000),
  enumLabels: z.record(z.string().max(64), label).optional(),
  boolLabels: z.tuple([label, label]).optional(),
  summable: z.boolean().optional(),
});
/** An IANA zone name this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const sheetSpecSchema = z.strictObject({
  title: z.string().max(100),
  columns: z.array(sheetColumnSchema).min(1).max(100),
  groupBy: z.array(z.string().min(1).max(64)).max(5),
  sort: z.array(sortSchema).max(5),
  emptyLabel: label.optional(),
  groupColumns: z.array(sheetColumnSchema).max(5).optional(),
  sumLabels: z.record(z.string().max(64), label).optional(),
  sumColumns: z.array(sheetColumnSchema).max(100).optional(),
  timeZone: z.string().min(1).max(64).refine(isTimeZone, 'Not a known time zone.').optional(),
});

const cjk = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;

/**
 * The text of a group header, the same on screen and in the files: "客户：华信有限公司（12）"
 * with a Chinese column label, "Customer: Huaxin Ltd (12)" otherwise. Sums, when given as
 * [label, text] pairs, follow the count.
 */
export function groupLineLabel(columnLabel: string, valueText: string, count: number, sums?: readonly (readonly [string, string])[]): string {
  const zh = cjk.test(columnLabel);
  const n = count.toLocaleString('en-US');
  const extra = (sums ?? []).map(([l, t]) => (zh ? `，${l} ${t}` : `, ${l} ${t}`)).join('');
  return zh ? `${columnLabel}：${valueText}（${n}${extra}）` : `${columnLabel}: ${valueText} (${n}${extra})`;
}

const pad = (n: number) => String(n).padStart(2, '0');

export type DateParts = [number, number, number, number, number, number];

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock parts of an instant in an IANA zone. */
function zonedParts(d: Date, timeZone: string): DateParts {
  let f = zoneFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // A handful of zones at most (one per client), so the cache stays small.
    if (zoneFormats.size < 64) zoneFormats.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(d)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second];
}

/**
 * Wall-clock parts of a stored date or date-time (local `YYYY-MM-DD[ HH:MM[:SS]]`). A value with
 * a zone (the database keeps creation times as UTC ISO) is shown in `timeZone` — the screen's,
 * so export-all on a server in another zone writes what the user saw — or, without one, in the
 * zone of this process.
 */
export function dateParts(value: unknown, timeZone?: string): DateParts | null {
  if (value === null || value === undefined || value === '') return null;
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(String(value))) {
    const d = new Date(String(value));
    if (!Number.isNaN(d.getTime())) {
      if (timeZone) return zonedParts(d, timeZone);
      return [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
    }
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(String(value));
  if (!m) return null;
  return [+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
}

function isTrue(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

/** Money in rows is integer fen; files show yuan. */
export function formatMoney(fen: number): string {
  return `¥${money.format(fen / 100)}`;
}

/**
 * The text a cell shows in a file (HTML, group labels); locale-independent numbers. Zoned
 * date-times are written in `timeZone` (see SheetSpec.timeZone).
 */
export function cellText(col: SheetColumn, value: unknown, timeZone?: string): string {
  if (value === null || value === undefined || value === '') return '';
  switch (col.type) {
    case 'enum':
      return col.enumLabels?.[String(value)] ?? String(value);
    case 'bool':
      return col.boolLabels ? col.boolLabels[isTrue(value) ? 0 : 1] : isTrue(value) ? '✓' : '';
    case 'date':
    case 'datetime': {
      const p = dateParts(value, timeZone);
      if (!p) return String(value);
      const date = `${p[0]}-${pad(p[1])}-${pad(p[2])}`;
      return col.type === 'date' ? date : `${date} ${pad(p[3])}:${pad(p[4])}`;
    }
    case 'money': {
      const n = Number(value);
      return Number.isFinite(n) ? formatMoney(n) : String(value);
    }
    case 'number': {
      const n = Number(value);
      return Number.isFinite(n) ? plain.format(n) : String(value);
    }
    default:
      return String(value);
  }
}

/** The group header text for a value of a group column. */
export function groupValueText(spec: Pick<SheetSpec, 'emptyLabel' | 'timeZone'>, col: SheetColumn, value: unknown): string {
  const text = cellText(col, value, spec.timeZone);
  return text === '' ? (spec.emptyLabel ?? '-') : text;
}

/** Column of the spec for a field (shown, grouped or summed), or a plain text column. */
export function specColumn(spec: SheetSpec, field: string): SheetColumn {
  return (
    spec.columns.find((c) => c.field === field) ??
    spec.groupColumns?.find((c) => c.field === field) ??
    spec.sumColumns?.find((c) => c.field === field) ?? { field, label: field, type: 'text', widthPx: 100 }
  );
}

/** The [label, text] pairs of a group's sums that its label names (see SheetSpec.sumLabels). */
export function groupSumTexts(spec: SheetSpec, sums: Record<string, number>): [string, string][] {
  const out: [string, string][] = [];
  for (const [field, words] of Object.entries(spec.sumLabels ?? {})) {
    if (sums[field] !== undefined) out.push([words, cellText(specColumn(spec, field), sums[field], spec.timeZone)]);
  }
  return out;
}

/**
 * The one rule for a group header's text, on screen, in the visible-rows files and in
 * export-all: the group column's label (SheetSpec.columns or groupColumns), its value's text,
 * the count, and the sums named in SheetSpec.sumLabels.
 */
export function groupLabelText(spec: SheetSpec, field: string, value: unknown, count: number, sums: Record<string, number>): string {
  const col = specColumn(spec, field);
  return groupLineLabel(col.label, groupValueText(spec, col, value), count, groupSumTexts(spec, sums));
}

/** The grid's lines (shared/grid/grouping.ts) as the lines the export writers take. */
export function gridToSheetLines(spec: SheetSpec, lines: readonly GridLine[]): SheetLine[] {
  return lines.map((line) =>
    line.kind === 'row'
      ? { kind: 'row', level: line.level, row: line.row }
      : {
          kind: 'group',
          level: line.level,
          field: line.field,
          value: line.value,
          label: groupLabelText(spec, line.field, line.value, line.count, line.sums),
          count: line.count,
          sums: line.sums,
        },
  );
}

/** Order of group values: ascending by the column's comparator, descending if sorted so. */
export function groupOrder(spec: SheetSpec, field: string): (a: unknown, b: unknown) => number {
  const col = specColumn(spec, field);
  const enumValues = col.enumLabels ? Object.keys(col.enumLabels) : undefined;
  const sign = spec.sort.find((s) => s.field === field)?.dir === 'desc' ? -1 : 1;
  return (a, b) => sign * compareValues({ type: col.type, enumValues }, a as never, b as never);
}

/**
 * `<title>-<yyyyMMdd-HHmm>.<ext>`, with characters file systems refuse replaced; the time in
 * `timeZone` (the user's), else in this process's zone.
 */
export function exportFileName(title: string, format: ExportFormat, now = new Date(), timeZone?: string): string {
  const safe = title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim() || 'export';
  const [y, mo, d, h, mi] = timeZone ? zonedParts(now, timeZone) : [now.getFullYear(), now.getMonth() + 1, now.getDate(), now.getHours(), now.getMinutes()];
  const stamp = `${y}${pad(mo)}${pad(d)}-${pad(h)}${pad(mi)}`;
  return `${safe}-${stamp}.${format}`;
}
