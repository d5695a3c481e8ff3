import type { DesktopBridge } from '../../../shared/bridge.js';
import { htmlChunks } from '../../../shared/export/html.js';
import { exportFileName, type ExportFormat, type SheetLine, type SheetSpec } from '../../../shared/export/sheet.js';
import { writeSheet } from '../../../shared/export/xlsx.js';
import { MIME_TYPES, saveBlob, type SaveOptions, type SaveOutcome } from './saveFile.js';

/** The file of the rows the grid shows, as a Blob. exceljs is loaded on first use only. */
export async function buildVisibleFile(format: ExportFormat, spec: SheetSpec, lines: Iterable<SheetLine>): Promise<Blob> {
  if (format === 'html') return new Blob([...htmlChunks(spec, lines)], { type: MIME_TYPES.html });
  const mod = (await import('exceljs')) as unknown as { Workbook?: typeof import('exceljs').Workbook; default?: typeof import('exceljs') };
  const Workbook = mod.Workbook ?? mod.default!.Workbook;
  const book = new Workbook();
  book.creator = 'PIM';
  writeSheet(book, spec, lines);
  const bytes = await book.xlsx.writeBuffer();
  return new Blob([bytes as ArrayBuffer], { type: MIME_TYPES.xlsx });
}

/**
 * Legacy "export the list to Excel / HTML, then offer to open the file", for what the grid shows:
 * the visible columns in screen order, its grouping and its rows. Desktop: save dialog, write,
 * "open the file?"; browser: a download.
 */
export async function exportVisible(
  format: ExportFormat,
  spec: SheetSpec,
  lines: Iterable<SheetLine>,
  bridge?: DesktopBridge | null,
  options: Pick<SaveOptions, 'confirm'> & { now?: Date } = {},
): Promise<SaveOutcome> {
  const blob = await buildVisibleFile(format, spec, lines);
  return saveBlob(blob, { fileName: exportFileName(spec.title, format, options.now), format, bridge, confirm: options.confirm });
}
