import { useCallback, useEffect, useRef, useState } from 'react';
import { resultBar } from './resultBar.js';
import { useTranslation } from 'react-i18next';
import type { ModuleDef } from '../../../shared/modules/types.js';
import type { QueryRequest, QueryResult, Row } from '../../../shared/query.js';
import type { ApiClient } from '../api/client.js';
import { DataGrid } from '../grid/DataGrid.js';
import { useListLayout } from '../grid/useListLayout.js';
import { QueryPanel } from '../query/QueryPanel.js';
import { normalizeDraft, type QueryDraft } from '../query/draft.js';
import { errorText } from '../i18n/errors.js';
import { RowDetailDialog } from './RowDetailDialog.js';
import { exportVisible } from '../export/exportVisible.js';
import { ExportAllDialog } from '../export/ExportAllDialog.js';
import type { ExportFormat, SheetSpec } from '../../../shared/export/sheet.js';
import { quickQuery, runModuleQuery } from './runQuery.js';
import { commandsFor } from './commands.js';
import type { Role } from '../../../shared/roles.js';

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
  | { phase: 'done'; pattern: string; result: QueryResult; ms: number }
  | { phase: 'failed'; pattern: string; error: unknown };

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
  const lastRun = useRef<{ request: QueryRequest; pattern: string }>({ request: quickQuery(''), pattern: '' });
  /** The query on screen, for a module's commands (a quick condition toggles on it). */
  const [current, setCurrent] = useState<{ request: QueryRequest; pattern: string }>(lastRun.current);
  const sequence = useRef(0);
  const inputRef = useRef<HTMLInputElement>(null);

  const run = useCallback(
    async (request: QueryRequest, label: string) => {
      const seq = ++sequence.current;
      lastRun.current = { request, pattern: label };
      setCurrent(lastRun.current);
      setState({ phase: 'loading', pattern: label });
      const started = performance.now();
      try {
        const result = await runModuleQuery(client, module, request);
        if (seq !== sequence.current) return; // a newer query has started
        // Read by `npm run bench`: from here to the grid's paint (mark 'pim:grid-painted').
        performance.mark('pim:query-result');
        setRows(result.rows);
        setState({ phase: 'done', pattern: label, result, ms: Math.round(performance.now() - started) });
      } catch (err) {
        if (seq !== sequence.current) return;
        setRows([]); // never show rows that no longer answer the query on screen
        setState({ phase: 'failed', pattern: label, error: err });
      }
    },
    [client, module],
  );

  // The list opens with everything (capped), as the legacy window does.
  useEffect(() => {
    setPattern('');
    setRows([]);
    void run(quickQuery(''), '');
    inputRef.current?.focus();
    return () => {
      sequence.current++;
    };
  }, [run]);

  // F5 refreshes the current query everywhere in the window (and never reloads the page).
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F5' && !e.ctrlKey && !e.altKey && !e.metaKey) {
        e.preventDefault();
        void runRef.current(lastRun.current.request, lastRun.current.pattern);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const setQuery = (next: Partial<StoredQuery>) => update((l) => ({ ...l, query: { ...storedQuery(module, l.query), ...next } }));

  const nf = new Intl.NumberFormat(i18n.language);
  const bar = resultBar(t, i18n.language, state);
  const done = state.phase === 'done' ? state : null;
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
            void run(quickQuery(pattern), pattern);
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
          <span className="query-hint">{t('query.hint')}</span>
        </form>
      </div>
      {query.open && (
        <QueryPanel
          module={module}
          draft={query.draft}
          onChange={(draft) => setQuery({ draft })}
          onRun={(request) => void run(request, '')}
          disabled={state.phase === 'loading'}
        />
      )}
      <div className="module-body">
        <DataGrid
          module={module}
          title={t(module.labelKey)}
          rows={rows}
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
                refresh={() => void runRef.current(lastRun.current.request, lastRun.current.pattern)}
                query={current}
                runQuery={(request, label) => void runRef.current(request, label)}
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
        {done && <span className="result-elapsed">{t('result.elapsed', { ms: nf.format(done.ms) })}</span>}
      </div>
      {exportAll && (
        <ExportAllDialog client={client} module={module} request={exportAll.request} spec={exportAll.spec} format={exportAll.format} onClose={() => setExportAll(null)} />
      )}
      {detail && !Commands && <RowDetailDialog module={module} row={detail} onClose={() => setDetail(null)} />}
    </section>
  );
}
