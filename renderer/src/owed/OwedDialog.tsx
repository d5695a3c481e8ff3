import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../api/client.js';
import { FormError, ModalBackdrop } from '../dialogs/ConfirmDialog.js';
import { PartPicker } from '../orders/PartPicker.js';
import { checkOwedForm, emptyOwedForm, owedDay, type OwedCreateValues, type OwedFormErrors, type OwedFormValues, type OwedInputValues, type OwedMode } from './owed-form.js';
import './owed.css';

// One dialog for an owed part (欠件): recorded when an order is completed with parts not issued
// ('complete'), recorded by hand ('create': order, part, quantity too), or changed ('modify').

interface Props {
  client: ApiClient;
  mode: OwedMode;
  title: string;
  /** Above the fields: what is owed (the parts not issued), or which record is changed. */
  intro?: ReactNode;
  initial?: Partial<OwedFormValues>;
  /** Names offered for the responsible person (engineers); any name may be typed. */
  people?: readonly string[];
  busy: boolean;
  /** The last failure, in the user's words. */
  error: string | null;
  submitLabel: string;
  onSubmit(input: OwedInputValues | OwedCreateValues): void;
  onCancel(): void;
  testId?: string;
}

export function OwedDialog({ client, mode, title, intro, initial, people = [], busy, error, submitLabel, onSubmit, onCancel, testId = 'owed-dialog' }: Props) {
  const { t } = useTranslation();
  const [values, setValues] = useState<OwedFormValues>({ ...emptyOwedForm, ...initial });
  const [tried, setTried] = useState(false);
  const [partName, setPartName] = useState('');
  useEffect(() => {
    const el = document.querySelector<HTMLElement>(`[data-testid="${testId}"] [data-first]`);
    el?.focus();
  }, [testId]);

  const set = (patch: Partial<OwedFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const { errors, input } = checkOwedForm(mode, values);
  const shown: OwedFormErrors = tried ? errors : {};
  const errorOf = (field: keyof OwedFormErrors) => (shown[field] ? t(`owedForm.errors.${shown[field]}`) : null);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setTried(true);
    if (!input) {
      const first = (['orderNo', 'part', 'quantity', 'reason', 'promisedDate', 'responsible'] as const).find((f) => errors[f]);
      if (first) document.querySelector<HTMLElement>(`[data-testid="${testId}"] [data-owed-field="${first}"]`)?.focus();
      return;
    }
    onSubmit(input);
  }

  const creating = mode === 'create';
  const listId = `${testId}-people`;
  return (
    <ModalBackdrop onEscape={onCancel}>
      <form className="dialog owed-dialog" role="dialog" aria-modal="true" aria-labelledby={`${testId}-title`} data-testid={testId} data-mode={mode} noValidate onSubmit={submit}>
        <div className="dialog-title" id={`${testId}-title`}>
          {title}
        </div>
        <div className="dialog-body">
          {intro && <div className="owed-intro">{intro}</div>}
          {creating && (
            <Field label={t('owed.order_no')} required error={errorOf('orderNo')}>
              <input
                data-first
                data-owed-field="orderNo"
                type="text"
                value={values.orderNo}
                placeholder="SN202611230001"
                spellCheck={false}
                aria-invalid={Boolean(errorOf('orderNo'))}
                data-testid="owed-order-no"
                onChange={(e) => set({ orderNo: e.target.value })}
              />
            </Field>
          )}
          {creating && (
            <div className="owed-row">
              <Field label={t('owedForm.part')} required error={errorOf('part')}>
                <PartPicker
                  client={client}
                  text={values.partText}
                  testIdPrefix="owed-part"
                  inputProps={{ 'data-testid': 'owed-part', 'data-owed-field': 'part', 'aria-invalid': Boolean(errorOf('part')) }}
                  onText={(text) => set({ partText: text })}
                  onPick={(p) => {
                    set({ partId: p.id, partNo: p.partNo, partText: p.partNo });
                    setPartName([p.name, p.spec, p.unit].filter(Boolean).join(' · '));
                  }}
                />
                {values.partId !== null && values.partText.trim() === values.partNo && partName && (
                  <span className="owed-part-name" data-testid="owed-part-name">
                    {partName}
                  </span>
                )}
              </Field>
              <Field label={t('owed.quantity')} required error={errorOf('quantity')} narrow>
                <input
                  data-owed-field="quantity"
                  type="text"
                  inputMode="numeric"
                  className="num"
                  value={values.quantity}
                  aria-invalid={Boolean(errorOf('quantity'))}
                  data-testid="owed-quantity"
                  onChange={(e) => set({ quantity: e.target.value })}
                />
              </Field>
            </div>
          )}
          <Field label={t('owed.reason')} required error={errorOf('reason')}>
            <textarea
              {...(creating ? {} : { 'data-first': true })}
              data-owed-field="reason"
              rows={2}
              maxLength={500}
              value={values.reason}
              placeholder={t('owedForm.reasonPlaceholder')}
              aria-invalid={Boolean(errorOf('reason'))}
              data-testid="owed-reason"
              onChange={(e) => set({ reason: e.target.value })}
            />
          </Field>
          <div className="owed-row">
            <Field label={t('owed.promised_date')} required error={errorOf('promisedDate')}>
              <input
                data-owed-field="promisedDate"
                type="text"
                value={values.promisedDate}
                placeholder="YYYY-MM-DD"
                aria-invalid={Boolean(errorOf('promisedDate'))}
                data-testid="owed-promised-date"
                onChange={(e) => set({ promisedDate: e.target.value })}
                onBlur={() => {
                  const d = owedDay(values.promisedDate);
                  if (d && d !== values.promisedDate) set({ promisedDate: d });
                }}
              />
            </Field>
            <Field label={t('owed.responsible')} required error={errorOf('responsible')}>
              <input
                data-owed-field="responsible"
                type="text"
                maxLength={50}
                list={listId}
                value={values.responsible}
                aria-invalid={Boolean(errorOf('responsible'))}
                data-testid="owed-responsible"
                onChange={(e) => set({ responsible: e.target.value })}
              />
              <datalist id={listId}>
                {people.map((p) => (
                  <option key={p} value={p} />
                ))}
              </datalist>
            </Field>
          </div>
          <FormError text={error} testId="owed-error" />
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="owed-save">
            {submitLabel}
          </button>
          <button type="button" className="btn" data-testid="owed-cancel" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </ModalBackdrop>
  );
}

function Field({ label, required, error, narrow, children }: { label: string; required?: boolean; error: string | null; narrow?: boolean; children: ReactNode }) {
  return (
    <label className={`visit-field owed-field${narrow ? ' narrow' : ''}`}>
      <span>
        {label}
        {required && <span className="required-mark">*</span>}
      </span>
      {children}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

/** 关闭: the part will not be supplied; the reason is required. */
export function OwedCloseDialog({ title, intro, busy, error, onSubmit, onCancel }: { title: string; intro?: ReactNode; busy: boolean; error: string | null; onSubmit(reason: string): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const missing = reason.trim() === '';
  return (
    <ModalBackdrop onEscape={onCancel}>
      <form
        className="dialog owed-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid="owed-close-dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!missing) onSubmit(reason.trim());
          else ref.current?.focus();
        }}
      >
        <div className="dialog-title">{title}</div>
        <div className="dialog-body">
          {intro && <div className="owed-intro">{intro}</div>}
          <label className="visit-field">
            <span>
              {t('owed.close_reason')}
              <span className="required-mark">*</span>
            </span>
            <textarea
              ref={ref}
              rows={3}
              maxLength={500}
              value={reason}
              aria-invalid={tried && missing}
              data-testid="owed-close-reason"
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
              }}
            />
            {tried && missing && <span className="field-error">{t('owedForm.errors.required')}</span>}
          </label>
          <p className="note">{t('owedCommands.closeNote')}</p>
          <FormError text={error} testId="owed-close-error" />
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="owed-close-confirm">
            {t('owedCommands.closeConfirm')}
          </button>
          <button type="button" className="btn" data-testid="owed-close-cancel" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </ModalBackdrop>
  );
}
