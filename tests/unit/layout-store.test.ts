import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backend } from '../../db/backend.js';
import { openDatabase, type DB } from '../../db/open.js';
import { createUser } from '../../db/users.js';
import { defaultLayout, normalizeLayout, type ListLayout } from '../../shared/grid/layout.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import type { ModuleDef } from '../../shared/modules/types.js';
import { ServiceError } from '../../shared/errors.js';
import { MAX_LAYOUTS_PER_USER } from '../../db/services/layouts.js';

describe('fitting a stored layout to the module', () => {
  const changed: ListLayout = {
    ...defaultLayout(dispatchModule),
    columns: [...defaultLayout(dispatchModule).columns].reverse().map((c) => (c.field === 'customer' ? { ...c, width: 333, hidden: true } : c)),
    sort: [{ field: 'customer', dir: 'asc' }],
    groupBy: ['region', 'status'],
    merged: ['customer'],
    groupPanel: false,
    query: { draft: { join: 'or', rows: [] }, open: true },
  };

  it('keeps everything the user arranged', () => {
    expect(normalizeLayout(dispatchModule, JSON.parse(JSON.stringify(changed)))).toEqual(changed);
  });

  it('falls back to the definition for anything unreadable', () => {
    expect(normalizeLayout(dispatchModule, null)).toEqual(defaultLayout(dispatchModule));
    expect(normalizeLayout(dispatchModule, { columns: 'x' })).toEqual(defaultLayout(dispatchModule));
  });

  it('drops fields that no longer exist and adds new columns after their neighbour', () => {
    const stored = {
      ...changed,
      columns: [{ field: 'gone', width: 100, hidden: false }, ...changed.columns.filter((c) => c.field !== 'phone')],
      sort: [{ field: 'gone', dir: 'asc' }, ...changed.sort],
      groupBy: ['gone', 'region'],
      merged: ['gone', 'customer', 'customer'],
    };
    const fitted = normalizeLayout(dispatchModule, stored);
    expect(fitted.columns.map((c) => c.field)).not.toContain('gone');
    expect(fitted.columns).toHaveLength(dispatchModule.columns.length);
    // phone follows contact in the definition; in the reversed layout it lands right after contact.
    const fields = fitted.columns.map((c) => c.field);
    expect(fields[fields.indexOf('contact') + 1]).toBe('phone');
    expect(fitted.sort).toEqual([{ field: 'customer', dir: 'asc' }]);
    expect(fitted.groupBy).toEqual(['region']);
    expect(fitted.merged).toEqual(['customer']);
  });

  it('refuses grouping by a column the definition says cannot be grouped', () => {
    const mod: ModuleDef = { ...dispatchModule, columns: dispatchModule.columns.map((c) => (c.field === 'problem' ? { ...c, groupable: false } : c)) };
    expect(normalizeLayout(mod, { ...changed, groupBy: ['problem', 'region'] }).groupBy).toEqual(['region']);
  });
});

describe('layouts kept per user and per list', () => {
  let dir: string;
  let db: DB;
  let backend: Backend;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pim-layout-'));
    db = openDatabase(join(dir, 'l.db'));
    await createUser(db, { username: 'li', displayName: '李', role: 'clerk', password: 'pw-li-123' });
    await createUser(db, { username: 'wang', displayName: '王', role: 'manager', password: 'pw-wang-123' });
    backend = new Backend(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a saved layout at the next login, separately for each user and list', async () => {
    const li = (await backend.call('auth.login', { username: 'li', password: 'pw-li-123' })).token;
    const wang = (await backend.call('auth.login', { username: 'wang', password: 'pw-wang-123' })).token;
    const mine = { ...defaultLayout(dispatchModule), groupBy: ['region'], merged: ['customer'] };
    await backend.call('layout.save', { list: 'dispatch', layout: mine }, li);
    expect((await backend.call('layout.get', { list: 'dispatch' }, wang)).layout).toBeNull();
    expect((await backend.call('layout.get', { list: 'content' }, li)).layout).toBeNull();

    await backend.call('auth.logout', {}, li);
    const again = (await backend.call('auth.login', { username: 'li', password: 'pw-li-123' })).token;
    expect((await backend.call('layout.get', { list: 'dispatch' }, again)).layout).toEqual(mine);

    // A later save replaces the earlier one.
    const reset = defaultLayout(dispatchModule);
    await backend.call('layout.save', { list: 'dispatch', layout: reset }, again);
    expect(normalizeLayout(dispatchModule, (await backend.call('layout.get', { list: 'dispatch' }, again)).layout)).toEqual(reset);
  });

  it('keeps at most a bounded number of lists per user, still updating the ones it has', async () => {
    const li = (await backend.call('auth.login', { username: 'li', password: 'pw-li-123' })).token;
    const layout = defaultLayout(dispatchModule);
    for (let i = 0; i < MAX_LAYOUTS_PER_USER; i++) await backend.call('layout.save', { list: `list-${i}`, layout }, li);
    await expect(backend.call('layout.save', { list: 'one-more', layout }, li)).rejects.toSatisfy((e) => e instanceof ServiceError && e.code === 'INVALID_PARAMS');
    await backend.call('layout.save', { list: 'list-7', layout: { ...layout, groupBy: ['region'] } }, li);
    expect((await backend.call('layout.get', { list: 'list-7' }, li)).layout).toMatchObject({ groupBy: ['region'] });
  });

  it('refuses malformed layouts and list ids with INVALID_PARAMS, keeping the saved one', async () => {
    const li = (await backend.call('auth.login', { username: 'li', password: 'pw-li-123' })).token;
    const good = defaultLayout(dispatchModule);
    await backend.call('layout.save', { list: 'dispatch', layout: good }, li);
    const bad = [
      { list: 'dispatch', layout: { ...good, groupBy: ['a', 'b', 'c', 'd'] } },
      { list: 'dispatch', layout: { ...good, columns: [{ field: 'x', width: -5, hidden: false }] } },
      { list: '../etc', layout: good },
      { list: 'dispatch', layout: { ...good, query: { draft: 'x'.repeat(20_000) } } },
      { list: 'dispatch', layout: { ...good, sort: Array.from({ length: 6 }, (_, i) => ({ field: `f${i}`, dir: 'asc' })) } },
    ];
    for (const params of bad) {
      await expect(backend.call('layout.save', params as never, li)).rejects.toSatisfy((e) => e instanceof ServiceError && e.code === 'INVALID_PARAMS');
    }
    expect((await backend.call('layout.get', { list: 'dispatch' }, li)).layout).toEqual(good);
    await expect(backend.call('layout.get', { list: 'dispatch' }, null)).rejects.toSatisfy((e) => e instanceof ServiceError && e.code === 'UNAUTHENTICATED');
  });
});
