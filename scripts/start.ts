import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  downloadFailureFile,
  electronBinary,
  failureStillHolds,
  forgetDownloadFailure,
  installElectron,
  readDownloadFailure,
  rememberDownloadFailure,
} from './electron-runtime.js';
import { parseCommandLine } from '../db/cli-args.js';
import { defaultDataDir, LOCAL_DB_NAME } from '../db/data-dir.js';
import { openLocalDatabase } from '../db/local-database.js';
import { startServer } from '../server/http-server.js';
import { DEFAULT_SERVER_PORT } from '../shared/settings.js';

// npm start: the desktop client where Electron can run; otherwise the same client in the
// browser, served on 127.0.0.1 over the local database of this computer.

const usage = `Usage: npm start [-- --port PORT] [-- --retry-electron]
  --port PORT        browser mode: serve on this port (default ${DEFAULT_SERVER_PORT}, or the next free one)
  --retry-electron   try the Electron download again although it failed before`;

const { values: args } = parseCommandLine(
  { options: { port: { type: 'string' }, 'retry-electron': { type: 'boolean' }, help: { type: 'boolean' } }, strict: true },
  usage,
);
const portText = args.port;
if (portText !== undefined && (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)) {
  console.error(`The port must be a whole number from 1 to 65535; got "${portText}".\n\n${usage}`);
  process.exit(2);
}
const requestedPort = portText === undefined ? null : Number(portText);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

function buildIfStale(): void {
  // PIM_START_NO_BUILD=1: the tests of this script start it without building.
  if (process.env.PIM_START_NO_BUILD === '1') return;
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
  if (requestedPort !== null) {
    try {
      return await startServer({ dbFile, port: requestedPort, host: '127.0.0.1', staticDir: 'dist/renderer', log: () => {} });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        console.error(`Port ${requestedPort} on 127.0.0.1 is already in use by another program. Choose another with npm start -- --port P.`);
        process.exit(1);
      }
      throw e;
    }
  }
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
  console.log('To get the desktop window, set ELECTRON_MIRROR to the base URL of an Electron mirror you can reach and run npm start again');
  console.log('(a new mirror is tried at once; npm start -- --retry-electron tries the same one again).');
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
  const marker = downloadFailureFile();
  if (!binary) {
    const before = args['retry-electron'] ? null : failureStillHolds(readDownloadFailure(marker));
    if (before) {
      // The same download failed before: not two more minutes of the same failure at every start.
      reason = `${before.reason}; not tried again since it failed on ${before.failedAt.slice(0, 16).replace('T', ' ')} UTC`;
    } else {
      console.log('Electron is not installed yet; trying to download it (honours ELECTRON_MIRROR) …');
      const attempt = await installElectron(120_000);
      binary = electronBinary();
      reason = attempt.reason;
      if (binary) forgetDownloadFailure(marker);
      else rememberDownloadFailure(marker, attempt.reason);
    }
  }
  if (binary && requestedPort !== null) console.log('(--port is for the browser mode; the desktop window needs no port.)');
  if (!binary) {
    await browserMode(reason);
    return;
  }
  const child = spawn(binary, ['.'], { stdio: 'inherit' });
  child.on('close', (code) => process.exit(code ?? 0));
}

void main();
