import { useTranslation } from 'react-i18next';
import type { LiveNotice } from '../../../shared/live.js';
import { formatDateTime } from '../grid/format.js';

/** How many notices the popup lists; the rest are counted. */
const SHOWN = 8;

/**
 * The notices that matter to this user (a new urgent order for clerks and managers, overdue owed
 * parts for whoever is responsible), each shown once a session. Not a modal: work goes on
 * around it until it is dismissed.
 */
export function NoticePopup({ notices, onClose }: { notices: readonly LiveNotice[]; onClose(): void }) {
  const { t } = useTranslation();
  const urgent = notices.filter((n) => n.type === 'urgentOrder').length;
  const overdue = notices.length - urgent;
  return (
    <aside className="live-notices" role="alert" aria-labelledby="live-notices-title" data-testid="live-notices" data-count={notices.length}>
      <div className="live-notices-title" id="live-notices-title">
        <span>{t('live.notices.title')}</span>
        <span className="live-notices-counts">
          {urgent > 0 && <span className="live-tag live-tag-urgent">{t('live.notices.urgentCount', { count: urgent })}</span>}
          {overdue > 0 && <span className="live-tag live-tag-overdue">{t('live.notices.overdueCount', { count: overdue })}</span>}
        </span>
        <button type="button" className="live-notices-x" aria-label={t('live.notices.close')} onClick={onClose}>
          ×
        </button>
      </div>
      <ul className="live-notices-list">
        {notices.slice(0, SHOWN).map((n) => (
          <li key={n.key} data-testid="live-notice" data-type={n.type} data-key={n.key}>
            {n.type === 'urgentOrder'
              ? t('live.notices.urgentOrder', { orderNo: n.orderNo, customer: n.customer, by: n.by, at: formatDateTime(n.at) })
              : t('live.notices.owedOverdue', {
                  days: n.owed.daysOverdue,
                  orderNo: n.owed.orderNo,
                  partNo: n.owed.partNo,
                  partName: n.owed.partName,
                  remaining: n.owed.remaining,
                  date: n.owed.promisedDate,
                })}
          </li>
        ))}
      </ul>
      {notices.length > SHOWN && <div className="live-notices-more">{t('live.notices.more', { count: notices.length - SHOWN })}</div>}
      <div className="live-notices-actions">
        <button type="button" className="btn btn-small btn-primary" data-testid="live-notices-ok" onClick={onClose}>
          {t('live.notices.ok')}
        </button>
      </div>
    </aside>
  );
}
