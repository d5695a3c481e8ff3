import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Imports point one way (architecture doc): renderer → shared; db → shared;
// server → db, shared; electron → db, shared. Nothing imports renderer, server or electron,
// and shared imports nothing of ours. shared and renderer also stay free of Node and native code.
const projectRoot = resolve(__dirname, '../..');
const allowed: Record<string, string[]> = {
  shared: ['shared'],
  db: ['db', 'shared', 'resources'],
  server: ['server', 'db', 'shared'],
  electron: ['electron', 'db', 'shared'],
  renderer: ['renderer', 'shared', 'resources'],
};
const browserSafe = new Set(['shared', 'renderer']);
const nodeOnlyPackages = ['better-sqlite3', 'electron', 'ws', 'exceljs/lib/stream', 'fs', 'path', 'os', 'child_process', 'crypto'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts)$/.test(name) ? [full] : [];
  });
}

function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) specs.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return specs;
}

export function importViolations(root: string): string[] {
  const problems: string[] = [];
  for (const [layer, okTargets] of Object.entries(allowed)) {
    for (const file of sourceFiles(join(root, layer))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const where = `${relative(root, file)} imports "${spec}"`;
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(dirname(file), spec)).split(/[\\/]/)[0];
          if (!okTargets.includes(target)) problems.push(`${where}: ${layer}/ may not import ${target}/`);
        } else if (browserSafe.has(layer)) {
          const bare = spec.replace(/^node:/, '');
          if (spec.startsWith('node:') || nodeOnlyPackages.includes(bare)) problems.push(`${where}: ${layer}/ must not use Node or native modules`);
        }
      }
    }
  }
  return problems;
}

describe('layer imports', () => {
  it('point one way, as the architecture doc says', () => {
    expect(importViolations(projectRoot)).toEqual([]);
  });

  it('the check itself catches wrong imports', () => {
    const fixture = mkdtempSync(join(tmpdir(), 'pim-imports-'));
    try {
      for (const layer of Object.keys(allowed)) mkdirSync(join(fixture, layer));
      writeFileSync(join(fixture, 'shared', 'a.ts'), "import { x } from '../db/open.js';\n");
      writeFileSync(join(fixture, 'renderer', 'b.tsx'), "import { readFileSync } from 'node:fs';\nconst s = await import('../server/http-server.js');\n");
      writeFileSync(join(fixture, 'db', 'c.ts'), "import { y } from '../shared/query.js';\n");
      expect(importViolations(fixture)).toEqual([
        'shared/a.ts imports "../db/open.js": shared/ may not import db/',
        'renderer/b.tsx imports "node:fs": renderer/ must not use Node or native modules',
        'renderer/b.tsx imports "../server/http-server.js": renderer/ may not import server/',
      ]);
    } finally {
      rmSync(fixture, { recursive: true, force: true });
    }
  });
});
