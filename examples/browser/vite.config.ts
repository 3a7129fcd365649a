// Builds the example page the way a user's app would: `import ... from 'glassgpt'` resolves to
// the package root (its package.json `exports` map → dist/index.js), never to ts/ sources, and
// the kernels' .wasm is found through the library's new URL(..., import.meta.url).
// GLASSGPT_PACKAGE_DIR points at another copy of the package (e.g. an unpacked `npm pack`).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const pkg = process.env.GLASSGPT_PACKAGE_DIR ?? fileURLToPath(new URL('../..', import.meta.url));
// the pages to build (the tests build each on its own, so one page's failure is not the other's)
const pages = (process.env.GLASSGPT_EXAMPLE_PAGES ?? 'index,parity').split(',');

// Cross-origin isolation (SharedArrayBuffer, so the kernels' threads) for `vite` and
// `npm run example` (vite preview); a server without these headers gets one thread and a notice.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here,
  server: { headers: isolation },
  preview: { headers: isolation },
  base: './', // the built folder works from any path (the tests serve it from /)
  resolve: { alias: [{ find: /^glassgpt$/, replacement: pkg }] },
  worker: { format: 'es' },
  logLevel: 'warn',
  build: {
    outDir: process.env.GLASSGPT_EXAMPLE_OUT ?? 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: Object.fromEntries(pages.map((p) => [p, `${here}${p}.html`])) },
  },
});
