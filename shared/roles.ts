// Type-only: contract.ts imports the role list from here.
import type { MethodName } from './contract.js';

export const roles = ['clerk', 'warehouse', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who may export every row of a query (managers query, group and export lists; legacy users guide). */
export const EXPORT_ALL_ROLES: readonly Role[] = ['manager', 'admin'];

/** Who may write dispatch orders and the region tree: warehouse staff read orders but only issue and take back parts. */
export const ORDER_WRITE_ROLES: readonly Role[] = ['clerk', 'manager', 'admin'];

/** Who posts stock documents (receipts, adjustments, issues, returns, reversals) and keeps the parts catalogue and warehouses. */
export const WAREHOUSE_ROLES: readonly Role[] = ['warehouse', 'admin'];

/** Who plans an order's materials and records owed parts: the clerk's side, as for orders. */
export const MATERIAL_PLAN_ROLES: readonly Role[] = ORDER_WRITE_ROLES;

/**
 * Methods only some roles may call, checked once by the backend before the handler (FORBIDDEN
 * otherwise). A method not listed is open to every signed-in user.
 */
export const writeRoles: { readonly [M in MethodName]?: readonly Role[] } = {
  'dispatch.create': ORDER_WRITE_ROLES,
  'dispatch.update': ORDER_WRITE_ROLES,
  'dispatch.delete': ORDER_WRITE_ROLES,
  'dispatch.setStatus': ORDER_WRITE_ROLES,
  'dispatch.returnVisit': ORDER_WRITE_ROLES,
  'dispatch.saveContent': ORDER_WRITE_ROLES,
  'dispatch.saveFees': ORDER_WRITE_ROLES,
  'regions.create': ORDER_WRITE_ROLES,
  'regions.rename': ORDER_WRITE_ROLES,
  'regions.delete': ORDER_WRITE_ROLES,
  'regions.move': ORDER_WRITE_ROLES,
  'taskTypes.save': ['admin'],
  'parts.save': WAREHOUSE_ROLES,
  'warehouses.save': WAREHOUSE_ROLES,
  'stock.receive': WAREHOUSE_ROLES,
  'stock.adjust': WAREHOUSE_ROLES,
  'stock.reverse': WAREHOUSE_ROLES,
  'issues.post': WAREHOUSE_ROLES,
  'returns.post': WAREHOUSE_ROLES,
  'materials.save': MATERIAL_PLAN_ROLES,
  'owed.create': MATERIAL_PLAN_ROLES,
  'owed.update': MATERIAL_PLAN_ROLES,
  'owed.close': MATERIAL_PLAN_ROLES,
};

/** Whether a role may call a method (see writeRoles). */
export function mayCall(role: Role, method: MethodName): boolean {
  const allowed = writeRoles[method];
  return allowed === undefined || allowed.includes(role);
}
