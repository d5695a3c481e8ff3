import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type IpcMainEvent, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Backend } from '../db/backend.js';
import { answerBridgeCall, saveExportJobFile, SessionFiles, type SaveDialogOptions } from './bridge-handler.js';
import { defaultDataDir, LOCAL_DB_NAME } from '../db/data-dir.js';
import { openLocalDatabase } from '../db/local-database.js';
import { cleanStaleExportDirs } from '../db/services/export.js';
import { enableMemorySearch } from '../db/search/memory-index.js';
import { IPC_CHANNEL, type BridgeResponse } from '../shared/bridge.js';
import type { ConnectionSettings } from '../shared/settings.js';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  contentSecurityPolicy,
  contentTypeOf,
  isAppUrl,
  menuTemplate,
  navigationAllowed,
  permissionAllowed,
  resolveAppFile,
  settingsFromStored,
} from './window-policy.js';

// The main process stays thin: a window, native dialogs, and the contract over one IPC
// channel for the local database. With a server configured the renderer talks HTTP and this
// backend is never opened.

// The same folder the browser fallback of `npm start` uses (PIM_DATA_DIR overrides it).
app.setPath('userData', defaultDataDir());
const rendererDir = join(__dirname, '..', 'renderer');

// The page is served at app://pim/ (a standard, secure scheme with fetch), not file://: it has
// an origin of its own, so its calls to a server carry `Origin: app://pim` (never `null`), and
// every response carries the CSP made from the login settings. Registered before ready.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

// The login settings, as the page last stored them: the CSP's connect-src is made from them.
const settingsFile = () => join(app.getPath('userData'), 'connection.json');
let settings: ConnectionSettings = (() => {
  try {
    return settingsFromStored(readFileSync(settingsFile(), 'utf8'));
  } catch {
    return settingsFromStored(null);
  }
})();

let backend: Promise<Backend> | null = null;
function localBackend(): Promise<Backend> {
  backend ??= openLocalDatabase(join(app.getPath('userData'), LOCAL_DB_NAME), (m) => console.log(m)).then((db) => {
    cleanStaleExportDirs();
    const core = new Backend(db);
    // A big local database searches from memory too (db/search/memory-index.ts), loaded in steps.
    enableMemorySearch(db).buildInBackground();
    // Live updates (issue 10): each committed write, to the window over the bridge's on().
    core.changes.subscribe((change) => {
      for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send('pim:event', 'data.changed', change);
    });
    return core;
  });
  return backend;
}

/** Only our own page may call the backend. */
function fromOurPage(event: IpcMainInvokeEvent | IpcMainEvent): boolean {
  return isAppUrl(event.senderFrame?.url);
}

// The page tells which servers its settings name (read from its storage by the preload); when
// that changes the window is reloaded, so the new servers are in its CSP and no others.
ipcMain.on('pim:connection', (event, raw: unknown) => {
  if (!fromOurPage(event)) return;
  const next = settingsFromStored(raw);
  if (contentSecurityPolicy(next) === contentSecurityPolicy(settings)) return;
  settings = next;
  try {
    writeFileSync(settingsFile(), JSON.stringify(next));
  } catch (err) {
    console.error(`the connection settings could not be kept: ${(err as Error).message}`);
  }
  event.sender.reload();
});

ipcMain.handle(IPC_CHANNEL, async (event, method: unknown, params: unknown, token: unknown): Promise<BridgeResponse> => {
  if (!fromOurPage(event)) return { ok: false, error: { code: 'FORBIDDEN', message: 'Calls are accepted from the client page only.' } };
  return answerBridgeCall(localBackend, method, params, token);
});

// The rules for files live in SessionFiles (tested without Electron): the dialog offers only
// xlsx or html, a chosen path is written once, and only exports this session wrote are opened.
const files = new SessionFiles();

async function showSaveDialog(event: IpcMainInvokeEvent, options: SaveDialogOptions): Promise<string | null> {
  const win = BrowserWindow.fromWebContents(event.sender);
  const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? null : result.filePath;
}

ipcMain.handle('pim:saveDialog', async (event, options: unknown) => {
  if (!fromOurPage(event)) return null;
  const path = await showSaveDialog(event, files.dialogOptions(options));
  if (path) files.choose(path);
  return path;
});

ipcMain.handle('pim:openPath', async (event, path: unknown) => {
  if (!fromOurPage(event)) return;
  if (!files.mayOpen(path)) throw new Error('Only an export saved from this window can be opened.');
  const error = await shell.openPath(path);
  if (error) throw new Error(error);
});

// A visible-rows export built in the page: written only to a path chosen in the dialog, once.
ipcMain.handle('pim:writeFile', async (event, path: unknown, data: unknown) => {
  if (!fromOurPage(event)) return;
  await files.write(path, data);
});

// Export-all on the local database: the file goes from the job's temp file to the chosen path here.
ipcMain.handle('pim:saveExportFile', async (event, options: { jobId?: unknown; token?: unknown; defaultName?: unknown } | null) => {
  if (!fromOurPage(event)) return null;
  const { jobId, token, defaultName } = options ?? {};
  return saveExportJobFile(localBackend, { jobId, token, defaultName }, (dialogOptions) => showSaveDialog(event, dialogOptions), files);
});

async function serveApp(request: Request): Promise<Response> {
  const file = resolveAppFile(rendererDir, request.url);
  const headers = {
    'Content-Security-Policy': contentSecurityPolicy(settings),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
  if (!file) return new Response('Not found', { status: 404, headers });
  try {
    return new Response(await readFile(file), { status: 200, headers: { ...headers, 'Content-Type': contentTypeOf(file) } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1366,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    title: 'PIM 售后服务',
    show: false,
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'), // eng-disable PRELOAD_JS_CHECK -- sandboxed; exposes only the narrow bridge of shared/bridge.ts
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: !app.isPackaged,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_INDEX_URL);
}

Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(app.isPackaged) as MenuItemConstructorOptions[]));

// Every web contents (the window, and anything that might ever be created): no navigation, no
// redirect, no new window, no <webview>.
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e, url) => {
    if (!navigationAllowed(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!navigationAllowed(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  void app.whenReady().then(() => {
    // No web permission (camera, notifications, geolocation …) for anything, asked or checked,
    // but local network access for our own page (see permissionAllowed).
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
      callback(permissionAllowed(permission, details.requestingUrl)),
    );
    session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
    protocol.handle(APP_SCHEME, serveApp);
    createWindow();
  });
  app.on('window-all-closed', () => app.quit());
}
