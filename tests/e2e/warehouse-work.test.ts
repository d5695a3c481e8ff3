import Database from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeDemo, logIn, makeDemo, openLoggedIn, screenshot, readDemo, shotIfFailed, startDemo, type Demo } from '../helpers/e2e.js';

// The warehouse's work (issue 8) in Debian's Chromium against the real server, each role signed
// in as itself in one browser: the keeper makes three parts and receives two of them (one by
// serial); the clerk plans the three on an order and replaces text in the plan with Ctrl+F; the
// keeper issues two and is refused the third for lack of stock; the clerk completes the order
// recording the third as owed; the keeper takes back an unused part and a faulty old part (with
// the replacement's serial), receives the third later and supplies the owed part; overdue owed
// records stand out in red; each role is offered only its own commands. Every step is checked
// on screen and in the database itself.

let demo: Demo;
let page: Page;

/** The three new parts: A plain, B tracked by serial, C never in stock until step 7. */
const A = { no: 'E2E.7001.0001.1', name: '测试密封垫', spec: 'Φ60 丁腈', unit: '个', price: '12.50' };
const B = { no: 'E2E.7001.0002.1', name: '测试编码器', spec: '绝对值 17位', unit: '件', price: '860.00' };
const C = { no: 'E2E.7001.0003.1', name: '测试温控器', spec: 'TC-48 220V', unit: '个', price: '230.00' };
const serialsB = ['E2EB-0001', 'E2EB-0002'];
const oldSerialB = 'E2E-OLD-B-0009';

let orderNo = '';
let owedId = 0;

const shot = (name: string) => screenshot(page, name);

const db = <T>(read: (d: Database.Database) => T): T => readDemo(demo, read);

const partId = (no: string) => db((d) => d.prepare('SELECT id FROM parts WHERE part_no = ?').pluck().get(no) as number);

/** A part's balance in the named warehouse (0 without a balance row). */
function balance(no: string, warehouse: '总库' | '坏件库'): number {
  return db(
    (d) =>
      (d
        .prepare('SELECT b.quantity FROM stock_balances b JOIN parts p ON p.id = b.part_id JOIN warehouses w ON w.id = b.warehouse_id WHERE p.part_no = ? AND w.name = ?')
        .pluck()
        .get(no, warehouse) as number | undefined) ?? 0,
  );
}

function serial(no: string): { state: string; warehouse: string | null; order_no: string | null } | undefined {
  return db(
    (d) =>
      d
        .prepare(
          `SELECT s.state, w.name AS warehouse, o.order_no FROM serials s LEFT JOIN warehouses w ON w.id = s.warehouse_id
           LEFT JOIN dispatch_orders o ON o.id = s.order_id WHERE s.serial_no = ?`,
        )
        .get(no) as { state: string; warehouse: string | null; order_no: string | null } | undefined,
  );
}

/** The business day (the demo database's time zone, Asia/Shanghai) `days` from today. */
function businessDay(days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

async function waitForList(module?: string): Promise<void> {
  const scope = module ? `[data-testid="module-view-${module}"] ` : '';
  await page.waitForSelector(`${scope}[data-testid="result-bar"][data-state="done"]`, { timeout: 20_000 });
}

async function listKeys(): Promise<string[]> {
  return JSON.parse((await page.getByTestId('data-grid').getAttribute('data-row-keys')) ?? '[]') as string[];
}

async function go(module: string): Promise<void> {
  await page.getByTestId(`nav-${module}`).click();
  await page.getByTestId(`module-view-${module}`).waitFor();
  await waitForList(module);
}

/** The list's quick search; waits for its answer. */
async function search(text: string): Promise<void> {
  await page.getByTestId('query-input').fill(text);
  await page.getByTestId('query-input').press('Enter');
  await page.waitForFunction(
    (p) => {
      const el = document.querySelector('[data-testid="result-bar"]');
      return el?.getAttribute('data-state') === 'done' && el.getAttribute('data-pattern') === p;
    },
    text,
    { timeout: 20_000 },
  );
}

async function login(user: string): Promise<void> {
  await logIn(page, user);
  await page.getByTestId('shell').waitFor();
  await waitForList();
}

async function switchUser(user: string): Promise<void> {
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();
  await login(user);
  expect(await page.getByTestId('user-role').innerText()).toBe({ clerk: '售后文员', warehouse: '仓管', manager: '主管', admin: '管理员' }[user]);
}

/** Types a part number into line i's part picker and picks it from the list. */
async function pickPart(i: number, no: string): Promise<void> {
  await page.getByTestId(`line-${i}-part`).fill(no);
  await page.locator(`[data-testid="line-${i}-part-option-0"][data-part-no="${no}"]`).click();
  await page.locator(`[data-testid="line-${i}-part-list"]`).waitFor({ state: 'detached' });
}

/** The part number line i of the open lines table shows. */
const linePart = (i: number) => page.getByTestId(`line-${i}-part`).inputValue();

/** Opens an order of the dispatch list (quick search, double-click) on its materials tab. */
async function openOrder(): Promise<void> {
  await go('dispatch');
  await search(orderNo);
  const cell = page.locator(`.ag-row[row-id="${orderNo}"] .ag-cell[col-id="customer"]`);
  await cell.click();
  await cell.dblclick();
  await page.getByTestId('order-detail').waitFor();
  await page.waitForSelector('[data-testid="order-status"][data-status]:not([data-status=""])');
  await page.getByTestId('order-tab-materials').click();
  await page.locator('[data-testid="lines-table"][data-kind="materials"]').waitFor();
}

async function closeOrder(): Promise<void> {
  await page.getByTestId('order-close').click();
  await page.getByTestId('order-detail').waitFor({ state: 'detached' });
}

/** Fills the order field of an issue or return window and waits until the order is read. */
async function chooseOrder(): Promise<void> {
  await page.getByTestId('doc-order').fill(orderNo);
  await page.getByTestId('doc-order').press('Tab');
  await page.waitForSelector('[data-testid="doc-order-info"][data-state="done"]');
}

async function posted(window: string): Promise<string> {
  const done = page.getByTestId(`${window}-posted`);
  await done.waitFor();
  return (await done.getAttribute('data-doc-no')) ?? '';
}

const count = (l: Locator) => l.count();

describe('the warehouse works an order with the clerk in Chromium', () => {
  beforeAll(async () => {
    demo = await makeDemo('pim-e2e-warehouse-', 300);
    // An order in progress with service content and an engineer, nothing planned or owed yet.
    orderNo = db(
      (d) =>
        d
          .prepare(
            `SELECT o.order_no FROM dispatch_orders o WHERE o.status = 'in_progress' AND o.engineer_id IS NOT NULL
               AND EXISTS (SELECT 1 FROM service_contents c WHERE c.order_id = o.id)
               AND NOT EXISTS (SELECT 1 FROM order_materials m WHERE m.order_id = o.id)
               AND NOT EXISTS (SELECT 1 FROM owed_parts w WHERE w.order_id = o.id)
             ORDER BY o.id DESC LIMIT 1`,
          )
          .pluck()
          .get() as string,
    );
    if (!orderNo) throw new Error('the demo has no order in progress with content and no materials');
    await startDemo(demo);
    // openLoggedIn has waited for the list (login()'s waitForList); the shell is what login() adds.
    ({ page } = await openLoggedIn(demo, 'warehouse'));
    await page.getByTestId('shell').waitFor();
  }, 240_000);

  afterEach((ctx) => shotIfFailed(ctx, page, 'failed-warehouse-'));

  afterAll(() => closeDemo(demo));

  it('1. the keeper makes three parts in the catalogue and receives A ×5 and B ×2 by serial', async () => {
    await go('parts');
    await page.getByTestId('cmd-part-new').click();
    await page.getByTestId('part-editor').waitFor();
    for (const [p, tracked] of [
      [A, false],
      [B, true],
      [C, false],
    ] as const) {
      await page.getByTestId('part-partNo').fill(p.no);
      await page.getByTestId('part-name').fill(p.name);
      await page.getByTestId('part-spec').fill(p.spec);
      await page.getByTestId('part-unit').fill(p.unit);
      await page.getByTestId('part-price').fill(p.price);
      await page.getByTestId('part-serial-tracked').setChecked(tracked);
      if (p === B) await shot('warehouse-part-editor.png');
      await page.getByTestId('part-save').click();
      await page.waitForFunction((no) => document.querySelector('[data-testid="part-saved"]')?.textContent?.includes(no), p.no);
    }
    await page.getByTestId('part-close').click();
    await page.getByTestId('part-editor').waitFor({ state: 'detached' });
    await search('E2E.7001');
    expect(await listKeys()).toHaveLength(3);
    const parts = db((d) => d.prepare("SELECT part_no, name, unit, unit_price_fen, serial_tracked, active FROM parts WHERE part_no LIKE 'E2E.7001.%' ORDER BY part_no").all());
    expect(parts).toEqual([
      { part_no: A.no, name: A.name, unit: A.unit, unit_price_fen: 1250, serial_tracked: 0, active: 1 },
      { part_no: B.no, name: B.name, unit: B.unit, unit_price_fen: 86000, serial_tracked: 1, active: 1 },
      { part_no: C.no, name: C.name, unit: C.unit, unit_price_fen: 23000, serial_tracked: 0, active: 1 },
    ]);

    // 入库: A ×5, then Insert and B ×2 with its serials scanned (Enter between them).
    await go('stock');
    await page.getByTestId('cmd-receive').click();
    await page.getByTestId('receipt-window').waitFor();
    await pickPart(0, A.no);
    await page.getByTestId('line-0-quantity').fill('5');
    await page.getByTestId('line-0-quantity').press('Insert');
    await page.getByTestId('line-1-part').waitFor();
    await pickPart(1, B.no);
    await page.getByTestId('line-1-quantity').fill('2');
    await page.getByTestId('line-1-serials').click();
    await page.keyboard.type(serialsB[0]);
    await page.keyboard.press('Enter');
    await page.keyboard.type(serialsB[1]);
    await expect.poll(() => page.getByTestId('line-1-serials-count').innerText()).toBe('2/2');
    await expect(page.getByTestId('receipt-totals').innerText()).resolves.toMatch(/共 2 行[\s\S]*数量合计\s*7/);
    await shot('warehouse-receipt-window.png');
    await page.getByTestId('receipt-window-post').click();
    const rk = await posted('receipt-window');
    expect(rk).toMatch(/^RK\d{12}$/);
    await page.getByTestId('receipt-window-close').click();
    await page.getByTestId('receipt-window').waitFor({ state: 'detached' });

    expect(db((d) => d.prepare("SELECT doc_type FROM stock_documents WHERE doc_no = ?").pluck().get(rk))).toBe('receipt');
    expect([balance(A.no, '总库'), balance(B.no, '总库')]).toEqual([5, 2]);
    for (const s of serialsB) expect(serial(s)).toEqual({ state: 'in_stock', warehouse: '总库', order_no: null });
    // The list shows the new balances.
    await search('E2E.7001');
    expect(await listKeys()).toHaveLength(2);
  }, 90_000);

  it('2–3. the clerk plans the three parts on the order and replaces text in the plan with Ctrl+F', async () => {
    await switchUser('clerk');
    await openOrder();
    const plan: [typeof A, string, string][] = [
      [A, '3', '待确认型号'],
      [B, '1', '待确认序列号，换下旧件交回'],
      [C, '1', '客户现场急需'],
    ];
    for (const [i, [p, quantity, remarks]] of plan.entries()) {
      await page.keyboard.press('Insert');
      await page.getByTestId(`line-${i}-part`).waitFor();
      await pickPart(i, p.no);
      await expect.poll(() => page.getByTestId(`line-${i}-partName`).innerText()).toBe(p.name);
      await page.getByTestId(`line-${i}-quantity`).fill(quantity);
      await page.getByTestId(`line-${i}-remarks`).fill(remarks);
    }
    await page.keyboard.press('Control+s');
    await page.getByTestId('lines-dirty').waitFor({ state: 'detached' });
    await shot('warehouse-materials-plan.png');
    const stored = () =>
      db((d) =>
        d
          .prepare('SELECT m.part_no, m.quantity, m.remarks, m.unit_price_fen FROM order_materials m JOIN dispatch_orders o ON o.id = m.order_id WHERE o.order_no = ? ORDER BY m.id')
          .all(orderNo),
      ) as { part_no: string; quantity: number; remarks: string; unit_price_fen: number }[];
    expect(stored()).toEqual([
      { part_no: A.no, quantity: 3, remarks: '待确认型号', unit_price_fen: 1250 },
      { part_no: B.no, quantity: 1, remarks: '待确认序列号，换下旧件交回', unit_price_fen: 86000 },
      { part_no: C.no, quantity: 1, remarks: '客户现场急需', unit_price_fen: 23000 },
    ]);

    // Ctrl+F: 待确认 → 已确认 in every remark, then Ctrl+S.
    await page.getByTestId('line-2-remarks').click();
    await page.keyboard.press('Control+f');
    await page.getByTestId('find-bar').waitFor();
    await page.getByTestId('find-text').fill('待确认');
    await expect.poll(() => page.getByTestId('find-status').getAttribute('data-count')).toBe('2');
    await page.getByTestId('find-replacement').fill('已确认');
    await page.getByTestId('find-replace-all').click();
    await expect.poll(() => page.getByTestId('find-status').getAttribute('data-status')).toBe('replacedAll');
    expect(await page.getByTestId('find-status').innerText()).toContain('2');
    expect(await page.getByTestId('line-0-remarks').inputValue()).toBe('已确认型号');
    expect(await page.getByTestId('line-1-remarks').inputValue()).toBe('已确认序列号，换下旧件交回');
    await page.getByTestId('lines-dirty').waitFor();
    // "Saved" no longer stands under changed lines.
    expect(await page.getByTestId('order-message').getAttribute('data-kind')).toBe('');
    await shot('warehouse-find-replace.png');
    await page.keyboard.press('Control+s');
    await page.getByTestId('lines-dirty').waitFor({ state: 'detached' });
    expect(stored().map((l) => l.remarks)).toEqual(['已确认型号', '已确认序列号，换下旧件交回', '客户现场急需']);
    await closeOrder();
  }, 90_000);

  it('4. the keeper issues A and B from the plan (B by the serial picker); C is refused for lack of stock', async () => {
    await switchUser('warehouse');
    await go('issue');
    await page.getByTestId('cmd-issue-new').click();
    await page.getByTestId('issue-window').waitFor();
    await chooseOrder();
    await page.getByTestId('issue-from-plan').click();
    await expect.poll(() => page.getByTestId('issue-window-notice').innerText()).toContain('3 行');
    expect([await linePart(0), await linePart(1), await linePart(2)]).toEqual([A.no, B.no, C.no]);
    expect([await page.getByTestId('line-0-quantity').inputValue(), await page.getByTestId('line-1-quantity').inputValue(), await page.getByTestId('line-2-quantity').inputValue()]).toEqual(['3', '1', '1']);
    // Each line says what the part is, with its specification (parts of one name differ by it).
    for (const [i, p] of [A, B, C].entries()) await expect.poll(() => page.locator(`[data-testid="line-row-${i}"] td[data-cell="name"]`).innerText()).toContain(p.spec);

    // C has nothing in stock: marked at once.
    await expect.poll(() => page.getByTestId('line-2-available').innerText()).toBe('0');
    await page.getByTestId('issue-over-stock').waitFor();
    expect(await page.getByTestId('line-2-available-error').innerText()).toContain('可用 0');
    expect(await page.getByTestId('line-0-available').innerText()).toBe('5');

    // B's serial from those in stock.
    await page.getByTestId('line-1-serials-pick').click();
    await page.getByTestId('serial-picker').waitFor();
    expect(await count(page.locator('[data-testid^="serial-option-"]'))).toBe(2);
    await page.getByTestId(`serial-option-${serialsB[0]}`).check();
    await expect.poll(() => page.getByTestId('serial-picker-status').innerText()).toContain('已填 1 个，需要 1 个');
    await shot('warehouse-serial-picker.png');
    await page.getByTestId('serial-picker-ok').click();
    await page.getByTestId('serial-picker').waitFor({ state: 'detached' });
    expect(await page.getByTestId('line-1-serials').inputValue()).toBe(serialsB[0]);

    // Posting with C is refused, naming the part and what is available.
    await page.getByTestId('issue-window-post').click();
    const refusal = page.getByTestId('issue-window-refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain(C.no);
    expect(await refusal.innerText()).toContain('可用库存只有 0');
    await shot('warehouse-issue-refusal.png');
    expect(db((d) => d.prepare("SELECT count(*) FROM stock_documents WHERE doc_type = 'issue' AND order_id = (SELECT id FROM dispatch_orders WHERE order_no = ?)").pluck().get(orderNo))).toBe(0);

    // C's line removed (row head, Delete, confirmed); A and B posted.
    await page.locator('[data-testid="line-row-2"] td.line-head').click();
    await page.keyboard.press('Delete');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.locator('[data-testid="lines-table"][data-kind="issue-window"]').getAttribute('data-count')).toBe('2');
    await page.getByTestId('issue-window-post').click();
    const ly = await posted('issue-window');
    expect(ly).toMatch(/^LY\d{12}$/);
    expect(await page.getByTestId('issue-window-posted').innerText()).toContain(ly);
    await page.getByTestId('issue-window-close').click();
    await page.getByTestId('issue-window').waitFor({ state: 'detached' });

    const lines = db((d) => d.prepare('SELECT part_no, quantity, serials, order_no FROM issue_lines WHERE doc_no = ? ORDER BY line_no').all(ly));
    expect(lines).toEqual([
      { part_no: A.no, quantity: 3, serials: '', order_no: orderNo },
      { part_no: B.no, quantity: 1, serials: serialsB[0], order_no: orderNo },
    ]);
    expect([balance(A.no, '总库'), balance(B.no, '总库'), balance(C.no, '总库')]).toEqual([2, 1, 0]);
    expect(serial(serialsB[0])).toEqual({ state: 'issued', warehouse: null, order_no: orderNo });
    expect(serial(serialsB[1])).toEqual({ state: 'in_stock', warehouse: '总库', order_no: null });
    const issued = db((d) =>
      d.prepare('SELECT m.part_no, m.issued_qty FROM order_materials m JOIN dispatch_orders o ON o.id = m.order_id WHERE o.order_no = ? ORDER BY m.id').all(orderNo),
    );
    expect(issued).toEqual([
      { part_no: A.no, issued_qty: 3 },
      { part_no: B.no, issued_qty: 1 },
      { part_no: C.no, issued_qty: 0 },
    ]);
    // The issue list shows the document's two lines.
    await search(ly);
    expect(await listKeys()).toHaveLength(2);
  }, 90_000);

  it('5. the clerk completes the order, recording C as owed', async () => {
    await switchUser('clerk');
    await openOrder();
    await page.getByTestId('status-to-completed').click();
    const choice = page.getByTestId('complete-owed-choice');
    await choice.waitFor();
    expect(await choice.innerText()).toContain(C.no);
    await page.getByTestId('complete-owed-record').click();
    const dialog = page.getByTestId('complete-owed-dialog');
    await dialog.waitFor();
    await page.getByTestId('owed-reason').fill('总库无货，已向供应商订货');
    await page.getByTestId('owed-promised-date').fill(businessDay(10));
    await page.getByTestId('owed-responsible').fill('采购部 孙伟');
    await shot('warehouse-complete-owed.png');
    await page.getByTestId('owed-save').click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForSelector('[data-testid="order-status"][data-status="completed"]');
    await page.getByTestId('materials-owed-row').waitFor();
    expect(await page.getByTestId('materials-owed-row').getAttribute('data-status')).toBe('owed');

    const order = db((d) => d.prepare('SELECT id, status FROM dispatch_orders WHERE order_no = ?').get(orderNo)) as { id: number; status: string };
    expect(order.status).toBe('completed');
    const owed = db((d) => d.prepare('SELECT id, part_no, quantity, supplied, status, reason, promised_date, responsible FROM owed_parts WHERE order_id = ?').all(order.id)) as {
      id: number;
    }[];
    expect(owed).toEqual([
      { id: expect.any(Number), part_no: C.no, quantity: 1, supplied: 0, status: 'owed', reason: '总库无货，已向供应商订货', promised_date: businessDay(10), responsible: '采购部 孙伟' },
    ]);
    owedId = owed[0].id;
    await closeOrder();
  }, 60_000);

  it('6. the keeper takes back one unused A and the faulty old B, with the replacement serial put in', async () => {
    await switchUser('warehouse');
    await go('return');
    await page.getByTestId('cmd-return-new').click();
    await page.getByTestId('return-window').waitFor();
    await chooseOrder();
    // What the order has out is read: the take-out command is offered.
    await expect.poll(() => page.getByTestId('return-take-out').isEnabled()).toBe(true);
    await pickPart(0, A.no);
    await page.getByTestId('line-0-quantity').fill('1');
    await expect.poll(() => page.getByTestId('line-0-available').innerText()).toBe('3');
    await page.getByTestId('return-add-faulty').click();
    await page.getByTestId('line-1-part').waitFor();
    expect(await page.getByTestId('line-1-kind').inputValue()).toBe('faulty');
    await pickPart(1, B.no);
    await page.getByTestId('line-1-quantity').fill('1');
    await page.getByTestId('line-1-oldSerial').fill(oldSerialB);
    await page.getByTestId('line-1-newSerial').fill(serialsB[0]);
    await page.getByTestId('line-1-fault').fill('编码器信号丢失，电机报警');
    expect(await page.getByTestId('line-1-warehouse').locator('option:checked').innerText()).toBe('坏件库');
    await expect(page.getByTestId('return-totals').innerText()).resolves.toMatch(/未用退回 1 行[\s\S]*坏件交回 1 行/);
    await shot('warehouse-return-window.png');
    await page.getByTestId('return-window-post').click();
    const tl = await posted('return-window');
    expect(tl).toMatch(/^TL\d{12}$/);

    // The posted document, opened from the window.
    await page.getByTestId('return-window-view-posted').click();
    const view = page.getByTestId('document-view');
    await view.waitFor();
    expect(await view.getAttribute('data-doc-no')).toBe(tl);
    await expect.poll(() => page.getByTestId('document-lines').getAttribute('data-count')).toBe('2');
    expect(await view.innerText()).toContain(oldSerialB);
    await shot('warehouse-document-view.png');
    await page.getByTestId('document-close').click();
    await view.waitFor({ state: 'detached' });
    await page.getByTestId('return-window-close').click();
    await page.getByTestId('return-window').waitFor({ state: 'detached' });

    const lines = db((d) => d.prepare('SELECT kind, part_no, quantity, serials, new_serial, fault FROM return_lines WHERE doc_no = ? ORDER BY line_no').all(tl));
    expect(lines).toEqual([
      { kind: 'unused', part_no: A.no, quantity: 1, serials: '', new_serial: '', fault: '' },
      { kind: 'faulty', part_no: B.no, quantity: 1, serials: oldSerialB, new_serial: serialsB[0], fault: '编码器信号丢失，电机报警' },
    ]);
    expect([balance(A.no, '总库'), balance(B.no, '总库'), balance(B.no, '坏件库'), balance(A.no, '坏件库')]).toEqual([3, 1, 1, 0]);
    expect(serial(serialsB[0])).toEqual({ state: 'installed', warehouse: null, order_no: orderNo });
    expect(serial(oldSerialB)).toEqual({ state: 'faulty', warehouse: '坏件库', order_no: null });
    expect(db((d) => d.prepare('SELECT m.returned_qty FROM order_materials m JOIN dispatch_orders o ON o.id = m.order_id WHERE o.order_no = ? AND m.part_no = ?').pluck().get(orderNo, A.no))).toBe(1);
    // Balances are the ledger's sums.
    const drift = db((d) =>
      d
        .prepare(
          `SELECT count(*) FROM stock_balances b WHERE b.quantity <> (SELECT ifnull(sum(g.quantity), 0) FROM stock_ledger g WHERE g.part_id = b.part_id AND g.warehouse_id = b.warehouse_id)`,
        )
        .pluck()
        .get(),
    );
    expect(drift).toBe(0);

    // The serial finder: the old part is in the faulty store; the replacement's way into the device.
    await go('stock');
    await page.getByTestId('cmd-serial-finder').click();
    await page.getByTestId('serial-finder').waitFor();
    await page.getByTestId('serial-finder-input').fill(oldSerialB);
    await page.getByTestId('serial-finder-input').press('Enter');
    await page.waitForSelector('[data-testid="serial-finder-result"][data-state="done"]');
    expect(await page.getByTestId(`serial-${B.no}`).getAttribute('data-state')).toBe('faulty');
    expect(await page.getByTestId('serial-where').innerText()).toBe('坏件库');
    await page.getByTestId('serial-finder-input').fill(serialsB[0]);
    await page.getByTestId('serial-finder-input').press('Enter');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="serial-finder-result"][data-state="done"] [data-testid="serial-history"]')?.getAttribute('data-count') === '3',
    );
    expect(await page.getByTestId(`serial-${B.no}`).getAttribute('data-state')).toBe('installed');
    expect(await page.getByTestId('serial-where').innerText()).toContain(orderNo);
    await shot('warehouse-serial-finder.png');
    await page.getByTestId('serial-finder-close').click();
    await page.getByTestId('serial-finder').waitFor({ state: 'detached' });
  }, 90_000);

  it('7. C arrives later; an issue from the plan supplies the owed part and the record turns 已补齐', async () => {
    await page.getByTestId('cmd-receive').click();
    await page.getByTestId('receipt-window').waitFor();
    await pickPart(0, C.no);
    await page.getByTestId('line-0-quantity').fill('1');
    await page.getByTestId('receipt-window-post').click();
    await posted('receipt-window');
    await page.getByTestId('receipt-window-close').click();
    expect(balance(C.no, '总库')).toBe(1);

    await go('issue');
    await page.getByTestId('cmd-issue-new').click();
    await page.getByTestId('issue-window').waitFor();
    await chooseOrder();
    await page.getByTestId('issue-from-plan').click();
    await expect.poll(() => page.getByTestId('issue-window-notice').innerText()).toContain('1 行');
    expect(await linePart(0)).toBe(C.no);
    expect(await page.getByTestId('line-0-owed').innerText()).toBe(`欠件 #${owedId}`);
    await expect.poll(() => page.getByTestId('line-0-available').innerText()).toBe('1');
    expect(await count(page.getByTestId('issue-over-stock'))).toBe(0);
    await page.getByTestId('issue-window-post').click();
    const ly = await posted('issue-window');
    await shot('warehouse-issue-owed.png');
    await page.getByTestId('issue-window-close').click();
    await page.getByTestId('issue-window').waitFor({ state: 'detached' });
    expect(db((d) => d.prepare('SELECT owed_id FROM issue_lines WHERE doc_no = ?').pluck().all(ly))).toEqual([owedId]);
    expect(db((d) => d.prepare('SELECT status, supplied FROM owed_parts WHERE id = ?').get(owedId))).toEqual({ status: 'supplied', supplied: 1 });
    expect(balance(C.no, '总库')).toBe(0);

    await go('owed');
    await search(orderNo);
    expect((await listKeys()).map(String)).toEqual([String(owedId)]);
    expect(await page.locator(`.ag-row[row-id="${owedId}"] .ag-cell[col-id="status"]`).first().innerText()).toBe('已补齐');
    expect(await page.locator(`.ag-row[row-id="${owedId}"]`).first().getAttribute('class')).not.toContain('row-danger');
  }, 90_000);

  it('8. overdue owed records show red; the 逾期 toggle shows exactly those', async () => {
    await search('');
    const overdue = db((d) => d.prepare('SELECT id FROM owed_part_list WHERE overdue = 1 ORDER BY id').pluck().all() as number[]);
    expect(overdue.length).toBeGreaterThan(0);
    // Every row on screen is red exactly when it is overdue.
    const rows = () =>
      page.$$eval('[data-testid="data-grid"] .ag-row[row-id]:not(.ag-row-pinned)', (els) => {
        const byId = new Map<string, boolean>();
        for (const e of els) byId.set(e.getAttribute('row-id') ?? '', (byId.get(e.getAttribute('row-id') ?? '') ?? false) || e.classList.contains('row-danger'));
        return [...byId].map(([id, red]) => ({ id, red }));
      });
    await expect.poll(async () => (await rows()).length).toBe((await listKeys()).length);
    const all = await rows();
    expect(all.length).toBeGreaterThan(overdue.length);
    for (const r of all) expect(r.red, `row ${r.id}`).toBe(overdue.includes(Number(r.id)));

    await page.getByTestId('cmd-owed-overdue').click();
    await page.waitForSelector('[data-testid="cmd-owed-overdue"][aria-pressed="true"]');
    await waitForList('owed');
    await expect.poll(async () => (await listKeys()).map(Number).sort((a, b) => a - b)).toEqual(overdue);
    expect(Number(await page.getByTestId('result-bar').getAttribute('data-total'))).toBe(overdue.length);
    await expect.poll(async () => (await rows()).length).toBe(overdue.length);
    const shown = await rows();
    expect(shown.every((r) => r.red)).toBe(true);
    await shot('warehouse-owed-overdue.png');
    await page.getByTestId('cmd-owed-overdue').click();
    await page.waitForSelector('[data-testid="cmd-owed-overdue"][aria-pressed="false"]');
  }, 60_000);

  it('9. the stock list grouped by warehouse, with the counts of the database; the store lists in English once', async () => {
    await go('stock');
    await page.locator('.ag-header-cell[col-id="warehouse"]').click({ button: 'right' });
    await page.getByTestId('menu-group-by').click();
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid="data-grid"]')?.getAttribute('data-groups') ?? '[]').length > 0);
    // Grouping asks the server for the groups of the whole result: its answer, not the rows loaded.
    await page.waitForSelector('[data-testid="module-view-stock"] [data-testid="result-bar"][data-state="done"]', { timeout: 20_000 });
    const groups = JSON.parse((await page.getByTestId('data-grid').getAttribute('data-groups')) ?? '[]') as { label: string; count: number }[];
    const counts = db((d) => d.prepare('SELECT warehouse, count(*) AS n FROM stock_balance_list GROUP BY warehouse').all()) as { warehouse: string; n: number }[];
    expect(groups).toHaveLength(counts.length);
    for (const c of counts) expect(groups.find((g) => g.label.includes(c.warehouse))?.count, c.warehouse).toBe(c.n);
    await shot('warehouse-stock-grouped.png');

    await page.getByTestId('language-select').selectOption('en');
    await page.waitForFunction(() => document.querySelector('[data-testid="nav-stock"]')?.textContent?.includes('Stock balances'));
    await waitForList('stock');
    await shot('warehouse-stock-list-en.png');
    await go('issue');
    await page.getByTestId('cmd-issue-new').click();
    await page.getByTestId('issue-window').waitFor();
    await chooseOrder();
    await page.getByTestId('issue-from-plan').click();
    expect(await page.getByTestId('issue-window-notice').innerText()).toContain('no planned or owed parts');
    await pickPart(0, A.no);
    await page.getByTestId('line-0-quantity').fill('1');
    await expect.poll(() => page.getByTestId('line-0-available').innerText()).toBe('3');
    await shot('warehouse-issue-window-en.png');
    await page.getByTestId('issue-window-close').click();
    await page.getByTestId('issue-window-discard').click();
    await page.getByTestId('issue-window').waitFor({ state: 'detached' });
    await go('return');
    await shot('warehouse-return-list-en.png');
    await page.getByTestId('language-select').selectOption('zh-CN');
    await page.waitForFunction(() => document.querySelector('[data-testid="nav-stock"]')?.textContent?.includes('库存余额'));

    await go('stock');
    await page.locator('.ag-header-cell[col-id="part_no"]').click({ button: 'right' });
    await page.getByTestId('menu-reset-layout').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="data-grid"]')?.getAttribute('data-groups') === '[]');
  }, 90_000);

  it('10. each role is offered only its own commands', async () => {
    // The keeper: orders are read only; no owed records of its own.
    await go('dispatch');
    for (const id of ['cmd-new', 'cmd-modify', 'cmd-delete']) expect(await count(page.getByTestId(id)), id).toBe(0);
    await openOrder();
    expect(await count(page.locator('[data-testid^="status-to-"]'))).toBe(0);
    expect(await count(page.getByTestId('visit-open'))).toBe(0);
    expect(await page.getByTestId('lines-add').isDisabled()).toBe(true);
    const editable = page.locator('[data-testid="lines-table"][data-kind="materials"] :is(input, select):not(:disabled)');
    expect(await count(editable)).toBe(0);
    await closeOrder();
    await go('owed');
    for (const id of ['cmd-owed-new', 'cmd-owed-modify', 'cmd-owed-close']) expect(await count(page.getByTestId(id)), id).toBe(0);
    expect(await count(page.getByTestId('cmd-owed-overdue'))).toBe(1);

    // The clerk: no stock documents.
    await switchUser('clerk');
    await go('issue');
    expect(await count(page.getByTestId('cmd-issue-new'))).toBe(0);
    expect(await count(page.getByTestId('cmd-view'))).toBe(1);
    await go('return');
    expect(await count(page.getByTestId('cmd-return-new'))).toBe(0);
    await go('stock');
    for (const id of ['cmd-receive', 'cmd-adjust']) expect(await count(page.getByTestId(id)), id).toBe(0);
    await go('parts');
    for (const id of ['cmd-part-new', 'cmd-part-modify']) expect(await count(page.getByTestId(id)), id).toBe(0);

    // The manager: on the store's lists only viewing and exporting.
    await switchUser('manager');
    const viewOnly = new Set(['cmd-view', 'cmd-serial-finder', 'cmd-warehouses']);
    for (const module of ['issue', 'return', 'stock', 'ledger', 'parts']) {
      await go(module);
      const commands = await page.$$eval('.grid-toolbar [data-testid^="cmd-"]', (els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
      expect(commands.filter((c) => !viewOnly.has(c)), module).toEqual([]);
      for (const id of ['export-xlsx', 'export-html', 'export-all']) expect(await count(page.getByTestId(id)), `${module} ${id}`).toBe(1);
    }
  }, 90_000);
});
