import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestContext } from 'vitest';
import { launchChromium } from './browser.js';
import { buildIfMissing } from './build.js';
import { finished, spawnTs, startServerProcess } from './spawn.js';

// What every e2e file does around its tests: a fresh demo database, the real server on it,
// Debian's Chromium, desks logged in as a role, screenshots, and the teardown.

export const root = resolve(import.meta.dirname, '../..');
export const shots = resolve(root, 'test-results/screenshots');

export type Server = Awaited<ReturnType<typeof startServerProcess>>;

/**
 * One e2e file's demo. `server` and `browser` stay null until `startDemo`, so the teardown
 * closes only what got started; `server` may be replaced (live-updates restarts it).
 */
export interface Demo {
  dir: string;
  dbFile: string;
  server: Server | null;
  browser: Browser | null;
  contexts: BrowserContext[];
}

/**
 * A fresh demo database of `orders` orders in a temp folder named `prefix…`, made by the demo
 * CLI as `npm run demo` makes it; builds the renderer first when dist/ lacks it.
 */
export async function makeDemo(prefix: string, orders: number): Promise<Demo> {
  mkdirSync(shots, { recursive: true });
  await buildIfMissing(root);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dbFile = join(dir, 'demo.db');
  const made = await finished(spawnTs('db/demo/cli.ts', ['--orders', String(orders), '--db', dbFile]), 120_000);
  if (made.code !== 0) {
    // The caller gets no Demo to tear down, so the folder goes here.
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`demo database failed:\n${made.output}`);
  }
  return { dir, dbFile, server: null, browser: null, contexts: [] };
}

/** Reads the demo database directly (read-only, closed again): expectations come from the file, not the app. */
export function readDemo<T>(demo: Demo, read: (d: Database.Database) => T): T {
  const d = new Database(demo.dbFile, { readonly: true });
  try {
    return read(d);
  } finally {
    d.close();
  }
}

/** Starts the server on the demo database (any free port) and Chromium. */
export async function startDemo(demo: Demo): Promise<void> {
  demo.server = await startServerProcess(demo.dbFile, 0);
  demo.browser = await launchChromium();
}

export interface DeskOptions {
  /** Viewport height; the width is always 1366. */
  height?: number;
  acceptDownloads?: boolean;
  /** Granted for the server's origin before the page opens (e.g. the clipboard). */
  permissions?: string[];
}

/** A new browser context — empty storage, as a desk that never ran the client — and its page. */
export async function newDesk(demo: Demo, options: DeskOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await demo.browser!.newContext({
    viewport: { width: 1366, height: options.height ?? 800 },
    locale: 'zh-CN',
    ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
  });
  demo.contexts.push(context);
  if (options.permissions) await context.grantPermissions(options.permissions, { origin: demo.server!.url });
  const page = await context.newPage();
  return { context, page };
}

/** Fills the login dialog as `user` with the demo password and submits; what to wait for is the caller's. */
export async function logIn(page: Page, user: string): Promise<void> {
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill('demo123');
  await page.getByTestId('login-submit').click();
}

/**
 * A desk logged in as `user` (clerk, warehouse, manager, admin), returned once its first list
 * has loaded. Its page fails a step after 8 s rather than Playwright's 30.
 */
export async function openLoggedIn(demo: Demo, user: string, options: DeskOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const desk = await newDesk(demo, options);
  desk.page.setDefaultTimeout(8_000);
  await desk.page.goto(`${demo.server!.url}/`);
  await logIn(desk.page, user);
  await desk.page.waitForSelector('[data-testid="result-bar"][data-state="done"]', { timeout: 20_000 });
  return desk;
}

/** Saves a screenshot of the page as test-results/screenshots/`name`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, name) });
}

/** For afterEach: when the test failed, a screenshot named `prefix` + the test's first `length` characters. */
export async function shotIfFailed(ctx: TestContext, page: Page | undefined, prefix: string, length = 30): Promise<void> {
  if (ctx.task.result?.state !== 'fail' || !page) return;
  await screenshot(page, `${prefix}${ctx.task.name.slice(0, length).replace(/[^\w]+/g, '-')}.png`);
}

/** For afterAll: closes the desks, Chromium and the server, and removes the demo's folder. */
export async function closeDemo(demo: Demo | undefined): Promise<void> {
  if (!demo) return;
  for (const c of demo.contexts) await c.close().catch(() => {});
  await demo.browser?.close().catch(() => {});
  await demo.server?.stop().catch(() => {});
  rmSync(demo.dir, { recursive: true, force: true });
}
