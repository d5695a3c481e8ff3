import { toServiceError, type Backend } from '../db/backend.js';
import type { BridgeResponse } from '../shared/bridge.js';

/**
 * What the IPC channel answers for one call: the contract's result, or its error as plain data
 * (IPC cannot carry class instances). Kept free of Electron so it is tested without it.
 */
export async function answerBridgeCall(
  backend: () => Promise<Backend>,
  method: unknown,
  params: unknown,
  token: unknown,
): Promise<BridgeResponse> {
  try {
    const core = await backend();
    const result = await core.call(String(method), params, typeof token === 'string' ? token : null);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toServiceError(err).toBody().error };
  }
}
