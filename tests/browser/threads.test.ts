// Threads in Chromium: a page served with COOP/COEP (cross-origin isolated) runs every split
// kernel at 1, 2, 3 and 4 threads, from the browser's main thread (whose waits spin), to the bits
// of the simd build in Node; the same page served without those headers runs on one thread and
// says which headers to send. The page loads the package's built dist/index.js unbundled, and
// tests/backend/thread-cases.ts transpiled as is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ISOLATION_HEADERS, launch, OUT, packageProblem, ROOT, serve, SKIP_REASON, type Browser, type StaticServer } from './harness.js';
import { createWasmBackend } from '../../ts/backend/wasm/index.js';
import { caseDigests } from '../backend/thread-cases.js';

interface PageRun { threads: number; isolated: boolean; notices: string[]; digests: Record<string, string> }
const PAGE = `<!doctype html><meta charset="utf-8"><title>loading</title>
<script type="module">
import * as glassgpt from './dist/index.js';
import { caseDigests } from './thread-cases.js';
// threads 0: the single-thread simd build, as the reference
window.runCases = async (threads) => {
  const notices = [];
  const be = await glassgpt.createBackend('wasm', threads === 0 ? { variant: 'simd' } : { threads, onThreadsNotice: (n) => notices.push(n) });
  const digests = caseDigests(be), count = be.threads;
  be.dispose(); // (threads then reads 1)
  return { threads: count, isolated: self.crossOriginIsolated, notices, digests };
};
document.title = 'ready';
</script>`;

describe.skipIf(SKIP_REASON !== '')(`wasm threads in Chromium${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let browser: Browser, isolated: StaticServer, plain: StaticServer, want: Record<string, string>;
  const dir = join(OUT, 'threads-page');
  beforeAll(async () => {
    const missing = packageProblem() || (existsSync(join(ROOT, 'dist', 'glassgpt-threads.wasm')) ? '' : 'dist/glassgpt-threads.wasm is missing: run `npm run build`');
    if (missing) throw new Error(missing);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    const { transform } = await import('esbuild');
    const src = readFileSync(join(ROOT, 'tests', 'backend', 'thread-cases.ts'), 'utf8');
    writeFileSync(join(dir, 'thread-cases.js'), (await transform(src, { loader: 'ts', format: 'esm' })).code);
    writeFileSync(join(dir, 'index.html'), PAGE);
    const simd = await createWasmBackend(undefined, 'simd');
    want = caseDigests(simd);
    isolated = await serve(dir, ISOLATION_HEADERS);
    plain = await serve(dir);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
  });

  async function open(server: StaticServer): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.url}index.html`);
    await page.waitForFunction(() => document.title === 'ready');
    return page;
  }
  const run = (page: Page, threads: number) => page.evaluate((t) => (window as unknown as { runCases(t: number): Promise<PageRun> }).runCases(t), threads);

  it('with COOP/COEP: every split kernel at 1–4 threads gives the bits of simd (and of Node)', async () => {
    const page = await open(isolated);
    const ref = await run(page, 0);
    expect(ref.isolated).toBe(true);
    expect(ref.digests).toEqual(want); // Chromium's simd build = Node's
    for (const t of [1, 2, 3, 4]) {
      const r = await run(page, t);
      expect(r.threads).toBe(t);
      expect(r.notices).toEqual([]);
      expect(r.digests, `${t} threads`).toEqual(want);
    }
    await page.close();
  });

  it('without the headers: one thread, the same bits, and a notice naming the headers', async () => {
    const page = await open(plain);
    const r = await run(page, 2);
    expect(r.isolated).toBe(false);
    expect(r.threads).toBe(1);
    expect(r.notices).toEqual([expect.stringMatching(/one thread, not 2: .*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/)]);
    expect(r.digests).toEqual(want);
    await page.close();
  });
});
