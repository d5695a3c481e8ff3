// The server's zone is UTC here: business days must still be Beijing days (item 6 of the review).
process.env.TZ = 'UTC';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../db/backend.js';
import { orderDay } from '../../db/services/orders.js';
import type { ContentLineInput, FeeLineInput } from '../../shared/dispatch/schemas.js';
import { failure, makeFixture, orderInput, type Fixture } from './dispatch-fixture.js';

// Rules found missing by the review of db/services/orders.ts: changes decided on ids, the
// expected time to the minute, no engineer removed after dispatch, fees of closed orders,
// delete only early and audited, business days in the business time zone, real calendar
// days, and the version check on every write.

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture(40);
});
afterAll(() => f?.close());

type OrderPatch = Partial<Parameters<typeof orderInput>[1]>;
const create = async (patch: OrderPatch = {}) => f.backend.call('dispatch.create', { order: orderInput(f, patch) }, f.token.clerk);
const get = (orderNo: string) => f.backend.call('dispatch.get', { orderNo }, f.token.clerk);
const update = (orderNo: string, rowVersion: number, patch: OrderPatch) =>
  f.backend.call('dispatch.update', { orderNo, rowVersion, order: orderInput(f, patch) }, f.token.clerk);
const setStatus = (orderNo: string, rowVersion: number, status: string) =>
  f.backend.call('dispatch.setStatus', { orderNo, rowVersion, status: status as never }, f.token.clerk);
const fee = (patch: Partial<FeeLineInput> = {}): FeeLineInput => ({
  feeType: 'labour',
  amountFen: 100_00,
  payer: 'customer',
  settled: false,
  settledOn: null,
  remarks: '',
  ...patch,
});
const contentLine: ContentLineInput = { workDate: '2026-06-30', engineerId: 1, workType: '检测', result: 'solved', hoursX100: 100 };

/** An order walked to `completed` (engineer, content line), with one fee line; its version. */
async function completedOrder(): Promise<{ orderNo: string; v: number }> {
  const { orderNo } = await create();
  let v = (await f.backend.call('dispatch.saveFees', { orderNo, rowVersion: 1, lines: [fee()] }, f.token.clerk)).rowVersion;
  v = (await setStatus(orderNo, v, 'dispatched')).rowVersion;
  v = (await setStatus(orderNo, v, 'in_progress')).rowVersion;
  v = (await f.backend.call('dispatch.saveContent', { orderNo, rowVersion: v, lines: [contentLine] }, f.token.clerk)).rowVersion;
  v = (await setStatus(orderNo, v, 'completed')).rowVersion;
  return { orderNo, v };
}

const historyCount = (orderNo: string) =>
  f.db
    .prepare('SELECT count(*) FROM dispatch_order_history h JOIN dispatch_orders o ON o.id = h.order_id WHERE o.order_no = ?')
    .pluck()
    .get(orderNo) as number;

describe('update decides what changed on ids, not names (item 1)', () => {
  it('saves a move to a same-named region elsewhere in the tree, telling them apart in the history', async () => {
    const [p1, p2] = (f.db.prepare('SELECT id FROM sales_regions WHERE parent_id IS NULL ORDER BY id LIMIT 2').pluck().all() as number[]);
    const a = (await f.backend.call('regions.create', { parentId: p1, name: '开发区' }, f.token.clerk)) as { id: number };
    const b = (await f.backend.call('regions.create', { parentId: p2, name: '开发区' }, f.token.clerk)) as { id: number };
    const { orderNo } = await create({ regionId: a.id });
    const r = await update(orderNo, 1, { regionId: b.id });
    expect(r.rowVersion).toBe(2);
    const d = await get(orderNo);
    expect(d.order.regionId).toBe(b.id);
    const h = d.history.filter((x) => x.field === 'regionId');
    expect(h).toEqual([expect.objectContaining({ oldValue: `开发区 (#${a.id})`, newValue: `开发区 (#${b.id})` })]);
  });

  it('saves a change to another engineer with the same name', async () => {
    const first = f.db.prepare('SELECT id, name, region_id FROM engineers ORDER BY id LIMIT 1').get() as { id: number; name: string; region_id: number };
    const twin = Number(
      f.db.prepare('INSERT INTO engineers (name, phone, region_id, active) VALUES (?, NULL, ?, 1)').run(first.name, first.region_id).lastInsertRowid,
    );
    const { orderNo } = await create({ engineerId: first.id });
    const r = await update(orderNo, 1, { engineerId: twin });
    expect(r.rowVersion).toBe(2);
    const d = await get(orderNo);
    expect(d.order.engineerId).toBe(twin);
    expect(d.history.filter((x) => x.field === 'engineerId')).toHaveLength(1);
  });
});

describe('expected time to the minute (item 2)', () => {
  it('logs no false expectedAt change when the window sends the stored time to the minute', async () => {
    const { orderNo } = await create();
    const stored = new Date(f.clock.now.getTime() + 2 * 86_400_000 + 27_123).toISOString(); // with seconds and ms, as the demo
    f.db.prepare('UPDATE dispatch_orders SET expected_at = ? WHERE order_no = ?').run(stored, orderNo);
    const minute = new Date(Math.floor(Date.parse(stored) / 60_000) * 60_000).toISOString();
    expect(minute).toMatch(/:00\.000Z$/);
    // Nothing else changed: nothing is saved.
    expect((await update(orderNo, 1, { expectedAt: minute })).rowVersion).toBe(1);
    const r = await update(orderNo, 1, { expectedAt: minute, phone: '13800000001' });
    expect(r.rowVersion).toBe(2);
    const d = await get(orderNo);
    expect(d.order.expectedAt).toBe(stored);
    expect(d.history.filter((x) => x.action === 'update').map((x) => x.field)).toEqual(['phone']);
  });

  it('modifies an order whose unchanged expected time has passed; refuses changing it to another past time', async () => {
    const { orderNo } = await create();
    const past = new Date(f.clock.now.getTime() - 3 * 86_400_000 + 41_500).toISOString();
    f.db.prepare('UPDATE dispatch_orders SET expected_at = ? WHERE order_no = ?').run(past, orderNo);
    const minute = new Date(Math.floor(Date.parse(past) / 60_000) * 60_000).toISOString();
    const r = await update(orderNo, 1, { expectedAt: minute, contact: '王工' });
    expect(r.rowVersion).toBe(2);
    expect((await get(orderNo)).order.expectedAt).toBe(past);
    const err = await failure(update(orderNo, 2, { expectedAt: new Date(Date.parse(minute) + 3_600_000).toISOString(), contact: '王工' }));
    expect(err.code).toBe('INVALID_PARAMS');
    expect(err.issues).toEqual([{ path: 'order.expectedAt', message: expect.stringMatching(/past/) }]);
  });
});

describe('engineer after dispatch (item 3)', () => {
  it('refuses removing the engineer of a dispatched order; a pending order may drop it', async () => {
    const { orderNo } = await create();
    const v = (await setStatus(orderNo, 1, 'dispatched')).rowVersion;
    const err = await failure(update(orderNo, v, { engineerId: null }));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toMatch(/engineer cannot be removed/);
    expect((await get(orderNo)).order).toMatchObject({ rowVersion: v, engineerId: expect.any(Number) });

    const pending = await create();
    expect((await update(pending.orderNo, 1, { engineerId: null })).rowVersion).toBe(2);
    expect((await get(pending.orderNo)).order.engineerId).toBeNull();
  });
});

describe('fees of closed orders (item 4)', () => {
  it('refuses any fee change on a cancelled order', async () => {
    const { orderNo } = await create();
    let v = (await f.backend.call('dispatch.saveFees', { orderNo, rowVersion: 1, lines: [fee()] }, f.token.clerk)).rowVersion;
    v = (await setStatus(orderNo, v, 'cancelled')).rowVersion;
    const line = (await get(orderNo)).fees[0];
    const { updatedAt: _a, updatedBy: _b, ...kept } = line;
    for (const lines of [[kept, fee()], [{ ...kept, settled: true, settledOn: '2026-06-30' }], [{ ...kept, amountFen: 1 }], []]) {
      const err = await failure(f.backend.call('dispatch.saveFees', { orderNo, rowVersion: v, lines }, f.token.clerk));
      expect(err.code).toBe('REFUSED');
      expect(err.message).toMatch(/cancelled/);
    }
    // Sending the lines as they are changes nothing.
    expect((await f.backend.call('dispatch.saveFees', { orderNo, rowVersion: v, lines: [kept] }, f.token.clerk)).rowVersion).toBe(v);
    const d = await get(orderNo);
    expect([d.order.rowVersion, d.fees.map((l) => [l.amountFen, l.settled])]).toEqual([v, [[100_00, false]]]);
  });

  it('on a visited order allows only settling existing lines', async () => {
    const { orderNo, v: done } = await completedOrder();
    let v = (await f.backend.call('dispatch.returnVisit', { orderNo, rowVersion: done, satisfaction: 'satisfied' }, f.token.manager)).rowVersion;
    const { updatedAt: _a, updatedBy: _b, ...line } = (await get(orderNo)).fees[0];
    const refusals: [unknown[], RegExp][] = [
      [[line, fee()], /added/],
      [[], /deleted/],
      [[{ ...line, amountFen: 5 }], /amount/],
      [[{ ...line, payer: 'company' }], /payer/],
      [[{ ...line, feeType: 'travel', settled: true }], /fee type/],
    ];
    for (const [lines, reason] of refusals) {
      const err = await failure(f.backend.call('dispatch.saveFees', { orderNo, rowVersion: v, lines: lines as never }, f.token.clerk));
      expect(err.code).toBe('REFUSED');
      expect(err.message).toMatch(/closed/);
      expect(err.message).toMatch(reason);
    }
    expect((await get(orderNo)).order.rowVersion).toBe(v);
    v = (await f.backend.call('dispatch.saveFees', { orderNo, rowVersion: v, lines: [{ ...line, settled: true, settledOn: '2026-06-29' }] }, f.token.clerk)).rowVersion;
    v = (await f.backend.call('dispatch.saveFees', { orderNo, rowVersion: v, lines: [{ ...line, settled: true, settledOn: '2026-06-30' }] }, f.token.clerk)).rowVersion;
    const d = await get(orderNo);
    expect([d.order.rowVersion, d.fees[0].settled, d.fees[0].settledOn, d.fees[0].amountFen]).toEqual([v, true, '2026-06-30', 100_00]);
  });
});

describe('delete (item 5)', () => {
  it('refuses orders past dispatch, cancelled ones included, and deletes none of the others', async () => {
    const free = await create();
    const started = await create();
    let v = (await setStatus(started.orderNo, 1, 'dispatched')).rowVersion;
    v = (await setStatus(started.orderNo, v, 'in_progress')).rowVersion;
    const cancelled = await create();
    await setStatus(cancelled.orderNo, 1, 'cancelled');
    for (const victim of [started.orderNo, cancelled.orderNo]) {
      const err = await failure(f.backend.call('dispatch.delete', { orderNos: [free.orderNo, victim] }, f.token.clerk));
      expect(err.code).toBe('REFUSED');
      expect(err.message).toContain(victim);
      expect(err.message).toMatch(/cancelled and later orders stay for history/);
    }
    expect(f.db.prepare('SELECT count(*) FROM dispatch_orders WHERE order_no IN (?, ?, ?)').pluck().get(free.orderNo, started.orderNo, cancelled.orderNo)).toBe(3);
    expect(f.db.prepare('SELECT count(*) FROM deleted_orders WHERE order_no = ?').pluck().get(free.orderNo)).toBe(0);
  });

  it('writes an audit row per deleted order (who, when, snapshot) that stays', async () => {
    const a = await create({ contact: '赵工' });
    const b = await create();
    const v = (await setStatus(b.orderNo, 1, 'dispatched')).rowVersion;
    expect(v).toBe(2);
    expect(await f.backend.call('dispatch.delete', { orderNos: [a.orderNo, b.orderNo] }, f.token.clerk)).toEqual({ deleted: 2 });
    const rows = f.db.prepare('SELECT * FROM deleted_orders WHERE order_no IN (?, ?) ORDER BY id').all(a.orderNo, b.orderNo) as {
      order_no: string;
      deleted_at: string;
      deleted_by: number;
      snapshot: string;
    }[];
    const clerk = f.db.prepare("SELECT id FROM users WHERE username = 'clerk'").pluck().get();
    expect(rows.map((r) => [r.order_no, r.deleted_at, r.deleted_by])).toEqual([
      [a.orderNo, f.clock.now.toISOString(), clerk],
      [b.orderNo, f.clock.now.toISOString(), clerk],
    ]);
    const snap = JSON.parse(rows[0].snapshot) as { order: Record<string, unknown>; history: { action: string }[] };
    expect(snap.order).toMatchObject({ order_no: a.orderNo, contact: '赵工', status: 'pending' });
    expect(snap.history.map((h) => h.action)).toEqual(['create']);
    expect((JSON.parse(rows[1].snapshot) as { history: unknown[] }).history).toHaveLength(2);
    // A later delete leaves the earlier audit rows alone.
    const c = await create();
    await f.backend.call('dispatch.delete', { orderNos: [c.orderNo] }, f.token.clerk);
    expect(f.db.prepare('SELECT count(*) FROM deleted_orders WHERE order_no IN (?, ?, ?)').pluck().get(a.orderNo, b.orderNo, c.orderNo)).toBe(3);
  });
});

describe('business days in the business time zone (item 6)', () => {
  // 2026-06-30 23:30 UTC is 2026-07-01 07:30 in Beijing.
  const nearMidnight = new Date('2026-06-30T23:30:00Z');
  let g: Fixture;
  beforeAll(async () => {
    g = await makeFixture(0);
    g.clock.now = nearMidnight;
  });
  afterAll(() => g?.close());

  it('runs with the server in UTC', () => {
    expect(nearMidnight.getDate()).toBe(30);
    expect(orderDay(nearMidnight)).toBe('20260701');
    expect(orderDay(nearMidnight, 'UTC')).toBe('20260630');
  });

  it('numbers, suggests 三包 and settles on the Beijing day', async () => {
    // Delivered 2025-06-30, repair (12 months): covered through 2026-06-30, not on 07-01.
    g.db.prepare("UPDATE sales_contracts SET delivery_date = '2025-06-30' WHERE id = 1").run();
    expect(await g.backend.call('dispatch.suggestWarranty', { contractId: 1, taskTypeId: 1 }, g.token.clerk)).toEqual({
      warranty: false,
      from: '2025-06-30',
      until: '2026-06-30',
    });
    const { orderNo } = await g.backend.call('dispatch.create', { order: orderInput(g, { contractId: 1 }) }, g.token.clerk);
    expect(orderNo).toMatch(/^SN20260701\d{4}$/);
    await g.backend.call('dispatch.saveFees', { orderNo, rowVersion: 1, lines: [fee({ settled: true })] }, g.token.clerk);
    expect((await g.backend.call('dispatch.get', { orderNo }, g.token.clerk)).fees[0].settledOn).toBe('2026-07-01');
    // The demo names the zone.
    expect(g.db.prepare("SELECT value FROM meta WHERE key = 'time_zone'").pluck().get()).toBe('Asia/Shanghai');
  });

  it('uses the zone the meta row names, and defaults to Asia/Shanghai without it', async () => {
    const backendIn = (zone: string | null) => {
      if (zone === null) g.db.prepare("DELETE FROM meta WHERE key = 'time_zone'").run();
      else g.db.prepare("INSERT INTO meta (key, value) VALUES ('time_zone', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(zone);
      return new Backend(g.db, { now: () => nearMidnight });
    };
    const createIn = async (zone: string | null) => {
      const b = backendIn(zone);
      const token = (await b.call('auth.login', { username: 'clerk', password: 'demo123' })).token;
      return (await b.call('dispatch.create', { order: orderInput(g) }, token)).orderNo;
    };
    expect(await createIn('UTC')).toMatch(/^SN20260630\d{4}$/);
    expect(await createIn('America/New_York')).toMatch(/^SN20260630\d{4}$/);
    expect(await createIn(null)).toMatch(/^SN20260701\d{4}$/);
    expect(() => backendIn('Mars/Olympus')).toThrow(/IANA/);
    g.db.prepare("INSERT INTO meta (key, value) VALUES ('time_zone', 'Asia/Shanghai') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
  });
});

describe('real calendar days (item 7)', () => {
  it('refuses 2026-02-31 as a settled day or a work day', async () => {
    const { orderNo } = await create();
    let err = await failure(f.backend.call('dispatch.saveFees', { orderNo, rowVersion: 1, lines: [fee({ settled: true, settledOn: '2026-02-31' })] }, f.token.clerk));
    expect([err.code, err.issues?.[0].path]).toEqual(['INVALID_PARAMS', 'lines.0.settledOn']);
    err = await failure(f.backend.call('dispatch.saveContent', { orderNo, rowVersion: 1, lines: [{ ...contentLine, workDate: '2026-02-29' }] }, f.token.clerk));
    expect([err.code, err.issues?.[0].path]).toEqual(['INVALID_PARAMS', 'lines.0.workDate']);
    expect((await get(orderNo)).order.rowVersion).toBe(1);
  });

  it('suggests no 三包 for a contract with an impossible date, and still creates the order', async () => {
    const id = f.db.prepare('SELECT max(id) FROM sales_contracts').pluck().get() as number;
    f.db.prepare("UPDATE sales_contracts SET sign_date = '2025-02-30', delivery_date = NULL WHERE id = ?").run(id);
    expect(await f.backend.call('dispatch.suggestWarranty', { contractId: id, taskTypeId: 1 }, f.token.clerk)).toEqual({ warranty: false, from: '', until: '' });
    const { orderNo } = await create({ contractId: id, warranty: true });
    expect((await get(orderNo)).order).toMatchObject({ warranty: true, warrantySuggested: null, warrantyOverridden: false });
  });
});

describe('the version check on every write (item 8)', () => {
  const unchanged = async (orderNo: string, v: number, history: number) => {
    const d = await get(orderNo);
    expect(d.order.rowVersion).toBe(v);
    expect(historyCount(orderNo)).toBe(history);
    return d;
  };

  it('saveContent with a stale version: CONFLICT, nothing written', async () => {
    const { orderNo } = await create();
    await update(orderNo, 1, { contact: '另一位' });
    const h = historyCount(orderNo);
    const err = await failure(f.backend.call('dispatch.saveContent', { orderNo, rowVersion: 1, lines: [contentLine] }, f.token.clerk));
    expect(err.code).toBe('CONFLICT');
    expect((await unchanged(orderNo, 2, h)).contents).toEqual([]);
  });

  it('saveFees with a stale version: CONFLICT, nothing written', async () => {
    const { orderNo } = await create();
    await update(orderNo, 1, { contact: '另一位' });
    const h = historyCount(orderNo);
    const err = await failure(f.backend.call('dispatch.saveFees', { orderNo, rowVersion: 1, lines: [fee()] }, f.token.clerk));
    expect(err.code).toBe('CONFLICT');
    expect((await unchanged(orderNo, 2, h)).fees).toEqual([]);
  });

  it('setStatus with a stale version: CONFLICT, nothing written', async () => {
    const { orderNo } = await create();
    await update(orderNo, 1, { contact: '另一位' });
    const h = historyCount(orderNo);
    const err = await failure(setStatus(orderNo, 1, 'dispatched'));
    expect(err.code).toBe('CONFLICT');
    expect((await unchanged(orderNo, 2, h)).order.status).toBe('pending');
  });

  it('returnVisit with a stale version: CONFLICT, nothing written', async () => {
    const { orderNo, v } = await completedOrder();
    const h = historyCount(orderNo);
    const err = await failure(f.backend.call('dispatch.returnVisit', { orderNo, rowVersion: v - 1, satisfaction: 'satisfied' }, f.token.manager));
    expect(err.code).toBe('CONFLICT');
    const d = await unchanged(orderNo, v, h);
    expect([d.order.status, d.order.satisfaction]).toEqual(['completed', null]);
  });
});
