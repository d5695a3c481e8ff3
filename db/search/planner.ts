import type { DB } from '../open.js';
import type { PlanChooser, TextTerm } from '../query-compiler.js';
import { ftsQueryOf } from './pattern.js';

// Costs measured over 10⁶ orders (bench/search.ts). Checking one trigram candidate against the
// order row costs 2–3 µs, so up to ~40 000 candidates the index beats a scan of the narrow
// tables (~100–130 ms); past that it loses (a term in half the rows: ~260 ms through it).
export const COUNT_FTS_MAX = 40_000;
// The first page of a pattern with more candidates than this walks the list's sort index and
// checks only the candidates it meets (an index entry costs ~0.03 µs against 2–3 µs for a
// candidate): ~10 ms for the first 200 of 8 000 candidates, against ~22 ms to sort them all.
export const ROWS_SORT_MAX = 3_000;
// How far that walk goes: this many times the rows it would take to meet `limit` candidates if
// they were spread evenly and all matched, which leaves room for three in four to fail.
export const WALK_FACTOR = 4;
// How many rows, in list order, the first page of a pattern without a usable trigram (or with
// too many candidates) may look through before it gives up on "common enough to be found by
// walking the list" (~25 ms when nothing matches).
export const WINDOW_ROWS = 30_000;
// A pattern of several pieces can be pre-filtered on the joined text (a superset: the pieces
// may fall in different fields), each passing row then checked field by field. Cheaper than
// the five-field scan (~210 ms) while few rows pass: 华信*有限 (5% pass) counted in ~165 ms.
export const TEXT_SAMPLE_ROWS = 20_000;
export const TEXT_PREFILTER_MAX_SHARE = 0.08;
// Reading a trigram's row list costs about its length (a trigram in every order: ~14 ms), and
// ANDing all trigrams of "HT2024-0012" took 34 ms where its four rarest took 8 ms for the same
// rows. So each trigram's frequency is probed up to RARE_TRIGRAM (~0.1 ms each) and the query
// keeps the rare ones, or failing those the last MAX_COMMON_TRIGRAMS: codes share their
// prefixes (HT2024-, SN2025, 2BY.) and differ in their last characters.
const RARE_TRIGRAM = 2_000;
const MAX_PROBED_TRIGRAMS = 24;
const MAX_COMMON_TRIGRAMS = 4;

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

  /** The FTS5 query for the term: its rare trigrams, or its last few common ones. */
  ftsQuery(term: TextTerm): string | null {
    if (!term.canFts || !term.index) return null;
    const key = this.key(term);
    let query = this.queries.get(key);
    if (query === undefined) {
      const table = term.index.ftsTable;
      const trigrams = term.pattern.trigrams.slice(-MAX_PROBED_TRIGRAMS);
      const rare = trigrams.filter((t) => this.rowids(table, ftsQueryOf([t]), RARE_TRIGRAM).length < RARE_TRIGRAM);
      query = ftsQueryOf(rare.length ? rare : trigrams.slice(-MAX_COMMON_TRIGRAMS));
      this.queries.set(key, query);
    }
    return query;
  }

  /**
   * The term's trigram candidates (a superset of its matches, ascending), or null when the
   * index cannot narrow it or it has more than COUNT_FTS_MAX of them.
   */
  candidateIds(term: TextTerm): number[] | null {
    const key = this.key(term);
    let ids = this.candidates.get(key);
    if (ids === undefined) {
      const query = this.ftsQuery(term);
      ids = query === null ? null : this.rowids(term.index!.ftsTable, query, COUNT_FTS_MAX + 1);
      if (ids && ids.length > COUNT_FTS_MAX) ids = null;
      this.candidates.set(key, ids);
    }
    return ids;
  }

  /** How many trigram candidates the term has; Infinity when more than COUNT_FTS_MAX or none usable. */
  ftsCandidates(term: TextTerm): number {
    return this.candidateIds(term)?.length ?? Infinity;
  }

  /** Share of the newest rows whose joined text passes the term's LIKE. */
  textShare(term: TextTerm): number {
    if (!term.canText || !term.index) return 1;
    const hits = this.db
      .prepare(
        `SELECT count(*) FROM (SELECT text FROM "${term.index.textTable}" ORDER BY id DESC LIMIT ?) WHERE text LIKE ? ESCAPE '\\'`,
      )
      .pluck()
      .get(TEXT_SAMPLE_ROWS, term.pattern.like) as number;
    return hits / TEXT_SAMPLE_ROWS;
  }

  /**
   * For every match, in any mix of conditions: the candidates when selective, else the plain
   * scan (an unselective IN-list would cost a lookup per matching row).
   */
  readonly forStream: PlanChooser = (term) => {
    const ids = this.candidateIds(term);
    return ids ? { ids } : 'scan';
  };

  /**
   * For a pattern known to be rare in the newest rows but too short for trigrams (or with too
   * many candidates): the narrow tables find its few rows in one pass.
   */
  readonly forRare: PlanChooser = (term) => {
    const ids = this.candidateIds(term);
    if (ids) return { ids };
    if (term.canText && term.pattern.textExact) return 'text';
    return term.covered ? 'fields' : 'scan';
  };
}
