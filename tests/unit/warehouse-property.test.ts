import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../db/demo/generate.js';
import type { DB } from '../../db/open.js';
import { orderDay } from '../../db/services/orders.js';
import { ServiceError } from '../../shared/errors.js';
import { finished, spawnTs } from '../helpers/spawn.js';
import { makeWarehouseFixture, type WarehouseFixture } from './warehouse-fixture.js';
import { Dice, stockDesk, type OpResult } from './warehouse-property-worker.js';

// Random sequences of stock documents from three desks at once (two worker processes and this
// one, all on the same SQLite file), plausible and implausible ones mixed, then the whole
// history is replayed by an oracle written here, independently of the services: from the
// document lines alone it recomputes every balance, every serial's place, every order's
// issued/returned counts and every owed record's supply, checking each document against the
// rules as it goes, and compares the result with what the database holds.

const DESK_OPS = 140;
const MAIN_OPS = 110;
const SEEDS = [1, 2, 3];

interface Place {
  state: string;
  warehouseId: number | null;
  orderId: number | null;
}
const REMOVED: Place = { state: 'removed', warehouseId: null, orderId: null };
const samePlace = (a: Place | null, b: Place | null) =>
  a === b || (a !== null && b !== null && a.state === b.state && a.warehouseId === b.warehouseId && a.orderId === b.orderId);
const show = (p: Place | null) => (p ? `${p.state}${p.warehouseId ? `@w${p.warehouseId}` : ''}${p.orderId ? `@o${p.orderId}` : ''}` : 'nowhere');

interface Effect {
  orderId: number | null;
  stock: [number, number, number][];
  moves: { key: string; from: Place | null; to: Place }[];
  issued: [string, number][];
  returned: [string, number][];
  owed: [number, number][];
}

/**
 * Replays every posted document in commit (id) order from its lines and returns what does not
 * add up. Knows the rules, not the services: where a serial may come from for each document,
 * that nothing goes below zero, that a reversal undoes exactly its document.
 */
function oracleProblems(db: DB): string[] {
  const problems: string[] = [];
  const kindOf = new Map((db.prepare('SELECT id, kind FROM warehouses').all() as { id: number; kind: string }[]).map((w) => [w.id, w.kind]));
  const trackedOf = new Map((db.prepare('SELECT id, serial_tracked FROM parts').all() as { id: number; serial_tracked: number }[]).map((p) => [p.id, p.serial_tracked === 1]));
  const docs = db.prepare('SELECT id, doc_no, doc_type, order_id, warehouse_id, reverses_id, posted_at FROM stock_documents ORDER BY id').all() as {
    id: number;
    doc_no: string;
    doc_type: string;
    order_id: number | null;
    warehouse_id: number | null;
    reverses_id: number | null;
    posted_at: string;
  }[];
  const grouped = <T extends { document_id: number }>(sql: string) => {
    const m = new Map<number, T[]>();
    for (const r of db.prepare(sql).all() as T[]) m.set(r.document_id, [...(m.get(r.document_id) ?? []), r]);
    return m;
  };
  type StockLine = { document_id: number; part_id: number; warehouse_id: number; quantity: number; serials: string };
  type IssueLine = StockLine & { id: number; material_id: number | null; owed_id: number | null };
  type ReturnLine = StockLine & { kind: string; new_serial: string };
  const stockLines = grouped<StockLine>('SELECT * FROM stock_lines ORDER BY document_id, line_no');
  const issueLines = grouped<IssueLine>('SELECT * FROM issue_lines ORDER BY document_id, line_no');
  const returnLines = grouped<ReturnLine>('SELECT * FROM return_lines ORDER BY document_id, line_no');
  const owedQty = new Map((db.prepare('SELECT id, quantity FROM owed_parts').all() as { id: number; quantity: number }[]).map((w) => [w.id, w.quantity]));
  const split = (s: string) => (s ? s.split(', ') : []);

  const bal = new Map<string, number>();
  const counted = new Map<string, number>(); // serials in a store, per part:warehouse
  const serials = new Map<string, Place>();
  const issued = new Map<string, number>();
  const returned = new Map<string, number>();
  const owed = new Map<number, number>();
  const effects = new Map<number, Effect>();
  const reversed = new Set<number>();
  const add = <K,>(m: Map<K, number>, k: K, q: number) => m.set(k, (m.get(k) ?? 0) + q);
  const inStore = (p: Place | null) => p !== null && (p.state === 'in_stock' || p.state === 'faulty');

  for (const d of docs) {
    const e: Effect = { orderId: d.order_id, stock: [], moves: [], issued: [], returned: [], owed: [] };
    const touched = new Set<string>();
    const problem = (m: string) => problems.push(`${d.doc_no} (${d.doc_type}): ${m}`);
    const stock = (p: number, w: number, q: number) => {
      e.stock.push([p, w, q]);
      add(bal, `${p}:${w}`, q);
      touched.add(`${p}:${w}`);
    };
    const move = (p: number, serialNo: string, allowed: (cur: Place | null) => boolean, to: Place, rule: string) => {
      const key = `${p}\n${serialNo}`;
      const cur = serials.get(key) ?? null;
      if (!allowed(cur)) problem(`serial ${serialNo} of part ${p} ${rule}, but it was ${show(cur)}`);
      if (inStore(cur)) add(counted, `${p}:${cur!.warehouseId}`, -1);
      if (inStore(to)) add(counted, `${p}:${to.warehouseId}`, 1);
      serials.set(key, to);
      e.moves.push({ key, from: cur, to });
    };
    const storePlace = (w: number): Place => ({ state: kindOf.get(w) === 'faulty' ? 'faulty' : 'in_stock', warehouseId: w, orderId: null });
    const newOrRemoved = (cur: Place | null) => cur === null || cur.state === 'removed';
    const inWarehouse = (w: number) => (cur: Place | null) => inStore(cur) && cur!.warehouseId === w;
    const issuedFor = (o: number | null) => (cur: Place | null) => cur !== null && cur.state === 'issued' && cur.orderId === o;
    const serialCount = (p: number, q: number, list: string[]) => {
      if (trackedOf.get(p) ? list.length !== Math.abs(q) : list.length !== 0) problem(`part ${p} ×${q} with serials [${list.join('|')}]`);
      if (new Set(list).size !== list.length) problem(`a serial twice: ${list.join('|')}`);
    };

    switch (d.doc_type) {
      case 'receipt':
      case 'adjustment':
        for (const l of stockLines.get(d.id) ?? []) {
          if (l.warehouse_id !== d.warehouse_id) problem('line in another warehouse than the document');
          if (d.doc_type === 'receipt' && l.quantity <= 0) problem(`receipt of ${l.quantity}`);
          const list = split(l.serials);
          serialCount(l.part_id, l.quantity, list);
          stock(l.part_id, l.warehouse_id, l.quantity);
          for (const s of list) {
            if (l.quantity > 0) move(l.part_id, s, newOrRemoved, storePlace(l.warehouse_id), 'was received');
            else move(l.part_id, s, inWarehouse(l.warehouse_id), REMOVED, `was written off from w${l.warehouse_id}`);
          }
        }
        break;
      case 'issue':
        if (d.order_id === null) problem('issue without an order');
        for (const l of issueLines.get(d.id) ?? []) {
          if (kindOf.get(l.warehouse_id) !== 'main') problem('issued from the faulty store');
          const list = split(l.serials);
          serialCount(l.part_id, l.quantity, list);
          stock(l.part_id, l.warehouse_id, -l.quantity);
          for (const s of list) {
            move(l.part_id, s, (c) => c !== null && c.state === 'in_stock' && c.warehouseId === l.warehouse_id, { state: 'issued', warehouseId: null, orderId: d.order_id }, `was issued from w${l.warehouse_id}`);
          }
          const key = `${d.order_id}:${l.part_id}`;
          e.issued.push([key, l.quantity]);
          add(issued, key, l.quantity);
          if (l.owed_id !== null) {
            e.owed.push([l.owed_id, l.quantity]);
            add(owed, l.owed_id, l.quantity);
            if ((owed.get(l.owed_id) ?? 0) > (owedQty.get(l.owed_id) ?? 0)) problem(`owed #${l.owed_id} supplied above its quantity`);
          }
        }
        break;
      case 'return':
        for (const l of returnLines.get(d.id) ?? []) {
          const list = split(l.serials);
          stock(l.part_id, l.warehouse_id, l.quantity);
          if (l.kind === 'unused') {
            if (kindOf.get(l.warehouse_id) !== 'main') problem('unused parts into the faulty store');
            serialCount(l.part_id, l.quantity, list);
            for (const s of list) move(l.part_id, s, issuedFor(d.order_id), storePlace(l.warehouse_id), 'came back unused');
            const key = `${d.order_id}:${l.part_id}`;
            e.returned.push([key, l.quantity]);
            add(returned, key, l.quantity);
            if ((returned.get(key) ?? 0) > (issued.get(key) ?? 0)) problem(`returned ${returned.get(key)} of ${issued.get(key) ?? 0} issued`);
          } else {
            if (kindOf.get(l.warehouse_id) !== 'faulty') problem('a faulty part into a main store');
            serialCount(l.part_id, l.quantity, list);
            if (!trackedOf.get(l.part_id) && l.new_serial) problem('replacement serial on an untracked part');
            if (l.new_serial) {
              move(l.part_id, l.new_serial, issuedFor(d.order_id), { state: 'installed', warehouseId: null, orderId: d.order_id }, 'was installed');
            }
            for (const s of list) {
              move(
                l.part_id,
                s,
                (c) => c === null || c.state === 'installed' || c.state === 'removed' || (c.state === 'issued' && c.orderId === d.order_id),
                storePlace(l.warehouse_id),
                'was taken out of a device',
              );
            }
          }
        }
        break;
      case 'reversal': {
        const orig = d.reverses_id === null ? undefined : effects.get(d.reverses_id);
        if (!orig) {
          problem(`reverses #${d.reverses_id}, not an earlier document that can be reversed`);
          break;
        }
        if (reversed.has(d.reverses_id!)) problem('a document reversed twice');
        reversed.add(d.reverses_id!);
        if (orig.orderId !== d.order_id) problem('reversal of another order');
        for (const [p, w, q] of orig.stock) stock(p, w, -q);
        for (const m of [...orig.moves].reverse()) {
          const [p, serialNo] = [Number(m.key.split('\n')[0]), m.key.split('\n')[1]];
          move(p, serialNo, (cur) => samePlace(cur, m.to), m.from ?? REMOVED, `was moved back (it had to be ${show(m.to)})`);
        }
        for (const [k, q] of orig.issued) {
          e.issued.push([k, -q]);
          add(issued, k, -q);
          if ((returned.get(k) ?? 0) > (issued.get(k) ?? 0)) problem(`issue reversed below what was returned (${k})`);
        }
        for (const [k, q] of orig.returned) {
          e.returned.push([k, -q]);
          add(returned, k, -q);
        }
        for (const [id, q] of orig.owed) {
          e.owed.push([id, -q]);
          add(owed, id, -q);
        }
        break;
      }
      default:
        problem('unknown document type');
    }
    effects.set(d.id, e);
    for (const k of touched) {
      const q = bal.get(k) ?? 0;
      if (q < 0) problem(`balance ${k} went to ${q}`);
      const part = Number(k.split(':')[0]);
      if (trackedOf.get(part) && (counted.get(k) ?? 0) !== q) problem(`balance ${k} = ${q} but ${counted.get(k) ?? 0} serials there`);
    }
  }

  // ---- what the database holds, against the replay ----
  const stored = new Map(
    (db.prepare('SELECT part_id, warehouse_id, quantity FROM stock_balances').all() as { part_id: number; warehouse_id: number; quantity: number }[]).map((b) => [
      `${b.part_id}:${b.warehouse_id}`,
      b.quantity,
    ]),
  );
  // The ledger replayed from scratch: its sum per part and warehouse.
  const ledgerRows = db.prepare('SELECT document_id, part_id, warehouse_id, quantity, serial_no FROM stock_ledger ORDER BY id').all() as {
    document_id: number;
    part_id: number;
    warehouse_id: number;
    quantity: number;
    serial_no: string | null;
  }[];
  const ledger = new Map<string, number>();
  const ledgerByDoc = new Map<string, number>();
  for (const g of ledgerRows) {
    add(ledger, `${g.part_id}:${g.warehouse_id}`, g.quantity);
    add(ledgerByDoc, `${g.document_id}:${g.part_id}:${g.warehouse_id}`, g.quantity);
    if (trackedOf.get(g.part_id) ? Math.abs(g.quantity) !== 1 || !g.serial_no : g.serial_no !== null) {
      problems.push(`ledger row of doc #${g.document_id}: part ${g.part_id} ${g.quantity} serial ${g.serial_no}`);
    }
  }
  for (const k of new Set([...bal.keys(), ...stored.keys(), ...ledger.keys()])) {
    const [b, s, l] = [bal.get(k) ?? 0, stored.get(k) ?? 0, ledger.get(k) ?? 0];
    if (b !== s || s !== l) problems.push(`balance ${k}: replayed ${b}, stored ${s}, ledger ${l}`);
    if (s < 0) problems.push(`balance ${k} negative: ${s}`);
  }
  // Each document's ledger rows are its lines.
  const fromLines = new Map<string, number>();
  for (const [id, e] of effects) for (const [p, w, q] of e.stock) add(fromLines, `${id}:${p}:${w}`, q);
  for (const k of new Set([...fromLines.keys(), ...ledgerByDoc.keys()])) {
    if ((fromLines.get(k) ?? 0) !== (ledgerByDoc.get(k) ?? 0)) problems.push(`document:part:warehouse ${k}: lines ${fromLines.get(k) ?? 0}, ledger ${ledgerByDoc.get(k) ?? 0}`);
  }

  // Serials: each in exactly the place the replay put it, the place consistent with itself.
  const serialRows = db.prepare('SELECT id, part_id, serial_no, state, warehouse_id, order_id FROM serials').all() as {
    id: number;
    part_id: number;
    serial_no: string;
    state: string;
    warehouse_id: number | null;
    order_id: number | null;
  }[];
  if (serialRows.length !== serials.size) problems.push(`${serialRows.length} serials stored, ${serials.size} replayed`);
  const perStore = new Map<string, number>();
  for (const s of serialRows) {
    const place: Place = { state: s.state, warehouseId: s.warehouse_id, orderId: s.order_id };
    const want = serials.get(`${s.part_id}\n${s.serial_no}`) ?? null;
    if (!samePlace(place, want)) problems.push(`serial ${s.serial_no} (part ${s.part_id}) is ${show(place)}, replayed ${show(want)}`);
    if (!trackedOf.get(s.part_id)) problems.push(`serial ${s.serial_no} of untracked part ${s.part_id}`);
    if (s.state === 'in_stock' || s.state === 'faulty') {
      if (s.warehouse_id === null || s.order_id !== null) problems.push(`serial ${s.serial_no} ${s.state} without its warehouse`);
      else add(perStore, `${s.part_id}:${s.warehouse_id}`, 1);
      if (kindOf.get(s.warehouse_id!) !== (s.state === 'faulty' ? 'faulty' : 'main')) problems.push(`serial ${s.serial_no} ${s.state} in a ${kindOf.get(s.warehouse_id!)} store`);
    } else if (s.state === 'issued' || s.state === 'installed') {
      if (s.order_id === null || s.warehouse_id !== null) problems.push(`serial ${s.serial_no} ${s.state} without its order`);
    } else if (s.warehouse_id !== null || s.order_id !== null) problems.push(`serial ${s.serial_no} removed but placed`);
  }
  for (const [k, q] of stored) {
    if (trackedOf.get(Number(k.split(':')[0])) && (perStore.get(k) ?? 0) !== q) problems.push(`tracked ${k}: balance ${q}, ${perStore.get(k) ?? 0} serials there`);
  }
  for (const k of perStore.keys()) if (!stored.has(k)) problems.push(`serials in ${k} without a balance`);
  // Each serial's history is one unbroken path ending where the serial is.
  const history = db.prepare('SELECT serial_id, from_state, from_warehouse_id, from_order_id, to_state, to_warehouse_id, to_order_id FROM serial_history ORDER BY id').all() as {
    serial_id: number;
    from_state: string | null;
    from_warehouse_id: number | null;
    from_order_id: number | null;
    to_state: string;
    to_warehouse_id: number | null;
    to_order_id: number | null;
  }[];
  const last = new Map<number, Place>();
  for (const h of history) {
    const from: Place | null = h.from_state === null ? null : { state: h.from_state, warehouseId: h.from_warehouse_id, orderId: h.from_order_id };
    if (!samePlace(last.get(h.serial_id) ?? null, from)) problems.push(`serial #${h.serial_id}: history jumps from ${show(last.get(h.serial_id) ?? null)} to a move from ${show(from)}`);
    last.set(h.serial_id, { state: h.to_state, warehouseId: h.to_warehouse_id, orderId: h.to_order_id });
  }
  for (const s of serialRows) {
    if (!samePlace(last.get(s.id) ?? null, { state: s.state, warehouseId: s.warehouse_id, orderId: s.order_id })) {
      problems.push(`serial ${s.serial_no}: last history ${show(last.get(s.id) ?? null)}, now ${s.state}`);
    }
  }

  // Orders' counters: the sums of the lines of documents not reversed (and the replay).
  const docOrder = new Map(docs.map((d) => [d.id, d.order_id]));
  const direct = { issued: new Map<string, number>(), returned: new Map<string, number>(), owed: new Map<number, number>() };
  for (const [id, lines] of issueLines) {
    if (reversed.has(id)) continue;
    for (const l of lines) {
      add(direct.issued, `${docOrder.get(id)}:${l.part_id}`, l.quantity);
      if (l.owed_id !== null) add(direct.owed, l.owed_id, l.quantity);
    }
  }
  for (const [id, lines] of returnLines) {
    if (reversed.has(id)) continue;
    for (const l of lines) if (l.kind === 'unused') add(direct.returned, `${docOrder.get(id)}:${l.part_id}`, l.quantity);
  }
  const materials = db.prepare('SELECT id, order_id, part_id, issued_qty, returned_qty FROM order_materials').all() as {
    id: number;
    order_id: number;
    part_id: number;
    issued_qty: number;
    returned_qty: number;
  }[];
  const materialKey = new Map(materials.map((m) => [m.id, `${m.order_id}:${m.part_id}`]));
  for (const m of materials) {
    const k = `${m.order_id}:${m.part_id}`;
    const want = [direct.issued.get(k) ?? 0, direct.returned.get(k) ?? 0, issued.get(k) ?? 0, returned.get(k) ?? 0];
    if (m.issued_qty !== want[0] || m.returned_qty !== want[1] || want[0] !== want[2] || want[1] !== want[3]) {
      problems.push(`materials ${k}: stored ${m.issued_qty}/${m.returned_qty}, lines ${want[0]}/${want[1]}, replayed ${want[2]}/${want[3]}`);
    }
  }
  for (const k of new Set([...direct.issued.keys(), ...direct.returned.keys()])) {
    if (!materials.some((m) => `${m.order_id}:${m.part_id}` === k) && ((direct.issued.get(k) ?? 0) || (direct.returned.get(k) ?? 0))) {
      problems.push(`materials ${k}: issued/returned without a line`);
    }
  }
  for (const [id, lines] of issueLines) {
    for (const l of lines) if (materialKey.get(l.material_id!) !== `${docOrder.get(id)}:${l.part_id}`) problems.push(`issue line #${l.id} names material #${l.material_id} of another order/part`);
  }
  const owedRows = db.prepare('SELECT id, quantity, supplied, status FROM owed_parts').all() as { id: number; quantity: number; supplied: number; status: string }[];
  for (const w of owedRows) {
    const [d1, d2] = [direct.owed.get(w.id) ?? 0, owed.get(w.id) ?? 0];
    if (w.supplied !== d1 || d1 !== d2) problems.push(`owed #${w.id}: supplied ${w.supplied}, lines ${d1}, replayed ${d2}`);
    const status = w.supplied >= w.quantity ? 'supplied' : w.supplied > 0 ? 'partial' : 'owed';
    if (w.status !== 'closed' && w.status !== status) problems.push(`owed #${w.id}: ${w.supplied}/${w.quantity} but ${w.status}`);
  }

  // Document numbers: unique, the type's prefix and the posting day, consecutive from 1 per day.
  const prefix: Record<string, string> = { receipt: 'RK', adjustment: 'PD', issue: 'LY', return: 'TL', reversal: 'HC' };
  const series = new Map<string, number[]>();
  for (const d of docs) {
    const head = `${prefix[d.doc_type]}${orderDay(new Date(d.posted_at))}`;
    if (!d.doc_no.startsWith(head) || !/^\d{4,}$/.test(d.doc_no.slice(head.length))) problems.push(`${d.doc_no}: a ${d.doc_type} posted ${d.posted_at}`);
    series.set(head, [...(series.get(head) ?? []), Number(d.doc_no.slice(head.length))]);
  }
  if (new Set(docs.map((d) => d.doc_no)).size !== docs.length) problems.push('document numbers repeat');
  for (const [head, numbers] of series) {
    const sorted = [...numbers].sort((a, b) => a - b);
    if (sorted.some((n, i) => n !== i + 1)) problems.push(`${head}: numbers ${sorted.join(',')} are not 1..${sorted.length}`);
  }
  return problems;
}

const fixtures: WarehouseFixture[] = [];
afterEach(() => {
  while (fixtures.length) fixtures.pop()!.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the oracle', () => {
  it('is not blind: it notices a balance, serial, counter, ledger row, history row or number that does not add up', async () => {
    const f = await makeWarehouseFixture(0);
    fixtures.push(f);
    const b = f.backend;
    const bolt = await f.part({ partNo: 'PP-1' });
    const motor = await f.part({ partNo: 'PP-2', serialTracked: true });
    const o = await f.order();
    await f.receive(bolt, 5);
    await f.receive(motor, 2, ['X1', 'X2']);
    const owed = await b.call('owed.create', { orderNo: o.orderNo, partId: bolt, quantity: 3, reason: '缺货', promisedDate: '2026-07-10', responsible: '王' }, f.token.clerk);
    await b.call('issues.post', { orderNo: o.orderNo, warehouseId: f.main, lines: [{ partId: bolt, quantity: 2, owedId: owed.id }, { partId: motor, quantity: 1, serials: ['X1'] }] }, f.keeper);
    await b.call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'unused', partId: bolt, quantity: 1, warehouseId: f.main }] }, f.keeper);
    const tl = await b.call('returns.post', { orderNo: o.orderNo, lines: [{ kind: 'faulty', partId: motor, quantity: 1, warehouseId: f.faulty, oldSerial: 'OLD', newSerial: 'X1', fault: '坏' }] }, f.keeper);
    await b.call('stock.reverse', { docNo: tl.docNo, reason: '错' }, f.keeper);
    expect(oracleProblems(f.db)).toEqual([]);

    const tampered = (sql: string) => {
      f.db.exec('BEGIN');
      try {
        f.db.exec(sql);
        return oracleProblems(f.db);
      } finally {
        f.db.exec('ROLLBACK');
      }
    };
    const unlocked = (table: string, sql: string) => tampered(`DROP TRIGGER ${table}_never_updated; DROP TRIGGER ${table}_never_deleted; ${sql}`);
    expect(tampered(`UPDATE stock_balances SET quantity = quantity + 1 WHERE part_id = ${bolt}`).join()).toMatch(/balance .*replayed 4, stored 5, ledger 4/);
    expect(tampered(`UPDATE serials SET state = 'in_stock', warehouse_id = ${f.main}, order_id = NULL WHERE serial_no = 'X1'`).join()).toMatch(/serial X1 .*replayed issued/);
    expect(tampered(`UPDATE order_materials SET returned_qty = 0`).join()).toMatch(/materials .*stored 2\/0, lines 2\/1/);
    expect(tampered(`UPDATE owed_parts SET supplied = 1, status = 'partial'`).join()).toMatch(/owed #\d+: supplied 1, lines 2/);
    expect(tampered(`UPDATE owed_parts SET status = 'owed'`).join()).toMatch(/owed #\d+: 2\/3 but owed/);
    expect(unlocked('stock_ledger', `DELETE FROM stock_ledger WHERE id = (SELECT max(id) FROM stock_ledger)`).join()).toMatch(/ledger/);
    expect(unlocked('serial_history', `UPDATE serial_history SET to_state = 'installed' WHERE id = (SELECT min(id) FROM serial_history)`).join()).toMatch(/history/);
    expect(unlocked('stock_documents', `UPDATE stock_documents SET doc_no = substr(doc_no, 1, 10) || '0009' WHERE id = (SELECT max(id) FROM stock_documents)`).join()).toMatch(/not 1\.\.1/);
    // An issue line moved to the faulty store: the replay refuses the history itself.
    expect(unlocked('issue_lines', `UPDATE issue_lines SET warehouse_id = ${f.faulty}`).join()).toMatch(/issued from the faulty store/);
  });
});

describe('random stock documents from concurrent desks', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: the replayed history equals the stored state, and every refusal left nothing behind`, async () => {
      const f = await makeWarehouseFixture(0);
      fixtures.push(f);
      const b = f.backend;
      const dice = new Dice(mulberry32(seed * 7919));
      // 23:00 in Shanghai: the desks' documents cross the business midnight.
      f.clock.now = new Date('2026-06-30T15:00:00Z');

      // Reference data: plain and serial-tracked parts (one inactive), a second main store, an inactive store.
      for (let i = 1; i <= 7; i++) {
        await f.part({ partNo: `PP-${i}`, name: `随机件${i}`, serialTracked: i >= 4 && i <= 6, active: i !== 7, unitPriceFen: 100 * i });
      }
      const partIds = f.db.prepare("SELECT id FROM parts WHERE part_no LIKE 'PP-%' ORDER BY id").pluck().all() as number[];
      await b.call('warehouses.save', { warehouse: { code: 'EAST', name: '东区库', kind: 'main' } }, f.keeper);
      await b.call('warehouses.save', { warehouse: { code: 'OLD', name: '旧库', kind: 'main', active: false } }, f.keeper);
      const orders: string[] = [];
      for (let i = 0; i < 8; i++) orders.push((await f.order()).orderNo);
      const setupDocs: string[] = [];
      for (const partId of partIds.slice(0, 6)) {
        const tracked = partIds.indexOf(partId) >= 3;
        setupDocs.push(await f.receive(partId, 4, tracked ? [1, 2, 3, 4].map((k) => `INIT-${partId}-${k}`) : []));
      }
      // A plan on some orders, owed records by hand on others, one order cancelled.
      for (const orderNo of orders.slice(0, 4)) {
        const rowVersion = (await b.call('dispatch.get', { orderNo }, f.token.clerk)).order.rowVersion;
        await b.call(
          'materials.save',
          { orderNo, rowVersion, lines: partIds.slice(0, 3).map((partId) => ({ partId, quantity: 2, payer: 'customer' as const, unitPriceFen: 500 })) },
          f.token.clerk,
        );
      }
      for (const orderNo of orders.slice(4, 7)) {
        for (const partId of [partIds[0], partIds[4]]) {
          await b.call('owed.create', { orderNo, partId, quantity: 3, reason: '缺货', promisedDate: '2026-07-10', responsible: '王' }, f.token.clerk);
        }
      }
      const cancelled = orders[7];
      await b.call('dispatch.setStatus', { orderNo: cancelled, rowVersion: 1, status: 'cancelled' }, f.token.clerk);

      // Two worker desks and this one, all starting at the same moment once the workers are up.
      const docsBefore = f.db.prepare('SELECT doc_no FROM stock_documents').pluck().all() as string[]; // the setup's receipts
      expect(docsBefore).toEqual(expect.arrayContaining(setupDocs));
      const workers = ['A', 'B'].map((who, i) =>
        spawnTs('tests/unit/warehouse-property-worker.ts', [f.file, who, String(seed * 1000 + i), String(DESK_OPS), f.clock.now.toISOString()]),
      );
      const done = workers.map((w) => finished(w, 120_000));
      const up = Date.now();
      while (!['A', 'B'].every((who) => existsSync(`${f.file}.ready-${who}`))) {
        if (Date.now() - up > 60_000) throw new Error('the worker desks did not start');
        await sleep(20);
      }
      const startAt = Date.now() + 150;
      writeFileSync(`${f.file}.go`, String(startAt));

      const step = stockDesk(f.db, b, f.keeper, 'M', dice);
      const mine: OpResult[] = [];
      const plan = async (i: number): Promise<OpResult> => {
        // The clerk's side at the same time: plans change, owed records are added and closed.
        const r = dice.next();
        const orderNo = dice.pick(orders);
        let method: 'materials.save' | 'owed.create' | 'owed.close';
        let params: unknown;
        if (r < 0.5) {
          method = 'materials.save';
          const got = await b.call('materials.get', { orderNo }, f.token.clerk);
          const rowVersion = (await b.call('dispatch.get', { orderNo }, f.token.clerk)).order.rowVersion;
          let lines = got.lines.map((l) => ({ id: l.id, partId: l.partId, quantity: l.quantity, payer: l.payer, unitPriceFen: l.unitPriceFen }));
          const s = dice.next();
          if (s < 0.4 && lines.length) dice.pick(lines).quantity = dice.between(0, 4); // perhaps below what is used
          else if (s < 0.6 && lines.length) {
            const gone = dice.pick(lines);
            lines = lines.filter((l) => l !== gone); // perhaps an issued line
          }
          else {
            const partId = dice.pick(partIds.slice(0, 6));
            if (!lines.some((l) => l.partId === partId)) lines.push({ partId, quantity: dice.between(1, 3), payer: 'company', unitPriceFen: 0 } as never);
          }
          params = { orderNo, rowVersion, lines };
        } else if (r < 0.8) {
          method = 'owed.create';
          params = { orderNo, partId: dice.pick(partIds.slice(0, 6)), quantity: dice.between(1, 3), reason: '缺货', promisedDate: '2026-07-20', responsible: '李' };
        } else {
          method = 'owed.close';
          const w = f.db.prepare("SELECT id, row_version FROM owed_parts WHERE status IN ('owed','partial') ORDER BY random() LIMIT 1").get() as
            | { id: number; row_version: number }
            | undefined;
          params = { id: w?.id ?? 99_999, rowVersion: w?.row_version ?? 1, reason: '客户放弃' };
        }
        const result: OpResult = { who: 'M', i, method, params, ok: false };
        try {
          await b.call(method, params as never, f.token.clerk);
          result.ok = true;
        } catch (err) {
          if (err instanceof ServiceError) {
            result.code = err.code;
            result.reason = err.reason;
          } else result.crash = String((err as Error).stack ?? err);
        }
        return result;
      };
      await sleep(startAt - Date.now());
      for (let i = 0; i < MAIN_OPS; i++) {
        mine.push(dice.chance(0.7) ? await step(i) : await plan(i));
        f.clock.now = new Date(f.clock.now.getTime() + 41_000);
        await new Promise((r) => setImmediate(r)); // let the workers' output be read
      }
      const outputs = await Promise.all(done);
      const results: OpResult[] = [...mine];
      for (const o of outputs) {
        expect(o.code, o.output).toBe(0);
        results.push(...(JSON.parse(o.output.trim().split('\n').at(-1)!) as { results: OpResult[] }).results);
      }

      // No call failed other than by a ServiceError a client understands.
      const crashes = results.filter((r) => r.crash);
      expect(crashes.map((c) => `${c.who}#${c.i} ${c.method} ${JSON.stringify(c.params)}\n${c.crash}`)).toEqual([]);
      const odd = results.filter((r) => !r.ok && !['REFUSED', 'INVALID_PARAMS', 'CONFLICT'].includes(r.code!));
      expect(odd.map((r) => `${r.method} → ${r.code}`)).toEqual([]);
      // Every REFUSED from the warehouse's rules carries its reason code.
      expect(results.filter((r) => r.code === 'REFUSED' && r.method !== 'dispatch.setStatus' && !r.reason?.code)).toEqual([]);

      // Exactly the documents the desks were told were posted exist: a refused call left none.
      const posted = results.filter((r) => r.ok && r.docNo).map((r) => r.docNo!);
      const stored = f.db.prepare('SELECT doc_no FROM stock_documents').pluck().all() as string[];
      expect([...stored].sort()).toEqual([...docsBefore, ...posted].sort());
      const typeOf = f.db.prepare('SELECT doc_type FROM stock_documents WHERE doc_no = ?').pluck();
      const expectedType: Record<string, string> = { 'stock.receive': 'receipt', 'stock.adjust': 'adjustment', 'issues.post': 'issue', 'returns.post': 'return', 'stock.reverse': 'reversal' };
      for (const r of results.filter((x) => x.ok && x.docNo)) expect(typeOf.get(r.docNo), r.method).toBe(expectedType[r.method]);
      // …and no serial, balance or ledger row without a document (the ledger only holds posted documents' rows).
      expect(f.db.prepare('SELECT count(*) FROM stock_ledger WHERE document_id NOT IN (SELECT id FROM stock_documents)').pluck().get()).toBe(0);

      // The oracle.
      const problems = oracleProblems(f.db);
      expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);

      // The API tells the same story as the tables.
      for (const partId of partIds) {
        const api = await b.call('stock.balance', { partId }, f.token.manager);
        for (const w of api.balances) expect(w.quantity, `part ${partId} @ ${w.warehouse}`).toBe(f.balance(partId, w.warehouseId));
      }

      // The run was not vacuous: every kind of document was posted and refused, from all desks.
      const count = (pred: (r: OpResult) => boolean) => results.filter(pred).length;
      for (const method of Object.keys(expectedType)) {
        expect(count((r) => r.method === method && r.ok), `${method} posted`).toBeGreaterThan(0);
        expect(count((r) => r.method === method && !r.ok), `${method} refused`).toBeGreaterThan(0);
      }
      const kinds = (ok: boolean) => count((r) => r.method === 'returns.post' && r.ok === ok && (r.params as { lines: { kind: string }[] }).lines[0].kind === 'faulty');
      expect(kinds(true), 'faulty returns posted').toBeGreaterThan(0);
      expect(f.db.prepare("SELECT count(*) FROM return_lines WHERE new_serial <> ''").pluck().get(), 'swaps posted').toBeGreaterThan(0);
      for (const who of ['A', 'B', 'M']) expect(count((r) => r.who === who && r.ok && !!r.docNo), `${who} posted`).toBeGreaterThan(0);
      // The desks really wrote at the same time: their documents interleave in commit order.
      const idOf = f.db.prepare('SELECT id FROM stock_documents WHERE doc_no = ?').pluck();
      const ids = (who: string) => results.filter((r) => r.who === who && r.ok && r.docNo).map((r) => idOf.get(r.docNo) as number);
      const [a, bIds, m] = [ids('A'), ids('B'), ids('M')];
      const between = (xs: number[], ys: number[]) => xs.some((x, i) => i > 0 && ys.some((y) => y > xs[i - 1] && y < x));
      expect(between(a, bIds) && between(bIds, a), 'A and B interleave').toBe(true);
      expect(between(a, m) || between(bIds, m), 'the main desk interleaves').toBe(true);
      const codes = new Set(results.filter((r) => r.reason).map((r) => r.reason!.code));
      expect(codes.size, [...codes].join(' ')).toBeGreaterThanOrEqual(8);
      const summary = new Map<string, number>();
      for (const r of results) {
        const k = `${r.method} ${r.ok ? 'ok' : (r.reason?.code ?? r.code)}`;
        summary.set(k, (summary.get(k) ?? 0) + 1);
      }
      console.log(`seed ${seed}: ${stored.length} documents; ${[...summary].sort().map(([k, n]) => `${k}: ${n}`).join(', ')}`);
    }, 120_000);
  }
});
