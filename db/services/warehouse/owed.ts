import type { DB } from '../../open.js';
import { ServiceError } from '../../../shared/errors.js';
import { refusal } from '../../../shared/reasons.js';
import type { DispatchStatus } from '../../../shared/modules/dispatch.js';
import { addHistory, setStatus, type Actor } from '../orders.js';
import { orderByNo, partById } from './posting.js';
import { materialShortfall } from './materials.js';

// 欠件放行跟踪: parts still owed to the customer on a released order. Recorded when the order is
// completed with planned parts not issued (or by hand), supplied by issue lines (the posting
// moves the status: 欠件中 → 部分补齐 → 已补齐), or closed with a reason.

export interface OwedFields {
  reason: string;
  promisedDate: string;
  responsible: string;
}

function insertOwed(db: DB, orderId: number, partId: number, quantity: number, f: OwedFields, actor: Actor): number {
  const o = db.prepare('SELECT order_no, customer FROM dispatch_orders WHERE id = ?').get(orderId) as { order_no: string; customer: string };
  const part = partById(db, partId, 'partId');
  const at = actor.now.toISOString();
  return Number(
    db
      .prepare(
        `INSERT INTO owed_parts (order_id, part_id, quantity, supplied, status, reason, promised_date, responsible, created_at, created_by,
           updated_at, updated_by, order_no, customer, part_no, part_name) VALUES (?, ?, ?, 0, 'owed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(orderId, partId, quantity, f.reason, f.promisedDate, f.responsible, at, actor.user.id, at, actor.user.id, o.order_no, o.customer, part.part_no, part.name)
      .lastInsertRowid,
  );
}

/**
 * A status change that knows about materials: completing an order whose planned parts are not
 * all issued is refused (MATERIALS_NOT_ISSUED) unless `owed` says to record the shortfall as
 * owed parts, which happens in the same transaction as the status change.
 */
export function setStatusWithMaterials(
  db: DB,
  p: { orderNo: string; rowVersion: number; status: DispatchStatus; reason: string; owed?: OwedFields },
  actor: Actor,
): { rowVersion: number } {
  return db
    .transaction(() => {
      const result = setStatus(db, p, actor);
      if (p.status !== 'completed') return result;
      const order = orderByNo(db, p.orderNo);
      const short = materialShortfall(db, order.id);
      if (!short.length) return result;
      if (!p.owed) {
        throw refusal('MATERIALS_NOT_ISSUED', { orderNo: p.orderNo, parts: short.map((s) => `${s.partNo} ${s.partName} ×${s.quantity}`).join('、') });
      }
      for (const s of short) {
        const id = insertOwed(db, order.id, s.partId, s.quantity, p.owed, actor);
        addHistory(db, order.id, result.rowVersion, actor, 'owed', 'owed', null, `#${id} ${s.partNo} ×${s.quantity} ${p.owed.promisedDate} ${p.owed.responsible}`);
      }
      return result;
    })
    .immediate();
}

export function createOwed(db: DB, p: OwedFields & { orderNo: string; partId: number; quantity: number }, actor: Actor): { id: number } {
  return db
    .transaction(() => {
      const order = orderByNo(db, p.orderNo);
      if (order.status === 'cancelled') throw refusal('ORDER_CANCELLED', { orderNo: order.order_no });
      const id = insertOwed(db, order.id, p.partId, p.quantity, p, actor);
      noteOnOrder(db, id, actor, null, owedSummary(db, id));
      return { id };
    })
    .immediate();
}

/** An owed record's text in the order's history. */
function owedSummary(db: DB, id: number): string {
  const w = db.prepare('SELECT part_no, quantity, supplied, status, promised_date, responsible, reason, close_reason FROM owed_parts WHERE id = ?').get(id) as Record<string, string | number>;
  return [`#${id}`, w.part_no, `×${w.quantity}`, `${w.supplied}/${w.quantity}`, w.status, w.promised_date, w.responsible, w.reason, w.close_reason].filter((v) => v !== '').join(' ');
}

/** Owed records belong to their order: their changes are in its history (without a new order version). */
function noteOnOrder(db: DB, owedId: number, actor: Actor, before: string | null, after: string): void {
  const o = db.prepare('SELECT o.id, o.row_version FROM owed_parts w JOIN dispatch_orders o ON o.id = w.order_id WHERE w.id = ?').get(owedId) as { id: number; row_version: number };
  addHistory(db, o.id, o.row_version, actor, 'owed', 'owed', before, after);
}

interface OwedRow {
  id: number;
  status: string;
  row_version: number;
  updated_at: string;
  updated_by: number;
}

function owedForWrite(db: DB, id: number, rowVersion: number): OwedRow {
  const row = db.prepare('SELECT id, status, row_version, updated_at, updated_by FROM owed_parts WHERE id = ?').get(id) as OwedRow | undefined;
  if (!row) throw new ServiceError('INVALID_PARAMS', `There is no owed record #${id}.`, { issues: [{ path: 'id', message: `There is no owed record #${id}.` }] });
  if (row.row_version !== rowVersion) {
    const who = db.prepare('SELECT display_name FROM users WHERE id = ?').pluck().get(row.updated_by) as string | undefined;
    throw refusal('OWED_CHANGED', { id, by: who ?? '?', at: row.updated_at }, 'CONFLICT');
  }
  if (row.status !== 'owed' && row.status !== 'partial') throw refusal('OWED_NOT_OPEN', { id, status: row.status });
  return row;
}

export function updateOwed(db: DB, p: OwedFields & { id: number; rowVersion: number }, actor: Actor): { rowVersion: number } {
  return db
    .transaction(() => {
      const row = owedForWrite(db, p.id, p.rowVersion);
      const before = owedSummary(db, p.id);
      db.prepare(
        'UPDATE owed_parts SET reason = ?, promised_date = ?, responsible = ?, updated_at = ?, updated_by = ?, row_version = ? WHERE id = ?',
      ).run(p.reason, p.promisedDate, p.responsible, actor.now.toISOString(), actor.user.id, row.row_version + 1, p.id);
      noteOnOrder(db, p.id, actor, before, owedSummary(db, p.id));
      return { rowVersion: row.row_version + 1 };
    })
    .immediate();
}

export function closeOwed(db: DB, p: { id: number; rowVersion: number; reason: string }, actor: Actor): { rowVersion: number } {
  return db
    .transaction(() => {
      const row = owedForWrite(db, p.id, p.rowVersion);
      const before = owedSummary(db, p.id);
      db.prepare(
        "UPDATE owed_parts SET status = 'closed', close_reason = ?, updated_at = ?, updated_by = ?, row_version = ? WHERE id = ?",
      ).run(p.reason, actor.now.toISOString(), actor.user.id, row.row_version + 1, p.id);
      noteOnOrder(db, p.id, actor, before, owedSummary(db, p.id));
      return { rowVersion: row.row_version + 1 };
    })
    .immediate();
}
