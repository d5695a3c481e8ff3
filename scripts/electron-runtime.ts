import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
