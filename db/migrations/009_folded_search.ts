import type { Migration } from './index.js';
import { listIndexSql } from '../search/index-sql.js';
import { listIndexes } from '../search/indexes.js';

// One matching rule and one order for every list (issue 9):
// - the search indexes of migrations 002 (dispatch) and 007 (materials, issue, return, owed,
//   ledger) are rebuilt with folded text (NFKC + case folding, shared/text/fold.ts): LIKE folds
//   ASCII only, so `ärzte` did not find `ÄRZTE` nor `ａｂｃ` `ＡＢＣ`;
// - the lists that had none get one (content, fees, the contract lookup, stock, parts), built
//   from the joined tables their views show (an order's number and customer on its lines …)
//   with triggers on those tables too;
// - stored sort keys (shared/text/sort-key.ts: pinyin, case and accents ignored, numbers by
//   value) with an index per column, for the text columns the big lists are sorted by.
// The triggers call pim_fold / pim_sortkey, registered by db/open.ts on every connection of this
// program (see registerTextFunctions): this migration needs them too.
const OLD_INDEXED = ['dispatch_orders', 'order_materials', 'issue_lines', 'return_lines', 'owed_parts', 'stock_ledger'];
const OLD_TABLES = ['dispatch', 'material', 'issue', 'return', 'owed', 'ledger'];
const OLD_TRIGGERS = ['replace_insert', 'insert', 'delete', 'replace_update', 'update'];

export const foldedSearch: Migration = {
  version: 9,
  name: 'folded_search',
  sql: `
${OLD_INDEXED.flatMap((t) => OLD_TRIGGERS.map((k) => `DROP TRIGGER IF EXISTS ${t}_search_${k};`)).join('\n')}
${OLD_TABLES.flatMap((p) => [`DROP TABLE IF EXISTS ${p}_search_fts_vocab;`, `DROP TABLE IF EXISTS ${p}_search_fts;`, `DROP TABLE IF EXISTS ${p}_search_text;`, `DROP TABLE IF EXISTS ${p}_search_fields;`]).join('\n')}
${Object.values(listIndexes).map(listIndexSql).join('\n')}
`,
};
