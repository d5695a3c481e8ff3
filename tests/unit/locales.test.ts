import { describe, expect, it } from 'vitest';
import { localeFiles, translations } from '../../renderer/src/i18n/resources.js';
import { modules, warehouseLists } from '../../shared/modules/index.js';
import { reasonCodes } from '../../shared/reasons.js';

const zh = translations['zh-CN'];
const en = translations.en;
import { ErrorCodes } from '../../shared/errors.js';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const zhKeys = flatten(zh as Tree);
const enKeys = flatten(en as Tree);
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('locales', () => {
  it('zh-CN and en have the same keys', () => {
    expect([...enKeys.keys()].sort()).toEqual([...zhKeys.keys()].sort());
  });

  it('each text keeps the same {{placeholders}} in both languages', () => {
    for (const [key, text] of zhKeys) expect(placeholders(enKeys.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it('the locale files of a language never define the same top-level key twice', () => {
    for (const files of Object.values(localeFiles)) {
      const keys = files.flatMap((f) => Object.keys(f));
      expect(keys.length).toBe(new Set(keys).size);
    }
  });

  it('every refusal reason code has a text', () => {
    expect(reasonCodes.filter((code) => !zhKeys.has(`reasons.${code}`))).toEqual([]);
  });

  it('every label a module definition names exists, enum values included', () => {
    const missing: string[] = [];
    for (const m of [...modules, ...warehouseLists]) {
      if (!zhKeys.has(m.labelKey)) missing.push(m.labelKey);
      for (const c of m.columns) {
        if (!zhKeys.has(c.labelKey)) missing.push(c.labelKey);
        for (const v of c.enumValues ?? []) if (!zhKeys.has(`${c.enumKey}.${v}`)) missing.push(`${c.enumKey}.${v}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every error code has a message', () => {
    const missing = ErrorCodes.filter((code) => ![...zhKeys.keys()].some((k) => k.endsWith(`.${code}`)));
    expect(missing).toEqual([]);
  });
});
