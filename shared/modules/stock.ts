import { documentTypes, warehouseKinds } from '../warehouse/schemas.js';
import type { ModuleDef } from './types.js';

// The store's own lists beside the seven modules (migration 007): stock balances by part and
// warehouse (库存), the stock ledger (库存流水, one row per movement) and the parts catalogue (物料).

export const stockList: ModuleDef = {
  id: 'stock',
  labelKey: 'lists.stock',
  built: true,
  queryMethod: 'stock.query',
  view: 'stock_balance_list',
  rowKey: 'id',
  anyFields: ['part_no', 'part_name', 'warehouse'],
  defaultSort: [{ field: 'part_no', dir: 'asc' }],
  columns: [
    { field: 'part_no', type: 'text', labelKey: 'stock.part_no', width: 150 },
    { field: 'part_name', type: 'text', labelKey: 'stock.part_name', width: 150, groupable: true },
    { field: 'spec', type: 'text', labelKey: 'stock.spec', width: 110 },
    { field: 'warehouse', type: 'text', labelKey: 'stock.warehouse', width: 100, groupable: true },
    {
      field: 'warehouse_kind',
      type: 'enum',
      labelKey: 'stock.warehouse_kind',
      width: 100,
      enumKey: 'warehouseKind',
      enumValues: warehouseKinds,
      groupable: true,
    },
    { field: 'quantity', type: 'number', labelKey: 'stock.quantity', width: 70, summable: true },
    { field: 'unit', type: 'text', labelKey: 'stock.unit', width: 50 },
    { field: 'serial_tracked', type: 'bool', labelKey: 'stock.serial_tracked', width: 70, groupable: true },
    { field: 'unit_price_fen', type: 'money', labelKey: 'stock.unit_price_fen', width: 90 },
    { field: 'value_fen', type: 'money', labelKey: 'stock.value_fen', width: 110, summable: true },
  ],
};

export const ledgerList: ModuleDef = {
  id: 'ledger',
  labelKey: 'lists.ledger',
  built: true,
  queryMethod: 'ledger.query',
  view: 'stock_ledger_list',
  rowKey: 'id',
  anyFields: ['doc_no', 'order_no', 'part_no', 'serial_no'],
  defaultSort: [{ field: 'at', dir: 'desc' }],
  columns: [
    { field: 'at', type: 'datetime', labelKey: 'ledger.at', width: 140 },
    {
      field: 'doc_type',
      type: 'enum',
      labelKey: 'ledger.doc_type',
      width: 80,
      enumKey: 'documentType',
      enumValues: documentTypes,
      groupable: true,
    },
    { field: 'doc_no', type: 'text', labelKey: 'ledger.doc_no', width: 150, mergeable: true },
    { field: 'order_no', type: 'text', labelKey: 'ledger.order_no', width: 150, groupable: true },
    { field: 'part_no', type: 'text', labelKey: 'ledger.part_no', width: 140, groupable: true },
    { field: 'part_name', type: 'text', labelKey: 'ledger.part_name', width: 130, groupable: true },
    { field: 'warehouse', type: 'text', labelKey: 'ledger.warehouse', width: 90, groupable: true },
    { field: 'quantity', type: 'number', labelKey: 'ledger.quantity', width: 70, summable: true },
    { field: 'serial_no', type: 'text', labelKey: 'ledger.serial_no', width: 140 },
    { field: 'by', type: 'text', labelKey: 'ledger.by', width: 80, groupable: true },
  ],
};

export const partsList: ModuleDef = {
  id: 'parts',
  labelKey: 'lists.parts',
  built: true,
  queryMethod: 'parts.query',
  view: 'part_list',
  rowKey: 'id',
  anyFields: ['part_no', 'name', 'spec'],
  defaultSort: [{ field: 'part_no', dir: 'asc' }],
  columns: [
    { field: 'part_no', type: 'text', labelKey: 'parts.part_no', width: 150 },
    { field: 'name', type: 'text', labelKey: 'parts.name', width: 160, groupable: true },
    { field: 'spec', type: 'text', labelKey: 'parts.spec', width: 130 },
    { field: 'unit', type: 'text', labelKey: 'parts.unit', width: 50, groupable: true },
    { field: 'unit_price_fen', type: 'money', labelKey: 'parts.unit_price_fen', width: 90 },
    { field: 'serial_tracked', type: 'bool', labelKey: 'parts.serial_tracked', width: 70, groupable: true },
    { field: 'active', type: 'bool', labelKey: 'parts.active', width: 60, groupable: true },
    { field: 'stock', type: 'number', labelKey: 'parts.stock', width: 70, summable: true },
  ],
};
