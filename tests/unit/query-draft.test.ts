import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../db/query-compiler.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import type { ModuleDef } from '../../shared/modules/types.js';
import { ANY_FIELD, DEFAULT_ROW_CAP, queryRequestSchema, type QueryRequest } from '../../shared/query.js';
import {
  MAX_ROWS,
  activeRowCount,
  addRow,
  applyQuickRange,
  draftToRequest,
  emptyDraft,
  errorKeys,
  isLeapYear,
  normalizeDraft,
  opsFor,
  parseDate,
  parseMoney,
  parseNumber,
  quickRangeDays,
  quickRanges,
  removeRow,
  setRowField,
  setRowOp,
  setRowValue,
  toggleRowValue,
  validateDraft,
  type DraftOp,
  type DraftRow,
  type QueryDraft,
} from '../../renderer/src/query/draft.js';

/** The stored form of a local wall time: the UTC instant; an upper bound includes its whole second. */
function local(wall: string, end = wall.endsWith(':59')): string {
  const [d, t] = wall.split(' ');
  const [y, mo, day] = d.split('-').map(Number);
  const [h, mi, sec] = t.split(':').map(Number);
  return new Date(y, mo - 1, day, h, mi, sec, end ? 999 : 0).toISOString();
}

describe('date-times are compared as the instants they name', () => {
  it('turns a day typed in Beijing into the UTC range stored values are compared with', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Shanghai';
    try {
      expect(conditionOf(row('created_at', 'on', '2026-11-03'))).toEqual([
        { field: 'created_at', op: 'between', value: ['2026-11-02T16:00:00.000Z', '2026-11-03T15:59:59.999Z'] },
      ]);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

// Every column type once; the dispatch module has no money, number or date column yet.
const mod: ModuleDef = {
  id: 'fees',
  labelKey: 'modules.fees',
  built: true,
  queryMethod: 'fees.query',
  view: 'fee_list',
  rowKey: 'id',
  anyFields: ['doc_no', 'customer'],
  defaultSort: [{ field: 'created_at', dir: 'desc' }],
  columns: [
    { field: 'doc_no', type: 'text', labelKey: 'x.doc_no', width: 100 },
    { field: 'customer', type: 'text', labelKey: 'x.customer', width: 100 },
    { field: 'qty', type: 'number', labelKey: 'x.qty', width: 100 },
    { field: 'amount', type: 'money', labelKey: 'x.amount', width: 100 },
    { field: 'fee_date', type: 'date', labelKey: 'x.fee_date', width: 100 },
    { field: 'created_at', type: 'datetime', labelKey: 'x.created_at', width: 100 },
    { field: 'status', type: 'enum', labelKey: 'x.status', width: 100, enumKey: 'st', enumValues: ['open', 'paid', 'void'] },
    { field: 'warranty', type: 'bool', labelKey: 'x.warranty', width: 100 },
  ],
};

// Monday 2026-11-23, 18:00 local time.
const NOW = new Date(2026, 10, 23, 18, 0, 0);

function row(field: string, op: DraftOp, value = '', valueTo = '', values: string[] = [], id = 'r1'): DraftRow {
  return { id, field, op, value, valueTo, values };
}

function draftOf(...rows: DraftRow[]): QueryDraft {
  return { join: 'and', rows: rows.map((r, i) => ({ ...r, id: `r${i + 1}` })) };
}

/** The request for a draft; fails the test when the draft is refused. Checks the server takes it. */
function request(draft: QueryDraft, now = NOW): QueryRequest {
  const out = draftToRequest(mod, draft, now);
  if (!('request' in out)) throw new Error(`refused: ${JSON.stringify(out.errors)}`);
  const parsed = queryRequestSchema.parse(out.request);
  expect(() => compileQuery(mod, parsed)).not.toThrow();
  return out.request;
}

function conditionOf(r: DraftRow) {
  return request(draftOf(r)).conditions;
}

function errorsOf(...rows: DraftRow[]): Record<string, string> {
  const out = draftToRequest(mod, draftOf(...rows), NOW);
  expect('request' in out).toBe(false);
  return 'errors' in out ? out.errors : {};
}

describe('operators by column type', () => {
  it('offers the operators of each type', () => {
    expect(opsFor('any')).toEqual(['contains']);
    expect(opsFor('text')).toEqual(['contains', 'equals', 'empty', 'notEmpty']);
    expect(opsFor('number')).toEqual(['eq', 'gte', 'lte', 'between']);
    expect(opsFor('money')).toEqual(['eq', 'gte', 'lte', 'between']);
    expect(opsFor('date')).toEqual(['on', 'gte', 'lte', 'between']);
    expect(opsFor('datetime')).toEqual(['on', 'gte', 'lte', 'between']);
    expect(opsFor('enum')).toEqual(['in']);
    expect(opsFor('bool')).toEqual(['in']);
  });

  it('any field: a contains across the anyFields, trimmed; blank lists everything', () => {
    expect(conditionOf(row(ANY_FIELD, 'contains', '  2by*5084*4*1 '))).toEqual([
      { field: ANY_FIELD, op: 'contains', value: '2by*5084*4*1' },
    ]);
    expect(request(emptyDraft(mod))).toEqual({ conditions: [], join: 'and', sort: [], limit: DEFAULT_ROW_CAP });
  });

  it('text: contains, equals, empty, not empty', () => {
    expect(conditionOf(row('customer', 'contains', '*y.50*'))).toEqual([{ field: 'customer', op: 'contains', value: '*y.50*' }]);
    expect(conditionOf(row('customer', 'equals', ' ACME '))).toEqual([{ field: 'customer', op: 'equals', value: 'ACME' }]);
    expect(conditionOf(row('customer', 'empty', 'ignored'))).toEqual([{ field: 'customer', op: 'empty' }]);
    expect(conditionOf(row('customer', 'notEmpty'))).toEqual([{ field: 'customer', op: 'notEmpty' }]);
  });

  it('text: a blank contains is a row not filled in and is left out, even under OR', () => {
    const d = { ...draftOf(row('customer', 'contains', 'acme'), row('doc_no', 'contains', '   ')), join: 'or' as const };
    expect(request(d)).toEqual({
      conditions: [{ field: 'customer', op: 'contains', value: 'acme' }],
      join: 'or',
      sort: [],
      limit: DEFAULT_ROW_CAP,
    });
  });

  it('number: =, ≥, ≤, between', () => {
    expect(conditionOf(row('qty', 'eq', '3'))).toEqual([{ field: 'qty', op: 'eq', value: 3 }]);
    expect(conditionOf(row('qty', 'gte', '2.5'))).toEqual([{ field: 'qty', op: 'gte', value: 2.5 }]);
    expect(conditionOf(row('qty', 'lte', '-4'))).toEqual([{ field: 'qty', op: 'lte', value: -4 }]);
    expect(conditionOf(row('qty', 'between', '1', '10'))).toEqual([{ field: 'qty', op: 'between', value: [1, 10] }]);
    expect(conditionOf(row('qty', 'between', '5', '5'))).toEqual([{ field: 'qty', op: 'between', value: [5, 5] }]);
  });

  it('money: yuan typed, integer fen sent', () => {
    expect(conditionOf(row('amount', 'eq', '12.5'))).toEqual([{ field: 'amount', op: 'eq', value: 1250 }]);
    expect(conditionOf(row('amount', 'gte', '0.29'))).toEqual([{ field: 'amount', op: 'gte', value: 29 }]);
    expect(conditionOf(row('amount', 'lte', '100'))).toEqual([{ field: 'amount', op: 'lte', value: 10000 }]);
    expect(conditionOf(row('amount', 'between', '-0.5', '1,234.56'))).toEqual([
      { field: 'amount', op: 'between', value: [-50, 123456] },
    ]);
  });

  it('a between with one side left empty reads as from / up to', () => {
    expect(conditionOf(row('amount', 'between', '10', ''))).toEqual([{ field: 'amount', op: 'gte', value: 1000 }]);
    expect(conditionOf(row('amount', 'between', ' ', '10'))).toEqual([{ field: 'amount', op: 'lte', value: 1000 }]);
    expect(conditionOf(row('created_at', 'between', '', '2026-11-3'))).toEqual([
      { field: 'created_at', op: 'lte', value: local('2026-11-03 23:59:59') },
    ]);
    expect(conditionOf(row('fee_date', 'between', '2026/11/03', ''))).toEqual([{ field: 'fee_date', op: 'gte', value: '2026-11-03' }]);
  });

  it('datetime: on a day is the whole day; from is its start; to is its end', () => {
    expect(conditionOf(row('created_at', 'on', '2026-11-03'))).toEqual([
      { field: 'created_at', op: 'between', value: [local('2026-11-03 00:00:00'), local('2026-11-03 23:59:59')] },
    ]);
    expect(conditionOf(row('created_at', 'gte', '2026/11/3'))).toEqual([{ field: 'created_at', op: 'gte', value: local('2026-11-03 00:00:00') }]);
    expect(conditionOf(row('created_at', 'lte', '2026-11-03'))).toEqual([{ field: 'created_at', op: 'lte', value: local('2026-11-03 23:59:59') }]);
    expect(conditionOf(row('created_at', 'between', '2026-11-01', '2026-11-30'))).toEqual([
      { field: 'created_at', op: 'between', value: [local('2026-11-01 00:00:00'), local('2026-11-30 23:59:59')] },
    ]);
  });

  it('datetime: a typed time is kept; a "to" in minutes includes that whole minute', () => {
    expect(conditionOf(row('created_at', 'gte', '2026-11-03 8:05'))).toEqual([{ field: 'created_at', op: 'gte', value: local('2026-11-03 08:05:00') }]);
    expect(conditionOf(row('created_at', 'lte', '2026-11-03 18:30'))).toEqual([{ field: 'created_at', op: 'lte', value: local('2026-11-03 18:30:59') }]);
    expect(conditionOf(row('created_at', 'between', '2026-11-03 08:00:15', '2026-11-03 08:00:20'))).toEqual([
      { field: 'created_at', op: 'between', value: [local('2026-11-03 08:00:15'), local('2026-11-03 08:00:20', true)] },
    ]);
  });

  it('date: just the day', () => {
    expect(conditionOf(row('fee_date', 'on', '2026-11-3'))).toEqual([{ field: 'fee_date', op: 'eq', value: '2026-11-03' }]);
    expect(conditionOf(row('fee_date', 'gte', '2026/11/03'))).toEqual([{ field: 'fee_date', op: 'gte', value: '2026-11-03' }]);
    expect(conditionOf(row('fee_date', 'lte', '2026-11-03'))).toEqual([{ field: 'fee_date', op: 'lte', value: '2026-11-03' }]);
    expect(conditionOf(row('fee_date', 'between', '2026-2-1', '2026-02-28'))).toEqual([
      { field: 'fee_date', op: 'between', value: ['2026-02-01', '2026-02-28'] },
    ]);
  });

  it('enum and bool: one of, in the order of the definition', () => {
    expect(conditionOf(row('status', 'in', '', '', ['void', 'open']))).toEqual([{ field: 'status', op: 'in', value: ['open', 'void'] }]);
    expect(conditionOf(row('warranty', 'in', '', '', ['true']))).toEqual([{ field: 'warranty', op: 'in', value: [true] }]);
    expect(conditionOf(row('warranty', 'in', '', '', ['false', 'true']))).toEqual([{ field: 'warranty', op: 'in', value: [true, false] }]);
  });

  it('several rows keep their order and the join', () => {
    const d: QueryDraft = {
      join: 'or',
      rows: [row('customer', 'contains', 'acme', '', [], 'r1'), row('amount', 'gte', '10', '', [], 'r7')],
    };
    expect(request(d)).toEqual({
      conditions: [
        { field: 'customer', op: 'contains', value: 'acme' },
        { field: 'amount', op: 'gte', value: 1000 },
      ],
      join: 'or',
      sort: [],
      limit: DEFAULT_ROW_CAP,
    });
  });

  it('works on the real dispatch module', () => {
    const d: QueryDraft = {
      join: 'and',
      rows: [
        row('status', 'in', '', '', ['pending', 'dispatched'], 'r1'),
        row('created_at', 'on', '2026-11-03', '', [], 'r2'),
        row('warranty', 'in', '', '', ['true'], 'r3'),
      ],
    };
    const out = draftToRequest(dispatchModule, d, NOW);
    if (!('request' in out)) throw new Error('refused');
    expect(() => compileQuery(dispatchModule, queryRequestSchema.parse(out.request))).not.toThrow();
    expect(out.request.conditions).toHaveLength(3);
  });
});

describe('invalid input: marked, and nothing is sent', () => {
  const cases: [string, DraftRow, string][] = [
    ['not a number', row('qty', 'eq', 'abc'), errorKeys.number],
    ['hex is not a number', row('qty', 'gte', '0x10'), errorKeys.number],
    ['an exponent is not what a clerk types', row('qty', 'gte', '1e3'), errorKeys.number],
    ['a number left blank', row('qty', 'eq', '  '), errorKeys.required],
    ['money: not an amount', row('amount', 'eq', '12,5'), errorKeys.money],
    ['money: two points', row('amount', 'eq', '1.2.3'), errorKeys.money],
    ['money: three decimals', row('amount', 'eq', '12.345'), errorKeys.moneyDecimals],
    ['money: in a between', row('amount', 'between', '1', '0.001'), errorKeys.moneyDecimals],
    ['money: too large to be exact', row('amount', 'eq', '90071992547409.92'), errorKeys.tooLarge],
    ['date: unparseable', row('fee_date', 'on', 'yesterday'), errorKeys.date],
    ['date: no 30 February', row('created_at', 'gte', '2026-02-30'), errorKeys.date],
    ['date: no 29 February in 2026', row('fee_date', 'on', '2026-02-29'), errorKeys.date],
    ['date: month 13', row('fee_date', 'lte', '2026-13-01'), errorKeys.date],
    ['date: bad time', row('created_at', 'gte', '2026-11-03 24:00'), errorKeys.date],
    ['date column takes no time', row('fee_date', 'gte', '2026-11-03 08:00'), errorKeys.dateTime],
    ['on takes no time', row('created_at', 'on', '2026-11-03 08:00'), errorKeys.dateTime],
    ['a date left blank', row('created_at', 'on', ''), errorKeys.required],
    ['a between left blank', row('created_at', 'between', '', ' '), errorKeys.required],
    ['reversed numbers', row('qty', 'between', '10', '2'), errorKeys.reversed],
    ['reversed money', row('amount', 'between', '10.01', '10'), errorKeys.reversed],
    ['reversed dates', row('fee_date', 'between', '2026-11-04', '2026-11-3'), errorKeys.reversed],
    ['reversed date-times', row('created_at', 'between', '2026-11-03 10:00', '2026-11-03 09:59'), errorKeys.reversed],
    ['empty one-of (enum)', row('status', 'in'), errorKeys.pickOne],
    ['empty one-of (bool)', row('warranty', 'in'), errorKeys.pickOne],
    ['one-of with only unknown values', row('status', 'in', '', '', ['gone']), errorKeys.pickOne],
    ['text equals left blank', row('customer', 'equals', ' '), errorKeys.required],
    ['text too long for the server', row('customer', 'contains', 'x'.repeat(201)), errorKeys.tooLong],
    ['any-field pattern too long', row(ANY_FIELD, 'contains', 'x'.repeat(201)), errorKeys.tooLong],
  ];
  for (const [name, r, key] of cases) {
    it(name, () => {
      expect(errorsOf(r)).toEqual({ r1: key });
    });
  }

  it('errors are keyed by row id, every bad row at once; good rows do not rescue the request', () => {
    const d: QueryDraft = {
      join: 'and',
      rows: [
        row('customer', 'contains', 'ok', '', [], 'r1'),
        row('qty', 'eq', 'x', '', [], 'r4'),
        row('status', 'in', '', '', [], 'r9'),
      ],
    };
    expect(draftToRequest(mod, d, NOW)).toEqual({ errors: { r4: errorKeys.number, r9: errorKeys.pickOne } });
  });

  it('says which input of a between is wrong', () => {
    const v = (r: DraftRow) => validateDraft(mod, draftOf(r), NOW).r1;
    expect(v(row('qty', 'between', 'x', '2'))).toEqual({ key: errorKeys.number, target: 'value' });
    expect(v(row('qty', 'between', '1', 'x'))).toEqual({ key: errorKeys.number, target: 'valueTo' });
    expect(v(row('qty', 'between', '3', '2'))).toEqual({ key: errorKeys.reversed, target: 'both' });
    expect(v(row('status', 'in'))).toEqual({ key: errorKeys.pickOne, target: 'values' });
    expect(v(row('qty', 'between', '1', '2'))).toBeUndefined();
  });

  it('every error key has a text in both languages', async () => {
    const zh = (await import('../../resources/locales/zh-CN/translation.json')).default as Record<string, unknown>;
    const en = (await import('../../resources/locales/en/translation.json')).default as Record<string, unknown>;
    const get = (tree: Record<string, unknown>, key: string) =>
      key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], tree);
    for (const key of Object.values(errorKeys)) {
      expect(typeof get(zh, key), key).toBe('string');
      expect(typeof get(en, key), key).toBe('string');
    }
  });
});

describe('money parsing is exact', () => {
  const fen = (s: string) => {
    const r = parseMoney(s);
    return r.ok ? r.value : r.error;
  };

  it('decimal strings that drift as floats', () => {
    // 0.29 * 100 = 28.999999999999996, 1.005 * 100 = 100.49999999999999, 0.1 + 0.2 != 0.3
    expect(fen('0.29')).toBe(29);
    expect(fen('0.57')).toBe(57);
    expect(fen('1.15')).toBe(115);
    expect(fen('4.35')).toBe(435);
    expect(fen('0.3')).toBe(30);
    expect(fen('0.30')).toBe(30);
    expect(fen('19.99')).toBe(1999);
    expect(fen('1.1')).toBe(110);
    for (let cents = 0; cents < 10000; cents++) {
      const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      expect(fen(text)).toBe(cents);
    }
  });

  it('forms people type', () => {
    expect(fen('12')).toBe(1200);
    expect(fen('12.')).toBe(1200);
    expect(fen('.5')).toBe(50);
    expect(fen('+3')).toBe(300);
    expect(fen(' 12.5 ')).toBe(1250);
    expect(fen('¥12.5')).toBe(1250);
    expect(fen('￥ 12.50')).toBe(1250);
    expect(fen('12.5元')).toBe(1250);
    expect(fen('1,234,567.89')).toBe(123456789);
    expect(fen('１２．５')).toBe(1250); // full-width, from a Chinese input method
    expect(fen('12.340')).toBe(1234); // extra zeros add no precision
    expect(fen('007.10')).toBe(710);
  });

  it('negative amounts and zero', () => {
    expect(fen('-0.5')).toBe(-50);
    expect(fen('-0.05')).toBe(-5);
    expect(fen('-12')).toBe(-1200);
    expect(Object.is(fen('-0'), 0)).toBe(true);
    expect(Object.is(fen('-0.00'), 0)).toBe(true);
    expect(fen('0')).toBe(0);
  });

  it('large values stay exact up to the largest safe integer of fen', () => {
    expect(fen('90071992547409.91')).toBe(Number.MAX_SAFE_INTEGER);
    expect(fen('-90071992547409.91')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(fen('12345678901234.56')).toBe(1234567890123456);
    expect(fen('90071992547409.92')).toBe(errorKeys.tooLarge);
    expect(fen('1' + '0'.repeat(30))).toBe(errorKeys.tooLarge);
  });

  it('refusals', () => {
    expect(fen('12.345')).toBe(errorKeys.moneyDecimals);
    expect(fen('0.001')).toBe(errorKeys.moneyDecimals);
    expect(fen('12.3401')).toBe(errorKeys.moneyDecimals);
    for (const bad of ['', ' ', '.', '-', 'abc', '12a', '1e3', '0x10', '1 000', '12,5', '1,23', '12,3456', '--1', 'Infinity', 'NaN', '1.2.3']) {
      expect(fen(bad), bad).toBe(errorKeys.money);
    }
  });

  it('numbers are plain decimals', () => {
    const num = (s: string) => {
      const r = parseNumber(s);
      return r.ok ? r.value : r.error;
    };
    expect(num('3')).toBe(3);
    expect(num('-2.5')).toBe(-2.5);
    expect(num('.5')).toBe(0.5);
    expect(num('1,000')).toBe(1000);
    expect(num('３')).toBe(3);
    expect(Object.is(num('-0'), 0)).toBe(true);
    expect(num('9'.repeat(20))).toBe(errorKeys.tooLarge);
    for (const bad of ['', 'x', '1e3', '0x10', 'Infinity', '1.2.3', '1,0']) expect(num(bad), bad).toBe(errorKeys.number);
  });
});

describe('date parsing', () => {
  it('accepts the usual ways of typing a day and emits the database format', () => {
    for (const text of ['2026-11-03', '2026-11-3', '2026/11/03', '2026/11/3', '2026.11.3', '20261103', '2026年11月3日', '２０２６－１１－０３', ' 2026-11-03 ']) {
      expect(parseDate(text), text).toEqual({ day: '2026-11-03' });
    }
  });

  it('accepts a time after the day', () => {
    expect(parseDate('2026-11-03 8:05')).toEqual({ day: '2026-11-03', time: '08:05:00', seconds: false });
    expect(parseDate('2026/11/3 08:05:09')).toEqual({ day: '2026-11-03', time: '08:05:09', seconds: true });
    expect(parseDate('2026-11-03T23:59')).toEqual({ day: '2026-11-03', time: '23:59:00', seconds: false });
  });

  it('checks the calendar: leap years and month ends', () => {
    expect(parseDate('2024-02-29')).toEqual({ day: '2024-02-29' });
    expect(parseDate('2000-02-29')).toEqual({ day: '2000-02-29' });
    expect(parseDate('2100-02-29')).toBeNull();
    expect(parseDate('2026-02-29')).toBeNull();
    expect(parseDate('2026-04-31')).toBeNull();
    expect(parseDate('2026-04-30')).toEqual({ day: '2026-04-30' });
    expect(parseDate('2026-12-31')).toEqual({ day: '2026-12-31' });
    expect(parseDate('2026-00-10')).toBeNull();
    expect(parseDate('2026-11-00')).toBeNull();
    expect(isLeapYear(2024)).toBe(true);
    expect(isLeapYear(1900)).toBe(false);
  });

  it('refuses what is not a day', () => {
    for (const bad of ['', '11/03/2026', '03-11-2026', '2026-11', '26-11-03', '2026-11-03 25:00', '2026-11-03 12:60', 'today', '2026--11-03', '202611031']) {
      expect(parseDate(bad), bad).toBeNull();
    }
  });
});

describe('quick ranges', () => {
  const at = (y: number, m: number, d: number, h = 18) => new Date(y, m - 1, d, h, 0, 0);
  const all = (now: Date) => Object.fromEntries(quickRanges.map((r) => [r, quickRangeDays(r, now)]));

  it('on Monday 2026-11-23 18:00 (weeks start on Monday)', () => {
    expect(all(NOW)).toEqual({
      today: { from: '2026-11-23', to: '2026-11-23' },
      yesterday: { from: '2026-11-22', to: '2026-11-22' },
      thisWeek: { from: '2026-11-23', to: '2026-11-29' },
      lastWeek: { from: '2026-11-16', to: '2026-11-22' },
      thisMonth: { from: '2026-11-01', to: '2026-11-30' },
      lastMonth: { from: '2026-10-01', to: '2026-10-31' },
      thisYear: { from: '2026-01-01', to: '2026-12-31' },
      last7Days: { from: '2026-11-17', to: '2026-11-23' },
      last30Days: { from: '2026-10-25', to: '2026-11-23' },
    });
  });

  it('on a Sunday the week is the one that ends that day', () => {
    expect(quickRangeDays('thisWeek', at(2026, 11, 29, 23))).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(quickRangeDays('lastWeek', at(2026, 11, 29, 0))).toEqual({ from: '2026-11-16', to: '2026-11-22' });
  });

  it('across the turn of the year', () => {
    expect(all(at(2026, 1, 1, 0))).toEqual({
      today: { from: '2026-01-01', to: '2026-01-01' },
      yesterday: { from: '2025-12-31', to: '2025-12-31' },
      thisWeek: { from: '2025-12-29', to: '2026-01-04' },
      lastWeek: { from: '2025-12-22', to: '2025-12-28' },
      thisMonth: { from: '2026-01-01', to: '2026-01-31' },
      lastMonth: { from: '2025-12-01', to: '2025-12-31' },
      thisYear: { from: '2026-01-01', to: '2026-12-31' },
      last7Days: { from: '2025-12-26', to: '2026-01-01' },
      last30Days: { from: '2025-12-03', to: '2026-01-01' },
    });
  });

  it('leap years and month ends', () => {
    expect(quickRangeDays('yesterday', at(2024, 3, 1))).toEqual({ from: '2024-02-29', to: '2024-02-29' });
    expect(quickRangeDays('lastMonth', at(2024, 3, 31))).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(quickRangeDays('lastMonth', at(2026, 3, 31))).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(quickRangeDays('thisMonth', at(2024, 2, 10))).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(quickRangeDays('thisMonth', at(2100, 2, 10))).toEqual({ from: '2100-02-01', to: '2100-02-28' });
    expect(quickRangeDays('lastMonth', at(2026, 5, 31))).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(quickRangeDays('last7Days', at(2024, 3, 3))).toEqual({ from: '2024-02-26', to: '2024-03-03' });
    expect(quickRangeDays('last30Days', at(2024, 3, 15))).toEqual({ from: '2024-02-15', to: '2024-03-15' });
    expect(quickRangeDays('thisWeek', at(2024, 2, 29))).toEqual({ from: '2024-02-26', to: '2024-03-03' });
  });

  it('across a daylight-saving change (no skipped or doubled day)', () => {
    // In zones with DST, 2026-03-29 or 2026-03-08 loses an hour; local midnight arithmetic must not slip.
    expect(quickRangeDays('last7Days', at(2026, 4, 1, 0))).toEqual({ from: '2026-03-26', to: '2026-04-01' });
    expect(quickRangeDays('lastWeek', at(2026, 11, 2, 0))).toEqual({ from: '2026-10-26', to: '2026-11-01' });
  });

  it('fills a between; datetime columns get the whole days', () => {
    const d = applyQuickRange(mod, draftOf(row('created_at', 'on', '2026-01-01')), 'r1', 'thisWeek', NOW);
    expect(d.rows[0]).toMatchObject({ op: 'between', value: '2026-11-23', valueTo: '2026-11-29', range: 'thisWeek' });
    expect(request(d).conditions).toEqual([
      { field: 'created_at', op: 'between', value: [local('2026-11-23 00:00:00'), local('2026-11-29 23:59:59')] },
    ]);
    const f = applyQuickRange(mod, draftOf(row('fee_date', 'on')), 'r1', 'lastMonth', NOW);
    expect(request(f).conditions).toEqual([{ field: 'fee_date', op: 'between', value: ['2026-10-01', '2026-10-31'] }]);
  });

  it('only applies to date fields', () => {
    const d = draftOf(row('customer', 'contains', 'x'));
    expect(applyQuickRange(mod, d, 'r1', 'today', NOW)).toBe(d);
  });

  it('a kept range is recomputed when the query runs, a typed value replaces it', () => {
    const d = applyQuickRange(mod, draftOf(row('fee_date', 'on')), 'r1', 'today', NOW);
    expect(request(d, at(2026, 12, 1)).conditions).toEqual([{ field: 'fee_date', op: 'between', value: ['2026-12-01', '2026-12-01'] }]);
    const typed = setRowValue(d, 'r1', 'valueTo', '2026-11-30');
    expect(typed.rows[0].range).toBeUndefined();
    expect(request(typed, at(2026, 12, 1)).conditions).toEqual([{ field: 'fee_date', op: 'between', value: ['2026-11-23', '2026-11-30'] }]);
    expect(setRowOp(d, 'r1', 'gte').rows[0].range).toBeUndefined();
  });
});

describe('editing the draft', () => {
  it('starts with one blank any-field row and the AND join', () => {
    expect(emptyDraft(mod)).toEqual({ join: 'and', rows: [{ id: 'r1', field: ANY_FIELD, op: 'contains', value: '', valueTo: '', values: [] }] });
    const noAny = { ...mod, anyFields: [] };
    expect(emptyDraft(noAny).rows[0]).toMatchObject({ field: 'doc_no', op: 'contains' });
  });

  it('is plain JSON that survives a round trip', () => {
    const d = applyQuickRange(mod, setRowField(mod, addRow(mod, emptyDraft(mod)), 'r2', 'created_at'), 'r2', 'today', NOW);
    expect(d.rows[1]).toMatchObject({ range: 'today' });
    const back = JSON.parse(JSON.stringify(d));
    expect(back).toEqual(JSON.parse(JSON.stringify(d)));
    expect(normalizeDraft(mod, back)).toEqual(back);
  });

  it('adds rows with fresh ids, up to the schema limit', () => {
    let d = emptyDraft(mod);
    d = addRow(mod, d);
    d = addRow(mod, d);
    expect(d.rows.map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    d = removeRow(mod, d, 'r2');
    d = addRow(mod, d);
    expect(d.rows.map((r) => r.id)).toEqual(['r1', 'r3', 'r4']);
    while (d.rows.length < MAX_ROWS + 3) {
      const next = addRow(mod, d);
      if (next === d) break;
      d = next;
    }
    expect(d.rows).toHaveLength(MAX_ROWS);
  });

  it('removing the last row clears it', () => {
    const d = setRowValue(emptyDraft(mod), 'r1', 'value', 'abc');
    expect(removeRow(mod, d, 'r1')).toEqual(emptyDraft(mod));
  });

  it('a new field of the same kind keeps what was typed; another kind starts over', () => {
    let d = draftOf(row('customer', 'equals', 'ACME'));
    d = setRowField(mod, d, 'r1', 'doc_no');
    expect(d.rows[0]).toMatchObject({ field: 'doc_no', op: 'equals', value: 'ACME' });
    d = setRowField(mod, d, 'r1', ANY_FIELD);
    expect(d.rows[0]).toMatchObject({ field: ANY_FIELD, op: 'contains', value: 'ACME' });
    d = setRowField(mod, d, 'r1', 'amount');
    expect(d.rows[0]).toMatchObject({ field: 'amount', op: 'eq', value: '' });
    d = setRowOp(setRowValue(d, 'r1', 'value', '5'), 'r1', 'between');
    d = setRowField(mod, d, 'r1', 'qty');
    expect(d.rows[0]).toMatchObject({ field: 'qty', op: 'between', value: '5' });
    d = setRowField(mod, d, 'r1', 'status');
    expect(d.rows[0]).toMatchObject({ field: 'status', op: 'in', value: '', values: [] });
    d = toggleRowValue(d, 'r1', 'paid', true);
    d = setRowField(mod, d, 'r1', 'warranty');
    expect(d.rows[0]).toMatchObject({ field: 'warranty', op: 'in', values: [] });
    expect(setRowField(mod, d, 'r1', 'nonexistent')).toBe(d);
  });

  it('toggles one-of values without duplicates', () => {
    let d = draftOf(row('status', 'in'));
    d = toggleRowValue(d, 'r1', 'open', true);
    d = toggleRowValue(d, 'r1', 'open', true);
    d = toggleRowValue(d, 'r1', 'paid', true);
    expect(d.rows[0].values).toEqual(['open', 'paid']);
    d = toggleRowValue(d, 'r1', 'open', false);
    expect(d.rows[0].values).toEqual(['paid']);
  });

  it('repairs a stored draft against the module as it is now', () => {
    expect(normalizeDraft(mod, null)).toEqual(emptyDraft(mod));
    expect(normalizeDraft(mod, { rows: 'x' })).toEqual(emptyDraft(mod));
    const stored = {
      join: 'or',
      rows: [
        { id: 'r1', field: 'gone', op: 'contains', value: 'x' },
        { id: 'r2', field: 'amount', op: 'contains', value: 12 },
        { id: 'r2', field: 'status', op: 'in', values: ['paid', 'gone', 'paid', 3] },
        { id: 'r5', field: 'fee_date', op: 'between', value: '', valueTo: '', range: 'nextCentury' },
        'junk',
      ],
    };
    expect(normalizeDraft(mod, stored)).toEqual({
      join: 'or',
      rows: [
        { id: 'r2', field: 'amount', op: 'eq', value: '', valueTo: '', values: [] },
        { id: 'r3', field: 'status', op: 'in', value: '', valueTo: '', values: ['paid'] },
        { id: 'r5', field: 'fee_date', op: 'between', value: '', valueTo: '', values: [] },
      ],
    });
  });

  it('counts the rows that will become conditions', () => {
    const d = draftOf(row(ANY_FIELD, 'contains', ' '), row('customer', 'empty'), row('qty', 'eq', '1'));
    expect(activeRowCount(d)).toBe(2);
    expect(activeRowCount(emptyDraft(mod))).toBe(0);
  });
});
