// The owed-part forms (欠件): recorded when an order is completed with parts not issued, by hand
// in the owed list, changed (promised date, responsible, reason) and closed with a reason.
// Checked here, free of React; the service checks again.

import { parseDate } from '../query/draft.js';
import { halfWidth } from '../../../shared/money.js';

export type OwedMode = 'complete' | 'create' | 'modify';

export interface OwedFormValues {
  orderNo: string;
  partId: number | null;
  partText: string;
  /** The picked part's number (the text must still be it). */
  partNo: string;
  quantity: string;
  reason: string;
  promisedDate: string;
  responsible: string;
}

export const emptyOwedForm: OwedFormValues = { orderNo: '', partId: null, partText: '', partNo: '', quantity: '1', reason: '', promisedDate: '', responsible: '' };

/** Error keys under `owedForm.errors`. */
export type OwedFormError = 'required' | 'orderNo' | 'pickPart' | 'quantity' | 'date' | 'tooLong';
export type OwedFormErrors = Partial<Record<keyof OwedFormValues | 'part', OwedFormError>>;

export interface OwedInputValues {
  reason: string;
  promisedDate: string;
  responsible: string;
}

export type OwedCreateValues = OwedInputValues & { orderNo: string; partId: number; quantity: number };

/** A day as typed ('2026-12-1', '2026/12/01', '20261201', '2026年12月1日') → 'YYYY-MM-DD', or null. */
export function owedDay(raw: string): string | null {
  const d = parseDate(raw.trim());
  return d && !d.time ? d.day : null;
}

export function checkOwedForm(mode: OwedMode, v: OwedFormValues): { errors: OwedFormErrors; input: OwedInputValues | OwedCreateValues | null } {
  const errors: OwedFormErrors = {};
  const reason = v.reason.trim();
  const responsible = v.responsible.trim();
  if (!reason) errors.reason = 'required';
  else if (reason.length > 500) errors.reason = 'tooLong';
  if (!responsible) errors.responsible = 'required';
  else if (responsible.length > 50) errors.responsible = 'tooLong';
  const day = owedDay(v.promisedDate);
  if (v.promisedDate.trim() === '') errors.promisedDate = 'required';
  else if (!day) errors.promisedDate = 'date';
  const base: OwedInputValues = { reason, promisedDate: day ?? '', responsible };
  if (mode !== 'create') return { errors, input: Object.keys(errors).length ? null : base };

  const orderNo = halfWidth(v.orderNo).toUpperCase();
  if (!orderNo) errors.orderNo = 'required';
  else if (!/^SN\d{8}\d{4,}$/.test(orderNo)) errors.orderNo = 'orderNo';
  if (v.partId === null || v.partText.trim() !== v.partNo) errors.part = v.partText.trim() === '' ? 'required' : 'pickPart';
  const qText = halfWidth(v.quantity);
  const quantity = /^\d+$/.test(qText) ? Number(qText) : NaN;
  if (qText === '') errors.quantity = 'required';
  else if (!(quantity >= 1 && quantity <= 1_000_000)) errors.quantity = 'quantity';
  if (Object.keys(errors).length) return { errors, input: null };
  return { errors, input: { ...base, orderNo, partId: v.partId!, quantity } };
}
