// The example page opens a Hugging Face GPT-2 folder picked from disk (the committed tiny one:
// two F32 shards, GPT-2's tokenizer cut to 300 ids) in its worker: the size from config.json
// first, then the weights (decoding from bf16 copies), and the inspection views and the traced
// generation run on it. Chromium, the page built by vite from dist (as page.test.ts).
import { copyFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildExample, launch, OUT, packageProblem, serve, SKIP_REASON, type Browser, type StaticServer } from './harness.js';

const TINY = fileURLToPath(new URL('../fixtures/hf/tiny/', import.meta.url));

describe.skipIf(SKIP_REASON !== '')(`the page opens an HF folder${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let browser: Browser, server: StaticServer, page: Page;
  const errors: string[] = [];
  beforeAll(async () => {
    const missing = packageProblem();
    if (missing) throw new Error(missing);
    const out = await buildExample('index');
    cpSync(TINY, join(out, 'models', 'tiny'), { recursive: true }); // served beside the page for the URL test
    server = await serve(out);
    browser = await launch();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the size, loads the folder, and inspects and generates with it', async () => {
    await page.goto(`${server.url}index.html`);
    await expect.poll(() => page.getAttribute('body', 'data-ready'), { timeout: 20_000 }).toBe('true');
    // every text the status line shows, so the size announced before loading can be checked
    await page.evaluate(() => {
      const st = document.getElementById('ckpt-status')!, w = window as unknown as { statuses: string[] };
      w.statuses = [];
      new MutationObserver(() => w.statuses.push(st.textContent ?? '')).observe(st, { childList: true, characterData: true, subtree: true });
    });
    await page.setInputFiles('#load-hf', TINY); // a directory input takes the folder itself
    await expect.poll(() => page.getAttribute('body', 'data-hf'), { timeout: 30_000 }).toBe('true');
    expect(await page.textContent('#ckpt-status')).toMatch(/^opened a Hugging Face GPT-2 folder \(F32 weights\): [\d,]+ parameters, 300 tokens; decoding from bf16 copies$/);
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    expect(statuses[0]).toMatch(/^reading 36,\d{3} parameters \(2 layers, 32 wide, 300 tokens\): about 0.\d MB of memory…$/);
    await page.waitForSelector('#heatmap .heat-cell');
    await page.waitForSelector('#neighbours .bar-row');
    expect(await page.locator('#pieces .piece').count()).toBeGreaterThan(3);
    await page.click('#generate');
    await expect.poll(() => page.getAttribute('body', 'data-generated'), { timeout: 20_000 }).toBe('true');
    expect(await page.locator('#generated .piece').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, 'screenshots', 'hf-folder.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('a URL typed in opens the same folder (fetched only then)', async () => {
    await page.goto(`${server.url}index.html`);
    await expect.poll(() => page.getAttribute('body', 'data-ready'), { timeout: 20_000 }).toBe('true');
    const fetched: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/models/')) fetched.push(r.url()); });
    expect(fetched).toEqual([]); // nothing before the click
    await page.fill('#hf-url', 'models/tiny/');
    await page.click('#load-hf-url');
    await expect.poll(() => page.getAttribute('body', 'data-hf'), { timeout: 30_000 }).toBe('true');
    expect(await page.textContent('#ckpt-status')).toMatch(/F32 weights\): [\d,]+ parameters, 300 tokens/);
    expect(fetched.some((u) => u.endsWith('/models/tiny/config.json'))).toBe(true);
    await page.waitForSelector('#heatmap .heat-cell');
  });

  it('a folder without config.json says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassgpt-hf-page-'));
    for (const f of ['vocab.json', 'merges.txt']) copyFileSync(join(TINY, f), join(dir, f));
    await page.setInputFiles('#load-hf', dir);
    await expect.poll(() => page.textContent('#ckpt-status'), { timeout: 10_000 }).toMatch(/could not open the folder: no config.json in the folder/);
  });
});
