import { ServiceError } from '../../../shared/errors.js';

/**
 * A server that cannot be reached. The English message names the address for logs; `address`
 * lets the UI say the same thing in the user's language.
 */
export class UnavailableError extends ServiceError {
  readonly address: string;

  constructor(address: string, detail: string) {
    super('UNAVAILABLE', `Cannot reach the server at ${address}: ${detail}`);
    this.name = 'UnavailableError';
    this.address = address;
  }
}

/** Anything thrown by a transport, as a ServiceError. */
export function asServiceError(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ServiceError('INTERNAL', message);
}
