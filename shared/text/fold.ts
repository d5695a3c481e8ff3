// The one matching rule of every text condition (every list, the lookups, export all and the
// renderer): text is compared after folding — NFKC (full/half width, compatibility forms:
// `ａｂｃ` → `abc`, `（` → `(`, `ﬁ` → `fi`) and full case folding for every script (`Ä` → `ä`,
// `ß` and `ẞ` → `ss`, `Σ`/`ς` → `σ`). A `*` in a pattern (also a full-width `＊`, which NFKC
// turns into `*`) is any run of characters; everything else is literal.
//
// The database keeps the folded text of the indexed fields (search index tables, written by
// triggers through the SQL function pim_fold, which is this function) and folds other text
// columns at query time, so both sides of every comparison have gone through `fold`.

const ASCII_NO_UPPER = /^[\x00-\x40\x5b-\x7f]*$/;
const ASCII = /^[\x00-\x7f]*$/;
// Text that folding leaves as it is: ASCII without capitals, CJK unified ideographs (NFKC maps
// none of them), the CJK punctuation 、。 and the middle dot. Most Chinese names and addresses.
const UNCHANGED = /^[\x00-\x40\x5b-\x7f\u3001\u3002\u00b7\u4e00-\u9fff]*$/;

// JavaScript has no case-folding API. Upper- then lower-casing maps every cased letter to one
// lower-case form (ß → SS → ss, ǅ → Ǆ → ǆ); done twice so letters whose upper case is itself
// (ẞ → ẞ → ß) reach the same form (ß → ss). toLowerCase turns a word-final Σ into ς, which
// case folding does not: ς becomes σ.
function caseFold(s: string): string {
  const once = s.toUpperCase().toLowerCase();
  const twice = once.toUpperCase().toLowerCase();
  return twice.includes('ς') ? twice.replace(/ς/g, 'σ') : twice;
}

/** The folded form of a text: NFKC and full case folding. Deterministic, pure. */
export function fold(text: string): string {
  if (ASCII_NO_UPPER.test(text)) return text;
  if (ASCII.test(text)) return text.toLowerCase();
  if (UNCHANGED.test(text)) return text;
  return caseFold(text.normalize('NFKC')).normalize('NFKC');
}

/**
 * The literal pieces of a `*` pattern after folding, in the order they must appear: the pattern
 * is folded first (so `＊` is a star too), then trimmed and split at `*`. Empty: matches all.
 */
export function foldedPieces(pattern: string): string[] {
  return fold(pattern)
    .trim()
    .split('*')
    .filter((piece) => piece.length > 0);
}

/** Whether `folded` (already folded) contains the pieces in order, without overlap. */
export function piecesMatch(pieces: readonly string[], folded: string): boolean {
  let at = 0;
  for (const piece of pieces) {
    const i = folded.indexOf(piece, at);
    if (i < 0) return false;
    at = i + piece.length;
  }
  return true;
}

/** The rule itself: does `value` match the `*` pattern? Null and empty values match only an empty pattern. */
export function matchesPattern(pattern: string, value: string | number | null | undefined): boolean {
  const pieces = foldedPieces(pattern);
  if (pieces.length === 0) return true;
  if (value === null || value === undefined) return false;
  return piecesMatch(pieces, fold(String(value)));
}
