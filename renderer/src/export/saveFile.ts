import i18next from 'i18next';
import type { DesktopBridge } from '../../../shared/bridge.js';
import type { Transport } from '../../../shared/contract.js';
import { ServiceError } from '../../../shared/errors.js';
import type { ExportFormat } from '../../../shared/export/sheet.js';
import { endpointUrl } from '../../../shared/settings.js';
import { HttpTransport } from '../api/http-transport.js';
import { desktopBridge } from '../api/ipc-transport.js';

// The one place that puts an export's bytes where the user wants them and offers to open the
// file (legacy: "export … and then offer to open the file"). Both the visible-rows export and
// export-all end here.

export type SaveOutcome = 'saved' | 'downloaded' | 'cancelled';

export interface SaveOptions {
  fileName: string;
  format: ExportFormat;
  /** The desktop bridge; null in a browser. Defaults to window.pim. */
  bridge?: DesktopBridge | null;
  /** Asks a yes/no question; window.confirm by default (a native dialog in Electron). */
  confirm?: (question: string) => boolean | Promise<boolean>;
}

export const MIME_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html;charset=utf-8',
};

function bridgeOf(options: SaveOptions): DesktopBridge | null {
  return options.bridge === undefined ? desktopBridge() : options.bridge;
}

/** After a desktop save: "Export finished. Open the file?" and, on yes, the system's program. */
export async function offerToOpen(path: string, bridge: DesktopBridge, confirm: SaveOptions['confirm'] = (q) => window.confirm(q)): Promise<void> {
  if (!(await confirm(i18next.t('export.askOpen')))) return;
  try {
    await bridge.openPath(path);
  } catch (err) {
    window.alert(i18next.t('export.openFailed', { message: (err as Error)?.message ?? String(err) }));
  }
}

/** A browser download of the bytes (Blob + a[download]). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started from the URL; revoke it once the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Desktop: save dialog, write, offer to open. Browser: download. */
export async function saveBlob(blob: Blob, options: SaveOptions): Promise<SaveOutcome> {
  const bridge = bridgeOf(options);
  if (!bridge?.writeFile) {
    downloadBlob(blob, options.fileName);
    return 'downloaded';
  }
  const path = await bridge.saveDialog({ defaultName: options.fileName, format: options.format });
  if (!path) return 'cancelled';
  await bridge.writeFile(path, new Uint8Array(await blob.arrayBuffer()));
  await offerToOpen(path, bridge, options.confirm);
  return 'saved';
}

/** GET /api/export/<jobId>/file from the server the transport talks to. */
export async function fetchExportFile(transport: HttpTransport, jobId: string, token: string | null): Promise<Blob> {
  const base = endpointUrl(transport.endpointFor('export.start'), 'http');
  const response = await fetch(`${base}/api/export/${encodeURIComponent(jobId)}/file`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // not our error shape
    }
    throw ServiceError.fromBody(body) ?? new ServiceError('INTERNAL', `The export file could not be fetched (HTTP ${response.status}).`);
  }
  return response.blob();
}

/**
 * Saves the finished file of an export-all job. Local database: the main process copies it to the
 * chosen path. Server: the file comes over HTTP as a Blob, then as any other export.
 */
export async function saveExportJob(
  transport: Transport,
  token: string | null,
  jobId: string,
  options: SaveOptions & {
    /** The server hands a file out once: keep it here so a cancelled save dialog can be retried. */
    cache?: { blob?: Blob };
  },
): Promise<SaveOutcome> {
  const bridge = bridgeOf(options);
  if (!(transport instanceof HttpTransport)) {
    if (!bridge?.saveExportFile || !token) throw new ServiceError('UNAVAILABLE', 'This client cannot save an export of the local database.');
    const path = await bridge.saveExportFile({ jobId, token, defaultName: options.fileName });
    if (!path) return 'cancelled';
    await offerToOpen(path, bridge, options.confirm);
    return 'saved';
  }
  const blob = options.cache?.blob ?? (await fetchExportFile(transport, jobId, token));
  if (options.cache) options.cache.blob = blob;
  return saveBlob(blob, options);
}
