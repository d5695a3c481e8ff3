import type { BridgeResponse, DesktopBridge } from '../../../shared/bridge.js';
import type { Transport } from '../../../shared/contract.js';
import { ServiceError } from '../../../shared/errors.js';

/** The desktop client's bridge, when the page runs inside Electron. */
export function desktopBridge(): DesktopBridge | null {
  const pim = (globalThis as { pim?: DesktopBridge }).pim;
  return pim && typeof pim.call === 'function' ? pim : null;
}

/** Calls the contract on the local database through the preload bridge. */
export class IpcTransport implements Transport {
  constructor(private readonly bridge: DesktopBridge) {}

  async call(method: string, params: unknown, token: string | null): Promise<unknown> {
    let response: BridgeResponse;
    try {
      response = await this.bridge.call(method, params, token);
    } catch (err) {
      throw new ServiceError('UNAVAILABLE', `The local database cannot be reached: ${(err as Error)?.message ?? err}`);
    }
    if (response.ok) return response.result;
    throw ServiceError.fromBody({ error: response.error }) ?? new ServiceError('INTERNAL', response.error?.message ?? 'Unknown error');
  }
}
