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

/** Whether `day` is 'YYYY-MM-DD' and a real calendar day (no 2026-02-31). */
export function isCalendarDay(day: string): boolean {
  try {
    parseDay(day);
    return true;
  } catch {
    return false;
  }
}

/**
 * The business time zone when the database names none (meta row `time_zone`): the business
 * days (order number date, 三包 "today", default settled day) are Beijing days, wherever the
 * server process runs.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormats.get(timeZone);
  if (!f) {
    // Throws a RangeError for a name that is not an IANA time zone.
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'gregory', numberingSystem: 'latn' });
    dayFormats.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA time zone name this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    dayFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The day of an instant in the (IANA) time zone `timeZone`, 'YYYY-MM-DD'. */
export function dayIn(d: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const parts = dayFormat(timeZone).formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  return format(part('year'), part('month'), part('day'));
}

/**
 * The suggestion for a contract (delivery date when known, else sign date) and a warranty
 * period, as of `today` ('YYYY-MM-DD'). Covered while today ≤ start + months. A contract whose
 * start day is not a real day (bad data from an import) gets no suggestion: warranty false,
 * `from` and `until` '' — the clerk decides. A malformed `today` is a program error (throws).
 */
/** What a contract without a usable start day gets: no coverage suggested, no period. */
export const NO_SUGGESTION: Readonly<WarrantySuggestion> = Object.freeze({ warranty: false, from: '', until: '' });

export function suggestWarranty(
  contract: { signDate: string; deliveryDate?: string | null },
  warrantyMonths: number,
  today: string,
): WarrantySuggestion {
  parseDay(today);
  const from = contract.deliveryDate || contract.signDate;
  if (!isCalendarDay(from)) return NO_SUGGESTION;
  if (!Number.isInteger(warrantyMonths) || warrantyMonths <= 0) {
    return { warranty: false, from, until: addDays(from, -1) };
  }
  const until = addMonths(from, warrantyMonths);
  // Days in YYYY-MM-DD compare as strings. A day before the start (delivery still to come)
  // is inside the period too: the rule is only "not after the last day".
  return { warranty: today <= until, from, until };
}
