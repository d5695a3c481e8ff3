import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIRST_START_DEMO_ORDERS, openLocalDatabase } from '../../db/local-database.js';
import { defaultDataDir } from '../../db/data-dir.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the local database of this computer', () => {
  it('is created with demo data on first start and only opened afterwards', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pim-local-'));
    const file = join(dir, 'nested', 'pim-aftersales.db');
    const first = await openLocalDatabase(file);
    expect(first.prepare('SELECT count(*) AS n FROM dispatch_orders').get()).toEqual({ n: FIRST_START_DEMO_ORDERS });
    first.prepare("UPDATE users SET display_name = 'kept' WHERE username = 'clerk'").run();
    first.close();
    const again = await openLocalDatabase(file);
    expect(again.prepare("SELECT display_name FROM users WHERE username = 'clerk'").get()).toEqual({ display_name: 'kept' });
    again.close();
    // No temporary file is left beside it.
    expect(readdirSync(join(dir, 'nested')).filter((f) => f.includes('creating'))).toEqual([]);
  }, 180_000); // builds a demo database (orders, warehouse, search indexes): slow on a loaded machine

  it('lives in the per-user data folder, which PIM_DATA_DIR overrides', () => {
    expect(defaultDataDir({ PIM_DATA_DIR: '/x/y' }, 'linux')).toBe('/x/y');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/home/a/.config' }, 'linux')).toBe('/home/a/.config/pim-aftersales');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain('pim-aftersales');
  });
});
