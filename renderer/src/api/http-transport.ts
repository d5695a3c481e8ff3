import type { Transport } from '../../../shared/contract.js';
import { ServiceError } from '../../../shared/errors.js';
import { endpointUrl, type Endpoint } from '../../../shared/settings.js';
import { UnavailableError } from './errors.js';

export interface HttpEndpoints {
  /** Legacy configuration server: every data method. */
  data: Endpoint;
  /** Takes the place of the legacy licence server: auth.* methods. */
  auth: Endpoint;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** `host:port` as a person would type it (IPv6 in brackets). */
export function endpointLabel(e: Endpoint): string {
  return endpointUrl(e, 'http').replace(/^http:\/\//, '');
}

/**
 * POSTs one contract call to `<endpoint>/api/<method>`. auth.* methods go to the
 * authentication server, everything else to the data server.
 */
export class HttpTransport implements Transport {
  constructor(
    private readonly endpoints: HttpEndpoints,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  endpointFor(method: string): Endpoint {
    return method.startsWith('auth.') ? this.endpoints.auth : this.endpoints.data;
  }

  async call(method: string, params: unknown, token: string | null): Promise<unknown> {
    const endpoint = this.endpointFor(method);
    return postJson(endpoint, method, params, token, this.timeoutMs);
  }
}

/** One POST /api/<method>; used by the transport and by "test connection". */
export async function postJson(
  endpoint: Endpoint,
  method: string,
  params: unknown,
  token: string | null,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<unknown> {
  const address = endpointLabel(endpoint);
  const url = `${endpointUrl(endpoint, 'http')}/api/${encodeURIComponent(method)}`;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response: Response;
  // The timer covers the body too: a server that stalls after its headers must not hang a desk.
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(params ?? {}),
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'omit',
    });
    text = await response.text();
  } catch (err) {
    const detail = controller.signal.aborted ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (err as Error).message;
    throw new UnavailableError(address, detail);
  } finally {
    clearTimeout(timer);
  }

  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (response.ok) {
    if (body === null) throw new ServiceError('INTERNAL', `The server at ${address} answered ${method} with something that is not JSON.`);
    return body;
  }
  const error = ServiceError.fromBody(body);
  if (error) throw error;
  // Not our server's error shape: a proxy, another program on that port, or a gateway error.
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    throw new UnavailableError(address, `HTTP ${response.status}`);
  }
  if (response.status === 404) throw new ServiceError('NOT_FOUND', `Nothing at ${url} (HTTP 404).`);
  throw new ServiceError('INTERNAL', `The server at ${address} answered HTTP ${response.status}.`);
}
