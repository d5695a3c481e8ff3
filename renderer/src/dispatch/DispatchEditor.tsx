import { useCallback, useEffect, useMemo, useRef, useState, type HTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DispatchOrder, Engineer, RegionNode, TaskType } from '../../../shared/dispatch/schemas.js';
import { ServiceError, type ErrorIssue } from '../../../shared/errors.js';
import type { Row } from '../../../shared/query.js';
import type { ApiClient } from '../api/client.js';
import { errorText } from '../i18n/errors.js';
import { ConfirmDialog, FormError } from '../dialogs/ConfirmDialog.js';
import { ContractLookup } from './ContractLookup.js';
import { RegionTree } from './RegionTree.js';
import { PinyinSelect, type PickOption } from '../text/PinyinSelect.js';
import { engineerOptions, engineerPicker } from '../text/engineer-options.js';
import {
  contractRegionId,
  editorFields,
  emptyForm,
  fieldOfIssue,
  formFromOrder,
  issuesToErrors,
  regionPath,
  toInput,
  toLocalInput,
  validateForm,
  type EditorField,
  type EditorForm,
  type FieldErrors,
} from './editor-form.js';
import './dispatch.css';

export type EditorMode = 'create' | { orderNo: string };

interface Props {
  client: ApiClient;
  mode: EditorMode;
  /** After each successful save (the list refreshes); the window stays open showing the number. */
  onSaved(orderNo: string): void;
  onClose(): void;
}

type Suggestion = { state: 'none' } | { state: 'loading' } | { state: 'done'; warranty: boolean; from: string; until: string } | { state: 'failed'; message: string };
type Child = 'contract' | 'region' | 'confirmClose' | null;
type Conflict = { message: string; issues: ErrorIssue[] };

const snapshot = (f: EditorForm) => JSON.stringify(f);

/**
 * "创建—售后服务任务": the create and modify window of a dispatch order (legacy 3.1). Contract
 * from the lookup (F4), region from the tree, task type, 三包 with its suggestion, the service
 * order's fields. Messages stand next to their fields, ours before sending and the server's
 * after; Ctrl+S saves, Esc closes (asking first when something is unsaved). A change made
 * meanwhile at another desk is explained and never overwritten.
 */
export function DispatchEditor({ client, mode, onSaved, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const [orderNo, setOrderNo] = useState<string | null>(mode === 'create' ? null : mode.orderNo);
  const [order, setOrder] = useState<DispatchOrder | null>(null);
  const [rowVersion, setRowVersion] = useState<number | null>(null);
  const [form, setForm] = useState<EditorForm>(emptyForm);
  const [initial, setInitial] = useState(() => snapshot(emptyForm));
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [taskTypes, setTaskTypes] = useState<TaskType[]>([]);
  const [engineers, setEngineers] = useState<Engineer[]>([]);
  const [regions, setRegions] = useState<RegionNode[]>([]);
  const [touched, setTouched] = useState<ReadonlySet<EditorField>>(new Set());
  const [tried, setTried] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [saveError, setSaveError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [child, setChild] = useState<Child>(null);
  const [suggestion, setSuggestion] = useState<Suggestion>({ state: 'none' });
  /** The clerk set 三包 by hand: a suggestion no longer changes it. */
  const [warrantyManual, setWarrantyManual] = useState(false);
  /** The region was filled from the contract picked (not chosen in the tree): another contract may change it. */
  const regionFromContract = useRef(false);
  /** Contract and task type as loaded: their suggestion does not rewrite a stored order. */
  const loadedKey = useRef('');
  const rootRef = useRef<HTMLFormElement>(null);
  // A message shows once the clerk has changed a field and left it, or has tried to save:
  // never for a field the cursor merely passed through.
  const edited = useRef(new Set<EditorField>());
  const now = useMemo(() => new Date(), [form, tried]); // eslint-disable-line react-hooks/exhaustive-deps

  const storedExpected = order ? toLocalInput(order.expectedAt) : '';
  const localErrors = useMemo(() => validateForm(form, now, storedExpected), [form, now, storedExpected]);
  const dirty = snapshot(form) !== initial;

  // ---- loading ---------------------------------------------------------------------------
  const showOrder = useCallback((o: DispatchOrder) => {
    const f = formFromOrder(o);
    setOrder(o);
    setRowVersion(o.rowVersion);
    setForm(f);
    setInitial(snapshot(f));
    setWarrantyManual(o.warrantyOverridden);
    loadedKey.current = `${f.contractId}:${f.taskTypeId}`;
    setServerErrors({});
    setTouched(new Set());
    edited.current = new Set();
    setTried(false);
  }, []);

  useEffect(() => {
    let live = true;
    const orderNoAtOpen = mode === 'create' ? null : mode.orderNo;
    Promise.all([
      client.call('taskTypes.list', {}),
      client.call('engineers.list', {}),
      client.call('regions.tree', {}),
      orderNoAtOpen ? client.call('dispatch.get', { orderNo: orderNoAtOpen }) : Promise.resolve(null),
    ])
      .then(([tt, en, rg, detail]) => {
        if (!live) return;
        setTaskTypes(tt.taskTypes);
        setEngineers(en.engineers);
        setRegions(rg.nodes);
        if (detail) showOrder(detail.order);
      })
      .catch((err: unknown) => live && setLoadError(errorText(t, err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // The window loads once; a reload after a conflict goes through reload().
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (!loading) rootRef.current?.querySelector<HTMLElement>('[data-testid="editor-contract"]')?.focus();
  }, [loading]);

  // ---- 三包 suggestion --------------------------------------------------------------------
  const suggestKey = `${form.contractId}:${form.taskTypeId}`;
  useEffect(() => {
    if (form.contractId === null || !form.taskTypeId) {
      setSuggestion({ state: 'none' });
      return;
    }
    let live = true;
    setSuggestion({ state: 'loading' });
    client
      .call('dispatch.suggestWarranty', { contractId: form.contractId, taskTypeId: Number(form.taskTypeId) })
      .then((s) => {
        if (!live) return;
        setSuggestion({ state: 'done', ...s });
        // The suggestion fills the box unless the clerk chose by hand or this is the stored order as loaded.
        if (!warrantyManualRef.current && suggestKey !== loadedKey.current) setForm((f) => (f.warranty === s.warranty ? f : { ...f, warranty: s.warranty }));
      })
      .catch((err: unknown) => live && setSuggestion({ state: 'failed', message: errorText(t, err) }));
    return () => {
      live = false;
    };
  }, [client, suggestKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const warrantyManualRef = useRef(warrantyManual);
  warrantyManualRef.current = warrantyManual;

  // ---- editing -----------------------------------------------------------------------------
  const set = <K extends keyof EditorForm>(key: K, value: EditorForm[K], field: EditorField) => {
    setForm((f) => ({ ...f, [key]: value }));
    edited.current.add(field);
    setSaved(null);
    setSaveError(null);
    if (serverErrors[field]) setServerErrors((e) => ({ ...e, [field]: undefined }));
  };
  const touch = (field: EditorField) => edited.current.has(field) && setTouched((s) => (s.has(field) ? s : new Set(s).add(field)));

  const errorOf = (field: EditorField): string | null => {
    const server = serverErrors[field];
    if (server) return 'text' in server ? server.text : t(server.key, server.params ?? {});
    const local = localErrors[field];
    if (!local || !(tried || touched.has(field))) return null;
    return 'text' in local ? local.text : t(local.key, local.params ?? {});
  };

  const focusField = (field: EditorField) => {
    const el = rootRef.current?.querySelector<HTMLElement>(`[data-testid="editor-${field === 'urgency' ? 'urgency-normal' : field}"]`);
    el?.focus();
  };

  const pickContract = (row: Row) => {
    const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
    const id = Number(row.id ?? row.contract_id);
    const regionId = contractRegionId(row, regions);
    // The order's sales region is the contract's; one the clerk chose in the tree stays.
    const fillRegion = regionId !== null && (form.regionId === null || regionFromContract.current);
    if (fillRegion) regionFromContract.current = true;
    setForm((f) => ({
      ...f,
      contractId: Number.isInteger(id) && id > 0 ? id : null,
      contractNo: text(row.contract_no),
      customer: text(row.customer) || f.customer,
      project: text(row.project),
      address: text(row.address),
      regionId: fillRegion ? regionId : f.regionId,
    }));
    if (fillRegion) {
      edited.current.add('region');
      setServerErrors((e) => ({ ...e, region: undefined }));
    }
    setServerErrors((e) => ({ ...e, contract: undefined, customer: undefined, project: undefined, address: undefined }));
    setSaved(null);
    setChild(null);
    requestAnimationFrame(() => focusField('taskType'));
  };

  // ---- saving ------------------------------------------------------------------------------
  const reload = async () => {
    if (!orderNo) return;
    try {
      const detail = await client.call('dispatch.get', { orderNo });
      showOrder(detail.order);
      setConflict(null);
      setSaveError(null);
    } catch (err) {
      setSaveError(errorText(t, err));
    }
  };

  const save = async () => {
    if (saving || loading || loadError) return;
    setTried(true);
    setSaved(null);
    setSaveError(null);
    setConflict(null);
    const check = validateForm(form, new Date(), storedExpected);
    const first = editorFields.find((f) => check[f]);
    if (first) {
      setServerErrors({});
      focusField(first);
      return;
    }
    setSaving(true);
    const sent = form;
    try {
      const input = toInput(sent);
      let no: string;
      if (orderNo && rowVersion !== null) {
        const r = await client.call('dispatch.update', { orderNo, rowVersion, order: input });
        setRowVersion(r.rowVersion);
        no = orderNo;
      } else {
        const r = await client.call('dispatch.create', { order: input });
        setOrderNo(r.orderNo);
        setRowVersion(r.rowVersion);
        no = r.orderNo;
      }
      setInitial(snapshot(sent));
      loadedKey.current = `${sent.contractId}:${sent.taskTypeId}`;
      setServerErrors({});
      setSaved(no);
      onSaved(no);
    } catch (err) {
      if (err instanceof ServiceError && err.code === 'INVALID_PARAMS') {
        const { errors, rest } = issuesToErrors(err.issues);
        setServerErrors(errors);
        if (rest.length || !Object.keys(errors).length) setSaveError(errorText(t, new ServiceError('INVALID_PARAMS', err.message, { issues: rest.length ? rest : undefined })));
        const firstServer = editorFields.find((f) => errors[f]);
        if (firstServer) focusField(firstServer);
      } else if (err instanceof ServiceError && err.code === 'CONFLICT') {
        const who = /changed by (.+?) at (\S+?)(?: \(| after)/.exec(err.message);
        const when = who ? new Date(who[2]) : null;
        setConflict({
          message: who && when && !Number.isNaN(when.getTime()) ? t('editor.conflictBy', { who: who[1], when: when.toLocaleString(i18n.language) }) : errorText(t, err),
          issues: err.issues ?? [],
        });
      } else setSaveError(errorText(t, err));
    } finally {
      setSaving(false);
    }
  };

  const requestClose = () => {
    if (dirty && !saving) setChild('confirmClose');
    else onClose();
  };

  // Keys of the window; a dialog opened from it (lookup, tree, question) has its own.
  const keys = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keys.current = (e: KeyboardEvent) => {
    if (child) return;
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      requestClose();
    }
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ---- drawing -----------------------------------------------------------------------------
  const activeTypes = taskTypes.filter((tt) => tt.active || String(tt.id) === form.taskTypeId).sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id);
  const typeOptions: PickOption[] = activeTypes.map((tt) => ({ value: String(tt.id), label: tt.name + (tt.active ? '' : t('editor.inactive')), texts: [tt.name, tt.code] }));
  // The engineers of the order's region first, then the others (as every engineer picker).
  const engineersPicked = useMemo(() => engineerPicker(engineers, regions, form.regionId, t), [engineers, regions, form.regionId, t]);
  const engineerChoices = engineerOptions(engineersPicked, form.engineerId);
  const regionText = regionPath(regions, form.regionId) || (form.regionId !== null && order?.regionId === form.regionId ? (order.region ?? '') : '');

  /** The attributes every control of a field has: its id and test id, and its message's link. */
  const control = (field: EditorField) => {
    const bad = !!errorOf(field);
    return {
      id: `editor-${field}`,
      'data-testid': `editor-${field}`,
      'aria-invalid': bad || undefined,
      'aria-describedby': bad ? `editor-${field}-error` : undefined,
      className: bad ? 'invalid' : undefined,
    };
  };
  const textField = (field: EditorField & keyof EditorForm, text: string, opts: { required?: boolean; wide?: boolean; max?: number } = {}) => (
    <FieldRow field={field} label={text} required={opts.required} error={errorOf(field)} className={opts.wide ? 'wide' : undefined}>
      <input
        type="text"
        value={form[field] as string}
        maxLength={opts.max}
        autoComplete="off"
        spellCheck={false}
        {...control(field)}
        onChange={(e) => set(field, e.target.value as never, field)}
        onBlur={() => touch(field)}
      />
    </FieldRow>
  );
  /** A read-only box filled from a lookup: F4, Enter, Alt+↓, a double click or the … button open it. */
  const picker = (field: 'contract' | 'region', value: string, placeholder: string, pickTitle: string, extra: { onClear?(): void; regionId?: number | null } = {}) => (
    <div className="editor-picker">
      <input
        data-region-id={field === 'region' ? (extra.regionId ?? '') : undefined}
        type="text"
        readOnly
        value={value}
        placeholder={placeholder}
        {...control(field)}
        onKeyDown={(e) => {
          if (e.key === 'F4' || e.key === 'Enter' || (e.key === 'ArrowDown' && e.altKey)) {
            e.preventDefault();
            setChild(field);
          } else if ((e.key === 'Delete' || e.key === 'Backspace') && extra.onClear) {
            e.preventDefault();
            extra.onClear();
          }
        }}
        onDoubleClick={() => setChild(field)}
      />
      <button type="button" className="btn btn-small editor-pick" data-testid={`editor-${field}-pick`} title={pickTitle} onClick={() => setChild(field)}>
        …
      </button>
    </div>
  );

  let hint = t('editor.warrantyNoSuggestion');
  let hintKind = 'muted';
  if (suggestion.state === 'loading') hint = t('editor.warrantyLoading');
  else if (suggestion.state === 'failed') {
    hint = t('editor.warrantyFailed', { message: suggestion.message });
    hintKind = 'error';
  } else if (suggestion.state === 'done') {
    hint = suggestion.warranty ? t('editor.warrantyYes', { until: suggestion.until }) : t('editor.warrantyNo', { until: suggestion.until });
    hintKind = 'info';
    if (suggestion.warranty !== form.warranty) {
      hint += t('editor.warrantyOverridden');
      hintKind = 'warn';
    }
  }

  /** What another desk left in a field, in words (names for ids, local time for instants). */
  const conflictValue = (field: EditorField, raw: unknown): string => {
    const v = raw === null || raw === undefined ? '' : String(raw);
    let text = v;
    if (field === 'region') text = regionPath(regions, Number(v)) || v;
    else if (field === 'taskType') text = taskTypes.find((x) => String(x.id) === v)?.name ?? v;
    else if (field === 'engineer') text = engineers.find((x) => String(x.id) === v)?.name ?? v;
    else if (field === 'warranty') text = v === '' ? '' : t(`bool.${v === 'true' || v === '1'}`);
    else if (field === 'urgency') text = v ? t(`urgency.${v}`) : '';
    else if (field === 'expectedAt') text = v ? new Date(v).toLocaleString(i18n.language) : '';
    return text ? t('editor.conflictNow', { value: text }) : t('editor.conflictNowEmpty');
  };

  const title = orderNo ? t('editor.titleModify', { orderNo }) : t('editor.titleCreate');
  const status = order ? t(`dispatchStatus.${order.status}`) : null;

  return (
    <div className="modal-backdrop dispatch-backdrop">
      <form
        ref={rootRef}
        className="dialog dispatch-editor"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dispatch-editor-title"
        data-testid="dispatch-editor"
        data-order-no={orderNo ?? ''}
        data-dirty={dirty}
        data-state={loading ? 'loading' : loadError ? 'failed' : saving ? 'saving' : 'ready'}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="dialog-title" id="dispatch-editor-title">
          <span className="dialog-title-text">{title}</span>
          {status && <span className="editor-status">{t('editor.status', { status })}</span>}
          {dirty && <span className="editor-dirty" title={t('editor.unsaved')}>●</span>}
        </div>
        <div className="dialog-body editor-body">
          {loading && <div className="form-notice">{t('common.loading')}</div>}
          {loadError && (
            <div className="form-error" role="alert" data-testid="editor-load-error">
              {t('editor.loadFailed', { message: loadError })}
            </div>
          )}
          {saved && (
            <div className="form-notice editor-saved" role="status" data-testid="editor-saved" data-order-no={saved}>
              {t('editor.saved', { orderNo: saved })}
            </div>
          )}
          {conflict && (
            <div className="form-error editor-conflict" role="alert" data-testid="editor-conflict">
              <div className="editor-conflict-text">{conflict.message}</div>
              {conflict.issues.length > 0 && (
                <ul className="editor-conflict-issues" data-testid="editor-conflict-issues">
                  {conflict.issues.map((i, n) => {
                    const field = fieldOfIssue(i.path);
                    return (
                      <li key={n}>
                        {field ? <b>{fieldLabel(t, field)}：</b> : null}
                        {field ? conflictValue(field, i.message) : i.message}
                      </li>
                    );
                  })}
                </ul>
              )}
              <div className="editor-conflict-buttons">
                <span>{t('editor.conflictHelp')}</span>
                <button type="button" className="btn btn-small btn-primary" data-testid="editor-reload" onClick={() => void reload()}>
                  {t('editor.reload')}
                </button>
                <button type="button" className="btn btn-small" data-testid="editor-conflict-keep" onClick={() => setConflict(null)}>
                  {t('editor.keepEditing')}
                </button>
              </div>
            </div>
          )}
          <fieldset className="editor-grid" disabled={loading || !!loadError}>
            {/* 合同 / 区域 */}
            <FieldRow field="contract" label={t('editor.contract')} error={errorOf('contract')}>
              {picker('contract', form.contractNo, t('editor.contractPlaceholder'), t('editor.pickContract'), {
                onClear:
                  form.contractId !== null
                    ? () => {
                        set('contractId', null, 'contract');
                        set('contractNo', '', 'contract');
                      }
                    : undefined,
              })}
            </FieldRow>
            <FieldRow field="region" label={t('dispatch.region')} required error={errorOf('region')}>
              {picker('region', regionText, t('editor.regionPlaceholder'), t('editor.pickRegion'), { regionId: form.regionId })}
            </FieldRow>

            {textField('customer', t('dispatch.customer'), { required: true, wide: true, max: 100 })}
            {textField('project', t('dispatch.project'), { wide: true, max: 200 })}
            {textField('address', t('dispatch.address'), { wide: true, max: 200 })}

            {/* 任务类型 / 三包 */}
            <FieldRow field="taskType" label={t('dispatch.task_type')} required error={errorOf('taskType')}>
              <PinyinSelect
                options={typeOptions}
                value={form.taskTypeId}
                placeholder={t('editor.choose')}
                {...control('taskType')}
                onChange={(v) => set('taskTypeId', v, 'taskType')}
                onBlur={() => touch('taskType')}
              />
            </FieldRow>
            <FieldRow field="warranty" label={t('dispatch.warranty')} error={errorOf('warranty')} className="editor-warranty">
              <label className="checkbox">
                <input
                  id="editor-warranty"
                  data-testid="editor-warranty"
                  type="checkbox"
                  checked={form.warranty}
                  onChange={(e) => {
                    setWarrantyManual(true);
                    set('warranty', e.target.checked, 'warranty');
                  }}
                />
                {t('editor.warrantyLabel')}
              </label>
              <span className={`editor-hint hint-${hintKind}`} data-testid="editor-warranty-hint" data-suggested={suggestion.state === 'done' ? String(suggestion.warranty) : ''}>
                {hint}
              </span>
            </FieldRow>

            {textField('contact', t('dispatch.contact'), { required: true, max: 50 })}
            <FieldRow field="phone" label={t('dispatch.phone')} required error={errorOf('phone')}>
              <input
                type="tel"
                value={form.phone}
                maxLength={30}
                autoComplete="off"
                placeholder={t('editor.phonePlaceholder')}
                {...control('phone')}
                onChange={(e) => set('phone', e.target.value, 'phone')}
                onBlur={() => touch('phone')}
              />
            </FieldRow>

            {textField('deviceName', t('dispatch.device_name'), { max: 100 })}
            {textField('deviceModel', t('dispatch.device_model'), { max: 100 })}
            {textField('devicePartNo', t('dispatch.device_part_no'), { max: 50 })}
            {textField('deviceSerialNo', t('dispatch.device_serial_no'), { max: 50 })}

            <FieldRow field="problem" label={t('editor.problem')} required error={errorOf('problem')} className="wide">
              <textarea
                rows={3}
                value={form.problem}
                maxLength={2000}
                {...control('problem')}
                onChange={(e) => set('problem', e.target.value, 'problem')}
                onBlur={() => touch('problem')}
              />
            </FieldRow>

            <FieldRow field="urgency" label={t('dispatch.urgency')} labelFor="editor-urgency-normal" error={errorOf('urgency')} className="editor-radios" role="radiogroup" aria-label={t('dispatch.urgency')}>
              {(['normal', 'urgent'] as const).map((u) => (
                <label key={u} className={`radio${u === 'urgent' ? ' urgent' : ''}`}>
                  <input
                    id={`editor-urgency-${u}`}
                    data-testid={`editor-urgency-${u}`}
                    type="radio"
                    name="editor-urgency"
                    value={u}
                    checked={form.urgency === u}
                    onChange={() => set('urgency', u, 'urgency')}
                  />
                  {t(`urgency.${u}`)}
                </label>
              ))}
            </FieldRow>
            <FieldRow field="expectedAt" label={t('dispatch.expected_at')} error={errorOf('expectedAt')}>
              <input
                type="datetime-local"
                value={form.expectedAt}
                min={toLocalInput(new Date().toISOString())}
                {...control('expectedAt')}
                onChange={(e) => set('expectedAt', e.target.value, 'expectedAt')}
                onBlur={() => touch('expectedAt')}
              />
            </FieldRow>

            <FieldRow field="engineer" label={t('dispatch.engineer')} error={errorOf('engineer')}>
              <PinyinSelect
                options={engineerChoices}
                value={form.engineerId}
                emptyLabel={t('editor.noEngineer')}
                sectionLabels={engineersPicked.sectionLabels}
                {...control('engineer')}
                onChange={(v) => set('engineerId', v, 'engineer')}
              />
            </FieldRow>
          </fieldset>
          <FormError text={saveError} testId="editor-save-error" />
        </div>
        <div className="dialog-buttons">
          <span className="editor-keys btn-left">{t('editor.keys')}</span>
          <button type="submit" className="btn btn-primary" data-testid="editor-save" disabled={saving || loading || !!loadError}>
            {saving ? t('editor.saving') : t('common.save')}
          </button>
          <button type="button" className="btn" data-testid="editor-cancel" onClick={requestClose}>
            {orderNo && !dirty ? t('editor.close') : t('common.cancel')}
          </button>
        </div>
      </form>
      {child === 'contract' && (
        <ContractLookup
          client={client}
          onPick={pickContract}
          onCancel={() => {
            setChild(null);
            requestAnimationFrame(() => focusField('contract'));
          }}
        />
      )}
      {child === 'region' && (
        <RegionTree
          client={client}
          selectedId={form.regionId}
          onPick={(node, _path, nodes) => {
            setRegions(nodes);
            regionFromContract.current = false;
            set('regionId', node.id, 'region');
            setChild(null);
            requestAnimationFrame(() => focusField('customer'));
          }}
          onCancel={() => {
            // The tree may have changed (a node renamed or added); the path shown follows it.
            void client.call('regions.tree', {}).then((r) => setRegions(r.nodes), () => undefined);
            setChild(null);
            requestAnimationFrame(() => focusField('region'));
          }}
        />
      )}
      {child === 'confirmClose' && (
        // "Close without saving?" — Esc or the second button goes back to the window.
        <ConfirmDialog
          title={t('editor.confirmCloseTitle')}
          message={t('editor.confirmClose')}
          buttons={[
            { id: 'discard', label: t('editor.discard'), testId: 'editor-discard' },
            { id: 'keep', label: t('editor.keepEditing'), primary: true, testId: 'editor-keep' },
          ]}
          cancelId="keep"
          focusId="keep"
          testId="editor-confirm-close"
          backdropClassName="dispatch-backdrop"
          onChoose={(id) => (id === 'discard' ? onClose() : setChild(null))}
        />
      )}
    </div>
  );
}

function fieldLabel(t: (key: string) => string, field: EditorField): string {
  const keys: Record<EditorField, string> = {
    contract: 'editor.contract',
    customer: 'dispatch.customer',
    project: 'dispatch.project',
    address: 'dispatch.address',
    region: 'dispatch.region',
    taskType: 'dispatch.task_type',
    warranty: 'dispatch.warranty',
    contact: 'dispatch.contact',
    phone: 'dispatch.phone',
    deviceName: 'dispatch.device_name',
    deviceModel: 'dispatch.device_model',
    devicePartNo: 'dispatch.device_part_no',
    deviceSerialNo: 'dispatch.device_serial_no',
    problem: 'editor.problem',
    urgency: 'dispatch.urgency',
    expectedAt: 'dispatch.expected_at',
    engineer: 'dispatch.engineer',
  };
  return t(keys[field]);
}

/** One row of the form: its label, the control(s), and the field's message under them. */
function FieldRow({
  field,
  label,
  required = false,
  labelFor = `editor-${field}`,
  error,
  className,
  children,
  ...rest
}: { field: EditorField; label: string; required?: boolean; labelFor?: string; error: string | null; className?: string; children: ReactNode } & Omit<HTMLAttributes<HTMLDivElement>, 'className' | 'children'>) {
  return (
    <>
      <label className="editor-label" htmlFor={labelFor}>
        {label}
        {required && <span className="editor-required" aria-hidden="true">*</span>}
      </label>
      <div className={`editor-control${className ? ` ${className}` : ''}`} {...rest}>
        {children}
        {error ? (
          <div className="field-error" id={`editor-${field}-error`} data-testid={`editor-${field}-error`} role="alert">
            {error}
          </div>
        ) : null}
      </div>
    </>
  );
}
