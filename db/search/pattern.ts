import { wildcardPieces } from '../../shared/query.js';

/** What the index side needs to know about one `*` pattern. */
export interface TextPattern {
  pieces: string[];
  /** The exact LIKE pattern (ESCAPE '\'). */
  like: string;
  /**
   * The distinct trigrams of the pieces, in order. Every matching row contains all of them, so
   * any subset ANDed is a superset of the matches. Empty when no piece has three characters:
   * such patterns cannot use the trigram index.
   */
  trigrams: string[];
  /** True when the joined text table answers the pattern exactly (see migration 002). */
  textExact: boolean;
}

export const TEXT_SEPARATOR = '\u001f';

/** Legacy `*` pattern → LIKE pattern: `%`, `_` and `\` are literal. Null when it matches all. */
export function wildcardToLike(pattern: string): string | null {
  const pieces = wildcardPieces(pattern);
  if (pieces.length === 0) return null;
  const escaped = pieces.map((p) => p.replace(/[\\%_]/g, (c) => `\\${c}`));
  return `%${escaped.join('%')}%`;
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

export function analysePattern(pattern: string): TextPattern | null {
  const like = wildcardToLike(pattern);
  if (like === null) return null;
  const pieces = wildcardPieces(pattern);
  // NUL ends a string inside the FTS5 query parser, and a lone surrogate is replaced on the way
  // into SQLite; either could make the trigram query miss rows, so such patterns scan.
  const unsafe = pieces.some((p) => p.includes('\0') || /\p{Cs}/u.test(p));
  const trigrams = unsafe ? [] : [...new Set(pieces.flatMap(trigramsOf))];
  return { pieces, like, trigrams, textExact: pieces.length === 1 && !pieces[0].includes(TEXT_SEPARATOR) };
}
