// A warehouse desk posting a random sequence of stock documents through the Backend — receipts,
// adjustments, issues, returns (unused, faulty with the replacement serial) and reversals —
// most of them plausible for the stock it reads, some of them not:
// `tsx warehouse-property-worker.ts <db> <desk name> <seed> <ops> <now ISO>`.
// Once loaded it writes `<db>.ready-<desk>`, waits for `<db>.go` (the moment all desks start,
// in ms since the epoch), and at the end prints {results: OpResult[]} as JSON on its last line. The generator is exported for the test's
// own (main-process) desk.
import type { Backend } from '../../db/backend.js';
import type { DB } from '../../db/open.js';
import { ServiceError } from '../../shared/errors.js';

export interface OpResult {
  who: string;
  i: number;
  method: string;
  params: unknown;
  ok: boolean;
  docNo?: string;
  code?: string;
  reason?: { code: string; params?: Record<string, string | number> };
  /** Anything thrown that is not a ServiceError: a bug. */
  crash?: string;
}

interface PartRow {
  id: number;
  serial_tracked: number;
  active: number;
}
interface WarehouseRow {
  id: number;
  kind: string;
  active: number;
}

/** A tiny seeded random helper (mulberry32 underneath). */
export class Dice {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
  /** `n` distinct elements (fewer when the list is shorter). */
  some<T>(list: readonly T[], n: number): T[] {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }
}

/**
 * The stock operations of one desk. Each reads the database as it is (other desks write at
 * the same time, so what it reads may be stale by the time it posts: that is the point).
 */
export function stockDesk(db: DB, backend: Backend, token: string, who: string, dice: Dice) {
  const parts = () => db.prepare("SELECT id, serial_tracked, active FROM parts WHERE part_no LIKE 'PP-%' ORDER BY id").all() as PartRow[];
  const warehouses = () => db.prepare('SELECT id, kind, active FROM warehouses ORDER BY id').all() as WarehouseRow[];
  const orders = () => db.prepare('SELECT order_no FROM dispatch_orders ORDER BY id').pluck().all() as string[];
  const balance = (partId: number, warehouseId: number) =>
    (db.prepare('SELECT quantity FROM stock_balances WHERE part_id = ? AND warehouse_id = ?').pluck().get(partId, warehouseId) as number | undefined) ?? 0;
  const serialsIn = (partId: number, warehouseId: number) =>
    db.prepare("SELECT serial_no FROM serials WHERE part_id = ? AND warehouse_id = ? AND state IN ('in_stock','faulty')").pluck().all(partId, warehouseId) as string[];
  let fresh = 0;
  const freshSerial = (tag = 'S') => `${tag}-${who}-${++fresh}`;

  const part = (): PartRow => {
    if (dice.chance(0.03)) return { id: 99_999, serial_tracked: 0, active: 1 }; // no such part
    const all = parts();
    const active = all.filter((p) => p.active);
    return dice.chance(0.04) ? dice.pick(all) : dice.pick(active);
  };
  /** A store: mostly one parts are issued from; sometimes the faulty store, an inactive or unknown one. */
  const warehouse = (faultyShare = 0.1): number => {
    const all = warehouses();
    const r = dice.next();
    if (r < 0.03) return 99_999;
    if (r < 0.06) return dice.pick(all.filter((w) => !w.active)).id;
    if (r < 0.06 + faultyShare) return dice.pick(all.filter((w) => w.active && w.kind === 'faulty')).id;
    return dice.pick(all.filter((w) => w.active && w.kind === 'main')).id;
  };
  const existingSerial = (partId: number, states: string[]) =>
    db
      .prepare(`SELECT serial_no FROM serials WHERE part_id = ? AND state IN (${states.map(() => '?').join(',')}) ORDER BY random() LIMIT 1`)
      .pluck()
      .get(partId, ...states) as string | undefined;

  /** Serials for `quantity` new units of a part: fresh ones, sometimes wrong on purpose. */
  const newSerials = (p: PartRow, quantity: number): string[] => {
    if (!p.serial_tracked) return dice.chance(0.05) ? [freshSerial()] : [];
    const serials = Array.from({ length: quantity }, () => freshSerial());
    const r = dice.next();
    if (r < 0.06) serials.pop(); // one short
    else if (r < 0.12) serials[0] = existingSerial(p.id, ['in_stock', 'issued', 'installed', 'faulty']) ?? serials[0]; // already somewhere
    else if (r < 0.2) serials[0] = existingSerial(p.id, ['removed']) ?? serials[0]; // written off, found again: fine
    else if (r < 0.24 && serials.length > 1) serials[1] = serials[0]; // twice on the document
    return serials;
  };

  const ops = {
    receipt: () => {
      const lines = Array.from({ length: dice.between(1, 2) }, () => {
        const p = part();
        const quantity = dice.between(1, 4);
        return { partId: p.id, quantity, serials: newSerials(p, quantity) };
      });
      return ['stock.receive', { warehouseId: warehouse(0.15), remarks: `${who} 入库`, lines }] as const;
    },
    adjustment: () => {
      const w = warehouse(0.25);
      const p = part();
      if (dice.chance(0.45)) {
        const quantity = dice.between(1, 3);
        return ['stock.adjust', { warehouseId: w, reason: '盘盈', lines: [{ partId: p.id, quantity, serials: newSerials(p, quantity) }] }] as const;
      }
      const have = p.serial_tracked ? serialsIn(p.id, w) : [];
      const stock = balance(p.id, w);
      let quantity = dice.between(1, Math.max(1, Math.min(stock, 3)));
      if (dice.chance(0.1)) quantity = stock + 1; // more than is there
      let serials: string[] = [];
      if (p.serial_tracked) {
        serials = dice.some(have, quantity);
        while (serials.length < quantity) serials.push(freshSerial('GHOST'));
      }
      return ['stock.adjust', { warehouseId: w, reason: '盘亏', lines: [{ partId: p.id, quantity: -quantity, serials }] }] as const;
    },
    issue: () => {
      const orderNo = dice.chance(0.03) ? 'SN209901010001' : dice.pick(orders());
      const w = warehouse(0.05);
      const lines = Array.from({ length: dice.chance(0.8) ? 1 : 2 }, () => {
        const p = part();
        const stock = balance(p.id, w);
        let quantity = dice.between(1, Math.max(1, Math.min(stock, 3)));
        if (dice.chance(0.1)) quantity = stock + 1;
        let serials: string[] = [];
        if (p.serial_tracked) {
          serials = dice.some(serialsIn(p.id, w), quantity);
          while (serials.length < quantity) serials.push(dice.chance(0.5) ? freshSerial('GHOST') : (existingSerial(p.id, ['issued', 'installed', 'faulty']) ?? freshSerial('GHOST')));
          if (dice.chance(0.05)) serials.pop();
        }
        const line: { partId: number; quantity: number; serials: string[]; owedId?: number } = { partId: p.id, quantity, serials };
        const r = dice.next();
        if (r < 0.3) {
          // Supply an open owed record of this order and part (sometimes more than it still needs).
          const owed = db
            .prepare(
              `SELECT w.id, w.quantity - w.supplied AS remaining FROM owed_parts w JOIN dispatch_orders o ON o.id = w.order_id
               WHERE o.order_no = ? AND w.part_id = ? AND w.status IN ('owed','partial') ORDER BY random() LIMIT 1`,
            )
            .get(orderNo, p.id) as { id: number; remaining: number } | undefined;
          if (owed) line.owedId = owed.id;
        } else if (r < 0.35) {
          const any = db.prepare('SELECT id FROM owed_parts ORDER BY random() LIMIT 1').pluck().get() as number | undefined;
          if (any) line.owedId = any; // perhaps another order's or part's, or closed
        }
        return line;
      });
      return ['issues.post', { orderNo, warehouseId: w, remarks: `${who} 领用`, lines }] as const;
    },
    unusedReturn: () => {
      const m = db
        .prepare(
          `SELECT o.order_no, m.part_id, p.serial_tracked, m.issued_qty - m.returned_qty AS out, m.order_id FROM order_materials m
           JOIN dispatch_orders o ON o.id = m.order_id JOIN parts p ON p.id = m.part_id
           WHERE m.issued_qty > m.returned_qty ORDER BY random() LIMIT 1`,
        )
        .get() as { order_no: string; part_id: number; serial_tracked: number; out: number; order_id: number } | undefined;
      const orderNo = m?.order_no ?? dice.pick(orders());
      const partId = m?.part_id ?? part().id;
      let quantity = m ? dice.between(1, Math.min(m.out, 3)) : 1;
      if (m && dice.chance(0.1)) quantity = m.out + 1; // more than was issued
      let serials: string[] = [];
      if (m?.serial_tracked) {
        const issued = db.prepare("SELECT serial_no FROM serials WHERE part_id = ? AND order_id = ? AND state = 'issued'").pluck().all(partId, m.order_id) as string[];
        serials = dice.some(issued, quantity);
        while (serials.length < quantity) serials.push(existingSerial(partId, ['in_stock', 'issued', 'installed']) ?? freshSerial('GHOST'));
      }
      return ['returns.post', { orderNo, remarks: `${who} 退料`, lines: [{ kind: 'unused', partId, quantity, warehouseId: warehouse(0.05), serials }] }] as const;
    },
    faultyReturn: () => {
      const all = warehouses();
      const faulty = dice.chance(0.95) ? dice.pick(all.filter((w) => w.kind === 'faulty')).id : dice.pick(all.filter((w) => w.kind === 'main')).id;
      if (dice.chance(0.3)) {
        // An untracked part handed in.
        const p = dice.pick(parts().filter((x) => !x.serial_tracked));
        return ['returns.post', { orderNo: dice.pick(orders()), lines: [{ kind: 'faulty', partId: p.id, quantity: dice.between(1, 2), warehouseId: faulty, fault: '磨损' }] }] as const;
      }
      // A tracked part swapped in the device: the replacement is one issued for the order.
      const issued = db
        .prepare(
          `SELECT s.serial_no, s.part_id, o.order_no FROM serials s JOIN dispatch_orders o ON o.id = s.order_id
           WHERE s.state = 'issued' ORDER BY random() LIMIT 1`,
        )
        .get() as { serial_no: string; part_id: number; order_no: string } | undefined;
      const partId = issued?.part_id ?? dice.pick(parts().filter((x) => x.serial_tracked)).id;
      const orderNo = issued && dice.chance(0.9) ? issued.order_no : dice.pick(orders());
      const newSerial = issued && dice.chance(0.85) ? issued.serial_no : '';
      const r = dice.next();
      let oldSerial = freshSerial('OLD');
      if (r < 0.12) oldSerial = existingSerial(partId, ['installed']) ?? oldSerial; // out of a device again
      else if (r < 0.18) oldSerial = existingSerial(partId, ['in_stock']) ?? oldSerial; // on a shelf: refused
      else if (r < 0.22) oldSerial = existingSerial(partId, ['removed']) ?? oldSerial;
      else if (r < 0.25) oldSerial = '';
      const quantity = dice.chance(0.04) ? 2 : 1;
      return ['returns.post', { orderNo, lines: [{ kind: 'faulty', partId, quantity, warehouseId: faulty, oldSerial, newSerial, fault: '烧毁' }] }] as const;
    },
    reversal: () => {
      const r = dice.next();
      let docNo: string | undefined;
      if (r < 0.08) docNo = db.prepare("SELECT doc_no FROM stock_documents WHERE doc_type = 'reversal' ORDER BY random() LIMIT 1").pluck().get() as string | undefined;
      else if (r < 0.14) docNo = db.prepare('SELECT doc_no FROM stock_documents WHERE id IN (SELECT reverses_id FROM stock_documents) ORDER BY random() LIMIT 1').pluck().get() as string | undefined;
      docNo ??= db
        .prepare(
          `SELECT doc_no FROM (SELECT doc_no FROM stock_documents d WHERE doc_type <> 'reversal'
             AND NOT EXISTS (SELECT 1 FROM stock_documents r WHERE r.reverses_id = d.id) ORDER BY id DESC LIMIT 12) ORDER BY random() LIMIT 1`,
        )
        .pluck()
        .get() as string | undefined;
      return ['stock.reverse', { docNo: docNo ?? 'LY202001010001', reason: `${who} 红冲` }] as const;
    },
  };
  const weights: [keyof typeof ops, number][] = [
    ['receipt', 18],
    ['adjustment', 9],
    ['issue', 30],
    ['unusedReturn', 14],
    ['faultyReturn', 12],
    ['reversal', 12],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);

  return async function step(i: number): Promise<OpResult> {
    let r = dice.int(total);
    const kind = weights.find(([, w]) => (r -= w) < 0)![0];
    const [method, params] = ops[kind]();
    const result: OpResult = { who, i, method, params, ok: false };
    try {
      const out = (await backend.call(method, params, token)) as { docNo: string };
      result.ok = true;
      result.docNo = out.docNo;
    } catch (err) {
      if (err instanceof ServiceError) {
        result.code = err.code;
        result.reason = err.reason;
      } else result.crash = String((err as Error).stack ?? err);
    }
    return result;
  };
}

async function main() {
  const [{ Backend }, { openDatabase }, { mulberry32 }] = await Promise.all([
    import('../../db/backend.js'),
    import('../../db/open.js'),
    import('../../db/demo/generate.js'),
  ]);
  const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
  const [file, who, seedText, opsText, nowIso] = process.argv.slice(2);
  const db = openDatabase(file);
  // Each desk's clock runs on by 41 s a document, so the numbers cross the business midnight.
  let now = new Date(nowIso).getTime();
  const backend = new Backend(db, { now: () => new Date(now) });
  const token = (await backend.call('auth.login', { username: 'warehouse', password: 'demo123' })).token;
  const step = stockDesk(db, backend, token, who, new Dice(mulberry32(Number(seedText))));
  const pause = new Int32Array(new SharedArrayBuffer(4));
  writeFileSync(`${file}.ready-${who}`, '');
  const deadline = Date.now() + 60_000;
  while (!existsSync(`${file}.go`)) {
    if (Date.now() > deadline) throw new Error('no go signal');
    Atomics.wait(pause, 0, 0, 5);
  }
  const startAt = Number(readFileSync(`${file}.go`, 'utf8'));
  while (Date.now() < startAt) {
    /* spin: all desks start at once */
  }
  const results: OpResult[] = [];
  for (let i = 0; i < Number(opsText); i++) {
    results.push(await step(i));
    now += 41_000;
    // A breath between documents, as at a desk (see the concurrency worker).
    if (i % 2 === 0) Atomics.wait(pause, 0, 0, 1);
  }
  db.close();
  console.log(JSON.stringify({ results }));
}

if (process.argv[1]?.endsWith('warehouse-property-worker.ts')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
