import type { TFunction } from 'i18next';
import type { ColumnDef } from '../../../shared/modules/types.js';
import { isTrue } from '../../../shared/grid/compare.js';

type Value = string | number | boolean | null | undefined;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Date-times from the database: `YYYY-MM-DD HH:MM[:SS]` without a zone is shown as written
 * (it is local time already); an ISO value with a zone is shown in this computer's time.
 */
export function formatDateTime(value: Value, withTime = true): string {
  if (value === null || value === undefined || value === '') return '';
  const text = String(value);
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text);
  if (zoned) {
    const d = new Date(text);
    if (!Number.isNaN(d.getTime())) {
      const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
      return withTime ? `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}` : date;
    }
  }
  const local = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(text);
  if (local) return withTime && local[2] ? `${local[1]} ${local[2]}` : local[1];
  return text;
}


/** The text a cell shows for a value of the column, in the current language. */
export function formatCell(col: ColumnDef, value: Value, t: TFunction, lang: string): string {
  if (value === null || value === undefined) return '';
  switch (col.type) {
    case 'enum':
      return col.enumKey ? t(`${col.enumKey}.${value}`, { defaultValue: String(value) }) : String(value);
    case 'bool':
      return isTrue(value) ? t('bool.true') : t('bool.false');
    case 'datetime':
      return formatDateTime(value, true);
    case 'date':
      return formatDateTime(value, false);
    case 'money': {
      // Money travels as integer fen.
      const n = Number(value);
      if (!Number.isFinite(n)) return String(value);
      return `¥${(n / 100).toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    }
    case 'number': {
      const n = Number(value);
      return Number.isFinite(n) ? n.toLocaleString(lang) : String(value);
    }
    default:
      return String(value);
  }
}

/**
 * A width at which a header label is not cut off: wide (CJK) characters count about one em,
 * others about half, plus room for padding and the sort arrow. Columns start at least this wide
 * so that English labels, longer than the Chinese ones, still read in full.
 */
export function headerWidth(label: string, fontSize = 13): number {
  let units = 0;
  for (const ch of label) units += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(ch) ? 1 : 0.58;
  return Math.ceil(units * fontSize + 40);
}
