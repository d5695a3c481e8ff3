import { describe, expect, it } from 'vitest';
import { groupIds, groupRows, type GridLine, type GroupLine } from '../../shared/grid/grouping.js';
import type { ColumnDef } from '../../shared/modules/types.js';
import type { Row } from '../../shared/query.js';

const columns: ColumnDef[] = [
  { field: 'no', type: 'text', labelKey: 'no', width: 1 },
  { field: 'region', type: 'text', labelKey: 'region', width: 1 },
  { field: 'payer', type: 'enum', labelKey: 'payer', width: 1, enumValues: ['customer', 'company'] },
  { field: 'amount', type: 'money', labelKey: 'amount', width: 1, summable: true },
  { field: 'hours', type: 'number', labelKey: 'hours', width: 1, summable: true },
];
const rows: Row[] = [
  { no: 'A1', region: '华东', payer: 'company', amount: 1050, hours: 2 },
  { no: 'A2', region: '北京', payer: 'customer', amount: 99, hours: 1 },
  { no: 'A3', region: '华东', payer: 'customer', amount: 1, hours: 0.5 },
  { no: 'A4', region: null, payer: 'customer', amount: 300, hours: null },
  { no: 'A5', region: '北京', payer: 'customer', amount: 1, hours: 3 },
  { no: 'A6', region: '华东', payer: 'company', amount: 2, hours: 1 },
];
const base = { columns, rowKey: 'no', sort: [] };
const shape = (lines: GridLine[]) =>
  lines.map((l) => (l.kind === 'group' ? `${'  '.repeat(l.level)}[${l.field}=${l.value} ×${l.count} ¥${l.sums.amount}]` : `${'  '.repeat(l.level)}${l.id}`));

describe('grouping the loaded rows', () => {
  it('without grouping returns the rows in sort order', () => {
    const { all, visible } = groupRows(rows, { ...base, groupBy: [], sort: [{ field: 'amount', dir: 'desc' }] });
    expect(shape(all)).toEqual(['A1', 'A4', 'A2', 'A6', 'A3', 'A5']);
    expect(visible).toEqual(all);
  });

  it('one level: groups by pinyin order, empty first, with counts and exact sums', () => {
    const { all } = groupRows(rows, { ...base, groupBy: ['region'] });
    expect(shape(all)).toEqual([
      '[region=null ×1 ¥300]',
      '  A4',
      '[region=北京 ×2 ¥100]',
      '  A2',
      '  A5',
      '[region=华东 ×3 ¥1053]',
      '  A1',
      '  A3',
      '  A6',
    ]);
    const east = all.find((l) => l.kind === 'group' && l.value === '华东') as GroupLine;
    expect(east.sums).toEqual({ amount: 1053, hours: 3.5 });
  });

  it('two levels, the group sort following the sort direction of its column', () => {
    const { all } = groupRows(rows, { ...base, groupBy: ['region', 'payer'], sort: [{ field: 'region', dir: 'desc' }, { field: 'no', dir: 'desc' }] });
    expect(shape(all)).toEqual([
      '[region=华东 ×3 ¥1053]',
      '  [payer=customer ×1 ¥1]',
      '    A3',
      '  [payer=company ×2 ¥1052]',
      '    A6',
      '    A1',
      '[region=北京 ×2 ¥100]',
      '  [payer=customer ×2 ¥100]',
      '    A5',
      '    A2',
      '[region=null ×1 ¥300]',
      '  [payer=customer ×1 ¥300]',
      '    A4',
    ]);
  });

  it('reordering the levels regroups; removing a level ungroups', () => {
    const swapped = groupRows(rows, { ...base, groupBy: ['payer', 'region'] }).all;
    expect(swapped.filter((l) => l.kind === 'group' && l.level === 0).map((l) => (l as GroupLine).value)).toEqual(['customer', 'company']);
    expect((swapped[0] as GroupLine).count).toBe(4);
    const ungrouped = groupRows(rows, { ...base, groupBy: [] }).all;
    expect(ungrouped.every((l) => l.kind === 'row' && l.level === 0)).toBe(true);
    expect(ungrouped).toHaveLength(rows.length);
  });

  it('collapsing hides the lines below a group only', () => {
    const first = groupRows(rows, { ...base, groupBy: ['region', 'payer'] });
    const east = first.all.find((l) => l.kind === 'group' && l.value === '华东')!;
    const { all, visible } = groupRows(rows, { ...base, groupBy: ['region', 'payer'], collapsed: new Set([east.id]) });
    expect(all).toHaveLength(first.all.length);
    expect(shape(visible)).toEqual([
      '[region=null ×1 ¥300]',
      '  [payer=customer ×1 ¥300]',
      '    A4',
      '[region=北京 ×2 ¥100]',
      '  [payer=customer ×2 ¥100]',
      '    A2',
      '    A5',
      '[region=华东 ×3 ¥1053]',
    ]);
    expect((visible.at(-1) as GroupLine).expanded).toBe(false);
    // Collapse all: only the top level remains.
    const allCollapsed = groupRows(rows, { ...base, groupBy: ['region', 'payer'], collapsed: new Set(groupIds(first.all)) });
    expect(allCollapsed.visible.map((l) => l.level)).toEqual([0, 0, 0]);
  });

  it('keeps values that only differ in case apart, and group ids stable', () => {
    const mixed: Row[] = [
      { no: '1', region: 'abc', payer: null, amount: 1, hours: 1 },
      { no: '2', region: 'ABC', payer: null, amount: 1, hours: 1 },
      { no: '3', region: 'abc', payer: null, amount: 1, hours: 1 },
    ];
    const a = groupRows(mixed, { ...base, groupBy: ['region'] }).all;
    expect(a.filter((l) => l.kind === 'group').map((l) => [(l as GroupLine).value, (l as GroupLine).count])).toEqual([
      ['ABC', 1],
      ['abc', 2],
    ]);
    expect(groupRows(mixed, { ...base, groupBy: ['region'] }).all.map((l) => l.id)).toEqual(a.map((l) => l.id));
  });
});
