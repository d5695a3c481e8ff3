import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../server/http-server.js';
import { openDatabase, type DB } from '../../db/open.js';
import type { ChangeEvent, LiveHello, LiveNotice } from '../../shared/live.js';
import { LiveFeed } from '../../renderer/src/live/feed.js';
import { makeDemoDb } from '../helpers/demo-db.js';
import { startServerProcess } from '../helpers/spawn.js';

// Live updates (issue 10) against the real server on 127.0.0.1: two desks, two users, two
// sockets. What one desk writes reaches the other over the message socket, in commit order,
// once, with a seq that increases by one; a socket dropped and reopened learns from the hello
// that it missed events; a second server process on the same database relays the same events
// with the same seq (the change_log table); the notices reach only whom they concern. A desk
// that reconnects with the last seq it has is sent exactly what it missed, first, once (or told
// it may be out of date when that cannot be done); a socket whose session ends is closed
// "signed out"; a clerk or manager who connects after an urgent order was made is told of it.

let server: RunningServer;
let dir: string;
let dbFile: string;
let direct: DB;

interface Message {
  event: string;
  data: Record<string, unknown>;
}

/** One desk on the message socket: every message it received, in order. */
class Desk {
  readonly messages: Message[] = [];
  /** How the server closed the socket, once it has. */
  closedWith: { code: number; reason: string } | null = null;
  private constructor(private readonly ws: WebSocket) {}

  /** `since`: the last seq the desk has (a reconnect asking for what it missed). */
  static open(baseUrl: string, token: string, since?: number): Promise<Desk> {
    return new Promise((done, fail) => {
      const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}${since === undefined ? '' : `&since=${since}`}`);
      const desk = new Desk(ws);
      ws.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as Message;
        desk.messages.push(message);
        if (message.event === 'hello') done(desk);
      });
      ws.on('close', (code, reason) => (desk.closedWith = { code, reason: String(reason) }));
      ws.once('error', fail);
    });
  }

  get hello(): LiveHello & { seq: number; desk: string } {
    return this.messages[0].data as unknown as LiveHello & { seq: number; desk: string };
  }

  changes(filter: (e: ChangeEvent) => boolean = () => true): ChangeEvent[] {
    return this.messages.filter((m) => m.event === 'data.changed').map((m) => m.data as unknown as ChangeEvent).filter(filter);
  }

  notices(): LiveNotice[] {
    return this.messages.filter((m) => m.event === 'notice').map((m) => m.data as unknown as LiveNotice);
  }

  async waitFor<T>(read: () => T, ok: (value: T) => boolean, timeout = 5000): Promise<T> {
    const until = Date.now() + timeout;
    for (;;) {
      const value = read();
      if (ok(value)) return value;
      if (Date.now() > until) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Feeds what this desk received to the renderer's feed, as the client does. */
  feed(into = new LiveFeed()): LiveFeed {
    for (const m of this.messages) {
      if (m.event === 'hello') into.hello(m.data);
      else if (m.event === 'data.changed') into.event(m.data as unknown as ChangeEvent);
    }
    return into;
  }

  close(): Promise<void> {
    return new Promise((done) => {
      if (this.ws.readyState === WebSocket.CLOSED) return done();
      this.ws.once('close', () => done());
      this.ws.close();
    });
  }
}

async function post(base: string, method: string, body: unknown, token?: string) {
  const res = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}
const call = async (method: string, body: unknown, token: string, base = server.url) => {
  const r = await post(base, method, body, token);
  expect(r.status, `${method}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
};
const login = async (username: string) => (await post(server.url, 'auth.login', { username, password: 'demo123' })).body.token as string;
const one = <T>(sql: string, ...params: unknown[]) => direct.prepare(sql).pluck().get(...params) as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function orderInput(customer: string, urgency: 'normal' | 'urgent' = 'normal') {
  return {
    contractId: null,
    customer,
    regionId: one<number>('SELECT id FROM sales_regions WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1'),
    taskTypeId: one<number>('SELECT id FROM task_types WHERE active = 1 ORDER BY id LIMIT 1'),
    warranty: false,
    contact: '王工',
    phone: '13800138000',
    problem: '电梯异响',
    urgency,
    expectedAt: null,
    engineerId: one<number>('SELECT id FROM engineers WHERE active = 1 ORDER BY id LIMIT 1'),
  };
}

const token: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(60));
  server = await startServer({
    dbFile,
    port: 0,
    host: '127.0.0.1',
    log: () => {},
    // A small catch-up limit, so "too many to replay" takes a few writes; sessions checked often.
    live: { pollMs: 100, overdueCheckMs: 200, catchUpLimit: 5, sessionCheckMs: 200 },
  });
  direct = openDatabase(dbFile);
  for (const u of ['clerk', 'manager', 'warehouse']) token[u] = await login(u);
});
afterAll(async () => {
  direct?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live updates between two desks', () => {
  it('delivers a create, a line save and a status change at one desk to the other in order, once, with increasing seq', async () => {
    const a = await Desk.open(server.url, token.clerk);
    const b = await Desk.open(server.url, token.manager);
    expect(a.hello.authenticated).toBe(true);
    expect(b.hello.seq).toBe(a.hello.seq);
    expect(a.hello.desk).not.toBe(b.hello.desk);
    const start = b.hello.seq;

    const { orderNo } = await call('dispatch.create', { order: orderInput('实时测试客户') }, token.clerk);
    await call(
      'dispatch.saveContent',
      {
        orderNo,
        rowVersion: 1,
        lines: [{ workDate: '2026-11-20', engineerId: orderInput('x').engineerId, workType: '维修', result: 'solved', hoursX100: 150 }],
      },
      token.clerk,
    );
    await call('dispatch.setStatus', { orderNo, rowVersion: 2, status: 'dispatched' }, token.clerk);

    const mine = (e: ChangeEvent) => (e.keys.orderNos ?? []).includes(orderNo);
    const seen = await b.waitFor(() => b.changes(mine), (x) => x.length >= 3);
    await sleep(400); // nothing more arrives: each once
    const got = b.changes(mine);
    expect(got.map((e) => e.method)).toEqual(['dispatch.create', 'dispatch.saveContent', 'dispatch.setStatus']);
    expect(got.map((e) => e.kind)).toEqual(['created', 'updated', 'status']);
    expect(got.map((e) => e.seq)).toEqual([start + 1, start + 2, start + 3]);
    expect(seen.every((e) => e.by === '陈晓燕' && e.desk === a.hello.desk)).toBe(true);
    expect(got[0].lists).toContain('dispatch');
    expect(got[1].lists).toEqual(expect.arrayContaining(['content', 'dispatch']));
    expect(got[2].lists).toEqual(expect.arrayContaining(['dispatch', 'content', 'fees']));
    // The same events in the same order at the writing desk too.
    await a.waitFor(() => a.changes(mine), (x) => x.length === 3);
    expect(a.changes(mine).map((e) => e.seq)).toEqual(got.map((e) => e.seq));
    // The change log holds them in the database, in the same order.
    expect(direct.prepare('SELECT seq FROM change_log WHERE seq > ? ORDER BY seq').pluck().all(start)).toEqual(got.map((e) => e.seq));

    // The renderer's counting: the other desk sees 3 changes to the dispatch list, 1 to content;
    // the writing desk counts none (its own).
    const feedB = b.feed();
    expect(feedB.countFor('dispatch', 0)).toBe(3);
    expect(feedB.countFor('content', 0)).toBe(2);
    expect(feedB.countFor('stock', 0)).toBe(0);
    expect(feedB.staleSince(0)).toBe(false);
    expect(feedB.orderChange(orderNo, 0)?.method).toBe('dispatch.setStatus');
    const feedA = a.feed();
    expect(feedA.countFor('dispatch', 0)).toBe(0);
    expect(feedA.orderChange(orderNo, 0)).toBeNull();
    await a.close();
    await b.close();
  });

  it('publishes nothing for a refused write', async () => {
    const b = await Desk.open(server.url, token.manager);
    const { orderNo } = await call('dispatch.create', { order: orderInput('拒绝测试') }, token.clerk);
    await b.waitFor(() => b.changes(), (x) => x.length === 1);
    const before = one<number>('SELECT max(seq) FROM change_log');
    const stale = await post(server.url, 'dispatch.setStatus', { orderNo, rowVersion: 99, status: 'dispatched' }, token.clerk);
    expect(stale.status).toBe(409);
    const forbidden = await post(server.url, 'stock.receive', { warehouseId: 1, lines: [{ partId: 1, quantity: 1, serials: [] }] }, token.clerk);
    expect(forbidden.status).toBe(403);
    await sleep(300);
    expect(b.changes()).toHaveLength(1);
    expect(one<number>('SELECT max(seq) FROM change_log')).toBe(before);
    await b.close();
  });

  it('tells a desk whose socket was dropped that it missed events (hello seq past the last seen)', async () => {
    const b = await Desk.open(server.url, token.manager);
    const feed = b.feed();
    const { orderNo } = await call('dispatch.create', { order: orderInput('断线测试') }, token.clerk);
    await b.waitFor(() => b.changes(), (x) => x.length === 1);
    b.feed(feed); // the same messages again: duplicates are dropped
    expect(feed.countFor('dispatch', 0)).toBe(1);
    const lastSeen = feed.lastSeq!;
    const listSince = feed.tick; // a list that queried now
    expect(feed.staleSince(listSince)).toBe(false);
    await b.close();
    feed.disconnected();

    // Written while the desk was away.
    await call('dispatch.update', { orderNo, rowVersion: 1, order: { ...orderInput('断线测试'), problem: '改了' } }, token.clerk);
    await call('dispatch.setStatus', { orderNo, rowVersion: 2, status: 'dispatched' }, token.clerk);

    const again = await Desk.open(server.url, token.manager);
    expect(again.hello.seq).toBe(lastSeen + 2);
    feed.hello(again.hello);
    expect(feed.staleSince(listSince)).toBe(true);
    expect(feed.missed).toBe(2);
    // A list that queries again after the reconnect is current again.
    expect(feed.staleSince(feed.tick)).toBe(false);
    // Nothing missed: a reconnect with the same seq is not a gap.
    const quiet = new LiveFeed();
    quiet.hello(again.hello);
    await again.close();
    const third = await Desk.open(server.url, token.manager);
    quiet.hello(third.hello);
    expect(quiet.staleSince(0)).toBe(false);
    await third.close();
  });

  it('relays the writes of another server process on the same database with the same seq', async () => {
    // `npm run server` on the same file: its own process, connection and message server.
    const other = await startServerProcess(dbFile);
    try {
      const onFirst = await Desk.open(server.url, token.manager);
      const onSecond = await Desk.open(other.url, token.clerk); // sessions live in the database
      expect(onSecond.hello.seq).toBe(onFirst.hello.seq);
      const viaFirst = await call('dispatch.create', { order: orderInput('进程一') }, token.clerk);
      const viaSecond = await call('dispatch.create', { order: orderInput('进程二') }, token.manager, other.url);
      for (const desk of [onFirst, onSecond]) {
        await desk.waitFor(() => desk.changes(), (x) => x.length >= 2);
        await sleep(300);
        const got = desk.changes();
        expect(got.map((e) => e.keys.orderNos![0])).toEqual([viaFirst.orderNo, viaSecond.orderNo]);
        expect(got.map((e) => e.seq)).toEqual([onFirst.hello.seq + 1, onFirst.hello.seq + 2]);
      }
      expect(onFirst.changes()[1].by).toBe('刘志强');
      await onFirst.close();
      await onSecond.close();
    } finally {
      await other.stop();
    }
  });
});

describe('catch-up on reconnect', () => {
  it('sends a desk that reconnects with its last seq exactly the events it missed, in order, once, before live ones', async () => {
    const a = await Desk.open(server.url, token.manager);
    const b = await Desk.open(server.url, token.clerk);
    const feed = a.feed();
    const { orderNo } = await call('dispatch.create', { order: orderInput('补发测试') }, token.clerk);
    await a.waitFor(() => a.changes(), (x) => x.length === 1);
    a.feed(feed);
    const listSince = feed.tick; // a list that queried now
    const lastSeen = feed.lastSeq!;
    await a.close();
    feed.disconnected();

    // Desk B changes the order while desk A is away.
    await call('dispatch.update', { orderNo, rowVersion: 1, order: { ...orderInput('补发测试'), problem: '断线期间修改' } }, token.clerk);
    await call('dispatch.saveFees', { orderNo, rowVersion: 2, lines: [{ feeType: 'travel', amountFen: 5000, payer: 'customer', settled: false, settledOn: null, remarks: '' }] }, token.clerk);
    await call('dispatch.setStatus', { orderNo, rowVersion: 3, status: 'dispatched' }, token.clerk);
    const missed = await b.waitFor(() => b.changes((e) => e.seq > lastSeen), (x) => x.length === 3);

    const again = await Desk.open(server.url, token.manager, lastSeen);
    expect(again.hello.replay).toEqual({ from: lastSeen, count: 3 });
    expect(again.hello.replayRefused).toBeUndefined();
    expect(again.hello.seq).toBe(lastSeen + 3);
    // A write after the reconnect arrives live, after the replayed ones.
    const next = await call('dispatch.create', { order: orderInput('重连后新增') }, token.clerk);
    await again.waitFor(() => again.changes(), (x) => x.length >= 4);
    await sleep(300); // nothing more arrives: each once
    const got = again.changes();
    expect(got.map((e) => e.seq)).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4]);
    expect(got.map((e) => e.method)).toEqual(['dispatch.update', 'dispatch.saveFees', 'dispatch.setStatus', 'dispatch.create']);
    // Replayed as they were sent live to desk B.
    expect(got.slice(0, 3)).toEqual(missed);
    expect(got[3].keys.orderNos).toEqual([next.orderNo]);
    // The replayed events come right after the hello, before anything else on the socket.
    expect(again.messages.slice(1, 4).map((m) => (m.data as unknown as ChangeEvent).seq)).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3]);

    // The renderer's feed counts them as if live, and the list is not "may be out of date".
    again.feed(feed);
    expect(feed.staleSince(listSince)).toBe(false);
    expect(feed.missed).toBe(0);
    expect(feed.countFor('dispatch', listSince)).toBe(4);
    expect(feed.countFor('fees', listSince)).toBe(3);
    expect(feed.orderChange(orderNo, listSince)?.method).toBe('dispatch.setStatus');

    // Reconnecting again with nothing missed: an empty replay, no events.
    const third = await Desk.open(server.url, token.manager, lastSeen + 4);
    expect(third.hello.replay).toEqual({ from: lastSeen + 4, count: 0 });
    await sleep(200);
    expect(third.changes()).toEqual([]);
    for (const d of [again, b, third]) await d.close();
  });

  it('falls back to "may be out of date" when the missed events are too many, pruned, or unknown', async () => {
    const a = await Desk.open(server.url, token.manager);
    const feed = a.feed();
    const listSince = feed.tick;
    const lastSeen = feed.lastSeq!;
    await a.close();
    feed.disconnected();
    // More than the server's limit (5 in this test) while away.
    for (let i = 0; i < 6; i++) await call('dispatch.create', { order: orderInput(`批量${i}`) }, token.clerk);
    const again = await Desk.open(server.url, token.manager, lastSeen);
    expect(again.hello.replayRefused).toBe('tooMany');
    expect(again.hello.replay).toBeUndefined();
    expect(again.hello.seq).toBe(lastSeen + 6);
    await sleep(200);
    expect(again.changes()).toEqual([]);
    again.feed(feed);
    expect(feed.staleSince(listSince)).toBe(true);
    expect(feed.missed).toBe(6);
    await again.close();

    // Few enough, but the log no longer holds the first of them (pruned).
    const from = again.hello.seq;
    await call('dispatch.create', { order: orderInput('已清理1') }, token.clerk);
    await call('dispatch.create', { order: orderInput('已清理2') }, token.clerk);
    direct.prepare('DELETE FROM change_log WHERE seq = ?').run(from + 1);
    const pruned = await Desk.open(server.url, token.manager, from);
    expect(pruned.hello.replayRefused).toBe('pruned');
    await sleep(200);
    expect(pruned.changes()).toEqual([]);

    // A seq this database never had (the desk last talked to another, or a restored one).
    const unknown = await Desk.open(server.url, token.manager, pruned.hello.seq + 100);
    expect(unknown.hello.replayRefused).toBe('unknown');
    const restored = new LiveFeed();
    restored.hello({ authenticated: true, seq: pruned.hello.seq + 100, desk: 'x' });
    unknown.feed(restored);
    expect(restored.staleSince(0)).toBe(true);
    await pruned.close();
    await unknown.close();
  });
});

describe('sockets and sessions', () => {
  const hashOf = (t: string) => createHash('sha256').update(t).digest('hex');

  it('closes a desk\'s socket "signed out" when its session is logged out, and leaves the user\'s other desks open', async () => {
    const mine = await login('clerk');
    const a = await Desk.open(server.url, mine);
    const other = await Desk.open(server.url, token.clerk); // the same user at another desk
    await call('auth.logout', {}, mine);
    const closed = await a.waitFor(() => a.closedWith, (c) => c !== null);
    expect(closed).toEqual({ code: 4401, reason: 'signed out' });
    // The other desk still hears of writes.
    const { orderNo } = await call('dispatch.create', { order: orderInput('登出后') }, token.clerk);
    await other.waitFor(() => other.changes((e) => e.keys.orderNos?.[0] === orderNo), (x) => x.length === 1);
    expect(other.closedWith).toBeNull();
    // The ended session cannot open a socket again.
    const refused = await Desk.open(server.url, mine);
    expect(refused.hello.authenticated).toBe(false);
    expect(await refused.waitFor(() => refused.closedWith, (c) => c !== null)).toMatchObject({ code: 4401 });
    await other.close();
  });

  it('closes the socket of a session that expired or whose user was disabled, at the next check', async () => {
    const expiring = await login('warehouse');
    const a = await Desk.open(server.url, expiring);
    const b = await Desk.open(server.url, token.warehouse);
    // The session runs out while the socket is open (no call extends it).
    direct.prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE token_hash = ?").run(hashOf(expiring));
    expect(await a.waitFor(() => a.closedWith, (c) => c !== null, 10_000)).toEqual({ code: 4401, reason: 'signed out' });

    // A user disabled by an administrator: every desk of that user is signed out.
    const disabledId = one<number>("SELECT id FROM users WHERE username = 'manager'");
    const m1 = await Desk.open(server.url, await login('manager'));
    const m2 = await Desk.open(server.url, await login('manager'));
    direct.prepare('UPDATE users SET active = 0 WHERE id = ?').run(disabledId);
    try {
      for (const d of [m1, m2]) expect(await d.waitFor(() => d.closedWith, (c) => c !== null, 10_000)).toEqual({ code: 4401, reason: 'signed out' });
    } finally {
      direct.prepare('UPDATE users SET active = 1 WHERE id = ?').run(disabledId);
    }
    // Checking reads only: the warehouse desk whose session lasts stays open, and its expiry was not moved.
    const before = one<string>('SELECT expires_at FROM sessions WHERE token_hash = ?', hashOf(token.warehouse));
    await sleep(500);
    expect(b.closedWith).toBeNull();
    expect(one<string>('SELECT expires_at FROM sessions WHERE token_hash = ?', hashOf(token.warehouse))).toBe(before);
    await b.close();
  });
});

describe('notices', () => {
  it('tells clerks and managers of a new urgent order, once, and not the warehouse or the desk that made it', async () => {
    const maker = await Desk.open(server.url, token.clerk);
    const otherClerk = await Desk.open(server.url, await login('clerk'));
    const manager = await Desk.open(server.url, token.manager);
    const keeper = await Desk.open(server.url, token.warehouse);
    const { orderNo } = await call('dispatch.create', { order: orderInput('紧急客户', 'urgent') }, token.clerk);
    await call('dispatch.create', { order: orderInput('普通客户') }, token.clerk);
    for (const desk of [otherClerk, manager]) {
      // (Urgent orders made earlier in this file may also be told at connect: only this one counts here.)
      const got = await desk.waitFor(() => desk.notices().filter((n) => n.type === 'urgentOrder' && n.orderNo === orderNo), (x) => x.length >= 1);
      await sleep(200);
      expect(desk.notices().filter((n) => n.type === 'urgentOrder' && n.orderNo === orderNo)).toEqual(got);
      expect(got).toEqual([expect.objectContaining({ type: 'urgentOrder', key: `urgent:${orderNo}`, orderNo, customer: '紧急客户', by: '陈晓燕' })]);
    }
    await keeper.waitFor(() => keeper.changes(), (x) => x.length >= 2);
    await sleep(200);
    expect(keeper.notices().filter((n) => n.type === 'urgentOrder')).toEqual([]);
    expect(maker.notices().filter((n) => n.type === 'urgentOrder')).toEqual([]);
    expect(manager.changes().find((e) => e.keys.orderNos?.[0] === orderNo)?.urgent).toBe(true);
    for (const d of [maker, otherClerk, manager, keeper]) await d.close();
  });

  it('tells whoever is responsible of overdue owed parts at connect, and when one turns overdue', async () => {
    const responsible = '王建军';
    const orderNo = one<string>("SELECT order_no FROM dispatch_orders WHERE status NOT IN ('cancelled') ORDER BY id LIMIT 1");
    const partId = one<number>('SELECT id FROM parts WHERE active = 1 ORDER BY id LIMIT 1');
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const owe = async (who: string) => (await call('owed.create', { orderNo, partId, quantity: 1, reason: '缺货', promisedDate: later, responsible: who }, token.clerk)).id as number;
    // Overdue already (promised long ago): one for the keeper, one for a purchaser.
    const mine = await owe(responsible);
    const theirs = await owe('采购部 孙伟');
    direct.prepare("UPDATE owed_parts SET promised_date = '2026-01-05' WHERE id IN (?, ?)").run(mine, theirs);
    const expected = direct.prepare('SELECT id FROM owed_part_list WHERE overdue = 1 AND responsible = ? ORDER BY id').pluck().all(responsible) as number[];
    expect(expected).toContain(mine);
    const keeper = await Desk.open(server.url, token.warehouse);
    const got = await keeper.waitFor(() => keeper.notices().filter((n) => n.type === 'owedOverdue'), (x) => x.length >= expected.length);
    expect(got.map((n) => (n.type === 'owedOverdue' ? n.owed.id : 0)).sort((x, y) => x - y)).toEqual(expected);
    expect(got.every((n) => n.type === 'owedOverdue' && n.owed.responsible === responsible && n.owed.daysOverdue > 0 && n.key === `owed:${n.owed.id}`)).toBe(true);
    // The clerk is responsible for none of them.
    const clerk = await Desk.open(server.url, token.clerk);
    await sleep(200);
    expect(clerk.notices().filter((n) => n.type === 'owedOverdue')).toEqual([]);

    // A record promised for later, then (as days pass) past its date: the periodic check tells its keeper.
    const id = await owe(responsible);
    await sleep(400);
    expect(keeper.notices().some((n) => n.type === 'owedOverdue' && n.owed.id === id)).toBe(false);
    direct.prepare("UPDATE owed_parts SET promised_date = '2026-01-01' WHERE id = ?").run(id);
    const turned = await keeper.waitFor(() => keeper.notices().filter((n) => n.type === 'owedOverdue' && n.owed.id === id), (x) => x.length === 1);
    expect(turned[0]).toMatchObject({ key: `owed:${id}` });
    await sleep(500);
    expect(keeper.notices().filter((n) => n.type === 'owedOverdue' && n.owed.id === id)).toHaveLength(1);
    expect(clerk.notices().some((n) => n.type === 'owedOverdue' && n.owed.id === id)).toBe(false);
    await keeper.close();
    await clerk.close();
  });
  it('tells a clerk or manager who connects after an urgent order was made, once, while it still waits for dispatch', async () => {
    const maker = await Desk.open(server.url, token.clerk);
    const { orderNo } = await call('dispatch.create', { order: orderInput('登录前的紧急客户', 'urgent') }, token.clerk);
    // Not told: an urgent order already dispatched, one made two days ago, a normal one.
    const dispatched = (await call('dispatch.create', { order: orderInput('已派工的紧急客户', 'urgent') }, token.clerk)).orderNo as string;
    await call('dispatch.setStatus', { orderNo: dispatched, rowVersion: 1, status: 'dispatched' }, token.clerk);
    const old = (await call('dispatch.create', { order: orderInput('前天的紧急客户', 'urgent') }, token.clerk)).orderNo as string;
    direct.prepare('UPDATE dispatch_orders SET created_at = ? WHERE order_no = ?').run(new Date(Date.now() - 2 * 86_400_000).toISOString(), old);
    const normal = (await call('dispatch.create', { order: orderInput('登录前的普通客户') }, token.clerk)).orderNo as string;
    await maker.close();

    // Desks that log in now, and the desk that made it reconnecting.
    const manager = await Desk.open(server.url, await login('manager'));
    const clerk = await Desk.open(server.url, await login('clerk'));
    const keeper = await Desk.open(server.url, await login('warehouse'));
    const makerAgain = await Desk.open(server.url, token.clerk);
    const urgentOf = (d: Desk) => d.notices().filter((n) => n.type === 'urgentOrder');
    for (const desk of [manager, clerk]) await desk.waitFor(() => urgentOf(desk), (x) => x.some((n) => n.type === 'urgentOrder' && n.orderNo === orderNo));
    await sleep(300);
    for (const desk of [manager, clerk]) {
      const got = urgentOf(desk).filter((n) => n.type === 'urgentOrder' && [orderNo, dispatched, old, normal].includes(n.orderNo));
      expect(got).toEqual([{ type: 'urgentOrder', key: `urgent:${orderNo}`, orderNo, customer: '登录前的紧急客户', by: '陈晓燕', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) }]);
    }
    expect(urgentOf(keeper)).toEqual([]);
    expect(urgentOf(makerAgain).some((n) => n.type === 'urgentOrder' && n.orderNo === orderNo)).toBe(false);
    for (const d of [manager, clerk, keeper, makerAgain]) await d.close();
  });
});
