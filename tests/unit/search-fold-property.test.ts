import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { compileQuery, textTerms, type TextPlan } from '../../db/query-compiler.js';
import { ftsQueryOf } from '../../db/search/pattern.js';
import { SearchProbe } from '../../db/search/planner.js';
import { countModuleRows, groupModuleRows, iterateModuleRows, runModuleQuery } from '../../db/services/query.js';
import { enableMemorySearch, memorySearchOf } from '../../db/search/memory-index.js';
import { listIndexOf } from '../../db/search/indexes.js';
import { mulberry32 } from '../../db/demo/generate.js';
import { modules, warehouseLists, contractLookup, type ModuleDef } from '../../shared/modules/index.js';
import { queryRequestSchema, type QueryRequest, type Row, type SortSpec } from '../../shared/query.js';
import { rowComparator } from '../../shared/grid/compare.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// The one matching rule (case-free for every script, width-free, `*` any run, all else literal),
// checked over every list and the quick search: random texts written into the lists' tables
// (Han, Latin with accents, full width, digits, % _ \ ' "), random patterns, and a plain
// reference matcher written here — NFKC, then upper- and lower-casing until stable (full case
// folding: ß → ss, ẞ → ss, Σ/ς → σ), NFKC again; pieces in order — against every plan the
// planner can take (forced), the service (first rows, total, export-all iteration), and the
// service on a second connection that holds the lists' folded fields in memory
// (db/search/memory-index.ts), loaded before the random writes of the first connection: it must
// follow them through the change log.

function refFold(s: string): string {
  let t = s.normalize('NFKC');
  for (;;) {
    const next = t.toUpperCase().toLowerCase();
    if (next === t) break;
    t = next;
  }
  return t.split('ς').join('σ').normalize('NFKC');
}

function refMatch(pattern: string, value: unknown): boolean {
  const pieces = refFold(pattern).trim().split('*').filter((p) => p !== '');
  if (!pieces.length) return true;
  if (value === null || value === undefined) return false;
  const text = refFold(String(value));
  let at = 0;
  for (const piece of pieces) {
    const i = text.indexOf(piece, at);
    if (i < 0) return false;
    at = i + piece.length;
  }
  return true;
}

const LISTS: ModuleDef[] = [...modules, ...warehouseLists, contractLookup];
const ALPHABET = [
  'a', 'A', 'b', 'B', 'z', 'Z', 'q', 'Q', 'ä', 'Ä', 'é', 'É', 'e\u0301', 'ß', 'ẞ', 'ss', 'Σ', 'σ', 'ς', 'ø', 'Ø',
  'ａ', 'Ａ', 'Ｂ', 'ｚ', '１', '２', '（', '）', '＊', '％', '＿', 'ﬁ', 'fi',
  '0', '1', '2', '5', '.', '-', ' ', '%', '_', '\\', "'", '"', '(', ')',
  '华', '信', '有', '限', '公', '司', '安', '徽', '阿', '化', '重', '庆',
];
const WORDS = ['ÄRZTE', 'ärzte', 'ＡＢＣ', 'abc', 'ＨＴ２０２４', 'HT2024', '（北京）', '(北京)', 'Straße', 'STRASSE', '100%', 'a_b', "O'Brien", '"Q"', 'c:\\tmp', '华信有限公司', '2BY.5084.1044.1', 'ΣΊΣΥΦΟΣ', 'σίσυφος'];

let dir: string;
let db: DB;
/** The same file, with every list's search fields in memory (loaded before `scribble`). */
let memDb: DB;
let rng: () => number;
const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)];

function randomText(max: number): string {
  let s = rng() < 0.3 ? pick(WORDS) : '';
  for (let i = Math.floor(rng() * max); i > 0; i--) s += pick(ALPHABET);
  if (rng() < 0.3) s += pick(WORDS);
  return s;
}

/** Random text into every table a list's text comes from (the triggers keep the index). */
function scribble(): void {
  const ids = (table: string) => db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all() as number[];
  const some = (table: string, share: number) => ids(table).filter(() => rng() < share);
  db.transaction(() => {
    const order = db.prepare('UPDATE dispatch_orders SET customer = ?, device_part_no = ?, device_serial_no = ?, problem = ?, contract_no = ? WHERE id = ?');
    for (const id of some('dispatch_orders', 0.5)) order.run(randomText(10), randomText(6), rng() < 0.2 ? null : randomText(6), randomText(8), rng() < 0.1 ? null : randomText(5), id);
    const orderNo = db.prepare('UPDATE dispatch_orders SET order_no = ? WHERE id = ?');
    for (const id of some('dispatch_orders', 0.1)) orderNo.run(`${randomText(4)}#${id}`, id);
    const content = db.prepare('UPDATE service_contents SET findings = ?, work_done = ?, fault_cause = ? WHERE id = ?');
    for (const id of some('service_contents', 0.5)) content.run(randomText(8), randomText(8), randomText(4), id);
    const fee = db.prepare('UPDATE service_fees SET remarks = ? WHERE id = ? AND material_id IS NULL');
    for (const id of some('service_fees', 0.5)) fee.run(randomText(8), id);
    const contract = db.prepare('UPDATE sales_contracts SET project = ?, customer = ?, address = ?, contract_no = ? WHERE id = ?');
    for (const id of some('sales_contracts', 0.7)) contract.run(randomText(8), randomText(8), randomText(8), `${randomText(4)}#${id}`, id);
    const engineer = db.prepare('UPDATE engineers SET name = ? WHERE id = ?');
    for (const id of some('engineers', 0.5)) engineer.run(randomText(4), id);
    const part = db.prepare('UPDATE parts SET name = ?, spec = ?, part_no = ? WHERE id = ?');
    for (const id of some('parts', 0.5)) part.run(randomText(5), randomText(5), `${randomText(4)}#${id}`, id);
    const owed = db.prepare('UPDATE owed_parts SET responsible = ? WHERE id = ?');
    for (const id of some('owed_parts', 0.7)) owed.run(randomText(4), id);
    const warehouse = db.prepare('UPDATE warehouses SET name = ? WHERE id = ?');
    for (const id of ids('warehouses')) warehouse.run(`${randomText(3)}#${id}`, id);
    // Posted lines are never changed: new ones with random copies of the names.
    const issue = db.prepare('SELECT * FROM issue_lines ORDER BY id LIMIT 40').all() as Record<string, unknown>[];
    for (const l of issue) {
      db.prepare(
        `INSERT INTO issue_lines (document_id, line_no, part_id, warehouse_id, quantity, serials, unit_price_fen, posted_at, doc_no, order_no, customer, engineer, part_no)
         VALUES (?, 99, ?, ?, 1, ?, 0, ?, ?, ?, ?, ?, ?)`,
      ).run(l.document_id, l.part_id, l.warehouse_id, randomText(6), l.posted_at, randomText(5), randomText(5), randomText(6), rng() < 0.2 ? null : randomText(3), randomText(5));
    }
    const ret = db.prepare('SELECT * FROM return_lines ORDER BY id LIMIT 20').all() as Record<string, unknown>[];
    for (const l of ret) {
      db.prepare(
        `INSERT INTO return_lines (document_id, line_no, kind, part_id, warehouse_id, quantity, serials, posted_at, doc_no, order_no, customer, engineer, part_no)
         VALUES (?, 99, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(l.document_id, l.kind, l.part_id, l.warehouse_id, randomText(6), l.posted_at, randomText(5), randomText(5), randomText(6), randomText(3), randomText(5));
    }
    const ledger = db.prepare('SELECT * FROM stock_ledger ORDER BY id LIMIT 40').all() as Record<string, unknown>[];
    for (const g of ledger) {
      db.prepare(
        `INSERT INTO stock_ledger (at, document_id, doc_type, doc_no, order_id, order_no, part_id, part_no, warehouse_id, quantity, serial_no, user_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      ).run(g.at, g.document_id, g.doc_type, randomText(5), g.order_id, rng() < 0.2 ? null : randomText(5), g.part_id, randomText(5), g.warehouse_id, randomText(6), g.user_id);
    }
  })();
}

const viewRows = (def: ModuleDef): Row[] => db.prepare(`SELECT * FROM "${def.view}"`).all() as Row[];

/** Patterns: random, and cut from the data with case and width changed and stars put in. */
function patterns(def: ModuleDef, rows: Row[], count: number): string[] {
  const fixed = ['ärzte', 'ＡＢＣ', 'ｈｔ２０２４', '(', '（', 'ss', 'ß', 'ẞ', 'σ', 'ς', '%', '_', '\\', "'", '"', 'a_b', '100%', '华', '华信', '*华*信*', 'zq', 'q', 'é', 'e\u0301', 'ﬁ', '2by*5084*4*1', '*y.50*4.10*4', '＊', '***', ''];
  const out = [...fixed];
  const toFull = (c: string) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c);
  while (out.length < fixed.length + count) {
    if (rng() < 0.25) {
      out.push(randomText(3) || 'x');
      continue;
    }
    const value = pick(rows)[pick(def.anyFields)];
    if (value === null || value === undefined || value === '') continue;
    const chars = Array.from(String(value));
    const start = Math.floor(rng() * chars.length);
    let piece = chars
      .slice(start, start + 1 + Math.floor(rng() * 5))
      .map((c) => (rng() < 0.3 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : rng() < 0.2 ? toFull(c) : c))
      .join('');
    if (rng() < 0.4 && piece.length > 2) piece = piece.slice(0, 1) + (rng() < 0.5 ? '*' : '＊') + piece.slice(1);
    if (rng() < 0.2) piece = '*' + piece;
    out.push(piece);
  }
  return out;
}

/** Every plan the compiler can be told to use for the term, forced on every term. */
function plansFor(def: ModuleDef, req: ReturnType<typeof queryRequestSchema.parse>): TextPlan[] {
  const term = textTerms(def, req)[0];
  const plans: TextPlan[] = ['scan', 'fields', 'text', 'probe'];
  if (term?.canFts) {
    if (term.pattern.trigrams.length) plans.push({ fts: ftsQueryOf(term.pattern.trigrams) }, { fts: ftsQueryOf(term.pattern.trigrams.slice(-1)) });
    const probe = new SearchProbe(db);
    const chosen = probe.ftsQuery(term);
    if (chosen) plans.push({ fts: chosen });
    const ids = probe.candidateIds(term);
    if (ids) plans.push({ ids });
  }
  return plans;
}

function checkList(def: ModuleDef, count: number): number {
  const rows = viewRows(def);
  const textCols = def.columns.filter((c) => c.type === 'text').map((c) => c.field);
  const outside = textCols.find((f) => !def.anyFields.includes(f));
  const fields = ['any', ...def.anyFields, ...(outside ? [outside] : [])];
  let checked = 0;
  for (const pattern of patterns(def, rows, count)) {
    for (const field of fields) {
      const spans = field === 'any' ? def.anyFields : [field];
      const want = new Set(rows.filter((r) => spans.some((f) => refMatch(pattern, r[f]))).map((r) => r.id));
      const request: QueryRequest = { conditions: [{ field, op: 'contains', value: pattern }], limit: 7 };
      const req = queryRequestSchema.parse(request);
      const label = `${def.id} ${field} ${JSON.stringify(pattern)}`;
      let reference: unknown[] | undefined;
      for (const plan of plansFor(def, req)) {
        const q = compileQuery(def, req, () => plan);
        const ids = db.prepare(`SELECT v.id FROM ${q.from} ${q.where ? `WHERE ${q.where}` : ''} ORDER BY ${q.orderBy}`).pluck().all(...q.params);
        expect({ label, plan: JSON.stringify(plan).slice(0, 60), ids: [...ids].sort() }).toEqual({ label, plan: JSON.stringify(plan).slice(0, 60), ids: [...want].sort() });
        if (reference) expect({ label, ids }).toEqual({ label, ids: reference });
        reference ??= ids;
      }
      const result = runModuleQuery(db, def, request);
      expect({ label, ids: result.rows.map((r) => r.id), total: result.total, capped: result.capped }).toEqual({
        label,
        ids: reference!.slice(0, 7),
        total: want.size,
        capped: want.size > 7,
      });
      expect(countModuleRows(db, def, request)).toBe(want.size);
      expect([...iterateModuleRows(db, def, request)].map((r) => r.id)).toEqual(reference);
      const fromMemory = runModuleQuery(memDb, def, request);
      expect({ label, memory: true, ids: fromMemory.rows.map((r) => r.id), total: fromMemory.total }).toEqual({
        label,
        memory: true,
        ids: reference!.slice(0, 7),
        total: want.size,
      });
      expect(countModuleRows(memDb, def, { ...request, conditions: [...request.conditions!, { field, op: 'contains', value: 'a' }], join: 'or' })).toBe(
        countModuleRows(db, def, { ...request, conditions: [...request.conditions!, { field, op: 'contains', value: 'a' }], join: 'or' }),
      );
      checked++;
    }
  }
  return checked;
}

beforeAll(async () => {
  const made = await makeDemoDb(300, 5);
  dir = made.dir;
  db = openDatabase(made.file);
  rng = mulberry32(2024);
  memDb = openDatabase(made.file);
  enableMemorySearch(memDb, { minRows: 0 }).buildAll();
  scribble();
}, 120_000);
afterAll(() => {
  memDb?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('one matching rule for every list (property)', () => {
  it('the reference matcher says what the issue says', () => {
    expect(refMatch('ärzte', 'ÄRZTE')).toBe(true);
    expect(refMatch('ａｂｃ', 'ＡＢＣ')).toBe(true);
    expect(refMatch('ａｂｃ', 'ABC')).toBe(true);
    expect(refMatch('ＨＴ２０２４', 'HT2024-0012')).toBe(true);
    expect(refMatch('（', '(北京)')).toBe(true);
    expect(refMatch('ß', 'STRASSE')).toBe(true);
    expect(refMatch('a_b', 'axb')).toBe(false);
    expect(refMatch('100%', '1000')).toBe(false);
  });

  it('the memory connection holds every list and answers from memory', () => {
    const search = memorySearchOf(memDb)!;
    for (const def of LISTS) expect({ list: def.id, ready: search.ready(listIndexOf(def)!.index) !== null }).toEqual({ list: def.id, ready: true });
  });

  for (const def of LISTS) {
    it(`${def.id}: every plan, the service and export all give the rule's rows`, () => {
      expect(checkList(def, 25)).toBeGreaterThan(0);
    }, 120_000);
  }

  it("follows changes of the joined rows (an order's customer re-indexes its content and fee lines)", () => {
    const order = db.prepare('SELECT order_id FROM service_contents ORDER BY id LIMIT 1').pluck().get() as number;
    db.prepare('UPDATE dispatch_orders SET customer = ? WHERE id = ?').run('ÄRZTE ＧＭＢＨ Straße', order);
    for (const def of LISTS.filter((d) => ['content', 'fees', 'dispatch', 'materials'].includes(d.id))) {
      for (const pattern of ['ärzte*gmbh', 'STRASSE', 'ｓｔｒａß']) {
        const rows = viewRows(def);
        const want = rows.filter((r) => def.anyFields.some((f) => refMatch(pattern, r[f]))).length;
        expect({ def: def.id, pattern, n: runModuleQuery(db, def, { conditions: [{ field: 'any', op: 'contains', value: pattern }] }).total }).toEqual({
          def: def.id,
          pattern,
          n: want,
        });
      }
    }
    const engineer = db.prepare('SELECT engineer_id FROM service_contents ORDER BY id LIMIT 1').pluck().get() as number;
    db.prepare('UPDATE engineers SET name = ? WHERE id = ?').run('ＺＱ工程师', engineer);
    const content = LISTS.find((d) => d.id === 'content')!;
    const want = viewRows(content).filter((r) => refMatch('zq工', r.engineer)).length;
    expect(want).toBeGreaterThan(0);
    expect(runModuleQuery(db, content, { conditions: [{ field: 'any', op: 'contains', value: 'zq工' }] }).total).toBe(want);
    expect(checkList(content, 5)).toBeGreaterThan(0);
  }, 120_000);

  it('from memory: the same first rows in every order, the same groups, with other conditions too', () => {
    for (const def of LISTS) {
      const rows = viewRows(def);
      const sortable = def.columns.map((c) => c.field);
      const group = def.columns.find((c) => c.type === 'enum' || c.field === 'customer' || c.field === 'region')?.field;
      const other = def.columns.find((c) => c.type === 'enum');
      for (const pattern of ['a', '华', '2', 'ss', 'q*1', ...patterns(def, rows, 3)]) {
        for (const field of sortable) {
          for (const dir of ['asc', 'desc'] as const) {
            const request: QueryRequest = { conditions: [{ field: 'any', op: 'contains', value: pattern }], sort: [{ field, dir }], limit: 5 };
            const label = `${def.id} ${JSON.stringify(pattern)} by ${field} ${dir}`;
            const want = runModuleQuery(db, def, request);
            const got = runModuleQuery(memDb, def, request);
            expect({ label, ids: got.rows.map((r) => r.id), total: got.total }).toEqual({ label, ids: want.rows.map((r) => r.id), total: want.total });
          }
        }
        {
          // Several columns (ordered on the sort keys alone) and the owed list's days overdue (an
          // order derived from its keys): from memory, against the grid's comparator over the view.
          const sort: SortSpec[] =
            def.id === 'owed'
              ? [{ field: 'days_overdue', dir: 'desc' }]
              : [
                  { field: sortable[sortable.length - 1], dir: 'desc' },
                  { field: group ?? sortable[0], dir: 'asc' },
                ];
          const cmp = rowComparator(def.columns, sort);
          const sign = sort[0].dir === 'desc' ? -1 : 1;
          const want = rows
            .filter((r) => def.anyFields.some((f) => refMatch(pattern, r[f])))
            .sort((a, b) => cmp(a, b) || sign * ((a.id as number) - (b.id as number)))
            .slice(0, 20)
            .map((r) => r.id);
          const got = runModuleQuery(memDb, def, { conditions: [{ field: 'any', op: 'contains', value: pattern }], sort, limit: 20 }).rows.map((r) => r.id);
          expect({ list: def.id, pattern, sort, got }).toEqual({ list: def.id, pattern, sort, got: want });
        }
        if (group) {
          const request: QueryRequest = { conditions: [{ field: 'any', op: 'contains', value: pattern }], groupBy: [group] };
          expect({ list: def.id, pattern, groups: groupModuleRows(memDb, def, request) }).toEqual({ list: def.id, pattern, groups: groupModuleRows(db, def, request) });
        }
        if (other?.enumValues) {
          const request: QueryRequest = {
            conditions: [
              { field: 'any', op: 'contains', value: pattern },
              { field: other.field, op: 'equals', value: other.enumValues[0] },
            ],
            limit: 5,
          };
          const want = runModuleQuery(db, def, request);
          const got = runModuleQuery(memDb, def, request);
          expect({ list: def.id, pattern, ids: got.rows.map((r) => r.id), total: got.total }).toEqual({ list: def.id, pattern, ids: want.rows.map((r) => r.id), total: want.total });
        }
      }
    }
  }, 120_000);
});
