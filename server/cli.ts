import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../db/cli-args.js';
import { checkAllowedOrigins, DEFAULT_ALLOWED_ORIGINS, startServer } from './http-server.js';
import { backupDatabase, DEFAULT_KEEP } from '../db/backup.js';
import { DEFAULT_SERVER_PORT } from '../shared/settings.js';

// npm run server -- --port P --db FILE [--host H]
const usage =
  'Usage: npm run server -- --port PORT --db FILE [--host 127.0.0.1|0.0.0.0] [--allow-origin http://other-host:port ...] [--no-backup] [--read-workers N] [--no-memory-search]\n' +
  'Reads run on N worker threads (default: one per core, at most 4; 0: all calls on the main thread).\n' +
  'Each reading thread holds the big lists\' search text in memory (about 0.4 GB per thread at 10⁶ orders) unless --no-memory-search.\n' +
  `Backups: one a day and one at shutdown into <db folder>/backups (the newest ${DEFAULT_KEEP} kept), unless --no-backup.`;

const DAY_MS = 24 * 60 * 60 * 1000;

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

/** A clear sentence for a database path that cannot be written, or null when it can. */
export function unwritableReason(file: string): string | null {
  const dir = dirname(file);
  if (!existsSync(dir)) return `The folder ${dir} does not exist. Create it or choose another --db path.`;
  if (existsSync(file)) {
    if (!statSync(file).isFile()) return `${file} is not a file. Choose a database file path with --db.`;
    try {
      closeSync(openSync(file, 'r+'));
    } catch {
      return `The database file ${file} cannot be written. Check its permissions or choose another --db path.`;
    }
  }
  // SQLite also creates -wal and -shm files beside the database, so the folder itself must
  // take a new file; trying it is the only check that also holds for root and read-only disks.
  const probe = join(dir, `.pim-write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch {
    return `The folder ${dir} cannot be written, so the database cannot be created or opened there. Choose another --db path.`;
  }
  return null;
}

async function main(): Promise<void> {
  const { values } = parseCommandLine(
    {
      options: {
        port: { type: 'string' },
        db: { type: 'string' },
        host: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'no-backup': { type: 'boolean' },
        'read-workers': { type: 'string' },
        'no-memory-search': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    },
    usage,
  );
  if (!values.db) fail(`Name the database file with --db.\n${usage}`, 2);
  const portText = values.port ?? String(DEFAULT_SERVER_PORT);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    fail(`The port must be a whole number from 1 to 65535 (0 picks a free one); got "${portText}".`, 2);
  }
  const port = Number(portText);
  const host = values.host ?? '127.0.0.1';
  const workersText = values['read-workers'];
  if (workersText !== undefined && !/^\d+$/.test(workersText)) {
    fail(`--read-workers must be a whole number (0 runs every call on the main thread); got "${workersText}".`, 2);
  }
  const readWorkers = workersText === undefined ? undefined : Math.min(Number(workersText), 16);
  const dbFile = resolve(values.db);
  const reason = unwritableReason(dbFile);
  if (reason) fail(reason);
  let allowedOrigins: string[];
  try {
    allowedOrigins = checkAllowedOrigins([...DEFAULT_ALLOWED_ORIGINS, ...(values['allow-origin'] ?? [])]);
  } catch (e) {
    fail((e as Error).message, 2);
  }

  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const staticDir = resolve(root, 'dist/renderer');
  let server;
  try {
    server = await startServer({ dbFile, port, host, staticDir, allowedOrigins, readWorkers, memorySearch: !values['no-memory-search'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') fail(`Port ${port} on ${host} is already in use by another program. Choose another port with --port.`);
    if (err.code === 'EACCES') fail(`Not allowed to listen on port ${port} on ${host}. Choose a port above 1024 with --port.`);
    if (err.code === 'EADDRNOTAVAIL') fail(`The address ${host} is not an address of this computer. Check --host.`);
    fail(`The server could not start with database ${dbFile}: ${err.message}`);
  }

  // Signals are handled from here on: whoever saw the address may stop the server.
  // Backups: a consistent copy every day (on the server's own connection, in steps between
  // calls) and one at shutdown, checked, the newest kept, in <db folder>/backups.
  const backupDir = join(dirname(dbFile), 'backups');
  const takeBackup = async (why: string, source: string | typeof server.backend.db) => {
    try {
      const r = await backupDatabase(source, backupDir);
      console.log(`backup (${why}): ${r.file}`);
    } catch (e) {
      console.error(`backup (${why}) failed: ${(e as Error).message}`);
    }
  };
  let daily: NodeJS.Timeout | null = null;
  if (!values['no-backup']) {
    daily = setInterval(() => void takeBackup('daily', server.backend.db), DAY_MS);
    daily.unref();
  }

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (daily) clearInterval(daily);
    void server
      .close()
      .then(() => (values['no-backup'] ? undefined : takeBackup('shutdown', dbFile)))
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const ping = await server.backend.call('system.ping', {});
  console.log(`PIM after-sales server listening on ${server.url} (database ${dbFile})`);
  console.log(`  service contract: POST ${server.url}/api/<method>   messages: ${server.url.replace('http', 'ws')}/ws`);
  console.log(server.pool ? `  reads: ${server.pool.size} worker threads, each with its own read-only connection` : '  reads: on the main thread');
  if (existsSync(resolve(staticDir, 'index.html'))) console.log(`  browser client: ${server.url}/`);
  else console.log('  browser client not built: run "npm run build:renderer" to serve it too');
  if (ping.demo) console.log('  demo database: users clerk, warehouse, manager, admin — password demo123');
  else if (!ping.hasUsers) {
    console.log(`  this database has no users yet: create the first administrator with`);
    console.log(`  npm run user -- add admin --role admin --db ${dbFile}   (the password is read from standard input)`);
  }
  if (!values['no-backup']) console.log(`  backups: daily and at shutdown into ${backupDir} (--no-backup turns them off)`);
}

void main();
