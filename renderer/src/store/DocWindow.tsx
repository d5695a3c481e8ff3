import { useCallback, useEffect, useRef, useState, type ComponentProps, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ServiceError } from '../../../shared/errors.js';
import type { Role } from '../../../shared/roles.js';
import type { Warehouse } from '../../../shared/warehouse/schemas.js';
import type { ApiClient } from '../api/client.js';
import { ConfirmDialog, DialogWindow, FormError, useEscapeKey } from '../dialogs/ConfirmDialog.js';
import { LinesTable, type LineColumn, type TableApi } from '../orders/LinesTable.js';
import { errorText } from '../i18n/errors.js';
import { LineSerialPicker, noteOf, type Patch } from './cells.js';
import { DocumentView } from './DocumentView.js';
import { OrderField, orderNoOf, type OrderState } from './OrderField.js';
import { isBlank, issuesOnLines, linesNamedBy, type BaseDraft, type PartRef, type Problems } from './store-lines.js';
import '../orders/orders.css';
import './store.css';

// The frame of every new stock document — 领用, 退料, 入库, 盘点调整: the header fields, the
// lines in the one lines table (orders/LinesTable: Insert adds, Ctrl+Delete removes, Shift/Ctrl
// select), the refusal above the lines, the totals under them, a line's serial picker, and Post
// (then the posted document's view). Posting never loses what was typed: a refusal is explained
// (and its lines marked), and the keeper changes the lines and posts again. A window adds only
// what is its own: its header fields, its columns, what its picker offers, how it posts.

/** The lines of a document window and what its last post said about them. */
export function useDocLines<D extends BaseDraft>(initial: () => D[]) {
  const { t } = useTranslation();
  const [lines, setLinesState] = useState<D[]>(initial);
  const [tried, setTried] = useState(false);
  const [posting, setPosting] = useState(false);
  const [posted, setPosted] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [flagged, setFlagged] = useState<ReadonlySet<string>>(new Set());
  const [serverCells, setServerCells] = useState<Record<string, string>>({});
  const [headerErrors, setHeaderErrors] = useState<Record<string, string>>({});
  /** The line whose serial picker (…) is open. */
  const [picking, setPicking] = useState<string | null>(null);

  /** The table added or removed lines (cell messages of the server name lines by position: they go). */
  const setLines = useCallback((next: D[]) => {
    setLinesState(next);
    setServerCells({});
  }, []);

  const patch: Patch<D> = useCallback((key, p) => {
    setLinesState((prev) => prev.map((l) => (l.key === key ? { ...l, ...(typeof p === 'function' ? p(l) : p) } : l)));
    setServerCells((prev) => (Object.keys(prev).length ? {} : prev));
  }, []);

  /** Runs a post: `send` returns the document number. The lines stay whatever happens. */
  const post = useCallback(
    async (send: () => Promise<string>, fieldOf: Record<string, string> = {}, from: readonly number[] = []): Promise<string | null> => {
      setPosting(true);
      setRefusal(null);
      setFlagged(new Set());
      setServerCells({});
      setHeaderErrors({});
      try {
        const docNo = await send();
        setPosted(docNo);
        // What was posted stays on screen; lines left blank were not part of it.
        setLinesState((prev) => prev.filter((l) => !isBlank(l)));
        return docNo;
      } catch (err) {
        const outcome = postFailure(t, err, lines, fieldOf, from);
        setRefusal(outcome.banner);
        setFlagged(outcome.flagged);
        setServerCells(outcome.cells);
        setHeaderErrors(outcome.header);
        return null;
      } finally {
        setPosting(false);
      }
    },
    [t, lines],
  );

  /** A new document of the same kind: empty lines, nothing said. */
  const restart = useCallback((fresh: D[]) => {
    setLinesState(fresh);
    setTried(false);
    setPosted(null);
    setRefusal(null);
    setFlagged(new Set());
    setServerCells({});
    setHeaderErrors({});
  }, []);

  /** The message of each cell, given our own checks of the lines. */
  const noteFor = (errors: Problems) =>
    // A posted document is history: the checks of its lines (against the stock after it) no longer speak.
    noteOf(t, posted ? {} : errors, serverCells, tried);

  return { lines, setLines, patch, tried, setTried, posting, posted, refusal, setRefusal, flagged, serverCells, headerErrors, post, restart, noteFor, picking, setPicking };
}

/** What stands above the lines when our own checks stopped a post: no lines at all, or look at the marks. */
export function checksFailed(t: TFunction, errors: Problems): string {
  const whole = errors['-1.lines'];
  return whole ? t(`store.lineErrors.${whole.code}`) : t('store.fixMarked');
}

/** What a failed post says, where: on the lines it names, on header fields, or above the lines. */
export function postFailure<D extends BaseDraft>(t: TFunction, err: unknown, lines: readonly D[], fieldOf: Record<string, string>, from: readonly number[] = []) {
  if (err instanceof ServiceError && err.code === 'INVALID_PARAMS') {
    const { cells, header, rest } = issuesOnLines(err.issues, fieldOf, from);
    const banner = rest.length ? t('errors.INVALID_PARAMS', { details: rest.join('; ') }) : t('store.fixMarked');
    return { banner, cells, header, flagged: new Set<string>() };
  }
  const reason = err instanceof ServiceError ? err.reason : undefined;
  return { banner: errorText(t, err), cells: {}, header: {}, flagged: linesNamedBy(lines, reason) };
}

interface Props<D extends BaseDraft> {
  testId: 'issue-window' | 'return-window' | 'receipt-window' | 'adjust-window';
  title: string;
  /** The document's own fields above the lines. */
  header: ReactNode;
  /** Commands above the lines beside the table's own (从计划带入 …). */
  tools?: ReactNode;
  columns: readonly LineColumn<D>[];
  /** The lines and where their post stands (useDocLines). */
  doc: Pick<ReturnType<typeof useDocLines<D>>, 'lines' | 'setLines' | 'patch' | 'posting' | 'posted' | 'picking' | 'setPicking'>;
  newLine(): D;
  footer?: ReactNode;
  /** What the last post said, above the lines. */
  refusal: string | null;
  /** A note above the lines that is not a failure (带入了 3 行 …). */
  notice?: string | null;
  postedText(docNo: string): string;
  postLabel: string;
  onPost(): void;
  onNew(): void;
  /** Something typed that posting or closing would matter for. */
  dirty: boolean;
  onClose(): void;
  /** What the serial picker of a line (opened by its … in the serials cell) offers: the window's own. */
  serialPicker(line: D & { part: PartRef }): Omit<ComponentProps<typeof LineSerialPicker<D>>, 'line' | 'patch' | 'onClose'>;
  /** Blocks posting while loading (warehouses …). */
  ready?: boolean;
  /** For the view of the posted document (查看单据). */
  client: ApiClient;
  role: Role;
}

export function DocWindow<D extends BaseDraft>(props: Props<D>) {
  const { t } = useTranslation();
  const { testId, dirty, onClose } = props;
  // The number of the posted document: the window then shows it, read only.
  const { posted, posting } = props.doc;
  const [confirmClose, setConfirmClose] = useState(false);
  const [viewing, setViewing] = useState<string | null>(null);
  const pickerLine = props.doc.picking ? props.doc.lines.find((l) => l.key === props.doc.picking) : undefined;
  const api = useRef<TableApi | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  // The window opens with the cursor in its first field.
  useEffect(() => bodyRef.current?.querySelector<HTMLElement>('.store-form input:not(:disabled), .store-form select:not(:disabled)')?.focus(), []);
  const readOnly = posted !== null || posting;

  const requestClose = () => {
    if (dirty && !posted) setConfirmClose(true);
    else onClose();
  };
  useEscapeKey(() => (confirmClose ? setConfirmClose(false) : requestClose()));

  const post = () => {
    if (!readOnly && props.ready !== false) props.onPost();
  };

  return (
    <DialogWindow
      backdropClassName="store-backdrop"
      className="store-doc"
      titleId={`${testId}-title`}
      testId={testId}
      title={
        <>
          <span className="dialog-title-text">{props.title}</span>
          {posted && (
            <span className="store-title-doc" data-testid={`${testId}-doc-no`}>
              {posted}
            </span>
          )}
        </>
      }
      over={
        <>
          {pickerLine?.part && (
            <LineSerialPicker<D>
              line={pickerLine}
              patch={props.doc.patch}
              onClose={() => props.doc.setPicking(null)}
              {...props.serialPicker(pickerLine as D & { part: PartRef })}
            />
          )}
          {viewing && <DocumentView client={props.client} role={props.role} docNo={viewing} onClose={() => setViewing(null)} />}
          {confirmClose && (
            <ConfirmDialog
              title={t('store.closeTitle')}
              message={t('store.closeUnposted')}
              buttons={[
                { id: 'discard', label: t('store.discard'), testId: `${testId}-discard` },
                { id: 'keep', label: t('store.keepEditing'), primary: true, testId: `${testId}-keep` },
              ]}
              cancelId="keep"
              focusId="keep"
              onChoose={(id) => (id === 'discard' ? onClose() : setConfirmClose(false))}
            />
          )}
        </>
      }
    >
      <div
        ref={bodyRef}
        className="dialog-body store-doc-body"
        data-state={posted ? 'posted' : posting ? 'posting' : 'editing'}
        onKeyDown={(e) => {
          // Ctrl+S (also in the lines) or Ctrl+Enter posts.
          if (e.defaultPrevented) return;
          if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'S' || e.key === 'Enter')) {
            e.preventDefault();
            post();
          }
        }}
      >
        {posted && (
          <div className="form-notice store-posted" role="status" data-testid={`${testId}-posted`} data-doc-no={posted}>
            <span>{props.postedText(posted)}</span>
            <button type="button" className="btn btn-small" data-testid={`${testId}-view-posted`} onClick={() => setViewing(posted)}>
              {t('store.viewPosted')}
            </button>
          </div>
        )}
        <fieldset className="store-form" disabled={readOnly}>
          {props.header}
        </fieldset>
        <div className="store-lines">
          {props.tools && <div className="store-lines-tools">{props.tools}</div>}
          <LinesTable<D>
            kind={testId}
            ownSave
            columns={props.columns}
            lines={props.doc.lines}
            onChange={props.doc.setLines}
            newLine={props.newLine}
            errors={{}}
            serverErrors={{}}
            showAll={false}
            dirty={false}
            saving={posting}
            readOnly={readOnly}
            readOnlyNote={posted ? t('store.postedReadOnly') : t('store.posting')}
            onSave={post}
            api={api}
            banner={
              <>
                <FormError text={props.refusal} testId={`${testId}-refusal`} className="store-refusal" />
                {props.notice && !props.refusal && (
                  <div className="form-notice store-notice" role="status" data-testid={`${testId}-notice`}>
                    {props.notice}
                  </div>
                )}
              </>
            }
            footer={props.footer}
          />
        </div>
      </div>
      <div className="dialog-buttons">
        <span className="store-keys btn-left">{t('store.keys')}</span>
        {posted ? (
          <button type="button" className="btn" data-testid={`${testId}-new`} onClick={props.onNew}>
            {t('store.newAnother')}
          </button>
        ) : (
          <button type="button" className="btn btn-primary" data-testid={`${testId}-post`} disabled={posting || props.ready === false} onClick={post}>
            {posting ? t('store.postingButton') : props.postLabel}
          </button>
        )}
        <button type="button" className="btn" data-testid={`${testId}-close`} onClick={requestClose}>
          {posted || !dirty ? t('store.close') : t('common.cancel')}
        </button>
      </div>
    </DialogWindow>
  );
}

// ---------------------------------------------------------------- header fields and footer

/** One field of a document's header: its label (marked when required) and its control(s) beside it. */
export function HeaderField({ id, label, required, wide, children }: { id: string; label: string; required?: boolean; wide?: boolean; children: ReactNode }) {
  return (
    <>
      <label className="store-label" htmlFor={id}>
        {label}
        {required && <span className="required-mark">*</span>}
      </label>
      <div className={wide ? 'store-control wide' : 'store-control'}>{children}</div>
    </>
  );
}

/** 单号: the order a document is for (领用, 退料), looked up as it is typed. */
export function OrderNoField(props: {
  client: ApiClient;
  text: string;
  setText(text: string): void;
  order: OrderState;
  /** The text no longer names the order read: it is forgotten. */
  onOrderGone(): void;
  onOrderNo(orderNo: string): void;
  error: string | null;
}) {
  const { t } = useTranslation();
  const { order } = props;
  return (
    <HeaderField id="doc-order" label={t('store.orderNo')} required wide>
      <OrderField
        client={props.client}
        value={props.text}
        onText={(text) => {
          props.setText(text);
          if (order.state !== 'none' && orderNoOf(order) !== text.trim().toUpperCase()) props.onOrderGone();
        }}
        order={order}
        onOrderNo={props.onOrderNo}
        error={props.error}
      />
    </HeaderField>
  );
}

/** The warehouse select of a document. */
export function WarehouseField({
  id,
  stores,
  value,
  onChange,
  error,
  emptyLabel,
}: {
  id: string;
  stores: readonly Warehouse[];
  value: string;
  onChange(v: string): void;
  error?: string | null;
  /** What the select says while it has no store (default: loading). */
  emptyLabel?: string;
}) {
  const { t } = useTranslation();
  return (
    <HeaderField id={id} label={t('store.warehouse')} required>
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {!stores.length && <option value="">{emptyLabel ?? t('common.loading')}</option>}
        {stores.map((w) => (
          <option key={w.id} value={String(w.id)}>
            {w.name}
            {w.kind === 'faulty' ? ` (${t('warehouseKind.faulty')})` : ''}
          </option>
        ))}
      </select>
      {error && <div className="field-error">{error}</div>}
    </HeaderField>
  );
}

/** 备注 of a document. */
export function RemarksField({ id, value, onChange, wide, placeholder }: { id: string; value: string; onChange(v: string): void; wide?: boolean; placeholder?: string }) {
  const { t } = useTranslation();
  return (
    <HeaderField id={id} label={t('store.remarks')} wide={wide}>
      <input id={id} data-testid={id} type="text" maxLength={500} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
    </HeaderField>
  );
}

/** The totals under the lines: how many lines name a part, the quantity of all (given `totals`), then the window's own. */
export function DocTotals({ testId, lines, totals, children }: { testId: string; lines: readonly BaseDraft[]; totals?: ReadonlyMap<number, number>; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="lines-totals" data-testid={testId}>
      <span>{t('store.lineCount', { count: lines.filter((l) => l.part).length })}</span>
      {totals && (
        <span>
          {t('store.quantityTotal')}
          <b>{[...totals.values()].reduce((a, b) => a + b, 0)}</b>
        </span>
      )}
      {children}
    </div>
  );
}
