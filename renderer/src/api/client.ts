import { contract, isMethodName, type MethodName, type ParamsOf, type ResultOf, type Transport } from '../../../shared/contract.js';
import { ServiceError } from '../../../shared/errors.js';
import { asServiceError } from './errors.js';

/** Codes that mean the session is gone and the user must log in again. */
const sessionLost = new Set(['SESSION_EXPIRED', 'UNAUTHENTICATED']);

/**
 * The renderer's one typed client. It knows the contract, not the transport: the same calls go
 * over Electron IPC to the local database or over HTTP to a server.
 */
export class ApiClient {
  private token: string | null = null;
  private sessionListener: ((err: ServiceError) => void) | null = null;

  constructor(readonly transport: Transport) {}

  get sessionToken(): string | null {
    return this.token;
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  /** Called once when a call finds the session gone (expired or unknown token). */
  onSessionLost(listener: ((err: ServiceError) => void) | null): void {
    this.sessionListener = listener;
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    if (!isMethodName(method)) throw new ServiceError('UNKNOWN_METHOD', `There is no method "${method}".`);
    const spec = contract[method];
    let raw: unknown;
    try {
      raw = await this.transport.call(method, params, spec.auth ? this.token : null);
    } catch (err) {
      const error = asServiceError(err);
      if (spec.auth && sessionLost.has(error.code) && this.token) {
        this.token = null;
        this.sessionListener?.(error);
      }
      throw error;
    }
    // The answer is checked against the contract: a server of another version fails clearly
    // here instead of showing half-empty rows.
    const parsed = spec.result.safeParse(raw);
    if (!parsed.success) {
      throw new ServiceError('INTERNAL', `The answer to ${method} does not match the service contract: ${parsed.error.message}`);
    }
    return parsed.data as ResultOf<M>;
  }
}
