import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Row } from '../../../shared/query.js';
import { ServiceError } from '../../../shared/errors.js';
import { isTrue } from '../../../shared/grid/compare.js';
import { formatYuan, parseYuanToFen } from '../../../shared/money.js';
import type { ApiClient } from '../api/client.js';
import { DialogWindow, FormError, useEscapeKey } from '../dialogs/ConfirmDialog.js';
import { errorText } from '../i18n/errors.js';
import './store.css';

interface Props {
  client: ApiClient;
  /** The part's row of the catalogue list to modify; none for a new part. */
  row?: Row;
  onSaved(partNo: string): void;
  onClose(): void;
}

type Field = 'partNo' | 'name' | 'spec' | 'unit' | 'price';

interface Form {
  partNo: string;
  name: string;
  spec: string;
  unit: string;
  price: string;
  serialTracked: boolean;
  active: boolean;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export function formFromRow(row: Row | undefined): Form {
  if (!row) return { partNo: '', name: '', spec: '', unit: '个', price: '0.00', serialTracked: false, active: true };
  return {
    partNo: text(row.part_no),
    name: text(row.name),
    spec: text(row.spec),
    unit: text(row.unit),
    price: formatYuan(Number(row.unit_price_fen ?? 0)).replace(/,/g, ''),
    serialTracked: isTrue(row.serial_tracked),
    active: isTrue(row.active),
  };
}

const limits: Record<Exclude<Field, 'price'>, number> = { partNo: 50, name: 100, spec: 100, unit: 10 };

/** The form's problems, each a locale key under partEditor.errors. */
export function checkPart(f: Form): Partial<Record<Field, { key: string; max?: number }>> {
  const out: Partial<Record<Field, { key: string; max?: number }>> = {};
  for (const field of ['partNo', 'name', 'unit'] as const) if (!f[field].trim()) out[field] = { key: 'required' };
  for (const field of ['partNo', 'name', 'spec', 'unit'] as const) if (f[field].trim().length > limits[field]) out[field] = { key: 'tooLong', max: limits[field] };
  const price = parseYuanToFen(f.price.trim() === '' ? '0' : f.price);
  if (!price.ok) out.price = { key: price.error === 'moneyDecimals' ? 'priceDecimals' : 'price' };
  else if (price.value < 0) out.price = { key: 'priceNegative' };
  return out;
}

const FIELD_OF_PATH: Record<string, Field> = { 'part.partNo': 'partNo', 'part.name': 'name', 'part.spec': 'spec', 'part.unit': 'unit', 'part.unitPriceFen': 'price' };

/**
 * 物料档案 — new or modify one part: number, name, specification, unit, unit price (yuan, kept
 * as fen), whether it is tracked by serial number (序列号管理), and whether it is in use (an old
 * part is made inactive, never deleted: documents refer to it).
 */
export function PartEditor({ client, row, onSaved, onClose }: Props) {
  const { t } = useTranslation();
  const id = row ? Number(row.id) : undefined;
  const [form, setForm] = useState<Form>(() => formFromRow(row));
  const [initial] = useState(() => JSON.stringify(formFromRow(row)));
  const [tried, setTried] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);
  useEffect(() => firstRef.current?.focus(), []);
  useEscapeKey(onClose);

  const problems = checkPart(form);
  const errorOf = (f: Field): string | null => {
    if (serverErrors[f]) return serverErrors[f]!;
    const p = problems[f];
    return p && tried ? t(`partEditor.errors.${p.key}`, { max: p.max ?? 0 }) : null;
  };
  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setSaved(null);
    if (key in serverErrors) setServerErrors((e) => ({ ...e, [key]: undefined }));
  };
  const trackedChanged = row !== undefined && isTrue(row.serial_tracked) !== form.serialTracked;

  const save = async () => {
    setTried(true);
    setError(null);
    if (Object.keys(problems).length || busy) return;
    const price = parseYuanToFen(form.price.trim() === '' ? '0' : form.price);
    setBusy(true);
    try {
      await client.call('parts.save', {
        part: {
          ...(id ? { id } : {}),
          partNo: form.partNo.trim(),
          name: form.name.trim(),
          spec: form.spec.trim(),
          unit: form.unit.trim(),
          unitPriceFen: price.ok ? price.value : 0,
          serialTracked: form.serialTracked,
          active: form.active,
        },
      });
      setSaved(form.partNo.trim());
      onSaved(form.partNo.trim());
      if (!id) {
        // Ready for the next new part: number and name cleared, the rest kept.
        setForm((f) => ({ ...f, partNo: '', name: '', spec: '' }));
        setTried(false);
        firstRef.current?.focus();
      }
    } catch (err) {
      const byField: Partial<Record<Field, string>> = {};
      if (err instanceof ServiceError && err.code === 'INVALID_PARAMS') for (const i of err.issues ?? []) if (FIELD_OF_PATH[i.path]) byField[FIELD_OF_PATH[i.path]] = i.message;
      setServerErrors(byField);
      setError(Object.keys(byField).length ? t('partEditor.fixFields') : errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const input = (field: Exclude<Field, 'price'>, label: string, required = false) => (
    <>
      <label className="store-label" htmlFor={`part-${field}`}>
        {label}
        {required && <span className="required-mark">*</span>}
      </label>
      <div className="store-control">
        <input
          ref={field === 'partNo' ? firstRef : undefined}
          id={`part-${field}`}
          data-testid={`part-${field}`}
          type="text"
          value={form[field]}
          aria-invalid={Boolean(errorOf(field))}
          onChange={(e) => set(field, e.target.value)}
        />
        {errorOf(field) && (
          <div className="field-error" data-testid={`part-${field}-error`}>
            {errorOf(field)}
          </div>
        )}
      </div>
    </>
  );

  return (
    <DialogWindow
      backdropClassName="store-backdrop"
      className="store-part-editor"
      titleId="part-editor-title"
      testId="part-editor"
      title={id ? t('partEditor.titleModify', { partNo: text(row?.part_no) }) : t('partEditor.titleNew')}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="dialog-body">
          {saved && (
            <div className="form-notice" role="status" data-testid="part-saved">
              {t('partEditor.saved', { partNo: saved })}
            </div>
          )}
          <fieldset className="store-form store-form-narrow" disabled={busy}>
            {input('partNo', t('partEditor.partNo'), true)}
            {input('name', t('partEditor.name'), true)}
            {input('spec', t('partEditor.spec'))}
            {input('unit', t('partEditor.unit'), true)}
            <label className="store-label" htmlFor="part-price">
              {t('partEditor.price')}
            </label>
            <div className="store-control">
              <span className="money-input">
                <span className="money-sign">¥</span>
                <input
                  id="part-price"
                  data-testid="part-price"
                  type="text"
                  inputMode="decimal"
                  className="num"
                  value={form.price}
                  aria-invalid={Boolean(errorOf('price'))}
                  onChange={(e) => set('price', e.target.value)}
                  onBlur={() => {
                    const p = parseYuanToFen(form.price);
                    if (p.ok && p.value >= 0) set('price', formatYuan(p.value).replace(/,/g, ''));
                  }}
                />
              </span>
              {errorOf('price') && (
                <div className="field-error" data-testid="part-price-error">
                  {errorOf('price')}
                </div>
              )}
            </div>
            <span className="store-label" />
            <div className="store-control store-checks">
              <label className="checkbox">
                <input type="checkbox" data-testid="part-serial-tracked" checked={form.serialTracked} onChange={(e) => set('serialTracked', e.target.checked)} />
                {t('partEditor.serialTracked')}
              </label>
              <label className="checkbox">
                <input type="checkbox" data-testid="part-active" checked={form.active} onChange={(e) => set('active', e.target.checked)} />
                {t('partEditor.active')}
              </label>
            </div>
          </fieldset>
          <p className="note">{trackedChanged ? t('partEditor.trackedChanged') : t('partEditor.hint')}</p>
          <FormError text={error} testId="part-error" />
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="btn btn-primary" data-testid="part-save" disabled={busy || (id !== undefined && JSON.stringify(form) === initial && !saved)}>
            {t('common.save')}
          </button>
          <button type="button" className="btn" data-testid="part-close" onClick={onClose}>
            {t('store.close')}
          </button>
        </div>
      </form>
    </DialogWindow>
  );
}
