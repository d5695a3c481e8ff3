import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ApiClient } from '../api/client.js';
import type { ContentLineInput, Engineer, FeeLineInput, HistoryEntry, OrderDetail as Detail, RegionNode } from '../../../shared/dispatch/schemas.js';
import type { DispatchStatus } from '../../../shared/modules/dispatch.js';
import type { MaterialLineInput, OrderMaterials } from '../../../shared/warehouse/schemas.js';
import { mayCall, type Role } from '../../../shared/roles.js';
import type { MethodName } from '../../../shared/contract.js';
import { ServiceError } from '../../../shared/errors.js';
import { refusalMessage, type RefusalReason } from '../../../shared/dispatch/status.js';
import { formatDateTime } from '../grid/format.js';
import { errorText } from '../i18n/errors.js';
import { ConfirmDialog, ModalBackdrop } from '../dialogs/ConfirmDialog.js';
import { ContentLinesEditor } from './ContentLinesEditor.js';
import { FeeLinesEditor } from './FeeLinesEditor.js';
import type { EditorHandle, SaveOutcome } from './LinesTable.js';
import { issuesToCells } from './lines.js';
import { ReturnVisitDialog, type Satisfaction } from './ReturnVisitDialog.js';
import { MaterialsTab } from './MaterialsTab.js';
import type { PartsFeeLine } from './materials.js';
import { OwedDialog } from '../owed/OwedDialog.js';
import type { OwedInputValues } from '../owed/owed-form.js';
import { OrderChangeNotice } from '../live/OrderChangeNotice.js'; // live updates (issue 10)
import './orders.css';
import './materials.css';

// 派工单 detail (legacy 3.1.3 view, 3.1.4 content and fees of an order): one modal window per
// order with its overview, service content, service fees, materials and history; the status
// moves only along the server's status machine (nextStatuses), every write carries rowVersion.

interface Props {
  client: ApiClient;
  orderNo: string;
  onClose(): void;
  /** Called after every change that was saved, so the list can refresh. */
  onChanged(): void;
  /** The signed-in user's role: the window offers only what the role may do. */
  role: Role;
  /** The tab the window opens on (the materials list opens the materials). */
  initialTab?: OrderTab;
}

export const orderTabs = ['overview', 'content', 'fees', 'materials', 'history'] as const;
export type OrderTab = (typeof orderTabs)[number];
type Tab = OrderTab;
const editorKinds = ['content', 'fees', 'materials'] as const;
type EditorKind = (typeof editorKinds)[number];
const isEditorKind = (tab: Tab): tab is EditorKind => (editorKinds as readonly string[]).includes(tab);
/** What saving each kind of lines calls (and so who may edit them). */
const saveMethod: Record<EditorKind, MethodName> = { content: 'dispatch.saveContent', fees: 'dispatch.saveFees', materials: 'materials.save' };

type Message = { kind: 'error' | 'ok'; text: string } | null;
type Ask = { kind: EditorKind; then(): void } | null;

/** Orders closed for editing: their lines are history. */
const closedStatuses: readonly DispatchStatus[] = ['visited', 'cancelled'];
const refusalReasons: readonly RefusalReason[] = ['same', 'closed', 'notAllowed', 'visitOnly', 'needsEngineer', 'needsContent'];

export function OrderDetail({ client, orderNo, onClose, onChanged, role, initialTab = 'overview' }: Props) {
  const { t } = useTranslation();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [engineers, setEngineers] = useState<Engineer[]>([]);
  const [regions, setRegions] = useState<RegionNode[]>([]);
  const [workTypes, setWorkTypes] = useState<string[]>([]);
  const [tab, setTab] = useState<Tab>(initialTab);
  const [dirty, setDirty] = useState<Record<EditorKind, boolean>>({ content: false, fees: false, materials: false });
  const [materials, setMaterials] = useState<OrderMaterials | null>(null);
  const [materialsError, setMaterialsError] = useState<string | null>(null);
  /** Completing was refused: planned parts are not all issued (the server's words), then the owed-part form. */
  const [shortfall, setShortfall] = useState<{ message: string; form: boolean; error: string | null } | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const [ask, setAsk] = useState<Ask>(null);
  const [reasonFor, setReasonFor] = useState<DispatchStatus | null>(null);
  const [statusReason, setStatusReason] = useState('');
  const [visit, setVisit] = useState<{ error: string | null } | null>(null);
  /** Per lines tab: the server's account of the last save refused because another desk changed the order. */
  const [linesNote, setLinesNote] = useState<Record<EditorKind, string | null>>({ content: null, fees: null, materials: null });
  const rootRef = useRef<HTMLDivElement>(null);
  const contentHandle = useRef<EditorHandle | null>(null);
  const feesHandle = useRef<EditorHandle | null>(null);
  const materialsHandle = useRef<EditorHandle | null>(null);
  const handles: Record<EditorKind, React.RefObject<EditorHandle | null>> = { content: contentHandle, fees: feesHandle, materials: materialsHandle };

  /**
   * The order as last loaded (shown). Status and visit writes carry its row version: the one the
   * clerk sees, which changes only by a reload after our own save or after a refusal that
   * explains the other desk's change — never a version captured before that.
   */
  const latest = useRef<Detail['order'] | null>(null);

  const load = useCallback(async () => {
    try {
      const d = await client.call('dispatch.get', { orderNo });
      // The materials are read after the order: their row version (the order's) is never newer
      // than the plan shown, so a save over it can only be refused, never overwrite unseen work.
      let m: OrderMaterials | null = null;
      let mError: string | null = null;
      try {
        m = await client.call('materials.get', { orderNo });
      } catch (err) {
        mError = errorText(t, err);
      }
      latest.current = d.order;
      setDetail(d);
      setMaterials(m);
      setMaterialsError(mError);
      setLoadError(null);
      return d;
    } catch (err) {
      setLoadError(errorText(t, err));
      return null;
    }
  }, [client, orderNo, t]);

  useEffect(() => {
    void load();
    client
      .call('engineers.list', {})
      .then((r) => setEngineers(r.engineers))
      .catch(() => setEngineers([]));
    // Only to put the engineers of the order's region first in the content lines' picker.
    client
      .call('regions.tree', {})
      .then((r) => setRegions(r.nodes))
      .catch(() => setRegions([]));
    client
      .call('taskTypes.list', {})
      .then((r) => setWorkTypes(r.taskTypes.filter((x) => x.active).map((x) => x.name)))
      .catch(() => setWorkTypes([]));
  }, [client, load]);

  useEffect(() => rootRef.current?.focus(), []);

  const order = detail?.order;
  const readOnly = !order || closedStatuses.includes(order.status);
  const may = (method: MethodName) => mayCall(role, method);
  /** Lines this role may not save are shown, not offered for editing. */
  const linesReadOnly = (kind: EditorKind) => readOnly || !may(saveMethod[kind]) || (kind === 'materials' && !materials);

  const isDirty = (k: EditorKind) => handles[k].current?.isDirty() ?? dirty[k];

  /** Whatever comes next waits until the unsaved lines of the editor being left are saved or dropped. */
  function guard(then: () => void) {
    const kind = editorKinds.find((k) => isDirty(k));
    if (kind) setAsk({ kind, then });
    else then();
  }

  async function answerAsk(choice: string) {
    const pending = ask;
    setAsk(null);
    if (!pending) return;
    if (choice === 'save') {
      const ok = (await handles[pending.kind].current?.save()) ?? false;
      if (ok) pending.then();
      else setTab(pending.kind);
    } else if (choice === 'discard') {
      handles[pending.kind].current?.discard();
      setDirty((d) => ({ ...d, [pending.kind]: false }));
      pending.then();
    } else {
      rootRef.current?.focus();
    }
  }

  function goTab(next: Tab) {
    if (next === tab) return;
    const leaving = isEditorKind(tab) ? tab : null;
    const go = () => {
      setTab(next);
      setMessage(null);
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="order-tab-${next}"]`)?.focus());
    };
    if (leaving && isDirty(leaving)) setAsk({ kind: leaving, then: go });
    else go();
  }

  const close = () => guard(onClose);

  /** Who changed what meanwhile: the reloaded order says who and when, the issues what. */
  function conflictText(err: ServiceError, now: Detail | null): string {
    const details = (err.issues ?? [])
      .map((i) => {
        const field = i.path.replace(/^order\./, '');
        return `${fieldLabel(t, field)}：${valueText(t, field, i.message)}`;
      })
      .join('；');
    if (!now) return t('order.conflictGone', { message: err.message });
    return t('order.conflict', { by: now.order.updatedBy, at: formatDateTime(now.order.updatedAt), details: details || '—' });
  }

  /** A failed write in the clerk's words; a conflict reloads the order (unsaved lines stay). */
  async function failure(err: unknown, status?: DispatchStatus): Promise<string> {
    if (err instanceof ServiceError) {
      if (err.code === 'CONFLICT') return conflictText(err, await load());
      if (err.code === 'REFUSED') {
        // The warehouse's rules say why with a reason code, translated.
        if (err.reason) return errorText(t, err);
        const from = detail?.order.status;
        const to = status ?? 'visited';
        const reason = from ? refusalReasons.find((r) => refusalMessage(r, from, to) === err.message) : undefined;
        return reason ? t(`order.refusal.${reason}`) : t('order.refused', { reason: err.message });
      }
    }
    return errorText(t, err);
  }

  async function afterChange(text: string) {
    setMessage({ kind: 'ok', text });
    await load();
    onChanged();
  }

  async function setStatus(status: DispatchStatus, reason = '', owed?: OwedInputValues) {
    const now = latest.current;
    if (!now) return;
    setBusy(true);
    setMessage(null);
    try {
      await client.call('dispatch.setStatus', { orderNo, rowVersion: now.rowVersion, status, reason, ...(owed ? { owed } : {}) });
      setReasonFor(null);
      setStatusReason('');
      setShortfall(null);
      await afterChange(owed ? t('completeOwed.done') : t('order.statusChanged', { status: t(`dispatchStatus.${status}`) }));
    } catch (err) {
      setReasonFor(null);
      const text = await failure(err, status);
      if (status === 'completed' && err instanceof ServiceError && err.code === 'REFUSED' && err.reason?.code === 'MATERIALS_NOT_ISSUED') {
        // Planned parts not issued: the clerk records them as owed or reduces the plan (the reason in its own words).
        const why = t('reasons.MATERIALS_NOT_ISSUED', err.reason.params ?? {});
        setShortfall((s) => ({ message: why, form: s?.form ?? false, error: s?.form ? text : null }));
      } else if (owed) {
        // The owed-part form stays open with what went wrong.
        setShortfall((s) => (s ? { ...s, error: text } : s));
      } else setMessage({ kind: 'error', text });
    } finally {
      setBusy(false);
    }
  }

  function answerShortfall(choice: string) {
    if (choice === 'owed') setShortfall((s) => (s ? { ...s, form: true, error: null } : s));
    else {
      setShortfall(null);
      if (choice === 'reduce') {
        goTab('materials');
        setMessage({ kind: 'ok', text: t('completeOwed.reduceHint') });
      } else rootRef.current?.focus();
    }
  }

  function pickStatus(status: DispatchStatus) {
    guard(() => {
      if (status === 'cancelled') {
        setStatusReason('');
        setReasonFor(status);
      } else void setStatus(status);
    });
  }

  async function saveVisit(v: { satisfaction: Satisfaction; reason: string; remarks: string }) {
    const now = latest.current;
    if (!now) return;
    setBusy(true);
    try {
      await client.call('dispatch.returnVisit', { orderNo, rowVersion: now.rowVersion, ...v });
      setVisit(null);
      await afterChange(t('order.visitSaved'));
    } catch (err) {
      setVisit({ error: await failure(err) });
    } finally {
      setBusy(false);
    }
  }

  /**
   * Lines are written over the row version the editor says they were based on (or, after the
   * clerk chose to overwrite another desk's change, the one loaded now) — never simply the
   * latest loaded one: the server replaces the lines as a set.
   */
  async function saveLines(kind: EditorKind, lines: ContentLineInput[] | FeeLineInput[] | MaterialLineInput[], rowVersion: number, saved: () => void): Promise<SaveOutcome> {
    if (!order) return { ok: false };
    setMessage(null);
    try {
      if (kind === 'content') await client.call('dispatch.saveContent', { orderNo, rowVersion, lines: lines as ContentLineInput[] });
      else if (kind === 'fees') await client.call('dispatch.saveFees', { orderNo, rowVersion, lines: lines as FeeLineInput[] });
      else await client.call('materials.save', { orderNo, rowVersion, lines: lines as MaterialLineInput[] });
      saved();
      setLinesNote((n) => ({ ...n, [kind]: null }));
      const savedText = { content: 'order.contentSaved', fees: 'order.feesSaved', materials: 'materialsTab.saved' } as const;
      await afterChange(t(savedText[kind], { count: lines.length }));
      return { ok: true };
    } catch (err) {
      if (err instanceof ServiceError && err.code === 'INVALID_PARAMS') {
        const { cells, rest } = issuesToCells(err.issues, { hoursX100: 'hours', amountFen: 'amount', partId: 'part', unitPriceFen: 'unitPrice' });
        setMessage({ kind: 'error', text: rest.length ? errorText(t, new ServiceError('INVALID_PARAMS', err.message, { issues: rest.map((m) => ({ path: '', message: m })) })) : t('lines.errors.fixCells') });
        return { ok: false, cellErrors: cells };
      }
      const text = await failure(err);
      // The editor keeps the clerk's lines on their old version and explains the change in the tab.
      if (err instanceof ServiceError && err.code === 'CONFLICT') setLinesNote((n) => ({ ...n, [kind]: text }));
      setMessage({ kind: 'error', text });
      return { ok: false };
    }
  }

  // The editors keep the latest of these in a ref: no need for stable identities.
  const saveContent = (lines: ContentLineInput[], rowVersion: number, saved: () => void) => saveLines('content', lines, rowVersion, saved);
  const saveFees = (lines: FeeLineInput[], rowVersion: number, saved: () => void) => saveLines('fees', lines, rowVersion, saved);
  const saveMaterials = (lines: MaterialLineInput[], rowVersion: number, saved: () => void) => saveLines('materials', lines, rowVersion, saved);
  const conflictSettled = (kind: EditorKind) => () => {
    setLinesNote((n) => ({ ...n, [kind]: null }));
    setMessage(null);
  };
  const onContentDirty = useCallback((d: boolean) => setDirty((p) => (p.content === d ? p : { ...p, content: d })), []);
  const onFeesDirty = useCallback((d: boolean) => setDirty((p) => (p.fees === d ? p : { ...p, fees: d })), []);
  const onMaterialsDirty = useCallback((d: boolean) => setDirty((p) => (p.materials === d ? p : { ...p, materials: d })), []);
  // "Saved" is old news once the lines are changed again (typed, replaced with Ctrl+F …).
  const anyDirty = dirty.content || dirty.fees || dirty.materials;
  useEffect(() => {
    if (anyDirty) setMessage((m) => (m?.kind === 'ok' ? null : m));
  }, [anyDirty]);
  // The server's computed parts lines (its fee totals count them), with their units from the materials.
  const partsLines = useMemo(
    (): PartsFeeLine[] => (detail?.materialFees ?? []).map((f) => ({ ...f, unit: materials?.lines.find((l) => l.id === f.id)?.unit })),
    [detail, materials],
  );
  const people = useMemo(() => engineers.filter((e) => e.active).map((e) => e.name), [engineers]);
  const contentDefaults = useMemo(() => ({ engineerId: order?.engineerId ?? null, workType: order?.taskType ?? '' }), [order?.engineerId, order?.taskType]);

  // The window is modal: its keys work wherever the focus is (also when a reload took it away).
  // Small dialogs on top stop their keys; a lines table marks the keys it handled (preventDefault).
  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => {});
  keyHandler.current = onKeyDown;
  useEffect(() => {
    const listener = (e: KeyboardEvent) => {
      if (!(e.target instanceof Node && rootRef.current?.contains(e.target))) keyHandler.current(e);
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  function onKeyDown(e: KeyboardEvent) {
    if (ask || reasonFor || visit || shortfall) return;
    const ctrl = e.ctrlKey || e.metaKey;
    if (ctrl && e.key === 'Tab') {
      e.preventDefault();
      const i = orderTabs.indexOf(tab);
      goTab(orderTabs[(i + (e.shiftKey ? orderTabs.length - 1 : 1)) % orderTabs.length]);
    } else if (ctrl && !e.shiftKey && !e.altKey && /^[1-5]$/.test(e.key)) {
      e.preventDefault();
      goTab(orderTabs[Number(e.key) - 1]);
    } else if (e.defaultPrevented) {
      // handled inside a lines table
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (isEditorKind(tab) && e.key === 'Insert') {
      // Insert works wherever the focus is in the window (tab strip, status bar …).
      e.preventDefault();
      handles[tab].current?.add(ctrl);
    } else if (ctrl && (e.key === 's' || e.key === 'S')) {
      // Never the browser's "save page"; on a lines tab it saves the lines.
      e.preventDefault();
      if (isEditorKind(tab)) void handles[tab].current?.save();
    } else if (ctrl && !e.shiftKey && !e.altKey && (e.key === 'f' || e.key === 'F') && isEditorKind(tab) && handles[tab].current?.find) {
      // Find and replace in the lines' text (the materials).
      e.preventDefault();
      handles[tab].current?.find?.();
    }
  }

  // The keys the tab offers: editing keys only where this user may edit the lines.
  let keysHint = '';
  if (isEditorKind(tab) && order) {
    if (tab === 'materials') keysHint = linesReadOnly(tab) ? t('materialsTab.keysHintReadOnly') : t('materialsTab.keysHint');
    else if (!linesReadOnly(tab)) keysHint = t('order.keysHint');
  }

  const title = order ? t('order.title', { orderNo, customer: order.customer }) : t('order.titleLoading', { orderNo });
  const readOnlyNote = order && readOnly ? t('order.readOnly', { status: t(`dispatchStatus.${order.status}`) }) : undefined;
  const noteOf = (kind: EditorKind) => readOnlyNote ?? (may(saveMethod[kind]) ? undefined : t('orderAccess.readOnly', { role: t(`roles.${role}`) }));
  // Status changes and the return visit are offered only to roles that may make them.
  const moves = may('dispatch.setStatus') ? (detail?.nextStatuses ?? []).filter((s) => s !== 'visited') : [];
  const canVisit = order?.status === 'completed' && may('dispatch.returnVisit');

  return (
    <div className="modal-backdrop order-backdrop">
      <div
        ref={rootRef}
        className="dialog order-detail"
        role="dialog"
        aria-modal="true"
        aria-labelledby="order-detail-title"
        data-testid="order-detail"
        data-order-no={orderNo}
        data-status={order?.status ?? ''}
        data-row-version={order?.rowVersion ?? ''}
        tabIndex={-1}
        onKeyDown={(e) => {
          // Keys stay in the window: the list behind it (Ctrl+A, Ctrl+C …) must not act on them.
          keyHandler.current(e.nativeEvent);
          e.stopPropagation();
        }}
      >
        <div className="dialog-title">
          <span className="dialog-title-text" id="order-detail-title">
            {title}
          </span>
          <button type="button" className="order-close-x" aria-label={t('order.close')} title={t('order.closeTitle')} onClick={close}>
            ×
          </button>
        </div>

        <div className="order-statusbar">
          <span className="order-statusbar-label">{t('order.status')}</span>
          <span className={`status-badge status-${order?.status ?? 'none'}`} data-testid="order-status" data-status={order?.status ?? ''}>
            {order ? t(`dispatchStatus.${order.status}`) : '…'}
          </span>
          {moves.length > 0 && <span className="order-statusbar-label">{t('order.moveTo')}</span>}
          {moves.map((s) => (
            <button
              key={s}
              type="button"
              className={`btn btn-small status-move status-move-${s}`}
              data-testid={`status-to-${s}`}
              disabled={busy}
              title={t('order.moveTitle', { status: t(`dispatchStatus.${s}`) })}
              onClick={() => pickStatus(s)}
            >
              {t(`dispatchStatus.${s}`)}
            </button>
          ))}
          {canVisit && (
            <button type="button" className="btn btn-small btn-primary status-visit" data-testid="visit-open" disabled={busy} onClick={() => guard(() => setVisit({ error: null }))}>
              {t('order.visit.open')}
            </button>
          )}
          <span className="order-statusbar-spacer" />
          {order && (
            <span className="order-statusbar-info">
              {t('order.updated', { at: formatDateTime(order.updatedAt), by: order.updatedBy })}
            </span>
          )}
        </div>

        <OrderChangeNotice orderNo={orderNo} loaded={detail} onReload={() => void load()} />
        <div className="order-tabs" role="tablist">
          {orderTabs.map((k, i) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              className={`order-tab ${tab === k ? 'active' : ''}`}
              data-testid={`order-tab-${k}`}
              title={`Ctrl+${i + 1}`}
              tabIndex={tab === k ? 0 : -1}
              onClick={() => goTab(k)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                  e.preventDefault();
                  goTab(orderTabs[(i + (e.key === 'ArrowRight' ? 1 : orderTabs.length - 1)) % orderTabs.length]);
                }
              }}
            >
              {t(`order.tabs.${k}`)}
              {k === 'content' && detail && <span className="tab-count">{detail.contents.length}</span>}
              {k === 'fees' && detail && <span className="tab-count">{detail.fees.length}</span>}
              {k === 'materials' && materials && <span className="tab-count">{materials.lines.length}</span>}
              {k === 'materials' && materials && materials.owed.some((o) => o.status === 'owed' || o.status === 'partial') && (
                <span className="tab-owed" title={t('materialsTab.openOwed')}>
                  {t('materialsTab.owedMark')}
                </span>
              )}
              {isEditorKind(k) && dirty[k] && <span className="tab-dirty" title={t('lines.dirty')}>●</span>}
            </button>
          ))}
        </div>

        <div className="order-body" role="tabpanel" data-testid={`order-panel-${tab}`}>
          {!detail && !loadError && <div className="order-loading">{t('common.loading')}</div>}
          {!detail && loadError && <div className="form-error">{loadError}</div>}
          {detail && tab === 'overview' && <Overview detail={detail} t={t} />}
          {detail && tab === 'content' && (
            <ContentLinesEditor
              lines={detail.contents}
              version={detail.order.rowVersion}
              changedBy={detail.order.updatedBy}
              changedAt={detail.order.updatedAt}
              conflictNote={linesNote.content}
              onConflictSettled={conflictSettled('content')}
              engineers={engineers}
              regions={regions}
              regionId={order?.regionId ?? null}
              defaults={contentDefaults}
              workTypes={workTypes}
              readOnly={linesReadOnly('content')}
              readOnlyNote={noteOf('content')}
              save={saveContent}
              handle={contentHandle}
              onDirtyChange={onContentDirty}
            />
          )}
          {detail && tab === 'fees' && (
            <FeeLinesEditor
              lines={detail.fees}
              version={detail.order.rowVersion}
              changedBy={detail.order.updatedBy}
              changedAt={detail.order.updatedAt}
              conflictNote={linesNote.fees}
              onConflictSettled={conflictSettled('fees')}
              savedTotals={detail.feeTotals}
              warranty={detail.order.warranty}
              readOnly={linesReadOnly('fees')}
              readOnlyNote={noteOf('fees')}
              partsLines={partsLines}
              save={saveFees}
              handle={feesHandle}
              onDirtyChange={onFeesDirty}
            />
          )}
          {detail && tab === 'materials' && (
            <MaterialsTab
              client={client}
              materials={materials}
              loadError={materialsError}
              version={detail.order.rowVersion}
              changedBy={detail.order.updatedBy}
              changedAt={detail.order.updatedAt}
              conflictNote={linesNote.materials}
              onConflictSettled={conflictSettled('materials')}
              warranty={detail.order.warranty}
              readOnly={linesReadOnly('materials')}
              readOnlyNote={noteOf('materials')}
              save={saveMaterials}
              handle={materialsHandle}
              onDirtyChange={onMaterialsDirty}
            />
          )}
          {detail && tab === 'history' && <History entries={detail.history} t={t} />}
        </div>

        <div className={`order-message ${message?.kind ?? ''}`} data-testid="order-message" data-kind={message?.kind ?? ''} role={message?.kind === 'error' ? 'alert' : 'status'}>
          {message?.text ?? keysHint}
        </div>

        <div className="dialog-buttons">
          <button type="button" className="btn" onClick={close} data-testid="order-close">
            {t('order.close')}
          </button>
        </div>

        {ask && (
          <ConfirmDialog
            title={t('order.unsavedTitle')}
            message={t('order.unsaved', { what: t(`order.tabs.${ask.kind}`) })}
            buttons={[
              { id: 'save', label: t('order.unsavedSave'), primary: true },
              { id: 'discard', label: t('order.unsavedDiscard') },
              { id: 'cancel', label: t('common.cancel') },
            ]}
            cancelId="cancel"
            testId="unsaved-dialog"
            onChoose={(id) => void answerAsk(id)}
          />
        )}

        {reasonFor && (
          <StatusReasonDialog
            status={reasonFor}
            value={statusReason}
            busy={busy}
            onChange={setStatusReason}
            onConfirm={() => void setStatus(reasonFor, statusReason.trim())}
            onCancel={() => {
              setReasonFor(null);
              rootRef.current?.focus();
            }}
          />
        )}

        {shortfall && !shortfall.form && (
          <ConfirmDialog
            title={t('completeOwed.title')}
            message={`${shortfall.message}\n\n${t('completeOwed.ask')}`}
            buttons={[
              { id: 'owed', label: t('completeOwed.recordOwed'), primary: true, testId: 'complete-owed-record' },
              { id: 'reduce', label: t('completeOwed.reducePlan'), testId: 'complete-owed-reduce' },
              { id: 'cancel', label: t('common.cancel'), testId: 'complete-owed-cancel' },
            ]}
            cancelId="cancel"
            testId="complete-owed-choice"
            onChoose={answerShortfall}
          />
        )}

        {shortfall?.form && (
          <OwedDialog
            client={client}
            mode="complete"
            testId="complete-owed-dialog"
            title={t('completeOwed.formTitle', { orderNo })}
            intro={<p className="owed-shortfall">{shortfall.message}</p>}
            people={people}
            initial={{ responsible: order?.engineer ?? '' }}
            busy={busy}
            error={shortfall.error}
            submitLabel={t('completeOwed.submit')}
            onSubmit={(owed) => void setStatus('completed', '', owed as OwedInputValues)}
            onCancel={() => {
              setShortfall(null);
              rootRef.current?.focus();
            }}
          />
        )}

        {visit && order && (
          <ReturnVisitDialog
            orderNo={orderNo}
            busy={busy}
            error={visit.error}
            onSave={(v) => void saveVisit(v)}
            onCancel={() => {
              setVisit(null);
              rootRef.current?.focus();
            }}
          />
        )}
      </div>
    </div>
  );
}

function StatusReasonDialog(props: { status: DispatchStatus; value: string; busy: boolean; onChange(v: string): void; onConfirm(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [tried, setTried] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const missing = props.value.trim() === '';
  return (
    <ModalBackdrop onEscape={props.onCancel}>
      <form
        className="dialog status-reason-dialog"
        role="dialog"
        aria-modal="true"
        data-testid="status-reason-dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!missing) props.onConfirm();
        }}
      >
        <div className="dialog-title">{t('order.reasonTitle', { status: t(`dispatchStatus.${props.status}`) })}</div>
        <div className="dialog-body">
          <label className="visit-field">
            <span>
              {t('order.reason')}
              <span className="required-mark">*</span>
            </span>
            <textarea
              ref={ref}
              rows={3}
              maxLength={500}
              value={props.value}
              aria-invalid={tried && missing}
              data-testid="status-reason"
              onChange={(e) => props.onChange(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
              }}
            />
          </label>
          {tried && missing && <div className="field-error">{t('order.reasonRequired')}</div>}
          <p className="note">{t('order.cancelNote')}</p>
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="btn btn-primary" disabled={props.busy} data-testid="status-confirm">
            {t('order.reasonConfirm', { status: t(`dispatchStatus.${props.status}`) })}
          </button>
          <button type="button" className="btn" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </ModalBackdrop>
  );
}

function Field({ label, value, wide, testId }: { label: string; value: React.ReactNode; wide?: boolean; testId?: string }) {
  const empty = value === null || value === undefined || value === '';
  return (
    <div className={`ov-field ${wide ? 'wide' : ''}`}>
      <dt>{label}</dt>
      <dd data-testid={testId} className={empty ? 'empty' : ''}>
        {empty ? '—' : value}
      </dd>
    </div>
  );
}

function Overview({ detail, t }: { detail: Detail; t: TFunction }) {
  const o = detail.order;
  const yesNo = (b: boolean) => t(`bool.${b}`);
  let warrantyNote = '';
  if (o.warrantySuggested !== null) {
    warrantyNote = o.warrantyOverridden
      ? t('order.warrantyOverridden', { suggested: yesNo(o.warrantySuggested) })
      : t('order.warrantySuggested', { suggested: yesNo(o.warrantySuggested) });
  } else if (o.warrantyOverridden) warrantyNote = t('order.warrantyOverriddenNoSuggestion');
  return (
    <div className="order-overview" data-testid="order-overview">
      <section>
        <h3>{t('order.section.order')}</h3>
        <dl className="ov-grid">
          <Field label={t('dispatch.order_no')} value={o.orderNo} />
          <Field label={t('dispatch.status')} value={<span className={`status-badge status-${o.status}`}>{t(`dispatchStatus.${o.status}`)}</span>} />
          <Field label={t('dispatch.customer')} value={o.customer} />
          <Field label={t('dispatch.contract_no')} value={o.contractNo} />
          <Field label={t('dispatch.project')} value={o.project} />
          <Field label={t('dispatch.region')} value={o.region} />
          <Field label={t('dispatch.address')} value={o.address} wide />
          <Field label={t('dispatch.task_type')} value={o.taskType} />
          <Field
            label={t('dispatch.warranty')}
            testId="order-warranty"
            value={
              <>
                <b>{yesNo(o.warranty)}</b>
                {warrantyNote && <span className={`ov-note ${o.warrantyOverridden ? 'overridden' : ''}`}>{warrantyNote}</span>}
              </>
            }
          />
          <Field
            label={t('dispatch.urgency')}
            value={<span className={o.urgency === 'urgent' ? 'urgent' : ''}>{t(`urgency.${o.urgency}`)}</span>}
          />
          <Field label={t('dispatch.expected_at')} value={formatDateTime(o.expectedAt)} />
          <Field label={t('dispatch.engineer')} value={o.engineer} />
        </dl>
      </section>
      <section>
        <h3>{t('order.section.contactDevice')}</h3>
        <dl className="ov-grid">
          <Field label={t('dispatch.contact')} value={o.contact} />
          <Field label={t('dispatch.phone')} value={o.phone} />
          <Field label={t('dispatch.device_name')} value={o.deviceName} />
          <Field label={t('dispatch.device_model')} value={o.deviceModel} />
          <Field label={t('dispatch.device_part_no')} value={o.devicePartNo} />
          <Field label={t('dispatch.device_serial_no')} value={o.deviceSerialNo} />
          <Field label={t('dispatch.problem')} value={o.problem} wide />
        </dl>
      </section>
      {o.satisfaction && (
        <section data-testid="order-visit-result">
          <h3>{t('order.section.visit')}</h3>
          <dl className="ov-grid">
            <Field label={t('order.visit.satisfaction')} value={<span className={`satisfaction-${o.satisfaction}`}>{t(`satisfaction.${o.satisfaction}`)}</span>} />
            <Field label={t('order.visit.reason')} value={o.visitReason} />
            <Field label={t('order.visit.remarks')} value={o.visitRemarks} wide />
          </dl>
        </section>
      )}
      <section>
        <h3>{t('order.section.record')}</h3>
        <dl className="ov-grid">
          <Field label={t('dispatch.created_at')} value={formatDateTime(o.createdAt)} />
          <Field label={t('dispatch.created_by')} value={o.createdBy} />
          <Field label={t('order.updatedAt')} value={formatDateTime(o.updatedAt)} />
          <Field label={t('order.updatedBy')} value={o.updatedBy} />
          <Field label={t('order.section.lines')} value={t('order.linesSummary', { content: detail.contents.length, fees: detail.fees.length })} wide />
        </dl>
      </section>
    </div>
  );
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A history field in words: an order field, a line field, or as stored. */
function fieldLabel(t: TFunction, field: string): string {
  if (!field) return '';
  for (const key of [`order.historyField.${field}`, `dispatch.${snake(field)}`, `lines.content.${field}`, `lines.fees.${field}`, `orderHistory.field.${field}`]) {
    const text = t(key, { defaultValue: '' });
    if (text) return text;
  }
  return field;
}

/** Enum codes inside the server's line summaries ('#12 labour ¥12.50 customer unsettled'), in words. */
const lineTokens: Record<string, string> = {
  labour: 'feeType.labour',
  travel: 'feeType.travel',
  parts: 'feeType.parts',
  accommodation: 'feeType.accommodation',
  other: 'feeType.other',
  customer: 'payer.customer',
  company: 'payer.company',
  solved: 'workResult.solved',
  partly_solved: 'workResult.partly_solved',
  unsolved: 'workResult.unsolved',
  settled: 'order.history.settled',
  unsettled: 'order.history.unsettled',
};

function valueText(t: TFunction, field: string, value: string | null): string {
  if (value === null || value === '') return '—';
  if (field === 'contents' || field === 'fees') {
    return value.replace(/(?<![\w-])(labour|travel|parts|accommodation|other|customer|company|partly_solved|unsolved|solved|unsettled|settled)(?![\w-])/g, (w) => t(lineTokens[w]));
  }
  // The warehouse's records (materials plan, owed parts): their codes in words.
  if (field === 'materials') return value.replace(/(?<![\w-])(customer|company)(?![\w-])/g, (w) => t(`materialPayer.${w}`));
  if (field === 'owed') return value.replace(/(?<![\w-])(owed|partial|supplied|closed)(?![\w-])/g, (w) => t(`owedStatus.${w}`));
  if (field === 'status') return t(`dispatchStatus.${value}`, { defaultValue: value });
  if (field === 'urgency') return t(`urgency.${value}`, { defaultValue: value });
  if (field === 'satisfaction') return t(`satisfaction.${value}`, { defaultValue: value });
  if (value === 'true' || value === 'false') return t(`bool.${value}`);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return formatDateTime(value);
  return value;
}

function History({ entries, t }: { entries: readonly HistoryEntry[]; t: TFunction }) {
  const rows = useMemo(() => [...entries].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)), [entries]);
  if (rows.length === 0) return <div className="order-placeholder">{t('order.historyEmpty')}</div>;
  return (
    <div className="history-scroll">
      <table className="history-table" data-testid="history-table">
        <thead>
          <tr>
            <th style={{ width: 130 }}>{t('order.history.at')}</th>
            <th style={{ width: 90 }}>{t('order.history.by')}</th>
            <th style={{ width: 90 }}>{t('order.history.action')}</th>
            <th style={{ width: 120 }}>{t('order.history.field')}</th>
            <th>{t('order.history.change')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h, i) => (
            <tr key={i} data-testid="history-row" data-action={h.action} data-field={h.field}>
              <td>{formatDateTime(h.at)}</td>
              <td>{h.by}</td>
              <td>{t(`order.action.${h.action}`, { defaultValue: t(`orderHistory.action.${h.action}`, { defaultValue: h.action }) })}</td>
              <td>{fieldLabel(t, h.field)}</td>
              <td className="history-change">
                {h.oldValue === null && h.newValue !== null ? (
                  <span className="new">{valueText(t, h.field, h.newValue)}</span>
                ) : (
                  <>
                    <span className="old">{valueText(t, h.field, h.oldValue)}</span>
                    <span className="arrow">→</span>
                    <span className="new">{valueText(t, h.field, h.newValue)}</span>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
