import type { Migration } from './index.js';
import { searchIndexSql } from '../search/index-sql.js';
import { listIndexes } from '../search/indexes.js';

// The warehouse's work (issue 8): parts catalogue (物料), warehouses, one stock ledger
// (库存流水) written by posted documents — receipt 入库, count adjustment 盘点调整, issue 领用,
// return 退料, reversal 红冲 — with balances kept in the same transaction, serials with their
// state and history, an order's planned materials (售服材料) and owed parts (欠件).
//
// Posted documents, their lines, ledger rows and serial history are never changed or deleted
// (the triggers below refuse it): a mistake is undone by a reversing document. The text a list
// is searched on (order no, customer, engineer, part no …) is copied onto its rows when they are
// written, so each list's search index is kept by triggers on one table; the order's customer
// and engineer and the part's number and name are copied again when they change (posted
// documents keep what they were posted with).
// INSERT OR REPLACE deletes the row it replaces without firing delete triggers (recursive
// triggers are off), so an insert that would replace a posted row is refused before it runs.
const immutable = (table: string, uniqueKeys: readonly string[] = []) => `
CREATE TRIGGER ${table}_never_replaced BEFORE INSERT ON ${table}
WHEN EXISTS (SELECT 1 FROM ${table} WHERE ${['id', ...uniqueKeys].map((k) => `${k} = new.${k}`).join(' OR ')})
BEGIN SELECT RAISE(ABORT, '${table}: posted stock records are never replaced; post a reversal (红冲) instead'); END;
CREATE TRIGGER ${table}_never_updated BEFORE UPDATE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table}: posted stock records are never changed; post a reversal (红冲) instead'); END;
CREATE TRIGGER ${table}_never_deleted BEFORE DELETE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table}: posted stock records are never deleted; post a reversal (红冲) instead'); END;`;

export const warehouse: Migration = {
  version: 7,
  name: 'warehouse',
  sql: `
-- The business day's offset from UTC in minutes (the Backend keeps it for meta time_zone), so a
-- view can tell which promised dates have passed.
INSERT OR IGNORE INTO meta (key, value) VALUES ('utc_offset_minutes', '480');

CREATE TABLE parts (
  id             INTEGER PRIMARY KEY,
  part_no        TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  spec           TEXT NOT NULL DEFAULT '',
  unit           TEXT NOT NULL,
  unit_price_fen INTEGER NOT NULL CHECK (typeof(unit_price_fen) = 'integer' AND unit_price_fen >= 0),
  serial_tracked INTEGER NOT NULL CHECK (serial_tracked IN (0,1)),
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);

CREATE TABLE warehouses (
  id     INTEGER PRIMARY KEY,
  code   TEXT NOT NULL UNIQUE,
  name   TEXT NOT NULL UNIQUE,
  kind   TEXT NOT NULL CHECK (kind IN ('main','faulty')),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1))
);
INSERT INTO warehouses (code, name, kind) VALUES ('MAIN', '总库', 'main'), ('FAULTY', '坏件库', 'faulty');

-- Balances: always the ledger's sum per part and warehouse, written in the posting transaction.
CREATE TABLE stock_balances (
  id           INTEGER PRIMARY KEY,
  part_id      INTEGER NOT NULL REFERENCES parts(id),
  warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
  quantity     INTEGER NOT NULL CHECK (typeof(quantity) = 'integer' AND quantity >= 0),
  UNIQUE (part_id, warehouse_id)
);
CREATE INDEX stock_balances_warehouse ON stock_balances(warehouse_id);

CREATE TABLE stock_documents (
  id           INTEGER PRIMARY KEY,
  doc_no       TEXT NOT NULL UNIQUE,
  doc_type     TEXT NOT NULL CHECK (doc_type IN ('receipt','adjustment','issue','return','reversal')),
  order_id     INTEGER REFERENCES dispatch_orders(id),
  warehouse_id INTEGER REFERENCES warehouses(id),
  engineer_id  INTEGER REFERENCES engineers(id),
  -- A reversal names the one document it undoes; a document is reversed at most once.
  reverses_id  INTEGER UNIQUE REFERENCES stock_documents(id),
  reason       TEXT NOT NULL DEFAULT '',
  remarks      TEXT NOT NULL DEFAULT '',
  posted_at    TEXT NOT NULL,
  posted_by    INTEGER NOT NULL REFERENCES users(id),
  CHECK ((doc_type = 'reversal') = (reverses_id IS NOT NULL))
);
CREATE INDEX stock_documents_order ON stock_documents(order_id);
CREATE INDEX stock_documents_posted ON stock_documents(posted_at, id);

-- Receipt and adjustment lines (adjustments signed).
CREATE TABLE stock_lines (
  id           INTEGER PRIMARY KEY,
  document_id  INTEGER NOT NULL REFERENCES stock_documents(id),
  line_no      INTEGER NOT NULL,
  part_id      INTEGER NOT NULL REFERENCES parts(id),
  warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
  quantity     INTEGER NOT NULL CHECK (quantity <> 0),
  serials      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX stock_lines_document ON stock_lines(document_id);

-- 售服材料: an order's planned parts, one line per part, with what the documents did to it.
CREATE TABLE order_materials (
  id             INTEGER PRIMARY KEY,
  order_id       INTEGER NOT NULL REFERENCES dispatch_orders(id),
  part_id        INTEGER NOT NULL REFERENCES parts(id),
  quantity       INTEGER NOT NULL CHECK (quantity >= 0),
  payer          TEXT NOT NULL CHECK (payer IN ('customer','company')),
  unit_price_fen INTEGER NOT NULL CHECK (typeof(unit_price_fen) = 'integer' AND unit_price_fen >= 0),
  remarks        TEXT NOT NULL DEFAULT '',
  -- Kept by the posting transaction: issued net of reversals; unused parts returned.
  issued_qty     INTEGER NOT NULL DEFAULT 0 CHECK (issued_qty >= 0),
  returned_qty   INTEGER NOT NULL DEFAULT 0 CHECK (returned_qty >= 0 AND returned_qty <= issued_qty),
  created_at     TEXT NOT NULL,
  created_by     INTEGER NOT NULL REFERENCES users(id),
  updated_at     TEXT NOT NULL,
  updated_by     INTEGER NOT NULL REFERENCES users(id),
  -- Copies for the search index (see above).
  order_no       TEXT NOT NULL,
  customer       TEXT NOT NULL,
  engineer       TEXT,
  part_no        TEXT NOT NULL,
  part_name      TEXT NOT NULL,
  UNIQUE (order_id, part_id)
);
CREATE INDEX order_materials_created ON order_materials(created_at, id);
CREATE INDEX order_materials_part ON order_materials(part_id);

-- 欠件: a part still owed to the customer on a completed (released) order.
CREATE TABLE owed_parts (
  id            INTEGER PRIMARY KEY,
  order_id      INTEGER NOT NULL REFERENCES dispatch_orders(id),
  part_id       INTEGER NOT NULL REFERENCES parts(id),
  quantity      INTEGER NOT NULL CHECK (quantity > 0),
  supplied      INTEGER NOT NULL DEFAULT 0 CHECK (supplied >= 0 AND supplied <= quantity),
  status        TEXT NOT NULL CHECK (status IN ('owed','partial','supplied','closed')),
  reason        TEXT NOT NULL,
  promised_date TEXT NOT NULL,
  responsible   TEXT NOT NULL,
  close_reason  TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  created_by    INTEGER NOT NULL REFERENCES users(id),
  updated_at    TEXT NOT NULL,
  updated_by    INTEGER NOT NULL REFERENCES users(id),
  row_version   INTEGER NOT NULL DEFAULT 1,
  order_no      TEXT NOT NULL,
  customer      TEXT NOT NULL,
  part_no       TEXT NOT NULL,
  part_name     TEXT NOT NULL
);
CREATE INDEX owed_parts_order ON owed_parts(order_id);
CREATE INDEX owed_parts_created ON owed_parts(created_at, id);
CREATE INDEX owed_parts_open ON owed_parts(status, promised_date);

CREATE TABLE issue_lines (
  id             INTEGER PRIMARY KEY,
  document_id    INTEGER NOT NULL REFERENCES stock_documents(id),
  line_no        INTEGER NOT NULL,
  part_id        INTEGER NOT NULL REFERENCES parts(id),
  warehouse_id   INTEGER NOT NULL REFERENCES warehouses(id),
  quantity       INTEGER NOT NULL CHECK (quantity > 0),
  serials        TEXT NOT NULL DEFAULT '',
  material_id    INTEGER REFERENCES order_materials(id),
  owed_id        INTEGER REFERENCES owed_parts(id),
  unit_price_fen INTEGER NOT NULL,
  posted_at      TEXT NOT NULL,
  doc_no         TEXT NOT NULL,
  order_no       TEXT NOT NULL,
  customer       TEXT NOT NULL,
  engineer       TEXT,
  part_no        TEXT NOT NULL
);
CREATE INDEX issue_lines_document ON issue_lines(document_id);
CREATE INDEX issue_lines_posted ON issue_lines(posted_at, id);

CREATE TABLE return_lines (
  id           INTEGER PRIMARY KEY,
  document_id  INTEGER NOT NULL REFERENCES stock_documents(id),
  line_no      INTEGER NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('unused','faulty')),
  part_id      INTEGER NOT NULL REFERENCES parts(id),
  warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
  quantity     INTEGER NOT NULL CHECK (quantity > 0),
  -- unused: the serials returned; faulty: the serial taken out of the device.
  serials      TEXT NOT NULL DEFAULT '',
  new_serial   TEXT NOT NULL DEFAULT '',
  fault        TEXT NOT NULL DEFAULT '',
  posted_at    TEXT NOT NULL,
  doc_no       TEXT NOT NULL,
  order_no     TEXT NOT NULL,
  customer     TEXT NOT NULL,
  engineer     TEXT,
  part_no      TEXT NOT NULL
);
CREATE INDEX return_lines_document ON return_lines(document_id);
CREATE INDEX return_lines_posted ON return_lines(posted_at, id);

-- One row per movement: quantity signed (+ in, − out), serial for serial-tracked parts (one
-- row per serial then). Balances equal the sum of these rows per part and warehouse.
CREATE TABLE stock_ledger (
  id           INTEGER PRIMARY KEY,
  at           TEXT NOT NULL,
  document_id  INTEGER NOT NULL REFERENCES stock_documents(id),
  doc_type     TEXT NOT NULL,
  doc_no       TEXT NOT NULL,
  order_id     INTEGER REFERENCES dispatch_orders(id),
  order_no     TEXT,
  part_id      INTEGER NOT NULL REFERENCES parts(id),
  part_no      TEXT NOT NULL,
  warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
  quantity     INTEGER NOT NULL CHECK (quantity <> 0),
  serial_no    TEXT,
  user_id      INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX stock_ledger_at ON stock_ledger(at, id);
CREATE INDEX stock_ledger_document ON stock_ledger(document_id);
CREATE INDEX stock_ledger_part ON stock_ledger(part_id, warehouse_id);

-- Serials of serial-tracked parts: exactly one place each. in_stock and faulty: in warehouse_id
-- (counted in its balance); issued (to an engineer) and installed (in the customer's device):
-- for order_id; removed: written off by an adjustment.
CREATE TABLE serials (
  id           INTEGER PRIMARY KEY,
  part_id      INTEGER NOT NULL REFERENCES parts(id),
  serial_no    TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('in_stock','issued','installed','faulty','removed')),
  warehouse_id INTEGER REFERENCES warehouses(id),
  order_id     INTEGER REFERENCES dispatch_orders(id),
  CHECK ((state IN ('in_stock','faulty')) = (warehouse_id IS NOT NULL)),
  CHECK ((state IN ('issued','installed')) = (order_id IS NOT NULL)),
  UNIQUE (part_id, serial_no)
);
CREATE INDEX serials_serial_no ON serials(serial_no);
CREATE INDEX serials_place ON serials(part_id, warehouse_id, state);
CREATE INDEX serials_order ON serials(order_id);

CREATE TABLE serial_history (
  id                INTEGER PRIMARY KEY,
  serial_id         INTEGER NOT NULL REFERENCES serials(id),
  at                TEXT NOT NULL,
  document_id       INTEGER NOT NULL REFERENCES stock_documents(id),
  from_state        TEXT,
  from_warehouse_id INTEGER,
  from_order_id     INTEGER,
  to_state          TEXT NOT NULL,
  to_warehouse_id   INTEGER,
  to_order_id       INTEGER,
  user_id           INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX serial_history_serial ON serial_history(serial_id, id);
CREATE INDEX serial_history_document ON serial_history(document_id);
${immutable('stock_documents', ['doc_no', 'reverses_id'])}
${['stock_lines', 'issue_lines', 'return_lines', 'stock_ledger', 'serial_history'].map((t) => immutable(t)).join('\n')}

-- The order's and the part's names follow them onto the records that are not posted documents.
CREATE TRIGGER dispatch_orders_names_to_materials AFTER UPDATE OF order_no, customer, engineer_id ON dispatch_orders BEGIN
  UPDATE order_materials SET order_no = new.order_no, customer = new.customer,
    engineer = (SELECT name FROM engineers WHERE id = new.engineer_id) WHERE order_id = new.id;
  UPDATE owed_parts SET order_no = new.order_no, customer = new.customer WHERE order_id = new.id;
END;
CREATE TRIGGER parts_names_to_materials AFTER UPDATE OF part_no, name ON parts BEGIN
  UPDATE order_materials SET part_no = new.part_no, part_name = new.name WHERE part_id = new.id;
  UPDATE owed_parts SET part_no = new.part_no, part_name = new.name WHERE part_id = new.id;
END;

${searchIndexSql('order_materials', listIndexes.materials.index, [['order_id', 'part_id']])}
${searchIndexSql('issue_lines', listIndexes.issue.index)}
${searchIndexSql('return_lines', listIndexes.return.index)}
${searchIndexSql('owed_parts', listIndexes.owed.index)}
${searchIndexSql('stock_ledger', listIndexes.ledger.index)}

CREATE VIEW order_material_list AS
SELECT m.id, m.order_id, m.order_no, o.status, m.customer, m.engineer, o.warranty, m.part_id, m.part_no,
       m.part_name, p.spec, p.unit, m.quantity, m.issued_qty, m.returned_qty,
       m.issued_qty - m.returned_qty AS used_qty,
       ifnull((SELECT sum(w.quantity - w.supplied) FROM owed_parts w
               WHERE w.order_id = m.order_id AND w.part_id = m.part_id AND w.status IN ('owed','partial')), 0) AS owed_qty,
       m.payer, m.unit_price_fen, m.quantity * m.unit_price_fen AS amount_fen, m.remarks, m.created_at
FROM order_materials m
LEFT JOIN dispatch_orders o ON o.id = m.order_id
LEFT JOIN parts p ON p.id = m.part_id;

CREATE VIEW issue_line_list AS
SELECT l.id, l.document_id, l.doc_no, l.posted_at, l.order_no, l.customer, l.engineer, w.name AS warehouse,
       l.part_no, p.name AS part_name, l.quantity, p.unit, l.serials,
       CASE WHEN l.owed_id IS NULL THEN NULL ELSE '#' || l.owed_id END AS owed_no,
       l.quantity * l.unit_price_fen AS amount_fen, r.doc_no AS reversed_by, u.display_name AS posted_by, d.remarks
FROM issue_lines l
LEFT JOIN stock_documents d ON d.id = l.document_id
LEFT JOIN stock_documents r ON r.reverses_id = l.document_id
LEFT JOIN warehouses w ON w.id = l.warehouse_id
LEFT JOIN parts p ON p.id = l.part_id
LEFT JOIN users u ON u.id = d.posted_by;

CREATE VIEW return_line_list AS
SELECT l.id, l.document_id, l.doc_no, l.posted_at, l.kind, l.order_no, l.customer, l.engineer, w.name AS warehouse,
       l.part_no, p.name AS part_name, l.quantity, p.unit, l.serials, l.new_serial, l.fault,
       r.doc_no AS reversed_by, u.display_name AS posted_by
FROM return_lines l
LEFT JOIN stock_documents d ON d.id = l.document_id
LEFT JOIN stock_documents r ON r.reverses_id = l.document_id
LEFT JOIN warehouses w ON w.id = l.warehouse_id
LEFT JOIN parts p ON p.id = l.part_id
LEFT JOIN users u ON u.id = d.posted_by;

CREATE VIEW owed_part_list AS
SELECT x.*,
       CASE WHEN x.status IN ('owed','partial') AND x.promised_date < x.today THEN 1 ELSE 0 END AS overdue,
       CASE WHEN x.status IN ('owed','partial') AND x.promised_date < x.today
            THEN CAST(julianday(x.today) - julianday(x.promised_date) AS INTEGER) ELSE 0 END AS days_overdue
FROM (
  SELECT w.id, w.order_id, w.order_no, w.customer, r.name AS region, w.part_id, w.part_no, w.part_name,
         w.quantity, w.supplied, w.quantity - w.supplied AS remaining, w.status, w.promised_date,
         w.responsible, w.reason, w.close_reason, w.created_at, u.display_name AS created_by, w.row_version,
         date('now', ifnull((SELECT value FROM meta WHERE key = 'utc_offset_minutes'), '480') || ' minutes') AS today
  FROM owed_parts w
  LEFT JOIN dispatch_orders o ON o.id = w.order_id
  LEFT JOIN sales_regions r ON r.id = o.region_id
  LEFT JOIN users u ON u.id = w.created_by
) x;

CREATE VIEW stock_balance_list AS
SELECT b.id, b.part_id, p.part_no, p.name AS part_name, p.spec, b.warehouse_id, w.name AS warehouse,
       w.kind AS warehouse_kind, b.quantity, p.unit, p.serial_tracked, p.unit_price_fen,
       b.quantity * p.unit_price_fen AS value_fen
FROM stock_balances b
LEFT JOIN parts p ON p.id = b.part_id
LEFT JOIN warehouses w ON w.id = b.warehouse_id;

CREATE VIEW stock_ledger_list AS
SELECT g.id, g.at, g.doc_type, g.doc_no, g.order_no, g.part_id, g.part_no, p.name AS part_name,
       w.name AS warehouse, g.quantity, g.serial_no, u.display_name AS by
FROM stock_ledger g
LEFT JOIN parts p ON p.id = g.part_id
LEFT JOIN warehouses w ON w.id = g.warehouse_id
LEFT JOIN users u ON u.id = g.user_id;

-- An order's chargeable parts used (payer the customer, issued beyond what came back unused) are
-- fee lines of type parts, computed here from the materials line and never typed: used × unit
-- price. They keep the fees list on its own table and indexes; the fee editor leaves them alone
-- (material_id set), and they follow every change of the materials line in its transaction.
ALTER TABLE service_fees ADD COLUMN material_id INTEGER;
CREATE UNIQUE INDEX service_fees_material ON service_fees(material_id) WHERE material_id IS NOT NULL;
${['INSERT', 'UPDATE'].map((event) => `
CREATE TRIGGER order_materials_fee_${event.toLowerCase()} AFTER ${event} ON order_materials BEGIN
  DELETE FROM service_fees WHERE material_id = new.id AND NOT (new.payer = 'customer' AND new.issued_qty > new.returned_qty);
  UPDATE service_fees SET amount_fen = (new.issued_qty - new.returned_qty) * new.unit_price_fen,
    remarks = new.part_no || ' ' || new.part_name || ' ×' || (new.issued_qty - new.returned_qty),
    updated_at = new.updated_at, updated_by = new.updated_by
  WHERE material_id = new.id;
  INSERT INTO service_fees (order_id, fee_type, amount_fen, payer, settled, settled_on, remarks, created_at, created_by, updated_at, updated_by, material_id)
  SELECT new.order_id, 'parts', (new.issued_qty - new.returned_qty) * new.unit_price_fen, 'customer', 0, NULL,
         new.part_no || ' ' || new.part_name || ' ×' || (new.issued_qty - new.returned_qty),
         new.created_at, new.created_by, new.updated_at, new.updated_by, new.id
  WHERE new.payer = 'customer' AND new.issued_qty > new.returned_qty
    AND NOT EXISTS (SELECT 1 FROM service_fees WHERE material_id = new.id);
END;`).join('')}
CREATE TRIGGER order_materials_fee_delete AFTER DELETE ON order_materials BEGIN
  DELETE FROM service_fees WHERE material_id = old.id;
END;

CREATE VIEW part_list AS
SELECT p.id, p.part_no, p.name, p.spec, p.unit, p.unit_price_fen, p.serial_tracked, p.active,
       ifnull((SELECT sum(b.quantity) FROM stock_balances b JOIN warehouses w ON w.id = b.warehouse_id
               WHERE b.part_id = p.id AND w.kind = 'main'), 0) AS stock
FROM parts p;
`,
};
