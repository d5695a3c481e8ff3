import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserInfo } from '../../../shared/contract.js';
import { modules, warehouseLists } from '../../../shared/modules/index.js';
import type { ConnectionSettings } from '../../../shared/settings.js';
import type { ApiClient } from '../api/client.js';
import { connectionText, usesServer } from '../api/connection.js';
import type { MessageStatus } from '../api/messages.js';
import { LiveUpdatesProvider } from '../live/LiveUpdates.js';
import { EXPORT_ALL_ROLES } from '../../../shared/roles.js';
import { ModuleView } from '../modules/ModuleView.js';
import { TaskTypesDialog } from '../admin/TaskTypesDialog.js';
import { NotBuiltPanel } from '../modules/NotBuiltPanel.js';
import { LanguageSwitch } from './LanguageSwitch.js';

interface Props {
  client: ApiClient;
  settings: ConnectionSettings;
  user: UserInfo;
  onLogout(): void;
}

/** The main window after login: the seven modules on the left, the user and connection on top. */
export function Shell({ client, settings, user, onLogout }: Props) {
  const { t } = useTranslation();
  const [activeId, setActiveId] = useState<string>(modules[0].id);
  const [messageStatus, setMessageStatus] = useState<MessageStatus | null>(null);
  const [taskTypesOpen, setTaskTypesOpen] = useState(false);
  const active = [...modules, ...warehouseLists].find((m) => m.id === activeId) ?? modules[0];
  const server = usesServer(settings);
  const conn = connectionText(settings);

  // The message server (WebSocket) when the desk works against a server, and the live updates
  // it carries (the lists' and order windows' notices, the popup): renderer/src/live/.
  return (
    <LiveUpdatesProvider client={client} settings={settings} user={user} onStatus={setMessageStatus}>
      <div className="shell" data-testid="shell">
        <header className="shell-header">
          <div className="shell-brand">
            <span className="app-badge" aria-hidden="true">
              PIM
            </span>
            <span className="shell-title">{t('app.title')}</span>
          </div>
          <div className="shell-status">
            <span className="status-item" title={t('shell.user')}>
              <span className="status-label">{t('shell.user')}</span>
              <span data-testid="user-name" className="status-value">
                {user.displayName}
              </span>
              <span data-testid="user-role" className="role-tag">
                {t(`roles.${user.role}`)}
              </span>
            </span>
            <span className="status-item">
              <span className="status-label">{t('shell.connection')}</span>
              <span data-testid="connection-label" className="status-value">
                {t(conn.key, { address: conn.address })}
              </span>
            </span>
            {server && (
              <span className="status-item" data-testid="message-status" data-status={messageStatus ?? 'connecting'}>
                <span className="status-label">{t('messages.label')}</span>
                <span className={`dot dot-${messageStatus ?? 'connecting'}`} aria-hidden="true" />
                <span className="status-value">{t(`messages.${messageStatus ?? 'connecting'}`)}</span>
              </span>
            )}
            <LanguageSwitch className="shell-language" />
            {user.role === 'admin' && (
              <button type="button" className="btn btn-small" data-testid="admin-task-types" onClick={() => setTaskTypesOpen(true)}>
                {t('admin.taskTypes')}
              </button>
            )}
            <button type="button" className="btn btn-small" data-testid="logout" onClick={onLogout}>
              {t('shell.logout')}
            </button>
          </div>
        </header>
        <div className="shell-body">
          <nav className="shell-nav" aria-label={t('shell.modules')}>
            <div className="nav-heading">{t('shell.modules')}</div>
            <ul>
              {modules.map((m, i) => (
                <li key={m.id}>
                  <button
                    type="button"
                    data-testid={`nav-${m.id}`}
                    className={`nav-item ${m.id === active.id ? 'active' : ''} ${m.built ? '' : 'unbuilt'}`}
                    aria-current={m.id === active.id ? 'page' : undefined}
                    onClick={() => setActiveId(m.id)}
                  >
                    <span className="nav-index">{i + 1}</span>
                    <span className="nav-label">{t(m.labelKey)}</span>
                  </button>
                </li>
              ))}
            </ul>
            {/* The store's own lists (stock balances, ledger, parts), in the same module view. */}
            <div className="nav-heading" id="nav-heading-store">
              {t('lists.heading')}
            </div>
            <ul aria-labelledby="nav-heading-store" data-testid="nav-store">
              {warehouseLists.map((m) => (
                <li key={m.id}>
                  <button
                    type="button"
                    data-testid={`nav-${m.id}`}
                    className={`nav-item ${m.id === active.id ? 'active' : ''}`}
                    aria-current={m.id === active.id ? 'page' : undefined}
                    onClick={() => setActiveId(m.id)}
                  >
                    <span className="nav-index" aria-hidden="true">
                      ·
                    </span>
                    <span className="nav-label">{t(m.labelKey)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <main className="shell-main">
            {active.built ? <ModuleView key={active.id} client={client} module={active} canExportAll={EXPORT_ALL_ROLES.includes(user.role)} role={user.role} /> : <NotBuiltPanel module={active} />}
          </main>
        </div>
        {taskTypesOpen && <TaskTypesDialog client={client} onClose={() => setTaskTypesOpen(false)} />}
      </div>
    </LiveUpdatesProvider>
  );
}
