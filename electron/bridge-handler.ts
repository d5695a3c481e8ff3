import { copyFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { toServiceError, type Backend } from '../db/backend.js';
import type { BridgeResponse } from '../shared/bridge.js';
import { exportFormats, type ExportFormat } from '../shared/export/sheet.js';

/**
 * What the IPC channel answers for one call: the contract's result, or its error as plain data
 * (IPC cannot carry class instances). Kept free of Electron so it is tested without it.
 */
export async function answerBridgeCall(
  backend: () => Promise<Backend>,
  method: unknown,
  params: unknown,
  token: unknown,
): Promise<BridgeResponse> {
  try {
    const core = await backend();
    const result = await core.call(String(method), params, typeof token === 'string' ? token : null);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toServiceError(err).toBody().error };
  }
}

/** What main passes to Electron's showSaveDialog: fixed here, never taken from the page. */
export interface SaveDialogOptions {
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
}

const FILTERS: Record<ExportFormat, { name: string; extensions: string[] }> = {
  xlsx: { name: 'Excel (*.xlsx)', extensions: ['xlsx'] },
  html: { name: 'HTML (*.html)', extensions: ['html', 'htm'] },
};

/** Files the system may open for the page: exports only, never programs or scripts. */
const OPENABLE = new Set(['.xlsx', '.html', '.htm']);

/**
 * The desktop bridge's rules for files, kept free of Electron so they are tested without it:
 * the save dialog offers only the two export formats; a path chosen in it may be written once;
 * only files written through the bridge in this session, with an export's extension, may be
 * opened with the system's program.
 */
export class SessionFiles {
  /** Chosen in a save dialog and not written yet. */
  private readonly chosen = new Set<string>();
  /** Written through the bridge in this session. */
  private readonly written = new Set<string>();

  /**
   * The dialog for an export: the page only picks the format (xlsx or html) and suggests a
   * name, from which only the file name is kept, with the format's extension.
   */
  dialogOptions(request: unknown): SaveDialogOptions {
    const r = (typeof request === 'object' && request !== null ? request : {}) as { format?: unknown; defaultName?: unknown };
    const format = exportFormats.find((f) => f === r.format);
    if (!format) throw new Error('An export is saved as xlsx or html.');
    return { defaultPath: suggestedName(r.defaultName, format), filters: [FILTERS[format]] };
  }

  /** Remembers a path the user chose in a save dialog. */
  choose(path: string): void {
    this.chosen.add(path);
  }

  /** Writes the page's bytes to a chosen path, once: the path is used up before writing. */
  async write(path: unknown, data: unknown, write: (path: string, data: Uint8Array) => Promise<void> = writeFile): Promise<void> {
    if (typeof path !== 'string' || !this.chosen.delete(path)) throw new Error('Only a path chosen in the save dialog can be written, once.');
    if (!(data instanceof Uint8Array)) throw new Error('The file content must be bytes.');
    await write(path, data);
    this.written.add(path);
  }

  /** Records a file main wrote itself (an export-all job copied to a chosen path). */
  wrote(path: string): void {
    this.written.add(path);
  }

  /** Whether the page may have the system open this path. */
  mayOpen(path: unknown): path is string {
    return typeof path === 'string' && this.written.has(path) && OPENABLE.has(extname(path).toLowerCase());
  }
}

function suggestedName(name: unknown, format: ExportFormat): string {
  // No folders: the dialog opens where the system's dialog would.
  const base = typeof name === 'string' ? basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f]/g, '').slice(0, 200) : '';
  const ext = extname(base).toLowerCase();
  if (FILTERS[format].extensions.some((e) => `.${e}` === ext)) return base;
  return `${base || 'export'}.${format}`;
}

/**
 * Saves a finished export-all job of the local database where the user chooses: the session and
 * the job's owner are checked first (no dialog for someone else's job), the dialog offers the
 * job's own format, the file is copied in the main process, and the job is released once
 * copied. Kept free of Electron for tests.
 */
export async function saveExportJobFile(
  backend: () => Promise<Backend>,
  options: { jobId?: unknown; token?: unknown; defaultName?: unknown },
  showSaveDialog: (options: SaveDialogOptions) => Promise<string | null>,
  files: SessionFiles = new SessionFiles(),
): Promise<string | null> {
  const core = await backend();
  const session = core.auth.authenticate(typeof options.token === 'string' ? options.token : null);
  const file = core.exports.file(session.user, String(options.jobId ?? ''));
  const defaultName = typeof options.defaultName === 'string' && options.defaultName ? options.defaultName : file.fileName;
  const dest = await showSaveDialog(files.dialogOptions({ format: file.format, defaultName }));
  if (!dest) return null;
  await copyFile(file.path, dest);
  files.wrote(dest);
  core.exports.release(String(options.jobId));
  return dest;
}
