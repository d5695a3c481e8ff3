import { workResults } from '../dispatch/schemas.js';
import { dispatchStatuses } from './dispatch.js';
import type { ModuleDef } from './types.js';

// 售服内容: one row per content line of any order (service_content_list, migration 004).
// Hours are stored as integer hundredths (hours_x100); the view's `hours` column is that
// divided by 100, shown as a number with up to two decimals.
export const contentModule: ModuleDef = {
  id: 'content',
  labelKey: 'modules.content',
  built: true,
  queryMethod: 'content.query',
  view: 'service_content_list',
  rowKey: 'id',
  anyFields: ['order_no', 'customer', 'engineer', 'fault_cause', 'findings', 'work_done'],
  defaultSort: [{ field: 'work_date', dir: 'desc' }],
  columns: [
    { field: 'order_no', type: 'text', labelKey: 'content.order_no', width: 150, mergeable: true },
    { field: 'work_date', type: 'date', labelKey: 'content.work_date', width: 100, groupable: true },
    { field: 'engineer', type: 'text', labelKey: 'content.engineer', width: 80, groupable: true, mergeable: true },
    { field: 'region', type: 'text', labelKey: 'content.region', width: 110, groupable: true, mergeable: true },
    { field: 'customer', type: 'text', labelKey: 'content.customer', width: 220, groupable: true, mergeable: true },
    { field: 'task_type', type: 'text', labelKey: 'content.task_type', width: 100, groupable: true, hidden: true },
    { field: 'warranty', type: 'bool', labelKey: 'content.warranty', width: 60, groupable: true, hidden: true },
    { field: 'work_type', type: 'text', labelKey: 'content.work_type', width: 100, groupable: true },
    { field: 'findings', type: 'text', labelKey: 'content.findings', width: 220 },
    { field: 'work_done', type: 'text', labelKey: 'content.work_done', width: 220 },
    { field: 'fault_cause', type: 'text', labelKey: 'content.fault_cause', width: 150, groupable: true },
    {
      field: 'result',
      type: 'enum',
      labelKey: 'content.result',
      width: 90,
      enumKey: 'workResult',
      enumValues: workResults,
      groupable: true,
    },
    { field: 'result_reason', type: 'text', labelKey: 'content.result_reason', width: 160, hidden: true },
    { field: 'hours', type: 'number', labelKey: 'content.hours', width: 80, summable: true },
    {
      field: 'status',
      type: 'enum',
      labelKey: 'content.status',
      width: 90,
      enumKey: 'dispatchStatus',
      enumValues: dispatchStatuses,
      groupable: true,
      hidden: true,
    },
  ],
};
