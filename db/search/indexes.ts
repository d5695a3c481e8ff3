import type { ListId, ModuleDef, SearchIndexDef } from '../../shared/modules/types.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import { contentModule } from '../../shared/modules/content.js';
import { feesModule } from '../../shared/modules/fees.js';
import { contractLookup } from '../../shared/modules/lookups.js';
import { materialsModule } from '../../shared/modules/materials.js';
import { issueModule } from '../../shared/modules/issue.js';
import { returnModule } from '../../shared/modules/return.js';
import { owedModule } from '../../shared/modules/owed.js';
import { ledgerList, partsList, stockList } from '../../shared/modules/stock.js';
import { sortKeyOfColumn, type ListIndexSpec } from './index-sql.js';

// Every list's search index (over its anyFields, so every quick search has one) and stored sort
// keys (the text columns a big list is most often sorted or grouped by), as built by migration 009
// (db/search/index-sql.ts). The expressions give exactly the list view's value of the field.

function names(prefix: string, fields: readonly string[]): SearchIndexDef {
  return { fields, ftsTable: `${prefix}_search_fts`, textTable: `${prefix}_search_text`, fieldsTable: `${prefix}_search_fields` };
}

const orderOf = (col: string) => `(SELECT d.${col} FROM dispatch_orders d WHERE d.id = o.order_id)`;
const regionOfOrder = (order: string) =>
  `(SELECT r.name FROM dispatch_orders d JOIN sales_regions r ON r.id = d.region_id WHERE d.id = ${order})`;
const engineerOfOrder = (order: string) =>
  `(SELECT e.name FROM dispatch_orders d JOIN engineers e ON e.id = d.engineer_id WHERE d.id = ${order})`;

const taskTypeOfOrder = (order: string) =>
  `(SELECT t.name FROM dispatch_orders d JOIN task_types t ON t.id = d.task_type_id WHERE d.id = ${order})`;

/**
 * The sort keys of a big list (orders, content, fees, and the warehouse's lines and ledger):
 * every column it can be sorted by except its default order (walked on the base table's own
 * index) and those in `skip` (values no trigger sees change: a later reversal, a computed owed
 * quantity). Long free text (a problem description, findings, remarks) has its key too since
 * migration 013: sorted without one, every match was keyed at query time (1–3 s at 10⁶ orders).
 * Non-text keys in SQL, over the expressions given (default `o.<field>`).
 */
function sortedColumns(def: ModuleDef, skip: readonly string[], exprs: Readonly<Record<string, string>>): { fields: string[]; keys: Record<string, string> } {
  const fields = def.columns.map((c) => c.field).filter((f) => f !== def.defaultSort[0]?.field && !skip.includes(f));
  const keys: Record<string, string> = {};
  for (const f of fields) {
    const col = def.columns.find((c) => c.field === f)!;
    if (col.type !== 'text') keys[f] = sortKeyOfColumn(col.type, exprs[f] ?? `o.${f}`, col.enumValues);
  }
  return { fields, keys };
}

const dispatchExprs = {
  region: '(SELECT r.name FROM sales_regions r WHERE r.id = o.region_id)',
  engineer: '(SELECT e.name FROM engineers e WHERE e.id = o.engineer_id)',
  task_type: '(SELECT t.name FROM task_types t WHERE t.id = o.task_type_id)',
  created_by: '(SELECT u.display_name FROM users u WHERE u.id = o.created_by)',
};

const dispatch: ListIndexSpec = {
  table: 'dispatch_orders',
  index: names('dispatch', dispatchModule.anyFields),
  uniqueKeys: [['order_no']],
  sort: {
    table: 'dispatch_sort',
    ...sortedColumns(dispatchModule, [], dispatchExprs),
    watch: [
      'order_no', 'status', 'customer', 'contract_no', 'project', 'address', 'region_id', 'task_type_id', 'warranty', 'urgency',
      'device_name', 'device_model', 'device_part_no', 'device_serial_no', 'contact', 'phone', 'engineer_id', 'problem', 'expected_at',
      'created_by',
    ],
    dependents: [
      { table: 'sales_regions', columns: ['name'], ids: 'SELECT id FROM dispatch_orders WHERE region_id = new.id' },
      { table: 'engineers', columns: ['name'], ids: 'SELECT id FROM dispatch_orders WHERE engineer_id = new.id' },
      { table: 'task_types', columns: ['name'], ids: 'SELECT id FROM dispatch_orders WHERE task_type_id = new.id' },
      { table: 'users', columns: ['display_name'], ids: 'SELECT id FROM dispatch_orders WHERE created_by = new.id' },
    ],
  },
  exprs: dispatchExprs,
};

const contentExprs = {
  order_no: orderOf('order_no'),
  customer: orderOf('customer'),
  engineer: '(SELECT e.name FROM engineers e WHERE e.id = o.engineer_id)',
  region: regionOfOrder('o.order_id'),
  task_type: taskTypeOfOrder('o.order_id'),
  status: orderOf('status'),
  warranty: orderOf('warranty'),
  // hours = hours_x100 / 100.0 in the view: the same order.
  hours: 'o.hours_x100',
};

const content: ListIndexSpec = {
  table: 'service_contents',
  index: names('content', contentModule.anyFields),
  exprs: contentExprs,
  watch: ['order_id', 'engineer_id', 'fault_cause', 'findings', 'work_done'],
  dependents: [
    { table: 'dispatch_orders', columns: ['order_no', 'customer'], ids: 'SELECT id FROM service_contents WHERE order_id = new.id' },
    { table: 'engineers', columns: ['name'], ids: 'SELECT id FROM service_contents WHERE engineer_id = new.id' },
  ],
  sort: {
    table: 'content_sort',
    ...sortedColumns(contentModule, [], contentExprs),
    watch: ['order_id', 'engineer_id', 'work_type', 'fault_cause', 'findings', 'work_done', 'result', 'result_reason', 'hours_x100'],
    dependents: [
      {
        table: 'dispatch_orders',
        columns: ['order_no', 'customer', 'region_id', 'task_type_id', 'status', 'warranty'],
        ids: 'SELECT id FROM service_contents WHERE order_id = new.id',
      },
      { table: 'engineers', columns: ['name'], ids: 'SELECT id FROM service_contents WHERE engineer_id = new.id' },
      {
        table: 'task_types',
        columns: ['name'],
        ids: 'SELECT c.id FROM service_contents c JOIN dispatch_orders d ON d.id = c.order_id WHERE d.task_type_id = new.id',
      },
      {
        table: 'sales_regions',
        columns: ['name'],
        ids: 'SELECT c.id FROM service_contents c JOIN dispatch_orders d ON d.id = c.order_id WHERE d.region_id = new.id',
      },
    ],
  },
};

const feeExprs = {
  order_no: orderOf('order_no'),
  customer: orderOf('customer'),
  region: regionOfOrder('o.order_id'),
  engineer: engineerOfOrder('o.order_id'),
  task_type: taskTypeOfOrder('o.order_id'),
  status: orderOf('status'),
  warranty: orderOf('warranty'),
};

const fees: ListIndexSpec = {
  table: 'service_fees',
  index: names('fee', feesModule.anyFields),
  exprs: feeExprs,
  watch: ['order_id', 'remarks'],
  dependents: [{ table: 'dispatch_orders', columns: ['order_no', 'customer'], ids: 'SELECT id FROM service_fees WHERE order_id = new.id' }],
  sort: {
    table: 'fee_sort',
    ...sortedColumns(feesModule, [], feeExprs),
    watch: ['order_id', 'fee_type', 'amount_fen', 'payer', 'settled', 'settled_on', 'remarks'],
    dependents: [
      {
        table: 'dispatch_orders',
        columns: ['order_no', 'customer', 'region_id', 'engineer_id', 'task_type_id', 'status', 'warranty'],
        ids: 'SELECT id FROM service_fees WHERE order_id = new.id',
      },
      {
        table: 'task_types',
        columns: ['name'],
        ids: 'SELECT f.id FROM service_fees f JOIN dispatch_orders d ON d.id = f.order_id WHERE d.task_type_id = new.id',
      },
      { table: 'engineers', columns: ['name'], ids: 'SELECT f.id FROM service_fees f JOIN dispatch_orders d ON d.id = f.order_id WHERE d.engineer_id = new.id' },
      { table: 'sales_regions', columns: ['name'], ids: 'SELECT f.id FROM service_fees f JOIN dispatch_orders d ON d.id = f.order_id WHERE d.region_id = new.id' },
    ],
  },
};

const contracts: ListIndexSpec = {
  table: 'sales_contracts',
  index: names('contract', contractLookup.anyFields),
  uniqueKeys: [['contract_no']],
  exprs: { region: '(SELECT r.name FROM sales_regions r WHERE r.id = o.region_id)' },
  sort: {
    table: 'contract_sort',
    fields: ['contract_no', 'project', 'customer', 'region'],
    watch: ['contract_no', 'project', 'customer', 'region_id'],
    dependents: [{ table: 'sales_regions', columns: ['name'], ids: 'SELECT id FROM sales_contracts WHERE region_id = new.id' }],
  },
};

// The warehouse lists keep copies of the order's and part's names on their rows (migration 007);
// the names of parts, warehouses and users, and an order's status, are joined.
const partOf = (col: string) => `(SELECT p.${col} FROM parts p WHERE p.id = o.part_id)`;
const warehouseName = '(SELECT w.name FROM warehouses w WHERE w.id = o.warehouse_id)';
const postedBy = '(SELECT u.display_name FROM stock_documents d JOIN users u ON u.id = d.posted_by WHERE d.id = o.document_id)';
const partDependent = (table: string, columns: string[]) => ({ table: 'parts', columns, ids: `SELECT id FROM ${table} WHERE part_id = new.id` });
const warehouseDependent = (table: string) => ({ table: 'warehouses', columns: ['name'], ids: `SELECT id FROM ${table} WHERE warehouse_id = new.id` });
const posterDependent = (table: string) => ({
  table: 'users',
  columns: ['display_name'],
  ids: `SELECT l.id FROM ${table} l JOIN stock_documents d ON d.id = l.document_id WHERE d.posted_by = new.id`,
});

const materialExprs = {
  status: orderOf('status'),
  warranty: orderOf('warranty'),
  spec: partOf('spec'),
  unit: partOf('unit'),
  used_qty: 'o.issued_qty - o.returned_qty',
  amount_fen: 'o.quantity * o.unit_price_fen',
};
const materials: ListIndexSpec = {
  table: 'order_materials',
  index: names('material', materialsModule.anyFields),
  exprs: materialExprs,
  uniqueKeys: [['order_id', 'part_id']],
  sort: {
    table: 'material_sort',
    // owed_qty is a sum over the owed records, kept by no trigger here: sorted at query time.
    ...sortedColumns(materialsModule, ['owed_qty'], materialExprs),
    watch: ['order_id', 'part_id', 'order_no', 'customer', 'engineer', 'part_no', 'part_name', 'quantity', 'issued_qty', 'returned_qty', 'payer', 'unit_price_fen', 'remarks'],
    dependents: [
      { table: 'dispatch_orders', columns: ['status', 'warranty'], ids: 'SELECT id FROM order_materials WHERE order_id = new.id' },
      partDependent('order_materials', ['spec', 'unit']),
    ],
  },
};
// Posted lines never change; what they show of parts, warehouses and users may. The reversal
// that names a document is a later row, not a change of these: reversed_by is sorted at query time.
const issueExprs = {
  warehouse: warehouseName,
  part_name: partOf('name'),
  unit: partOf('unit'),
  owed_no: "CASE WHEN o.owed_id IS NULL THEN NULL ELSE '#' || o.owed_id END",
  amount_fen: 'o.quantity * o.unit_price_fen',
  posted_by: postedBy,
  remarks: '(SELECT d.remarks FROM stock_documents d WHERE d.id = o.document_id)',
};
const issue: ListIndexSpec = {
  table: 'issue_lines',
  index: names('issue', issueModule.anyFields),
  exprs: issueExprs,
  sort: {
    table: 'issue_sort',
    ...sortedColumns(issueModule, ['reversed_by'], issueExprs),
    dependents: [warehouseDependent('issue_lines'), partDependent('issue_lines', ['name', 'unit']), posterDependent('issue_lines')],
  },
};
const returnExprs = { warehouse: warehouseName, part_name: partOf('name'), unit: partOf('unit'), posted_by: postedBy };
const returns: ListIndexSpec = {
  table: 'return_lines',
  index: names('return', returnModule.anyFields),
  exprs: returnExprs,
  sort: {
    table: 'return_sort',
    ...sortedColumns(returnModule, ['reversed_by'], returnExprs),
    dependents: [warehouseDependent('return_lines'), partDependent('return_lines', ['name', 'unit']), posterDependent('return_lines')],
  },
};
const owed: ListIndexSpec = {
  table: 'owed_parts',
  index: names('owed', owedModule.anyFields),
  sort: { table: 'owed_sort', fields: ['customer', 'part_no', 'part_name', 'responsible'] },
};
const ledgerExprs = { part_name: partOf('name'), warehouse: warehouseName, by: '(SELECT u.display_name FROM users u WHERE u.id = o.user_id)' };
const ledger: ListIndexSpec = {
  table: 'stock_ledger',
  index: names('ledger', ledgerList.anyFields),
  exprs: ledgerExprs,
  sort: {
    table: 'ledger_sort',
    ...sortedColumns(ledgerList, [], ledgerExprs),
    dependents: [
      partDependent('stock_ledger', ['name']),
      warehouseDependent('stock_ledger'),
      { table: 'users', columns: ['display_name'], ids: 'SELECT id FROM stock_ledger WHERE user_id = new.id' },
    ],
  },
};

const stock: ListIndexSpec = {
  table: 'stock_balances',
  index: names('stock', stockList.anyFields),
  exprs: {
    part_no: '(SELECT p.part_no FROM parts p WHERE p.id = o.part_id)',
    part_name: '(SELECT p.name FROM parts p WHERE p.id = o.part_id)',
    warehouse: '(SELECT w.name FROM warehouses w WHERE w.id = o.warehouse_id)',
  },
  watch: ['part_id', 'warehouse_id'],
  uniqueKeys: [['part_id', 'warehouse_id']],
  dependents: [
    { table: 'parts', columns: ['part_no', 'name'], ids: 'SELECT id FROM stock_balances WHERE part_id = new.id' },
    { table: 'warehouses', columns: ['name'], ids: 'SELECT id FROM stock_balances WHERE warehouse_id = new.id' },
  ],
};

const parts: ListIndexSpec = {
  table: 'parts',
  index: names('part', partsList.anyFields),
  uniqueKeys: [['part_no']],
};

export const listIndexes: Readonly<Record<ListId, ListIndexSpec>> = {
  dispatch,
  content,
  fees,
  contracts,
  materials,
  issue,
  return: returns,
  owed,
  ledger,
  stock,
  parts,
};

/** The search index and sort keys of a list (every list has them from migration 009 on). */
export function listIndexOf(def: Pick<ModuleDef, 'id'>): ListIndexSpec | undefined {
  return listIndexes[def.id];
}

/** The stored sort key of a list's column: its table and column, or undefined (computed by pim_sortkey). */
export function storedSortKey(def: Pick<ModuleDef, 'id'>, field: string): { table: string; column: string } | undefined {
  const sort = listIndexOf(def)?.sort;
  return sort?.fields.includes(field) ? { table: sort.table, column: `sk_${field}` } : undefined;
}
