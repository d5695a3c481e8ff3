import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNEL, type DesktopBridge } from '../shared/bridge.js';

// Sandboxed preload: the page gets exactly this bridge and nothing of Node or Electron.
const bridge: DesktopBridge = {
  call: (method, params, token) => ipcRenderer.invoke(IPC_CHANNEL, method, params, token),
  on: (event, listener) => {
    const handler = (_e: unknown, name: string, data: unknown) => {
      if (name === event) listener(data);
    };
    ipcRenderer.on('pim:event', handler);
    return () => ipcRenderer.off('pim:event', handler);
  },
  saveDialog: (options) => ipcRenderer.invoke('pim:saveDialog', options),
  openPath: (path) => ipcRenderer.invoke('pim:openPath', path),
  writeFile: (path, data) => ipcRenderer.invoke('pim:writeFile', path, data),
  saveExportFile: (options) => ipcRenderer.invoke('pim:saveExportFile', options),
  platform: process.platform,
};

contextBridge.exposeInMainWorld('pim', bridge);

// The servers the page's login settings name, for the window's CSP (main reloads the window when
// they change). The settings live in the page's storage (renderer/src/settings/store.ts), which
// this isolated world shares; it is read, never written, here.
const SETTINGS_KEY = 'pim.connection';
let lastSent: string | null | undefined;
function reportSettings(): void {
  let raw: string | null = null;
  try {
    raw = window.localStorage.getItem(SETTINGS_KEY);
  } catch {
    return;
  }
  if (raw === lastSent) return;
  lastSent = raw;
  ipcRenderer.send('pim:connection', raw);
}
window.addEventListener('DOMContentLoaded', reportSettings);
// A connection the CSP refused: maybe the settings were just changed; look now.
document.addEventListener('securitypolicyviolation', reportSettings);
setInterval(reportSettings, 1000);
