import { createHash } from 'node:crypto';
import type { DB } from './open.js';
import type { Session } from './auth.js';
import type { MethodName } from '../shared/contract.js';
import type { CatchUpRefusal, ChangeEvent, ChangeKeys, ChangeKind } from '../shared/live.js';

// The change feed (issue 10, live updates). Every write method runs, through ChangeFeed.run, in
// one transaction with the change_log row that says what it changed (migration 011), so the
// row exists exactly when the write committed, and its AUTOINCREMENT seq is the commit order of
// every process writing the file (each write holds the write lock, BEGIN IMMEDIATE). After the
// commit the feed reads the rows it has not handed out yet, in seq order, and gives them to its
// listeners (the server's message socket, Electron's window); a server also pumps on a timer,
// which picks up the rows other processes sharing the database wrote.

/** What one write changed, before it has a seq. */
export interface Change {
  lists: string[];
  keys: ChangeKeys;
  kind: ChangeKind;
  urgent?: boolean;
  customer?: string;
}

/** Lists that show an order's own fields (status, customer, region, engineer …). */
const ORDER_LISTS = ['dispatch', 'content', 'fees', 'materials'];

const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

function documentOf(db: DB, docNo: string): { docType: string; orderNo: string | null } | null {
  return (
    (db
      .prepare('SELECT d.doc_type AS docType, o.order_no AS orderNo FROM stock_documents d LEFT JOIN dispatch_orders o ON o.id = d.order_id WHERE d.doc_no = ?')
      .get(docNo) as { docType: string; orderNo: string | null } | undefined) ?? null
  );
}

function owedOrderNo(db: DB, id: number): string | null {
  return (db.prepare('SELECT order_no FROM owed_parts WHERE id = ?').pluck().get(id) as string | undefined) ?? null;
}

/** Lists and keys a stock document of this type touches (issue and return lines belong to an order). */
function documentChange(docType: string, orderNo: string | null, docNos: string[]): Change {
  const lists =
    docType === 'issue'
      ? ['issue', 'stock', 'ledger', 'materials', 'owed', 'fees']
      : docType === 'return'
        ? ['return', 'stock', 'ledger', 'materials', 'fees']
        : ['stock', 'ledger'];
  return { lists, keys: { docNos, ...(orderNo ? { orderNos: [orderNo] } : {}) }, kind: 'created' };
}

/**
 * What a committed write changed, derived from its method, params and result inside its own
 * transaction (so the rows it wrote can be read). Null for a method that changes no shared list.
 */
export function describeChange(db: DB, method: MethodName, params: Record<string, unknown>, result: Record<string, unknown>): Change | null {
  const p = params as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = result as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (method) {
    case 'dispatch.create': {
      const orderNo = String(r.orderNo);
      return { lists: ['dispatch'], keys: { orderNos: [orderNo] }, kind: 'created', urgent: p.order?.urgency === 'urgent', customer: String(p.order?.customer ?? '') };
    }
    case 'dispatch.update':
      return { lists: ORDER_LISTS, keys: { orderNos: [p.orderNo] }, kind: 'updated' };
    case 'dispatch.delete':
      return { lists: ['dispatch', 'materials'], keys: { orderNos: uniq(p.orderNos as string[]) }, kind: 'deleted' };
    case 'dispatch.setStatus':
      // Completing with owed parts records them in the same transaction.
      return { lists: p.status === 'completed' ? [...ORDER_LISTS, 'owed'] : ORDER_LISTS, keys: { orderNos: [p.orderNo] }, kind: 'status' };
    case 'dispatch.returnVisit':
      return { lists: ORDER_LISTS, keys: { orderNos: [p.orderNo] }, kind: 'status' };
    case 'dispatch.saveContent':
      return { lists: ['content', 'dispatch'], keys: { orderNos: [p.orderNo] }, kind: 'updated' };
    case 'dispatch.saveFees':
      return { lists: ['fees', 'dispatch'], keys: { orderNos: [p.orderNo] }, kind: 'updated' };
    case 'materials.save':
      return { lists: ['materials', 'fees', 'dispatch'], keys: { orderNos: [p.orderNo] }, kind: 'updated' };
    case 'regions.create':
      return { lists: ['regions'], keys: { ids: [Number(r.id)] }, kind: 'created' };
    case 'regions.rename':
      return { lists: ['regions', ...ORDER_LISTS, 'owed'], keys: { ids: [p.id] }, kind: 'updated' };
    case 'regions.move':
      return { lists: ['regions'], keys: { ids: [p.id] }, kind: 'updated' };
    case 'regions.delete':
      return { lists: ['regions'], keys: { ids: [p.id] }, kind: 'deleted' };
    case 'taskTypes.save':
      return { lists: ['taskTypes', ...(p.id ? ORDER_LISTS : [])], keys: { ids: [Number(p.id ?? r.id ?? 0)].filter(Boolean) }, kind: p.id ? 'updated' : 'created' };
    case 'parts.save': {
      const updated = Boolean(p.part?.id);
      return { lists: updated ? ['parts', 'stock', 'ledger', 'materials'] : ['parts'], keys: { ids: [Number(r.id)] }, kind: updated ? 'updated' : 'created' };
    }
    case 'warehouses.save': {
      const updated = Boolean(p.warehouse?.id);
      return { lists: updated ? ['warehouses', 'stock', 'ledger'] : ['warehouses'], keys: { ids: [Number(r.id)] }, kind: updated ? 'updated' : 'created' };
    }
    case 'stock.receive':
    case 'stock.adjust':
      return documentChange('receipt', null, [String(r.docNo)]);
    case 'issues.post':
      return documentChange('issue', String(p.orderNo), [String(r.docNo)]);
    case 'returns.post':
      return documentChange('return', String(p.orderNo), [String(r.docNo)]);
    case 'stock.reverse': {
      // A reversal undoes what the reversed document did, in the same lists.
      const original = documentOf(db, String(p.docNo));
      return documentChange(original?.docType ?? 'receipt', original?.orderNo ?? null, [String(r.docNo), String(p.docNo)]);
    }
    case 'owed.create':
    case 'owed.update':
    case 'owed.close': {
      const id = Number(method === 'owed.create' ? r.id : p.id);
      const orderNo = owedOrderNo(db, id);
      return {
        lists: ['owed', 'materials'],
        keys: { ids: [id], ...(orderNo ? { orderNos: [orderNo] } : {}) },
        kind: method === 'owed.create' ? 'created' : method === 'owed.close' ? 'status' : 'updated',
      };
    }
    default:
      return null;
  }
}

/** The methods whose committed writes are published (shared/roles.ts writeRoles). */
export const PUBLISHED_METHODS: ReadonlySet<string> = new Set<MethodName>([
  'dispatch.create',
  'dispatch.update',
  'dispatch.delete',
  'dispatch.setStatus',
  'dispatch.returnVisit',
  'dispatch.saveContent',
  'dispatch.saveFees',
  'regions.create',
  'regions.rename',
  'regions.delete',
  'regions.move',
  'taskTypes.save',
  'parts.save',
  'warehouses.save',
  'stock.receive',
  'stock.adjust',
  'stock.reverse',
  'issues.post',
  'returns.post',
  'materials.save',
  'owed.create',
  'owed.update',
  'owed.close',
]);

/**
 * A desk's id in the feed: derived from the session's id (itself a hash of the token), one way,
 * so it tells a desk its own writes without saying anything that opens a session.
 */
export function deskOf(sessionId: string): string {
  return createHash('sha256').update(`pim-desk\0${sessionId}`).digest('hex').slice(0, 16);
}

interface Row {
  seq: number;
  at: string;
  method: string;
  kind: ChangeKind;
  lists: string;
  keys: string;
  by_name: string;
  desk: string;
  info: string;
}

function toEvent(row: Row): ChangeEvent {
  const info = JSON.parse(row.info || '{}') as { urgent?: boolean; customer?: string };
  return {
    seq: row.seq,
    lists: JSON.parse(row.lists) as string[],
    keys: JSON.parse(row.keys) as ChangeKeys,
    kind: row.kind,
    by: row.by_name,
    at: row.at,
    method: row.method,
    desk: row.desk,
    ...(info.urgent ? { urgent: true } : {}),
    ...(info.customer !== undefined ? { customer: info.customer } : {}),
  };
}

export type ChangeListener = (event: ChangeEvent) => void;

/** Rows kept: the log carries changes between processes and to desks catching up; one away longer refreshes instead. */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** Pruned every this many writes. */
const PRUNE_EVERY = 500;

/**
 * The change feed of one Backend: records each write's change in its transaction, and hands the
 * committed rows to listeners in seq order, each once. `seq` is the last seq handed out: a
 * socket greeted with it receives every later one.
 */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private cursor: number | null = null;
  private writes = 0;
  private pumping = false;

  constructor(
    private readonly db: DB,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The last seq handed to listeners (on first use: the last one in the database). */
  get seq(): number {
    if (this.cursor === null) this.cursor = this.latestInDb();
    return this.cursor;
  }

  private latestInDb(): number {
    try {
      return (this.db.prepare('SELECT ifnull(max(seq), 0) FROM change_log').pluck().get() as number) ?? 0;
    } catch {
      // An older database without the table (a read-only connection before migration): nothing to hand out.
      return 0;
    }
  }

  /** Whether a method's writes are published. */
  publishes(method: string): boolean {
    return PUBLISHED_METHODS.has(method);
  }

  subscribe(listener: ChangeListener): () => void {
    void this.seq; // the cursor starts at what already is, never at history
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs a write method in one transaction with its change_log row; after the commit, hands the
   * new rows to the listeners. A write that throws leaves neither. Write handlers are synchronous
   * (better-sqlite3): the services' own transactions become savepoints inside this one.
   */
  run<T>(method: MethodName, params: unknown, session: Session | null, write: () => T): T {
    void this.seq; // rows written from now on are new to the listeners
    const result = this.db
      .transaction(() => {
        const value = write();
        if (value instanceof Promise) throw new Error(`${method}: a published write must be synchronous.`);
        const change = describeChange(this.db, method, (params ?? {}) as Record<string, unknown>, (value ?? {}) as Record<string, unknown>);
        if (change) this.record(change, method, session);
        return value;
      })
      .immediate();
    this.pump();
    if (++this.writes % PRUNE_EVERY === 0) this.prune();
    return result;
  }

  private record(change: Change, method: string, session: Session | null): void {
    const info = { ...(change.urgent ? { urgent: true } : {}), ...(change.customer !== undefined ? { customer: change.customer } : {}) };
    this.db
      .prepare('INSERT INTO change_log (at, method, kind, lists, keys, by_user_id, by_name, desk, info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        this.now().toISOString(),
        method,
        change.kind,
        JSON.stringify(uniq(change.lists)),
        JSON.stringify(change.keys),
        session?.user.id ?? null,
        session?.user.displayName ?? '',
        session ? deskOf(session.id) : '',
        JSON.stringify(info),
      );
  }

  /**
   * Hands every committed row past the cursor to the listeners, in seq order. Called after each
   * write of this process and, on a server, on a timer for the writes of other processes.
   */
  pump(): ChangeEvent[] {
    if (this.pumping) return [];
    this.pumping = true;
    const out: ChangeEvent[] = [];
    try {
      const read = this.db.prepare('SELECT seq, at, method, kind, lists, keys, by_name, desk, info FROM change_log WHERE seq > ? ORDER BY seq LIMIT 500');
      for (;;) {
        const rows = read.all(this.seq) as Row[];
        for (const row of rows) {
          const event = toEvent(row);
          this.cursor = row.seq;
          out.push(event);
          for (const listener of this.listeners) {
            try {
              listener(event);
            } catch (err) {
              console.error('a change listener failed:', err);
            }
          }
        }
        if (rows.length === 0) break;
      }
    } finally {
      this.pumping = false;
    }
    return out;
  }

  /**
   * The events a desk that has seen up to `from` missed, for its catch-up: every row after
   * `from` already handed out (up to `seq`; later ones reach it live), in seq order. Refused
   * when there are more than `limit`, when the log no longer holds them all (pruned), or when
   * `from` is past anything handed out (a seq of another database). Reads only.
   */
  catchUp(from: number, limit: number): { events: ChangeEvent[] } | { refused: CatchUpRefusal } {
    const to = this.seq;
    if (!Number.isSafeInteger(from) || from < 0 || from > to) return { refused: 'unknown' };
    if (to - from > limit) return { refused: 'tooMany' };
    if (to === from) return { events: [] };
    const rows = this.db
      .prepare('SELECT seq, at, method, kind, lists, keys, by_name, desk, info FROM change_log WHERE seq > ? AND seq <= ? ORDER BY seq')
      .all(from, to) as Row[];
    // seq has no holes, so a missing row was pruned: what is left would not tell the whole story.
    if (rows.length !== to - from) return { refused: 'pruned' };
    return { events: rows.map(toEvent) };
  }

  /** Drops rows older than a day (the seq keeps counting: AUTOINCREMENT). */
  prune(): void {
    try {
      this.db.prepare('DELETE FROM change_log WHERE at < ? AND seq < ?').run(new Date(this.now().getTime() - KEEP_MS).toISOString(), this.seq);
    } catch (err) {
      console.error('the change log could not be pruned:', err);
    }
  }
}
