import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// npm run lint:electron — Electronegativity (Doyensec's static checker for Electron apps) over
// the main process and preload (electron/*.ts) and the page they load (renderer/index.html, for
// its CSP). Fails (exit 1) on any finding of medium or high severity and on any file it cannot
// parse. A finding that was reviewed is marked where it is, with `eng-disable CHECK_ID` and why.
//
// Offline: the check that downloads Electron's release list is left out (this machine and CI have
// no network but the npm registry) and the installed Electron version is given instead; its
// translations download is answered "offline" at once (scripts/offline-got.cjs), so the bundled
// English is used.

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

// Electronegativity parses TypeScript with @typescript-eslint/typescript-estree 4, which npm
// hoists to the top while its TypeScript (4.2) stays nested: the parser would then load the
// project's TypeScript 7, whose JavaScript API it does not know. Its `require('typescript')` is
// sent to the TypeScript Electronegativity itself depends on.
const enegDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));
const enegTypescript = require.resolve('typescript', { paths: [enegDir] });
const offlineGot = resolve(import.meta.dirname, 'offline-got.cjs');
const moduleInternals = Module as unknown as { _resolveFilename: (request: string, parent: { filename?: string } | null, ...rest: unknown[]) => string };
const resolveFilename = moduleInternals._resolveFilename;
moduleInternals._resolveFilename = function (request, parent, ...rest) {
  const from = parent?.filename ?? '';
  if (request === 'typescript' && /[\\/]node_modules[\\/](@typescript-eslint|tsutils)[\\/]/.test(from)) return enegTypescript;
  // No network: translations fall back to the bundled English at once, not after timeouts.
  if (request === 'got' && from.startsWith(enegDir)) return offlineGot;
  return resolveFilename.call(this, request, parent, ...rest);
};

interface Finding {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { value: number; name?: string; format?: () => string };
  confidence: { value: number };
  manualReview: boolean;
  description: string;
}

export interface LintResult {
  findings: { id: string; file: string; line: number; severity: string; manualReview: boolean; description: string }[];
  failing: string[];
  parseErrors: string[];
  files: string[];
}

const SEVERITY = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'];

export async function lintElectron(electronDir = join(root, 'electron')): Promise<LintResult> {
  const work = mkdtempSync(join(tmpdir(), 'pim-eneg-'));
  try {
    mkdirSync(join(work, 'electron'));
    mkdirSync(join(work, 'renderer'));
    const files = readdirSync(electronDir).filter((f) => f.endsWith('.ts'));
    for (const f of files) copyFileSync(join(electronDir, f), join(work, 'electron', f));
    copyFileSync(join(root, 'renderer/index.html'), join(work, 'renderer/index.html'));
    const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;

    const run = require('@doyensec/electronegativity') as (options: Record<string, unknown>, forCli: boolean) => Promise<{ errors: { file: string; message: string; tolerable: boolean }[]; issues: Finding[] }>;
    const { errors, issues } = await run(
      {
        input: work,
        electronVersionOverride: electronVersion,
        excludeFromScan: ['availablesecurityfixesglobalcheck'],
        isRelative: true,
      },
      false,
    );
    const findings = issues.map((i) => ({
      id: i.id,
      file: i.file,
      line: i.location?.line ?? 0,
      severity: SEVERITY[i.severity.value] ?? String(i.severity.value),
      manualReview: !!i.manualReview,
      description: String(i.description ?? ''),
    }));
    return {
      findings,
      failing: findings.filter((f) => f.severity === 'MEDIUM' || f.severity === 'HIGH').map((f) => `${f.severity} ${f.id} ${f.file}:${f.line}`),
      parseErrors: errors.filter((e) => !e.tolerable).map((e) => `${e.file}: ${e.message}`),
      files: [...files.map((f) => `electron/${f}`), 'renderer/index.html'],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  // Electronegativity prints its own chatter (banners, "could not retrieve translations"): the
  // result is what follows.
  const dirArg = process.argv.indexOf('--dir');
  const result = await lintElectron(dirArg > 0 ? resolve(process.argv[dirArg + 1]) : undefined);
  if (process.argv.includes('--json')) {
    process.stdout.write(`\n@@RESULT@@${JSON.stringify(result)}\n`);
  } else {
    console.log(`Electronegativity over ${result.files.join(', ')}`);
    for (const f of result.findings) console.log(`  ${f.severity.padEnd(13)} ${f.id}  ${f.file}:${f.line}${f.manualReview ? '  (review)' : ''}`);
    for (const e of result.parseErrors) console.log(`  cannot parse ${e}`);
    console.log(result.failing.length || result.parseErrors.length ? '✖ medium/high findings or parse errors' : '✓ no medium or high findings');
  }
  process.exit(result.failing.length || result.parseErrors.length ? 1 : 0);
}
