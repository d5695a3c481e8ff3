import type { DB } from '../open.js';
import { ServiceError, type ErrorIssue } from '../../shared/errors.js';
import type { UserInfo } from '../../shared/contract.js';
import {
  workResults,
  type ContentLine,
  type ContentLineInput,
  type DispatchOrder,
  type FeeLine,
  type FeeLineInput,
  type HistoryEntry,
  type OrderDetail,
} from '../../shared/dispatch/schemas.js';
import { nextStatuses, refusalMessage, transitionRefusal, type RefusalReason } from '../../shared/dispatch/status.js';
import { refusal } from '../../shared/reasons.js';
import { DEFAULT_TIME_ZONE, dayIn, isTimeZone, suggestWarranty, type WarrantySuggestion } from '../../shared/dispatch/warranty.js';
import type { DispatchStatus } from '../../shared/modules/dispatch.js';
import { formatFen } from '../../shared/money.js';
import { materialFees } from './warehouse/materials.js';

// 售服派工单: create, modify, delete, status, return visit, and the order's content and fee
// lines. Every write is one IMMEDIATE transaction (the write lock is taken before anything is
// read, so what is checked is what is written), bumps the order's row_version and records
// who changed what, when, in dispatch_order_history.

/** What the services need besides the database: who is acting and what time it is. */
export interface Actor {
  user: UserInfo;
  now: Date;
  /** The business time zone (IANA) of the days: SN date, 三包 today, settled day. Default Asia/Shanghai. */
  timeZone?: string;
}

/**
 * The business time zone: the `meta` row `time_zone` (an IANA name), 'Asia/Shanghai' when
 * there is none. Read once by the Backend; a name the runtime does not know is an error (days
 * silently computed in another zone would be worse).
 */
export function businessTimeZone(db: DB): string {
  const stored = db.prepare("SELECT value FROM meta WHERE key = 'time_zone'").pluck().get() as string | undefined;
  const zone = stored?.trim() || DEFAULT_TIME_ZONE;
  if (!isTimeZone(zone)) throw new Error(`meta time_zone "${zone}" is not an IANA time zone name (e.g. Asia/Shanghai).`);
  return zone;
}

/**
 * Keeps meta `utc_offset_minutes` at the business time zone's offset now, so views can tell the
 * business day (owed parts overdue). Written at start only when it differs.
 */
export function keepBusinessOffset(db: DB, timeZone: string, now: Date): void {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(now).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const value = `${minutes >= 0 ? '+' : ''}${minutes}`;
  const stored = db.prepare("SELECT value FROM meta WHERE key = 'utc_offset_minutes'").pluck().get() as string | undefined;
  if (stored !== value) db.prepare("INSERT INTO meta (key, value) VALUES ('utc_offset_minutes', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(value);
}

/** The business day ('YYYY-MM-DD') of the actor's moment. */
const today = (actor: Actor) => dayIn(actor.now, actor.timeZone ?? DEFAULT_TIME_ZONE);

/** The parsed (defaults applied) order input of the create / modify window. */
export interface OrderInput {
  contractId: number | null;
  customer: string;
  project: string;
  address: string;
  regionId: number;
  taskTypeId: number;
  warranty: boolean;
  contact: string;
  phone: string;
  deviceName: string;
  deviceModel: string;
  devicePartNo: string;
  deviceSerialNo: string;
  problem: string;
  urgency: 'normal' | 'urgent';
  expectedAt: string | null;
  engineerId: number | null;
}

export type ContentInput = Required<Omit<ContentLineInput, 'id'>> & { id?: number };
export type FeeInput = Required<Omit<FeeLineInput, 'id'>> & { id?: number };

interface OrderRow {
  id: number;
  order_no: string;
  status: DispatchStatus;
  contract_id: number | null;
  contract_no: string | null;
  project: string | null;
  customer: string;
  address: string | null;
  region_id: number | null;
  task_type_id: number;
  warranty: number;
  warranty_suggested: number | null;
  warranty_overridden: number;
  contact: string | null;
  phone: string | null;
  device_name: string | null;
  device_model: string | null;
  device_part_no: string | null;
  device_serial_no: string | null;
  problem: string | null;
  urgency: 'normal' | 'urgent';
  expected_at: string | null;
  engineer_id: number | null;
  satisfaction: DispatchOrder['satisfaction'];
  visit_reason: string | null;
  visit_remarks: string | null;
  created_at: string;
  created_by: number;
  updated_at: string;
  updated_by: number;
  row_version: number;
}

export const ORDER_PREFIX = 'SN';
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** The yyyyMMdd of an instant in the business time zone: the day part of an order number. */
export function orderDay(now: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  return dayIn(now, timeZone).replaceAll('-', '');
}

/**
 * The next document number `prefix` + yyyyMMdd + serial (at least 4 digits) for the local day
 * of `now`. Call inside the writing (IMMEDIATE) transaction: the serial continues after both
 * the series' last serial and the highest number of that day already stored, so numbers
 * written by other means (the demo, an import) are never given out again.
 */
export function allocateNumber(
  db: DB,
  prefix: string,
  now: Date,
  table = 'dispatch_orders',
  column = 'order_no',
  timeZone: string = DEFAULT_TIME_ZONE,
): string {
  if (!db.inTransaction) throw new Error('Document numbers are allocated inside the writing transaction.');
  const day = orderDay(now, timeZone);
  const head = `${prefix}${day}`;
  // ':' sorts right after '9': the range holds exactly this day's numbers.
  const stored = db
    .prepare(
      `SELECT max(CAST(substr("${column}", ?) AS INTEGER)) FROM "${table}" WHERE "${column}" >= ? AND "${column}" < ?`,
    )
    .pluck()
    .get(head.length + 1, head, `${head}:`) as number | null;
  const last = db.prepare('SELECT last_serial FROM document_series WHERE prefix = ? AND day = ?').pluck().get(prefix, day) as
    | number
    | undefined;
  const serial = Math.max(stored ?? 0, last ?? 0) + 1;
  db.prepare(
    `INSERT INTO document_series (prefix, day, last_serial) VALUES (?, ?, ?)
     ON CONFLICT (prefix, day) DO UPDATE SET last_serial = excluded.last_serial`,
  ).run(prefix, day, serial);
  return `${head}${pad(serial, 4)}`;
}

function invalid(issues: ErrorIssue[]): never {
  throw new ServiceError('INVALID_PARAMS', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}

/** A refused status change: its reason (shared/dispatch/status.ts) and the two statuses. */
function statusRefusal(reason: RefusalReason, from: DispatchStatus, to: DispatchStatus) {
  return refusal('STATUS_REFUSED', { reason, from, to, english: refusalMessage(reason, from, to).slice(`${from} → ${to}: `.length) });
}

function userName(db: DB, id: number | null): string {
  if (id === null) return '';
  return (db.prepare('SELECT display_name FROM users WHERE id = ?').pluck().get(id) as string | undefined) ?? `#${id}`;
}

function orderRow(db: DB, orderNo: string): OrderRow | undefined {
  return db.prepare('SELECT * FROM dispatch_orders WHERE order_no = ?').get(orderNo) as OrderRow | undefined;
}

function noSuchOrder(orderNo: string): never {
  throw new ServiceError('INVALID_PARAMS', `There is no dispatch order ${orderNo}.`, {
    issues: [{ path: 'orderNo', message: `There is no dispatch order ${orderNo}.` }],
  });
}

/** The stored order for a write at `rowVersion`: CONFLICT when it changed (or went) meanwhile. */
export function orderForWrite(db: DB, orderNo: string, rowVersion: number): OrderRow {
  const row = orderRow(db, orderNo);
  if (!row) throw refusal('ORDER_DELETED', { orderNo }, 'CONFLICT');
  if (row.row_version !== rowVersion) {
    // What changed since the version the client read, as the order stands now.
    const changes = db
      .prepare(
        `SELECT field, max(id) AS last FROM dispatch_order_history
         WHERE order_id = ? AND row_version > ? AND field <> '' GROUP BY field ORDER BY last`,
      )
      .all(row.id, rowVersion) as { field: string }[];
    const now = currentValues(db, row);
    const issues: ErrorIssue[] = changes.map((c) => ({
      path: c.field in now ? `order.${c.field}` : c.field,
      message: c.field in now ? (now[c.field as keyof OrderInput] ?? '') : describeOther(db, row, c.field),
    }));
    const fields = changes.map((c) => c.field).join(', ');
    throw new ServiceError(
      'CONFLICT',
      `Dispatch order ${orderNo} was changed by ${userName(db, row.updated_by)} at ${row.updated_at}` +
        `${fields ? ` (${fields})` : ''} after you opened it (your version ${rowVersion}, now ${row.row_version}). ` +
        'Reopen it to see the changes.',
      { issues },
    );
  }
  return row;
}

/** The current value of what a history field names that is not an input field. */
function describeOther(db: DB, row: OrderRow, field: string): string {
  const orderId = row.id;
  if (field === 'status') return row.status;
  if (field === 'satisfaction') return row.satisfaction ?? '';
  if (field === 'visitReason') return row.visit_reason ?? '';
  if (field === 'visitRemarks') return row.visit_remarks ?? '';
  if (field === 'contents') {
    return String(db.prepare('SELECT count(*) FROM service_contents WHERE order_id = ?').pluck().get(orderId));
  }
  if (field === 'materials') {
    const lines = db.prepare('SELECT part_no, quantity FROM order_materials WHERE order_id = ? ORDER BY id').all(orderId) as { part_no: string; quantity: number }[];
    return lines.map((l) => `${l.part_no} ×${l.quantity}`).join(', ');
  }
  if (field === 'fees') {
    const total = db.prepare('SELECT ifnull(sum(amount_fen), 0) FROM service_fees WHERE order_id = ? AND material_id IS NULL').pluck().get(orderId) as number;
    return formatFen(total);
  }
  return '';
}

// ---------- values as shown in history and conflicts ----------

const nameOf = {
  region: (db: DB, id: number | null) =>
    id === null ? '' : ((db.prepare('SELECT name FROM sales_regions WHERE id = ?').pluck().get(id) as string | undefined) ?? `#${id}`),
  taskType: (db: DB, id: number | null) =>
    id === null ? '' : ((db.prepare('SELECT name FROM task_types WHERE id = ?').pluck().get(id) as string | undefined) ?? `#${id}`),
  engineer: (db: DB, id: number | null) =>
    id === null ? '' : ((db.prepare('SELECT name FROM engineers WHERE id = ?').pluck().get(id) as string | undefined) ?? `#${id}`),
};

/** The order's editable fields as display text (names for ids), keyed by input field. */
function currentValues(db: DB, row: OrderRow): Record<keyof OrderInput, string> {
  const text = Object.fromEntries(
    Object.entries(rawValues(row)).map(([field, value]) => [field, value === null || value === undefined ? '' : String(value)]),
  ) as Record<keyof OrderInput, string>;
  return {
    ...text,
    contractId: row.contract_no ?? '',
    regionId: nameOf.region(db, row.region_id),
    taskTypeId: nameOf.taskType(db, row.task_type_id),
    warranty: row.warranty ? 'true' : 'false',
    engineerId: nameOf.engineer(db, row.engineer_id),
  };
}

export function addHistory(
  db: DB,
  orderId: number,
  rowVersion: number,
  actor: Actor,
  action: string,
  field: string,
  oldValue: string | null,
  newValue: string | null,
): void {
  db.prepare(
    `INSERT INTO dispatch_order_history (order_id, at, user_id, action, row_version, field, old_value, new_value)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(orderId, actor.now.toISOString(), actor.user.id, action, rowVersion, field, oldValue, newValue);
}

// ---------- checks ----------

interface ContractRow {
  id: number;
  contract_no: string;
  project: string;
  customer: string;
  address: string;
  sign_date: string;
  delivery_date: string | null;
}

interface Resolved {
  contract: ContractRow | null;
  warrantyMonths: number | null;
}

/**
 * Checks the order input against the reference data; `before` is the stored order on modify
 * (unchanged references that have become inactive since, and an expected time that has
 * passed since, are kept). Every problem is reported at once, by input field.
 */
function checkOrder(db: DB, input: OrderInput, actor: Actor, before?: OrderRow): Resolved {
  const issues: ErrorIssue[] = [];
  const at = (field: string, message: string) => issues.push({ path: `order.${field}`, message });

  let contract: ContractRow | null = null;
  if (input.contractId !== null) {
    contract = (db.prepare('SELECT * FROM sales_contracts WHERE id = ?').get(input.contractId) as ContractRow | undefined) ?? null;
    if (!contract) at('contractId', 'There is no such sales contract.');
  }
  if (!db.prepare('SELECT 1 FROM sales_regions WHERE id = ?').get(input.regionId)) at('regionId', 'There is no such sales region.');
  const task = db.prepare('SELECT warranty_months, active FROM task_types WHERE id = ?').get(input.taskTypeId) as
    | { warranty_months: number; active: number }
    | undefined;
  if (!task) at('taskTypeId', 'There is no such task type.');
  else if (!task.active && before?.task_type_id !== input.taskTypeId) at('taskTypeId', 'This task type is no longer in use.');
  if (input.engineerId !== null) {
    const engineer = db.prepare('SELECT active FROM engineers WHERE id = ?').get(input.engineerId) as { active: number } | undefined;
    if (!engineer) at('engineerId', 'There is no such engineer.');
    else if (!engineer.active && before?.engineer_id !== input.engineerId) at('engineerId', 'This engineer is no longer active.');
  }
  if (input.expectedAt !== null && input.expectedAt !== before?.expected_at) {
    // A minute of grace for the time it takes to fill in the window.
    if (Date.parse(input.expectedAt) < actor.now.getTime() - 60_000) at('expectedAt', 'The expected service time is in the past.');
  }
  if (issues.length) invalid(issues);
  return { contract, warrantyMonths: task?.warranty_months ?? null };
}

function suggestion(resolved: Resolved, actor: Actor): WarrantySuggestion | null {
  if (!resolved.contract || resolved.warrantyMonths === null) return null;
  const s = suggestWarranty(
    { signDate: resolved.contract.sign_date, deliveryDate: resolved.contract.delivery_date },
    resolved.warrantyMonths,
    today(actor),
  );
  // A contract without a usable start day suggests nothing.
  return s.from === '' ? null : s;
}

/** The column values of an order input; contract values fill what the clerk left empty. */
function orderColumns(input: OrderInput, resolved: Resolved, actor: Actor) {
  const c = resolved.contract;
  const suggested = suggestion(resolved, actor);
  const warrantySuggested = suggested ? (suggested.warranty ? 1 : 0) : null;
  return {
    contract_id: input.contractId,
    contract_no: c?.contract_no ?? null,
    project: input.project || c?.project || '',
    customer: input.customer || c?.customer || '',
    address: input.address || c?.address || '',
    region_id: input.regionId,
    task_type_id: input.taskTypeId,
    warranty: input.warranty ? 1 : 0,
    warranty_suggested: warrantySuggested,
    warranty_overridden: warrantySuggested !== null && warrantySuggested !== (input.warranty ? 1 : 0) ? 1 : 0,
    contact: input.contact,
    phone: input.phone,
    device_name: input.deviceName,
    device_model: input.deviceModel,
    device_part_no: input.devicePartNo,
    device_serial_no: input.deviceSerialNo,
    problem: input.problem,
    urgency: input.urgency,
    expected_at: input.expectedAt,
    engineer_id: input.engineerId,
  };
}

// ---------- create / modify / delete ----------

export function createOrder(db: DB, input: OrderInput, actor: Actor): { orderNo: string; rowVersion: number } {
  return db
    .transaction(() => {
      const resolved = checkOrder(db, input, actor);
      const cols = orderColumns(input, resolved, actor);
      const orderNo = allocateNumber(db, ORDER_PREFIX, actor.now, 'dispatch_orders', 'order_no', actor.timeZone ?? DEFAULT_TIME_ZONE);
      const at = actor.now.toISOString();
      const names = Object.keys(cols);
      const info = db
        .prepare(
          `INSERT INTO dispatch_orders (order_no, status, ${names.join(', ')}, created_at, created_by, updated_at, updated_by, row_version)
           VALUES (?, 'pending', ${names.map(() => '?').join(', ')}, ?, ?, ?, ?, 1)`,
        )
        .run(orderNo, ...Object.values(cols), at, actor.user.id, at, actor.user.id);
      const id = Number(info.lastInsertRowid);
      addHistory(db, id, 1, actor, 'create', '', null, orderNo);
      if (cols.warranty_overridden) {
        addHistory(db, id, 1, actor, 'create', 'warrantyOverridden', String(cols.warranty_suggested === 1), String(input.warranty));
      }
      return { orderNo, rowVersion: 1 };
    })
    .immediate();
}

/** The minute (since the epoch) of an ISO instant; NaN when it is not one. */
const minuteOf = (iso: string) => Math.floor(Date.parse(iso) / 60_000);

/** The raw stored value(s) of each input field: what decides whether the field changed. */
function rawValues(row: Pick<OrderRow, keyof ReturnType<typeof orderColumns>>): Record<keyof OrderInput, unknown> {
  return {
    contractId: row.contract_id,
    customer: row.customer,
    project: row.project ?? '',
    address: row.address ?? '',
    regionId: row.region_id,
    taskTypeId: row.task_type_id,
    warranty: row.warranty,
    contact: row.contact ?? '',
    phone: row.phone ?? '',
    deviceName: row.device_name ?? '',
    deviceModel: row.device_model ?? '',
    devicePartNo: row.device_part_no ?? '',
    deviceSerialNo: row.device_serial_no ?? '',
    problem: row.problem ?? '',
    urgency: row.urgency,
    expectedAt: row.expected_at,
    engineerId: row.engineer_id,
  };
}

const idOf: Partial<Record<keyof OrderInput, (r: Pick<OrderRow, 'contract_id' | 'region_id' | 'task_type_id' | 'engineer_id'>) => number | null>> = {
  contractId: (r) => r.contract_id,
  regionId: (r) => r.region_id,
  taskTypeId: (r) => r.task_type_id,
  engineerId: (r) => r.engineer_id,
};

export function updateOrder(db: DB, orderNo: string, rowVersion: number, input: OrderInput, actor: Actor): { rowVersion: number } {
  return db
    .transaction(() => {
      const before = orderForWrite(db, orderNo, rowVersion);
      if (before.status === 'visited' || before.status === 'cancelled') {
        throw refusal('ORDER_CLOSED', { orderNo, status: before.status });
      }
      if (input.engineerId === null && before.engineer_id !== null && before.status !== 'pending') {
        throw refusal('ENGINEER_REQUIRED', { orderNo, status: before.status });
      }
      // The window edits to the minute: an expected time equal to the stored one to the minute
      // is the stored one (not a change, and not checked against "not in the past").
      if (
        input.expectedAt !== null &&
        before.expected_at !== null &&
        input.expectedAt !== before.expected_at &&
        minuteOf(input.expectedAt) === minuteOf(before.expected_at)
      ) {
        input = { ...input, expectedAt: before.expected_at };
      }
      const resolved = checkOrder(db, input, actor, before);
      const cols = orderColumns(input, resolved, actor);
      // An unchanged contract keeps its copied values as they were when the order was made.
      if (input.contractId === before.contract_id) {
        cols.contract_no = before.contract_no;
        if (input.taskTypeId === before.task_type_id) {
          cols.warranty_suggested = before.warranty_suggested;
          cols.warranty_overridden =
            before.warranty_suggested !== null && before.warranty_suggested !== cols.warranty ? 1 : 0;
        }
      }
      // What changed is decided on the stored values (ids, not names: two regions or engineers
      // may share a name); names are only the history text.
      const after = { ...before, ...cols };
      const oldRaw = rawValues(before);
      const newRaw = rawValues(after);
      const changed = (Object.keys(newRaw) as (keyof OrderInput)[]).filter((field) => oldRaw[field] !== newRaw[field]);
      // Saving what is already stored changes nothing, not even the row version.
      if (changed.length === 0 && cols.warranty_overridden === before.warranty_overridden) return { rowVersion: before.row_version };
      const oldValues = currentValues(db, before);
      const newValues = currentValues(db, after);
      const next = before.row_version + 1;
      const at = actor.now.toISOString();
      const names = Object.keys(cols);
      db.prepare(
        `UPDATE dispatch_orders SET ${names.map((n) => `${n} = ?`).join(', ')}, updated_at = ?, updated_by = ?, row_version = ?
         WHERE id = ?`,
      ).run(...Object.values(cols), at, actor.user.id, next, before.id);
      for (const field of changed) {
        let [o, n] = [oldValues[field], newValues[field]];
        // Another node or person of the same name: the ids tell them apart in the history.
        const id = idOf[field];
        if (id && o === n) [o, n] = [`${o} (#${id(before) ?? ''})`, `${n} (#${id(after) ?? ''})`];
        addHistory(db, before.id, next, actor, 'update', field, o, n);
      }
      if (cols.warranty_overridden !== before.warranty_overridden) {
        addHistory(db, before.id, next, actor, 'update', 'warrantyOverridden', String(before.warranty_overridden === 1), String(cols.warranty_overridden === 1));
      }
      return { rowVersion: next };
    })
    .immediate();
}

/**
 * Deletes pending or dispatched orders that have no lines; all or none. Each deleted order
 * leaves a row in deleted_orders (number, when, who, and a JSON snapshot of the order and its
 * history) in the same transaction; the delete never removes those rows.
 */
export function deleteOrders(db: DB, orderNos: readonly string[], actor: Actor): { deleted: number } {
  return db
    .transaction(() => {
      const unique = [...new Set(orderNos)];
      const rows = db
        .prepare(
          `SELECT o.id, o.order_no, o.status,
                  (SELECT count(*) FROM service_contents c WHERE c.order_id = o.id) AS contents,
                  (SELECT count(*) FROM service_fees f WHERE f.order_id = o.id) AS fees,
                  (SELECT count(*) FROM order_materials m WHERE m.order_id = o.id)
                  + (SELECT count(*) FROM owed_parts w WHERE w.order_id = o.id)
                  + (SELECT count(*) FROM stock_documents d WHERE d.order_id = o.id) AS materials
           FROM dispatch_orders o WHERE o.order_no IN (SELECT value FROM json_each(?))`,
        )
        .all(JSON.stringify(unique)) as { id: number; order_no: string; status: DispatchStatus; contents: number; fees: number; materials: number }[];
      const missing = unique.filter((n) => !rows.some((r) => r.order_no === n));
      if (missing.length) {
        throw refusal('ORDERS_GONE', { orders: missing.join(', ') }, 'CONFLICT');
      }
      const kept = rows.filter((r) => r.status !== 'pending' && r.status !== 'dispatched');
      if (kept.length) {
        const list = kept.map((r) => `${r.order_no} (${r.status})`).join(', ');
        throw refusal('DELETE_PAST_DISPATCH', { orders: list, count: kept.length });
      }
      const used = rows.filter((r) => r.contents > 0 || r.fees > 0 || r.materials > 0);
      if (used.length) {
        const list = used.map((r) => `${r.order_no} (${r.contents} content, ${r.fees} fee lines, ${r.materials} materials records)`).join(', ');
        throw refusal('DELETE_HAS_LINES', { orders: list, count: used.length });
      }
      const ids = JSON.stringify(rows.map((r) => r.id));
      const audit = db.prepare('INSERT INTO deleted_orders (order_no, deleted_at, deleted_by, snapshot) VALUES (?, ?, ?, ?)');
      const history = db.prepare('SELECT * FROM dispatch_order_history WHERE order_id = ? ORDER BY id');
      for (const r of rows) {
        const snapshot = { order: orderRow(db, r.order_no), history: history.all(r.id) };
        audit.run(r.order_no, actor.now.toISOString(), actor.user.id, JSON.stringify(snapshot));
      }
      db.prepare('DELETE FROM dispatch_order_history WHERE order_id IN (SELECT value FROM json_each(?))').run(ids);
      const info = db.prepare('DELETE FROM dispatch_orders WHERE id IN (SELECT value FROM json_each(?))').run(ids);
      return { deleted: info.changes };
    })
    .immediate();
}

// ---------- status and return visit ----------

function statusFacts(db: DB, row: OrderRow) {
  return {
    engineerId: row.engineer_id,
    contentLinesWithResult: db
      .prepare("SELECT count(*) FROM service_contents WHERE order_id = ? AND result IN ('solved','partly_solved','unsolved')")
      .pluck()
      .get(row.id) as number,
  };
}

export function setStatus(
  db: DB,
  p: { orderNo: string; rowVersion: number; status: DispatchStatus; reason: string },
  actor: Actor,
): { rowVersion: number } {
  return db
    .transaction(() => {
      const row = orderForWrite(db, p.orderNo, p.rowVersion);
      const refused = transitionRefusal(row.status, p.status, statusFacts(db, row));
      if (refused) throw statusRefusal(refused, row.status, p.status);
      const next = row.row_version + 1;
      db.prepare('UPDATE dispatch_orders SET status = ?, updated_at = ?, updated_by = ?, row_version = ? WHERE id = ?').run(
        p.status,
        actor.now.toISOString(),
        actor.user.id,
        next,
        row.id,
      );
      addHistory(db, row.id, next, actor, 'status', 'status', row.status, p.status);
      if (p.reason) addHistory(db, row.id, next, actor, 'status', 'reason', null, p.reason);
      return { rowVersion: next };
    })
    .immediate();
}

export function returnVisit(
  db: DB,
  p: { orderNo: string; rowVersion: number; satisfaction: NonNullable<DispatchOrder['satisfaction']>; reason: string; remarks: string },
  actor: Actor,
): { rowVersion: number } {
  return db
    .transaction(() => {
      const row = orderForWrite(db, p.orderNo, p.rowVersion);
      const refused = transitionRefusal(row.status, 'visited', statusFacts(db, row), 'visit');
      if (refused) throw statusRefusal(refused, row.status, 'visited');
      if (p.satisfaction === 'unsatisfied' && !p.reason) {
        invalid([{ path: 'reason', message: 'Say why the customer is unsatisfied.' }]);
      }
      const next = row.row_version + 1;
      const at = actor.now.toISOString();
      db.prepare(
        `UPDATE dispatch_orders SET status = 'visited', satisfaction = ?, visit_reason = ?, visit_remarks = ?,
           visited_at = ?, visited_by = ?, updated_at = ?, updated_by = ?, row_version = ? WHERE id = ?`,
      ).run(p.satisfaction, p.reason || null, p.remarks || null, at, actor.user.id, at, actor.user.id, next, row.id);
      addHistory(db, row.id, next, actor, 'visit', 'status', row.status, 'visited');
      addHistory(db, row.id, next, actor, 'visit', 'satisfaction', row.satisfaction, p.satisfaction);
      if (p.reason) addHistory(db, row.id, next, actor, 'visit', 'visitReason', row.visit_reason, p.reason);
      if (p.remarks) addHistory(db, row.id, next, actor, 'visit', 'visitRemarks', row.visit_remarks, p.remarks);
      return { rowVersion: next };
    })
    .immediate();
}

// ---------- lines ----------

interface ContentRow {
  id: number;
  work_date: string;
  engineer_id: number;
  work_type: string;
  findings: string;
  work_done: string;
  fault_cause: string;
  result: (typeof workResults)[number];
  result_reason: string;
  hours_x100: number;
}

interface FeeRow {
  id: number;
  fee_type: FeeLine['feeType'];
  amount_fen: number;
  payer: FeeLine['payer'];
  settled: number;
  settled_on: string | null;
  remarks: string;
}

const hoursText = (x100: number) => `${Math.floor(x100 / 100)}.${pad(x100 % 100, 2)}h`;

function contentSummary(db: DB, l: Omit<ContentRow, 'id'>): string {
  return [l.work_date, nameOf.engineer(db, l.engineer_id), l.work_type, l.result, hoursText(l.hours_x100), l.fault_cause]
    .filter(Boolean)
    .join(' ');
}

function feeSummary(l: Omit<FeeRow, 'id'>): string {
  return [l.fee_type, formatFen(l.amount_fen), l.payer, l.settled ? `settled ${l.settled_on ?? ''}`.trim() : 'unsettled', l.remarks]
    .filter(Boolean)
    .join(' ');
}

/** Line ids sent that are not lines of this order (or appear twice). */
function checkIds(existing: Set<number>, lines: readonly { id?: number }[], path: string): void {
  const seen = new Set<number>();
  const issues: ErrorIssue[] = [];
  lines.forEach((l, i) => {
    if (l.id === undefined) return;
    if (!existing.has(l.id) || seen.has(l.id)) issues.push({ path: `${path}.${i}.id`, message: `Line ${l.id} is not a line of this order.` });
    seen.add(l.id);
  });
  if (issues.length) invalid(issues);
}

export function saveContent(db: DB, p: { orderNo: string; rowVersion: number; lines: ContentInput[] }, actor: Actor): { rowVersion: number } {
  return db
    .transaction(() => {
      const order = orderForWrite(db, p.orderNo, p.rowVersion);
      if (order.status === 'visited' || order.status === 'cancelled') {
        throw refusal('CONTENT_FROZEN', { orderNo: p.orderNo, status: order.status });
      }
      if (order.status === 'completed' && p.lines.length === 0) {
        throw refusal('CONTENT_REQUIRED', { orderNo: p.orderNo });
      }
      const stored = db.prepare('SELECT * FROM service_contents WHERE order_id = ?').all(order.id) as ContentRow[];
      const byId = new Map(stored.map((r) => [r.id, r]));
      checkIds(new Set(byId.keys()), p.lines, 'lines');
      const issues: ErrorIssue[] = [];
      const engineerOk = db.prepare('SELECT 1 FROM engineers WHERE id = ?');
      p.lines.forEach((l, i) => {
        if (!engineerOk.get(l.engineerId)) issues.push({ path: `lines.${i}.engineerId`, message: 'There is no such engineer.' });
        if (l.result !== 'solved' && !l.resultReason) {
          issues.push({ path: `lines.${i}.resultReason`, message: 'Say why the problem is not (fully) solved.' });
        }
      });
      if (issues.length) invalid(issues);

      const next = order.row_version + 1;
      const at = actor.now.toISOString();
      const uid = actor.user.id;
      const insert = db.prepare(
        `INSERT INTO service_contents (order_id, work_date, engineer_id, work_type, findings, work_done, fault_cause, result,
           result_reason, hours_x100, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const update = db.prepare(
        `UPDATE service_contents SET work_date = ?, engineer_id = ?, work_type = ?, findings = ?, work_done = ?, fault_cause = ?,
           result = ?, result_reason = ?, hours_x100 = ?, updated_at = ?, updated_by = ? WHERE id = ?`,
      );
      const kept = new Set<number>();
      for (const l of p.lines) {
        const values: Omit<ContentRow, 'id'> = {
          work_date: l.workDate,
          engineer_id: l.engineerId,
          work_type: l.workType,
          findings: l.findings,
          work_done: l.workDone,
          fault_cause: l.faultCause,
          result: l.result,
          result_reason: l.resultReason,
          hours_x100: l.hoursX100,
        };
        const v = Object.values(values);
        if (l.id === undefined) {
          const id = Number(insert.run(order.id, ...v, at, uid, at, uid).lastInsertRowid);
          addHistory(db, order.id, next, actor, 'content', 'contents', null, `#${id} ${contentSummary(db, values)}`);
        } else {
          kept.add(l.id);
          const old = byId.get(l.id)!;
          const { id: _id, ...oldValues } = old;
          const changed = (Object.keys(values) as (keyof typeof values)[]).some((k) => values[k] !== oldValues[k]);
          if (changed) {
            update.run(...v, at, uid, l.id);
            addHistory(db, order.id, next, actor, 'content', 'contents', `#${l.id} ${contentSummary(db, oldValues)}`, `#${l.id} ${contentSummary(db, values)}`);
          }
        }
      }
      const remove = db.prepare('DELETE FROM service_contents WHERE id = ?');
      for (const old of stored) {
        if (kept.has(old.id)) continue;
        remove.run(old.id);
        const { id: _id, ...oldValues } = old;
        addHistory(db, order.id, next, actor, 'content', 'contents', `#${old.id} ${contentSummary(db, oldValues)}`, null);
      }
      db.prepare('UPDATE dispatch_orders SET updated_at = ?, updated_by = ?, row_version = ? WHERE id = ?').run(at, uid, next, order.id);
      return { rowVersion: next };
    })
    .immediate();
}

export function saveFees(db: DB, p: { orderNo: string; rowVersion: number; lines: FeeInput[] }, actor: Actor): { rowVersion: number } {
  return db
    .transaction(() => {
      const order = orderForWrite(db, p.orderNo, p.rowVersion);
      const stored = db.prepare('SELECT * FROM service_fees WHERE order_id = ? AND material_id IS NULL').all(order.id) as FeeRow[];
      const byId = new Map(stored.map((r) => [r.id, r]));
      checkIds(new Set(byId.keys()), p.lines, 'lines');
      const day = today(actor);
      if (order.status === 'cancelled' || order.status === 'visited') {
        const changes = closedFeeChanges(stored, p.lines, day, order.status);
        if (changes === 0) return { rowVersion: order.row_version }; // nothing to save
        if (typeof changes === 'string') {
          throw refusal(order.status === 'cancelled' ? 'FEES_CANCELLED' : 'FEES_CLOSED', { orderNo: p.orderNo, changes });
        }
      }

      const next = order.row_version + 1;
      const at = actor.now.toISOString();
      const uid = actor.user.id;
      const insert = db.prepare(
        `INSERT INTO service_fees (order_id, fee_type, amount_fen, payer, settled, settled_on, remarks, created_at, created_by, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const update = db.prepare(
        `UPDATE service_fees SET fee_type = ?, amount_fen = ?, payer = ?, settled = ?, settled_on = ?, remarks = ?, updated_at = ?, updated_by = ?
         WHERE id = ?`,
      );
      const kept = new Set<number>();
      for (const l of p.lines) {
        const values: Omit<FeeRow, 'id'> = {
          fee_type: l.feeType,
          amount_fen: l.amountFen,
          payer: l.payer,
          settled: l.settled ? 1 : 0,
          // A settled line has its day (today unless given); an unsettled one has none.
          settled_on: l.settled ? (l.settledOn ?? day) : null,
          remarks: l.remarks,
        };
        const v = Object.values(values);
        if (l.id === undefined) {
          const id = Number(insert.run(order.id, ...v, at, uid, at, uid).lastInsertRowid);
          addHistory(db, order.id, next, actor, 'fees', 'fees', null, `#${id} ${feeSummary(values)}`);
        } else {
          kept.add(l.id);
          const { id: _id, ...oldValues } = byId.get(l.id)!;
          const changed = (Object.keys(values) as (keyof typeof values)[]).some((k) => values[k] !== oldValues[k]);
          if (changed) {
            update.run(...v, at, uid, l.id);
            addHistory(db, order.id, next, actor, 'fees', 'fees', `#${l.id} ${feeSummary(oldValues)}`, `#${l.id} ${feeSummary(values)}`);
          }
        }
      }
      const remove = db.prepare('DELETE FROM service_fees WHERE id = ?');
      for (const old of stored) {
        if (kept.has(old.id)) continue;
        remove.run(old.id);
        const { id: _id, ...oldValues } = old;
        addHistory(db, order.id, next, actor, 'fees', 'fees', `#${old.id} ${feeSummary(oldValues)}`, null);
      }
      db.prepare('UPDATE dispatch_orders SET updated_at = ?, updated_by = ?, row_version = ? WHERE id = ?').run(at, uid, next, order.id);
      return { rowVersion: next };
    })
    .immediate();
}

/**
 * What a fee save would change on a cancelled or closed (visited) order: 0 when nothing, the
 * count of allowed changes when only settled / settled day of existing lines change on a
 * visited order, else the first forbidden change as text (the REFUSED reason).
 */
function closedFeeChanges(stored: FeeRow[], lines: readonly FeeInput[], today: string, status: 'cancelled' | 'visited'): number | string {
  const byId = new Map(stored.map((r) => [r.id, r]));
  const sent = new Set(lines.flatMap((l) => (l.id === undefined ? [] : [l.id])));
  const forbidden: string[] = [];
  let allowed = 0;
  for (const l of lines) {
    if (l.id === undefined) {
      forbidden.push('a line would be added');
      continue;
    }
    const old = byId.get(l.id)!;
    const fixed: [string, boolean][] = [
      ['fee type', l.feeType !== old.fee_type],
      ['amount', l.amountFen !== old.amount_fen],
      ['payer', l.payer !== old.payer],
      ['remarks', l.remarks !== old.remarks],
    ];
    for (const [what, differs] of fixed) if (differs) forbidden.push(`the ${what} of line #${l.id} would change`);
    // As the save would store it (settled without a day: today).
    const settledOn = l.settled ? (l.settledOn ?? today) : null;
    if ((l.settled ? 1 : 0) !== old.settled || settledOn !== old.settled_on) {
      if (status === 'cancelled') forbidden.push(`the settlement of line #${l.id} would change`);
      else allowed++;
    }
  }
  for (const old of stored) if (!sent.has(old.id)) forbidden.push(`line #${old.id} would be deleted`);
  if (forbidden.length) return forbidden.join('; ');
  return allowed;
}

// ---------- reading ----------

export function feeTotals(db: DB, orderId: number): OrderDetail['feeTotals'] {
  // SUM over integers is exact; total() would be a float. The computed parts lines (material_id) count too.
  const t = db
    .prepare(
      `SELECT ifnull(sum(CASE WHEN payer = 'customer' THEN amount_fen END), 0) AS customer,
              ifnull(sum(CASE WHEN payer = 'company' THEN amount_fen END), 0) AS company,
              ifnull(sum(amount_fen), 0) AS "all"
       FROM service_fees WHERE order_id = ?`,
    )
    .get(orderId) as OrderDetail['feeTotals'];
  return t;
}

export function getOrder(db: DB, orderNo: string): OrderDetail {
  const read = db.transaction(() => {
    const r = db
      .prepare(
        `SELECT o.*, rg.name AS region, t.name AS task_type, e.name AS engineer,
                cu.display_name AS created_by_name, uu.display_name AS updated_by_name
         FROM dispatch_orders o
         LEFT JOIN sales_regions rg ON rg.id = o.region_id
         LEFT JOIN task_types t ON t.id = o.task_type_id
         LEFT JOIN engineers e ON e.id = o.engineer_id
         LEFT JOIN users cu ON cu.id = o.created_by
         LEFT JOIN users uu ON uu.id = o.updated_by
         WHERE o.order_no = ?`,
      )
      .get(orderNo) as
      | (OrderRow & { region: string | null; task_type: string; engineer: string | null; created_by_name: string; updated_by_name: string })
      | undefined;
    if (!r) noSuchOrder(orderNo);
    const order: DispatchOrder = {
      id: r.id,
      orderNo: r.order_no,
      status: r.status,
      rowVersion: r.row_version,
      contractId: r.contract_id,
      contractNo: r.contract_no,
      customer: r.customer,
      project: r.project,
      address: r.address,
      regionId: r.region_id,
      region: r.region,
      taskTypeId: r.task_type_id,
      taskType: r.task_type ?? '',
      warranty: r.warranty === 1,
      warrantySuggested: r.warranty_suggested === null ? null : r.warranty_suggested === 1,
      warrantyOverridden: r.warranty_overridden === 1,
      contact: r.contact,
      phone: r.phone,
      deviceName: r.device_name,
      deviceModel: r.device_model,
      devicePartNo: r.device_part_no,
      deviceSerialNo: r.device_serial_no,
      problem: r.problem,
      urgency: r.urgency,
      expectedAt: r.expected_at,
      engineerId: r.engineer_id,
      engineer: r.engineer,
      satisfaction: r.satisfaction,
      visitReason: r.visit_reason,
      visitRemarks: r.visit_remarks,
      createdAt: r.created_at,
      createdBy: r.created_by_name ?? '',
      updatedAt: r.updated_at,
      updatedBy: r.updated_by_name ?? '',
    };
    const contents = (
      db
        .prepare(
          `SELECT c.*, e.name AS engineer, u.display_name AS updated_by_name FROM service_contents c
           LEFT JOIN engineers e ON e.id = c.engineer_id LEFT JOIN users u ON u.id = c.updated_by
           WHERE c.order_id = ? ORDER BY c.work_date, c.id`,
        )
        .all(r.id) as (ContentRow & { engineer: string | null; updated_at: string; updated_by_name: string | null })[]
    ).map(
      (c): ContentLine => ({
        id: c.id,
        workDate: c.work_date,
        engineerId: c.engineer_id,
        engineer: c.engineer ?? '',
        workType: c.work_type,
        findings: c.findings,
        workDone: c.work_done,
        faultCause: c.fault_cause,
        result: c.result,
        resultReason: c.result_reason,
        hoursX100: c.hours_x100,
        updatedAt: c.updated_at,
        updatedBy: c.updated_by_name ?? '',
      }),
    );
    const fees = (
      db
        .prepare(
          `SELECT f.*, u.display_name AS updated_by_name FROM service_fees f LEFT JOIN users u ON u.id = f.updated_by
           WHERE f.order_id = ? AND f.material_id IS NULL ORDER BY f.id`,
        )
        .all(r.id) as (FeeRow & { updated_at: string; updated_by_name: string | null })[]
    ).map(
      (f): FeeLine => ({
        id: f.id,
        feeType: f.fee_type,
        amountFen: f.amount_fen,
        payer: f.payer,
        settled: f.settled === 1,
        settledOn: f.settled_on,
        remarks: f.remarks,
        updatedAt: f.updated_at,
        updatedBy: f.updated_by_name ?? '',
      }),
    );
    const history = db
      .prepare(
        `SELECT h.at, ifnull(u.display_name, '') AS by, h.action, h.field, h.old_value AS oldValue, h.new_value AS newValue
         FROM dispatch_order_history h LEFT JOIN users u ON u.id = h.user_id
         WHERE h.order_id = ? ORDER BY h.id DESC`,
      )
      .all(r.id) as HistoryEntry[];
    return {
      order,
      contents,
      fees,
      materialFees: materialFees(db, r.id),
      feeTotals: feeTotals(db, r.id),
      history,
      nextStatuses: nextStatuses(r.status),
    };
  });
  // DEFERRED: one consistent snapshot of the order and its lines.
  return read();
}

/** The 三包 suggestion for a contract and task type as of `now`'s business day. */
export function suggestWarrantyFor(
  db: DB,
  contractId: number,
  taskTypeId: number,
  now: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
): WarrantySuggestion {
  const contract = db.prepare('SELECT sign_date, delivery_date FROM sales_contracts WHERE id = ?').get(contractId) as
    | { sign_date: string; delivery_date: string | null }
    | undefined;
  const months = db.prepare('SELECT warranty_months FROM task_types WHERE id = ?').pluck().get(taskTypeId) as number | undefined;
  const issues: ErrorIssue[] = [];
  if (!contract) issues.push({ path: 'contractId', message: 'There is no such sales contract.' });
  if (months === undefined) issues.push({ path: 'taskTypeId', message: 'There is no such task type.' });
  if (issues.length) invalid(issues);
  return suggestWarranty({ signDate: contract!.sign_date, deliveryDate: contract!.delivery_date }, months!, dayIn(now, timeZone));
}
