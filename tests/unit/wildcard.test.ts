import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compileQuery, wildcardToLike } from '../../db/query-compiler.js';
import { analysePattern, ftsQueryOf } from '../../db/search/pattern.js';
import { dispatchModule } from '../../shared/modules/dispatch.js';
import { owedModule } from '../../shared/modules/owed.js';
import { queryRequestSchema, wildcardPieces } from '../../shared/query.js';
import { fold, piecesMatch } from '../../shared/text/fold.js';
import { ServiceError } from '../../shared/errors.js';

// Runs the compiled LIKE against real SQLite, so the test checks what the database does.
function matches(pattern: string, values: string[]): string[] {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  for (const v of values) insert.run(v);
  const like = wildcardToLike(pattern);
  const rows = like === null
    ? db.prepare('SELECT v FROM t ORDER BY rowid').all()
    : db.prepare("SELECT v FROM t WHERE v LIKE ? ESCAPE '\\' ORDER BY rowid").all(like);
  db.close();
  return (rows as { v: string }[]).map((r) => r.v);
}

describe('wildcard → LIKE', () => {
  const parts = ['2BY.5084.1044.1', '2BY.5084.1045.2', '3CX.1234.5678.9', '2by.9999.0000.1'];

  it('finds the legacy manual examples, case ignored', () => {
    expect(matches('2by*5084*4*1', parts)).toEqual(['2BY.5084.1044.1']);
    expect(matches('*y.50*4.10*4', parts)).toEqual(['2BY.5084.1044.1', '2BY.5084.1045.2']);
  });

  it('matches anywhere inside the value, as if wrapped in *', () => {
    expect(matches('5084', parts)).toEqual(['2BY.5084.1044.1', '2BY.5084.1045.2']);
    expect(matches('.1', parts)).toEqual(['2BY.5084.1044.1', '2BY.5084.1045.2', '3CX.1234.5678.9', '2by.9999.0000.1']);
    expect(matches('2BY', parts)).toEqual(['2BY.5084.1044.1', '2BY.5084.1045.2', '2by.9999.0000.1']);
  });

  it('keeps the order of the pieces', () => {
    expect(matches('1044*5084', parts)).toEqual([]);
  });

  it('takes % _ \\ and quotes literally', () => {
    const values = ['100% 合格', '100 合格', 'a_b', 'axb', "O'Brien", 'c:\\temp', 'c:temp', '"quoted"'];
    expect(matches('100%', values)).toEqual(['100% 合格']);
    expect(matches('a_b', values)).toEqual(['a_b']);
    expect(matches("o'b", values)).toEqual(["O'Brien"]);
    expect(matches('c:\\t', values)).toEqual(['c:\\temp']);
    expect(matches('"quo', values)).toEqual(['"quoted"']);
  });

  it('matches Chinese text', () => {
    expect(matches('华信*有限', ['江苏华信机电设备有限公司', '华东信息有限公司', '有限公司华信'])).toEqual(['江苏华信机电设备有限公司']);
  });

  it('treats an empty pattern, blanks or only stars as "everything"', () => {
    expect(wildcardToLike('')).toBeNull();
    expect(wildcardToLike('   ')).toBeNull();
    expect(wildcardToLike('***')).toBeNull();
    expect(matches('', ['a', 'b'])).toEqual(['a', 'b']);
  });

  it('collapses repeated stars', () => {
    expect(wildcardToLike('a**b')).toBe('%a%b%');
  });
});

describe('wildcardPieces: the pieces of a pattern, folded by the one rule', () => {
  it('folds width and case of every script before splitting', () => {
    expect(wildcardPieces('ＡＢＣ')).toEqual(['abc']);
    expect(wildcardPieces('ＨＴ２０２４＊００１')).toEqual(['ht2024', '001']);
    expect(wildcardPieces('ÄRZTE*Straße')).toEqual(['ärzte', 'strasse']);
    expect(wildcardPieces('ΣΟΦΟΣ')).toEqual(['σοφοσ']);
    expect(wildcardPieces('ﬁle')).toEqual(['file']);
  });

  it('keeps % _ \\ and quotes as literal text, and Han as it is', () => {
    expect(wildcardPieces(`100%_a\\'"`)).toEqual([`100%_a\\'"`]);
    expect(wildcardPieces("o'b*%*_")).toEqual(["o'b", '%', '_']);
    expect(wildcardPieces('华信*有限')).toEqual(['华信', '有限']);
    expect(wildcardPieces('（华信）')).toEqual(['(华信)']);
  });

  it('gives no pieces for an empty pattern, blanks (also the ideographic space) or only stars', () => {
    for (const p of ['', '   ', '\u3000', '***', '＊＊', ' ＊* ']) expect(wildcardPieces(p), JSON.stringify(p)).toEqual([]);
    // Blanks inside the pattern are text, as in the database's LIKE.
    expect(wildcardPieces(' a * b ')).toEqual(['a ', ' b']);
    expect(wildcardPieces('*　*')).toEqual([' ']);
  });

  // The pieces matched against folded text say what the database says for the same pattern.
  it('agrees with the compiled LIKE over folded text', () => {
    const values = ['ABC-1', 'ａｂｃ－２', 'Ärzte GmbH', 'ÄRZTE', 'Straße 5', 'STRASSE 7', '100% 合格', 'a_b', 'axb', "O'Brien", 'c:\\temp', '"quoted"', '江苏华信机电设备有限公司', '华东信息有限公司', ''];
    const patterns = ['ＡＢＣ', 'abc*2', 'ärzte', 'ÄRZTE*gmbh', 'straße', 'STRASSE', '100%', 'a_b', "o'b", 'c:\\t', '"quo', '华信*有限', '有限*华信', '', '＊'];
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (const v of values) insert.run(fold(v));
    for (const p of patterns) {
      const like = wildcardToLike(p);
      const sql = like === null ? [...values] : (db.prepare("SELECT v FROM t WHERE v LIKE ? ESCAPE '\\' ORDER BY rowid").all(like) as { v: string }[]).map((r) => r.v);
      const js = values.filter((v) => piecesMatch(wildcardPieces(p), fold(v))).map((v) => (like === null ? v : fold(v)));
      expect(js, p).toEqual(sql);
    }
    db.close();
  });
});

describe('query compiler', () => {
  const compile = (req: unknown) => compileQuery(dispatchModule, queryRequestSchema.parse(req));

  it('spans the quick search across the module anyFields, with parameters only', () => {
    const q = compile({ conditions: [{ field: 'any', op: 'contains', value: "x'; DROP TABLE users; --" }] });
    expect(q.where).not.toContain('DROP');
    expect(q.params).toHaveLength(dispatchModule.anyFields.length);
    for (const f of dispatchModule.anyFields) expect(q.where).toContain(`pim_fold("${f}") LIKE ?`);
  });

  it('drops a condition with an empty pattern', () => {
    expect(compile({ conditions: [{ field: 'any', op: 'contains', value: '' }] }).where).toBe('');
  });

  it('lets an empty pattern match everything: dropped under AND, the whole filter under OR', () => {
    const conditions = [
      { field: 'customer', op: 'contains', value: '华信' },
      { field: 'contract_no', op: 'contains', value: '' },
    ];
    const and = compile({ conditions, join: 'and' });
    expect(and.where).toBe(`pim_fold("customer") LIKE ? ESCAPE '\\'`);
    expect(and.params).toEqual(['%华信%']);
    const or = compile({ conditions, join: 'or' });
    expect(or.where).toBe('');
    expect(or.params).toEqual([]);
  });

  it('joins conditions with AND or OR', () => {
    const conditions = [
      { field: 'customer', op: 'contains', value: '华信' },
      { field: 'status', op: 'equals', value: 'pending' },
    ];
    expect(compile({ conditions, join: 'and' }).where).toBe(`pim_fold("customer") LIKE ? ESCAPE '\\' AND "status" = ?`);
    expect(compile({ conditions, join: 'or' }).where).toBe(`pim_fold("customer") LIKE ? ESCAPE '\\' OR "status" = ?`);
  });

  it('uses the default sort with a unique tie-breaker, text by its sort key, enums by their order', () => {
    expect(compile({}).orderBy).toBe('"created_at" DESC, "id" DESC');
    // customer has a stored sort key (migration 011: the whole key): its table is joined, its row id breaks ties.
    const byCustomer = compile({ sort: [{ field: 'customer', dir: 'asc' }] });
    expect(byCustomer.orderBy).toBe('"sk_customer" ASC, "sid" ASC');
    expect(byCustomer.from).toBe('"dispatch_order_list" AS v JOIN "dispatch_sort" ON "sid" = v."id"');
    // So have an enum of the orders and, since migration 013, long free text; since migration 014
    // every column of every list (the owed list's reason too).
    expect(compile({ sort: [{ field: 'urgency', dir: 'desc' }] }).orderBy).toBe('"sk_urgency" DESC, "sid" DESC');
    expect(compile({ sort: [{ field: 'problem', dir: 'desc' }] }).orderBy).toBe('"sk_problem" DESC, "sid" DESC');
    const owedByReason = compileQuery(owedModule, queryRequestSchema.parse({ sort: [{ field: 'reason', dir: 'desc' }] }));
    expect(owedByReason.orderBy).toBe('"sk_reason" DESC, "sid" DESC');
    expect(owedByReason.sortTable).toBe('owed_sort');
    // Days overdue change with the date: ordered from the status and promised-date keys, not walked.
    const owedByDays = compileQuery(owedModule, queryRequestSchema.parse({ sort: [{ field: 'days_overdue', dir: 'asc' }] }));
    expect(owedByDays.orderBy).toMatch(/^CASE WHEN sk_status IN \(0, 1\) AND sk_promised_date < \(SELECT date\('now', .*julianday.* END ASC, "sid" ASC$/);
    expect(owedByDays.from).toBe('"owed_part_list" AS v JOIN "owed_sort" ON "sid" = v."id"');
    expect(owedByDays.sortTable).toBeUndefined();
    // A list without stored keys: text by pim_sortkey, an enum by its position, at query time.
    const unindexed = { ...owedModule, id: 'unindexed' } as unknown as typeof owedModule;
    expect(compileQuery(unindexed, queryRequestSchema.parse({ sort: [{ field: 'reason', dir: 'desc' }] })).orderBy).toBe('pim_sortkey("reason") DESC, "id" DESC');
    const owedByStatus = compileQuery(unindexed, queryRequestSchema.parse({ sort: [{ field: 'status', dir: 'asc' }] }));
    expect(owedByStatus.orderBy).toBe(
      `CASE WHEN "status" IS NULL OR "status" = '' THEN -1 ELSE CASE "status" ${owedModule.columns
        .find((c) => c.field === 'status')!
        .enumValues!.map((v, i) => `WHEN '${v}' THEN ${i}`)
        .join(' ')} ELSE ${owedModule.columns.find((c) => c.field === 'status')!.enumValues!.length} END END ASC, "id" ASC`,
    );
  });

  it('folds the pattern (width, case) before splitting it at stars', () => {
    expect(wildcardToLike('ＨＴ２０２４')).toBe('%ht2024%');
    expect(wildcardToLike('ÄRZTE')).toBe('%ärzte%');
    expect(wildcardToLike('Straße')).toBe('%strasse%');
    expect(wildcardToLike('ａ＊ｂ')).toBe('%a%b%');
    expect(wildcardToLike('（１００％）')).toBe('%(100\\%)%');
  });

  it('refuses unknown fields, unknown enum values and reversed ranges with INVALID_PARAMS', () => {
    const codeOf = (req: unknown) => {
      try {
        compile(req);
        return 'ok';
      } catch (e) {
        return (e as ServiceError).code;
      }
    };
    expect(codeOf({ conditions: [{ field: 'password_hash', op: 'contains', value: 'x' }] })).toBe('INVALID_PARAMS');
    expect(codeOf({ sort: [{ field: 'nope', dir: 'asc' }] })).toBe('INVALID_PARAMS');
    expect(codeOf({ conditions: [{ field: 'status', op: 'equals', value: 'lost' }] })).toBe('INVALID_PARAMS');
    expect(codeOf({ conditions: [{ field: 'created_at', op: 'between', value: ['2025-02-01', '2025-01-01'] }] })).toBe('INVALID_PARAMS');
    expect(codeOf({ conditions: [{ field: 'status', op: 'in', value: ['pending', 'completed'] }] })).toBe('ok');
  });
});

describe('pattern analysis for the search index', () => {
  it('gives the trigrams of pieces of three characters or more, by character', () => {
    expect(analysePattern('2by*5084*4*1')?.trigrams).toEqual(['2by', '508', '084']);
    expect(analysePattern('*y.50*4.10*4')?.trigrams).toEqual(['y.5', '.50', '4.1', '.10']);
    expect(analysePattern('有限公司')?.trigrams).toEqual(['有限公', '限公司']);
    expect(analysePattern('华信')?.trigrams).toEqual([]);
    expect(analysePattern('华信*有限')?.trigrams).toEqual([]);
    expect(analysePattern('a😀bc')?.trigrams).toEqual(['a😀b', '😀bc']);
    expect(analysePattern('aaaa')?.trigrams).toEqual(['aaa']);
  });

  it('keeps patterns the FTS5 query could get wrong away from the index', () => {
    expect(analysePattern('ab\0cd')?.trigrams).toEqual([]);
    expect(analysePattern('ab\ud800cd')?.trigrams).toEqual([]);
  });

  it('quotes trigrams for FTS5', () => {
    expect(ftsQueryOf(['a"b', 'x y'])).toBe('"a""b" AND "x y"');
  });

  it('uses the joined text table exactly only for one piece without the separator', () => {
    expect(analysePattern('华信')?.textExact).toBe(true);
    expect(analysePattern('*华信*')?.textExact).toBe(true);
    expect(analysePattern('华*信')?.textExact).toBe(false);
    expect(analysePattern('a\u001fb')?.textExact).toBe(false);
    expect(analysePattern('***')).toBeNull();
  });
});
