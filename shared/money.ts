// Money is integer fen (分) everywhere: stored, sent, summed. Yuan text is parsed digit by digit
// and fen are formatted with integer arithmetic, so no float ever touches an amount.

/** Full-width digits and punctuation (typed with a Chinese IME) as their ASCII forms, trimmed. */
export function halfWidth(text: string): string {
  return text
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/[\u3002]/g, '.') // 。typed as a decimal point
    .trim();
}

export type MoneyError = 'money' | 'moneyDecimals' | 'tooLarge';
export type ParsedMoney = { ok: true; value: number } | { ok: false; error: MoneyError };

/**
 * Yuan as typed → integer fen, digit by digit (never `x * 100` on a float: 0.29 * 100 is
 * 28.999999999999996). Accepts '12.5', '-0.5', '.5', '1,234.50', '¥12', '12元'; more than
 * two decimals is refused unless the extra digits are zeros ('12.340' is 12.34).
 */
export function parseYuanToFen(raw: string): ParsedMoney {
  const m = /^([+-]?)\s*[¥￥]?\s*([\d,]*)(?:\.(\d*))?\s*元?$/.exec(halfWidth(raw));
  const whole = m ? ungroup(m[2]) : null;
  if (!m || whole === null || (whole === '' && (m[3] ?? '') === '')) return { ok: false, error: 'money' };
  const frac = m[3] ?? '';
  if (/[1-9]/.test(frac.slice(2))) return { ok: false, error: 'moneyDecimals' };
  const fen = BigInt(whole || '0') * 100n + BigInt((frac.slice(0, 2) + '00').slice(0, 2));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: 'tooLarge' };
  const n = Number(fen);
  return { ok: true, value: m[1] === '-' && n !== 0 ? -n : n };
}

/** Digits with optional well-formed thousands separators ('1,234'), which are then dropped. */
export function ungroup(whole: string): string | null {
  if (!whole.includes(',')) return whole;
  return /^\d{1,3}(,\d{3})+$/.test(whole) ? whole.replace(/,/g, '') : null;
}

/** Integer fen as yuan with two decimals and thousands separators: 123450 → '1,234.50'. */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Money must be whole fen, got ${fen}.`);
  const negative = fen < 0;
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${cents}`;
}

/** Integer fen as shown to the clerk: 123450 → '¥1,234.50', -5 → '-¥0.05'. */
export function formatFen(fen: number): string {
  const text = formatYuan(fen);
  return text.startsWith('-') ? `-¥${text.slice(1)}` : `¥${text}`;
}

/** Exact sum of fen amounts; throws when it leaves the safe integer range. */
export function sumFen(amounts: Iterable<number>): number {
  let total = 0;
  for (const a of amounts) {
    if (!Number.isSafeInteger(a)) throw new RangeError(`Money must be whole fen, got ${a}.`);
    total += a;
    if (!Number.isSafeInteger(total)) throw new RangeError('The sum is too large.');
  }
  return total;
}
