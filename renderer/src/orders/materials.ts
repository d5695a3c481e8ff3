// An order's planned parts (售服材料, legacy 3.4) as the materials editor holds them: drafts of
// what the clerk typed, checked cell by cell, turned into the contract's input only when every
// cell is valid. Issued / returned / used / owed come from the posted documents and are never
// typed. Free of React so the rules can be unit-tested.

import type { MaterialLine, MaterialLineInput, PartOption } from '../../../shared/warehouse/schemas.js';
import type { payers } from '../../../shared/dispatch/schemas.js';
import { formatYuan, halfWidth } from '../../../shared/money.js';
import { newKey, parseAmount, type LineError, type LineErrors } from './lines.js';

type Payer = (typeof payers)[number];

export interface MaterialDraft {
  key: string;
  id?: number;
  /** null until a part is picked from the catalogue. */
  partId: number | null;
  /** What the part cell shows (the picked part's number, or what is being typed to find one). */
  partText: string;
  partNo: string;
  partName: string;
  spec: string;
  unit: string;
  serialTracked: boolean;
  quantity: string;
  payer: Payer;
  /** Yuan as typed; kept as integer fen once valid. */
  unitPrice: string;
  remarks: string;
  /** From the documents (0 on a new line). */
  issued: number;
  returned: number;
  used: number;
  owed: number;
  /** The planned quantity as stored (null on a new line): only a lowered plan is checked against what is used. */
  savedQuantity: number | null;
}

/** The cells a find-and-replace goes over: the free-text ones. */
export const materialTextFields = ['remarks'] as const;

/** The stored fields compared when another desk changed the plan meanwhile (contract names). */
export const materialCompareFields = ['partId', 'quantity', 'payer', 'unitPriceFen', 'remarks'] as const;

export function materialDraft(line: MaterialLine): MaterialDraft {
  return {
    key: newKey(),
    id: line.id,
    partId: line.partId,
    partText: line.partNo,
    partNo: line.partNo,
    partName: line.partName,
    spec: line.spec,
    unit: line.unit,
    serialTracked: line.serialTracked,
    quantity: String(line.quantity),
    payer: line.payer,
    unitPrice: formatYuan(line.unitPriceFen),
    remarks: line.remarks ?? '',
    issued: line.issued,
    returned: line.returned,
    used: line.used,
    owed: line.owed,
    savedQuantity: line.quantity,
  };
}

/** A new line: no part yet, one unit, paid by the company under 三包 and by the customer otherwise. */
export function newMaterialDraft(warranty: boolean): MaterialDraft {
  return {
    key: newKey(),
    partId: null,
    partText: '',
    partNo: '',
    partName: '',
    spec: '',
    unit: '',
    serialTracked: false,
    quantity: '1',
    payer: warranty ? 'company' : 'customer',
    unitPrice: '',
    remarks: '',
    issued: 0,
    returned: 0,
    used: 0,
    owed: 0,
    savedQuantity: null,
  };
}

/** A part picked from the catalogue: its numbers and texts, and its price as the default. */
export function withPart(draft: MaterialDraft, part: PartOption): Partial<MaterialDraft> {
  const samePart = draft.partId === part.id;
  return {
    partId: part.id,
    partText: part.partNo,
    partNo: part.partNo,
    partName: part.name,
    spec: part.spec,
    unit: part.unit,
    serialTracked: part.serialTracked,
    // Picking the same part again keeps a price the clerk typed.
    unitPrice: samePart && draft.unitPrice.trim() !== '' ? draft.unitPrice : formatYuan(part.unitPriceFen),
  };
}

export type QuantityError = 'required' | 'quantity' | 'quantityRange';

/** A whole number of units as typed (full-width digits allowed); 0 is a valid plan. */
export function parseQuantity(raw: string): { ok: true; value: number } | { ok: false; error: QuantityError } {
  const text = halfWidth(raw).replace(/,/g, '');
  if (text === '') return { ok: false, error: 'required' };
  if (!/^\d+$/.test(text)) return { ok: false, error: 'quantity' };
  const n = Number(text);
  if (n > 1_000_000) return { ok: false, error: 'quantityRange' };
  return { ok: true, value: n };
}

/** The amount of a line as typed (quantity × unit price, integer fen); null while either does not parse. */
export function draftAmount(d: MaterialDraft): number | null {
  const q = parseQuantity(d.quantity);
  const p = parseAmount(d.unitPrice);
  if (!q.ok || !p.ok) return null;
  const amount = q.value * p.value;
  return Number.isSafeInteger(amount) ? amount : null;
}

const quantityErrors: Record<QuantityError, LineError> = {
  required: 'required',
  quantity: 'materialsTab.errors.quantity',
  quantityRange: 'materialsTab.errors.quantityRange',
};

/** Errors keyed `<index>.<field>`, and the lines as the contract takes them when there are none. */
export function checkMaterials(drafts: readonly MaterialDraft[]): { errors: LineErrors; lines: MaterialLineInput[] | null } {
  const errors: LineErrors = {};
  const lines: MaterialLineInput[] = [];
  const dup = duplicateParts(drafts);
  drafts.forEach((d, i) => {
    // The text in the cell must still be the picked part's number.
    if (d.partId === null || d.partText.trim() !== d.partNo) errors[`${i}.part`] = d.partText.trim() === '' ? 'required' : 'materialsTab.errors.pickPart';
    else if (dup.has(d.key)) errors[`${i}.part`] = 'materialsTab.errors.duplicatePart';
    const q = parseQuantity(d.quantity);
    if (!q.ok) errors[`${i}.quantity`] = quantityErrors[q.error];
    // What is in use on the order (issued − returned) cannot be planned away.
    // (issues may have gone beyond a plan that is left as it is).
    else if (q.value !== d.savedQuantity && q.value < d.used) errors[`${i}.quantity`] = 'materialsTab.errors.belowUsed';
    const p = parseAmount(d.unitPrice);
    if (!p.ok) errors[`${i}.unitPrice`] = p.error;
    if (d.remarks.trim().length > 200) errors[`${i}.remarks`] = 'tooLong';
    lines.push({
      ...(d.id ? { id: d.id } : {}),
      partId: d.partId ?? 0,
      quantity: q.ok ? q.value : 0,
      payer: d.payer,
      unitPriceFen: p.ok ? p.value : 0,
      remarks: d.remarks.trim(),
    });
  });
  return { errors, lines: Object.keys(errors).length ? null : lines };
}

export interface MaterialTotals {
  quantity: number;
  /** Planned amounts by payer, integer fen. */
  customer: number;
  company: number;
  all: number;
}

/** Sums of the lines as typed (lines that do not parse are left out). */
export function materialTotals(drafts: readonly MaterialDraft[]): MaterialTotals {
  const totals = { quantity: 0, customer: 0, company: 0, all: 0 };
  for (const d of drafts) {
    const q = parseQuantity(d.quantity);
    if (q.ok) totals.quantity += q.value;
    const a = draftAmount(d);
    if (a === null) continue;
    totals[d.payer] += a;
    totals.all += a;
  }
  return totals;
}

/** A parts line the fees tab shows: a chargeable part used on the order (dispatch.get `materialFees`). */
export interface PartsFeeLine {
  id: number;
  partNo: string;
  partName: string;
  used: number;
  unitPriceFen: number;
  /** used × unit price, integer fen (the server's). */
  amountFen: number;
  /** From the materials, when they are loaded. */
  unit?: string;
}

export function partsFeeTotal(lines: readonly PartsFeeLine[]): number {
  return lines.reduce((sum, l) => sum + l.amountFen, 0);
}

/** A second line for the same part: the plan keeps one line per part (change its quantity instead). */
export function duplicateParts(drafts: readonly MaterialDraft[]): Set<string> {
  const seen = new Map<number, string>();
  const dup = new Set<string>();
  for (const d of drafts) {
    if (d.partId === null) continue;
    if (seen.has(d.partId)) dup.add(d.key);
    else seen.set(d.partId, d.key);
  }
  return dup;
}
