import type { Migration } from './index.js';

// The clerk's work (issue 4): document numbering, the order's return visit and warranty
// suggestion, service content (售服内容) and service fees (售服费用) lines, the order's change
// history, and the list views of the content, fees and contract-lookup grids.
// Instants are ISO UTC (toISOString()); days are 'YYYY-MM-DD'; money is integer fen.
export const serviceWork: Migration = {
  version: 4,
  name: 'service_work',
  sql: `
ALTER TABLE sales_contracts ADD COLUMN delivery_date TEXT;

-- Document numbers: the last serial given out per prefix and local day (yyyyMMdd). Allocated
-- inside the writing transaction, after the highest number of that day already stored.
CREATE TABLE document_series (
  prefix      TEXT NOT NULL,
  day         TEXT NOT NULL,
  last_serial INTEGER NOT NULL CHECK (last_serial >= 0),
  PRIMARY KEY (prefix, day)
) WITHOUT ROWID;

ALTER TABLE dispatch_orders ADD COLUMN warranty_suggested INTEGER CHECK (warranty_suggested IN (0,1));
ALTER TABLE dispatch_orders ADD COLUMN satisfaction TEXT
  CHECK (satisfaction IN ('very_satisfied','satisfied','average','unsatisfied'));
ALTER TABLE dispatch_orders ADD COLUMN visit_reason TEXT;
ALTER TABLE dispatch_orders ADD COLUMN visit_remarks TEXT;
ALTER TABLE dispatch_orders ADD COLUMN visited_at TEXT;
ALTER TABLE dispatch_orders ADD COLUMN visited_by INTEGER REFERENCES users(id);

-- 售服内容: what was done on site, per order.
CREATE TABLE service_contents (
  id            INTEGER PRIMARY KEY,
  order_id      INTEGER NOT NULL REFERENCES dispatch_orders(id),
  work_date     TEXT NOT NULL,
  engineer_id   INTEGER NOT NULL REFERENCES engineers(id),
  work_type     TEXT NOT NULL,
  findings      TEXT NOT NULL DEFAULT '',
  work_done     TEXT NOT NULL DEFAULT '',
  fault_cause   TEXT NOT NULL DEFAULT '',
  result        TEXT NOT NULL CHECK (result IN ('solved','partly_solved','unsolved')),
  result_reason TEXT NOT NULL DEFAULT '',
  hours_x100    INTEGER NOT NULL DEFAULT 0 CHECK (hours_x100 >= 0),
  created_at    TEXT NOT NULL,
  created_by    INTEGER NOT NULL REFERENCES users(id),
  updated_at    TEXT NOT NULL,
  updated_by    INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX service_contents_order ON service_contents(order_id);
CREATE INDEX service_contents_date ON service_contents(work_date, id);
CREATE INDEX service_contents_engineer ON service_contents(engineer_id);

-- 售服费用: money as integer fen, never negative.
CREATE TABLE service_fees (
  id          INTEGER PRIMARY KEY,
  order_id    INTEGER NOT NULL REFERENCES dispatch_orders(id),
  fee_type    TEXT NOT NULL CHECK (fee_type IN ('labour','travel','parts','accommodation','other')),
  amount_fen  INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen >= 0),
  payer       TEXT NOT NULL CHECK (payer IN ('customer','company')),
  settled     INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0,1)),
  settled_on  TEXT,
  remarks     TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  created_by  INTEGER NOT NULL REFERENCES users(id),
  updated_at  TEXT NOT NULL,
  updated_by  INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX service_fees_order ON service_fees(order_id);
CREATE INDEX service_fees_created ON service_fees(created_at, id);

-- Every change of an order: who, when, old → new (field '' for the whole order).
CREATE TABLE dispatch_order_history (
  id        INTEGER PRIMARY KEY,
  order_id  INTEGER NOT NULL,
  at        TEXT NOT NULL,
  user_id   INTEGER NOT NULL REFERENCES users(id),
  action    TEXT NOT NULL,
  -- The order's row_version after the change: what changed since a client's version.
  row_version INTEGER NOT NULL,
  field     TEXT NOT NULL DEFAULT '',
  old_value TEXT,
  new_value TEXT
);
CREATE INDEX dispatch_order_history_order ON dispatch_order_history(order_id, id);

-- The content module's list: one row per line, with its order's names. LEFT JOINs (every line
-- has its order: order_id is a NOT NULL foreign key) let SQLite drop the joins when counting.
CREATE VIEW service_content_list AS
SELECT c.id, c.order_id, o.order_no, o.status, c.work_date, e.name AS engineer, r.name AS region,
       o.customer, t.name AS task_type, o.warranty, c.work_type, c.findings, c.work_done,
       c.fault_cause, c.result, c.result_reason, c.hours_x100 / 100.0 AS hours, c.hours_x100
FROM service_contents c
LEFT JOIN dispatch_orders o ON o.id = c.order_id
LEFT JOIN engineers e ON e.id = c.engineer_id
LEFT JOIN sales_regions r ON r.id = o.region_id
LEFT JOIN task_types t ON t.id = o.task_type_id;

-- The fees module's list: one row per line, with its order's names.
CREATE VIEW service_fee_list AS
SELECT f.id, f.order_id, o.order_no, o.status, o.customer, r.name AS region, t.name AS task_type,
       o.warranty, e.name AS engineer, f.fee_type, f.amount_fen, f.payer, f.settled, f.settled_on,
       f.remarks, f.created_at
FROM service_fees f
LEFT JOIN dispatch_orders o ON o.id = f.order_id
LEFT JOIN sales_regions r ON r.id = o.region_id
LEFT JOIN task_types t ON t.id = o.task_type_id
LEFT JOIN engineers e ON e.id = o.engineer_id;

-- The contract lookup of the create window.
CREATE VIEW sales_contract_list AS
SELECT c.id, c.contract_no, c.project, c.customer, c.address, r.name AS region, c.region_id,
       c.sign_date, c.delivery_date
FROM sales_contracts c
LEFT JOIN sales_regions r ON r.id = c.region_id;
`,
};
