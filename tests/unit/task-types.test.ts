import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../db/backend.js';
import { generateDemo } from '../../db/demo/generate.js';
import { migrations } from '../../db/migrations/index.js';
import { openDatabase, type DB } from '../../db/open.js';
import { createUser } from '../../db/users.js';
import { failure } from './dispatch-fixture.js';

// Migration 005: every database has the six task types, so a clerk can create an order on a
// database that is not a demo database; demo databases keep (and agree with) theirs.

const SIX = [
  { code: 'repair', name: '维修', warrantyMonths: 12, sortOrder: 10, active: true },
  { code: 'install', name: '安装调试', warrantyMonths: 12, sortOrder: 20, active: true },
  { code: 'maintenance', name: '定期维护', warrantyMonths: 12, sortOrder: 30, active: true },
  { code: 'consult', name: '技术咨询', warrantyMonths: 0, sortOrder: 40, active: true },
  { code: 'training', name: '培训', warrantyMonths: 0, sortOrder: 50, active: true },
  { code: 'inspection', name: '巡检', warrantyMonths: 12, sortOrder: 60, active: true },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pim-task-types-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codes = (db: DB) => db.prepare('SELECT code FROM task_types ORDER BY sort_order, id').pluck().all();

describe('task types on every database (migration 005)', () => {
  it('a fresh database has the six, and a clerk can create an order on it', async () => {
    const db = openDatabase(join(dir, 'fresh.db'));
    try {
      const now = new Date('2026-06-30T10:00:00Z');
      const backend = new Backend(db, { now: () => now });
      await createUser(db, { username: 'lin', role: 'clerk', password: 'secret-123', displayName: '林' });
      await createUser(db, { username: 'boss', role: 'admin', password: 'secret-123' });
      const login = async (username: string) => (await backend.call('auth.login', { username, password: 'secret-123' })).token;
      const clerk = await login('lin');
      const admin = await login('boss');

      const { taskTypes } = await backend.call('taskTypes.list', {}, clerk);
      expect(taskTypes.map(({ id: _id, ...t }) => t)).toEqual(SIX);

      const { id: regionId } = await backend.call('regions.create', { parentId: null, name: '华东' }, clerk);
      const { orderNo } = await backend.call(
        'dispatch.create',
        {
          order: {
            contractId: null,
            customer: '无锡某机械厂',
            regionId,
            taskTypeId: taskTypes.find((t) => t.code === 'install')!.id,
            warranty: false,
            contact: '张工',
            phone: '13912345678',
            problem: '新设备安装',
            urgency: 'normal',
            expectedAt: null,
            engineerId: null,
          },
        },
        clerk,
      );
      expect((await backend.call('dispatch.get', { orderNo }, clerk)).order.taskType).toBe('安装调试');

      // Editable by an administrator only.
      const repair = taskTypes.find((t) => t.code === 'repair')!;
      expect((await failure(backend.call('taskTypes.save', { ...repair, name: '维修服务' }, clerk))).code).toBe('FORBIDDEN');
      await backend.call('taskTypes.save', { ...repair, name: '维修服务' }, admin);
      const { id } = await backend.call('taskTypes.save', { code: 'remote', name: '远程支持', warrantyMonths: 0, sortOrder: 70, active: true }, admin);
      expect((await backend.call('taskTypes.list', {}, clerk)).taskTypes.at(-1)).toMatchObject({ id, code: 'remote' });
      const clash = await failure(backend.call('taskTypes.save', { code: 'remote', name: 'x', warrantyMonths: 0, sortOrder: 1, active: true }, admin));
      expect(clash.code).toBe('INVALID_PARAMS');
      expect(clash.issues).toEqual([{ path: 'code', message: expect.stringMatching(/already/) }]);
    } finally {
      db.close();
    }
  });

  it('leaves a database that already has task types alone', () => {
    const file = join(dir, 'old.db');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version < 5) });
    old.prepare("INSERT INTO task_types (code, name) VALUES ('own', '自定义')").run();
    old.close();
    const db = openDatabase(file);
    expect(codes(db)).toEqual(['own']);
    db.close();
  });

  it('a demo database has the same six, with the ids its orders use', async () => {
    const db = openDatabase(join(dir, 'demo.db'));
    try {
      await generateDemo(db, { orders: 50, seed: 3, now: new Date('2026-06-30T10:00:00Z') });
      expect(codes(db)).toEqual(SIX.map((t) => t.code));
      expect(db.prepare('SELECT count(*) FROM task_types').pluck().get()).toBe(6);
      const orphans = db
        .prepare('SELECT count(*) FROM dispatch_orders o WHERE NOT EXISTS (SELECT 1 FROM task_types t WHERE t.id = o.task_type_id)')
        .pluck()
        .get();
      expect(orphans).toBe(0);
    } finally {
      db.close();
    }
  });
});
