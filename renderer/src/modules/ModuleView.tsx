import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { resultBar } from './resultBar.js';
import { useTranslation } from 'react-i18next';
import type { ModuleDef } from '../../../shared/modules/types.js';
import type { Condition, QueryRequest, QueryResult, Row } from '../../../shared/query.js';
import type { ApiClient } from '../api/client.js';
import { DataGrid, type ListGroups } from '../grid/DataGrid.js';
import { useListLayout } from '../grid/useListLayout.js';
import { QueryPanel } from '../query/QueryPanel.js';
import { activeRowCount, draftToRequest, emptyDraft, normalizeDraft, validateDraft, type QueryDraft } from '../query/draft.js';
import { errorText } from '../i18n/errors.js';
import { RowDetailDialog } from './RowDetailDialog.js';
import { exportVisible } from '../export/exportVisible.js';
import { ExportAllDialog } from '../export/ExportAllDialog.js';
import type { ExportFormat, SheetSpec } from '../../../shared/export/sheet.js';
import { groupRequest, listRequest, quickQuery, runModuleQuery } from './runQuery.js';
import { commandsFor } from './commands.js';
import { searchExample } from './search-examples.js';
import type { Role } from '../../../shared/roles.js';
import { ListChangeNotice } from '../live/ListChangeNotice.js'; // live updates (issue 10)

interface Props {
  client: ApiClient;
  module: ModuleDef;
  /** Export of every matching row is for managers (the service refuses others). */
  canExportAll: boolean;
  /** The signed-in user's role: a module's commands offer only what the role may do. */
  role: Role;
}

type State =
  | { phase: 'idle' }
  | { phase: 'loading'; pattern: string }
  | { phase: 'done'; pattern: string; result: QueryResult; ms: number; request: QueryRequest; seq: number }
  | { phase: 'failed'; pattern: string; error: unknown };

/** Where the query on screen came from: the quick search box, the query panel (with its draft), or a module's command. */
type Source = { kind: 'quick' } | { kind: 'panel'; draft: string } | { kind: 'command' };

/** The order and grouping a request was sent with: a change of either asks the server again. */
const orderKeyOf = (layout: { sort: unknown; groupBy: unknown }) => JSON.stringify([layout.sort, layout.groupBy]);

/** The query panel's part of the stored layout: its conditions and whether it is open. */
interface StoredQuery {
  draft: QueryDraft;
  open: boolean;
}

function storedQuery(module: ModuleDef, raw: unknown): StoredQuery {
  const q = (raw && typeof raw === 'object' ? raw : {}) as { draft?: unknown; open?: unknown };
  return { draft: normalizeDraft(module, q.draft), open: q.open === true };
}

/**
 * A module's list, written for any ModuleDef: the quick search box, the query panel, the grid
 * and a result bar. Enter or Query runs; F5 runs the current query again, keeping the selection.
 */
export function ModuleView({ client, module, canExportAll, role }: Props) {
  const { t, i18n } = useTranslation();
  const { layout, ready, update, reset } = useListLayout(client, module);
  const query = storedQuery(module, layout.query);
  const [pattern, setPattern] = useState('');
  const [state, setState] = useState<State>({ phase: 'idle' });
  const [rows, setRows] = useState<Row[]>([]);
  const [detail, setDetail] = useState<Row | null>(null);
  const [selected, setSelected] = useState<Row[]>([]);
  const Commands = commandsFor(module);
  const [exportAll, setExportAll] = useState<{ format: ExportFormat; spec: SheetSpec; request: QueryRequest } | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const lastRun = useRef<{ request: QueryRequest; pattern: string; source: Source }>({ request: quickQuery(''), pattern: '', source: { kind: 'quick' } });
  /** The order and grouping of the query last sent. */
  const lastOrder = useRef<string | null>(null);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  /** Conditions restored from the stored layout that were dropped as invalid (said in the panel). */
  const [restoreNotice, setRestoreNotice] = useState<string | null>(null);
  const opened = useRef(false);
  /** The query on screen, for a module's commands (a quick condition toggles on it). */
  const [current, setCurrent] = useState<{ request: QueryRequest; pattern: string; source: Source }>(lastRun.current);
  const sequence = useRef(0);
  const inputRef = useRef<HTMLInputElement>(null);

  // Every query is sent in the layout's sort and grouping: the server orders the whole result.
  const run = useCallback(
    async (base: QueryRequest, label: string, source: Source = { kind: 'command' }) => {
      const seq = ++sequence.current;
      lastRun.current = { request: base, pattern: label, source };
      lastOrder.current = orderKeyOf(layoutRef.current);
      setCurrent(lastRun.current);
      setState({ phase: 'loading', pattern: label });
      const request = listRequest(base, layoutRef.current);
      const started = performance.now();
      try {
        const result = await runModuleQuery(client, module, request);
        if (seq !== sequence.current) return; // a newer query has started
        // Read by `npm run bench`: from here to the grid's paint (mark 'pim:grid-painted').
        performance.mark('pim:query-result');
        setRows(result.rows);
        setState({ phase: 'done', pattern: label, result, ms: Math.round(performance.now() - started), request, seq });
      } catch (err) {
        if (seq !== sequence.current) return;
        setRows([]); // never show rows that no longer answer the query on screen
        setState({ phase: 'failed', pattern: label, error: err });
      }
    },
    [client, module],
  );

  useEffect(() => {
    inputRef.current?.focus();
    return () => {
      sequence.current++;
    };
  }, [run]);

  // The list opens once its layout is read (its sort, grouping and query panel). Conditions
  // restored in the query panel are run, so that the list is what the panel says: a clerk who
  // left the list filtered finds it filtered the same way, never a panel that contradicts the
  // rows. Restored values that are no longer valid (a date mistyped before it was checked, a
  // field changed) are dropped, and the panel says which. Without conditions the list opens with
  // everything (capped), as the legacy window does.
  useEffect(() => {
    if (!ready || opened.current) return;
    opened.current = true;
    const restored = storedQuery(module, layoutRef.current.query);
    if (activeRowCount(restored.draft) > 0) {
      const now = new Date();
      const errors = validateDraft(module, restored.draft, now);
      const bad = restored.draft.rows.filter((r) => errors[r.id]);
      let draft = restored.draft;
      if (bad.length) {
        const rows = draft.rows.filter((r) => !errors[r.id]);
        draft = rows.length ? { ...draft, rows } : emptyDraft(module);
        const sep = i18n.language.startsWith('zh') ? '；' : '; ';
        const what = bad
          .map((r) => {
            const label = r.field === 'any' ? t('queryPanel.anyField') : t(module.columns.find((c) => c.field === r.field)?.labelKey ?? r.field);
            const value = [r.value, r.valueTo].filter((v) => v.trim()).join(' – ');
            return t('queryPanel.restoredRow', { field: label, value: value || t('grid.emptyValue'), problem: t(errors[r.id].key).replace(/[。.]$/, '') });
          })
          .join(sep);
        setRestoreNotice(t('queryPanel.restoredDropped', { count: bad.length, rows: what }));
      }
      const compiled = draftToRequest(module, draft, now);
      if ('request' in compiled && activeRowCount(draft) > 0) {
        setQuery({ draft, open: true });
        void run(compiled.request, '', { kind: 'panel', draft: JSON.stringify(draft) });
        return;
      }
      if (bad.length) setQuery({ draft, open: true });
    }
    void run(quickQuery(''), '', { kind: 'quick' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready]);

  // A header click (Shift-click, the header menu) or a change of the groups asks the server
  // again: the first rows in the new order over the whole result, the same query.
  const orderKey = orderKeyOf(layout);
  useEffect(() => {
    if (!opened.current || lastOrder.current === null || lastOrder.current === orderKey) return;
    void run(lastRun.current.request, lastRun.current.pattern, lastRun.current.source);
  }, [orderKey, run]);

  // F5 refreshes the current query everywhere in the window (and never reloads the page).
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F5' && !e.ctrlKey && !e.altKey && !e.metaKey) {
        e.preventDefault();
        void runRef.current(lastRun.current.request, lastRun.current.pattern, lastRun.current.source);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const setQuery = (next: Partial<StoredQuery>) => update((l) => ({ ...l, query: { ...storedQuery(module, l.query), ...next } }));

  // The panel says when the list does not show its conditions (a quick search ran since, or
  // they were changed and not run yet).
  const source = current.source;
  const applied = activeRowCount(query.draft) === 0 || (source.kind === 'panel' && source.draft === JSON.stringify(query.draft));

  // Group counts of the result on screen, and the rows of one group on request.
  const done = state.phase === 'done' ? state : null;
  const groups = useMemo<ListGroups | undefined>(
    () =>
      done
        ? {
            groupBy: done.request.groupBy ?? [],
            counts: done.result.groups,
            countsCapped: done.result.groupsCapped === true,
            complete: !done.result.capped,
            resultId: done.seq,
          }
        : undefined,
    [done],
  );
  const loadGroup = useMemo(() => {
    if (!done || !groupRequest(done.request, [])) return undefined;
    return (conditions: Condition[]) => runModuleQuery(client, module, groupRequest(done.request, conditions)!);
  }, [done, client, module]);

  const nf = new Intl.NumberFormat(i18n.language);
  const bar = resultBar(t, i18n.language, state);
  const fields = module.anyFields
    .map((f) => module.columns.find((c) => c.field === f))
    .filter((c) => c !== undefined)
    .map((c) => t(c.labelKey))
    .join(i18n.language.startsWith('zh') ? '、' : ', ');

  return (
    <section className="module-view" data-testid={`module-view-${module.id}`} aria-labelledby={`module-title-${module.id}`}>
      <div className="module-header">
        <h1 className="module-title" id={`module-title-${module.id}`}>
          {t(module.labelKey)}
        </h1>
        <form
          className="query-box"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            void run(quickQuery(pattern), pattern, { kind: 'quick' });
          }}
        >
          <label htmlFor={`query-${module.id}`} className="query-label">
            {t('query.label')}
          </label>
          <input
            id={`query-${module.id}`}
            ref={inputRef}
            data-testid="query-input"
            className="query-input"
            type="search"
            value={pattern}
            placeholder={t('query.placeholder', { fields })}
            title={t('query.fields', { fields })}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setPattern(e.target.value)}
          />
          <button type="submit" className="btn btn-primary" data-testid="query-run">
            {t('query.run')}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="toggle-query-panel"
            aria-expanded={query.open}
            onClick={() => setQuery({ open: !query.open })}
          >
            {t('query.conditions')}
          </button>
          <span className="query-hint" data-testid="query-hint" data-example={searchExample(module.id)}>
            {t('query.hint', { example: searchExample(module.id) })}
          </span>
        </form>
      </div>
      {query.open && (
        <QueryPanel
          module={module}
          draft={query.draft}
          onChange={(draft) => {
            setRestoreNotice(null);
            setQuery({ draft });
          }}
          onRun={(request) => {
            setRestoreNotice(null);
            void run(request, '', { kind: 'panel', draft: JSON.stringify(query.draft) });
          }}
          disabled={state.phase === 'loading'}
          applied={applied}
          notice={restoreNotice}
        />
      )}
      <div className="module-body">
        <DataGrid
          module={module}
          title={t(module.labelKey)}
          rows={rows}
          groups={groups}
          loadGroup={loadGroup}
          loading={state.phase === 'loading' || !ready}
          layout={layout}
          onLayoutChange={update}
          onResetLayout={reset}
          onOpenRow={setDetail}
          onSelectionChange={setSelected}
          toolbarStart={
            Commands && (
              <Commands
                client={client}
                module={module}
                role={role}
                selected={selected}
                opened={detail}
                onOpenedClose={() => setDetail(null)}
                refresh={() => void runRef.current(lastRun.current.request, lastRun.current.pattern, lastRun.current.source)}
                query={current}
                runQuery={(request, label) => void runRef.current(request, label, { kind: 'command' })}
              />
            )
          }
          onExport={(format, spec, lines) => {
            setExportError(null);
            exportVisible(format, spec, lines).catch((err: unknown) => setExportError(t('result.exportFailed', { message: errorText(t, err) })));
          }}
          onExportAll={
            canExportAll
              ? (format, spec) =>
                  // All rows of the query on screen, in the list's sort (the server reads past the cap).
                  setExportAll({ format, spec, request: { ...lastRun.current.request, sort: layout.sort } })
              : undefined
          }
        />
      </div>
      <div
        className={`result-bar result-${bar.kind}`}
        data-testid="result-bar"
        data-state={state.phase}
        data-pattern={state.phase === 'idle' ? '' : state.pattern}
        data-total={done ? done.result.total : undefined}
        data-shown={done ? done.result.rows.length : undefined}
        data-capped={done ? String(done.result.capped) : undefined}
        data-seq={done ? done.seq : undefined}
        data-sort={done ? (done.request.sort ?? []).map((x) => `${x.field}:${x.dir}`).join(',') : undefined}
        role="status"
        aria-live="polite"
      >
        <span className="result-text" data-testid="result-text">
          {bar.text}
        </span>
        {exportError && (
          <span className="result-export-error" role="alert">
            {exportError}
          </span>
        )}
        <ListChangeNotice list={module.id} phase={state.phase} refresh={() => void runRef.current(lastRun.current.request, lastRun.current.pattern, lastRun.current.source)} />
        {done && <span className="result-elapsed">{t('result.elapsed', { ms: nf.format(done.ms) })}</span>}
      </div>
      {exportAll && (
        <ExportAllDialog client={client} module={module} request={exportAll.request} spec={exportAll.spec} format={exportAll.format} onClose={() => setExportAll(null)} />
      )}
      {detail && !Commands && <RowDetailDialog module={module} row={detail} onClose={() => setDetail(null)} />}
    </section>
  );
}
