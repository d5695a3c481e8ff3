import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupRows } from '../../shared/grid/grouping.js';
import { htmlLine } from '../../shared/export/html.js';
import { cellText, dateParts, exportFileName, gridToSheetLines, groupLabelText, sheetSpecSchema, type SheetLine, type SheetSpec } from '../../shared/export/sheet.js';
import { excelDate } from '../../shared/export/xlsx.js';
import { columnDefs, linesOf, spec } from './export-fixture.js';

const created = { field: 'created_at', label: '创建时间', type: 'datetime', widthPx: 140 } as const;

describe('time zone of zoned values', () => {
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env.TZ;
  });
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  for (const processZone of ['UTC', 'America/New_York', 'Asia/Shanghai']) {
    it(`writes a UTC value in the spec's zone, whatever the process's (${processZone})`, () => {
      process.env.TZ = processZone;
      const value = '2024-11-25T09:00:13.000Z';
      expect(dateParts(value, 'Asia/Shanghai')).toEqual([2024, 11, 25, 17, 0, 13]);
      expect(dateParts(value, 'UTC')).toEqual([2024, 11, 25, 9, 0, 13]);
      // Across midnight, and midnight itself as 00 (h23), not 24.
      expect(dateParts('2024-11-25T16:00:00Z', 'Asia/Shanghai')).toEqual([2024, 11, 26, 0, 0, 0]);
      expect(cellText(created, value, 'Asia/Shanghai')).toBe('2024-11-25 17:00');
      expect(cellText(created, value, 'UTC')).toBe('2024-11-25 09:00');
      const shanghai = excelDate(value, 'Asia/Shanghai')!.getTime();
      const utc = excelDate(value, 'UTC')!.getTime();
      expect(shanghai - utc).toBe(8 * 3600_000);

      // Through the writers: the spec's zone decides.
      const one = (timeZone: string): SheetSpec => ({ title: 't', columns: [created], groupBy: [], sort: [], timeZone });
      const line: SheetLine = { kind: 'row', level: 0, row: { created_at: value } };
      expect(htmlLine(one('Asia/Shanghai'), line)).toContain('2024-11-25 17:00');
      expect(htmlLine(one('UTC'), line)).toContain('2024-11-25 09:00');
      // A date-time without a zone is a wall time already: left as stored.
      expect(dateParts('2024-11-25 09:00:13', 'Asia/Shanghai')).toEqual([2024, 11, 25, 9, 0, 13]);
      expect(exportFileName('x', 'xlsx', new Date('2024-11-25T16:30:00Z'), 'Asia/Shanghai')).toBe('x-20241126-0030.xlsx');
    });
  }

  it('falls back to the process zone without one', () => {
    process.env.TZ = 'UTC';
    expect(dateParts('2024-11-25T09:00:13.000Z')).toEqual([2024, 11, 25, 9, 0, 13]);
    process.env.TZ = 'Asia/Shanghai';
    expect(dateParts('2024-11-25T09:00:13.000Z')).toEqual([2024, 11, 25, 17, 0, 13]);
  });

  it('accepts only known zone names in the spec', () => {
    const base = { title: 't', columns: [created], groupBy: [], sort: [] };
    expect(sheetSpecSchema.safeParse({ ...base, timeZone: 'Asia/Shanghai' }).success).toBe(true);
    expect(sheetSpecSchema.safeParse({ ...base, timeZone: 'UTC' }).success).toBe(true);
    expect(sheetSpecSchema.safeParse(base).success).toBe(true);
    for (const bad of ['Mars/Olympus', '', 'A'.repeat(65), 'Asia/Shanghai\u0000x']) {
      expect(sheetSpecSchema.safeParse({ ...base, timeZone: bad }).success, bad).toBe(false);
    }
  });
});

describe('grid lines to sheet lines', () => {
  it('uses the grid grouping: exact-value groups, sorted rows, the one label rule', () => {
    const s: SheetSpec = {
      title: 't',
      // As the grid sends it: the grouped column is described in groupColumns; fee is hidden.
      columns: [spec.columns[0], spec.columns[5]],
      groupBy: ['customer'],
      sort: [{ field: 'order_no', dir: 'desc' }],
      emptyLabel: '（空）',
      groupColumns: [spec.columns[1]],
      sumLabels: { fee: '费用合计', qty: '数量合计' },
      sumColumns: [spec.columns[4]],
    };
    const lines = linesOf(s, [
      { order_no: 'a1', customer: 'Acme', fee: 150, qty: 1 },
      { order_no: 'a3', customer: 'ACME', fee: 1, qty: 2 },
      { order_no: 'a2', customer: 'Acme', fee: 50, qty: 3 },
      { order_no: 'a4', customer: null, fee: null, qty: null },
    ]);
    expect(lines.map((l) => (l.kind === 'group' ? l.label : l.row.order_no))).toEqual([
      '客户：（空）（1，费用合计 ¥0.00，数量合计 0）',
      'a4',
      // Equal for the collator, different values: two groups, as on screen.
      '客户：ACME（1，费用合计 ¥0.01，数量合计 2）',
      'a3',
      '客户：Acme（2，费用合计 ¥2.00，数量合计 4）',
      'a2',
      'a1',
    ]);
  });

  it('labels groups as export-all does (groupLabelText)', () => {
    const grouped = groupRows(
      [
        { order_no: '1', customer: '华信', status: 'completed', fee: 100, qty: 1 },
        { order_no: '2', customer: '华信', status: 'pending', fee: 200, qty: 1 },
      ],
      { columns: columnDefs(spec), groupBy: ['customer', 'status'], sort: [], rowKey: 'order_no' },
    );
    const lines = gridToSheetLines({ ...spec, sumLabels: { fee: '费用合计' } }, grouped.all);
    for (const line of lines) {
      if (line.kind !== 'group') continue;
      expect(line.label).toBe(groupLabelText({ ...spec, sumLabels: { fee: '费用合计' } }, line.field, line.value, line.count, line.sums));
    }
    // Enum groups in the order of the values: pending before completed.
    expect(lines.filter((l) => l.kind === 'group').map((l) => l.label)).toEqual([
      '客户：华信（2，费用合计 ¥3.00）',
      '状态：待处理（1，费用合计 ¥2.00）',
      '状态：已完成（1，费用合计 ¥1.00）',
    ]);
  });
});
