import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/open.js';
import { enableMemorySearch, type MemorySearch } from '../../db/search/memory-index.js';
import { listIndexOf } from '../../db/search/indexes.js';
import { countModuleRows, runModuleQuery } from '../../db/services/query.js';
import { matchesPattern } from '../../shared/text/fold.js';
import { contentModule } from '../../shared/modules/content.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import type { ModuleDef } from '../../shared/modules/types.js';
import type { Row } from '../../shared/query.js';
import { makeDemoDb } from '../helpers/demo-db.js';

// The memory index (db/search/memory-index.ts) kept exact while another connection writes: rows
// deleted and their slots reused, values next to each other in a field's joined values, the
// change log pruned past it (it rebuilds), a build in the background. The oracle is the rule
// itself (matchesPattern, shared/text/fold.ts) over the list's view, read here.

let dir: string;
let writer: DB;
let reader: DB;
let search: MemorySearch;

const quick = (value: string) => ({ conditions: [{ field: 'any', op: 'contains' as const, value }], limit: 5 });

function expected(def: ModuleDef, pattern: string): number {
  const rows = writer.prepare(`SELECT * FROM "${def.view}"`).all() as Row[];
  return rows.filter((r) => def.anyFields.some((f) => matchesPattern(pattern, r[f] as string | null))).length;
}

function check(def: ModuleDef, patterns: readonly string[]): void {
  expect(search.ready(listIndexOf(def)!.index)).not.toBeNull();
  for (const pattern of patterns) {
    const want = expected(def, pattern);
    expect({ list: def.id, pattern, total: countModuleRows(reader, def, quick(pattern)) }).toEqual({ list: def.id, pattern, total: want });
    const page = runModuleQuery(reader, def, quick(pattern));
    expect({ list: def.id, pattern, ids: page.rows.map((r) => r.id) }).toEqual({
      list: def.id,
      pattern,
      ids: runModuleQuery(writer, def, quick(pattern)).rows.map((r) => r.id),
    });
  }
}

beforeAll(async () => {
  const made = await makeDemoDb(120, 11);
  dir = made.dir;
  writer = openDatabase(made.file);
  reader = openDatabase(made.file);
  search = enableMemorySearch(reader, { minRows: 0 });
  search.buildAll();
}, 60_000);

afterAll(() => {
  search?.stop();
  reader?.close();
  writer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('memory index under writes from another connection', () => {
  it('a pattern never spans two values, nor a value holding the separator', () => {
    const ids = writer.prepare('SELECT id FROM dispatch_orders ORDER BY id LIMIT 4').pluck().all() as number[];
    const set = writer.prepare('UPDATE dispatch_orders SET customer = ? WHERE id = ?');
    writer.transaction(() => {
      set.run('前缀甲', ids[0]);
      set.run('乙后缀', ids[1]);
      set.run('x\u0000y甲', ids[2]);
      set.run('ÄRZTE ＧＭＢＨ', ids[3]);
    })();
    check(dispatchModule, ['甲*乙', '缀甲', '乙后', '甲乙', 'ärzte*gmbh', '前缀甲']);
    expect(countModuleRows(reader, dispatchModule, quick('甲*乙'))).toBe(0);
    // SQLite's LIKE stops reading a value at NUL, so its plans miss 'y' there; the memory index
    // reads the whole value, as the rule (and the renderer) does.
    for (const pattern of ['x*y', 'y甲']) {
      expect(countModuleRows(reader, dispatchModule, quick(pattern))).toBe(expected(dispatchModule, pattern));
      expect(runModuleQuery(reader, dispatchModule, quick(pattern)).rows.map((r) => r.id)).toContain(ids[2]);
    }
  });

  it('huge and empty values: a piece at the very end of ~196,000 characters, none in an empty value', () => {
    const ids = writer.prepare('SELECT id FROM dispatch_orders ORDER BY id DESC LIMIT 3').pluck().all() as number[];
    const set = writer.prepare('UPDATE dispatch_orders SET customer = ? WHERE id = ?');
    const huge = `${'华'.repeat(100_000)}${'ａ%_\\\'"'.repeat(16_000)}尾ＥＮＤ`;
    writer.transaction(() => {
      set.run(huge, ids[0]);
      set.run('', ids[1]);
      set.run(`%_\\'" ${'x'.repeat(50_000)}`, ids[2]);
    })();
    check(dispatchModule, ['尾end', '华*end', '华华华*%_', 'a%_\\\'"', '%_\\\'"', '"', "'", '\\', 'x*x*x', '华信']);
    expect(countModuleRows(reader, dispatchModule, quick('尾end'))).toBe(1);
  });

  it('deleted lines leave the counts, and their slots taken by new lines are matched as new', () => {
    const lines = writer.prepare('SELECT id, order_id FROM service_contents ORDER BY id LIMIT 30').all() as { id: number; order_id: number }[];
    writer.transaction(() => {
      for (const l of lines.slice(0, 20)) writer.prepare('DELETE FROM service_contents WHERE id = ?').run(l.id);
    })();
    check(contentModule, ['公', 'a', '更换', '轴承']);
    const template = writer.prepare('SELECT * FROM service_contents WHERE id = ?').get(lines[25].id) as Record<string, unknown>;
    writer.transaction(() => {
      for (let i = 0; i < 25; i++) {
        const { id: _id, ...rest } = template;
        const cols = Object.keys(rest);
        writer
          .prepare(`INSERT INTO service_contents (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
          .run(...cols.map((c) => (c === 'findings' ? `新的检查 Ｑ${i}` : rest[c])));
      }
    })();
    check(contentModule, ['公', '新的检查', 'q1', 'q*1', '更换']);
  });

  it("a renamed order's customer reaches its lines", () => {
    const order = writer.prepare('SELECT order_id FROM service_contents ORDER BY id DESC LIMIT 1').pluck().get() as number;
    writer.prepare('UPDATE dispatch_orders SET customer = ? WHERE id = ?').run('Straße 华信 ｚｑ', order);
    check(contentModule, ['strasse', 'zq', '华信*zq']);
    check(dispatchModule, ['strasse', 'zq']);
  });

  it('rejoins its values after many new ones, dropping those no row holds', () => {
    const ids = writer.prepare('SELECT id FROM service_contents ORDER BY id LIMIT 50').pluck().all() as number[];
    const set = writer.prepare('UPDATE service_contents SET findings = ? WHERE id = ?');
    // 12,000 distinct values, read one round at a time (more than a tail holds), of which 50 stay.
    const index = listIndexOf(contentModule)!.index;
    // One line keeps a value given after most of the dropped ones: its code changes at the rejoin.
    const keeper = ids.pop()!;
    for (let round = 0; round < 245; round++) {
      writer.transaction(() => {
        for (const id of ids) set.run(`轮${round} 检查${id} Ｒ${round}`, id);
        if (round === 150) set.run('保留 ｋｅｅｐ', keeper);
      })();
      expect(search.ready(index)).not.toBeNull();
    }
    check(contentModule, ['轮244', '轮243', 'r244', '检查*r2', '公', 'keep', '保留']);
    expect(countModuleRows(reader, contentModule, quick('轮244 '))).toBe(49);
    expect(countModuleRows(reader, contentModule, quick('keep'))).toBe(1);
    expect(countModuleRows(reader, contentModule, quick('轮243 '))).toBe(0);
    set.run('再改一次', ids[0]);
    check(contentModule, ['轮244', '再改', '公', 'keep']);
  });

  it('rebuilds when the change log was pruned past it, and the log stays bounded', () => {
    // 210,000 changes of no list: the pruning trigger runs and raises the floor past the reader.
    writer.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 210000)
      INSERT INTO search_changes (tbl, id) SELECT 'none', i FROM n`);
    const floor = writer.prepare('SELECT seq FROM search_changes_floor').pluck().get() as number;
    expect(floor).toBeGreaterThan(0);
    expect(writer.prepare('SELECT count(*) FROM search_changes').pluck().get()).toBeLessThanOrEqual(210_000);
    writer.prepare('UPDATE dispatch_orders SET customer = ? WHERE id = (SELECT min(id) FROM dispatch_orders)').run('重建后 ＲＥＢＵＩＬＴ');
    // The reader cannot tell what changed below the floor: it lets SQLite answer and rebuilds.
    expect(search.ready(listIndexOf(dispatchModule)!.index)).toBeNull();
    expect(countModuleRows(reader, dispatchModule, quick('rebuilt'))).toBe(expected(dispatchModule, 'rebuilt'));
    search.buildAll();
    check(dispatchModule, ['rebuilt', '重建后', '公']);
  });

  it('builds in the background while the writer goes on', async () => {
    const other = openDatabase(writer.name);
    try {
      const background = enableMemorySearch(other, { minRows: 0 });
      background.buildInBackground(1);
      const set = writer.prepare('UPDATE dispatch_orders SET customer = ? WHERE id = ?');
      const ids = writer.prepare('SELECT id FROM dispatch_orders ORDER BY id').pluck().all() as number[];
      const index = listIndexOf(dispatchModule)!.index;
      let round = 0;
      while (!background.ready(index)) {
        set.run(`后台 ${round} ｂｇ`, ids[round % ids.length]);
        round++;
        await new Promise((r) => setTimeout(r, 2));
        expect(round).toBeLessThan(5000);
      }
      set.run('最后 ｌａｓｔ', ids[0]);
      for (const pattern of ['后台', 'bg', 'last', '公']) {
        expect({ pattern, total: countModuleRows(other, dispatchModule, quick(pattern)) }).toEqual({ pattern, total: expected(dispatchModule, pattern) });
      }
      background.stop();
    } finally {
      other.close();
    }
  });
});
