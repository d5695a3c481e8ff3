import { feeTypes, payers } from '../dispatch/schemas.js';
import { dispatchStatuses } from './dispatch.js';
import type { ModuleDef } from './types.js';

// 售服费用: one row per fee line of any order (service_fee_list, migration 004). Amounts are
// integer fen (type money), so the sums in group rows and footers are exact.
export const feesModule: ModuleDef = {
  id: 'fees',
  labelKey: 'modules.fees',
  built: true,
  queryMethod: 'fees.query',
  view: 'service_fee_list',
  rowKey: 'id',
  anyFields: ['order_no', 'customer', 'remarks'],
  // Newest lines first, by the indexed entry time (sorting by the order's number would read every line).
  defaultSort: [{ field: 'created_at', dir: 'desc' }],
  columns: [
    { field: 'order_no', type: 'text', labelKey: 'fees.order_no', width: 150, mergeable: true },
    { field: 'customer', type: 'text', labelKey: 'fees.customer', width: 220, groupable: true, mergeable: true },
    { field: 'region', type: 'text', labelKey: 'fees.region', width: 110, groupable: true, mergeable: true },
    { field: 'task_type', type: 'text', labelKey: 'fees.task_type', width: 100, groupable: true, hidden: true },
    { field: 'engineer', type: 'text', labelKey: 'fees.engineer', width: 80, groupable: true, hidden: true },
    { field: 'warranty', type: 'bool', labelKey: 'fees.warranty', width: 60, groupable: true },
    {
      field: 'fee_type',
      type: 'enum',
      labelKey: 'fees.fee_type',
      width: 90,
      enumKey: 'feeType',
      enumValues: feeTypes,
      groupable: true,
    },
    { field: 'amount_fen', type: 'money', labelKey: 'fees.amount_fen', width: 110, summable: true },
    {
      field: 'payer',
      type: 'enum',
      labelKey: 'fees.payer',
      width: 70,
      enumKey: 'payer',
      enumValues: payers,
      groupable: true,
    },
    { field: 'settled', type: 'bool', labelKey: 'fees.settled', width: 70, groupable: true },
    { field: 'settled_on', type: 'date', labelKey: 'fees.settled_on', width: 100 },
    { field: 'remarks', type: 'text', labelKey: 'fees.remarks', width: 200 },
    { field: 'created_at', type: 'datetime', labelKey: 'fees.created_at', width: 140, hidden: true },
    {
      field: 'status',
      type: 'enum',
      labelKey: 'fees.status',
      width: 90,
      enumKey: 'dispatchStatus',
      enumValues: dispatchStatuses,
      groupable: true,
      hidden: true,
    },
  ],
};
