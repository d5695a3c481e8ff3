import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { generateDemo, type DemoSummary } from '../../db/demo/generate.js';
import { runModuleQuery } from '../../db/services/query.js';
import { issueModule, ledgerList, materialsModule, owedModule, partsList, returnModule, stockList } from '../../shared/modules/index.js';

// The warehouse part of the demo (db/demo/warehouse.ts), checked against the schema's
// invariants with SQL written here, independently of the generator.

const now = new Date('2026-06-30T10:00:00Z');
const ORDERS = 2000;
let dir: string;
let db: DB;
let summary: DemoSummary;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pim-demo-wh-'));
  db = openDatabase(join(dir, 'demo.db'));
  summary = await generateDemo(db, { orders: ORDERS, seed: 7, now });
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const all = (sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as Record<string, unknown>[];
const value = (sql: string, ...params: unknown[]) => db.prepare(sql).pluck().get(...params) as number;
/** The rows breaking a rule: expected none (shown when there are some). */
const violations = (sql: string) => expect(all(`${sql} LIMIT 5`)).toEqual([]);

// Documents that a reversal undid.
const REVERSED = 'SELECT reverses_id FROM stock_documents WHERE reverses_id IS NOT NULL';

describe('demo warehouse data', () => {
  it('has a plausible parts catalogue with the manual’s part number', () => {
    const parts = all('SELECT * FROM parts');
    expect(summary.warehouse.parts).toBe(parts.length);
    expect(parts.length).toBeGreaterThanOrEqual(60);
    expect(parts.length).toBeLessThanOrEqual(120);
    const tracked = parts.filter((p) => p.serial_tracked === 1).length / parts.length;
    expect(tracked).toBeGreaterThan(0.1);
    expect(tracked).toBeLessThan(0.2);
    expect(parts.map((p) => p.part_no)).toContain('2BY.5084.1044.1');
    for (const p of parts) {
      expect(p.part_no).toMatch(/^\d[A-Z]{2}\.\d{4}\.\d{4}\.\d$/);
      expect(['个', '件', '套', '米']).toContain(p.unit);
      expect(p.name).toMatch(/\p{Script=Han}/u);
      expect(p.spec).toBeTruthy();
      expect(Number.isInteger(p.unit_price_fen) && (p.unit_price_fen as number) > 0).toBe(true);
    }
    // Motors, boards and encoders are the serial-tracked ones.
    const trackedNames = new Set(parts.filter((p) => p.serial_tracked === 1).map((p) => p.name));
    for (const name of ['伺服电机', '控制板', '编码器']) expect(trackedNames).toContain(name);
    expect(trackedNames).not.toContain('密封圈');
  });

  it('writes every kind of document, numbered prefix + business day + four-digit serial', () => {
    const types = Object.fromEntries(all('SELECT doc_type, count(*) AS n FROM stock_documents GROUP BY doc_type').map((r) => [r.doc_type, r.n]));
    for (const t of ['receipt', 'adjustment', 'issue', 'return', 'reversal']) expect(types[t], t).toBeGreaterThan(0);
    expect(value('SELECT count(*) FROM stock_documents')).toBe(summary.warehouse.documents);
    const prefix = { receipt: 'RK', adjustment: 'PD', issue: 'LY', return: 'TL', reversal: 'HC' } as Record<string, string>;
    const docs = all('SELECT doc_no, doc_type, posted_at FROM stock_documents') as { doc_no: string; doc_type: string; posted_at: string }[];
    for (const d of docs) {
      expect(d.doc_no).toMatch(/^(RK|PD|LY|TL|HC)\d{8}\d{4}$/);
      expect(d.doc_no.slice(0, 2)).toBe(prefix[d.doc_type]);
      // The business day (UTC+8, meta utc_offset_minutes) of the posting.
      const day = new Date(Date.parse(d.posted_at) + 480 * 60_000).toISOString().slice(0, 10).replaceAll('-', '');
      expect(d.doc_no.slice(2, 10)).toBe(day);
      expect(d.posted_at <= now.toISOString()).toBe(true);
    }
    // The series continues after every stored number, so the services never repeat one.
    violations(`SELECT substr(doc_no, 1, 2) AS prefix, substr(doc_no, 3, 8) AS day, max(CAST(substr(doc_no, 11) AS INTEGER)) AS last
                FROM stock_documents GROUP BY 1, 2
                EXCEPT SELECT prefix, day, last_serial FROM document_series`);
    // Adjustments and reversals say why; a reversal undoes a document that is not a reversal.
    violations("SELECT id FROM stock_documents WHERE doc_type IN ('adjustment','reversal') AND reason = ''");
    violations(`SELECT r.id FROM stock_documents r LEFT JOIN stock_documents d ON d.id = r.reverses_id
                WHERE r.doc_type = 'reversal' AND (d.id IS NULL OR d.doc_type = 'reversal' OR d.posted_at > r.posted_at
                  OR r.order_id IS NOT d.order_id)`);
    // Order documents only for orders someone works on, never cancelled or pending ones.
    violations(`SELECT d.id FROM stock_documents d JOIN dispatch_orders o ON o.id = d.order_id
                WHERE o.status IN ('pending','cancelled') OR o.engineer_id IS NULL`);
    violations("SELECT id FROM stock_documents WHERE doc_type IN ('issue','return') AND order_id IS NULL");
    violations(`SELECT d.id FROM stock_documents d JOIN dispatch_orders o ON o.id = d.order_id
                WHERE d.doc_type = 'issue' AND d.engineer_id IS NOT o.engineer_id`);
  });

  it('keeps every balance equal to its ledger, never below zero at any point of the ledger', () => {
    violations(`SELECT part_id, warehouse_id, b, l FROM (
                  SELECT k.part_id, k.warehouse_id,
                         (SELECT quantity FROM stock_balances b WHERE b.part_id = k.part_id AND b.warehouse_id = k.warehouse_id) AS b,
                         (SELECT sum(quantity) FROM stock_ledger g WHERE g.part_id = k.part_id AND g.warehouse_id = k.warehouse_id) AS l
                  FROM (SELECT part_id, warehouse_id FROM stock_balances UNION SELECT part_id, warehouse_id FROM stock_ledger) k)
                WHERE b IS NULL OR l IS NULL OR b <> l OR b < 0`);
    violations(`SELECT * FROM (SELECT id, sum(quantity) OVER (PARTITION BY part_id, warehouse_id ORDER BY id) AS running FROM stock_ledger)
                WHERE running < 0`);
    // Every part has stock in the main store; the faulty store only gets parts handed in.
    violations(`SELECT p.id FROM parts p WHERE NOT EXISTS (SELECT 1 FROM stock_balances b JOIN warehouses w ON w.id = b.warehouse_id
                  WHERE b.part_id = p.id AND w.kind = 'main')`);
    violations(`SELECT g.id FROM stock_ledger g JOIN warehouses w ON w.id = g.warehouse_id
                WHERE w.kind = 'faulty' AND g.doc_type NOT IN ('return','adjustment')`);
    expect(value("SELECT count(*) FROM stock_balances b JOIN warehouses w ON w.id = b.warehouse_id WHERE w.kind = 'faulty' AND b.quantity > 0")).toBeGreaterThan(0);
  });

  it('keeps every serial of a serial-tracked part in exactly one place, counted in its balance', () => {
    // One ledger row per serial (±1) for serial-tracked parts; none for the others.
    violations(`SELECT g.id FROM stock_ledger g JOIN parts p ON p.id = g.part_id
                WHERE (p.serial_tracked = 1 AND (g.serial_no IS NULL OR abs(g.quantity) <> 1))
                   OR (p.serial_tracked = 0 AND g.serial_no IS NOT NULL)`);
    violations('SELECT s.id FROM serials s JOIN parts p ON p.id = s.part_id WHERE p.serial_tracked = 0');
    violations(`SELECT s.id FROM serials s LEFT JOIN warehouses w ON w.id = s.warehouse_id
                WHERE (s.state = 'in_stock' AND (w.kind IS NOT 'main' OR s.order_id IS NOT NULL))
                   OR (s.state = 'faulty' AND (w.kind IS NOT 'faulty' OR s.order_id IS NOT NULL))
                   OR (s.state IN ('issued','installed') AND (s.order_id IS NULL OR s.warehouse_id IS NOT NULL))
                   OR (s.state = 'removed' AND (s.order_id IS NOT NULL OR s.warehouse_id IS NOT NULL))`);
    // Serials in stock per part and warehouse = the balance.
    violations(`SELECT b.part_id, b.warehouse_id, b.quantity, (SELECT count(*) FROM serials s WHERE s.part_id = b.part_id
                  AND s.warehouse_id = b.warehouse_id AND s.state IN ('in_stock','faulty')) AS n
                FROM stock_balances b JOIN parts p ON p.id = b.part_id WHERE p.serial_tracked = 1 AND n <> b.quantity`);
    // The ledger agrees serial by serial: +1 where it is, 0 everywhere else.
    violations(`SELECT s.id, g.warehouse_id, sum(g.quantity) AS q FROM serials s
                JOIN stock_ledger g ON g.part_id = s.part_id AND g.serial_no = s.serial_no
                GROUP BY s.id, g.warehouse_id
                HAVING q <> CASE WHEN s.state IN ('in_stock','faulty') AND s.warehouse_id = g.warehouse_id THEN 1 ELSE 0 END`);
    violations(`SELECT s.id FROM serials s WHERE s.state IN ('in_stock','faulty') AND NOT EXISTS
                  (SELECT 1 FROM stock_ledger g WHERE g.part_id = s.part_id AND g.serial_no = s.serial_no AND g.warehouse_id = s.warehouse_id)`);
    const states = Object.fromEntries(all('SELECT state, count(*) AS n FROM serials GROUP BY state').map((r) => [r.state, r.n]));
    for (const s of ['in_stock', 'issued', 'installed', 'faulty']) expect(states[s], s).toBeGreaterThan(0);
  });

  it('records a history row for every serial movement, ending where the serial is', () => {
    // Every ledger row with a serial has its history row in the same document …
    violations(`SELECT g.id FROM stock_ledger g JOIN serials s ON s.part_id = g.part_id AND s.serial_no = g.serial_no
                WHERE NOT EXISTS (SELECT 1 FROM serial_history h WHERE h.serial_id = s.id AND h.document_id = g.document_id)`);
    // … and a history row without a ledger row is a replacement fitted in the device (issued → installed).
    violations(`SELECT h.id FROM serial_history h JOIN serials s ON s.id = h.serial_id
                WHERE NOT EXISTS (SELECT 1 FROM stock_ledger g WHERE g.document_id = h.document_id AND g.part_id = s.part_id AND g.serial_no = s.serial_no)
                  AND NOT (h.from_state = 'issued' AND h.to_state = 'installed'
                    AND EXISTS (SELECT 1 FROM return_lines l WHERE l.document_id = h.document_id AND l.part_id = s.part_id AND l.new_serial = s.serial_no))`);
    // Each row starts where the previous one ended; the first comes from nowhere.
    violations(`SELECT * FROM (
                  SELECT h.id, h.from_state, h.from_warehouse_id, h.from_order_id,
                         lag(h.to_state) OVER w AS prev_state, lag(h.to_warehouse_id) OVER w AS prev_w, lag(h.to_order_id) OVER w AS prev_o,
                         row_number() OVER w AS n
                  FROM serial_history h WINDOW w AS (PARTITION BY h.serial_id ORDER BY h.id))
                WHERE (n = 1 AND from_state IS NOT NULL)
                   OR (n > 1 AND (from_state IS NOT prev_state OR from_warehouse_id IS NOT prev_w OR from_order_id IS NOT prev_o))`);
    violations(`SELECT s.id FROM serials s JOIN serial_history h ON h.id = (SELECT max(id) FROM serial_history WHERE serial_id = s.id)
                WHERE h.to_state IS NOT s.state OR h.to_warehouse_id IS NOT s.warehouse_id OR h.to_order_id IS NOT s.order_id`);
    violations('SELECT s.id FROM serials s WHERE NOT EXISTS (SELECT 1 FROM serial_history h WHERE h.serial_id = s.id)');
    violations('SELECT h.id FROM serial_history h JOIN stock_documents d ON d.id = h.document_id WHERE h.at <> d.posted_at OR h.user_id <> d.posted_by');
  });

  it('swaps faulty parts: the old serial into the faulty store, a replacement issued for the order installed', () => {
    const swaps = value(`SELECT count(*) FROM return_lines WHERE kind = 'faulty' AND new_serial <> ''`);
    expect(swaps).toBeGreaterThan(0);
    violations(`SELECT l.id FROM return_lines l JOIN stock_documents d ON d.id = l.document_id
                JOIN serials n ON n.part_id = l.part_id AND n.serial_no = l.new_serial
                WHERE l.kind = 'faulty' AND l.new_serial <> '' AND NOT (
                  n.state = 'installed' AND n.order_id = d.order_id
                  AND EXISTS (SELECT 1 FROM serial_history h WHERE h.serial_id = n.id AND h.document_id = d.id
                                AND h.from_state = 'issued' AND h.from_order_id = d.order_id AND h.to_state = 'installed')
                  AND EXISTS (SELECT 1 FROM serial_history h JOIN stock_documents i ON i.id = h.document_id
                                WHERE h.serial_id = n.id AND i.doc_type = 'issue' AND i.order_id = d.order_id AND h.to_state = 'issued'))`);
    violations(`SELECT l.id FROM return_lines l JOIN parts p ON p.id = l.part_id
                WHERE l.kind = 'faulty' AND p.serial_tracked = 1 AND (l.serials = '' OR l.new_serial = '' OR l.quantity <> 1
                  OR NOT EXISTS (SELECT 1 FROM serial_history h JOIN serials s ON s.id = h.serial_id
                                 WHERE s.part_id = l.part_id AND s.serial_no = l.serials AND h.document_id = l.document_id AND h.to_state = 'faulty'))`);
    violations(`SELECT l.id FROM return_lines l JOIN warehouses w ON w.id = l.warehouse_id
                WHERE (l.kind = 'faulty' AND (w.kind <> 'faulty' OR l.fault = '')) OR (l.kind = 'unused' AND w.kind <> 'main')`);
    expect(value("SELECT count(*) FROM return_lines WHERE kind = 'unused'")).toBeGreaterThan(0);
    // Serials on issue and return lines: one per unit for serial-tracked parts, none otherwise.
    for (const table of ['issue_lines', 'stock_lines']) {
      violations(`SELECT l.id FROM ${table} l JOIN parts p ON p.id = l.part_id
                  WHERE (p.serial_tracked = 1 AND length(l.serials) - length(replace(l.serials, ',', '')) + 1 <> abs(l.quantity))
                     OR (p.serial_tracked = 0 AND l.serials <> '')`);
    }
  });

  it('keeps the planned lines’ issued and returned counts equal to the documents, net of reversals', () => {
    violations(`SELECT m.id, m.issued_qty, m.returned_qty FROM order_materials m
                WHERE m.issued_qty <> ifnull((SELECT sum(l.quantity) FROM issue_lines l WHERE l.material_id = m.id AND l.document_id NOT IN (${REVERSED})), 0)
                   OR m.returned_qty <> ifnull((SELECT sum(l.quantity) FROM return_lines l JOIN stock_documents d ON d.id = l.document_id
                        WHERE d.order_id = m.order_id AND l.part_id = m.part_id AND l.kind = 'unused' AND d.id NOT IN (${REVERSED})), 0)`);
    violations(`SELECT l.id FROM issue_lines l JOIN stock_documents d ON d.id = l.document_id JOIN order_materials m ON m.id = l.material_id
                WHERE m.order_id IS NOT d.order_id OR m.part_id <> l.part_id OR l.unit_price_fen <> m.unit_price_fen`);
    // Payer follows the order's 三包; the price is the part's.
    violations(`SELECT m.id FROM order_materials m JOIN dispatch_orders o ON o.id = m.order_id JOIN parts p ON p.id = m.part_id
                WHERE m.payer <> CASE WHEN o.warranty = 1 THEN 'company' ELSE 'customer' END OR m.unit_price_fen <> p.unit_price_fen
                   OR m.quantity < 1`);
    expect(value('SELECT count(*) FROM order_materials')).toBe(summary.warehouse.materials);
    const share = value('SELECT count(DISTINCT order_id) FROM order_materials') / ORDERS;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
    expect(value('SELECT max(n) FROM (SELECT count(*) AS n FROM order_materials GROUP BY order_id)')).toBeLessThanOrEqual(3);
    expect(value("SELECT count(*) FROM order_materials WHERE part_no = '2BY.5084.1044.1'")).toBeGreaterThan(0);
    expect(value(`SELECT count(*) FROM order_materials m JOIN dispatch_orders o ON o.id = m.order_id WHERE o.warranty = 1`)).toBeGreaterThan(0);
    expect(value(`SELECT count(*) FROM order_materials m JOIN dispatch_orders o ON o.id = m.order_id WHERE o.warranty = 0`)).toBeGreaterThan(0);
    // The chargeable parts used are the order's computed parts fee lines.
    violations(`SELECT m.id FROM order_materials m LEFT JOIN service_fees f ON f.material_id = m.id
                WHERE (m.payer = 'customer' AND m.issued_qty > m.returned_qty)
                  IS NOT (f.id IS NOT NULL AND f.amount_fen = (m.issued_qty - m.returned_qty) * m.unit_price_fen AND f.order_id = m.order_id)`);
  });

  it('fits the orders’ statuses: nothing issued before dispatch, completed orders issued or owed', () => {
    violations(`SELECT m.id FROM order_materials m JOIN dispatch_orders o ON o.id = m.order_id
                WHERE o.status IN ('pending','cancelled') AND (m.issued_qty > 0 OR m.returned_qty > 0)`);
    // Completed and visited: whatever of the plan was not issued is on an owed record (open or closed).
    violations(`SELECT m.id, m.quantity, m.issued_qty, owed FROM (
                  SELECT m.*, ifnull((SELECT sum(w.quantity - w.supplied) FROM owed_parts w WHERE w.order_id = m.order_id
                         AND w.part_id = m.part_id AND w.status IN ('owed','partial','closed')), 0) AS owed
                  FROM order_materials m JOIN dispatch_orders o ON o.id = m.order_id WHERE o.status IN ('completed','visited')) m
                WHERE max(0, m.quantity - m.issued_qty) <> m.owed`);
    // Owed parts only on completed orders, for a planned part.
    violations(`SELECT w.id FROM owed_parts w JOIN dispatch_orders o ON o.id = w.order_id
                WHERE o.status NOT IN ('completed','visited')
                   OR NOT EXISTS (SELECT 1 FROM order_materials m WHERE m.order_id = w.order_id AND m.part_id = w.part_id)`);
    const issuedByStatus = Object.fromEntries(
      all(`SELECT o.status, count(DISTINCT o.id) AS n FROM dispatch_orders o JOIN order_materials m ON m.order_id = o.id
           WHERE m.issued_qty > 0 GROUP BY o.status`).map((r) => [r.status, r.n]),
    );
    for (const s of ['dispatched', 'in_progress', 'completed', 'visited']) expect(issuedByStatus[s], s).toBeGreaterThan(0);
    // Issued parts come back at most once: returned ≤ issued.
    violations('SELECT id FROM order_materials WHERE returned_qty > issued_qty');
  });

  it('keeps owed records consistent: supplied by issue lines, status from what was supplied', () => {
    violations(`SELECT w.id FROM owed_parts w
                WHERE w.supplied <> ifnull((SELECT sum(l.quantity) FROM issue_lines l WHERE l.owed_id = w.id AND l.document_id NOT IN (${REVERSED})), 0)`);
    violations(`SELECT id, status, quantity, supplied FROM owed_parts
                WHERE supplied > quantity OR supplied < 0
                   OR (status = 'supplied' AND supplied <> quantity)
                   OR (status = 'partial' AND NOT (supplied > 0 AND supplied < quantity))
                   OR (status = 'owed' AND supplied <> 0)
                   OR (status = 'closed' AND (close_reason = '' OR supplied >= quantity))
                   OR (status <> 'closed' AND close_reason <> '')
                   OR reason = '' OR responsible = '' OR promised_date NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                   OR promised_date < substr(created_at, 1, 10)`);
    violations(`SELECT l.id FROM issue_lines l JOIN owed_parts w ON w.id = l.owed_id JOIN stock_documents d ON d.id = l.document_id
                WHERE w.order_id <> d.order_id OR w.part_id <> l.part_id OR d.posted_at < w.created_at`);
    const statuses = Object.fromEntries(all('SELECT status, count(*) AS n FROM owed_parts GROUP BY status').map((r) => [r.status, r.n]));
    for (const s of ['owed', 'supplied', 'closed']) expect(statuses[s], s).toBeGreaterThan(0);
    expect(value('SELECT count(*) FROM owed_parts')).toBe(summary.warehouse.owed);
    // Overdue: promised before the generator's now and still open.
    const today = now.toISOString().slice(0, 10);
    expect(value("SELECT count(*) FROM owed_parts WHERE status IN ('owed','partial') AND promised_date < ?", today)).toBeGreaterThan(0);
    expect(value('SELECT count(*) FROM owed_part_list WHERE overdue = 1')).toBeGreaterThan(0);
  });

  it('copies the search text from its sources', () => {
    violations(`SELECT m.id FROM order_materials m JOIN dispatch_orders o ON o.id = m.order_id JOIN parts p ON p.id = m.part_id
                LEFT JOIN engineers e ON e.id = o.engineer_id
                WHERE m.order_no <> o.order_no OR m.customer <> o.customer OR m.engineer IS NOT e.name
                   OR m.part_no <> p.part_no OR m.part_name <> p.name`);
    violations(`SELECT w.id FROM owed_parts w JOIN dispatch_orders o ON o.id = w.order_id JOIN parts p ON p.id = w.part_id
                WHERE w.order_no <> o.order_no OR w.customer <> o.customer OR w.part_no <> p.part_no OR w.part_name <> p.name`);
    violations(`SELECT l.id FROM issue_lines l JOIN stock_documents d ON d.id = l.document_id JOIN dispatch_orders o ON o.id = d.order_id
                JOIN parts p ON p.id = l.part_id LEFT JOIN engineers e ON e.id = d.engineer_id
                WHERE l.doc_no <> d.doc_no OR l.posted_at <> d.posted_at OR l.order_no <> o.order_no OR l.customer <> o.customer
                   OR l.engineer IS NOT e.name OR l.part_no <> p.part_no OR l.warehouse_id IS NOT d.warehouse_id`);
    violations(`SELECT l.id FROM return_lines l JOIN stock_documents d ON d.id = l.document_id JOIN dispatch_orders o ON o.id = d.order_id
                JOIN parts p ON p.id = l.part_id LEFT JOIN engineers e ON e.id = o.engineer_id
                WHERE l.doc_no <> d.doc_no OR l.posted_at <> d.posted_at OR l.order_no <> o.order_no OR l.customer <> o.customer
                   OR l.engineer IS NOT e.name OR l.part_no <> p.part_no`);
    violations(`SELECT g.id FROM stock_ledger g JOIN stock_documents d ON d.id = g.document_id JOIN parts p ON p.id = g.part_id
                LEFT JOIN dispatch_orders o ON o.id = d.order_id
                WHERE g.doc_no <> d.doc_no OR g.doc_type <> d.doc_type OR g.at <> d.posted_at OR g.user_id <> d.posted_by
                   OR g.order_id IS NOT d.order_id OR g.order_no IS NOT o.order_no OR g.part_no <> p.part_no`);
    // Lines and documents agree: every issue, return, receipt and adjustment line has its ledger rows.
    violations(`SELECT d.id FROM stock_documents d WHERE d.doc_type <> 'reversal'
                AND (SELECT sum(abs(quantity)) FROM stock_ledger g WHERE g.document_id = d.id) IS NOT
                    (SELECT sum(abs(quantity)) FROM (SELECT document_id, quantity FROM issue_lines UNION ALL SELECT document_id, quantity FROM return_lines
                       UNION ALL SELECT document_id, quantity FROM stock_lines) WHERE document_id = d.id)`);
    // A reversal's ledger is the original's, negated.
    violations(`SELECT r.id FROM stock_documents r WHERE r.doc_type = 'reversal' AND EXISTS (
                  SELECT part_id, warehouse_id, -quantity, serial_no FROM stock_ledger WHERE document_id = r.reverses_id
                  EXCEPT SELECT part_id, warehouse_id, quantity, serial_no FROM stock_ledger WHERE document_id = r.id)`);
    // The search index holds one row per row of each base table.
    for (const [table, text] of [
      ['order_materials', 'material_search_text'],
      ['issue_lines', 'issue_search_text'],
      ['return_lines', 'return_search_text'],
      ['owed_parts', 'owed_search_text'],
      ['stock_ledger', 'ledger_search_text'],
    ]) {
      expect(value(`SELECT count(*) FROM ${text}`), text).toBe(value(`SELECT count(*) FROM ${table}`));
    }
  });

  it('fills every list, and quick search finds the manual’s part number', () => {
    for (const view of ['order_material_list', 'issue_line_list', 'return_line_list', 'owed_part_list', 'stock_balance_list', 'stock_ledger_list', 'part_list']) {
      expect(value(`SELECT count(*) FROM ${view}`), view).toBeGreaterThan(0);
    }
    expect(value('SELECT count(*) FROM issue_line_list WHERE reversed_by IS NOT NULL')).toBeGreaterThan(0);
    for (const def of [materialsModule, issueModule, returnModule, owedModule, ledgerList, stockList, partsList]) {
      const r = runModuleQuery(db, def, { conditions: [{ field: 'any', op: 'contains', value: '2by*5084*1044*1' }], limit: 200 });
      if (def !== returnModule && def !== owedModule) expect(r.total, def.id).toBeGreaterThan(0);
      for (const row of r.rows) expect(JSON.stringify(row)).toContain('2BY.5084.1044.1');
    }
    const serial = db.prepare("SELECT serial_no FROM serials WHERE state = 'installed' LIMIT 1").pluck().get() as string;
    expect(runModuleQuery(db, ledgerList, { conditions: [{ field: 'any', op: 'contains', value: serial }], limit: 200 }).total).toBeGreaterThan(0);
    expect(runModuleQuery(db, issueModule, { conditions: [{ field: 'any', op: 'contains', value: serial }], limit: 200 }).total).toBeGreaterThan(0);
  });
});
