import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeDemo, makeDemo, openLoggedIn, screenshot, shotIfFailed, startDemo, type Demo } from '../helpers/e2e.js';
import { startServerProcess } from '../helpers/spawn.js';
import { Backend } from '../../db/backend.js';
import { openDatabase } from '../../db/open.js';

// Live updates (issue 10) in Debian's Chromium: two desks, each its own browser context and
// user, against the real server. Desk A (the clerk) creates an urgent order: desk B's dispatch
// list says "1 条新增/修改 — F5 刷新" and the manager is told of the urgent order once; F5 brings it.
// With B's order window open, A changes the order: B's window says "修改于 … by …" and keeps what
// B is typing; reload shows A's change. With auto-refresh on, B's list refreshes by itself. When
// B's socket was away, it is sent what it missed at reconnect (counted like live changes), and
// told "可能已过期" only when that cannot be done. A desk that logs in later is told of the urgent
// order at login; a desk whose session is logged out elsewhere goes back to the login dialog.

let demo: Demo;
let a: Page; // desk A: the clerk
let b: Page; // desk B: the manager

async function openDesk(username: string): Promise<Page> {
  const { page } = await openLoggedIn(demo, username);
  await page.waitForSelector('[data-testid="message-status"][data-status="connected"]', { timeout: 20_000 });
  return page;
}

/** Calls the contract from a desk's page with its own session (so the change is that desk's). */
async function callAs<T>(page: Page, method: string, params: unknown): Promise<T> {
  return page.evaluate(
    async ([m, p]) => {
      const { token } = JSON.parse(sessionStorage.getItem('pim.session') ?? '{}') as { token: string };
      const res = await fetch(`/api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(p) });
      const body = await res.json();
      if (!res.ok) throw new Error(`${m}: ${JSON.stringify(body)}`);
      return body;
    },
    [method, params] as const,
  ) as Promise<T>;
}

async function newOrder(page: Page, customer: string, urgency: 'normal' | 'urgent'): Promise<string> {
  const { nodes } = await callAs<{ nodes: { id: number; parentId: number | null }[] }>(page, 'regions.tree', {});
  const region = nodes.find((r) => r.parentId !== null) ?? nodes[0];
  const types = await callAs<{ taskTypes: { id: number; active: boolean }[] }>(page, 'taskTypes.list', {});
  const { orderNo } = await callAs<{ orderNo: string }>(page, 'dispatch.create', {
    order: {
      contractId: null,
      customer,
      regionId: region.id,
      taskTypeId: types.taskTypes.find((t) => t.active)!.id,
      warranty: false,
      contact: '王工',
      phone: '13800138000',
      problem: '设备停机，需要立即到场',
      urgency,
      expectedAt: null,
      engineerId: null,
    },
  });
  return orderNo;
}

const listNotice = (page: Page) => page.locator('[data-testid="module-view-dispatch"] [data-testid="list-change-notice"]');
const rowKeys = async (page: Page) => JSON.parse((await page.locator('[data-testid="module-view-dispatch"] [data-testid="data-grid"]').getAttribute('data-row-keys')) ?? '[]') as string[];

describe('live updates between two desks in Chromium', () => {
  beforeAll(async () => {
    demo = await makeDemo('pim-e2e-live-', 300);
    // A quiet start: demo orders taken in the last day may be urgent and still pending, which a
    // clerk or manager is told of at login; here the only urgent orders are the test's own.
    const quiet = openDatabase(demo.dbFile);
    try {
      quiet.prepare("UPDATE dispatch_orders SET urgency = 'normal' WHERE urgency = 'urgent' AND status = 'pending'").run();
    } finally {
      quiet.close();
    }
    await startDemo(demo);
    a = await openDesk('clerk');
    b = await openDesk('manager');
  }, 240_000);

  afterEach(async (ctx) => {
    await shotIfFailed(ctx, b, 'failed-live-b-').catch(() => {});
    await shotIfFailed(ctx, a, 'failed-live-a-').catch(() => {});
  });

  afterAll(() => closeDemo(demo));

  let orderNo = '';

  it('desk A creates an urgent order: desk B\'s list shows the notice, the manager is told once; F5 brings it', async () => {
    await expect(listNotice(b).getAttribute('data-count')).resolves.toBe('0');
    orderNo = await newOrder(a, '实时客户（紧急）', 'urgent');

    await b.waitForSelector('[data-testid="module-view-dispatch"] [data-testid="list-change-notice"][data-count="1"]');
    const text = await b.getByTestId('list-change-text').innerText();
    expect(text).toBe('1 条新增/修改 — F5 刷新');
    expect(await rowKeys(b)).not.toContain(orderNo);
    // The urgent order pops up for the manager, once.
    const notice = b.locator(`[data-testid="live-notice"][data-key="urgent:${orderNo}"]`);
    await notice.waitFor();
    expect(await notice.innerText()).toContain(orderNo);
    expect(await notice.innerText()).toContain('实时客户（紧急）');
    await screenshot(b, 'live-list-notice.png');

    // Desk A made it: its own list counts nothing, and no popup.
    await expect(listNotice(a).getAttribute('data-count')).resolves.toBe('0');
    expect(await a.getByTestId('live-notices').count()).toBe(0);

    await b.getByTestId('live-notices-ok').click();
    await b.getByTestId('live-notices').waitFor({ state: 'detached' });
    await b.keyboard.press('F5');
    await b.waitForFunction((no) => (document.querySelector('[data-testid="module-view-dispatch"] [data-testid="data-grid"]')?.getAttribute('data-row-keys') ?? '').includes(no), orderNo);
    await b.waitForSelector('[data-testid="module-view-dispatch"] [data-testid="list-change-notice"][data-count="0"]');
    expect(await b.getByTestId('list-change-text').count()).toBe(0);
  });

  it('desk B\'s open order window says who changed the order at desk A, keeps what B types, and reloads on request', async () => {
    await b.locator(`.ag-row[row-id="${orderNo}"] .ag-cell[col-id="customer"]`).click();
    await b.keyboard.press('Enter');
    await b.getByTestId('order-detail').waitFor();
    await b.waitForSelector('[data-testid="order-status"][data-status="pending"]');
    expect(await b.getByTestId('order-change-notice').count()).toBe(0);

    // B starts a content line and types in it.
    await b.getByTestId('order-tab-content').click();
    await b.locator('[data-testid="lines-table"][data-kind="content"]').waitFor();
    await b.keyboard.press('Insert');
    await b.getByTestId('line-0-workDone').fill('正在填写的处理过程');

    // Meanwhile desk A saves a fee line on the order (its row version goes to 2).
    await callAs(a, 'dispatch.saveFees', { orderNo, rowVersion: 1, lines: [{ feeType: 'travel', amountFen: 5000, payer: 'customer', settled: false, settledOn: null, remarks: '' }] });

    const notice = b.getByTestId('order-change-notice');
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toMatch(/^修改于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} by 陈晓燕（保存售服费用）/);
    // Nothing replaced: the window still shows what it loaded, B's typing stays.
    await expect(b.getByTestId('order-detail').getAttribute('data-row-version')).resolves.toBe('1');
    expect(await b.getByTestId('line-0-workDone').inputValue()).toBe('正在填写的处理过程');
    await screenshot(b, 'live-order-notice.png');

    await b.getByTestId('order-change-reload').click();
    await b.waitForSelector('[data-testid="order-detail"][data-row-version="2"]');
    await notice.waitFor({ state: 'detached' });
    // Reloading kept the unsaved line as typed; the lines editor says the order changed since the editing began.
    await b.waitForTimeout(500);
    expect(await b.getByTestId('line-0-workDone').inputValue()).toBe('正在填写的处理过程');
    await screenshot(b, 'live-order-reloaded.png');
    // A's fee line is in the reloaded order.
    await expect(b.getByTestId('order-tab-fees').innerText()).resolves.toMatch(/1$/);
  });

  it('with auto-refresh on, desk B\'s list refreshes by itself once nothing is being edited', async () => {
    // Drop B's unsaved line and close the window.
    await b.getByTestId('order-close').click();
    await b.getByTestId('confirm-discard').click();
    await b.getByTestId('order-detail').waitFor({ state: 'detached' });

    await listNotice(b).getByTestId('list-auto-refresh').check();
    // The choice is kept for this user.
    expect(await b.evaluate(() => localStorage.getItem('pim.live.autoRefresh.manager'))).toBe('1');
    const seqBefore = await b.getByTestId('result-bar').getAttribute('data-seq');
    const second = await newOrder(a, '实时客户（自动刷新）', 'normal');
    await b.waitForFunction((no) => (document.querySelector('[data-testid="module-view-dispatch"] [data-testid="data-grid"]')?.getAttribute('data-row-keys') ?? '').includes(no), second, { timeout: 10_000 });
    expect(await b.getByTestId('result-bar').getAttribute('data-seq')).not.toBe(seqBefore);
    await b.waitForSelector('[data-testid="module-view-dispatch"] [data-testid="list-change-notice"][data-count="0"]');
    // A normal order is not a notice.
    expect(await b.getByTestId('live-notices').count()).toBe(0);
  });

  /**
   * Stops the server, writes orders from another process while desk B cannot hear of them
   * (`prune`: then drops every change_log row but the newest, as the log's pruning of old rows
   * would), starts the server again on the same port and waits for desk B to reconnect.
   * Returns the order numbers.
   */
  async function writeWhileAway(customers: string[], prune: boolean): Promise<string[]> {
    const port = Number(new URL(demo.server!.url).port);
    await demo.server!.stop();
    await b.waitForSelector('[data-testid="message-status"][data-status="disconnected"], [data-testid="message-status"][data-status="connecting"]');
    const db = openDatabase(demo.dbFile);
    const missed: string[] = [];
    try {
      const core = new Backend(db);
      const { token } = await core.call('auth.login', { username: 'clerk', password: 'demo123' });
      const one = (sql: string) => db.prepare(sql).pluck().get() as number;
      for (const customer of customers) {
        const created = await core.call(
          'dispatch.create',
          {
            order: {
              contractId: null, customer, regionId: one('SELECT id FROM sales_regions WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1'),
              taskTypeId: one('SELECT id FROM task_types WHERE active = 1 ORDER BY id LIMIT 1'), warranty: false, contact: '李工', phone: '13900139000',
              problem: '离线测试', urgency: 'normal', expectedAt: null, engineerId: null,
            },
          },
          token,
        );
        missed.push(created.orderNo);
      }
      if (prune) db.prepare('DELETE FROM change_log WHERE seq < (SELECT max(seq) FROM change_log)').run();
    } finally {
      db.close();
    }
    demo.server = await startServerProcess(demo.dbFile, port);
    await b.waitForSelector('[data-testid="message-status"][data-status="connected"]', { timeout: 40_000 });
    return missed;
  }

  it('desk B is sent what it missed while its socket was away (the server was down while the database changed), counted like live changes', async () => {
    await listNotice(b).getByTestId('list-auto-refresh').uncheck();
    const [missed] = await writeWhileAway(['离线期间的客户'], false);
    await b.waitForSelector('[data-testid="module-view-dispatch"] [data-testid="list-change-notice"][data-count="1"]');
    await expect(listNotice(b).getAttribute('data-stale')).resolves.toBe('false');
    expect(await b.getByTestId('list-change-text').innerText()).toBe('1 条新增/修改 — F5 刷新');
    expect(await rowKeys(b)).not.toContain(missed);
    await b.keyboard.press('F5');
    await b.waitForFunction((no) => (document.querySelector('[data-testid="module-view-dispatch"] [data-testid="data-grid"]')?.getAttribute('data-row-keys') ?? '').includes(no), missed);
    await b.waitForSelector('[data-testid="module-view-dispatch"] [data-testid="list-change-notice"][data-count="0"]');
  }, 90_000);

  it('desk B\'s list says it may be out of date when what it missed can no longer be sent (the log was pruned)', async () => {
    const [missed] = await writeWhileAway(['离线期间的客户（日志已清理）', '离线期间的客户（最新）'], true);
    await b.waitForSelector('[data-testid="module-view-dispatch"] [data-testid="list-change-notice"][data-stale="true"]');
    expect(await b.getByTestId('list-change-text').innerText()).toContain('可能已过期');
    expect(await rowKeys(b)).not.toContain(missed);
    await screenshot(b, 'live-list-stale.png');
    await b.getByTestId('list-change-refresh').click();
    await b.waitForSelector('[data-testid="module-view-dispatch"] [data-testid="list-change-notice"][data-stale="false"]');
    // The notice is cleared when the refresh starts; the rows come with its answer: polled.
    await b.waitForFunction((no) => (document.querySelector('[data-testid="module-view-dispatch"] [data-testid="data-grid"]')?.getAttribute('data-row-keys') ?? '').includes(no), missed);
    expect(await rowKeys(b)).toContain(missed);
  }, 90_000);

  it('a manager who logs in after the urgent order was made is told of it at login; logged out elsewhere, that desk returns to the login dialog', async () => {
    const c = await openDesk('manager');
    const notice = c.locator(`[data-testid="live-notice"][data-key="urgent:${orderNo}"]`);
    await notice.waitFor();
    expect(await notice.innerText()).toContain('实时客户（紧急）');
    expect(await c.locator('[data-testid="live-notice"][data-type="urgentOrder"]').count()).toBe(1);

    // The session ends at another place (here: a logout with its token): the socket is closed
    // "signed out" and the desk goes back to the login dialog saying so.
    const { token } = JSON.parse((await c.evaluate(() => sessionStorage.getItem('pim.session'))) ?? '{}') as { token: string };
    const res = await fetch(`${demo.server!.url}/api/auth.logout`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}' });
    expect(res.status).toBe(200);
    await c.getByTestId('login-notice').waitFor();
    expect(await c.getByTestId('login-notice').innerText()).toBe('尚未登录或登录已失效，请重新登录。');
  }, 60_000);
});
