import type { Migration } from './index.js';

// Tables of the walking skeleton: people, reference data (contracts, regions, task types,
// engineers, devices) and the dispatch order (售服派工单) with the fields of the legacy
// create window and the service-order template.
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE roles (
  id   INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE CHECK (code IN ('clerk','warehouse','manager','admin'))
);
INSERT INTO roles (id, code) VALUES (1,'clerk'), (2,'warehouse'), (3,'manager'), (4,'admin');

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  role_id       INTEGER NOT NULL REFERENCES roles(id),
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
  created_at    TEXT NOT NULL
);

-- Wrong-password streaks are kept per typed user name, existing or not, so the answer
-- never reveals whether a user exists.
CREATE TABLE login_failures (
  username     TEXT PRIMARY KEY COLLATE NOCASE,
  failures     INTEGER NOT NULL,
  locked_until TEXT
);

-- Sessions live in the database so that every server process on it (authentication, data
-- and message server may be separate) accepts the same token. Only a hash of the token is kept.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- 销售区域: a tree.
CREATE TABLE sales_regions (
  id        INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES sales_regions(id),
  name      TEXT NOT NULL,
  UNIQUE (parent_id, name)
);
CREATE INDEX sales_regions_parent ON sales_regions(parent_id);

-- 销售合同
CREATE TABLE sales_contracts (
  id          INTEGER PRIMARY KEY,
  contract_no TEXT NOT NULL UNIQUE,
  project     TEXT NOT NULL,
  customer    TEXT NOT NULL,
  address     TEXT NOT NULL,
  sign_date   TEXT NOT NULL,
  region_id   INTEGER REFERENCES sales_regions(id)
);

-- 任务类型, with the warranty period used to suggest 三包.
CREATE TABLE task_types (
  id              INTEGER PRIMARY KEY,
  code            TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  warranty_months INTEGER NOT NULL DEFAULT 12,
  sort_order      INTEGER NOT NULL DEFAULT 0,
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1))
);

-- 服务工程师
CREATE TABLE engineers (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL,
  phone     TEXT,
  region_id INTEGER REFERENCES sales_regions(id),
  active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1))
);

-- Products serviced, by part number (e.g. 2BY.5084.1044.1).
CREATE TABLE devices (
  id      INTEGER PRIMARY KEY,
  part_no TEXT NOT NULL UNIQUE,
  name    TEXT NOT NULL,
  model   TEXT NOT NULL
);

-- 售服派工单. Contract and device values are copied onto the order, as the legacy window
-- does: the order records what was agreed when it was made.
CREATE TABLE dispatch_orders (
  id                  INTEGER PRIMARY KEY,
  order_no            TEXT NOT NULL UNIQUE,
  status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending','dispatched','in_progress','completed','visited','cancelled')),
  contract_id         INTEGER REFERENCES sales_contracts(id),
  contract_no         TEXT,
  project             TEXT,
  customer            TEXT NOT NULL,
  address             TEXT,
  region_id           INTEGER REFERENCES sales_regions(id),
  task_type_id        INTEGER NOT NULL REFERENCES task_types(id),
  warranty            INTEGER NOT NULL DEFAULT 0 CHECK (warranty IN (0,1)),
  warranty_overridden INTEGER NOT NULL DEFAULT 0 CHECK (warranty_overridden IN (0,1)),
  contact             TEXT,
  phone               TEXT,
  device_id           INTEGER REFERENCES devices(id),
  device_name         TEXT,
  device_model        TEXT,
  device_part_no      TEXT,
  device_serial_no    TEXT,
  problem             TEXT,
  urgency             TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal','urgent')),
  expected_at         TEXT,
  engineer_id         INTEGER REFERENCES engineers(id),
  created_at          TEXT NOT NULL,
  created_by          INTEGER NOT NULL REFERENCES users(id),
  updated_at          TEXT NOT NULL,
  updated_by          INTEGER NOT NULL REFERENCES users(id),
  row_version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dispatch_orders_created ON dispatch_orders(created_at, id);
CREATE INDEX dispatch_orders_status ON dispatch_orders(status);
CREATE INDEX dispatch_orders_region ON dispatch_orders(region_id);
CREATE INDEX dispatch_orders_contract ON dispatch_orders(contract_id);
CREATE INDEX dispatch_orders_engineer ON dispatch_orders(engineer_id);

-- The list the grid shows: one row per order, reference names resolved.
CREATE VIEW dispatch_order_list AS
SELECT o.id, o.order_no, o.status, o.customer, o.contract_no, o.project, o.address,
       r.name AS region, t.name AS task_type, o.warranty, o.urgency,
       o.device_name, o.device_model, o.device_part_no, o.device_serial_no,
       o.contact, o.phone, e.name AS engineer, o.problem, o.expected_at,
       o.created_at, u.display_name AS created_by, o.row_version
FROM dispatch_orders o
LEFT JOIN sales_regions r ON r.id = o.region_id
LEFT JOIN task_types t ON t.id = o.task_type_id
LEFT JOIN engineers e ON e.id = o.engineer_id
LEFT JOIN users u ON u.id = o.created_by;
`,
};
