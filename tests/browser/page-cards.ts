// The checks of the example page's later cards, driven from page.test.ts on the same page (one
// trained model carries through): the inspection views added in issue 17, instruction tuning, the
// policy step, and Stop. Each saves its card's screenshot.
import { expect } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** The page's token display: spaces as ·, as views/dom.ts visible() draws them. */
const visible = (s: string) => s.replace(/ /g, '·');
/** The y of each point of an SVG polyline (y grows downwards). */
const ys = async (page: Page, sel: string) => (await page.getAttribute(sel, 'points'))!.trim().split(' ').map((p) => Number(p.split(',')[1]));

export async function checkViews(page: Page, shots: string): Promise<void> {
  // every head of every layer, small; a click enlarges it (the selects follow, the tile is pressed)
  const nLayer = await page.locator('#layer option').count(), nHead = await page.locator('#head option').count();
  expect(await page.locator('#heads .head-tile').count()).toBe(nLayer * nHead);
  const before = await page.locator('#heatmap .heat-cell').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).style.background).join());
  await page.click('#heads .head-tile[aria-label="layer 2, head 1"]'); // layer ≠ head, so a swap shows
  expect(await page.inputValue('#layer')).toBe('1');
  expect(await page.inputValue('#head')).toBe('0');
  expect(await page.getAttribute('#heads .head-tile[aria-label="layer 2, head 1"]', 'aria-pressed')).toBe('true');
  expect(await page.locator('#heads .head-tile[aria-pressed=true]').count()).toBe(1);
  expect(await page.locator('#heatmap .heat-cell').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).style.background).join())).not.toBe(before);
  await page.locator('#att-card').screenshot({ path: join(shots, 'attention.png') });

  // the embedding map: one dot per ordinary token, the chosen token and its 8 neighbours marked,
  // and the same map when the page asks again (deterministic PCA)
  const dots = () => page.locator('#emb-map circle').evaluateAll((cs) => cs.map((c) => `${c.getAttribute('data-id')}:${c.getAttribute('cx')},${c.getAttribute('cy')}`).sort().join(' '));
  const map1 = await dots();
  // the training text's tokens: every piece of card 4's text (nursery words) among them, no special token
  const mapIds = new Set(await page.locator('#emb-map circle').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-id')))));
  const pieceIds = await page.locator('#pieces .piece').evaluateAll((ps) => ps.map((p) => Number((p as HTMLElement).title.match(/id (\d+)/)![1])));
  for (const id of pieceIds) expect(mapIds.has(id)).toBe(true);
  expect(mapIds.size).toBeLessThan(256); // a few dozen words and the bytes of the text, not the whole vocabulary
  expect(await page.textContent('#emb-caption')).toMatch(new RegExp(`^${mapIds.size} tokens \\(those in the training text\\)`));
  expect(await page.locator('#emb-map circle.emb-chosen').count()).toBe(1);
  expect(await page.locator('#emb-map circle.emb-near').count()).toBe(8);
  const nearIds = await page.locator('#emb-map circle.emb-near').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-id')).sort());
  const barIds = await page.locator('#neighbours .bar-label').evaluateAll((ls) => ls.map((l) => (l as HTMLElement).title.replace('id ', '')).sort());
  expect(nearIds).toEqual(barIds); // the marked dots are the bars' tokens
  await page.click('#inspect');
  await expect.poll(async () => (await dots()) === map1 && (await page.locator('#emb-map circle.emb-chosen').count()) === 1, { timeout: 10_000 }).toBe(true);
  await page.locator('#emb-card').screenshot({ path: join(shots, 'embeddings.png') });

  // the whole text at once: one batched forward and a token-by-token loop give the same logits
  await page.click('#once');
  await page.waitForSelector('#once-result:not([hidden])');
  const d = await page.locator('#once-result').evaluate((e) => ({ ...(e as HTMLElement).dataset }));
  expect(Number(d.maxDiff)).toBeLessThan(1e-4);
  expect(Number(d.batchedMs)).toBeLessThan(Number(d.loopMs));
  expect(await page.textContent('#once-result')).toContain(`all ${await page.locator('#pieces .piece').count()} tokens in one forward`);
  await page.locator('#once-card').screenshot({ path: join(shots, 'at-once.png') });
}

export async function checkSft(page: Page, shots: string): Promise<{ seconds: number }> {
  // a pair of the learner's own, then every pair's greyed (masked) pieces are exactly its prompt
  // in the template and the coloured (trained) ones exactly its answer and <|end|>
  await page.click('#sft-add');
  const n = await page.locator('#sft-pairs .sft-pair').count();
  await page.fill(`#sft-pairs [aria-label="prompt ${n}"]`, 'Who found the river?');
  await page.fill(`#sft-pairs [aria-label="response ${n}"]`, 'The dog found the river.');
  await page.locator(`#sft-pairs [aria-label="response ${n}"]`).blur();
  await expect.poll(() => page.locator('#sft-pairs .sft-pair').last().locator('.piece').count(), { timeout: 5_000 }).toBeGreaterThan(5);
  for (let i = 0; i < n; i++) {
    const row = page.locator('#sft-pairs .sft-pair').nth(i);
    const prompt = await row.locator('input').nth(0).inputValue(), response = await row.locator('input').nth(1).inputValue();
    expect((await row.locator('.piece.masked').allTextContents()).join('')).toBe(visible(`<|user|>${prompt}<|end|><|assistant|>`));
    expect((await row.locator('.piece.trained').allTextContents()).join('')).toBe(visible(`${response}<|end|>`));
  }
  await page.fill('#sft-steps', '60');
  const t0 = Date.now();
  await page.click('#sft-train');
  await expect.poll(() => page.getAttribute('body', 'data-tuned'), { timeout: 40_000 }).toBe('true');
  const seconds = (Date.now() - t0) / 1000;
  expect(await page.textContent('#sft-status')).toMatch(/^Tuned: 60 steps in [\d.]+ s on 7 pairs/);
  const loss = await ys(page, '#sft-chart polyline.train');
  expect(loss.length).toBe(60);
  expect(loss.at(-1)!).toBeGreaterThan(loss[0] + 40); // fell (SVG y grows downwards)
  // the same prompts before and after: the tuned model answers, often with the very answer taught
  const rows = await page.locator('#sft-answers tr').evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  expect(rows.length).toBe(n);
  const taught = await page.locator('#sft-pairs .sft-pair input:nth-child(2)').evaluateAll((is) => is.map((i) => (i as HTMLInputElement).value));
  expect(rows.filter(([, before, after]) => before !== after).length).toBeGreaterThanOrEqual(n - 1);
  expect(rows.filter(([, , after], i) => after === taught[i]).length).toBeGreaterThan(rows.filter(([, before], i) => before === taught[i]).length);
  await page.mouse.move(0, 0);
  await page.locator('#sft-card').screenshot({ path: join(shots, 'sft.png') });
  return { seconds };
}

export async function checkPolicy(page: Page, shots: string): Promise<{ ppo: number; dpo: number }> {
  expect(await page.getAttribute('#policy-ppo', 'aria-pressed')).toBe('true');
  expect(await page.isDisabled('#policy-train')).toBe(false);
  let t0 = Date.now();
  await page.click('#policy-train');
  await expect.poll(() => page.getAttribute('body', 'data-policy'), { timeout: 60_000 }).toBe('ppo');
  const ppo = (Date.now() - t0) / 1000;
  expect(await page.textContent('#policy-status')).toMatch(/^PPO: 12 steps in [\d.]+ s\. The reward model's mean score over 8 answers per prompt: /);
  expect((await ys(page, '#policy-reward polyline.train')).length).toBe(12);
  const kl = await ys(page, '#policy-kl polyline.kl');
  expect(kl.length).toBe(12);
  // the answers changed, each is scored, and the reward model likes the policy's answers better
  const before = await page.locator('#policy-samples td.before').allTextContents(), after = await page.locator('#policy-samples td.after').allTextContents();
  expect(before.length).toBe(3);
  expect(after).not.toEqual(before);
  expect(await page.locator('#policy-samples td[data-reward]').count()).toBe(6);
  const rb = Number(await page.getAttribute('#policy-samples', 'data-mean-before')), ra = Number(await page.getAttribute('#policy-samples', 'data-mean-after'));
  expect(ra).toBeGreaterThan(rb);
  // the warning is there exactly when the status line's KL figures ran past the limit
  const warned = await page.isVisible('#policy-warning');
  if (warned) expect(await page.textContent('#policy-warning')).toMatch(/^The KL ran away: at step \d+ .*reward hacking/);
  await page.mouse.move(0, 0);
  await page.locator('#policy-card').screenshot({ path: join(shots, 'policy-ppo.png') });

  // GRPO, briefly: group-relative advantages, no value model; with a KL target (the controller
  // moves β, read back from the trainer) and ptx on what the model learned before
  await page.click('#policy-grpo');
  expect(await page.textContent('#policy-beta-label')).toBe('KL weight β');
  expect(await page.isVisible('#policy-kl-target')).toBe(true);
  expect(await page.isVisible('#policy-variant')).toBe(false);
  await page.fill('#policy-steps', '3');
  await page.fill('#policy-kl-target', '1');
  await page.fill('#policy-ptx', '1');
  await page.click('#policy-train');
  await expect.poll(() => page.getAttribute('body', 'data-policy'), { timeout: 60_000 }).toBe('grpo');
  const grpo = (await page.textContent('#policy-status'))!;
  expect(grpo).toMatch(/^GRPO: 3 steps \(β 0\.040 → \d\.\d{3} towards KL 1, ptx γ 1\) in [\d.]+ s\. The reward model's mean score/);
  expect(grpo).not.toMatch(/β 0\.040 → 0\.040 /); // the controller acted
  expect((await ys(page, '#policy-kl polyline.kl')).length).toBe(3);

  // DPO straight from the rankings: its own defaults, a margin chart, KL measured every few steps
  await page.click('#policy-dpo');
  expect(await page.getAttribute('#policy-dpo', 'aria-pressed')).toBe('true');
  expect(await page.textContent('#policy-beta-label')).toBe('β');
  expect(await page.isVisible('#policy-kl-target')).toBe(false);
  expect(await page.inputValue('#policy-ptx')).toBe('0'); // each method starts from its defaults
  await page.fill('#policy-steps', '12');
  await page.selectOption('#policy-variant', 'ipo');
  await page.fill('#policy-beta', '0.7');
  await page.fill('#policy-ptx', '0.5');
  t0 = Date.now();
  await page.click('#policy-train');
  await expect.poll(() => page.getAttribute('body', 'data-policy'), { timeout: 60_000 }).toBe('dpo');
  const dpo = (Date.now() - t0) / 1000;
  expect(await page.textContent('#policy-status')).toMatch(/^DPO: 12 steps \(IPO loss, β 0\.7, ptx γ 0\.5\) in [\d.]+ s\./);
  expect((await ys(page, '#policy-reward polyline.train')).length).toBe(12);
  expect((await ys(page, '#policy-kl polyline.kl')).length).toBe(4); // measured at steps 1, 4, 8 and 12
  await page.locator('#policy-card').screenshot({ path: join(shots, 'policy-dpo.png') });
  console.log(`policy: PPO 12 steps ${ppo.toFixed(1)} s (answers' reward ${rb.toFixed(2)} → ${ra.toFixed(2)}, KL warning ${warned}); DPO 12 steps ${dpo.toFixed(1)} s`);
  return { ppo, dpo };
}

/** Stop ends a long pre-training early: the status says where, and the x-axis ends there. */
export async function checkStop(page: Page, shots: string): Promise<void> {
  await page.fill('#steps', '5000');
  await page.click('#train');
  const step = async () => Number((await page.textContent('#status'))?.match(/step (\d+) of/)?.[1] ?? -1);
  await expect.poll(step, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(10);
  expect(await page.isDisabled('#sft-train')).toBe(true); // one job at a time
  expect(await page.isDisabled('#policy-train')).toBe(true);
  await page.click('#stop');
  await expect.poll(() => page.textContent('#status'), { timeout: 20_000 }).toMatch(/^Stopped at step \d+ of 5000/);
  const n = Number((await page.textContent('#status'))!.match(/^Stopped at step (\d+)/)![1]);
  expect(n).toBeLessThan(5000);
  expect(await page.locator('#chart text', { hasText: /^step \d+$/ }).allTextContents()).toEqual(['step 0', `step ${n}`]);
  expect(await page.locator('#chart polyline.train').getAttribute('points')).toBeTruthy();
  await page.locator('#loss-card').screenshot({ path: join(shots, 'stopped.png') });
}
