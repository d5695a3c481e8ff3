import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinary, installElectron } from './electron-runtime.js';
import { defaultDataDir, LOCAL_DB_NAME } from '../db/data-dir.js';
import { openLocalDatabase } from '../db/local-database.js';
import { startServer } from '../server/http-server.js';
import { DEFAULT_SERVER_PORT } from '../shared/settings.js';

// npm start: the desktop client where Electron can run; otherwise the same client in the
// browser, served on 127.0.0.1 over the local database of this computer.

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

function buildIfStale(): void {
  const sources = Math.max(...['renderer', 'shared', 'resources/locales', 'electron', 'db', 'package.json'].map(newestMtime));
  const built = Math.min(newestMtime('dist/renderer/index.html'), newestMtime('dist/electron/main.cjs'));
  if (built > sources) return;
  console.log('Building the client …');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(1);
  }
}

async function listenOnFreePort(dbFile: string): Promise<Awaited<ReturnType<typeof startServer>>> {
  for (let port = DEFAULT_SERVER_PORT; port < DEFAULT_SERVER_PORT + 20; port++) {
    try {
      return await startServer({ dbFile, port, host: '127.0.0.1', staticDir: 'dist/renderer', log: () => {} });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
  return startServer({ dbFile, port: 0, host: '127.0.0.1', staticDir: 'dist/renderer' });
}

async function browserMode(reason: string): Promise<void> {
  console.log(`The Electron runtime is not installed and could not be downloaded (${reason}), so the client opens in your browser instead.`);
  console.log('To get the desktop window, set ELECTRON_MIRROR to the base URL of an Electron mirror you can reach and run npm start again.');
  const dbFile = join(defaultDataDir(), LOCAL_DB_NAME);
  const db = await openLocalDatabase(dbFile, (m) => console.log(m));
  db.close();
  const server = await listenOnFreePort(dbFile);
  console.log('');
  console.log(`  Open ${server.url}/ in your browser.   (local database: ${dbFile})`);
  const ping = await server.backend.call('system.ping', {});
  if (ping.demo) console.log('  Demo users: clerk, warehouse, manager, admin — password demo123.');
  console.log('  Ctrl+C stops.');
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  buildIfStale();
  let binary = electronBinary();
  let reason = '';
  if (!binary) {
    console.log('Electron is not installed yet; trying to download it (honours ELECTRON_MIRROR) …');
    const attempt = await installElectron(120_000);
    binary = electronBinary();
    reason = attempt.reason;
  }
  if (!binary) {
    await browserMode(reason);
    return;
  }
  const child = spawn(binary, ['.'], { stdio: 'inherit' });
  child.on('close', (code) => process.exit(code ?? 0));
}

void main();
