import { contract } from '../../../shared/contract.js';
import { events } from '../../../shared/events.js';
import { endpointUrl, type Endpoint } from '../../../shared/settings.js';
import { asServiceError } from './errors.js';
import { postJson } from './http-transport.js';

export type ProbeResult =
  | { ok: true; version?: string }
  | { ok: false; reason: 'timeout' | 'notService' | 'error'; error?: unknown };

const PROBE_TIMEOUT_MS = 5000;
export const PROBE_TIMEOUT_SECONDS = PROBE_TIMEOUT_MS / 1000;

/** "Test connection" for the data and authentication servers: POST /api/system.ping. */
export async function probeHttp(endpoint: Endpoint): Promise<ProbeResult> {
  try {
    const raw = await postJson(endpoint, 'system.ping', {}, null, PROBE_TIMEOUT_MS);
    const parsed = contract['system.ping'].result.safeParse(raw);
    if (!parsed.success) return { ok: false, reason: 'notService' };
    return { ok: true, version: parsed.data.version };
  } catch (err) {
    const e = asServiceError(err);
    if (e.code === 'NOT_FOUND' || e.code === 'INTERNAL') return { ok: false, reason: 'notService', error: e };
    return { ok: false, reason: 'error', error: e };
  }
}

/** "Test connection" for the message server: open the WebSocket and wait for its hello. */
export function probeMessageServer(endpoint: Endpoint, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    let socket: WebSocket;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        socket?.close();
      } catch {
        // already closed
      }
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout' }), timeoutMs);
    try {
      socket = new WebSocket(`${endpointUrl(endpoint, 'ws')}/ws`);
    } catch (err) {
      finish({ ok: false, reason: 'error', error: err });
      return;
    }
    socket.onmessage = (message) => {
      try {
        const data = JSON.parse(String(message.data)) as { event?: string; data?: { service?: string } };
        if (data.event === events.hello && data.data?.service === 'pim-aftersales') finish({ ok: true });
        else finish({ ok: false, reason: 'notService' });
      } catch {
        finish({ ok: false, reason: 'notService' });
      }
    };
    socket.onerror = () => finish({ ok: false, reason: 'error' });
    socket.onclose = () => finish({ ok: false, reason: 'error' });
  });
}
