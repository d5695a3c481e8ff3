import { afterEach, describe, expect, it } from 'vitest';
import { deskOf } from '../../db/change-log.js';
import type { ChangeEvent } from '../../shared/live.js';
import { writeRoles } from '../../shared/roles.js';
import { PUBLISHED_METHODS } from '../../db/change-log.js';
import { makeWarehouseFixture, type WarehouseFixture } from './warehouse-fixture.js';

// The change feed of the backend (issue 10, live updates): each committed write is one
// change_log row written in its transaction and handed out once, in seq order; a write that
// fails leaves neither.

let f: WarehouseFixture | null = null;
afterEach(() => {
  f?.close();
  f = null;
});

async function fixture() {
  f = await makeWarehouseFixture(5);
  const got: ChangeEvent[] = [];
  f.backend.changes.subscribe((e) => got.push(e));
  return { f, got };
}

describe('the change feed', () => {
  it('publishes every write method that roles guard, and nothing else', () => {
    expect([...PUBLISHED_METHODS].sort()).toEqual(Object.keys(writeRoles).sort());
  });

  it('hands out each committed write once, in order, with seq increasing by one and who wrote it', async () => {
    const { f, got } = await fixture();
    const start = f.backend.changes.seq;
    const part = await f.part();
    await f.receive(part, 5);
    const { orderNo } = await f.order();
    await f.backend.call('materials.save', { orderNo, rowVersion: 1, lines: [{ partId: part, quantity: 2, payer: 'customer', unitPriceFen: 1250 }] }, f.token.clerk);
    const { docNo } = await f.backend.call('issues.post', { orderNo, warehouseId: f.main, lines: [{ partId: part, quantity: 2 }] }, f.keeper);
    expect(got.map((e) => e.method)).toEqual(['parts.save', 'stock.receive', 'dispatch.create', 'materials.save', 'issues.post']);
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5].map((n) => start + n));
    const issue = got[4];
    // An issue touches the issue list, the stock, the ledger, the materials, owed parts, the parts fees and the order.
    expect(issue.lists).toEqual(expect.arrayContaining(['issue', 'stock', 'ledger', 'materials', 'owed', 'fees']));
    expect(issue.keys).toEqual({ docNos: [docNo], orderNos: [orderNo] });
    expect(issue.kind).toBe('created');
    expect(issue.by).toBe('王建军');
    expect(issue.desk).toBe(deskOf(f.backend.auth.authenticate(f.keeper).id));
    expect(got[2].desk).not.toBe(issue.desk);
    // Pumping again hands out nothing twice.
    expect(f.backend.changes.pump()).toEqual([]);

    // A reversal of the issue names both documents and the order.
    await f.backend.call('stock.reverse', { docNo, reason: '录错' }, f.keeper);
    expect(got[5].keys.docNos).toContain(docNo);
    expect(got[5].keys.orderNos).toEqual([orderNo]);
    expect(got[5].lists).toEqual(expect.arrayContaining(['issue', 'stock', 'ledger', 'materials']));
  });

  it('leaves no row and hands out nothing when the write fails, and keeps the write when it succeeds', async () => {
    const { f, got } = await fixture();
    const { orderNo } = await f.order();
    const before = f.db.prepare('SELECT count(*) FROM change_log').pluck().get() as number;
    await expect(f.backend.call('dispatch.setStatus', { orderNo, rowVersion: 42, status: 'dispatched' }, f.token.clerk)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(f.backend.call('issues.post', { orderNo, warehouseId: f.main, lines: [{ partId: 999999, quantity: 1 }] }, f.keeper)).rejects.toBeTruthy();
    expect(f.db.prepare('SELECT count(*) FROM change_log').pluck().get()).toBe(before);
    expect(got.map((e) => e.method)).toEqual(['dispatch.create']);
    // Reads are not published.
    await f.backend.call('dispatch.query', { limit: 1 }, f.token.clerk);
    await f.backend.call('materials.get', { orderNo }, f.token.clerk);
    expect(got).toHaveLength(1);
  });

  it('marks a new urgent order and its customer', async () => {
    const { f, got } = await fixture();
    const { orderNo } = await f.backend.call(
      'dispatch.create',
      { order: { ...(await import('./dispatch-fixture.js')).orderInput(f), urgency: 'urgent' } },
      f.token.clerk,
    );
    expect(got[0]).toMatchObject({ method: 'dispatch.create', urgent: true, keys: { orderNos: [orderNo] } });
    expect(got[0].customer).toBeTruthy();
  });

  it('picks up rows another connection wrote, on the next pump, without re-sending its own', async () => {
    const { f, got } = await fixture();
    const { Backend } = await import('../../db/backend.js');
    const { openDatabase } = await import('../../db/open.js');
    const db2 = openDatabase(f.file);
    try {
      const other = new Backend(db2, { now: () => f.clock.now });
      const token = (await other.call('auth.login', { username: 'clerk', password: 'demo123' })).token;
      await f.order();
      await other.call('dispatch.create', { order: (await import('./dispatch-fixture.js')).orderInput(f) }, token);
      expect(got).toHaveLength(1);
      f.backend.changes.pump();
      expect(got.map((e) => e.seq)).toEqual([got[0].seq, got[0].seq + 1]);
      expect(f.backend.changes.pump()).toEqual([]);
    } finally {
      db2.close();
    }
  });
  it('gives a reconnecting desk the events after its seq, in order, or says why it cannot', async () => {
    const { f, got } = await fixture();
    const start = f.backend.changes.seq;
    await f.order();
    await f.order();
    await f.order();
    const feed = f.backend.changes;
    // Exactly what was handed out after the seq, in order, as it was handed out.
    expect(feed.catchUp(start, 10)).toEqual({ events: got });
    expect(feed.catchUp(start + 1, 10)).toEqual({ events: got.slice(1) });
    expect(feed.catchUp(start + 3, 10)).toEqual({ events: [] });
    // More than the limit, a seq never handed out, a bad one.
    expect(feed.catchUp(start, 2)).toEqual({ refused: 'tooMany' });
    expect(feed.catchUp(start + 4, 10)).toEqual({ refused: 'unknown' });
    expect(feed.catchUp(-1, 10)).toEqual({ refused: 'unknown' });
    // A row written but not yet handed out (another process) is not replayed: it comes live.
    const { Backend } = await import('../../db/backend.js');
    const { openDatabase } = await import('../../db/open.js');
    const db2 = openDatabase(f.file);
    try {
      const other = new Backend(db2, { now: () => f.clock.now });
      const token = (await other.call('auth.login', { username: 'clerk', password: 'demo123' })).token;
      await other.call('dispatch.create', { order: (await import('./dispatch-fixture.js')).orderInput(f) }, token);
    } finally {
      db2.close();
    }
    expect(feed.catchUp(start, 10)).toEqual({ events: got.slice(0, 3) });
    // The log pruned past the first one: what is left would not tell the whole story.
    f.db.prepare('DELETE FROM change_log WHERE seq = ?').run(start + 1);
    expect(feed.catchUp(start, 10)).toEqual({ refused: 'pruned' });
    expect(feed.catchUp(start + 1, 10)).toEqual({ events: got.slice(1, 3) });
  });
});
