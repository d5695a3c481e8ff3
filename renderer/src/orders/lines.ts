// The lines of one order (售服内容, 售服费用) as the editors hold them: drafts of what the clerk
// typed, checked field by field, turned into the contract's input only when every field is
// valid. Free of React so the rules can be unit-tested.

import type { ContentLine, ContentLineInput, FeeLine, FeeLineInput } from '../../../shared/dispatch/schemas.js';
import { feeTypes, payers, workResults } from '../../../shared/dispatch/schemas.js';
import { formatYuan, parseYuanToFen } from '../../../shared/money.js';
import { parseDate } from '../query/draft.js';

/** Error keys shown next to a cell, under the locale key `lines.errors`. */
export type LineError =
  | 'required'
  | 'date'
  | 'hours'
  | 'hoursRange'
  | 'money'
  | 'moneyDecimals'
  | 'moneyRange'
  | 'moneyNegative'
  | 'reasonRequired'
  | 'settledOnRequired'
  | 'tooLong'
  /** A key of its own (an editor's texts kept elsewhere), shown as it is. */
  | `${string}.${string}`;

export type LineErrors = Record<string, LineError>;

let seq = 0;
/** A key that stays with a draft line while lines are inserted or removed around it. */
export function newKey(): string {
  seq += 1;
  return `l${seq}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
export function today(now = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Integer hundredths as '2.50' / '2' — what the hours and amount cells show. */
export function hundredthsText(n: number): string {
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  const frac = a % 100;
  return `${sign}${Math.floor(a / 100)}.${pad(frac)}`;
}

/** Hours as typed ('2.5', '2', '0.25') → integer hundredths, exactly; null when not a plain number. */
export function parseHours(raw: string): { ok: true; value: number } | { ok: false; error: LineError } {
  const text = raw.trim();
  if (text === '') return { ok: false, error: 'required' };
  // The exact decimal → hundredths arithmetic is the money parser's; hours are plain numbers only.
  if (!/^[\d０-９]*([.．。][\d０-９]*)?$/.test(text)) return { ok: false, error: 'hours' };
  const parsed = parseYuanToFen(text.replace(/[．。]/, '.'));
  if (!parsed.ok) return { ok: false, error: 'hours' };
  if (parsed.value > 2400) return { ok: false, error: 'hoursRange' };
  return { ok: true, value: parsed.value };
}

export function parseAmount(raw: string): { ok: true; value: number } | { ok: false; error: LineError } {
  if (raw.trim() === '') return { ok: false, error: 'required' };
  const parsed = parseYuanToFen(raw.trim());
  if (!parsed.ok) return { ok: false, error: parsed.error === 'tooLarge' ? 'moneyRange' : parsed.error };
  if (parsed.value < 0) return { ok: false, error: 'moneyNegative' };
  if (parsed.value > 100_000_000_00) return { ok: false, error: 'moneyRange' };
  return { ok: true, value: parsed.value };
}

function parseDay(raw: string): string | null {
  const d = parseDate(raw.trim());
  return d && !d.time ? d.day : null;
}

// ---------------------------------------------------------------- content (售服内容)

export interface ContentDraft {
  key: string;
  id?: number;
  workDate: string;
  engineerId: string;
  workType: string;
  findings: string;
  workDone: string;
  faultCause: string;
  result: (typeof workResults)[number];
  resultReason: string;
  hours: string;
}

export const contentFields = ['workDate', 'engineerId', 'workType', 'findings', 'workDone', 'faultCause', 'result', 'resultReason', 'hours'] as const;

export function contentDraft(line: ContentLine): ContentDraft {
  return {
    key: newKey(),
    id: line.id,
    workDate: line.workDate,
    engineerId: String(line.engineerId),
    workType: line.workType,
    findings: line.findings ?? '',
    workDone: line.workDone ?? '',
    faultCause: line.faultCause ?? '',
    result: line.result,
    resultReason: line.resultReason ?? '',
    hours: hundredthsText(line.hoursX100),
  };
}

export function newContentDraft(defaults: { engineerId: number | null; workType: string }): ContentDraft {
  return {
    key: newKey(),
    workDate: today(),
    engineerId: defaults.engineerId ? String(defaults.engineerId) : '',
    workType: defaults.workType,
    findings: '',
    workDone: '',
    faultCause: '',
    result: 'solved',
    resultReason: '',
    hours: '',
  };
}

const limits: Record<string, number> = { workType: 50, findings: 2000, workDone: 2000, faultCause: 200, resultReason: 500, remarks: 200 };

function tooLong(errors: LineErrors, i: number, field: string, value: string): void {
  const max = limits[field];
  if (max && value.trim().length > max && !errors[`${i}.${field}`]) errors[`${i}.${field}`] = 'tooLong';
}

/** Errors keyed `<index>.<field>`, and the lines as the contract takes them when there are none. */
export function checkContent(drafts: readonly ContentDraft[]): { errors: LineErrors; lines: ContentLineInput[] | null } {
  const errors: LineErrors = {};
  const lines: ContentLineInput[] = [];
  drafts.forEach((d, i) => {
    const day = parseDay(d.workDate);
    if (d.workDate.trim() === '') errors[`${i}.workDate`] = 'required';
    else if (!day) errors[`${i}.workDate`] = 'date';
    if (!d.engineerId) errors[`${i}.engineerId`] = 'required';
    if (d.workType.trim() === '') errors[`${i}.workType`] = 'required';
    if (d.result !== 'solved' && d.resultReason.trim() === '') errors[`${i}.resultReason`] = 'reasonRequired';
    const hours = parseHours(d.hours);
    if (!hours.ok) errors[`${i}.hours`] = hours.error;
    for (const f of ['workType', 'findings', 'workDone', 'faultCause', 'resultReason'] as const) tooLong(errors, i, f, d[f]);
    lines.push({
      ...(d.id ? { id: d.id } : {}),
      workDate: day ?? '',
      engineerId: Number(d.engineerId),
      workType: d.workType.trim(),
      findings: d.findings.trim(),
      workDone: d.workDone.trim(),
      faultCause: d.faultCause.trim(),
      result: d.result,
      resultReason: d.result === 'solved' ? '' : d.resultReason.trim(),
      hoursX100: hours.ok ? hours.value : 0,
    });
  });
  return { errors, lines: Object.keys(errors).length ? null : lines };
}

/** Total hours of the valid lines, in hundredths. */
export function totalHours(drafts: readonly ContentDraft[]): number {
  return drafts.reduce((sum, d) => {
    const h = parseHours(d.hours);
    return h.ok ? sum + h.value : sum;
  }, 0);
}

// ---------------------------------------------------------------- fees (售服费用)

export interface FeeDraft {
  key: string;
  id?: number;
  feeType: (typeof feeTypes)[number];
  amount: string;
  payer: (typeof payers)[number];
  settled: boolean;
  settledOn: string;
  remarks: string;
}

export const feeFields = ['feeType', 'amount', 'payer', 'settled', 'settledOn', 'remarks'] as const;

export function feeDraft(line: FeeLine): FeeDraft {
  return {
    key: newKey(),
    id: line.id,
    feeType: line.feeType,
    amount: formatYuan(line.amountFen),
    payer: line.payer,
    settled: line.settled,
    settledOn: line.settledOn ?? '',
    remarks: line.remarks ?? '',
  };
}

/** Under 三包 the company pays by default, otherwise the customer. */
export function newFeeDraft(warranty: boolean): FeeDraft {
  return { key: newKey(), feeType: 'labour', amount: '', payer: warranty ? 'company' : 'customer', settled: false, settledOn: '', remarks: '' };
}

export function checkFees(drafts: readonly FeeDraft[]): { errors: LineErrors; lines: FeeLineInput[] | null } {
  const errors: LineErrors = {};
  const lines: FeeLineInput[] = [];
  drafts.forEach((d, i) => {
    const amount = parseAmount(d.amount);
    if (!amount.ok) errors[`${i}.amount`] = amount.error;
    let settledOn: string | null = null;
    if (d.settled) {
      if (d.settledOn.trim() === '') errors[`${i}.settledOn`] = 'settledOnRequired';
      else {
        settledOn = parseDay(d.settledOn);
        if (!settledOn) errors[`${i}.settledOn`] = 'date';
      }
    }
    tooLong(errors, i, 'remarks', d.remarks);
    lines.push({
      ...(d.id ? { id: d.id } : {}),
      feeType: d.feeType,
      amountFen: amount.ok ? amount.value : 0,
      payer: d.payer,
      settled: d.settled,
      settledOn: d.settled ? settledOn : null,
      remarks: d.remarks.trim(),
    });
  });
  return { errors, lines: Object.keys(errors).length ? null : lines };
}

export interface FeeTotals {
  customer: number;
  company: number;
  all: number;
}

/** Sums of the amounts that parse, in integer fen. */
export function feeTotals(drafts: readonly FeeDraft[]): FeeTotals {
  const totals = { customer: 0, company: 0, all: 0 };
  for (const d of drafts) {
    const a = parseAmount(d.amount);
    if (!a.ok) continue;
    totals[d.payer] += a.value;
    totals.all += a.value;
  }
  return totals;
}

/** Server issues (`lines.<i>.<field>`) → errors on the cells; what does not map stays a message. */
export function issuesToCells(
  issues: readonly { path: string; message: string }[] | undefined,
  fieldMap: Record<string, string>,
): { cells: Record<string, string>; rest: string[] } {
  const cells: Record<string, string> = {};
  const rest: string[] = [];
  for (const issue of issues ?? []) {
    const m = /^lines\.(\d+)\.(\w+)/.exec(issue.path);
    const field = m ? (fieldMap[m[2]] ?? m[2]) : null;
    if (m && field) cells[`${m[1]}.${field}`] = issue.message;
    else rest.push(issue.message);
  }
  return { cells, rest };
}

// ---------------------------------------------------------------- a change made meanwhile elsewhere

// The server replaces an order's lines as a set. Lines edited on an older row version than the
// one stored must never be sent with the newer version unless the clerk chose so knowing what
// the other desk's change was and what saving would lose.

/** The stored fields compared between versions, as the contract names them. */
export const contentCompareFields = ['workDate', 'engineerId', 'workType', 'findings', 'workDone', 'faultCause', 'result', 'resultReason', 'hoursX100'] as const;
export const feeCompareFields = ['feeType', 'amountFen', 'payer', 'settled', 'settledOn', 'remarks'] as const;

type Values = { readonly id?: number } & Readonly<Record<string, unknown>>;

const blank = (v: unknown) => (v === null || v === undefined ? '' : v);

/** The fields (of `fields`) whose values differ; null, undefined and '' count as the same. */
export function differingFields(a: Values, b: Values, fields: readonly string[]): string[] {
  return fields.filter((f) => blank(a[f]) !== blank(b[f]));
}

/** How the stored lines differ from the ones the clerk's edits were based on. */
export interface StoredChange<L> {
  /** Only on the server: another desk added them. */
  added: L[];
  /** Changed at another desk since, with the fields changed. */
  changed: { line: L; fields: string[] }[];
  /** Deleted at another desk (as they were when the clerk read them). */
  removed: L[];
}

export function storedChange<L extends Values & { id: number }>(base: readonly L[], stored: readonly L[], fields: readonly string[]): StoredChange<L> {
  const before = new Map(base.map((l) => [l.id, l]));
  const now = new Set(stored.map((l) => l.id));
  const added: L[] = [];
  const changed: { line: L; fields: string[] }[] = [];
  for (const line of stored) {
    const old = before.get(line.id);
    if (!old) added.push(line);
    else {
      const diff = differingFields(old, line, fields);
      if (diff.length) changed.push({ line, fields: diff });
    }
  }
  return { added, changed, removed: base.filter((l) => !now.has(l.id)) };
}

export function hasStoredChange(change: StoredChange<unknown>): boolean {
  return change.added.length + change.changed.length + change.removed.length > 0;
}

/** What saving the clerk's lines over the stored ones would lose of the other desk's work. */
export interface OverwriteLoss<L> {
  /** Lines another desk added or changed that the clerk's lines do not carry: saving deletes them. */
  deleted: L[];
  /** Lines another desk changed that the clerk's lines write differently: their values of `fields` go. */
  replaced: { line: L; fields: string[] }[];
  /** Lines another desk deleted that the clerk's lines still carry: they are saved again, as new lines. */
  revived: number;
}

export function overwriteLoss<L extends Values & { id: number }>(change: StoredChange<L>, mine: readonly Values[], fields: readonly string[]): OverwriteLoss<L> {
  const byId = new Map(mine.filter((l) => l.id !== undefined).map((l) => [l.id as number, l]));
  const deleted: L[] = [];
  const replaced: { line: L; fields: string[] }[] = [];
  for (const line of change.added) if (!byId.has(line.id)) deleted.push(line);
  for (const { line } of change.changed) {
    const my = byId.get(line.id);
    if (!my) deleted.push(line);
    else {
      const diff = differingFields(line, my, fields);
      if (diff.length) replaced.push({ line, fields: diff });
    }
  }
  const gone = new Set(change.removed.map((l) => l.id));
  return { deleted, replaced, revived: mine.filter((l) => l.id !== undefined && gone.has(l.id)).length };
}

export function losesNothing(loss: OverwriteLoss<unknown>): boolean {
  return loss.deleted.length + loss.replaced.length + loss.revived === 0;
}

/** The clerk's lines made fit to save over `stored`: lines deleted meanwhile are sent as new ones. */
export function rebaseLines<I extends { id?: number }>(lines: readonly I[], stored: readonly { id: number }[]): I[] {
  const now = new Set(stored.map((l) => l.id));
  return lines.map((l) => {
    if (l.id === undefined || now.has(l.id)) return l;
    const { id: _gone, ...rest } = l;
    return rest as I;
  });
}
