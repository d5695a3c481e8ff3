import { z } from 'zod';
import { queryRequestSchema, queryResultSchema } from './query.js';
import { roles } from './roles.js';
import { exportFormats, sheetSpecSchema } from './export/sheet.js';
import { layoutSchema } from './grid/layout.js';

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
