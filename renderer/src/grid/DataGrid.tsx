import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  AllCommunityModule,
  ModuleRegistry,
  themeBalham,
  type CellKeyDownEvent,
  type ColDef,
  type ColumnState,
  type FullWidthCellKeyDownEvent,
  type GetRowIdParams,
  type GridApi,
  type ICellRendererParams,
  type IRowNode,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { AG_GRID_LOCALE_CN } from '@ag-grid-community/locale';
import type { ModuleDef } from '../../../shared/modules/types.js';
import type { Condition, GroupCount, QueryResult, Row } from '../../../shared/query.js';
import { sumRows, type GroupLine } from '../../../shared/grid/grouping.js';
import { groupConditions, listLines, type ListGroupLine } from './list-lines.js';
import { errorText } from '../i18n/errors.js';
import { MAX_COLUMN_WIDTH, MAX_GROUP_LEVELS, MAX_SORT_COLUMNS, MIN_COLUMN_WIDTH, type ListLayout } from '../../../shared/grid/layout.js';
import type { ExportFormat } from '../../../shared/export/sheet.js';
import { formatCell, headerWidth } from './format.js';
import { ContextMenu, type MenuItem } from './ContextMenu.js';
import { GroupPanel, chipIndexAt, GROUP_DRAG_TYPE } from './GroupPanel.js';
import { FieldBox, COLUMN_DRAG_TYPE } from './FieldBox.js';
import { copyText, toTsv, type CopyColumn } from './clipboard.js';
import { groupLabel, sheetLines, sheetSpec } from './sheet.js';
import type { SheetLine, SheetSpec } from '../../../shared/export/sheet.js';
import './grid.css';

// Community modules only (no enterprise, no licence key).
ModuleRegistry.registerModules([AllCommunityModule]);

export const FONT_STACK = ['Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'sans-serif'];

// A calm, dense desktop look: Balham (spreadsheet-like) with the system Chinese fonts. No
// web fonts are loaded (the CSP forbids them and desks may be offline).
const gridTheme = themeBalham.withParams({
  fontFamily: FONT_STACK,
  fontSize: 13,
  headerFontSize: 13,
  headerFontWeight: 600,
  rowHeight: 28,
  headerHeight: 32,
  accentColor: '#2f6fb3',
  backgroundColor: '#ffffff',
  foregroundColor: '#1f2933',
  headerBackgroundColor: '#eef2f6',
  oddRowBackgroundColor: '#f8fafc',
  borderColor: '#d5dbe3',
  selectedRowBackgroundColor: '#dbe8f7',
  wrapperBorderRadius: 0,
});

/** Group rows travel through AG Grid as full-width rows carrying their GroupLine. */
interface GroupItem {
  __group: ListGroupLine;
}
interface FooterItem {
  __footer: true;
  [field: string]: unknown;
}
type GridItem = Row | GroupItem | FooterItem;

const isGroup = (d: GridItem | undefined): d is GroupItem => !!d && '__group' in d;
const isFooter = (d: GridItem | undefined): d is FooterItem => !!d && '__footer' in d;

/** What the query said about the groups of the rows it returned. */
export interface ListGroups {
  /** The group fields the query counted (its groupBy). */
  groupBy: readonly string[];
  /** Its groups of the deepest level over the whole result, when the server counted them. */
  counts?: readonly GroupCount[];
  /** More groups than the server counts: the groups count the rows on hand. */
  countsCapped: boolean;
  /** Every matching row is on hand (the query was not capped). */
  complete: boolean;
  /** Changes with every result: rows fetched for a group belong to one result. */
  resultId: number;
}

type GroupFetch = { state: 'loading' } | { state: 'done'; rows: Row[]; capped: boolean; total: number } | { state: 'failed'; message: string };

export interface DataGridProps {
  module: ModuleDef;
  /** Title of exports and names of exported files. */
  title: string;
  /** The rows in the list's order: the server sorted them by the layout's sort, and the grid keeps that order. */
  rows: Row[];
  /** The query's group counts (see ListGroups); without them groups count the rows on hand. */
  groups?: ListGroups;
  /** The rows of one group: the query on screen AND these conditions (unfolding a group whose rows are not all loaded). */
  loadGroup?(conditions: Condition[]): Promise<QueryResult>;
  loading: boolean;
  layout: ListLayout;
  onLayoutChange(change: (current: ListLayout) => ListLayout): void;
  onResetLayout(): void;
  /** Enter or double-click on a row. */
  onOpenRow?(row: Row): void;
  /** The selected rows, in display order, whenever the selection changes. */
  onSelectionChange?(rows: Row[]): void;
  /** The module's own commands (new, modify, delete …), first in the toolbar. */
  toolbarStart?: React.ReactNode;
  /** Export of what is on screen. */
  onExport?(format: ExportFormat, spec: SheetSpec, lines: SheetLine[]): void;
  /** Export of every row matching the query, beyond the rows on screen. */
  onExportAll?(format: ExportFormat, spec: SheetSpec): void;
}

type Menu = { kind: 'header'; field: string; x: number; y: number } | { kind: 'cell'; field: string; rowId: string | null; x: number; y: number };
type DropZone = 'group' | 'fieldBox' | null;

// Column changes made by the user; the grid's own (initial state, applied layouts) are not echoed back.
const USER_SOURCES = new Set<string>(['uiColumnMoved', 'uiColumnDragged', 'uiColumnResized', 'uiColumnSorted', 'autosizeColumns']);

function sortOf(layout: ListLayout, field: string): { sort: 'asc' | 'desc' | null; sortIndex: number | null } {
  const index = layout.sort.findIndex((s) => s.field === field);
  return index === -1 ? { sort: null, sortIndex: null } : { sort: layout.sort[index].dir, sortIndex: index };
}

/** The grid's column state for a layout: grouped columns leave the headers (their group rows show them). */
function columnStateOf(layout: ListLayout, width: (field: string, width: number) => number): ColumnState[] {
  return layout.columns.map((c) => ({
    colId: c.field,
    width: width(c.field, c.width),
    hide: c.hidden || layout.groupBy.includes(c.field),
    ...sortOf(layout, c.field),
  }));
}

/** The layout after the user changed the grid's columns (moved, resized, sorted), kept within what a layout may hold. */
function layoutFromGrid(state: ColumnState[], layout: ListLayout): ListLayout {
  const known = new Map(layout.columns.map((c) => [c.field, c]));
  const columns = state
    .filter((s) => known.has(s.colId))
    .map((s) => ({
      field: s.colId,
      width: Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, Math.round(s.width ?? known.get(s.colId)!.width))),
      // A grouped column is out of the headers, not hidden by the user.
      hidden: layout.groupBy.includes(s.colId) ? known.get(s.colId)!.hidden : !!s.hide,
    }));
  const sort = state
    .filter((s) => s.sort === 'asc' || s.sort === 'desc')
    .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
    .map((s) => ({ field: s.colId, dir: s.sort as 'asc' | 'desc' }))
    .slice(0, MAX_SORT_COLUMNS);
  const next = { ...layout, columns, sort };
  return JSON.stringify(next) === JSON.stringify(layout) ? layout : next;
}

function within(el: HTMLElement | null, x: number, y: number): boolean {
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

interface GroupRowContext {
  toggle(id: string): void;
  label(line: GroupLine): string;
  /** What the group row adds about the rows behind its count (not all loaded, loading …). */
  note(line: ListGroupLine): { text: string; title?: string; kind: 'info' | 'busy' | 'error' } | null;
}

function GroupRow(props: ICellRendererParams<GridItem, unknown, GroupRowContext>) {
  const data = props.data;
  if (!isGroup(data)) return null;
  const line = data.__group;
  return (
    <div
      className={`group-row group-level-${line.level}`}
      data-testid="group-row"
      data-group-id={line.id}
      data-group-field={line.field}
      data-group-level={line.level}
      data-group-count={line.count}
      data-group-loaded={line.loaded}
      data-expanded={line.expanded}
      style={{ paddingLeft: 6 + line.level * 20 }}
      onDoubleClick={() => props.context.toggle(line.id)}
    >
      <button
        type="button"
        className="group-toggle"
        tabIndex={-1}
        aria-expanded={line.expanded}
        data-testid="group-toggle"
        onClick={(e) => {
          e.stopPropagation();
          props.context.toggle(line.id);
        }}
      >
        {line.expanded ? '▾' : '▸'}
      </button>
      <span className="group-label">{props.context.label(line)}</span>
      <GroupNote note={props.context.note(line)} />
    </div>
  );
}

function GroupNote({ note }: { note: ReturnType<GroupRowContext['note']> }) {
  if (!note) return null;
  return (
    <span className={`group-note group-note-${note.kind}`} data-testid="group-note" title={note.title}>
      {note.text}
    </span>
  );
}

/**
 * The legacy "data window" grid, written once for every list and driven by the module
 * definition and the user's layout: sorting (asked of the server, shown in the headers), grouping
 * with a group panel (counted over the whole result when the server counts it), the header
 * menu, the field box, merged cells, copy, selection keys, a footer with count and sums, export.
 * AG Grid Community draws the cells; grouping, menus and copy are built here on its public API.
 */
export function DataGrid({ module, title, rows, groups, loadGroup, loading, layout, onLayoutChange, onResetLayout, onOpenRow, onSelectionChange, toolbarStart, onExport, onExportAll }: DataGridProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const apiRef = useRef<GridApi<GridItem> | null>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  /** Groups the user unfolded (true) or folded (false); the others start as listLines says. */
  const [toggled, setToggled] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [fetched, setFetched] = useState<ReadonlyMap<string, GroupFetch>>(new Map());
  const [menu, setMenu] = useState<Menu | null>(null);
  const [fieldBoxOpen, setFieldBoxOpen] = useState(false);
  const [dropZone, setDropZone] = useState<DropZone>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [selectedCount, setSelectedCount] = useState(0);
  const allSelected = useRef(false);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  const colById = useMemo(() => new Map(module.columns.map((c) => [c.field, c])), [module]);
  // A column at its defined width grows to show its header in full (English labels are longer).
  const widthRef = useRef((field: string, width: number) => width);
  widthRef.current = (field, width) => {
    const def = colById.get(field);
    return def && width === def.width ? Math.max(width, headerWidth(t(def.labelKey))) : width;
  };
  const labelOf = useCallback((field: string) => t(colById.get(field)?.labelKey ?? field), [t, colById]);

  // A new grouping starts as listLines says; a refresh (F5) keeps what the user folded or unfolded.
  const groupKey = layout.groupBy.join('\u0000');
  useEffect(() => setToggled(new Map()), [groupKey]);
  // Rows fetched for a group belong to the result they were fetched for.
  const resultId = groups?.resultId;
  const resultRef = useRef(resultId);
  resultRef.current = resultId;
  useEffect(() => setFetched(new Map()), [resultId, groupKey]);

  // The server's counts, when they are for the grouping on screen and the rows are not all here
  // (with every row on hand the rows count themselves, the same numbers).
  const countsFit = !!groups && !groups.countsCapped && !!groups.counts && groups.groupBy.join('\u0000') === groupKey;
  const counts = countsFit && !groups.complete ? groups.counts : undefined;
  /** Grouped, capped, and no server counts: the groups count only the rows on hand. */
  const loadedCountsOnly = !loading && layout.groupBy.length > 0 && !!groups && !groups.complete && !countsFit;
  const fetchedRows = useMemo(() => {
    const map = new Map<string, Row[]>();
    for (const [id, f] of fetched) if (f.state === 'done') map.set(id, f.rows);
    return map;
  }, [fetched]);

  const grouped = useMemo(
    () => listLines(rows, { columns: module.columns, groupBy: layout.groupBy, rowKey: module.rowKey, counts, fetched: fetchedRows, toggled }),
    [rows, module, layout.groupBy, counts, fetchedRows, toggled],
  );
  const rowData = useMemo<GridItem[]>(() => grouped.all.map((l) => (l.kind === 'row' ? l.row : { __group: l })), [grouped]);
  const loadedRows = useMemo(() => grouped.all.filter((l) => l.kind === 'row').map((l) => (l as { row: Row }).row), [grouped]);

  // AG Grid sorts by its own rules first; this puts the rows back in the list's order.
  const orderRef = useRef(new Map<string, number>());
  const visibleRef = useRef(new Set<string>());
  orderRef.current = new Map(grouped.all.map((l, i) => [l.id, i]));
  visibleRef.current = new Set(grouped.visible.map((l) => l.id));
  const hiddenCount = grouped.all.length - grouped.visible.length;
  useEffect(() => apiRef.current?.onFilterChanged(), [grouped]);
  const linesRef = useRef(grouped);
  linesRef.current = grouped;

  const toggle = useCallback((id: string) => {
    const line = linesRef.current.all.find((l) => l.id === id);
    if (!line || line.kind !== 'group') return;
    setToggled((current) => new Map(current).set(id, !line.expanded));
    // Unfolding a group whose rows could not be fetched tries again.
    if (!line.expanded)
      setFetched((current) => {
        if (current.get(id)?.state !== 'failed') return current;
        const next = new Map(current);
        next.delete(id);
        return next;
      });
  }, []);

  // An unfolded group whose rows are not all here fetches them: the query on screen AND the
  // group's values, up to the cap. After a refresh the groups the user had unfolded fetch again.
  const loadGroupRef = useRef(loadGroup);
  loadGroupRef.current = loadGroup;
  useEffect(() => {
    const load = loadGroupRef.current;
    if (!load || !counts) return;
    const wanted = grouped.all.filter((l): l is ListGroupLine => l.kind === 'group' && l.leaf && l.expanded && !l.complete && !fetched.has(l.id));
    if (!wanted.length) return;
    const forResult = resultRef.current;
    const fields = [...layout.groupBy];
    setFetched((current) => {
      const next = new Map(current);
      for (const line of wanted) next.set(line.id, { state: 'loading' });
      return next;
    });
    for (const line of wanted) {
      load(groupConditions(module.columns, fields, line.values)).then(
        (r) => {
          if (resultRef.current !== forResult) return;
          setFetched((current) => new Map(current).set(line.id, { state: 'done', rows: r.rows, capped: r.capped, total: r.total }));
        },
        (err: unknown) => {
          if (resultRef.current !== forResult) return;
          setFetched((current) => new Map(current).set(line.id, { state: 'failed', message: errorText(t, err) }));
        },
      );
    }
  }, [grouped, counts, fetched, layout.groupBy, module.columns, t]);

  const spec = useMemo(() => sheetSpec(module, layout, t, title), [module, layout, t, title]);
  const nf = useMemo(() => new Intl.NumberFormat(lang), [lang]);
  const note = useCallback(
    (line: ListGroupLine): ReturnType<GroupRowContext['note']> => {
      if (loadedCountsOnly) {
        const title = groups?.countsCapped ? t('grid.groupCountsCapped') : t('grid.groupCountsLoadedTitle');
        return line.level === 0 ? { text: t('grid.groupCountsLoaded'), title, kind: 'info' } : null;
      }
      const f = fetched.get(line.id);
      if (f?.state === 'loading') return { text: t('grid.groupLoading'), kind: 'busy' };
      if (f?.state === 'failed') return { text: t('grid.groupLoadFailed', { message: f.message }), kind: 'error' };
      if (f?.state === 'done' && f.capped) return { text: t('grid.groupCapped', { shown: nf.format(f.rows.length), total: nf.format(f.total) }), title: t('grid.groupCappedTitle'), kind: 'info' };
      if (line.complete || !line.leaf) return null;
      if (!loadGroup) return { text: t('grid.groupPartial', { loaded: nf.format(line.loaded), count: nf.format(line.count) }), title: t('grid.groupNoFetchTitle'), kind: 'info' };
      return line.loaded === 0
        ? { text: t('grid.groupNotLoaded'), title: t('grid.groupExpandToLoad'), kind: 'info' }
        : { text: t('grid.groupPartial', { loaded: nf.format(line.loaded), count: nf.format(line.count) }), title: t('grid.groupExpandToLoad'), kind: 'info' };
    },
    [loadedCountsOnly, groups?.countsCapped, fetched, loadGroup, nf, t],
  );
  // What the counts of the group rows cover, said once above them.
  const scope = useMemo(() => {
    if (!layout.groupBy.length || !groups) return null;
    if (loadedCountsOnly) {
      return {
        text: t('grid.groupScopeLoaded', { count: nf.format(rows.length) }),
        title: groups.countsCapped ? t('grid.groupCountsCapped') : t('grid.groupCountsLoadedTitle'),
        partial: true,
      };
    }
    const total = counts ? counts.reduce((n, g) => n + g.count, 0) : rows.length;
    return { text: t('grid.groupScopeAll', { count: nf.format(total) }), partial: false };
  }, [layout.groupBy.length, groups, loadedCountsOnly, counts, rows.length, nf, t]);
  const context = useMemo<GroupRowContext>(() => ({ toggle, label: (line) => groupLabel(module, spec, line, t), note }), [toggle, module, spec, t, note]);

  const columnDefs = useMemo<ColDef<GridItem>[]>(
    () =>
      module.columns.map((col) => {
        const label = t(col.labelKey);
        const def: ColDef<GridItem> = {
          colId: col.field,
          field: col.field as never,
          headerName: label,
          headerTooltip: label,
          initialWidth: Math.max(col.width, headerWidth(label)),
          minWidth: 48,
          maxWidth: MAX_COLUMN_WIDTH,
          sortable: true,
          resizable: true,
          // The server sorted the whole result (the header shows the sort); the grid's own pass is a no-op.
          comparator: () => 0,
          // Only data rows merge: group rows and the footer break a run, and empty cells never merge.
          spanRows: layout.merged.includes(col.field)
            ? ({ nodeA, nodeB, valueA, valueB }) =>
                !!nodeA?.data && !!nodeB?.data && !isGroup(nodeA.data) && !isGroup(nodeB.data) && !nodeA.rowPinned && !nodeB.rowPinned && valueA !== null && valueA !== undefined && valueA !== '' && valueA === valueB
            : false,
          valueFormatter: (p) => {
            if (isFooter(p.data)) return p.value === undefined || p.value === null ? '' : String(p.value);
            return formatCell(col, p.value as Row[string], t, lang);
          },
        };
        if (col.type === 'text') def.tooltipValueGetter = (p) => (p.value === null || p.value === undefined ? null : String(p.value));
        if (col.type === 'number' || col.type === 'money') def.type = 'rightAligned';
        if (col.type === 'bool') def.cellClass = 'cell-center';
        // Enum cells carry their value as a class (e.g. enum-urgency-urgent) for quiet emphasis.
        if (col.type === 'enum') def.cellClass = (p) => ['cell-center', `enum-${col.enumKey ?? col.field}-${String(p.value ?? '')}`];
        return def;
      }),
    [module, t, lang, layout.merged],
  );

  // Layout → grid, whenever they differ (loaded, reset, changed through a menu or the field box).
  const applyLayout = useCallback(() => {
    const api = apiRef.current;
    if (!api || api.isDestroyed()) return;
    const want = columnStateOf(layoutRef.current, widthRef.current);
    const have = api.getColumnState();
    const same =
      want.length === have.length &&
      want.every((w, i) => {
        const h = have[i];
        return h.colId === w.colId && h.width === w.width && !!h.hide === w.hide && (h.sort ?? null) === w.sort && (w.sort === null || h.sortIndex === w.sortIndex);
      });
    if (!same) api.applyColumnState({ state: want, applyOrder: true, defaultState: { sort: null } });
  }, []);
  useEffect(applyLayout, [layout, applyLayout, columnDefs]);

  // The grid's state is read now, in the event, not later when React applies the change.
  const syncFromGrid = useCallback(() => {
    const state = apiRef.current?.getColumnState();
    if (state) onLayoutChange((current) => layoutFromGrid(state, current));
  }, [onLayoutChange]);

  // Rows the module marks as needing attention (ModuleDef.dangerWhen), e.g. overdue owed parts.
  const danger = module.dangerWhen;
  const rowClass = useCallback(
    (p: { data?: GridItem }) => {
      if (!danger || !p.data || isGroup(p.data) || isFooter(p.data)) return undefined;
      const v = (p.data as Row)[danger.field];
      return v !== null && v !== undefined && String(v) === String(danger.equals) ? 'row-danger' : undefined;
    },
    [danger],
  );

  // ---- footer: row count and sums of the loaded rows -------------------------------------
  const footer = useMemo<FooterItem[]>(() => {
    const first = layout.columns.find((c) => !c.hidden && !layout.groupBy.includes(c.field));
    const item: FooterItem = { __footer: true };
    const sums = sumRows(loadedRows, module.columns);
    for (const [field, sum] of Object.entries(sums)) {
      const col = colById.get(field)!;
      item[field] = formatCell(col, sum, t, lang);
    }
    if (first && !(first.field in sums)) item[first.field] = t('grid.footerRows', { count: loadedRows.length });
    return [item];
  }, [loadedRows, module, layout.columns, layout.groupBy, colById, t, lang]);

  // ---- selection, copy, keys ----------------------------------------------------------------
  const displayedRows = useCallback((): Row[] => loadedRows, [loadedRows]);

  const selectedRows = useCallback((): Row[] => {
    const api = apiRef.current;
    if (!api) return [];
    const order = orderRef.current;
    return api
      .getSelectedNodes()
      .filter((n) => n.data && !isGroup(n.data) && !isFooter(n.data))
      .sort((a, b) => (order.get(a.id!) ?? 0) - (order.get(b.id!) ?? 0))
      .map((n) => n.data as Row);
  }, []);

  const copyColumns = useCallback((): CopyColumn<Row>[] => {
    return spec.columns.map((c) => {
      const def = colById.get(c.field)!;
      // Money pastes as a plain number a spreadsheet can add up.
      const text = def.type === 'money' ? (row: Row) => (row[c.field] === null || row[c.field] === undefined ? '' : (Number(row[c.field]) / 100).toFixed(2)) : (row: Row) => formatCell(def, row[c.field], t, lang);
      return { label: c.label, text };
    });
  }, [spec, colById, t, lang]);

  const copyRows = useCallback(async (list: Row[]) => {
    if (list.length) await copyText(toTsv(copyColumns(), list));
  }, [copyColumns]);

  const copyCell = useCallback(async (rowId: string | null, field: string) => {
    const api = apiRef.current;
    const node = rowId ? api?.getRowNode(rowId) : undefined;
    const data = node?.data;
    if (!data || isFooter(data)) return;
    if (isGroup(data)) return copyText(context.label(data.__group));
    const def = colById.get(field);
    if (def) await copyText(formatCell(def, data[field], t, lang));
  }, [colById, context, t, lang]);

  const focusedCell = useCallback((): { rowId: string | null; field: string } | null => {
    const api = apiRef.current;
    const cell = api?.getFocusedCell();
    if (!api || !cell || cell.rowPinned) return null;
    const node = api.getDisplayedRowAtIndex(cell.rowIndex);
    return { rowId: node?.id ?? null, field: cell.column.getColId() };
  }, []);

  const onKeyDown = useCallback(
    (e: React.KeyboardEvent) => {
      if (isTyping(e.target) || !(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === 'a') {
        e.preventDefault();
        apiRef.current?.selectAll();
        allSelected.current = true;
      } else if (key === 'c') {
        e.preventDefault();
        const selected = selectedRows();
        // After Ctrl+A the rows are copied even when the list has only one.
        if (selected.length > 1 || (allSelected.current && selected.length > 0)) void copyRows(selected);
        else {
          const cell = focusedCell();
          if (cell) void copyCell(cell.rowId, cell.field);
          else void copyRows(selected);
        }
      }
    },
    [selectedRows, copyRows, copyCell, focusedCell],
  );

  const onCellKeyDown = useCallback(
    (e: CellKeyDownEvent<GridItem> | FullWidthCellKeyDownEvent<GridItem>) => {
      const key = (e.event as KeyboardEvent | undefined)?.key;
      if (key !== 'Enter') return;
      const data = e.data;
      if (isGroup(data)) toggle(data.__group.id);
      else if (data && !isFooter(data)) onOpenRow?.(data);
    },
    [toggle, onOpenRow],
  );

  // ---- grouping ---------------------------------------------------------------------------
  const flash = useCallback((text: string) => {
    setNotice(text);
    window.setTimeout(() => setNotice((n) => (n === text ? null : n)), 3000);
  }, []);

  const setGroupBy = useCallback((groupBy: string[]) => onLayoutChange((l) => ({ ...l, groupBy, groupPanel: l.groupPanel || groupBy.length > 0 })), [onLayoutChange]);

  const groupBy = useCallback(
    (field: string, at?: number) => {
      const current = layoutRef.current.groupBy;
      if (current.includes(field)) return;
      if (colById.get(field)?.groupable === false) return flash(t('grid.notGroupable', { column: labelOf(field) }));
      if (current.length >= MAX_GROUP_LEVELS) return flash(t('grid.tooManyLevels', { count: MAX_GROUP_LEVELS }));
      const next = [...current];
      next.splice(at ?? next.length, 0, field);
      setGroupBy(next);
    },
    [colById, flash, labelOf, setGroupBy, t],
  );

  const ungroup = useCallback((field: string) => setGroupBy(layoutRef.current.groupBy.filter((f) => f !== field)), [setGroupBy]);

  const setHidden = useCallback(
    (field: string, hidden: boolean, beforeField?: string) =>
      onLayoutChange((l) => {
        const columns = l.columns.map((c) => (c.field === field ? { ...c, hidden } : c));
        if (beforeField && beforeField !== field) {
          const moving = columns.splice(columns.findIndex((c) => c.field === field), 1)[0];
          columns.splice(columns.findIndex((c) => c.field === beforeField), 0, moving);
        }
        return { ...l, columns };
      }),
    [onLayoutChange],
  );

  // A header dragged by AG Grid's own column drag: where it is let go decides what happens.
  const drag = useRef<{ field: string; x: number; y: number } | null>(null);
  const onDragStarted = useCallback((e: { target: Element }) => {
    if (e.target.closest('.ag-header-cell-resize')) return;
    const field = e.target.closest('.ag-header-cell')?.getAttribute('col-id');
    if (!field) return;
    drag.current = { field, x: -1, y: -1 };
    const move = (m: MouseEvent) => {
      if (!drag.current) return;
      drag.current.x = m.clientX;
      drag.current.y = m.clientY;
      setDropZone(within(panelRef.current, m.clientX, m.clientY) ? 'group' : within(boxRef.current, m.clientX, m.clientY) ? 'fieldBox' : null);
    };
    const up = () => {
      window.removeEventListener('mousemove', move, true);
      window.removeEventListener('mouseup', up, true);
    };
    window.addEventListener('mousemove', move, true);
    window.addEventListener('mouseup', up, true);
  }, []);

  const onDragStopped = useCallback(() => {
    const d = drag.current;
    drag.current = null;
    setDropZone(null);
    if (!d) return;
    if (within(panelRef.current, d.x, d.y)) {
      // The drag may have moved the column on its way up; the arrangement stays as it was.
      applyLayout();
      groupBy(d.field, chipIndexAt(panelRef.current!, d.x));
    } else if (within(boxRef.current, d.x, d.y)) {
      applyLayout();
      setHidden(d.field, true);
    } else syncFromGrid();
  }, [applyLayout, groupBy, setHidden, syncFromGrid]);

  // Chips and field-box items are dropped on the headers with the browser's drag and drop.
  const headerFieldAt = (x: number): string | undefined => {
    const cells = [...(wrapRef.current?.querySelectorAll<HTMLElement>('.ag-header-cell[col-id]') ?? [])];
    const cell = cells.find((c) => {
      const r = c.getBoundingClientRect();
      return x < r.left + r.width / 2;
    });
    return cell?.getAttribute('col-id') ?? undefined;
  };
  const overHeader = (e: React.DragEvent) => !!(e.target as HTMLElement).closest('.ag-header');
  const onDragOverGrid = (e: React.DragEvent) => {
    const types = e.dataTransfer.types;
    if ((types.includes(GROUP_DRAG_TYPE) || types.includes(COLUMN_DRAG_TYPE)) && overHeader(e)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
    }
  };
  const onDropGrid = (e: React.DragEvent) => {
    if (!overHeader(e)) return;
    const grouped = e.dataTransfer.getData(GROUP_DRAG_TYPE);
    const hidden = e.dataTransfer.getData(COLUMN_DRAG_TYPE);
    const field = grouped || hidden;
    if (!field) return;
    e.preventDefault();
    const before = headerFieldAt(e.clientX);
    if (grouped) {
      onLayoutChange((l) => {
        const columns = [...l.columns];
        if (before && before !== field) {
          const moving = columns.splice(columns.findIndex((c) => c.field === field), 1)[0];
          columns.splice(columns.findIndex((c) => c.field === before), 0, moving);
        }
        return { ...l, columns, groupBy: l.groupBy.filter((f) => f !== field) };
      });
    } else setHidden(field, false, before);
  };

  // ---- menus --------------------------------------------------------------------------------
  const onContextMenu = useCallback((e: React.MouseEvent) => {
    const target = e.target as HTMLElement;
    const header = target.closest('.ag-header-cell[col-id]');
    if (header) {
      e.preventDefault();
      setMenu({ kind: 'header', field: header.getAttribute('col-id')!, x: e.clientX, y: e.clientY });
      return;
    }
    const rowEl = target.closest('[row-id]');
    if (rowEl && !target.closest('.ag-floating-bottom')) {
      e.preventDefault();
      const field = target.closest('.ag-cell[col-id]')?.getAttribute('col-id') ?? '';
      setMenu({ kind: 'cell', field, rowId: rowEl.getAttribute('row-id'), x: e.clientX, y: e.clientY });
    }
  }, []);

  const setSort = useCallback(
    (field: string, dir: 'asc' | 'desc', add: boolean) =>
      onLayoutChange((l) => {
        const rest = l.sort.filter((s) => s.field !== field);
        if (!add) return { ...l, sort: [{ field, dir }] };
        if (l.sort.some((s) => s.field === field)) return l;
        return { ...l, sort: [...rest, { field, dir }] };
      }),
    [onLayoutChange],
  );

  const bestFit = useCallback(
    (fields?: string[]) => {
      const api = apiRef.current;
      if (!api) return;
      if (fields) api.autoSizeColumns(fields, false);
      else api.autoSizeAllColumns(false);
      syncFromGrid();
    },
    [syncFromGrid],
  );

  const headerItems = (field: string): MenuItem[] => {
    const sorted = layout.sort.find((s) => s.field === field);
    const merged = layout.merged.includes(field);
    return [
      { id: 'sort-asc', label: t('grid.menu.sortAsc'), checked: sorted?.dir === 'asc' && layout.sort.length === 1, onSelect: () => setSort(field, 'asc', false) },
      { id: 'sort-desc', label: t('grid.menu.sortDesc'), checked: sorted?.dir === 'desc' && layout.sort.length === 1, onSelect: () => setSort(field, 'desc', false) },
      { id: 'sort-field', label: t('grid.menu.sortField'), checked: !!sorted, disabled: !!sorted, onSelect: () => setSort(field, 'asc', true) },
      { id: 'group-panel', label: t(layout.groupPanel ? 'grid.menu.hideGroupPanel' : 'grid.menu.showGroupPanel'), separatorBefore: true, onSelect: () => onLayoutChange((l) => ({ ...l, groupPanel: !l.groupPanel })) },
      { id: 'field-box', label: t('grid.menu.fieldBox'), checked: fieldBoxOpen, onSelect: () => setFieldBoxOpen(true) },
      { id: 'fit-column', label: t('grid.menu.fitColumn'), separatorBefore: true, onSelect: () => bestFit([field]) },
      { id: 'fit-all', label: t('grid.menu.fitAll'), onSelect: () => bestFit() },
      {
        id: 'merge',
        label: t('grid.menu.merge'),
        checked: merged,
        onSelect: () => onLayoutChange((l) => ({ ...l, merged: merged ? l.merged.filter((f) => f !== field) : [...l.merged, field] })),
      },
      {
        id: 'group-by',
        label: t('grid.menu.groupBy'),
        separatorBefore: true,
        checked: layout.groupBy.includes(field),
        disabled: layout.groupBy.includes(field),
        onSelect: () => groupBy(field),
      },
      { id: 'reset-layout', label: t('grid.menu.resetLayout'), onSelect: onResetLayout },
    ];
  };

  const cellItems = (rowId: string | null, field: string): MenuItem[] => {
    const node = rowId ? apiRef.current?.getRowNode(rowId) : undefined;
    const data = node?.data;
    const isRow = !!data && !isGroup(data) && !isFooter(data);
    return [
      { id: 'copy-cell', label: t('grid.menu.copyCell'), onSelect: () => void copyCell(rowId, field) },
      { id: 'copy-rows', label: t('grid.menu.copyRows', { count: selectedCount }), disabled: selectedCount === 0, onSelect: () => void copyRows(selectedRows()) },
      { id: 'open-row', label: t('grid.menu.openRow'), disabled: !isRow || !onOpenRow, onSelect: () => isRow && onOpenRow?.(data as Row) },
      {
        id: 'select-all',
        label: t('grid.menu.selectAll'),
        separatorBefore: true,
        onSelect: () => {
          apiRef.current?.selectAll();
          allSelected.current = true;
        },
      },
      { id: 'export-xlsx', label: t('grid.menu.exportXlsx'), separatorBefore: true, disabled: !onExport, onSelect: () => exportVisible('xlsx') },
      { id: 'export-html', label: t('grid.menu.exportHtml'), disabled: !onExport, onSelect: () => exportVisible('html') },
    ];
  };

  const exportVisible = (format: ExportFormat) => onExport?.(format, spec, sheetLines(module, spec, grouped.all, t));

  const hiddenColumns = layout.columns.filter((c) => c.hidden).map((c) => ({ field: c.field, label: labelOf(c.field) }));
  const groupLines = useMemo(() => grouped.all.filter((l): l is ListGroupLine => l.kind === 'group'), [grouped]);
  const collapseAll = () => setToggled(new Map(groupLines.map((l) => [l.id, false])));
  // Unfolds what is on hand; a group whose rows are missing unfolds (and fetches) one at a time.
  const expandAll = () =>
    setToggled((current) => {
      const next = new Map(current);
      for (const l of groupLines) if (!l.leaf || l.complete || fetched.get(l.id)?.state === 'done') next.set(l.id, true);
      return next;
    });
  const getRowId = useCallback(
    (p: GetRowIdParams<GridItem>) => (isGroup(p.data) ? p.data.__group.id : isFooter(p.data) ? '__footer' : String((p.data as Row)[module.rowKey])),
    [module.rowKey],
  );
  const localeText = lang === 'zh-CN' ? AG_GRID_LOCALE_CN : undefined;
  // Row keys in display order, for tests and tools that must see every row the grid holds
  // (the grid itself only renders the rows in view).
  const rowKeys = useMemo(() => JSON.stringify(displayedRows().map((r) => r[module.rowKey])), [displayedRows, module.rowKey]);
  const groupList = useMemo(
    () => JSON.stringify(groupLines.map((l) => ({ level: l.level, count: l.count, loaded: l.loaded, values: l.values, label: context.label(l) }))),
    [groupLines, context],
  );

  return (
    <div className="data-grid-frame" ref={wrapRef} onKeyDown={onKeyDown} onContextMenu={onContextMenu} onDragOver={onDragOverGrid} onDrop={onDropGrid}>
      <div className="grid-toolbar" role="toolbar" aria-label={t('grid.toolbar')}>
        {toolbarStart}
        <button type="button" className="btn btn-small" data-testid="toggle-group-panel" aria-pressed={layout.groupPanel} onClick={() => onLayoutChange((l) => ({ ...l, groupPanel: !l.groupPanel }))}>
          {t('grid.groupPanel')}
        </button>
        <button type="button" className="btn btn-small" data-testid="open-field-box" aria-pressed={fieldBoxOpen} onClick={() => setFieldBoxOpen((o) => !o)}>
          {t('grid.fieldBox')}
          {hiddenColumns.length > 0 && <span className="badge">{hiddenColumns.length}</span>}
        </button>
        {layout.groupBy.length > 0 && (
          <>
            <button type="button" className="btn btn-small" data-testid="expand-all" onClick={expandAll}>
              {t('grid.expandAll')}
            </button>
            <button type="button" className="btn btn-small" data-testid="collapse-all" onClick={collapseAll}>
              {t('grid.collapseAll')}
            </button>
          </>
        )}
        <span className="grid-toolbar-spacer" />
        {onExport && (
          <>
            <button type="button" className="btn btn-small" data-testid="export-xlsx" onClick={() => exportVisible('xlsx')} title={t('grid.exportVisibleTitle')}>
              {t('grid.exportXlsx')}
            </button>
            <button type="button" className="btn btn-small" data-testid="export-html" onClick={() => exportVisible('html')} title={t('grid.exportVisibleTitle')}>
              {t('grid.exportHtml')}
            </button>
          </>
        )}
        {onExportAll && (
          <button type="button" className="btn btn-small" data-testid="export-all" onClick={() => onExportAll('xlsx', spec)} title={t('grid.exportAllTitle')}>
            {t('grid.exportAll')}
          </button>
        )}
      </div>
      {layout.groupPanel && (
        <GroupPanel panelRef={panelRef} groupBy={layout.groupBy} labelOf={labelOf} headerOver={dropZone === 'group'} notice={notice} scope={scope} onChange={setGroupBy} />
      )}
      <div
        className="data-grid"
        data-testid="data-grid"
        data-module={module.id}
        data-row-count={loadedRows.length}
        data-group-counts={layout.groupBy.length ? (loadedCountsOnly ? 'loaded' : 'all') : undefined}
        data-row-keys={rowKeys}
        data-groups={groupList}
        data-selected={selectedCount}
        data-sort={layout.sort.map((s) => `${s.field}:${s.dir}`).join(',')}
        data-merged={layout.merged.join(',')}
      >
        <AgGridReact<GridItem>
          // The grid reads its locale text once; a language switch builds it anew.
          key={lang}
          theme={gridTheme}
          localeText={localeText}
          rowData={rowData}
          columnDefs={columnDefs}
          getRowId={getRowId}
          context={context}
          loading={loading}
          rowSelection={{ mode: 'multiRow', checkboxes: false, headerCheckbox: false, enableClickSelection: true, isRowSelectable: (n: IRowNode<GridItem>) => !isGroup(n.data) && !isFooter(n.data) }}
          isFullWidthRow={(p) => isGroup(p.rowNode.data)}
          getRowClass={rowClass}
          fullWidthCellRenderer={GroupRow}
          postSortRows={(p) => {
            const order = orderRef.current;
            p.nodes.sort((a, b) => (order.get(a.id!) ?? 0) - (order.get(b.id!) ?? 0));
          }}
          isExternalFilterPresent={() => hiddenCount > 0}
          doesExternalFilterPass={(n) => visibleRef.current.has(n.id!)}
          pinnedBottomRowData={footer}
          enableCellSpan
          // Every header stays in the page, so any header can be dragged, right-clicked and exported.
          suppressColumnVirtualisation
          animateRows={false}
          // A restored layout lands at once; sliding headers would lag behind the cells.
          suppressColumnMoveAnimation
          tooltipShowDelay={600}
          tooltipShowMode="whenTruncated"
          // No mouse text selection: AG Grid refuses merged cells with it, and copying goes
          // through Ctrl+C and the cell menu as in the legacy window.
          suppressDragLeaveHidesColumns
          // A cell menu would float over other rows once they scroll under it.
          onBodyScroll={(e) => e.direction === 'vertical' && setMenu((m) => (m?.kind === 'cell' ? null : m))}
          onRowDataUpdated={() => {
            // The frame after the one that laid the new rows out has been painted.
            requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('pim:grid-painted')));
          }}
          // A language switch builds a new grid; the old one's API must not be used after it.
          onGridPreDestroyed={(e) => {
            if (apiRef.current === e.api) apiRef.current = null;
          }}
          onGridReady={(e) => {
            apiRef.current = e.api;
            applyLayout();
          }}
          // A header drag is decided where it is let go (group panel, field box, or a move).
          onColumnMoved={(e) => e.finished && !drag.current && USER_SOURCES.has(e.source) && syncFromGrid()}
          onColumnResized={(e) => e.finished && USER_SOURCES.has(e.source) && syncFromGrid()}
          onSortChanged={(e) => USER_SOURCES.has(e.source) && syncFromGrid()}
          onSelectionChanged={(e) => {
            setSelectedCount(e.api.getSelectedNodes().length);
            onSelectionChange?.(selectedRows());
            if (e.source === 'rowClicked' || e.source === 'spaceKey') allSelected.current = false;
          }}
          onDragStarted={onDragStarted}
          onDragStopped={onDragStopped}
          onCellKeyDown={onCellKeyDown}
          onRowDoubleClicked={(e) => {
            if (e.data && !isGroup(e.data) && !isFooter(e.data)) onOpenRow?.(e.data);
          }}
        />
      </div>
      {fieldBoxOpen && <FieldBox boxRef={boxRef} hidden={hiddenColumns} headerOver={dropZone === 'fieldBox'} onShow={(f) => setHidden(f, false)} onClose={() => setFieldBoxOpen(false)} />}
      {menu && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          testId={menu.kind === 'header' ? 'header-menu' : 'cell-menu'}
          items={menu.kind === 'header' ? headerItems(menu.field) : cellItems(menu.rowId, menu.field)}
          onClose={() => setMenu(null)}
        />
      )}
    </div>
  );
}
