import type { Migration } from './index.js';

// Deleting a dispatch order leaves a trace (issue 4 review): the order number, when, who, and
// a JSON snapshot of the order row and its change history as they were just before the
// delete. Written in the delete's own transaction; nothing in the program deletes these rows.
export const orderAudit: Migration = {
  version: 6,
  name: 'order_audit',
  sql: `
CREATE TABLE deleted_orders (
  id         INTEGER PRIMARY KEY,
  order_no   TEXT NOT NULL,
  deleted_at TEXT NOT NULL,
  deleted_by INTEGER NOT NULL REFERENCES users(id),
  snapshot   TEXT NOT NULL CHECK (json_valid(snapshot))
);
CREATE INDEX deleted_orders_order_no ON deleted_orders(order_no);
CREATE INDEX deleted_orders_deleted_at ON deleted_orders(deleted_at, id);
`,
};
