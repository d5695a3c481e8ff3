import type { ParamsOf } from '../../shared/contract.js';
import { makeFixture, orderInput, type Fixture } from './dispatch-fixture.js';

// A demo database with a warehouse keeper's session, two warehouses (the migration's main store
// 总库 and faulty store 坏件库), and helpers to make parts, stock and orders through the API.

export interface WarehouseFixture extends Fixture {
  keeper: string;
  main: number;
  faulty: number;
  part(p?: Partial<ParamsOf<'parts.save'>['part']>): Promise<number>;
  order(): Promise<{ orderNo: string; rowVersion: number }>;
  receive(partId: number, quantity: number, serials?: string[], warehouseId?: number): Promise<string>;
  balance(partId: number, warehouseId?: number): number;
}

let partSeq = 0;

export async function makeWarehouseFixture(orders = 0): Promise<WarehouseFixture> {
  const f = await makeFixture(orders);
  const keeper = (await f.backend.call('auth.login', { username: 'warehouse', password: 'demo123' })).token;
  const wh = (code: string) => f.db.prepare('SELECT id FROM warehouses WHERE code = ?').pluck().get(code) as number;
  const main = wh('MAIN');
  const faulty = wh('FAULTY');
  return {
    ...f,
    keeper,
    main,
    faulty,
    async part(p = {}) {
      partSeq++;
      const r = await f.backend.call(
        'parts.save',
        { part: { partNo: `T-${partSeq}.${Date.now() % 100000}`, name: `测试件${partSeq}`, unit: '个', unitPriceFen: 1250, serialTracked: false, ...p } },
        keeper,
      );
      return r.id;
    },
    async order() {
      return f.backend.call('dispatch.create', { order: orderInput(f) }, f.token.clerk);
    },
    async receive(partId, quantity, serials = [], warehouseId = main) {
      return (await f.backend.call('stock.receive', { warehouseId, lines: [{ partId, quantity, serials }] }, keeper)).docNo;
    },
    balance(partId, warehouseId = main) {
      return (f.db.prepare('SELECT quantity FROM stock_balances WHERE part_id = ? AND warehouse_id = ?').pluck().get(partId, warehouseId) as number | undefined) ?? 0;
    },
  };
}

/** Every balance equals its ledger sum; every serial of a tracked part is counted where it is. */
export function ledgerProblems(f: Fixture): string[] {
  const problems: string[] = [];
  const rows = f.db
    .prepare(
      `SELECT p.id AS part_id, w.id AS warehouse_id, ifnull(b.quantity, 0) AS balance,
              ifnull((SELECT sum(quantity) FROM stock_ledger g WHERE g.part_id = p.id AND g.warehouse_id = w.id), 0) AS ledger,
              (SELECT count(*) FROM serials s WHERE s.part_id = p.id AND s.warehouse_id = w.id AND s.state IN ('in_stock','faulty')) AS serials,
              p.serial_tracked
       FROM parts p CROSS JOIN warehouses w LEFT JOIN stock_balances b ON b.part_id = p.id AND b.warehouse_id = w.id`,
    )
    .all() as { part_id: number; warehouse_id: number; balance: number; ledger: number; serials: number; serial_tracked: number }[];
  for (const r of rows) {
    if (r.balance !== r.ledger) problems.push(`part ${r.part_id} @ ${r.warehouse_id}: balance ${r.balance} ≠ ledger ${r.ledger}`);
    if (r.balance < 0) problems.push(`part ${r.part_id} @ ${r.warehouse_id}: negative ${r.balance}`);
    if (r.serial_tracked && r.serials !== r.balance) problems.push(`part ${r.part_id} @ ${r.warehouse_id}: ${r.serials} serials for balance ${r.balance}`);
  }
  return problems;
}
