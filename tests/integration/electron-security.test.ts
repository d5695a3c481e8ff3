import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APP_INDEX_URL,
  connectSources,
  contentSecurityPolicy,
  menuTemplate,
  permissionAllowed,
  resolveAppFile,
  settingsFromStored,
} from '../../electron/window-policy.js';
import { defaultSettings } from '../../shared/settings.js';
import { finished, spawnTs } from '../helpers/spawn.js';

// Issue 10, Electron: the main process's rules checked without Electron — electron/main.ts is
// loaded against a stand-in of the electron module that records what it registers — and
// Electronegativity over electron/ (npm run lint:electron) with no medium or high finding.

type Listener = (...args: unknown[]) => unknown;
const recorded = {
  privileged: [] as { scheme: string; privileges: Record<string, boolean> }[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  appEvents: new Map<string, Listener[]>(),
  ipcOn: new Map<string, Listener>(),
  ipcHandle: new Map<string, Listener>(),
  permissionRequest: null as null | Listener,
  permissionCheck: null as null | Listener,
  windows: [] as { options: { webPreferences: Record<string, unknown> }; url?: string; file?: string }[],
  menu: null as unknown,
  sandboxed: false,
  userData: '',
};

vi.mock('electron', () => {
  class BrowserWindow {
    options: unknown;
    url?: string;
    file?: string;
    webContents = { on: () => {} };
    constructor(options: unknown) {
      this.options = options;
      recorded.windows.push(this as never);
    }
    once() {}
    show() {}
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    loadFile(file: string) {
      this.file = file;
      return Promise.resolve();
    }
    static getAllWindows() {
      return [];
    }
    static fromWebContents() {
      return null;
    }
  }
  const app = {
    isPackaged: true,
    setPath: (_name: string, path: string) => (recorded.userData = path),
    getPath: () => recorded.userData,
    enableSandbox: () => (recorded.sandboxed = true),
    requestSingleInstanceLock: () => true,
    quit: () => {},
    on: (event: string, listener: Listener) => recorded.appEvents.set(event, [...(recorded.appEvents.get(event) ?? []), listener]),
    whenReady: () => Promise.resolve(),
  };
  const electron = {
    app,
    BrowserWindow,
    dialog: {},
    shell: {},
    ipcMain: {
      on: (channel: string, listener: Listener) => recorded.ipcOn.set(channel, listener),
      handle: (channel: string, listener: Listener) => recorded.ipcHandle.set(channel, listener),
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (recorded.menu = m) },
    protocol: {
      registerSchemesAsPrivileged: (list: typeof recorded.privileged) => recorded.privileged.push(...list),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => recorded.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => (recorded.permissionRequest = h),
        setPermissionCheckHandler: (h: Listener) => (recorded.permissionCheck = h),
      },
    },
  };
  return { ...electron, default: electron };
});

let dataDir: string;
const savedDataDir = process.env.PIM_DATA_DIR;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pim-electron-main-'));
  process.env.PIM_DATA_DIR = dataDir;
  await import('../../electron/main.js');
  await new Promise((r) => setTimeout(r, 10)); // app.whenReady().then(…)
});
afterAll(() => {
  if (savedDataDir === undefined) delete process.env.PIM_DATA_DIR;
  else process.env.PIM_DATA_DIR = savedDataDir;
  rmSync(dataDir, { recursive: true, force: true });
});

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: Listener | null = null;
  return {
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    setWindowOpenHandler: (h: Listener) => (openHandler = h),
    emit(event: string, url = 'https://evil.example/') {
      let prevented = false;
      listeners.get(event)?.({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    },
    open: () => openHandler?.({ url: 'https://evil.example/' }),
    reloads: 0,
  };
}

describe('the desktop window (electron/main.ts, without Electron)', () => {
  it('serves the page from its own app:// scheme, privileged as standard, secure and fetch-capable', async () => {
    expect(recorded.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) }]);
    expect(recorded.windows).toHaveLength(1);
    expect(recorded.windows[0].url).toBe(APP_INDEX_URL);
    expect(recorded.windows[0].file).toBeUndefined();
    expect(recorded.sandboxed).toBe(true);

    const serve = recorded.protocolHandlers.get('app')!;
    const page = await serve(new Request('app://pim/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src http://127.0.0.1:8610 ws://127.0.0.1:8610;");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    for (const outside of ['app://pim/../package.json', 'app://pim/%2e%2e/package.json', 'app://other/index.html']) {
      expect((await serve(new Request(outside))).status, outside).toBe(404);
    }
  });

  it('keeps the window sandboxed, isolated, without Node, auxclick or (packaged) DevTools', () => {
    const prefs = recorded.windows[0].options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
    const roles = JSON.stringify(recorded.menu);
    expect(roles).not.toContain('toggleDevTools');
    expect(JSON.stringify(menuTemplate(false))).toContain('toggleDevTools');
  });

  it('denies every permission request and check, but local network access for its own page', () => {
    const ask = (permission: string, url: string) =>
      new Promise<boolean>((done) => recorded.permissionRequest!({}, permission, done, { requestingUrl: url }));
    return (async () => {
      for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'unknown']) {
        expect(await ask(p, APP_INDEX_URL), p).toBe(false);
        expect(recorded.permissionCheck!({}, p, 'app://pim', {}), p).toBe(false);
      }
      expect(await ask('local-network-access', APP_INDEX_URL)).toBe(true);
      expect(await ask('local-network', APP_INDEX_URL)).toBe(true);
      expect(await ask('local-network-access', 'https://evil.example/')).toBe(false);
      expect(recorded.permissionCheck!({}, 'loopback-network', 'app://pim', {})).toBe(true);
      expect(recorded.permissionCheck!({}, 'loopback-network', 'null', {})).toBe(false);
    })();
  });

  it('guards navigation, redirects, new windows and webviews on every web contents', () => {
    const created = recorded.appEvents.get('web-contents-created') ?? [];
    expect(created.length).toBeGreaterThan(0);
    const contents = fakeContents();
    for (const listener of created) listener({}, contents);
    expect(contents.emit('will-navigate')).toBe(true);
    expect(contents.emit('will-navigate', 'app://pim/index.html')).toBe(true);
    expect(contents.emit('will-redirect')).toBe(true);
    expect(contents.emit('will-attach-webview')).toBe(true);
    expect(contents.open()).toEqual({ action: 'deny' });
  });

  it('answers IPC from its own page only, and reloads with a new CSP when the settings name other servers', async () => {
    const call = recorded.ipcHandle.get('pim:call')!;
    const foreign = (await call({ senderFrame: { url: 'https://evil.example/' } }, 'system.ping', {}, null)) as { ok: boolean; error?: { code: string } };
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const connection = recorded.ipcOn.get('pim:connection')!;
    let reloads = 0;
    const sender = { reload: () => reloads++ };
    const server = { mode: 'server', data: { host: '10.1.2.3', port: 9000 }, auth: { host: '10.1.2.4', port: 9001 }, message: { host: '10.1.2.3', port: 9002 } };
    connection({ senderFrame: { url: 'https://evil.example/' }, sender }, JSON.stringify(server));
    expect(reloads).toBe(0);
    connection({ senderFrame: { url: APP_INDEX_URL }, sender }, JSON.stringify(server));
    expect(reloads).toBe(1);
    connection({ senderFrame: { url: APP_INDEX_URL }, sender }, JSON.stringify(server));
    expect(reloads).toBe(1);
    const page = await recorded.protocolHandlers.get('app')!(new Request(APP_INDEX_URL));
    expect(page.headers.get('content-security-policy')).toContain('connect-src http://10.1.2.4:9001 http://10.1.2.3:9000 ws://10.1.2.3:9002;');
    expect(JSON.parse(readFileSync(join(dataDir, 'connection.json'), 'utf8'))).toMatchObject({ mode: 'server', data: { host: '10.1.2.3' } });
  });
});

describe('window policy (electron/window-policy.ts)', () => {
  it("makes connect-src exactly the settings' endpoints, never a scheme or wildcard", () => {
    expect(connectSources(defaultSettings())).toEqual(['http://127.0.0.1:8610', 'ws://127.0.0.1:8610']);
    // Stored settings are validated as the page does: a host with spaces or quotes is refused.
    const hostile = settingsFromStored(JSON.stringify({ mode: 'server', data: { host: "x; script-src 'unsafe-eval'", port: 1 }, auth: { host: 'a', port: 1 }, message: { host: 'a', port: 1 } }));
    expect(hostile).toEqual(defaultSettings());
    const csp = contentSecurityPolicy(defaultSettings());
    expect(csp).not.toMatch(/connect-src[^;]*(\*|http:(?!\/\/)|https:|ws:(?!\/\/))/);
    expect(permissionAllowed('local-network-access', 'app://pim')).toBe(true);
    expect(permissionAllowed('media', 'app://pim')).toBe(false);
    expect(resolveAppFile('/srv/r', 'app://pim/')).toBe(resolve('/srv/r/index.html'));
    expect(resolveAppFile('/srv/r', 'app://pim/assets/a.js')).toBe(resolve('/srv/r/assets/a.js'));
    expect(resolveAppFile('/srv/r', 'app://pim/..%2f..%2fetc/passwd')).toBeNull();
  });

  it('the preload reads the settings under the key the page keeps them', () => {
    const key = /STORAGE_KEY = '([^']+)'/.exec(readFileSync('renderer/src/settings/store.ts', 'utf8'))![1];
    expect(readFileSync('electron/preload.ts', 'utf8')).toContain(`const SETTINGS_KEY = '${key}'`);
  });
});

describe('Electronegativity (npm run lint:electron)', () => {
  it('finds nothing of medium or high severity in electron/ and parses every file', async () => {
    const { code, output } = await finished(spawnTs('scripts/electron-lint.ts', ['--json']), 120_000);
    const marker = output.indexOf('@@RESULT@@');
    expect(marker, output).toBeGreaterThan(-1);
    const result = JSON.parse(output.slice(marker + '@@RESULT@@'.length).split('\n')[0]) as { failing: string[]; parseErrors: string[]; files: string[] };
    expect(result.parseErrors).toEqual([]);
    expect(result.failing).toEqual([]);
    expect(result.files).toEqual(expect.arrayContaining(['electron/main.ts', 'electron/preload.ts']));
    expect(code).toBe(0);
  }, 120_000);
});
