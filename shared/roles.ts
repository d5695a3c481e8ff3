export const roles = ['clerk', 'warehouse', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];
