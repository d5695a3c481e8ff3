import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModuleDef } from '../../../shared/modules/types.js';
import type { QueryResult } from '../../../shared/query.js';
import type { ApiClient } from '../api/client.js';
import { DataGrid } from '../grid/DataGrid.js';
import { errorText } from '../i18n/errors.js';
import { quickQuery, runModuleQuery } from './runQuery.js';

interface Props {
  client: ApiClient;
  module: ModuleDef;
}

type State =
  | { phase: 'idle' }
  | { phase: 'loading'; pattern: string }
  | { phase: 'done'; pattern: string; result: QueryResult; ms: number }
  | { phase: 'failed'; pattern: string; error: unknown };

/**
 * A module's list, written for any ModuleDef: a quick query box, the grid and a result bar.
 * Enter or the Query button runs the pattern; F5 runs the current query again.
 */
export function ModuleView({ client, module }: Props) {
  const { t, i18n } = useTranslation();
  const [pattern, setPattern] = useState('');
  const [state, setState] = useState<State>({ phase: 'idle' });
  const [rows, setRows] = useState<QueryResult['rows']>([]);
  const lastPattern = useRef('');
  const sequence = useRef(0);
  const inputRef = useRef<HTMLInputElement>(null);

  const run = useCallback(
    async (text: string) => {
      const seq = ++sequence.current;
      lastPattern.current = text;
      setState({ phase: 'loading', pattern: text });
      const started = performance.now();
      try {
        const result = await runModuleQuery(client, module, quickQuery(text));
        if (seq !== sequence.current) return; // a newer query has started
        setRows(result.rows);
        setState({ phase: 'done', pattern: text, result, ms: Math.round(performance.now() - started) });
      } catch (err) {
        if (seq !== sequence.current) return;
        setRows([]); // never show rows that no longer answer the query on screen
        setState({ phase: 'failed', pattern: text, error: err });
      }
    },
    [client, module],
  );

  // The list opens with everything (capped), as the legacy window does.
  useEffect(() => {
    setPattern('');
    setRows([]);
    void run('');
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
        void runRef.current(lastPattern.current);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const nf = new Intl.NumberFormat(i18n.language);
  let bar: { text: string; kind: 'info' | 'capped' | 'error' | 'busy' } = { text: '', kind: 'info' };
  if (state.phase === 'loading') bar = { text: t('result.loading'), kind: 'busy' };
  else if (state.phase === 'failed') bar = { text: t('result.failed', { message: errorText(t, state.error) }), kind: 'error' };
  else if (state.phase === 'done') {
    const { result } = state;
    if (result.capped) bar = { text: t('result.capped', { shown: nf.format(result.rows.length), total: nf.format(result.total) }), kind: 'capped' };
    else if (result.total === 0) bar = { text: t('result.none'), kind: 'info' };
    else bar = { text: t('result.count', { total: nf.format(result.total) }), kind: 'info' };
  }
  const done = state.phase === 'done' ? state : null;
  const fields = module.anyFields
    .map((f) => module.columns.find((c) => c.field === f))
    .filter((c) => c !== undefined)
    .map((c) => t(c.labelKey))
    .join('、');

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
            void run(pattern);
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
            placeholder={t('query.placeholder')}
            title={t('query.fields', { fields })}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setPattern(e.target.value)}
          />
          <button type="submit" className="btn btn-primary" data-testid="query-run">
            {t('query.run')}
          </button>
          <span className="query-hint">{t('query.hint')}</span>
        </form>
      </div>
      <DataGrid module={module} rows={rows} loading={state.phase === 'loading'} />
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
        {done && <span className="result-elapsed">{t('result.elapsed', { ms: nf.format(done.ms) })}</span>}
      </div>
    </section>
  );
}
