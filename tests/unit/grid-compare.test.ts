import { describe, expect, it } from 'vitest';
import { compareText, compareValues, rowComparator } from '../../shared/grid/compare.js';
import type { ColumnDef } from '../../shared/modules/types.js';

const text: ColumnDef = { field: 't', type: 'text', labelKey: 'x', width: 1 };
const sorted = (values: (string | number | null)[], col: Pick<ColumnDef, 'type' | 'enumValues'> = text) =>
  [...values].sort((a, b) => compareValues(col, a, b));

describe('the legacy sort rule', () => {
  it('orders Chinese by pinyin, letter by letter', () => {
    // ā (阿) < bǎo (宝) < běi (北) < chéng (成) < guǎng (广) < hú (湖) < huá (华) < zhāng (张)
    expect(sorted(['张', '华', '北', '阿', '湖', '成', '宝', '广'])).toEqual(['阿', '宝', '北', '成', '广', '湖', '华', '张']);
    expect(sorted(['华信', '华东', '华北'])).toEqual(['华北', '华东', '华信']);
  });

  it('orders Latin letters ignoring case and digits inside text by value', () => {
    expect(sorted(['beta', 'Alpha', 'alpha2', 'ALPHA10', 'Gamma'])).toEqual(['Alpha', 'alpha2', 'ALPHA10', 'beta', 'Gamma']);
    expect(compareText('ABC', 'abc')).toBe(0);
  });

  it('puts empty values first ascending', () => {
    expect(sorted(['b', null, 'a', ''])).toEqual([null, '', 'a', 'b']);
    expect(sorted([3, null, -1], { type: 'money' })).toEqual([null, -1, 3]);
  });

  it('orders numbers and money by value, not as text', () => {
    expect(sorted([10, 9, 100, -5, 0.5], { type: 'number' })).toEqual([-5, 0.5, 9, 10, 100]);
    expect(sorted(['10', '9', '100'], { type: 'money' })).toEqual(['9', '10', '100']);
  });

  it('orders dates by date, whatever their written form', () => {
    expect(sorted(['2026-11-03 09:00:00', '2025-12-31', '2026-11-03T08:59:00', null], { type: 'datetime' })).toEqual([
      null,
      '2025-12-31',
      '2026-11-03T08:59:00',
      '2026-11-03 09:00:00',
    ]);
  });

  it('orders enums by their definition (the life cycle), unknown values last', () => {
    const col = { type: 'enum' as const, enumValues: ['pending', 'dispatched', 'completed'] };
    expect(sorted(['completed', 'zzz', 'pending', null, 'dispatched'], col)).toEqual([null, 'pending', 'dispatched', 'completed', 'zzz']);
  });

  it('sorts rows by several columns, the first deciding', () => {
    const columns: ColumnDef[] = [
      { field: 'region', type: 'text', labelKey: 'r', width: 1 },
      { field: 'amount', type: 'money', labelKey: 'a', width: 1 },
    ];
    const rows = [
      { region: '华东', amount: 5 },
      { region: '北京', amount: 7 },
      { region: '华东', amount: 20 },
      { region: '北京', amount: 1 },
    ];
    const cmp = rowComparator(columns, [
      { field: 'region', dir: 'asc' },
      { field: 'amount', dir: 'desc' },
    ]);
    expect([...rows].sort(cmp)).toEqual([
      { region: '北京', amount: 7 },
      { region: '北京', amount: 1 },
      { region: '华东', amount: 20 },
      { region: '华东', amount: 5 },
    ]);
  });
});
