import type { Migration } from './index.js';

// Search index for `contains` on the dispatch quick-search fields (dispatchModule.searchIndex).
//
// dispatch_search_fts: FTS5 trigram index, contentless (the query side only needs rowids).
// detail=none keeps it small (~70 MB per 10⁶ orders) and fast to build: the query side ANDs
// single trigrams, which gives a superset of the matching rows that is then checked exactly, so
// positions are not needed. Case folding (case_sensitive 0) only widens that superset.
// contentless_delete lets a row's entries be removed by rowid alone, and removing them twice
// is harmless, which the REPLACE handling below relies on.
//
// dispatch_search_text: the same five fields joined by U+001F in one narrow row. A LIKE over
// this column counts 10⁶ orders in about a third of the time of the five-column OR over the
// wide order rows; for a pattern without `*` it is exact, since the piece cannot span the
// separator (patterns containing U+001F are not sent here).
//
// dispatch_search_fields: the five fields as columns of a narrow row, for what the joined text
// cannot answer exactly: one field (customer contains 有限公司 counts in ~100 ms here against
// ~200 ms over the order rows), or a pattern with several pieces.
//
// Counts are taken from these two tables directly, so each must hold exactly one row per order.
//
// INSERT OR REPLACE (or UPDATE OR REPLACE) removes a conflicting order without running the
// delete trigger unless recursive triggers are on (they are off by default), so the BEFORE
// triggers clear the entries of any order the statement may replace. If the statement fails
// instead, its changes, these included, are rolled back.
const joined = (r: string) =>
  `ifnull(${r}.order_no, '') || char(31) || ifnull(${r}.customer, '') || char(31) || ifnull(${r}.contract_no, '') ` +
  `|| char(31) || ifnull(${r}.device_part_no, '') || char(31) || ifnull(${r}.device_serial_no, '')`;
const values = (r: string) => `${r}.id, ${r}.order_no, ${r}.customer, ${r}.contract_no, ${r}.device_part_no, ${r}.device_serial_no`;
const ftsColumns = 'rowid, order_no, customer, contract_no, device_part_no, device_serial_no';
const fieldColumns = 'id, order_no, customer, contract_no, device_part_no, device_serial_no';
const forget = (ids: string) => `
  DELETE FROM dispatch_search_text WHERE id IN (${ids});
  DELETE FROM dispatch_search_fields WHERE id IN (${ids});
  DELETE FROM dispatch_search_fts WHERE rowid IN (${ids});`;
const remember = (r: string) => `
  INSERT INTO dispatch_search_text (id, text) VALUES (${r}.id, ${joined(r)});
  INSERT INTO dispatch_search_fields (${fieldColumns}) VALUES (${values(r)});
  INSERT INTO dispatch_search_fts (${ftsColumns}) VALUES (${values(r)});`;

export const searchIndex: Migration = {
  version: 2,
  name: 'search_index',
  sql: `
CREATE TABLE dispatch_search_text (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL
);
INSERT INTO dispatch_search_text (id, text) SELECT o.id, ${joined('o')} FROM dispatch_orders o;

CREATE TABLE dispatch_search_fields (
  id               INTEGER PRIMARY KEY,
  order_no         TEXT,
  customer         TEXT,
  contract_no      TEXT,
  device_part_no   TEXT,
  device_serial_no TEXT
);
INSERT INTO dispatch_search_fields (${fieldColumns}) SELECT ${values('o')} FROM dispatch_orders o;

CREATE VIRTUAL TABLE dispatch_search_fts USING fts5(
  order_no, customer, contract_no, device_part_no, device_serial_no,
  content = '', contentless_delete = 1,
  tokenize = 'trigram case_sensitive 0', detail = none
);
INSERT INTO dispatch_search_fts (${ftsColumns}) SELECT ${values('o')} FROM dispatch_orders o;

CREATE TRIGGER dispatch_orders_search_replace_insert BEFORE INSERT ON dispatch_orders BEGIN${forget(
    'SELECT id FROM dispatch_orders WHERE id = new.id OR order_no = new.order_no',
  )}
END;

CREATE TRIGGER dispatch_orders_search_insert AFTER INSERT ON dispatch_orders BEGIN${remember('new')}
END;

CREATE TRIGGER dispatch_orders_search_delete AFTER DELETE ON dispatch_orders BEGIN${forget('old.id')}
END;

CREATE TRIGGER dispatch_orders_search_replace_update BEFORE UPDATE OF id, order_no ON dispatch_orders BEGIN${forget(
    'SELECT id FROM dispatch_orders WHERE (id = new.id OR order_no = new.order_no) AND id <> old.id',
  )}
END;

CREATE TRIGGER dispatch_orders_search_update
AFTER UPDATE OF id, order_no, customer, contract_no, device_part_no, device_serial_no ON dispatch_orders BEGIN${forget(
    'old.id',
  )}${remember('new')}
END;
`,
};
