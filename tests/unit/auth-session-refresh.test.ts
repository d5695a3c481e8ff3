import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Auth } from '../../db/auth.js';
import { Backend } from '../../db/backend.js';
import { openDatabase, type DB } from '../../db/open.js';
import { createUser } from '../../db/users.js';

// Issue 10: reads never write. A session's idle expiry (8 h) is extended at most once a minute,
// so a desk querying every few seconds writes its session once a minute instead of every call.
const HOUR = 3_600_000;
const TTL = 8 * HOUR;
let db: DB;
let clock: number;

/** Counts the writes to the sessions table (a temp trigger of this connection). */
function countSessionWrites(d: DB): () => number {
  d.exec(`CREATE TEMP TABLE session_writes (n INTEGER);
    CREATE TEMP TRIGGER count_session_updates AFTER UPDATE ON main.sessions BEGIN INSERT INTO session_writes VALUES (1); END;`);
  return () => d.prepare('SELECT count(*) FROM temp.session_writes').pluck().get() as number;
}

beforeEach(async () => {
  db = openDatabase(':memory:');
  await createUser(db, { username: 'boss', role: 'admin', password: 'right-password' });
  clock = Date.parse('2026-06-30T10:00:00Z');
});
afterEach(() => db.close());

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('session expiry: written at most once a minute', () => {
  it('N calls within a minute write nothing; the first call after a minute writes once', async () => {
    const auth = new Auth(db, { now: () => clock });
    const writes = countSessionWrites(db);
    const { token, expiresAt } = await auth.login('boss', 'right-password');
    expect(Date.parse(expiresAt)).toBe(clock + TTL);
    for (let i = 0; i < 100; i++) {
      clock += 600; // 100 calls over 60 s
      expect(auth.authenticate(token).expiresAt).toBe(expiresAt);
    }
    expect(writes()).toBe(0);
    clock += 1;
    const extended = auth.authenticate(token).expiresAt;
    expect(Date.parse(extended)).toBe(clock + TTL);
    expect(writes()).toBe(1);
    // And then again nothing for a minute.
    for (let i = 0; i < 10; i++) {
      clock += 5_000;
      expect(auth.authenticate(token).expiresAt).toBe(extended);
    }
    expect(writes()).toBe(1);
    expect(db.prepare('SELECT expires_at FROM sessions').pluck().get()).toBe(extended);
  });

  it('keeps the 8 h idle expiry within that minute: ends 8 h after the last write, at most a minute early', async () => {
    const auth = new Auth(db, { now: () => clock });
    const { token } = await auth.login('boss', 'right-password');
    const loggedIn = clock;
    clock += 50_000; // a call 50 s after login extends nothing
    auth.authenticate(token);
    // Idle since: still valid just before 8 h after the login, expired at it (50 s "early").
    clock = loggedIn + TTL - 1;
    expect(codeOf(() => auth.authenticate(token))).toBe('OK');
    // That call was 8 h after the last write: it extended the session.
    clock = loggedIn + TTL + 10 * 60_000;
    expect(codeOf(() => auth.authenticate(token))).toBe('OK');
    clock += TTL;
    expect(codeOf(() => auth.authenticate(token))).toBe('SESSION_EXPIRED');
  });

  it('a session idle for 8 h ends, however many calls came within its first minute', async () => {
    const auth = new Auth(db, { now: () => clock });
    const { token } = await auth.login('boss', 'right-password');
    const loggedIn = clock;
    for (let i = 0; i < 30; i++) {
      clock += 2_000;
      auth.authenticate(token);
    }
    clock = loggedIn + TTL;
    expect(codeOf(() => auth.authenticate(token))).toBe('SESSION_EXPIRED');
  });

  it('through Backend.call: reads within a minute leave the sessions table alone', async () => {
    const backend = new Backend(db, { auth: { now: () => clock } });
    const writes = countSessionWrites(db);
    const { token } = await backend.call('auth.login', { username: 'boss', password: 'right-password' });
    for (let i = 0; i < 20; i++) {
      clock += 2_000;
      await backend.call('auth.me', {}, token);
      await backend.call('taskTypes.list', {}, token);
      await backend.call('dispatch.query', {}, token);
    }
    expect(writes()).toBe(0);
    clock += 30_000;
    const me = await backend.call('auth.me', {}, token);
    expect(Date.parse(me.expiresAt)).toBe(clock + TTL);
    expect(writes()).toBe(1);
    await backend.exports.close();
  });

  it('hands a due extension to extendSession when given (the read pool), writing nothing itself', async () => {
    const reader = new Auth(db, {
      now: () => clock,
      extendSession: (id, at) => handed.push([id, at]),
    });
    const handed: [string, string][] = [];
    const writer = new Auth(db, { now: () => clock });
    const writes = countSessionWrites(db);
    const { token } = await writer.login('boss', 'right-password');
    clock += 30_000;
    reader.authenticate(token);
    expect(handed).toEqual([]);
    clock += 31_000;
    const session = reader.authenticate(token);
    expect(handed).toEqual([[session.id, session.expiresAt]]);
    expect(writes()).toBe(0);
    writer.extendSession(...handed[0]);
    expect(writes()).toBe(1);
    // An older extension arriving late never moves the expiry back.
    writer.extendSession(session.id, new Date(clock).toISOString());
    expect(db.prepare('SELECT expires_at FROM sessions').pluck().get()).toBe(session.expiresAt);
  });

  it('still refuses logged-out, expired and deactivated sessions at once', async () => {
    const auth = new Auth(db, { now: () => clock });
    const a = await auth.login('boss', 'right-password');
    const b = await auth.login('boss', 'right-password');
    auth.logout(a.token);
    expect(codeOf(() => auth.authenticate(a.token))).toBe('UNAUTHENTICATED');
    db.prepare('UPDATE users SET active = 0').run();
    expect(codeOf(() => auth.authenticate(b.token))).toBe('SESSION_EXPIRED');
  });
});
