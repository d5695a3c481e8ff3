import type { DB } from '../open.js';
import { ServiceError } from '../../shared/errors.js';
import type { UserInfo } from '../../shared/contract.js';
import type { Engineer, TaskType } from '../../shared/dispatch/schemas.js';

// Reference data of the create window: task types (maintained by administrators) and engineers.

export function listTaskTypes(db: DB): { taskTypes: TaskType[] } {
  const rows = db
    .prepare('SELECT id, code, name, warranty_months AS warrantyMonths, sort_order AS sortOrder, active FROM task_types ORDER BY sort_order, id')
    .all() as (Omit<TaskType, 'active'> & { active: number })[];
  return { taskTypes: rows.map((r) => ({ ...r, active: r.active === 1 })) };
}

export interface TaskTypeInput {
  id?: number;
  code: string;
  name: string;
  warrantyMonths: number;
  sortOrder: number;
  active: boolean;
}

export function saveTaskType(db: DB, user: UserInfo, t: TaskTypeInput): { id: number } {
  if (user.role !== 'admin') throw new ServiceError('FORBIDDEN', 'Only an administrator may change the task types.');
  return db
    .transaction(() => {
      const clash = db.prepare('SELECT id FROM task_types WHERE code = ? AND id IS NOT ?').pluck().get(t.code, t.id ?? null);
      if (clash !== undefined) {
        const message = `There is already a task type with the code "${t.code}".`;
        throw new ServiceError('INVALID_PARAMS', message, { issues: [{ path: 'code', message }] });
      }
      if (t.id === undefined) {
        const info = db
          .prepare('INSERT INTO task_types (code, name, warranty_months, sort_order, active) VALUES (?, ?, ?, ?, ?)')
          .run(t.code, t.name, t.warrantyMonths, t.sortOrder, t.active ? 1 : 0);
        return { id: Number(info.lastInsertRowid) };
      }
      const info = db
        .prepare('UPDATE task_types SET code = ?, name = ?, warranty_months = ?, sort_order = ?, active = ? WHERE id = ?')
        .run(t.code, t.name, t.warrantyMonths, t.sortOrder, t.active ? 1 : 0, t.id);
      if (info.changes === 0) {
        const message = `There is no task type ${t.id}.`;
        throw new ServiceError('INVALID_PARAMS', message, { issues: [{ path: 'id', message }] });
      }
      return { id: t.id };
    })
    .immediate();
}

export function listEngineers(db: DB): { engineers: Engineer[] } {
  const rows = db
    .prepare(
      `SELECT e.id, e.name, e.phone, r.name AS region, e.active FROM engineers e
       LEFT JOIN sales_regions r ON r.id = e.region_id ORDER BY e.active DESC, r.name, e.name, e.id`,
    )
    .all() as (Omit<Engineer, 'active'> & { active: number })[];
  return { engineers: rows.map((r) => ({ ...r, active: r.active === 1 })) };
}
