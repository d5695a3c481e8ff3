import { describe, expect, it } from 'vitest';
import { escapeHtml, htmlChunks } from '../../shared/export/html.js';
import { cellText, groupLineLabel } from '../../shared/export/sheet.js';
import { lines, linesOf, spec } from './export-fixture.js';

interface Cell { text: string; attrs: Record<string, string> }
interface Tr { attrs: Record<string, string>; cells: Cell[]; head: boolean }

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => entities[e]);

/**
 * A small strict reader for the generated document: checks tags nest and close properly and that
 * no raw `<`/`>` sits in text, and returns the title and the table's rows.
 */
function parse(html: string): { title: string; charset: string | null; rows: Tr[] } {
  const stack: string[] = [];
  const rows: Tr[] = [];
  let title = '';
  let charset: string | null = null;
  let cell: Cell | null = null;
  let tr: Tr | null = null;
  const voids = new Set(['meta', 'col', '!doctype']);
  const re = /<(\/?)([!a-zA-Z0-9]+)([^<>]*)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(html))) {
    expect(m.index).toBe(consumed); // nothing skipped: no stray '<'
    consumed = re.lastIndex;
    if (m[4] !== undefined) {
      expect(m[4]).not.toMatch(/[<>]/);
      if (stack.at(-1) === 'title') title += unescape(m[4]);
      if (cell) cell.text += unescape(m[4]);
      continue;
    }
    const [, close, rawName, rawAttrs] = m;
    const name = rawName.toLowerCase();
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(/([a-z-]+)="([^"]*)"/g)) attrs[a[1]] = unescape(a[2]);
    if (voids.has(name)) {
      if (name === 'meta' && attrs.charset) charset = attrs.charset;
      continue;
    }
    if (close) {
      expect(stack.pop()).toBe(name);
      if (name === 'td' || name === 'th') cell = null;
      if (name === 'tr') tr = null;
      continue;
    }
    stack.push(name);
    if (name === 'tr') rows.push((tr = { attrs, cells: [], head: stack.includes('thead') }));
    if (name === 'td' || name === 'th') tr!.cells.push((cell = { text: '', attrs }));
  }
  expect(consumed).toBe(html.length);
  expect(stack).toEqual([]);
  return { title, charset, rows };
}

describe('html export writer', () => {
  const html = [...htmlChunks(spec, lines)].join('');
  const doc = parse(html);

  it('is a complete UTF-8 document with the title and a header row', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(doc.charset).toBe('utf-8');
    expect(doc.title).toBe('售服派工单');
    expect(doc.rows[0].head).toBe(true);
    expect(doc.rows[0].cells.map((c) => c.text)).toEqual(spec.columns.map((c) => c.label));
  });

  it('has one row per line: group headers with their level and sums, data rows as shown', () => {
    const body = doc.rows.slice(1);
    expect(body).toHaveLength(lines.length);
    lines.forEach((line, i) => {
      const tr = body[i];
      if (line.kind === 'group') {
        expect(tr.attrs.class).toBe(`group level-${line.level}`);
        expect(tr.cells[0].text).toBe(line.label);
        // The label spans up to the first summed column; the sums are right-aligned.
        expect(Number(tr.cells[0].attrs.colspan)).toBe(4);
        expect(tr.cells[1]).toEqual({ text: cellText(spec.columns[4], line.sums.fee), attrs: { class: 'num' } });
        expect(tr.cells[2].text).toBe(String(line.sums.qty));
        expect(tr.cells.length).toBe(spec.columns.length - 4 + 1);
      } else {
        expect(tr.attrs.class).toBeUndefined();
        expect(tr.cells.map((c) => c.text)).toEqual(spec.columns.map((c) => cellText(c, line.row[c.field])));
      }
    });
    const first = body[lines.findIndex((l) => l.kind === 'row' && l.row.order_no === 'SN202606300001')];
    expect(first.cells.map((c) => c.text)).toEqual(['SN202606300001', '华信有限公司', '待处理', '是', '¥1,234.56', '2', '2026-06-30 09:05', '2026-07-02']);
    expect(first.cells[4].attrs.class).toBe('num');
    expect(first.cells[5].attrs.class).toBe('num');
    expect(first.cells[1].attrs.class).toBeUndefined();
  });

  it('escapes text, so markup in data stays text', () => {
    expect(html).toContain('安达&lt;科技&gt;&amp;&quot;公司&quot;');
    expect(html).not.toContain('<科技>');
    expect(escapeHtml(`<script>alert('x')</script>`)).toBe('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
  });

  it('streams: the chunks are produced lazily, one per line', () => {
    const gen = htmlChunks(spec, lines);
    expect(gen.next().value).toContain('<thead>');
    let n = 0;
    for (const chunk of gen) if (chunk.startsWith('<tr')) n++;
    expect(n).toBe(lines.length);
  });
});

describe('group labels', () => {
  it('read the same in Chinese and English, with sums when named', () => {
    expect(groupLineLabel('客户', '华信有限公司', 12)).toBe('客户：华信有限公司（12）');
    expect(groupLineLabel('Customer', 'Huaxin', 1234)).toBe('Customer: Huaxin (1,234)');
    expect(groupLineLabel('客户', '华信', 2, [['费用合计', '¥1.00']])).toBe('客户：华信（2，费用合计 ¥1.00）');
    const withSums = linesOf({ ...spec, sumLabels: { fee: '费用合计' } }, [
      { order_no: 'a', customer: '华信', status: 'pending', fee: 150 },
      { order_no: 'b', customer: '华信', status: 'pending', fee: 50 },
    ]);
    expect(withSums[0]).toMatchObject({ kind: 'group', count: 2, label: '客户：华信（2，费用合计 ¥2.00）', sums: { fee: 200, qty: 0 } });
  });
});
