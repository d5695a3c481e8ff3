import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DB_NAME } from '../../db/data-dir.js';
import {
  electronPackageVersion,
  failureStillHolds,
  forgetDownloadFailure,
  readDownloadFailure,
  rememberDownloadFailure,
} from '../../scripts/electron-runtime.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// Issue 10, the newcomer's `npm start`: a failed Electron download is remembered (not retried at
// every start, retried on request or with another mirror), and `npm start -- --port P` serves the
// browser mode on that port.
let dir: string;
let demo: { dir: string; file: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pim-start-'));
  demo = await makeDemoDb(50);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(demo.dir, { recursive: true, force: true });
});

describe('remembering a failed Electron download', () => {
  it('holds for the same mirror and Electron version, and not after a change or when forgotten', () => {
    const file = join(dir, 'cache', 'electron-download-failed.json');
    expect(readDownloadFailure(file)).toBeNull();
    rememberDownloadFailure(file, 'download failed: getaddrinfo ENOTFOUND github.com', {});
    const failure = readDownloadFailure(file);
    expect(failure).toMatchObject({ reason: 'download failed: getaddrinfo ENOTFOUND github.com', mirror: null, version: electronPackageVersion() });
    expect(failureStillHolds(failure, {})).toEqual(failure);
    expect(failureStillHolds(failure, { ELECTRON_MIRROR: 'https://mirror.example/electron/' })).toBeNull();
    expect(failureStillHolds(failure, {}, '99.0.0')).toBeNull();
    forgetDownloadFailure(file);
    expect(readDownloadFailure(file)).toBeNull();
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('npm start -- --port P (browser mode, Electron missing)', () => {
  it('serves on that port and does not retry a download that failed before', async () => {
    const dataDir = join(dir, 'data');
    const cacheDir = join(dir, 'start-cache');
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(demo.file, join(dataDir, LOCAL_DB_NAME));
    rememberDownloadFailure(join(cacheDir, 'electron-download-failed.json'), 'download failed: no network', {});
    const port = await freePort();
    const bin = resolve('node_modules/.bin');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      PIM_DATA_DIR: dataDir,
      PIM_CACHE_DIR: cacheDir,
      PIM_START_NO_BUILD: '1',
      ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'no-electron'),
    };
    delete env.ELECTRON_MIRROR;
    const child = spawn(join(bin, 'tsx'), ['scripts/start.ts', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`npm start did not come up: ${output}`)), 60_000);
        const onData = (d: Buffer) => {
          output += d;
          if (output.includes('Ctrl+C')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.on('close', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`Open http://127.0.0.1:${port}/ in your browser.`);
      expect(output).toMatch(/not tried again since it failed on/);
      expect(output).not.toMatch(/trying to download it/);
      const ping = await fetch(`http://127.0.0.1:${port}/api/system.ping`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(ping.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  }, 90_000);
});
