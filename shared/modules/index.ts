import { contentModule } from './content.js';
import { dispatchModule } from './dispatch.js';
import { feesModule } from './fees.js';
import type { ModuleDef, ModuleId } from './types.js';

export * from './types.js';
export * from './dispatch.js';
export * from './content.js';
export * from './fees.js';
export * from './lookups.js';

// The other modules are named here so the shell can list them in the legacy order;
// each becomes a full definition (view, columns, query fields, editor) in its own issue.
function notBuilt(id: ModuleId): ModuleDef {
  return { id, labelKey: `modules.${id}`, built: false, columns: [], anyFields: [], defaultSort: [], rowKey: 'id' };
}

export const modules: readonly ModuleDef[] = [
  dispatchModule, // 售服派工单管理
  contentModule, // 售服内容管理
  feesModule, // 售服费用管理
  notBuilt('materials'), // 售服材料管理
  notBuilt('issue'), // 售服材料领用
  notBuilt('return'), // 售服退料管理
  notBuilt('owed'), // 欠件放行跟踪
];

export function moduleById(id: string): ModuleDef | undefined {
  return modules.find((m) => m.id === id);
}
