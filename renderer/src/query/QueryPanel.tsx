import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ColumnDef, ModuleDef } from '../../../shared/modules/types.js';
import { ANY_FIELD, type QueryRequest } from '../../../shared/query.js';
import {
  MAX_ROWS,
  addRow,
  applyQuickRange,
  draftToRequest,
  emptyDraft,
  fieldType,
  opArity,
  opLabelKey,
  opsFor,
  quickRanges,
  removeRow,
  setChoices,
  setRowField,
  setRowOp,
  setRowValue,
  toggleRowValue,
  validateDraft,
  type DraftOp,
  type DraftRow,
  type QueryDraft,
  type QuickRange,
  type RowError,
} from './draft.js';
import './query-panel.css';

export interface QueryPanelProps {
  module: ModuleDef;
  draft: QueryDraft;
  onChange(draft: QueryDraft): void;
  onRun(request: QueryRequest): void;
  disabled?: boolean;
  /** false when the list does not show these conditions (changed since, or another query ran): the panel says so. */
  applied?: boolean;
  /** A message about the conditions (e.g. restored ones dropped as invalid). */
  notice?: string | null;
}

/**
 * How loudly a row's problem is shown: after leaving a field only real mistakes are shown
 * ('typed'); after a refused run also values left blank ('all'). New, untouched rows stay quiet.
 */
type Reveal = 'typed' | 'all';

/**
 * The query panel (查询) of any module's list: condition rows of field + operator + value,
 * joined by AND/OR. Controlled: the caller owns the draft (and may store it per list); the
 * panel only sends a request once every row is valid.
 */
export function QueryPanel({ module, draft, onChange, onRun, disabled = false, applied = true, notice = null }: QueryPanelProps) {
  const { t } = useTranslation();
  const rootRef = useRef<HTMLFieldSetElement>(null);
  const [revealed, setRevealed] = useState<ReadonlyMap<string, Reveal>>(new Map());
  const [refused, setRefused] = useState(false);
  const pendingFocus = useRef<string | null>(null);

  // Another list's draft: its rows were never touched here.
  useEffect(() => {
    setRevealed(new Map());
    setRefused(false);
  }, [module]);

  const errors = useMemo(() => validateDraft(module, draft, new Date()), [module, draft]);
  const shownError = (id: string): RowError | undefined => {
    const err = errors[id];
    const level = revealed.get(id);
    if (!err || !level) return undefined;
    return level === 'all' || err.key !== 'queryPanel.errors.required' ? err : undefined;
  };
  const shownCount = draft.rows.filter((r) => shownError(r.id)).length;

  const byTestId = (id: string) => rootRef.current?.querySelector<HTMLElement>(`[data-testid="${id}"]`) ?? null;

  // Focus follows add/remove once the caller has re-rendered with the new draft.
  useEffect(() => {
    const id = pendingFocus.current;
    if (id === null) return;
    pendingFocus.current = null;
    const i = Math.max(0, draft.rows.findIndex((r) => r.id === id));
    byTestId(`query-field-${i}`)?.focus();
  }, [draft]);

  const reveal = (id: string, level: Reveal) => {
    setRevealed((prev) => {
      if (prev.get(id) === 'all' || prev.get(id) === level) return prev;
      return new Map(prev).set(id, level);
    });
  };

  const run = () => {
    if (disabled) return;
    const result = draftToRequest(module, draft, new Date());
    if ('errors' in result) {
      const bad = Object.keys(result.errors);
      setRevealed((prev) => {
        const next = new Map(prev);
        for (const id of bad) next.set(id, 'all');
        return next;
      });
      setRefused(true);
      const i = draft.rows.findIndex((r) => bad.includes(r.id));
      const target = errors[draft.rows[i]?.id]?.target;
      const input = byTestId(target === 'valueTo' ? `query-value-${i}-to` : `query-value-${i}`);
      (input?.querySelector<HTMLElement>('input') ?? input)?.focus();
      return;
    }
    setRefused(false);
    onRun(result.request);
  };

  const clear = () => {
    setRevealed(new Map());
    setRefused(false);
    const next = emptyDraft(module);
    pendingFocus.current = next.rows[0].id;
    onChange(next);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFieldSetElement>) => {
    // Enter while an input method is composing picks a Chinese candidate; it must not run.
    if (e.key !== 'Enter' || e.nativeEvent.isComposing || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if ((e.target as HTMLElement).tagName !== 'INPUT') return;
    e.preventDefault();
    run();
  };

  const single = draft.rows.length < 2;
  const full = draft.rows.length >= MAX_ROWS;

  return (
    <fieldset
      ref={rootRef}
      className="query-panel"
      data-testid="query-panel"
      data-applied={applied}
      role="search"
      aria-label={t('queryPanel.title')}
      disabled={disabled}
      onKeyDown={onKeyDown}
    >
      <div className="qp-rows">
        {draft.rows.map((row, i) => (
          <ConditionRow
            key={row.id}
            index={i}
            module={module}
            row={row}
            join={draft.join}
            error={shownError(row.id)}
            canRemove={draft.rows.length > 1 || row.field !== ANY_FIELD || row.value !== ''}
            onField={(field) => onChange(setRowField(module, draft, row.id, field))}
            onOp={(op) => onChange(setRowOp(draft, row.id, op))}
            onValue={(which, text) => onChange(setRowValue(draft, row.id, which, text))}
            onToggle={(value, checked) => {
              reveal(row.id, 'typed');
              onChange(toggleRowValue(draft, row.id, value, checked));
            }}
            onRange={(range) => onChange(applyQuickRange(module, draft, row.id, range, new Date()))}
            onLeave={() => reveal(row.id, 'typed')}
            onRemove={() => {
              const next = removeRow(module, draft, row.id);
              pendingFocus.current = (next.rows[i] ?? next.rows[next.rows.length - 1]).id;
              onChange(next);
            }}
          />
        ))}
      </div>
      <div className="qp-actions">
        <button
          type="button"
          className="btn btn-small qp-add"
          data-testid="query-add"
          disabled={full}
          title={full ? t('queryPanel.addFull', { max: MAX_ROWS }) : undefined}
          onClick={() => {
            const next = addRow(module, draft);
            pendingFocus.current = next.rows[next.rows.length - 1].id;
            onChange(next);
          }}
        >
          <span aria-hidden="true" className="qp-plus">
            +
          </span>{' '}
          {t('queryPanel.add')}
        </button>
        <label className="qp-join" title={single ? t('queryPanel.joinSingle') : undefined}>
          <span className="qp-join-label">{t('queryPanel.join')}</span>
          <select
            data-testid="query-join"
            value={draft.join}
            disabled={single}
            onChange={(e) => onChange({ ...draft, join: e.target.value === 'or' ? 'or' : 'and' })}
          >
            <option value="and">{t('queryPanel.joinAnd')}</option>
            <option value="or">{t('queryPanel.joinOr')}</option>
          </select>
        </label>
        <button type="button" className="btn btn-primary" data-testid="query-submit" onClick={run}>
          {t('queryPanel.run')}
        </button>
        <button type="button" className="btn" data-testid="query-clear" onClick={clear}>
          {t('queryPanel.clear')}
        </button>
        {!applied && (
          <span className="qp-unapplied" data-testid="query-unapplied" title={t('queryPanel.notAppliedTitle')}>
            {t('queryPanel.notApplied')}
          </span>
        )}
        {refused && shownCount > 0 && (
          <span className="qp-notice" role="alert" data-testid="query-invalid">
            {t('queryPanel.invalid', { count: shownCount })}
          </span>
        )}
      </div>
      {notice && (
        <div className="qp-restored" role="status" data-testid="query-restored-notice">
          {notice}
        </div>
      )}
    </fieldset>
  );
}

interface RowProps {
  index: number;
  module: ModuleDef;
  row: DraftRow;
  join: 'and' | 'or';
  error: RowError | undefined;
  canRemove: boolean;
  onField(field: string): void;
  onOp(op: DraftOp): void;
  onValue(which: 'value' | 'valueTo', text: string): void;
  onToggle(value: string, checked: boolean): void;
  onRange(range: QuickRange): void;
  onLeave(): void;
  onRemove(): void;
}

function ConditionRow({ index: i, module, row, join, error, canRemove, onField, onOp, onValue, onToggle, onRange, onLeave, onRemove }: RowProps) {
  const { t } = useTranslation();
  const type = fieldType(module, row.field) ?? 'text';
  const col = module.columns.find((c) => c.field === row.field);
  const ops = opsFor(type);
  const op = ops.includes(row.op) ? row.op : ops[0];
  const arity = opArity(op);
  const errorId = `query-error-${module.id}-${row.id}`;
  const marked = (which: 'value' | 'valueTo') =>
    error !== undefined && (error.target === which || error.target === 'both' || (which === 'value' && error.target === 'values'));

  const placeholder =
    type === 'any' || type === 'text'
      ? t('queryPanel.placeholders.text')
      : type === 'date' || type === 'datetime' || type === 'money' || type === 'number'
        ? t(`queryPanel.placeholders.${type}`)
        : undefined;
  const hint =
    type === 'any' || type === 'text'
      ? t('queryPanel.hints.text')
      : type === 'date' || type === 'datetime' || type === 'money'
        ? t(`queryPanel.hints.${type}`)
        : undefined;

  const input = (which: 'value' | 'valueTo', testId: string, label: string, short: boolean) => (
    <input
      type="text"
      className={`qp-value${short ? ' qp-value-short' : ''}`}
      data-testid={testId}
      aria-label={label}
      aria-invalid={marked(which) || undefined}
      aria-describedby={error ? errorId : undefined}
      placeholder={placeholder}
      title={hint}
      value={row[which]}
      inputMode={type === 'money' || type === 'number' ? 'decimal' : undefined}
      spellCheck={false}
      autoComplete="off"
      onChange={(e) => onValue(which, e.target.value)}
      onBlur={onLeave}
    />
  );

  let values: ReactNode = null;
  if (arity === 'one') values = input('value', `query-value-${i}`, t('queryPanel.value'), false);
  else if (arity === 'two')
    values = (
      <span className="qp-between">
        {input('value', `query-value-${i}`, t('queryPanel.valueFrom'), true)}
        <span className="qp-dash" aria-hidden="true">
          –
        </span>
        {input('valueTo', `query-value-${i}-to`, t('queryPanel.valueTo'), true)}
      </span>
    );
  else if (arity === 'set' && col)
    values = (
      <span
        className="qp-set"
        role="group"
        data-testid={`query-value-${i}`}
        aria-label={t('queryPanel.value')}
        aria-invalid={marked('value') || undefined}
        aria-describedby={error ? errorId : undefined}
      >
        {setChoices(col).map((v) => (
          <label key={v} className="qp-check">
            <input
              type="checkbox"
              data-testid={`query-value-${i}-${v}`}
              checked={row.values.includes(v)}
              onChange={(e) => onToggle(v, e.target.checked)}
            />
            {choiceLabel(col, v, t)}
          </label>
        ))}
      </span>
    );
  else values = <span className="qp-novalue" />;

  return (
    <div className={`qp-row${error ? ' qp-row-invalid' : ''}`} data-testid={`query-row-${i}`} role="group">
      <span className="qp-connector" aria-hidden={i === 0}>
        {i === 0 ? '' : t(join === 'or' ? 'queryPanel.connectorOr' : 'queryPanel.connectorAnd')}
      </span>
      <select
        className="qp-field"
        data-testid={`query-field-${i}`}
        aria-label={`${t('queryPanel.field')} ${i + 1}`}
        value={row.field}
        onChange={(e) => onField(e.target.value)}
      >
        {module.anyFields.length > 0 && <option value={ANY_FIELD}>{t('queryPanel.anyField')}</option>}
        {module.columns.map((c) => (
          <option key={c.field} value={c.field}>
            {t(c.labelKey)}
          </option>
        ))}
      </select>
      <select
        className="qp-op"
        data-testid={`query-op-${i}`}
        aria-label={`${t('queryPanel.operator')} ${i + 1}`}
        value={op}
        onChange={(e) => onOp(e.target.value as DraftOp)}
      >
        {ops.map((o) => (
          <option key={o} value={o}>
            {t(opLabelKey(type, o))}
          </option>
        ))}
      </select>
      {values}
      {(type === 'date' || type === 'datetime') && (
        <select
          className="qp-range"
          data-testid={`query-range-${i}`}
          aria-label={t('queryPanel.ranges.placeholder')}
          value={row.range ?? ''}
          onChange={(e) => {
            if (e.target.value) onRange(e.target.value as QuickRange);
          }}
        >
          <option value="">{t('queryPanel.ranges.placeholder')}</option>
          {quickRanges.map((r) => (
            <option key={r} value={r}>
              {t(`queryPanel.ranges.${r}`)}
            </option>
          ))}
        </select>
      )}
      <button
        type="button"
        className="qp-remove"
        data-testid={`query-remove-${i}`}
        aria-label={t('queryPanel.remove')}
        title={t('queryPanel.remove')}
        disabled={!canRemove}
        onClick={onRemove}
      >
        ×
      </button>
      {error && (
        <span className="qp-error" id={errorId} data-testid={`query-error-${i}`} data-error={error.key}>
          {t(error.key)}
        </span>
      )}
    </div>
  );
}

function choiceLabel(col: ColumnDef, value: string, t: TFunction): string {
  if (col.type === 'bool') return t(value === 'true' ? 'bool.true' : 'bool.false');
  return col.enumKey ? t(`${col.enumKey}.${value}`, { defaultValue: value }) : value;
}
