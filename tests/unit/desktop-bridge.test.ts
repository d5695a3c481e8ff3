import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../db/backend.js';
import { openDatabase, type DB } from '../../db/open.js';
import { answerBridgeCall } from '../../electron/bridge-handler.js';
import { ApiClient } from '../../renderer/src/api/client.js';
import { IpcTransport } from '../../renderer/src/api/ipc-transport.js';
import type { DesktopBridge } from '../../shared/bridge.js';
import { ServiceError } from '../../shared/errors.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// The desktop client's local-database path without Electron: the renderer's typed client over
// its IPC transport, a bridge that structured-clones like IPC does, and the main process's answer.
let dir: string;
let db: DB;
let client: ApiClient;
let backend: Backend;

beforeAll(async () => {
  const demo = await makeDemoDb(300);
  dir = demo.dir;
  db = openDatabase(demo.file);
  backend = new Backend(db);
  const bridge: DesktopBridge = {
    call: async (method, params, token) =>
      structuredClone(await answerBridgeCall(async () => backend, structuredClone(method), structuredClone(params), token)),
    on: () => () => {},
    saveDialog: async () => null,
    openPath: async () => {},
    platform: 'linux',
  };
  client = new ApiClient(new IpcTransport(bridge));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('desktop client over IPC to the local database', () => {
  it('logs in and lists dispatch orders through the same typed client as HTTP', async () => {
    const login = await client.call('auth.login', { username: 'clerk', password: 'demo123' });
    client.setToken(login.token);
    const list = await client.call('dispatch.query', { conditions: [], join: 'and', sort: [], limit: 200 });
    expect(list.rows).toHaveLength(200);
    expect(list.total).toBe(300);
    expect(list.capped).toBe(true);
  });

  it('brings errors across as ServiceErrors with their codes', async () => {
    const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: ServiceError) => e.code);
    expect(await codeOf(client.call('auth.login', { username: 'clerk', password: 'wrong' }))).toBe('LOGIN_FAILED');
    expect(await codeOf(client.call('dispatch.query', { limit: 0 }))).toBe('INVALID_PARAMS');
    expect(await codeOf(client.call('nope.method' as 'auth.me', {}))).toBe('UNKNOWN_METHOD');
    expect(await answerBridgeCall(async () => backend, 'nope.method', {}, null)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await answerBridgeCall(async () => backend, 'dispatch.query', {}, 'forged')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('answers a bug as INTERNAL without its details', async () => {
    const answer = await answerBridgeCall(async () => {
      throw new Error('secret path /home/x/db.ts:1');
    }, 'auth.me', {}, null).catch((e) => e);
    expect(answer).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.not.stringContaining('secret') } });
  });
});
