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

/**
 * Catch-up on reconnect: a desk opens the socket with `?since=N`, N the last seq it has. When
 * the log still holds every event after N and they are not too many, they follow the hello on
 * this socket, in order, before any live event (`replay` says so); otherwise `replayRefused`
 * says why and the desk falls back to "its lists may be out of date".
 */
export const CATCH_UP_PARAM = 'since';
/** At most this many events are replayed to a reconnecting desk; more, and a refresh is cheaper. */
export const CATCH_UP_LIMIT = 1000;
/** Why a catch-up was not given: too many events, the log was pruned past them, or a seq this database never had (a restore). */
export type CatchUpRefusal = 'tooMany' | 'pruned' | 'unknown' | 'failed';

/** The data of the hello event of an authenticated socket. */
export interface LiveHello {
  service: 'pim-aftersales';
  authenticated: boolean;
  /**
   * The last seq this server has sent: every live event on this socket has a larger one. With
   * `replay`, the events after `replay.from` up to this seq come first.
   */
  seq?: number;
  /** This socket's own desk id (the `desk` of events this session writes). */
  desk?: string;
  /** The catch-up asked for is given: `count` events after `from` follow this hello. */
  replay?: { from: number; count: number };
  /** The catch-up asked for is not given (the desk's lists may be out of date). */
  replayRefused?: CatchUpRefusal;
}

/**
 * The close of a socket whose session ended while it was open (logout, expiry, user disabled),
 * or that was refused at connect: the same code, so a client knows retrying cannot help and
 * that its user is signed out.
 */
export const SESSION_CLOSE_CODE = 4401;
export const SIGNED_OUT_REASON = 'signed out';

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

/**
 * At connect (a login, or a reconnect) a clerk's or manager's desk is also told of the urgent
 * orders it may not have heard of: urgency urgent, still pending (not yet dispatched — urgency
 * means immediate dispatch in the legacy flow, so a pending one still needs someone), created
 * within this long, and not created at this same desk. The client shows each once a login.
 */
export const URGENT_AT_CONNECT_MS = 24 * 60 * 60 * 1000;

/** Whether an owed record's responsible person is this user (names compared trimmed, case-insensitive). */
export function isResponsible(responsible: string, displayName: string): boolean {
  const a = responsible.trim().toLowerCase();
  return a !== '' && a === displayName.trim().toLowerCase();
}
