import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, makeFixture, orderInput, type Fixture } from './dispatch-fixture.js';
import { writeRoles } from '../../shared/roles.js';

// Who may write orders (shared/roles.ts writeRoles, checked once in the backend): clerks,
// managers and administrators; warehouse staff read orders but never write them.

let f: Fixture;
let warehouse: string;
let orderNo: string;
let rowVersion: number;
beforeAll(async () => {
  f = await makeFixture(0);
  warehouse = (await f.backend.call('auth.login', { username: 'warehouse', password: 'demo123' })).token;
  ({ orderNo, rowVersion } = await f.backend.call('dispatch.create', { order: orderInput(f) }, f.token.clerk));
});
afterAll(() => f?.close());

/** Everything a write could change. */
const snapshot = () =>
  Object.fromEntries(
    ['dispatch_orders', 'dispatch_order_history', 'service_contents', 'service_fees', 'sales_regions', 'task_types', 'document_series'].map(
      (t) => [t, f.db.prepare(`SELECT * FROM ${t}`).all()],
    ),
  );

const region = () => f.db.prepare('SELECT id FROM sales_regions ORDER BY id DESC LIMIT 1').pluck().get() as number;
const engineer = () => f.db.prepare('SELECT id FROM engineers ORDER BY id LIMIT 1').pluck().get() as number;

const writes: [string, () => unknown][] = [
  ['dispatch.create', () => ({ order: orderInput(f) })],
  ['dispatch.update', () => ({ orderNo, rowVersion, order: orderInput(f, { problem: '改过' }) })],
  ['dispatch.delete', () => ({ orderNos: [orderNo] })],
  ['dispatch.setStatus', () => ({ orderNo, rowVersion, status: 'cancelled' })],
  ['dispatch.returnVisit', () => ({ orderNo, rowVersion, satisfaction: 'satisfied' })],
  [
    'dispatch.saveContent',
    () => ({
      orderNo,
      rowVersion,
      lines: [{ workDate: '2026-06-30', engineerId: engineer(), workType: '维修', result: 'solved', hoursX100: 100 }],
    }),
  ],
  ['dispatch.saveFees', () => ({ orderNo, rowVersion, lines: [{ feeType: 'labour', amountFen: 10000, payer: 'customer', settled: false, settledOn: null }] })],
  ['regions.create', () => ({ parentId: null, name: '仓库建的' })],
  ['regions.rename', () => ({ id: region(), name: '改名' })],
  ['regions.delete', () => ({ id: region() })],
  ['regions.move', () => ({ id: region(), parentId: null })],
  ['taskTypes.save', () => ({ code: 'x', name: 'X', warrantyMonths: 0, sortOrder: 1, active: true })],
];

describe('order writes by role', () => {
  it('lists every write method', () => {
    // The order writes listed here; the warehouse's are tested in warehouse-refusals.test.ts.
    const orderWrites = Object.keys(writeRoles).filter((m) => !/^(parts|warehouses|stock|issues|returns|materials|owed)\./.test(m));
    expect(orderWrites.sort()).toEqual(writes.map(([m]) => m).sort());
    expect(writeRoles['taskTypes.save']).toEqual(['admin']);
  });

  it.each(writes)('warehouse staff are refused %s with FORBIDDEN and nothing is written', async (method, params) => {
    const before = snapshot();
    const err = await failure(f.backend.call(method, params(), warehouse));
    expect(err.code).toBe('FORBIDDEN');
    expect(snapshot()).toEqual(before);
  });

  it('refuses before looking at the params', async () => {
    expect((await failure(f.backend.call('dispatch.create', { order: {} }, warehouse))).code).toBe('FORBIDDEN');
  });

  it('warehouse staff still read orders and reference data', async () => {
    expect((await f.backend.call('dispatch.get', { orderNo }, warehouse)).order.orderNo).toBe(orderNo);
    expect((await f.backend.call('dispatch.query', {}, warehouse)).rows.length).toBeGreaterThan(0);
    expect((await f.backend.call('regions.tree', {}, warehouse)).nodes.length).toBeGreaterThan(0);
    expect((await f.backend.call('taskTypes.list', {}, warehouse)).taskTypes).toHaveLength(6);
  });

  it('a clerk may create, change and delete orders and regions; a manager too', async () => {
    const { id } = await f.backend.call('regions.create', { parentId: null, name: '客服新建' }, f.token.clerk);
    await f.backend.call('regions.rename', { id, name: '客服改名' }, f.token.clerk);
    const made = await f.backend.call('dispatch.create', { order: orderInput(f, { regionId: id }) }, f.token.clerk);
    const changed = await f.backend.call(
      'dispatch.update',
      { orderNo: made.orderNo, rowVersion: made.rowVersion, order: orderInput(f, { regionId: id, problem: '客服改过' }) },
      f.token.clerk,
    );
    await f.backend.call('dispatch.setStatus', { orderNo: made.orderNo, rowVersion: changed.rowVersion, status: 'dispatched' }, f.token.manager);
    expect((await f.backend.call('dispatch.get', { orderNo: made.orderNo }, f.token.clerk)).order).toMatchObject({
      status: 'dispatched',
      problem: '客服改过',
    });
    const other = await f.backend.call('dispatch.create', { order: orderInput(f) }, f.token.manager);
    await f.backend.call('dispatch.delete', { orderNos: [other.orderNo] }, f.token.clerk);
    expect(f.db.prepare('SELECT count(*) FROM dispatch_orders WHERE order_no = ?').pluck().get(other.orderNo)).toBe(0);
  });

  it('only an administrator saves task types', async () => {
    for (const token of [f.token.clerk, f.token.manager]) {
      expect((await failure(f.backend.call('taskTypes.save', { code: 'x', name: 'X', warrantyMonths: 0, sortOrder: 1, active: true }, token))).code).toBe(
        'FORBIDDEN',
      );
    }
    await f.backend.call('taskTypes.save', { code: 'x', name: 'X', warrantyMonths: 0, sortOrder: 1, active: true }, f.token.admin);
  });
});
