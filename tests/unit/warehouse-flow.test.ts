import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from './dispatch-fixture.js';
import { ledgerProblems, makeWarehouseFixture, type WarehouseFixture } from './warehouse-fixture.js';

// The chain of issue 8 through the contract: receive, plan, issue, return, hand in a faulty
// part with its replacement, complete with owed parts, supply them later, reverse a mistake.

let f: WarehouseFixture;
beforeAll(async () => {
  f = await makeWarehouseFixture(0);
});
afterAll(() => f.close());

describe('the warehouse chain', () => {
  it('goes from a receipt to a supplied owed part, the ledger adding up at every step', async () => {
    const bearing = await f.part({ name: '主轴轴承', unitPriceFen: 35000 });
    const motor = await f.part({ name: '伺服电机', serialTracked: true, unitPriceFen: 480000 });
    const filter = await f.part({ name: '滤芯', unitPriceFen: 2000 });
    const rk = await f.receive(bearing, 5);
    expect(rk).toMatch(/^RK\d{8}\d{4}$/);
    await f.receive(motor, 2, ['M-001', 'M-002']);
    expect(f.balance(bearing)).toBe(5);
    expect(f.balance(motor)).toBe(2);

    const o = await f.order();
    const b = f.backend;
    let { rowVersion } = await b.call(
      'materials.save',
      {
        orderNo: o.orderNo,
        rowVersion: o.rowVersion,
        lines: [
          { partId: bearing, quantity: 2, payer: 'customer', unitPriceFen: 35000 },
          { partId: motor, quantity: 1, payer: 'customer', unitPriceFen: 480000 },
          { partId: filter, quantity: 1, payer: 'company', unitPriceFen: 2000 },
        ],
      },
      f.token.clerk,
    );
    // The clerk may not post stock; the keeper may not plan.
    expect((await failure(b.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bearing, quantity: 1 }] }, f.token.clerk))).code).toBe('FORBIDDEN');
    expect((await failure(b.call('materials.save', { orderNo: o.orderNo, rowVersion, lines: [] }, f.keeper))).code).toBe('FORBIDDEN');

    const plan = await b.call('issues.fromPlan', { orderNo: o.orderNo }, f.keeper);
    expect(plan.lines.map((l) => [l.partId, l.quantity])).toEqual([
      [bearing, 2],
      [motor, 1],
      [filter, 1],
    ]);
    // The filter has no stock: refused with what is available.
    const short = await failure(
      b.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: filter, quantity: 1 }] }, f.keeper),
    );
    expect(short.code).toBe('REFUSED');
    expect(short.reason).toMatchObject({ code: 'INSUFFICIENT_STOCK', params: { available: 0, requested: 1 } });
    const ly = await b.call(
      'issues.post',
      { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bearing, quantity: 2 }, { partId: motor, quantity: 1, serials: ['M-001'] }] },
      f.keeper,
    );
    expect(ly.docNo).toMatch(/^LY\d{12}$/);
    expect(f.balance(bearing)).toBe(3);
    expect(f.balance(motor)).toBe(1);

    // Completing with the filter not issued: refused, then recorded as owed.
    let detail = await b.call('dispatch.get', { orderNo: o.orderNo }, f.token.clerk);
    rowVersion = detail.order.rowVersion;
    for (const status of ['dispatched', 'in_progress'] as const) {
      rowVersion = (await b.call('dispatch.setStatus', { orderNo: o.orderNo, rowVersion, status }, f.token.clerk)).rowVersion;
    }
    const engineerId = f.db.prepare('SELECT id FROM engineers LIMIT 1').pluck().get() as number;
    rowVersion = (
      await b.call(
        'dispatch.saveContent',
        { orderNo: o.orderNo, rowVersion, lines: [{ workDate: '2026-06-30', engineerId, workType: '维修', result: 'solved', hoursX100: 200 }] },
        f.token.clerk,
      )
    ).rowVersion;
    const notIssued = await failure(b.call('dispatch.setStatus', { orderNo: o.orderNo, rowVersion, status: 'completed' }, f.token.clerk));
    expect(notIssued.reason?.code).toBe('MATERIALS_NOT_ISSUED');
    rowVersion = (
      await b.call(
        'dispatch.setStatus',
        { orderNo: o.orderNo, rowVersion, status: 'completed', owed: { reason: '缺货', promisedDate: '2026-07-05', responsible: '王仓管' } },
        f.token.clerk,
      )
    ).rowVersion;
    let mats = await b.call('materials.get', { orderNo: o.orderNo }, f.token.clerk);
    expect(mats.owed).toHaveLength(1);
    expect(mats.owed[0]).toMatchObject({ partId: filter, quantity: 1, status: 'owed' });

    // One unused bearing back; the faulty old motor handed in with the replacement M-001.
    const overReturn = await failure(
      b.call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'unused', partId: bearing, quantity: 3, warehouseId: f.main }] }, f.keeper),
    );
    expect(overReturn.reason).toMatchObject({ code: 'RETURN_ABOVE_ISSUED', params: { issued: 2, returned: 0 } });
    const tl = await b.call(
      'returns.post',
      {
        orderNo: o.orderNo,
        lines: [
          { kind: 'unused', partId: bearing, quantity: 1, warehouseId: f.main },
          { kind: 'faulty', partId: motor, quantity: 1, warehouseId: f.faulty, oldSerial: 'OLD-9', newSerial: 'M-001', fault: '编码器故障' },
        ],
      },
      f.keeper,
    );
    expect(tl.docNo).toMatch(/^TL/);
    expect(f.balance(bearing)).toBe(4);
    expect(f.balance(motor, f.faulty)).toBe(1);
    const where = await b.call('serials.find', { serialNo: 'M-001' }, f.token.manager);
    expect(where.serials[0]).toMatchObject({ state: 'installed', orderNo: o.orderNo });
    expect(where.serials[0].history.map((h) => h.toState)).toEqual(['in_stock', 'issued', 'installed']);
    const old = await b.call('serials.find', { serialNo: 'OLD-9' }, f.token.manager);
    expect(old.serials[0]).toMatchObject({ state: 'faulty', warehouse: '坏件库' });
    // The faulty store is never issued from.
    const fromFaulty = await failure(
      b.call('issues.post', { orderNo: o.orderNo, warehouseId: f.faulty, lines: [{ partId: motor, quantity: 1, serials: ['OLD-9'] }] }, f.keeper),
    );
    expect(fromFaulty.reason?.code).toBe('FAULTY_STORE_ISSUE');

    // The owed filter arrives and is issued against the record: it turns supplied.
    await f.receive(filter, 3);
    const supply = await b.call(
      'issues.post',
      { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: filter, quantity: 1, owedId: mats.owed[0].id }] },
      f.keeper,
    );
    mats = await b.call('materials.get', { orderNo: o.orderNo }, f.token.clerk);
    expect(mats.owed[0].status).toBe('supplied');
    expect(mats.lines.map((l) => [l.partId, l.issued, l.returned, l.used, l.owed])).toEqual([
      [bearing, 2, 1, 1, 0],
      [motor, 1, 0, 1, 0],
      [filter, 1, 0, 1, 0],
    ]);
    expect(mats.swaps).toMatchObject([{ oldSerial: 'OLD-9', newSerial: 'M-001', fault: '编码器故障' }]);
    // Chargeable used parts are the order's computed parts fees.
    detail = await b.call('dispatch.get', { orderNo: o.orderNo }, f.token.clerk);
    expect(detail.materialFees.map((m) => m.amountFen)).toEqual([35000, 480000]);
    expect(detail.feeTotals.customer).toBe(515000);
    // The same computed lines in the fees list, read-only for the fee editor (not among its lines).
    const feeList = await b.call('fees.query', { conditions: [{ field: 'order_no', op: 'equals', value: o.orderNo }] }, f.token.manager);
    expect(feeList.rows.map((r) => [r.fee_type, r.amount_fen, r.payer]).sort()).toEqual([
      ['parts', 35000, 'customer'],
      ['parts', 480000, 'customer'],
    ]);
    expect(detail.fees).toEqual([]);

    // 红冲 the supplying issue: the owed record is open again, the stock back; never twice.
    const hc = await b.call('stock.reverse', { docNo: supply.docNo, reason: '发错' }, f.keeper);
    expect(hc.docNo).toMatch(/^HC/);
    mats = await b.call('materials.get', { orderNo: o.orderNo }, f.token.clerk);
    expect(mats.owed[0].status).toBe('owed');
    expect(f.balance(filter)).toBe(3);
    expect((await failure(b.call('stock.reverse', { docNo: supply.docNo, reason: 'x' }, f.keeper))).reason?.code).toBe('ALREADY_REVERSED');
    expect((await failure(b.call('stock.reverse', { docNo: hc.docNo, reason: 'x' }, f.keeper))).reason?.code).toBe('REVERSAL_NOT_REVERSIBLE');
    // The receipt of the motors cannot be undone: M-001 has moved on.
    const rkMotor = f.db.prepare("SELECT doc_no FROM stock_ledger WHERE serial_no = 'M-001' ORDER BY id LIMIT 1").pluck().get() as string;
    expect((await failure(b.call('stock.reverse', { docNo: rkMotor, reason: 'x' }, f.keeper))).reason?.code).toBe('REVERSAL_BLOCKED');

    // Posted records are never edited in the database either.
    expect(() => f.db.prepare('UPDATE stock_ledger SET quantity = 99').run()).toThrow(/never changed/);
    expect(() => f.db.prepare('DELETE FROM issue_lines').run()).toThrow(/never deleted/);
    expect(ledgerProblems(f)).toEqual([]);

    // Every list answers the shared query shape, searched on a part number.
    const partNo = f.db.prepare('SELECT part_no FROM parts WHERE id = ?').pluck().get(bearing) as string;
    for (const m of ['materials.query', 'issues.query', 'returns.query', 'stock.query', 'ledger.query', 'parts.query'] as const) {
      const r = await b.call(m, { conditions: [{ field: 'any', op: 'contains', value: partNo }] }, f.token.manager);
      expect(r.total, m).toBeGreaterThan(0);
    }
    const owed = await b.call('owed.query', { conditions: [{ field: 'order_no', op: 'contains', value: o.orderNo }] }, f.token.manager);
    expect(owed.total).toBe(1);
  });
});
