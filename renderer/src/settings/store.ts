import {
  defaultSettings,
  parseStoredSettings,
  type ConnectionSettings,
  type Endpoint,
} from '../../../shared/settings.js';
import { desktopBridge } from '../api/ipc-transport.js';

// Connection settings are kept per machine (localStorage of the client's origin).
const STORAGE_KEY = 'pim.connection';

/** True inside the Electron desktop client, where the local database is available. */
export function isDesktop(): boolean {
  return desktopBridge() !== null;
}

/** The server that served this page, when it was served over http(s). */
export function pageOriginEndpoint(): Endpoint | null {
  if (typeof location === 'undefined') return null;
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return null;
  if (!location.hostname) return null;
  const port = location.port ? Number(location.port) : location.protocol === 'https:' ? 443 : 80;
  return { host: location.hostname, port };
}

/**
 * Defaults for this client: the desktop client uses its local database; a browser talks to
 * the server that served it, for all three endpoints.
 */
export function defaultSettingsHere(): ConnectionSettings {
  const base = defaultSettings();
  if (isDesktop()) return base;
  const origin = pageOriginEndpoint();
  if (!origin) return { ...base, mode: 'server' };
  return { mode: 'server', data: { ...origin }, auth: { ...origin }, message: { ...origin } };
}

function storedText(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function loadSettings(): ConnectionSettings {
  const settings = parseStoredSettings(storedText(), defaultSettingsHere());
  // The local database belongs to the desktop client; a browser always uses a server.
  if (settings.mode === 'local' && !isDesktop()) return { ...settings, mode: 'server' };
  return settings;
}

export function saveSettings(settings: ConnectionSettings): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
}
