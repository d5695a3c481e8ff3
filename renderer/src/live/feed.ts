import type { ChangeEvent, LiveHello } from '../../../shared/live.js';

// The desk's side of the change feed (issue 10), free of React and the DOM so it is unit-tested:
// the events received, in order, each once; whether some were missed (a seq gap, or a hello
// after a reconnect whose seq is past the last one seen and that brings no catch-up); and, for
// an open list or order window, what arrived since it last read its rows.
//
// A reconnect asks for what was missed (the socket's `since` is lastSeq): when the server
// replays it, the events follow the hello and are counted like live ones; only when it cannot
// (too many, pruned) are the lists told they may be out of date.
//
// Positions are local "ticks": each accepted event and each detected gap gets the next tick. A
// list remembers the tick at which its query started; what came after is news to it.

export interface FeedEntry {
  tick: number;
  event: ChangeEvent;
}

/** What became of one event handed to the feed. */
export type Accepted = 'new' | 'duplicate' | 'gap';

/** Events kept for the counting (a list open longer than this many events shows "many"). */
const KEEP = 2000;

export class LiveFeed {
  /** The last seq seen (hello or event); null before the first hello. */
  lastSeq: number | null = null;
  /** This desk's own id (the hello says it); events with it are this desk's own writes. */
  desk: string | null = null;
  /** One desk (the local database): every event is this desk's own. */
  single = false;
  tick = 0;
  /** The tick of the last detected gap (0: none). */
  gapTick = 0;
  /** Seqs that were missed, as far as known (for the message). */
  missed = 0;
  /** Connected to the message server (local mode: always). */
  connected = false;
  private entries: FeedEntry[] = [];
  private readonly listeners = new Set<() => void>();
  /** Changes on every update: for useSyncExternalStore. */
  version = 0;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  private markGap(missed: number): void {
    this.gapTick = ++this.tick;
    this.missed += Math.max(0, missed);
  }

  /** The seq to ask the server to resume after at the next (re)connect; null before the first hello. */
  resumeFrom = (): number | null => this.lastSeq;

  /**
   * The hello of an accepted session: its seq against the last one seen says whether events
   * were missed meanwhile — unless the server replays them from exactly where this desk is.
   */
  hello(data: Partial<LiveHello> | null | undefined): void {
    if (!data || data.authenticated === false) return;
    if (typeof data.desk === 'string') this.desk = data.desk;
    this.connected = true;
    const seq = typeof data.seq === 'number' ? data.seq : null;
    // With a replay from exactly here the missed events follow this hello, in order: lastSeq
    // stays where it is so that they are taken as new (and a hole among them is still a gap).
    const replayed = seq !== null && this.lastSeq !== null && data.replay?.from === this.lastSeq && seq >= this.lastSeq;
    if (seq !== null && !replayed) {
      // Past the last one: events were sent while this desk was away. Before it: the database
      // was replaced (a restore) — what the lists show cannot be trusted either.
      if (this.lastSeq !== null && seq !== this.lastSeq) this.markGap(seq - this.lastSeq);
      this.lastSeq = seq;
    }
    this.changed();
  }

  /** The socket closed: until the next hello nothing is known (the hello then says whether anything was missed). */
  disconnected(): void {
    if (!this.connected) return;
    this.connected = false;
    this.changed();
  }

  /** Local mode: one desk, every event its own, nothing to miss. */
  local(): void {
    this.single = true;
    this.connected = true;
    this.changed();
  }

  /** One `data.changed` event: kept once, in order; a seq past the next one expected means some were missed. */
  event(event: ChangeEvent): Accepted {
    if (!event || typeof event.seq !== 'number') return 'duplicate';
    if (this.lastSeq !== null && event.seq <= this.lastSeq) return 'duplicate';
    let result: Accepted = 'new';
    if (this.lastSeq !== null && event.seq > this.lastSeq + 1) {
      this.markGap(event.seq - this.lastSeq - 1);
      result = 'gap';
    }
    this.lastSeq = event.seq;
    this.entries.push({ tick: ++this.tick, event });
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
    this.changed();
    return result;
  }

  /** Whether an event was written at this desk. */
  isOwn(event: ChangeEvent): boolean {
    return this.single || (this.desk !== null && event.desk === this.desk);
  }

  /** Events from other desks after `since` (a tick). */
  othersSince(since: number): ChangeEvent[] {
    return entriesSince(this.entries, since)
      .map((e) => e.event)
      .filter((e) => !this.isOwn(e));
  }

  /** How many events from other desks touched `list` after `since`. */
  countFor(list: string, since: number): number {
    return countListChanges(this.entries, list, since, (e) => this.isOwn(e));
  }

  /** Whether events may have been missed after `since`: the rows read then may be out of date. */
  staleSince(since: number): boolean {
    return this.gapTick > since;
  }

  /** The latest change from another desk to an order after `since`, if any. */
  orderChange(orderNo: string, since: number): ChangeEvent | null {
    return latestOrderChange(this.entries, orderNo, since, (e) => this.isOwn(e));
  }
}

function entriesSince(entries: readonly FeedEntry[], since: number): readonly FeedEntry[] {
  // Entries are in tick order: find the first one after `since` from the end.
  let i = entries.length;
  while (i > 0 && entries[i - 1].tick > since) i--;
  return entries.slice(i);
}

/** The counting an open list shows: events after `since` that touch `list`, other desks' only. */
export function countListChanges(entries: readonly FeedEntry[], list: string, since: number, isOwn: (e: ChangeEvent) => boolean): number {
  let n = 0;
  for (const { event } of entriesSince(entries, since)) if (!isOwn(event) && event.lists.includes(list)) n++;
  return n;
}

/** The latest event after `since` from another desk that names the order. */
export function latestOrderChange(entries: readonly FeedEntry[], orderNo: string, since: number, isOwn: (e: ChangeEvent) => boolean): ChangeEvent | null {
  const after = entriesSince(entries, since);
  for (let i = after.length - 1; i >= 0; i--) {
    const e = after[i].event;
    if (!isOwn(e) && (e.keys.orderNos ?? []).includes(orderNo)) return e;
  }
  return null;
}
