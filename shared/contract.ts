import { z } from 'zod';
import { queryRequestSchema, queryResultSchema } from './query.js';
import { roles } from './roles.js';
import { exportFormats, sheetSpecSchema } from './export/sheet.js';
import { layoutSchema } from './grid/layout.js';
import {
  contentLineInputSchema,
  dispatchInputSchema,
  engineerSchema,
  feeLineInputSchema,
  orderDetailSchema,
  orderNoSchema,
  regionNodeSchema,
  satisfactions,
  taskTypeSchema,
} from './dispatch/schemas.js';
import { dispatchStatuses } from './modules/dispatch.js';
import {
  adjustmentInputSchema,
  docNoSchema,
  issueInputSchema,
  materialLineInputSchema,
  orderMaterialsSchema,
  owedInputSchema,
  partBalanceSchema,
  partInputSchema,
  partOptionSchema,
  planLineSchema,
  receiptInputSchema,
  returnInputSchema,
  serialInfoSchema,
  stockDocumentSchema,
  warehouseInputSchema,
  warehouseSchema,
} from './warehouse/schemas.js';

// The one service contract: every method, its params and its result, declared once and
// served over Electron IPC (local database) and HTTP (server) alike.

const noParams = z.strictObject({});
const listIdSchema = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'A list id is lower-case letters, digits, _ . -');

export const userInfoSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
});
export type UserInfo = z.infer<typeof userInfoSchema>;

export const contract = {
  'system.ping': {
    auth: false,
    params: noParams,
    result: z.object({
      service: z.literal('pim-aftersales'),
      version: z.string(),
      demo: z.boolean(),
      hasUsers: z.boolean(),
    }),
  },
  'auth.login': {
    auth: false,
    params: z.strictObject({
      username: z.string().trim().min(1).max(64),
      password: z.string().min(1).max(256),
    }),
    result: z.object({ token: z.string(), expiresAt: z.string(), user: userInfoSchema }),
  },
  'auth.logout': {
    auth: true,
    params: noParams,
    result: z.object({ ok: z.literal(true) }),
  },
  'auth.me': {
    auth: true,
    params: noParams,
    result: z.object({ user: userInfoSchema, expiresAt: z.string() }),
  },
  'dispatch.query': {
    auth: true,
    params: queryRequestSchema,
    result: queryResultSchema,
  },
  // Export all rows matching a query (managers): a background job, its progress, cancelling it.
  // The finished file is fetched with GET /api/export/<jobId>/file (or the desktop bridge).
  'export.start': {
    auth: true,
    params: z.strictObject({
      module: z.string().min(1).max(32),
      request: queryRequestSchema,
      spec: sheetSpecSchema,
      format: z.enum(exportFormats),
    }),
    result: z.object({ jobId: z.string(), total: z.number().int().min(0), fileName: z.string() }),
  },
  'export.progress': {
    auth: true,
    params: z.strictObject({ jobId: z.string().min(1).max(64) }),
    result: z.object({
      state: z.enum(['running', 'done', 'failed', 'cancelled']),
      written: z.number().int().min(0),
      total: z.number().int().min(0),
      fileName: z.string(),
      error: z.string().optional(),
    }),
  },
  'export.cancel': {
    auth: true,
    params: z.strictObject({ jobId: z.string().min(1).max(64) }),
    result: z.object({ ok: z.literal(true) }),
  },
  // ---- the clerk's work (issue 4): dispatch orders, service content, service fees ----
  // Every write takes the rowVersion the client read; a change made meanwhile at another desk
  // is refused with CONFLICT (message: who and when; issues: [{path: 'order.<field>' (or
  // 'contents' / 'fees' / 'status' …), message: the value stored now}]), never overwritten.
  // Field problems are INVALID_PARAMS with issues by input path ('order.phone', 'lines.2.resultReason').
  'dispatch.get': {
    auth: true,
    params: z.strictObject({ orderNo: orderNoSchema }),
    result: orderDetailSchema,
  },
  'dispatch.create': {
    auth: true,
    params: z.strictObject({ order: dispatchInputSchema }),
    result: z.object({ orderNo: z.string(), rowVersion: z.number().int() }),
  },
  'dispatch.update': {
    auth: true,
    params: z.strictObject({ orderNo: orderNoSchema, rowVersion: z.number().int(), order: dispatchInputSchema }),
    result: z.object({ rowVersion: z.number().int() }),
  },
  // Several orders in one transaction: all or none. REFUSED names the orders that have lines.
  'dispatch.delete': {
    auth: true,
    params: z.strictObject({ orderNos: z.array(orderNoSchema).min(1).max(500) }),
    result: z.object({ deleted: z.number().int() }),
  },
  'dispatch.setStatus': {
    auth: true,
    params: z.strictObject({
      orderNo: orderNoSchema,
      rowVersion: z.number().int(),
      status: z.enum(dispatchStatuses),
      reason: z.string().trim().max(500).default(''),
      /**
       * Completing an order whose planned parts are not all issued: record the shortfall as
       * owed parts (欠件) in the same transaction. Without it such a completion is REFUSED
       * (reason MATERIALS_NOT_ISSUED, naming the parts); the clerk may reduce the plan instead.
       */
      owed: owedInputSchema.optional(),
    }),
    result: z.object({ rowVersion: z.number().int() }),
  },
  // 回访: records satisfaction and closes a completed order (status visited).
  'dispatch.returnVisit': {
    auth: true,
    params: z.strictObject({
      orderNo: orderNoSchema,
      rowVersion: z.number().int(),
      satisfaction: z.enum(satisfactions),
      reason: z.string().trim().max(500).default(''),
      remarks: z.string().trim().max(1000).default(''),
    }),
    result: z.object({ rowVersion: z.number().int() }),
  },
  // The order's lines as a whole: lines with an id are updated, without one inserted, missing ones deleted.
  'dispatch.saveContent': {
    auth: true,
    params: z.strictObject({ orderNo: orderNoSchema, rowVersion: z.number().int(), lines: z.array(contentLineInputSchema).max(200) }),
    result: z.object({ rowVersion: z.number().int() }),
  },
  'dispatch.saveFees': {
    auth: true,
    params: z.strictObject({ orderNo: orderNoSchema, rowVersion: z.number().int(), lines: z.array(feeLineInputSchema).max(200) }),
    result: z.object({ rowVersion: z.number().int() }),
  },
  /** The warranty (三包) suggestion for a contract and task type, as of today. */
  'dispatch.suggestWarranty': {
    auth: true,
    params: z.strictObject({ contractId: z.number().int().positive(), taskTypeId: z.number().int().positive() }),
    result: z.object({ warranty: z.boolean(), from: z.string(), until: z.string() }),
  },
  'content.query': {
    auth: true,
    params: queryRequestSchema,
    result: queryResultSchema,
  },
  'fees.query': {
    auth: true,
    params: queryRequestSchema,
    result: queryResultSchema,
  },
  // The contract lookup of the create window: the shared query shape over sales contracts.
  'contracts.query': {
    auth: true,
    params: queryRequestSchema,
    result: queryResultSchema,
  },
  'regions.tree': {
    auth: true,
    params: noParams,
    result: z.object({ nodes: z.array(regionNodeSchema) }),
  },
  'regions.create': {
    auth: true,
    params: z.strictObject({ parentId: z.number().int().positive().nullable(), name: z.string().trim().min(1).max(50) }),
    result: z.object({ id: z.number().int() }),
  },
  'regions.rename': {
    auth: true,
    params: z.strictObject({ id: z.number().int().positive(), name: z.string().trim().min(1).max(50) }),
    result: z.object({ ok: z.literal(true) }),
  },
  // REFUSED while orders, contracts, engineers or child nodes use it.
  'regions.delete': {
    auth: true,
    params: z.strictObject({ id: z.number().int().positive() }),
    result: z.object({ ok: z.literal(true) }),
  },
  // REFUSED when the new parent is the node itself or below it (never a cycle).
  'regions.move': {
    auth: true,
    params: z.strictObject({ id: z.number().int().positive(), parentId: z.number().int().positive().nullable() }),
    result: z.object({ ok: z.literal(true) }),
  },
  'taskTypes.list': {
    auth: true,
    params: noParams,
    result: z.object({ taskTypes: z.array(taskTypeSchema) }),
  },
  // Administrators only.
  'taskTypes.save': {
    auth: true,
    params: z.strictObject({
      id: z.number().int().positive().optional(),
      code: z.string().trim().regex(/^[a-z][a-z0-9_]{0,31}$/),
      name: z.string().trim().min(1).max(50),
      warrantyMonths: z.number().int().min(0).max(120),
      sortOrder: z.number().int().min(0).max(1000),
      active: z.boolean(),
    }),
    result: z.object({ id: z.number().int() }),
  },
  'engineers.list': {
    auth: true,
    params: noParams,
    result: z.object({ engineers: z.array(engineerSchema) }),
  },
  // ---- the warehouse's work (issue 8): parts, stock, documents, materials, owed parts ----
  // Refusals are REFUSED with `reason` {code, params} (see shared/warehouse/reasons.ts), which
  // the client translates; posted documents are never changed: stock.reverse undoes one.
  'parts.query': { auth: true, params: queryRequestSchema, result: queryResultSchema },
  /** Active parts for pickers (part no or name contains `search`, `*` allowed). */
  'parts.options': {
    auth: true,
    params: z.strictObject({ search: z.string().max(100).default(''), limit: z.number().int().min(1).max(200).default(50) }),
    result: z.object({ parts: z.array(partOptionSchema) }),
  },
  'parts.save': { auth: true, params: z.strictObject({ part: partInputSchema }), result: z.object({ id: z.number().int() }) },
  'warehouses.list': { auth: true, params: noParams, result: z.object({ warehouses: z.array(warehouseSchema) }) },
  'warehouses.save': { auth: true, params: z.strictObject({ warehouse: warehouseInputSchema }), result: z.object({ id: z.number().int() }) },
  'stock.query': { auth: true, params: queryRequestSchema, result: queryResultSchema },
  'ledger.query': { auth: true, params: queryRequestSchema, result: queryResultSchema },
  /** One part's balance in every warehouse, with the serials in stock there. */
  'stock.balance': { auth: true, params: z.strictObject({ partId: z.number().int().positive() }), result: partBalanceSchema },
  /** Where is serial X: its state and place now and every movement, for each part that has it. */
  'serials.find': {
    auth: true,
    params: z.strictObject({ serialNo: z.string().trim().min(1).max(60) }),
    result: z.object({ serials: z.array(serialInfoSchema) }),
  },
  'stock.receive': { auth: true, params: receiptInputSchema, result: z.object({ docNo: z.string() }) },
  'stock.adjust': { auth: true, params: adjustmentInputSchema, result: z.object({ docNo: z.string() }) },
  /** 红冲: a reversing document that undoes a posted one (never twice, never a reversal). */
  'stock.reverse': {
    auth: true,
    params: z.strictObject({ docNo: docNoSchema, reason: z.string().trim().min(1, 'Say why it is reversed.').max(500) }),
    result: z.object({ docNo: z.string() }),
  },
  'documents.get': { auth: true, params: z.strictObject({ docNo: docNoSchema }), result: stockDocumentSchema },
  'issues.query': { auth: true, params: queryRequestSchema, result: queryResultSchema },
  /** The lines an issue for the order would take: planned minus issued, and open owed parts. */
  'issues.fromPlan': { auth: true, params: z.strictObject({ orderNo: orderNoSchema }), result: z.object({ lines: z.array(planLineSchema) }) },
  'issues.post': { auth: true, params: issueInputSchema, result: z.object({ docNo: z.string() }) },
  'returns.query': { auth: true, params: queryRequestSchema, result: queryResultSchema },
  'returns.post': { auth: true, params: returnInputSchema, result: z.object({ docNo: z.string() }) },
  'materials.query': { auth: true, params: queryRequestSchema, result: queryResultSchema },
  /** An order's materials tab: the plan with issued/returned/used, owed parts, swaps, documents. */
  'materials.get': { auth: true, params: z.strictObject({ orderNo: orderNoSchema }), result: orderMaterialsSchema },
  /** The order's planned parts as a set (bumps the order's rowVersion, like its other lines). */
  'materials.save': {
    auth: true,
    params: z.strictObject({ orderNo: orderNoSchema, rowVersion: z.number().int(), lines: z.array(materialLineInputSchema).max(200) }),
    result: z.object({ rowVersion: z.number().int() }),
  },
  'owed.query': { auth: true, params: queryRequestSchema, result: queryResultSchema },
  /** An owed part recorded by hand. */
  'owed.create': {
    auth: true,
    params: owedInputSchema.extend({ orderNo: orderNoSchema, partId: z.number().int().positive(), quantity: z.number().int().min(1).max(1_000_000) }),
    result: z.object({ id: z.number().int() }),
  },
  'owed.update': {
    auth: true,
    params: owedInputSchema.extend({ id: z.number().int().positive(), rowVersion: z.number().int() }),
    result: z.object({ rowVersion: z.number().int() }),
  },
  /** 已关闭: the part will not be supplied (with the reason). */
  'owed.close': {
    auth: true,
    params: z.strictObject({ id: z.number().int().positive(), rowVersion: z.number().int(), reason: z.string().trim().min(1).max(500) }),
    result: z.object({ rowVersion: z.number().int() }),
  },
  // The signed-in user's layout of one list (a module id, or a lookup/detail list's id).
  'layout.get': {
    auth: true,
    params: z.strictObject({ list: listIdSchema }),
    result: z.object({ layout: z.unknown() }),
  },
  'layout.save': {
    auth: true,
    params: z.strictObject({ list: listIdSchema, layout: layoutSchema }),
    result: z.object({ ok: z.literal(true) }),
  },
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type ParamsOf<M extends MethodName> = z.input<Contract[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Contract[M]['result']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** What both transports implement; the renderer's typed client sits on top of it. */
export interface Transport {
  call(method: string, params: unknown, token: string | null): Promise<unknown>;
}
