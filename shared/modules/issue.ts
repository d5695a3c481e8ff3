import type { ModuleDef } from './types.js';
import { documentColumns, orderPartColumns, reversalColumns } from './stock-lines.js';

// 售服材料领用: one row per line of the posted issue documents (LY…), with the document's
// order, engineer and warehouse (issue_line_list, migration 007). A reversed document stays,
// marked with its reversal (红冲).
export const issueModule: ModuleDef = {
  id: 'issue',
  labelKey: 'modules.issue',
  built: true,
  queryMethod: 'issues.query',
  view: 'issue_line_list',
  rowKey: 'id',
  anyFields: ['doc_no', 'order_no', 'customer', 'engineer', 'part_no', 'serials'],
  defaultSort: [{ field: 'posted_at', dir: 'desc' }],
  columns: [
    ...documentColumns,
    ...orderPartColumns,
    { field: 'owed_no', type: 'text', labelKey: 'stockdoc.owed_no', width: 90, hidden: true },
    { field: 'amount_fen', type: 'money', labelKey: 'stockdoc.amount_fen', width: 100, summable: true },
    ...reversalColumns,
    { field: 'remarks', type: 'text', labelKey: 'stockdoc.remarks', width: 160, hidden: true },
  ],
};
