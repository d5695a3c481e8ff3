import type { Backend } from '../db/backend.js';
import { deskOf } from '../db/change-log.js';
import { events } from '../shared/events.js';
import { isResponsible, URGENT_ORDER_ROLES, type ChangeEvent, type LiveNotice, type OverdueOwed } from '../shared/live.js';
import type { Desk, MessageServer } from './messages.js';

// Live updates on the message socket (issue 10): every committed write, in commit order with
// its seq, to every desk; the hello says the last seq sent, and the socket's own desk id; the
// notices that matter to a role or a person go to those desks only.

export interface LiveUpdatesOptions {
  /**
   * How often the change log is read for the writes of other server processes sharing the
   * database (this process's own writes are sent at once). Default 1 s; 0 turns it off.
   */
  pollMs?: number;
  /** How often owed parts are checked for ones that have turned overdue. Default 5 min; 0 off. */
  overdueCheckMs?: number;
  log?: (message: string) => void;
}

export interface LiveUpdates {
  /** Reads the change log and checks overdue owed parts now (tests; the timers do it otherwise). */
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

/** Wires the backend's change feed to the message server. */
export function startLiveUpdates(backend: Backend, messages: MessageServer, options: LiveUpdatesOptions = {}): LiveUpdates {
  const log = options.log ?? ((m: string) => console.log(m));
  const db = backend.db;
  const feed = backend.changes;

  messages.setHello((session) => ({ seq: feed.seq, desk: deskOf(session.id) }));

  const unsubscribe = feed.subscribe((change: ChangeEvent) => {
    messages.broadcast({ event: events.dataChanged, data: change });
    if (change.urgent && change.method === 'dispatch.create') {
      const orderNo = change.keys.orderNos?.[0] ?? '';
      const notice: LiveNotice = { type: 'urgentOrder', key: `urgent:${orderNo}`, orderNo, customer: change.customer ?? '', by: change.by, at: change.at };
      messages.sendTo((desk) => URGENT_ORDER_ROLES.includes(desk.session.user.role) && deskOf(desk.session.id) !== change.desk, { event: events.notice, data: notice });
    }
  });

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

  // At connect: the overdue owed parts this user is responsible for (the client shows each once a session).
  const offOpen = messages.onOpen((desk: Desk) => {
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

  const pump = () => {
    try {
      feed.pump();
    } catch (err) {
      log(`change log not read: ${(err as Error)?.message ?? err}`);
    }
  };
  const pollMs = options.pollMs ?? 1000;
  const overdueMs = options.overdueCheckMs ?? 5 * 60_000;
  const pollTimer = pollMs > 0 ? setInterval(pump, pollMs) : null;
  const overdueTimer = overdueMs > 0 ? setInterval(checkOverdue, overdueMs) : null;
  pollTimer?.unref();
  overdueTimer?.unref();

  return {
    checkNow() {
      pump();
      checkOverdue();
    },
    close() {
      if (pollTimer) clearInterval(pollTimer);
      if (overdueTimer) clearInterval(overdueTimer);
      unsubscribe();
      offOpen();
    },
  };
}
