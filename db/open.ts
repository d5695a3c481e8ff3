import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations/index.js';

export type DB = Database.Database;

export class MigrationError extends Error {}

/**
 * Opens (creating if needed) the SQLite file and brings its schema up to date. Each migration
 * runs in its own transaction together with the version bump, so a failure leaves the database
 * at the previous version with nothing half-applied.
 */
export function openDatabase(file: string, options: { migrations?: readonly Migration[]; readonly?: boolean } = {}): DB {
  const db = new Database(file, { readonly: options.readonly ?? false });
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    if (!options.readonly) migrate(db, options.migrations ?? allMigrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function schemaVersion(db: DB): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: DB, migrations: readonly Migration[]): void {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new MigrationError(
      `The database is at schema version ${current}, newer than this program (${latest}). Update the program.`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    const apply = db.transaction(() => {
      // Re-read inside the lock: another process may have applied it while we waited.
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      // IMMEDIATE: two processes opening a new file at once must not both migrate.
      apply.immediate();
    } catch (err) {
      throw new MigrationError(`Migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
    }
    if (schemaVersion(db) < m.version) {
      throw new MigrationError(`Migration ${m.version} (${m.name}) did not record its version.`);
    }
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
