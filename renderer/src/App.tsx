import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserInfo } from '../../shared/contract.js';
import type { ConnectionSettings } from '../../shared/settings.js';
import { ApiClient } from './api/client.js';
import { createTransport } from './api/connection.js';
import { errorText } from './i18n/errors.js';
import { LoginDialog } from './login/LoginDialog.js';
import { Shell } from './shell/Shell.js';
import { isDesktop, loadSettings, saveSettings } from './settings/store.js';

// The session token lives for this window only (sessionStorage), so a reload keeps the user
// logged in but a new window asks again.
const SESSION_KEY = 'pim.session';

type View = { phase: 'starting' } | { phase: 'login'; notice: string | null } | { phase: 'shell'; user: UserInfo };

function readSession(): { token: string; connection: string } | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as { token: string; connection: string }) : null;
  } catch {
    return null;
  }
}

function writeSession(value: { token: string; connection: string } | null): void {
  try {
    if (value) sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // not kept; the user logs in again after a reload
  }
}

export function App() {
  const { t } = useTranslation();
  const localAvailable = isDesktop();
  const [settings, setSettings] = useState<ConnectionSettings>(() => loadSettings());
  const client = useMemo(() => new ApiClient(createTransport(settings)), [settings]);
  const fingerprint = JSON.stringify(settings);
  const [view, setView] = useState<View>({ phase: 'starting' });

  // A session kept from before a reload is used again if the service still knows it.
  useEffect(() => {
    const saved = readSession();
    if (!saved || saved.connection !== fingerprint) {
      setView((v) => (v.phase === 'starting' ? { phase: 'login', notice: null } : v));
      return;
    }
    let cancelled = false;
    client.setToken(saved.token);
    client
      .call('auth.me', {})
      .then((me) => !cancelled && setView({ phase: 'shell', user: me.user }))
      .catch(() => {
        if (cancelled) return;
        client.setToken(null);
        writeSession(null);
        // Keep a notice the session-lost handler may just have set ("session expired").
        setView((v) => (v.phase === 'login' ? v : { phase: 'login', notice: null }));
      });
    return () => {
      cancelled = true;
    };
    // Only on start: later logins go through the dialog.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  // A call that finds the session gone brings the login dialog back with the reason.
  useEffect(() => {
    client.onSessionLost((err) => {
      writeSession(null);
      setView({ phase: 'login', notice: err.code === 'SESSION_EXPIRED' ? t('login.sessionEnded') : errorText(t, err) });
    });
    return () => client.onSessionLost(null);
  }, [client, t]);

  const onLoggedIn = useCallback(
    (user: UserInfo, token: string) => {
      client.setToken(token);
      writeSession({ token, connection: fingerprint });
      setView({ phase: 'shell', user });
    },
    [client, fingerprint],
  );

  const onLogout = useCallback(() => {
    const c = client;
    void c.call('auth.logout', {}).catch(() => {
      // the session ends on this desk either way
    });
    c.setToken(null);
    writeSession(null);
    setView({ phase: 'login', notice: t('login.loggedOut') });
  }, [client, t]);

  const onSettingsSaved = useCallback((s: ConnectionSettings) => {
    saveSettings(s);
    setSettings(s);
  }, []);

  if (view.phase === 'starting') return <div className="starting">{t('common.loading')}</div>;
  if (view.phase === 'login') {
    return (
      <LoginDialog
        client={client}
        settings={settings}
        localAvailable={localAvailable}
        notice={view.notice}
        onSettingsSaved={onSettingsSaved}
        onLoggedIn={onLoggedIn}
      />
    );
  }
  return <Shell client={client} settings={settings} user={view.user} onLogout={onLogout} />;
}
