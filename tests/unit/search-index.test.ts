import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { migrations } from '../../db/migrations/index.js';
import { compileQuery, indexCountSql, textTerms, type TextPlan } from '../../db/query-compiler.js';
import { ftsQueryOf } from '../../db/search/pattern.js';
import { ROWS_SORT_MAX, SearchProbe } from '../../db/search/planner.js';
import { countModuleRows, firstModuleRows, iterateModuleRows, runModuleQuery } from '../../db/services/query.js';
import { mulberry32 } from '../../db/demo/generate.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import { queryRequestSchema, type QueryRequest, type Row } from '../../shared/query.js';
import { fold, matchesPattern } from '../../shared/text/fold.js';

// The indexed plans must return exactly what the definition says, whatever the data: checked
// against a naive evaluation in JS over rows full of characters that trip LIKE, FTS5 and the
// joined text table (%, _, \, quotes, U+001F, mixed and non-ASCII case, short Chinese terms).

const FIELDS = dispatchModule.anyFields;
const ALPHABET = ['a', 'A', 'b', 'B', 'c', 'x', 'X', '1', '2', '0', '.', '-', ' ', '%', '_', '\\', '*', '"', "'",
  '华', '信', '有', '限', '公', '司', 'É', 'é', 'ß', '\u001f', 'Ω', 'ω'];
const CUSTOMERS = ['江苏华信机电设备有限公司', '华东信息有限公司', '有限公司华信', '100% 合格', 'a_b 厂', 'axb', 'C:\\Temp', "O'Brien", '"Quoted" Ltd', 'ÉCOLE', 'école', '华', '信'];

/** The definition: pieces in order anywhere in the value, both folded (case of every script, width). */
function naiveMatch(pattern: string, value: string | null): boolean {
  return matchesPattern(pattern, value);
}

let dir: string;
let db: DB;
let rng: () => number;
let serial = 0;
const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)];

function randomText(maxLen: number): string {
  let s = '';
  for (let i = Math.floor(rng() * maxLen); i > 0; i--) s += pick(ALPHABET);
  return s;
}

function randomOrder(): Record<string, string | null> {
  serial++;
  return {
    order_no: `SN2026${String(serial).padStart(6, '0')}${rng() < 0.3 ? randomText(3) : ''}`,
    customer: rng() < 0.5 ? pick(CUSTOMERS) : randomText(12),
    contract_no: rng() < 0.1 ? null : `HT${2020 + Math.floor(rng() * 6)}-${String(Math.floor(rng() * 300)).padStart(5, '0')}`,
    device_part_no: rng() < 0.1 ? null : pick(['2BY.5084.1044.1', '2BY.5084.1045.2', '3CX.1234.5678.9', '2by.9999.0000.1', '2BY_5084%1044']),
    device_serial_no: rng() < 0.2 ? '' : randomText(8),
  };
}

function insertOrder(o: Record<string, string | null>, createdAt: string): void {
  db.prepare(
    `INSERT INTO dispatch_orders (order_no, customer, contract_no, device_part_no, device_serial_no, task_type_id,
       created_at, created_by, updated_at, updated_by)
     VALUES (@order_no, @customer, @contract_no, @device_part_no, @device_serial_no, 1, @at, 1, @at, 1)`,
  ).run({ ...o, at: createdAt });
}

function replaceOrder(fields: Record<string, string | number>, verb = 'INSERT OR REPLACE'): void {
  db.prepare(
    `${verb} INTO dispatch_orders (id, order_no, customer, contract_no, device_part_no, device_serial_no, task_type_id,
       created_at, created_by, updated_at, updated_by)
     VALUES (@id, @order_no, @customer, @contract_no, @device_part_no, @device_serial_no, 1, '2026-03-01', 1, '2026-03-01', 1)`,
  ).run({ id: null, ...randomOrder(), ...fields });
}

function seedReference(target: DB): void {
  target.exec(`
    INSERT INTO users (id, username, display_name, role_id, password_hash, created_at) VALUES (1, 'u', 'U', 1, 'x', '2026-01-01');
    -- OR IGNORE: from migration 005 on, a fresh database already has this row (id 1, repair).
    INSERT OR IGNORE INTO task_types (id, code, name) VALUES (1, 'repair', '维修');
  `);
}

type Order = { id: number; created_at: string } & Record<string, string | null | number>;
const allOrders = (): Order[] =>
  db.prepare('SELECT id, created_at, order_no, customer, contract_no, device_part_no, device_serial_no FROM dispatch_orders').all() as Order[];

/** Expected ids in the default order (created_at DESC, id DESC). */
function expected(pattern: string, fields: readonly string[]): number[] {
  return allOrders()
    .filter((o) => fields.some((f) => naiveMatch(pattern, o[f] as string | null)))
    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id))
    .map((o) => o.id);
}

/** Patterns cut from the data (case flipped, stars put in) plus fixed awkward ones. */
function patterns(count: number): string[] {
  const fixed = ['%', '_', '\\', 'a_b', '100%', '%1', '\\t', '华', '华信', '*华*信*', '有限公司', '信*有限', 'É', 'é', 'écol', 'ÉCOL',
    'ß', '"', "'", '"quo', 'ab*', '*ab', 'a*b*c', '2by*5084*4*1', '*y.50*4.10*4', '2BY_5084%', 'by_', '  ', 'x x', '\u001f',
    'a\u001fb', 'Ω', 'ω', '2026', 'sn2026*1', '***', ''];
  const out = [...fixed];
  const orders = allOrders();
  while (out.length < fixed.length + count) {
    const value = pick(orders)[pick(FIELDS)] as string | null;
    if (!value) continue;
    const chars = Array.from(value);
    const start = Math.floor(rng() * chars.length);
    let piece = chars.slice(start, start + 1 + Math.floor(rng() * 6)).join('');
    piece = Array.from(piece).map((c) => (rng() < 0.3 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
    if (rng() < 0.4 && piece.length > 2) piece = piece.slice(0, 1) + '*' + piece.slice(1);
    if (rng() < 0.2) piece = '*' + piece;
    if (rng() < 0.2) piece += '*';
    out.push(piece);
  }
  return out;
}

/** Every plan the compiler can be told to use, run directly: each must equal the definition. */
function checkAllPlans(pattern: string, field: string): void {
  const fields = field === 'any' ? FIELDS : [field];
  const want = expected(pattern, fields);
  const req = queryRequestSchema.parse({ conditions: [{ field, op: 'contains', value: pattern }], limit: 5000 });
  const term = textTerms(dispatchModule, req)[0];
  const plans: TextPlan[] = ['scan', 'text', 'fields', 'probe'];
  if (term?.canFts) {
    if (term.pattern.trigrams.length) plans.push({ fts: ftsQueryOf(term.pattern.trigrams) }, { fts: ftsQueryOf(term.pattern.trigrams.slice(-1)) });
    const probe = new SearchProbe(db);
    const chosen = probe.ftsQuery(term);
    if (chosen) plans.push({ fts: chosen });
    const ids = probe.candidateIds(term);
    if (ids) plans.push({ ids });
  }
  for (const plan of plans) {
    const q = compileQuery(dispatchModule, req, () => plan);
    const where = q.where ? `WHERE ${q.where}` : '';
    const ids = db.prepare(`SELECT v.id FROM ${q.from} ${where} ORDER BY ${q.orderBy}`).pluck().all(...q.params);
    expect({ pattern, field, plan: JSON.stringify(plan).slice(0, 80), ids }).toEqual({ pattern, field, plan: JSON.stringify(plan).slice(0, 80), ids: want });
    if (term && (plan === 'text' || plan === 'fields')) {
      const count = indexCountSql(term, plan);
      if (count) expect(db.prepare(`SELECT count(*) FROM ${count.table} WHERE ${count.where}`).pluck().get(...count.params)).toBe(want.length);
    }
  }
}

/** The service, as the grid and the export call it. */
function checkService(pattern: string, field: string, limit: number): void {
  const fields = field === 'any' ? FIELDS : [field];
  const want = expected(pattern, fields);
  const request: QueryRequest = { conditions: [{ field, op: 'contains', value: pattern }], limit };
  const result = runModuleQuery(db, dispatchModule, request);
  const got = { pattern, field, ids: result.rows.map((r) => r.id), total: result.total, capped: result.capped };
  expect(got).toEqual({ pattern, field, ids: want.slice(0, limit), total: want.length, capped: want.length > limit });
  expect(countModuleRows(db, dispatchModule, request)).toBe(want.length);
  expect([...iterateModuleRows(db, dispatchModule, request)].map((r: Row) => r.id)).toEqual(want);
}

function checkEverything(count: number): void {
  for (const pattern of patterns(count)) {
    for (const field of ['any', 'customer', 'device_part_no']) {
      checkAllPlans(pattern, field);
      checkService(pattern, field, 7);
    }
  }
}

/** The index holds exactly the orders, folded: its own structure, and one row per order in each table. */
function ftsIntegrity(): void {
  db.prepare("INSERT INTO dispatch_search_fts (dispatch_search_fts, rank) VALUES ('integrity-check', 0)").run();
  const texts = db.prepare('SELECT id, text FROM dispatch_search_text ORDER BY id').all();
  const raw = db.prepare('SELECT id, order_no, customer, contract_no, device_part_no, device_serial_no FROM dispatch_orders ORDER BY id').all() as Record<string, string | null>[];
  const folded = raw.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k === 'id' || v === null ? v : fold(v)])));
  expect(texts).toEqual(folded.map((o) => ({ id: o.id, text: FIELDS.map((f) => o[f] ?? '').join('\u001f') })));
  const fields = db.prepare('SELECT id, order_no, customer, contract_no, device_part_no, device_serial_no FROM dispatch_search_fields ORDER BY id').all();
  expect(fields).toEqual(folded);
  // Every order is found by each of its own trigrams; nothing else is in the index (docsize has one row per entry).
  expect(db.prepare('SELECT count(*) FROM dispatch_search_fts_docsize').pluck().get()).toBe(raw.length);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pim-search-'));
  rng = mulberry32(42);
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('search index (migrations 002, 009)', () => {
  it('is built for orders that existed before the migration', () => {
    const file = join(dir, 'search.db');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version < 2) });
    seedReference(old);
    db = old;
    for (let i = 0; i < 400; i++) insertOrder(randomOrder(), `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T08:00:00Z`);
    old.close();
    db = openDatabase(file);
    expect(db.prepare('SELECT count(*) FROM dispatch_search_text').pluck().get()).toBe(400);
    ftsIntegrity();
    checkEverything(60);
  });

  it('follows inserts, updates and deletes', () => {
    for (let i = 0; i < 200; i++) insertOrder(randomOrder(), `2026-02-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00Z`);
    const update = db.prepare('UPDATE dispatch_orders SET customer = ?, device_serial_no = ? WHERE id = ?');
    for (let i = 0; i < 150; i++) update.run(rng() < 0.5 ? pick(CUSTOMERS) : randomText(10), rng() < 0.3 ? null : randomText(6), 1 + Math.floor(rng() * 600));
    // A change that leaves the indexed fields alone must not disturb the index either.
    db.prepare("UPDATE dispatch_orders SET status = 'completed' WHERE id % 7 = 0").run();
    db.prepare('DELETE FROM dispatch_orders WHERE id % 5 = 0').run();
    // A new id for an existing order.
    db.prepare('UPDATE dispatch_orders SET id = 10001 WHERE id = 3').run();
    ftsIntegrity();
    checkEverything(60);
  });

  for (const recursive of [false, true]) {
    it(`follows INSERT OR REPLACE and UPDATE OR REPLACE (recursive triggers ${recursive ? 'on' : 'off'})`, () => {
      db.pragma(`recursive_triggers = ${recursive ? 'ON' : 'OFF'}`);
      const customer = recursive ? '华信再替换有限公司' : '华信替换有限公司';
      const first = db.prepare('SELECT id, order_no FROM dispatch_orders ORDER BY id LIMIT 2').all() as { id: number; order_no: string }[];
      // Replaced by id, and by its unique order number under a new id.
      replaceOrder({ id: first[0].id, customer });
      replaceOrder({ order_no: first[1].order_no, customer });
      // An update that takes another order's number replaces that order.
      const [a, b] = db.prepare('SELECT id, order_no FROM dispatch_orders ORDER BY id DESC LIMIT 2').all() as { id: number; order_no: string }[];
      db.prepare('UPDATE OR REPLACE dispatch_orders SET order_no = ? WHERE id = ?').run(b.order_no, a.id);
      // A plain INSERT that conflicts fails and leaves the index as it was.
      expect(() => replaceOrder({ id: a.id }, 'INSERT')).toThrow(/UNIQUE|PRIMARY/);
      db.pragma('recursive_triggers = OFF');
      ftsIntegrity();
      expect(expected(customer, FIELDS)).toHaveLength(2);
      checkService(customer, 'any', 200);
      checkEverything(20);
    });
  }

  it('combines an indexed term with other conditions under AND and OR', () => {
    const orders = allOrders();
    const byDefault = (list: Order[]) =>
      list.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id)).map((o) => o.id);
    const cases: { request: QueryRequest; keep: (o: Order) => boolean }[] = [
      {
        request: { conditions: [{ field: 'any', op: 'contains', value: '2by*5084' }, { field: 'customer', op: 'contains', value: '华' }], join: 'and' },
        keep: (o) => FIELDS.some((f) => naiveMatch('2by*5084', o[f] as string)) && naiveMatch('华', o.customer as string),
      },
      {
        request: { conditions: [{ field: 'any', op: 'contains', value: '2by*5084' }, { field: 'customer', op: 'contains', value: '华' }], join: 'or' },
        keep: (o) => FIELDS.some((f) => naiveMatch('2by*5084', o[f] as string)) || naiveMatch('华', o.customer as string),
      },
      {
        request: { conditions: [{ field: 'any', op: 'contains', value: '有限公司' }, { field: 'contract_no', op: 'empty' }], join: 'or' },
        keep: (o) => FIELDS.some((f) => naiveMatch('有限公司', o[f] as string)) || !o.contract_no,
      },
      {
        request: { conditions: [{ field: 'any', op: 'contains', value: 'HT2021' }, { field: 'any', op: 'contains', value: '' }], join: 'or' },
        keep: () => true,
      },
    ];
    for (const { request, keep } of cases) {
      const want = byDefault(orders.filter(keep));
      const result = runModuleQuery(db, dispatchModule, { ...request, limit: 9 });
      expect(result.rows.map((r) => r.id)).toEqual(want.slice(0, 9));
      expect(result.total).toBe(want.length);
      expect([...iterateModuleRows(db, dispatchModule, request)].map((r) => r.id)).toEqual(want);
    }
  });
});

describe('first page of a pattern with many trigram candidates (walk in list order)', () => {
  let walkDir: string;
  beforeAll(() => {
    walkDir = mkdtempSync(join(tmpdir(), 'pim-search-walk-'));
    db = openDatabase(join(walkDir, 'walk.db'));
    seedReference(db);
    rng = mulberry32(7);
    const insert = db.transaction(() => {
      for (let i = 0; i < 13_000; i++) {
        const o = randomOrder();
        // Most orders share a part number: "2by*5084" has more candidates than ROWS_SORT_MAX.
        o.device_part_no = rng() < 0.9 ? pick(['2BY.5084.1044.1', '2BY.5084.1045.2', '2by.5084.0000.1']) : o.device_part_no;
        // Out of id order, so list order and id order differ.
        insertOrder(o, `2026-05-${String(1 + Math.floor(rng() * 28)).padStart(2, '0')}T${String(Math.floor(rng() * 24)).padStart(2, '0')}:00:00Z`);
      }
    });
    insert();
  });
  afterAll(() => {
    db.close();
    rmSync(walkDir, { recursive: true, force: true });
  });

  it('returns exactly the first rows, whether most candidates match or few do', () => {
    const term = textTerms(dispatchModule, queryRequestSchema.parse({ conditions: [{ field: 'any', op: 'contains', value: '2by*5084' }] }))[0]!;
    expect(new SearchProbe(db).ftsCandidates(term)).toBeGreaterThan(ROWS_SORT_MAX);
    // The walk answers when the candidates mostly match, and hands over when they do not.
    const statements = (pattern: string) => {
      const seen: string[] = [];
      const prepare = db.prepare.bind(db);
      db.prepare = ((sql: string) => {
        seen.push(sql);
        return prepare(sql);
      }) as typeof db.prepare;
      try {
        firstModuleRows(db, dispatchModule, { conditions: [{ field: 'any', op: 'contains', value: pattern }], limit: 7 });
      } finally {
        db.prepare = prepare;
      }
      return seen
        .filter((sql) => sql.includes('dispatch_order_list') && !sql.includes('OFFSET'))
        .map((sql) => (/\) [<>]= \(\?, \?\)/.test(sql) ? 'walk' : 'sort'));
    };
    expect(statements('2by*5084')).toEqual(['walk']);
    // Every trigram common, the pieces in the wrong order: the walk finds none and hands over.
    expect(statements('5084*2by')).toEqual(['walk', 'sort']);
    // A rare short piece makes the candidates few: sorted at once.
    expect(statements('2by*5084*zz')).toEqual(['sort']);
    for (const pattern of ['2by*5084', '2BY*5084*4*1', '2by*5084*.2', '2by*5084*1045*x', '*5084.0000*', '2by*5084*zz', '5084*2by', 'ＢＹ．５０', 'y']) {
      for (const limit of [1, 7, 200, 3000]) checkService(pattern, 'any', limit);
      checkService(pattern, 'device_part_no', 50);
    }
  });
});
