import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../dialogs/ConfirmDialog.js';
import type { LineErrors } from './lines.js';

// The one editable table of an order's lines (售服内容 and 售服费用 alike): native inputs per
// cell, rows selected by click / Shift-click / Ctrl-click, Insert and Ctrl+Insert add a line,
// Delete (on a row number) or Ctrl+Delete removes the selected lines after a question, Ctrl+S
// saves the whole set, Up/Down move between rows. The editors only say which columns there are.

export interface CellProps {
  'data-testid': string;
  'data-field': string;
  'aria-invalid': boolean;
  'aria-label': string;
  disabled: boolean;
  onBlur(): void;
}

export interface LineColumn<D> {
  field: string;
  label: string;
  /** px; the last column without a width takes the rest. */
  width?: number;
  required?: boolean;
  className?: string;
  /** The header's tooltip (a short header's full name). */
  title?: string;
  render(line: D, cell: CellProps, update: (patch: Partial<D>) => void, index: number): ReactNode;
}

/** What the order window may ask of an editor: save before leaving, or drop the changes. */
export interface EditorHandle {
  save(): Promise<boolean>;
  discard(): void;
  /** Insert (after the current line) or Ctrl+Insert (at the end) pressed outside the table. */
  add(atEnd: boolean): void;
  /** As of the last render (the dirty-change callback comes an effect later). */
  isDirty(): boolean;
  /** Ctrl+F: the find-and-replace bar, where the editor has one. */
  find?(): void;
}

/** The kinds of lines an order has (each its table's class and data-kind). */
export type LinesKind = 'content' | 'fees' | 'materials' | 'issue-window' | 'return-window' | 'receipt-window' | 'adjust-window';

/** What the table offers its editor. */
export interface TableApi {
  add(atEnd: boolean): void;
}

export type SaveOutcome = { ok: true } | { ok: false; cellErrors?: Record<string, string> };

/** Sends the lines written over `rowVersion`; `saved()` is called as soon as the server took them (before the reload). */
export type SaveLines<I> = (lines: I[], rowVersion: number, saved: () => void) => Promise<SaveOutcome>;

interface EditorOptions<S, D extends { key: string }, I> {
  /** The saved lines as the server sent them. */
  source: readonly S[];
  /** The order's row version as loaded now; the drafts keep the one they were based on. */
  version: number;
  toDraft(line: S): D;
  check(drafts: readonly D[]): { errors: LineErrors; lines: I[] | null };
  /** Sends the lines; cell errors come back keyed `<index>.<field>`. */
  save: SaveLines<I>;
  handle: RefObject<EditorHandle | null>;
  onDirtyChange(dirty: boolean): void;
  /** Opens the editor's find-and-replace bar (Ctrl+F), where it has one. */
  onFind?(): void;
}

const strip = <D extends { key: string }>(drafts: readonly D[]) => JSON.stringify(drafts.map(({ key: _key, ...rest }) => rest));

/**
 * Drafts, the saved baseline, validation and saving of one order's lines. The drafts remember
 * the lines and the row version they were based on (`base`): when the order was reloaded with a
 * newer version while the clerk had unsaved changes (another desk changed it: CONFLICT), the
 * editor is `stale` and never saves silently over the newer version; the clerk reloads, or
 * overwrites knowing what goes (`overwrite`).
 */
export function useLinesEditor<S, D extends { key: string }, I>(opts: EditorOptions<S, D, I>) {
  const { source, version, toDraft, check, handle, onDirtyChange } = opts;
  const [drafts, setDrafts] = useState<D[]>(() => source.map(toDraft));
  const [baseline, setBaseline] = useState(() => strip(source.map(toDraft)));
  const [base, setBase] = useState<{ source: readonly S[]; version: number }>(() => ({ source, version }));
  const stale = base.version !== version;
  /** Bumped when a save was asked for while stale: the conflict notice takes the focus. */
  const [staleSaveAsked, setStaleSaveAsked] = useState(0);
  const [showAll, setShowAll] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const resetNext = useRef(false);
  const dirty = strip(drafts) !== baseline;
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const saveRef = useRef(opts.save);
  saveRef.current = opts.save;
  const findRef = useRef(opts.onFind);
  findRef.current = opts.onFind;
  const hasFind = opts.onFind !== undefined;

  const reset = useCallback(() => {
    const fresh = source.map(toDraft);
    setDrafts(fresh);
    setBaseline(strip(fresh));
    setBase({ source, version });
    setShowAll(false);
    setServerErrors({});
  }, [source, version, toDraft]);

  // A reloaded order replaces the lines unless the clerk is in the middle of changing them
  // (then they stay, on their old version: see `stale`); after a save of ours it always does.
  useEffect(() => {
    if (!dirtyRef.current || resetNext.current) {
      resetNext.current = false;
      reset();
    }
  }, [reset]);

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  // An editor goes away only after its changes were saved or dropped.
  useEffect(() => () => onDirtyChange(false), [onDirtyChange]);

  const { errors } = useMemo(() => check(drafts), [check, drafts]);

  /** Sends `lines` over `rowVersion`; the reload after a successful save replaces the drafts. */
  const send = useCallback(
    async (lines: I[], rowVersion: number): Promise<boolean> => {
      setSaving(true);
      try {
        const outcome = await saveRef.current(lines, rowVersion, () => {
          resetNext.current = true;
        });
        if (!outcome.ok) {
          resetNext.current = false;
          const byKey: Record<string, string> = {};
          for (const [at, message] of Object.entries(outcome.cellErrors ?? {})) {
            const [i, field] = at.split('.');
            const d = drafts[Number(i)];
            if (d) byKey[`${d.key}.${field}`] = message;
          }
          setServerErrors(byKey);
          setShowAll(true);
          return false;
        }
        return true;
      } finally {
        setSaving(false);
      }
    },
    [drafts],
  );

  /** The drafts as the contract takes them; null (and every error shown) when some are not valid. */
  const checked = useCallback((): I[] | null => {
    const result = check(drafts);
    if (!result.lines) setShowAll(true);
    return result.lines;
  }, [check, drafts]);

  const save = useCallback(async (): Promise<boolean> => {
    if (!dirtyRef.current) return true;
    // Never over a version the drafts were not based on: the clerk decides in the conflict notice.
    if (stale) {
      setStaleSaveAsked((n) => n + 1);
      return false;
    }
    const lines = checked();
    if (!lines) return false;
    return send(lines, base.version);
  }, [stale, checked, send, base.version]);

  /** The clerk chose to keep the drafts over the stored lines: saved over the version loaded now. */
  const overwrite = useCallback((lines: I[]) => send(lines, version), [send, version]);

  const table = useRef<TableApi | null>(null);
  useImperativeHandle(
    handle,
    () => ({
      save,
      discard: reset,
      add: (atEnd: boolean) => table.current?.add(atEnd),
      isDirty: () => dirtyRef.current,
      ...(hasFind ? { find: () => findRef.current?.() } : {}),
    }),
    [save, reset, hasFind],
  );

  const change = useCallback((next: D[], changedKey?: string, field?: string) => {
    setDrafts(next);
    if (changedKey && field) {
      setServerErrors((prev) => {
        const k = `${changedKey}.${field}`;
        if (!(k in prev)) return prev;
        const { [k]: _gone, ...rest } = prev;
        return rest;
      });
    }
  }, []);

  return { drafts, change, errors, serverErrors, showAll, dirty, saving, save, table, stale, base, checked, overwrite, reload: reset, staleSaveAsked };
}

interface TableProps<D extends { key: string }> {
  kind: LinesKind;
  columns: readonly LineColumn<D>[];
  lines: readonly D[];
  onChange(lines: D[], changedKey?: string, field?: string): void;
  newLine(): D;
  errors: LineErrors;
  serverErrors: Record<string, string>;
  showAll: boolean;
  dirty: boolean;
  saving: boolean;
  readOnly: boolean;
  /** A document window posts with its own button (Ctrl+S still calls onSave): no save button or dirty mark here. */
  ownSave?: boolean;
  /** Why the lines cannot be changed, shown above the table when read-only. */
  readOnlyNote?: string;
  onSave(): void;
  /** Under the toolbar, above the lines: a notice (a change made meanwhile at another desk). */
  banner?: ReactNode;
  /** Under the table: totals. */
  footer?: ReactNode;
  api: RefObject<TableApi | null>;
  /** A cell to mark (a find-and-replace match): scrolled into view. */
  highlight?: { key: string; field: string } | null;
  /** Why a line may not be removed (parts already issued …), or null when it may. */
  removeBlocked?(line: D): string | null;
}

const textTargets = new Set(['INPUT', 'TEXTAREA']);

export function LinesTable<D extends { key: string }>(props: TableProps<D>) {
  const { kind, columns, lines, onChange, newLine, errors, serverErrors, showAll, dirty, saving, readOnly } = props;
  const { t } = useTranslation();
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [anchor, setAnchor] = useState<string | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [blockedRemove, setBlockedRemove] = useState<string | null>(null);
  const focusNext = useRef<{ key: string; field?: string } | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  // Keys of removed lines drop out of the selection.
  const keys = lines.map((l) => l.key);
  const liveSelected = [...selected].filter((k) => keys.includes(k));

  useEffect(() => {
    const want = focusNext.current;
    if (!want) return;
    focusNext.current = null;
    const row = rootRef.current?.querySelector(`[data-line-key="${want.key}"]`);
    const target = want.field ? row?.querySelector<HTMLElement>(`[data-field="${want.field}"]`) : row?.querySelector<HTMLElement>('input, select, textarea');
    (target ?? row?.querySelector<HTMLElement>('.line-head'))?.focus();
  });

  // Saving reloads the lines as new rows; the focus goes back to the same cell instead of being lost.
  const lastFocus = useRef<{ index: number; field: string } | null>(null);
  useEffect(() => {
    const at = lastFocus.current;
    if (!at || focusNext.current || (document.activeElement && document.activeElement !== document.body)) return;
    const rows = rootRef.current?.querySelectorAll<HTMLElement>('[data-line-key]');
    const row = rows?.[Math.min(at.index, rows.length - 1)];
    (row?.querySelector<HTMLElement>(`[data-field="${at.field}"]:not(:disabled)`) ?? row?.querySelector<HTMLElement>('.line-head') ?? rootRef.current)?.focus();
  }, [lines]);

  function add(atEnd: boolean) {
    if (readOnly) return;
    const line = newLine();
    const at = atEnd || !current ? lines.length : Math.max(0, keys.indexOf(current) + 1);
    const next = [...lines.slice(0, at), line, ...lines.slice(at)];
    onChange(next);
    setSelected(new Set([line.key]));
    setAnchor(line.key);
    setCurrent(line.key);
    focusNext.current = { key: line.key };
  }

  useImperativeHandle(props.api, () => ({ add }));

  function remove() {
    if (readOnly || liveSelected.length === 0) return;
    const blocked = props.removeBlocked ? lines.filter((l) => liveSelected.includes(l.key)).map((l) => props.removeBlocked!(l)).filter((m) => m !== null) : [];
    if (blocked.length) setBlockedRemove(blocked.join('\n'));
    else setConfirmRemove(true);
  }

  function doRemove() {
    setConfirmRemove(false);
    const gone = new Set(liveSelected);
    const firstIndex = keys.findIndex((k) => gone.has(k));
    const next = lines.filter((l) => !gone.has(l.key));
    onChange(next);
    const after = next[Math.min(firstIndex, next.length - 1)];
    setSelected(after ? new Set([after.key]) : new Set());
    setAnchor(after?.key ?? null);
    setCurrent(after?.key ?? null);
    if (after) focusNext.current = { key: after.key, field: '__head' };
    else rootRef.current?.focus();
  }

  function select(key: string, e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }) {
    if (e.shiftKey && anchor && keys.includes(anchor)) {
      const [a, b] = [keys.indexOf(anchor), keys.indexOf(key)].sort((x, y) => x - y);
      setSelected(new Set(keys.slice(a, b + 1)));
    } else if (e.ctrlKey || e.metaKey) {
      const next = new Set(liveSelected);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      setSelected(next);
      setAnchor(key);
    } else {
      setSelected(new Set([key]));
      setAnchor(key);
    }
    setCurrent(key);
  }

  function moveTo(index: number, field: string | undefined, extend: boolean) {
    const line = lines[index];
    if (!line) return;
    if (extend) select(line.key, { shiftKey: true, ctrlKey: false, metaKey: false });
    else select(line.key, { shiftKey: false, ctrlKey: false, metaKey: false });
    focusNext.current = { key: line.key, field: field ?? '__head' };
  }

  function onKeyDown(e: React.KeyboardEvent) {
    const target = e.target as HTMLElement;
    const inText = textTargets.has(target.tagName) && (target as HTMLInputElement).type !== 'checkbox';
    const ctrl = e.ctrlKey || e.metaKey;
    if (e.key === 'Insert') {
      e.preventDefault();
      add(ctrl);
    } else if (ctrl && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      if (!readOnly && !saving) props.onSave();
    } else if (e.key === 'Delete' && (ctrl || !inText)) {
      e.preventDefault();
      remove();
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !e.altKey && !ctrl) {
      if (target.tagName === 'SELECT') return;
      const rowEl = target.closest<HTMLElement>('[data-line-key]');
      if (!rowEl) return;
      const index = keys.indexOf(rowEl.dataset.lineKey ?? '');
      const field = target.classList.contains('line-head') ? undefined : target.dataset.field;
      if (inText && e.shiftKey) return;
      e.preventDefault();
      moveTo(index + (e.key === 'ArrowDown' ? 1 : -1), field, e.shiftKey && !field);
    }
  }

  function errorOf(index: number, key: string, field: string): string | null {
    const server = serverErrors[`${key}.${field}`];
    if (server) return t('lines.errors.server', { message: server });
    const code = errors[`${index}.${field}`];
    if (!code) return null;
    if (!showAll && !touched.has(`${key}.${field}`)) return null;
    return t(code.includes('.') ? code : `lines.errors.${code}`);
  }

  const selectedCount = liveSelected.length;

  // A marked cell (find-and-replace) is brought into view.
  const hit = props.highlight;
  useEffect(() => {
    if (!hit) return;
    rootRef.current?.querySelector(`[data-line-key="${hit.key}"] td[data-cell="${hit.field}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [hit]);

  return (
    <div className="lines-editor" ref={rootRef} tabIndex={-1} onKeyDown={onKeyDown}>
      <div className="lines-toolbar">
        <button type="button" className="btn btn-small" data-testid="lines-add" disabled={readOnly} onClick={() => add(false)} title={t('lines.addTitle')}>
          {t('lines.add')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="lines-remove"
          disabled={readOnly || selectedCount === 0}
          onClick={remove}
          title={t('lines.removeTitle')}
        >
          {selectedCount > 1 ? t('lines.removeCount', { count: selectedCount }) : t('lines.remove')}
        </button>
        {!props.ownSave && (
          <button type="button" className="btn btn-small btn-primary" data-testid="lines-save" disabled={readOnly || saving || !dirty} onClick={props.onSave} title={t('lines.saveTitle')}>
            {saving ? t('lines.saving') : t('lines.save')}
          </button>
        )}
        {dirty && !props.ownSave && (
          <span className="lines-dirty" data-testid="lines-dirty">
            {t('lines.dirty')}
          </span>
        )}
        <span className="lines-keys">{readOnly ? props.readOnlyNote : t('lines.keys')}</span>
      </div>
      {props.banner}
      <div className="lines-scroll">
        <table className={`lines-table lines-${kind}`} data-testid="lines-table" data-kind={kind} data-count={lines.length} data-dirty={dirty}>
          <colgroup>
            <col style={{ width: 34 }} />
            {columns.map((c) => (
              <col key={c.field} style={c.width ? { width: c.width } : undefined} />
            ))}
          </colgroup>
          <thead>
            <tr>
              <th className="line-head-th">#</th>
              {columns.map((c) => (
                <th key={c.field} className={c.className} title={c.title}>
                  {c.label}
                  {c.required && !readOnly && <span className="required-mark">*</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {lines.map((line, i) => {
              const isSelected = selected.has(line.key);
              const update = (patch: Partial<D>) => {
                const field = Object.keys(patch)[0];
                onChange(
                  lines.map((l) => (l.key === line.key ? { ...l, ...patch } : l)),
                  line.key,
                  field,
                );
              };
              return (
                <tr
                  key={line.key}
                  data-line-key={line.key}
                  data-testid={`line-row-${i}`}
                  data-selected={isSelected}
                  className={`${isSelected ? 'selected' : ''} ${current === line.key ? 'current' : ''}`}
                  onMouseDown={(e) => {
                    if (e.shiftKey || e.ctrlKey || e.metaKey) {
                      if (e.shiftKey) e.preventDefault();
                      select(line.key, e);
                    }
                  }}
                  onFocus={(e) => {
                    const field = (e.target as HTMLElement).dataset.field;
                    if (field) lastFocus.current = { index: i, field };
                    if (current !== line.key) {
                      setCurrent(line.key);
                      if (liveSelected.length <= 1) {
                        setSelected(new Set([line.key]));
                        setAnchor(line.key);
                      }
                    }
                  }}
                >
                  <td
                    className="line-head"
                    tabIndex={0}
                    data-field="__head"
                    title={t('lines.rowTitle')}
                    onMouseDown={(e) => {
                      if (!(e.shiftKey || e.ctrlKey || e.metaKey)) select(line.key, e);
                    }}
                  >
                    {i + 1}
                  </td>
                  {columns.map((c) => {
                    const error = errorOf(i, line.key, c.field);
                    const cell: CellProps = {
                      'data-testid': `line-${i}-${c.field}`,
                      'data-field': c.field,
                      'aria-invalid': Boolean(error),
                      'aria-label': `${c.label} ${i + 1}`,
                      disabled: readOnly,
                      onBlur: () => setTouched((prev) => (prev.has(`${line.key}.${c.field}`) ? prev : new Set(prev).add(`${line.key}.${c.field}`))),
                    };
                    return (
                      <td
                        key={c.field}
                        data-cell={c.field}
                        className={`${c.className ?? ''} ${error ? 'has-error' : ''} ${hit && hit.key === line.key && hit.field === c.field ? 'find-hit' : ''}`}
                      >
                        {c.render(line, cell, update, i)}
                        {error && (
                          <div className="cell-error" data-testid={`line-${i}-${c.field}-error`} role="alert">
                            {error}
                          </div>
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
            {lines.length === 0 && (
              <tr className="lines-empty">
                <td colSpan={columns.length + 1}>{readOnly ? t('lines.emptyReadOnly') : t('lines.empty')}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {props.footer}
      {blockedRemove && (
        <ConfirmDialog
          title={t('lines.removeConfirmTitle')}
          message={blockedRemove}
          buttons={[{ id: 'ok', label: t('linesMore.removeBlockedOk'), primary: true }]}
          cancelId="ok"
          testId="lines-remove-blocked"
          onChoose={() => {
            setBlockedRemove(null);
            const key = current ?? liveSelected[0];
            if (key) focusNext.current = { key, field: '__head' };
            else rootRef.current?.focus();
          }}
        />
      )}
      {confirmRemove && (
        <ConfirmDialog
          title={t('lines.removeConfirmTitle')}
          message={t('lines.removeConfirm', { count: selectedCount })}
          buttons={[
            { id: 'ok', label: t('lines.removeOk'), primary: true },
            { id: 'cancel', label: t('common.cancel') },
          ]}
          cancelId="cancel"
          onChoose={(id) => {
            if (id === 'ok') doRemove();
            else {
              setConfirmRemove(false);
              const key = current ?? liveSelected[0];
              if (key) focusNext.current = { key, field: '__head' };
              else rootRef.current?.focus();
            }
          }}
        />
      )}
    </div>
  );
}
