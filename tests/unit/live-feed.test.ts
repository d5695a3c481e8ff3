import { describe, expect, it } from 'vitest';
import { countListChanges, LiveFeed, type FeedEntry } from '../../renderer/src/live/feed.js';
import type { ChangeEvent } from '../../shared/live.js';

// The desk's counting of live updates (issue 10): what an open list or order window shows.

const ME = 'desk-me';
const OTHER = 'desk-other';
let n = 0;
function change(seq: number, lists: string[], patch: Partial<ChangeEvent> = {}): ChangeEvent {
  n++;
  return { seq, lists, keys: {}, kind: 'updated', by: '刘志强', at: '2026-11-30T02:00:00.000Z', method: 'dispatch.update', desk: OTHER, ...patch };
}

function connected(seq = 10): LiveFeed {
  const feed = new LiveFeed();
  feed.hello({ authenticated: true, seq, desk: ME });
  return feed;
}

describe('an open list counts changes since its last query', () => {
  it('counts other desks\' events touching the list after the query started, not its own desk\'s, not other lists', () => {
    const feed = connected();
    feed.event(change(11, ['dispatch']));
    const since = feed.tick; // the list queries now
    feed.event(change(12, ['dispatch', 'content']));
    feed.event(change(13, ['stock', 'ledger']));
    feed.event(change(14, ['dispatch'], { desk: ME }));
    feed.event(change(15, ['content']));
    expect(feed.countFor('dispatch', since)).toBe(1);
    expect(feed.countFor('content', since)).toBe(2);
    expect(feed.countFor('stock', since)).toBe(1);
    expect(feed.countFor('owed', since)).toBe(0);
    expect(feed.countFor('dispatch', 0)).toBe(2);
    // A new query: nothing is news any more.
    expect(feed.countFor('content', feed.tick)).toBe(0);
    expect(feed.staleSince(0)).toBe(false);
  });

  it('drops an event it has seen (same or older seq)', () => {
    const feed = connected();
    expect(feed.event(change(11, ['dispatch']))).toBe('new');
    expect(feed.event(change(11, ['dispatch']))).toBe('duplicate');
    expect(feed.event(change(9, ['dispatch']))).toBe('duplicate');
    expect(feed.countFor('dispatch', 0)).toBe(1);
  });

  it('says "may be out of date" after a seq gap, for lists that queried before it', () => {
    const feed = connected();
    feed.event(change(11, ['dispatch']));
    const before = feed.tick;
    expect(feed.event(change(14, ['owed']))).toBe('gap');
    expect(feed.missed).toBe(2);
    expect(feed.staleSince(before)).toBe(true);
    expect(feed.staleSince(feed.tick)).toBe(false);
    // The event after the gap still counts for its list.
    expect(feed.countFor('owed', before)).toBe(1);
  });

  it('says "may be out of date" when the hello after a reconnect is past the last seq seen', () => {
    const feed = connected(10);
    feed.event(change(11, ['dispatch']));
    const since = feed.tick;
    feed.disconnected();
    expect(feed.connected).toBe(false);
    feed.hello({ authenticated: true, seq: 11, desk: ME });
    expect(feed.staleSince(since)).toBe(false); // nothing was missed
    feed.disconnected();
    feed.hello({ authenticated: true, seq: 15, desk: ME });
    expect(feed.staleSince(since)).toBe(true);
    expect(feed.missed).toBe(4);
    // The next event continues from the hello's seq, without another gap.
    expect(feed.event(change(16, ['dispatch']))).toBe('new');
  });

  it('counts the events a reconnect replays as if live, and is not out of date', () => {
    const feed = connected(10);
    feed.event(change(11, ['dispatch']));
    const since = feed.tick;
    feed.disconnected();
    // The socket asks to resume after the last seq it has.
    expect(feed.resumeFrom()).toBe(11);
    feed.hello({ authenticated: true, seq: 14, desk: ME, replay: { from: 11, count: 3 } });
    expect(feed.staleSince(since)).toBe(false);
    expect(feed.event(change(12, ['dispatch']))).toBe('new');
    expect(feed.event(change(13, ['fees'], { desk: ME }))).toBe('new');
    expect(feed.event(change(14, ['dispatch', 'content']))).toBe('new');
    // Live again: the next one continues without a gap; a replayed one seen twice is dropped.
    expect(feed.event(change(15, ['dispatch']))).toBe('new');
    expect(feed.event(change(14, ['dispatch']))).toBe('duplicate');
    expect(feed.countFor('dispatch', since)).toBe(3);
    expect(feed.countFor('fees', since)).toBe(0); // its own desk's write
    expect(feed.countFor('content', since)).toBe(1);
    expect(feed.staleSince(since)).toBe(false);
    expect(feed.missed).toBe(0);
    expect(feed.resumeFrom()).toBe(15);
  });

  it('is out of date when a reconnect\'s catch-up is refused, or replays from elsewhere than where it is', () => {
    const refused = connected(10);
    refused.disconnected();
    refused.hello({ authenticated: true, seq: 2000, desk: ME, replayRefused: 'tooMany' });
    expect(refused.staleSince(0)).toBe(true);
    expect(refused.missed).toBe(1990);
    expect(refused.event(change(2001, ['dispatch']))).toBe('new');

    const elsewhere = connected(10);
    elsewhere.disconnected();
    elsewhere.hello({ authenticated: true, seq: 14, desk: ME, replay: { from: 8, count: 6 } });
    expect(elsewhere.staleSince(0)).toBe(true);
    // What follows up to the hello's seq was covered by the refresh the stale notice asks for.
    expect(elsewhere.event(change(12, ['dispatch']))).toBe('duplicate');

    // A hole inside a replay is still a gap.
    const holed = connected(10);
    holed.hello({ authenticated: true, seq: 13, desk: ME, replay: { from: 10, count: 3 } });
    expect(holed.event(change(11, ['dispatch']))).toBe('new');
    expect(holed.event(change(13, ['dispatch']))).toBe('gap');
    expect(holed.missed).toBe(1);
  });

  it('asks for no catch-up before its first hello', () => {
    expect(new LiveFeed().resumeFrom()).toBeNull();
  });

  it('treats a seq going back (a restored database) as out of date too', () => {
    const feed = connected(50);
    feed.hello({ authenticated: true, seq: 20, desk: ME });
    expect(feed.staleSince(0)).toBe(true);
    expect(feed.event(change(21, ['dispatch']))).toBe('new');
  });

  it('in local mode (one desk) counts nothing as news', () => {
    const feed = new LiveFeed();
    feed.local();
    feed.event(change(1, ['dispatch']));
    feed.event(change(2, ['dispatch'], { desk: 'x' }));
    expect(feed.countFor('dispatch', 0)).toBe(0);
  });

  it('countListChanges works on entries alone', () => {
    const entries: FeedEntry[] = [1, 2, 3, 4].map((i) => ({ tick: i, event: change(i, i % 2 ? ['fees'] : ['content']) }));
    expect(countListChanges(entries, 'fees', 1, () => false)).toBe(1);
    expect(countListChanges(entries, 'content', 0, () => false)).toBe(2);
    expect(countListChanges(entries, 'content', 0, (e) => e.seq === 4)).toBe(1);
  });
});

describe('an open order window', () => {
  it('shows the latest change of its order by another desk since it loaded', () => {
    const feed = connected();
    feed.event(change(11, ['dispatch'], { keys: { orderNos: ['SN202611300001'] } }));
    const loaded = feed.tick;
    expect(feed.orderChange('SN202611300001', loaded)).toBeNull();
    feed.event(change(12, ['content', 'dispatch'], { keys: { orderNos: ['SN202611300001'] }, method: 'dispatch.saveContent', by: '陈晓燕' }));
    feed.event(change(13, ['dispatch'], { keys: { orderNos: ['SN202611300002'] } }));
    feed.event(change(14, ['issue'], { keys: { orderNos: ['SN202611300001'] }, desk: ME }));
    expect(feed.orderChange('SN202611300001', loaded)).toMatchObject({ seq: 12, by: '陈晓燕', method: 'dispatch.saveContent' });
    feed.event(change(15, ['issue', 'stock'], { keys: { orderNos: ['SN202611300001'], docNos: ['LY202611300001'] }, method: 'issues.post' }));
    expect(feed.orderChange('SN202611300001', loaded)?.seq).toBe(15);
    // After a reload nothing is news.
    expect(feed.orderChange('SN202611300001', feed.tick)).toBeNull();
  });
});

describe('subscribers', () => {
  it('are told of every accepted event, hello and gap', () => {
    const feed = new LiveFeed();
    let calls = 0;
    const off = feed.subscribe(() => calls++);
    feed.hello({ authenticated: true, seq: 1, desk: ME });
    feed.event(change(2, ['dispatch']));
    feed.event(change(2, ['dispatch']));
    off();
    feed.event(change(3, ['dispatch']));
    expect(calls).toBe(2);
    expect(n).toBeGreaterThan(0);
  });
});
