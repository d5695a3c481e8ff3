import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, ParamsOf } from '../../shared/contract.js';
import type { ServiceError } from '../../shared/errors.js';
import { roles, writeRoles, type Role } from '../../shared/roles.js';
import { failure } from './dispatch-fixture.js';
import { ledgerProblems, makeWarehouseFixture, type WarehouseFixture } from './warehouse-fixture.js';

// Every refusal of the warehouse's rules, one at a time through Backend.call: REFUSED with its
// reason code and the values the client shows, and nothing changed by it (the whole stock
// state compared before and after). Then who may call what, and hostile text round-tripping.

let f: WarehouseFixture;
let east: number;
beforeAll(async () => {
  f = await makeWarehouseFixture(0);
  east = (await f.backend.call('warehouses.save', { warehouse: { code: 'EAST', name: '东区库', kind: 'main' } }, f.keeper)).id;
});
afterAll(() => f?.close());

/** Everything a stock call could change, as one comparable value. */
function snapshot(): string {
  const tables = [
    'parts',
    'warehouses',
    'stock_balances',
    'stock_documents',
    'stock_lines',
    'issue_lines',
    'return_lines',
    'stock_ledger',
    'serials',
    'serial_history',
    'order_materials',
    'owed_parts',
    'document_series',
    'dispatch_orders',
    'dispatch_order_history',
    'service_contents',
  ];
  return JSON.stringify(tables.map((t) => [t, f.db.prepare(`SELECT * FROM ${t}`).all()]));
}

/** The call fails with `code` (REFUSED: with the reason code and params given), and nothing changed. */
async function refused(call: () => Promise<unknown>, reason: string, params: Record<string, unknown> = {}): Promise<ServiceError> {
  const before = snapshot();
  const err = await failure(call());
  expect(err.code, err.message).toBe('REFUSED');
  expect(err.reason?.code, err.message).toBe(reason);
  expect(err.reason?.params ?? {}).toMatchObject(params);
  expect(snapshot(), `${reason} changed something`).toBe(before);
  return err;
}

/** The call fails with INVALID_PARAMS naming `path`, and nothing changed. */
async function invalid(call: () => Promise<unknown>, path: string): Promise<ServiceError> {
  const before = snapshot();
  const err = await failure(call());
  expect(err.code, err.message).toBe('INVALID_PARAMS');
  expect(err.issues?.map((i) => i.path), err.message).toContain(path);
  expect(snapshot(), `INVALID_PARAMS on ${path} changed something`).toBe(before);
  return err;
}

const call = <M extends MethodName>(method: M, params: ParamsOf<M>, token = f.keeper) => () => f.backend.call(method, params, token);
const partNo = (id: number) => f.db.prepare('SELECT part_no FROM parts WHERE id = ?').pluck().get(id) as string;
const owedRow = (id: number) => f.db.prepare('SELECT quantity, supplied, status, row_version FROM owed_parts WHERE id = ?').get(id) as { quantity: number; supplied: number; status: string; row_version: number };

/** An order brought to in_progress with a content line, ready to be completed. */
async function workedOrder(): Promise<{ orderNo: string; rowVersion: number }> {
  const o = await f.order();
  let rowVersion = o.rowVersion;
  for (const status of ['dispatched', 'in_progress'] as const) {
    rowVersion = (await f.backend.call('dispatch.setStatus', { orderNo: o.orderNo, rowVersion, status }, f.token.clerk)).rowVersion;
  }
  const engineerId = f.db.prepare('SELECT id FROM engineers ORDER BY id LIMIT 1').pluck().get() as number;
  rowVersion = (
    await f.backend.call(
      'dispatch.saveContent',
      { orderNo: o.orderNo, rowVersion, lines: [{ workDate: '2026-06-30', engineerId, workType: '维修', result: 'solved', hoursX100: 100 }] },
      f.token.clerk,
    )
  ).rowVersion;
  return { orderNo: o.orderNo, rowVersion };
}

const rowVersionOf = async (orderNo: string) => (await f.backend.call('dispatch.get', { orderNo }, f.token.clerk)).order.rowVersion;

describe('refusals, each with its reason, each leaving everything as it was', () => {
  it('over-issue: INSUFFICIENT_STOCK with what is available; a document is all or nothing', async () => {
    const bolt = await f.part();
    await f.receive(bolt, 3);
    const o = await f.order();
    await refused(call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 5 }] }), 'INSUFFICIENT_STOCK', {
      partNo: partNo(bolt),
      warehouse: '总库',
      available: 3,
      requested: 5,
    });
    // Two lines that fit alone but not together: neither is posted.
    await refused(
      call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 2 }, { partId: bolt, quantity: 2 }] }),
      'INSUFFICIENT_STOCK',
      { available: 3, requested: 4 },
    );
    // Stock in another store does not count.
    await f.receive(bolt, 10, [], east);
    await refused(call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 4 }] }), 'INSUFFICIENT_STOCK', { available: 3 });
    // A count adjustment cannot take out more than there is either.
    await refused(call('stock.adjust', { warehouseId: f.main, reason: '盘亏', lines: [{ partId: bolt, quantity: -4 }] }), 'INSUFFICIENT_STOCK', { available: 3, requested: 4 });
    await f.backend.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 3 }] }, f.keeper);
    await refused(call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 1 }] }), 'INSUFFICIENT_STOCK', { available: 0, requested: 1 });
    expect(f.balance(bolt)).toBe(0);
  });

  it('return above issued: RETURN_ABOVE_ISSUED with issued, returned and what may come back', async () => {
    const bolt = await f.part();
    const other = await f.part();
    await f.receive(bolt, 5);
    const o = await f.order();
    await f.backend.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 2 }] }, f.keeper);
    const back = (partId: number, quantity: number) => call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'unused', partId, quantity, warehouseId: f.main }] });
    await refused(back(bolt, 3), 'RETURN_ABOVE_ISSUED', { orderNo: o.orderNo, partNo: partNo(bolt), issued: 2, returned: 0, available: 2, requested: 3 });
    await f.backend.call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'unused', partId: bolt, quantity: 1, warehouseId: f.main }] }, f.keeper);
    await refused(back(bolt, 2), 'RETURN_ABOVE_ISSUED', { issued: 2, returned: 1, available: 1, requested: 2 });
    // Two lines of one part add up.
    await refused(
      call('returns.post', {
        orderNo: o.orderNo,
        lines: [
          { kind: 'unused', partId: bolt, quantity: 1, warehouseId: f.main },
          { kind: 'unused', partId: bolt, quantity: 1, warehouseId: east },
        ],
      }),
      'RETURN_ABOVE_ISSUED',
      { available: 1, requested: 2 },
    );
    // A part never issued for the order.
    await refused(back(other, 1), 'RETURN_ABOVE_ISSUED', { issued: 0, returned: 0, available: 0, requested: 1 });
  });

  it('a serial not in that warehouse: SERIAL_NOT_IN_WAREHOUSE', async () => {
    const motor = await f.part({ serialTracked: true });
    await f.receive(motor, 1, ['NW-1'], east);
    await f.receive(motor, 1, ['NW-2']);
    const o = await f.order();
    const issue = (serial: string, warehouseId = f.main) => call('issues.post', { orderNo: o.orderNo, warehouseId, lines: [{ partId: motor, quantity: 1, serials: [serial] }] });
    await refused(issue('NW-1'), 'SERIAL_NOT_IN_WAREHOUSE', { serial: 'NW-1', partNo: partNo(motor), warehouse: '总库' });
    await refused(issue('NW-404'), 'SERIAL_NOT_IN_WAREHOUSE', { serial: 'NW-404' });
    await f.backend.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: motor, quantity: 1, serials: ['NW-2'] }] }, f.keeper);
    // Issued already: it is with the engineer, not on the shelf.
    await refused(issue('NW-2'), 'SERIAL_NOT_IN_WAREHOUSE', { serial: 'NW-2' });
    // Written off by a count from the wrong store.
    await refused(call('stock.adjust', { warehouseId: f.main, reason: '盘亏', lines: [{ partId: motor, quantity: -1, serials: ['NW-1'] }] }), 'SERIAL_NOT_IN_WAREHOUSE', {
      serial: 'NW-1',
    });
  });

  it('a serial not issued for that order: SERIAL_NOT_ISSUED_FOR_ORDER (unused return and the replacement of a swap)', async () => {
    const motor = await f.part({ serialTracked: true });
    await f.receive(motor, 2, ['NI-1', 'NI-2']);
    const a = await f.order();
    const b = await f.order();
    await f.backend.call('issues.post', { orderNo: a.orderNo, warehouseId: f.main, lines: [{ partId: motor, quantity: 1, serials: ['NI-1'] }] }, f.keeper);
    await f.backend.call('issues.post', { orderNo: b.orderNo, warehouseId: f.main, lines: [{ partId: motor, quantity: 1, serials: ['NI-2'] }] }, f.keeper);
    // Order b has one motor out, so the count allows it, but NI-1 went to order a.
    await refused(
      call('returns.post', { orderNo: b.orderNo, lines: [{ kind: 'unused', partId: motor, quantity: 1, warehouseId: f.main, serials: ['NI-1'] }] }),
      'SERIAL_NOT_ISSUED_FOR_ORDER',
      { serial: 'NI-1', partNo: partNo(motor), orderNo: b.orderNo },
    );
    await refused(
      call('returns.post', { orderNo: b.orderNo, lines: [{ kind: 'faulty', partId: motor, quantity: 1, warehouseId: f.faulty, oldSerial: 'NI-OLD', newSerial: 'NI-1', fault: '坏' }] }),
      'SERIAL_NOT_ISSUED_FOR_ORDER',
      { serial: 'NI-1', orderNo: b.orderNo },
    );
  });

  it('issuing from the faulty store: FAULTY_STORE_ISSUE (and unused parts never go into it)', async () => {
    const bolt = await f.part();
    await f.receive(bolt, 2, [], f.faulty);
    const o = await f.order();
    await refused(call('issues.post', { orderNo: o.orderNo, warehouseId: f.faulty, lines: [{ partId: bolt, quantity: 1 }] }), 'FAULTY_STORE_ISSUE', { warehouse: '坏件库' });
    await f.receive(bolt, 2);
    await f.backend.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 1 }] }, f.keeper);
    await refused(call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'unused', partId: bolt, quantity: 1, warehouseId: f.faulty }] }), 'FAULTY_STORE_UNUSED', {
      warehouse: '坏件库',
    });
    await refused(call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'faulty', partId: bolt, quantity: 1, warehouseId: f.main, fault: '坏' }] }), 'NOT_FAULTY_STORE', {
      warehouse: '总库',
    });
  });

  it('a posted document is never edited: reversed once, a reversal never reversed, the database refuses UPDATE and DELETE', async () => {
    const motor = await f.part({ serialTracked: true });
    const rk = await f.receive(motor, 1, ['ED-1']);
    const o = await f.order();
    const ly = (await f.backend.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, remarks: '原', lines: [{ partId: motor, quantity: 1, serials: ['ED-1'] }] }, f.keeper)).docNo;
    const tl = (
      await f.backend.call(
        'returns.post',
        { orderNo: o.orderNo, lines: [{ kind: 'faulty', partId: motor, quantity: 1, warehouseId: f.faulty, oldSerial: 'ED-OLD', newSerial: 'ED-1', fault: '坏' }] },
        f.keeper,
      )
    ).docNo;
    const hc = (await f.backend.call('stock.reverse', { docNo: tl, reason: '录错' }, f.keeper)).docNo;
    await refused(call('stock.reverse', { docNo: tl, reason: '再冲' }), 'ALREADY_REVERSED', { docNo: tl, reversal: hc });
    await refused(call('stock.reverse', { docNo: hc, reason: '冲红冲' }), 'REVERSAL_NOT_REVERSIBLE', { docNo: hc });
    // The receipt cannot be undone while its serial is out on an order.
    await refused(call('stock.reverse', { docNo: rk, reason: '错' }), 'REVERSAL_BLOCKED', { docNo: rk });
    await invalid(call('stock.reverse', { docNo: 'LY202001010001', reason: '错' }), 'docNo');

    // Raw SQL: every posted table refuses UPDATE and DELETE, with the reason.
    const posted = ['stock_documents', 'stock_lines', 'issue_lines', 'return_lines', 'stock_ledger', 'serial_history'];
    for (const t of posted) {
      expect(f.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get(), t).toBeGreaterThan(0);
    }
    const before = snapshot();
    const edits = [
      `UPDATE stock_documents SET remarks = '改' WHERE doc_no = '${ly}'`,
      `UPDATE stock_documents SET doc_no = 'LY999' WHERE doc_no = '${ly}'`,
      `DELETE FROM stock_documents WHERE doc_no = '${hc}'`,
      `UPDATE stock_lines SET quantity = 5`,
      `DELETE FROM stock_lines`,
      `UPDATE issue_lines SET quantity = quantity + 1`,
      `DELETE FROM issue_lines`,
      `UPDATE return_lines SET fault = ''`,
      `DELETE FROM return_lines`,
      `UPDATE stock_ledger SET quantity = -quantity`,
      `DELETE FROM stock_ledger`,
      `UPDATE serial_history SET to_state = 'removed'`,
      `DELETE FROM serial_history`,
    ];
    for (const sql of edits) {
      expect(() => f.db.prepare(sql).run(), sql).toThrow(sql.startsWith('UPDATE') ? /posted stock records are never changed/ : /posted stock records are never deleted/);
    }
    // Even inside a transaction.
    expect(() => f.db.transaction(() => f.db.prepare('UPDATE stock_ledger SET quantity = 1 WHERE id = (SELECT max(id) FROM stock_ledger)').run())()).toThrow(/never changed/);
    expect(snapshot()).toBe(before);
    expect(ledgerProblems(f)).toEqual([]);
  });

  it('nor does INSERT OR REPLACE rewrite a posted row (a REPLACE deletes without firing the delete trigger)', async () => {
    // A REPLACE removes the conflicting row without firing delete triggers (recursive triggers are
    // off): a BEFORE INSERT trigger refuses any insert that would replace a posted row.
    const bolt = await f.part();
    await f.receive(bolt, 3);
    const posted = ['stock_documents', 'stock_lines', 'issue_lines', 'return_lines', 'stock_ledger', 'serial_history'];
    const rewritten: string[] = [];
    f.db.exec('BEGIN');
    try {
      for (const t of posted) {
        const row = f.db.prepare(`SELECT * FROM ${t} ORDER BY id DESC LIMIT 1`).get() as Record<string, unknown> | undefined;
        if (!row) continue;
        const columns = Object.keys(row);
        // The same row, one text column changed (the document number stays unique).
        const changed = { ...row, ...('remarks' in row ? { remarks: '改过' } : 'at' in row ? { at: 'rewritten' } : { serials: 'rewritten' }) };
        try {
          f.db.prepare(`INSERT OR REPLACE INTO ${t} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(changed);
          rewritten.push(t);
        } catch (err) {
          expect(String(err), t).toMatch(/never (changed|deleted|replaced)/);
        }
      }
    } finally {
      f.db.exec('ROLLBACK');
    }
    expect(rewritten, 'posted tables rewritten by INSERT OR REPLACE').toEqual([]);
  });

  it('serial count wrong: SERIAL_COUNT with expected and given', async () => {
    const motor = await f.part({ serialTracked: true });
    await refused(call('stock.receive', { warehouseId: f.main, lines: [{ partId: motor, quantity: 2, serials: ['SC-1'] }] }), 'SERIAL_COUNT', {
      partNo: partNo(motor),
      expected: 2,
      given: 1,
    });
    await refused(call('stock.receive', { warehouseId: f.main, lines: [{ partId: motor, quantity: 1, serials: ['SC-1', 'SC-2'] }] }), 'SERIAL_COUNT', { expected: 1, given: 2 });
    await f.receive(motor, 2, ['SC-1', 'SC-2']);
    const o = await f.order();
    await refused(call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: motor, quantity: 1 }] }), 'SERIAL_COUNT', { expected: 1, given: 0 });
    await refused(call('stock.adjust', { warehouseId: f.main, reason: '盘亏', lines: [{ partId: motor, quantity: -2, serials: ['SC-1'] }] }), 'SERIAL_COUNT', { expected: 2, given: 1 });
  });

  it('serials on an untracked part: SERIALS_NOT_TRACKED', async () => {
    const bolt = await f.part();
    await refused(call('stock.receive', { warehouseId: f.main, lines: [{ partId: bolt, quantity: 1, serials: ['UT-1'] }] }), 'SERIALS_NOT_TRACKED', { partNo: partNo(bolt) });
    await f.receive(bolt, 2);
    const o = await f.order();
    await refused(call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 1, serials: ['UT-1'] }] }), 'SERIALS_NOT_TRACKED', {
      partNo: partNo(bolt),
    });
    await refused(
      call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'faulty', partId: bolt, quantity: 1, warehouseId: f.faulty, oldSerial: 'UT-OLD', fault: '坏' }] }),
      'SERIALS_NOT_TRACKED',
      { partNo: partNo(bolt) },
    );
  });

  it('a serial twice on one document: SERIAL_DUPLICATE (one line or two)', async () => {
    const motor = await f.part({ serialTracked: true });
    await refused(call('stock.receive', { warehouseId: f.main, lines: [{ partId: motor, quantity: 2, serials: ['DU-1', 'DU-1'] }] }), 'SERIAL_DUPLICATE', { serial: 'DU-1' });
    await refused(
      call('stock.receive', {
        warehouseId: f.main,
        lines: [
          { partId: motor, quantity: 1, serials: ['DU-2'] },
          { partId: motor, quantity: 1, serials: ['DU-2'] },
        ],
      }),
      'SERIAL_DUPLICATE',
      { serial: 'DU-2' },
    );
    // The same number on two different parts is two serials: fine.
    const other = await f.part({ serialTracked: true });
    await f.backend.call('stock.receive', { warehouseId: f.main, lines: [{ partId: motor, quantity: 1, serials: ['DU-3'] }, { partId: other, quantity: 1, serials: ['DU-3'] }] }, f.keeper);
    const o = await f.order();
    await refused(
      call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'faulty', partId: motor, quantity: 1, warehouseId: f.faulty, oldSerial: 'DU-9', newSerial: 'DU-9', fault: '坏' }] }),
      'SERIAL_DUPLICATE',
      { serial: 'DU-9' },
    );
  });

  it('receipt of a serial already in stock (or out on an order): SERIAL_EXISTS; a written-off one may come back', async () => {
    const motor = await f.part({ serialTracked: true });
    await f.receive(motor, 2, ['EX-1', 'EX-2']);
    await refused(call('stock.receive', { warehouseId: f.main, lines: [{ partId: motor, quantity: 1, serials: ['EX-1'] }] }), 'SERIAL_EXISTS', { serial: 'EX-1', partNo: partNo(motor) });
    await refused(call('stock.receive', { warehouseId: east, lines: [{ partId: motor, quantity: 1, serials: ['EX-1'] }] }), 'SERIAL_EXISTS', { serial: 'EX-1' });
    const o = await f.order();
    await f.backend.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: motor, quantity: 1, serials: ['EX-2'] }] }, f.keeper);
    await refused(call('stock.adjust', { warehouseId: f.main, reason: '盘盈', lines: [{ partId: motor, quantity: 1, serials: ['EX-2'] }] }), 'SERIAL_EXISTS', { serial: 'EX-2' });
    await f.backend.call('stock.adjust', { warehouseId: f.main, reason: '丢失', lines: [{ partId: motor, quantity: -1, serials: ['EX-1'] }] }, f.keeper);
    await f.receive(motor, 1, ['EX-1']);
    expect(f.balance(motor)).toBe(1);
  });

  it('issue to a cancelled order: ORDER_CANCELLED (and no owed record for it)', async () => {
    const bolt = await f.part();
    await f.receive(bolt, 2);
    const o = await f.order();
    await f.backend.call('dispatch.setStatus', { orderNo: o.orderNo, rowVersion: o.rowVersion, status: 'cancelled' }, f.token.clerk);
    await refused(call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 1 }] }), 'ORDER_CANCELLED', { orderNo: o.orderNo });
    await refused(
      call('owed.create', { orderNo: o.orderNo, partId: bolt, quantity: 1, reason: '缺货', promisedDate: '2026-07-10', responsible: '王' }, f.token.clerk),
      'ORDER_CANCELLED',
      { orderNo: o.orderNo },
    );
    await refused(call('materials.save', { orderNo: o.orderNo, rowVersion: await rowVersionOf(o.orderNo), lines: [] }, f.token.clerk), 'MATERIALS_FROZEN', {
      orderNo: o.orderNo,
      status: 'cancelled',
    });
  });

  it('an owed record of another order or part: OWED_OTHER_ORDER', async () => {
    const bolt = await f.part();
    const nut = await f.part();
    await f.receive(bolt, 5);
    await f.receive(nut, 5);
    const a = await f.order();
    const b = await f.order();
    const owed = await f.backend.call('owed.create', { orderNo: a.orderNo, partId: bolt, quantity: 2, reason: '缺货', promisedDate: '2026-07-10', responsible: '王' }, f.token.clerk);
    await refused(call('issues.post', { orderNo: b.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 1, owedId: owed.id }] }), 'OWED_OTHER_ORDER', {
      id: owed.id,
      orderNo: a.orderNo,
      partNo: partNo(bolt),
    });
    await refused(call('issues.post', { orderNo: a.orderNo, warehouseId: f.main, lines: [{ partId: nut, quantity: 1, owedId: owed.id }] }), 'OWED_OTHER_ORDER', {
      id: owed.id,
      partNo: partNo(bolt),
    });
    await invalid(call('issues.post', { orderNo: a.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 1 }, { partId: bolt, quantity: 1, owedId: 999_999 }] }), 'lines.1.owedId');
    // A closed record supplies nothing.
    await f.backend.call('owed.close', { id: owed.id, rowVersion: owedRow(owed.id).row_version, reason: '客户放弃' }, f.token.clerk);
    await refused(call('issues.post', { orderNo: a.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 1, owedId: owed.id }] }), 'OWED_NOT_OPEN', { id: owed.id, status: 'closed' });
  });

  it('over-supplying an owed record: OWED_ABOVE_REMAINING with what remains', async () => {
    const bolt = await f.part();
    await f.receive(bolt, 10);
    const o = await f.order();
    const owed = await f.backend.call('owed.create', { orderNo: o.orderNo, partId: bolt, quantity: 3, reason: '缺货', promisedDate: '2026-07-10', responsible: '王' }, f.token.clerk);
    const supply = (...quantities: number[]) => call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: quantities.map((quantity) => ({ partId: bolt, quantity, owedId: owed.id })) });
    await refused(supply(4), 'OWED_ABOVE_REMAINING', { id: owed.id, remaining: 3, requested: 4 });
    await refused(supply(2, 2), 'OWED_ABOVE_REMAINING', { remaining: 3, requested: 4 });
    await supply(2)();
    expect(owedRow(owed.id)).toMatchObject({ supplied: 2, status: 'partial' });
    await refused(supply(2), 'OWED_ABOVE_REMAINING', { remaining: 1, requested: 2 });
    await supply(1)();
    expect(owedRow(owed.id)).toMatchObject({ supplied: 3, status: 'supplied' });
    await refused(supply(1), 'OWED_NOT_OPEN', { id: owed.id, status: 'supplied' });
  });

  it('reducing a plan below what is used: PLAN_BELOW_ISSUED; deleting an issued line: MATERIAL_LINE_ISSUED', async () => {
    const bolt = await f.part();
    await f.receive(bolt, 5);
    const o = await f.order();
    let rowVersion = (
      await f.backend.call('materials.save', { orderNo: o.orderNo, rowVersion: o.rowVersion, lines: [{ partId: bolt, quantity: 3, payer: 'customer', unitPriceFen: 100 }] }, f.token.clerk)
    ).rowVersion;
    await f.backend.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 3 }] }, f.keeper);
    await f.backend.call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'unused', partId: bolt, quantity: 1, warehouseId: f.main }] }, f.keeper);
    const line = (await f.backend.call('materials.get', { orderNo: o.orderNo }, f.token.clerk)).lines[0];
    expect(line).toMatchObject({ issued: 3, returned: 1, used: 2 });
    const plan = (quantity: number) => call('materials.save', { orderNo: o.orderNo, rowVersion, lines: [{ id: line.id, partId: bolt, quantity, payer: 'customer', unitPriceFen: 100 }] }, f.token.clerk);
    await refused(plan(1), 'PLAN_BELOW_ISSUED', { partNo: partNo(bolt), used: 2 });
    rowVersion = (await plan(2)()).rowVersion; // down to what is used: fine
    await refused(call('materials.save', { orderNo: o.orderNo, rowVersion, lines: [] }, f.token.clerk), 'MATERIAL_LINE_ISSUED', { partNo: partNo(bolt) });
    // Nor may the line change to another part.
    const nut = await f.part();
    await refused(
      call('materials.save', { orderNo: o.orderNo, rowVersion, lines: [{ id: line.id, partId: nut, quantity: 1, payer: 'customer', unitPriceFen: 100 }] }, f.token.clerk),
      'MATERIAL_LINE_ISSUED',
      { partNo: partNo(bolt) },
    );
  });

  it('completing with parts not issued: MATERIALS_NOT_ISSUED; with `owed` it completes and records them', async () => {
    const bolt = await f.part();
    const nut = await f.part();
    await f.receive(bolt, 5);
    const o = await workedOrder();
    let rowVersion = (
      await f.backend.call(
        'materials.save',
        {
          orderNo: o.orderNo,
          rowVersion: o.rowVersion,
          lines: [
            { partId: bolt, quantity: 3, payer: 'customer', unitPriceFen: 100 },
            { partId: nut, quantity: 2, payer: 'company', unitPriceFen: 50 },
          ],
        },
        f.token.clerk,
      )
    ).rowVersion;
    await f.backend.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 1 }] }, f.keeper);
    const err = await refused(call('dispatch.setStatus', { orderNo: o.orderNo, rowVersion, status: 'completed' }, f.token.clerk), 'MATERIALS_NOT_ISSUED', { orderNo: o.orderNo });
    expect(String(err.reason!.params!.parts)).toContain(`${partNo(bolt)} `);
    expect(String(err.reason!.params!.parts)).toContain('×2');
    expect((await f.backend.call('dispatch.get', { orderNo: o.orderNo }, f.token.clerk)).order.status).toBe('in_progress');

    rowVersion = (
      await f.backend.call(
        'dispatch.setStatus',
        { orderNo: o.orderNo, rowVersion, status: 'completed', owed: { reason: '缺货', promisedDate: '2026-07-05', responsible: '王仓管' } },
        f.token.clerk,
      )
    ).rowVersion;
    expect((await f.backend.call('dispatch.get', { orderNo: o.orderNo }, f.token.clerk)).order.status).toBe('completed');
    const mats = await f.backend.call('materials.get', { orderNo: o.orderNo }, f.token.clerk);
    expect(mats.owed.map((w) => [w.partId, w.quantity, w.supplied, w.status, w.promisedDate, w.responsible])).toEqual([
      [bolt, 2, 0, 'owed', '2026-07-05', '王仓管'],
      [nut, 2, 0, 'owed', '2026-07-05', '王仓管'],
    ]);
    // Reopened and completed again: what is owed is not owed twice.
    rowVersion = (await f.backend.call('dispatch.setStatus', { orderNo: o.orderNo, rowVersion, status: 'in_progress' }, f.token.clerk)).rowVersion;
    await f.backend.call('dispatch.setStatus', { orderNo: o.orderNo, rowVersion, status: 'completed' }, f.token.clerk);
    expect((await f.backend.call('materials.get', { orderNo: o.orderNo }, f.token.clerk)).owed).toHaveLength(2);
  });

  it('unknown part, warehouse, order or document: INVALID_PARAMS naming the field', async () => {
    const bolt = await f.part();
    await f.receive(bolt, 2);
    const o = await f.order();
    const none = 999_999;
    await invalid(call('stock.receive', { warehouseId: f.main, lines: [{ partId: bolt, quantity: 1 }, { partId: none, quantity: 1 }] }), 'lines.1.partId');
    await invalid(call('stock.receive', { warehouseId: none, lines: [{ partId: bolt, quantity: 1 }] }), 'warehouseId');
    await invalid(call('stock.adjust', { warehouseId: f.main, reason: '盘', lines: [{ partId: none, quantity: 1 }] }), 'lines.0.partId');
    await invalid(call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: none, quantity: 1 }] }), 'lines.0.partId');
    await invalid(call('issues.post', { orderNo: o.orderNo, warehouseId: none, lines: [{ partId: bolt, quantity: 1 }] }), 'warehouseId');
    await invalid(call('issues.post', { orderNo: 'SN209901010001', warehouseId: f.main, lines: [{ partId: bolt, quantity: 1 }] }), 'orderNo');
    await invalid(call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, engineerId: none, lines: [{ partId: bolt, quantity: 1 }] }), 'engineerId');
    await invalid(call('returns.post', { orderNo: 'SN209901010001', lines: [{ kind: 'unused', partId: bolt, quantity: 1, warehouseId: f.main }] }), 'orderNo');
    await invalid(call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'unused', partId: none, quantity: 1, warehouseId: f.main }] }), 'lines.0.partId');
    await invalid(call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'unused', partId: bolt, quantity: 1, warehouseId: none }] }), 'lines.0.warehouseId');
    await invalid(call('materials.save', { orderNo: o.orderNo, rowVersion: o.rowVersion, lines: [{ partId: none, quantity: 1, payer: 'customer', unitPriceFen: 0 }] }, f.token.clerk), 'lines.0.partId');
    await invalid(call('owed.create', { orderNo: o.orderNo, partId: none, quantity: 1, reason: '缺', promisedDate: '2026-07-10', responsible: '王' }, f.token.clerk), 'partId');
    await invalid(call('owed.close', { id: none, rowVersion: 1, reason: '缺' }, f.token.clerk), 'id');
    await invalid(call('documents.get', { docNo: 'RK202001010001' }), 'docNo');
    await invalid(call('stock.balance', { partId: none }), 'partId');
    // Schema-level: the shape is wrong before any rule is asked.
    await invalid(call('stock.receive', { warehouseId: f.main, lines: [{ partId: bolt, quantity: 0 }] }), 'lines.0.quantity');
    await invalid(call('stock.adjust', { warehouseId: f.main, reason: '盘', lines: [{ partId: bolt, quantity: 0 }] }), 'lines.0.quantity');
    await invalid(call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [] }), 'lines');
    await invalid(call('stock.reverse', { docNo: 'XX1', reason: '错' }), 'docNo');
  });
});

// ---- who may call what ----

/** The warehouse's writes and who may make them (the brief of issue 8, written out here). */
const expectedWriters: Record<string, Role[]> = {
  'parts.save': ['warehouse', 'admin'],
  'warehouses.save': ['warehouse', 'admin'],
  'stock.receive': ['warehouse', 'admin'],
  'stock.adjust': ['warehouse', 'admin'],
  'stock.reverse': ['warehouse', 'admin'],
  'issues.post': ['warehouse', 'admin'],
  'returns.post': ['warehouse', 'admin'],
  'materials.save': ['clerk', 'manager', 'admin'],
  'owed.create': ['clerk', 'manager', 'admin'],
  'owed.update': ['clerk', 'manager', 'admin'],
  'owed.close': ['clerk', 'manager', 'admin'],
};

describe('roles', () => {
  const token = (role: Role) => (role === 'warehouse' ? f.keeper : f.token[role]);
  let seq = 0;

  /** Valid params for each write (made fresh for each call, so an allowed call succeeds). */
  const validParams: Record<string, () => Promise<unknown>> = {
    'parts.save': async () => ({ part: { partNo: `RO-${++seq}`, name: '角色件', unit: '个', unitPriceFen: 1, serialTracked: false } }),
    'warehouses.save': async () => ({ warehouse: { code: `RO${++seq}`, name: `角色库${seq}`, kind: 'main' } }),
    'stock.receive': async () => ({ warehouseId: f.main, lines: [{ partId: await rolePart(), quantity: 1 }] }),
    'stock.adjust': async () => ({ warehouseId: f.main, reason: '盘盈', lines: [{ partId: await rolePart(), quantity: 1 }] }),
    'stock.reverse': async () => ({ docNo: await f.receive(await rolePart(), 1), reason: '错' }),
    'issues.post': async () => ({ orderNo: (await roleOrder()).orderNo, warehouseId: f.main, lines: [{ partId: await rolePart(), quantity: 1 }] }),
    'returns.post': async () => ({ orderNo: (await roleOrder()).orderNo, lines: [{ kind: 'faulty', partId: await rolePart(), quantity: 1, warehouseId: f.faulty, fault: '坏' }] }),
    'materials.save': async () => {
      const o = await f.order(); // a fresh plan: the shared order's part has been issued by then
      return { orderNo: o.orderNo, rowVersion: await rowVersionOf(o.orderNo), lines: [{ partId: await rolePart(), quantity: 1, payer: 'customer', unitPriceFen: 0 }] };
    },
    'owed.create': async () => ({ orderNo: (await roleOrder()).orderNo, partId: await rolePart(), quantity: 1, reason: '缺货', promisedDate: '2026-07-10', responsible: '王' }),
    'owed.update': async () => {
      const { id } = await f.backend.call('owed.create', { orderNo: (await roleOrder()).orderNo, partId: await rolePart(), quantity: 1, reason: '缺', promisedDate: '2026-07-10', responsible: '王' }, f.token.admin);
      return { id, rowVersion: owedRow(id).row_version, reason: '改期', promisedDate: '2026-07-20', responsible: '李' };
    },
    'owed.close': async () => {
      const { id } = await f.backend.call('owed.create', { orderNo: (await roleOrder()).orderNo, partId: await rolePart(), quantity: 1, reason: '缺', promisedDate: '2026-07-10', responsible: '王' }, f.token.admin);
      return { id, rowVersion: owedRow(id).row_version, reason: '放弃' };
    },
  };
  let part: number | undefined;
  const rolePart = async () => {
    if (part === undefined) {
      part = await f.part({ name: '角色测试件' });
      await f.receive(part, 100);
    }
    return part;
  };
  let order: { orderNo: string } | undefined;
  const roleOrder = async () => (order ??= await f.order());

  it('roles.ts gives the warehouse’s writes to the roles the brief names, and covers every one of them', () => {
    const warehouseMethods = Object.keys(writeRoles).filter((m) => /^(parts|warehouses|stock|issues|returns|materials|owed|serials|documents|ledger)\./.test(m));
    expect(warehouseMethods.sort()).toEqual(Object.keys(expectedWriters).sort());
    for (const m of warehouseMethods) expect([...writeRoles[m as MethodName]!].sort(), m).toEqual([...expectedWriters[m]].sort());
    expect(Object.keys(validParams).sort()).toEqual(warehouseMethods.sort());
  });

  for (const [method, allowed] of Object.entries(expectedWriters)) {
    it(`${method}: ${allowed.join(', ')} may; the others get FORBIDDEN and change nothing`, async () => {
      for (const role of roles) {
        const params = await validParams[method]();
        const before = snapshot();
        if (allowed.includes(role)) {
          await expect(f.backend.call(method as MethodName, params as never, token(role)), `${role} → ${method}`).resolves.toBeTruthy();
        } else {
          const err = await failure(f.backend.call(method as MethodName, params as never, token(role)));
          expect(err.code, `${role} → ${method}`).toBe('FORBIDDEN');
          expect(snapshot(), `${role} → ${method} changed something`).toBe(before);
        }
      }
    });
  }

  it('every role may read the warehouse: balances, serials, documents, materials, lists', async () => {
    const p = await rolePart();
    const docNo = await f.receive(p, 1);
    const o = await roleOrder();
    for (const role of roles) {
      const t = token(role);
      await f.backend.call('stock.balance', { partId: p }, t);
      await f.backend.call('documents.get', { docNo }, t);
      await f.backend.call('serials.find', { serialNo: 'X' }, t);
      await f.backend.call('materials.get', { orderNo: o.orderNo }, t);
      await f.backend.call('issues.fromPlan', { orderNo: o.orderNo }, t);
      await f.backend.call('warehouses.list', {}, t);
      await f.backend.call('parts.options', { search: '' }, t);
      for (const m of ['parts.query', 'stock.query', 'ledger.query', 'issues.query', 'returns.query', 'materials.query', 'owed.query'] as const) {
        await f.backend.call(m, {}, t);
      }
    }
    // Without a session nothing is answered.
    expect((await failure(f.backend.call('stock.balance', { partId: p }))).code).toBe('UNAUTHENTICATED');
    expect((await failure(f.backend.call('stock.receive', { warehouseId: f.main, lines: [{ partId: p, quantity: 1 }] }))).code).toBe('UNAUTHENTICATED');
  });
});

// ---- hostile text ----

/**
 * `n` characters (code points, as the schemas count them: an emoji is one) of `pattern`
 * repeated, with no blank at either end (the schemas trim).
 */
function long(pattern: string, n: number): string {
  const chars: string[] = [];
  while (chars.length < n) chars.push(...pattern);
  chars.length = n;
  if (chars[0].trim() === '') chars[0] = 'x';
  if (chars[n - 1].trim() === '') chars[n - 1] = 'x';
  return chars.join('');
}
const chars = (s: string) => [...s].length;

describe('hostile text', () => {
  const mixed = `轴承Ｆｕｌｌ１２３ Crème brûlée naïve e\u0301 %_\\'" ; DROP TABLE parts; -- 🔧 ＜＞&amp;`;

  it('part names, remarks, reasons, faults and serials round-trip unchanged through documents.get and serials.find', async () => {
    const name = long(`${mixed}名`, 100);
    const spec = long('％＿\\\'"规格', 100);
    const motorId = (await f.backend.call('parts.save', { part: { partNo: `H-%_\\'"轴`, name, spec, unit: '个', unitPriceFen: 1, serialTracked: true } }, f.keeper)).id;
    const boltId = (await f.backend.call('parts.save', { part: { partNo: 'H-ＢＯＬＴ', name: `%_\\'"é轴`, unit: '件', unitPriceFen: 1, serialTracked: false } }, f.keeper)).id;
    const serials = [`SN-%_\\'"-Ｆ-é-轴`, long(`Ａ%_\\'"é轴🔧`, 60), 'e\u0301-NFD', '\u00e9-NFC', 'Ｓ＊？', `'; DELETE FROM serials; --`];
    const remarks = long(mixed, 500);
    const rk = (await f.backend.call('stock.receive', { warehouseId: f.main, remarks, lines: [{ partId: motorId, quantity: serials.length, serials }, { partId: boltId, quantity: 2 }] }, f.keeper)).docNo;
    const doc = await f.backend.call('documents.get', { docNo: rk }, f.token.manager);
    expect(doc.remarks).toBe(remarks);
    expect(chars(doc.remarks)).toBe(500);
    expect(doc.remarks.length).toBeGreaterThan(500); // the emoji take two UTF-16 units each
    expect(doc.lines[0]).toMatchObject({ partNo: `H-%_\\'"轴`, partName: name, serials });
    expect(doc.lines[1]).toMatchObject({ partNo: 'H-ＢＯＬＴ', partName: `%_\\'"é轴`, serials: [] });
    for (const s of serials) {
      const found = await f.backend.call('serials.find', { serialNo: s }, f.token.manager);
      expect(found.serials.map((x) => [x.serialNo, x.partName, x.state, x.warehouse]), s).toEqual([[s, name, 'in_stock', '总库']]);
    }
    // NFC and NFD é are different serials; a wildcard is a character, not a pattern.
    expect((await f.backend.call('serials.find', { serialNo: 'SN-%' }, f.token.manager)).serials).toEqual([]);
    expect((await f.backend.call('serials.find', { serialNo: 'SN-__\\\'"-Ｆ-é-轴' }, f.token.manager)).serials).toEqual([]);

    // Issue, swap and reversal carry their text unchanged too.
    const o = await f.order();
    const issueRemarks = long(`领用${mixed}`, 500);
    const ly = (await f.backend.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, remarks: issueRemarks, lines: [{ partId: motorId, quantity: 1, serials: [serials[1]] }] }, f.keeper)).docNo;
    expect((await f.backend.call('documents.get', { docNo: ly }, f.token.manager)).remarks).toBe(issueRemarks);
    const fault = long(`故障${mixed}`, 500);
    const oldSerial = long(`旧${mixed}`, 60);
    const tl = (
      await f.backend.call(
        'returns.post',
        { orderNo: o.orderNo, remarks, lines: [{ kind: 'faulty', partId: motorId, quantity: 1, warehouseId: f.faulty, oldSerial, newSerial: serials[1], fault }] },
        f.keeper,
      )
    ).docNo;
    const ret = await f.backend.call('documents.get', { docNo: tl }, f.token.manager);
    expect(ret.lines[0]).toMatchObject({ kind: 'faulty', serials: [oldSerial], newSerial: serials[1], fault });
    expect((await f.backend.call('serials.find', { serialNo: oldSerial }, f.token.manager)).serials[0]).toMatchObject({ serialNo: oldSerial, state: 'faulty', warehouse: '坏件库' });
    expect((await f.backend.call('serials.find', { serialNo: serials[1] }, f.token.manager)).serials[0]).toMatchObject({ state: 'installed', orderNo: o.orderNo });
    const mats = await f.backend.call('materials.get', { orderNo: o.orderNo }, f.token.clerk);
    expect(mats.swaps[0]).toMatchObject({ oldSerial, newSerial: serials[1], fault, partName: name });
    const reason = long(`盘点${mixed}`, 500);
    const pd = (await f.backend.call('stock.adjust', { warehouseId: f.main, reason, lines: [{ partId: boltId, quantity: -1 }] }, f.keeper)).docNo;
    expect((await f.backend.call('documents.get', { docNo: pd }, f.token.manager)).reason).toBe(reason);
    const hc = (await f.backend.call('stock.reverse', { docNo: pd, reason }, f.keeper)).docNo;
    expect((await f.backend.call('documents.get', { docNo: hc }, f.token.manager)).reason).toBe(reason);
  });

  it('one character over the limit is INVALID_PARAMS, never cut short', async () => {
    const bolt = await f.part();
    await invalid(call('stock.receive', { warehouseId: f.main, remarks: long(mixed, 501), lines: [{ partId: bolt, quantity: 1 }] }), 'remarks');
    await invalid(call('parts.save', { part: { partNo: 'H-LONG', name: long(mixed, 101), unit: '个', unitPriceFen: 1, serialTracked: false } }), 'part.name');
    const motor = await f.part({ serialTracked: true });
    await invalid(call('stock.receive', { warehouseId: f.main, lines: [{ partId: motor, quantity: 1, serials: [long(mixed, 61)] }] }), 'lines.0.serials.0');
  });

  it('a serial number with a comma is refused before anything is written (a line lists its serials joined by ", ")', async () => {
    const motor = await f.part({ serialTracked: true });
    const before = snapshot();
    for (const serial of ['CM-1, CM-2', 'CM-1,CM-2', 'CM-1，CM-2']) {
      await invalid(call('stock.receive', { warehouseId: f.main, lines: [{ partId: motor, quantity: 1, serials: [serial] }] }), 'lines.0.serials.0');
    }
    expect(snapshot()).toBe(before);
  });
});
