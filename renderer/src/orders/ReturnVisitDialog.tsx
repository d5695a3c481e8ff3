import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { satisfactions } from '../../../shared/dispatch/schemas.js';
import { FormError, ModalBackdrop } from '../dialogs/ConfirmDialog.js';

export type Satisfaction = (typeof satisfactions)[number];

interface Props {
  orderNo: string;
  busy: boolean;
  /** A failure of the last save, in the user's language. */
  error: string | null;
  onSave(v: { satisfaction: Satisfaction; reason: string; remarks: string }): void;
  onCancel(): void;
}

/** 回访: the customer's satisfaction, which closes a completed order. */
export function ReturnVisitDialog({ orderNo, busy, error, onSave, onCancel }: Props) {
  const { t } = useTranslation();
  const [satisfaction, setSatisfaction] = useState<Satisfaction | null>(null);
  const [reason, setReason] = useState('');
  const [remarks, setRemarks] = useState('');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => first.current?.focus(), []);

  const needsReason = satisfaction === 'unsatisfied';
  const satisfactionError = tried && !satisfaction ? t('order.visit.pickSatisfaction') : null;
  const reasonError = tried && needsReason && reason.trim() === '' ? t('order.visit.reasonRequired') : null;

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setTried(true);
    if (!satisfaction) return;
    if (needsReason && reason.trim() === '') {
      reasonRef.current?.focus();
      return;
    }
    onSave({ satisfaction, reason: needsReason ? reason.trim() : '', remarks: remarks.trim() });
  }

  return (
    <ModalBackdrop onEscape={onCancel}>
      <form className="dialog visit-dialog" role="dialog" aria-modal="true" aria-labelledby="visit-title" data-testid="visit-dialog" onSubmit={submit} noValidate>
        <div className="dialog-title" id="visit-title">
          {t('order.visit.title', { orderNo })}
        </div>
        <div className="dialog-body">
          <fieldset className="visit-satisfaction" aria-invalid={Boolean(satisfactionError)}>
            <legend>
              {t('order.visit.satisfaction')}
              <span className="required-mark">*</span>
            </legend>
            {satisfactions.map((s, i) => (
              <label key={s} className={`radio visit-choice visit-${s}`}>
                <input
                  ref={i === 0 ? first : undefined}
                  type="radio"
                  name="satisfaction"
                  value={s}
                  checked={satisfaction === s}
                  data-testid={`visit-satisfaction-${s}`}
                  onChange={() => setSatisfaction(s)}
                />
                {t(`satisfaction.${s}`)}
              </label>
            ))}
            {satisfactionError && <div className="field-error">{satisfactionError}</div>}
          </fieldset>
          <label className="visit-field">
            <span>
              {t('order.visit.reason')}
              {needsReason && <span className="required-mark">*</span>}
            </span>
            <textarea
              ref={reasonRef}
              rows={2}
              value={reason}
              maxLength={500}
              disabled={!needsReason}
              placeholder={needsReason ? t('order.visit.reasonPlaceholder') : t('order.visit.reasonOnlyUnsatisfied')}
              aria-invalid={Boolean(reasonError)}
              data-testid="visit-reason"
              onChange={(e) => setReason(e.target.value)}
            />
            {reasonError && <div className="field-error">{reasonError}</div>}
          </label>
          <label className="visit-field">
            <span>{t('order.visit.remarks')}</span>
            <textarea rows={3} value={remarks} maxLength={1000} data-testid="visit-remarks" onChange={(e) => setRemarks(e.target.value)} />
          </label>
          <p className="note">{t('order.visit.closes')}</p>
          <FormError text={error} />
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="visit-save">
            {t('order.visit.save')}
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </ModalBackdrop>
  );
}
