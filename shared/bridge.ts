import type { ExportFormat } from './export/sheet.js';

// The one narrow bridge the sandboxed Electron preload exposes as `window.pim`.
// In a browser it does not exist, and the renderer uses HTTP to the server that served it.

export interface DesktopBridge {
  /** Calls the contract on the local database in the main process. */
  call(method: string, params: unknown, token: string | null): Promise<BridgeResponse>;
  /** Subscribes to events from the main process; returns an unsubscribe function. */
  on(event: string, listener: (data: unknown) => void): () => void;
  /**
   * Native save dialog for an export; main fixes the file types from the format. Resolves to the
   * chosen path, or null when cancelled.
   */
  saveDialog(options: { defaultName: string; format: ExportFormat }): Promise<string | null>;
  /** Opens an export this session saved (.xlsx, .html) with the system's default program. */
  openPath(path: string): Promise<void>;
  /** Writes a file the renderer built (a visible-rows export) to a path chosen in saveDialog, once. */
  writeFile?(path: string, data: Uint8Array): Promise<void>;
  /**
   * Local database only: asks where to save a finished export-all job and copies its file there
   * in the main process, so no bytes cross IPC. Resolves to the path, or null when cancelled.
   */
  saveExportFile?(options: { jobId: string; token: string; defaultName: string }): Promise<string | null>;
  readonly platform: string;
}

/** IPC cannot carry class instances faithfully, so errors travel as data. */
export type BridgeResponse = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; issues?: unknown; retryAfterSeconds?: number } };

export const IPC_CHANNEL = 'pim:call';

/**
 * The desktop window's own scheme and origin: Electron serves the built client at
 * app://pim/… (a standard, secure scheme), so its calls to a server carry `Origin: app://pim`,
 * a named origin the server allows by default — never `null`.
 */
export const DESKTOP_SCHEME = 'app';
export const DESKTOP_HOST = 'pim';
export const DESKTOP_ORIGIN = `${DESKTOP_SCHEME}://${DESKTOP_HOST}`;
