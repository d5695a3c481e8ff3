// The one narrow bridge the sandboxed Electron preload exposes as `window.pim`.
// In a browser it does not exist, and the renderer uses HTTP to the server that served it.

export interface DesktopBridge {
  /** Calls the contract on the local database in the main process. */
  call(method: string, params: unknown, token: string | null): Promise<BridgeResponse>;
  /** Subscribes to events from the main process; returns an unsubscribe function. */
  on(event: string, listener: (data: unknown) => void): () => void;
  /** Native save dialog; resolves to the chosen path, or null when cancelled. */
  saveDialog(options: { defaultName: string; filters: { name: string; extensions: string[] }[] }): Promise<string | null>;
  /** Opens a file with the system's default program. */
  openPath(path: string): Promise<void>;
  readonly platform: string;
}

/** IPC cannot carry class instances faithfully, so errors travel as data. */
export type BridgeResponse = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; issues?: unknown; retryAfterSeconds?: number } };

export const IPC_CHANNEL = 'pim:call';
