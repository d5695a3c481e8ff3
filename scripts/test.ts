import { spawnSync } from 'node:child_process';
import { ensureChromium } from './ensure-chromium.js';

// npm test — what CI runs: browser prerequisites, type check, build, then every test.
function step(title: string, command: string, args: string[]): void {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

try {
  ensureChromium();
} catch (e) {
  console.error(`✖ ${(e as Error).message}`);
  process.exit(1);
}
step('type check', 'npm', ['run', '--silent', 'typecheck']);
step('build', 'npm', ['run', '--silent', 'build']);
step('tests', 'npx', ['vitest', 'run', ...process.argv.slice(2)]);
