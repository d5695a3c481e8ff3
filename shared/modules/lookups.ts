import type { ModuleDef } from './types.js';

// The contract lookup of the create window (销售合同): the shared grid over
// sales_contract_list (migration 004), answered by contracts.query. Not a module of the shell.
export const contractLookup: ModuleDef = {
  id: 'contracts',
  labelKey: 'contracts.title',
  built: true,
  queryMethod: 'contracts.query',
  view: 'sales_contract_list',
  rowKey: 'id',
  anyFields: ['contract_no', 'project', 'customer', 'address'],
  defaultSort: [{ field: 'sign_date', dir: 'desc' }],
  columns: [
    { field: 'contract_no', type: 'text', labelKey: 'contracts.contract_no', width: 130 },
    { field: 'project', type: 'text', labelKey: 'contracts.project', width: 240, pinyin: true },
    { field: 'customer', type: 'text', labelKey: 'contracts.customer', width: 220, groupable: true, mergeable: true, pinyin: true },
    { field: 'address', type: 'text', labelKey: 'contracts.address', width: 260 },
    { field: 'region', type: 'text', labelKey: 'contracts.region', width: 110, groupable: true, mergeable: true, pinyin: true },
    { field: 'sign_date', type: 'date', labelKey: 'contracts.sign_date', width: 100 },
    { field: 'delivery_date', type: 'date', labelKey: 'contracts.delivery_date', width: 100 },
  ],
};
