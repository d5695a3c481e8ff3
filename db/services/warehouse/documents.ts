import type { DB } from '../../open.js';
import type { z } from 'zod';
import { refusal } from '../../../shared/reasons.js';
import type {
  adjustmentInputSchema,
  issueInputSchema,
  receiptInputSchema,
  returnInputSchema,
  StockDocument,
} from '../../../shared/warehouse/schemas.js';
import type { Actor } from '../orders.js';
import {
  checkSerialCount,
  invalidParam,
  orderByNo,
  partById,
  placeOf,
  postDocument,
  serialOf,
  stockState,
  warehouseById,
  type Movement,
  type OrderRef,
  type PartRow,
  type Place,
  type SerialMove,
  type WarehouseRow,
} from './posting.js';
import { ensureMaterialLines, recomputeOwed } from './materials.js';

// The stock documents: receipt 入库, count adjustment 盘点调整, issue 领用, return 退料, and the
// reversal 红冲 that undoes any of them. Each is one IMMEDIATE transaction: checked against the
// stock as it is under the write lock, then posted through postDocument.

type ReceiptInput = z.output<typeof receiptInputSchema>;
type AdjustmentInput = z.output<typeof adjustmentInputSchema>;
type IssueInput = z.output<typeof issueInputSchema>;
type ReturnInput = z.output<typeof returnInputSchema>;

const joinSerials = (serials: readonly string[]) => serials.join(', ');

/** A serial received into a warehouse: new, or one written off before and found again. */
function receiveSerial(db: DB, part: PartRow, serialNo: string, to: Place): SerialMove {
  const s = serialOf(db, part.id, serialNo);
  if (s && s.state !== 'removed') throw refusal('SERIAL_EXISTS', { serial: serialNo, partNo: part.part_no });
  return { partId: part.id, serialNo, serialId: s?.id ?? null, from: s ? placeOf(s) : null, to };
}

/** A serial taken out of a warehouse: it must be there. */
function serialInWarehouse(db: DB, part: PartRow, serialNo: string, w: WarehouseRow, to: Place): SerialMove {
  const s = serialOf(db, part.id, serialNo);
  if (!s || s.warehouse_id !== w.id || (s.state !== 'in_stock' && s.state !== 'faulty')) {
    throw refusal('SERIAL_NOT_IN_WAREHOUSE', { serial: serialNo, partNo: part.part_no, warehouse: w.name });
  }
  return { partId: part.id, serialNo, serialId: s.id, from: placeOf(s), to };
}

/** A serial issued for the order (with the engineer), moving on. */
function serialIssuedFor(db: DB, part: PartRow, serialNo: string, order: OrderRef, to: Place): SerialMove {
  const s = serialOf(db, part.id, serialNo);
  if (!s || s.state !== 'issued' || s.order_id !== order.id) {
    throw refusal('SERIAL_NOT_ISSUED_FOR_ORDER', { serial: serialNo, partNo: part.part_no, orderNo: order.order_no });
  }
  return { partId: part.id, serialNo, serialId: s.id, from: placeOf(s), to };
}

/** Movements of one line: one per serial for serial-tracked parts, else one for the quantity. */
function lineMovements(part: PartRow, warehouseId: number, sign: 1 | -1, quantity: number, serials: readonly string[]): Movement[] {
  if (part.serial_tracked) return serials.map((serialNo) => ({ partId: part.id, warehouseId, quantity: sign, serialNo }));
  return [{ partId: part.id, warehouseId, quantity: sign * quantity }];
}

const insertStockLine = (db: DB) =>
  db.prepare('INSERT INTO stock_lines (document_id, line_no, part_id, warehouse_id, quantity, serials) VALUES (?, ?, ?, ?, ?, ?)');

export function postReceipt(db: DB, p: ReceiptInput, actor: Actor): { docNo: string } {
  return db
    .transaction(() => {
      const w = warehouseById(db, p.warehouseId, 'warehouseId');
      const movements: Movement[] = [];
      const moves: SerialMove[] = [];
      const seen = new Set<string>();
      const parts = p.lines.map((l, i) => {
        const part = partById(db, l.partId, `lines.${i}.partId`);
        if (!part.active) throw refusal('PART_INACTIVE', { partNo: part.part_no });
        checkSerialCount(part, l.quantity, l.serials, seen);
        for (const s of l.serials) moves.push(receiveSerial(db, part, s, { state: stockState(w), warehouseId: w.id, orderId: null }));
        movements.push(...lineMovements(part, w.id, 1, l.quantity, l.serials));
        return part;
      });
      const doc = postDocument(db, { type: 'receipt', warehouseId: w.id, remarks: p.remarks }, movements, moves, actor, null);
      const line = insertStockLine(db);
      p.lines.forEach((l, i) => line.run(doc.id, i + 1, parts[i].id, w.id, l.quantity, joinSerials(l.serials)));
      return { docNo: doc.docNo };
    })
    .immediate();
}

export function postAdjustment(db: DB, p: AdjustmentInput, actor: Actor): { docNo: string } {
  return db
    .transaction(() => {
      const w = warehouseById(db, p.warehouseId, 'warehouseId');
      const movements: Movement[] = [];
      const moves: SerialMove[] = [];
      const seen = new Set<string>();
      const parts = p.lines.map((l, i) => {
        const part = partById(db, l.partId, `lines.${i}.partId`);
        const count = Math.abs(l.quantity);
        checkSerialCount(part, count, l.serials, seen);
        for (const s of l.serials) {
          moves.push(
            l.quantity > 0
              ? receiveSerial(db, part, s, { state: stockState(w), warehouseId: w.id, orderId: null })
              : serialInWarehouse(db, part, s, w, { state: 'removed', warehouseId: null, orderId: null }),
          );
        }
        movements.push(...lineMovements(part, w.id, l.quantity > 0 ? 1 : -1, count, l.serials));
        return part;
      });
      const doc = postDocument(db, { type: 'adjustment', warehouseId: w.id, reason: p.reason }, movements, moves, actor, null);
      const line = insertStockLine(db);
      p.lines.forEach((l, i) => line.run(doc.id, i + 1, parts[i].id, w.id, l.quantity, joinSerials(l.serials)));
      return { docNo: doc.docNo };
    })
    .immediate();
}

interface OwedRow {
  id: number;
  order_id: number;
  part_id: number;
  quantity: number;
  supplied: number;
  status: string;
}

export function postIssue(db: DB, p: IssueInput, actor: Actor): { docNo: string } {
  return db
    .transaction(() => {
      const order = orderByNo(db, p.orderNo);
      if (order.status === 'cancelled') throw refusal('ORDER_CANCELLED', { orderNo: order.order_no });
      const w = warehouseById(db, p.warehouseId, 'warehouseId');
      if (w.kind === 'faulty') throw refusal('FAULTY_STORE_ISSUE', { warehouse: w.name });
      let engineer: string | null = order.engineer;
      if (p.engineerId !== null) {
        engineer = db.prepare('SELECT name FROM engineers WHERE id = ?').pluck().get(p.engineerId) as string | null;
        if (engineer === undefined) invalidParam('engineerId', 'There is no such engineer.');
      }
      const movements: Movement[] = [];
      const moves: SerialMove[] = [];
      const seen = new Set<string>();
      const owedTaken = new Map<number, number>();
      const owedRow = db.prepare('SELECT id, order_id, part_id, quantity, supplied, status FROM owed_parts WHERE id = ?');
      const parts = p.lines.map((l, i) => {
        const part = partById(db, l.partId, `lines.${i}.partId`);
        checkSerialCount(part, l.quantity, l.serials, seen);
        for (const s of l.serials) moves.push(serialInWarehouse(db, part, s, w, { state: 'issued', warehouseId: null, orderId: order.id }));
        movements.push(...lineMovements(part, w.id, -1, l.quantity, l.serials));
        if (l.owedId !== undefined) {
          const owed = owedRow.get(l.owedId) as OwedRow | undefined;
          if (!owed) invalidParam(`lines.${i}.owedId`, `There is no owed record #${l.owedId}.`);
          if (owed.order_id !== order.id || owed.part_id !== part.id) {
            const other = db
              .prepare('SELECT o.order_no, p.part_no FROM dispatch_orders o, parts p WHERE o.id = ? AND p.id = ?')
              .get(owed.order_id, owed.part_id) as { order_no: string; part_no: string };
            throw refusal('OWED_OTHER_ORDER', { id: owed.id, orderNo: other.order_no, partNo: other.part_no });
          }
          if (owed.status !== 'owed' && owed.status !== 'partial') throw refusal('OWED_NOT_OPEN', { id: owed.id, status: owed.status });
          const taken = (owedTaken.get(owed.id) ?? 0) + l.quantity;
          const remaining = owed.quantity - owed.supplied;
          if (taken > remaining) throw refusal('OWED_ABOVE_REMAINING', { id: owed.id, remaining, requested: taken });
          owedTaken.set(owed.id, taken);
        }
        return part;
      });
      const doc = postDocument(
        db,
        { type: 'issue', orderId: order.id, warehouseId: w.id, engineerId: p.engineerId ?? order.engineer_id, remarks: p.remarks },
        movements,
        moves,
        actor,
        order,
      );
      const at = actor.now.toISOString();
      const supplied = db.prepare('UPDATE owed_parts SET supplied = supplied + ?, updated_at = ?, updated_by = ? WHERE id = ?');
      const materials = ensureMaterialLines(db, order, parts, actor);
      const lines = p.lines.map((l, i) => {
        const part = parts[i];
        const material = materials.get(part.id)!;
        if (l.owedId !== undefined) supplied.run(l.quantity, at, actor.user.id, l.owedId);
        return { n: i + 1, p: part.id, q: l.quantity, s: joinSerials(l.serials), m: material.id, o: l.owedId ?? null, f: material.unit_price_fen, no: part.part_no };
      });
      // What the order's lines have had issued, in one statement.
      db.prepare(
        `UPDATE order_materials SET issued_qty = issued_qty + (SELECT sum(j.value ->> '$.q') FROM json_each(@lines) j WHERE j.value ->> '$.m' = order_materials.id)
         WHERE id IN (SELECT j.value ->> '$.m' FROM json_each(@lines) j)`,
      ).run({ lines: JSON.stringify(lines) });
      // One statement for all lines (the lines' search index is FTS5: see postDocument).
      db.prepare(
        `INSERT INTO issue_lines (document_id, line_no, part_id, warehouse_id, quantity, serials, material_id, owed_id, unit_price_fen,
           posted_at, doc_no, order_no, customer, engineer, part_no)
         SELECT ?, l.value ->> '$.n', l.value ->> '$.p', ?, l.value ->> '$.q', l.value ->> '$.s', l.value ->> '$.m', l.value ->> '$.o',
                l.value ->> '$.f', ?, ?, ?, ?, ?, l.value ->> '$.no'
         FROM json_each(?) l ORDER BY l.key`,
      ).run(doc.id, w.id, at, doc.docNo, order.order_no, order.customer, engineer, JSON.stringify(lines));
      for (const owedId of owedTaken.keys()) recomputeOwed(db, owedId);
      return { docNo: doc.docNo };
    })
    .immediate();
}

export function postReturn(db: DB, p: ReturnInput, actor: Actor): { docNo: string } {
  return db
    .transaction(() => {
      const order = orderByNo(db, p.orderNo);
      const movements: Movement[] = [];
      const moves: SerialMove[] = [];
      const seen = new Set<string>();
      const returning = new Map<number, number>();
      const material = db.prepare('SELECT id, issued_qty, returned_qty FROM order_materials WHERE order_id = ? AND part_id = ?');
      const checked = p.lines.map((l, i) => {
        const part = partById(db, l.partId, `lines.${i}.partId`);
        const w = warehouseById(db, l.warehouseId, `lines.${i}.warehouseId`);
        if (l.kind === 'unused') {
          if (w.kind === 'faulty') throw refusal('FAULTY_STORE_UNUSED', { warehouse: w.name });
          checkSerialCount(part, l.quantity, l.serials, seen);
          const m = material.get(order.id, part.id) as { id: number; issued_qty: number; returned_qty: number } | undefined;
          const issued = m?.issued_qty ?? 0;
          const returned = m?.returned_qty ?? 0;
          const requested = (returning.get(part.id) ?? 0) + l.quantity;
          if (requested > issued - returned) {
            throw refusal('RETURN_ABOVE_ISSUED', {
              orderNo: order.order_no,
              partNo: part.part_no,
              issued,
              returned,
              available: issued - returned,
              requested,
            });
          }
          returning.set(part.id, requested);
          for (const s of l.serials) moves.push(serialIssuedFor(db, part, s, order, { state: 'in_stock', warehouseId: w.id, orderId: null }));
          movements.push(...lineMovements(part, w.id, 1, l.quantity, l.serials));
          return { part, w, serials: l.serials, newSerial: '', fault: '', materialId: m?.id ?? null };
        }
        // A faulty old part handed in: into the faulty store, with the swap in the customer's device.
        if (w.kind !== 'faulty') throw refusal('NOT_FAULTY_STORE', { warehouse: w.name });
        const old = l.oldSerial;
        if (part.serial_tracked) {
          if (l.quantity !== 1 || !old) throw refusal('SERIAL_COUNT', { partNo: part.part_no, expected: l.quantity, given: old ? 1 : 0 });
        } else if (old || l.newSerial) {
          throw refusal('SERIALS_NOT_TRACKED', { partNo: part.part_no });
        }
        for (const s of [old, l.newSerial].filter(Boolean)) {
          const key = `${part.id}\n${s}`;
          if (seen.has(key)) throw refusal('SERIAL_DUPLICATE', { serial: s });
          seen.add(key);
        }
        if (l.newSerial) moves.push(serialIssuedFor(db, part, l.newSerial, order, { state: 'installed', warehouseId: null, orderId: order.id }));
        if (old) {
          const s = serialOf(db, part.id, old);
          // The old part was in a customer's device (or issued for this order and fitted without a record).
          const fromDevice = !s || s.state === 'installed' || s.state === 'removed' || (s.state === 'issued' && s.order_id === order.id);
          if (!fromDevice) throw refusal('SERIAL_NOT_INSTALLED', { serial: old, partNo: part.part_no, state: s.state });
          moves.push({ partId: part.id, serialNo: old, serialId: s?.id ?? null, from: s ? placeOf(s) : null, to: { state: 'faulty', warehouseId: w.id, orderId: null } });
        }
        movements.push(...lineMovements(part, w.id, 1, l.quantity, old ? [old] : []));
        return { part, w, serials: old ? [old] : [], newSerial: l.newSerial, fault: l.fault, materialId: null };
      });
      const doc = postDocument(db, { type: 'return', orderId: order.id, remarks: p.remarks }, movements, moves, actor, order);
      const at = actor.now.toISOString();
      const returned = db.prepare('UPDATE order_materials SET returned_qty = returned_qty + ? WHERE id = ?');
      const lines = p.lines.map((l, i) => {
        const c = checked[i];
        if (l.kind === 'unused' && c.materialId !== null) returned.run(l.quantity, c.materialId);
        return { n: i + 1, k: l.kind, p: c.part.id, w: c.w.id, q: l.quantity, s: joinSerials(c.serials), ns: c.newSerial, f: c.fault, no: c.part.part_no };
      });
      // One statement for all lines (the lines' search index is FTS5: see postDocument).
      db.prepare(
        `INSERT INTO return_lines (document_id, line_no, kind, part_id, warehouse_id, quantity, serials, new_serial, fault,
           posted_at, doc_no, order_no, customer, engineer, part_no)
         SELECT ?, l.value ->> '$.n', l.value ->> '$.k', l.value ->> '$.p', l.value ->> '$.w', l.value ->> '$.q', l.value ->> '$.s',
                l.value ->> '$.ns', l.value ->> '$.f', ?, ?, ?, ?, ?, l.value ->> '$.no'
         FROM json_each(?) l ORDER BY l.key`,
      ).run(doc.id, at, doc.docNo, order.order_no, order.customer, order.engineer, JSON.stringify(lines));
      return { docNo: doc.docNo };
    })
    .immediate();
}

interface DocumentRow {
  id: number;
  doc_no: string;
  doc_type: StockDocument['type'];
  order_id: number | null;
  warehouse_id: number | null;
  engineer_id: number | null;
  reverses_id: number | null;
}

interface HistoryRow {
  serial_id: number;
  part_id: number;
  serial_no: string;
  from_state: Place['state'] | null;
  from_warehouse_id: number | null;
  from_order_id: number | null;
  to_state: Place['state'];
  to_warehouse_id: number | null;
  to_order_id: number | null;
}

/**
 * 红冲: a reversing document that undoes a posted one — every ledger row negated, every serial
 * moved back to where it was, the order's issued/returned counts and owed records restored.
 * Refused when later documents already used what it brought (its serials have moved on, or
 * the stock is no longer there).
 */
export function reverseDocument(db: DB, docNo: string, reason: string, actor: Actor): { docNo: string } {
  return db
    .transaction(() => {
      const doc = db.prepare('SELECT * FROM stock_documents WHERE doc_no = ?').get(docNo) as DocumentRow | undefined;
      if (!doc) invalidParam('docNo', `There is no stock document ${docNo}.`);
      if (doc.doc_type === 'reversal') throw refusal('REVERSAL_NOT_REVERSIBLE', { docNo });
      const by = db.prepare('SELECT doc_no FROM stock_documents WHERE reverses_id = ?').pluck().get(doc.id) as string | undefined;
      if (by) throw refusal('ALREADY_REVERSED', { docNo, reversal: by });

      const ledger = db
        .prepare('SELECT part_id AS partId, warehouse_id AS warehouseId, -quantity AS quantity, serial_no AS serialNo FROM stock_ledger WHERE document_id = ? ORDER BY id')
        .all(doc.id) as { partId: number; warehouseId: number; quantity: number; serialNo: string | null }[];
      const movements: Movement[] = ledger.map((m) => ({ ...m, serialNo: m.serialNo ?? undefined }));
      const history = db
        .prepare(
          `SELECT h.*, s.part_id, s.serial_no FROM serial_history h JOIN serials s ON s.id = h.serial_id
           WHERE h.document_id = ? ORDER BY h.id DESC`,
        )
        .all(doc.id) as HistoryRow[];
      const moves: SerialMove[] = history.map((h) => {
        const now = db.prepare('SELECT * FROM serials WHERE id = ?').get(h.serial_id) as Parameters<typeof placeOf>[0];
        if (now.state !== h.to_state || now.warehouse_id !== h.to_warehouse_id || now.order_id !== h.to_order_id) {
          throw refusal('REVERSAL_BLOCKED', { docNo, detail: `${h.serial_no}` });
        }
        // A serial the document created goes back to not being anywhere: written off.
        const back: Place = h.from_state
          ? { state: h.from_state, warehouseId: h.from_warehouse_id, orderId: h.from_order_id }
          : { state: 'removed', warehouseId: null, orderId: null };
        return { partId: h.part_id, serialNo: h.serial_no, serialId: h.serial_id, from: placeOf(now), to: back };
      });
      const order = doc.order_id === null ? null : (db.prepare('SELECT id, order_no FROM dispatch_orders WHERE id = ?').get(doc.order_id) as { id: number; order_no: string });
      let posted: { id: number; docNo: string };
      try {
        posted = postDocument(
          db,
          { type: 'reversal', orderId: doc.order_id, warehouseId: doc.warehouse_id, engineerId: doc.engineer_id, reversesId: doc.id, reason },
          movements,
          moves,
          actor,
          order,
        );
      } catch (err) {
        const r = (err as { reason?: { code: string; params?: Record<string, string | number> } }).reason;
        if (r?.code === 'INSUFFICIENT_STOCK') throw refusal('REVERSAL_BLOCKED', { docNo, detail: `${r.params?.partNo} @ ${r.params?.warehouse}: ${r.params?.available}` });
        throw err;
      }
      if (doc.doc_type === 'issue') {
        const lines = db.prepare('SELECT material_id, owed_id, quantity FROM issue_lines WHERE document_id = ?').all(doc.id) as {
          material_id: number;
          owed_id: number | null;
          quantity: number;
        }[];
        for (const l of lines) {
          const m = db.prepare('SELECT issued_qty, returned_qty, part_no FROM order_materials WHERE id = ?').get(l.material_id) as {
            issued_qty: number;
            returned_qty: number;
            part_no: string;
          };
          if (m.issued_qty - l.quantity < m.returned_qty) throw refusal('REVERSAL_BLOCKED', { docNo, detail: `${m.part_no}: returned ${m.returned_qty}` });
          db.prepare('UPDATE order_materials SET issued_qty = issued_qty - ? WHERE id = ?').run(l.quantity, l.material_id);
          if (l.owed_id !== null) {
            db.prepare('UPDATE owed_parts SET supplied = supplied - ?, updated_at = ?, updated_by = ? WHERE id = ?').run(
              l.quantity,
              actor.now.toISOString(),
              actor.user.id,
              l.owed_id,
            );
            recomputeOwed(db, l.owed_id);
          }
        }
      }
      if (doc.doc_type === 'return') {
        const lines = db
          .prepare("SELECT part_id, quantity FROM return_lines WHERE document_id = ? AND kind = 'unused'")
          .all(doc.id) as { part_id: number; quantity: number }[];
        for (const l of lines) {
          db.prepare('UPDATE order_materials SET returned_qty = returned_qty - ? WHERE order_id = ? AND part_id = ?').run(l.quantity, doc.order_id, l.part_id);
        }
      }
      return { docNo: posted.docNo };
    })
    .immediate();
}

export function getDocument(db: DB, docNo: string): StockDocument {
  const d = db
    .prepare(
      `SELECT d.*, o.order_no, w.name AS warehouse, e.name AS engineer, u.display_name AS posted_by_name,
              rv.doc_no AS reverses, rb.doc_no AS reversed_by
       FROM stock_documents d
       LEFT JOIN dispatch_orders o ON o.id = d.order_id
       LEFT JOIN warehouses w ON w.id = d.warehouse_id
       LEFT JOIN engineers e ON e.id = d.engineer_id
       LEFT JOIN users u ON u.id = d.posted_by
       LEFT JOIN stock_documents rv ON rv.id = d.reverses_id
       LEFT JOIN stock_documents rb ON rb.reverses_id = d.id
       WHERE d.doc_no = ?`,
    )
    .get(docNo) as
    | (DocumentRow & {
        order_no: string | null;
        warehouse: string | null;
        engineer: string | null;
        posted_by_name: string | null;
        reverses: string | null;
        reversed_by: string | null;
        reason: string;
        remarks: string;
        posted_at: string;
      })
    | undefined;
  if (!d) invalidParam('docNo', `There is no stock document ${docNo}.`);
  const split = (s: string) => (s ? s.split(', ') : []);
  type LineRow = { line_no: number; kind: string; part_id: number; part_no: string; part_name: string; warehouse: string; quantity: number; serials: string; new_serial: string; fault: string };
  const common = 'p.part_no, p.name AS part_name, w.name AS warehouse';
  const joins = (t: string) => `FROM ${t} l JOIN parts p ON p.id = l.part_id JOIN warehouses w ON w.id = l.warehouse_id WHERE l.document_id = ? ORDER BY l.line_no`;
  let rows: LineRow[];
  if (d.doc_type === 'issue') {
    rows = db.prepare(`SELECT l.line_no, 'issue' AS kind, l.part_id, ${common}, l.quantity, l.serials, '' AS new_serial, '' AS fault ${joins('issue_lines')}`).all(d.id) as LineRow[];
  } else if (d.doc_type === 'return') {
    rows = db.prepare(`SELECT l.line_no, l.kind, l.part_id, ${common}, l.quantity, l.serials, l.new_serial, l.fault ${joins('return_lines')}`).all(d.id) as LineRow[];
  } else if (d.doc_type === 'reversal') {
    // A reversal's lines are its ledger rows.
    rows = db
      .prepare(
        `SELECT row_number() OVER (ORDER BY g.id) AS line_no, 'reversal' AS kind, g.part_id, p.part_no, p.name AS part_name, w.name AS warehouse,
                g.quantity, ifnull(g.serial_no, '') AS serials, '' AS new_serial, '' AS fault
         FROM stock_ledger g JOIN parts p ON p.id = g.part_id JOIN warehouses w ON w.id = g.warehouse_id WHERE g.document_id = ? ORDER BY g.id`,
      )
      .all(d.id) as LineRow[];
  } else {
    rows = db.prepare(`SELECT l.line_no, '${d.doc_type}' AS kind, l.part_id, ${common}, l.quantity, l.serials, '' AS new_serial, '' AS fault ${joins('stock_lines')}`).all(d.id) as LineRow[];
  }
  return {
    docNo: d.doc_no,
    type: d.doc_type,
    orderNo: d.order_no,
    warehouse: d.warehouse,
    engineer: d.engineer,
    reason: d.reason,
    remarks: d.remarks,
    postedAt: d.posted_at,
    postedBy: d.posted_by_name ?? '',
    reverses: d.reverses,
    reversedBy: d.reversed_by,
    lines: rows.map((r) => ({
      lineNo: r.line_no,
      kind: r.kind,
      partId: r.part_id,
      partNo: r.part_no,
      partName: r.part_name,
      warehouse: r.warehouse,
      quantity: r.quantity,
      serials: split(r.serials),
      newSerial: r.new_serial,
      fault: r.fault,
    })),
  };
}
