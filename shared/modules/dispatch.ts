import type { ModuleDef } from './types.js';

export const dispatchStatuses = [
  'pending', // 待处理
  'dispatched', // 已派工
  'in_progress', // 处理中
  'completed', // 已完成
  'visited', // 已回访
  'cancelled', // 已取消
] as const;
export type DispatchStatus = (typeof dispatchStatuses)[number];

export const urgencies = ['normal', 'urgent'] as const;

// 售服派工单 — columns of the summary list; fields from the legacy create window and the
// service-order template (000).
export const dispatchModule: ModuleDef = {
  id: 'dispatch',
  labelKey: 'modules.dispatch',
  built: true,
  queryMethod: 'dispatch.query',
  view: 'dispatch_order_list',
  rowKey: 'order_no',
  anyFields: ['order_no', 'customer', 'contract_no', 'device_part_no', 'device_serial_no'],
  defaultSort: [{ field: 'created_at', dir: 'desc' }],
  columns: [
    { field: 'order_no', type: 'text', labelKey: 'dispatch.order_no', width: 150 },
    {
      field: 'status',
      type: 'enum',
      labelKey: 'dispatch.status',
      width: 90,
      enumKey: 'dispatchStatus',
      enumValues: dispatchStatuses,
      groupable: true,
    },
    { field: 'customer', type: 'text', labelKey: 'dispatch.customer', width: 220, groupable: true, mergeable: true },
    { field: 'contract_no', type: 'text', labelKey: 'dispatch.contract_no', width: 140, groupable: true },
    { field: 'project', type: 'text', labelKey: 'dispatch.project', width: 200, hidden: true },
    { field: 'region', type: 'text', labelKey: 'dispatch.region', width: 110, groupable: true, mergeable: true },
    { field: 'task_type', type: 'text', labelKey: 'dispatch.task_type', width: 110, groupable: true },
    { field: 'warranty', type: 'bool', labelKey: 'dispatch.warranty', width: 70, groupable: true },
    {
      field: 'urgency',
      type: 'enum',
      labelKey: 'dispatch.urgency',
      width: 70,
      enumKey: 'urgency',
      enumValues: ['normal', 'urgent'],
      groupable: true,
    },
    { field: 'device_name', type: 'text', labelKey: 'dispatch.device_name', width: 130 },
    { field: 'device_model', type: 'text', labelKey: 'dispatch.device_model', width: 110 },
    { field: 'device_part_no', type: 'text', labelKey: 'dispatch.device_part_no', width: 140 },
    { field: 'device_serial_no', type: 'text', labelKey: 'dispatch.device_serial_no', width: 130 },
    { field: 'contact', type: 'text', labelKey: 'dispatch.contact', width: 80 },
    { field: 'phone', type: 'text', labelKey: 'dispatch.phone', width: 120 },
    { field: 'address', type: 'text', labelKey: 'dispatch.address', width: 240, hidden: true },
    { field: 'engineer', type: 'text', labelKey: 'dispatch.engineer', width: 80, groupable: true },
    { field: 'problem', type: 'text', labelKey: 'dispatch.problem', width: 240 },
    { field: 'expected_at', type: 'datetime', labelKey: 'dispatch.expected_at', width: 140 },
    { field: 'created_at', type: 'datetime', labelKey: 'dispatch.created_at', width: 140 },
    { field: 'created_by', type: 'text', labelKey: 'dispatch.created_by', width: 80, groupable: true },
  ],
};
