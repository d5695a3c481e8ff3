import { foldedPieces } from '../../shared/text/fold.js';

/** What the index side needs to know about one `*` pattern (folded: shared/text/fold.ts). */
export interface TextPattern {
  /** The folded pieces, in order. */
  pieces: string[];
  /** The exact LIKE pattern over folded text (ESCAPE '\'). */
  like: string;
  /**
   * The distinct trigrams of the pieces of three characters or more, in order. Every matching
   * row contains all of them, so any subset ANDed is a superset of the matches.
   */
  trigrams: string[];
  /**
   * The pieces of one or two characters: every matching row has a trigram beginning with each
   * (the index text ends every field with two U+001F), found through the vocabulary table.
   */
  short: string[];
  /** False when the pattern must not reach the FTS5 query (NUL, lone surrogates). */
  ftsSafe: boolean;
  /** True when the joined text table answers the pattern exactly (see index-sql.ts). */
  textExact: boolean;
}

export const TEXT_SEPARATOR = '\u001f';

const likeOf = (pieces: readonly string[]) => `%${pieces.map((p) => p.replace(/[\\%_]/g, (c) => `\\${c}`)).join('%')}%`;

/**
 * Legacy `*` pattern → LIKE pattern over folded text: folded (full width, case), then `%`, `_`
 * and `\` are literal. Null when it matches all.
 */
export function wildcardToLike(pattern: string): string | null {
  const pieces = foldedPieces(pattern);
  return pieces.length === 0 ? null : likeOf(pieces);
}

function trigramsOf(piece: string): string[] {
  const chars = Array.from(piece);
  const out: string[] = [];
  for (let i = 0; i + 3 <= chars.length; i++) out.push(chars.slice(i, i + 3).join(''));
  return out;
}

/** An FTS5 query: the trigrams as quoted strings, ANDed. */
export function ftsQueryOf(trigrams: readonly string[]): string {
  return trigrams.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
}

/** An FTS5 query: any of the trigrams (as a parenthesised OR). */
export function ftsAnyOf(trigrams: readonly string[]): string {
  return `(${trigrams.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ')})`;
}

/**
 * The exact test of a pattern on text that is already folded (the index tables, or pim_fold(…)).
 * LIKE's own case folding does nothing more there (both sides are folded). instr and GLOB were
 * tried instead: instr wins on a short field but is 1.7× slower over the joined text, where the
 * counts of common patterns spend their time (10⁶ orders, 有限公司: LIKE 176 ms, instr 276 ms),
 * and GLOB is no faster than LIKE. Pushes its one parameter.
 */
export function foldedMatchSql(text: string, pattern: TextPattern, params: unknown[]): string {
  params.push(pattern.like);
  return `${text} LIKE ? ESCAPE '\\'`;
}

export function analysePattern(pattern: string): TextPattern | null {
  const pieces = foldedPieces(pattern);
  if (pieces.length === 0) return null;
  // NUL ends a string inside the FTS5 query parser, and a lone surrogate is replaced on the way
  // into SQLite; either could make the trigram query miss rows, so such patterns scan.
  const ftsSafe = !pieces.some((p) => p.includes('\0') || /\p{Cs}/u.test(p));
  const trigrams = ftsSafe ? [...new Set(pieces.flatMap(trigramsOf))] : [];
  const short = ftsSafe ? [...new Set(pieces.filter((p) => Array.from(p).length < 3))] : [];
  return {
    pieces,
    like: likeOf(pieces),
    trigrams,
    short,
    ftsSafe,
    textExact: pieces.length === 1 && !pieces[0].includes(TEXT_SEPARATOR),
  };
}
