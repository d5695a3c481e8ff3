// The lines of the store's documents as the windows hold them — 领用 issue, 退料 return,
// 入库 receipt, 盘点调整 count adjustment — checked before anything is posted and turned into
// the contract's input only when every line is fine. Free of React so the rules can be tested.

import type { ErrorReason } from '../../../shared/errors.js';
import type { ReturnKind } from '../../../shared/warehouse/schemas.js';
import { halfWidth } from '../../../shared/money.js';

/** A part as a line shows it (from parts.options, a plan line or a stored document). */
export interface PartRef {
  id: number;
  partNo: string;
  name: string;
  spec: string;
  unit: string;
  serialTracked: boolean;
}

/** What every document line has: the part (picked, or typed and not yet matched), the quantity and serials as typed. */
export interface BaseDraft {
  key: string;
  part: PartRef | null;
  /** The part number as typed; equals part.partNo once picked. */
  partText: string;
  quantity: string;
  /** Serials as typed: separated by line breaks, commas, semicolons or spaces. */
  serials: string;
}

export interface IssueDraft extends BaseDraft {
  /** The owed record (欠件) the line supplies, when it came from the plan. */
  owedId: number | null;
}

export interface ReturnDraft extends BaseDraft {
  kind: ReturnKind;
  /** The store it goes back to (a main store for unused parts, the faulty store for faulty ones). */
  warehouseId: string;
  /** Faulty: the serial taken out of the customer's device. */
  oldSerial: string;
  /** Faulty: the replacement serial put in (one issued for this order). */
  newSerial: string;
  fault: string;
}

export type ReceiptDraft = BaseDraft;

export interface AdjustDraft extends BaseDraft {
  /** The counted quantity (实盘数量); `quantity` is unused, the difference is computed. */
  counted: string;
}

/** A message for one cell, keyed `<index>.<field>`: a locale key under `store.lineErrors` with its values. */
export interface Problem {
  code: string;
  params?: Record<string, string | number>;
}
export type Problems = Record<string, Problem>;

let seq = 0;
/** A key that stays with a draft line while lines are inserted or removed around it. */
export function newLineKey(): string {
  seq += 1;
  return `s${seq}`;
}

export function blankDraft(): BaseDraft {
  return { key: newLineKey(), part: null, partText: '', quantity: '', serials: '' };
}

// ------------------------------------------------------------------ serials and quantities

const SERIAL_SEPARATORS = /[\s,，;；、]+/;

/**
 * Serials as typed or pasted → the list: one per line (as a scanner or a spreadsheet column
 * gives them), or separated by commas, semicolons, 、 or spaces; full-width letters and digits
 * typed with a Chinese IME become their ASCII forms. Order kept, duplicates kept (they are
 * reported, not silently dropped).
 */
export function parseSerials(text: string): string[] {
  return text
    .split(SERIAL_SEPARATORS)
    .map((s) => halfWidth(s))
    .filter((s) => s.length > 0);
}

/** The list as the line's cell shows it. */
export function serialsText(serials: readonly string[]): string {
  return serials.join(', ');
}

/** Serials that appear more than once, each named once, in order of first repeat. */
export function duplicateSerials(serials: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const s of serials) {
    if (seen.has(s) && !dup.includes(s)) dup.push(s);
    seen.add(s);
  }
  return dup;
}

/** `list` with `add` added (those not already in it) and `remove` taken out. */
export function mergeSerials(list: readonly string[], add: readonly string[], remove: readonly string[] = []): string[] {
  const gone = new Set(remove);
  const out = list.filter((s) => !gone.has(s));
  for (const s of add) if (!out.includes(s) && !gone.has(s)) out.push(s);
  return out;
}

export type QuantityError = 'required' | 'quantity' | 'quantityRange';
export type ParsedQuantity = { ok: true; value: number } | { ok: false; error: QuantityError };

const MAX_QUANTITY = 1_000_000;

/** A whole number as typed (full-width digits allowed); `min` is the least allowed (1 for documents, 0 for a count). */
export function parseQuantity(raw: string, min = 1): ParsedQuantity {
  const text = halfWidth(raw);
  if (text === '') return { ok: false, error: 'required' };
  if (!/^[+-]?\d+$/.test(text)) return { ok: false, error: 'quantity' };
  const value = Number(text);
  if (value < min || value > MAX_QUANTITY) return { ok: false, error: 'quantityRange' };
  return { ok: true, value };
}

/** The quantity typed (at least `min`), when it is one. */
export function quantityOf(raw: string, min = 1): number | null {
  const q = parseQuantity(raw, min);
  return q.ok ? q.value : null;
}

/** 盘点调整: the signed difference sent as the line's quantity — found (+) or missing (−). */
export function adjustmentDifference(current: number, counted: number): number {
  return counted - current;
}

// ------------------------------------------------------------------ what the window knows about stock

/** A part's stock in one warehouse as stock.balance tells it: null while not loaded. */
export interface StockView {
  quantity: number;
  serials: readonly string[];
}
export type StockOf = (partId: number) => StockView | null;

/** Sum of the valid quantities per part over the lines (the same part may be on several lines). */
export function quantitiesByPart(drafts: readonly BaseDraft[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of drafts) {
    if (!d.part) continue;
    const q = parseQuantity(d.quantity);
    if (q.ok) out.set(d.part.id, (out.get(d.part.id) ?? 0) + q.value);
  }
  return out;
}

/** Serials of the other lines of the same part: a picker does not offer them twice. */
export function serialsOnOtherLines(drafts: readonly BaseDraft[], key: string, partId: number): Set<string> {
  const out = new Set<string>();
  for (const d of drafts) if (d.key !== key && d.part?.id === partId) for (const s of parseSerials(d.serials)) out.add(s);
  return out;
}

// ------------------------------------------------------------------ checks shared by every kind

/** A line nothing was typed into (the one a new window starts with, one added and left): left out, not an error. */
export function isBlank(d: BaseDraft & Partial<Pick<ReturnDraft, 'fault' | 'oldSerial' | 'newSerial'> & Pick<AdjustDraft, 'counted'>>): boolean {
  return [d.partText, d.quantity, d.serials, d.fault ?? '', d.oldSerial ?? '', d.newSerial ?? '', d.counted ?? ''].every((v) => v.trim() === '') && d.part === null;
}

function checkPart(errors: Problems, i: number, d: BaseDraft): d is BaseDraft & { part: PartRef } {
  if (d.part) return true;
  errors[`${i}.part`] = d.partText.trim() ? { code: 'partUnknown', params: { text: d.partText.trim() } } : { code: 'required' };
  return false;
}

function checkQuantity(errors: Problems, i: number, raw: string, field = 'quantity', min = 1): number | null {
  const q = parseQuantity(raw, min);
  if (q.ok) return q.value;
  errors[`${i}.${field}`] = { code: q.error, params: { min } };
  return null;
}

/**
 * Serials of a line: exactly `expected` for a serial-tracked part (when the quantity is known),
 * none for other parts, none twice on the document (`seen`: part id + serial of earlier lines).
 */
function checkSerials(errors: Problems, i: number, part: PartRef, serials: readonly string[], expected: number | null, seen: Set<string>, field = 'serials'): boolean {
  const at = `${i}.${field}`;
  if (!part.serialTracked) {
    if (serials.length) errors[at] = { code: 'serialsNotTracked', params: { partNo: part.partNo } };
    return !serials.length;
  }
  for (const s of serials) {
    const k = `${part.id}\n${s}`;
    if (seen.has(k)) {
      errors[at] = { code: 'serialDuplicate', params: { serial: s } };
      return false;
    }
    seen.add(k);
  }
  if (expected !== null && serials.length !== expected) {
    errors[at] = { code: 'serialCount', params: { expected, given: serials.length } };
    return false;
  }
  return true;
}

/** Serials missing from `available`: the first one, to name it. */
function firstMissing(serials: readonly string[], available: readonly string[]): string | null {
  const have = new Set(available);
  return serials.find((s) => !have.has(s)) ?? null;
}

export interface Checked<I> {
  errors: Problems;
  /** The contract's lines, or null when some line is not fine. */
  lines: I[] | null;
  /** For each contract line, the index of the window's line it came from (blank lines are left out). */
  from: number[];
}

const result = <I>(errors: Problems, lines: I[], from: number[]): Checked<I> => ({ errors, lines: Object.keys(errors).length ? null : lines, from });

// ------------------------------------------------------------------ 领用 issue

export interface IssueLineInput {
  partId: number;
  quantity: number;
  serials: string[];
  owedId?: number;
}

/**
 * An issue's lines. `stock` is the chosen warehouse's stock (null while unknown: not checked
 * then, the server still is): more than available is marked on every line of the part, and a
 * serial must be in stock there.
 */
export function checkIssue(drafts: readonly IssueDraft[], stock: StockOf): Checked<IssueLineInput> {
  const errors: Problems = {};
  const lines: IssueLineInput[] = [];
  const from: number[] = [];
  const seen = new Set<string>();
  const totals = quantitiesByPart(drafts);
  drafts.forEach((d, i) => {
    if (isBlank(d)) return;
    const quantity = checkQuantity(errors, i, d.quantity);
    if (!checkPart(errors, i, d)) return;
    const serials = parseSerials(d.serials);
    const serialsOk = checkSerials(errors, i, d.part, serials, quantity, seen);
    const s = stock(d.part.id);
    if (s && quantity !== null) {
      const requested = totals.get(d.part.id) ?? quantity;
      if (requested > s.quantity) errors[`${i}.available`] = { code: 'overStock', params: { available: s.quantity, requested } };
    }
    if (s && serialsOk && d.part.serialTracked) {
      const missing = firstMissing(serials, s.serials);
      if (missing) errors[`${i}.serials`] = { code: 'serialNotInStock', params: { serial: missing } };
    }
    from.push(i);
    lines.push({ partId: d.part.id, quantity: quantity ?? 0, serials: d.part.serialTracked ? serials : [], ...(d.owedId ? { owedId: d.owedId } : {}) });
  });
  if (!drafts.some((d) => !isBlank(d))) errors['-1.lines'] = { code: 'noLines' };
  return result(errors, lines, from);
}

// ------------------------------------------------------------------ 退料 return

export type ReturnLineInput =
  | { kind: 'unused'; partId: number; quantity: number; warehouseId: number; serials: string[] }
  | { kind: 'faulty'; partId: number; quantity: number; warehouseId: number; oldSerial: string; newSerial: string; fault: string };

export interface ReturnContext {
  /** Unused parts still out for this order per part (issued − returned); null while unknown. */
  returnable(partId: number): number | null;
  /** Serials issued for this order and still out, per part; null while unknown. */
  issuedSerials(partId: number): readonly string[] | null;
}

const MAX_FAULT = 500;

/**
 * A return's lines: unused parts go back to a main store with the serials issued for the order;
 * a faulty old part goes to the faulty store with the fault described, one unit a line when its
 * part is serial-tracked (the serial taken out, the replacement put in).
 */
export function checkReturn(drafts: readonly ReturnDraft[], ctx: ReturnContext): Checked<ReturnLineInput> {
  const errors: Problems = {};
  const lines: ReturnLineInput[] = [];
  const from: number[] = [];
  const seen = new Set<string>();
  const unusedTotals = quantitiesByPart(drafts.filter((d) => d.kind === 'unused'));
  drafts.forEach((d, i) => {
    if (isBlank(d)) return;
    const quantity = checkQuantity(errors, i, d.quantity);
    if (!d.warehouseId) errors[`${i}.warehouse`] = { code: 'required' };
    if (!checkPart(errors, i, d)) return;
    const warehouseId = Number(d.warehouseId);
    if (d.kind === 'unused') {
      const serials = parseSerials(d.serials);
      const serialsOk = checkSerials(errors, i, d.part, serials, quantity, seen);
      const left = ctx.returnable(d.part.id);
      const requested = unusedTotals.get(d.part.id) ?? 0;
      if (left !== null && quantity !== null && requested > left) errors[`${i}.available`] = { code: 'overReturnable', params: { available: left, requested } };
      const issued = ctx.issuedSerials(d.part.id);
      if (issued && serialsOk && d.part.serialTracked) {
        const missing = firstMissing(serials, issued);
        if (missing) errors[`${i}.serials`] = { code: 'serialNotIssued', params: { serial: missing } };
      }
      from.push(i);
      lines.push({ kind: 'unused', partId: d.part.id, quantity: quantity ?? 0, warehouseId, serials: d.part.serialTracked ? serials : [] });
    } else {
      const oldSerial = halfWidth(d.oldSerial);
      const newSerial = halfWidth(d.newSerial);
      if (d.part.serialTracked) {
        if (quantity !== null && quantity !== 1) errors[`${i}.quantity`] = { code: 'faultyOneEach' };
        if (!oldSerial) errors[`${i}.oldSerial`] = { code: 'oldSerialRequired' };
        else if (seen.has(`${d.part.id}\n${oldSerial}`)) errors[`${i}.oldSerial`] = { code: 'serialDuplicate', params: { serial: oldSerial } };
        else seen.add(`${d.part.id}\n${oldSerial}`);
        if (newSerial) {
          const issued = ctx.issuedSerials(d.part.id);
          if (newSerial === oldSerial) errors[`${i}.newSerial`] = { code: 'newSameAsOld' };
          else if (seen.has(`${d.part.id}\n${newSerial}`)) errors[`${i}.newSerial`] = { code: 'serialDuplicate', params: { serial: newSerial } };
          else if (issued && !issued.includes(newSerial)) errors[`${i}.newSerial`] = { code: 'serialNotIssued', params: { serial: newSerial } };
          seen.add(`${d.part.id}\n${newSerial}`);
        }
      } else if (oldSerial || newSerial) {
        errors[`${i}.${oldSerial ? 'oldSerial' : 'newSerial'}`] = { code: 'serialsNotTracked', params: { partNo: d.part.partNo } };
      }
      const fault = d.fault.trim();
      if (!fault) errors[`${i}.fault`] = { code: 'faultRequired' };
      else if (fault.length > MAX_FAULT) errors[`${i}.fault`] = { code: 'tooLong', params: { max: MAX_FAULT } };
      from.push(i);
      lines.push({ kind: 'faulty', partId: d.part.id, quantity: quantity ?? 0, warehouseId, oldSerial, newSerial, fault });
    }
  });
  if (!drafts.some((d) => !isBlank(d))) errors['-1.lines'] = { code: 'noLines' };
  return result(errors, lines, from);
}

// ------------------------------------------------------------------ 入库 receipt

export interface StockLineInput {
  partId: number;
  quantity: number;
  serials: string[];
}

/** A receipt's lines: a serial per unit of a serial-tracked part, each new to the store (not in stock there). */
export function checkReceipt(drafts: readonly ReceiptDraft[], stock: StockOf): Checked<StockLineInput> {
  const errors: Problems = {};
  const lines: StockLineInput[] = [];
  const from: number[] = [];
  const seen = new Set<string>();
  drafts.forEach((d, i) => {
    if (isBlank(d)) return;
    const quantity = checkQuantity(errors, i, d.quantity);
    if (!checkPart(errors, i, d)) return;
    const serials = parseSerials(d.serials);
    const serialsOk = checkSerials(errors, i, d.part, serials, quantity, seen);
    const s = stock(d.part.id);
    if (s && serialsOk && d.part.serialTracked) {
      const already = serials.find((x) => s.serials.includes(x));
      if (already) errors[`${i}.serials`] = { code: 'serialInStock', params: { serial: already } };
    }
    from.push(i);
    lines.push({ partId: d.part.id, quantity: quantity ?? 0, serials: d.part.serialTracked ? serials : [] });
  });
  if (!drafts.some((d) => !isBlank(d))) errors['-1.lines'] = { code: 'noLines' };
  return result(errors, lines, from);
}

// ------------------------------------------------------------------ 盘点调整 count adjustment

export interface AdjustChecked extends Checked<StockLineInput> {
  /** Lines counted as the books say: nothing to post for them. */
  unchanged: number;
}

/** The difference of one line as typed, when the count and the current balance are known. */
export function lineDifference(d: AdjustDraft, stock: StockOf): number | null {
  if (!d.part) return null;
  const s = stock(d.part.id);
  const counted = parseQuantity(d.counted, 0);
  return s && counted.ok ? adjustmentDifference(s.quantity, counted.value) : null;
}

/**
 * A count adjustment's lines: each part once, the counted quantity (≥ 0) against the current
 * balance in the warehouse gives the signed difference posted; serial-tracked parts name the
 * serials found (+) or missing (−), one per unit of the difference. Lines without a difference
 * are left out (`unchanged`); a document without any difference is not posted.
 */
export function checkAdjustment(drafts: readonly AdjustDraft[], stock: StockOf): AdjustChecked {
  const errors: Problems = {};
  const lines: StockLineInput[] = [];
  const from: number[] = [];
  const seen = new Set<string>();
  const parts = new Set<number>();
  let unchanged = 0;
  drafts.forEach((d, i) => {
    if (isBlank(d)) return;
    const counted = checkQuantity(errors, i, d.counted, 'counted', 0);
    if (!checkPart(errors, i, d)) return;
    if (parts.has(d.part.id)) {
      errors[`${i}.part`] = { code: 'partTwice', params: { partNo: d.part.partNo } };
      return;
    }
    parts.add(d.part.id);
    const s = stock(d.part.id);
    if (!s) {
      errors[`${i}.current`] = { code: 'balanceUnknown' };
      return;
    }
    if (counted === null) return;
    const difference = adjustmentDifference(s.quantity, counted);
    const serials = parseSerials(d.serials);
    if (difference === 0) {
      if (serials.length) errors[`${i}.serials`] = { code: 'serialsNoDifference' };
      unchanged += 1;
      return;
    }
    const serialsOk = checkSerials(errors, i, d.part, serials, Math.abs(difference), seen);
    if (serialsOk && d.part.serialTracked) {
      if (difference < 0) {
        const missing = firstMissing(serials, s.serials);
        if (missing) errors[`${i}.serials`] = { code: 'serialNotInStock', params: { serial: missing } };
      } else {
        const already = serials.find((x) => s.serials.includes(x));
        if (already) errors[`${i}.serials`] = { code: 'serialInStock', params: { serial: already } };
      }
    }
    from.push(i);
    lines.push({ partId: d.part.id, quantity: difference, serials: d.part.serialTracked ? serials : [] });
  });
  if (!drafts.some((d) => !isBlank(d))) errors['-1.lines'] = { code: 'noLines' };
  else if (!Object.keys(errors).length && !lines.length) errors['-1.lines'] = { code: 'noDifference' };
  return { ...result(errors, lines, from), unchanged };
}

// ------------------------------------------------------------------ a refusal, on the lines it is about

/**
 * The lines a refusal names: its part number (partNo) or one of its serials (serial). The
 * window marks them so the keeper sees at once which line to change.
 */
export function linesNamedBy(drafts: readonly (BaseDraft & Partial<Pick<ReturnDraft, 'oldSerial' | 'newSerial'>>)[], reason: ErrorReason | undefined): Set<string> {
  const out = new Set<string>();
  const params = reason?.params ?? {};
  const partNo = typeof params.partNo === 'string' ? params.partNo : null;
  const serial = params.serial !== undefined ? String(params.serial) : null;
  for (const d of drafts) {
    const serials = [...parseSerials(d.serials), d.oldSerial?.trim() ?? '', d.newSerial?.trim() ?? ''];
    if (serial !== null) {
      if (serials.includes(serial) && (partNo === null || d.part?.partNo === partNo)) out.add(d.key);
    } else if (partNo !== null && d.part?.partNo === partNo) out.add(d.key);
  }
  return out;
}

/** Server issues on the lines (`lines.<i>.<field>…`, `i` of the lines sent: `from` gives the window's line) → messages per cell; the others stay a message. */
export function issuesOnLines(
  issues: readonly { path: string; message: string }[] | undefined,
  fieldOf: Record<string, string>,
  from: readonly number[] = [],
): { cells: Record<string, string>; header: Record<string, string>; rest: string[] } {
  const cells: Record<string, string> = {};
  const header: Record<string, string> = {};
  const rest: string[] = [];
  for (const issue of issues ?? []) {
    const m = /^lines\.(\d+)\.(\w+)/.exec(issue.path);
    if (m) {
      const n = Number(m[1]);
      cells[`${from[n] ?? n}.${fieldOf[m[2]] ?? m[2]}`] = issue.message;
      continue;
    }
    const top = /^(\w+)$/.exec(issue.path);
    if (top) header[top[1]] = issue.message;
    else rest.push(issue.message);
  }
  return { cells, header, rest };
}
