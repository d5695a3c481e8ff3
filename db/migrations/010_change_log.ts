import type { Migration } from './index.js';

// The change feed (issue 10, live updates): every committed write adds one row here in its own
// transaction, so the row's seq is the commit order across every process that shares the file
// (the write lock is taken with BEGIN IMMEDIATE, and AUTOINCREMENT never reuses a number). Each
// server process broadcasts the rows it has not sent yet over its message socket; a desk that
// sees a seq jump, or a hello whose seq is past the last one it saw, knows it missed events.
//
// lists and keys are JSON (the lists touched; order numbers, document numbers, ids); by_name is
// the display name at the time of the write; desk an opaque id of the writing session (never the
// token or its hash); info JSON extras (an urgent new order and its customer). Old rows are
// pruned (db/change-log.ts): the log is a queue between processes, not history.
export const changeLog: Migration = {
  version: 10,
  name: 'change_log',
  sql: `
CREATE TABLE change_log (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  at         TEXT NOT NULL,
  method     TEXT NOT NULL,
  kind       TEXT NOT NULL,
  lists      TEXT NOT NULL,
  keys       TEXT NOT NULL,
  by_user_id INTEGER,
  by_name    TEXT NOT NULL DEFAULT '',
  desk       TEXT NOT NULL DEFAULT '',
  info       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX change_log_at ON change_log(at);
`,
};
