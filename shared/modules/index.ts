import { contentModule } from './content.js';
import { dispatchModule } from './dispatch.js';
import { feesModule } from './fees.js';
import { materialsModule } from './materials.js';
import { issueModule } from './issue.js';
import { returnModule } from './return.js';
import { owedModule } from './owed.js';
import { ledgerList, partsList, stockList } from './stock.js';
import { contractLookup } from './lookups.js';
import type { ModuleDef } from './types.js';

export * from './types.js';
export * from './dispatch.js';
export * from './content.js';
export * from './fees.js';
export * from './lookups.js';
export * from './materials.js';
export * from './issue.js';
export * from './return.js';
export * from './owed.js';
export * from './stock.js';

// The seven modules in the legacy order.
export const modules: readonly ModuleDef[] = [
  dispatchModule, // 售服派工单管理
  contentModule, // 售服内容管理
  feesModule, // 售服费用管理
  materialsModule, // 售服材料管理
  issueModule, // 售服材料领用
  returnModule, // 售服退料管理
  owedModule, // 欠件放行跟踪
];

/** The store's lists, shown in the shell below the seven modules. */
export const warehouseLists: readonly ModuleDef[] = [stockList, ledgerList, partsList];

/** Any list on the shared grid: a module, a store list or a lookup. */
export function moduleById(id: string): ModuleDef | undefined {
  return [...modules, ...warehouseLists, contractLookup].find((m) => m.id === id);
}
