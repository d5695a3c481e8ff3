import type { Transport } from '../../../shared/contract.js';
import type { ConnectionSettings } from '../../../shared/settings.js';
import { HttpTransport, endpointLabel } from './http-transport.js';
import { IpcTransport, desktopBridge } from './ipc-transport.js';

/**
 * Picks the transport for the settings: the desktop client with "local database" talks IPC to
 * its main process; a server (desktop client set to server mode, or any browser) is HTTP.
 */
export function createTransport(settings: ConnectionSettings): Transport {
  const bridge = desktopBridge();
  if (bridge && settings.mode === 'local') return new IpcTransport(bridge);
  return new HttpTransport({ data: settings.data, auth: settings.auth });
}

/** True when the settings mean "talk to a server" on this client. */
export function usesServer(settings: ConnectionSettings): boolean {
  return settings.mode === 'server' || desktopBridge() === null;
}

/** i18n key and values describing the connection, for the login dialog and the shell. */
export function connectionText(settings: ConnectionSettings): { key: 'connection.local' | 'connection.server'; address?: string } {
  return usesServer(settings) ? { key: 'connection.server', address: endpointLabel(settings.data) } : { key: 'connection.local' };
}
