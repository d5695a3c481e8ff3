// 三包 (warranty) suggestion: an order is covered when its day is on or before the start day
// plus the task type's warranty period in calendar months. The start is the contract's
// delivery date when known, else its sign date. Month ends clamp: 2024-01-31 + 1 month is
// 2024-02-29, + 13 months 2025-02-28. The last day (`until`) is covered, the next is not;
// a period of 0 months covers nothing.

export interface WarrantySuggestion {
  warranty: boolean;
  /** The start day, 'YYYY-MM-DD'. */
  from: string;
  /** The last covered day, 'YYYY-MM-DD' (for 0 months: the day before `from`). */
  until: string;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function parseDay(day: string): [number, number, number] {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`Not a day (YYYY-MM-DD): ${day}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new RangeError(`Not a day: ${day}`);
  return [y, mo, d];
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const format = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** `day` plus `months` calendar months, clamped to the end of the target month. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = parseDay(day);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  return format(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

/** `day` plus `days` days. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = parseDay(day);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The local day of an instant, 'YYYY-MM-DD'. */
export function localDay(d: Date): string {
  return format(d.getFullYear(), d.getMonth() + 1, d.getDate());
}

/**
 * The suggestion for a contract (delivery date when known, else sign date) and a warranty
 * period, as of `today` ('YYYY-MM-DD'). Covered while today ≤ start + months.
 */
export function suggestWarranty(
  contract: { signDate: string; deliveryDate?: string | null },
  warrantyMonths: number,
  today: string,
): WarrantySuggestion {
  parseDay(today);
  const from = contract.deliveryDate || contract.signDate;
  parseDay(from);
  if (!Number.isInteger(warrantyMonths) || warrantyMonths <= 0) {
    return { warranty: false, from, until: addDays(from, -1) };
  }
  const until = addMonths(from, warrantyMonths);
  // Days in YYYY-MM-DD compare as strings. A day before the start (delivery still to come)
  // is inside the period too: the rule is only "not after the last day".
  return { warranty: today <= until, from, until };
}
