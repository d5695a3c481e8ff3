import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { runModuleQuery } from '../../db/services/query.js';
import { modules, warehouseLists } from '../../shared/modules/index.js';
import { searchExample } from '../../renderer/src/modules/search-examples.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// The example in every list's quick-search hint finds rows of that list in a demo database, with
// the demo's default seed (npm start creates 5,000 orders, the e2e tests 1,500; 1,000 are enough).

let dir = '';
let db: DB;

beforeAll(async () => {
  const demo = await makeDemoDb(1000, 1);
  dir = demo.dir;
  db = openDatabase(demo.file);
}, 120_000);

afterAll(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the quick-search hint's example", () => {
  it('finds rows in every list that has the quick search', () => {
    const empty: string[] = [];
    for (const m of [...modules, ...warehouseLists]) {
      if (!m.built || !m.view || !m.anyFields.length) continue;
      const example = searchExample(m.id);
      const r = runModuleQuery(db, m, { conditions: [{ field: 'any', op: 'contains', value: example }], join: 'and', sort: [], limit: 200 });
      if (r.total === 0) empty.push(`${m.id}: ${example}`);
    }
    expect(empty).toEqual([]);
  });
});
