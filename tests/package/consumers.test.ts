// The packed tarball, installed into a fresh folder, as each kind of user meets it: Node ESM and
// CJS, TypeScript (strict; NodeNext and bundler resolution, ESM and CJS typings), and the web app
// built by vite, webpack 5, rollup and esbuild and served by vite's dev server, each opened in
// Chromium (one in a Web Worker) and generating text on the wasm backend. Every consumer must
// write the same text as Node: one seed, one build, the same bits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launch, serve, SKIP_REASON, type Browser } from '../browser/harness.js';
import { APP_CJS, APP_ESM, WEB_FILES } from './app.js';
import { esbuildBuild, filesUnder, rollupBuild, viteBuild, viteDev, webpackBuild } from './bundlers.js';
import { consumer, distProblem, ROOT, writeFiles } from './consumer.js';

interface Result { backend: string; text: string; inWorker?: boolean }
const node = (dir: string, file: string) => JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' })) as Result;

let dir: string;
let expected: Result;
beforeAll(() => {
  const missing = distProblem();
  if (missing) throw new Error(missing);
  dir = consumer('app');
  writeFiles(dir, {
    'app.mjs': APP_ESM, 'app.cjs': APP_CJS, ...WEB_FILES,
    'esm.mjs': "import { run } from './app.mjs';\nconsole.log(JSON.stringify(await run()));\n",
    'cjs.cjs': "require('./app.cjs').run().then((r) => console.log(JSON.stringify(r)));\n",
  });
  expected = node(dir, 'esm.mjs');
}, 120_000);

describe('Node', () => {
  it('imports the package as ESM and writes text on the wasm backend', () => {
    expect(expected.backend).toBe('wasm');
    expect(expected.text).toHaveLength(24); // a character tokenizer: one character per token
  });
  it('requires the package from CommonJS and writes the same text', () => {
    expect(node(dir, 'cjs.cjs')).toEqual(expected);
  });
});

describe('TypeScript --strict against the shipped .d.ts', () => {
  const SOURCE = `import { createBackend, GPT, CharTokenizer, generate, type GPTConfig, type Backend } from 'glassgpt';
import { loadTokenizer } from 'glassgpt/node';
import { sentimentScore } from 'glassgpt/labeler';
const config: Partial<GPTConfig> = { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16 };
export async function go(): Promise<string> {
  const backend: Backend = await createBackend('js');
  const tok = CharTokenizer.fromText('abc');
  const model = new GPT(backend, { ...config, vocabSize: tok.vocabSize });
  const score: number = sentimentScore('good');
  return (await generate(model, tok, 'a', { maxTokens: 2 })).text + loadTokenizer.name + score;
}
// @ts-expect-error: internals are not part of the public API
import { record } from 'glassgpt';
`;
  // a .cts file checks the CommonJS typings (index.d.cts) under NodeNext
  const CTS = `import glassgpt = require('glassgpt');\nexport const b: Promise<glassgpt.Backend> = glassgpt.createBackend('js');\n`;
  /** tsc's diagnostics ('' when the project type-checks). */
  const tsc = (project: string) => spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project],
    { cwd: dir, encoding: 'utf8' }).stdout;
  const config = (module: string, resolution: string, include: string[]) => JSON.stringify({
    compilerOptions: { module, moduleResolution: resolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: include[0].includes('bad'),
      lib: ['es2022', 'dom'], types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
    include,
  });

  it('type-checks with NodeNext resolution (ESM and CJS consumers)', () => {
    writeFiles(dir, { 'ts/use.mts': SOURCE, 'ts/use.cts': CTS, 'tsconfig.nodenext.json': config('nodenext', 'nodenext', ['ts/use.mts', 'ts/use.cts']) });
    expect(tsc('tsconfig.nodenext.json')).toBe('');
  });
  it('type-checks with bundler resolution', () => {
    writeFiles(dir, { 'ts/use-bundler.ts': SOURCE, 'tsconfig.bundler.json': config('esnext', 'bundler', ['ts/use-bundler.ts']) });
    expect(tsc('tsconfig.bundler.json')).toBe('');
  });
  it('fails on a type error (the check can fail)', () => {
    writeFiles(dir, { 'ts/bad.mts': "import { createBackend } from 'glassgpt';\nexport const x: number = createBackend('js');\n",
      'tsconfig.bad.json': config('nodenext', 'nodenext', ['ts/bad.mts']) });
    expect(tsc('tsconfig.bad.json')).toMatch(/bad\.mts\(2,14\): error TS2322/);
  });
});

describe.skipIf(SKIP_REASON !== '')(`bundled for the browser${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launch(); });
  afterAll(async () => { await browser?.close(); });

  /** Opens url and waits for the page's result (or its error). */
  async function open(url: string): Promise<{ result?: Result; error?: string }> {
    const page: Page = await browser.context.newPage();
    try {
      await page.goto(url);
      await page.waitForFunction(() => document.body?.dataset.result || document.body?.dataset.error, null, { timeout: 60_000 });
      const [r, e] = [await page.getAttribute('body', 'data-result'), await page.getAttribute('body', 'data-error')];
      return { result: r ? JSON.parse(r) as Result : undefined, error: e ?? undefined };
    } finally {
      await page.close();
    }
  }
  async function served<T>(folder: string, f: (url: string) => Promise<T>): Promise<T> {
    const server = await serve(folder);
    try { return await f(server.url); } finally { await server.close(); }
  }
  const wasmFiles = (out: string) => filesUnder(out).filter((f) => f.endsWith('.wasm'));

  it('vite build: the page and a Web Worker write the same text; only the kernels are copied', async () => {
    const out = await viteBuild(dir);
    await served(out, async (url) => {
      expect(await open(`${url}index.html`)).toEqual({ result: expected });
      expect(await open(`${url}worker.html`)).toEqual({ result: { ...expected, inWorker: true } });
    });
    // the three variants the code may load (threads with isolation, relaxed opt-in), nothing else of dist/
    expect(wasmFiles(out).map((f) => f.replace(/-[\w-]{8}\.wasm$/, '.wasm'))).toEqual(['assets/glassgpt-relaxed.wasm', 'assets/glassgpt-simd.wasm', 'assets/glassgpt-threads.wasm']);
    expect(filesUnder(out).filter((f) => /\.(map|cjs|d\.ts|d\.cts)$/.test(f))).toEqual([]);
  });

  it('vite dev server (dependency pre-bundling on) serves the app as written', async () => {
    const server = await viteDev(dir);
    try {
      expect(await open(`${server.url}index.html`)).toEqual({ result: expected });
    } finally {
      await server.close();
    }
  });

  it('webpack 5 with no configuration for glassgpt', async () => {
    const out = await webpackBuild(dir);
    expect(wasmFiles(out)).toHaveLength(3);
    expect(await served(out, (url) => open(`${url}index.html`))).toEqual({ result: expected });
  });

  it('rollup with node-resolve and import-meta-assets', async () => {
    const out = await rollupBuild(dir);
    expect(wasmFiles(out)).toHaveLength(3);
    expect(await served(out, (url) => open(`${url}index.html`))).toEqual({ result: expected });
  });

  it('esbuild: without the .wasm the error says what to copy where; with it, the same text', async () => {
    const { outDir, copyWasm } = await esbuildBuild(dir);
    await served(outDir, async (url) => {
      const { error } = await open(`${url}index.html`);
      expect(error).toMatch(/could not load the glassgpt kernels from http:\/\/127\.0\.0\.1:\d+\/glassgpt-simd\.wasm/);
      expect(error).toContain('copy node_modules/glassgpt/dist/glassgpt-simd.wasm next to your bundle');
      copyWasm();
      expect(await open(`${url}index.html`)).toEqual({ result: expected });
    });
  });
});
