import type { ModuleDef } from './types.js';

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
    { field: 'doc_no', type: 'text', labelKey: 'stockdoc.doc_no', width: 150, mergeable: true },
    { field: 'posted_at', type: 'datetime', labelKey: 'stockdoc.posted_at', width: 140, mergeable: true },
    { field: 'order_no', type: 'text', labelKey: 'stockdoc.order_no', width: 150, groupable: true, mergeable: true },
    { field: 'customer', type: 'text', labelKey: 'stockdoc.customer', width: 180, groupable: true, mergeable: true },
    { field: 'engineer', type: 'text', labelKey: 'stockdoc.engineer', width: 80, groupable: true, mergeable: true },
    { field: 'warehouse', type: 'text', labelKey: 'stockdoc.warehouse', width: 90, groupable: true },
    { field: 'part_no', type: 'text', labelKey: 'stockdoc.part_no', width: 140, groupable: true },
    { field: 'part_name', type: 'text', labelKey: 'stockdoc.part_name', width: 130, groupable: true },
    { field: 'quantity', type: 'number', labelKey: 'stockdoc.quantity', width: 60, summable: true },
    { field: 'unit', type: 'text', labelKey: 'stockdoc.unit', width: 50 },
    { field: 'serials', type: 'text', labelKey: 'stockdoc.serials', width: 180 },
    { field: 'owed_no', type: 'text', labelKey: 'stockdoc.owed_no', width: 90, hidden: true },
    { field: 'amount_fen', type: 'money', labelKey: 'stockdoc.amount_fen', width: 100, summable: true },
    { field: 'reversed_by', type: 'text', labelKey: 'stockdoc.reversed_by', width: 150 },
    { field: 'posted_by', type: 'text', labelKey: 'stockdoc.posted_by', width: 80, groupable: true },
    { field: 'remarks', type: 'text', labelKey: 'stockdoc.remarks', width: 160, hidden: true },
  ],
};
