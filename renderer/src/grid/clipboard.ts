// Copying out of the grid: text that pastes cleanly into Excel and WPS (tab-separated, CRLF
// between lines, a header line, fields with tabs/newlines/quotes quoted the spreadsheet way).

export interface CopyColumn<R> {
  label: string;
  text(row: R): string;
}

function tsvField(text: string): string {
  return /[\t\r\n"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toTsv<R>(columns: readonly CopyColumn<R>[], rows: readonly R[], withHeader = true): string {
  const lines = rows.map((row) => columns.map((c) => tsvField(c.text(row))).join('\t'));
  if (withHeader) lines.unshift(columns.map((c) => tsvField(c.label)).join('\t'));
  return lines.join('\r\n');
}

/** Puts text on the system clipboard; falls back to the selection command where the API is refused. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Not a secure context, or permission refused: the old way still works in a user gesture.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('The clipboard is not available.');
}
