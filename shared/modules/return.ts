import { returnKinds } from '../warehouse/schemas.js';
import type { ModuleDef } from './types.js';

// 售服退料: one row per line of the posted return documents (TL…): unused parts back to a
// store, and faulty old parts handed in with the serial taken out of the device and its
// replacement (return_line_list, migration 007).
export const returnModule: ModuleDef = {
  id: 'return',
  labelKey: 'modules.return',
  built: true,
  queryMethod: 'returns.query',
  view: 'return_line_list',
  rowKey: 'id',
  anyFields: ['doc_no', 'order_no', 'customer', 'engineer', 'part_no', 'serials'],
  defaultSort: [{ field: 'posted_at', dir: 'desc' }],
  columns: [
    { field: 'doc_no', type: 'text', labelKey: 'stockdoc.doc_no', width: 150, mergeable: true },
    { field: 'posted_at', type: 'datetime', labelKey: 'stockdoc.posted_at', width: 140, mergeable: true },
    {
      field: 'kind',
      type: 'enum',
      labelKey: 'stockdoc.kind',
      width: 100,
      enumKey: 'returnKind',
      enumValues: returnKinds,
      groupable: true,
    },
    { field: 'order_no', type: 'text', labelKey: 'stockdoc.order_no', width: 150, groupable: true, mergeable: true },
    { field: 'customer', type: 'text', labelKey: 'stockdoc.customer', width: 180, groupable: true, mergeable: true },
    { field: 'engineer', type: 'text', labelKey: 'stockdoc.engineer', width: 80, groupable: true, mergeable: true },
    { field: 'warehouse', type: 'text', labelKey: 'stockdoc.warehouse', width: 90, groupable: true },
    { field: 'part_no', type: 'text', labelKey: 'stockdoc.part_no', width: 140, groupable: true },
    { field: 'part_name', type: 'text', labelKey: 'stockdoc.part_name', width: 130, groupable: true },
    { field: 'quantity', type: 'number', labelKey: 'stockdoc.quantity', width: 60, summable: true },
    { field: 'unit', type: 'text', labelKey: 'stockdoc.unit', width: 50 },
    { field: 'serials', type: 'text', labelKey: 'stockdoc.serials', width: 180 },
    { field: 'new_serial', type: 'text', labelKey: 'stockdoc.new_serial', width: 140 },
    { field: 'fault', type: 'text', labelKey: 'stockdoc.fault', width: 180 },
    { field: 'reversed_by', type: 'text', labelKey: 'stockdoc.reversed_by', width: 150 },
    { field: 'posted_by', type: 'text', labelKey: 'stockdoc.posted_by', width: 80, groupable: true },
  ],
};
