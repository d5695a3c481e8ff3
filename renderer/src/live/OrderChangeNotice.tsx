import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../grid/format.js';
import { useFeedVersion, useLive } from './LiveUpdates.js';

interface Props {
  orderNo: string;
  /** What the window last loaded (a new object after each load): news is counted from there. */
  loaded: unknown;
  /** Loads the order again; unsaved lines in the editors stay as typed. */
  onReload(): void;
}

/**
 * In an open order window (live updates, issue 10): "修改于 … by …" with a reload button when
 * another desk changed this order (its fields, status, lines, materials, owed parts, documents)
 * after the window loaded it. Reloading never replaces what the user is typing: the lines
 * editors keep unsaved lines (and a save over them says what the other desk changed).
 */
export function OrderChangeNotice({ orderNo, loaded, onReload }: Props) {
  const { t } = useTranslation();
  const live = useLive();
  const feed = live?.feed ?? null;
  useFeedVersion(feed);
  const since = useRef(feed?.tick ?? 0);
  const lastLoaded = useRef(loaded);
  if (feed && loaded !== lastLoaded.current) {
    lastLoaded.current = loaded;
    since.current = feed.tick;
  }
  const change = feed ? feed.orderChange(orderNo, since.current) : null;
  if (!change) return null;
  const what = t(`live.order.methods.${change.method}`, { defaultValue: t(`live.kinds.${change.kind}`) });
  return (
    <div className="live-order-notice" role="status" data-testid="order-change-notice" data-seq={change.seq} data-kind={change.kind}>
      <span className="live-order-text">{t('live.order.changed', { at: formatDateTime(change.at), by: change.by, what })}</span>
      <button type="button" className="btn btn-small btn-primary" data-testid="order-change-reload" onClick={onReload}>
        {t('live.order.reload')}
      </button>
    </div>
  );
}
