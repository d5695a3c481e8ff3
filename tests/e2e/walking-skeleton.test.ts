import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { CHROMIUM as CHROMIUM_PATH } from '../../scripts/ensure-chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDemo, logIn, makeDemo, newDesk, screenshot, startDemo, type Demo } from '../helpers/e2e.js';

// The walking skeleton end to end in Debian's Chromium: the real server on a fresh demo
// database serves the built client; a clerk logs in, lists and queries dispatch orders.
// Expected rows are computed here from the database file, not through the app's query code.

const CHROMIUM = CHROMIUM_PATH;
const ORDERS = 3000;
const CAP = 200;
// The quick search spans these order fields (issue 2: order no, customer, contract, part/device no).
const QUICK_FIELDS = ['order_no', 'customer', 'contract_no', 'device_part_no', 'device_serial_no'] as const;

// AG Grid renders only the rows in view, each as [role=row] with the row id (the order no).
const ROWS = '[data-testid="data-grid"] [role="row"][row-id]:not([row-id="__footer"])';

type OrderRow = Record<(typeof QUICK_FIELDS)[number], string | null>;

let demo: Demo;
let page: Page;
let orders: OrderRow[] = [];
let totalOrders = 0;

/** The legacy `*` rule, written independently: pieces in order, anywhere, case-insensitive. */
function wildcardRegExp(pattern: string): RegExp {
  const pieces = pattern
    .split('*')
    .filter((p) => p.length > 0)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(pieces.join('.*'), 'is');
}

function expectedOrderNos(pattern: string): string[] {
  const re = wildcardRegExp(pattern);
  return orders.filter((o) => QUICK_FIELDS.some((f) => o[f] !== null && re.test(o[f] as string))).map((o) => o.order_no as string);
}

const shot = (name: string) => screenshot(page, name);

/** Waits until the result bar shows a finished query for `pattern`. */
async function waitForResult(pattern: string): Promise<{ total: number; shown: number; capped: boolean; text: string }> {
  const bar = page.getByTestId('result-bar');
  await page.waitForFunction(
    (p) => {
      const el = document.querySelector('[data-testid="result-bar"]');
      return el?.getAttribute('data-state') === 'done' && el.getAttribute('data-pattern') === p;
    },
    pattern,
    { timeout: 20_000 },
  );
  return {
    total: Number(await bar.getAttribute('data-total')),
    shown: Number(await bar.getAttribute('data-shown')),
    capped: (await bar.getAttribute('data-capped')) === 'true',
    text: (await page.getByTestId('result-text').innerText()).trim(),
  };
}

/** Every row key the grid holds, and the keys of the rows it has rendered. */
async function gridKeys(): Promise<{ all: string[]; rendered: string[] }> {
  const grid = page.getByTestId('data-grid');
  const all = JSON.parse((await grid.getAttribute('data-row-keys')) ?? '[]') as string[];
  const rendered = await page.$$eval(ROWS, (els) => els.map((e) => e.getAttribute('row-id') ?? ''));
  return { all, rendered: [...new Set(rendered)] };
}

async function runQuery(pattern: string) {
  const input = page.getByTestId('query-input');
  await input.fill(pattern);
  await input.press('Enter');
  return waitForResult(pattern);
}

describe('walking skeleton in Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Debian Chromium is missing at ${CHROMIUM}: apt-get install -y chromium fonts-wqy-microhei`);
    demo = await makeDemo('pim-e2e-', ORDERS);

    const db = new Database(demo.dbFile, { readonly: true });
    totalOrders = (db.prepare('SELECT COUNT(*) AS n FROM dispatch_orders').get() as { n: number }).n;
    orders = db.prepare(`SELECT ${QUICK_FIELDS.join(', ')} FROM dispatch_orders`).all() as OrderRow[];
    db.close();

    await startDemo(demo);
    // A fresh context, not logged in: the tests go through the login dialog themselves, with
    // Playwright's own timeouts.
    ({ page } = await newDesk(demo, { height: 768 }));
  }, 240_000);

  afterAll(() => closeDemo(demo));

  it('opens on the Chinese login dialog, talking to the server that served it', async () => {
    expect(totalOrders).toBe(ORDERS);
    await page.goto(`${demo.server!.url}/`);
    const dialog = page.getByTestId('login-dialog');
    await dialog.waitFor();
    await expect(dialog.innerText()).resolves.toContain('系统登录');
    await expect(page.getByLabel('用户名').count()).resolves.toBe(1);
    const port = new URL(demo.server!.url).port;
    await expect(page.getByTestId('login-connection').innerText()).resolves.toContain(`服务器 127.0.0.1:${port}`);
    await page.getByTestId('login-username').focus();
    await shot('login.png');
  });

  it('settings refuse port 70000 next to the field and keep the previous settings', async () => {
    const port = new URL(demo.server!.url).port;
    await page.getByTestId('login-settings').click();
    const dialog = page.getByTestId('settings-dialog');
    await dialog.waitFor();
    // In a browser the local database belongs to the desktop client.
    await expect(page.getByTestId('settings-mode-local').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('settings-mode-server').isChecked()).resolves.toBe(true);
    await expect(page.getByTestId('settings-data-host').inputValue()).resolves.toBe('127.0.0.1');
    await expect(page.getByTestId('settings-data-port').inputValue()).resolves.toBe(port);

    // Test connection on each endpoint against the real server.
    for (const name of ['data', 'auth', 'message']) {
      await page.getByTestId(`settings-${name}-test`).click();
      const status = page.getByTestId(`settings-${name}-test-status`);
      await page.waitForFunction((n) => !document.querySelector(`[data-testid="settings-${n}-test-status"]`)?.classList.contains('testing'), name);
      await expect(status.innerText()).resolves.toMatch(/^连接成功/);
    }
    await shot('settings.png');

    // Saving the shown (valid) settings keeps them on this machine.
    await page.getByTestId('settings-save').click();
    await dialog.waitFor({ state: 'detached' });
    const saved = await page.evaluate(() => localStorage.getItem('pim.connection'));
    expect(JSON.parse(saved ?? '{}')).toMatchObject({ mode: 'server', data: { host: '127.0.0.1', port: Number(port) } });

    await page.getByTestId('login-settings').click();
    await dialog.waitFor();
    await page.getByTestId('settings-data-port').fill('70000');
    const error = page.getByTestId('settings-data-port-error');
    await expect(error.innerText()).resolves.toBe('端口应为 1–65535。');
    // The message sits next to the field: directly below the port input, within its column.
    const inputBox = (await page.getByTestId('settings-data-port').boundingBox())!;
    const errorBox = (await error.boundingBox())!;
    expect(errorBox.y).toBeGreaterThanOrEqual(inputBox.y + inputBox.height - 1);
    expect(errorBox.y).toBeLessThan(inputBox.y + inputBox.height + 30);
    expect(Math.abs(errorBox.x - inputBox.x)).toBeLessThan(4);

    await page.getByTestId('settings-save').click();
    await expect(dialog.isVisible()).resolves.toBe(true);
    await page.getByTestId('settings-save-error').waitFor();
    await shot('settings-error.png');
    expect(await page.evaluate(() => localStorage.getItem('pim.connection'))).toBe(saved);

    await page.getByTestId('settings-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('login-settings').click();
    await dialog.waitFor();
    await expect(page.getByTestId('settings-data-port').inputValue()).resolves.toBe(port);
    await expect(page.getByTestId('settings-auth-port').inputValue()).resolves.toBe(port);
    await expect(page.getByTestId('settings-message-port').inputValue()).resolves.toBe(port);
    await expect(page.getByTestId('settings-data-port-error').count()).resolves.toBe(0);
    await page.getByTestId('settings-cancel').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('a wrong password shows the error in the dialog', async () => {
    await page.getByTestId('login-username').fill('clerk');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-password').press('Enter');
    const error = page.getByTestId('login-error');
    await page.waitForFunction(() => !document.querySelector('[data-testid="login-error"]')?.hasAttribute('hidden'));
    await expect(error.innerText()).resolves.toBe('用户名或密码错误。');
    await expect(page.getByTestId('login-dialog').isVisible()).resolves.toBe(true);
  });

  it('the clerk logs in and sees 200 dispatch orders with the capped notice', async () => {
    await logIn(page, 'clerk');
    await page.getByTestId('shell').waitFor();
    const result = await waitForResult('');
    expect(result).toMatchObject({ total: totalOrders, shown: CAP, capped: true });
    expect(result.text).toBe(`显示 200 / 共 ${totalOrders.toLocaleString('zh-CN')} 条 — 请细化查询条件，或导出全部`);

    const { all, rendered } = await gridKeys();
    expect(all).toHaveLength(CAP);
    expect(new Set(all).size).toBe(CAP);
    expect(rendered.length).toBeGreaterThan(10);
    expect(all.slice(0, rendered.length)).toEqual(expect.arrayContaining(rendered));

    // Seven modules with the legacy names; header shows user, role and connection.
    const nav = await page.locator('.shell-nav ul').first().locator('.nav-label').allInnerTexts();
    expect(nav).toEqual(['售服派工单管理', '售服内容管理', '售服费用管理', '售服材料管理', '售服材料领用', '售服退料管理', '欠件放行跟踪']);
    // Below them, the store's lists (仓库).
    await expect(page.getByTestId('nav-store').locator('.nav-label').allInnerTexts()).resolves.toEqual(['库存余额', '库存流水', '物料档案']);
    await expect(page.getByTestId('user-role').innerText()).resolves.toBe('售后文员');
    await expect(page.getByTestId('connection-label').innerText()).resolves.toContain('127.0.0.1');
    await page.waitForFunction(() => document.querySelector('[data-testid="message-status"]')?.getAttribute('data-status') === 'connected');
    // Translated headers and values, no raw keys.
    const headers = await page.locator('.ag-header-cell-text').allInnerTexts();
    expect(headers.slice(0, 3)).toEqual(['派工单号', '状态', '客户']);
    const statuses = await page.locator(`${ROWS} [col-id="status"]`).allInnerTexts();
    for (const s of statuses) expect(['待处理', '已派工', '处理中', '已完成', '已回访', '已取消']).toContain(s);
    expect(await page.locator('body').innerText()).not.toMatch(/\b(dispatch|modules|result|query|errors)\.[a-z_]+/);
    await shot('dispatch-list.png');
  });

  it('a wildcard part-number query returns exactly the expected orders', async () => {
    // A pattern shaped like the manual's `2by*5084*4*1`, made from a real part number, selective
    // enough that every matching row is on screen at once.
    const db = new Database(demo.dbFile, { readonly: true });
    const parts = (db.prepare('SELECT DISTINCT device_part_no AS p FROM dispatch_orders WHERE device_part_no IS NOT NULL ORDER BY p').all() as { p: string }[]).map((r) => r.p);
    db.close();
    let pattern = '';
    let expected: string[] = [];
    for (const part of parts) {
      const [a, b, c, d] = part.split('.');
      if (!a || !b || !c || !d) continue;
      const candidate = `${a.toLowerCase()}*${b}*${c.slice(-1)}*${d}`;
      const matches = expectedOrderNos(candidate);
      if (matches.length >= 2 && matches.length <= 15) {
        pattern = candidate;
        expected = matches;
        break;
      }
    }
    expect(pattern, 'no part number gave a selective pattern').not.toBe('');

    const result = await runQuery(pattern);
    expect(result).toMatchObject({ total: expected.length, shown: expected.length, capped: false });
    expect(result.text).toBe(`共 ${expected.length} 条`);
    // Every matching row is rendered on screen, with its order number in the first column.
    await page.waitForFunction(
      ({ selector, n }) => new Set([...document.querySelectorAll(selector)].map((e) => e.getAttribute('row-id'))).size === n,
      { selector: ROWS, n: expected.length },
      { timeout: 5000 },
    );
    const { all, rendered } = await gridKeys();
    expect([...all].sort()).toEqual([...expected].sort());
    expect([...rendered].sort()).toEqual([...expected].sort());
    const cells = await page.locator(`${ROWS} [col-id="order_no"]`).allInnerTexts();
    expect([...cells].sort()).toEqual([...expected].sort());
    await shot('dispatch-query.png');
  });

  it('a Chinese customer fragment with * matches across the whole list', async () => {
    const customer = orders[0].customer as string;
    const pattern = `${customer.slice(0, 2)}*${customer.slice(-2)}`;
    const expected = expectedOrderNos(pattern);
    expect(expected.length).toBeGreaterThan(0);
    const result = await runQuery(pattern);
    expect(result.total).toBe(expected.length);
    expect(result.capped).toBe(expected.length > CAP);
    const { all } = await gridKeys();
    if (expected.length <= CAP) expect([...all].sort()).toEqual([...expected].sort());
    else for (const key of all) expect(expected).toContain(key);
  });

  it('F5 runs the current query again without reloading the page', async () => {
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
    const pattern = (await page.getByTestId('result-bar').getAttribute('data-pattern')) ?? '';
    await page.locator(`${ROWS} [col-id="customer"]`).first().click();
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/dispatch.query'), { timeout: 10_000 }),
      page.keyboard.press('F5'),
    ]);
    expect(JSON.parse(request.postData() ?? '{}')).toMatchObject({ conditions: pattern ? [{ field: 'any', op: 'contains', value: pattern }] : [] });
    await waitForResult(pattern);
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
  });

  it('switching to English changes the labels, and the choice is kept', async () => {
    await runQuery(''); // the whole list again, capped
    await page.getByTestId('language-select').selectOption('en');
    await page.waitForFunction(() => document.querySelector('[data-testid="nav-dispatch"]')?.textContent?.includes('Dispatch orders'));
    const headers = await page.locator('.ag-header-cell-text').allInnerTexts();
    expect(headers.slice(0, 3)).toEqual(['Order no.', 'Status', 'Customer']);
    await expect(page.getByTestId('result-text').innerText()).resolves.toBe(`200 of ${totalOrders.toLocaleString('en')} shown — refine the query or export all`);
    await expect(page.getByTestId('user-role').innerText()).resolves.toBe('After-sales clerk');
    const statuses = await page.locator(`${ROWS} [col-id="status"]`).allInnerTexts();
    for (const s of statuses) expect(['Pending', 'Dispatched', 'In progress', 'Completed', 'Visited', 'Cancelled']).toContain(s);
    await shot('dispatch-list-en.png');

    // A reload keeps the language (this machine) and the session (this window).
    await page.reload();
    await page.getByTestId('shell').waitFor();
    await waitForResult('');
    await expect(page.getByTestId('nav-dispatch').innerText()).resolves.toContain('Dispatch orders');
  });

  it('log out returns to the login dialog', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-dialog').waitFor();
    await expect(page.getByTestId('login-notice').innerText()).resolves.toBe('You have logged out.');
    await page.getByTestId('language-select').selectOption('zh-CN');
    await expect(page.getByTestId('login-submit').innerText()).resolves.toBe('登录');
  });

  it('an expired session brings the login dialog back with the reason', async () => {
    await page.getByTestId('login-username').fill('clerk');
    await page.getByTestId('login-password').fill('demo123');
    await page.getByTestId('login-password').press('Enter');
    await page.getByTestId('shell').waitFor();
    await waitForResult('');
    const db = new Database(demo.dbFile);
    db.prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    db.close();
    await page.keyboard.press('F5');
    await page.getByTestId('login-dialog').waitFor();
    await expect(page.getByTestId('login-notice').innerText()).resolves.toBe('登录已过期，请重新登录。');
  });

  it('a server that cannot be reached is named in the error', async () => {
    const address = new URL(demo.server!.url).host;
    await demo.server!.stop();
    await logIn(page, 'clerk');
    await page.waitForFunction(() => !document.querySelector('[data-testid="login-error"]')?.hasAttribute('hidden'));
    await expect(page.getByTestId('login-error').innerText()).resolves.toContain(`无法连接服务器 ${address}`);
  });
});
