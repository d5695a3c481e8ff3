import type { Backend } from '../db/backend.js';
import { deskOf } from '../db/change-log.js';
import { events } from '../shared/events.js';
import {
  CATCH_UP_LIMIT,
  isResponsible,
  URGENT_AT_CONNECT_MS,
  URGENT_ORDER_ROLES,
  type ChangeEvent,
  type LiveHello,
  type LiveNotice,
  type OverdueOwed,
} from '../shared/live.js';
import type { Desk, Greeting, MessageServer } from './messages.js';

// Live updates on the message socket (issue 10): every committed write, in commit order with
// its seq, to every desk; the hello says the last seq sent, and the socket's own desk id; a
// desk that reconnects with the last seq it has is sent what it missed first (catch-up); the
// notices that matter to a role or a person go to those desks only; a socket whose session
// ended is closed.

export interface LiveUpdatesOptions {
  /**
   * How often the change log is read for the writes of other server processes sharing the
   * database (this process's own writes are sent at once). Default 1 s; 0 turns it off.
   */
  pollMs?: number;
  /** How often owed parts are checked for ones that have turned overdue. Default 5 min; 0 off. */
  overdueCheckMs?: number;
  /** How often open sockets are checked against their sessions (expiry, disabled user). Default 30 s; 0 off. */
  sessionCheckMs?: number;
  /** At most this many events are replayed to a reconnecting desk (default CATCH_UP_LIMIT). */
  catchUpLimit?: number;
  log?: (message: string) => void;
}

export interface LiveUpdates {
  /** Reads the change log, checks overdue owed parts and the sockets' sessions now (tests; the timers do it otherwise). */
  checkNow(): void;
  close(): void;
}

interface OverdueRow {
  id: number;
  order_no: string | null;
  customer: string | null;
  part_no: string | null;
  part_name: string | null;
  remaining: number;
  promised_date: string;
  days_overdue: number;
  responsible: string;
}

const toOverdue = (r: OverdueRow): OverdueOwed => ({
  id: r.id,
  orderNo: r.order_no ?? '',
  customer: r.customer ?? '',
  partNo: r.part_no ?? '',
  partName: r.part_name ?? '',
  remaining: r.remaining,
  promisedDate: r.promised_date,
  daysOverdue: r.days_overdue,
  responsible: r.responsible,
});

const overdueNotice = (owed: OverdueOwed): LiveNotice => ({ type: 'owedOverdue', key: `owed:${owed.id}`, owed });

const urgentNotice = (orderNo: string, customer: string, by: string, at: string): LiveNotice => ({ type: 'urgentOrder', key: `urgent:${orderNo}`, orderNo, customer, by, at });

/** Wires the backend's change feed to the message server. */
export function startLiveUpdates(backend: Backend, messages: MessageServer, options: LiveUpdatesOptions = {}): LiveUpdates {
  const log = options.log ?? ((m: string) => console.log(m));
  const db = backend.db;
  const feed = backend.changes;

  const catchUpLimit = options.catchUpLimit ?? CATCH_UP_LIMIT;
  const pump = () => {
    try {
      feed.pump();
    } catch (err) {
      log(`change log not read: ${(err as Error)?.message ?? err}`);
    }
  };

  messages.setGreeting((session, since): Greeting => {
    // Hand out what other processes wrote first, so the hello's seq is as fresh as it can be
    // and a desk that last heard from a quicker process is not taken for one from the future.
    pump();
    const seq = feed.seq;
    const hello: Partial<LiveHello> = { seq, desk: deskOf(session.id) };
    if (since === null) return { hello };
    let caught: ReturnType<typeof feed.catchUp>;
    try {
      caught = feed.catchUp(since, catchUpLimit);
    } catch (err) {
      log(`catch-up not read: ${(err as Error)?.message ?? err}`);
      caught = { refused: 'failed' };
    }
    if ('refused' in caught) return { hello: { ...hello, replayRefused: caught.refused } };
    // Data events go to every desk alike (as live ones do); the notices a desk missed are sent
    // again at connect (onOpen below), and the client shows each once.
    return {
      hello: { ...hello, replay: { from: since, count: caught.events.length } },
      then: caught.events.map((change) => ({ event: events.dataChanged, data: change })),
    };
  });

  const unsubscribe = feed.subscribe((change: ChangeEvent) => {
    messages.broadcast({ event: events.dataChanged, data: change });
    if (change.urgent && change.method === 'dispatch.create') {
      const orderNo = change.keys.orderNos?.[0] ?? '';
      const notice = urgentNotice(orderNo, change.customer ?? '', change.by, change.at);
      messages.sendTo((desk) => URGENT_ORDER_ROLES.includes(desk.session.user.role) && deskOf(desk.session.id) !== change.desk, { event: events.notice, data: notice });
    }
  });

  /** The urgent orders a clerk or manager connecting now is told of (shared/live.ts URGENT_AT_CONNECT_MS). */
  const urgentAtConnect = (desk: string): LiveNotice[] => {
    const after = new Date(Date.now() - URGENT_AT_CONNECT_MS).toISOString();
    const rows = db
      .prepare(
        `SELECT o.order_no, o.customer, o.created_at, ifnull(u.display_name, '') AS by_name
         FROM dispatch_orders o LEFT JOIN users u ON u.id = o.created_by
         WHERE o.urgency = 'urgent' AND o.status = 'pending' AND o.created_at >= ?
           AND NOT EXISTS (SELECT 1 FROM change_log c
                           WHERE c.method = 'dispatch.create' AND c.desk = ? AND c.at >= ?
                             AND json_extract(c.keys, '$.orderNos[0]') = o.order_no)
         ORDER BY o.created_at, o.id LIMIT 200`,
      )
      .all(after, desk, after) as { order_no: string; customer: string; created_at: string; by_name: string }[];
    return rows.map((r) => urgentNotice(r.order_no, r.customer, r.by_name, r.created_at));
  };

  const overdueNow = (responsible?: string): OverdueOwed[] => {
    const rows = db
      .prepare(
        `SELECT id, order_no, customer, part_no, part_name, remaining, promised_date, days_overdue, responsible
         FROM owed_part_list WHERE overdue = 1 ${responsible === undefined ? '' : 'AND lower(trim(responsible)) = lower(trim(?))'}
         ORDER BY promised_date, id LIMIT 500`,
      )
      .all(...(responsible === undefined ? [] : [responsible])) as OverdueRow[];
    return rows.map(toOverdue);
  };

  // At connect: the recent urgent orders still waiting for a clerk or manager, and the overdue
  // owed parts this user is responsible for (the client shows each once a session).
  const offOpen = messages.onOpen((desk: Desk) => {
    if (URGENT_ORDER_ROLES.includes(desk.session.user.role)) {
      try {
        for (const notice of urgentAtConnect(deskOf(desk.session.id))) desk.send({ event: events.notice, data: notice });
      } catch (err) {
        log(`urgent orders not checked: ${(err as Error)?.message ?? err}`);
      }
    }
    const name = desk.session.user.displayName;
    if (!name.trim()) return;
    try {
      for (const owed of overdueNow(name)) desk.send({ event: events.notice, data: overdueNotice(owed) });
    } catch (err) {
      log(`overdue owed parts not checked: ${(err as Error)?.message ?? err}`);
    }
  });

  // Periodically: records that turned overdue since the last check, to whoever is responsible.
  let known: Set<number> | null = null;
  const checkOverdue = () => {
    let now: OverdueOwed[];
    try {
      now = overdueNow();
    } catch (err) {
      log(`overdue owed parts not checked: ${(err as Error)?.message ?? err}`);
      return;
    }
    const before = known;
    known = new Set(now.map((o) => o.id));
    if (!before) return; // the first check only learns what already was (sent at connect)
    for (const owed of now) {
      if (before.has(owed.id)) continue;
      messages.sendTo((desk) => isResponsible(owed.responsible, desk.session.user.displayName), { event: events.notice, data: overdueNotice(owed) });
    }
  };
  checkOverdue();

  const checkSessions = () => {
    try {
      messages.closeEndedSessions();
    } catch (err) {
      log(`sessions of the message sockets not checked: ${(err as Error)?.message ?? err}`);
    }
  };

  const pollMs = options.pollMs ?? 1000;
  const overdueMs = options.overdueCheckMs ?? 5 * 60_000;
  const sessionMs = options.sessionCheckMs ?? 30_000;
  const pollTimer = pollMs > 0 ? setInterval(pump, pollMs) : null;
  const overdueTimer = overdueMs > 0 ? setInterval(checkOverdue, overdueMs) : null;
  const sessionTimer = sessionMs > 0 ? setInterval(checkSessions, sessionMs) : null;
  pollTimer?.unref();
  overdueTimer?.unref();
  sessionTimer?.unref();

  return {
    checkNow() {
      pump();
      checkOverdue();
      checkSessions();
    },
    close() {
      if (pollTimer) clearInterval(pollTimer);
      if (overdueTimer) clearInterval(overdueTimer);
      if (sessionTimer) clearInterval(sessionTimer);
      unsubscribe();
      offOpen();
    },
  };
}
