import type { DB } from '../db/open.js';
import { countModuleRows, firstModuleRows, runModuleQuery } from '../db/services/query.js';
import { postIssue } from '../db/services/warehouse/documents.js';
import { findSerial, partBalance } from '../db/services/warehouse/catalogue.js';
import type { Actor } from '../db/services/orders.js';
import { issueModule } from '../shared/modules/issue.js';
import { materialsModule } from '../shared/modules/materials.js';
import { owedModule } from '../shared/modules/owed.js';
import { returnModule } from '../shared/modules/return.js';
import { ledgerList, partsList, stockList } from '../shared/modules/stock.js';
import type { ModuleDef } from '../shared/modules/types.js';
import type { QueryRequest } from '../shared/query.js';

// The warehouse's lists and postings over the benchmark database (db/demo/warehouse.ts):
// quick search (any field contains) on a part-number and a serial-number pattern in each list,
// first 200 rows and exact total timed apart; posting a 20-line issue; one part's balance and
// one serial's history. Postings run in a transaction rolled back afterwards, so the database
// stays what it was generated as and the next run measures the same thing.

const LISTS: ModuleDef[] = [materialsModule, issueModule, returnModule, owedModule, ledgerList, stockList, partsList];
/** The legacy manual's part number, written the way users search for it. */
const PART_PATTERN = '2by*5084*1044*1';
const WARMUP = 2;
const RUNS = 20;
const LIMIT = 200;
const TARGET = { rows: 20, total: 250, issue: 20, lookup: 5 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function timed<T>(runs: number, fn: (i: number) => T): { times: number[]; result: T } {
  for (let i = 0; i < WARMUP; i++) fn(i);
  let result = fn(0);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn(i);
    times.push(performance.now() - t);
  }
  return { times: times.sort((a, b) => a - b), result };
}

function pad(text: string, width: number, right = false): string {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\ua4cf\uff00-\uff60]/.test(ch) ? 2 : 1;
  const fill = ' '.repeat(Math.max(0, width - w));
  return right ? fill + text : text + fill;
}

const ms = (x: number) => x.toFixed(1);
const verdict = (x: number, target: number) => (x <= target ? 'ok' : 'OVER');

/**
 * A serial-number pattern as users type it: the serial prefix of a part and the receipt month
 * (SM01*2505: that part's serials received in May 2025), from a serial in the middle of the
 * store's history.
 */
function serialPattern(db: DB): string | null {
  const received = db
    .prepare(
      `SELECT s.serial_no FROM serials s WHERE EXISTS (SELECT 1 FROM serial_history h JOIN stock_documents d ON d.id = h.document_id
         WHERE h.serial_id = s.id AND h.from_state IS NULL AND d.doc_type = 'receipt') ORDER BY s.id`,
    )
    .pluck()
    .all() as string[];
  if (!received.length) return null;
  const serial = received[Math.floor(received.length / 2)];
  return `${serial.slice(0, 4)}*${serial.slice(4, 8)}`;
}

/** An order being worked on and 20 parts in stock in the main store, two of them serial-tracked. */
function issueInput(db: DB) {
  const order = db
    .prepare("SELECT order_no FROM dispatch_orders WHERE status = 'in_progress' AND engineer_id IS NOT NULL ORDER BY id DESC LIMIT 1")
    .pluck()
    .get() as string | undefined;
  const main = db.prepare("SELECT id FROM warehouses WHERE kind = 'main' AND active = 1 ORDER BY id LIMIT 1").pluck().get() as number | undefined;
  if (!order || !main) return null;
  const inStock = (tracked: number, n: number) =>
    db
      .prepare(
        `SELECT p.id FROM parts p JOIN stock_balances b ON b.part_id = p.id AND b.warehouse_id = ?
         WHERE p.serial_tracked = ? AND p.active = 1 AND b.quantity >= 2 ORDER BY b.quantity DESC, p.id LIMIT ?`,
      )
      .pluck()
      .all(main, tracked, n) as number[];
  const tracked = inStock(1, 2);
  const plain = inStock(0, 20 - tracked.length);
  if (tracked.length + plain.length < 20) return null;
  const serialOf = db
    .prepare("SELECT serial_no FROM serials WHERE part_id = ? AND warehouse_id = ? AND state = 'in_stock' ORDER BY id LIMIT 1")
    .pluck();
  const lines = [
    ...plain.map((partId) => ({ partId, quantity: 1, serials: [] as string[] })),
    ...tracked.map((partId) => ({ partId, quantity: 1, serials: [serialOf.get(partId, main) as string] })),
  ];
  return { orderNo: order, warehouseId: main, engineerId: null, remarks: 'bench', lines };
}

export async function benchWarehouse(db: DB, log: (line: string) => void): Promise<void> {
  const orders = db.prepare('SELECT count(*) FROM dispatch_orders').pluck().get() as number;
  const documents = db.prepare('SELECT count(*) FROM stock_documents').pluck().get() as number;
  log('');
  if (!documents) {
    log('warehouse: no stock documents in this database (generated before the warehouse demo); generate it again to bench the warehouse');
    return;
  }
  const counts = Object.fromEntries(
    LISTS.map((def) => [def.id, db.prepare(`SELECT count(*) FROM "${def.view}"`).pluck().get() as number]),
  );
  log(
    `warehouse lists, quick search (any field contains), first ${LIMIT} rows + exact total, default sort; ` +
      `${orders.toLocaleString('en')} orders, ${documents.toLocaleString('en')} stock documents; ${RUNS} runs each (ms)`,
  );
  log(`  rows per list: ${LISTS.map((def) => `${def.id} ${counts[def.id].toLocaleString('en')}`).join(', ')}`);

  const header = ['list', 'pattern', 'rows', 'total', 'rows med', 'rows p95', 'total med', 'total p95', 'same'];
  const widths = [10, 16, 5, 9, 8, 8, 9, 9, 4];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], i > 1 && i < 8)).join('  ');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  const serial = serialPattern(db);
  const patterns = [PART_PATTERN, ...(serial ? [serial] : [])];
  const all = { rows: [] as number[], total: [] as number[] };
  const worst = { rows: 0, total: 0 };
  let allSame = true;
  for (const def of LISTS) {
    for (const pattern of patterns) {
      const request: QueryRequest = { conditions: [{ field: 'any', op: 'contains', value: pattern }], limit: LIMIT };
      const rows = timed(RUNS, () => firstModuleRows(db, def, request));
      const total = timed(RUNS, () => countModuleRows(db, def, request));
      // The list as the client gets it: the same page and total.
      const result = runModuleQuery(db, def, request);
      const same =
        result.total === (rows.result.capped ? total.result : rows.result.rows.length) &&
        result.rows.length === rows.result.rows.length &&
        result.rows.every((r, i) => r.id === rows.result.rows[i].id);
      allSame &&= same;
      all.rows.push(...rows.times);
      all.total.push(...total.times);
      worst.rows = Math.max(worst.rows, percentile(rows.times, 95));
      worst.total = Math.max(worst.total, percentile(total.times, 95));
      log(
        line([
          def.id,
          pattern,
          String(rows.result.rows.length),
          String(total.result),
          ms(percentile(rows.times, 50)),
          ms(percentile(rows.times, 95)),
          ms(percentile(total.times, 50)),
          ms(percentile(total.times, 95)),
          same ? 'yes' : 'NO',
        ]),
      );
    }
  }
  for (const list of Object.values(all)) list.sort((a, b) => a - b);
  log(
    `p95 over the lists (all runs pooled / worst case): rows ${ms(percentile(all.rows, 95))} / ${ms(worst.rows)} ms ` +
      `(target ${TARGET.rows}: ${verdict(worst.rows, TARGET.rows)}), total ${ms(percentile(all.total, 95))} / ${ms(worst.total)} ms ` +
      `(target ${TARGET.total}: ${verdict(worst.total, TARGET.total)}); page and total ${allSame ? 'identical to' : 'DIFFERENT from'} runModuleQuery`,
  );

  // ---- postings and lookups ----
  log('');
  log(`warehouse operations, ${RUNS} runs each (ms)`);
  const opHeader = ['operation', 'detail', 'med', 'p95', 'max', 'target', ''];
  const opWidths = [14, 52, 7, 7, 7, 6, 4];
  const opLine = (cells: string[]) => cells.map((c, i) => pad(c, opWidths[i], i > 1 && i < 6)).join('  ');
  log(opLine(opHeader));
  log(opWidths.map((w) => '-'.repeat(w)).join('  '));
  const report = (op: string, detail: string, times: number[], target: number) =>
    log(opLine([op, detail, ms(percentile(times, 50)), ms(percentile(times, 95)), ms(times[times.length - 1]), String(target), verdict(percentile(times, 95), target)]));

  const input = issueInput(db);
  if (!input) {
    log(opLine(['20-line issue', 'skipped: no order in progress or too few parts in stock', '', '', '', '', '']));
  } else {
    const actor: Actor = {
      user: { id: 2, username: 'warehouse', displayName: '王建军', role: 'warehouse' },
      now: new Date(),
      timeZone: 'Asia/Shanghai',
    };
    // Inside an outer transaction the service's own transaction is a savepoint; rolling the
    // outer one back leaves the database as it was (the WAL commit itself is not timed).
    const begin = db.prepare('BEGIN IMMEDIATE');
    const rollback = db.prepare('ROLLBACK');
    let docNo = '';
    const times: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      begin.run();
      try {
        const t = performance.now();
        docNo = postIssue(db, input, actor).docNo;
        if (i >= WARMUP) times.push(performance.now() - t);
      } finally {
        rollback.run();
      }
    }
    times.sort((a, b) => a - b);
    report('20-line issue', `${input.orderNo}: 18 parts + 2 serials, ${docNo}`, times, TARGET.issue);
  }

  const partsToCheck = db
    .prepare(
      `SELECT p.id, p.part_no, p.serial_tracked, (SELECT count(*) FROM serials s WHERE s.part_id = p.id AND s.state IN ('in_stock','faulty')) AS serials
       FROM parts p ORDER BY serials DESC, p.id`,
    )
    .all() as { id: number; part_no: string; serial_tracked: number; serials: number }[];
  const busiest = partsToCheck[0];
  const plain = partsToCheck.find((p) => !p.serial_tracked);
  if (busiest) {
    const balance = timed(RUNS, () => partBalance(db, busiest.id));
    report('part balance', `${busiest.part_no}: ${busiest.serials} serials in the stores`, balance.times, TARGET.lookup);
  }
  if (plain) {
    const balance = timed(RUNS, () => partBalance(db, plain.id));
    report('part balance', `${plain.part_no}: not serial-tracked`, balance.times, TARGET.lookup);
  }
  // Serials with the longest histories (issued, reversed, returned, fitted …), a different one each run.
  const serials = db
    .prepare('SELECT s.serial_no, count(*) AS n FROM serial_history h JOIN serials s ON s.id = h.serial_id GROUP BY h.serial_id ORDER BY n DESC, s.id LIMIT ?')
    .all(RUNS) as { serial_no: string; n: number }[];
  if (serials.length) {
    const find = timed(RUNS, (i) => findSerial(db, serials[i % serials.length].serial_no));
    report('serial find', `${serials.length} serials of ${serials.at(-1)!.n}–${serials[0].n} moves, e.g. ${serials[0].serial_no}`, find.times, TARGET.lookup);
  }
}
