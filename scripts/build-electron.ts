import { build } from 'esbuild';

// Main and preload are bundled to CommonJS: a sandboxed preload must be one CJS file, and
// bundling keeps the packaged app free of TypeScript. Native and Electron modules stay external.
const common = {
  bundle: true,
  platform: 'node' as const,
  format: 'cjs' as const,
  target: 'node22',
  sourcemap: true,
  external: ['electron', 'better-sqlite3'],
  logLevel: 'warning' as const,
};

await build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs' });
await build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs' });
console.log('electron: dist/electron/main.cjs, dist/electron/preload.cjs');
