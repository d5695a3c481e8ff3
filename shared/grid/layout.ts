import { z } from 'zod';
import type { ModuleDef } from '../modules/types.js';
import { sortSchema } from '../query.js';

// What a user arranged in a list, kept per user and per list and restored at the next login:
// column order, widths, visibility, sort, grouping, merged columns, the group panel, and the
// conditions of the query panel (kept as the panel's own draft, opaque here).

export const MAX_GROUP_LEVELS = 3;
export const MAX_SORT_COLUMNS = 5;
export const MIN_COLUMN_WIDTH = 20;
export const MAX_COLUMN_WIDTH = 2000;
// The query panel's draft is the client's own shape; bounds keep a stored layout small and
// shallow (SQLite's json_valid refuses nesting past 1000 levels, JSON.stringify overflows the
// stack far below what a 1 MiB body can nest).
const MAX_QUERY_JSON = 16 * 1024;
export const MAX_QUERY_DEPTH = 16;

/** Whether a value nests arrays/objects deeper than `max`; iterative, so any depth is safe to ask. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  let visited = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    // A value that cannot fit in MAX_QUERY_JSON characters has fewer items than this anyway.
    if (++visited > MAX_QUERY_JSON) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

export const layoutSchema = z.strictObject({
  columns: z
    .array(
      z.strictObject({
        field: z.string().min(1).max(64),
        width: z.number().int().min(MIN_COLUMN_WIDTH).max(MAX_COLUMN_WIDTH),
        hidden: z.boolean(),
      }),
    )
    .max(200),
  sort: z.array(sortSchema).max(MAX_SORT_COLUMNS),
  groupBy: z.array(z.string().min(1).max(64)).max(MAX_GROUP_LEVELS),
  merged: z.array(z.string().min(1).max(64)).max(200),
  groupPanel: z.boolean(),
  query: z
    .unknown()
    .optional()
    .refine((q) => q === undefined || !nestedDeeperThan(q, MAX_QUERY_DEPTH), `The stored query may nest at most ${MAX_QUERY_DEPTH} levels.`)
    .refine(
      (q) => q === undefined || nestedDeeperThan(q, MAX_QUERY_DEPTH) || (JSON.stringify(q) ?? '').length <= MAX_QUERY_JSON,
      `The stored query may take at most ${MAX_QUERY_JSON} characters.`,
    ),
});
export type ListLayout = z.infer<typeof layoutSchema>;

/** The layout the module definition describes: what "reset layout" goes back to. */
export function defaultLayout(module: ModuleDef): ListLayout {
  return {
    columns: module.columns.map((c) => ({ field: c.field, width: c.width, hidden: c.hidden ?? false })),
    sort: module.defaultSort.map((s) => ({ field: s.field, dir: s.dir })),
    groupBy: [],
    merged: [],
    groupPanel: true,
    query: undefined,
  };
}

/**
 * A stored layout made fit for the module as it is now: fields that no longer exist are
 * dropped, columns added since are appended where the definition has them, duplicates removed.
 * Anything unreadable falls back to the default rather than failing the list.
 */
export function normalizeLayout(module: ModuleDef, stored: unknown): ListLayout {
  const fallback = defaultLayout(module);
  const parsed = layoutSchema.safeParse(stored);
  if (!parsed.success) return fallback;
  const layout = parsed.data;
  const known = new Map(module.columns.map((c) => [c.field, c]));
  const seen = new Set<string>();
  const columns: ListLayout['columns'] = [];
  for (const c of layout.columns) {
    if (!known.has(c.field) || seen.has(c.field)) continue;
    seen.add(c.field);
    columns.push(c);
  }
  module.columns.forEach((def, index) => {
    if (seen.has(def.field)) return;
    // A new column goes after the column that precedes it in the definition.
    const before = module.columns.slice(0, index).reverse().find((c) => seen.has(c.field));
    const at = before ? columns.findIndex((c) => c.field === before.field) + 1 : 0;
    columns.splice(at, 0, { field: def.field, width: def.width, hidden: def.hidden ?? false });
    seen.add(def.field);
  });
  const unique = (fields: string[]) => [...new Set(fields.filter((f) => known.has(f)))];
  const sortFields = new Set<string>();
  const sort = layout.sort.filter((s) => known.has(s.field) && !sortFields.has(s.field) && sortFields.add(s.field));
  return {
    columns,
    sort,
    groupBy: unique(layout.groupBy).filter((f) => known.get(f)?.groupable !== false),
    merged: unique(layout.merged),
    groupPanel: layout.groupPanel,
    query: layout.query,
  };
}
