import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserInfo } from '../../../shared/contract.js';
import type { ConnectionSettings } from '../../../shared/settings.js';
import type { ApiClient } from '../api/client.js';
import { connectionText } from '../api/connection.js';
import { errorText } from '../i18n/errors.js';
import { LanguageSwitch } from '../shell/LanguageSwitch.js';
import { SettingsDialog } from './SettingsDialog.js';

interface Props {
  client: ApiClient;
  settings: ConnectionSettings;
  localAvailable: boolean;
  /** A message to show when the dialog opens, e.g. "your session has expired". */
  notice: string | null;
  onSettingsSaved(settings: ConnectionSettings): void;
  onLoggedIn(user: UserInfo, token: string): void;
}

type Problem = { kind: 'field'; field: 'username' | 'password'; key: string } | { kind: 'service'; error: unknown };

/** Legacy 1.1 login window: user name, password, Login; a settings button for the connection. */
export function LoginDialog({ client, settings, localAvailable, notice, onSettingsSaved, onLoggedIn }: Props) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!settingsOpen) usernameRef.current?.focus();
  }, [settingsOpen]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!username.trim()) {
      setProblem({ kind: 'field', field: 'username', key: 'login.usernameRequired' });
      usernameRef.current?.focus();
      return;
    }
    if (!password) {
      setProblem({ kind: 'field', field: 'password', key: 'login.passwordRequired' });
      passwordRef.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const result = await client.call('auth.login', { username: username.trim(), password });
      onLoggedIn(result.user, result.token);
    } catch (err) {
      setProblem({ kind: 'service', error: err });
      setPassword('');
      passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  const conn = connectionText(settings);
  const message = problem ? (problem.kind === 'field' ? t(problem.key) : errorText(t, problem.error)) : null;

  return (
    <div className="login-screen">
      <form className="dialog login-dialog" role="dialog" aria-labelledby="login-title" data-testid="login-dialog" onSubmit={submit} noValidate>
        <div className="dialog-title" id="login-title">
          <span className="app-badge" aria-hidden="true">
            PIM
          </span>
          <span className="dialog-title-text">
            {t('app.title')} — {t('login.title')}
          </span>
          <LanguageSwitch className="title-language" />
        </div>
        <div className="dialog-body login-body">
          <div className="login-subtitle">{t('app.subtitle')}</div>
          {notice && !problem && (
            <div className="form-notice" role="status" data-testid="login-notice">
              {notice}
            </div>
          )}
          <div className="login-row">
            <label htmlFor="login-username">{t('login.username')}</label>
            <input
              id="login-username"
              ref={usernameRef}
              data-testid="login-username"
              autoComplete="username"
              spellCheck={false}
              value={username}
              aria-invalid={problem?.kind === 'field' && problem.field === 'username' ? true : undefined}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="login-row">
            <label htmlFor="login-password">{t('login.password')}</label>
            <input
              id="login-password"
              ref={passwordRef}
              data-testid="login-password"
              type="password"
              autoComplete="current-password"
              value={password}
              aria-invalid={problem?.kind === 'field' && problem.field === 'password' ? true : undefined}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <div className="form-error login-error" role="alert" data-testid="login-error" hidden={!message}>
            {message}
          </div>
          <div className="login-connection" data-testid="login-connection">
            {t('login.connection', { connection: t(conn.key, { address: conn.address }) })}
          </div>
        </div>
        <div className="dialog-buttons">
          <button type="button" className="btn btn-left" data-testid="login-settings" onClick={() => setSettingsOpen(true)}>
            {t('login.settings')}
          </button>
          <button type="submit" className="btn btn-primary" data-testid="login-submit" disabled={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </div>
      </form>
      {settingsOpen && (
        <SettingsDialog
          settings={settings}
          localAvailable={localAvailable}
          onCancel={() => setSettingsOpen(false)}
          onSave={(s) => {
            setSettingsOpen(false);
            setProblem(null);
            onSettingsSaved(s);
          }}
        />
      )}
    </div>
  );
}
