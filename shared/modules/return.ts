import { returnKinds } from '../warehouse/schemas.js';
import type { ModuleDef } from './types.js';
import { documentColumns, orderPartColumns, reversalColumns } from './stock-lines.js';

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
    ...documentColumns,
    {
      field: 'kind',
      type: 'enum',
      labelKey: 'stockdoc.kind',
      width: 100,
      enumKey: 'returnKind',
      enumValues: returnKinds,
      groupable: true,
    },
    ...orderPartColumns,
    { field: 'new_serial', type: 'text', labelKey: 'stockdoc.new_serial', width: 140 },
    { field: 'fault', type: 'text', labelKey: 'stockdoc.fault', width: 180 },
    ...reversalColumns,
  ],
};
