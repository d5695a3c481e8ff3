import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

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

/** Starts `npm run server`'s entry point and resolves once it prints its URL. */
export function startServerProcess(dbFile: string, port = 0): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawnTs('server/cli.ts', ['--port', String(port), '--db', dbFile]);
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
