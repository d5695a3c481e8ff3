import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { fold } from '../shared/text/fold.js';
import { sortKey, sortKeyPrimary } from '../shared/text/sort-key.js';
import { pinyinMatch } from '../shared/text/pinyin-match.js';

export type DB = Database.Database;

export class MigrationError extends Error {}

const registered = new WeakSet<DB>();

// A list repeats its names (a customer on many contracts), and matching by pinyin costs far more
// than folding: each distinct text is matched once per query typed. Bounded like sort-key.ts.
const pinyinCache = new Map<string, Map<string, boolean>>();
let pinyinCached = 0;
const PINYIN_CACHE_MAX = 50_000;

function cachedPinyinMatch(value: string | null, query: string): boolean {
  if (value === null) return pinyinMatch(value, query);
  let results = pinyinCache.get(query);
  let hit = results?.get(value);
  if (hit !== undefined) return hit;
  hit = pinyinMatch(value, query);
  if (pinyinCached >= PINYIN_CACHE_MAX) {
    pinyinCache.clear();
    pinyinCached = 0;
    results = undefined;
  }
  if (!results) pinyinCache.set(query, (results = new Map()));
  results.set(value, hit);
  pinyinCached++;
  return hit;
}

/**
 * The SQL functions of the text rules (shared/text): pim_fold(text) — the folded text every
 * `contains` is matched against — and pim_sortkey(text) — the order of text columns — with
 * pim_sortprimary(text), its primary part (the sort-key tables of migration 009 stored it, and
 * their triggers call it until migration 011 replaces them with whole keys) — and
 * pim_pinyin(text, typed), 1 when the text matches what was typed as the pickers match it (the
 * condition op `pinyin`; queries only, no trigger calls it). Registered
 * on every connection this program opens (openDatabase, read-only ones, export readers).
 *
 * The triggers that keep the search index and the stored sort keys call them, so a connection
 * without them (the sqlite3 shell, another tool) cannot write the tables those triggers watch:
 * the write fails with "no such function: pim_fold" instead of leaving the index out of step
 * with the rows. That is intended. Reading, backups (they copy pages) and integrity checks need
 * no function: no index or view is built on an expression that calls one.
 */
export function registerTextFunctions(db: DB): DB {
  if (registered.has(db)) return db;
  const text = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
  db.function('pim_fold', { deterministic: true }, (v: unknown) => {
    const t = text(v);
    return t === null ? null : fold(t);
  });
  db.function('pim_sortkey', { deterministic: true }, (v: unknown) => sortKey(text(v)));
  // The primary part of the key: what migration 009's sort-key triggers store (see above).
  db.function('pim_sortprimary', { deterministic: true }, (v: unknown) => sortKeyPrimary(text(v)));
  db.function('pim_pinyin', { deterministic: true }, (v: unknown, q: unknown) => (cachedPinyinMatch(text(v), text(q) ?? '') ? 1 : 0));
  registered.add(db);
  return db;
}

/**
 * 64 MiB of page cache (default 2 MiB), on every connection: the sort-key indexes take their rows
 * in key order, not in insert order, and a write that must read their pages back from the OS is
 * slow; a read that orders thousands of ids reads a page each (~4 µs an id from the OS, ~1 µs
 * from the cache: 9,000 fee lines ordered in 38 ms or 9 ms at 10⁶ orders).
 */
const PAGE_CACHE = 'cache_size = -65536';

/** A read-only connection of this program's own (busy timeout, the text functions). */
export function openReadonly(file: string): DB {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma(PAGE_CACHE);
    return registerTextFunctions(db);
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Opens (creating if needed) the SQLite file and brings its schema up to date. Each migration
 * runs in its own transaction together with the version bump, so a failure leaves the database
 * at the previous version with nothing half-applied.
 */
export function openDatabase(file: string, options: { migrations?: readonly Migration[]; readonly?: boolean } = {}): DB {
  const db = new Database(file, { readonly: options.readonly ?? false });
  try {
    registerTextFunctions(db);
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma(PAGE_CACHE);
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
