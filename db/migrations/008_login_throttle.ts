import type { Migration } from './index.js';

// Login throttling per user name AND client address (issue 10): wrong passwords from one address
// slow down only that address for that name, so a stranger guessing cannot lock a user out, and
// every streak carries an expiry after which it is deleted, so the names tried (existing or
// not) never pile up. The old streaks (per name only) are dropped: at worst a lock ends early.
//
// `address` defaults to '' and `expires_at` to '' (before any time, so such a row is swept at
// the next login): rows written by older code or by hand stay valid.
export const loginThrottle: Migration = {
  version: 8,
  name: 'login_throttle',
  sql: `
DROP TABLE login_failures;
CREATE TABLE login_failures (
  username     TEXT NOT NULL COLLATE NOCASE,
  address      TEXT NOT NULL DEFAULT '',
  failures     INTEGER NOT NULL,
  locked_until TEXT,
  expires_at   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (username, address)
);
CREATE INDEX login_failures_expires ON login_failures(expires_at);
`,
};
