import { describe, expect, it } from 'vitest';
import { toTsv } from '../../renderer/src/grid/clipboard.js';

describe('copying rows as tab-separated text', () => {
  it('writes a header line and CRLF lines, quoting tabs, newlines and quotes', () => {
    const columns = [
      { label: '派工单号', text: (r: { no: string; note: string }) => r.no },
      { label: '问题', text: (r: { no: string; note: string }) => r.note },
    ];
    const text = toTsv(columns, [
      { no: 'SN202611230001', note: '不制冷' },
      { no: 'SN202611230002', note: 'a\tb "c"\nd' },
    ]);
    expect(text).toBe('派工单号\t问题\r\nSN202611230001\t不制冷\r\nSN202611230002\t"a\tb ""c""\nd"');
  });
});
