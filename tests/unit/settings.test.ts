import { describe, expect, it } from 'vitest';
import {
  defaultSettings, endpointUrl, parseStoredSettings, settingsToInput, validateHost, validatePort, validateSettings,
} from '../../shared/settings.js';

describe('connection settings validation', () => {
  it('accepts ports 1–65535 only, as whole numbers', () => {
    expect(validatePort('1')).toBeNull();
    expect(validatePort('65535')).toBeNull();
    expect(validatePort(' 8610 ')).toBeNull();
    expect(validatePort('0')).toBe('portRange');
    expect(validatePort('65536')).toBe('portRange');
    expect(validatePort('70000')).toBe('portRange');
    expect(validatePort('80a')).toBe('portInvalid');
    expect(validatePort('-1')).toBe('portInvalid');
    expect(validatePort('1.5')).toBe('portInvalid');
    expect(validatePort('')).toBe('required');
  });

  it('accepts host names, IPv4 and IPv6, and nothing else', () => {
    for (const ok of ['localhost', 'server-01', 'pim.example.com', '127.0.0.1', '192.168.1.20', '::1', 'fe80::1', '2001:db8::8a2e:370:7334', '[::1]', '::ffff:192.168.0.1'])
      expect(validateHost(ok), ok).toBeNull();
    for (const bad of ['256.1.1.1', '1.2.3', '-bad.com', 'bad-.com', 'with space', 'a..b', '1:2:3:4:5:6:7:8:9', '::1::', 'http://host', '服务器'])
      expect(validateHost(bad), bad).toBe('hostInvalid');
    expect(validateHost('  ')).toBe('required');
  });

  it('reports every wrong field and returns no settings then', () => {
    const input = settingsToInput(defaultSettings());
    input.data.port = '70000';
    input.message.host = 'bad host';
    const result = validateSettings({ ...input, mode: 'server' });
    expect(result).toEqual({ ok: false, errors: { 'data.port': 'portRange', 'message.host': 'hostInvalid' } });
  });

  it('does not let unused server fields block saving in local mode, keeping the last good ones', () => {
    const previous = { ...defaultSettings(), data: { host: 'pim-server', port: 9000 } };
    const input = settingsToInput(previous);
    input.mode = 'local';
    input.data.port = '70000';
    const result = validateSettings(input, previous);
    expect(result).toEqual({ ok: true, settings: { ...previous, mode: 'local' } });
    expect(validateSettings({ ...input, mode: 'server' }, previous).ok).toBe(false);
  });

  it('returns typed settings when all is valid', () => {
    const input = settingsToInput(defaultSettings());
    input.mode = 'server';
    input.data = { host: ' 10.0.0.5 ', port: '9000' };
    const result = validateSettings(input);
    expect(result.ok && result.settings.data).toEqual({ host: '10.0.0.5', port: 9000 });
  });

  it('falls back to defaults for stored settings that are missing or broken', () => {
    expect(parseStoredSettings(null)).toEqual(defaultSettings());
    expect(parseStoredSettings('{not json')).toEqual(defaultSettings());
    expect(parseStoredSettings(JSON.stringify({ ...defaultSettings(), data: { host: 'x', port: 70000 } }))).toEqual(defaultSettings());
    const kept = { ...defaultSettings(), mode: 'server' as const, data: { host: 'pim-server', port: 9000 } };
    expect(parseStoredSettings(JSON.stringify(kept))).toEqual(kept);
  });

  it('brackets IPv6 literals in URLs', () => {
    expect(endpointUrl({ host: '::1', port: 8610 }, 'http')).toBe('http://[::1]:8610');
    expect(endpointUrl({ host: 'pim', port: 1 }, 'ws')).toBe('ws://pim:1');
  });
});
