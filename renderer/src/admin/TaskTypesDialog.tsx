import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskType } from '../../../shared/dispatch/schemas.js';
import { ServiceError } from '../../../shared/errors.js';
import type { ApiClient } from '../api/client.js';
import { errorText } from '../i18n/errors.js';
import { DialogWindow, FormError, useEscapeKey } from '../dialogs/ConfirmDialog.js';
import './admin.css';

interface Props {
  client: ApiClient;
  onClose(): void;
}

type Field = 'code' | 'name' | 'months' | 'order';

interface Draft {
  /** Absent for a new task type. */
  id?: number;
  code: string;
  name: string;
  months: string;
  order: string;
  active: boolean;
}

const CODE_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const MAX_NAME = 50;
const WHOLE = /^\d+$/;

/** The server's field paths (taskTypes.save params) → the form's fields. */
const FIELD_OF_PATH: Record<string, Field> = { code: 'code', name: 'name', warrantyMonths: 'months', sortOrder: 'order' };

/**
 * The administrator's list of task types (issue 4: "a maintained list … editable by an
 * administrator"): every type with its code, name, warranty months, sort order and whether it
 * is offered on new orders; add and edit in an inline form, the message next to the field.
 * Task types are never deleted (orders refer to them); an old one is made inactive instead.
 */
export function TaskTypesDialog({ client, onClose }: Props) {
  const { t } = useTranslation();
  const [types, setTypes] = useState<TaskType[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstInput = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      setTypes((await client.call('taskTypes.list', {})).taskTypes);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setLoaded(true);
    }
  }, [client, t]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (draft) firstInput.current?.focus();
    // Focus when the form opens (or switches to another row), not on every keystroke.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft?.id, draft === null]);

  // Esc closes the form first, then the dialog.
  useEscapeKey(() => (draft ? closeForm() : onClose()));

  const openForm = (d: Draft) => {
    setDraft(d);
    setFieldErrors({});
    setError(null);
    setNotice(null);
  };
  const closeForm = () => {
    setDraft(null);
    setFieldErrors({});
    setError(null);
  };

  const startAdd = () => {
    const nextOrder = types.reduce((max, x) => Math.max(max, x.sortOrder), 0) + 10;
    openForm({ code: '', name: '', months: '0', order: String(Math.min(nextOrder, 1000)), active: true });
  };
  const startEdit = (x: TaskType) =>
    openForm({ id: x.id, code: x.code, name: x.name, months: String(x.warrantyMonths), order: String(x.sortOrder), active: x.active });

  const validate = (d: Draft): Partial<Record<Field, string>> => {
    const out: Partial<Record<Field, string>> = {};
    const code = d.code.trim();
    if (!CODE_PATTERN.test(code)) out.code = t('taskTypes.codeInvalid');
    else if (types.some((x) => x.code === code && x.id !== d.id)) out.code = t('taskTypes.codeTaken', { code });
    const name = d.name.trim();
    if (!name) out.name = t('taskTypes.nameRequired');
    else if (name.length > MAX_NAME) out.name = t('taskTypes.nameTooLong', { max: MAX_NAME });
    const months = d.months.trim();
    if (!WHOLE.test(months) || Number(months) > 120) out.months = t('taskTypes.monthsInvalid');
    const order = d.order.trim();
    if (!WHOLE.test(order) || Number(order) > 1000) out.order = t('taskTypes.orderInvalid');
    return out;
  };

  const save = async () => {
    if (!draft || busy) return;
    const errors = validate(draft);
    setFieldErrors(errors);
    setError(null);
    if (Object.keys(errors).length) return;
    setBusy(true);
    const name = draft.name.trim();
    try {
      await client.call('taskTypes.save', {
        ...(draft.id === undefined ? {} : { id: draft.id }),
        code: draft.code.trim(),
        name,
        warrantyMonths: Number(draft.months.trim()),
        sortOrder: Number(draft.order.trim()),
        active: draft.active,
      });
      setDraft(null);
      setNotice(t('taskTypes.saved', { name }));
      await load();
    } catch (err) {
      // A message the server tied to a field goes next to the field; anything else below the form.
      const byField: Partial<Record<Field, string>> = {};
      if (err instanceof ServiceError && err.code === 'INVALID_PARAMS') {
        for (const issue of err.issues ?? []) {
          const field = FIELD_OF_PATH[issue.path];
          if (field) byField[field] = issue.path === 'code' && /already/.test(issue.message) ? t('taskTypes.codeTaken', { code: draft.code.trim() }) : issue.message;
        }
      }
      if (Object.keys(byField).length) {
        setFieldErrors(byField);
        setError(t('taskTypes.fixFields'));
        // Another desk may have changed the list meanwhile (a code taken): show it as it is now.
        void load();
      } else setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const input = (field: Field, key: 'code' | 'name' | 'months' | 'order', label: string, extra: { numeric?: boolean; width?: string } = {}) => {
    const message = fieldErrors[field];
    const id = `task-type-${field}`;
    return (
      <label className={`tt-field tt-field-${field}`}>
        <span className="tt-label">{label}</span>
        <input
          ref={field === 'code' ? firstInput : undefined}
          id={id}
          data-testid={id}
          value={draft![key]}
          inputMode={extra.numeric ? 'numeric' : undefined}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-error` : undefined}
          className={message ? 'invalid' : undefined}
          onChange={(e) => {
            const value = e.target.value;
            setDraft((d) => (d ? { ...d, [key]: value } : d));
            if (message) setFieldErrors((prev) => ({ ...prev, [field]: undefined }));
          }}
        />
        {message && (
          <span className="field-error" id={`${id}-error`} data-testid={`${id}-error`} role="alert">
            {message}
          </span>
        )}
      </label>
    );
  };

  return (
    <DialogWindow
      backdropClassName="admin-backdrop"
      className="task-types-dialog"
      titleId="task-types-title"
      testId="task-types-dialog"
      title={t('taskTypes.title')}
    >
      <div className="dialog-body task-types-body">
        <div className="note">{t('taskTypes.hint')}</div>
        <div className="tt-table-wrap">
          <table className="tt-table" aria-busy={!loaded}>
            <thead>
              <tr>
                <th className="tt-col-code">{t('taskTypes.code')}</th>
                <th>{t('taskTypes.name')}</th>
                <th className="tt-num">{t('taskTypes.warrantyMonths')}</th>
                <th className="tt-num">{t('taskTypes.sortOrder')}</th>
                <th className="tt-col-active">{t('taskTypes.active')}</th>
                <th className="tt-col-edit" />
              </tr>
            </thead>
            <tbody>
              {!loaded && (
                <tr>
                  <td colSpan={6} className="tt-empty">
                    {t('common.loading')}
                  </td>
                </tr>
              )}
              {loaded && !types.length && (
                <tr>
                  <td colSpan={6} className="tt-empty">
                    {t('taskTypes.empty')}
                  </td>
                </tr>
              )}
              {types.map((x) => (
                <tr
                  key={x.id}
                  data-testid={`task-type-row-${x.code}`}
                  className={`${x.active ? '' : 'tt-inactive'}${draft?.id === x.id ? ' tt-editing' : ''}`}
                  onDoubleClick={() => startEdit(x)}
                >
                  <td className="tt-col-code">
                    <code>{x.code}</code>
                  </td>
                  <td>{x.name}</td>
                  <td className="tt-num">{x.warrantyMonths}</td>
                  <td className="tt-num">{x.sortOrder}</td>
                  <td className="tt-col-active">{x.active ? t('taskTypes.yes') : t('taskTypes.no')}</td>
                  <td className="tt-col-edit">
                    <button type="button" className="btn btn-small" data-testid={`task-type-edit-${x.code}`} disabled={busy} onClick={() => startEdit(x)}>
                      {t('taskTypes.edit')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {draft && (
          <form
            className="tt-form"
            data-testid="task-type-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <div className="tt-form-title">{draft.id === undefined ? t('taskTypes.newTitle') : t('taskTypes.editTitle', { name: types.find((x) => x.id === draft.id)?.name ?? draft.name })}</div>
            <div className="tt-form-fields">
              {input('code', 'code', t('taskTypes.code'))}
              {input('name', 'name', t('taskTypes.name'))}
              {input('months', 'months', t('taskTypes.warrantyMonths'), { numeric: true })}
              {input('order', 'order', t('taskTypes.sortOrder'), { numeric: true })}
              <label className="tt-field tt-field-active">
                <span className="tt-label">{t('taskTypes.active')}</span>
                <span className="tt-check">
                  <input
                    type="checkbox"
                    data-testid="task-type-active"
                    checked={draft.active}
                    onChange={(e) => {
                      const active = e.target.checked;
                      setDraft((d) => (d ? { ...d, active } : d));
                    }}
                  />
                </span>
              </label>
            </div>
            <div className="tt-form-buttons">
              <button type="submit" className="btn btn-primary btn-small" data-testid="task-type-save" disabled={busy}>
                {t('taskTypes.save')}
              </button>
              <button type="button" className="btn btn-small" data-testid="task-type-cancel" onClick={closeForm}>
                {t('taskTypes.cancel')}
              </button>
            </div>
          </form>
        )}
        <FormError text={error} testId="task-type-error" />
        {notice && !draft && (
          <div className="form-notice" role="status" data-testid="task-type-notice">
            {notice}
          </div>
        )}
      </div>
      <div className="dialog-buttons">
        <button type="button" className="btn btn-left" data-testid="task-type-add" disabled={busy || (draft !== null && draft.id === undefined)} onClick={startAdd}>
          {t('taskTypes.add')}
        </button>
        <button type="button" className="btn" data-testid="task-type-close" onClick={onClose}>
          {t('taskTypes.close')}
        </button>
      </div>
    </DialogWindow>
  );
}
