import type { DB } from '../open.js';

// A list's order held in memory beside its search text (issue 9): a result of tens of thousands
// of rows gathered away from the start of the order (61,347 fee lines `公司承担`, sorted by
// amount) was ordered by id in SQLite, ~1.2 µs a row (0.24–0.29 s). With each row's place in the
// order at hand, its first rows are one pass over the result in memory, and only those few are
// ordered in SQL.
//
// Compact: a row's place is a bucket of 16 bits (65,535 buckets over the list, ~35 rows each at
// 2.25M rows), 2 bytes a row. The first n of a result are then the matches of the buckets up to
// the one where n are reached, plus that bucket's other rows: ordered exactly in SQL.
//
// Exact under writes: a row whose keys were written since its place was read (order_changes,
// migration 015), and a row new since, is out of place (DIRTY): it is always among the
// rows ordered in SQL. The others keep their relative order, since their keys have not changed.
// The order is read in chunks (keyset: each chunk after the last (key, id) read), so a build
// does not hold the connection; rows whose keys change during it are logged and marked, and a
// row read again at its new key is read after every row whose key was below it.

/** Where a list's order is read from, ascending: a key and the row id, with an index on both. */
export interface OrderSource {
  /** One per order of a list: the table and key. */
  readonly name: string;
  /** The key's SQL (never NULL: stored sort keys, or the default order's base column). */
  readonly key: string;
  readonly id: string;
  /** The FROM clause. */
  readonly source: string;
}

/** A row whose place is not known (new, or its keys written since the order was read). */
export const DIRTY = 0xffff;
const BUCKETS = 0xffff;
/** Rows read per build step: 1–9 ms at 10⁶ orders (a number key, a long text key), so a query waits little. */
const ORDER_CHUNK = 5_000;

export class MemoryOrder {
  /** Slot → bucket (DIRTY: out of place). */
  buckets: Uint16Array;
  ready = false;
  /** Rows marked out of place since it was ready: many of them and it is read again. */
  marked = 0;
  /** When a query last used it (for eviction). */
  lastUsed = 0;
  private cursor: { k: unknown; i: number } | null = null;
  private read = 0;
  private perBucket = 0;
  /** Matches per bucket: the first pass's counts (kept between queries, not to allocate 256 KB each). */
  private counts: Uint32Array | null = null;

  constructor(
    readonly src: OrderSource,
    capacity: number,
  ) {
    this.buckets = new Uint16Array(capacity).fill(DIRTY);
  }

  get bytes(): number {
    return this.buckets.byteLength;
  }

  /** Room for `capacity` slots, the new ones out of place. */
  resize(capacity: number): void {
    const next = new Uint16Array(capacity).fill(DIRTY);
    next.set(this.buckets.length > capacity ? this.buckets.subarray(0, capacity) : this.buckets);
    this.buckets = next;
  }

  /** The row in `slot` is out of place (its keys were written, or the slot holds a new row). */
  mark(slot: number): void {
    if (this.buckets[slot] === DIRTY) return;
    this.buckets[slot] = DIRTY;
    if (this.ready) this.marked++;
  }

  /**
   * Reads the next chunk of the order; `slotOf` gives a row's slot in the index (−1 when the
   * index does not hold it yet: it is new, and out of place when it comes). True when done.
   */
  buildStep(db: DB, slotOf: (id: number) => number, rowCount: number, rows = ORDER_CHUNK): boolean {
    if (this.ready) return true;
    const { key, id, source } = this.src;
    // An eighth more than the rows now, for those added while it is read; the last bucket takes any excess.
    if (!this.perBucket) this.perBucket = Math.max(1, Math.ceil((rowCount + (rowCount >> 3)) / BUCKETS));
    const select = `SELECT ${key} AS k, ${id} AS i FROM ${this.src.source}`;
    const chunk = (
      this.cursor
        ? db.prepare(`${select} WHERE (${key}, ${id}) > (?, ?) ORDER BY ${key}, ${id} LIMIT ?`).raw().all(this.cursor.k, this.cursor.i, rows)
        : db.prepare(`${select} ORDER BY ${key}, ${id} LIMIT ?`).raw().all(rows)
    ) as [unknown, number][];
    for (const [k, i] of chunk) {
      if (k === null) throw new Error(`The order ${this.src.name} has a NULL key (row ${i} of ${source}).`);
      const slot = slotOf(i);
      if (slot >= 0) this.buckets[slot] = Math.min(BUCKETS - 1, Math.floor(this.read / this.perBucket));
      this.read++;
    }
    if (chunk.length) {
      const [k, i] = chunk[chunk.length - 1];
      this.cursor = { k, i };
    }
    if (chunk.length < rows) {
      this.ready = true;
      this.cursor = null;
    }
    return this.ready;
  }

  /**
   * The slots of the matches (`matched`, ascending) that can be among the first `n` in this order
   * (`desc`: from its end): every match in the buckets up to the one where n are reached, and
   * every match out of place. A superset of the first n, to be ordered exactly.
   */
  firstSlots(matched: Int32Array, n: number, desc: boolean): Int32Array {
    const b = this.buckets;
    const counts = (this.counts ??= new Uint32Array(BUCKETS));
    counts.fill(0);
    let placed = 0;
    for (let i = 0; i < matched.length; i++) {
      const k = b[matched[i]];
      if (k !== DIRTY) {
        counts[k]++;
        placed++;
      }
    }
    // The bucket where the n-th placed match is reached (every bucket when fewer match).
    let edge = desc ? 0 : BUCKETS - 1;
    if (placed > n) {
      let seen = 0;
      if (desc) for (edge = BUCKETS - 1; (seen += counts[edge]) < n; edge--);
      else for (edge = 0; (seen += counts[edge]) < n; edge++);
    }
    const out = new Int32Array(matched.length);
    let j = 0;
    for (let i = 0; i < matched.length; i++) {
      const k = b[matched[i]];
      if (k === DIRTY || (desc ? k >= edge : k <= edge)) out[j++] = matched[i];
    }
    return out.subarray(0, j);
  }
}

/**
 * The slots set in `hits` (`count` of the first `size`), ascending. Read a word of four at a
 * time, most being unset, and without a branch per slot: a branch that goes either way at random
 * costs more than the pass (30 ms over 2.25M slots half set, where this takes 2).
 */
export function slotsOf(hits: Uint8Array, size: number, count: number): Int32Array {
  const out = new Int32Array(count + 4);
  let j = 0;
  let s = 0;
  if (hits.byteOffset % 4 === 0) {
    const words = new Uint32Array(hits.buffer, hits.byteOffset, size >>> 2);
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      const at = w << 2;
      out[j] = at;
      j += hits[at];
      out[j] = at + 1;
      j += hits[at + 1];
      out[j] = at + 2;
      j += hits[at + 2];
      out[j] = at + 3;
      j += hits[at + 3];
    }
    s = words.length << 2;
  }
  for (; s < size; s++) {
    out[j] = s;
    j += hits[s];
  }
  if (j !== count) throw new Error(`slotsOf: ${j} slots set, ${count} expected`);
  return out.subarray(0, j);
}
