import type { DB } from '../open.js';
import type { PlanChooser, TextTerm } from '../query-compiler.js';
import { foldedMatchSql, ftsAnyOf, ftsQueryOf } from './pattern.js';

// Costs measured over 10⁶ orders (bench/search.ts). Checking one trigram candidate against the
// folded fields costs ~1–3 µs, so up to ~40 000 candidates the index beats a scan of the narrow
// tables (~100–130 ms); past that it loses.
export const COUNT_FTS_MAX = 40_000;
// The first page of a pattern with more candidates than this walks the list's sort index and
// checks only the candidates it meets: cheaper than sorting them all once they are many. Sorting
// costs ~4 µs a candidate, walking ~0.5 µs a row passed (~R·n/C rows for C candidates of R rows):
// 10⁶ orders, 3 000 candidates sorted in ~15 ms where the walk passes ~70 000 rows; 200 000
// orders, 8 958 candidates (customer 华信) sorted in ~35 ms, walked in ~8 ms.
export const ROWS_SORT_MAX = 5_000;
// How far that walk goes: this many times the rows it would take to meet `limit` candidates if
// they were spread evenly and all matched, which leaves room for three in four to fail.
export const WALK_FACTOR = 4;
// How many rows, in list order, the first page of a pattern without usable candidates may look
// through (each checked on the folded fields) before it gives up on "common enough to be found
// by walking the list".
export const WINDOW_ROWS = 20_000;
// A pattern of several pieces can be pre-filtered on the joined text (a superset: the pieces
// may fall in different fields), each passing row then checked field by field.
export const TEXT_SAMPLE_ROWS = 20_000;
export const TEXT_PREFILTER_MAX_SHARE = 0.08;
// Reading a trigram's row list costs about its length, so each trigram's frequency is probed up
// to RARE_TRIGRAM and the query keeps the rare ones, or failing those the last
// MAX_COMMON_TRIGRAMS: codes share their prefixes (HT2024-, SN2025, 2BY.) and differ at the end.
const RARE_TRIGRAM = 2_000;
const MAX_PROBED_TRIGRAMS = 24;
const MAX_COMMON_TRIGRAMS = 4;
// A piece of one or two characters is looked up as the trigrams that begin with it (from the
// vocabulary table, with their row counts); used when there are at most this many such trigrams
// in at most this many rows together — a rare piece (zq: a few trigrams, a few hundred rows).
const MAX_PREFIX_TERMS = 200;
const RARE_PREFIX_ROWS = 20_000;
// An exact count of a 1–2 character quick search ORs the trigrams beginning with it: at most this many.
const MAX_EXACT_PREFIX_TERMS = 2_000;

/**
 * Cheap look-ahead at the index for one request, so each `contains` gets the plan that suits
 * how common its pattern is. Nothing is kept between requests.
 */
export class SearchProbe {
  private readonly queries = new Map<string, string | null>();
  private readonly candidates = new Map<string, number[] | null>();

  constructor(private readonly db: DB) {}

  private rowids(table: string, query: string, limit: number): number[] {
    const fts = `"${table}"`;
    return this.db.prepare(`SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?`).pluck().all(query, limit) as number[];
  }

  private key(term: TextTerm): string {
    return `${term.index?.ftsTable}\n${term.pattern.like}`;
  }

  /** The trigrams beginning with a 1–2 character piece and the rows they are in (a sum: an upper bound), or null when too many. */
  prefixTerms(table: string, piece: string): { terms: string[]; rows: number } | null {
    const found = this.db
      .prepare(`SELECT term, doc FROM "${table}_vocab" WHERE term >= ? AND term < ? LIMIT ?`)
      .all(piece, `${piece}\u{10ffff}`, MAX_PREFIX_TERMS + 1) as { term: string; doc: number }[];
    if (found.length > MAX_PREFIX_TERMS) return null;
    return { terms: found.map((t) => t.term), rows: found.reduce((s, t) => s + t.doc, 0) };
  }

  /**
   * The FTS5 query for the term: its rare trigrams, else its rare short pieces (and its last few
   * common trigrams); '' when the index shows that no row can match; null when it cannot narrow.
   */
  ftsQuery(term: TextTerm): string | null {
    if (!term.canFts || !term.index) return null;
    const key = this.key(term);
    let query = this.queries.get(key);
    if (query === undefined) {
      const table = term.index.ftsTable;
      const trigrams = term.pattern.trigrams.slice(-MAX_PROBED_TRIGRAMS);
      const rare = trigrams.filter((t) => this.rowids(table, ftsQueryOf([t]), RARE_TRIGRAM).length < RARE_TRIGRAM);
      if (rare.length) query = ftsQueryOf(rare);
      else {
        const parts: string[] = [];
        let none = false;
        // A one-character piece has hundreds of trigrams beginning with it, and is seldom rare:
        // looked up only when the pattern has nothing longer.
        const twoChars = term.pattern.short.filter((p) => Array.from(p).length === 2);
        const short = trigrams.length || twoChars.length ? twoChars : term.pattern.short;
        for (const piece of short) {
          const prefix = this.prefixTerms(table, piece);
          // No trigram begins with it: no row matches ('' below).
          if (prefix && prefix.terms.length === 0) none = true;
          else if (prefix && prefix.rows <= RARE_PREFIX_ROWS) parts.push(ftsAnyOf(prefix.terms));
        }
        if (trigrams.length) parts.push(ftsQueryOf(trigrams.slice(-MAX_COMMON_TRIGRAMS)));
        query = none ? '' : parts.length ? parts.join(' AND ') : null;
      }
      this.queries.set(key, query);
    }
    return query;
  }

  /**
   * An FTS5 query whose rows are exactly the term's matches, or null: one piece of one to three
   * characters over all the index's fields (the quick search). A piece without U+001F cannot
   * span two fields, and every character of the text is followed by two more, so the rows with
   * a trigram that is the piece (three characters) or begins with it (one or two) are exactly
   * the rows containing it. '' when no row can match.
   */
  exactFtsQuery(term: TextTerm): string | null {
    const pieces = term.pattern.pieces;
    if (!term.canFts || !term.canText || pieces.length !== 1 || pieces[0].includes('\u001f')) return null;
    const chars = Array.from(pieces[0]);
    if (chars.length === 3) return ftsQueryOf([pieces[0]]);
    if (chars.length > 3) return null;
    const found = this.db
      .prepare(`SELECT term FROM "${term.index!.ftsTable}_vocab" WHERE term >= ? AND term < ? LIMIT ?`)
      .pluck()
      .all(pieces[0], `${pieces[0]}\u{10ffff}`, MAX_EXACT_PREFIX_TERMS + 1) as string[];
    if (found.length > MAX_EXACT_PREFIX_TERMS) return null;
    return found.length ? ftsAnyOf(found) : '';
  }

  /** The exact number of the term's matches from the FTS5 index (see exactFtsQuery), or null. */
  exactFtsCount(term: TextTerm): number | null {
    const query = this.exactFtsQuery(term);
    if (query === null) return null;
    if (query === '') return 0;
    const fts = `"${term.index!.ftsTable}"`;
    return this.db.prepare(`SELECT count(*) FROM ${fts} WHERE ${fts} MATCH ?`).pluck().get(query) as number;
  }

  /**
   * The term's candidates (a superset of its matches, ascending), or null when the index cannot
   * narrow it or it has more than COUNT_FTS_MAX of them.
   */
  candidateIds(term: TextTerm): number[] | null {
    const key = this.key(term);
    let ids = this.candidates.get(key);
    if (ids === undefined) {
      const query = this.ftsQuery(term);
      ids = query === null ? null : query === '' ? [] : this.rowids(term.index!.ftsTable, query, COUNT_FTS_MAX + 1);
      if (ids && ids.length > COUNT_FTS_MAX) ids = null;
      this.candidates.set(key, ids);
    }
    return ids;
  }

  /** How many candidates the term has; Infinity when more than COUNT_FTS_MAX or none usable. */
  ftsCandidates(term: TextTerm): number {
    return this.candidateIds(term)?.length ?? Infinity;
  }

  /** Share of the newest rows whose joined text passes the term's LIKE. */
  textShare(term: TextTerm): number {
    if (!term.canText || !term.index) return 1;
    const params: unknown[] = [];
    const match = foldedMatchSql('text', term.pattern, params);
    const hits = this.db
      .prepare(`SELECT count(*) FROM (SELECT text FROM "${term.index.textTable}" ORDER BY id DESC LIMIT ?) WHERE ${match}`)
      .pluck()
      .get(TEXT_SAMPLE_ROWS, ...params) as number;
    return hits / TEXT_SAMPLE_ROWS;
  }

  /**
   * For every match, in any mix of conditions: the candidates when selective, else one pass over
   * the folded fields (or the plain scan for columns outside the index).
   */
  readonly forStream: PlanChooser = (term) => {
    const ids = this.candidateIds(term);
    if (ids) return { ids };
    return term.covered ? 'fields' : 'scan';
  };

  /** For a term known to be rare: the candidates, else one pass over the narrow tables. */
  readonly forRare: PlanChooser = (term) => {
    const ids = this.candidateIds(term);
    if (ids) return { ids };
    if (term.canText && term.pattern.textExact) return 'text';
    return term.covered ? 'fields' : 'scan';
  };

  /** For a walk in list order: each row checked on its folded fields. */
  readonly forWalk: PlanChooser = (term) => (term.covered ? 'probe' : 'scan');
}
