// Each bundler builds the consumer's web app (tests/package/app.ts) as its own docs say to, with
// no glassgpt-specific configuration, from a folder where glassgpt was installed from the
// tarball. The bundlers themselves are devDependencies of the repository (installed by `npm ci`,
// so the suite runs offline); only the app and glassgpt come from the consumer folder.

import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { html } from './app.js';

/** Every file under dir, relative to it. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name))).sort();
}

export async function viteBuild(dir: string): Promise<string> {
  const { build } = await import('vite');
  const outDir = join(dir, 'out-vite');
  await build({
    root: dir, base: './', logLevel: 'silent', configFile: false,
    build: { outDir, target: 'es2022', rollupOptions: { input: { index: join(dir, 'index.html'), worker: join(dir, 'worker.html') } } },
    worker: { format: 'es' },
  });
  return outDir;
}

/** `vite` (the dev server, dependency pre-bundling on): the app is served from its sources. */
export async function viteDev(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('vite');
  const server = await createServer({ root: dir, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  await server.listen();
  const url = server.resolvedUrls!.local[0];
  return { url, close: () => server.close() };
}

export async function webpackBuild(dir: string): Promise<string> {
  const { default: webpack } = await import('webpack');
  const outDir = join(dir, 'out-webpack');
  const stats = await new Promise<import('webpack').Stats>((ok, fail) => webpack({
    mode: 'production', context: dir, entry: './main.js', output: { path: outDir, filename: 'main.js', clean: true },
  }, (err, s) => (err ? fail(err) : ok(s!))));
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  writeFileSync(join(outDir, 'index.html'), html('./main.js', false));
  return outDir;
}

/** rollup needs a plugin to resolve packages and one to copy `new URL(..., import.meta.url)` assets. */
export async function rollupBuild(dir: string): Promise<string> {
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const { importMetaAssets } = await import('@web/rollup-plugin-import-meta-assets');
  const outDir = join(dir, 'out-rollup');
  const bundle = await rollup({ input: join(dir, 'main.js'), plugins: [nodeResolve({ browser: true }), importMetaAssets()], logLevel: 'silent' });
  await bundle.write({ dir: outDir, format: 'es' });
  await bundle.close();
  writeFileSync(join(outDir, 'index.html'), html('./main.js'));
  return outDir;
}

/** esbuild has no asset handling for `new URL(..., import.meta.url)`: the .wasm is copied by
 *  the one line the README and the loader's error give (`copyWasm`). */
export async function esbuildBuild(dir: string): Promise<{ outDir: string; copyWasm(): void }> {
  const { build } = await import('esbuild');
  const outDir = join(dir, 'out-esbuild');
  await build({ entryPoints: [join(dir, 'main.js')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: outDir, logLevel: 'silent' });
  writeFileSync(join(outDir, 'index.html'), html('./main.js'));
  return {
    outDir,
    copyWasm: () => copyFileSync(join(dir, 'node_modules', 'glassgpt', 'dist', 'glassgpt-simd.wasm'), join(outDir, 'glassgpt-simd.wasm')),
  };
}
