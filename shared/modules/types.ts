// A module is described once, as data; the grid, query panel, exports and layout memory
// read these definitions and never re-implement a module.

export type ColumnType = 'text' | 'number' | 'money' | 'date' | 'datetime' | 'enum' | 'bool';

export interface ColumnDef {
  /** Column of the module's list view, and the key in every row. */
  field: string;
  type: ColumnType;
  /** i18n key of the header text. */
  labelKey: string;
  width: number;
  /** Values of an enum column; labels are i18n keys `<enumKey>.<value>`. */
  enumKey?: string;
  enumValues?: readonly string[];
  hidden?: boolean;
  groupable?: boolean;
  mergeable?: boolean;
  summable?: boolean;
  /**
   * Names a lookup finds by pinyin (the `pinyin` condition: hx, huaxin or 华信 for 华信). Matched
   * by a function call per row, so only on the small lists' name columns.
   */
  pinyin?: boolean;
}

export interface ModuleDef {
  /** A module, or a list that uses the same grid (a lookup). */
  id: ListId;
  /** i18n key of the module name (the legacy manual's Chinese names). */
  labelKey: string;
  /** false until its issue lands: the shell says so instead of showing fake rows. */
  built: boolean;
  /** Service method that answers the module's query request. */
  queryMethod?: string;
  /** Database view the query compiler reads from. */
  view?: string;
  columns: readonly ColumnDef[];
  /** Fields a quick-search pattern is matched across (the pseudo-field `any`). */
  anyFields: readonly string[];
  defaultSort: readonly { field: string; dir: 'asc' | 'desc' }[];
  /** Unique, stable key of a row (used to keep selection on refresh). */
  rowKey: string;
  /** Rows shown as needing attention (red) when a field has a value, e.g. overdue owed parts. */
  dangerWhen?: { field: string; equals: number | string };
}

/**
 * A search index over some text fields of the module's base table, kept by triggers (rowid =
 * the view's `id`): an FTS5 trigram table, a table with the fields joined by U+001F in one
 * column (`text`), and a table with the fields as columns. The two narrow tables scan far
 * faster than the wide base rows.
 */
export interface SearchIndexDef {
  fields: readonly string[];
  ftsTable: string;
  textTable: string;
  fieldsTable: string;
}

export const moduleIds = [
  'dispatch',
  'content',
  'fees',
  'materials',
  'issue',
  'return',
  'owed',
] as const;
export type ModuleId = (typeof moduleIds)[number];

/** Lists that are not modules but use the shared grid: the contract lookup of the create window and the store's lists. */
export const lookupIds = ['contracts', 'stock', 'ledger', 'parts'] as const;
export type ListId = ModuleId | (typeof lookupIds)[number];
