import type { Migration } from './index.js';

// 任务类型 on every database (issue 4: "a maintained list … editable by an administrator").
// Before this, only demo databases had task types, so no order could be created on a real one.
// Seeded only when the table is empty: a database that already has task types (a demo database
// generated before this migration, or one an administrator has filled) keeps its own.
// Codes, names, warranty months and sort order agree with resources/demo/tasks.json, so the demo
// generator finds these rows by code instead of inserting its own.
export const taskTypes: Migration = {
  version: 5,
  name: 'task_types',
  sql: `
INSERT INTO task_types (id, code, name, warranty_months, sort_order, active)
SELECT column1, column2, column3, column4, column5, 1 FROM (VALUES
  (1, 'repair',      '维修',     12, 10),
  (2, 'install',     '安装调试', 12, 20),
  (3, 'maintenance', '定期维护', 12, 30),
  (4, 'consult',     '技术咨询',  0, 40),
  (5, 'training',    '培训',      0, 50),
  (6, 'inspection',  '巡检',     12, 60)
)
WHERE NOT EXISTS (SELECT 1 FROM task_types);
`,
};
