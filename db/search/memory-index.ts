import type { DB } from '../open.js';
import type { SearchIndexDef } from '../../shared/modules/types.js';
import { listIndexes } from './indexes.js';
import type { TextPattern } from './pattern.js';
import { piecesMatch } from '../../shared/text/fold.js';
import { MemoryOrder, slotsOf, type OrderSource } from './memory-order.js';
import { loggedIds, logPositions } from './change-log.js';

// A list's folded search fields held in memory, to answer a `contains` at memory speed (issue
// 9: the exact total of a pattern found in most rows was one pass of LIKE over the list's text
// in SQLite, 0.3–0.8 s at 10⁶ orders).
//
// Compact: each field is a dictionary of its distinct folded values and one code per row. The
// fields a content line shows of its order (number, customer) and the few engineers, causes
// and findings repeat across rows, so the dictionaries are small; a pattern is matched once per
// distinct value (String.prototype.indexOf over the values joined), then the rows are one pass
// over the codes (a typed array per field) of each field that has a matching value.
//
// Exact under writes: migration 012 logs every changed row of a fields table (search_changes).
// Before answering, the index reads the rows changed since the last change it applied, in one
// snapshot with the log, and replaces them; a log pruned past that point means a rebuild. The
// matching rule is the one of shared/text/fold.ts — the pieces in order, within one field,
// literal — on text folded by the same pim_fold; tests/unit/memory-index.test.ts and
// tests/unit/search-fold-property.test.ts hold it to the rule and to SQLite's plans, under writes
// from another connection.

/** Lists with fewer rows are left to SQLite: its plans answer them in a few ms. */
export const MEMORY_MIN_ROWS = 10_000;
/** Memory for the lists' orders, per connection: the least recently used are dropped past it. */
export const ORDER_MAX_BYTES = 128 * 1024 * 1024;
/** Fewer matches are ordered by id in SQL (~1 ms) without asking for the list's order. */
export const ORDER_MIN_MATCHES = 1_000;
/** A walk of the list's order expected to pass at most this many rows (~1.5 ms) is tried first. */
export const SHORT_WALK_ROWS = 5_000;

/** How db/services/query.ts uses an index (tests lower the thresholds to reach every plan on small lists). */
export interface MemoryPlan {
  /** A result with more matches uses the list's order (and asks for it). */
  orderMinMatches: number;
  /** A walk expected to pass no more rows is tried before the result is worked out. */
  shortWalkRows: number;
}
/** Rows read per build step: ~20 ms, so a background build delays a query by little. */
const BUILD_CHUNK = 5_000;
/** More changes than this at once (a bulk re-index): rebuild rather than apply them. */
const MAX_CHANGES = 100_000;
/**
 * Rows out of place in an order before it is read again (each is ordered in SQL when it matches:
 * 5,000 cost ~6 ms), or an eighth of a smaller list.
 */
const ORDER_REBUILD_MARKS = 5_000;
/** Values appended since the joined string was built are scanned one by one; past this, rejoined. */
const MAX_TAIL = 10_000;
// Separates the joined values; a value holding it is still matched exactly (bounds are checked).
const SEP = '\u0000';

/** FNV-1a of text[from, to): the values' hash table. */
function hashOf(text: string, from = 0, to = text.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The distinct values of one field and each row's code; code 0 is '' (empty, and deleted rows).
 * Few objects whatever the rows: the values live in one joined string (each followed by SEP, at
 * `starts`), those added since it was built in `tail`, and a hash table of codes finds a value's
 * code — millions of small strings and map entries would cost more memory than the text and
 * long garbage-collector pauses (~50 ms at 10⁶ orders).
 */
/** A field's value codes by row slot: as narrow as its number of values allows. */
type Codes = Uint8Array | Uint16Array | Int32Array;

function codesFor(values: number, capacity: number): Codes {
  return values <= 0x100 ? new Uint8Array(capacity) : values <= 0x10000 ? new Uint16Array(capacity) : new Int32Array(capacity);
}

class FieldColumn {
  /** Row slot → value code. */
  codes: Codes;
  /** Rows holding each value, by code. */
  freq = new Int32Array(16);
  private joined = SEP;
  private starts = Int32Array.of(0, 1);
  private joinedCount = 1;
  private tailValues: string[] = [];
  /** Open addressing: code + 1 (0 empty), by hash. */
  private table = new Int32Array(16);
  /** How often each UTF-16 unit occurs in the joined values: where a piece is looked for from. */
  private unitCounts = new Uint32Array(65536);

  constructor(capacity: number) {
    this.codes = new Uint8Array(capacity);
    this.insert(0, hashOf(''));
  }

  get size(): number {
    return this.joinedCount + this.tailValues.length;
  }

  get tail(): number {
    return this.tailValues.length;
  }

  valueAt(code: number): string {
    return code < this.joinedCount ? this.joined.slice(this.starts[code], this.starts[code + 1] - 1) : this.tailValues[code - this.joinedCount];
  }

  private equals(code: number, v: string): boolean {
    if (code >= this.joinedCount) return this.tailValues[code - this.joinedCount] === v;
    const at = this.starts[code];
    return this.starts[code + 1] - at - 1 === v.length && this.joined.startsWith(v, at);
  }

  private insert(code: number, hash: number): void {
    const mask = this.table.length - 1;
    let i = hash & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = code + 1;
  }

  /** Rebuilds the hash table for `size` values (load ≤ 1/2). */
  private rehash(): void {
    let capacity = 16;
    while (capacity < this.size * 2) capacity *= 2;
    this.table = new Int32Array(capacity);
    for (let c = 0; c < this.joinedCount; c++) this.insert(c, hashOf(this.joined, this.starts[c], this.starts[c + 1] - 1));
    for (let k = 0; k < this.tailValues.length; k++) this.insert(this.joinedCount + k, hashOf(this.tailValues[k]));
  }

  code(value: string | null): number {
    const v = value ?? '';
    const hash = hashOf(v);
    const mask = this.table.length - 1;
    for (let i = hash & mask; this.table[i] !== 0; i = (i + 1) & mask) {
      if (this.equals(this.table[i] - 1, v)) return this.table[i] - 1;
    }
    const c = this.size;
    this.tailValues.push(v);
    // The codes widen when the values outgrow them (256, 65,536).
    const limit = this.codes instanceof Uint8Array ? 0x100 : this.codes instanceof Uint16Array ? 0x10000 : Infinity;
    if (c + 1 > limit) this.resize(this.codes.length, c + 1);
    if (c >= this.freq.length) {
      const freq = new Int32Array(this.freq.length * 2);
      freq.set(this.freq);
      this.freq = freq;
    }
    if (this.size * 2 > this.table.length) this.rehash();
    else this.insert(c, hash);
    return c;
  }

  /** Room for `capacity` slots (the first ones kept), codes wide enough for `values` values. */
  resize(capacity: number, values = this.size): void {
    const codes = codesFor(values, capacity);
    codes.set(this.codes.length > capacity ? this.codes.subarray(0, capacity) : this.codes);
    this.codes = codes;
  }

  /**
   * Joins the values for scanning (after a build, or when many were appended). Values no row
   * holds any more are dropped when they are most of them, and the rows' codes renumbered.
   */
  join(slots: number): void {
    const n = this.size;
    let live = 1;
    for (let c = 1; c < n; c++) if (this.freq[c] > 0) live++;
    const compact = n - live > live && n > 1024;
    const keep: number[] = [];
    const remap = compact ? new Int32Array(n) : null;
    for (let c = 0; c < n; c++) {
      if (remap && c > 0 && this.freq[c] <= 0) continue;
      if (remap) remap[c] = keep.length;
      keep.push(c);
    }
    const parts: string[] = new Array(keep.length);
    const starts = new Int32Array(keep.length + 1);
    const freq = new Int32Array(Math.max(16, keep.length * 2));
    let at = 0;
    for (let k = 0; k < keep.length; k++) {
      const v = this.valueAt(keep[k]);
      parts[k] = v;
      starts[k] = at;
      at += v.length + 1;
      freq[k] = this.freq[keep[k]];
    }
    starts[keep.length] = at;
    if (remap) for (let s = 0; s < slots; s++) this.codes[s] = remap[this.codes[s]];
    this.joined = parts.join(SEP) + SEP;
    this.starts = starts;
    this.joinedCount = keep.length;
    this.tailValues = [];
    this.freq = freq;
    this.rehash();
    const counts = new Uint32Array(65536);
    const joined = this.joined;
    for (let i = 0; i < joined.length; i++) counts[joined.charCodeAt(i)]++;
    this.unitCounts = counts;
  }

  /** Approximate bytes held. */
  get bytes(): number {
    let tail = 0;
    for (const v of this.tailValues) tail += 2 * v.length + 24;
    return 2 * this.joined.length + this.starts.byteLength + this.table.byteLength + this.freq.byteLength + this.codes.byteLength + this.unitCounts.byteLength + tail;
  }

  /** Which values match the pieces (1 per matching value), or null when none does. */
  match(pieces: readonly string[]): Uint8Array | null {
    const out = new Uint8Array(this.size);
    const finders = pieces.map((p) => finderOf(this.joined, p, this.unitCounts));
    let any = scanJoined(this.starts, this.joinedCount, pieces, finders, out);
    for (let k = 0; k < this.tailValues.length; k++) {
      if (piecesMatch(pieces, this.tailValues[k])) {
        out[this.joinedCount + k] = 1;
        any = true;
      }
    }
    return any ? out : null;
  }
}

/**
 * Finds a piece in the joined values from a position. indexOf runs at memory speed when the
 * piece's first unit is rare there (memchr) and at ~1 ns a character when it is common (`2` in
 * order numbers: 13 ms over 10⁶ of them for `2by`), so the piece is looked for from its rarest
 * unit and the units before it are compared where it is found.
 */
function finderOf(joined: string, piece: string, counts: Uint32Array): (from: number) => number {
  let anchor = 0;
  for (let i = 1; i < piece.length; i++) if (counts[piece.charCodeAt(i)] < counts[piece.charCodeAt(anchor)]) anchor = i;
  if (anchor === 0) return (from) => joined.indexOf(piece, from);
  const head = piece.slice(0, anchor);
  const tail = piece.slice(anchor);
  return (from) => {
    for (let at = from + anchor; ; ) {
      const i = joined.indexOf(tail, at);
      if (i < 0) return -1;
      if (joined.startsWith(head, i - anchor)) return i - anchor;
      at = i + 1;
    }
  };
}

/** The value holding position `pos`: the last i in [lo, count) with starts[i] <= pos. */
function valueAt(starts: Int32Array, lo: number, count: number, pos: number): number {
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Marks the joined values that hold the pieces in order. Each search runs over the whole string
 * (native speed); a value is skipped as soon as it is marked, and when a later piece is next found
 * past a value's end, every value before the one holding it is skipped too (none has that piece).
 */
function scanJoined(starts: Int32Array, count: number, pieces: readonly string[], finders: readonly ((from: number) => number)[], out: Uint8Array): boolean {
  let any = false;
  let pos = 0;
  let value = 0;
  const first = pieces[0];
  while (value < count) {
    const at = finders[0](pos);
    if (at < 0) break;
    value = valueAt(starts, value, count, at);
    if (value >= count) break;
    const end = starts[value + 1] - 1;
    if (at + first.length > end) {
      // Only a piece holding the separator can cross into the next value.
      pos = at + 1;
      continue;
    }
    let next = at + first.length;
    let missed = -1;
    for (let k = 1; k < pieces.length; k++) {
      const q = finders[k](next);
      if (q < 0) return any;
      if (q + pieces[k].length > end) {
        missed = q;
        break;
      }
      next = q + pieces[k].length;
    }
    if (missed < 0) {
      out[value] = 1;
      any = true;
      value++;
      pos = starts[value];
    } else {
      const holder = valueAt(starts, value, count, missed);
      value = Math.max(value + 1, holder);
      pos = starts[value];
    }
  }
  return any;
}

/** What a pattern matches in one index: per field of the term, its matching values (null: none). */
export interface MemoryMatch {
  readonly index: MemoryTextIndex;
  readonly fields: readonly number[];
  readonly values: readonly (Uint8Array | null)[];
}

export class MemoryTextIndex {
  readonly columns: readonly FieldColumn[];
  /** slot → row id (0: a free slot). */
  private ids: Int32Array;
  /** row id → slot + 1 (0: no such row). */
  private slotOf: Int32Array;
  private size = 0;
  private free: number[] = [];
  private rows = 0;
  /** The last change applied (search_changes.seq), and the last move (order_changes.seq). */
  seq = 0;
  private orderSeq = 0;
  /** The build in progress: the log's position when it began and the next id to read. */
  private building: { seq: number; after: number } | null = null;
  ready = false;
  /** The list's orders held (db/search/memory-order.ts), by name, and those being read. */
  private orders = new Map<string, MemoryOrder>();
  private pendingOrders = new Map<string, MemoryOrder>();
  private failedOrders = new Set<string>();
  plan: MemoryPlan = { orderMinMatches: ORDER_MIN_MATCHES, shortWalkRows: SHORT_WALK_ROWS };
  /** Results answered from a held order (tests and the benchmark read it). */
  ordersUsed = 0;

  /** `sortTable`: the list's sort keys, whose log marks rows out of place in its orders. */
  constructor(
    readonly index: SearchIndexDef,
    readonly sortTable?: string,
  ) {
    this.columns = index.fields.map(() => new FieldColumn(1024));
    this.ids = new Int32Array(1024);
    this.slotOf = new Int32Array(1024);
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Approximate bytes held: the arrays, and each value at two bytes a character plus its map entry. */
  get bytes(): number {
    let b = this.ids.byteLength + this.slotOf.byteLength + this.orderBytes;
    for (const c of this.columns) b += c.bytes;
    return b;
  }

  /** Bytes held by its orders (those being read too). */
  get orderBytes(): number {
    let b = 0;
    for (const o of this.allOrders()) b += o.bytes;
    return b;
  }

  private allOrders(): MemoryOrder[] {
    return [...this.orders.values(), ...this.pendingOrders.values()];
  }

  private get hasOrders(): boolean {
    return this.orders.size + this.pendingOrders.size > 0;
  }

  private ensureId(id: number): void {
    if (id < this.slotOf.length) return;
    const next = new Int32Array(Math.max(id + 1, this.slotOf.length * 2));
    next.set(this.slotOf);
    this.slotOf = next;
  }

  private put(id: number, values: readonly (string | null)[]): void {
    this.ensureId(id);
    let slot = this.slotOf[id] - 1;
    if (slot < 0) {
      const reused = this.free.pop();
      slot = reused ?? this.size++;
      if (slot >= this.ids.length) {
        const capacity = this.ids.length * 2;
        const ids = new Int32Array(capacity);
        ids.set(this.ids);
        this.ids = ids;
        for (const c of this.columns) c.resize(capacity);
        if (this.hasOrders) for (const o of this.allOrders()) o.resize(capacity);
      }
      this.ids[slot] = id;
      this.slotOf[id] = slot + 1;
      this.rows++;
      // Its row is new to the orders (a reused slot must not keep the place of the row it held).
      if (this.hasOrders) for (const o of this.allOrders()) o.mark(slot);
      // A new slot's codes are 0 (never used, or cleared when freed): counted as empty until set.
      if (reused === undefined) for (const c of this.columns) c.freq[0]++;
    }
    for (let f = 0; f < this.columns.length; f++) {
      const c = this.columns[f];
      c.freq[c.codes[slot]]--;
      const code = c.code(values[f]);
      c.codes[slot] = code;
      c.freq[code]++;
    }
  }

  /** Gives back the room the build's doublings left unused (an eighth kept for new rows). */
  private trim(): void {
    const capacity = Math.max(1024, this.size + (this.size >> 3));
    if (capacity >= this.ids.length) return;
    this.ids = this.ids.slice(0, capacity);
    for (const c of this.columns) c.resize(capacity);
    for (const o of this.allOrders()) o.resize(capacity);
  }

  private remove(id: number): void {
    const slot = id < this.slotOf.length ? this.slotOf[id] - 1 : -1;
    if (slot < 0) return;
    for (const c of this.columns) {
      c.freq[c.codes[slot]]--;
      c.codes[slot] = 0;
      c.freq[0]++;
    }
    this.ids[slot] = 0;
    this.slotOf[id] = 0;
    this.free.push(slot);
    this.rows--;
  }

  private selectFields(): string {
    return `SELECT id, ${this.index.fields.map((f) => `"${f}"`).join(', ')} FROM "${this.index.fieldsTable}"`;
  }

  /** One step of the build: up to `rows` rows in id order. True when the build is complete. */
  buildStep(db: DB, rows = BUILD_CHUNK): boolean {
    if (this.ready) return true;
    if (!this.building) {
      this.building = { seq: logPositions(db).search_changes, after: 0 };
    }
    const chunk = db.prepare(`${this.selectFields()} WHERE id > ? ORDER BY id LIMIT ?`).raw().all(this.building.after, rows) as unknown[][];
    for (const row of chunk) this.put(row[0] as number, row.slice(1) as (string | null)[]);
    if (chunk.length) this.building.after = chunk[chunk.length - 1][0] as number;
    if (chunk.length < rows) {
      // Rows written while it was read are in the log after the position it began at.
      this.seq = this.building.seq;
      this.building = null;
      for (const c of this.columns) c.join(this.size);
      this.trim();
      this.ready = true;
      return this.sync(db);
    }
    return false;
  }

  /** Builds it whole now (the benchmark, tests). */
  build(db: DB): void {
    while (!this.buildStep(db, 50_000));
  }

  private reset(): void {
    const fresh = new MemoryTextIndex(this.index, this.sortTable);
    fresh.plan = this.plan;
    Object.assign(this, fresh);
  }

  /**
   * Applies the rows changed since the last change applied (one snapshot for the log and the
   * rows). False when it has to be built again (the log was pruned past it, or a bulk change).
   */
  sync(db: DB): boolean {
    if (!this.ready) return false;
    return db.transaction(() => {
      const latest = logPositions(db);
      if (latest.search_changes === this.seq && latest.order_changes === this.orderSeq) return true;
      if (latest.search_changes !== this.seq && !this.applyChanges(db, latest.search_changes)) {
        this.reset();
        return false;
      }
      if (latest.order_changes !== this.orderSeq) this.applyMoves(db, latest.order_changes);
      return true;
    })();
  }

  /** The rows changed up to `latest` (search_changes): false when they cannot be told (pruned, or a bulk change). */
  private applyChanges(db: DB, latest: number): boolean {
    const changed = loggedIds(db, 'search_changes', this.index.fieldsTable, this.seq, latest, MAX_CHANGES);
    if (!changed) return false;
    if (changed.length) {
      const found = db
        .prepare(`${this.selectFields()} WHERE id IN (SELECT value FROM json_each(?))`)
        .raw()
        .all(JSON.stringify(changed)) as unknown[][];
      const present = new Set<number>();
      for (const row of found) {
        present.add(row[0] as number);
        this.put(row[0] as number, row.slice(1) as (string | null)[]);
      }
      for (const id of changed) if (!present.has(id)) this.remove(id);
      for (const c of this.columns) if (c.tail > MAX_TAIL) c.join(this.size);
    }
    this.seq = latest;
    return true;
  }

  /**
   * The rows whose sort keys were written up to `latest` (order_changes, migration 015): out of
   * place in every order. When they cannot be told (pruned, or a bulk re-key) the orders are dropped,
   * to be read again when asked for; the search text stays.
   */
  private applyMoves(db: DB, latest: number): void {
    if (this.sortTable && this.hasOrders) {
      const moved = loggedIds(db, 'order_changes', this.sortTable, this.orderSeq, latest, MAX_CHANGES);
      if (!moved) {
        this.orders.clear();
        this.pendingOrders.clear();
      } else {
        const orders = this.allOrders();
        for (const id of moved) {
          const slot = this.slotOfId(id);
          if (slot >= 0) for (const o of orders) o.mark(slot);
        }
      }
    }
    this.orderSeq = latest;
  }

  private slotOfId(id: number): number {
    return id < this.slotOf.length ? this.slotOf[id] - 1 : -1;
  }

  /**
   * The list's order from `src`, when it is held and read; otherwise it is asked for (read by
   * buildOrderStep) and null. An order with many rows out of place is read again meanwhile.
   */
  order(src: OrderSource): MemoryOrder | null {
    if (!this.sortTable || this.failedOrders.has(src.name)) return null;
    const held = this.orders.get(src.name);
    const stale = held && held.marked > Math.min(ORDER_REBUILD_MARKS, Math.max(64, this.rows >> 3));
    if ((!held || stale) && !this.pendingOrders.has(src.name)) {
      this.pendingOrders.set(src.name, new MemoryOrder(src, this.ids.length));
    }
    if (held) held.lastUsed = performance.now();
    return held ?? null;
  }

  /** Whether an order is being read (or asked for). */
  get ordersPending(): boolean {
    return this.pendingOrders.size > 0;
  }

  /** Reads a chunk of an order asked for; when it is read it replaces the one held. True when none is left to read. */
  buildOrderStep(db: DB, rows?: number): boolean {
    const next = this.pendingOrders.values().next();
    if (next.done) return true;
    const o = next.value;
    let done: boolean;
    try {
      done = o.buildStep(db, (id) => this.slotOfId(id), this.rows, rows);
    } catch (err) {
      // Not asked for again (a NULL key): its queries are answered without it.
      this.pendingOrders.delete(o.src.name);
      this.failedOrders.add(o.src.name);
      throw err;
    }
    if (done) {
      this.pendingOrders.delete(o.src.name);
      o.lastUsed = performance.now();
      this.orders.set(o.src.name, o);
    }
    return this.pendingOrders.size === 0;
  }

  /** The orders held, for eviction: name, bytes and last use. */
  heldOrders(): { name: string; bytes: number; lastUsed: number }[] {
    return [...this.orders.values()].map((o) => ({ name: o.src.name, bytes: o.bytes, lastUsed: o.lastUsed }));
  }

  dropOrder(name: string): void {
    this.orders.delete(name);
  }

  /**
   * The ids of the matches (their slots, `matched`) that can be among the first `n` in `order`
   * (`desc`: from its end): a superset, to be ordered exactly (from their stored keys).
   */
  firstIdsInOrder(order: MemoryOrder, matched: Int32Array, n: number, desc: boolean): number[] {
    this.ordersUsed++;
    return Array.from(order.firstSlots(matched, n, desc), (s) => this.ids[s]);
  }

  /** Which values of each field match the pattern (the field names from the index's own). */
  match(fields: readonly string[], pattern: TextPattern): MemoryMatch {
    const at = fields.map((f) => this.index.fields.indexOf(f));
    if (at.some((i) => i < 0)) throw new Error(`Not in the index ${this.index.fieldsTable}: ${fields.join(', ')}`);
    return { index: this, fields: at, values: at.map((f) => this.columns[f].match(pattern.pieces)) };
  }

  /** Whether the row matches (any of the term's fields). */
  has(m: MemoryMatch, id: number): boolean {
    const slot = id < this.slotOf.length ? this.slotOf[id] - 1 : -1;
    if (slot < 0) return false;
    for (let k = 0; k < m.fields.length; k++) {
      const v = m.values[k];
      if (v && v[this.columns[m.fields[k]].codes[slot]]) return true;
    }
    return false;
  }

  /**
   * How many rows match: exact for one field (the values' row counts), an upper bound over
   * several (a row may match in more than one).
   */
  estimate(m: MemoryMatch): number {
    let n = 0;
    for (let k = 0; k < m.fields.length; k++) {
      const v = m.values[k];
      if (!v) continue;
      const freq = this.columns[m.fields[k]].freq;
      for (let i = 1; i < v.length; i++) if (v[i]) n += freq[i];
    }
    return Math.min(n, this.rows);
  }

  /** The rows matching, one byte per slot (one pass per field with a matching value). */
  hits(m: MemoryMatch): Uint8Array {
    const out = new Uint8Array(this.size);
    for (let k = 0; k < m.fields.length; k++) {
      const v = m.values[k];
      if (!v) continue;
      const codes = this.columns[m.fields[k]].codes;
      // Without a branch: one that goes either way at random costs more than the pass.
      for (let s = 0; s < this.size; s++) out[s] |= v[codes[s]];
    }
    return out;
  }

  /** The slots set in `hits` (`count` of them), ascending. */
  matchedSlots(hits: Uint8Array, count: number): Int32Array {
    return slotsOf(hits, Math.min(hits.length, this.size), count);
  }

  /** About `k` ids of the `matched` slots, spread evenly over them. */
  sampleIds(matched: Int32Array, k: number): number[] {
    const step = Math.max(1, Math.floor(matched.length / k));
    const out: number[] = [];
    for (let i = 0; i < matched.length && out.length < k; i += step) out.push(this.ids[matched[i]]);
    return out;
  }

  /** The ids of the `matched` slots, ascending. */
  idsOfSlots(matched: Int32Array): number[] {
    return Array.from(matched, (s) => this.ids[s]).sort((a, b) => a - b);
  }
}

/** Counts the set bytes (slots of deleted rows are never set: their codes are 0, the empty value). */
export function countHits(hits: Uint8Array): number {
  let n = 0;
  let s = 0;
  // Four slots a word: each byte is 0 or 1, so the word times 0x01010101 has their sum in its top byte.
  if (hits.byteOffset % 4 === 0) {
    const words = new Uint32Array(hits.buffer, hits.byteOffset, hits.length >>> 2);
    for (let w = 0; w < words.length; w++) if (words[w] !== 0) n += Math.imul(words[w], 0x01010101) >>> 24;
    s = words.length << 2;
  }
  for (; s < hits.length; s++) n += hits[s];
  return n;
}


export interface MemorySearchOptions {
  /** Lists with fewer rows are left to SQLite (MEMORY_MIN_ROWS). */
  minRows?: number;
  /** Results with more matches use the list's order held in memory (ORDER_MIN_MATCHES; tests lower it). */
  orderMinMatches?: number;
  /** SHORT_WALK_ROWS (tests set 0, to reach the plans after it). */
  shortWalkRows?: number;
  /** Memory for the orders held (ORDER_MAX_BYTES). */
  orderMaxBytes?: number;
}

/** The memory indexes of one connection, by fields table. */
export class MemorySearch {
  private readonly indexes = new Map<string, MemoryTextIndex>();
  private timer: NodeJS.Timeout | null = null;
  private readonly small = new Set<string>();
  private readonly tokens = new Map<number, MemoryMatch>();
  private nextToken = 1;

  private readonly orderMaxBytes: number;

  constructor(
    private readonly db: DB,
    options: MemorySearchOptions = {},
  ) {
    const minRows = options.minRows ?? MEMORY_MIN_ROWS;
    this.orderMaxBytes = options.orderMaxBytes ?? ORDER_MAX_BYTES;
    // A query's memory term, row by row: pim_memhit(token, id) is 1 when the row matches.
    db.function('pim_memhit', { deterministic: false }, (token: unknown, id: unknown) => {
      const m = this.tokens.get(token as number);
      if (!m) throw new Error('pim_memhit: the match was released');
      return m.index.has(m, id as number) ? 1 : 0;
    });
    for (const spec of Object.values(listIndexes)) {
      if (this.indexes.has(spec.index.fieldsTable)) continue;
      const index = new MemoryTextIndex(spec.index, spec.sort?.table);
      index.plan = { orderMinMatches: options.orderMinMatches ?? ORDER_MIN_MATCHES, shortWalkRows: options.shortWalkRows ?? SHORT_WALK_ROWS };
      this.indexes.set(spec.index.fieldsTable, index);
    }
    // Lists too small to be worth it are left out (decided once; they grow slowly).
    for (const [table] of this.indexes) {
      const rows = (db.prepare(`SELECT max(id) FROM "${table}"`).pluck().get() as number | null) ?? 0;
      if (rows < minRows) this.small.add(table);
    }
  }

  /** The index of a list, brought up to the snapshot now; null while it is not built. */
  ready(index: SearchIndexDef): MemoryTextIndex | null {
    if (this.small.has(index.fieldsTable)) return null;
    // Inside a writing connection's transaction the log may hold changes that are then rolled
    // back (and their numbers used again): only committed changes are applied.
    if (this.db.inTransaction && !this.db.readonly) return null;
    const m = this.indexes.get(index.fieldsTable);
    if (!m || !m.ready) return null;
    return m.sync(this.db) ? m : null;
  }

  /** A match for pim_memhit while one query runs; release it when the query is done. */
  register(m: MemoryMatch): number {
    const token = this.nextToken++;
    this.tokens.set(token, m);
    return token;
  }

  release(token: number): void {
    this.tokens.delete(token);
  }

  /** Builds every list's index now, and the orders asked for (the benchmark, tests). */
  buildAll(): void {
    for (const [table, m] of this.indexes) if (!this.small.has(table)) m.build(this.db);
    for (const m of this.indexes.values()) {
      if (!m.ready) continue;
      m.sync(this.db);
      while (!m.buildOrderStep(this.db, 200_000));
    }
    this.evictOrders();
  }

  /** Drops the orders used longest ago while they hold more than the connection's limit (ORDER_MAX_BYTES). */
  private evictOrders(): void {
    const held = [...this.indexes.values()].flatMap((m) => m.heldOrders().map((o) => ({ ...o, m })));
    let bytes = held.reduce((sum, o) => sum + o.bytes, 0);
    held.sort((a, b) => a.lastUsed - b.lastUsed);
    for (const o of held) {
      if (bytes <= this.orderMaxBytes) break;
      o.m.dropOrder(o.name);
      bytes -= o.bytes;
    }
  }

  /**
   * Builds them a step at a time between the connection's other work, and again after a reset.
   * `onReady` is told once, when every list is first loaded: how long it took and the bytes held.
   */
  buildInBackground(intervalMs = 10, onReady?: (loaded: { ms: number; bytes: number }) => void): void {
    if (this.timer) return;
    const started = performance.now();
    let told = false;
    const step = () => {
      this.timer = null;
      const pending = [...this.indexes].find(([table, m]) => !this.small.has(table) && !m.ready);
      // Orders are read once the lists are loaded, a chunk a step, brought up to date first.
      const ordering = pending ? undefined : [...this.indexes.values()].find((m) => m.ready && m.ordersPending);
      if (ordering) {
        try {
          if (ordering.sync(this.db) && ordering.buildOrderStep(this.db)) this.evictOrders();
        } catch (err) {
          if (!this.db.open) return;
          console.error(`memory search: reading an order of ${ordering.index.fieldsTable} failed:`, err);
        }
        this.timer = setTimeout(step, intervalMs);
      } else if (!pending) {
        if (!told) {
          told = true;
          onReady?.({ ms: performance.now() - started, bytes: Object.values(this.sizes()).reduce((sum, s) => sum + s.bytes, 0) });
        }
        this.timer = setTimeout(step, 1000);
      } else {
        try {
          pending[1].buildStep(this.db);
        } catch (err) {
          // A closed connection ends the build; anything else is reported and retried later.
          if (!this.db.open) return;
          console.error(`memory search: building ${pending[0]} failed:`, err);
        }
        this.timer = setTimeout(step, intervalMs);
      }
      this.timer.unref();
    };
    this.timer = setTimeout(step, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Bytes held, by fields table, and of those its orders' (the benchmark prints them). */
  sizes(): Record<string, { rows: number; bytes: number; orders: number }> {
    const out: Record<string, { rows: number; bytes: number; orders: number }> = {};
    for (const [table, m] of this.indexes) if (m.ready) out[table] = { rows: m.rowCount, bytes: m.bytes, orders: m.orderBytes };
    return out;
  }
}

const searches = new WeakMap<DB, MemorySearch>();

/** Turns memory search on for a connection (the server's read connections; the benchmark). */
export function enableMemorySearch(db: DB, options: MemorySearchOptions = {}): MemorySearch {
  let s = searches.get(db);
  if (!s) searches.set(db, (s = new MemorySearch(db, options)));
  return s;
}

export function memorySearchOf(db: DB): MemorySearch | undefined {
  return searches.get(db);
}
