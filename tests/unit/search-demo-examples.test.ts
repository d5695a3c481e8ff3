import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open.js';
import { generateDemo, MANUAL_PART_NO } from '../../db/demo/generate.js';
import { runModuleQuery } from '../../db/services/query.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import { searchExample } from '../../renderer/src/modules/search-examples.js';

// The legacy manual's examples (and the quick-search hint's) find orders in every demo of 300
// orders or more, whatever the seed.

const dir = mkdtempSync(join(tmpdir(), 'pim-demo-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example of the dispatch list's quick-search hint (query.hint: literal, or the renderer's per-list example). */
function hintExamples(): string[] {
  const out: string[] = [searchExample('dispatch')];
  for (const lang of ['zh-CN', 'en']) {
    const hint = JSON.parse(readFileSync(join(__dirname, `../../resources/locales/${lang}/translation.json`), 'utf8')).query?.hint as string | undefined;
    const literal = hint && /(?:例：|Example: )([^\s"，。{]+)/.exec(hint);
    if (literal) out.push(literal[1]);
  }
  return [...new Set(out)];
}

describe('the manual examples in the demo', () => {
  it('the hint has an example to try', () => {
    expect(hintExamples()).toContain('2by*5084*4*1');
  });

  for (const seed of [1, 2, 3, 9]) {
    it(`seed ${seed}, 300 orders: 2by*5084*4*1, *y.50*4.10*4 and the hint's example find orders`, async () => {
      const db = openDatabase(join(dir, `demo-${seed}.db`));
      try {
        await generateDemo(db, { orders: 300, seed, now: new Date('2026-06-30T10:00:00Z') });
        for (const value of ['2by*5084*4*1', '*y.50*4.10*4', '２ＢＹ＊５０８４＊４＊１', ...hintExamples()]) {
          for (const field of ['any', 'device_part_no']) {
            const result = runModuleQuery(db, dispatchModule, { conditions: [{ field, op: 'contains', value }] });
            expect({ value, field, found: result.total > 0 }).toEqual({ value, field, found: true });
            expect(result.rows.some((r) => r.device_part_no === MANUAL_PART_NO)).toBe(true);
          }
        }
      } finally {
        db.close();
      }
    }, 60_000);
  }
});
