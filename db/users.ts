import type { DB } from './open.js';
import { hashPassword } from './passwords.js';
import { roles, type Role } from '../shared/roles.js';

// User administration: creating users and setting passwords. A real (non-demo) database has
// no default user or password; the first administrator is created through these functions
// (npm run user -- add …).

export const MIN_PASSWORD_LENGTH = 8;
// scrypt hashes any length, but a megabyte "password" is a mistake, not a secret.
export const MAX_PASSWORD_LENGTH = 256;

export type UserAdminErrorCode =
  | 'INVALID_USERNAME'
  | 'INVALID_DISPLAY_NAME'
  | 'INVALID_ROLE'
  | 'PASSWORD_TOO_SHORT'
  | 'PASSWORD_TOO_LONG'
  | 'USERNAME_TAKEN'
  | 'NO_SUCH_USER';

export class UserAdminError extends Error {
  constructor(
    readonly code: UserAdminErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UserAdminError';
  }
}

export interface UserListItem {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  createdAt: string;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  active: number;
  created_at: string;
}

const SELECT_USERS = `SELECT u.id, u.username, u.display_name, r.code AS role, u.active, u.created_at
  FROM users u JOIN roles r ON r.id = u.role_id`;

function toItem(row: UserRow): UserListItem {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    active: row.active === 1,
    createdAt: row.created_at,
  };
}

/** Letters of any script (张伟 is a fine user name), digits, dot, dash, underscore. */
export function checkUsername(username: string): string {
  const name = username.trim();
  if (!/^[\p{L}\p{N}._-]{1,32}$/u.test(name)) {
    throw new UserAdminError(
      'INVALID_USERNAME',
      `"${username}" is not a valid user name: use 1 to 32 letters, digits, ".", "-" or "_", without spaces.`,
    );
  }
  return name;
}

export function checkPassword(password: string): void {
  // Length in characters, not UTF-16 units, so a Chinese passphrase counts as typed.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new UserAdminError('PASSWORD_TOO_SHORT', `The password must have at least ${MIN_PASSWORD_LENGTH} characters (it has ${length}).`);
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw new UserAdminError('PASSWORD_TOO_LONG', `The password must have at most ${MAX_PASSWORD_LENGTH} characters.`);
  }
}

export function checkRole(role: string): Role {
  if (!(roles as readonly string[]).includes(role)) {
    throw new UserAdminError('INVALID_ROLE', `"${role}" is not a role; use one of ${roles.join(', ')}.`);
  }
  return role as Role;
}

function findUser(db: DB, username: string): UserRow | undefined {
  return db.prepare(`${SELECT_USERS} WHERE u.username = ?`).get(username.trim()) as UserRow | undefined;
}

/** The user of that name, matched as a login matches it (ASCII case ignored). */
export function getUser(db: DB, username: string): UserListItem | undefined {
  const row = findUser(db, username);
  return row && toItem(row);
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export async function createUser(
  db: DB,
  input: { username: string; role: string; password: string; displayName?: string },
  now: Date = new Date(),
): Promise<UserListItem> {
  const username = checkUsername(input.username);
  const role = checkRole(input.role);
  const displayName = (input.displayName ?? '').trim() || username;
  if (displayName.length > 64) throw new UserAdminError('INVALID_DISPLAY_NAME', 'The display name must have at most 64 characters.');
  checkPassword(input.password);
  // Checked before hashing for a quick answer; the UNIQUE index still decides a race.
  const existing = findUser(db, username);
  if (existing) throw new UserAdminError('USERNAME_TAKEN', `A user named "${existing.username}" already exists.`);
  const hash = await hashPassword(input.password);
  try {
    const id = db
      .prepare(
        `INSERT INTO users (username, display_name, role_id, password_hash, active, created_at)
         VALUES (?, ?, (SELECT id FROM roles WHERE code = ?), ?, 1, ?)`,
      )
      .run(username, displayName, role, hash, now.toISOString()).lastInsertRowid;
    return toItem(db.prepare(`${SELECT_USERS} WHERE u.id = ?`).get(id) as UserRow);
  } catch (err) {
    if (isUniqueViolation(err)) throw new UserAdminError('USERNAME_TAKEN', `A user named "${username}" already exists.`);
    throw err;
  }
}

/**
 * Sets a new password. Signs the user out everywhere and clears the wrong-password streak:
 * a reset is usually done because the password leaked or was forgotten.
 */
export async function setPassword(db: DB, username: string, password: string): Promise<void> {
  const name = username.trim();
  if (!findUser(db, name)) throw new UserAdminError('NO_SUCH_USER', `There is no user named "${name}".`);
  checkPassword(password);
  const hash = await hashPassword(password);
  db.transaction(() => {
    const user = findUser(db, name);
    if (!user) throw new UserAdminError('NO_SUCH_USER', `There is no user named "${name}".`);
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, user.id);
    db.prepare('DELETE FROM sessions WHERE user_id = ?').run(user.id);
    db.prepare('DELETE FROM login_failures WHERE username = ?').run(user.username);
  }).immediate();
}

export function listUsers(db: DB): UserListItem[] {
  return (db.prepare(`${SELECT_USERS} ORDER BY u.id`).all() as UserRow[]).map(toItem);
}
