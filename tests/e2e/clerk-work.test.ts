import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeDemo, makeDemo, openLoggedIn, screenshot, readDemo, shotIfFailed, startDemo, type Demo } from '../helpers/e2e.js';

// The clerk's work (issue 4) in Debian's Chromium against the real server: create an order
// through the window (contract lookup with a `*` search, a region created by right-click in the
// tree, task type, 三包), see it in the list with its SN number, add content and fee lines with
// Insert and Ctrl+S, try to delete it, complete it and record the return visit.

let demo: Demo;
let page: Page;
let orderNo = '';

const shot = (name: string) => screenshot(page, name);

const db = <T>(read: (d: Database.Database) => T): T => readDemo(demo, read);

async function waitForList(): Promise<void> {
  await page.waitForSelector('[data-testid="result-bar"][data-state="done"]', { timeout: 20_000 });
}

async function listKeys(): Promise<string[]> {
  return JSON.parse((await page.getByTestId('data-grid').getAttribute('data-row-keys')) ?? '[]') as string[];
}

describe('the clerk creates and works an order in Chromium', () => {
  beforeAll(async () => {
    demo = await makeDemo('pim-e2e-clerk-', 800);
    await startDemo(demo);
    ({ page } = await openLoggedIn(demo, 'clerk'));
    await waitForList();
  }, 240_000);

  afterEach((ctx) => shotIfFailed(ctx, page, 'failed-clerk-'));

  afterAll(() => closeDemo(demo));

  it('creates an order: contract by * lookup, a region made by right-click in the tree, task type, 三包', async () => {
    await page.getByTestId('cmd-new').click();
    await page.getByTestId('dispatch-editor').waitFor();

    // Contract lookup with a `*` search: every result matches, the pick fills the order.
    await page.getByTestId('editor-contract-pick').click();
    await page.getByTestId('contract-lookup').waitFor();
    await page.getByTestId('lookup-contract-no').fill('ht2023*0001');
    await page.getByTestId('lookup-run').click();
    // The lookup's rows are keyed by contract id; the pattern matches anywhere, case ignored.
    const expected = db((d) => d.prepare("SELECT id FROM sales_contracts WHERE lower(contract_no) LIKE '%ht2023%0001%'").pluck().all() as number[]);
    expect(expected.length).toBeGreaterThan(1);
    const want = [...expected].sort((a, b) => a - b);
    // The lookup lists every contract when it opens: wait for the answer to this search, not that.
    await page
      .waitForFunction((ids) => {
        const keys = JSON.parse(document.querySelector('[data-testid="contract-lookup"] [data-testid="data-grid"]')?.getAttribute('data-row-keys') ?? '[]') as string[];
        return JSON.stringify(keys.map(Number).sort((a, b) => a - b)) === JSON.stringify(ids);
      }, want)
      .catch(() => undefined);
    const contractKeys = JSON.parse(
      (await page.locator('[data-testid="contract-lookup"] [data-testid="data-grid"]').getAttribute('data-row-keys')) ?? '[]',
    ) as string[];
    expect([...contractKeys].map(Number).sort((a, b) => a - b)).toEqual(want);
    await shot('clerk-contract-lookup.png');
    const firstRow = page.locator('[data-testid="contract-lookup"] .ag-row[row-index="0"] .ag-cell').first();
    await firstRow.click();
    await page.getByTestId('lookup-ok').click();
    await page.getByTestId('contract-lookup').waitFor({ state: 'detached' });
    const contractNo = await page.getByTestId('editor-contract').inputValue();
    const contract = db((d) => d.prepare('SELECT customer, project, address FROM sales_contracts WHERE contract_no = ?').get(contractNo) as { customer: string; project: string; address: string });
    expect(contractNo.toLowerCase()).toMatch(/^ht2023.*0001/);
    expect(await page.getByTestId('editor-customer').inputValue()).toBe(contract.customer);
    expect(await page.getByTestId('editor-address').inputValue()).toBe(contract.address);

    // Region: a new child created by right-click, then picked.
    await page.getByTestId('editor-region-pick').click();
    await page.getByTestId('region-tree').waitFor();
    const parent = page.locator('[data-testid^="region-node-"]').first();
    await parent.click({ button: 'right' });
    await page.getByTestId('region-menu-new').waitFor();
    await shot('clerk-region-tree-menu.png');
    await page.getByTestId('region-menu-new').click();
    await page.getByTestId('region-name-input').fill('测试片区');
    await page.getByTestId('region-name-input').press('Enter');
    const created = page.locator('[data-testid^="region-node-"][data-name="测试片区"]');
    await created.waitFor();
    await created.click();
    await page.getByTestId('region-ok').click();
    await page.getByTestId('region-tree').waitFor({ state: 'detached' });
    expect(await page.getByTestId('editor-region').inputValue()).toContain('测试片区');

    // Task type and engineer are drop-down lists one can type into (pinyin, initials or the name).
    await page.getByTestId('editor-taskType').fill('维修');
    await page.getByTestId('editor-taskType').press('Enter');
    await page.getByTestId('editor-warranty-hint').waitFor();
    await page.getByTestId('editor-warranty').check();
    await page.getByTestId('editor-contact').fill('王工');
    // A wrong phone is refused next to the field before anything is sent.
    await page.getByTestId('editor-phone').fill('12345');
    await page.getByTestId('editor-problem').fill('设备启动后异响，温度偏高');
    await page.getByTestId('editor-save').click();
    await page.getByTestId('editor-phone-error').waitFor();
    await shot('clerk-create-window.png');
    await page.getByTestId('editor-phone').fill('13812345678');
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page.getByTestId('editor-expectedAt').fill(`${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T09:30`);
    await page.getByTestId('editor-engineer').click();
    await page.getByTestId('editor-engineer-option-1').click();
    await page.getByTestId('editor-save').click();
    const saved = page.getByTestId('editor-saved');
    await saved.waitFor();
    orderNo = (await saved.getAttribute('data-order-no')) ?? '';
    // Numbered by the business day (the demo database's time zone, Asia/Shanghai), whatever this machine's zone.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()).replaceAll('-', '');
    expect(orderNo).toMatch(new RegExp(`^SN${day}\\d{4}$`));
    await page.keyboard.press('Escape');
    await page.getByTestId('dispatch-editor').waitFor({ state: 'detached' });

    // The list shows it (newest first) with its number.
    await page.waitForFunction((no) => (document.querySelector('[data-testid="data-grid"]')?.getAttribute('data-row-keys') ?? '').includes(no), orderNo);
    expect((await listKeys())[0]).toBe(orderNo);
    const stored = db((d) => d.prepare('SELECT customer, warranty, phone, status FROM dispatch_orders WHERE order_no = ?').get(orderNo));
    expect(stored).toEqual({ customer: contract.customer, warranty: 1, phone: '13812345678', status: 'pending' });
  });

  it('adds two content lines and three fee lines with Insert and Ctrl+S; the totals are right', async () => {
    await page.locator(`.ag-row[row-id="${orderNo}"] .ag-cell[col-id="customer"]`).click();
    await page.keyboard.press('Enter');
    await page.getByTestId('order-detail').waitFor();
    await shot('clerk-detail-overview.png');

    await page.getByTestId('order-tab-content').click();
    const content = page.locator('[data-testid="lines-table"][data-kind="content"]');
    await content.waitFor();
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press('Insert');
      await page.getByTestId(`line-${i}-workType`).waitFor();
      // The engineer picker (pinyin): open it and take the first engineer offered.
      await page.getByTestId(`line-${i}-engineerId`).click();
      await page.getByTestId(`line-${i}-engineerId-option-1`).click();
      await page.getByTestId(`line-${i}-workType`).fill(i === 0 ? '现场检查' : '更换轴承');
      await page.getByTestId(`line-${i}-workDone`).fill(i === 0 ? '检查电机与轴承' : '更换 6205 轴承');
      await page.getByTestId(`line-${i}-result`).selectOption('solved');
      await page.getByTestId(`line-${i}-hours`).fill(i === 0 ? '1.5' : '2.25');
    }
    await page.keyboard.press('Control+s');
    await page.getByTestId('lines-dirty').waitFor({ state: 'detached' });
    await shot('clerk-detail-content.png');
    const hours = db((d) => d.prepare('SELECT sum(hours_x100) FROM service_contents c JOIN dispatch_orders o ON o.id = c.order_id WHERE o.order_no = ?').pluck().get(orderNo));
    expect(hours).toBe(375);

    await page.getByTestId('order-tab-fees').click();
    await page.locator('[data-testid="lines-table"][data-kind="fees"]').waitFor();
    const fees: [string, string, string][] = [
      ['labour', '120.10', 'customer'],
      ['travel', '0.20', 'company'],
      ['parts', '35.70', 'company'],
    ];
    for (const [i, [type, amount, payer]] of fees.entries()) {
      await page.keyboard.press('Insert');
      await page.getByTestId(`line-${i}-amount`).waitFor();
      await page.getByTestId(`line-${i}-feeType`).selectOption(type);
      await page.getByTestId(`line-${i}-amount`).fill(amount);
      await page.getByTestId(`line-${i}-payer`).selectOption(payer);
    }
    await page.keyboard.press('Control+s');
    await page.getByTestId('lines-dirty').waitFor({ state: 'detached' });
    // 120.10 + 0.20 + 35.70 = 156.00 exactly; company 35.90, customer 120.10.
    await expect(page.getByTestId('fee-total-all').innerText()).resolves.toContain('156.00');
    await expect(page.getByTestId('fee-total-company').innerText()).resolves.toContain('35.90');
    await expect(page.getByTestId('fee-total-customer').innerText()).resolves.toContain('120.10');
    const fen = db((d) => d.prepare('SELECT sum(amount_fen) FROM service_fees f JOIN dispatch_orders o ON o.id = f.order_id WHERE o.order_no = ?').pluck().get(orderNo));
    expect(fen).toBe(15600);
    await shot('clerk-detail-fees.png');

    await page.getByTestId('order-tab-history').click();
    expect(await page.getByTestId('history-row').count()).toBeGreaterThan(2);
    await shot('clerk-detail-history.png');
    await page.getByTestId('order-close').click();
    await page.getByTestId('order-detail').waitFor({ state: 'detached' });
  });

  it('is told why the order cannot be deleted', async () => {
    await page.locator(`.ag-row[row-id="${orderNo}"] .ag-cell[col-id="customer"]`).click();
    await page.getByTestId('cmd-delete').click();
    await page.getByTestId('delete-confirm').click();
    const refused = page.getByTestId('delete-refused');
    await refused.waitFor();
    expect(await refused.innerText()).toContain(orderNo);
    await page.getByTestId('delete-dismiss').click();
    expect(db((d) => d.prepare('SELECT count(*) FROM dispatch_orders WHERE order_no = ?').pluck().get(orderNo))).toBe(1);
  });

  it('the fees list groups by payer with exact sums in the group rows and the footer', async () => {
    await page.getByTestId('nav-fees').click();
    await page.getByTestId('module-view-fees').waitFor();
    await waitForList();
    await page.locator('.ag-header-cell[col-id="payer"]').click({ button: 'right' });
    await page.getByTestId('menu-group-by').click();
    // Grouping asks the server again: the rows come grouped, the groups counted over every line.
    await page.waitForFunction(() => {
      const bar = document.querySelector('[data-testid="result-bar"]');
      return bar?.getAttribute('data-state') === 'done' && (bar.getAttribute('data-sort') ?? '').startsWith('payer:');
    });
    const ids = (await listKeys()).map(Number);
    expect(ids.length).toBeGreaterThan(0);
    const sums = db((d) => d.prepare('SELECT payer, count(*) AS n, sum(amount_fen) AS fen FROM service_fees GROUP BY payer').all()) as { payer: string; n: number; fen: number }[];
    const loadedFen = db((d) => d.prepare(`SELECT sum(amount_fen) FROM service_fees WHERE id IN (${ids.map(() => '?').join(',')})`).pluck().get(...ids)) as number;
    const groups = JSON.parse((await page.getByTestId('data-grid').getAttribute('data-groups')) ?? '[]') as { label: string; count: number }[];
    const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    for (const g of sums) {
      const label = g.payer === 'company' ? '公司' : '客户';
      const group = groups.find((x) => x.label.startsWith(`付款方：${label}（`));
      expect(group?.count).toBe(g.n);
      expect(group?.label).toContain(yuan(g.fen));
    }
    // The footer adds up every loaded line.
    await expect(page.locator('.ag-row-pinned .ag-cell[col-id="amount_fen"]').innerText()).resolves.toContain(yuan(loadedFen));
    await shot('clerk-fees-grouped.png');
    await page.locator('.ag-header-cell[col-id="order_no"]').click({ button: 'right' });
    await page.getByTestId('menu-reset-layout').click();

    await page.getByTestId('nav-content').click();
    await page.getByTestId('module-view-content').waitFor();
    await waitForList();
    await shot('clerk-content-list.png');
    await page.getByTestId('nav-dispatch').click();
    await waitForList();
  });

  it('dispatches, works and completes the order, then records the return visit', async () => {
    const cell = page.locator(`.ag-row[row-id="${orderNo}"] .ag-cell[col-id="customer"]`);
    await cell.click();
    await cell.dblclick();
    await page.getByTestId('order-detail').waitFor();
    for (const status of ['dispatched', 'in_progress', 'completed']) {
      await page.getByTestId(`status-to-${status}`).click();
      await page.waitForFunction((s) => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === s, status);
    }
    await page.getByTestId('visit-open').click();
    await page.getByTestId('visit-dialog').waitFor();
    await page.getByTestId('visit-satisfaction-satisfied').check();
    await page.getByTestId('visit-remarks').fill('客户对响应速度满意');
    await shot('clerk-return-visit.png');
    await page.getByTestId('visit-save').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === 'visited');
    const row = db((d) => d.prepare('SELECT status, satisfaction FROM dispatch_orders WHERE order_no = ?').get(orderNo));
    expect(row).toEqual({ status: 'visited', satisfaction: 'satisfied' });
    // Every step is in the history with who and when.
    const actions = db((d) =>
      d
        .prepare('SELECT h.action, h.new_value FROM dispatch_order_history h JOIN dispatch_orders o ON o.id = h.order_id WHERE o.order_no = ? ORDER BY h.id')
        .all(orderNo),
    ) as { action: string; new_value: string | null }[];
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'content', 'fees', 'status', 'visit']));
    await page.getByTestId('order-close').click();
  });
});
