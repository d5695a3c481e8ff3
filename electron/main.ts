import { app, BrowserWindow, dialog, ipcMain, Menu, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Backend } from '../db/backend.js';
import { answerBridgeCall, saveExportJobFile, SessionFiles, type SaveDialogOptions } from './bridge-handler.js';
import { defaultDataDir, LOCAL_DB_NAME } from '../db/data-dir.js';
import { openLocalDatabase } from '../db/local-database.js';
import { IPC_CHANNEL, type BridgeResponse } from '../shared/bridge.js';

// The main process stays thin: a window, native dialogs, and the contract over one IPC
// channel for the local database. With a server configured the renderer talks HTTP and this
// backend is never opened.

// The same folder the browser fallback of `npm start` uses (PIM_DATA_DIR overrides it).
app.setPath('userData', defaultDataDir());
const rendererIndex = join(__dirname, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;

let backend: Promise<Backend> | null = null;
function localBackend(): Promise<Backend> {
  backend ??= openLocalDatabase(join(app.getPath('userData'), LOCAL_DB_NAME), (m) => console.log(m)).then(
    (db) => new Backend(db),
  );
  return backend;
}

/** Only our own page may call the backend. */
function fromOurPage(event: IpcMainInvokeEvent): boolean {
  return event.senderFrame?.url === rendererUrl || event.senderFrame?.url.startsWith(`${rendererUrl}#`) === true;
}

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

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1366,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    title: 'PIM 售后服务',
    show: false,
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void win.loadFile(rendererIndex);
}

// F5 belongs to the lists (refresh the query), so the menu has no reload accelerator.
Menu.setApplicationMenu(
  Menu.buildFromTemplate([
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
  ]),
);

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
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  void app.whenReady().then(createWindow);
  app.on('window-all-closed', () => app.quit());
}
