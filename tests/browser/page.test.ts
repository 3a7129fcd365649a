// The example page in Chromium, built by vite from the package's dist: it trains in a Worker
// while the page keeps answering clicks, draws a falling loss curve, the inspection views and a
// generation trace, saves and reloads a checkpoint, instruction-tunes the model (card 11), trains
// a reward model on rankings of its answers made on the page (card 12), optimises the model with
// PPO and DPO (card 13), and stops a run. The later cards' checks are in page-cards.ts.
// Screenshots go to test-output/screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildExample, ISOLATION_HEADERS, launch, OUT, packageProblem, serve, SKIP_REASON, type Browser, type StaticServer } from './harness.js';
import { checkPolicy, checkSft, checkStop, checkViews } from './page-cards.js';

const STEPS = 150; // a tiny model: about 15 ms a step on wasm here
const SHOTS = join(OUT, 'screenshots');

describe.skipIf(SKIP_REASON !== '')(`the example page${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let browser: Browser, server: StaticServer, page: Page;
  const errors: string[] = [];
  beforeAll(async () => {
    const missing = packageProblem();
    if (missing) throw new Error(missing);
    server = await serve(await buildExample('index'), ISOLATION_HEADERS); // as npm run example serves it: threads on
    browser = await launch();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const step = async () => Number((await page.textContent('#status'))?.match(/step (\d+) of/)?.[1] ?? -1);

  it('trains in a worker while the page responds, and shows what the model learned', async () => {
    await page.goto(`${server.url}index.html?steps=${STEPS}&width=48&layers=2&vocab=384&autotrain=1`);
    await expect.poll(() => page.getAttribute('body', 'data-ready'), { timeout: 20_000 }).toBe('true');
    expect(await page.textContent('#backend')).toContain('WebAssembly');
    expect(await page.textContent('#backend')).toMatch(/· [2-4] threads/); // the cores here (2), at most 4
    expect(await page.isHidden('#threads-notice')).toBe(true);

    // mid-training, a click on the page is answered at once, and training goes on afterwards
    await expect.poll(step, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(5);
    const before = await step();
    await page.click('#smooth');
    expect(await page.getAttribute('#smooth', 'aria-pressed')).toBe('true');
    expect(await page.textContent('#smooth')).toBe('smoothing on');
    expect(await step()).toBeLessThan(STEPS); // still training when it answered
    await expect.poll(step, { timeout: 30_000, interval: 50 }).toBeGreaterThan(before);
    await page.click('#smooth'); // back to the raw curve for the screenshot

    await expect.poll(() => page.getAttribute('body', 'data-trained'), { timeout: 60_000 }).toBe('true');
    await page.waitForSelector('#heatmap .heat-cell');
    await page.waitForSelector('#neighbours .bar-row');
    expect(errors).toEqual([]);

    // the loss fell: the curve ends lower than it starts (SVG y grows downwards)
    const ys = (await page.getAttribute('#chart polyline.train', 'points'))!.trim().split(' ').map((p) => Number(p.split(',')[1]));
    expect(ys.length).toBe(STEPS);
    expect(ys.at(-1)!).toBeGreaterThan(ys[0] + 40);
    expect(await page.textContent('#status')).toMatch(/^Trained: 150 steps in [\d.]+ s, [\d,]+ parameters, final loss \d/);
    // the nursery text runs out of merges before 384 tokens: the page says so, and the chart's ln V is the learned V
    const V = Number((await page.textContent('#vocab-used'))!.match(/^\((\d+) learned\)$/)![1]);
    expect(V).toBeLessThan(384);
    expect(await page.locator('#chart text.tick', { hasText: 'guessing uniformly' }).textContent()).toBe(`guessing uniformly among ${V} tokens: ln ${V} = ${Math.log(V).toFixed(2)}`);
    expect(await page.isHidden('#overfit')).toBe(true); // held-out loss still falling at 150 steps

    // views: one chip per token, a full T×T heatmap, probability bars that add up to at most 1
    const T = await page.locator('#pieces .piece').count();
    expect(T).toBeGreaterThan(5);
    expect(await page.locator('#heatmap .heat-cell').count()).toBe(T * T);
    expect(await page.locator('#heatmap .heat-cell.future').count()).toBe((T * (T - 1)) / 2);
    const pcts = (await page.locator('#bars .bar-value').allTextContents()).map((s) => parseFloat(s));
    expect(pcts.length).toBe(8);
    expect(pcts.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0)).toBeLessThanOrEqual(100.5);
    expect(await page.locator('#lens tr').count()).toBe(1 + 3); // header + embeddings + 2 blocks

    // the layer picker redraws the heatmap
    const cellsL1 = await page.locator('#heatmap .heat-cell').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).style.background).join());
    await page.selectOption('#layer', '1');
    const cellsL2 = await page.locator('#heatmap .heat-cell').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).style.background).join());
    expect(cellsL2).not.toBe(cellsL1);
    await page.selectOption('#layer', '0');
    await page.screenshot({ path: join(SHOTS, 'trained.png'), fullPage: true });
    await checkViews(page, SHOTS);
    expect(errors).toEqual([]);
  }, 120_000);

  it('generates with the sliders\' settings and traces every step', async () => {
    expect(await page.inputValue('#prompt')).toBe('The'); // no trailing space: the model's next word brings its own
    await page.fill('#prompt', 'The cat ');
    await page.click('#generate');
    await expect.poll(() => page.isVisible('#prompt-hint')).toBe(true); // …and a prompt that ends in one gets a hint
    await expect.poll(() => page.isDisabled('#generate')).toBe(false);
    await page.fill('#prompt', 'The cat');
    await page.locator('#topk').fill('5');
    expect(await page.textContent('#topk-v')).toBe('5');
    await page.click('#generate');
    await expect.poll(() => page.getAttribute('body', 'data-generated'), { timeout: 20_000 }).toBe('true');
    const chips = await page.locator('#generated .piece').count();
    expect(chips).toBe(60);
    expect(await page.isHidden('#prompt-hint')).toBe(true);
    const caption = await page.textContent('#trace p');
    const kept = Number(caption!.match(/(\d+) tokens? survived/)![1]);
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThanOrEqual(5); // top-k 5
    await page.locator('#generated .piece').nth(3).click();
    expect(await page.textContent('#trace p')).toMatch(/^Step 4 of 60/);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'generated.png'), fullPage: true });
  }, 30_000);

  it('saves a checkpoint file and loads it back', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const file = join(OUT, 'page-checkpoint.safetensors');
    await download.saveAs(file);
    await page.setInputFiles('#load', file);
    await expect.poll(() => page.textContent('#ckpt-status'), { timeout: 10_000 }).toMatch(/^loaded page-checkpoint\.safetensors: [\d,]+ parameters, \d+ tokens/);
    await page.setInputFiles('#load', { name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a checkpoint') });
    await expect.poll(() => page.textContent('#ckpt-status'), { timeout: 10_000 }).toMatch(/^could not load broken\.safetensors: /);
    expect(errors).toEqual([]);
  });

  it('instruction-tunes the model on pairs whose prompt tokens are masked, and it answers', async () => {
    const { seconds } = await checkSft(page, SHOTS);
    expect(errors).toEqual([]);
    console.log(`instruction tuning: 60 steps in ${seconds.toFixed(1)} s`);
  }, 60_000);

  it('ranks samples and trains a reward model in the worker that learns the ranking', async () => {
    await page.click('#align-samples');
    await page.waitForSelector('#align-groups .align-sample');
    const groups = page.locator('#align-groups .align-group');
    expect(await groups.count()).toBe(3);
    // the tuned model answers the first tuning prompts
    expect(await groups.locator('h4').allTextContents()).toEqual(['after “Where did the cat sit?”', 'after “What did the dog find?”', 'after “Where did the bird run?”']);
    expect(await page.locator('#align-groups .align-sample').count()).toBe(12);
    expect(await page.isDisabled('#align-train')).toBe(true);

    // the first prompt by hand, best first: the fourth rank fills itself in; a second click takes a rank back
    const mine = groups.nth(0).locator('.align-sample');
    const ranks = () => mine.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.rank));
    for (const i of [2, 0, 1]) await mine.nth(i).click();
    expect(await ranks()).toEqual(['2', '3', '1', '4']);
    await mine.nth(1).click();
    expect(await ranks()).toEqual(['2', '', '1', '']);
    await mine.nth(3).click();
    expect(await ranks()).toEqual(['2', '4', '1', '3']);
    // the other two by the suggested rule, which leaves the hand-made ranking alone
    await page.click('#align-suggest');
    expect(await ranks()).toEqual(['2', '4', '1', '3']);
    expect(await page.textContent('#align-status')).toContain('18 comparisons');

    const t0 = Date.now();
    await page.click('#align-train');
    await expect.poll(() => page.getAttribute('body', 'data-aligned'), { timeout: 40_000 }).toBe('true');
    const seconds = (Date.now() - t0) / 1000;
    const acc = { before: Number(await page.getAttribute('#align-acc', 'data-before')), after: Number(await page.getAttribute('#align-acc', 'data-after')) };
    expect(acc.after).toBeGreaterThanOrEqual(0.9);
    expect(acc.after).toBeGreaterThan(acc.before);
    // in every group the sample ranked first now out-scores the one ranked last, and moved up more
    for (let g = 0; g < 3; g++) {
      const rows = await groups.nth(g).locator('.align-sample').evaluateAll((rs) => rs.map((r) => ({ ...(r as HTMLElement).dataset })));
      const at = (rank: string) => rows.find((r) => r.rank === rank)!;
      const best = at('1'), worst = at('4');
      expect(Number(best.after)).toBeGreaterThan(Number(worst.after));
      expect(Number(best.after) - Number(best.before)).toBeGreaterThan(Number(worst.after) - Number(worst.before));
    }
    expect(await page.locator('#align-chart polyline.train').count()).toBe(1);
    expect(errors).toEqual([]);
    console.log(`reward model: pair accuracy ${acc.before.toFixed(2)} → ${acc.after.toFixed(2)} in ${seconds.toFixed(1)} s`);
    await page.mouse.move(0, 0); // no hover outline in the picture
    await page.locator('#align-card').screenshot({ path: join(SHOTS, 'aligned.png') });
  }, 60_000);

  it('optimises the model with PPO and GRPO against the reward model and with DPO from the rankings', async () => {
    await checkPolicy(page, SHOTS);
    expect(errors).toEqual([]);
  }, 120_000);

  it('stops a long training run where the learner asks', async () => {
    await checkStop(page, SHOTS);
    expect(errors).toEqual([]);
  }, 60_000);

  it('served without COOP/COEP, shows one thread and a notice naming the headers to send', async () => {
    const plain = await serve(join(OUT, 'example-index'));
    const p = await browser.context.newPage();
    try {
      await p.goto(`${plain.url}index.html`);
      await expect.poll(() => p.getAttribute('body', 'data-ready'), { timeout: 20_000 }).toBe('true');
      expect(await p.textContent('#backend')).toContain('· 1 thread');
      expect(await p.isVisible('#threads-notice')).toBe(true);
      expect(await p.textContent('#threads-notice')).toMatch(/Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    } finally {
      await p.close();
      await plain.close();
    }
  });
});
