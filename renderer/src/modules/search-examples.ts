import type { ListId } from '../../../shared/modules/types.js';

// The example in each list's quick-search hint: a `*` pattern that finds rows of that list in
// the demo database (tests/unit/search-examples.test.ts checks every one), so that a clerk who
// tries it sees how the search works instead of an empty list.
const examples: Partial<Record<ListId, string>> = {
  dispatch: '2by*5084*4*1',
  content: '有限*公司',
  fees: '有限*公司',
  materials: '2by*5084*4*1',
  issue: '2by*5084*4*1',
  return: '2by*5084*4*1',
  owed: '2by*5084*4*1',
  stock: '2by*5084*4*1',
  ledger: '2by*5084*4*1',
  parts: '2by*5084',
};

export function searchExample(list: ListId): string {
  return examples[list] ?? '有限*公司';
}
