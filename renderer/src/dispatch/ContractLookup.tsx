import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { resultBar } from '../modules/resultBar.js';
import { useTranslation } from 'react-i18next';
import { contractLookup } from '../../../shared/modules/lookups.js';
import type { Condition, QueryRequest, QueryResult, Row } from '../../../shared/query.js';
import type { ApiClient } from '../api/client.js';
import { DataGrid, type ListGroups } from '../grid/DataGrid.js';
import { groupRequest, listRequest } from '../modules/runQuery.js';
import { emptyValues, lookupRequest, searchFields, type LookupValues } from './lookup-request.js';
import { useListLayout } from '../grid/useListLayout.js';
import { DialogWindow } from '../dialogs/ConfirmDialog.js';
import './dispatch.css';

interface Props {
  client: ApiClient;
  /** OK, Enter or a double-click on a row: the contract row as the lookup lists it. */
  onPick(row: Row): void;
  /** Cancel or Esc: the order stays as it was. */
  onCancel(): void;
}

type State =
  | { phase: 'idle' }
  | { phase: 'loading' }
  | { phase: 'done'; result: QueryResult; request: QueryRequest; seq: number }
  | { phase: 'failed'; error: unknown };

/**
 * The sales-contract lookup of the create window (legacy "销售合同信息"): contract no, project
 * and address, each optional with `*`; an empty search lists all (200 at most, with the notice).
 * The results are the shared data window, with the clerk's own layout of this lookup.
 */
export function ContractLookup({ client, onPick, onCancel }: Props) {
  const { t, i18n } = useTranslation();
  const { layout, ready, update, reset } = useListLayout(client, contractLookup, 'lookup.contracts');
  const [values, setValues] = useState<LookupValues>(emptyValues);
  const [state, setState] = useState<State>({ phase: 'idle' });
  const [rows, setRows] = useState<Row[]>([]);
  const [selected, setSelected] = useState<Row[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const sequence = useRef(0);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const lastRequest = useRef<QueryRequest>(lookupRequest(emptyValues));
  const lastOrder = useRef<string | null>(null);
  const orderKeyOf = (l: { sort: unknown; groupBy: unknown }) => JSON.stringify([l.sort, l.groupBy]);
  const firstRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);

  // As every list: the server sorts the whole result in the layout's order and counts its groups.
  const run = useCallback(
    async (base: QueryRequest) => {
      const seq = ++sequence.current;
      lastRequest.current = base;
      lastOrder.current = orderKeyOf(layoutRef.current);
      setState({ phase: 'loading' });
      setNotice(null);
      const request = listRequest(base, layoutRef.current);
      try {
        const result = await client.call('contracts.query', request);
        if (seq !== sequence.current) return;
        setRows(result.rows);
        setSelected([]);
        setState({ phase: 'done', result, request, seq });
      } catch (err) {
        if (seq !== sequence.current) return;
        setRows([]);
        setSelected([]);
        setState({ phase: 'failed', error: err });
      }
    },
    [client],
  );

  // The lookup opens with every contract (capped), as the legacy dialog's empty search does,
  // once the clerk's layout of it (its sort) is read.
  useEffect(() => {
    firstRef.current?.focus();
    return () => {
      sequence.current++;
    };
  }, [run]);
  useEffect(() => {
    if (ready && lastOrder.current === null) void run(lookupRequest(emptyValues));
  }, [ready, run]);
  // A header click asks the server again, in the new order.
  const orderKey = orderKeyOf(layout);
  useEffect(() => {
    if (lastOrder.current !== null && lastOrder.current !== orderKey) void run(lastRequest.current);
  }, [orderKey, run]);

  // The server matches the customer by pinyin over every contract (lookup-request.ts).
  const search = () => run(lookupRequest(values));

  const done = state.phase === 'done' ? state : null;
  const groups = useMemo<ListGroups | undefined>(
    () => (done ? { groupBy: done.request.groupBy ?? [], counts: done.result.groups, countsCapped: done.result.groupsCapped === true, complete: !done.result.capped, resultId: done.seq } : undefined),
    [done],
  );
  const loadGroup = useMemo(() => {
    if (!done || !groupRequest(done.request, [])) return undefined;
    return (conditions: Condition[]) => client.call('contracts.query', groupRequest(done.request, conditions)!);
  }, [done, client]);

  const ok = () => {
    if (selected.length === 1) onPick(selected[0]);
    else if (rows.length === 1) onPick(rows[0]);
    else setNotice(t('lookup.pickOne'));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.querySelector('.context-menu')) {
        e.preventDefault();
        e.stopPropagation();
        onCancel();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);

  /** Down from a search field goes to the first result row (AG Grid takes the focus from there). */
  const toGrid = () => {
    const rows = [...(bodyRef.current?.querySelectorAll<HTMLElement>('.ag-row[row-index="0"]') ?? [])];
    const row = rows.find((r) => !r.closest('.ag-floating-bottom, .ag-floating-top, .ag-pinned-left-cols-container'));
    row?.querySelector<HTMLElement>('.ag-cell')?.focus();
  };

  const bar = resultBar(t, i18n.language, state, 'lookup.capped');

  return (
    <DialogWindow
      backdropClassName="dispatch-backdrop"
      className="contract-lookup"
      titleId="contract-lookup-title"
      testId="contract-lookup"
      title={t('lookup.title')}
    >
      <form
        className="lookup-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        {searchFields.map((f, i) => (
          <label key={f.key} className="lookup-field">
            <span>{t(`lookup.${f.key}`)}</span>
            <input
              ref={i === 0 ? firstRef : undefined}
              type="search"
              data-testid={f.testId}
              value={values[f.key]}
              spellCheck={false}
              autoComplete="off"
              placeholder={t(f.key === 'customer' ? 'lookup.customerPlaceholder' : 'lookup.placeholder')}
              title={f.key === 'customer' ? t('lookup.customerHint') : undefined}
              onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown' && rows.length) {
                  e.preventDefault();
                  toGrid();
                }
              }}
            />
          </label>
        ))}
        <button type="submit" className="btn btn-primary" data-testid="lookup-run">
          {t('lookup.run')}
        </button>
        <span className="query-hint lookup-hint">{t('lookup.hint')}</span>
      </form>
      <div className="lookup-grid" ref={bodyRef}>
        <DataGrid
          module={contractLookup}
          title={t('lookup.title')}
          rows={rows}
          groups={groups}
          loadGroup={loadGroup}
          loading={state.phase === 'loading' || !ready}
          layout={layout}
          onLayoutChange={update}
          onResetLayout={reset}
          onOpenRow={onPick}
          onSelectionChange={setSelected}
        />
      </div>
      <div
        className={`result-bar result-${bar.kind}`}
        data-testid="lookup-result"
        data-state={state.phase}
        data-total={done ? done.result.total : undefined}
        data-shown={done ? done.result.rows.length : undefined}
        data-capped={done ? String(done.result.capped) : undefined}
        role="status"
        aria-live="polite"
      >
        <span className="result-text">{bar.text}</span>
      </div>
      <div className="dialog-buttons">
        {notice && (
          <span className="lookup-notice btn-left" role="alert" data-testid="lookup-notice">
            {notice}
          </span>
        )}
        <button type="button" className="btn btn-primary" data-testid="lookup-ok" disabled={state.phase !== 'done' || !rows.length} onClick={ok}>
          {t('lookup.ok')}
        </button>
        <button type="button" className="btn" data-testid="lookup-cancel" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </DialogWindow>
  );
}
