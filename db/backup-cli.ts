import { resolve } from 'node:path';
import { parseCommandLine, usageError } from './cli-args.js';
import { backupDatabase, BackupError, DEFAULT_KEEP, restoreDatabase } from './backup.js';

// npm run backup  -- --db FILE --to DIR [--keep N]
// npm run restore -- --from BACKUP --db FILE
// Exit codes: 0 done, 1 the backup or restore failed or was refused, 2 bad usage.

const BACKUP_USAGE = `Usage: npm run backup -- --db FILE --to DIR [--keep N]
Takes a consistent copy of the database while desks keep working, checks it (integrity_check),
keeps the newest N backups of this database in DIR (default ${DEFAULT_KEEP}) and prints the file.`;

const RESTORE_USAGE = `Usage: npm run restore -- --from BACKUP --db FILE
Checks the backup, then puts it in place of FILE. Refused while FILE is in use: stop the server
(or close the desktop client) first. The replaced database is kept as FILE.before-restore-<time>.`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function backup(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: { db: { type: 'string' }, to: { type: 'string' }, keep: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    },
    BACKUP_USAGE,
  );
  if (!values.db) usageError('Name the database with --db.', BACKUP_USAGE);
  if (!values.to) usageError('Name the folder for the backups with --to.', BACKUP_USAGE);
  const keepText = values.keep ?? String(DEFAULT_KEEP);
  if (!/^\d+$/.test(keepText) || Number(keepText) < 1) usageError(`--keep must be a whole number of at least 1; got "${keepText}".`, BACKUP_USAGE);
  const result = await backupDatabase(resolve(values.db), resolve(values.to), { keep: Number(keepText) });
  for (const old of result.removed) console.error(`removed old backup ${old}`);
  console.error(`backup checked (integrity_check ok), ${(result.bytes / 1024 / 1024).toFixed(1)} MiB`);
  // The file alone on standard output, for scripts.
  console.log(result.file);
}

function restore(argv: string[]): void {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: { from: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    },
    RESTORE_USAGE,
  );
  if (!values.from) usageError('Name the backup file with --from.', RESTORE_USAGE);
  if (!values.db) usageError('Name the database to restore with --db.', RESTORE_USAGE);
  const result = restoreDatabase(values.from, values.db);
  console.log(`restored ${resolve(values.from)} to ${result.dbFile} (schema version ${result.schemaVersion})`);
  if (result.previous) console.log(`the database it replaced is kept as ${result.previous}`);
  console.log('Start the server (or the desktop client) again; it brings the schema up to date if needed.');
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  try {
    if (command === 'backup') await backup(rest);
    else if (command === 'restore') restore(rest);
    else usageError(`Unknown command "${command ?? ''}".`, `${BACKUP_USAGE}\n\n${RESTORE_USAGE}`);
  } catch (err) {
    if (err instanceof BackupError) fail(err.message);
    fail(`${command} failed: ${(err as Error).message}`);
  }
}

void main();
