import type { AddWorksheetOptions, Cell, Worksheet } from 'exceljs';
import { cellText, dateParts, type SheetColumn, type SheetLine, type SheetSpec } from './sheet.js';

// The one .xlsx writer for both exports. It takes whatever can add a worksheet — an in-memory
// `Workbook` (renderer, visible rows, then `writeBuffer()`) or a streaming
// `stream.xlsx.WorkbookWriter` (backend, all rows, each row committed as it is written) — so
// shared/ needs only exceljs's types and no Node module.

export interface WorksheetHost {
  addWorksheet(name?: string, options?: Partial<AddWorksheetOptions>): Worksheet;
}

export interface SheetWriter {
  readonly worksheet: Worksheet;
  /** Writes one line (group header or data row); streaming writers commit it at once. */
  line(line: SheetLine): void;
  /** Data rows written so far. */
  readonly dataRows: number;
}

export const NUMFMT = {
  money: '¥#,##0.00',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
} as const;

/** About 7 px per character of Excel's default font. */
export function widthChars(px: number): number {
  return Math.max(4, Math.round((px / 7) * 10) / 10);
}

/** A sheet name Excel accepts: at most 31 characters, none of []:*?/\ . */
export function sheetName(title: string): string {
  const name = title.replace(/[[\]:*?/\\]/g, '_').replace(/^'+|'+$/g, '').trim().slice(0, 31);
  return name || 'Sheet1';
}

/**
 * Excel has no time zones and exceljs writes a Date by its UTC value, so a stored local wall time
 * becomes the Date whose UTC parts are that wall time: the file shows what the screen showed on
 * any machine. Values stored with a zone are first put in `timeZone` (SheetSpec.timeZone).
 */
export function excelDate(value: unknown, timeZone?: string): Date | null {
  const p = dateParts(value, timeZone);
  return p ? new Date(Date.UTC(p[0], p[1] - 1, p[2], p[3], p[4], p[5])) : null;
}

function setValue(cell: Cell, col: SheetColumn, value: unknown, timeZone: string | undefined): void {
  if (value === null || value === undefined || value === '') return;
  switch (col.type) {
    case 'number': {
      const n = Number(value);
      cell.value = Number.isFinite(n) ? n : String(value);
      return;
    }
    case 'money': {
      const n = Number(value);
      if (!Number.isFinite(n)) {
        cell.value = String(value);
        return;
      }
      cell.value = n / 100;
      cell.numFmt = NUMFMT.money;
      return;
    }
    case 'date':
    case 'datetime': {
      const d = excelDate(value, timeZone);
      if (!d) {
        cell.value = String(value);
        return;
      }
      cell.value = d;
      cell.numFmt = NUMFMT[col.type];
      return;
    }
    case 'enum':
    case 'bool':
      cell.value = cellText(col, value, timeZone);
      return;
    default:
      cell.value = String(value);
  }
}

/**
 * Adds the sheet to `book` and returns a writer for its lines: bold frozen header, column widths
 * from the screen's pixels, group headers as outline rows (level = group level, summary above the
 * rows), data rows one level below the deepest group.
 */
export function createSheetWriter(book: WorksheetHost, spec: SheetSpec, options: { streaming?: boolean } = {}): SheetWriter {
  const depth = spec.groupBy.length;
  const ws = book.addWorksheet(sheetName(spec.title), {
    // The streaming writer takes views and properties only here, at creation.
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    properties: {
      outlineLevelRow: depth,
      outlineProperties: { summaryBelow: false, summaryRight: false },
    } as AddWorksheetOptions['properties'],
  });
  ws.columns = spec.columns.map((c) => ({ key: c.field, width: widthChars(c.widthPx) }));
  const commit = options.streaming === true;

  const header = ws.addRow(spec.columns.map((c) => c.label));
  header.font = { bold: true };
  if (commit) header.commit();

  let dataRows = 0;
  return {
    worksheet: ws,
    get dataRows() {
      return dataRows;
    },
    line(line) {
      const row = ws.addRow([]);
      if (line.kind === 'row') {
        spec.columns.forEach((col, i) => setValue(row.getCell(i + 1), col, line.row[col.field], spec.timeZone));
        if (depth > 0) row.outlineLevel = depth;
        dataRows++;
      } else {
        row.getCell(1).value = line.label;
        spec.columns.forEach((col, i) => {
          if (i === 0) return;
          const sum = line.sums[col.field];
          if (sum !== undefined && (col.type === 'money' || col.type === 'number')) setValue(row.getCell(i + 1), col, sum, spec.timeZone);
        });
        row.font = { bold: true };
        if (line.level > 0) row.outlineLevel = line.level;
      }
      if (commit) row.commit();
    },
  };
}

/** Writes all lines at once (the visible rows); returns the worksheet. */
export function writeSheet(book: WorksheetHost, spec: SheetSpec, lines: Iterable<SheetLine>, options: { streaming?: boolean } = {}): Worksheet {
  const writer = createSheetWriter(book, spec, options);
  for (const line of lines) writer.line(line);
  return writer.worksheet;
}
