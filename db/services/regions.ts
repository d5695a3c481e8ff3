import type { DB } from '../open.js';
import { refusal } from '../../shared/reasons.js';
import { ServiceError } from '../../shared/errors.js';
import type { RegionNode } from '../../shared/dispatch/schemas.js';

// 销售区域: a tree edited from the create window (right-click a node). Names are unique among
// siblings; a node in use (orders, contracts, engineers, child nodes) is not deleted; a move
// never makes a cycle. Each write is one IMMEDIATE transaction.


function invalid(path: string, message: string): never {
  throw new ServiceError('INVALID_PARAMS', message, { issues: [{ path, message }] });
}

interface RegionRow {
  id: number;
  parent_id: number | null;
  name: string;
}

function region(db: DB, id: number, path = 'id'): RegionRow {
  const row = db.prepare('SELECT id, parent_id, name FROM sales_regions WHERE id = ?').get(id) as RegionRow | undefined;
  if (!row) invalid(path, `There is no sales region ${id}.`);
  return row;
}

/** Refuses a name a sibling under `parentId` already has (other than `self`). */
function checkUnique(db: DB, parentId: number | null, name: string, self: number | null): void {
  const clash = db
    .prepare('SELECT id FROM sales_regions WHERE parent_id IS ? AND name = ? AND id IS NOT ?')
    .pluck()
    .get(parentId, name, self);
  if (clash !== undefined) {
    invalid('name', `There is already a region named "${name}" ${parentId === null ? 'at the top level' : 'under this node'}.`);
  }
}

export function regionTree(db: DB): { nodes: RegionNode[] } {
  const nodes = db
    .prepare(
      `SELECT r.id, r.parent_id AS parentId, r.name,
              (SELECT count(*) FROM dispatch_orders o WHERE o.region_id = r.id) AS orderCount,
              (SELECT count(*) FROM sales_regions c WHERE c.parent_id = r.id) AS childCount
       FROM sales_regions r ORDER BY r.parent_id IS NOT NULL, r.parent_id, r.id`,
    )
    .all() as RegionNode[];
  return { nodes };
}

export function createRegion(db: DB, parentId: number | null, name: string): { id: number } {
  return db
    .transaction(() => {
      if (parentId !== null) region(db, parentId, 'parentId');
      checkUnique(db, parentId, name, null);
      const info = db.prepare('INSERT INTO sales_regions (parent_id, name) VALUES (?, ?)').run(parentId, name);
      return { id: Number(info.lastInsertRowid) };
    })
    .immediate();
}

export function renameRegion(db: DB, id: number, name: string): { ok: true } {
  return db
    .transaction(() => {
      const row = region(db, id);
      if (row.name !== name) {
        checkUnique(db, row.parent_id, name, id);
        db.prepare('UPDATE sales_regions SET name = ? WHERE id = ?').run(name, id);
      }
      return { ok: true as const };
    })
    .immediate();
}

export function deleteRegion(db: DB, id: number): { ok: true } {
  return db
    .transaction(() => {
      const row = region(db, id);
      const count = (sql: string) => db.prepare(sql).pluck().get(id) as number;
      const uses = [
        [count('SELECT count(*) FROM sales_regions WHERE parent_id = ?'), 'child node(s)'],
        [count('SELECT count(*) FROM dispatch_orders WHERE region_id = ?'), 'dispatch order(s)'],
        [count('SELECT count(*) FROM sales_contracts WHERE region_id = ?'), 'sales contract(s)'],
        [count('SELECT count(*) FROM engineers WHERE region_id = ?'), 'engineer(s)'],
      ] as const;
      const inUse = uses.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
      if (inUse.length) throw refusal('REGION_IN_USE', { name: row.name, uses: inUse.join(', ') });
      db.prepare('DELETE FROM sales_regions WHERE id = ?').run(id);
      return { ok: true as const };
    })
    .immediate();
}

export function moveRegion(db: DB, id: number, parentId: number | null): { ok: true } {
  return db
    .transaction(() => {
      const row = region(db, id);
      if (parentId !== null) {
        const parent = region(db, parentId, 'parentId');
        // The node and everything below it, read inside the write lock.
        const below = db
          .prepare(
            `WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT r.id FROM sales_regions r JOIN sub ON r.parent_id = sub.id)
             SELECT 1 FROM sub WHERE id = ? LIMIT 1`,
          )
          .get(id, parentId);
        if (below) {
          throw parentId === id ? refusal('REGION_UNDER_ITSELF', { name: row.name }) : refusal('REGION_CYCLE', { name: row.name, parent: parent.name });
        }
      }
      if (row.parent_id === parentId) return { ok: true as const };
      checkUnique(db, parentId, row.name, id);
      db.prepare('UPDATE sales_regions SET parent_id = ? WHERE id = ?').run(parentId, id);
      return { ok: true as const };
    })
    .immediate();
}
