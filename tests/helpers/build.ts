import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { finished } from './spawn.js';

/** Builds the renderer when a test runs without `npm test` having built it first. */
export async function buildIfMissing(root: string): Promise<void> {
  if (existsSync(resolve(root, 'dist/renderer/index.html'))) return;
  const bin = resolve(root, 'node_modules/.bin');
  const child = spawn(resolve(bin, 'vite'), ['build', '--config', 'renderer/vite.config.ts'], {
    cwd: root,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { code, output } = await finished(child, 120_000);
  if (code !== 0) throw new Error(`building the renderer failed:\n${output}`);
}
