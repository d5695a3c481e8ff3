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
