import { payers } from '../dispatch/schemas.js';
import { dispatchStatuses } from './dispatch.js';
import type { ModuleDef } from './types.js';

// 售服材料: one row per planned part of any order (order_material_list, migration 007). Issued,
// returned and used quantities come from the posted documents (kept on the line by the posting
// transaction), never typed. Amounts are integer fen.
export const materialsModule: ModuleDef = {
  id: 'materials',
  labelKey: 'modules.materials',
  built: true,
  queryMethod: 'materials.query',
  view: 'order_material_list',
  rowKey: 'id',
  anyFields: ['order_no', 'customer', 'engineer', 'part_no', 'part_name'],
  defaultSort: [{ field: 'created_at', dir: 'desc' }],
  columns: [
    { field: 'order_no', type: 'text', labelKey: 'materials.order_no', width: 150, mergeable: true },
    {
      field: 'status',
      type: 'enum',
      labelKey: 'materials.status',
      width: 80,
      enumKey: 'dispatchStatus',
      enumValues: dispatchStatuses,
      groupable: true,
    },
    { field: 'customer', type: 'text', labelKey: 'materials.customer', width: 200, groupable: true, mergeable: true },
    { field: 'engineer', type: 'text', labelKey: 'materials.engineer', width: 80, groupable: true },
    { field: 'warranty', type: 'bool', labelKey: 'materials.warranty', width: 60, groupable: true, hidden: true },
    { field: 'part_no', type: 'text', labelKey: 'materials.part_no', width: 140, groupable: true },
    { field: 'part_name', type: 'text', labelKey: 'materials.part_name', width: 140, groupable: true },
    { field: 'spec', type: 'text', labelKey: 'materials.spec', width: 110, hidden: true },
    { field: 'unit', type: 'text', labelKey: 'materials.unit', width: 50 },
    { field: 'quantity', type: 'number', labelKey: 'materials.quantity', width: 70, summable: true },
    { field: 'issued_qty', type: 'number', labelKey: 'materials.issued_qty', width: 70, summable: true },
    { field: 'returned_qty', type: 'number', labelKey: 'materials.returned_qty', width: 70, summable: true },
    { field: 'used_qty', type: 'number', labelKey: 'materials.used_qty', width: 70, summable: true },
    { field: 'owed_qty', type: 'number', labelKey: 'materials.owed_qty', width: 70, summable: true },
    {
      field: 'payer',
      type: 'enum',
      labelKey: 'materials.payer',
      width: 80,
      enumKey: 'materialPayer',
      enumValues: payers,
      groupable: true,
    },
    { field: 'unit_price_fen', type: 'money', labelKey: 'materials.unit_price_fen', width: 90 },
    { field: 'amount_fen', type: 'money', labelKey: 'materials.amount_fen', width: 100, summable: true },
    { field: 'remarks', type: 'text', labelKey: 'materials.remarks', width: 160, hidden: true },
    { field: 'created_at', type: 'datetime', labelKey: 'materials.created_at', width: 140, hidden: true },
  ],
};
