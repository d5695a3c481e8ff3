import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, 'node_modules/.bin');

/** Runs a TypeScript entry point the way npm scripts do (tsx on the project's Node 22). */
export function spawnTs(entry: string, args: string[]): ChildProcess {
  return spawn(resolve(bin, 'tsx'), [resolve(root, entry), ...args], {
    cwd: root,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Waits for the process to end; resolves its exit code and everything it printed. */
export function finished(child: ChildProcess, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`timed out; printed: ${output}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

/**
 * `npm run server`'s entry point (and its read-pool worker) bundled once with esbuild — packages
 * too, but the native better-sqlite3, as the Electron build bundles the backend — into a temp
 * folder (remove `dir` when done). `node cli.mjs` starts several times faster than tsx, and the
 * process started is the server itself: tsx runs the entry in a child process of its own, so a
 * signal sent to tsx's pid that tsx cannot relay (SIGKILL) leaves that child running.
 */
export async function bundleServer(): Promise<{ dir: string; entry: string }> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'pim-server-bundle-'));
  // The external packages resolve through this link to the project's node_modules.
  symlinkSync(resolve(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const out = join(dir, 'server');
  await build({
    entryPoints: { cli: resolve(root, 'server/cli.ts'), 'read-pool-worker': resolve(root, 'server/read-pool-worker.ts') },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // ws's optional native helpers are tried with require() and may be absent.
    external: ['better-sqlite3', 'bufferutil', 'utf-8-validate'],
    // Bundled CommonJS packages require() Node's own modules.
    banner: { js: "import { createRequire as __pimCreateRequire } from 'node:module'; const require = __pimCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return { dir, entry: join(out, 'cli.mjs') };
}

/**
 * Starts `npm run server`'s entry point and resolves once it prints its URL. Options (none:
 * through tsx, as before): `bundle` — a `bundleServer()` entry, run on the project's Node 22
 * directly, so `child` is the server's own process; `args` — more command-line arguments
 * (`--no-backup`, `--read-workers N`).
 */
export function startServerProcess(
  dbFile: string,
  port = 0,
  options: { bundle?: string; args?: string[] } = {},
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const args = ['--port', String(port), '--db', dbFile, ...(options.args ?? [])];
  const child = options.bundle
    ? spawn(resolve(bin, 'node'), [options.bundle, ...args], {
        cwd: root,
        // Node's compile cache beside the bundle: later starts (and worker threads) skip compiling.
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_COMPILE_CACHE: join(dirname(options.bundle), '.compile-cache') },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawnTs('server/cli.ts', args);
  return new Promise((done, fail) => {
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        done({
          url: m[1],
          child,
          stop: () =>
            new Promise<void>((ok) => {
              if (child.exitCode !== null) return ok();
              child.once('close', () => ok());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d) => (output += d));
    child.on('close', (code) => fail(new Error(`server exited with ${code}: ${output}`)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`server did not start: ${output}`));
    }, 60_000);
  });
}
