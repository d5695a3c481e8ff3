import { connect, createServer } from 'node:net';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http-server.js';
import { makeDemoDb } from '../helpers/demo-db.js';
import { finished, spawnTs } from '../helpers/spawn.js';

let server: RunningServer;
let dir: string;
let dbFile: string;

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(900));
  server = await startServer({ dbFile, port: 0, host: '127.0.0.1', auth: { lockBaseMs: 60_000 }, log: () => {} });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(method: string, body: unknown, token?: string, raw = false) {
  const res = await fetch(`${server.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), headers: res.headers, text };
}

async function login(username = 'clerk', password = 'demo123'): Promise<string> {
  const r = await post('auth.login', { username, password });
  expect(r.status).toBe(200);
  return r.body.token as string;
}

// Independent of the app's query code: the expected rows straight from the tables.
function expectedOrderNos(where: string, params: unknown[] = []): string[] {
  const db = new Database(dbFile, { readonly: true });
  const rows = db.prepare(`SELECT order_no FROM dispatch_orders ${where}`).all(...params) as { order_no: string }[];
  db.close();
  return rows.map((r) => r.order_no).sort();
}

describe('auth.login', () => {
  it('logs in a demo user and returns a token with the user', async () => {
    const r = await post('auth.login', { username: 'clerk', password: 'demo123' });
    expect(r.status).toBe(200);
    expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(r.body.user).toMatchObject({ username: 'clerk', role: 'clerk' });
    const me = await post('auth.me', {}, r.body.token);
    expect(me.body.user.username).toBe('clerk');
  });

  it('answers a wrong password and an unknown user with the same words', async () => {
    const wrong = await post('auth.login', { username: 'warehouse', password: 'nope' });
    const unknown = await post('auth.login', { username: 'nobody-here', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('LOGIN_FAILED');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('slows a user down after five wrong passwords in a row, even with the right one next', async () => {
    for (let i = 0; i < 5; i++) expect((await post('auth.login', { username: 'manager', password: `bad${i}` })).status).toBe(401);
    const locked = await post('auth.login', { username: 'manager', password: 'demo123' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('LOGIN_THROTTLED');
    expect(locked.body.error.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other users are not affected.
    expect((await post('auth.login', { username: 'admin', password: 'demo123' })).status).toBe(200);
    // An unknown name is throttled the same way, so the lock does not reveal who exists.
    for (let i = 0; i < 5; i++) await post('auth.login', { username: 'ghost', password: `bad${i}` });
    const ghost = await post('auth.login', { username: 'ghost', password: 'x' });
    expect(ghost.status).toBe(429);
    expect(ghost.body.error.code).toBe('LOGIN_THROTTLED');
  });
});

describe('login throttling under parallel guesses', () => {
  it('lets no more than five guesses through, however many arrive at once', async () => {
    const guesses = Array.from({ length: 40 }, (_, i) => post('auth.login', { username: 'warehouse', password: i === 39 ? 'demo123' : `guess${i}` }));
    const statuses = (await Promise.all(guesses)).map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35);
    expect(statuses).not.toContain(200);
  });
});

describe('dispatch.query', () => {
  it('needs a session', async () => {
    const none = await post('dispatch.query', {});
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const bad = await post('dispatch.query', {}, 'not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('says SESSION_EXPIRED for an ended session, and logout ends one', async () => {
    const token = await login();
    server.backend.db.prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    const expired = await post('dispatch.query', {}, token);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('SESSION_EXPIRED');
    // Still "expired" on the next call, not "unknown".
    expect((await post('auth.me', {}, token)).body.error.code).toBe('SESSION_EXPIRED');

    const other = await login();
    expect((await post('auth.logout', {}, other)).status).toBe(200);
    expect((await post('dispatch.query', {}, other)).body.error.code).toBe('UNAUTHENTICATED');
  });

  it('returns at most 200 rows with the exact total and capped flag', async () => {
    const token = await login();
    const r = await post('dispatch.query', { conditions: [], join: 'and', sort: [], limit: 200 }, token);
    expect(r.status).toBe(200);
    expect(r.body.rows).toHaveLength(200);
    expect(r.body.total).toBe(900);
    expect(r.body.capped).toBe(true);
    // Default order: newest first.
    const created = r.body.rows.map((row: { created_at: string }) => row.created_at);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it('answers a wildcard query with exactly the matching rows', async () => {
    const token = await login();
    // A legacy-style pattern built from a part number that is in the data: "2by*5084*4*1".
    const db = new Database(dbFile, { readonly: true });
    const { part } = db.prepare('SELECT device_part_no AS part FROM dispatch_orders WHERE id = 17').get() as { part: string };
    db.close();
    const [a, b, c, d] = part.toLowerCase().split('.');
    const pattern = `${a}*${b}*${c.slice(-1)}*${d}`;
    const glob = `*${pattern}*`;
    const r = await post('dispatch.query', { conditions: [{ field: 'any', op: 'contains', value: pattern.toUpperCase() }] }, token);
    const expected = expectedOrderNos(
      `WHERE lower(order_no) GLOB ? OR lower(customer) GLOB ? OR lower(coalesce(contract_no,'')) GLOB ?
          OR lower(coalesce(device_part_no,'')) GLOB ? OR lower(coalesce(device_serial_no,'')) GLOB ?`,
      [glob, glob, glob, glob, glob],
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(200);
    expect(r.body.capped).toBe(false);
    expect(r.body.total).toBe(expected.length);
    expect(r.body.rows.map((x: { order_no: string }) => x.order_no).sort()).toEqual(expected);
  });

  it('counts past the cap for an unselective pattern', async () => {
    const token = await login();
    const r = await post('dispatch.query', { conditions: [{ field: 'customer', op: 'contains', value: '有限公司' }], limit: 50 }, token);
    const expected = expectedOrderNos("WHERE instr(customer, '有限公司') > 0");
    expect(r.body.total).toBe(expected.length);
    expect(r.body.rows).toHaveLength(Math.min(50, expected.length));
    expect(r.body.capped).toBe(expected.length > 50);
  });
});

describe('bad input gets a 4xx with a code, never a 5xx', () => {
  it('malformed JSON → 400 BAD_JSON', async () => {
    const r = await post('auth.login', '{"username": "clerk", ', undefined, true);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_JSON');
  });

  it('wrong types → 400 INVALID_PARAMS naming the field', async () => {
    const token = await login();
    const r = await post('dispatch.query', { limit: 'lots', conditions: 'x' }, token);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_PARAMS');
    expect(r.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['limit', 'conditions']));
    const login2 = await post('auth.login', { username: 42, password: ['x'] });
    expect(login2.status).toBe(400);
    expect(login2.body.error.code).toBe('INVALID_PARAMS');
    const arrayBody = await post('auth.login', [1, 2]);
    expect(arrayBody.status).toBe(400);
    const tooMany = await post('dispatch.query', { limit: 100000 }, token);
    expect(tooMany.body.error.code).toBe('INVALID_PARAMS');
    const unknownField = await post('dispatch.query', { conditions: [{ field: 'password_hash', op: 'contains', value: 'a' }] }, token);
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.code).toBe('INVALID_PARAMS');
  });

  it('unknown method → 404 UNKNOWN_METHOD; other routes and verbs get their codes', async () => {
    expect((await post('dispatch.explode', {})).body.error.code).toBe('UNKNOWN_METHOD');
    expect((await post('dispatch.explode', {})).status).toBe(404);
    const get = await fetch(`${server.url}/api/dispatch.query`);
    expect(get.status).toBe(405);
    expect((await get.json()).error.code).toBe('METHOD_NOT_ALLOWED');
    const nested = await fetch(`${server.url}/api/a/b`, { method: 'POST' });
    expect(nested.status).toBe(404);
    const big = await post('auth.login', JSON.stringify({ username: 'x'.repeat(2_000_000), password: 'y' }), undefined, true);
    expect(big.status).toBe(413);
  });

  it('never leaks a stack trace, even for a bug', async () => {
    const r = await post('dispatch.query', { sort: [{ field: 'nope', dir: 'sideways' }] }, await login());
    expect(r.status).toBe(400);
    expect(r.text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);

    const call = server.backend.call.bind(server.backend);
    server.backend.call = (async () => {
      throw new Error('boom at query (/work/db/services/dispatch.ts:12:3)');
    }) as typeof server.backend.call;
    try {
      const bug = await post('system.ping', {});
      expect(bug.status).toBe(500);
      expect(bug.body.error.code).toBe('INTERNAL');
      expect(bug.text).not.toMatch(/boom|\.ts:\d+/);
    } finally {
      server.backend.call = call;
    }
  });

  it('survives requests whose path cannot be read, and keeps serving', async () => {
    const raw = (text: string) =>
      new Promise<string>((done) => {
        const socket = connect(server.port, '127.0.0.1', () => socket.end(text));
        let answer = '';
        socket.on('data', (d) => (answer += d));
        socket.on('close', () => done(answer));
        socket.on('error', () => done(answer));
      });
    const malformedEscape = await post('%E0%A4%A', {});
    expect(malformedEscape.status).toBe(404);
    expect(malformedEscape.body.error.code).toBe('UNKNOWN_METHOD');
    expect(await raw('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(await raw('GET /ws HTTP/1.1\r\nHost: [\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')).not.toMatch(/^HTTP\/1\.1 5/);
    expect((await post('system.ping', {})).status).toBe(200);
  });
});

describe('who may call the API', () => {
  it('allows the desktop window (Origin app://pim) but not other web pages, nor Origin null', async () => {
    const from = (origin: string) =>
      fetch(`${server.url}/api/system.ping`, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json' }, body: '{}' });
    expect((await from('app://pim')).headers.get('access-control-allow-origin')).toBe('app://pim');
    expect((await from('null')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await from('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers only to loopback names when bound to loopback (no DNS rebinding)', async () => {
    const rebound = await new Promise<string>((done) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.end('POST /api/system.ping HTTP/1.1\r\nHost: evil.example:80\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'),
      );
      let answer = '';
      socket.on('data', (d) => (answer += d));
      socket.on('close', () => done(answer));
    });
    expect(rebound).toMatch(/^HTTP\/1\.1 403/);
    expect(rebound).toContain('FORBIDDEN');
  });
});

describe('message server', () => {
  function hello(url: string): Promise<{ data: { authenticated: boolean }; closed: Promise<number> }> {
    return new Promise((done, fail) => {
      const ws = new WebSocket(url);
      const closed = new Promise<number>((c) => ws.on('close', (code) => c(code)));
      ws.once('message', (m) => done({ ...JSON.parse(String(m)), closed, ws }));
      ws.once('error', fail);
      setTimeout(() => ws.close(), 3000);
    });
  }

  it('greets a desk with a session and keeps it; greets and closes one without', async () => {
    const wsUrl = server.url.replace('http', 'ws') + '/ws';
    const withToken = await hello(`${wsUrl}?token=${await login()}`);
    expect(withToken.data.authenticated).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.messages.connectedCount).toBeGreaterThan(0);
    const anonymous = await hello(wsUrl);
    expect(anonymous.data.authenticated).toBe(false);
    expect(await anonymous.closed).toBe(1000);
    const badToken = await hello(`${wsUrl}?token=nope`);
    expect(await badToken.closed).toBe(4401);
  });
});

describe('npm run server (the CLI)', () => {
  it('refuses a port in use with a clear message and a non-zero exit', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    const { code, output } = await finished(spawnTs('server/cli.ts', ['--port', String(port), '--db', join(dir, 'other.db')]));
    blocker.close();
    expect(code).not.toBe(0);
    expect(output).toContain(`Port ${port} on 127.0.0.1 is already in use`);
  });

  it('refuses an unwritable database path with a clear message and a non-zero exit', async () => {
    const missing = await finished(spawnTs('server/cli.ts', ['--port', '0', '--db', join(dir, 'no', 'such', 'x.db')]));
    expect(missing.code).not.toBe(0);
    expect(missing.output).toMatch(/does not exist/);

    // Not writable even for root: the kernel's /proc takes no new files.
    const readOnly = await finished(spawnTs('server/cli.ts', ['--port', '0', '--db', '/proc/pim-test.db']));
    expect(readOnly.code).not.toBe(0);
    expect(readOnly.output).toMatch(/cannot be written/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      const r = await finished(spawnTs('server/cli.ts', ['--port', '0', '--db', join(locked, 'x.db')]));
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/cannot be written/);
    }
    const notAFile = await finished(spawnTs('server/cli.ts', ['--port', '0', '--db', dir]));
    expect(notAFile.code).not.toBe(0);
    expect(notAFile.output).toMatch(/is not a file/);
  });

  it('refuses a bad port argument', async () => {
    const r = await finished(spawnTs('server/cli.ts', ['--port', '70000', '--db', join(dir, 'x.db')]));
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/1 to 65535/);
  });
});
