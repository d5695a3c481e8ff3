import { describe, expect, it } from 'vitest';
import { formatFen, formatYuan, parseYuanToFen, sumFen } from '../../shared/money.js';
import { parseMoney } from '../../renderer/src/query/draft.js';

describe('money in fen', () => {
  it('parses yuan text to exact fen', () => {
    const fen = (s: string) => {
      const r = parseYuanToFen(s);
      return r.ok ? r.value : r.error;
    };
    expect(fen('0.1')).toBe(10);
    expect(fen('0.2')).toBe(20);
    expect(fen('0.29')).toBe(29);
    expect(fen('1,234.50')).toBe(123450);
    expect(fen('¥12')).toBe(1200);
    expect(fen('１２.５元')).toBe(1250);
    expect(fen('12.340')).toBe(1234);
    expect(fen('12.345')).toBe('moneyDecimals');
    expect(fen('abc')).toBe('money');
    expect(fen('99999999999999999')).toBe('tooLarge');
  });

  it('is the parser of the query panel too', () => {
    expect(parseMoney('0.29')).toEqual({ ok: true, value: 29 });
    expect(parseMoney('x')).toEqual({ ok: false, error: 'queryPanel.errors.money' });
  });

  it('formats fen as ¥ with two decimals and separators', () => {
    expect(formatFen(123450)).toBe('¥1,234.50');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(-5)).toBe('-¥0.05');
    expect(formatYuan(100000000)).toBe('1,000,000.00');
    expect(() => formatFen(0.5)).toThrow(RangeError);
  });

  it('adds 0.1 + 0.2 yuan to exactly 0.30', () => {
    const a = parseYuanToFen('0.1');
    const b = parseYuanToFen('0.2');
    expect(a.ok && b.ok && formatFen(sumFen([a.value, b.value]))).toBe('¥0.30');
    // Ten thousand lines of 0.01: exactly 100.00.
    expect(formatFen(sumFen(Array(10_000).fill(1)))).toBe('¥100.00');
  });
});
