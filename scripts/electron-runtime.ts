import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const electronDir = resolve('node_modules/electron');

function platformExecutable(): string {
  if (process.platform === 'win32') return 'electron.exe';
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return 'electron';
}

/**
 * Path of the Electron binary, or null when it is not installed. Does not `require('electron')`:
 * that would start a download of its own and throw where the network does not allow it.
 */
export function electronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : platformExecutable();
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist');
  const full = join(base, relative);
  return existsSync(full) ? full : null;
}

/** Runs Electron's own installer (which honours ELECTRON_MIRROR); resolves to its last error line. */
export function installElectron(timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  return new Promise((done) => {
    if (!existsSync(join(electronDir, 'install.js'))) {
      done({ ok: false, reason: 'the electron package is not installed (run npm install)' });
      return;
    }
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill();
      done({ ok: false, reason: `the download did not finish within ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
      const reason = lines.find((l) => /error|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|403|404/i.test(l)) ?? lines.at(-1) ?? `exit code ${code}`;
      done({ ok: code === 0 && electronBinary() !== null, reason: `download failed: ${reason.replace(/^\w*Error:\s*/, '').slice(0, 160)}` });
    });
  });
}

/**
 * A failed download is remembered (where npm keeps caches, node_modules/.cache/pim), so `npm start`
 * does not spend up to two minutes on the same failure at every start. It is tried again when
 * asked (`npm start -- --retry-electron`), when ELECTRON_MIRROR is set to something else, or
 * when the electron package changes version. PIM_CACHE_DIR moves the folder (tests).
 */
export interface DownloadFailure {
  failedAt: string;
  reason: string;
  mirror: string | null;
  version: string | null;
}

export function downloadFailureFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.PIM_CACHE_DIR ?? resolve('node_modules/.cache/pim'), 'electron-download-failed.json');
}

export function electronPackageVersion(): string | null {
  try {
    return (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

export function readDownloadFailure(file: string): DownloadFailure | null {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<DownloadFailure>;
    if (typeof data.failedAt !== 'string' || typeof data.reason !== 'string') return null;
    return { failedAt: data.failedAt, reason: data.reason, mirror: data.mirror ?? null, version: data.version ?? null };
  } catch {
    return null;
  }
}

export function rememberDownloadFailure(file: string, reason: string, env: NodeJS.ProcessEnv = process.env, now = new Date()): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const failure: DownloadFailure = { failedAt: now.toISOString(), reason, mirror: env.ELECTRON_MIRROR ?? null, version: electronPackageVersion() };
    writeFileSync(file, `${JSON.stringify(failure, null, 2)}\n`);
  } catch {
    // not remembered: the next start tries again
  }
}

export function forgetDownloadFailure(file: string): void {
  rmSync(file, { force: true });
}

/** The remembered failure that still holds (same mirror, same Electron version), or null: then try. */
export function failureStillHolds(failure: DownloadFailure | null, env: NodeJS.ProcessEnv = process.env, version = electronPackageVersion()): DownloadFailure | null {
  if (!failure) return null;
  if ((env.ELECTRON_MIRROR ?? null) !== failure.mirror) return null;
  if (failure.version !== version) return null;
  return failure;
}
