import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type DB } from './open.js';
import { checkRole, checkUsername, createUser, getUser, listUsers, MIN_PASSWORD_LENGTH, setPassword, UserAdminError } from './users.js';
import { roles } from '../shared/roles.js';

// The way to create the first administrator of a real database, and to reset passwords.
// Passwords come from standard input, never from the command line, where other users of
// the machine and the shell history could read them.
// Exit codes: 0 done, 1 the user exists / does not exist or the database failed,
// 2 bad usage or an unacceptable user name, role or password.

const USAGE = `Usage:
  npm run user -- add USERNAME --role ${roles.join('|')} --db FILE [--name 显示名]
  npm run user -- passwd USERNAME --db FILE
  npm run user -- list --db FILE
The password is read from standard input (the first line), at least ${MIN_PASSWORD_LENGTH} characters:
  echo 'a-long-secret' | npm run user -- add boss --role admin --db data.db
At a terminal it is asked for twice, without echo. "add" creates the database file if needed.`;

class UsageError extends Error {}

async function readFirstLine(): Promise<string | null> {
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk as string;
    if (text.includes('\n')) break;
  }
  if (text === '') return null;
  return text.split('\n')[0].replace(/\r$/, '');
}

function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolvePassword, reject) => {
    let value = '';
    const done = (err: Error | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolvePassword(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new UsageError('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    process.stderr.write(prompt);
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readPassword(command: string, username: string): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await readHidden(`New password for ${username}: `);
    const second = await readHidden('Repeat the password: ');
    if (first !== second) throw new UsageError('The two passwords differ; nothing was changed.');
    return first;
  }
  const line = await readFirstLine();
  if (line === null || line === '') {
    throw new UsageError(
      `No password on standard input. Pipe it in, for example: echo 'a-long-secret' | npm run user -- ${command} ${username} …`,
    );
  }
  return line;
}

/** Terminal columns a text takes: CJK characters are two wide, so Chinese names line up. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => width(r[c]))));
  return rows.map((r) => r.map((cell, c) => cell + ' '.repeat(widths[c] - width(cell))).join('  ').trimEnd()).join('\n');
}

function openExisting(file: string): DB {
  if (!existsSync(file)) throw new UsageError(`There is no database at ${file}.`);
  return openDatabase(file);
}

async function run(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        db: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, username, ...extra] = positionals;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (!command) throw new UsageError('Say what to do: add, passwd or list.');
  if (!['add', 'passwd', 'list'].includes(command)) throw new UsageError(`Unknown command "${command}".`);
  if (extra.length) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  if (!values.db) throw new UsageError('--db FILE is required.');
  const file = resolve(values.db);

  if (command === 'list') {
    if (username) throw new UsageError(`"list" takes no user name.`);
    const db = openExisting(file);
    try {
      const users = listUsers(db);
      if (users.length === 0) {
        console.log(`No users in ${file}. Create the first administrator with: npm run user -- add admin --role admin --db ${values.db}`);
        return;
      }
      const rows = users.map((u) => [String(u.id), u.username, u.role, u.displayName, u.active ? 'yes' : 'no', u.createdAt]);
      console.log(table([['id', 'username', 'role', 'name', 'active', 'created'], ...rows]));
    } finally {
      db.close();
    }
    return;
  }

  if (!username) throw new UsageError(`"${command}" needs a user name.`);
  if (command === 'add') {
    if (!values.role) throw new UsageError(`--role is required: one of ${roles.join(', ')}.`);
    if (values.name !== undefined && values.name.trim() === '') throw new UsageError('--name must not be empty.');
    mkdirSync(dirname(file), { recursive: true });
    const db = openDatabase(file);
    try {
      // Catch a bad or taken name and a bad role before asking for the password.
      checkUsername(username);
      checkRole(values.role);
      const existing = getUser(db, username);
      if (existing) throw new UserAdminError('USERNAME_TAKEN', `A user named "${existing.username}" already exists.`);
      const password = await readPassword(command, username);
      const user = await createUser(db, { username, role: values.role, password, displayName: values.name });
      console.log(`Created user ${user.username} (${user.displayName}), role ${user.role}, in ${file}.`);
    } finally {
      db.close();
    }
    return;
  }

  if (values.role !== undefined || values.name !== undefined) throw new UsageError('"passwd" takes only a user name and --db.');
  const db = openExisting(file);
  try {
    const user = getUser(db, username);
    if (!user) throw new UserAdminError('NO_SUCH_USER', `There is no user named "${username.trim()}" in ${file}.`);
    const password = await readPassword(command, user.username);
    await setPassword(db, user.username, password);
    console.log(`Password of ${user.username} changed; the user's open sessions have ended.`);
  } finally {
    db.close();
  }
}

try {
  await run(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof UserAdminError) {
    console.error(err.message);
    process.exitCode = err.code === 'USERNAME_TAKEN' || err.code === 'NO_SUCH_USER' ? 1 : 2;
  } else {
    console.error(`Failed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
