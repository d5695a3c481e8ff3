import { owedStatuses } from '../warehouse/schemas.js';
import type { ModuleDef } from './types.js';

// 欠件放行跟踪: one row per owed-part record (owed_part_list, migration 007). `overdue` and
// `days_overdue` are computed by the view from the business day (meta utc_offset_minutes):
// promised date passed and not supplied or closed.
export const owedModule: ModuleDef = {
  id: 'owed',
  labelKey: 'modules.owed',
  built: true,
  queryMethod: 'owed.query',
  view: 'owed_part_list',
  rowKey: 'id',
  anyFields: ['order_no', 'customer', 'part_no', 'part_name', 'responsible'],
  defaultSort: [{ field: 'created_at', dir: 'desc' }],
  // Overdue records (promised date passed, not supplied or closed) stand out in red.
  dangerWhen: { field: 'overdue', equals: 1 },
  columns: [
    { field: 'order_no', type: 'text', labelKey: 'owed.order_no', width: 140, groupable: true, mergeable: true },
    { field: 'customer', type: 'text', labelKey: 'owed.customer', width: 150, groupable: true, mergeable: true },
    { field: 'part_no', type: 'text', labelKey: 'owed.part_no', width: 125, groupable: true },
    { field: 'part_name', type: 'text', labelKey: 'owed.part_name', width: 110, groupable: true },
    {
      field: 'status',
      type: 'enum',
      labelKey: 'owed.status',
      width: 72,
      enumKey: 'owedStatus',
      enumValues: owedStatuses,
      groupable: true,
    },
    { field: 'promised_date', type: 'date', labelKey: 'owed.promised_date', width: 96 },
    { field: 'days_overdue', type: 'number', labelKey: 'owed.days_overdue', width: 70 },
    { field: 'overdue', type: 'bool', labelKey: 'owed.overdue', width: 60, groupable: true, hidden: true },
    { field: 'quantity', type: 'number', labelKey: 'owed.quantity', width: 60, summable: true },
    { field: 'supplied', type: 'number', labelKey: 'owed.supplied', width: 60, summable: true },
    { field: 'remaining', type: 'number', labelKey: 'owed.remaining', width: 60, summable: true },
    { field: 'responsible', type: 'text', labelKey: 'owed.responsible', width: 70, groupable: true },
    { field: 'reason', type: 'text', labelKey: 'owed.reason', width: 150 },
    { field: 'region', type: 'text', labelKey: 'owed.region', width: 100, groupable: true, hidden: true },
    { field: 'close_reason', type: 'text', labelKey: 'owed.close_reason', width: 160, hidden: true },
    { field: 'created_at', type: 'datetime', labelKey: 'owed.created_at', width: 140, hidden: true },
    { field: 'created_by', type: 'text', labelKey: 'owed.created_by', width: 80, hidden: true },
  ],
};
