import { z } from 'zod';
import { dispatchStatuses, urgencies } from '../modules/dispatch.js';
import { isCalendarDay } from './warranty.js';

// The clerk's work on dispatch orders (派工单), service content (售服内容) and service fees
// (售服费用): what crosses the contract, declared once. Validation messages are English for
// logs and scripts; the renderer shows its own text by `path`.

export const orderNoSchema = z.string().regex(/^SN\d{8}\d{4,}$/, 'An order number is SN + yyyyMMdd + serial.');
const id = z.number().int().positive();
const text = (max: number) => z.string().trim().max(max);
/** A local day, 'YYYY-MM-DD', that exists in the calendar (2026-02-31 does not). */
export const daySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A day is YYYY-MM-DD.')
  .refine((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || isCalendarDay(s), 'There is no such day in the calendar.');
/** A UTC instant as stored (ISO with Z). */
export const instantSchema = z.iso.datetime();

// 手机 11 digits starting with 1, or a landline with area code and optional extension.
export const PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\+?\d[\d -]{6,18}\d)$/;

/** What the clerk fills in on the create / modify window. */
export const dispatchInputSchema = z.strictObject({
  contractId: id.nullable(),
  customer: text(100).min(1, 'The customer is required.'),
  project: text(200).default(''),
  address: text(200).default(''),
  regionId: id,
  taskTypeId: id,
  warranty: z.boolean(),
  contact: text(50).min(1, 'The contact is required.'),
  phone: text(30).regex(PHONE_PATTERN, 'A mobile (11 digits) or landline number is required.'),
  deviceName: text(100).default(''),
  deviceModel: text(100).default(''),
  devicePartNo: text(50).default(''),
  deviceSerialNo: text(50).default(''),
  problem: text(2000).min(1, 'The problem as reported is required.'),
  urgency: z.enum(urgencies),
  /** When the customer expects the engineer; not in the past when set. */
  expectedAt: instantSchema.nullable(),
  engineerId: id.nullable(),
});
export type DispatchInput = z.input<typeof dispatchInputSchema>;

export const satisfactions = ['very_satisfied', 'satisfied', 'average', 'unsatisfied'] as const;
export const workResults = ['solved', 'partly_solved', 'unsolved'] as const;
export const feeTypes = ['labour', 'travel', 'parts', 'accommodation', 'other'] as const;
export const payers = ['customer', 'company'] as const;

/** A service content line (售服内容): what was done on site. `id` absent for a new line. */
export const contentLineInputSchema = z.strictObject({
  id: id.optional(),
  workDate: daySchema,
  engineerId: id,
  workType: text(50).min(1),
  findings: text(2000).default(''),
  workDone: text(2000).default(''),
  faultCause: text(200).default(''),
  result: z.enum(workResults),
  /** Required unless solved. */
  resultReason: text(500).default(''),
  /** Hours worked, in hundredths (2.5 h = 250), so sums are exact. */
  hoursX100: z.number().int().min(0).max(2400),
});
export type ContentLineInput = z.input<typeof contentLineInputSchema>;

/** A service fee line (售服费用). Money is integer fen. */
export const feeLineInputSchema = z.strictObject({
  id: id.optional(),
  feeType: z.enum(feeTypes),
  amountFen: z.number().int().min(0).max(100_000_000_00),
  payer: z.enum(payers),
  settled: z.boolean(),
  settledOn: daySchema.nullable(),
  remarks: text(200).default(''),
});
export type FeeLineInput = z.input<typeof feeLineInputSchema>;

export const contentLineSchema = contentLineInputSchema.extend({
  id,
  engineer: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type ContentLine = z.infer<typeof contentLineSchema>;

export const feeLineSchema = feeLineInputSchema.extend({ id, updatedAt: z.string(), updatedBy: z.string() });
export type FeeLine = z.infer<typeof feeLineSchema>;

export const historyEntrySchema = z.object({
  at: z.string(),
  by: z.string(),
  /** create | update | status | content | fees | visit */
  action: z.string(),
  /** The field (or line) changed; '' for the whole order. */
  field: z.string(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** One order as the detail window shows it. */
export const dispatchOrderSchema = z.object({
  id,
  orderNo: z.string(),
  status: z.enum(dispatchStatuses),
  rowVersion: z.number().int(),
  contractId: id.nullable(),
  contractNo: z.string().nullable(),
  customer: z.string(),
  project: z.string().nullable(),
  address: z.string().nullable(),
  regionId: id.nullable(),
  region: z.string().nullable(),
  taskTypeId: id,
  taskType: z.string(),
  warranty: z.boolean(),
  warrantySuggested: z.boolean().nullable(),
  warrantyOverridden: z.boolean(),
  contact: z.string().nullable(),
  phone: z.string().nullable(),
  deviceName: z.string().nullable(),
  deviceModel: z.string().nullable(),
  devicePartNo: z.string().nullable(),
  deviceSerialNo: z.string().nullable(),
  problem: z.string().nullable(),
  urgency: z.enum(urgencies),
  expectedAt: z.string().nullable(),
  engineerId: id.nullable(),
  engineer: z.string().nullable(),
  satisfaction: z.enum(satisfactions).nullable(),
  visitReason: z.string().nullable(),
  visitRemarks: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type DispatchOrder = z.infer<typeof dispatchOrderSchema>;

export const orderDetailSchema = z.object({
  order: dispatchOrderSchema,
  contents: z.array(contentLineSchema),
  fees: z.array(feeLineSchema),
  /** Chargeable parts used (售服材料, payer customer): computed parts lines, used × unit price, never typed. */
  materialFees: z.array(
    z.object({ id, partNo: z.string(), partName: z.string(), used: z.number().int(), unitPriceFen: z.number().int(), amountFen: z.number().int() }),
  ),
  /** Sums per payer and in all, integer fen: the fee lines and the computed parts lines. */
  feeTotals: z.object({ customer: z.number().int(), company: z.number().int(), all: z.number().int() }),
  history: z.array(historyEntrySchema),
  /** Statuses the order may move to now (the status machine, shared/dispatch/status.ts). */
  nextStatuses: z.array(z.enum(dispatchStatuses)),
});
export type OrderDetail = z.infer<typeof orderDetailSchema>;

export const regionNodeSchema = z.object({
  id,
  parentId: id.nullable(),
  name: z.string(),
  /** Orders that use this node itself. */
  orderCount: z.number().int(),
  childCount: z.number().int(),
});
export type RegionNode = z.infer<typeof regionNodeSchema>;

export const taskTypeSchema = z.object({
  id,
  code: z.string(),
  name: z.string(),
  warrantyMonths: z.number().int(),
  sortOrder: z.number().int(),
  active: z.boolean(),
});
export type TaskType = z.infer<typeof taskTypeSchema>;

export const engineerSchema = z.object({ id, name: z.string(), phone: z.string().nullable(), region: z.string().nullable(), active: z.boolean() });
export type Engineer = z.infer<typeof engineerSchema>;
