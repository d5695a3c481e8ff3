import type { z } from 'zod';
import type { DB } from '../../open.js';
import type { partBalanceSchema, PartInput, PartOption, SerialInfo, Warehouse, warehouseInputSchema } from '../../../shared/warehouse/schemas.js';
import { analysePattern } from '../../search/pattern.js';
import type { Actor } from '../orders.js';
import { invalidParam, partById } from './posting.js';

// The store's reference data: the parts catalogue (物料), the warehouses, and the two questions
// a keeper asks most: how many of this part are where, and where is this serial.

export function saveWarehouse(db: DB, w: z.output<typeof warehouseInputSchema>): { id: number } {
  return db
    .transaction(() => {
      const clash = db
        .prepare('SELECT id FROM warehouses WHERE (code = ? OR name = ?) AND id IS NOT ?')
        .pluck()
        .get(w.code, w.name, w.id ?? null) as number | undefined;
      if (clash) invalidParam('warehouse.code', 'Another warehouse has this code or name.');
      if (w.id === undefined) {
        return { id: Number(db.prepare('INSERT INTO warehouses (code, name, kind, active) VALUES (?, ?, ?, ?)').run(w.code, w.name, w.kind, w.active ? 1 : 0).lastInsertRowid) };
      }
      const old = db.prepare('SELECT kind FROM warehouses WHERE id = ?').get(w.id) as { kind: string } | undefined;
      if (!old) invalidParam('warehouse.id', `There is no warehouse #${w.id}.`);
      // A store's kind decides the state of the serials in it: it cannot change while it holds stock.
      const stock = db.prepare('SELECT ifnull(sum(quantity), 0) FROM stock_balances WHERE warehouse_id = ?').pluck().get(w.id) as number;
      if (old.kind !== w.kind && stock > 0) invalidParam('warehouse.kind', 'The kind of a warehouse holding stock cannot change.');
      db.prepare('UPDATE warehouses SET code = ?, name = ?, kind = ?, active = ? WHERE id = ?').run(w.code, w.name, w.kind, w.active ? 1 : 0, w.id);
      return { id: w.id };
    })
    .immediate();
}

export function listWarehouses(db: DB): { warehouses: Warehouse[] } {
  const rows = db.prepare('SELECT id, code, name, kind, active FROM warehouses ORDER BY kind, id').all() as (Omit<Warehouse, 'active'> & { active: number })[];
  return { warehouses: rows.map((r) => ({ ...r, active: r.active === 1 })) };
}

export function savePart(db: DB, p: Required<Omit<PartInput, 'id'>> & { id?: number }, actor: Actor): { id: number } {
  return db
    .transaction(() => {
      const clash = db.prepare('SELECT id FROM parts WHERE part_no = ? AND id IS NOT ?').pluck().get(p.partNo, p.id ?? null);
      if (clash) invalidParam('part.partNo', 'Another part has this part number.');
      const at = actor.now.toISOString();
      if (p.id === undefined) {
        const id = db
          .prepare(
            `INSERT INTO parts (part_no, name, spec, unit, unit_price_fen, serial_tracked, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(p.partNo, p.name, p.spec, p.unit, p.unitPriceFen, p.serialTracked ? 1 : 0, p.active ? 1 : 0, at, at).lastInsertRowid;
        return { id: Number(id) };
      }
      const old = partById(db, p.id, 'part.id');
      // Serials are recorded per unit: whether a part has them cannot change once it was stocked.
      const moved = db.prepare('SELECT count(*) FROM stock_ledger WHERE part_id = ?').pluck().get(p.id) as number;
      if (moved > 0 && (old.serial_tracked === 1) !== p.serialTracked) {
        invalidParam('part.serialTracked', 'This part has stock movements; whether it is serial-tracked can no longer change.');
      }
      db.prepare(
        'UPDATE parts SET part_no = ?, name = ?, spec = ?, unit = ?, unit_price_fen = ?, serial_tracked = ?, active = ?, updated_at = ? WHERE id = ?',
      ).run(p.partNo, p.name, p.spec, p.unit, p.unitPriceFen, p.serialTracked ? 1 : 0, p.active ? 1 : 0, at, p.id);
      return { id: p.id };
    })
    .immediate();
}

/** Parts for a picker: part no or name contains the pattern (`*` any run), active first. */
export function partOptions(db: DB, search: string, limit: number): { parts: PartOption[] } {
  const pattern = analysePattern(search);
  // The one matching rule (shared/text/fold.ts): the pattern is folded, so is the text.
  const where = pattern ? `WHERE pim_fold(part_no) LIKE ? ESCAPE '\\' OR pim_fold(name) LIKE ? ESCAPE '\\' OR pim_fold(spec) LIKE ? ESCAPE '\\'` : '';
  const params = pattern ? [pattern.like, pattern.like, pattern.like] : [];
  const rows = db
    .prepare(`SELECT * FROM parts ${where} ORDER BY active DESC, part_no LIMIT ?`)
    .all(...params, limit) as { id: number; part_no: string; name: string; spec: string; unit: string; unit_price_fen: number; serial_tracked: number; active: number }[];
  return {
    parts: rows.map((r) => ({
      id: r.id,
      partNo: r.part_no,
      name: r.name,
      spec: r.spec,
      unit: r.unit,
      unitPriceFen: r.unit_price_fen,
      serialTracked: r.serial_tracked === 1,
      active: r.active === 1,
    })),
  };
}

export function partBalance(db: DB, partId: number): z.infer<typeof partBalanceSchema> {
  const read = db.transaction(() => {
    const part = partById(db, partId, 'partId');
    const balances = db
      .prepare(
        `SELECT w.id AS warehouseId, w.name AS warehouse, w.kind, ifnull(b.quantity, 0) AS quantity
         FROM warehouses w LEFT JOIN stock_balances b ON b.warehouse_id = w.id AND b.part_id = ? ORDER BY w.kind, w.id`,
      )
      .all(partId) as { warehouseId: number; warehouse: string; kind: Warehouse['kind']; quantity: number }[];
    const serials = db.prepare(
      "SELECT serial_no FROM serials WHERE part_id = ? AND warehouse_id = ? AND state IN ('in_stock','faulty') ORDER BY serial_no",
    ).pluck();
    return {
      partId,
      partNo: part.part_no,
      name: part.name,
      serialTracked: part.serial_tracked === 1,
      balances: balances.map((b) => ({ ...b, serials: part.serial_tracked ? (serials.all(partId, b.warehouseId) as string[]) : [] })),
    };
  });
  return read();
}

/** Where is serial X: each part that has a serial of that number, its place now and its history. */
export function findSerial(db: DB, serialNo: string): { serials: SerialInfo[] } {
  const read = db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT s.id, s.serial_no, s.state, p.part_no, p.name, w.name AS warehouse, o.order_no
         FROM serials s JOIN parts p ON p.id = s.part_id LEFT JOIN warehouses w ON w.id = s.warehouse_id
         LEFT JOIN dispatch_orders o ON o.id = s.order_id WHERE s.serial_no = ? ORDER BY p.part_no`,
      )
      .all(serialNo) as { id: number; serial_no: string; state: SerialInfo['state']; part_no: string; name: string; warehouse: string | null; order_no: string | null }[];
    const history = db.prepare(
      `SELECT h.at, d.doc_no AS docNo, d.doc_type AS docType, h.from_state AS fromState, h.to_state AS toState,
              ifnull(tw.name, fw.name) AS warehouse, ifnull(tor.order_no, fo.order_no) AS orderNo, ifnull(u.display_name, '') AS by
       FROM serial_history h JOIN stock_documents d ON d.id = h.document_id
       LEFT JOIN warehouses tw ON tw.id = h.to_warehouse_id LEFT JOIN warehouses fw ON fw.id = h.from_warehouse_id
       LEFT JOIN dispatch_orders tor ON tor.id = h.to_order_id LEFT JOIN dispatch_orders fo ON fo.id = h.from_order_id
       LEFT JOIN users u ON u.id = h.user_id WHERE h.serial_id = ? ORDER BY h.id`,
    );
    return {
      serials: rows.map((r) => ({
        partNo: r.part_no,
        partName: r.name,
        serialNo: r.serial_no,
        state: r.state,
        warehouse: r.warehouse,
        orderNo: r.order_no,
        history: history.all(r.id) as SerialInfo['history'],
      })),
    };
  });
  return read();
}
