import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Auth, LOCAL_ADDRESS, throttleAddress } from '../../db/auth.js';
import { Backend } from '../../db/backend.js';
import { openDatabase, type DB } from '../../db/open.js';
import { createUser } from '../../db/users.js';

// Issue 10: login throttling per user name AND client address, with streaks that expire.
let db: DB;
let clock: number;
let auth: Auth;

beforeEach(async () => {
  db = openDatabase(':memory:');
  await createUser(db, { username: 'boss', role: 'admin', password: 'right-password' });
  clock = Date.parse('2026-06-30T10:00:00Z');
  auth = new Auth(db, { now: () => clock });
});
afterEach(() => db.close());

const codeOf = (p: Promise<unknown>) => p.then(() => 'OK', (e: { code: string }) => e.code);
const rows = () => db.prepare('SELECT count(*) FROM login_failures').pluck().get() as number;

describe('login throttling', () => {
  it('locks only the guessing address; the right password from another address still works', async () => {
    for (let i = 0; i < 5; i++) expect(await codeOf(auth.login('boss', `wrong${i}`, '203.0.113.9'))).toBe('LOGIN_FAILED');
    expect(await codeOf(auth.login('boss', 'right-password', '203.0.113.9'))).toBe('LOGIN_THROTTLED');
    expect(await codeOf(auth.login('boss', 'right-password', '198.51.100.7'))).toBe('OK');
    // IPC and scripts are one address of their own.
    expect(await codeOf(auth.login('boss', 'right-password'))).toBe('OK');
    expect(await codeOf(auth.login('boss', 'right-password', '203.0.113.9'))).toBe('LOGIN_THROTTLED');
  });

  it('says when to try again only to the throttled address, doubling up to 15 minutes', async () => {
    const retry = async (address: string) => {
      try {
        await auth.login('boss', 'nope', address);
        return null;
      } catch (e) {
        return (e as { retryAfterSeconds?: number }).retryAfterSeconds ?? null;
      }
    };
    for (let i = 0; i < 5; i++) expect(await retry('203.0.113.9')).toBeNull();
    expect(await retry('203.0.113.9')).toBe(30);
    expect(await retry('198.51.100.7')).toBeNull();
    clock += 31_000;
    expect(await retry('203.0.113.9')).toBeNull(); // a failure again, and a longer lock
    expect(await retry('203.0.113.9')).toBe(60);
    for (let i = 0; i < 8; i++) {
      clock += 16 * 60_000;
      await retry('203.0.113.9');
    }
    expect(await retry('203.0.113.9')).toBe(15 * 60);
  });

  it('forgets streaks after an hour and deletes them, so names tried never pile up', async () => {
    for (let i = 0; i < 50; i++) await codeOf(auth.login(`nobody${i}`, 'x', '203.0.113.9'));
    expect(rows()).toBe(50);
    clock += 61 * 60_000;
    await codeOf(auth.login('someone-else', 'x', '203.0.113.10'));
    expect(rows()).toBe(1);
    // A lock is remembered for its length plus the hour.
    for (let i = 0; i < 5; i++) await codeOf(auth.login('boss', 'x', '203.0.113.11'));
    clock += 59 * 60_000;
    expect(await codeOf(auth.login('boss', 'right-password', '203.0.113.11'))).toBe('OK');
  });

  it('treats unknown and known names alike (the answers never say who exists)', async () => {
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(auth.login('boss', 'x', '203.0.113.9'))).toBe('LOGIN_FAILED');
      expect(await codeOf(auth.login('ghost', 'x', '203.0.113.9'))).toBe('LOGIN_FAILED');
    }
    expect(await codeOf(auth.login('boss', 'x', '203.0.113.9'))).toBe('LOGIN_THROTTLED');
    expect(await codeOf(auth.login('ghost', 'x', '203.0.113.9'))).toBe('LOGIN_THROTTLED');
  });

  it('clears the streak of the address that logged in, not of others', async () => {
    for (let i = 0; i < 3; i++) await codeOf(auth.login('boss', 'x', '203.0.113.9'));
    for (let i = 0; i < 3; i++) await codeOf(auth.login('boss', 'x', '198.51.100.7'));
    await auth.login('boss', 'right-password', '198.51.100.7');
    expect(db.prepare('SELECT address, failures FROM login_failures').all()).toEqual([{ address: '203.0.113.9', failures: 3 }]);
  });

  it('gets the address from the transport: HTTP passes the socket address, IPC is local', async () => {
    const backend = new Backend(db, { auth: { now: () => clock } });
    await codeOf(backend.call('auth.login', { username: 'boss', password: 'x' }, null, { address: '::ffff:192.0.2.5' }));
    await codeOf(backend.call('auth.login', { username: 'boss', password: 'x' }));
    expect(db.prepare('SELECT address FROM login_failures ORDER BY address').pluck().all()).toEqual(['192.0.2.5', LOCAL_ADDRESS]);
    await backend.exports.close();
  });
});

describe('throttleAddress', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and groups IPv6 by /64', () => {
    expect(throttleAddress('192.0.2.5')).toBe('192.0.2.5');
    expect(throttleAddress('::ffff:192.0.2.5')).toBe('192.0.2.5');
    expect(throttleAddress('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('2001:0db8:0001:0002:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('::1')).toBe('0:0:0:0::/64');
    expect(throttleAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(throttleAddress('')).toBe(LOCAL_ADDRESS);
    expect(throttleAddress(undefined)).toBe(LOCAL_ADDRESS);
  });
});
