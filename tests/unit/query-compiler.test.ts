import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { compileQuery } from '../../db/query-compiler.js';
import { countModuleRows, iterateModuleRows, runModuleQuery } from '../../db/services/query.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import { ServiceError } from '../../shared/errors.js';
import { queryRequestSchema, wildcardPieces, type Condition, type QueryRequest, type Row } from '../../shared/query.js';
import { makeDemoDb } from '../helpers/demo-db.js';
import { compareBySortKey } from '../../shared/text/sort-key.js';

// Every condition operator, compiled and run against a real demo database, compared with the
// same condition evaluated in JS over all rows of the list view.

let dir: string;
let db: DB;
let all: Row[];

beforeAll(async () => {
  const made = await makeDemoDb(600, 11);
  dir = made.dir;
  db = openDatabase(made.file);
  const columns = ['id', ...dispatchModule.columns.map((c) => c.field)].map((f) => `"${f}"`).join(', ');
  all = db.prepare(`SELECT ${columns} FROM dispatch_order_list`).all() as Row[];
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lowerAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
function contains(pattern: string, v: Row[string]): boolean {
  const pieces = wildcardPieces(pattern);
  if (pieces.length === 0) return true;
  if (v === null) return false;
  const s = lowerAscii(String(v));
  let at = 0;
  for (const p of pieces) {
    const i = s.indexOf(lowerAscii(p), at);
    if (i < 0) return false;
    at = i + p.length;
  }
  return true;
}

type Pred = (r: Row) => boolean;
const byDefaultSort = (a: Row, b: Row) =>
  a.created_at! < b.created_at! ? 1 : a.created_at! > b.created_at! ? -1 : (b.id as number) - (a.id as number);

function check(request: QueryRequest, keep: Pred): number {
  const want = all.filter(keep).sort(byDefaultSort).map((r) => r.id);
  const limited = runModuleQuery(db, dispatchModule, { ...request, limit: 25 });
  expect(limited.rows.map((r) => r.id)).toEqual(want.slice(0, 25));
  expect(limited.total).toBe(want.length);
  expect(limited.capped).toBe(want.length > 25);
  expect(countModuleRows(db, dispatchModule, request)).toBe(want.length);
  expect([...iterateModuleRows(db, dispatchModule, request)].map((r) => r.id)).toEqual(want);
  // The plain compiled SQL (no index plans) agrees as well.
  const q = compileQuery(dispatchModule, queryRequestSchema.parse(request));
  const plain = db
    .prepare(`SELECT v.id FROM ${q.from} ${q.where ? `WHERE ${q.where}` : ''} ORDER BY ${q.orderBy}`)
    .pluck()
    .all(...q.params);
  expect(plain).toEqual(want);
  return want.length;
}

const one = (c: Condition): QueryRequest => ({ conditions: [c] });

function codeOf(request: unknown): string {
  try {
    countModuleRows(db, dispatchModule, request as QueryRequest);
    return 'ok';
  } catch (e) {
    return e instanceof ServiceError ? e.code : (e as Error).name;
  }
}

describe('condition compiler against SQLite', () => {
  it('contains: one field, `*` wildcards, case ignored, % and _ literal', () => {
    expect(check(one({ field: 'customer', op: 'contains', value: '华信' }), (r) => contains('华信', r.customer))).toBeGreaterThan(0);
    expect(check(one({ field: 'device_part_no', op: 'contains', value: '2by*5084*4*1' }), (r) => contains('2by*5084*4*1', r.device_part_no))).toBeGreaterThan(0);
    check(one({ field: 'problem', op: 'contains', value: '*无法*' }), (r) => contains('无法', r.problem));
    check(one({ field: 'region', op: 'contains', value: '江' }), (r) => contains('江', r.region));
    check(one({ field: 'customer', op: 'contains', value: '100%' }), (r) => contains('100%', r.customer));
    check(one({ field: 'customer', op: 'contains', value: '_' }), (r) => contains('_', r.customer));
    check(one({ field: 'customer', op: 'contains', value: '' }), () => true);
  });

  it('any: the quick search across the anyFields', () => {
    for (const p of ['sn2026', 'HT20*-000', '有限公司', '华信', '2BY.5084', 'by2', 'zz-not-there', '***']) {
      check(one({ field: 'any', op: 'contains', value: p }), (r) => dispatchModule.anyFields.some((f) => contains(p, r[f])));
    }
  });

  it('equals / eq on text, enum and bool columns', () => {
    expect(check(one({ field: 'status', op: 'equals', value: 'completed' }), (r) => r.status === 'completed')).toBeGreaterThan(0);
    const someCustomer = all[3].customer;
    check(one({ field: 'customer', op: 'equals', value: someCustomer }), (r) => r.customer === someCustomer);
    check(one({ field: 'warranty', op: 'eq', value: true }), (r) => r.warranty === 1);
    check(one({ field: 'warranty', op: 'eq', value: 0 }), (r) => r.warranty === 0);
    check(one({ field: 'warranty', op: 'eq', value: '1' }), (r) => r.warranty === 1);
  });

  it('empty and notEmpty (NULL and empty text both count as empty)', () => {
    const isEmpty = (v: Row[string]) => v === null || v === '';
    expect(check(one({ field: 'engineer', op: 'empty' }), (r) => isEmpty(r.engineer))).toBeGreaterThan(0);
    check(one({ field: 'engineer', op: 'notEmpty' }), (r) => !isEmpty(r.engineer));
    check(one({ field: 'contract_no', op: 'empty' }), (r) => isEmpty(r.contract_no));
    check(one({ field: 'contract_no', op: 'notEmpty' }), (r) => !isEmpty(r.contract_no));
  });

  it('gte, lte and between on dates and numbers', () => {
    const dates = all.map((r) => r.created_at as string).sort();
    const from = dates[100];
    const to = dates[400];
    check(one({ field: 'created_at', op: 'gte', value: from }), (r) => (r.created_at as string) >= from);
    check(one({ field: 'created_at', op: 'lte', value: to }), (r) => (r.created_at as string) <= to);
    expect(check(one({ field: 'created_at', op: 'between', value: [from, to] }), (r) => r.created_at! >= from && r.created_at! <= to)).toBe(301);
    check(one({ field: 'created_at', op: 'between', value: [from, from] }), (r) => r.created_at === from);
    check(one({ field: 'warranty', op: 'gte', value: 1 }), (r) => (r.warranty as number) >= 1);
    check(one({ field: 'warranty', op: 'lte', value: '0' }), (r) => (r.warranty as number) <= 0);
    check(one({ field: 'warranty', op: 'between', value: [0, 1] }), () => true);
  });

  it('in', () => {
    check(one({ field: 'status', op: 'in', value: ['pending', 'visited'] }), (r) => r.status === 'pending' || r.status === 'visited');
    check(one({ field: 'urgency', op: 'in', value: ['urgent'] }), (r) => r.urgency === 'urgent');
  });

  it('joins conditions with AND and OR, an empty pattern matching everything', () => {
    const a: Condition = { field: 'any', op: 'contains', value: '有限' };
    const b: Condition = { field: 'status', op: 'equals', value: 'pending' };
    const c: Condition = { field: 'customer', op: 'contains', value: '华信' };
    const pa: Pred = (r) => dispatchModule.anyFields.some((f) => contains('有限', r[f]));
    const pb: Pred = (r) => r.status === 'pending';
    const pc: Pred = (r) => contains('华信', r.customer);
    check({ conditions: [a, b], join: 'and' }, (r) => pa(r) && pb(r));
    check({ conditions: [a, b], join: 'or' }, (r) => pa(r) || pb(r));
    check({ conditions: [a, b, c], join: 'or' }, (r) => pa(r) || pb(r) || pc(r));
    check({ conditions: [c, b, { field: 'warranty', op: 'eq', value: 1 }], join: 'and' }, (r) => pc(r) && pb(r) && r.warranty === 1);
    check({ conditions: [c, { field: 'any', op: 'contains', value: '' }], join: 'and' }, pc);
    check({ conditions: [c, { field: 'any', op: 'contains', value: ' ' }], join: 'or' }, () => true);
  });

  it('sorts by any column with the id as tie-breaker', () => {
    const request: QueryRequest = { conditions: [{ field: 'customer', op: 'contains', value: '有限' }], sort: [{ field: 'customer', dir: 'asc' }], limit: 30 };
    const want = all
      .filter((r) => contains('有限', r.customer))
      // The one sort key (pinyin, case ignored; shared/text/sort-key.ts), then the id.
      .sort((x, y) => compareBySortKey(x.customer, y.customer) || (x.id as number) - (y.id as number))
      .map((r) => r.id);
    expect(runModuleQuery(db, dispatchModule, request).rows.map((r) => r.id)).toEqual(want.slice(0, 30));
    expect([...iterateModuleRows(db, dispatchModule, request)].map((r) => r.id)).toEqual(want);
  });

  it('refuses bad requests with INVALID_PARAMS', () => {
    const bad: unknown[] = [
      one({ field: 'password_hash', op: 'contains', value: 'x' }),
      one({ field: 'nope', op: 'equals', value: 'x' }),
      one({ field: 'any', op: 'equals', value: 'x' }),
      one({ field: 'customer', op: 'contains', value: 5 }),
      one({ field: 'any', op: 'contains', value: null }),
      one({ field: 'status', op: 'equals', value: 'lost' }),
      one({ field: 'status', op: 'in', value: ['pending', 'lost'] }),
      one({ field: 'status', op: 'in', value: [] }),
      one({ field: 'warranty', op: 'eq', value: 'yes' }),
      one({ field: 'warranty', op: 'gte', value: '' }),
      one({ field: 'created_at', op: 'between', value: ['2026-02-01', '2026-01-01'] }),
      one({ field: 'warranty', op: 'between', value: [1, 0] }),
      one({ field: 'created_at', op: 'between', value: ['2026-01-01'] }),
      one({ field: 'created_at', op: 'gte', value: [1, 2] }),
      { sort: [{ field: 'nope', dir: 'asc' }] },
    ];
    for (const request of bad) expect({ request, code: codeOf(request) }).toEqual({ request, code: 'INVALID_PARAMS' });
    expect(codeOf(one({ field: 'status', op: 'in', value: ['pending', 'completed'] }))).toBe('ok');
    expect(codeOf(one({ field: 'created_at', op: 'between', value: ['2026-01-01', '2026-01-01'] }))).toBe('ok');
  });
});
