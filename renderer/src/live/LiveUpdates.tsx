import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { UserInfo } from '../../../shared/contract.js';
import { events } from '../../../shared/events.js';
import type { ChangeEvent, LiveHello, LiveNotice } from '../../../shared/live.js';
import type { ConnectionSettings } from '../../../shared/settings.js';
import type { ApiClient } from '../api/client.js';
import { usesServer } from '../api/connection.js';
import { desktopBridge } from '../api/ipc-transport.js';
import { MessageConnection, type MessageStatus } from '../api/messages.js';
import { loadAutoRefresh, saveAutoRefresh } from './editing.js';
import { LiveFeed } from './feed.js';
import { NoticePopup } from './NoticePopup.js';
import './live.css';

// Live updates (issue 10): the desk's one message connection, its change feed, and the
// notices. Lists (ListChangeNotice) and order windows (OrderChangeNotice) read the feed through
// this context; outside it they show nothing.

export interface LiveUpdatesValue {
  feed: LiveFeed;
  user: UserInfo;
  /** The user's choice: lists refresh by themselves on news while nothing is being edited. */
  autoRefresh: boolean;
  setAutoRefresh(on: boolean): void;
}

const LiveContext = createContext<LiveUpdatesValue | null>(null);

/** The live updates of the desk, or null outside the provider. */
export function useLive(): LiveUpdatesValue | null {
  return useContext(LiveContext);
}

/** Re-renders the caller on every change of the feed; returns the feed's version. */
export function useFeedVersion(feed: LiveFeed | null): number {
  return useSyncExternalStore(
    feed?.subscribe ?? noSubscribe,
    feed?.getVersion ?? zero,
    feed?.getVersion ?? zero,
  );
}
const noSubscribe = () => () => {};
const zero = () => 0;

interface Props {
  client: ApiClient;
  settings: ConnectionSettings;
  user: UserInfo;
  /** The message socket's state, for the shell's indicator (server mode only). */
  onStatus?(status: MessageStatus): void;
  children: ReactNode;
}

/**
 * Opens the message connection (server mode) or listens to the desktop bridge (local database),
 * feeds the events to a LiveFeed, and shows the notices that matter to this user, each once.
 */
export function LiveUpdatesProvider({ client, settings, user, onStatus, children }: Props) {
  // One feed per signed-in session (the shell is mounted once per login).
  const feed = useMemo(() => new LiveFeed(), [client, user.id]);
  const [autoRefresh, setAuto] = useState(() => loadAutoRefresh(user.username));
  const [notices, setNotices] = useState<LiveNotice[]>([]);
  /** Notices shown this session, by record (urgent:SN…, owed:12): never twice. */
  const shown = useRef(new Set<string>());
  const statusRef = useRef(onStatus);
  statusRef.current = onStatus;
  const server = usesServer(settings);

  const addNotice = useCallback((notice: LiveNotice) => {
    if (!notice || typeof notice.key !== 'string' || shown.current.has(notice.key)) return;
    shown.current.add(notice.key);
    setNotices((list) => [...list, notice]);
  }, []);

  useEffect(() => {
    const token = client.sessionToken;
    if (server) {
      if (!token) return;
      // A refused session, or one that ended while the socket was open (closed "signed out"),
      // is confirmed through the contract, whose session-lost handling then brings the login
      // dialog back with the reason.
      const connection = new MessageConnection(
        settings.message,
        token,
        (status) => {
          if (status !== 'connected') feed.disconnected();
          statusRef.current?.(status);
        },
        (message) => {
          if (message.event === events.dataChanged) feed.event(message.data as ChangeEvent);
          else if (message.event === events.notice) addNotice(message.data as LiveNotice);
        },
        () => {
          void client.call('auth.me', {}).catch(() => {});
        },
        (hello) => feed.hello(hello as Partial<LiveHello>),
        // A reconnect asks for the events missed since the last one this desk has.
        feed.resumeFrom,
      );
      return () => connection.close();
    }
    // The local database: one desk; the main process sends the writes over the bridge if it can.
    feed.local();
    const bridge = desktopBridge();
    if (!bridge || typeof bridge.on !== 'function') return;
    return bridge.on(events.dataChanged, (data) => feed.event(data as ChangeEvent));
  }, [client, server, settings.message, feed, addNotice]);

  const value = useMemo<LiveUpdatesValue>(
    () => ({
      feed,
      user,
      autoRefresh,
      setAutoRefresh: (on: boolean) => {
        saveAutoRefresh(user.username, on);
        setAuto(on);
      },
    }),
    [feed, user, autoRefresh],
  );

  return (
    <LiveContext.Provider value={value}>
      {children}
      {notices.length > 0 && <NoticePopup notices={notices} onClose={() => setNotices([])} />}
    </LiveContext.Provider>
  );
}
