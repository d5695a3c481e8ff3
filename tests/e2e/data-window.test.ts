import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeDemo, logIn, makeDemo, openLoggedIn, screenshot, shotIfFailed, startDemo, type Demo } from '../helpers/e2e.js';
import { compareBySortKey } from '../../shared/text/sort-key.js';

// The legacy data window (issue 3) in Debian's Chromium, driven with the real mouse and keys
// against the real server on a fresh demo database. Expectations come from the database file
// and from the product's one sort rule (shared/text/sort-key.ts), not from the grid's code.

const ORDERS = 1500;
const collator = new Intl.Collator('zh-Hans-u-co-pinyin', { sensitivity: 'base', numeric: true });

type Order = Record<string, string | number | null>;

let demo: Demo;
let context: BrowserContext;
let page: Page;
let byNo = new Map<string, Order>();
let totalOrders = 0;

const header = (field: string) => page.locator(`.ag-header-cell[col-id="${field}"]`);

const shot = (name: string) => screenshot(page, name);

/** Waits until the list shows a result asked for in this order (the result bar's request sort). */
async function waitForSorted(sort: string): Promise<void> {
  await page.waitForFunction(
    (s) => {
      const el = document.querySelector('[data-testid="result-bar"]');
      return el?.getAttribute('data-state') === 'done' && el.getAttribute('data-sort') === s;
    },
    sort,
    { timeout: 20_000 },
  );
}

async function grid(): Promise<{ keys: string[]; sort: string; merged: string; selected: number; groupBy: string }> {
  const g = page.getByTestId('data-grid');
  const panel = page.getByTestId('group-panel');
  return {
    keys: JSON.parse((await g.getAttribute('data-row-keys')) ?? '[]') as string[],
    sort: (await g.getAttribute('data-sort')) ?? '',
    merged: (await g.getAttribute('data-merged')) ?? '',
    selected: Number(await g.getAttribute('data-selected')),
    groupBy: (await panel.count()) ? ((await panel.getAttribute('data-group-by')) ?? '') : '(no panel)',
  };
}

async function waitForResult(pattern = ''): Promise<{ total: number; shown: number; capped: boolean; text: string }> {
  await page.waitForFunction(
    (p) => {
      const el = document.querySelector('[data-testid="result-bar"]');
      return el?.getAttribute('data-state') === 'done' && el.getAttribute('data-pattern') === p;
    },
    pattern,
    { timeout: 20_000 },
  );
  const bar = page.getByTestId('result-bar');
  return {
    total: Number(await bar.getAttribute('data-total')),
    shown: Number(await bar.getAttribute('data-shown')),
    capped: (await bar.getAttribute('data-capped')) === 'true',
    text: (await page.getByTestId('result-text').innerText()).trim(),
  };
}

/** AG Grid's own header drag, with the real mouse: press, move past the drag threshold, release over the target. */
async function dragHeaderTo(field: string, target: { x: number; y: number }): Promise<void> {
  const box = (await header(field).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 8, box.y + box.height / 2 - 4, { steps: 4 });
  await page.mouse.move(target.x, target.y, { steps: 12 });
  await page.mouse.up();
}

async function centerOf(testId: string, dx = 0): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId(testId).boundingBox())!;
  return { x: box.x + box.width / 2 + dx, y: box.y + box.height / 2 };
}

async function groupRows(): Promise<{ field: string; level: number; count: number; text: string }[]> {
  return page.$$eval('[data-testid="group-row"]', (els) =>
    els
      // Rows are positioned absolutely; their row index, not the DOM, gives the display order.
      .sort((a, b) => Number(a.closest('[row-index]')?.getAttribute('row-index')) - Number(b.closest('[row-index]')?.getAttribute('row-index')))
      .map((e) => ({
      field: e.getAttribute('data-group-field') ?? '',
      level: Number(e.getAttribute('data-group-level')),
      count: Number(e.getAttribute('data-group-count')),
      text: (e.querySelector('.group-label')?.textContent ?? '').trim(),
    })),
  );
}

function headerWidthOf(field: string): Promise<number> {
  return header(field).evaluate((el) => el.getBoundingClientRect().width);
}

async function visibleHeaders(): Promise<string[]> {
  return page.$$eval('.ag-header-cell[col-id]', (els) =>
    els
      .map((e) => ({ id: e.getAttribute('col-id') ?? '', x: e.getBoundingClientRect().x }))
      .sort((a, b) => a.x - b.x)
      .map((e) => e.id),
  );
}

async function headerMenu(field: string, item: string): Promise<void> {
  await header(field).click({ button: 'right' });
  await page.getByTestId('header-menu').waitFor();
  await page.getByTestId(`menu-${item}`).click();
  await page.getByTestId('header-menu').waitFor({ state: 'detached' });
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
/** The first `n` orders of the whole list by a field, as the server sorts them (the product's one rule, shared/text/sort-key.ts). */
const firstBy = (field: string, dir: 1 | -1, n = 200) =>
  [...byNo.values()].sort((a, b) => dir * (compareBySortKey(a[field], b[field]) || Number(a.id) - Number(b.id))).slice(0, n);

describe('the legacy data window in Chromium', () => {
  beforeAll(async () => {
    demo = await makeDemo('pim-e2e-grid-', ORDERS);
    const db = new Database(demo.dbFile, { readonly: true });
    const rows = db.prepare('SELECT * FROM dispatch_order_list').all() as Order[];
    db.close();
    byNo = new Map(rows.map((r) => [String(r.order_no), r]));
    totalOrders = rows.length;

    await startDemo(demo);
    ({ context, page } = await openLoggedIn(demo, 'manager', { acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] }));
    await waitForResult('');
  }, 240_000);

  // Each test starts from the module's default layout, whatever the one before left behind.
  beforeEach(async () => {
    if (!page) return;
    await page.keyboard.press('Escape');
    if (await page.getByTestId('order-detail').count()) await page.getByTestId('order-close').click();
    await headerMenu('order_no', 'reset-layout');
  });

  afterEach((ctx) => shotIfFailed(ctx, page, 'failed-', 40));

  afterAll(() => closeDemo(demo));

  it('groups by a header dragged into the group panel, then a second level, and ungroups by dragging it back', async () => {
    const { keys } = await grid();
    expect(keys).toHaveLength(200);
    await dragHeaderTo('region', await centerOf('group-panel'));
    await page.waitForFunction(() => document.querySelector('[data-testid="group-panel"]')?.getAttribute('data-group-by') === 'region');
    // Grouping asks the server again: the rows by region first, the groups counted over every order.
    await waitForSorted('region:asc,created_at:desc');

    // One group per region of the whole list (the list is capped), with its count, in pinyin order.
    const expected = new Map<string, number>();
    for (const o of byNo.values()) expected.set(text(o.region), (expected.get(text(o.region)) ?? 0) + 1);
    const regions = [...expected.keys()].sort(compareBySortKey);
    // The grid draws the new rows a moment after the result arrives.
    await expect.poll(async () => (await groupRows())[0]).toMatchObject({ field: 'region', level: 0, count: expected.get(regions[0]) });
    const rendered = await groupRows();
    expect(rendered[0].text).toBe(`销售区域：${regions[0] || '（空）'}（${expected.get(regions[0])}）`);
    const all = JSON.parse((await page.getByTestId('data-grid').getAttribute('data-groups')) ?? '[]') as { level: number; count: number; values: (string | null)[] }[];
    expect(all.map((g) => [g.values[0] ?? '', g.count])).toEqual(regions.map((r) => [r, expected.get(r)]));
    // The region column left the headers: its group rows show it.
    expect(await visibleHeaders()).not.toContain('region');
    // The loaded rows are in group order (data-row-keys lists them in display order).
    const grouped = (await grid()).keys;
    const seen = grouped.map((k) => text(byNo.get(k)!.region));
    expect([...new Set(seen)]).toEqual(regions.slice(0, new Set(seen).size));

    // Second level: status, dropped after the region chip.
    const panelBox = (await page.getByTestId('group-panel').boundingBox())!;
    await dragHeaderTo('status', { x: panelBox.x + panelBox.width - 40, y: panelBox.y + panelBox.height / 2 });
    await page.waitForFunction(() => document.querySelector('[data-testid="group-panel"]')?.getAttribute('data-group-by') === 'region,status');
    await waitForSorted('region:asc,status:asc,created_at:desc');
    await expect.poll(async () => (await groupRows())[1]).toMatchObject({ field: 'status', level: 1 });
    const two = await groupRows();
    const statuses = ['pending', 'dispatched', 'in_progress', 'completed', 'visited', 'cancelled'];
    const firstRegion = regions[0];
    const inFirst = [...byNo.values()].filter((o) => text(o.region) === firstRegion);
    const firstStatus = inFirst.map((o) => String(o.status)).sort((a, b) => statuses.indexOf(a) - statuses.indexOf(b))[0];
    expect(two[1].count).toBe(inFirst.filter((o) => o.status === firstStatus).length);
    await shot('grid-grouped-two-levels.png');

    // Collapse all, then expand all.
    await page.getByTestId('collapse-all').click();
    await expect(groupRows()).resolves.toSatisfy((g: { level: number }[]) => g.every((r) => r.level === 0));
    await page.getByTestId('expand-all').click();

    // Reorder the levels: drag the status chip before the region chip.
    await page.getByTestId('group-chip-status').dragTo(page.getByTestId('group-chip-region'), { targetPosition: { x: 4, y: 8 } });
    await page.waitForFunction(() => document.querySelector('[data-testid="group-panel"]')?.getAttribute('data-group-by') === 'status,region');

    // Drag the region chip back onto the headers: ungrouped, the column back among the headers.
    await page.getByTestId('group-chip-region').dragTo(header('customer'));
    await page.waitForFunction(() => document.querySelector('[data-testid="group-panel"]')?.getAttribute('data-group-by') === 'status');
    expect(await visibleHeaders()).toContain('region');
    await page.getByTestId('group-chip-remove-status').click();
    await expect.poll(grid).toMatchObject({ groupBy: '' });
    expect(await groupRows()).toHaveLength(0);
  });

  it('the header menu has the legacy items, and each one does what it says', async () => {
    await header('customer').click({ button: 'right' });
    const items = await page.$$eval('[data-testid="header-menu"] [role^="menuitem"]', (els) => els.map((e) => e.textContent?.replace('✓', '').trim()));
    expect(items).toEqual([
      '升序排列',
      '降序排列',
      '设为排序字段',
      '隐藏分类栏',
      '显示字段框',
      '最佳列宽（本列）',
      '最佳列宽（所有列）',
      '合并相同单元格',
      '按此列分类',
      '恢复默认布局',
    ]);
    await shot('grid-header-menu.png');
    await page.keyboard.press('Escape');

    await headerMenu('customer', 'sort-asc');
    await expect.poll(grid).toMatchObject({ sort: 'customer:asc' });
    // Chinese by pinyin, over the whole list: the server returns its first 200 in that order.
    await waitForSorted('customer:asc');
    const asc = (await grid()).keys.map((k) => text(byNo.get(k)!.customer));
    expect(asc).toEqual(firstBy('customer', 1).map((o) => text(o.customer)));

    await headerMenu('customer', 'sort-desc');
    await expect.poll(grid).toMatchObject({ sort: 'customer:desc' });
    await waitForSorted('customer:desc');
    const desc = (await grid()).keys.map((k) => text(byNo.get(k)!.customer));
    expect(desc).toEqual(firstBy('customer', -1).map((o) => text(o.customer)));

    await headerMenu('order_no', 'sort-field');
    await expect.poll(grid).toMatchObject({ sort: 'customer:desc,order_no:asc' });
    await waitForSorted('customer:desc,order_no:asc');
    const two = (await grid()).keys;
    for (let i = 1; i < two.length; i++) {
      const a = byNo.get(two[i - 1])!;
      const b = byNo.get(two[i])!;
      if (a.customer === b.customer) expect(collator.compare(String(a.order_no), String(b.order_no))).toBeLessThanOrEqual(0);
    }
    // Shift-click adds a sort column the same way.
    await header('engineer').click({ modifiers: ['Shift'] });
    await expect.poll(grid).toMatchObject({ sort: 'customer:desc,order_no:asc,engineer:asc' });
    await waitForSorted('customer:desc,order_no:asc,engineer:asc');

    await headerMenu('customer', 'group-panel');
    await expect(page.getByTestId('group-panel').count()).resolves.toBe(0);
    await header('customer').click({ button: 'right' });
    await expect(page.getByTestId('menu-group-panel').innerText()).resolves.toBe('显示分类栏');
    await page.getByTestId('menu-group-panel').click();
    await page.getByTestId('group-panel').waitFor();

    await headerMenu('customer', 'field-box');
    await page.getByTestId('field-box').waitFor();
    await page.getByTestId('field-box-close').click();

    // Best fit: a narrowed column grows back to its content; all columns follow.
    const before = await headerWidthOf('device_model');
    await headerMenu('device_model', 'fit-column');
    const fitted = await headerWidthOf('device_model');
    expect(Math.abs(fitted - before)).toBeGreaterThan(2);
    const phoneBefore = await headerWidthOf('phone');
    await headerMenu('customer', 'fit-all');
    expect(Math.abs((await headerWidthOf('phone')) - phoneBefore)).toBeGreaterThan(2);

    // Merge equal cells: sorted by customer, equal neighbours become one spanned cell.
    await headerMenu('customer', 'sort-asc');
    await headerMenu('customer', 'merge');
    await expect.poll(grid).toMatchObject({ merged: 'customer' });
    await page.waitForSelector('.ag-spanned-cell[col-id="customer"]');
    await header('customer').click({ button: 'right' });
    await expect(page.getByTestId('menu-merge').getAttribute('aria-checked')).resolves.toBe('true');
    await page.getByTestId('menu-merge').click();
    await expect.poll(grid).toMatchObject({ merged: '' });

    await headerMenu('engineer', 'group-by');
    await expect.poll(grid).toMatchObject({ groupBy: 'engineer' });
    expect((await groupRows())[0].field).toBe('engineer');

    await headerMenu('customer', 'reset-layout');
    await expect.poll(grid).toMatchObject({ sort: 'created_at:desc', groupBy: '', merged: '' });
    expect(await visibleHeaders()).not.toContain('project');
  });

  it('hides a column through the field box and brings it back', async () => {
    await page.getByTestId('open-field-box').click();
    await page.getByTestId('field-box').waitFor();
    await dragHeaderTo('contract_no', await centerOf('field-box'));
    await page.getByTestId('field-box-item-contract_no').waitFor();
    expect(await visibleHeaders()).not.toContain('contract_no');
    await shot('grid-field-box.png');

    // Dragged out of the box onto the headers: shown again where it was dropped.
    await page.getByTestId('field-box-item-contract_no').dragTo(header('task_type'), { targetPosition: { x: 4, y: 10 } });
    await page.getByTestId('field-box-item-contract_no').waitFor({ state: 'detached' });
    const headers = await visibleHeaders();
    expect(headers.indexOf('contract_no')).toBe(headers.indexOf('task_type') - 1);

    // Double-click shows a hidden column too (project is hidden by the definition).
    await page.getByTestId('field-box-item-project').dblclick();
    expect(await visibleHeaders()).toContain('project');
    await page.getByTestId('field-box-close').click();
  });

  it('keeps the layout per user: restored after logging in again', async () => {
    await headerMenu('task_type', 'group-by');
    await headerMenu('customer', 'merge');
    await page.waitForTimeout(900); // the layout is saved after a pause
    await page.getByTestId('logout').click();
    await logIn(page, 'manager');
    await waitForResult('');
    await expect.poll(grid).toMatchObject({ groupBy: 'task_type', merged: 'customer' });
    await headerMenu('customer', 'reset-layout');
    await expect.poll(grid).toMatchObject({ groupBy: '', merged: '' });
  });

  it('Ctrl+A then Ctrl+C puts every row on the clipboard as tab-separated text with a header line', async () => {
    await page.locator('.ag-row[row-index="0"] .ag-cell[col-id="customer"]').click();
    await page.keyboard.press('Control+a');
    await expect.poll(grid).toMatchObject({ selected: 200 });
    await page.keyboard.press('Control+c');
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    const lines = clip.split('\r\n');
    expect(lines).toHaveLength(201);
    const headers = await page.$$eval('.ag-header-cell[col-id]', (els) =>
      els.sort((a, b) => a.getBoundingClientRect().x - b.getBoundingClientRect().x).map((e) => e.querySelector('.ag-header-cell-text')?.textContent ?? ''),
    );
    expect(lines[0].split('\t')).toEqual(headers);
    const keys = (await grid()).keys;
    expect(lines.slice(1).map((l) => l.split('\t')[0])).toEqual(keys);
    expect(lines[1].split('\t')[lines[0].split('\t').indexOf('客户')]).toBe(text(byNo.get(keys[0])!.customer));

    // A single focused cell copies just its text.
    await page.locator('.ag-row[row-index="3"] .ag-cell[col-id="customer"]').click();
    await page.keyboard.press('Control+c');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text(byNo.get(keys[3])!.customer));

    // Right-click a cell → copy cell.
    await page.locator('.ag-row[row-index="5"] .ag-cell[col-id="order_no"]').click({ button: 'right' });
    await page.getByTestId('menu-copy-cell').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(keys[5]);

    // Ctrl+A in the query box selects its text, not the rows.
    await page.locator('.ag-row[row-index="1"] .ag-cell[col-id="customer"]').click();
    await page.getByTestId('query-input').fill('abc');
    await page.getByTestId('query-input').press('Control+a');
    await expect.poll(grid).toMatchObject({ selected: 1 });
    await page.getByTestId('query-input').fill('');
  });

  it('F5 re-runs the query keeping the selection, Enter opens the focused row', async () => {
    const keys = (await grid()).keys;
    await page.locator('.ag-row[row-index="2"] .ag-cell[col-id="customer"]').click();
    await page.locator('.ag-row[row-index="4"] .ag-cell[col-id="customer"]').click({ modifiers: ['Control'] });
    await page.locator('.ag-row[row-index="6"] .ag-cell[col-id="customer"]').click({ modifiers: ['Shift'] });
    // Click, Ctrl-click, then Shift-click: rows 2, 4, and the range from 4 to 6.
    await expect.poll(grid).toMatchObject({ selected: 4 });
    await page.keyboard.press('F5');
    await waitForResult('');
    await expect.poll(grid).toMatchObject({ selected: 4 });
    // Enter opens the focused row: for dispatch orders, the order's detail window.
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('order-detail');
    await detail.waitFor();
    await expect(detail.innerText()).resolves.toContain(keys[6]);
    await page.getByTestId('order-close').click();
    await detail.waitFor({ state: 'detached' });
  });

  it('exports Excel and HTML of what is on screen: columns, order, groups, types', async () => {
    await headerMenu('region', 'group-by');
    await headerMenu('customer', 'sort-asc');
    await waitForSorted('region:asc,customer:asc');
    const keys = (await grid()).keys;
    // Every group the grid holds (it renders only the ones in view).
    const groups = JSON.parse((await page.getByTestId('data-grid').getAttribute('data-groups')) ?? '[]') as { level: number; count: number; label: string }[];
    const headers = (await visibleHeaders()).filter((f) => f !== 'region');

    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    const xlsxPath = join(demo.dir, 'visible.xlsx');
    await xlsxDownload.saveAs(xlsxPath);
    expect(xlsxDownload.suggestedFilename()).toMatch(/^售服派工单管理-\d{8}-\d{4}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxPath);
    const ws = wb.worksheets[0];
    const headerRow = (ws.getRow(1).values as unknown[]).slice(1);
    const labels = await page.$$eval('.ag-header-cell[col-id]', (els) =>
      els.sort((a, b) => a.getBoundingClientRect().x - b.getBoundingClientRect().x).map((e) => e.querySelector('.ag-header-cell-text')?.textContent ?? ''),
    );
    expect(headerRow).toEqual(labels);
    expect(headers.length).toBe(labels.length);
    // Group rows at outline level 0, data rows one level down, in the grid's order.
    const dataRows: string[] = [];
    let groupCount = 0;
    ws.eachRow((row, n) => {
      if (n === 1) return;
      const first = String(row.getCell(1).value ?? '');
      if (row.outlineLevel === 0) {
        groupCount++;
        expect(first).toMatch(/^销售区域：.+（\d+）$/);
      } else {
        expect(row.outlineLevel).toBe(1);
        dataRows.push(first);
      }
    });
    expect(groupCount).toBe(groups.filter((g) => g.level === 0).length);
    expect(dataRows).toEqual(keys);
    const createdCol = headers.indexOf('created_at') + 1;
    const firstData = ws.getRow(3);
    expect(firstData.getCell(createdCol).value).toBeInstanceOf(Date);
    const created = firstData.getCell(createdCol).value as Date;
    // Excel holds the wall-clock time the grid shows (this computer's time of the stored UTC value).
    const stored = new Date(String(byNo.get(keys[0])!.created_at));
    const pad = (n: number) => String(n).padStart(2, '0');
    const wall = `${stored.getFullYear()}-${pad(stored.getMonth() + 1)}-${pad(stored.getDate())} ${pad(stored.getHours())}:${pad(stored.getMinutes())}`;
    expect(created.toISOString().slice(0, 16).replace('T', ' ')).toBe(wall);

    const [htmlDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
    const htmlPath = join(demo.dir, 'visible.html');
    await htmlDownload.saveAs(htmlPath);
    const html = readFileSync(htmlPath, 'utf8');
    expect(html).toContain('<meta charset="utf-8"');
    const htmlPage = await context.newPage();
    await htmlPage.goto(`file://${htmlPath}`);
    const ths = await htmlPage.$$eval('thead th', (els) => els.map((e) => e.textContent));
    expect(ths).toEqual(labels);
    const groupTexts = await htmlPage.$$eval('tr.group', (els) => els.map((e) => e.textContent?.trim()));
    expect(groupTexts).toEqual(groups.filter((g) => g.level === 0).map((g) => g.label));
    const htmlKeys = await htmlPage.$$eval('tbody tr:not(.group)', (els) => els.map((e) => e.querySelector('td')?.textContent));
    expect(htmlKeys).toEqual(keys);
    await htmlPage.close();
    await headerMenu('customer', 'reset-layout');
  });

  it('the query panel joins conditions by field type, refuses invalid input next to the field, and runs', async () => {
    await page.getByTestId('toggle-query-panel').click();
    await page.getByTestId('query-panel').waitFor();
    await page.getByTestId('query-field-0').selectOption('customer');
    await page.getByTestId('query-op-0').selectOption('contains');
    await page.getByTestId('query-value-0').fill('有限*公司');
    await page.getByTestId('query-add').click();
    await page.getByTestId('query-field-1').selectOption('status');
    await page.getByTestId('query-value-1-completed').check();
    await page.getByTestId('query-add').click();
    await page.getByTestId('query-field-2').selectOption('created_at');
    await page.getByTestId('query-op-2').selectOption('between');
    await page.getByTestId('query-value-2').fill('2026-12-01');
    await page.getByTestId('query-value-2-to').fill('2026-01-01');
    const before = await page.getByTestId('result-bar').getAttribute('data-total');
    await page.getByTestId('query-submit').click();
    await page.getByTestId('query-error-2').waitFor();
    await shot('query-panel-error.png');
    // Refused: nothing was sent, the list on screen is the one from before.
    expect(await page.getByTestId('result-bar').getAttribute('data-total')).toBe(before);

    await page.getByTestId('query-remove-2').click();
    const expected = [...byNo.values()].filter((o) => /有限.*公司/.test(text(o.customer)) && o.status === 'completed');
    await page.getByTestId('query-value-0').press('Enter');
    await page.waitForFunction(
      (n) => {
        const bar = document.querySelector('[data-testid="result-bar"]');
        return bar?.getAttribute('data-state') === 'done' && bar.getAttribute('data-total') === String(n);
      },
      expected.length,
    );
    const keys = (await grid()).keys;
    expect(keys.length).toBe(Math.min(200, expected.length));
    for (const k of keys) expect(expected.some((o) => o.order_no === k)).toBe(true);
    await shot('query-panel.png');

    // OR: either condition.
    await page.getByTestId('query-join').selectOption('or');
    const either = [...byNo.values()].filter((o) => /有限.*公司/.test(text(o.customer)) || o.status === 'completed');
    await page.getByTestId('query-submit').click();
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="result-bar"]')?.getAttribute('data-total') === String(n),
      either.length,
    );
    await page.getByTestId('query-clear').click();
    await page.getByTestId('toggle-query-panel').click();
    await page.getByTestId('query-input').press('Enter');
    await waitForResult('');
  });

  it('a capped query says so, and "export all" writes every matching row', async () => {
    const result = await waitForResult('');
    expect(result.capped).toBe(true);
    expect(result.text).toBe(`显示 200 / 共 ${totalOrders.toLocaleString('zh-CN')} 条 — 请细化查询条件，或导出全部`);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-all').click()]);
    await page.getByTestId('export-all-dialog').waitFor({ state: 'attached' }).catch(() => undefined);
    const path = join(demo.dir, 'all.xlsx');
    await download.saveAs(path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets[0].actualRowCount).toBe(totalOrders + 1);
  });
});
