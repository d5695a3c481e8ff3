import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { enableMemorySearch, type MemorySearch, type MemoryTextIndex } from '../../db/search/memory-index.js';
import { listIndexOf } from '../../db/search/indexes.js';
import { DIRTY, MemoryOrder, slotsOf } from '../../db/search/memory-order.js';
import { runModuleQuery } from '../../db/services/query.js';
import { rowComparator } from '../../shared/grid/compare.js';
import { matchesPattern } from '../../shared/text/fold.js';
import { contractLookup, modules, warehouseLists, dispatchModule, feesModule, type ModuleDef } from '../../shared/modules/index.js';
import type { Row, SortSpec } from '../../shared/query.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// A list's order held in memory (db/search/memory-order.ts) gives the same first rows as the
// list's order in the database, while another connection writes: rows whose keys change after
// it was read (moved to the front, to the back), new and deleted rows, its default order's
// column changed, an order read in chunks with writes between them, read again after many
// changes, and dropped past the memory allowed. The oracle: the rows of the list's view read
// here, matched by the rule and sorted by the grid's comparator (ties by id, in the direction of
// the sort).

let dir: string;
let writer: DB;
let reader: DB;
let search: MemorySearch;

const LISTS: readonly ModuleDef[] = [...modules, ...warehouseLists, contractLookup];

function viewRows(def: ModuleDef): Row[] {
  return writer.prepare(`SELECT ${['id', ...def.columns.map((c) => `"${c.field}"`)].join(', ')} FROM "${def.view}"`).all() as Row[];
}

function oracle(def: ModuleDef, pattern: string, sort: SortSpec[], limit: number): unknown[] {
  const cmp = rowComparator(def.columns, sort);
  const sign = sort[0].dir === 'desc' ? -1 : 1;
  return viewRows(def)
    .filter((r) => def.anyFields.some((f) => matchesPattern(pattern, r[f] as string | null)))
    .sort((a, b) => cmp(a, b) || sign * ((a.id as number) - (b.id as number)))
    .slice(0, limit)
    .map((r) => r.id);
}

/** The single character found in most rows of the list's quick-search fields: many matches, not all. */
function commonPattern(def: ModuleDef): string {
  const counts = new Map<string, number>();
  for (const r of viewRows(def)) {
    const seen = new Set<string>();
    for (const f of def.anyFields) for (const ch of String(r[f] ?? '').toLowerCase()) if (/[\p{L}\p{N}]/u.test(ch)) seen.add(ch);
    for (const ch of seen) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

const indexOf = (def: ModuleDef): MemoryTextIndex => search.ready(listIndexOf(def)!.index)!;

/** The query from memory, once its order is read: the first rows as the oracle's, answered from the order. */
function check(def: ModuleDef, pattern: string, sort: SortSpec[], limit = 30): void {
  const request = { conditions: [{ field: 'any', op: 'contains' as const, value: pattern }], sort, limit };
  runModuleQuery(reader, def, request);
  search.buildAll();
  const index = indexOf(def);
  const used = index.ordersUsed;
  const result = runModuleQuery(reader, def, request);
  const label = `${def.id} ${JSON.stringify(pattern)} ${JSON.stringify(sort)}`;
  const all = oracle(def, pattern, sort, 1e9);
  expect({ label, got: result.rows.map((r) => r.id), total: result.total }).toEqual({ label, got: all.slice(0, limit), total: all.length });
  expect({ label, fromOrder: index.ordersUsed }).toEqual({ label, fromOrder: used + 1 });
}

beforeAll(async () => {
  const made = await makeDemoDb(300, 23);
  dir = made.dir;
  writer = openDatabase(made.file);
  reader = openDatabase(made.file);
  // Every result with a match asks for its order, on lists of any size (no short walk first).
  search = enableMemorySearch(reader, { minRows: 0, orderMinMatches: 0, shortWalkRows: 0 });
  search.buildAll();
}, 120_000);

afterAll(() => {
  search?.stop();
  reader?.close();
  writer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a list order held in memory', () => {
  it('every list, by its default order and by every column, both ways', () => {
    for (const def of LISTS) {
      const pattern = commonPattern(def);
      const n = oracle(def, pattern, def.defaultSort as SortSpec[], 1e9).length;
      expect({ list: def.id, many: n >= 9 }).toEqual({ list: def.id, many: true });
      // A page of about a third of the matches: its edge falls inside the order.
      const limit = Math.min(30, Math.floor(n / 3));
      for (const field of [def.defaultSort[0].field, ...def.columns.map((c) => c.field)]) {
        // Derived orders (days overdue) change with the date: none is held for them.
        if (field === 'days_overdue' || field === 'overdue') continue;
        for (const dir of ['asc', 'desc'] as const) check(def, pattern, [{ field, dir }], limit);
      }
    }
  }, 120_000);

  it('rows whose keys were written after the order was read are ordered from their keys', () => {
    const pattern = commonPattern(feesModule);
    const byAmount: SortSpec[] = [{ field: 'amount_fen', dir: 'asc' }];
    const byCustomer: SortSpec[] = [{ field: 'customer', dir: 'asc' }];
    const byDefault: SortSpec[] = [{ field: 'created_at', dir: 'desc' }];
    const byRemarks: SortSpec[] = [{ field: 'remarks', dir: 'asc' }];
    for (const sort of [byAmount, byCustomer, byDefault, byRemarks]) check(feesModule, pattern, sort);
    const matching = (oracle(feesModule, pattern, [{ field: 'amount_fen', dir: 'desc' }], 1e9) as number[]).slice(0, 40);
    const order = writer.prepare('SELECT order_id FROM service_fees WHERE id = ?').pluck().get(matching[5]) as number;
    writer.transaction(() => {
      // From the back to the front, from the front to the back, by amount.
      writer.prepare('UPDATE service_fees SET amount_fen = 0 WHERE id = ?').run(matching[0]);
      const cheapest = oracle(feesModule, pattern, byAmount, 3) as number[];
      writer.prepare('UPDATE service_fees SET amount_fen = 99999999 WHERE id = ?').run(cheapest[1]);
      // An order's customer moves its fee lines (a dependent of the sort keys): pinyin-first, full-width.
      writer.prepare('UPDATE dispatch_orders SET customer = ? WHERE id = ?').run(`Ａ安徽${pattern}`, order);
      // The default order's own column, on the base table.
      writer.prepare('UPDATE service_fees SET created_at = ? WHERE id = ?').run('2099-01-01T00:00:00.000Z', matching[7]);
      // A new line at both ends, and a deleted one.
      const template = writer.prepare('SELECT * FROM service_fees WHERE id = ?').get(matching[2]) as Record<string, unknown>;
      // Not a material's fee (one fee line per material).
      const columns = Object.keys(template).filter((c) => c !== 'id' && c !== 'material_id');
      const insert = writer.prepare(`INSERT INTO service_fees (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      insert.run(...columns.map((c) => (c === 'amount_fen' ? 0 : c === 'remarks' ? `新 ${pattern}` : template[c])));
      insert.run(...columns.map((c) => (c === 'amount_fen' ? 88888888 : c === 'remarks' ? `新 ${pattern}` : template[c])));
      writer.prepare('DELETE FROM service_fees WHERE id = ?').run(matching[3]);
      // Remarks that sort at both ends and between: LIKE's own characters, quotes, accented and
      // full-width letters, Han, a huge value.
      const remarks = [`%_\\'" ${pattern}`, `ÄRZTE ${pattern}`, `ａｂｃ${pattern}`, `阿${pattern}`, `${pattern}${'长'.repeat(100_000)}`, `${pattern} 'z'`];
      remarks.forEach((r, i) => writer.prepare('UPDATE service_fees SET remarks = ? WHERE id = ?').run(r, matching[10 + i]));
    })();
    for (const sort of [byAmount, byCustomer, byDefault, byRemarks]) {
      for (const s of [sort, sort.map((x) => ({ ...x, dir: x.dir === 'asc' ? ('desc' as const) : ('asc' as const) }))]) check(feesModule, pattern, s);
    }
    // They were ordered from a held order, not from one read again after the writes.
    expect(indexOf(feesModule).ordersPending).toBe(false);
  });

  it('an order read in chunks while another connection moves rows across its position', () => {
    const pattern = commonPattern(dispatchModule);
    const sort: SortSpec[] = [{ field: 'customer', dir: 'asc' }];
    const request = { conditions: [{ field: 'any', op: 'contains' as const, value: pattern }], sort: [{ field: 'urgency', dir: 'desc' as const }], limit: 30 };
    // A connection of its own, whose order is asked for and read a few rows at a time.
    const other = openDatabase(writer.name);
    try {
      const own = enableMemorySearch(other, { minRows: 0, orderMinMatches: 0, shortWalkRows: 0 });
      own.buildAll();
      const index = own.ready(listIndexOf(dispatchModule)!.index)!;
      const fresh: SortSpec[] = [{ field: 'device_name', dir: 'asc' }];
      runModuleQuery(other, dispatchModule, { ...request, sort: fresh });
      expect(index.ordersPending).toBe(true);
      const ids = writer.prepare('SELECT id FROM dispatch_orders ORDER BY id').pluck().all() as number[];
      const names = ['ａ设备', '阿设备', 'zz设备', '甲设备', '', 'Ärzte设备'];
      let step = 0;
      while (!index.buildOrderStep(other, 7)) {
        // Between chunks: rows moved to the front, to the back and to the middle of the order, and the log applied.
        writer.prepare('UPDATE dispatch_orders SET device_name = ? WHERE id = ?').run(names[step % names.length], ids[(step * 37) % ids.length]);
        own.ready(listIndexOf(dispatchModule)!.index);
        step++;
      }
      expect(step).toBeGreaterThan(10);
      for (const s of [fresh, [{ field: 'device_name', dir: 'desc' as const }]]) {
        const used = index.ordersUsed;
        const got = runModuleQuery(other, dispatchModule, { ...request, sort: s }).rows.map((r) => r.id);
        expect({ s, got }).toEqual({ s, got: oracle(dispatchModule, pattern, s, 30) });
        expect(index.ordersUsed).toBe(used + 1);
      }
    } finally {
      other.close();
    }
    check(dispatchModule, pattern, sort);
  });

  it('read again after many changes, the held order answering meanwhile', () => {
    const pattern = commonPattern(dispatchModule);
    const sort: SortSpec[] = [{ field: 'project', dir: 'asc' }];
    check(dispatchModule, pattern, sort);
    const index = indexOf(dispatchModule);
    const ids = writer.prepare('SELECT id FROM dispatch_orders ORDER BY id').pluck().all() as number[];
    // Every row moved: more than the rows an order may have out of place (64, or an eighth of a list).
    writer.transaction(() => {
      const set = writer.prepare('UPDATE dispatch_orders SET project = ? WHERE id = ?');
      ids.forEach((id, i) => set.run(`项目 ${(i * 7919) % 101}`, id));
    })();
    const request = { conditions: [{ field: 'any', op: 'contains' as const, value: pattern }], sort, limit: 30 };
    const used = index.ordersUsed;
    expect(runModuleQuery(reader, dispatchModule, request).rows.map((r) => r.id)).toEqual(oracle(dispatchModule, pattern, sort, 30));
    expect(index.ordersUsed).toBe(used + 1);
    expect(index.ordersPending).toBe(true);
    check(dispatchModule, pattern, sort);
    expect(index.ordersPending).toBe(false);
  });

  it('a log of moves pruned past it drops the orders, to be read again, and keeps the search text', () => {
    const pattern = commonPattern(feesModule);
    const sort: SortSpec[] = [{ field: 'remarks', dir: 'asc' }];
    check(feesModule, pattern, sort);
    // 210,000 moves of no list: the pruning trigger raises the floor past the reader.
    writer.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 210000)
      INSERT INTO order_changes (tbl, id) SELECT 'none', i FROM n`);
    expect(writer.prepare('SELECT seq FROM order_changes_floor').pluck().get()).toBeGreaterThan(0);
    expect(writer.prepare('SELECT count(*) FROM order_changes').pluck().get()).toBeLessThanOrEqual(210_000);
    const first = (oracle(feesModule, pattern, sort, 1) as number[])[0];
    writer.prepare('UPDATE service_fees SET remarks = ? WHERE id = ?').run(`zzz ${pattern}`, first);
    const index = indexOf(feesModule);
    // Still the same search text (not loaded again), its orders dropped and asked for again.
    expect(search.ready(listIndexOf(feesModule)!.index)).toBe(index);
    const request = { conditions: [{ field: 'any', op: 'contains' as const, value: pattern }], sort, limit: 30 };
    const used = index.ordersUsed;
    expect(runModuleQuery(reader, feesModule, request).rows.map((r) => r.id)).toEqual(oracle(feesModule, pattern, sort, 30));
    expect(index.ordersUsed).toBe(used);
    expect(index.ordersPending).toBe(true);
    check(feesModule, pattern, sort);
  });

  it('read in the background, as the server does, between the connection\'s queries', async () => {
    const other = openDatabase(writer.name);
    const own = enableMemorySearch(other, { minRows: 0, orderMinMatches: 0, shortWalkRows: 0 });
    try {
      own.buildInBackground(1);
      const pattern = commonPattern(feesModule);
      const sort: SortSpec[] = [{ field: 'remarks', dir: 'desc' }];
      const request = { conditions: [{ field: 'any', op: 'contains' as const, value: pattern }], sort, limit: 30 };
      const index = () => own.ready(listIndexOf(feesModule)!.index);
      const deadline = Date.now() + 20_000;
      let used = false;
      while (!used && Date.now() < deadline) {
        const before = index()?.ordersUsed ?? 0;
        const got = runModuleQuery(other, feesModule, request).rows.map((r) => r.id);
        expect(got).toEqual(oracle(feesModule, pattern, sort, 30));
        used = (index()?.ordersUsed ?? 0) > before;
        // A write between queries: the background steps apply it too.
        writer.prepare('UPDATE service_fees SET remarks = ? WHERE id = (SELECT min(id) FROM service_fees)').run(`zz ${pattern} ${Date.now()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(used).toBe(true);
    } finally {
      own.stop();
      other.close();
    }
  }, 30_000);

  it('past the memory allowed, the orders used longest ago are dropped and asked for again', () => {
    const other = openDatabase(writer.name);
    try {
      const small = enableMemorySearch(other, { minRows: 0, orderMinMatches: 0, shortWalkRows: 0, orderMaxBytes: 1 });
      small.buildAll();
      const pattern = commonPattern(feesModule);
      const index = small.ready(listIndexOf(feesModule)!.index)!;
      for (const field of ['amount_fen', 'remarks', 'customer']) {
        const sort: SortSpec[] = [{ field, dir: 'asc' }];
        const request = { conditions: [{ field: 'any', op: 'contains' as const, value: pattern }], sort, limit: 30 };
        runModuleQuery(other, feesModule, request);
        small.buildAll();
        // Read, then dropped at once: no more than the limit is held.
        expect(small.sizes()[listIndexOf(feesModule)!.index.fieldsTable].orders).toBe(0);
        expect(runModuleQuery(other, feesModule, request).rows.map((r) => r.id)).toEqual(oracle(feesModule, pattern, sort, 30));
        expect(index.ordersPending).toBe(true);
      }
    } finally {
      other.close();
    }
  });
});

describe('the first slots of a result in a held order (synthetic)', () => {
  // A small deterministic generator: the cases are the same on every run.
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
  }

  it('slotsOf reads every set slot, at any length and offset', () => {
    const random = rng(7);
    for (let round = 0; round < 200; round++) {
      const size = Math.floor(random() * 70);
      const density = random();
      const buffer = new Uint8Array(size + 3);
      const offset = Math.floor(random() * 3);
      const hits = buffer.subarray(offset, offset + size);
      for (let s = 0; s < size; s++) hits[s] = random() < density ? 1 : 0;
      const want = [...hits.keys()].filter((s) => hits[s]);
      expect({ size, offset, got: [...slotsOf(hits, size, want.length)] }).toEqual({ size, offset, got: want });
    }
  });

  it('every match in the buckets up to the n-th, and every match out of place: no fewer, no more', () => {
    const random = rng(11);
    for (let round = 0; round < 300; round++) {
      const size = 1 + Math.floor(random() * 400);
      const order = new MemoryOrder({ name: 't', key: 'k', id: 'i', source: 't' }, size);
      // Few buckets (many rows each), or many; some rows out of place.
      const buckets = random() < 0.5 ? 1 + Math.floor(random() * 8) : 0xfffe;
      const dirty = random() * 0.3;
      for (let s = 0; s < size; s++) order.buckets[s] = random() < dirty ? DIRTY : Math.floor(random() * buckets);
      const hits = new Uint8Array(size);
      for (let s = 0; s < size; s++) hits[s] = random() < 0.4 ? 1 : 0;
      const count = hits.reduce((a, b) => a + b, 0);
      const n = 1 + Math.floor(random() * 30);
      const desc = random() < 0.5;
      const placed = [...hits.keys()].filter((s) => hits[s] && order.buckets[s] !== DIRTY);
      placed.sort((a, b) => (desc ? order.buckets[b] - order.buckets[a] : order.buckets[a] - order.buckets[b]));
      // The bucket of the n-th placed match: every match up to it, ties included, may be among the first n.
      const edge = placed.length > n ? order.buckets[placed[n - 1]] : desc ? 0 : 0xfffe;
      const want = [...hits.keys()].filter(
        (s) => hits[s] && (order.buckets[s] === DIRTY || (desc ? order.buckets[s] >= edge : order.buckets[s] <= edge)),
      );
      expect({ round, got: [...order.firstSlots(slotsOf(hits, size, count), n, desc)] }).toEqual({ round, got: want });
    }
  });
});
