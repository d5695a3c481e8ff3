import { z } from 'zod';

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
});
export type QueryRequest = z.input<typeof queryRequestSchema>;
export type ParsedQueryRequest = z.output<typeof queryRequestSchema>;

export type Row = Record<string, string | number | null>;

export const queryResultSchema = z.object({
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  total: z.number().int().min(0),
  capped: z.boolean(),
});
export type QueryResult = z.infer<typeof queryResultSchema>;

/** Splits a legacy `*` pattern into the literal pieces that must appear in order. */
export function wildcardPieces(pattern: string): string[] {
  return pattern
    .trim()
    .split('*')
    .filter((piece) => piece.length > 0);
}
