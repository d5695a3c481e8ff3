import { useCallback, useState, type ReactNode, type RefObject } from 'react';
import { parseDate } from '../query/draft.js';
import { LinesConflict } from './LinesConflict.js';
import { LinesTable, useLinesEditor, type EditorHandle, type LineColumn, type LinesKind, type SaveLines } from './LinesTable.js';
import type { LineErrors } from './lines.js';
import { FindReplaceBar } from './FindReplaceBar.js';
import type { Match } from './find-replace.js';

// The cells and the frame the lines editors (售服内容, 售服费用, 售服材料) have in common.

type Render<D> = LineColumn<D>['render'];
const patch = <D,>(field: string, value: unknown) => ({ [field]: value }) as Partial<D>;

/** A drop-down of fixed codes, each shown in words. */
export function selectCell<D extends Record<K, string>, K extends string>(field: K, codes: readonly string[], label: (code: string) => string): Render<D> {
  return function SelectCell(line, cell, update) {
    return (
      <select {...cell} value={line[field]} onChange={(e) => update(patch<D>(field, e.target.value))}>
        {codes.map((c) => (
          <option key={c} value={c}>
            {label(c)}
          </option>
        ))}
      </select>
    );
  };
}

/** A day typed in any form the query fields take; leaving the cell writes it as YYYY-MM-DD. */
export function dateCell<D extends Record<K, string>, K extends string>(field: K, opts: { placeholder(line: D): string; disabled?(line: D): boolean }): Render<D> {
  return function DateCell(line, cell, update) {
    return (
      <input
        {...cell}
        type="text"
        value={line[field]}
        disabled={cell.disabled || (opts.disabled?.(line) ?? false)}
        placeholder={opts.placeholder(line)}
        onChange={(e) => update(patch<D>(field, e.target.value))}
        onBlur={() => {
          cell.onBlur();
          const d = parseDate(line[field].trim());
          if (d && !d.time && d.day !== line[field]) update(patch<D>(field, d.day));
        }}
      />
    );
  };
}

/** An amount with its currency sign in front. */
export const withYuanSign = (input: ReactNode) => (
  <span className="money-input">
    <span className="money-sign">¥</span>
    {input}
  </span>
);

/** A decimal typed freely; leaving the cell writes it the standard way (`normal` says how, or null when it does not parse). */
export function decimalCell<D extends Record<K, string>, K extends string>(field: K, placeholder: string, normal: (text: string) => string | null, wrap: (input: ReactNode) => ReactNode = (i) => i): Render<D> {
  return function DecimalCell(line, cell, update) {
    return wrap(
      <input
        {...cell}
        type="text"
        inputMode="decimal"
        className="num"
        value={line[field]}
        placeholder={placeholder}
        onChange={(e) => update(patch<D>(field, e.target.value))}
        onBlur={() => {
          cell.onBlur();
          const n = normal(line[field]);
          if (n !== null && n !== line[field]) update(patch<D>(field, n));
        }}
      />,
    );
  };
}

/** What the order window hands either lines editor. */
export interface LinesEditorProps<S, I> {
  lines: readonly S[];
  /** The order's row version as loaded now. */
  version: number;
  /** Who changed the order last, and when (shown when another desk changed it meanwhile). */
  changedBy: string;
  changedAt: string;
  /** The server's account of the last save refused because of such a change (who changed what). */
  conflictNote?: string | null;
  /** The clerk reloaded the stored lines after such a change, dropping the drafts. */
  onConflictSettled?(): void;
  readOnly: boolean;
  readOnlyNote?: string;
  save: SaveLines<I>;
  handle: RefObject<EditorHandle | null>;
  onDirtyChange(dirty: boolean): void;
}

interface FrameProps<S, D extends { key: string }, I> extends LinesEditorProps<S, I> {
  kind: LinesKind;
  toDraft(line: S): D;
  check(drafts: readonly D[]): { errors: LineErrors; lines: I[] | null };
  columns: readonly LineColumn<D>[];
  newLine(): D;
  /** The stored fields compared when another desk changed the lines meanwhile (contract names). */
  compareFields: readonly string[];
  /** A stored line in a few words, for the conflict notice. */
  describe(line: S): string;
  /** A contract field name in words. */
  fieldLabel(field: string): string;
  /** The totals under the table, from the lines as typed. */
  footer(drafts: readonly D[], dirty: boolean): ReactNode;
  /** The free-text cells Ctrl+F finds and replaces in; no find bar without them. */
  findFields?: readonly string[];
  /** Why a line may not be removed, or null when it may. */
  removeBlocked?(line: D): string | null;
}

/** One order's lines of one kind: drafts, checks and saving (useLinesEditor) drawn by LinesTable. */
export function LinesEditorFrame<S extends { id: number } & Readonly<Record<string, unknown>>, D extends { key: string }, I extends { id?: number }>(
  props: FrameProps<S, D, I>,
) {
  const {
    lines,
    kind,
    columns,
    newLine,
    readOnly,
    readOnlyNote,
    footer,
    compareFields,
    describe,
    fieldLabel,
    changedBy,
    changedAt,
    conflictNote,
    onConflictSettled,
    findFields,
    removeBlocked,
    ...options
  } = props;
  const [find, setFind] = useState<{ signal: number } | null>(null);
  const [hit, setHit] = useState<Match | null>(null);
  const openFind = useCallback(() => setFind((f) => ({ signal: (f?.signal ?? 0) + 1 })), []);
  // The rest of the editor's state (errors, serverErrors, showAll, dirty, saving) goes to the table as it is.
  const { drafts, change, table, save, stale, base, checked, overwrite, reload, staleSaveAsked, ...state } = useLinesEditor({
    source: lines,
    ...options,
    onFind: findFields ? openFind : undefined,
  });
  const conflict = stale && (
    <LinesConflict<S, I>
      baseLines={base.source}
      stored={lines}
      fields={compareFields}
      describe={describe}
      fieldLabel={fieldLabel}
      changedBy={changedBy}
      changedAt={changedAt}
      note={conflictNote}
      readOnly={readOnly}
      saving={state.saving}
      focusSignal={staleSaveAsked}
      checked={checked}
      onReload={() => {
        reload();
        onConflictSettled?.();
      }}
      onOverwrite={overwrite}
    />
  );
  const findBar = find && findFields && (
    <FindReplaceBar<D & Record<string, unknown>>
      lines={drafts as (D & Record<string, unknown>)[]}
      fields={findFields}
      readOnly={readOnly}
      focusSignal={find.signal}
      onChange={(next) => change(next)}
      onHighlight={setHit}
      onClose={() => {
        setFind(null);
        setHit(null);
        // Back to the table: the cell of the last match, or the lines.
        const el = document.querySelector<HTMLElement>(`[data-testid="lines-table"][data-kind="${kind}"]`);
        el?.closest<HTMLElement>('.lines-editor')?.focus();
      }}
    />
  );
  const banner =
    conflict || findBar ? (
      <>
        {conflict}
        {findBar}
      </>
    ) : null;
  return (
    <LinesTable
      {...state}
      banner={banner}
      kind={kind}
      columns={columns}
      lines={drafts}
      onChange={change}
      api={table}
      newLine={newLine}
      readOnly={readOnly}
      readOnlyNote={readOnlyNote}
      onSave={() => void save()}
      footer={footer(drafts, state.dirty)}
      highlight={hit}
      removeBlocked={removeBlocked}
    />
  );
}
