import { z } from 'zod';
import { daySchema, orderNoSchema, payers } from '../dispatch/schemas.js';

// The warehouse's work (legacy 3.4–3.7): the parts catalogue (物料), warehouses, the stock
// ledger (库存流水) with its documents — receipt 入库, count adjustment 盘点调整, material issue
// 领用, material return 退料, reversal 红冲 — service materials (售服材料, an order's planned
// parts) and owed parts (欠件). Quantities are whole units; money is integer fen.

const id = z.number().int().positive();
const text = (max: number) => z.string().trim().max(max);

export const warehouseKinds = [
  'main', // a store parts are issued from
  'faulty', // 坏件库: faulty parts handed in; never issued from
] as const;
export type WarehouseKind = (typeof warehouseKinds)[number];

/** Document types and their number prefixes (prefix + yyyyMMdd + 4-digit serial, as SN numbers). */
export const documentTypes = ['receipt', 'adjustment', 'issue', 'return', 'reversal'] as const;
export type DocumentType = (typeof documentTypes)[number];
export const documentPrefixes: Record<DocumentType, string> = {
  receipt: 'RK', // 入库
  adjustment: 'PD', // 盘点调整
  issue: 'LY', // 领用
  return: 'TL', // 退料
  reversal: 'HC', // 红冲
};
export const docNoSchema = z.string().regex(/^(RK|PD|LY|TL|HC)\d{8}\d{4,}$/, 'A document number is RK/PD/LY/TL/HC + yyyyMMdd + serial.');

/** Where a serial is: in a store, issued for an order, in the customer's device, faulty in the faulty store, written off. */
export const serialStates = ['in_stock', 'issued', 'installed', 'faulty', 'removed'] as const;
export type SerialState = (typeof serialStates)[number];

export const owedStatuses = [
  'owed', // 欠件中
  'partial', // 部分补齐
  'supplied', // 已补齐
  'closed', // 已关闭 (with a reason)
] as const;
export type OwedStatus = (typeof owedStatuses)[number];
export const OPEN_OWED_STATUSES: readonly OwedStatus[] = ['owed', 'partial'];

export const returnKinds = [
  'unused', // unused parts back to a store
  'faulty', // the old faulty part taken out of the customer's device, into the faulty store
] as const;
export type ReturnKind = (typeof returnKinds)[number];

const quantity = z.number().int().min(1, 'The quantity is at least 1.').max(1_000_000);
// A document lists a line's serials joined by ', ': a serial number never holds a comma.
const serialNo = text(60).min(1, 'A serial number is required.').regex(/^[^,，]*$/, 'A serial number has no commas.');
const serials = z.array(serialNo).max(1000).default([]);

export const partInputSchema = z.strictObject({
  id: id.optional(),
  partNo: text(50).min(1, 'The part number is required.'),
  name: text(100).min(1, 'The name is required.'),
  spec: text(100).default(''),
  unit: text(10).min(1, 'The unit is required.'),
  unitPriceFen: z.number().int().min(0).max(100_000_000_00),
  serialTracked: z.boolean(),
  active: z.boolean().default(true),
});
export type PartInput = z.input<typeof partInputSchema>;

export const warehouseSchema = z.object({
  id,
  code: z.string(),
  name: z.string(),
  kind: z.enum(warehouseKinds),
  active: z.boolean(),
});
export type Warehouse = z.infer<typeof warehouseSchema>;

export const warehouseInputSchema = z.strictObject({
  id: id.optional(),
  code: text(20).regex(/^[A-Za-z0-9_-]{1,20}$/, 'A code is letters, digits, _ or -.'),
  name: text(50).min(1, 'The name is required.'),
  kind: z.enum(warehouseKinds),
  active: z.boolean().default(true),
});

/** A receipt (入库) or count-adjustment (盘点调整) line. Adjustments are signed: +found, −missing. */
export const stockLineInputSchema = z.strictObject({
  partId: id,
  quantity: z.number().int().min(-1_000_000).max(1_000_000).refine((q) => q !== 0, 'The quantity is not 0.'),
  serials,
});
export const receiptInputSchema = z.strictObject({
  warehouseId: id,
  remarks: text(500).default(''),
  lines: z
    .array(stockLineInputSchema.extend({ quantity }))
    .min(1, 'Add at least one line.')
    .max(500),
});
export const adjustmentInputSchema = z.strictObject({
  warehouseId: id,
  reason: text(500).min(1, 'Say why the count differs.'),
  lines: z.array(stockLineInputSchema).min(1, 'Add at least one line.').max(500),
});

/** A material issue (领用) line: optionally against a planned line and an owed record it supplies. */
export const issueLineInputSchema = z.strictObject({
  partId: id,
  quantity,
  serials,
  owedId: id.optional(),
});
export const issueInputSchema = z.strictObject({
  orderNo: orderNoSchema,
  warehouseId: id,
  engineerId: id.nullable().default(null),
  remarks: text(500).default(''),
  lines: z.array(issueLineInputSchema).min(1, 'Add at least one line.').max(200),
});

/**
 * A material return (退料) line: `unused` parts back to a store (serials issued for this order);
 * or a `faulty` old part into the faulty store, with the serial taken out of the customer's
 * device and the replacement serial put in (one issued for this order).
 */
export const returnLineInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('unused'), partId: id, quantity, warehouseId: id, serials }),
  z.strictObject({
    kind: z.literal('faulty'),
    partId: id,
    quantity,
    warehouseId: id,
    oldSerial: text(60).regex(/^[^,，]*$/, 'A serial number has no commas.').default(''),
    newSerial: text(60).regex(/^[^,，]*$/, 'A serial number has no commas.').default(''),
    fault: text(500).min(1, 'Describe the fault.'),
  }),
]);
export type ReturnLineInput = z.input<typeof returnLineInputSchema>;
export const returnInputSchema = z.strictObject({
  orderNo: orderNoSchema,
  remarks: text(500).default(''),
  lines: z.array(returnLineInputSchema).min(1, 'Add at least one line.').max(200),
});

/** A service materials line (售服材料) of an order: the plan. Payer follows the order's 三包 unless set. */
export const materialLineInputSchema = z.strictObject({
  id: id.optional(),
  partId: id,
  quantity: z.number().int().min(0).max(1_000_000),
  payer: z.enum(payers),
  unitPriceFen: z.number().int().min(0).max(100_000_000_00),
  remarks: text(200).default(''),
});
export type MaterialLineInput = z.input<typeof materialLineInputSchema>;

export const materialLineSchema = z.object({
  id,
  partId: id,
  partNo: z.string(),
  partName: z.string(),
  spec: z.string(),
  unit: z.string(),
  serialTracked: z.boolean(),
  quantity: z.number().int(),
  payer: z.enum(payers),
  unitPriceFen: z.number().int(),
  amountFen: z.number().int(),
  remarks: z.string(),
  /** From the posted documents, never typed. */
  issued: z.number().int(),
  returned: z.number().int(),
  used: z.number().int(),
  /** Still owed on open owed records. */
  owed: z.number().int(),
});
export type MaterialLine = z.infer<typeof materialLineSchema>;

/** What the clerk records when an order is completed with planned parts not issued. */
export const owedInputSchema = z.strictObject({
  reason: text(500).min(1, 'Say why the part is owed.'),
  promisedDate: daySchema,
  responsible: text(50).min(1, 'Name who is responsible.'),
});

export const owedRecordSchema = z.object({
  id,
  orderNo: z.string(),
  partId: id,
  partNo: z.string(),
  partName: z.string(),
  quantity: z.number().int(),
  supplied: z.number().int(),
  status: z.enum(owedStatuses),
  reason: z.string(),
  promisedDate: z.string(),
  responsible: z.string(),
  closeReason: z.string(),
  rowVersion: z.number().int(),
});
export type OwedRecord = z.infer<typeof owedRecordSchema>;

/** A swap in the order's device: the faulty serial taken out, the replacement put in. */
export const deviceSwapSchema = z.object({
  docNo: z.string(),
  at: z.string(),
  partNo: z.string(),
  partName: z.string(),
  oldSerial: z.string(),
  newSerial: z.string(),
  fault: z.string(),
  reversed: z.boolean(),
});

/** The order window's materials tab: the plan, owed parts, the device's swaps, the documents. */
export const orderMaterialsSchema = z.object({
  lines: z.array(materialLineSchema),
  owed: z.array(owedRecordSchema),
  swaps: z.array(deviceSwapSchema),
  documents: z.array(z.object({ docNo: z.string(), type: z.enum(documentTypes), at: z.string(), by: z.string(), reversedBy: z.string().nullable() })),
});
export type OrderMaterials = z.infer<typeof orderMaterialsSchema>;

export const documentLineSchema = z.object({
  lineNo: z.number().int(),
  kind: z.string(),
  partId: id,
  partNo: z.string(),
  partName: z.string(),
  warehouse: z.string(),
  quantity: z.number().int(),
  serials: z.array(z.string()),
  newSerial: z.string(),
  fault: z.string(),
});
export const stockDocumentSchema = z.object({
  docNo: z.string(),
  type: z.enum(documentTypes),
  orderNo: z.string().nullable(),
  warehouse: z.string().nullable(),
  engineer: z.string().nullable(),
  reason: z.string(),
  remarks: z.string(),
  postedAt: z.string(),
  postedBy: z.string(),
  /** For a reversal: the document it reverses; for a reversed document: its reversal. */
  reverses: z.string().nullable(),
  reversedBy: z.string().nullable(),
  lines: z.array(documentLineSchema),
});
export type StockDocument = z.infer<typeof stockDocumentSchema>;

export const serialInfoSchema = z.object({
  partNo: z.string(),
  partName: z.string(),
  serialNo: z.string(),
  state: z.enum(serialStates),
  warehouse: z.string().nullable(),
  orderNo: z.string().nullable(),
  history: z.array(
    z.object({
      at: z.string(),
      docNo: z.string(),
      docType: z.enum(documentTypes),
      fromState: z.string().nullable(),
      toState: z.enum(serialStates),
      warehouse: z.string().nullable(),
      orderNo: z.string().nullable(),
      by: z.string(),
    }),
  ),
});
export type SerialInfo = z.infer<typeof serialInfoSchema>;

export const partBalanceSchema = z.object({
  partId: id,
  partNo: z.string(),
  name: z.string(),
  serialTracked: z.boolean(),
  balances: z.array(z.object({ warehouseId: id, warehouse: z.string(), kind: z.enum(warehouseKinds), quantity: z.number().int(), serials: z.array(z.string()) })),
});

/** A line the issue window proposes from the order's plan and open owed records. */
export const planLineSchema = z.object({
  partId: id,
  partNo: z.string(),
  partName: z.string(),
  serialTracked: z.boolean(),
  quantity: z.number().int(),
  owedId: id.nullable(),
});

export const partOptionSchema = z.object({
  id,
  partNo: z.string(),
  name: z.string(),
  spec: z.string(),
  unit: z.string(),
  unitPriceFen: z.number().int(),
  serialTracked: z.boolean(),
  active: z.boolean(),
});
export type PartOption = z.infer<typeof partOptionSchema>;
