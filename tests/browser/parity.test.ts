// Parity: the same seeded run (BPE training, 20 steps, a checkpoint, 50 sampled tokens) in Node
// and in Chromium gives bit-identical losses, checkpoint hash and tokens, on wasm and on js, and
// on the opt-in relaxed build (same machine: both engines fuse its multiply-adds the same way);
// and a checkpoint written on one side loads on the other and samples the same tokens.
// Both sides run examples/browser/src/parity-run.ts on the package's built dist/index.js.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { buildExample, launch, packageProblem, ROOT, serve, SKIP_REASON, type Browser, type StaticServer } from './harness.js';
import { PARITY_EXPORTS, parityRun, sampleFromCheckpoint, type ParityLib, type ParityResult } from '../../examples/browser/src/parity-run.js';

if (SKIP_REASON) console.warn(`browser parity tests skipped: ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== '')(`parity between Node and Chromium${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let browser: Browser, server: StaticServer, page: Page, lib: ParityLib;
  beforeAll(async () => {
    const missing = packageProblem(); // a missing build is a failure, not a skip
    if (missing) throw new Error(missing);
    const pkg = process.env.GLASSGPT_PACKAGE_DIR ?? ROOT;
    lib = (await import(/* @vite-ignore */ pathToFileURL(join(pkg, 'dist', 'index.js')).href)) as ParityLib;
    const absent = PARITY_EXPORTS.filter((name) => !(name in lib));
    if (absent.length) throw new Error(`the package's dist/index.js does not export ${absent.join(', ')}; ts/index.ts must (users need them too)`);
    server = await serve(await buildExample('parity'));
    browser = await launch();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.url}parity.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const backend of ['wasm', 'wasm-relaxed', 'js'] as const) {
    it(`${backend}: losses, checkpoint hash and tokens are bit-identical; checkpoints cross over`, async () => {
      const node = await parityRun(lib, backend);
      const web = await page.evaluate((b) => (window as unknown as { parity: { run(b: string): Promise<ParityResult> } }).parity.run(b), backend);
      expect(node.losses).toHaveLength(20);
      expect(node.losses[19]).toBeLessThan(node.losses[0]); // it did learn something
      expect(node.tokens).toHaveLength(50);
      expect(web.vocabSize).toBe(node.vocabSize);
      expect(web.losses).toEqual(node.losses); // exact number equality: bit for bit
      expect(web.checkpointSha256).toBe(node.checkpointSha256);
      expect(web.tokens).toEqual(node.tokens);
      expect(web.text).toBe(node.text);
      // written in Chromium, loaded in Node; written in Node, loaded in Chromium
      const inNode = await sampleFromCheckpoint(lib, backend, web.checkpointBase64);
      const inWeb = await page.evaluate(([b, c]) => (window as unknown as { parity: { sample(b: string, c: string): Promise<{ checkpointSha256: string; tokens: number[] }> } }).parity.sample(b, c), [backend, node.checkpointBase64] as const);
      for (const r of [inNode, inWeb]) {
        expect(r.checkpointSha256).toBe(node.checkpointSha256);
        expect(r.tokens).toEqual(node.tokens);
      }
    });
  }
});
