import { describe, expect, it } from 'vitest';
import type { ColumnDef } from '../../shared/modules/types.js';
import type { GroupCount, Row } from '../../shared/query.js';
import { groupConditions, groupId, listLines, requestSort, type ListLine } from '../../renderer/src/grid/list-lines.js';
import { groupRequest, listRequest, quickQuery } from '../../renderer/src/modules/runQuery.js';

// The list's lines from rows the server sorted: never re-sorted here; grouped, the counts are the
// server's over the whole result, and a group whose rows are not all here starts folded.

const columns: ColumnDef[] = [
  { field: 'no', type: 'text', labelKey: 'no', width: 1 },
  { field: 'region', type: 'text', labelKey: 'region', width: 1 },
  { field: 'status', type: 'enum', labelKey: 'status', width: 1, enumValues: ['pending', 'done'] },
  { field: 'warranty', type: 'bool', labelKey: 'warranty', width: 1 },
  { field: 'amount', type: 'money', labelKey: 'amount', width: 1, summable: true },
  { field: 'qty', type: 'number', labelKey: 'qty', width: 1, summable: true },
];
// In the server's order: by region (pinyin: 北京, 华东, 上海), then by no descending.
const rows: Row[] = [
  { no: 'A9', region: '北京', status: 'done', warranty: 1, amount: 100, qty: 1 },
  { no: 'A2', region: '北京', status: 'pending', warranty: 0, amount: 5, qty: 2 },
  { no: 'A7', region: '华东', status: 'done', warranty: 0, amount: 1, qty: null },
];
const base = { columns, rowKey: 'no' };
const shape = (lines: ListLine[]) =>
  lines.map((l) =>
    l.kind === 'group' ? `${'  '.repeat(l.level)}[${l.field}=${l.value} ${l.loaded}/${l.count} ¥${l.sums.amount}${l.expanded ? '' : ' folded'}]` : `${'  '.repeat(l.level)}${l.id}`,
  );

describe('the list in the server order', () => {
  it('without groups keeps the rows exactly as they came (no client sort)', () => {
    const reversed = [...rows].reverse();
    expect(shape(listLines(reversed, { ...base, groupBy: [] }).all)).toEqual(['A7', 'A2', 'A9']);
  });

  it('grouped without server counts: groups in the order their rows come, counting the rows on hand', () => {
    const { all, visible, countsFrom } = listLines(rows, { ...base, groupBy: ['region'] });
    expect(countsFrom).toBe('loaded');
    expect(shape(all)).toEqual(['[region=北京 2/2 ¥105]', '  A9', '  A2', '[region=华东 1/1 ¥1]', '  A7']);
    expect(visible).toEqual(all);
  });

  it('grouped with the server counts: every group of the whole result, true counts and sums, missing rows folded', () => {
    const counts: GroupCount[] = [
      { values: ['北京'], count: 2, sums: { amount: 105, qty: 3 } },
      { values: ['华东'], count: 40, sums: { amount: 9000, qty: 12 } },
      { values: ['上海'], count: 7, sums: { amount: 70, qty: 0 } },
    ];
    const { all, visible, countsFrom } = listLines(rows, { ...base, groupBy: ['region'], counts });
    expect(countsFrom).toBe('server');
    expect(shape(all)).toEqual(['[region=北京 2/2 ¥105]', '  A9', '  A2', '[region=华东 1/40 ¥9000 folded]', '  A7', '[region=上海 0/7 ¥70 folded]']);
    expect(shape(visible)).toEqual(['[region=北京 2/2 ¥105]', '  A9', '  A2', '[region=华东 1/40 ¥9000 folded]', '[region=上海 0/7 ¥70 folded]']);
    const east = all.find((l) => l.kind === 'group' && l.value === '华东');
    expect(east).toMatchObject({ complete: false, leaf: true, values: ['华东'] });
  });

  it('rows fetched for a group replace its loaded rows; a group the user unfolds shows them', () => {
    const counts: GroupCount[] = [
      { values: ['北京'], count: 2, sums: {} },
      { values: ['华东'], count: 3, sums: {} },
    ];
    const id = groupId(['region'], ['华东']);
    const fetched = new Map([[id, [rows[2], { no: 'A5', region: '华东' }, { no: 'A1', region: '华东' }]]]);
    const { visible } = listLines(rows, { ...base, groupBy: ['region'], counts, fetched, toggled: new Map([[id, true]]) });
    expect(visible.map((l) => l.id)).toEqual([groupId(['region'], ['北京']), 'A9', 'A2', id, 'A7', 'A5', 'A1']);
    expect(visible.find((l) => l.id === id)).toMatchObject({ loaded: 3, count: 3, complete: true });
  });

  it('two levels: upper counts and sums are the sums of their children; empty values are one group (null)', () => {
    const counts: GroupCount[] = [
      { values: ['北京', 'done'], count: 5, sums: { amount: 500 } },
      { values: ['北京', 'pending'], count: 1, sums: { amount: 5 } },
      { values: [null, 'done'], count: 2, sums: { amount: 3 } },
    ];
    const lines = listLines([...rows.slice(0, 2), { no: 'B1', region: '', status: 'done', amount: 1 }], { ...base, groupBy: ['region', 'status'], counts });
    expect(shape(lines.all)).toEqual([
      '[region=北京 2/6 ¥505]',
      '  [status=done 1/5 ¥500 folded]',
      '    A9',
      '  [status=pending 1/1 ¥5]',
      '    A2',
      '[region=null 1/2 ¥3]',
      '  [status=done 1/2 ¥3 folded]',
      '    B1',
    ]);
  });

  it('a row of a group the server did not count (added since) still shows, counted from the rows', () => {
    const counts: GroupCount[] = [{ values: ['北京'], count: 2, sums: { amount: 105 } }];
    const { all } = listLines(rows, { ...base, groupBy: ['region'], counts });
    expect(shape(all)).toEqual(['[region=北京 2/2 ¥105]', '  A9', '  A2', '[region=华东 1/1 ¥1]', '  A7']);
  });

  it('booleans group as the stored 1/0', () => {
    const { all } = listLines(rows, { ...base, groupBy: ['warranty'], counts: [{ values: [1], count: 9, sums: {} }, { values: [0], count: 4, sums: {} }] });
    expect(all.filter((l) => l.kind === 'group').map((l) => [l.value, l.count, l.loaded])).toEqual([
      [1, 9, 1],
      [0, 4, 2],
    ]);
  });

  it('what the user folded or unfolded wins over the default', () => {
    const id = groupId(['region'], ['北京']);
    const { visible } = listLines(rows, { ...base, groupBy: ['region'], toggled: new Map([[id, false]]) });
    expect(visible.map((l) => l.id)).toEqual([id, groupId(['region'], ['华东']), 'A7']);
  });
});

describe('the request a list sends', () => {
  it('sorts by the group fields first (as sorted, else ascending), then the sort; at most five', () => {
    expect(requestSort([{ field: 'created_at', dir: 'desc' }], [])).toEqual([{ field: 'created_at', dir: 'desc' }]);
    expect(requestSort([{ field: 'created_at', dir: 'desc' }, { field: 'region', dir: 'desc' }], ['status', 'region'])).toEqual([
      { field: 'status', dir: 'asc' },
      { field: 'region', dir: 'desc' },
      { field: 'created_at', dir: 'desc' },
    ]);
    const many = ['a', 'b', 'c', 'd', 'e'].map((field) => ({ field, dir: 'asc' as const }));
    expect(requestSort(many, ['x', 'y', 'z'])).toHaveLength(5);
  });

  it('carries the layout sort and the group fields', () => {
    const req = listRequest(quickQuery('ht2024'), { sort: [{ field: 'customer', dir: 'asc' }], groupBy: ['region'] });
    expect(req).toMatchObject({
      conditions: [{ field: 'any', op: 'contains', value: 'ht2024' }],
      sort: [
        { field: 'region', dir: 'asc' },
        { field: 'customer', dir: 'asc' },
      ],
      groupBy: ['region'],
      limit: 200,
    });
  });

  it("a group's rows: the query's conditions AND the group's values (equals on text, eq on others, empty for none)", () => {
    const conds = groupConditions(columns, ['region', 'status', 'warranty', 'amount'], [null, 'done', 1, 250]);
    expect(conds).toEqual([
      { field: 'region', op: 'empty' },
      { field: 'status', op: 'equals', value: 'done' },
      { field: 'warranty', op: 'eq', value: 1 },
      { field: 'amount', op: 'eq', value: 250 },
    ]);
    const base = { ...quickQuery('2by*'), sort: [{ field: 'no', dir: 'asc' as const }], groupBy: ['region'] };
    expect(groupRequest(base, conds.slice(0, 1))).toEqual({
      conditions: [{ field: 'any', op: 'contains', value: '2by*' }, { field: 'region', op: 'empty' }],
      join: 'and',
      sort: [{ field: 'no', dir: 'asc' }],
      limit: 200,
      groupBy: [],
    });
    // OR between several conditions cannot be ANDed with the group's in one flat request.
    expect(groupRequest({ ...base, join: 'or', conditions: [base.conditions![0], base.conditions![0]] }, conds)).toBeNull();
    expect(groupRequest({ ...base, join: 'or' }, conds)).not.toBeNull();
  });
});
