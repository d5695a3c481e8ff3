import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { DB } from './open.js';
import { migrations } from './migrations/index.js';

// Backups while desks work, and the way back (issue 10).
//
// A backup is SQLite's online backup (better-sqlite3's db.backup()): a consistent copy of the
// database as of one moment, taken beside the server's writes (WAL lets a reader copy while the
// one writer goes on). The copy is checked (PRAGMA integrity_check) before it gets its final
// name, so a file named like a backup is a good one; the newest `keep` are kept.
//
// A restore refuses a database that is in use (some connection has it open: a server, the
// desktop client, a script) and a backup that fails its checks, and keeps the database it
// replaces beside it.

export const DEFAULT_KEEP = 14;

export class BackupError extends Error {}

export interface BackupOptions {
  /** How many backups of this database to keep in the folder (newest first); default 14. */
  keep?: number;
  /** The time the backup is named after (tests). */
  now?: Date;
  /**
   * Pages copied per step when `source` is a connection the caller keeps using (the server's):
   * the copy then runs in steps between its calls, and its own writes are carried into the
   * copy as they happen. A file name is copied in one step on a connection of its own.
   */
  pagesPerStep?: number;
}

export interface BackupResult {
  file: string;
  bytes: number;
  /** Older backups deleted to keep `keep`. */
  removed: string[];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `pim-20260630T101500Z.db` for `pim.db`: sorts by time, names the database it came from. */
export function backupName(dbFile: string, now: Date): string {
  const base = basename(dbFile, extname(dbFile)) || 'database';
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}T${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}Z`;
  return `${base}-${stamp}.db`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The backups of `dbFile` in `dir`, newest first. */
export function listBackups(dbFile: string, dir: string): string[] {
  const base = basename(dbFile, extname(dbFile)) || 'database';
  const pattern = new RegExp(`^${escapeRe(base)}-\\d{8}T\\d{6}Z(-\\d+)?\\.db$`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => pattern.test(n))
    .sort()
    .reverse()
    .map((n) => join(dir, n));
}

/** Problems PRAGMA integrity_check finds in a database file; empty when it is sound. */
function integrityProblems(db: DB): string[] {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
}

/**
 * Takes a backup of `source` (a database file, or an open connection) into `toDir`, checks it
 * and keeps the newest `keep`. Throws BackupError (and leaves no backup-named file) when the
 * copy fails its check.
 */
export async function backupDatabase(source: string | DB, toDir: string, options: BackupOptions = {}): Promise<BackupResult> {
  const keep = options.keep ?? DEFAULT_KEEP;
  if (!Number.isInteger(keep) || keep < 1) throw new BackupError(`Keep at least one backup (got ${keep}).`);
  const dbFile = typeof source === 'string' ? resolve(source) : source.name;
  if (typeof source === 'string' && !existsSync(dbFile)) throw new BackupError(`There is no database file ${dbFile}.`);
  const dir = resolve(toDir);
  mkdirSync(dir, { recursive: true });

  let name = backupName(dbFile, options.now ?? new Date());
  for (let n = 2; existsSync(join(dir, name)); n++) name = backupName(dbFile, options.now ?? new Date()).replace(/\.db$/, `-${n}.db`);
  const file = join(dir, name);
  const partial = join(dir, `.${name}.partial`);
  rmSync(partial, { force: true });

  const own = typeof source === 'string';
  const conn: DB = own ? new Database(dbFile, { readonly: true, fileMustExist: true }) : source;
  try {
    if (own) conn.pragma('busy_timeout = 5000');
    let previousRemaining = Infinity;
    let restarts = 0;
    await conn.backup(partial, {
      progress: ({ remainingPages }) => {
        // One step on a connection of our own: the whole copy from one snapshot, however busy
        // the writers in other processes are (a stepped copy restarts at each foreign write).
        if (own) return 0x7fffffff;
        if (remainingPages > previousRemaining) restarts++;
        previousRemaining = remainingPages;
        return restarts > 3 ? 0x7fffffff : (options.pagesPerStep ?? 2048);
      },
    });
  } catch (err) {
    rmSync(partial, { force: true });
    throw new BackupError(`The backup of ${dbFile} failed: ${(err as Error).message}`);
  } finally {
    if (own) conn.close();
  }

  // The copy is one self-contained file (no -wal beside it), checked before it is named.
  const copy = new Database(partial, { fileMustExist: true });
  let problems: string[];
  try {
    copy.pragma('journal_mode = DELETE');
    problems = integrityProblems(copy);
  } finally {
    copy.close();
  }
  if (problems.length) {
    rmSync(partial, { force: true });
    throw new BackupError(`The copy of ${dbFile} failed its integrity check: ${problems.slice(0, 5).join('; ')}`);
  }
  renameSync(partial, file);

  const removed: string[] = [];
  for (const old of listBackups(dbFile, dir).slice(keep)) {
    rmSync(old, { force: true });
    removed.push(old);
  }
  return { file, bytes: statSync(file).size, removed };
}

/**
 * Whether some connection has the database open (a server, the desktop client, a script): an
 * exclusive lock is asked for without waiting. In WAL mode every open connection holds a shared
 * lock, so even an idle server is seen.
 */
export function databaseInUse(dbFile: string): boolean {
  if (!existsSync(dbFile)) return false;
  const db = new Database(dbFile, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    db.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY' || (err as { code?: string }).code === 'SQLITE_LOCKED') return true;
    throw err;
  } finally {
    db.close();
  }
}

/** Checks a backup file (a copy of it, so the backup itself is never touched): sound, ours, not from a newer program. */
function checkBackupCopy(copyFile: string, label: string): { schemaVersion: number } {
  let db: DB;
  try {
    db = new Database(copyFile, { fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${label} cannot be opened as a database: ${(err as Error).message}`);
  }
  try {
    let problems: string[];
    try {
      db.pragma('journal_mode = DELETE');
      problems = integrityProblems(db);
    } catch (err) {
      throw new BackupError(`${label} is not a readable database: ${(err as Error).message}`);
    }
    if (problems.length) throw new BackupError(`${label} fails its integrity check: ${problems.slice(0, 5).join('; ')}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta || version < 1) throw new BackupError(`${label} is not a database of this program.`);
    const latest = migrations.at(-1)!.version;
    if (version > latest) throw new BackupError(`${label} is at schema version ${version}, newer than this program (${latest}). Update the program first.`);
    return { schemaVersion: version };
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  /** The database file now holding the backup. */
  dbFile: string;
  /** Where the database it replaced was kept, or null when there was none. */
  previous: string | null;
  schemaVersion: number;
}

/**
 * Puts a backup in place of `dbFile`: refuses while the database is in use and when the backup
 * fails its checks; the replaced database (with its -wal and -shm, which must never be applied
 * to the restored file) is kept as `<db>.before-restore-<time>`.
 */
export function restoreDatabase(backupFile: string, dbFile: string, now = new Date()): RestoreResult {
  const from = resolve(backupFile);
  const target = resolve(dbFile);
  if (!existsSync(from) || !statSync(from).isFile()) throw new BackupError(`There is no backup file ${from}.`);
  if (from === target) throw new BackupError('The backup and the database are the same file.');
  if (!existsSync(dirname(target))) throw new BackupError(`The folder ${dirname(target)} does not exist.`);
  if (databaseInUse(target)) {
    throw new BackupError(
      `The database ${target} is in use (a server, the desktop client or a script has it open). Stop it first, then restore.`,
    );
  }
  const incoming = `${target}.restoring`;
  rmSync(incoming, { force: true });
  copyFileSync(from, incoming);
  let checked: { schemaVersion: number };
  try {
    checked = checkBackupCopy(incoming, `The backup ${from}`);
  } catch (err) {
    rmSync(incoming, { force: true });
    throw err;
  }
  // Checked again just before the swap: the copy and checks took a moment.
  if (databaseInUse(target)) {
    rmSync(incoming, { force: true });
    throw new BackupError(`The database ${target} was opened meanwhile. Stop what uses it, then restore.`);
  }
  let previous: string | null = null;
  const stamp = backupName('x', now).slice(2, -3);
  if (existsSync(target)) {
    previous = `${target}.before-restore-${stamp}`;
    renameSync(target, previous);
  }
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (existsSync(target + suffix)) renameSync(target + suffix, `${previous ?? target}${previous ? '' : '.stale'}${suffix}`);
  }
  renameSync(incoming, target);
  return { dbFile: target, previous, schemaVersion: checked.schemaVersion };
}
