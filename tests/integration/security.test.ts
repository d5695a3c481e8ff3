import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../db/backend.js';
import { openDatabase } from '../../db/open.js';
import { exportTempBase } from '../../db/services/export.js';
import { postJson } from '../../renderer/src/api/http-transport.js';
import { checkAllowedOrigins, jsonDepthExceeds, startServer, type RunningServer } from '../../server/http-server.js';
import { DESKTOP_ORIGIN } from '../../shared/bridge.js';
import type { SheetSpec } from '../../shared/export/sheet.js';
import { makeDemoDb } from '../helpers/demo-db.js';
import { finished, spawnTs } from '../helpers/spawn.js';

// Issue 10, security: each block here failed before its fix.
let server: RunningServer;
let dir: string;
let dbFile: string;
const logs: string[] = [];

beforeAll(async () => {
  ({ dir, file: dbFile } = await makeDemoDb(300));
  server = await startServer({ dbFile, port: 0, host: '127.0.0.1', auth: { lockBaseMs: 60_000 }, log: (m) => logs.push(m) });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: { error?: { code: string; retryAfterSeconds?: number }; [k: string]: unknown };
}

/** One request over loopback, optionally from another local address (127.0.0.x) of this machine. */
function send(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const req = httpRequest(
      { host: '127.0.0.1', port: url.port, path: url.pathname, method: options.method ?? 'POST', headers: options.headers, localAddress: options.from },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let body = {};
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = { 'Content-Type': 'application/json' };
const post = (method: string, params: unknown, token?: string, from?: string) =>
  send(`/api/${method}`, { headers: { ...json, ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(params), from });

async function login(username: string, from?: string): Promise<string> {
  const r = await post('auth.login', { username, password: 'demo123' }, undefined, from);
  expect(r.status).toBe(200);
  return r.body.token as string;
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CORS only for named origins, never null', () => {
  it('does not answer Origin: null (sandboxed frames, data: pages) with Access-Control-Allow-Origin', async () => {
    const from = (origin: string) => send('/api/system.ping', { headers: { ...json, Origin: origin }, body: '{}' });
    const nullOrigin = await from('null');
    expect(nullOrigin.status).toBe(200);
    expect(nullOrigin.headers['access-control-allow-origin']).toBeUndefined();
    expect((await from('file://')).headers['access-control-allow-origin']).toBeUndefined();
    expect((await from('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    // The desktop window, served at app://pim, is a named origin and allowed by default.
    const desktop = await from(DESKTOP_ORIGIN);
    expect(desktop.headers['access-control-allow-origin']).toBe('app://pim');
    const preflight = await send('/api/auth.login', {
      method: 'OPTIONS',
      headers: { Origin: DESKTOP_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('app://pim');
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/Content-Type/i);
  });

  it('refuses null, * and non-origins as allowed origins, in code and on the command line', async () => {
    expect(() => checkAllowedOrigins(['null'])).toThrow(/cannot be an allowed origin/);
    expect(() => checkAllowedOrigins(['*'])).toThrow(/cannot be an allowed origin/);
    expect(() => checkAllowedOrigins(['http://host:8610/path'])).toThrow(/not an origin/);
    expect(checkAllowedOrigins(['http://Other-Host:8610/'])).toEqual(['http://other-host:8610']);
    await expect(startServer({ dbFile: join(dir, 'x.db'), port: 0, allowedOrigins: ['null'], log: () => {} })).rejects.toThrow(/null/);
    const r = await finished(spawnTs('server/cli.ts', ['--port', '0', '--db', join(dir, 'cli.db'), '--allow-origin', 'null']));
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/"null" cannot be an allowed origin/);
  });
});

describe('JSON only: other content types are refused before any work', () => {
  it('answers text/plain, form and missing content types with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const r = await send('/api/system.ping', { headers: type ? { 'Content-Type': type } : {}, body: '{}' });
      expect(r.status, String(type)).toBe(415);
      expect(r.body.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect((await send('/api/system.ping', { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{}' })).status).toBe(200);
    expect((await send('/api/system.ping', { headers: { 'Content-Type': 'Application/JSON' }, body: '' })).status).toBe(200);
  });

  it('does not count cross-site text/plain login posts as attempts (no lock-out by a web page)', async () => {
    for (let i = 0; i < 8; i++) {
      const r = await send('/api/auth.login', {
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify({ username: 'manager', password: `guess${i}` }),
      });
      expect(r.status).toBe(415);
    }
    expect(server.backend.db.prepare("SELECT count(*) FROM login_failures WHERE username = 'manager'").pluck().get()).toBe(0);
    await login('manager');
  });

  it('the client HTTP transport sends JSON (it works against this server)', async () => {
    const endpoint = { host: '127.0.0.1', port: server.port };
    const ping = (await postJson(endpoint, 'system.ping', {}, null)) as { service: string };
    expect(ping.service).toBe('pim-aftersales');
  });
});

describe('login throttling per user name and client address', () => {
  it('slows down the guessing address only; the user logs in from another address meanwhile', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await post('auth.login', { username: 'clerk', password: `bad${i}` }, undefined, '127.0.0.2');
      expect(r.status).toBe(401);
      expect(r.body.error?.code).toBe('LOGIN_FAILED');
    }
    const throttled = await post('auth.login', { username: 'clerk', password: 'demo123' }, undefined, '127.0.0.2');
    expect(throttled.status).toBe(429);
    expect(throttled.body.error?.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);

    // The real user, at another desk with no failures: the right password works …
    await login('clerk', '127.0.0.3');
    // … a wrong one there is an ordinary failure, with no "try again in" meant for the guesser.
    const wrong = await post('auth.login', { username: 'clerk', password: 'typo' }, undefined, '127.0.0.3');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe('LOGIN_FAILED');
    expect(wrong.body.error?.retryAfterSeconds).toBeUndefined();
    expect(wrong.headers['retry-after']).toBeUndefined();
    // The guessing address stays slowed down.
    expect((await post('auth.login', { username: 'clerk', password: 'demo123' }, undefined, '127.0.0.2')).status).toBe(429);
  });

  it('keeps the streaks of names tried with an expiry, never an unbounded list', async () => {
    await post('auth.login', { username: `nobody-${Date.now()}`, password: 'x' }, undefined, '127.0.0.4');
    const rows = server.backend.db.prepare("SELECT expires_at FROM login_failures WHERE address = '127.0.0.4'").all() as { expires_at: string }[];
    expect(rows).toHaveLength(1);
    expect(Date.parse(rows[0].expires_at)).toBeGreaterThan(Date.now());
  });
});

describe('bounded input: 4xx, never 5xx', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('refuses params nested deeper than 32 levels with 400 before parsing them', async () => {
    const token = await login('admin');
    const layout = (query: string) =>
      `{"list":"dispatch","layout":{"columns":[],"sort":[],"groupBy":[],"merged":[],"groupPanel":true,"query":${query}}}`;
    for (const depth of [40, 900, 5000, 200_000]) {
      const r = await send('/api/layout.save', { headers: { ...json, Authorization: `Bearer ${token}` }, body: layout(nested(depth)) });
      expect(r.status, `depth ${depth}`).toBe(400);
      expect(r.body.error?.code).toBe('INVALID_PARAMS');
    }
    const ok = await send('/api/layout.save', { headers: { ...json, Authorization: `Bearer ${token}` }, body: layout(nested(3)) });
    expect(ok.status).toBe(200);
    expect(jsonDepthExceeds('{"a":"[[[[[[[[[[["}', 2)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\"[[[[[[[[[[["}', 2)).toBe(false);
    expect(jsonDepthExceeds('[[[]]]', 2)).toBe(true);
  });

  it('bounds the stored layout itself, whatever the transport (IPC has no HTTP boundary)', async () => {
    const db = openDatabase(dbFile);
    const backend = new Backend(db);
    try {
      const { token } = await backend.call('auth.login', { username: 'admin', password: 'demo123' });
      let deep: unknown = [];
      for (let i = 0; i < 20_000; i++) deep = [deep];
      for (const query of [deep, ((): unknown => { let d: unknown = {}; for (let i = 0; i < 900; i++) d = { a: d }; return d; })()]) {
        const err = await backend
          .call('layout.save', { list: 'dispatch', layout: { columns: [], sort: [], groupBy: [], merged: [], groupPanel: true, query } }, token)
          .then(() => null, (e: { code: string }) => e.code);
        expect(err).toBe('INVALID_PARAMS');
      }
    } finally {
      db.close();
    }
  });
});

describe('a client that drops the connection', () => {
  it('is logged as an aborted request, not as an internal error with a stack trace', async () => {
    logs.length = 0;
    await new Promise<void>((done) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write('POST /api/auth.login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"user');
        setTimeout(() => {
          socket.destroy();
          done();
        }, 50);
      });
    });
    await tick(200);
    expect(logs.join('\n')).toMatch(/request aborted by the client: POST \/api\/auth\.login/);
    expect(logs.join('\n')).not.toMatch(/internal error|\n\s+at /);
    expect((await post('system.ping', {})).status).toBe(200);
  });
});

describe('export files', () => {
  const spec: SheetSpec = {
    title: 'x',
    columns: [{ field: 'order_no', label: 'No', type: 'text', widthPx: 120 }],
    groupBy: [],
    sort: [],
  };
  async function finishedExport(token: string): Promise<{ jobId: string; path: string }> {
    const start = await post('export.start', { module: 'dispatch', request: {}, spec, format: 'html' }, token);
    expect(start.status).toBe(200);
    const jobId = start.body.jobId as string;
    for (;;) {
      const p = await post('export.progress', { jobId }, token);
      if ((p.body as { state: string }).state !== 'running') break;
      await tick(20);
    }
    const user = server.backend.auth.authenticate(token).user;
    return { jobId, path: server.backend.exports.file(user, jobId).path };
  }

  it('are served once: a download the client drops early cannot be fetched again, and the file is deleted', async () => {
    const token = await login('manager');
    const { jobId, path } = await finishedExport(token);
    // A file far larger than the socket buffers, so the first download cannot complete.
    appendFileSync(path, Buffer.alloc(32 * 1024 * 1024, 0x20));
    const firstStarted = await new Promise<string>((done) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write(`GET /api/export/${jobId}/file HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`),
      );
      let head = '';
      socket.on('data', (d) => {
        head += d;
        if (head.includes('\r\n\r\n')) {
          socket.destroy();
          done(head.split('\r\n')[0]);
        }
      });
    });
    expect(firstStarted).toMatch(/^HTTP\/1\.1 200/);
    const again = await send(`/api/export/${jobId}/file`, { method: 'GET', headers: { Authorization: `Bearer ${token}` } });
    expect(again.status).toBe(404);
    await tick(200);
    expect(existsSync(path)).toBe(false);
  });

  it('go when their session goes: at logout and at expiry', async () => {
    const token = await login('manager');
    const { jobId, path } = await finishedExport(token);
    expect((await post('auth.logout', {}, token)).status).toBe(200);
    expect(existsSync(path)).toBe(false);
    const gone = await post('export.progress', { jobId }, await login('manager'));
    expect(gone.body.error?.code).toBe('NOT_FOUND');

    const other = await login('manager');
    const second = await finishedExport(other);
    server.backend.db.prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE token_hash = ?").run(
      server.backend.auth.authenticate(other).id,
    );
    server.backend.exports.dropEndedSessions();
    expect(existsSync(second.path)).toBe(false);
  });

  it('left by a process that died are deleted when a server starts', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    const leftover = join(exportTempBase(), `${dead}-abcdef`);
    mkdirSync(leftover, { recursive: true });
    writeFileSync(join(leftover, 'old.xlsx'), 'x');
    const mine = join(exportTempBase(), `${process.pid}-abcdef`);
    mkdirSync(mine, { recursive: true });
    const other = await startServer({ dbFile, port: 0, log: () => {} });
    await other.close();
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(mine)).toBe(true);
    rmSync(mine, { recursive: true, force: true });
  });
});
