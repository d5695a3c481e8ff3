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
const MAX_IN_VALUES = 100;
const HAN = /\p{Script=Han}/u;

/**
 * The customer field's condition. Typed in characters it is the server's `contains` (`*`
 * anywhere); typed in letters it may be pinyin (hx, huaxin for 华信): the customers whose names
 * match it, as pinyin or as text, are asked for by name. Without the list of customers, or when
 * none (or too many) match, it is the plain `contains`.
 */
export function customerCondition(text: string, customers: readonly string[] | null): Condition {
  const value = text.trim();
  const contains: Condition = { field: 'customer', op: 'contains', value };
  if (!customers || HAN.test(value) || !normalizeQuery(value)) return contains;
  const names = customers.filter((name) => pinyinMatch(name, value));
  if (names.length === 0 || names.length > MAX_IN_VALUES) return contains;
  return { field: 'customer', op: 'in', value: names };
}

/** The lookup's request: each filled field `contains` its pattern (`*` anywhere), joined by AND; the customer also by pinyin. */
export function lookupRequest(values: LookupValues, customers: readonly string[] | null = null): QueryRequest {
  const conditions: Condition[] = searchFields
    .filter((f) => values[f.key].trim())
    .map((f) => (f.key === 'customer' ? customerCondition(values[f.key], customers) : { field: f.field, op: 'contains', value: values[f.key].trim() }));
  return { conditions, join: 'and', sort: [], limit: DEFAULT_ROW_CAP };
}

