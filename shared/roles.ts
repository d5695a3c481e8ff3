export const roles = ['clerk', 'warehouse', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who may export every row of a query (managers query, group and export lists; legacy users guide). */
export const EXPORT_ALL_ROLES: readonly Role[] = ['manager', 'admin'];
