import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, makeFixture, orderInput, type Fixture } from './dispatch-fixture.js';
import { formatFen, parseYuanToFen } from '../../shared/money.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture(40);
});
afterAll(() => f?.close());

const call = (...args: Parameters<Fixture['backend']['call']>) => f.backend.call(...(args as [never, never, never]));

async function create(patch = {}, token = f.token.clerk) {
  return f.backend.call('dispatch.create', { order: orderInput(f, patch) }, token);
}

describe('dispatch.create', () => {
  it('allocates SN + local day + serial and copies the contract', async () => {
    // Project and address left empty: the contract's are copied.
    const { orderNo, rowVersion } = await create();
    expect(orderNo).toMatch(/^SN\d{8}\d{4}$/);
    expect(rowVersion).toBe(1);
    const d = await f.backend.call('dispatch.get', { orderNo }, f.token.clerk);
    const contract = f.db.prepare('SELECT * FROM sales_contracts WHERE id = ?').get(d.order.contractId) as Record<string, string>;
    expect(d.order).toMatchObject({ status: 'pending', contractNo: contract.contract_no, project: contract.project, address: contract.address });
    expect(d.order.createdBy).toBe('陈晓燕');
    expect(d.history).toEqual([expect.objectContaining({ action: 'create', by: '陈晓燕', newValue: orderNo })]);
    expect(d.nextStatuses).toEqual(['dispatched', 'cancelled']);
  });

  it('reports each invalid field by its input path', async () => {
    const err = await failure(
      f.backend.call(
        'dispatch.create',
        { order: { ...orderInput(f), phone: '12345', customer: '', contact: ' ' } },
        f.token.clerk,
      ),
    );
    expect(err.code).toBe('INVALID_PARAMS');
    expect(err.issues!.map((i) => i.path).sort()).toEqual(['order.contact', 'order.customer', 'order.phone']);
  });

  it('refuses an expected time in the past and unknown references, all at once', async () => {
    const err = await failure(
      create({ expectedAt: new Date(f.clock.now.getTime() - 3_600_000).toISOString(), regionId: 99999, engineerId: 99999, contractId: 99999, taskTypeId: 99 }),
    );
    expect(err.code).toBe('INVALID_PARAMS');
    expect(err.issues!.map((i) => i.path).sort()).toEqual([
      'order.contractId',
      'order.engineerId',
      'order.expectedAt',
      'order.regionId',
      'order.taskTypeId',
    ]);
  });

  it('refuses an inactive task type or engineer', async () => {
    f.db.prepare('UPDATE engineers SET active = 0 WHERE id = 2').run();
    const err = await failure(create({ engineerId: 2 }));
    expect(err.issues).toEqual([{ path: 'order.engineerId', message: expect.stringMatching(/no longer active/) }]);
    f.db.prepare('UPDATE engineers SET active = 1 WHERE id = 2').run();
  });

  it('records the 三包 suggestion and whether the clerk overrode it', async () => {
    // A contract delivered a month ago, repair (12 months): suggested yes.
    f.db.prepare("UPDATE sales_contracts SET delivery_date = '2026-05-30' WHERE id = 1").run();
    const s = await f.backend.call('dispatch.suggestWarranty', { contractId: 1, taskTypeId: 1 }, f.token.clerk);
    expect(s).toEqual({ warranty: true, from: '2026-05-30', until: '2027-05-30' });
    const kept = await create({ contractId: 1, warranty: true });
    const overridden = await create({ contractId: 1, warranty: false });
    const a = (await f.backend.call('dispatch.get', { orderNo: kept.orderNo }, f.token.clerk)).order;
    const b = (await f.backend.call('dispatch.get', { orderNo: overridden.orderNo }, f.token.clerk)).order;
    expect([a.warrantySuggested, a.warrantyOverridden]).toEqual([true, false]);
    expect([b.warranty, b.warrantySuggested, b.warrantyOverridden]).toEqual([false, true, true]);
  });
});

describe('dispatch.update', () => {
  it('saves, bumps the row version and records each changed field', async () => {
    const { orderNo } = await create();
    const r = await f.backend.call('dispatch.update', { orderNo, rowVersion: 1, order: orderInput(f, { phone: '13800000000', urgency: 'urgent' }) }, f.token.clerk);
    expect(r.rowVersion).toBe(2);
    const d = await f.backend.call('dispatch.get', { orderNo }, f.token.clerk);
    expect(d.order.phone).toBe('13800000000');
    const updates = d.history.filter((h) => h.action === 'update');
    expect(updates.map((h) => [h.field, h.oldValue, h.newValue]).sort()).toEqual([
      ['phone', '13912345678', '13800000000'],
      ['urgency', 'normal', 'urgent'],
    ]);
    // Newest first.
    expect(d.history.at(-1)!.action).toBe('create');
    // Saving the same again changes nothing.
    const same = await f.backend.call('dispatch.update', { orderNo, rowVersion: 2, order: orderInput(f, { phone: '13800000000', urgency: 'urgent' }) }, f.token.clerk);
    expect(same.rowVersion).toBe(2);
  });

  it('detects a change made meanwhile at another desk: who, when and which field', async () => {
    const { orderNo } = await create();
    // Both desks read version 1.
    const v = (await f.backend.call('dispatch.get', { orderNo }, f.token.clerk)).order.rowVersion;
    await f.backend.call('dispatch.update', { orderNo, rowVersion: v, order: orderInput(f, { contact: '李经理' }) }, f.token.manager);
    const err = await failure(f.backend.call('dispatch.update', { orderNo, rowVersion: v, order: orderInput(f, { problem: '漏油' }) }, f.token.clerk));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/刘志强/);
    expect(err.issues).toEqual([{ path: 'order.contact', message: '李经理' }]);
    // Nothing was overwritten.
    const d = await f.backend.call('dispatch.get', { orderNo }, f.token.clerk);
    expect([d.order.contact, d.order.problem, d.order.rowVersion]).toEqual(['李经理', '设备异响', 2]);
  });
});

describe('status and return visit', () => {
  it('walks the life cycle with who and when, refusing what the machine refuses', async () => {
    const { orderNo } = await create({ engineerId: null });
    let v = 1;
    const setStatus = (status: string, rowVersion = v) =>
      f.backend.call('dispatch.setStatus', { orderNo, rowVersion, status: status as never }, f.token.clerk);

    let err = await failure(setStatus('dispatched'));
    expect([err.code, err.message]).toEqual(['REFUSED', expect.stringMatching(/engineer/)]);
    const engineer = f.db.prepare('SELECT id FROM engineers LIMIT 1').pluck().get() as number;
    v = (await f.backend.call('dispatch.update', { orderNo, rowVersion: v, order: orderInput(f, { engineerId: engineer }) }, f.token.clerk)).rowVersion;
    v = (await setStatus('dispatched')).rowVersion;
    err = await failure(setStatus('completed'));
    expect(err.code).toBe('REFUSED');
    v = (await setStatus('in_progress')).rowVersion;
    err = await failure(setStatus('completed'));
    expect([err.code, err.message]).toEqual(['REFUSED', expect.stringMatching(/content line/)]);
    v = (
      await f.backend.call(
        'dispatch.saveContent',
        { orderNo, rowVersion: v, lines: [{ workDate: '2026-06-30', engineerId: engineer, workType: '现场维修', result: 'solved', hoursX100: 250 }] },
        f.token.clerk,
      )
    ).rowVersion;
    v = (await setStatus('completed')).rowVersion;
    err = await failure(setStatus('visited'));
    expect(err.code).toBe('REFUSED');
    err = await failure(f.backend.call('dispatch.returnVisit', { orderNo, rowVersion: v, satisfaction: 'unsatisfied' }, f.token.manager));
    expect(err.issues).toEqual([{ path: 'reason', message: expect.any(String) }]);
    v = (await f.backend.call('dispatch.returnVisit', { orderNo, rowVersion: v, satisfaction: 'satisfied', remarks: '满意' }, f.token.manager)).rowVersion;
    const d = await f.backend.call('dispatch.get', { orderNo }, f.token.clerk);
    expect([d.order.status, d.order.satisfaction, d.nextStatuses]).toEqual(['visited', 'satisfied', []]);
    const statusChanges = d.history.filter((h) => h.field === 'status').map((h) => [h.oldValue, h.newValue, h.by]);
    expect(statusChanges.reverse()).toEqual([
      ['pending', 'dispatched', '陈晓燕'],
      ['dispatched', 'in_progress', '陈晓燕'],
      ['in_progress', 'completed', '陈晓燕'],
      ['completed', 'visited', '刘志强'],
    ]);
    expect(d.history.every((h) => /^\d{4}-\d{2}-\d{2}T.*Z$/.test(h.at))).toBe(true);
    err = await failure(setStatus('in_progress'));
    expect(err.code).toBe('REFUSED');
  });
});

describe('lines and money', () => {
  it('replaces the lines as a set and sums the fees exactly in fen', async () => {
    const { orderNo } = await create({ warranty: true });
    const yuan = (s: string) => {
      const r = parseYuanToFen(s);
      if (!r.ok) throw new Error(s);
      return r.value;
    };
    // 0.1 + 0.2 yuan, and many lines of 0.01 / 0.07.
    const lines = [
      { feeType: 'travel' as const, amountFen: yuan('0.1'), payer: 'company' as const, settled: false, settledOn: null },
      { feeType: 'parts' as const, amountFen: yuan('0.2'), payer: 'company' as const, settled: true, settledOn: '2026-06-30' },
      ...Array.from({ length: 150 }, (_, i) => ({
        feeType: 'other' as const,
        amountFen: yuan(i % 2 ? '0.01' : '0.07'),
        payer: (i % 3 ? 'customer' : 'company') as 'customer' | 'company',
        settled: false,
        settledOn: null,
      })),
    ];
    const r = (await f.backend.call('dispatch.saveFees', { orderNo, rowVersion: 1, lines }, f.token.clerk)) as { rowVersion: number };
    expect(r.rowVersion).toBe(2);
    let d = await f.backend.call('dispatch.get', { orderNo }, f.token.clerk);
    const expectCompany = 10 + 20 + lines.slice(2).filter((l) => l.payer === 'company').reduce((s, l) => s + l.amountFen, 0);
    expect(d.feeTotals.all).toBe(10 + 20 + 75 * 1 + 75 * 7);
    expect(formatFen(d.feeTotals.all)).toBe('¥6.30');
    expect(d.feeTotals.company).toBe(expectCompany);
    expect(d.feeTotals.customer + d.feeTotals.company).toBe(d.feeTotals.all);

    // Keep the first two (one changed), drop the rest, add one.
    const [a, b] = d.fees;
    await f.backend.call(
      'dispatch.saveFees',
      {
        orderNo,
        rowVersion: 2,
        lines: [
          { ...strip(a), amountFen: 1_234_50 },
          strip(b),
          { feeType: 'labour', amountFen: 99, payer: 'customer', settled: true, settledOn: null },
        ],
      },
      f.token.clerk,
    );
    d = await f.backend.call('dispatch.get', { orderNo }, f.token.clerk);
    expect(d.fees.map((l) => l.amountFen)).toEqual([1_234_50, 20, 99]);
    expect(d.fees[0].id).toBe(a.id);
    expect(d.fees[2].settledOn).toBe('2026-06-30'); // settled without a day: today
    expect(d.feeTotals.all).toBe(1_234_50 + 20 + 99);
    expect(d.history.filter((h) => h.action === 'fees' && h.newValue === null)).toHaveLength(150);
  });

  it('refuses line ids of another order and negative or fractional money', async () => {
    const one = await create();
    const two = await create();
    await f.backend.call('dispatch.saveFees', { orderNo: one.orderNo, rowVersion: 1, lines: [{ feeType: 'labour', amountFen: 100, payer: 'customer', settled: false, settledOn: null }] }, f.token.clerk);
    const foreign = (await f.backend.call('dispatch.get', { orderNo: one.orderNo }, f.token.clerk)).fees[0].id;
    let err = await failure(
      f.backend.call('dispatch.saveFees', { orderNo: two.orderNo, rowVersion: 1, lines: [{ id: foreign, feeType: 'labour', amountFen: 1, payer: 'customer', settled: false, settledOn: null }] }, f.token.clerk),
    );
    expect([err.code, err.issues?.[0].path]).toEqual(['INVALID_PARAMS', 'lines.0.id']);
    err = await failure(call('dispatch.saveFees', { orderNo: two.orderNo, rowVersion: 1, lines: [{ feeType: 'labour', amountFen: 0.5, payer: 'customer', settled: false, settledOn: null }] } as never, f.token.clerk as never));
    expect(err.code).toBe('INVALID_PARAMS');
    err = await failure(call('dispatch.saveFees', { orderNo: two.orderNo, rowVersion: 1, lines: [{ feeType: 'labour', amountFen: -1, payer: 'customer', settled: false, settledOn: null }] } as never, f.token.clerk as never));
    expect(err.code).toBe('INVALID_PARAMS');
    // The order was not touched.
    expect((await f.backend.call('dispatch.get', { orderNo: two.orderNo }, f.token.clerk)).order.rowVersion).toBe(1);
  });

  it('needs a reason on a line that is not solved', async () => {
    const { orderNo } = await create();
    const err = await failure(
      f.backend.call('dispatch.saveContent', { orderNo, rowVersion: 1, lines: [{ workDate: '2026-06-30', engineerId: 1, workType: '检测', result: 'unsolved', hoursX100: 100 }] }, f.token.clerk),
    );
    expect(err.issues).toEqual([{ path: 'lines.0.resultReason', message: expect.any(String) }]);
  });
});

function strip<T extends { updatedAt: string; updatedBy: string }>(l: T): Omit<T, 'updatedAt' | 'updatedBy'> {
  const { updatedAt: _a, updatedBy: _b, ...rest } = l;
  return rest;
}

describe('dispatch.delete', () => {
  it('deletes several orders without lines in one go', async () => {
    const a = await create();
    const b = await create();
    expect(await f.backend.call('dispatch.delete', { orderNos: [a.orderNo, b.orderNo] }, f.token.clerk)).toEqual({ deleted: 2 });
    const err = await failure(f.backend.call('dispatch.get', { orderNo: a.orderNo }, f.token.clerk));
    expect(err.code).toBe('INVALID_PARAMS');
  });

  it('refuses an order with content, naming it and suggesting to cancel; deletes none of the others', async () => {
    const free = await create();
    const used = await create();
    await f.backend.call(
      'dispatch.saveContent',
      { orderNo: used.orderNo, rowVersion: 1, lines: [{ workDate: '2026-06-30', engineerId: 1, workType: '检测', result: 'solved', hoursX100: 100 }] },
      f.token.clerk,
    );
    const err = await failure(f.backend.call('dispatch.delete', { orderNos: [free.orderNo, used.orderNo] }, f.token.clerk));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toContain(used.orderNo);
    expect(err.message).not.toContain(free.orderNo);
    expect(err.message).toMatch(/cancel/);
    const left = f.db.prepare('SELECT count(*) FROM dispatch_orders WHERE order_no IN (?, ?)').pluck().get(free.orderNo, used.orderNo);
    expect(left).toBe(2);
    // Cancelled, it stays.
    await f.backend.call('dispatch.setStatus', { orderNo: used.orderNo, rowVersion: 2, status: 'cancelled', reason: '客户取消' }, f.token.clerk);
    expect((await f.backend.call('dispatch.get', { orderNo: used.orderNo }, f.token.clerk)).order.status).toBe('cancelled');
  });

  it('refuses an order with fees too, and demo orders with lines', async () => {
    const withLines = f.db
      .prepare('SELECT order_no FROM dispatch_orders o WHERE EXISTS (SELECT 1 FROM service_fees x WHERE x.order_id = o.id) LIMIT 1')
      .pluck()
      .get() as string;
    const err = await failure(f.backend.call('dispatch.delete', { orderNos: [withLines] }, f.token.clerk));
    expect(err.code).toBe('REFUSED');
  });
});

describe('reference lists', () => {
  it('lists the six task types, saved only by an administrator', async () => {
    const { taskTypes } = await f.backend.call('taskTypes.list', {}, f.token.clerk);
    expect(taskTypes.map((t) => t.name)).toEqual(['维修', '安装调试', '定期维护', '技术咨询', '培训', '巡检']);
    const input = { code: 'remote', name: '远程支持', warrantyMonths: 0, sortOrder: 70, active: true };
    expect((await failure(f.backend.call('taskTypes.save', input, f.token.clerk))).code).toBe('FORBIDDEN');
    const { id } = (await f.backend.call('taskTypes.save', input, f.token.admin)) as { id: number };
    await f.backend.call('taskTypes.save', { ...input, id, active: false }, f.token.admin);
    const after = (await f.backend.call('taskTypes.list', {}, f.token.clerk)).taskTypes.find((t) => t.id === id);
    expect(after).toMatchObject({ code: 'remote', active: false });
    expect((await failure(f.backend.call('taskTypes.save', { ...input, code: 'repair' }, f.token.admin))).issues?.[0].path).toBe('code');
  });

  it('lists engineers with their regions', async () => {
    const { engineers } = await f.backend.call('engineers.list', {}, f.token.clerk);
    expect(engineers.length).toBeGreaterThan(10);
    expect(engineers[0]).toMatchObject({ id: expect.any(Number), name: expect.any(String), region: expect.any(String), active: true });
  });

  it('answers the contract lookup with a * search', async () => {
    const r = await f.backend.call('contracts.query', { conditions: [{ field: 'contract_no', op: 'contains', value: 'HT20*-0000' }] }, f.token.clerk);
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.rows.every((row) => /^HT20\d\d-0000\d$/.test(String(row.contract_no)))).toBe(true);
    const all = await f.backend.call('contracts.query', {}, f.token.clerk);
    expect(all.total).toBe(f.db.prepare('SELECT count(*) FROM sales_contracts').pluck().get());
  });
});
