import { cellText, type SheetColumn, type SheetLine, type SheetSpec } from './sheet.js';

// The HTML export: one standalone document, produced as string chunks so the backend can stream
// all rows to a file and the renderer can join the visible ones into a Blob.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const isNumeric = (col: SheetColumn) => col.type === 'number' || col.type === 'money';

const style = `
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; font-size: 13px; margin: 16px; }
h1 { font-size: 16px; }
table { border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #ccc; padding: 3px 6px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
th { background: #eef1f5; position: sticky; top: 0; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.group td { background: #f6f7f9; font-weight: bold; }
${[0, 1, 2, 3, 4].map((l) => `tr.group.level-${l} td:first-child { padding-left: ${6 + l * 16}px; }`).join('\n')}
`;

/** Everything up to and including the table's header. */
export function htmlHead(spec: SheetSpec): string {
  const title = escapeHtml(spec.title);
  const cols = spec.columns.map((c) => `<col style="width:${Math.round(c.widthPx)}px">`).join('');
  const ths = spec.columns.map((c) => `<th${isNumeric(c) ? ' class="num"' : ''}>${escapeHtml(c.label)}</th>`).join('');
  return (
    `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n<style>${style}</style>\n</head>\n<body>\n` +
    `<h1>${title}</h1>\n<table>\n<colgroup>${cols}</colgroup>\n<thead><tr>${ths}</tr></thead>\n<tbody>\n`
  );
}

/** One table row for a line. */
export function htmlLine(spec: SheetSpec, line: SheetLine): string {
  const cols = spec.columns;
  if (line.kind === 'row') {
    const tds = cols.map((c) => `<td${isNumeric(c) ? ' class="num"' : ''}>${escapeHtml(cellText(c, line.row[c.field], spec.timeZone))}</td>`).join('');
    return `<tr>${tds}</tr>\n`;
  }
  // The label spans the columns up to the first one that shows a sum.
  const firstSum = cols.findIndex((c, i) => i > 0 && isNumeric(c) && line.sums[c.field] !== undefined);
  const span = firstSum === -1 ? cols.length : firstSum;
  let tds = `<td colspan="${span}">${escapeHtml(line.label)}</td>`;
  for (const c of cols.slice(span)) {
    const sum = line.sums[c.field];
    tds += sum !== undefined && isNumeric(c) ? `<td class="num">${escapeHtml(cellText(c, sum, spec.timeZone))}</td>` : '<td></td>';
  }
  return `<tr class="group level-${line.level}">${tds}</tr>\n`;
}

export const HTML_TAIL = '</tbody>\n</table>\n</body>\n</html>\n';

/** The whole document as chunks. */
export function* htmlChunks(spec: SheetSpec, lines: Iterable<SheetLine>): Generator<string> {
  yield htmlHead(spec);
  for (const line of lines) yield htmlLine(spec, line);
  yield HTML_TAIL;
}
