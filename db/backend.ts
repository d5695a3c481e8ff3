import type { z } from 'zod';
import type { DB } from './open.js';
import { Auth, LOCAL_ADDRESS, type AuthOptions, type Session } from './auth.js';
import { queryContent, queryContracts, queryDispatch, queryFees } from './services/dispatch.js';
import {
  businessTimeZone,
  keepBusinessOffset,
  createOrder,
  deleteOrders,
  getOrder,
  returnVisit,
  saveContent,
  saveFees,
  suggestWarrantyFor,
  updateOrder,
  type Actor,
} from './services/orders.js';
import { createRegion, deleteRegion, moveRegion, regionTree, renameRegion } from './services/regions.js';
import { listEngineers, listTaskTypes, saveTaskType } from './services/reference.js';
import { ExportJobs, type ExportJobsOptions } from './services/export.js';
import { getLayout, saveLayout } from './services/layouts.js';
import { runModuleQuery } from './services/query.js';
import { getDocument, postAdjustment, postIssue, postReceipt, postReturn, reverseDocument } from './services/warehouse/documents.js';
import { getMaterials, issueFromPlan, saveMaterials } from './services/warehouse/materials.js';
import { closeOwed, createOwed, setStatusWithMaterials, updateOwed } from './services/warehouse/owed.js';
import { findSerial, listWarehouses, partBalance, partOptions, savePart, saveWarehouse } from './services/warehouse/catalogue.js';
import { issueModule, ledgerList, materialsModule, owedModule, partsList, returnModule, stockList } from '../shared/modules/index.js';
import { contract, isMethodName, type MethodName, type ParamsOf, type ResultOf } from '../shared/contract.js';
import { ServiceError, type ErrorIssue } from '../shared/errors.js';
import { mayCall } from '../shared/roles.js';
import { ChangeFeed } from './change-log.js'; // live updates (issue 10)

export const VERSION = '0.1.0';

/** Who is calling, as the transport knows it: the client's network address (IPC: LOCAL_ADDRESS). */
export interface CallerInfo {
  address: string;
}

type Handler<M extends MethodName> = (
  params: z.output<(typeof contract)[M]['params']>,
  ctx: { session: Session | null; token: string | null; caller: CallerInfo },
) => Promise<ResultOf<M>> | ResultOf<M>;

/**
 * The backend core behind both transports: validates params against the contract, checks the
 * session, runs the service. Electron IPC and the HTTP server call `call()` and nothing else,
 * so a bad call gets the same error whichever way it came.
 */
export class Backend {
  readonly auth: Auth;
  readonly exports: ExportJobs;
  /** Live updates: what each committed write changed, in commit order (db/change-log.ts). */
  readonly changes: ChangeFeed;
  private readonly handlers: { [M in MethodName]: Handler<M> };

  constructor(
    readonly db: DB,
    options: { auth?: Partial<AuthOptions>; exports?: ExportJobsOptions; now?: () => Date } = {},
  ) {
    const now = options.now ?? (() => new Date());
    // The business time zone of the days (SN date, 三包 today, settled day), read once.
    const timeZone = businessTimeZone(db);
    keepBusinessOffset(db, timeZone, now());
    const actor = (ctx: { session: Session | null }): Actor => ({ user: ctx.session!.user, now: now(), timeZone });
    this.auth = new Auth(db, options.auth);
    // Export files live only as long as the session that asked for them.
    this.exports = new ExportJobs(db, { sessions: this.auth, ...options.exports });
    this.changes = new ChangeFeed(db, now);
    this.handlers = {
      'system.ping': () => ({
        service: 'pim-aftersales' as const,
        version: VERSION,
        demo: this.isDemo(),
        hasUsers: (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n > 0,
      }),
      'auth.login': (p, ctx) => this.auth.login(p.username, p.password, ctx.caller.address),
      'auth.logout': (_p, ctx) => {
        if (ctx.token) this.auth.logout(ctx.token);
        return { ok: true as const };
      },
      'auth.me': (_p, ctx) => ({ user: ctx.session!.user, expiresAt: ctx.session!.expiresAt }),
      'dispatch.query': (p) => queryDispatch(db, p),
      'dispatch.get': (p) => getOrder(db, p.orderNo),
      'dispatch.create': (p, ctx) => createOrder(db, p.order, actor(ctx)),
      'dispatch.update': (p, ctx) => updateOrder(db, p.orderNo, p.rowVersion, p.order, actor(ctx)),
      'dispatch.delete': (p, ctx) => deleteOrders(db, p.orderNos, actor(ctx)),
      'dispatch.setStatus': (p, ctx) => setStatusWithMaterials(db, p, actor(ctx)),
      'dispatch.returnVisit': (p, ctx) => returnVisit(db, p, actor(ctx)),
      'dispatch.saveContent': (p, ctx) => saveContent(db, p, actor(ctx)),
      'dispatch.saveFees': (p, ctx) => saveFees(db, p, actor(ctx)),
      'dispatch.suggestWarranty': (p) => suggestWarrantyFor(db, p.contractId, p.taskTypeId, now(), timeZone),
      'content.query': (p) => queryContent(db, p),
      'fees.query': (p) => queryFees(db, p),
      'contracts.query': (p) => queryContracts(db, p),
      'regions.tree': () => regionTree(db),
      'regions.create': (p) => createRegion(db, p.parentId, p.name),
      'regions.rename': (p) => renameRegion(db, p.id, p.name),
      'regions.delete': (p) => deleteRegion(db, p.id),
      'regions.move': (p) => moveRegion(db, p.id, p.parentId),
      'taskTypes.list': () => listTaskTypes(db),
      'taskTypes.save': (p, ctx) => saveTaskType(db, ctx.session!.user, p),
      'engineers.list': () => listEngineers(db),
      'export.start': (p, ctx) => this.exports.start(ctx.session!.user, p, ctx.session!.id),
      'export.progress': (p, ctx) => this.exports.progress(ctx.session!.user, p.jobId),
      'export.cancel': (p, ctx) => this.exports.cancel(ctx.session!.user, p.jobId),
      'parts.query': (p) => runModuleQuery(db, partsList, p),
      'parts.options': (p) => partOptions(db, p.search, p.limit),
      'parts.save': (p, ctx) => savePart(db, p.part, actor(ctx)),
      'warehouses.list': () => listWarehouses(db),
      'warehouses.save': (p) => saveWarehouse(db, p.warehouse),
      'stock.query': (p) => runModuleQuery(db, stockList, p),
      'ledger.query': (p) => runModuleQuery(db, ledgerList, p),
      'stock.balance': (p) => partBalance(db, p.partId),
      'serials.find': (p) => findSerial(db, p.serialNo),
      'stock.receive': (p, ctx) => postReceipt(db, p, actor(ctx)),
      'stock.adjust': (p, ctx) => postAdjustment(db, p, actor(ctx)),
      'stock.reverse': (p, ctx) => reverseDocument(db, p.docNo, p.reason, actor(ctx)),
      'documents.get': (p) => getDocument(db, p.docNo),
      'issues.query': (p) => runModuleQuery(db, issueModule, p),
      'issues.fromPlan': (p) => issueFromPlan(db, p.orderNo),
      'issues.post': (p, ctx) => postIssue(db, p, actor(ctx)),
      'returns.query': (p) => runModuleQuery(db, returnModule, p),
      'returns.post': (p, ctx) => postReturn(db, p, actor(ctx)),
      'materials.query': (p) => runModuleQuery(db, materialsModule, p),
      'materials.get': (p) => getMaterials(db, p.orderNo),
      'materials.save': (p, ctx) => saveMaterials(db, p, actor(ctx)),
      'owed.query': (p) => runModuleQuery(db, owedModule, p),
      'owed.create': (p, ctx) => createOwed(db, p, actor(ctx)),
      'owed.update': (p, ctx) => updateOwed(db, p, actor(ctx)),
      'owed.close': (p, ctx) => closeOwed(db, p, actor(ctx)),
      'layout.get': (p, ctx) => ({ layout: getLayout(db, ctx.session!.user.id, p.list) }),
      'layout.save': (p, ctx) => {
        saveLayout(db, ctx.session!.user.id, p.list, p.layout);
        return { ok: true as const };
      },
    };
  }

  isDemo(): boolean {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'demo'").get() as { value: string } | undefined;
    return row?.value === '1';
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>, token?: string | null, caller?: CallerInfo): Promise<ResultOf<M>>;
  async call(method: string, params: unknown, token?: string | null, caller?: CallerInfo): Promise<unknown>;
  async call(method: string, params: unknown, token: string | null = null, caller: CallerInfo = { address: LOCAL_ADDRESS }): Promise<unknown> {
    if (!isMethodName(method)) {
      throw new ServiceError('UNKNOWN_METHOD', `There is no method "${method}".`);
    }
    const spec = contract[method];
    const session = spec.auth ? this.auth.authenticate(token) : null;
    if (session && !mayCall(session.user.role, method)) {
      throw new ServiceError('FORBIDDEN', `The role "${session.user.role}" may not call ${method}.`);
    }
    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success) {
      const issues: ErrorIssue[] = parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.') || '(params)',
        message: i.message,
      }));
      throw new ServiceError(
        'INVALID_PARAMS',
        `Invalid params for ${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        { issues },
      );
    }
    const handler = this.handlers[method] as Handler<MethodName>;
    // Live updates: a write commits together with its change_log row, then is published.
    if (this.changes.publishes(method)) return this.changes.run(method, parsed.data, session, () => handler(parsed.data as never, { session, token, caller }));
    return handler(parsed.data as never, { session, token, caller });
  }
}

/** What a transport sends back for any thrown value: known errors as they are, bugs as INTERNAL. */
export function toServiceError(err: unknown, log: (e: unknown) => void = console.error): ServiceError {
  if (err instanceof ServiceError) return err;
  log(err);
  return new ServiceError('INTERNAL', 'An internal error occurred. It has been logged on the server.');
}
