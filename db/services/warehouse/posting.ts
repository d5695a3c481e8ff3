import type { DB } from '../../open.js';
import { ServiceError } from '../../../shared/errors.js';
import { refusal } from '../../../shared/reasons.js';
import { documentPrefixes, type DocumentType, type SerialState, type WarehouseKind } from '../../../shared/warehouse/schemas.js';
import { allocateNumber, type Actor } from '../orders.js';
import { DEFAULT_TIME_ZONE } from '../../../shared/dispatch/warranty.js';

// The one way stock moves: a posted document writes its ledger rows, the balances and the
// serials' places in the caller's IMMEDIATE transaction. A balance never goes below zero and a
// serial moves only from where it is; anything else refuses the whole document.

export interface PartRow {
  id: number;
  part_no: string;
  name: string;
  spec: string;
  unit: string;
  unit_price_fen: number;
  serial_tracked: number;
  active: number;
}

export interface WarehouseRow {
  id: number;
  code: string;
  name: string;
  kind: WarehouseKind;
  active: number;
}

export interface OrderRef {
  id: number;
  order_no: string;
  status: string;
  customer: string;
  warranty: number;
  engineer_id: number | null;
  engineer: string | null;
}

/** Where a serial is. */
export interface Place {
  state: SerialState;
  warehouseId: number | null;
  orderId: number | null;
}

export interface SerialRow {
  id: number;
  part_id: number;
  serial_no: string;
  state: SerialState;
  warehouse_id: number | null;
  order_id: number | null;
}

/** A movement of stock: one ledger row. Serial-tracked parts move one serial (±1) per row. */
export interface Movement {
  partId: number;
  warehouseId: number;
  quantity: number;
  serialNo?: string;
}

/** A serial's move between places, recorded in its history. `serialId` null: a new serial. */
export interface SerialMove {
  partId: number;
  serialNo: string;
  serialId: number | null;
  from: Place | null;
  to: Place;
}

export interface DocumentHeader {
  type: DocumentType;
  orderId?: number | null;
  warehouseId?: number | null;
  engineerId?: number | null;
  reversesId?: number | null;
  reason?: string;
  remarks?: string;
}

export function invalidParam(path: string, message: string): never {
  throw new ServiceError('INVALID_PARAMS', `${path}: ${message}`, { issues: [{ path, message }] });
}

export function partById(db: DB, id: number, path: string): PartRow {
  const row = db.prepare('SELECT * FROM parts WHERE id = ?').get(id) as PartRow | undefined;
  if (!row) invalidParam(path, `There is no part #${id}.`);
  return row;
}

export function warehouseById(db: DB, id: number, path: string): WarehouseRow {
  const row = db.prepare('SELECT * FROM warehouses WHERE id = ?').get(id) as WarehouseRow | undefined;
  if (!row) invalidParam(path, `There is no warehouse #${id}.`);
  if (!row.active) throw refusal('WAREHOUSE_INACTIVE', { warehouse: row.name });
  return row;
}

export function orderByNo(db: DB, orderNo: string, path = 'orderNo'): OrderRef {
  const row = db
    .prepare(
      `SELECT o.id, o.order_no, o.status, o.customer, o.warranty, o.engineer_id, e.name AS engineer
       FROM dispatch_orders o LEFT JOIN engineers e ON e.id = o.engineer_id WHERE o.order_no = ?`,
    )
    .get(orderNo) as OrderRef | undefined;
  if (!row) invalidParam(path, `There is no dispatch order ${orderNo}.`);
  return row;
}

export function serialOf(db: DB, partId: number, serialNo: string): SerialRow | undefined {
  return db.prepare('SELECT * FROM serials WHERE part_id = ? AND serial_no = ?').get(partId, serialNo) as SerialRow | undefined;
}

export const placeOf = (s: SerialRow): Place => ({ state: s.state, warehouseId: s.warehouse_id, orderId: s.order_id });

/** The state of a serial kept in a warehouse: faulty in the faulty store, in stock elsewhere. */
export const stockState = (w: WarehouseRow): SerialState => (w.kind === 'faulty' ? 'faulty' : 'in_stock');

/**
 * Serials of one line: exactly `quantity` for a serial-tracked part, none otherwise, none twice
 * on the document (`seen` spans its lines).
 */
export function checkSerialCount(part: PartRow, quantity: number, serials: readonly string[], seen: Set<string>): void {
  if (!part.serial_tracked) {
    if (serials.length) throw refusal('SERIALS_NOT_TRACKED', { partNo: part.part_no });
    return;
  }
  if (serials.length !== quantity) throw refusal('SERIAL_COUNT', { partNo: part.part_no, expected: quantity, given: serials.length });
  for (const s of serials) {
    const key = `${part.id}\n${s}`;
    if (seen.has(key)) throw refusal('SERIAL_DUPLICATE', { serial: s });
    seen.add(key);
  }
}

/** The document number, allocated in the writing transaction (prefix + business yyyyMMdd + serial). */
function nextDocNo(db: DB, type: DocumentType, actor: Actor): string {
  return allocateNumber(db, documentPrefixes[type], actor.now, 'stock_documents', 'doc_no', actor.timeZone ?? DEFAULT_TIME_ZONE);
}

/**
 * Posts a document: its header, then its movements into the ledger and the balances, then its
 * serial moves. Returns the new document's id and number; the caller writes its lines.
 * Must run inside the caller's IMMEDIATE transaction.
 */
export function postDocument(
  db: DB,
  header: DocumentHeader,
  movements: readonly Movement[],
  serialMoves: readonly SerialMove[],
  actor: Actor,
  order: { id: number; order_no: string } | null,
): { id: number; docNo: string } {
  if (!db.inTransaction) throw new Error('Stock documents are posted inside the writing transaction.');
  const at = actor.now.toISOString();
  const docNo = nextDocNo(db, header.type, actor);
  const id = Number(
    db
      .prepare(
        `INSERT INTO stock_documents (doc_no, doc_type, order_id, warehouse_id, engineer_id, reverses_id, reason, remarks, posted_at, posted_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        docNo,
        header.type,
        header.orderId ?? null,
        header.warehouseId ?? null,
        header.engineerId ?? null,
        header.reversesId ?? null,
        header.reason ?? '',
        header.remarks ?? '',
        at,
        actor.user.id,
      ).lastInsertRowid,
  );
  applyBalances(db, movements);
  moveSerials(db, id, serialMoves, actor);
  // One statement for all the document's ledger rows: the ledger's search index is an FTS5
  // table, which writes out its pending entries at every statement's savepoint, so a row per
  // statement would cost a segment (and merge work) per row.
  db.prepare(
    `INSERT INTO stock_ledger (at, document_id, doc_type, doc_no, order_id, order_no, part_id, part_no, warehouse_id, quantity, serial_no, user_id)
     SELECT ?, ?, ?, ?, ?, ?, p.id, p.part_no, m.value ->> '$.w', m.value ->> '$.q', m.value ->> '$.s', ?
     FROM json_each(?) m JOIN parts p ON p.id = m.value ->> '$.p' ORDER BY m.key`,
  ).run(
    at,
    id,
    header.type,
    docNo,
    order?.id ?? null,
    order?.order_no ?? null,
    actor.user.id,
    JSON.stringify(movements.map((m) => ({ p: m.partId, w: m.warehouseId, q: m.quantity, s: m.serialNo ?? null }))),
  );
  return { id, docNo };
}

/** Adds the movements to the balances, all or none: refused when any would go below zero. */
function applyBalances(db: DB, movements: readonly Movement[]): void {
  const sums = new Map<string, { partId: number; warehouseId: number; quantity: number }>();
  for (const m of movements) {
    const key = `${m.partId}:${m.warehouseId}`;
    const s = sums.get(key) ?? { partId: m.partId, warehouseId: m.warehouseId, quantity: 0 };
    s.quantity += m.quantity;
    sums.set(key, s);
  }
  const current = db.prepare('SELECT quantity FROM stock_balances WHERE part_id = ? AND warehouse_id = ?').pluck();
  // Not an upsert: the CHECK (quantity >= 0) would judge the inserted row, a negative change.
  const update = db.prepare('UPDATE stock_balances SET quantity = quantity + ? WHERE part_id = ? AND warehouse_id = ?');
  const insert = db.prepare('INSERT INTO stock_balances (part_id, warehouse_id, quantity) VALUES (?, ?, ?)');
  for (const s of sums.values()) {
    if (s.quantity === 0) continue;
    const stored = current.get(s.partId, s.warehouseId) as number | undefined;
    const have = stored ?? 0;
    if (have + s.quantity < 0) {
      const part = db.prepare('SELECT part_no FROM parts WHERE id = ?').pluck().get(s.partId) as string;
      const warehouse = db.prepare('SELECT name FROM warehouses WHERE id = ?').pluck().get(s.warehouseId) as string;
      throw refusal('INSUFFICIENT_STOCK', { partNo: part, warehouse, available: have, requested: -s.quantity });
    }
    if (stored === undefined) insert.run(s.partId, s.warehouseId, s.quantity);
    else update.run(s.quantity, s.partId, s.warehouseId);
  }
}

function moveSerials(db: DB, documentId: number, moves: readonly SerialMove[], actor: Actor): void {
  const at = actor.now.toISOString();
  const insert = db.prepare('INSERT INTO serials (part_id, serial_no, state, warehouse_id, order_id) VALUES (?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE serials SET state = ?, warehouse_id = ?, order_id = ? WHERE id = ?');
  const history = db.prepare(
    `INSERT INTO serial_history (serial_id, at, document_id, from_state, from_warehouse_id, from_order_id, to_state, to_warehouse_id, to_order_id, user_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const m of moves) {
    let id = m.serialId;
    if (id === null) {
      id = Number(insert.run(m.partId, m.serialNo, m.to.state, m.to.warehouseId, m.to.orderId).lastInsertRowid);
    } else {
      update.run(m.to.state, m.to.warehouseId, m.to.orderId, id);
    }
    history.run(
      id,
      at,
      documentId,
      m.from?.state ?? null,
      m.from?.warehouseId ?? null,
      m.from?.orderId ?? null,
      m.to.state,
      m.to.warehouseId,
      m.to.orderId,
      actor.user.id,
    );
  }
}
