import { describe, expect, it } from 'vitest';
import { fold, foldedPieces, matchesPattern } from '../../shared/text/fold.js';
import { compareBySortKey, compareKeys, sortKey, SORT_KEY_SEPARATOR } from '../../shared/text/sort-key.js';
import { compareText } from '../../shared/grid/compare.js';

describe('fold: NFKC and full case folding', () => {
  it('makes case and width one', () => {
    expect(fold('ＡＢＣ')).toBe('abc');
    expect(fold('ÄRZTE')).toBe(fold('ärzte'));
    expect(fold('ＨＴ２０２４（北京）')).toBe('ht2024(北京)');
    expect(fold('Straße')).toBe('strasse');
    expect(fold('STRAẞE')).toBe('strasse');
    expect(fold('ΣΊΣΥΦΟΣ')).toBe(fold('σίσυφος'));
    expect(fold('ﬁ')).toBe('fi');
    expect(fold('e\u0301')).toBe('é');
    expect(fold('abc-123')).toBe('abc-123');
  });

  it('is the rule of every pattern: `*` any run (also ＊), everything else literal', () => {
    expect(foldedPieces(' ２ＢＹ＊５０８４ ')).toEqual(['2by', '5084']);
    expect(matchesPattern('ärzte', 'ÄRZTE GmbH')).toBe(true);
    expect(matchesPattern('ａｂｃ', 'ＡＢＣ')).toBe(true);
    expect(matchesPattern('ＨＴ２０２４', 'HT2024-0012')).toBe(true);
    expect(matchesPattern('（', '(x)')).toBe(true);
    expect(matchesPattern('100%', '1000')).toBe(false);
    expect(matchesPattern('a_b', 'axb')).toBe(false);
    expect(matchesPattern("o'b", "O'Brien")).toBe(true);
    expect(matchesPattern('2by*5084*4*1', '2BY.5084.1044.1')).toBe(true);
    expect(matchesPattern('1044*5084', '2BY.5084.1044.1')).toBe(false);
    expect(matchesPattern('***', null)).toBe(true);
    expect(matchesPattern('a', null)).toBe(false);
  });
});

describe('sort key: pinyin, case and accents ignored, numbers by value, total', () => {
  const sorted = (values: string[]) => [...values].sort(compareBySortKey);

  it('orders Chinese by pinyin (then by character), Latin without case and accents', () => {
    expect(sorted(['张', '华', '北', '阿', '湖', '成', '宝', '广'])).toEqual(['阿', '宝', '北', '成', '广', '湖', '华', '张']);
    expect(sorted(['安徽', '阿姨', '爱华'])).toEqual(['阿姨', '爱华', '安徽']);
    expect(sorted(['C', 'b', 'A'])).toEqual(['A', 'b', 'C']);
    expect(sorted(['ecoles', 'École', 'ecole'])).toEqual(['École', 'ecole', 'ecoles'].sort(compareBySortKey));
    expect(compareBySortKey('École', 'ecoles')).toBeLessThan(0);
    expect(sorted(['第10', '第2'])).toEqual(['第2', '第10']);
    expect(sorted(['华', '化'])).toEqual(['华', '化']); // huá before huà: by tone
    expect(sorted(['里', '李'])).toEqual(['李', '里']); // both lǐ: by character then
    expect(compareBySortKey('ABC', 'abc')).toBe(0);
    expect(compareBySortKey('ＡＢＣ', 'abc')).toBe(0);
    expect(compareBySortKey('', 'a')).toBeLessThan(0);
    expect(sortKey(null)).toBe('');
    expect(sortKey('重庆')).toBe(`chong2qing4${SORT_KEY_SEPARATOR}重庆`);
    expect(compareText('重庆', '长沙')).toBe(compareBySortKey('重庆', '长沙'));
  });

  it('compares by code point, as SQLite compares UTF-8', () => {
    expect(compareKeys('\uffff', '😀')).toBeLessThan(0);
    expect(compareKeys('a', 'ab')).toBeLessThan(0);
    expect(compareKeys('b', 'a')).toBeGreaterThan(0);
  });
});
