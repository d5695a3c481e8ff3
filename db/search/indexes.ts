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
import { owedStatuses } from '../../shared/warehouse/schemas.js';
import { sortKeyOfColumn, type IndexDependent, type ListIndexSpec } from './index-sql.js';

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
 * The sort keys of a list: every column it can be sorted by except those in `skip` and, unless
 * `withDefault`, its default order (walked on the base table's own index; a list whose default
 * order has none — a text column, a date without an index — keys it too). Long free text (a
 * problem description, findings, remarks) has its key too since migration 013: sorted without
 * one, every match was keyed at query time (1–3 s at 10⁶ orders). Non-text keys in SQL, over the
 * expressions given (default `o.<field>`).
 */
function sortedColumns(
  def: ModuleDef,
  skip: readonly string[],
  exprs: Readonly<Record<string, string>>,
  withDefault = false,
): { fields: string[]; keys: Record<string, string> } {
  const fields = def.columns.map((c) => c.field).filter((f) => (withDefault || f !== def.defaultSort[0]?.field) && !skip.includes(f));
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

const contractExprs = { region: '(SELECT r.name FROM sales_regions r WHERE r.id = o.region_id)' };
const contracts: ListIndexSpec = {
  table: 'sales_contracts',
  index: names('contract', contractLookup.anyFields),
  uniqueKeys: [['contract_no']],
  exprs: contractExprs,
  sort: {
    table: 'contract_sort',
    // The default order (sign date) has no index on the contracts table: keyed too (migration 014).
    ...sortedColumns(contractLookup, [], contractExprs, true),
    watch: ['contract_no', 'project', 'customer', 'address', 'region_id', 'sign_date', 'delivery_date'],
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
  owed_qty: `ifnull((SELECT sum(w.quantity - w.supplied) FROM owed_parts w
    WHERE w.order_id = o.order_id AND w.part_id = o.part_id AND w.status IN ('owed','partial')), 0)`,
  amount_fen: 'o.quantity * o.unit_price_fen',
};
// A plan line's owed quantity is the sum of its open owed records: any insert, change or delete of
// one re-keys the line.
const owedOfMaterial = (row: 'new' | 'old') => `SELECT id FROM order_materials WHERE order_id = ${row}.order_id AND part_id = ${row}.part_id`;
const materials: ListIndexSpec = {
  table: 'order_materials',
  index: names('material', materialsModule.anyFields),
  exprs: materialExprs,
  uniqueKeys: [['order_id', 'part_id']],
  sort: {
    table: 'material_sort',
    ...sortedColumns(materialsModule, [], materialExprs),
    watch: ['order_id', 'part_id', 'order_no', 'customer', 'engineer', 'part_no', 'part_name', 'quantity', 'issued_qty', 'returned_qty', 'payer', 'unit_price_fen', 'remarks'],
    dependents: [
      { table: 'dispatch_orders', columns: ['status', 'warranty'], ids: 'SELECT id FROM order_materials WHERE order_id = new.id' },
      partDependent('order_materials', ['spec', 'unit']),
      { table: 'owed_parts', on: 'insert', ids: owedOfMaterial('new') },
      { table: 'owed_parts', columns: ['order_id', 'part_id', 'quantity', 'supplied', 'status'], ids: `${owedOfMaterial('old')} UNION ${owedOfMaterial('new')}` },
      { table: 'owed_parts', on: 'delete', ids: owedOfMaterial('old') },
    ],
  },
};
// Posted lines never change; what they show of parts, warehouses and users may, and a later
// document may reverse theirs (its number is the lines' reversed_by: re-keyed when it is posted).
const reversalNo = '(SELECT r.doc_no FROM stock_documents r WHERE r.reverses_id = o.document_id)';
/** What a posted line shows of others: its warehouse, part and poster, and the reversal of its document. */
const postedLineDependents = (table: string): IndexDependent[] => [
  warehouseDependent(table),
  partDependent(table, ['name', 'unit']),
  posterDependent(table),
  { table: 'stock_documents', on: 'insert', ids: `SELECT id FROM ${table} WHERE document_id = new.reverses_id` },
];
const issueExprs = {
  warehouse: warehouseName,
  part_name: partOf('name'),
  unit: partOf('unit'),
  owed_no: "CASE WHEN o.owed_id IS NULL THEN NULL ELSE '#' || o.owed_id END",
  amount_fen: 'o.quantity * o.unit_price_fen',
  posted_by: postedBy,
  remarks: '(SELECT d.remarks FROM stock_documents d WHERE d.id = o.document_id)',
  reversed_by: reversalNo,
};
const issue: ListIndexSpec = {
  table: 'issue_lines',
  index: names('issue', issueModule.anyFields),
  exprs: issueExprs,
  sort: {
    table: 'issue_sort',
    ...sortedColumns(issueModule, [], issueExprs),
    dependents: postedLineDependents('issue_lines'),
  },
};
const returnExprs = { warehouse: warehouseName, part_name: partOf('name'), unit: partOf('unit'), posted_by: postedBy, reversed_by: reversalNo };
const returns: ListIndexSpec = {
  table: 'return_lines',
  index: names('return', returnModule.anyFields),
  exprs: returnExprs,
  sort: {
    table: 'return_sort',
    ...sortedColumns(returnModule, [], returnExprs),
    dependents: postedLineDependents('return_lines'),
  },
};
const owedExprs = {
  region: regionOfOrder('o.order_id'),
  remaining: 'o.quantity - o.supplied',
  created_by: '(SELECT u.display_name FROM users u WHERE u.id = o.created_by)',
};
/**
 * The view's business day (meta utc_offset_minutes, as owed_part_list has it), as a subquery:
 * worked out once a statement, not once a row.
 */
const today = "(SELECT date('now', ifnull((SELECT value FROM meta WHERE key = 'utc_offset_minutes'), '480') || ' minutes'))";
const openOwed = `sk_status IN (${owedStatuses.indexOf('owed')}, ${owedStatuses.indexOf('partial')}) AND sk_promised_date < ${today}`;
const owedSorted = sortedColumns(owedModule, ['overdue', 'days_overdue'], owedExprs);
const owed: ListIndexSpec = {
  table: 'owed_parts',
  index: names('owed', owedModule.anyFields),
  exprs: owedExprs,
  sort: {
    table: 'owed_sort',
    ...owedSorted,
    watch: [...owedSorted.fields.filter((f) => !['region', 'remaining'].includes(f)), 'order_id'],
    dependents: [
      { table: 'dispatch_orders', columns: ['region_id'], ids: 'SELECT id FROM owed_parts WHERE order_id = new.id' },
      { table: 'sales_regions', columns: ['name'], ids: 'SELECT w.id FROM owed_parts w JOIN dispatch_orders d ON d.id = w.order_id WHERE d.region_id = new.id' },
      { table: 'users', columns: ['display_name'], ids: 'SELECT id FROM owed_parts WHERE created_by = new.id' },
    ],
    // Overdue: open and promised before today, by its days (the view's expressions, over the keys).
    derived: {
      overdue: `CASE WHEN ${openOwed} THEN 1 ELSE 0 END`,
      days_overdue: `CASE WHEN ${openOwed} THEN CAST(julianday(${today}) - julianday(sk_promised_date) AS INTEGER) ELSE 0 END`,
    },
  },
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

// The small lists are keyed too (their default order is text: a part number): a parts catalogue
// may hold tens of thousands of parts.
const stockExprs = {
  part_no: partOf('part_no'),
  part_name: partOf('name'),
  spec: partOf('spec'),
  warehouse: warehouseName,
  warehouse_kind: '(SELECT w.kind FROM warehouses w WHERE w.id = o.warehouse_id)',
  unit: partOf('unit'),
  serial_tracked: partOf('serial_tracked'),
  unit_price_fen: partOf('unit_price_fen'),
  value_fen: `o.quantity * ${partOf('unit_price_fen')}`,
};
const stock: ListIndexSpec = {
  table: 'stock_balances',
  index: names('stock', stockList.anyFields),
  exprs: stockExprs,
  watch: ['part_id', 'warehouse_id'],
  uniqueKeys: [['part_id', 'warehouse_id']],
  dependents: [
    { table: 'parts', columns: ['part_no', 'name'], ids: 'SELECT id FROM stock_balances WHERE part_id = new.id' },
    { table: 'warehouses', columns: ['name'], ids: 'SELECT id FROM stock_balances WHERE warehouse_id = new.id' },
  ],
  sort: {
    table: 'stock_sort',
    ...sortedColumns(stockList, [], stockExprs, true),
    watch: ['part_id', 'warehouse_id', 'quantity'],
    dependents: [
      partDependent('stock_balances', ['part_no', 'name', 'spec', 'unit', 'serial_tracked', 'unit_price_fen']),
      { table: 'warehouses', columns: ['name', 'kind'], ids: 'SELECT id FROM stock_balances WHERE warehouse_id = new.id' },
    ],
  },
};

// A part's stock is the sum of its balances in main warehouses (part_list).
const partExprs = {
  stock: `ifnull((SELECT sum(b.quantity) FROM stock_balances b JOIN warehouses w ON w.id = b.warehouse_id
    WHERE b.part_id = o.id AND w.kind = 'main'), 0)`,
};
const parts: ListIndexSpec = {
  table: 'parts',
  index: names('part', partsList.anyFields),
  uniqueKeys: [['part_no']],
  exprs: partExprs,
  sort: {
    table: 'part_sort',
    ...sortedColumns(partsList, [], partExprs, true),
    watch: ['part_no', 'name', 'spec', 'unit', 'unit_price_fen', 'serial_tracked', 'active'],
    dependents: [
      { table: 'stock_balances', on: 'insert', ids: 'SELECT new.part_id' },
      { table: 'stock_balances', columns: ['part_id', 'warehouse_id', 'quantity'], ids: 'SELECT old.part_id UNION SELECT new.part_id' },
      { table: 'stock_balances', on: 'delete', ids: 'SELECT old.part_id' },
      { table: 'warehouses', columns: ['kind'], ids: 'SELECT DISTINCT part_id FROM stock_balances WHERE warehouse_id = new.id' },
    ],
  },
};

/**
 * Every table whose change has ever re-keyed a list's sort keys (any migration's definition): the
 * migrations that rebuild sort keys drop those tables' triggers by name (dropSortSql).
 */
export const SORT_DEPENDENT_TABLES = [
  'dispatch_orders', 'engineers', 'sales_regions', 'task_types', 'users', 'parts', 'warehouses', 'stock_documents', 'owed_parts', 'stock_balances',
];

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

/**
 * The stored sort key of a list's column: its table and column (walked in order by its index), or
 * an order derived from the table's keys at query time (`sql`, not walked); undefined when the
 * column has none (computed by pim_sortkey over the view).
 */
export function storedSortKey(def: Pick<ModuleDef, 'id'>, field: string): { table: string; column: string; sql?: string } | undefined {
  const sort = listIndexOf(def)?.sort;
  if (!sort) return undefined;
  if (sort.fields.includes(field)) return { table: sort.table, column: `sk_${field}` };
  const derived = sort.derived?.[field];
  return derived ? { table: sort.table, column: `sk_${field}`, sql: derived } : undefined;
}
