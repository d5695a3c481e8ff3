import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { NUMFMT, excelDate, sheetName, widthChars, writeSheet } from '../../shared/export/xlsx.js';
import { lines, rows, spec } from './export-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'pim-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inMemory(): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  writeSheet(book, spec, lines);
  const bytes = await book.xlsx.writeBuffer();
  const back = new ExcelJS.Workbook();
  await back.xlsx.load(bytes as ArrayBuffer);
  return back;
}

async function streamed(): Promise<ExcelJS.Workbook> {
  const file = join(dir, 'streamed.xlsx');
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  writeSheet(book, spec, lines, { streaming: true });
  await book.commit();
  const back = new ExcelJS.Workbook();
  await back.xlsx.readFile(file);
  return back;
}

function values(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const cells: unknown[] = [];
    for (let c = 1; c <= spec.columns.length; c++) {
      const v = row.getCell(c).value;
      cells.push(v instanceof Date ? v.toISOString() : v);
    }
    out.push(cells);
  });
  return out;
}

describe('xlsx export writer', () => {
  it('writes header, typed values, widths and outline levels (in-memory workbook)', async () => {
    const book = await inMemory();
    const ws = book.worksheets[0];
    expect(ws.name).toBe('售服派工单');
    expect(ws.getRow(1).values).toEqual([undefined, ...spec.columns.map((c) => c.label)]);
    expect(ws.getRow(1).font?.bold ?? ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    spec.columns.forEach((c, i) => expect(ws.getColumn(i + 1).width).toBeCloseTo(widthChars(c.widthPx), 1));
    expect(ws.properties.outlineLevelRow).toBe(2);

    // 1 header + 5 group headers + 5 rows... count the lines instead of guessing.
    expect(ws.rowCount).toBe(1 + lines.length);
    lines.forEach((line, i) => {
      const row = ws.getRow(i + 2);
      if (line.kind === 'group') {
        expect(row.getCell(1).value).toBe(line.label);
        expect(row.outlineLevel ?? 0).toBe(line.level);
      } else {
        expect(row.getCell(1).value).toBe(line.row.order_no);
        expect(row.outlineLevel).toBe(2);
      }
    });
    expect(ws.getRow(2).getCell(1).value).toBe('客户：安达<科技>&"公司"（1）');

    // The first data row of 华信有限公司 / 待处理: SN…0001.
    const r = lines.findIndex((l) => l.kind === 'row' && l.row.order_no === 'SN202606300001') + 2;
    const row = ws.getRow(r);
    expect(row.getCell(2).value).toBe('华信有限公司');
    expect(row.getCell(3).value).toBe('待处理');
    expect(row.getCell(4).value).toBe('是');
    expect(row.getCell(5).value).toBe(1234.56);
    expect(row.getCell(5).numFmt).toBe(NUMFMT.money);
    expect(row.getCell(6).value).toBe(2);
    const created = row.getCell(7).value as Date;
    expect(created).toBeInstanceOf(Date);
    // The wall time as stored, whatever this machine's zone.
    expect(created.toISOString()).toBe('2026-06-30T09:05:07.000Z');
    expect(row.getCell(7).numFmt).toBe(NUMFMT.datetime);
    expect((row.getCell(8).value as Date).toISOString()).toBe('2026-07-02T00:00:00.000Z');
    expect(row.getCell(8).numFmt).toBe(NUMFMT.date);

    // Group header of 华信有限公司 carries the sums in the summed columns.
    const g = lines.findIndex((l) => l.kind === 'group' && l.value === '华信有限公司') + 2;
    expect(ws.getRow(g).getCell(5).value).toBe(2233.57);
    expect(ws.getRow(g).getCell(6).value).toBe(9);
    // Empty cells stay empty.
    const last = ws.getRow(1 + lines.length);
    expect(last.getCell(5).value).toBeNull();
    expect(last.getCell(7).value).toBeNull();
  });

  it('gives identical cells with the streaming writer', async () => {
    const a = (await inMemory()).worksheets[0];
    const b = (await streamed()).worksheets[0];
    expect(values(b)).toEqual(values(a));
    expect(b.properties.outlineLevelRow).toBe(2);
    expect(b.properties.outlineProperties).toMatchObject({ summaryBelow: false });
    expect(a.properties.outlineProperties).toMatchObject({ summaryBelow: false });
    expect(b.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    for (let r = 1; r <= a.rowCount; r++) expect(b.getRow(r).outlineLevel ?? 0).toBe(a.getRow(r).outlineLevel ?? 0);
    for (let c = 1; c <= spec.columns.length; c++) {
      expect(b.getColumn(c).width).toBe(a.getColumn(c).width);
      expect(b.getRow(3).getCell(c).numFmt).toBe(a.getRow(3).getCell(c).numFmt);
    }
    expect(rows.length).toBe(lines.filter((l) => l.kind === 'row').length);
  });

  it('keeps the wall time and names sheets as Excel allows', () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(excelDate('2026-03-08 02:30:00')?.toISOString()).toBe('2026-03-08T02:30:00.000Z');
    } finally {
      process.env.TZ = before;
    }
    expect(excelDate('')).toBeNull();
    expect(sheetName('a/b:c*d?[e]'.repeat(5))).toHaveLength(31);
    expect(sheetName('')).toBe('Sheet1');
  });
});
