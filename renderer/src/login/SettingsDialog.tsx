import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  settingsToInput,
  validateHost,
  validatePort,
  validateSettings,
  type ConnectionSettings,
  type EndpointName,
  type SettingsErrors,
  type SettingsInput,
} from '../../../shared/settings.js';
import { PROBE_TIMEOUT_SECONDS, probeHttp, probeMessageServer, type ProbeResult } from '../api/probe.js';
import { errorText } from '../i18n/errors.js';

const endpointNames: readonly EndpointName[] = ['data', 'auth', 'message'];

type TestState = { state: 'idle' } | { state: 'testing' } | { state: 'done'; result: ProbeResult };

interface Props {
  /** The settings saved now; Cancel goes back to them. */
  settings: ConnectionSettings;
  /** Whether "this computer (local database)" can be chosen: only in the desktop client. */
  localAvailable: boolean;
  onSave(settings: ConnectionSettings): void;
  onCancel(): void;
}

/**
 * Connection settings of the login window (legacy 1.1): the local database, or a server given
 * as three endpoints. Every field is checked with the shared validators; Save refuses errors.
 */
export function SettingsDialog({ settings, localAvailable, onSave, onCancel }: Props) {
  const { t } = useTranslation();
  const [input, setInput] = useState<SettingsInput>(() => {
    const i = settingsToInput(settings);
    return localAvailable ? i : { ...i, mode: 'server' };
  });
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [saveTried, setSaveTried] = useState(false);
  const [tests, setTests] = useState<Record<EndpointName, TestState>>({
    data: { state: 'idle' },
    auth: { state: 'idle' },
    message: { state: 'idle' },
  });
  const firstField = useRef<HTMLInputElement>(null);

  const errors: SettingsErrors = useMemo(() => {
    const checked = validateSettings(input, settings);
    return checked.ok ? {} : checked.errors;
  }, [input]);
  const serverMode = input.mode === 'server';

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onCancel();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);

  useEffect(() => {
    if (serverMode) firstField.current?.focus();
  }, [serverMode]);

  function change(name: EndpointName, part: 'host' | 'port', value: string) {
    setInput((prev) => {
      const next: SettingsInput = { ...prev, [name]: { ...prev[name], [part]: value } };
      // Authentication and message servers follow the data server while they still equal it.
      if (name === 'data') {
        const old = prev.data[part];
        for (const other of ['auth', 'message'] as const) {
          if (prev[other][part] === old) next[other] = { ...next[other], [part]: value };
        }
      }
      return next;
    });
    setTouched((prev) => new Set(prev).add(`${name}.${part}`));
    setTests((prev) => ({ ...prev, [name]: { state: 'idle' } }));
    if (name === 'data') setTests((prev) => ({ ...prev, auth: { state: 'idle' }, message: { state: 'idle' } }));
  }

  function fieldError(name: EndpointName, part: 'host' | 'port'): string | null {
    const key = `${name}.${part}` as const;
    const code = errors[key];
    if (!code) return null;
    if (!saveTried && !touched.has(key)) return null;
    return t(`settings.errors.${code}`);
  }

  async function test(name: EndpointName) {
    const e = input[name];
    if (validateHost(e.host) || validatePort(e.port)) {
      setTouched((prev) => new Set(prev).add(`${name}.host`).add(`${name}.port`));
      setTests((prev) => ({ ...prev, [name]: { state: 'done', result: { ok: false, reason: 'error', error: 'invalid' } } }));
      return;
    }
    const endpoint = { host: e.host.trim(), port: Number(e.port.trim()) };
    setTests((prev) => ({ ...prev, [name]: { state: 'testing' } }));
    const result = name === 'message' ? await probeMessageServer(endpoint) : await probeHttp(endpoint);
    setTests((prev) => ({ ...prev, [name]: { state: 'done', result } }));
  }

  function testText(state: TestState): { text: string; ok: boolean } | null {
    if (state.state === 'idle') return null;
    if (state.state === 'testing') return { text: t('settings.testing'), ok: true };
    const r = state.result;
    if (r.ok) return { text: r.version ? t('settings.testOkVersion', { version: r.version }) : t('settings.testOk'), ok: true };
    if (r.error === 'invalid') return { text: t('settings.testInvalid'), ok: false };
    const reason =
      r.reason === 'timeout'
        ? t('settings.testTimeout', { seconds: PROBE_TIMEOUT_SECONDS })
        : r.reason === 'notService'
          ? t('settings.testNotService')
          : r.error
            ? errorText(t, r.error)
            : t('messages.disconnected');
    return { text: t('settings.testFailed', { reason }), ok: false };
  }

  function save(e: React.FormEvent) {
    e.preventDefault();
    setSaveTried(true);
    const checked = validateSettings(input, settings);
    if (!checked.ok) return; // the previously saved settings stay as they are
    onSave(checked.settings);
  }

  const hasErrors = Object.keys(errors).length > 0;

  return (
    <div className="modal-backdrop">
      <form
        className="dialog settings-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="settings-title"
        data-testid="settings-dialog"
        onSubmit={save}
        noValidate
      >
        <div className="dialog-title" id="settings-title">
          {t('settings.title')}
        </div>
        <div className="dialog-body">
          <fieldset className="settings-mode">
            <legend>{t('settings.mode')}</legend>
            <label className={`radio ${localAvailable ? '' : 'disabled'}`}>
              <input
                type="radio"
                name="mode"
                value="local"
                data-testid="settings-mode-local"
                checked={input.mode === 'local'}
                disabled={!localAvailable}
                onChange={() => setInput((p) => ({ ...p, mode: 'local' }))}
              />
              {t('settings.modeLocal')}
            </label>
            <label className="radio">
              <input
                type="radio"
                name="mode"
                value="server"
                data-testid="settings-mode-server"
                checked={input.mode === 'server'}
                onChange={() => setInput((p) => ({ ...p, mode: 'server' }))}
              />
              {t('settings.modeServer')}
            </label>
            <p className="note" data-testid="settings-mode-note">
              {!localAvailable ? t('settings.localBrowserNote') : serverMode ? t('settings.serverNote') : t('settings.localNote')}
            </p>
          </fieldset>

          <fieldset className="settings-endpoints" disabled={!serverMode}>
            <legend>{t('settings.modeServer')}</legend>
            <div className="endpoint-grid">
              <div className="endpoint-head" />
              <div className="endpoint-head">{t('settings.host')}</div>
              <div className="endpoint-head">{t('settings.port')}</div>
              <div className="endpoint-head" />
              {endpointNames.map((name) => {
                const hostError = fieldError(name, 'host');
                const portError = fieldError(name, 'port');
                const status = testText(tests[name]);
                return (
                  <div className="endpoint-row" key={name} data-testid={`settings-${name}`}>
                    <div className="endpoint-name">
                      <label htmlFor={`settings-${name}-host`}>{t(`settings.endpoint.${name}`)}</label>
                      <div className="endpoint-hint">{t(`settings.endpointHint.${name}`)}</div>
                    </div>
                    <EndpointField
                      id={`settings-${name}-host`}
                      inputRef={name === 'data' ? firstField : undefined}
                      className="field"
                      label={`${t(`settings.endpoint.${name}`)} ${t('settings.host')}`}
                      error={hostError}
                      value={input[name].host}
                      placeholder={t('settings.hostPlaceholder')}
                      spellCheck={false}
                      onChange={(v) => change(name, 'host', v)}
                      onBlur={() => setTouched((p) => new Set(p).add(`${name}.host`))}
                    />
                    <EndpointField
                      id={`settings-${name}-port`}
                      className="field field-port"
                      label={`${t(`settings.endpoint.${name}`)} ${t('settings.port')}`}
                      error={portError}
                      value={input[name].port}
                      inputMode="numeric"
                      onChange={(v) => change(name, 'port', v)}
                      onBlur={() => setTouched((p) => new Set(p).add(`${name}.port`))}
                    />
                    <div className="endpoint-test">
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid={`settings-${name}-test`}
                        disabled={tests[name].state === 'testing'}
                        onClick={() => void test(name)}
                      >
                        {t('settings.test')}
                      </button>
                      {status && (
                        <div
                          className={`test-status ${status.ok ? 'ok' : 'failed'} ${tests[name].state === 'testing' ? 'testing' : ''}`}
                          data-testid={`settings-${name}-test-status`}
                          role="status"
                        >
                          {status.text}
                        </div>
                      )}
                    </div>
                  </div>
                );
              })}
            </div>
            <p className="note">{t('settings.followHint')}</p>
          </fieldset>
          {saveTried && hasErrors && (
            <div className="form-error" role="alert" data-testid="settings-save-error">
              {t('settings.saveRefused')}
            </div>
          )}
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="btn btn-primary" data-testid="settings-save">
            {t('common.save')}
          </button>
          <button type="button" className="btn" data-testid="settings-cancel" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}

/** One host or port input with its message next to it; the id doubles as the test id. */
function EndpointField(props: {
  id: string;
  className: string;
  label: string;
  error: string | null | undefined;
  value: string;
  inputRef?: React.Ref<HTMLInputElement>;
  placeholder?: string;
  inputMode?: 'numeric';
  spellCheck?: boolean;
  onChange(value: string): void;
  onBlur(): void;
}) {
  const { id, error } = props;
  return (
    <div className={props.className}>
      <input
        id={id}
        ref={props.inputRef}
        data-testid={id}
        className={error ? 'invalid' : ''}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        aria-label={props.label}
        placeholder={props.placeholder}
        inputMode={props.inputMode}
        value={props.value}
        spellCheck={props.spellCheck}
        autoComplete="off"
        onChange={(e) => props.onChange(e.target.value)}
        onBlur={props.onBlur}
      />
      {error && (
        <div className="field-error" id={`${id}-error`} data-testid={`${id}-error`} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
