import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from '../tests/helpers/browser.js';
import { ensureChromium } from '../scripts/ensure-chromium.js';
import { finished, spawnTs, startServerProcess } from '../tests/helpers/spawn.js';
import { buildIfMissing } from '../tests/helpers/build.js';

// (c) In Debian's Chromium: from the query result reaching the renderer to the grid painted,
// for the 200 capped rows grouped by two columns (region, then status), refreshed with F5.

const RUNS = 20;
const WARMUP = 3;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function benchGrid(log: (line: string) => void): Promise<void> {
  ensureChromium();
  const root = resolve(import.meta.dirname, '..');
  await buildIfMissing(root);
  const dir = mkdtempSync(join(tmpdir(), 'pim-bench-grid-'));
  const dbFile = join(dir, 'demo.db');
  const demo = await finished(spawnTs('db/demo/cli.ts', ['--orders', '5000', '--db', dbFile]), 120_000);
  if (demo.code !== 0) throw new Error(`demo database failed:\n${demo.output}`);
  const server = await startServerProcess(dbFile, 0);
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN' })).newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-username').fill('manager');
    await page.getByTestId('login-password').fill('demo123');
    await page.getByTestId('login-submit').click();
    await page.waitForSelector('[data-testid="result-bar"][data-state="done"]');
    for (const field of ['region', 'status']) {
      await page.locator(`.ag-header-cell[col-id="${field}"]`).click({ button: 'right' });
      await page.getByTestId('menu-group-by').click();
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="group-panel"]')?.getAttribute('data-group-by') === 'region,status');

    const times: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      await page.evaluate(() => performance.clearMarks());
      await page.keyboard.press('F5');
      const ms = await page.waitForFunction(
        () => {
          const result = performance.getEntriesByName('pim:query-result').at(-1);
          const painted = performance.getEntriesByName('pim:grid-painted').at(-1);
          return result && painted && painted.startTime > result.startTime ? painted.startTime - result.startTime : null;
        },
        undefined,
        { timeout: 20_000 },
      );
      if (i >= WARMUP) times.push((await ms.jsonValue()) as number);
    }
    const groups = await page.$$eval('[data-testid="data-grid"]', (els) => (JSON.parse(els[0].getAttribute('data-groups') ?? '[]') as unknown[]).length);
    times.sort((a, b) => a - b);
    log('');
    log(`(c) grid in Chromium ${browser.version()}: query result → grid painted, 200 rows grouped by region and status (${groups} group rows), F5, ${WARMUP} warm-up + ${RUNS} runs`);
    log('rows  group rows  median ms  p95 ms');
    log(`${'200'.padStart(4)}  ${String(groups).padStart(10)}  ${percentile(times, 50).toFixed(1).padStart(9)}  ${percentile(times, 95).toFixed(1).padStart(6)}`);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await benchGrid((line) => console.log(line));
}
