import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationError, openDatabase, schemaVersion } from '../../db/open.js';
import { migrations } from '../../db/migrations/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pim-migrations-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tables = (db: ReturnType<typeof openDatabase>) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('migrations', () => {
  it('creates the schema from empty, in WAL mode with foreign keys on', () => {
    const db = openDatabase(join(dir, 'a.db'));
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    expect(tables(db)).toEqual(expect.arrayContaining([
      'users', 'roles', 'sessions', 'login_failures', 'sales_contracts', 'sales_regions', 'task_types',
      'engineers', 'devices', 'dispatch_orders', 'dispatch_order_list', 'meta',
    ]));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('re-opens without applying anything again and keeps the data', () => {
    const file = join(dir, 'b.db');
    const db = openDatabase(file);
    db.prepare("INSERT INTO meta (key, value) VALUES ('x', '1')").run();
    db.close();
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(migrations.at(-1)!.version);
    expect(again.prepare("SELECT value FROM meta WHERE key = 'x'").get()).toEqual({ value: '1' });
    again.close();
  });

  it('rolls a failing migration back whole: no half-applied schema remains', () => {
    const file = join(dir, 'c.db');
    const broken = [
      ...migrations,
      { version: 99, name: 'broken', sql: 'CREATE TABLE half_done (x INTEGER); INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(MigrationError);
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    expect(tables(db)).not.toContain('half_done');
    db.close();
  });

  it('refuses a database newer than the program', () => {
    const file = join(dir, 'd.db');
    openDatabase(file, { migrations: [...migrations, { version: 50, name: 'future', sql: 'SELECT 1;' }] }).close();
    expect(() => openDatabase(file)).toThrow(/newer than this program/);
  });
});
