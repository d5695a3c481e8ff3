import { match } from 'pinyin-pro';
import { halfWidth } from '../money.js';
import { fold, foldedPieces, piecesMatch } from './fold.js';

// Finding a Chinese name the way a clerk types it: the characters (华信), the initials (hx) or the
// full pinyin (huaxin, also run together with initials: huax, hxin), in any case and in
// full-width letters from a Chinese input method (ＨＸ). `*` separates pieces that must all be
// found, in order, as in the lists' quick search. One rule for every picker that filters a list
// it already holds (engineers, regions, task types, parts) and for the lists the server filters
// (the condition op `pinyin`: the SQL function pim_pinyin, db/open.ts, is pinyinMatch), so a
// lookup finds on the server exactly what a picker finds in the renderer.

/** What the clerk typed, as the matcher reads it: half-width, lower case, without outer spaces. */
export function normalizeQuery(query: string): string {
  return halfWidth(query).toLowerCase().trim();
}

const HAN = /\p{Script=Han}/u;
const LATIN = /^[a-z\s']+$/;

/**
 * Where `piece` is found in `text` from `from` on: the index after the match, or -1. Plain text
 * first (a part number, a name typed in characters), then pinyin of the Chinese characters.
 */
function findPiece(text: string, lower: string, piece: string, from: number): number {
  const at = lower.indexOf(piece, from);
  if (at !== -1) return at + piece.length;
  if (!LATIN.test(piece) || !HAN.test(text.slice(from))) return -1;
  const rest = text.slice(from);
  // pinyin-pro matches initials, full syllables and their mix, in consecutive characters.
  const hit = match(rest, piece.replace(/[\s']/g, ''), { precision: 'start', continuous: true, insensitive: true, v: true });
  if (!hit || hit.length === 0) return -1;
  return from + hit[hit.length - 1] + 1;
}

/**
 * Whether `text` matches what was typed: every `*`-separated piece found, in order, as text or as
 * pinyin (initials or full). An empty query matches everything.
 */
export function pinyinMatch(text: string | null | undefined, query: string): boolean {
  const q = normalizeQuery(query);
  if (!q) return true;
  if (!text) return false;
  // Typed as text, it matches as the lists' search does (one rule: width and case of every
  // script, shared/text/fold.ts); pinyin is what a picker adds to it.
  if (piecesMatch(foldedPieces(query), fold(text))) return true;
  const pieces = q.split('*').map((p) => p.trim()).filter((p) => p.length > 0);
  if (!pieces.length) return true;
  const lower = halfWidth(text).toLowerCase();
  // The text keeps its own characters (halfWidth trims): the positions are those of `lower`.
  const source = halfWidth(text);
  let from = 0;
  for (const piece of pieces) {
    const next = findPiece(source, lower, piece, from);
    if (next === -1) return false;
    from = next;
  }
  return true;
}

/** Whether any of the texts matches (a picker's line shows a name, a code, a region …). */
export function pinyinMatchAny(texts: readonly (string | null | undefined)[], query: string): boolean {
  if (!normalizeQuery(query)) return true;
  return texts.some((t) => pinyinMatch(t, query));
}

/**
 * How well a text matches, for ordering a picker's list: 0 when it starts with the typed text
 * (or its pinyin), 1 when it is found elsewhere, -1 when it does not match.
 */
export function pinyinRank(text: string | null | undefined, query: string): number {
  const q = normalizeQuery(query);
  if (!q) return 0;
  if (!pinyinMatch(text, query)) return -1;
  if (fold(text ?? '').startsWith(foldedPieces(query)[0] ?? '')) return 0;
  const first = q.split('*').map((p) => p.trim()).find((p) => p.length > 0) ?? '';
  const source = halfWidth(text ?? '');
  if (LATIN.test(first)) {
    const hit = match(source, first.replace(/[\s']/g, ''), { precision: 'start', continuous: true, insensitive: true, v: true });
    if (hit && hit[0] === 0) return 0;
  }
  return 1;
}

/** The items whose texts match, those that start with the typed text first, otherwise in their order. */
export function filterByPinyin<T>(items: readonly T[], query: string, texts: (item: T) => readonly (string | null | undefined)[]): T[] {
  if (!normalizeQuery(query)) return [...items];
  const ranked: { item: T; rank: number; index: number }[] = [];
  items.forEach((item, index) => {
    let best = -1;
    for (const t of texts(item)) {
      const r = pinyinRank(t, query);
      if (r !== -1 && (best === -1 || r < best)) best = r;
    }
    if (best !== -1) ranked.push({ item, rank: best, index });
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map((r) => r.item);
}
