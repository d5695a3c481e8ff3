import type { DB } from '../open.js';
import { nowIso } from '../open.js';
import { ServiceError } from '../../shared/errors.js';

// Lists are the modules, their detail lines and lookups: a few dozen. The bound keeps a client
// from filling the table with made-up list ids.
export const MAX_LAYOUTS_PER_USER = 200;

// Layouts are stored as the client sent them (validated by the contract); the client fits
// them to the module as it is now when it reads them back, so old layouts never break a list.

export function getLayout(db: DB, userId: number, listId: string): unknown {
  const text = db
    .prepare('SELECT layout FROM user_layouts WHERE user_id = ? AND list_id = ?')
    .pluck()
    .get(userId, listId) as string | undefined;
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

export function saveLayout(db: DB, userId: number, listId: string, layout: unknown): void {
  const save = db.transaction(() => {
    const known = db.prepare('SELECT 1 FROM user_layouts WHERE user_id = ? AND list_id = ?').get(userId, listId);
    const count = db.prepare('SELECT count(*) FROM user_layouts WHERE user_id = ?').pluck().get(userId) as number;
    if (!known && count >= MAX_LAYOUTS_PER_USER) {
      throw new ServiceError('INVALID_PARAMS', `At most ${MAX_LAYOUTS_PER_USER} list layouts are kept per user.`, {
        issues: [{ path: 'list', message: 'Too many different lists.' }],
      });
    }
    db.prepare(
      `INSERT INTO user_layouts (user_id, list_id, layout, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, list_id) DO UPDATE SET layout = excluded.layout, updated_at = excluded.updated_at`,
    ).run(userId, listId, JSON.stringify(layout), nowIso());
  });
  save.immediate();
}
