import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isEditing } from './editing.js';
import { useFeedVersion, useLive } from './LiveUpdates.js';

interface Props {
  /** The module id of the list (the `lists` of a change name it). */
  list: string;
  /** The list's query state: news is counted from the start of its last query. */
  phase: 'idle' | 'loading' | 'done' | 'failed';
  /** Runs the list's query again (what F5 does). */
  refresh(): void;
}

/** How long a burst of changes is waited out before refreshing by itself. */
const SETTLE_MS = 800;
/** How often a refresh held back by editing looks again. */
const RETRY_MS = 1000;

/**
 * In a list's result bar (live updates, issue 10): "N 条新增/修改 — F5 刷新" when other desks
 * changed rows of this list since its last query, "可能已过期" when events may have been missed
 * (a sequence gap, a reconnect after writes), and the user's switch to refresh by itself —
 * which waits while a dialog is open or a field has the focus.
 */
export function ListChangeNotice({ list, phase, refresh }: Props) {
  const { t } = useTranslation();
  const live = useLive();
  const feed = live?.feed ?? null;
  useFeedVersion(feed);
  // The tick at which the query on screen started: what came later may not be in its rows.
  const since = useRef(feed?.tick ?? 0);
  const lastPhase = useRef(phase);
  if (feed && phase === 'loading' && lastPhase.current !== 'loading') since.current = feed.tick;
  lastPhase.current = phase;
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;

  const count = feed && phase !== 'loading' ? feed.countFor(list, since.current) : 0;
  const stale = feed !== null && phase !== 'loading' && feed.staleSince(since.current);
  const news = count > 0 || stale;
  const auto = live?.autoRefresh ?? false;

  useEffect(() => {
    if (!news || !auto || phase !== 'done') return;
    let timer: ReturnType<typeof setTimeout>;
    const attempt = () => {
      if (isEditing()) timer = setTimeout(attempt, RETRY_MS);
      else refreshRef.current();
    };
    timer = setTimeout(attempt, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [news, auto, phase, count]);

  if (!live || !feed) return null;
  return (
    <span
      className={`live-list-notice ${news ? 'live-list-news' : ''} ${stale ? 'live-list-stale' : ''}`}
      data-testid="list-change-notice"
      data-list={list}
      data-count={count}
      data-stale={String(stale)}
    >
      {news && (
        <>
          <span className="live-list-text" data-testid="list-change-text">
            {stale ? (count > 0 ? t('live.list.staleCount', { count }) : t('live.list.stale')) : t('live.list.changed', { count })}
          </span>
          <button type="button" className="btn btn-small live-list-refresh" data-testid="list-change-refresh" onClick={() => refreshRef.current()}>
            {t('live.list.refresh')}
          </button>
        </>
      )}
      <label className="live-list-auto" title={t('live.list.autoTitle')}>
        <input type="checkbox" data-testid="list-auto-refresh" checked={auto} onChange={(e) => live.setAutoRefresh(e.target.checked)} />
        {t('live.list.auto')}
      </label>
    </span>
  );
}
