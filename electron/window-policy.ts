import { extname, join, normalize, sep } from 'node:path';
import { DESKTOP_HOST, DESKTOP_ORIGIN, DESKTOP_SCHEME } from '../shared/bridge.js';
import { defaultSettings, endpointUrl, parseStoredSettings, type ConnectionSettings } from '../shared/settings.js';

// The desktop window's rules, kept free of Electron so they are tested without it (main.ts
// applies them): the page is served at app://pim/ from the built client, with a Content
// Security Policy whose connect-src is exactly the servers the login settings name; nothing may
// navigate the window or open another; no web permission is granted except the one Chromium
// asks before the page may reach a server on the local network.

export const APP_SCHEME = DESKTOP_SCHEME;
export const APP_ORIGIN = DESKTOP_ORIGIN;
export const APP_INDEX_URL = `${DESKTOP_ORIGIN}/index.html`;

/** Whether a URL is a page or file of the app itself (app://pim/…). */
export function isAppUrl(url: string | undefined | null): boolean {
  return typeof url === 'string' && url.startsWith(`${APP_ORIGIN}/`);
}

/**
 * The file of the built client an app:// URL names, or null for another host, a path leaving
 * the folder, or a URL that cannot be read. `/` is index.html.
 */
export function resolveAppFile(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== DESKTOP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const base = normalize(root);
  const file = normalize(join(base, path === '/' || path === '' ? 'index.html' : path));
  return file.startsWith(base + sep) ? file : null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

export function contentTypeOf(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The origins the page may connect to: the authentication and data servers over HTTP, the
 * message server over WebSocket, as the settings name them. IPv6 literals cannot be written in
 * a CSP source list (its grammar has no brackets), so such an endpoint is left out.
 */
export function connectSources(settings: ConnectionSettings): string[] {
  const sources = [endpointUrl(settings.auth, 'http'), endpointUrl(settings.data, 'http'), endpointUrl(settings.message, 'ws')];
  return [...new Set(sources.filter((s) => !s.includes('[')))];
}

/**
 * The window's Content Security Policy for these settings. The local database needs no
 * connection at all (IPC), but the endpoints kept in the settings stay reachable so the
 * settings dialog can test them.
 */
export function contentSecurityPolicy(settings: ConnectionSettings): string {
  const connect = connectSources(settings);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${connect.length ? connect.join(' ') : "'none'"}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "manifest-src 'none'",
  ].join('; ');
}

/** The settings as the page stored them (its localStorage text), validated as the page does. */
export function settingsFromStored(raw: unknown): ConnectionSettings {
  return parseStoredSettings(typeof raw === 'string' ? raw : null, defaultSettings());
}

/** The key the page keeps its connection settings under (renderer/src/settings/store.ts). */
export const SETTINGS_STORAGE_KEY = 'pim.connection';

/**
 * Chromium asks these before a page may reach a server on the local network or this computer
 * (Local Network Access, enforced in Electron ≥ 43): without them a desk could not reach its
 * server at 192.168.x.x. The CSP already limits where the page may connect.
 */
const LOCAL_NETWORK_PERMISSIONS = new Set(['local-network-access', 'local-network', 'loopback-network']);

/** Every permission request and check is refused, but local network access for the app's own page. */
export function permissionAllowed(permission: string, requestingUrlOrOrigin: string | undefined | null): boolean {
  if (!LOCAL_NETWORK_PERMISSIONS.has(permission)) return false;
  const from = requestingUrlOrOrigin ?? '';
  return from === APP_ORIGIN || isAppUrl(from);
}

/**
 * Navigation is never allowed: the page is one document (its views are not URLs), and a link
 * or a redirect must not take the window (which has the bridge) to another page.
 */
export function navigationAllowed(_url: string): boolean {
  return false;
}

export type MenuItemTemplate = { role?: string; label?: string; type?: 'separator'; submenu?: MenuItemTemplate[] };

/**
 * The application menu. F5 belongs to the lists (refresh the query), so there is no reload
 * accelerator; the developer tools are there only in development (not in a packaged app).
 */
export function menuTemplate(isPackaged: boolean): MenuItemTemplate[] {
  const view: MenuItemTemplate[] = [
    ...(isPackaged ? [] : [{ role: 'toggleDevTools' }, { type: 'separator' as const }]),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [{ role: 'fileMenu' }, { role: 'editMenu' }, { label: 'View', submenu: view }];
}
