// Connection settings of the login dialog (legacy 1.1.2), validated the same way everywhere.

export interface Endpoint {
  host: string;
  port: number;
}

export interface ConnectionSettings {
  mode: 'local' | 'server';
  /** Legacy "configuration server": relays database access. */
  data: Endpoint;
  /** Takes the place of the legacy encryption (licence dongle) server. */
  auth: Endpoint;
  /** Legacy message server: pushes events to clients. */
  message: Endpoint;
}

export const DEFAULT_SERVER_PORT = 8610;

export function defaultSettings(): ConnectionSettings {
  const local: Endpoint = { host: '127.0.0.1', port: DEFAULT_SERVER_PORT };
  return { mode: 'local', data: { ...local }, auth: { ...local }, message: { ...local } };
}

/** Form values as typed: strings, so that "abc" in a port field can be reported, not coerced. */
export interface EndpointInput {
  host: string;
  port: string;
}

export type EndpointName = 'data' | 'auth' | 'message';
export type FieldError = 'required' | 'hostInvalid' | 'portInvalid' | 'portRange';
export type SettingsErrors = Partial<Record<`${EndpointName}.${'host' | 'port'}`, FieldError>>;

const hostnameLabel = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(text: string): boolean {
  const t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!/^[0-9A-Fa-f:.]+$/.test(t) || !t.includes(':')) return false;
  const doubleColons = t.split('::').length - 1;
  if (doubleColons > 1) return false;
  let groups = t.split(':').filter((g, i, all) => !(g === '' && (doubleColons > 0 || i === 0 || i === all.length - 1)));
  // An embedded IPv4 tail counts as two groups.
  const last = groups[groups.length - 1];
  let extra = 0;
  if (last && last.includes('.')) {
    if (!isIPv4(last)) return false;
    groups = groups.slice(0, -1);
    extra = 2;
  }
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = groups.length + extra;
  return doubleColons === 1 ? count < 8 : count === 8;
}

export function isHostname(text: string): boolean {
  if (text.length > 253) return false;
  const labels = text.split('.');
  // All-numeric dotted text must be a valid IPv4 address, not a host name.
  if (labels.every((l) => /^\d+$/.test(l))) return false;
  return labels.every((l) => hostnameLabel.test(l));
}

export function validateHost(host: string): FieldError | null {
  const h = host.trim();
  if (!h) return 'required';
  return isIPv4(h) || isIPv6(h) || isHostname(h) ? null : 'hostInvalid';
}

export function validatePort(port: string): FieldError | null {
  const p = port.trim();
  if (!p) return 'required';
  if (!/^\d+$/.test(p)) return 'portInvalid';
  const n = Number(p);
  return n >= 1 && n <= 65535 ? null : 'portRange';
}

export interface SettingsInput {
  mode: 'local' | 'server';
  data: EndpointInput;
  auth: EndpointInput;
  message: EndpointInput;
}

/**
 * Validates the form; returns the settings to keep, or the errors to show next to the fields.
 * In local mode the server fields are not in use (the dialog greys them out), so a wrong value
 * there does not block saving: the last good endpoint (`fallback`) is kept for it instead.
 */
export function validateSettings(
  input: SettingsInput,
  fallback: ConnectionSettings = defaultSettings(),
): { ok: true; settings: ConnectionSettings } | { ok: false; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const endpoints = {} as Record<EndpointName, Endpoint>;
  for (const name of ['data', 'auth', 'message'] as const) {
    const hostError = validateHost(input[name].host);
    const portError = validatePort(input[name].port);
    if (!hostError && !portError) {
      endpoints[name] = { host: input[name].host.trim(), port: Number(input[name].port.trim()) };
    } else if (input.mode === 'local') {
      endpoints[name] = { ...fallback[name] };
    } else {
      if (hostError) errors[`${name}.host`] = hostError;
      if (portError) errors[`${name}.port`] = portError;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: { mode: input.mode, ...endpoints } };
}

export function settingsToInput(s: ConnectionSettings): SettingsInput {
  const e = (x: Endpoint): EndpointInput => ({ host: x.host, port: String(x.port) });
  return { mode: s.mode, data: e(s.data), auth: e(s.auth), message: e(s.message) };
}

/** Reads stored settings defensively: anything missing or malformed gives `fallback`. */
export function parseStoredSettings(raw: string | null, fallback: ConnectionSettings = defaultSettings()): ConnectionSettings {
  if (!raw) return fallback;
  try {
    const parsed = JSON.parse(raw) as ConnectionSettings;
    if (parsed.mode !== 'local' && parsed.mode !== 'server') return fallback;
    // Stored settings must be fully valid, whatever the mode.
    const checked = validateSettings({ ...settingsToInput(parsed), mode: 'server' });
    if (checked.ok) return { ...checked.settings, mode: parsed.mode };
  } catch {
    // fall through to defaults
  }
  return fallback;
}

/** URL base for an endpoint; IPv6 literals need brackets. */
export function endpointUrl(e: Endpoint, scheme: 'http' | 'ws'): string {
  const host = e.host.includes(':') && !e.host.startsWith('[') ? `[${e.host}]` : e.host;
  return `${scheme}://${host}:${e.port}`;
}
