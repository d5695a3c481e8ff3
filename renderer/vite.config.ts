import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

// The renderer is built into dist/renderer with relative asset paths, so that Electron can load
// it from file:// and the server can serve it at / to browsers.
// Vite replaces import.meta.dirname with this file's folder when it bundles the config, so the
// config needs no Node imports (renderer/ stays free of them; a test checks).
const here = import.meta.dirname;
const repoRoot = `${here}/..`;
const devTarget = process.env.PIM_SERVER ?? 'http://127.0.0.1:8610';

// The dev server's React refresh preamble is an inline script, which the page's strict CSP
// forbids; only while serving (never in a build) the meta tag allows inline scripts.
const devCsp: Plugin = {
  name: 'pim-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
};

export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), devCsp],
  build: {
    outDir: `${repoRoot}/dist/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2500,
  },
  // `vite --config renderer/vite.config.ts` for UI work: the page's own origin is the dev server,
  // so /api and /ws are passed on to a running `npm run server` (PIM_SERVER, default :8610).
  server: {
    host: '127.0.0.1',
    port: 5173,
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: devTarget, changeOrigin: true },
      '/ws': { target: devTarget, ws: true, changeOrigin: true },
    },
  },
});
