import type { ColumnDef } from '../modules/types.js';
import type { Row, SortSpec } from '../query.js';
import { compareValues, isEmptyValue, rowComparator, type CellValue } from './compare.js';

// Grouping (the legacy 分类) of the rows a query returned: computed here, once, for the grid on
// screen and for the exports, so both show the same groups, counts and sums.

export interface GroupLine {
  kind: 'group';
  /** Stable id of the group: its fields and values from the top level down. */
  id: string;
  /** 0 for the top level. */
  level: number;
  field: string;
  value: string | number | null;
  count: number;
  /** Sums of the summable columns over the rows of the group. */
  sums: Record<string, number>;
  expanded: boolean;
}

export interface RowLine {
  kind: 'row';
  id: string;
  /** The number of grouping levels: rows sit one level below the innermost group. */
  level: number;
  row: Row;
}

export type GridLine = GroupLine | RowLine;

export interface GroupingOptions {
  columns: readonly ColumnDef[];
  /** Fields, top level first. Fields that are not columns are ignored. */
  groupBy: readonly string[];
  sort: readonly SortSpec[];
  rowKey: string;
  /** Ids of the groups the user collapsed. */
  collapsed?: ReadonlySet<string>;
}

export interface Grouped {
  /** Every group and row, in display order (what exports write). */
  all: GridLine[];
  /** Lines under collapsed groups left out (what the grid shows). */
  visible: GridLine[];
}

function normalized(v: CellValue): string | number | null {
  if (isEmptyValue(v)) return null;
  return typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number);
}

/** Values that are equal for the collator (case, width) still form separate groups. */
function exactOrder(a: string | number | null, b: string | number | null): number {
  const sa = a === null ? '' : String(a);
  const sb = b === null ? '' : String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function summableColumns(columns: readonly ColumnDef[]): ColumnDef[] {
  return columns.filter((c) => c.summable && (c.type === 'money' || c.type === 'number'));
}

/** Sums of the summable columns; money is integer fen, so these sums are exact. */
export function sumRows(rows: readonly Row[], columns: readonly ColumnDef[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const col of summableColumns(columns)) {
    let total = 0;
    for (const row of rows) {
      const n = Number(row[col.field]);
      if (!isEmptyValue(row[col.field]) && Number.isFinite(n)) total += n;
    }
    sums[col.field] = total;
  }
  return sums;
}

/** Sorts the rows (group fields first, then the sort columns) and lays out the group lines. */
export function groupRows(rows: readonly Row[], options: GroupingOptions): Grouped {
  const { columns, sort, rowKey } = options;
  const collapsed = options.collapsed ?? new Set<string>();
  const levels = options.groupBy
    .map((field) => columns.find((c) => c.field === field))
    .filter((c): c is ColumnDef => c !== undefined)
    // A group column sorts the way its sort column says, ascending otherwise.
    .map((col) => ({ col, sign: sort.find((s) => s.field === col.field)?.dir === 'desc' ? -1 : 1 }));
  const bySort = rowComparator(columns, sort);

  const indexed = rows.map((row, index) => ({ row, index }));
  indexed.sort((a, b) => {
    for (const { col, sign } of levels) {
      const va = normalized(a.row[col.field]);
      const vb = normalized(b.row[col.field]);
      const c = compareValues(col, va, vb) || exactOrder(va, vb);
      if (c !== 0) return c * sign;
    }
    // Equal rows keep the order the server gave them.
    return bySort(a.row, b.row) || a.index - b.index;
  });

  const summable = summableColumns(columns);
  const all: GridLine[] = [];
  const open: GroupLine[] = [];
  const openRows: Row[][] = [];
  const closeFrom = (level: number) => {
    while (open.length > level) {
      const group = open.pop()!;
      const members = openRows.pop()!;
      group.sums = sumRows(members, summable);
    }
  };
  for (const { row } of indexed) {
    const values = levels.map(({ col }) => normalized(row[col.field]));
    // The first level whose value differs from the open group's starts new groups from there.
    let level = 0;
    while (level < open.length && open[level].value === values[level]) level++;
    closeFrom(level);
    for (; level < levels.length; level++) {
      const path = levels.slice(0, level + 1).map(({ col }, i) => [col.field, values[i]]);
      const id = `group:${JSON.stringify(path)}`;
      const group: GroupLine = {
        kind: 'group',
        id,
        level,
        field: levels[level].col.field,
        value: values[level],
        count: 0,
        sums: {},
        expanded: !collapsed.has(id),
      };
      all.push(group);
      open.push(group);
      openRows.push([]);
    }
    for (let i = 0; i < open.length; i++) {
      open[i].count++;
      openRows[i].push(row);
    }
    all.push({ kind: 'row', id: String(row[rowKey]), level: levels.length, row });
  }
  closeFrom(0);

  const visible: GridLine[] = [];
  let hiddenBelow = Infinity; // lines deeper than a collapsed group's level are hidden
  for (const line of all) {
    if (line.level > hiddenBelow) continue;
    hiddenBelow = Infinity;
    visible.push(line);
    if (line.kind === 'group' && !line.expanded) hiddenBelow = line.level;
  }
  return { all, visible };
}

/** Ids of every group in the lines: for "collapse all". */
export function groupIds(lines: readonly GridLine[]): string[] {
  return lines.filter((l): l is GroupLine => l.kind === 'group').map((l) => l.id);
}
