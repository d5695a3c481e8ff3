import type { DB } from '../../open.js';
import { ServiceError, type ErrorIssue } from '../../../shared/errors.js';
import { refusal } from '../../../shared/reasons.js';
import type { MaterialLineInput, OrderMaterials } from '../../../shared/warehouse/schemas.js';
import { addHistory, orderForWrite, type Actor } from '../orders.js';
import { formatFen } from '../../../shared/money.js';
import { orderByNo, partById, type OrderRef, type PartRow } from './posting.js';

// 售服材料: an order's planned parts (one line per part), the quantities the documents issued
// and took back (counters kept by the posting transaction), and what the order still owes.

export interface MaterialRow {
  id: number;
  order_id: number;
  part_id: number;
  quantity: number;
  payer: 'customer' | 'company';
  unit_price_fen: number;
  remarks: string;
  issued_qty: number;
  returned_qty: number;
}

/** The payer a new line gets: the company under 三包, the customer otherwise. */
export const defaultPayer = (order: { warranty: number }): 'customer' | 'company' => (order.warranty ? 'company' : 'customer');

/**
 * The order's lines for these parts, a line added for each part the plan did not name (planned
 * quantity 0: the plan is the clerk's; what was issued shows beside it). The missing lines are
 * written in one statement (the materials' search index is FTS5, which writes out its pending
 * entries at every statement).
 */
export function ensureMaterialLines(db: DB, order: OrderRef, parts: readonly PartRow[], actor: Actor): Map<number, MaterialRow> {
  const read = () =>
    new Map(
      (
        db
          .prepare('SELECT * FROM order_materials WHERE order_id = ? AND part_id IN (SELECT value FROM json_each(?))')
          .all(order.id, JSON.stringify(parts.map((p) => p.id))) as MaterialRow[]
      ).map((m) => [m.part_id, m]),
    );
  const lines = read();
  const missing = [...new Map(parts.filter((p) => !lines.has(p.id)).map((p) => [p.id, p])).values()];
  if (!missing.length) return lines;
  const at = actor.now.toISOString();
  db.prepare(
    `INSERT INTO order_materials (order_id, part_id, quantity, payer, unit_price_fen, remarks, created_at, created_by, updated_at, updated_by,
       order_no, customer, engineer, part_no, part_name)
     SELECT ?, p.id, 0, ?, p.unit_price_fen, '', ?, ?, ?, ?, ?, ?, ?, p.part_no, p.name
     FROM json_each(?) j JOIN parts p ON p.id = j.value ORDER BY j.key`,
  ).run(order.id, defaultPayer(order), at, actor.user.id, at, actor.user.id, order.order_no, order.customer, order.engineer, JSON.stringify(missing.map((p) => p.id)));
  return read();
}

/** An owed record's status from what was supplied (a closed record stays closed). */
export function recomputeOwed(db: DB, owedId: number): void {
  db.prepare(
    `UPDATE owed_parts SET status = CASE WHEN supplied >= quantity THEN 'supplied' WHEN supplied > 0 THEN 'partial' ELSE 'owed' END,
       row_version = row_version + 1 WHERE id = ? AND status <> 'closed'`,
  ).run(owedId);
}

/** What is planned but neither issued nor on an open owed record, per part. */
export function materialShortfall(db: DB, orderId: number): { partId: number; partNo: string; partName: string; quantity: number }[] {
  return db
    .prepare(
      `SELECT m.part_id AS partId, m.part_no AS partNo, m.part_name AS partName,
              m.quantity - m.issued_qty - ifnull((SELECT sum(w.quantity - w.supplied) FROM owed_parts w
                 WHERE w.order_id = m.order_id AND w.part_id = m.part_id AND w.status IN ('owed','partial')), 0) AS quantity
       FROM order_materials m WHERE m.order_id = ? ORDER BY m.id`,
    )
    .all(orderId)
    .filter((r) => (r as { quantity: number }).quantity > 0) as { partId: number; partNo: string; partName: string; quantity: number }[];
}

export function getMaterials(db: DB, orderNo: string): OrderMaterials {
  const read = db.transaction(() => {
    const order = orderByNo(db, orderNo);
    const lines = (
      db
        .prepare(
          `SELECT m.*, p.part_no, p.name, p.spec, p.unit, p.serial_tracked,
                  ifnull((SELECT sum(w.quantity - w.supplied) FROM owed_parts w
                          WHERE w.order_id = m.order_id AND w.part_id = m.part_id AND w.status IN ('owed','partial')), 0) AS owed
           FROM order_materials m JOIN parts p ON p.id = m.part_id WHERE m.order_id = ? ORDER BY m.id`,
        )
        .all(order.id) as (MaterialRow & { part_no: string; name: string; spec: string; unit: string; serial_tracked: number; owed: number })[]
    ).map((m) => ({
      id: m.id,
      partId: m.part_id,
      partNo: m.part_no,
      partName: m.name,
      spec: m.spec,
      unit: m.unit,
      serialTracked: m.serial_tracked === 1,
      quantity: m.quantity,
      payer: m.payer,
      unitPriceFen: m.unit_price_fen,
      amountFen: m.quantity * m.unit_price_fen,
      remarks: m.remarks,
      issued: m.issued_qty,
      returned: m.returned_qty,
      used: m.issued_qty - m.returned_qty,
      owed: m.owed,
    }));
    const owed = (
      db
        .prepare(
          `SELECT w.*, p.part_no AS pno, p.name AS pname FROM owed_parts w JOIN parts p ON p.id = w.part_id WHERE w.order_id = ? ORDER BY w.id`,
        )
        .all(order.id) as {
        id: number;
        part_id: number;
        pno: string;
        pname: string;
        quantity: number;
        supplied: number;
        status: OrderMaterials['owed'][number]['status'];
        reason: string;
        promised_date: string;
        responsible: string;
        close_reason: string;
        row_version: number;
      }[]
    ).map((w) => ({
      id: w.id,
      orderNo: order.order_no,
      partId: w.part_id,
      partNo: w.pno,
      partName: w.pname,
      quantity: w.quantity,
      supplied: w.supplied,
      status: w.status,
      reason: w.reason,
      promisedDate: w.promised_date,
      responsible: w.responsible,
      closeReason: w.close_reason,
      rowVersion: w.row_version,
    }));
    const swaps = db
      .prepare(
        `SELECT l.doc_no AS docNo, l.posted_at AS at, l.part_no AS partNo, p.name AS partName, l.serials AS oldSerial,
                l.new_serial AS newSerial, l.fault, (SELECT count(*) FROM stock_documents r WHERE r.reverses_id = l.document_id) AS reversed
         FROM return_lines l JOIN parts p ON p.id = l.part_id
         WHERE l.kind = 'faulty' AND l.document_id IN (SELECT id FROM stock_documents WHERE order_id = ?) ORDER BY l.id`,
      )
      .all(order.id)
      .map((s) => ({ ...(s as object), reversed: (s as { reversed: number }).reversed > 0 })) as OrderMaterials['swaps'];
    const documents = db
      .prepare(
        `SELECT d.doc_no AS docNo, d.doc_type AS type, d.posted_at AS at, ifnull(u.display_name, '') AS by, r.doc_no AS reversedBy
         FROM stock_documents d LEFT JOIN users u ON u.id = d.posted_by LEFT JOIN stock_documents r ON r.reverses_id = d.id
         WHERE d.order_id = ? ORDER BY d.id`,
      )
      .all(order.id) as OrderMaterials['documents'];
    return { lines, owed, swaps, documents };
  });
  return read();
}

/** The lines an issue for the order would take: what is planned and not issued, then open owed parts. */
export function issueFromPlan(db: DB, orderNo: string) {
  const order = orderByNo(db, orderNo);
  const owed = db
    .prepare(
      `SELECT w.id, w.part_id, w.quantity - w.supplied AS remaining, p.part_no, p.name, p.serial_tracked
       FROM owed_parts w JOIN parts p ON p.id = w.part_id WHERE w.order_id = ? AND w.status IN ('owed','partial') ORDER BY w.id`,
    )
    .all(order.id) as { id: number; part_id: number; remaining: number; part_no: string; name: string; serial_tracked: number }[];
  const lines = materialShortfall(db, order.id).map((s) => {
    const part = partById(db, s.partId, 'partId');
    return { partId: s.partId, partNo: s.partNo, partName: s.partName, serialTracked: part.serial_tracked === 1, quantity: s.quantity, owedId: null };
  });
  for (const w of owed) {
    lines.push({ partId: w.part_id, partNo: w.part_no, partName: w.name, serialTracked: w.serial_tracked === 1, quantity: w.remaining, owedId: w.id as never });
  }
  return { lines: lines as { partId: number; partNo: string; partName: string; serialTracked: boolean; quantity: number; owedId: number | null }[] };
}

type MaterialInput = Required<Omit<MaterialLineInput, 'id'>> & { id?: number };

const summary = (partNo: string, l: { quantity: number; payer: string; unit_price_fen: number; remarks: string }) =>
  [partNo, `×${l.quantity}`, l.payer, formatFen(l.unit_price_fen), l.remarks].filter(Boolean).join(' ');

/** The order's planned parts as a set: lines with an id kept/updated, without one added, missing ones deleted. */
export function saveMaterials(db: DB, p: { orderNo: string; rowVersion: number; lines: MaterialInput[] }, actor: Actor): { rowVersion: number } {
  return db
    .transaction(() => {
      const row = orderForWrite(db, p.orderNo, p.rowVersion);
      if (row.status === 'visited' || row.status === 'cancelled') throw refusal('MATERIALS_FROZEN', { orderNo: p.orderNo, status: row.status });
      const order = orderByNo(db, p.orderNo);
      const stored = db.prepare('SELECT * FROM order_materials WHERE order_id = ? ORDER BY id').all(order.id) as (MaterialRow & { part_no: string })[];
      const byId = new Map(stored.map((r) => [r.id, r]));
      const issues: ErrorIssue[] = [];
      const seenParts = new Set<number>();
      const seenIds = new Set<number>();
      const parts = p.lines.map((l, i) => {
        if (l.id !== undefined && (!byId.has(l.id) || seenIds.has(l.id))) issues.push({ path: `lines.${i}.id`, message: `Line ${l.id} is not a line of this order.` });
        if (l.id !== undefined) seenIds.add(l.id);
        if (seenParts.has(l.partId)) issues.push({ path: `lines.${i}.partId`, message: 'This part is already on another line; change that line’s quantity instead.' });
        seenParts.add(l.partId);
        return db.prepare('SELECT * FROM parts WHERE id = ?').get(l.partId) as PartRow | undefined;
      });
      parts.forEach((part, i) => {
        if (!part) issues.push({ path: `lines.${i}.partId`, message: `There is no part #${p.lines[i].partId}.` });
      });
      if (issues.length) throw new ServiceError('INVALID_PARAMS', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });

      const next = row.row_version + 1;
      const at = actor.now.toISOString();
      const uid = actor.user.id;
      // A line that documents point at stays: its part cannot change and it cannot go.
      const removable = (old: MaterialRow & { part_no: string }) => {
        const referenced = db.prepare('SELECT count(*) FROM issue_lines WHERE material_id = ?').pluck().get(old.id) as number;
        if (old.issued_qty > 0 || referenced > 0) throw refusal('MATERIAL_LINE_ISSUED', { partNo: old.part_no });
      };
      const remove = (old: MaterialRow & { part_no: string }) => {
        removable(old);
        db.prepare('DELETE FROM order_materials WHERE id = ?').run(old.id);
        addHistory(db, order.id, next, actor, 'materials', 'materials', `#${old.id} ${summary(old.part_no, old)}`, null);
      };
      // Removed lines (and lines whose part changed) go first, so their parts can be planned again.
      const sent = new Map(p.lines.filter((l) => l.id !== undefined).map((l) => [l.id!, l]));
      for (const old of stored) {
        const l = sent.get(old.id);
        if (!l || l.partId !== old.part_id) remove(old);
      }
      p.lines.forEach((l, i) => {
        const part = parts[i]!;
        const old = l.id === undefined ? undefined : byId.get(l.id)!;
        const values = { quantity: l.quantity, payer: l.payer, unit_price_fen: l.unitPriceFen, remarks: l.remarks };
        if (!old || old.part_id !== part.id) {
          if (!part.active) throw refusal('PART_INACTIVE', { partNo: part.part_no });
          const id = Number(
            db
              .prepare(
                `INSERT INTO order_materials (order_id, part_id, quantity, payer, unit_price_fen, remarks, created_at, created_by, updated_at, updated_by,
                   order_no, customer, engineer, part_no, part_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              )
              .run(order.id, part.id, l.quantity, l.payer, l.unitPriceFen, l.remarks, at, uid, at, uid, order.order_no, order.customer, order.engineer, part.part_no, part.name)
              .lastInsertRowid,
          );
          addHistory(db, order.id, next, actor, 'materials', 'materials', null, `#${id} ${summary(part.part_no, values)}`);
          return;
        }
        const used = old.issued_qty - old.returned_qty;
        // Only a lowered plan is checked: issues may have gone beyond an unchanged one.
        if (l.quantity !== old.quantity && l.quantity < used) throw refusal('PLAN_BELOW_ISSUED', { partNo: part.part_no, used });
        const changed = old.quantity !== l.quantity || old.payer !== l.payer || old.unit_price_fen !== l.unitPriceFen || old.remarks !== l.remarks;
        if (changed) {
          db.prepare('UPDATE order_materials SET quantity = ?, payer = ?, unit_price_fen = ?, remarks = ?, updated_at = ?, updated_by = ? WHERE id = ?').run(
            l.quantity,
            l.payer,
            l.unitPriceFen,
            l.remarks,
            at,
            uid,
            old.id,
          );
          addHistory(db, order.id, next, actor, 'materials', 'materials', `#${old.id} ${summary(old.part_no, old)}`, `#${old.id} ${summary(part.part_no, values)}`);
        }
      });
      db.prepare('UPDATE dispatch_orders SET updated_at = ?, updated_by = ?, row_version = ? WHERE id = ?').run(at, uid, next, order.id);
      return { rowVersion: next };
    })
    .immediate();
}

/** Chargeable parts used on an order: the computed parts lines of its fees (used × unit price). */
export function materialFees(db: DB, orderId: number) {
  return db
    .prepare(
      `SELECT m.id, m.part_no AS partNo, m.part_name AS partName, m.issued_qty - m.returned_qty AS used, m.unit_price_fen AS unitPriceFen,
              (m.issued_qty - m.returned_qty) * m.unit_price_fen AS amountFen
       FROM order_materials m WHERE m.order_id = ? AND m.payer = 'customer' AND m.issued_qty > m.returned_qty ORDER BY m.id`,
    )
    .all(orderId) as { id: number; partNo: string; partName: string; used: number; unitPriceFen: number; amountFen: number }[];
}
