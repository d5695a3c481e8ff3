import type { ColumnDef } from '../../../shared/modules/types.js';
import type { Condition, GroupCount, Row, SortSpec } from '../../../shared/query.js';
import { isEmptyValue } from '../../../shared/grid/compare.js';
import { sumRows, summableColumns, type GridLine, type GroupLine, type RowLine } from '../../../shared/grid/grouping.js';

// The lines a list shows, from rows already in the list's order: the server sorts the whole
// result (one rule for the screen, "export all" and the API), and the grid never re-sorts them.
// Grouped, the group rows count the whole result when the server counted it (`counts`), and a
// group whose rows are not all loaded starts folded: unfolding it fetches them.

export type GroupValue = string | number | null;

export interface ListGroupLine extends GroupLine {
  /** The group's values from the top level down (its path). */
  values: GroupValue[];
  /** Rows of the group on hand (loaded with the list or fetched for it). */
  loaded: number;
  /** Every row of the group is on hand. */
  complete: boolean;
  /** A group of the deepest level (its rows sit under it). */
  leaf: boolean;
}

export type ListLine = ListGroupLine | RowLine;

export interface ListLinesOptions {
  columns: readonly ColumnDef[];
  /** Fields, top level first. Fields that are not columns are ignored. */
  groupBy: readonly string[];
  rowKey: string;
  /**
   * The server's groups of the deepest level over the whole result, in its order; without them
   * the groups count the rows on hand.
   */
  counts?: readonly GroupCount[];
  /** Rows fetched for a group of the deepest level (by group id): they replace its loaded rows. */
  fetched?: ReadonlyMap<string, readonly Row[]>;
  /** Groups the user unfolded (true) or folded (false); the others follow `defaultExpanded`. */
  toggled?: ReadonlyMap<string, boolean>;
}

export interface ListLines {
  /** Every group and row, in display order (what exports write). */
  all: ListLine[];
  /** Lines under folded groups left out (what the grid shows). */
  visible: ListLine[];
  /** Whether the group counts are the server's (the whole result) or the rows on hand. */
  countsFrom: 'server' | 'loaded' | 'none';
}

/** A cell value as a group key: empty is one group (null), booleans are 1/0 as stored. */
export function groupValue(v: unknown): GroupValue {
  if (isEmptyValue(v as never)) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return typeof v === 'number' || typeof v === 'string' ? v : String(v);
}

export function groupId(fields: readonly string[], values: readonly GroupValue[]): string {
  return `group:${JSON.stringify(values.map((v, i) => [fields[i], v]))}`;
}

interface Node {
  line: ListGroupLine;
  children: Node[];
  byKey: Map<string, Node>;
  rows: Row[];
  /** Rows on hand in the whole subtree (leaves: own rows). */
  loadedBelow: number;
  fromServer: boolean;
}

/** Sort for the request: the group fields first (in level order, as the sort says or ascending), then the sort. */
export function requestSort(sort: readonly SortSpec[], groupBy: readonly string[], max = 5): SortSpec[] {
  const groupSort = groupBy.map((field) => ({ field, dir: sort.find((s) => s.field === field)?.dir ?? ('asc' as const) }));
  return [...groupSort, ...sort.filter((s) => !groupBy.includes(s.field))].slice(0, max);
}

/** The conditions that select one group's rows: `equals` on text, `eq` on the others, `empty` for no value. */
export function groupConditions(columns: readonly ColumnDef[], fields: readonly string[], values: readonly GroupValue[]): Condition[] {
  return fields.map((field, i) => {
    const value = values[i];
    const col = columns.find((c) => c.field === field);
    if (value === null) return { field, op: 'empty' };
    if (!col || col.type === 'text' || col.type === 'enum') return { field, op: 'equals', value: String(value) };
    return { field, op: 'eq', value };
  });
}

/**
 * The list's lines. Rows keep the order they come in; groups come in the server's order when it
 * counted them, otherwise in the order their first rows come (the server sorted by the group
 * fields first, so these are the same).
 */
export function listLines(rows: readonly Row[], options: ListLinesOptions): ListLines {
  const levels = options.groupBy.map((f) => options.columns.find((c) => c.field === f)).filter((c): c is ColumnDef => c !== undefined);
  if (!levels.length) {
    const all: ListLine[] = rows.map((row) => ({ kind: 'row', id: String(row[options.rowKey]), level: 0, row }));
    return { all, visible: all, countsFrom: 'none' };
  }
  const fields = levels.map((c) => c.field);
  const summable = summableColumns(options.columns);
  const toggled = options.toggled ?? new Map<string, boolean>();
  const fetched = options.fetched ?? new Map<string, readonly Row[]>();
  const counts = options.counts;
  const root: Node = { line: undefined as never, children: [], byKey: new Map(), rows: [], loadedBelow: 0, fromServer: false };

  const nodeAt = (values: GroupValue[], fromServer: boolean): Node[] => {
    const path: Node[] = [];
    let parent = root;
    for (let level = 0; level < levels.length; level++) {
      const key = JSON.stringify(values[level]);
      let node = parent.byKey.get(key);
      if (!node) {
        const own = values.slice(0, level + 1);
        node = {
          line: {
            kind: 'group',
            id: groupId(fields, own),
            level,
            field: fields[level],
            value: values[level],
            count: 0,
            sums: {},
            expanded: true,
            values: own,
            loaded: 0,
            complete: true,
            leaf: level === levels.length - 1,
          },
          children: [],
          byKey: new Map(),
          rows: [],
          loadedBelow: 0,
          fromServer,
        };
        parent.byKey.set(key, node);
        parent.children.push(node);
      }
      path.push(node);
      parent = node;
    }
    return path;
  };

  if (counts) {
    for (const g of counts) {
      const values = levels.map((_, i) => groupValue(g.values[i]));
      for (const node of nodeAt(values, true)) {
        node.line.count += g.count;
        for (const [field, sum] of Object.entries(g.sums)) node.line.sums[field] = (node.line.sums[field] ?? 0) + sum;
      }
    }
  }
  for (const row of rows) {
    const path = nodeAt(levels.map((c) => groupValue(row[c.field])), false);
    path[path.length - 1].rows.push(row);
  }

  // Rows fetched for a group take the place of the ones loaded with the list.
  const leaves: Node[] = [];
  const collect = (node: Node) => (node.line.leaf ? leaves.push(node) : node.children.forEach(collect));
  root.children.forEach(collect);
  for (const leaf of leaves) {
    const more = fetched.get(leaf.line.id);
    if (more) leaf.rows = [...more];
  }

  // Counts: the server's where it counted the group, else the rows on hand (a group the server
  // did not name, e.g. a row added since, counts its rows and adds them above).
  const addSums = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [field, sum] of Object.entries(from)) into[field] = (into[field] ?? 0) + sum;
  };
  const finish = (node: Node): { loaded: number; extra: number; extraSums: Record<string, number>; rows: Row[] } => {
    if (node.line.leaf) {
      node.loadedBelow = node.rows.length;
      if (!node.fromServer) {
        node.line.count = node.rows.length;
        node.line.sums = sumRows(node.rows, summable);
      }
      node.line.loaded = node.rows.length;
      node.line.complete = node.rows.length >= node.line.count;
      return node.fromServer
        ? { loaded: node.rows.length, extra: 0, extraSums: {}, rows: node.rows }
        : { loaded: node.rows.length, extra: node.rows.length, extraSums: node.line.sums, rows: node.rows };
    }
    let loaded = 0;
    let extra = 0;
    const extraSums: Record<string, number> = {};
    const below: Row[] = [];
    for (const child of node.children) {
      const r = finish(child);
      loaded += r.loaded;
      extra += r.extra;
      addSums(extraSums, r.extraSums);
      if (!counts) below.push(...r.rows);
    }
    if (counts) {
      if (!node.fromServer) {
        node.line.count = 0;
        node.line.sums = {};
      }
      node.line.count += extra;
      addSums(node.line.sums, extraSums);
    } else {
      node.line.count = loaded;
      node.line.sums = sumRows(below, summable);
    }
    node.loadedBelow = loaded;
    node.line.loaded = loaded;
    node.line.complete = loaded >= node.line.count;
    return { loaded, extra, extraSums, rows: below };
  };
  root.children.forEach(finish);

  const all: ListLine[] = [];
  const visible: ListLine[] = [];
  const walk = (node: Node, shown: boolean) => {
    const line = node.line;
    // Unfolded unless the user folded it; a group with rows missing (or none on hand) starts folded.
    const byDefault = line.leaf ? line.complete : node.loadedBelow > 0 || line.complete;
    line.expanded = toggled.get(line.id) ?? byDefault;
    all.push(line);
    if (shown) visible.push(line);
    const open = shown && line.expanded;
    if (line.leaf) {
      for (const row of node.rows) {
        const r: RowLine = { kind: 'row', id: String(row[options.rowKey]), level: levels.length, row };
        all.push(r);
        if (open) visible.push(r);
      }
    } else node.children.forEach((c) => walk(c, open));
  };
  root.children.forEach((c) => walk(c, true));
  return { all, visible, countsFrom: counts ? 'server' : 'loaded' };
}

/** Group lines as the grid and exports take them (shared/grid/grouping.ts GridLine). */
export function asGridLines(lines: readonly ListLine[]): GridLine[] {
  return lines as GridLine[];
}
