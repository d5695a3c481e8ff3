import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ServiceError } from '../../../shared/errors.js';
import { warehouseKinds, type Warehouse, type WarehouseKind } from '../../../shared/warehouse/schemas.js';
import type { ApiClient } from '../api/client.js';
import { DialogWindow, FormError, useEscapeKey } from '../dialogs/ConfirmDialog.js';
import { errorText } from '../i18n/errors.js';
import { useWarehouses } from './store-data.js';
import './store.css';

interface Props {
  client: ApiClient;
  /** May add and change warehouses (warehouses.save); otherwise the list is read only. */
  mayEdit: boolean;
  onClose(): void;
}

interface Draft {
  id?: number;
  code: string;
  name: string;
  kind: WarehouseKind;
  active: boolean;
}

type Field = 'code' | 'name';
const CODE = /^[A-Za-z0-9_-]{1,20}$/;

/**
 * 仓库: the stores parts are kept in — main stores (正常库) parts are issued from, and the faulty
 * store (坏件库) faulty parts are handed in to and never issued from. Warehouses are never
 * deleted (documents refer to them); one no longer used is made inactive.
 */
export function WarehousesDialog({ client, mayEdit, onClose }: Props) {
  const { t } = useTranslation();
  const stores = useWarehouses(client);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);
  useEscapeKey(() => (draft ? setDraft(null) : onClose()));
  useEffect(() => {
    if (draft) firstRef.current?.focus();
  }, [draft?.id, draft === null]); // eslint-disable-line react-hooks/exhaustive-deps

  const open = (d: Draft) => {
    setDraft(d);
    setErrors({});
    setError(null);
    setNotice(null);
  };

  const save = async () => {
    if (!draft || busy) return;
    const e: Partial<Record<Field, string>> = {};
    const code = draft.code.trim();
    const name = draft.name.trim();
    if (!CODE.test(code)) e.code = t('warehouses.codeInvalid');
    else if (stores.all.some((w) => w.code.toUpperCase() === code.toUpperCase() && w.id !== draft.id)) e.code = t('warehouses.codeTaken', { code });
    if (!name) e.name = t('warehouses.nameRequired');
    else if (name.length > 50) e.name = t('warehouses.nameTooLong');
    else if (stores.all.some((w) => w.name === name && w.id !== draft.id)) e.name = t('warehouses.nameTaken', { name });
    setErrors(e);
    setError(null);
    if (Object.keys(e).length) return;
    setBusy(true);
    try {
      await client.call('warehouses.save', { warehouse: { ...(draft.id ? { id: draft.id } : {}), code, name, kind: draft.kind, active: draft.active } });
      setDraft(null);
      setNotice(t('warehouses.saved', { name }));
      await stores.reload();
    } catch (err) {
      const byField: Partial<Record<Field, string>> = {};
      if (err instanceof ServiceError && err.code === 'INVALID_PARAMS')
        for (const i of err.issues ?? []) {
          const f = i.path.replace(/^warehouse\./, '');
          if (f === 'code' || f === 'name') byField[f] = i.message;
        }
      setErrors(byField);
      setError(Object.keys(byField).length ? t('warehouses.fixFields') : errorText(t, err));
      void stores.reload();
    } finally {
      setBusy(false);
    }
  };

  const field = (f: Field, label: string) => (
    <label className="store-inline-field">
      <span>{label}</span>
      <input
        ref={f === 'code' ? firstRef : undefined}
        data-testid={`warehouse-${f}`}
        value={draft![f]}
        aria-invalid={Boolean(errors[f])}
        maxLength={f === 'code' ? 20 : 50}
        onChange={(e) => {
          const value = e.target.value;
          setDraft((d) => (d ? { ...d, [f]: value } : d));
          if (errors[f]) setErrors((x) => ({ ...x, [f]: undefined }));
        }}
      />
      {errors[f] && (
        <span className="field-error" data-testid={`warehouse-${f}-error`}>
          {errors[f]}
        </span>
      )}
    </label>
  );

  return (
    <DialogWindow backdropClassName="store-backdrop" className="store-warehouses" titleId="warehouses-title" testId="warehouses-dialog" title={t('warehouses.title')}>
      <div className="dialog-body">
        <div className="note">{t('warehouses.hint')}</div>
        <div className="store-table-wrap">
          <table className="store-table" aria-busy={!stores.loaded}>
            <thead>
              <tr>
                <th>{t('warehouses.code')}</th>
                <th>{t('warehouses.name')}</th>
                <th>{t('warehouses.kind')}</th>
                <th>{t('warehouses.active')}</th>
                {mayEdit && <th />}
              </tr>
            </thead>
            <tbody>
              {stores.all.map((w: Warehouse) => (
                <tr key={w.id} data-testid={`warehouse-row-${w.code}`} className={w.active ? undefined : 'muted'} onDoubleClick={() => mayEdit && open({ ...w })}>
                  <td>
                    <code>{w.code}</code>
                  </td>
                  <td>{w.name}</td>
                  <td className={w.kind === 'faulty' ? 'store-faulty' : undefined}>{t(`warehouseKind.${w.kind}`)}</td>
                  <td>{w.active ? t('warehouses.yes') : t('warehouses.no')}</td>
                  {mayEdit && (
                    <td>
                      <button type="button" className="btn btn-small" data-testid={`warehouse-edit-${w.code}`} disabled={busy} onClick={() => open({ ...w })}>
                        {t('warehouses.edit')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {draft && (
          <form
            className="store-inline-form"
            data-testid="warehouse-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            {field('code', t('warehouses.code'))}
            {field('name', t('warehouses.name'))}
            <label className="store-inline-field">
              <span>{t('warehouses.kind')}</span>
              <select data-testid="warehouse-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as WarehouseKind })}>
                {warehouseKinds.map((k) => (
                  <option key={k} value={k}>
                    {t(`warehouseKind.${k}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="checkbox store-inline-check">
              <input type="checkbox" data-testid="warehouse-active" checked={draft.active} onChange={(e) => setDraft({ ...draft, active: e.target.checked })} />
              {t('warehouses.active')}
            </label>
            <button type="submit" className="btn btn-primary btn-small" data-testid="warehouse-save" disabled={busy}>
              {t('common.save')}
            </button>
            <button type="button" className="btn btn-small" data-testid="warehouse-cancel" onClick={() => setDraft(null)}>
              {t('common.cancel')}
            </button>
          </form>
        )}
        <FormError text={error ?? stores.error} testId="warehouse-error" />
        {notice && !draft && (
          <div className="form-notice" role="status" data-testid="warehouse-notice">
            {notice}
          </div>
        )}
      </div>
      <div className="dialog-buttons">
        {mayEdit && (
          <button type="button" className="btn btn-left" data-testid="warehouse-add" disabled={busy || (draft !== null && !draft.id)} onClick={() => open({ code: '', name: '', kind: 'main', active: true })}>
            {t('warehouses.add')}
          </button>
        )}
        <button type="button" className="btn" data-testid="warehouses-close" onClick={onClose}>
          {t('store.close')}
        </button>
      </div>
    </DialogWindow>
  );
}
