import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModuleDef } from '../../../shared/modules/types.js';
import type { Row } from '../../../shared/query.js';
import { formatCell } from '../grid/format.js';

interface Props {
  module: ModuleDef;
  row: Row;
  onClose(): void;
}

/** Every field of one row, hidden columns included: what Enter opens in a list. */
export function RowDetailDialog({ module, row, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  // Escape closes it wherever the focus is (the grid may take it back after Enter).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const title = String(row[module.rowKey] ?? '');

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog row-detail-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="row-detail-title"
        data-testid="row-detail"
      >
        <div className="dialog-title" id="row-detail-title">
          {t('grid.detail.title', { title: `${t(module.labelKey)} ${title}` })}
        </div>
        <dl className="dialog-body row-detail-fields">
          {module.columns.map((col) => (
            <div key={col.field} className="row-detail-field">
              <dt>{t(col.labelKey)}</dt>
              <dd data-field={col.field}>{formatCell(col, row[col.field], t, i18n.language) || '—'}</dd>
            </div>
          ))}
        </dl>
        <div className="dialog-buttons">
          <button type="button" ref={closeRef} className="btn btn-primary" onClick={onClose}>
            {t('grid.detail.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
