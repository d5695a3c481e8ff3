import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../../db/query-compiler.js';
import { countModuleRows, iterateModuleRows, runModuleQuery } from '../../db/services/query.js';
import { ServiceError } from '../../shared/errors.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import { contractLookup } from '../../shared/modules/lookups.js';
import { queryRequestSchema, type Condition, type QueryRequest, type Row } from '../../shared/query.js';
import { pinyinMatch } from '../../shared/text/pinyin-match.js';
import { fold } from '../../shared/text/fold.js';
import { match } from 'pinyin-pro';
import { failure, makeFixture, type Fixture } from './dispatch-fixture.js';

// The condition op `pinyin` (the contract lookup's customer field): the SQL function pim_pinyin
// must find exactly the rows the pickers' rule (shared/text/pinyin-match.ts) finds, over the
// whole list — every plan, the count and the rows past the first page.

let f: Fixture;
let all: Row[];

// Names the demo does not make: Latin, full-width, mixed, SQL's special characters, empty.
const extraCustomers = [
  '华信机电设备厂',
  '辽宁华信数控设备有限公司',
  '重庆鑫源环保科技有限公司',
  'Straße Technik GmbH',
  'ABC Trading Ltd',
  'ＡＢＣ机电',
  'ＨＸ科技',
  '安泰HX机床',
  'Ärzte 机电',
  `100%_a\\'"公司`,
  '',
];

const columns = ['id', ...contractLookup.columns.map((c) => c.field)].map((field) => `"${field}"`).join(', ');
const readAll = () => f.db.prepare(`SELECT ${columns} FROM sales_contract_list`).all() as Row[];
// The lookup's default order: newest signed first, then the higher id.
const byDefaultSort = (a: Row, b: Row) =>
  a.sign_date! < b.sign_date! ? 1 : a.sign_date! > b.sign_date! ? -1 : (b.id as number) - (a.id as number);

function insertContract(customer: string, signDate: string, regionId: number | null = null): number {
  const next = (f.db.prepare('SELECT max(id) FROM sales_contracts').pluck().get() as number) + 1;
  f.db
    .prepare('INSERT INTO sales_contracts (id, contract_no, project, customer, address, sign_date, region_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(next, `PY-${next}`, '测试项目', customer, '测试地址', signDate, regionId);
  return next;
}

beforeAll(async () => {
  f = await makeFixture(0);
  const region = f.db.prepare('SELECT id FROM sales_regions ORDER BY id LIMIT 1').pluck().get() as number;
  extraCustomers.forEach((name, i) => insertContract(name, `2024-01-${String(10 + i).padStart(2, '0')}`, i % 2 ? region : null));
  all = readAll();
}, 60_000);
afterAll(() => f?.close());

/** Runs `request` every way the list can (first page, count, all rows, the plain SQL) against the oracle. */
function check(request: QueryRequest, keep: (r: Row) => boolean): Row[] {
  const want = all.filter(keep).sort(byDefaultSort);
  const ids = want.map((r) => r.id);
  const page = runModuleQuery(f.db, contractLookup, { ...request, limit: 10 });
  expect(page.rows.map((r) => r.id)).toEqual(ids.slice(0, 10));
  expect(page.total).toBe(want.length);
  expect(countModuleRows(f.db, contractLookup, request)).toBe(want.length);
  expect([...iterateModuleRows(f.db, contractLookup, request)].map((r) => r.id)).toEqual(ids);
  const q = compileQuery(contractLookup, queryRequestSchema.parse(request));
  const plain = f.db.prepare(`SELECT v.id FROM ${q.from} ${q.where ? `WHERE ${q.where}` : ''} ORDER BY ${q.orderBy}`).pluck().all(...q.params);
  expect(plain).toEqual(ids);
  return want;
}

const pinyin = (value: string, field = 'customer'): QueryRequest => ({ conditions: [{ field, op: 'pinyin', value }] });
const customersOf = (rows: Row[]) => [...new Set(rows.map((r) => r.customer))];

describe('the pinyin condition against SQLite', () => {
  it('finds what the pickers find: initials, full pinyin, characters, any case and width', () => {
    const typed = ['hx', 'huaxin', '华信', 'HX', 'ＨＸ', 'huax', 'hua xin', ' hx ', 'hxin', 'cq', 'cqxy', 'jc', 'hxx', 'xh', 'zzz'];
    for (const value of typed) check(pinyin(value), (r) => pinyinMatch(r.customer as string, value));
    // The oracle above is the pickers' rule; what it must find, by hand:
    const hx = customersOf(check(pinyin('hx'), (r) => pinyinMatch(r.customer as string, 'hx')));
    expect(hx).toEqual(expect.arrayContaining(['辽宁华信数控设备有限公司', 'ＨＸ科技', '安泰HX机床']));
    expect(hx).not.toContain('重庆鑫源环保科技有限公司');
    // Independently of the pickers' code: pinyin-pro's own match, or the folded text.
    const independent = customersOf(all).filter((name) => match(String(name), 'hx', { continuous: true }) !== null || fold(String(name)).includes('hx'));
    expect(hx.sort()).toEqual(independent.sort());
    expect(customersOf(check(pinyin('cqxy'), (r) => pinyinMatch(r.customer as string, 'cqxy')))).toContain('重庆鑫源环保科技有限公司');
  });

  it('mixed letters and characters, `*` pieces in order, Latin and full-width text as the lists fold it', () => {
    const cases: [string, string[]][] = [
      ['hx*机电', ['华信机电设备厂']],
      ['hx*sb', ['华信机电设备厂', '辽宁华信数控设备有限公司']],
      ['sb*hx', []],
      ['abc', ['ABC Trading Ltd', 'ＡＢＣ机电']],
      ['ａｂｃ＊机电', ['ＡＢＣ机电']],
      ['strasse', ['Straße Technik GmbH']],
      ['STRASSE*gmbh', ['Straße Technik GmbH']],
      ['ärzte', ['Ärzte 机电']],
      ['ÄRZTE*jd', ['Ärzte 机电']],
      ['hx*kj', ['ＨＸ科技']],
      ['cq*hb', ['重庆鑫源环保科技有限公司']],
    ];
    for (const [value, names] of cases) {
      const found = customersOf(check(pinyin(value), (r) => pinyinMatch(r.customer as string, value)));
      expect(found.sort(), value).toEqual([...names].sort());
    }
  });

  it('% _ \\ and quotes are plain characters, never SQL', () => {
    const special = `100%_a\\'"公司`;
    for (const value of ['%_a', `\\'"`, `'`, `"`, '\\', `a\\'"gs`, `a\\'"*gs`, `' OR 1=1 --`, '%', '_']) {
      const found = customersOf(check(pinyin(value), (r) => pinyinMatch(r.customer as string, value)));
      expect(found.every((name) => name === special), value).toBe(true);
    }
    expect(customersOf(check(pinyin('%_a'), (r) => pinyinMatch(r.customer as string, '%_a')))).toEqual([special]);
    // Text then pinyin, as two pieces (a piece is read as pinyin only when it is all letters).
    expect(customersOf(check(pinyin(`a\\'"*gs`), (r) => pinyinMatch(r.customer as string, `a\\'"*gs`)))).toEqual([special]);
  });

  it('empty, spaces and stars: nothing typed matches every row, stars alone every named row', () => {
    for (const value of ['', '   ', '　']) check(pinyin(value), () => true);
    for (const value of ['*', '**', '＊']) {
      const found = check(pinyin(value), (r) => pinyinMatch(r.customer as string, value));
      expect(found.length).toBe(all.length - 1);
      expect(found.some((r) => r.customer === '')).toBe(false);
    }
    // Under OR an empty one makes the whole filter match everything, as an empty `contains` does.
    check({ conditions: [pinyin('').conditions![0], { field: 'contract_no', op: 'contains', value: 'PY-' }], join: 'or' }, () => true);
  });

  it('a column with NULLs (the region), and with other conditions under AND and OR', () => {
    expect(all.some((r) => r.region === null)).toBe(true);
    const region = all.find((r) => r.region)!.region as string;
    for (const value of ['q', 's', region]) {
      const hits = check(pinyin(value, 'region'), (r) => pinyinMatch(r.region as string | null, value));
      expect(hits.every((r) => r.region !== null)).toBe(true);
    }
    const a: Condition = { field: 'customer', op: 'pinyin', value: 'hx' };
    const b: Condition = { field: 'contract_no', op: 'contains', value: 'PY-' };
    check({ conditions: [a, b], join: 'and' }, (r) => pinyinMatch(r.customer as string, 'hx') && String(r.contract_no).includes('PY-'));
    check({ conditions: [a, b], join: 'or' }, (r) => pinyinMatch(r.customer as string, 'hx') || String(r.contract_no).includes('PY-'));
    check({ conditions: [a, { field: 'any', op: 'contains', value: '有限' }] }, (r) =>
      pinyinMatch(r.customer as string, 'hx') && contractLookup.anyFields.some((field) => String(r[field] ?? '').includes('有限')),
    );
  });

  it('the longest value the schema allows is answered; a longer one is refused', () => {
    for (const value of ['h'.repeat(200), `hx*${'华'.repeat(197)}`, '*'.repeat(200)]) check(pinyin(value), (r) => pinyinMatch(r.customer as string, value));
    expect(codeOf(contractLookup, pinyin('h'.repeat(201)))).not.toBe('ok');
  });
});

function codeOf(def: typeof contractLookup, request: QueryRequest): string {
  try {
    countModuleRows(f.db, def, request);
    return 'ok';
  } catch (e) {
    return e instanceof ServiceError ? e.code : (e as Error).name;
  }
}

describe('the pinyin condition refuses what it cannot match', () => {
  it('non-text columns, the quick search, and values that are not text: INVALID_PARAMS with a clear message', () => {
    const bad: [typeof contractLookup, Condition][] = [
      [contractLookup, { field: 'sign_date', op: 'pinyin', value: 'hx' }],
      [dispatchModule, { field: 'status', op: 'pinyin', value: 'hx' }],
      [dispatchModule, { field: 'warranty', op: 'pinyin', value: 'hx' }],
      [dispatchModule, { field: 'created_at', op: 'pinyin', value: 'hx' }],
      [contractLookup, { field: 'any', op: 'pinyin', value: 'hx' }],
      [contractLookup, { field: 'customer', op: 'pinyin', value: 5 }],
      [contractLookup, { field: 'customer', op: 'pinyin', value: ['hx'] }],
      [contractLookup, { field: 'customer', op: 'pinyin', value: null }],
      [contractLookup, { field: 'customer', op: 'pinyin' }],
      [contractLookup, { field: 'nope', op: 'pinyin', value: 'hx' }],
      // A function call per row: not on the big lists' columns.
      [dispatchModule, { field: 'customer', op: 'pinyin', value: 'hx' }],
      [dispatchModule, { field: 'problem', op: 'pinyin', value: 'hx' }],
    ];
    for (const [def, c] of bad) expect({ c, code: codeOf(def, { conditions: [c] }) }).toEqual({ c, code: 'INVALID_PARAMS' });
    expect(() => countModuleRows(f.db, contractLookup, pinyin('hx', 'sign_date'))).toThrow(/text fields only; "sign_date" is a date field/);
  });
});

describe('contracts.query with the pinyin op', () => {
  it('finds a contract far past the first 200 rows, as the lookup asks for it', async () => {
    // More contracts than one answer shows, all newer than the one sought.
    for (let i = 0; i < 240; i++) insertContract(`测试客户${i}号`, '2025-06-01');
    const far = insertContract('华信远端精密机械厂', '2000-01-01');
    all = readAll();
    const first = await f.backend.call('contracts.query', {}, f.token.clerk);
    expect(first.capped).toBe(true);
    expect(first.rows).toHaveLength(200);
    expect(first.rows.map((r) => r.id)).not.toContain(far);

    for (const value of ['hx', 'huaxin', 'hxyd', 'HXYD*jx', 'ｈｘｙｄ']) {
      const want = all.filter((r) => pinyinMatch(r.customer as string, value)).sort(byDefaultSort);
      const r = await f.backend.call('contracts.query', { conditions: [{ field: 'customer', op: 'pinyin', value }] }, f.token.clerk);
      expect(r.total, value).toBe(want.length);
      expect(r.rows.map((row) => row.id), value).toEqual(want.slice(0, 200).map((row) => row.id));
      expect(r.rows.map((row) => row.id), value).toContain(far);
    }
    const exact = await f.backend.call('contracts.query', { conditions: [{ field: 'customer', op: 'pinyin', value: 'hxyd' }] }, f.token.clerk);
    expect(exact.rows.map((r) => r.customer)).toEqual(['华信远端精密机械厂']);
    // Grouped by customer, as the list's group panel asks.
    const grouped = await f.backend.call('contracts.query', { conditions: [{ field: 'customer', op: 'pinyin', value: 'hxyd' }], groupBy: ['customer'] }, f.token.clerk);
    expect(grouped.groups?.map((g) => [g.values[0], g.count])).toEqual([['华信远端精密机械厂', 1]]);
  });

  it('refuses bad pinyin conditions at the contract with INVALID_PARAMS', async () => {
    const refused = [
      { field: 'sign_date', op: 'pinyin', value: 'hx' },
      { field: 'customer', op: 'pinyin', value: 'h'.repeat(201) },
      { field: 'customer', op: 'pinyin', value: [1, 2] },
    ] as Condition[];
    for (const c of refused) expect((await failure(f.backend.call('contracts.query', { conditions: [c] }, f.token.clerk))).code).toBe('INVALID_PARAMS');
  });
});
