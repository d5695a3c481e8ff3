import { DEFAULT_ROW_CAP, type Condition, type QueryRequest } from '../../../shared/query.js';
import { normalizeQuery, pinyinMatch } from '../text/pinyin-match.js';

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

/** The most names an `in` condition may list (shared/query.ts). */
export const MAX_IN_VALUES = 100;

/**
 * Why letters typed in the customer field were searched as text only, not as pinyin: more
 * customers match than one request may name, or the list of customers could not be read.
 */
export type PinyinGap = 'tooMany' | 'noList' | null;

/**
 * The customer field's condition. Without Latin letters it is the server's `contains` (`*`
 * anywhere); with them it may be pinyin (hx, huaxin for 华信, also hx*机电): the customers
 * whose names match it, as pinyin or as text, are asked for by name. Where that cannot be done
 * it is the plain `contains`, and `gap` says why, for the clerk.
 */
export function customerSearch(text: string, customers: readonly string[] | null): { condition: Condition; gap: PinyinGap } {
  const value = text.trim();
  const contains: Condition = { field: 'customer', op: 'contains', value };
  if (!/[a-z]/.test(normalizeQuery(value))) return { condition: contains, gap: null };
  if (!customers) return { condition: contains, gap: 'noList' };
  const names = customers.filter((name) => pinyinMatch(name, value));
  if (names.length === 0) return { condition: contains, gap: null };
  if (names.length > MAX_IN_VALUES) return { condition: contains, gap: 'tooMany' };
  return { condition: { field: 'customer', op: 'in', value: names }, gap: null };
}

export function customerCondition(text: string, customers: readonly string[] | null): Condition {
  return customerSearch(text, customers).condition;
}

/** The lookup's request: each filled field `contains` its pattern (`*` anywhere), joined by AND; the customer also by pinyin. */
export function lookupRequest(values: LookupValues, customers: readonly string[] | null = null): QueryRequest {
  const conditions: Condition[] = searchFields
    .filter((f) => values[f.key].trim())
    .map((f) => (f.key === 'customer' ? customerCondition(values[f.key], customers) : { field: f.field, op: 'contains', value: values[f.key].trim() }));
  return { conditions, join: 'and', sort: [], limit: DEFAULT_ROW_CAP };
}

