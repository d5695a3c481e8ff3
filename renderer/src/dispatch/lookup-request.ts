import { DEFAULT_ROW_CAP, type Condition, type QueryRequest } from '../../../shared/query.js';
import { normalizeQuery } from '../text/pinyin-match.js';

// The contract lookup's search fields and the request they make.

export const searchFields = [
  { key: 'contractNo', field: 'contract_no', testId: 'lookup-contract-no' },
  { key: 'customer', field: 'customer', testId: 'lookup-customer' },
  { key: 'project', field: 'project', testId: 'lookup-project' },
  { key: 'address', field: 'address', testId: 'lookup-address' },
] as const;
type SearchKey = (typeof searchFields)[number]['key'];
export type LookupValues = Record<SearchKey, string>;
export const emptyValues: LookupValues = { contractNo: '', customer: '', project: '', address: '' };

/**
 * The customer field's condition. With Latin letters (also full width) it may be pinyin (hx,
 * huaxin for 华信, also hx*机电): the server's `pinyin`, which matches the name as the pickers do —
 * as pinyin or as text, so it finds everything `contains` finds. Without letters there is no
 * pinyin to read, and `contains` can use the search index.
 */
export function customerCondition(text: string): Condition {
  const value = text.trim();
  return { field: 'customer', op: /[a-z]/.test(normalizeQuery(value)) ? 'pinyin' : 'contains', value };
}

/** The lookup's request: each filled field `contains` its pattern (`*` anywhere), joined by AND; the customer also by pinyin. */
export function lookupRequest(values: LookupValues): QueryRequest {
  const conditions: Condition[] = searchFields
    .filter((f) => values[f.key].trim())
    .map((f) => (f.key === 'customer' ? customerCondition(values[f.key]) : { field: f.field, op: 'contains', value: values[f.key].trim() }));
  return { conditions, join: 'and', sort: [], limit: DEFAULT_ROW_CAP };
}
