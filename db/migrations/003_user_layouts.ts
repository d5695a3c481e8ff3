import type { Migration } from './index.js';

// Each user's arrangement of each list (columns, sort, grouping, merged cells, query panel),
// kept in the database so it follows the user to any desk.
export const userLayouts: Migration = {
  version: 3,
  name: 'user_layouts',
  sql: `
CREATE TABLE user_layouts (
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  list_id    TEXT NOT NULL,
  layout     TEXT NOT NULL CHECK (json_valid(layout)),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, list_id)
);
`,
};
