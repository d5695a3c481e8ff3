import { createHash, randomBytes } from 'node:crypto';
import type { DB } from './open.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';
import { ServiceError } from '../shared/errors.js';
import type { UserInfo } from '../shared/contract.js';
import type { Role } from '../shared/roles.js';

export interface AuthOptions {
  /** Idle sessions end after this long; each authenticated call extends it. */
  sessionTtlMs: number;
  /** Wrong passwords in a row before a user name is slowed down. */
  maxFailures: number;
  /** First lock after maxFailures; doubles with each further failure, up to lockMaxMs. */
  lockBaseMs: number;
  lockMaxMs: number;
  now: () => number;
}

export const defaultAuthOptions: AuthOptions = {
  sessionTtlMs: 8 * 60 * 60 * 1000,
  maxFailures: 5,
  lockBaseMs: 30_000,
  lockMaxMs: 15 * 60_000,
  now: () => Date.now(),
};

export interface Session {
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

  constructor(
    private readonly db: DB,
    options: Partial<AuthOptions> = {},
  ) {
    this.opts = { ...defaultAuthOptions, ...options };
  }

  async login(username: string, password: string): Promise<{ token: string; expiresAt: string; user: UserInfo }> {
    const name = username.trim();
    const now = this.opts.now();
    // The attempt counts as a failure before the password is checked, and the lock is set with
    // it: scrypt yields to the event loop, and parallel guesses must not all get past the lock.
    this.claimAttempt(name, now);
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

    this.db.prepare('DELETE FROM login_failures WHERE username = ?').run(name);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + this.opts.sessionTtlMs).toISOString();
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash(token), user.id, new Date(now).toISOString(), expiresAt);
    // Ended sessions are kept a week so a late call still hears "expired", not "unknown".
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(new Date(now - 7 * 86_400_000).toISOString());
    return { token, expiresAt, user: toUserInfo(user) };
  }

  /** Checks the lock and counts one more failure in one step (IMMEDIATE: across processes too). */
  private claimAttempt(name: string, now: number): void {
    const claim = this.db.transaction(() => {
      const row = this.db.prepare('SELECT failures, locked_until FROM login_failures WHERE username = ?').get(name) as
        | { failures: number; locked_until: string | null }
        | undefined;
      if (row?.locked_until && Date.parse(row.locked_until) > now) {
        const seconds = Math.ceil((Date.parse(row.locked_until) - now) / 1000);
        throw new ServiceError('LOGIN_THROTTLED', `Too many wrong passwords. Try again in ${seconds} seconds.`, {
          retryAfterSeconds: seconds,
        });
      }
      const failures = (row?.failures ?? 0) + 1;
      let lockedUntil: string | null = null;
      if (failures >= this.opts.maxFailures) {
        const extra = failures - this.opts.maxFailures;
        const ms = Math.min(this.opts.lockBaseMs * 2 ** Math.min(extra, 20), this.opts.lockMaxMs);
        lockedUntil = new Date(now + ms).toISOString();
      }
      this.db
        .prepare(
          `INSERT INTO login_failures (username, failures, locked_until) VALUES (?, ?, ?)
           ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
        )
        .run(name, failures, lockedUntil);
    });
    claim.immediate();
  }

  /** Resolves a token to its session, extending it; throws UNAUTHENTICATED or SESSION_EXPIRED. */
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
    if (Date.parse(row.expires_at) <= now || !row.active) {
      throw new ServiceError('SESSION_EXPIRED', 'Your session has expired. Log in again.');
    }
    const expiresAt = new Date(now + this.opts.sessionTtlMs).toISOString();
    this.db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?').run(expiresAt, tokenHash(token));
    return { user: toUserInfo(row), expiresAt };
  }

  logout(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }
}
