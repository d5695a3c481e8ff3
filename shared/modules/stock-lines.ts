import type { ColumnDef } from './types.js';

// The columns the issue (领用) and return (退料) lists share: one row per line of a posted
// document, with the document, its order and the part. Each list puts its own columns between.

/** The document: its number and when it was posted. */
export const documentColumns: readonly ColumnDef[] = [
  { field: 'doc_no', type: 'text', labelKey: 'stockdoc.doc_no', width: 150, mergeable: true },
  { field: 'posted_at', type: 'datetime', labelKey: 'stockdoc.posted_at', width: 140, mergeable: true },
];

/** The order the parts went to or came back from, and then the line's part and quantity. */
export const orderPartColumns: readonly ColumnDef[] = [
  { field: 'order_no', type: 'text', labelKey: 'stockdoc.order_no', width: 150, groupable: true, mergeable: true },
  { field: 'customer', type: 'text', labelKey: 'stockdoc.customer', width: 180, groupable: true, mergeable: true },
  { field: 'engineer', type: 'text', labelKey: 'stockdoc.engineer', width: 80, groupable: true, mergeable: true },
  { field: 'warehouse', type: 'text', labelKey: 'stockdoc.warehouse', width: 90, groupable: true },
  { field: 'part_no', type: 'text', labelKey: 'stockdoc.part_no', width: 140, groupable: true },
  { field: 'part_name', type: 'text', labelKey: 'stockdoc.part_name', width: 130, groupable: true },
  { field: 'quantity', type: 'number', labelKey: 'stockdoc.quantity', width: 60, summable: true },
  { field: 'unit', type: 'text', labelKey: 'stockdoc.unit', width: 50 },
  { field: 'serials', type: 'text', labelKey: 'stockdoc.serials', width: 180 },
];

/** Its reversal (红冲), if any, and who posted it. */
export const reversalColumns: readonly ColumnDef[] = [
  { field: 'reversed_by', type: 'text', labelKey: 'stockdoc.reversed_by', width: 150 },
  { field: 'posted_by', type: 'text', labelKey: 'stockdoc.posted_by', width: 80, groupable: true },
];
