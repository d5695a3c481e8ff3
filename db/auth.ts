import { createHash, randomBytes } from 'node:crypto';
import type { DB } from './open.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';
import { ServiceError } from '../shared/errors.js';
import type { UserInfo } from '../shared/contract.js';
import type { Role } from '../shared/roles.js';

export interface AuthOptions {
  /**
   * Idle sessions end after this long; authenticated calls extend it, at most once per
   * sessionRefreshMs (so a session may end up to that much earlier than sessionTtlMs after its
   * last call).
   */
  sessionTtlMs: number;
  /**
   * A call writes the session's new expiry only when the stored one is more than this older than
   * it would be set to: calls within a minute do not write at all, so reads stay reads.
   */
  sessionRefreshMs: number;
  /** Wrong passwords in a row, for one user name from one client address, before it is slowed down. */
  maxFailures: number;
  /** First lock after maxFailures; doubles with each further failure, up to lockMaxMs. */
  lockBaseMs: number;
  lockMaxMs: number;
  /**
   * A streak of wrong passwords is forgotten this long after its last failure or the end of its
   * lock, whichever is later; the row is then deleted, so names tried (existing or not) do not
   * pile up in the table.
   */
  failureMemoryMs: number;
  now: () => number;
  /**
   * Where a due extension of a session's expiry goes. Default: written on this connection. A
   * read-only connection (the server's read pool) hands it to the one that writes instead.
   */
  extendSession?: (id: string, expiresAt: string) => void;
}

export const defaultAuthOptions: AuthOptions = {
  sessionTtlMs: 8 * 60 * 60 * 1000,
  sessionRefreshMs: 60_000,
  maxFailures: 5,
  lockBaseMs: 30_000,
  lockMaxMs: 15 * 60_000,
  failureMemoryMs: 60 * 60_000,
  now: () => Date.now(),
};

/** The client address of calls that do not come over the network (Electron IPC, scripts). */
export const LOCAL_ADDRESS = 'local';

/**
 * The address a login is throttled under: IPv4 as it is (also when it comes IPv4-mapped), IPv6
 * by its /64 network, since one machine usually holds a whole /64 and could otherwise take a
 * fresh address for every few guesses.
 */
export function throttleAddress(address: string | null | undefined): string {
  const a = (address ?? '').trim().toLowerCase();
  if (!a) return LOCAL_ADDRESS;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1];
  if (!a.includes(':')) return a;
  const bare = a.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const [head, tail = ''] = bare.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = bare.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = bare.includes('::')
    ? [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups.slice(0, 4).map((g) => (g.replace(/^0+(?=.)/, '') || '0')).join(':')}::/64`;
}

export interface Session {
  /** Stable id of the session (a hash of its token), e.g. to tie export files to it. */
  id: string;
  user: UserInfo;
  expiresAt: string;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  active: number;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toUserInfo(row: Pick<UserRow, 'id' | 'username' | 'display_name' | 'role'>): UserInfo {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role };
}

export class Auth {
  private readonly opts: AuthOptions;
  private readonly endedListeners: ((id: string) => void)[] = [];

  constructor(
    private readonly db: DB,
    options: Partial<AuthOptions> = {},
  ) {
    this.opts = { ...defaultAuthOptions, ...options };
  }

  /**
   * Checks a user name and password. Wrong passwords are counted per user name AND client
   * address: five in a row from one address slow that address down for that name (30 s,
   * doubling, at most 15 min) and only that address hears when to try again, while the right
   * password from an address without failures still works — a stranger guessing cannot lock a
   * user out. Unknown names are counted the same way, so the answers never say who exists.
   */
  async login(username: string, password: string, address: string = LOCAL_ADDRESS): Promise<{ token: string; expiresAt: string; user: UserInfo }> {
    const name = username.trim();
    const from = throttleAddress(address);
    const now = this.opts.now();
    // The attempt counts as a failure before the password is checked, and the lock is set with
    // it: scrypt yields to the event loop, and parallel guesses must not all get past the lock.
    this.claimAttempt(name, from, now);
    const user = this.db
      .prepare(
        `SELECT u.id, u.username, u.display_name, r.code AS role, u.password_hash, u.active
         FROM users u JOIN roles r ON r.id = u.role_id WHERE u.username = ?`,
      )
      .get(name) as UserRow | undefined;
    // Always run scrypt, so an unknown user takes as long as a wrong password.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok || !user.active) {
      throw new ServiceError('LOGIN_FAILED', 'The user name or password is wrong.');
    }

    this.db.prepare('DELETE FROM login_failures WHERE username = ? AND address = ?').run(name, from);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + this.opts.sessionTtlMs).toISOString();
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash(token), user.id, new Date(now).toISOString(), expiresAt);
    // Ended sessions are kept a week so a late call still hears "expired", not "unknown".
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(new Date(now - 7 * 86_400_000).toISOString());
    return { token, expiresAt, user: toUserInfo(user) };
  }

  /**
   * Checks the lock and counts one more failure in one step (IMMEDIATE: across processes too).
   * Forgotten streaks are deleted on the way, so the table holds only recent ones.
   */
  private claimAttempt(name: string, address: string, now: number): void {
    const claim = this.db.transaction(() => {
      this.db.prepare('DELETE FROM login_failures WHERE expires_at <= ?').run(new Date(now).toISOString());
      const row = this.db
        .prepare('SELECT failures, locked_until FROM login_failures WHERE username = ? AND address = ?')
        .get(name, address) as { failures: number; locked_until: string | null } | undefined;
      if (row?.locked_until && Date.parse(row.locked_until) > now) {
        const seconds = Math.ceil((Date.parse(row.locked_until) - now) / 1000);
        throw new ServiceError('LOGIN_THROTTLED', `Too many wrong passwords. Try again in ${seconds} seconds.`, {
          retryAfterSeconds: seconds,
        });
      }
      const failures = (row?.failures ?? 0) + 1;
      let lockedUntil: number | null = null;
      if (failures >= this.opts.maxFailures) {
        const extra = failures - this.opts.maxFailures;
        lockedUntil = now + Math.min(this.opts.lockBaseMs * 2 ** Math.min(extra, 20), this.opts.lockMaxMs);
      }
      const expiresAt = Math.max(now, lockedUntil ?? 0) + this.opts.failureMemoryMs;
      this.db
        .prepare(
          `INSERT INTO login_failures (username, address, failures, locked_until, expires_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(username, address) DO UPDATE SET
             failures = excluded.failures, locked_until = excluded.locked_until, expires_at = excluded.expires_at`,
        )
        .run(name, address, failures, lockedUntil === null ? null : new Date(lockedUntil).toISOString(), new Date(expiresAt).toISOString());
    });
    claim.immediate();
  }

  /**
   * Resolves a token to its session; throws UNAUTHENTICATED or SESSION_EXPIRED. The idle expiry
   * is moved to now + sessionTtlMs only when that is more than sessionRefreshMs beyond the
   * stored one: a desk calling every few seconds writes its session once a minute, not on every
   * call. The session returned carries the expiry that holds (the new one when it was extended).
   */
  authenticate(token: string | null | undefined): Session {
    if (!token) throw new ServiceError('UNAUTHENTICATED', 'Log in first: this call needs a session token.');
    const now = this.opts.now();
    const row = this.db
      .prepare(
        `SELECT s.expires_at, u.id, u.username, u.display_name, r.code AS role, u.active
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN roles r ON r.id = u.role_id
         WHERE s.token_hash = ?`,
      )
      .get(tokenHash(token)) as (UserRow & { expires_at: string }) | undefined;
    if (!row) throw new ServiceError('UNAUTHENTICATED', 'The session token is not valid. Log in again.');
    // The row stays (login sweeps week-old ones), so every later call also hears "expired".
    const stored = Date.parse(row.expires_at);
    if (stored <= now || !row.active) {
      throw new ServiceError('SESSION_EXPIRED', 'Your session has expired. Log in again.');
    }
    const id = tokenHash(token);
    const extended = now + this.opts.sessionTtlMs;
    if (extended - stored <= this.opts.sessionRefreshMs) return { id, user: toUserInfo(row), expiresAt: row.expires_at };
    const expiresAt = new Date(extended).toISOString();
    if (this.opts.extendSession) this.opts.extendSession(id, expiresAt);
    else this.extendSession(id, expiresAt);
    return { id, user: toUserInfo(row), expiresAt };
  }

  /**
   * Writes a session's later expiry (never an earlier one: two desks' extensions may arrive out
   * of order). A session logged out meanwhile stays gone.
   */
  extendSession(id: string, expiresAt: string): void {
    this.db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ? AND expires_at < ?').run(expiresAt, id, expiresAt);
  }

  /** Whether the session with this id is still valid (not logged out, not expired, user active). */
  sessionAlive(id: string): boolean {
    const row = this.db
      .prepare('SELECT s.expires_at, u.active FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?')
      .get(id) as { expires_at: string; active: number } | undefined;
    return !!row && row.active === 1 && Date.parse(row.expires_at) > this.opts.now();
  }

  /** Called with a session's id when it is logged out (expiry is found by sessionAlive). */
  onSessionEnded(listener: (id: string) => void): void {
    this.endedListeners.push(listener);
  }

  logout(token: string): void {
    const id = tokenHash(token);
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(id);
    for (const listener of this.endedListeners) listener(id);
  }
}
