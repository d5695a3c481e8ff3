import type { Role } from './roles.js';

// Live updates (issue 10): what the message server tells every desk after each committed write,
// and the notices it sends to the users they concern. Shared by the backend (db/change-log.ts),
// the server (server/live-updates.ts) and the renderer (renderer/src/live/).

/** What a write did to the rows it touched. */
export const changeKinds = ['created', 'updated', 'deleted', 'status'] as const;
export type ChangeKind = (typeof changeKinds)[number];

/**
 * What a change touched besides the lists: the order numbers (an open order window listens for
 * its own), stock document numbers and row ids where they are cheap to know.
 */
export interface ChangeKeys {
  orderNos?: string[];
  docNos?: string[];
  ids?: number[];
}

/**
 * The data of a `data.changed` event. `seq` numbers the committed writes of the database in
 * commit order, without holes (change_log.seq): a desk that sees seq jump, or a hello whose seq
 * is past the last one it saw, missed events. `lists` are module ids (shared/modules: dispatch,
 * content, fees, materials, issue, return, owed, stock, ledger, parts) and a few reference
 * lists (regions, taskTypes, warehouses). `desk` is an opaque id of the session that wrote it
 * (the hello tells each desk its own), so a desk can tell its own writes from others'.
 */
export interface ChangeEvent {
  seq: number;
  lists: string[];
  keys: ChangeKeys;
  kind: ChangeKind;
  /** Display name of who wrote it. */
  by: string;
  /** ISO instant of the write. */
  at: string;
  /** The contract method that wrote it. */
  method: string;
  desk: string;
  /** A new order with urgency 'urgent'. */
  urgent?: boolean;
  /** The customer of a created order (for the urgent-order notice). */
  customer?: string;
}

/** The data of the hello event of an authenticated socket. */
export interface LiveHello {
  service: 'pim-aftersales';
  authenticated: boolean;
  /** The last seq this server has sent: every later event on this socket has a larger one. */
  seq?: number;
  /** This socket's own desk id (the `desk` of events this session writes). */
  desk?: string;
}

/** One owed-part record past its promised date. */
export interface OverdueOwed {
  id: number;
  orderNo: string;
  customer: string;
  partNo: string;
  partName: string;
  remaining: number;
  promisedDate: string;
  daysOverdue: number;
  responsible: string;
}

/** The data of a `notice` event: shown once per record (key) per session. */
export type LiveNotice =
  | { type: 'urgentOrder'; key: string; orderNo: string; customer: string; by: string; at: string }
  | { type: 'owedOverdue'; key: string; owed: OverdueOwed };

/** Who hears of a new urgent order: the clerks who dispatch it and the managers. */
export const URGENT_ORDER_ROLES: readonly Role[] = ['clerk', 'manager'];

/** Whether an owed record's responsible person is this user (names compared trimmed, case-insensitive). */
export function isResponsible(responsible: string, displayName: string): boolean {
  const a = responsible.trim().toLowerCase();
  return a !== '' && a === displayName.trim().toLowerCase();
}
