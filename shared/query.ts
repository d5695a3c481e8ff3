import { z } from 'zod';
import { foldedPieces } from './text/fold.js';

// The legacy rule: "to protect the server" a query shows at most 200 rows.
export const DEFAULT_ROW_CAP = 200;
// What an administrator may raise the cap to; exports of all rows stream instead.
export const MAX_ROW_CAP = 5000;

export const conditionOps = [
  'contains', // text with `*` wildcards, matched anywhere, case-insensitive
  'equals',
  'empty',
  'notEmpty',
  'eq',
  'gte',
  'lte',
  'between',
  'in',
  // text columns only: what a picker's user typed, matched as the pickers match it
  // (shared/text/pinyin-match.ts: pinyin initials or syllables, or the text itself with `*`).
  // For lookups; the query panel does not offer it.
  'pinyin',
] as const;
export type ConditionOp = (typeof conditionOps)[number];

// `any` is the pseudo-field of the quick search box: it spans the module's anyFields.
export const ANY_FIELD = 'any';

const scalar = z.union([z.string().max(200), z.number().finite(), z.boolean()]);

export const conditionSchema = z.strictObject({
  field: z.string().min(1).max(64),
  op: z.enum(conditionOps),
  value: z.union([scalar, z.array(scalar).max(100), z.null()]).optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

export const sortSchema = z.strictObject({
  field: z.string().min(1).max(64),
  dir: z.enum(['asc', 'desc']),
});
export type SortSpec = z.infer<typeof sortSchema>;

export const queryRequestSchema = z.strictObject({
  conditions: z.array(conditionSchema).max(20).default([]),
  join: z.enum(['and', 'or']).default('and'),
  sort: z.array(sortSchema).max(5).default([]),
  limit: z.number().int().min(1).max(MAX_ROW_CAP).default(DEFAULT_ROW_CAP),
  /**
   * Group-by fields (the grid's group panel, up to three levels): the answer then also counts the
   * matching rows of every group, and sums its summable columns, over the whole result — not only
   * the rows returned.
   */
  groupBy: z.array(z.string().min(1).max(64)).max(3).default([]),
});
export type QueryRequest = z.input<typeof queryRequestSchema>;
export type ParsedQueryRequest = z.output<typeof queryRequestSchema>;

export type Row = Record<string, string | number | null>;

/** One group of the deepest level asked for: its values (one per groupBy field), count and sums over the whole result. */
export const groupCountSchema = z.object({
  values: z.array(z.union([z.string(), z.number(), z.null()])),
  count: z.number().int().min(0),
  /** Per summable column (money in fen, quantities): exact integer sums where the column is integral. */
  sums: z.record(z.string(), z.number()),
});
export type GroupCount = z.infer<typeof groupCountSchema>;

/** At most this many groups are counted; past it `groupsCapped` is true and the client counts the loaded rows. */
export const MAX_GROUPS = 5000;

export const queryResultSchema = z.object({
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  total: z.number().int().min(0),
  capped: z.boolean(),
  /** With groupBy: every group of the whole result, in the request's sort order of the group fields. */
  groups: z.array(groupCountSchema).optional(),
  groupsCapped: z.boolean().optional(),
});
export type QueryResult = z.infer<typeof queryResultSchema>;

/**
 * Splits a legacy `*` pattern into the literal pieces that must appear in order. The pieces are
 * folded (shared/text/fold.ts), as the search compares them: a piece of `ＡＢＣ` or `Ä` must
 * meet folded text, or it disagrees with what the list found.
 */
export function wildcardPieces(pattern: string): string[] {
  return foldedPieces(pattern);
}
