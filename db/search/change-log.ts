import type { DB } from '../open.js';

// A log of changed row ids, in commit order, read by the memory index (db/search/memory-index.ts):
// search_changes (migration 012: rows of the lists' search fields) and order_changes (migration
// 015: rows moved in the lists' orders). `seq` is never reused (AUTOINCREMENT, the write lock
// taken with BEGIN IMMEDIATE). Pruned by itself: every 10,000th change deletes those older than
// the newest 200,000 and raises the floor; a reader whose last change read is below the floor has
// missed some.

export type ChangeLog = 'search_changes' | 'order_changes';

/** The log's tables and its pruning trigger (the SQL of migrations 012 and 015). */
export function changeLogSql(log: ChangeLog): string {
  return `
CREATE TABLE ${log} (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tbl TEXT NOT NULL,
  id  INTEGER NOT NULL
);
CREATE TABLE ${log}_floor (seq INTEGER NOT NULL);
INSERT INTO ${log}_floor (seq) VALUES (0);
CREATE TRIGGER ${log}_prune AFTER INSERT ON ${log} WHEN new.seq % 10000 = 0 BEGIN
  DELETE FROM ${log} WHERE seq <= new.seq - 200000;
  UPDATE ${log}_floor SET seq = max(seq, new.seq - 200000);
END;
`;
}

/** The last change of each log. */
export function logPositions(db: DB): Record<ChangeLog, number> {
  const rows = db.prepare(`SELECT name, seq FROM sqlite_sequence WHERE name IN ('search_changes', 'order_changes')`).raw().all() as [string, number][];
  const seq = new Map(rows);
  return { search_changes: seq.get('search_changes') ?? 0, order_changes: seq.get('order_changes') ?? 0 };
}

/**
 * The distinct ids logged for `tbl` after `since` up to `latest`; null when they cannot be told:
 * the log was pruned past `since`, or more than `max` (a bulk change, cheaper to read again whole).
 */
export function loggedIds(db: DB, log: ChangeLog, tbl: string, since: number, latest: number, max: number): number[] | null {
  const floor = db.prepare(`SELECT seq FROM ${log}_floor`).pluck().get() as number;
  if (since < floor) return null;
  const ids = db.prepare(`SELECT DISTINCT id FROM ${log} WHERE seq > ? AND seq <= ? AND tbl = ? LIMIT ?`).pluck().all(since, latest, tbl, max + 1) as number[];
  return ids.length > max ? null : ids;
}
