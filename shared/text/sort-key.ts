import { pinyin } from 'pinyin-pro';
import { fold } from './fold.js';

// The one sort key of text, used by the database (the SQL function pim_sortkey, stored sort-key
// columns kept by triggers) and by the grid's comparator, so that the first 200 rows, export all
// and the grid's groups come in the same order:
//
//   primary  — Chinese characters as pinyin with the tone as a digit (安 → an1, 阿 → a1: the
//              tone digit ends the syllable and sorts before letters, so 阿 < 安 as in a
//              dictionary); other text folded (fold.ts: case and width) and without accents
//              (NFD, marks dropped); a run of digits by value (length first: 2 < 10); control
//              characters dropped.
//   U+0001   — a separator below every character of the primary part;
//   folded   — the folded original, so that two texts with the same pinyin (华 and 化) or the
//              same letters (é and e) still have one order; texts that fold alike are equal, and
//              the row id (appended by the query compiler) decides between them.
//
// Keys are compared by code point — SQLite's BINARY collation compares UTF-8 bytes, which is the
// same order; compareKeys below does it in JavaScript (UTF-16 code units would differ above
// U+FFFF). Empty text and NULL have the key '' (first ascending).
//
// Stored keys depend on pinyin-pro's readings: a new version that reads a character otherwise
// changes the order of old rows only after their keys are written again (SORT_KEY_VERSION).

export const SORT_KEY_VERSION = 1;
export const SORT_KEY_SEPARATOR = '\u0001';

const HAN = /\p{Script=Han}/u;
const HAN_RUNS = /(\p{Script=Han}+)/u;
const MARKS = /\p{M}/gu;
const DIGITS = /[0-9]+/g;
// Control characters (and the separator) never reach the primary part.
const CONTROLS = /[\u0000-\u001f\u007f]/g;

/** A run of digits by value: its length (as one character from '1') before the digits. */
function numberKey(run: string): string {
  const digits = run.replace(/^0+(?=\d)/, '');
  return String.fromCharCode(0x30 + Math.min(digits.length, 0x4f)) + digits;
}

function latinKey(text: string): string {
  return text.normalize('NFD').replace(MARKS, '').replace(CONTROLS, '').replace(DIGITS, numberKey);
}

function primaryKey(folded: string): string {
  if (!HAN.test(folded)) return latinKey(folded);
  let out = '';
  for (const part of folded.split(HAN_RUNS)) {
    if (part === '') continue;
    if (HAN.test(part)) {
      // Word by word (pinyin-pro reads 重庆 as chong2 qing4, 银行 as yin2 hang2); a character it
      // has no reading for stays itself.
      const syllables = pinyin(part, { toneType: 'num', type: 'array', v: true }) as string[];
      for (const s of syllables) out += s;
    } else {
      out += latinKey(part);
    }
  }
  return out;
}

const cache = new Map<string, string>();
const CACHE_MAX = 50_000;

/** The sort key of a text value; '' for null and empty. */
export function sortKey(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const text = String(value);
  let key = cache.get(text);
  if (key === undefined) {
    const folded = fold(text);
    key = primaryKey(folded) + SORT_KEY_SEPARATOR + folded;
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(text, key);
  }
  return key;
}

/**
 * The primary part of the sort key alone (what the database stores and indexes: the order of
 * sortKey is that of (primary, folded text), so a stored primary part plus the folded text at
 * query time gives it, at half the size).
 */
export function sortKeyPrimary(value: string | number | null | undefined): string {
  const key = sortKey(value);
  const at = key.indexOf(SORT_KEY_SEPARATOR);
  return at < 0 ? key : key.slice(0, at);
}

/** Code-point order of two strings (the order of their UTF-8 bytes, as SQLite's BINARY). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (a code point above U+FFFF) is above every other UTF-16 unit in code-point order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Ascending order of two text values by their sort keys; empty first. */
export function compareBySortKey(a: string | number | null | undefined, b: string | number | null | undefined): number {
  return compareKeys(sortKey(a), sortKey(b));
}
