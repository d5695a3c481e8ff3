import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { verifyPassword } from '../../db/passwords.js';
import { createUser, getUser, listUsers, setPassword, UserAdminError } from '../../db/users.js';

let dir: string;
let db: DB;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pim-users-'));
  db = openDatabase(join(dir, 'u.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const hashOf = (username: string) => db.prepare('SELECT password_hash FROM users WHERE username = ?').pluck().get(username) as string;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(UserAdminError);
    return (err as UserAdminError).code;
  }
  throw new Error('expected a UserAdminError');
}

describe('user administration', () => {
  it('creates a user with a hashed password and the given role', async () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const user = await createUser(db, { username: ' boss ', role: 'admin', password: 'secret123', displayName: '王总' }, now);
    expect(user).toMatchObject({ username: 'boss', role: 'admin', displayName: '王总', active: true, createdAt: now.toISOString() });
    expect(hashOf('boss')).not.toContain('secret123');
    expect(await verifyPassword('secret123', hashOf('boss'))).toBe(true);
  });

  it('uses the user name as display name when none is given, and allows Chinese names', async () => {
    expect((await createUser(db, { username: '张伟', role: 'clerk', password: '一二三四五六七八' })).displayName).toBe('张伟');
  });

  it('refuses a duplicate name, case ignored, with a clear error', async () => {
    await createUser(db, { username: 'boss', role: 'admin', password: 'secret123' });
    await expect(createUser(db, { username: 'BOSS', role: 'clerk', password: 'secret456' })).rejects.toThrow('A user named "boss" already exists.');
    expect(await codeOf(createUser(db, { username: 'boss', role: 'clerk', password: 'secret456' }))).toBe('USERNAME_TAKEN');
    expect(listUsers(db)).toHaveLength(1);
  });

  it('refuses a short password, saying how long it must be', async () => {
    await expect(createUser(db, { username: 'kid', role: 'clerk', password: 'demo123' })).rejects.toThrow(/at least 8 characters/);
    expect(await codeOf(createUser(db, { username: 'kid', role: 'clerk', password: '' }))).toBe('PASSWORD_TOO_SHORT');
    expect(listUsers(db)).toEqual([]);
  });

  it('refuses an unknown role and a user name with spaces', async () => {
    expect(await codeOf(createUser(db, { username: 'x', role: 'king', password: 'secret123' }))).toBe('INVALID_ROLE');
    expect(await codeOf(createUser(db, { username: 'a b', role: 'clerk', password: 'secret123' }))).toBe('INVALID_USERNAME');
    expect(await codeOf(createUser(db, { username: '', role: 'clerk', password: 'secret123' }))).toBe('INVALID_USERNAME');
  });

  it('changes a password, ends the sessions and clears the failure streak', async () => {
    const user = await createUser(db, { username: 'boss', role: 'admin', password: 'secret123' });
    db.prepare("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('t', ?, 'x', 'y')").run(user.id);
    db.prepare("INSERT INTO login_failures (username, failures) VALUES ('boss', 4)").run();
    await setPassword(db, 'Boss', 'another-secret');
    expect(await verifyPassword('another-secret', hashOf('boss'))).toBe(true);
    expect(await verifyPassword('secret123', hashOf('boss'))).toBe(false);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM login_failures').pluck().get()).toBe(0);
  });

  it('refuses to set a short password or one of an unknown user', async () => {
    await createUser(db, { username: 'boss', role: 'admin', password: 'secret123' });
    expect(await codeOf(setPassword(db, 'boss', 'short'))).toBe('PASSWORD_TOO_SHORT');
    expect(await verifyPassword('secret123', hashOf('boss'))).toBe(true);
    await expect(setPassword(db, 'nobody', 'secret123')).rejects.toThrow('There is no user named "nobody".');
  });

  it('lists users in creation order with their roles', async () => {
    await createUser(db, { username: 'boss', role: 'admin', password: 'secret123' });
    await createUser(db, { username: 'mary', role: 'warehouse', password: 'secret123', displayName: '李梅' });
    expect(listUsers(db).map((u) => [u.username, u.role, u.displayName])).toEqual([
      ['boss', 'admin', 'boss'],
      ['mary', 'warehouse', '李梅'],
    ]);
    expect(getUser(db, 'MARY')?.username).toBe('mary');
    expect(getUser(db, 'nobody')).toBeUndefined();
  });
});
