import type { ColumnDef } from '../../shared/modules/types.js';
import type { Row } from '../../shared/query.js';
import { groupRows } from '../../shared/grid/grouping.js';
import { gridToSheetLines, type SheetLine, type SheetSpec } from '../../shared/export/sheet.js';

// A fixed list as the grid would hand it over: Chinese text, money in fen, dates, an enum, a
// bool, and two grouping levels (region, then status).
export const spec: SheetSpec = {
  title: '售服派工单',
  columns: [
    { field: 'order_no', label: '派工单号', type: 'text', widthPx: 140 },
    { field: 'customer', label: '客户', type: 'text', widthPx: 210 },
    { field: 'status', label: '状态', type: 'enum', widthPx: 70, enumLabels: { pending: '待处理', completed: '已完成', cancelled: '已取消' } },
    { field: 'warranty', label: '保修', type: 'bool', widthPx: 56, boolLabels: ['是', '否'] },
    { field: 'fee', label: '费用', type: 'money', widthPx: 100, summable: true },
    { field: 'qty', label: '数量', type: 'number', widthPx: 60, summable: true },
    { field: 'created_at', label: '创建时间', type: 'datetime', widthPx: 140 },
    { field: 'due', label: '到期', type: 'date', widthPx: 90 },
  ],
  groupBy: ['customer', 'status'],
  sort: [{ field: 'order_no', dir: 'asc' }],
  emptyLabel: '（空）',
};

export const rows: Row[] = [
  { order_no: 'SN202606300001', customer: '华信有限公司', status: 'pending', warranty: 1, fee: 123456, qty: 2, created_at: '2026-06-30 09:05:07', due: '2026-07-02' },
  { order_no: 'SN202606300002', customer: '安达<科技>&"公司"', status: 'completed', warranty: 0, fee: 5, qty: 1, created_at: '2026-01-01 00:00:00', due: null },
  { order_no: 'SN202606300003', customer: '华信有限公司', status: 'completed', warranty: 0, fee: 99900, qty: 3, created_at: '2026-06-29 23:59:59', due: '2026-12-31' },
  { order_no: 'SN202606300004', customer: '华信有限公司', status: 'pending', warranty: 1, fee: 1, qty: 4, created_at: '2026-03-15 12:30:00', due: '2026-03-16' },
  { order_no: 'SN202606300005', customer: 'zeta Ltd', status: 'cancelled', warranty: null, fee: null, qty: null, created_at: null, due: null },
];

/** The spec's columns as a module's column definitions, for the grid's grouping. */
export function columnDefs(s: SheetSpec): ColumnDef[] {
  return [...s.columns, ...(s.groupColumns ?? []), ...(s.sumColumns ?? [])].map((c) => ({
    field: c.field,
    type: c.type,
    labelKey: c.label,
    width: c.widthPx,
    enumValues: c.enumLabels ? Object.keys(c.enumLabels) : undefined,
    summable: c.summable,
  }));
}

/** The lines as the grid makes them: its grouping (groupRows), then the shared conversion. */
export function linesOf(s: SheetSpec, list: readonly Row[]): SheetLine[] {
  const grouped = groupRows(list, { columns: columnDefs(s), groupBy: s.groupBy, sort: s.sort, rowKey: 'order_no' });
  return gridToSheetLines(s, grouped.all);
}

export const lines = linesOf(spec, rows);
