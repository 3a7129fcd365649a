// generate / generateBatch / stream end to end on a tiny random GPT: cache = no cache, seeds,
// batching, streaming text, AbortSignal, the trace, and bad prompts.

import { describe, expect, it } from 'vitest';
import { generate, generateBatch, stream } from '../../ts/generate/generate.js';
import type { StepTrace } from '../../ts/generate/trace.js';
import { GPT } from '../../ts/model/gpt.js';
import { testBackends } from '../helpers/backends.js';
import { byteTokenizer, tinyModel } from './helpers.js';

const backends = await testBackends();
const tok = byteTokenizer();

describe.each(backends.map((b) => [b.name, b] as const))('generate on %s', (_n, be) => {
  const model = tinyModel(be);

  it('gives the same tokens and logprobs with and without the cache, past blockSize', async () => {
    const opts = { seed: 3, maxTokens: 40, endTokens: null, temperature: 0.8, topK: 40 }; // 40 > blockSize 24
    const a = await generate(model, tok, 'Hello there', { ...opts, cache: true });
    const b = await generate(model, tok, 'Hello there', { ...opts, cache: false });
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).toHaveLength(40);
    a.logprobs.forEach((l, i) => expect(Math.abs(l - b.logprobs[i])).toBeLessThan(1e-4));
    expect(a.text).toBe(b.text);
  });

  it('a seed reproduces a sample exactly; the result reports the seed it used', async () => {
    const opts = { maxTokens: 20, temperature: 1.2, topP: 0.9, endTokens: null };
    const a = await generate(model, tok, 'abc', { ...opts, seed: 123 });
    const b = await generate(model, tok, 'abc', { ...opts, seed: 123 });
    const c = await generate(model, tok, 'abc', { ...opts, seed: 124 });
    expect(b.tokens).toEqual(a.tokens);
    expect(c.tokens).not.toEqual(a.tokens);
    const d = await generate(model, tok, 'abc', opts);
    expect((await generate(model, tok, 'abc', { ...opts, seed: d.seed })).tokens).toEqual(d.tokens);
  });

  it('batches prompts × samples with per-sequence stop; sequence 0 equals a single generate', async () => {
    const opts = { seed: 9, maxTokens: 12, temperature: 1, endTokens: [tok.encode('e')[0]] };
    const res = await generateBatch(model, tok, ['one', 'three', 'two'], { ...opts, numSamples: 3 });
    expect(res.map((r) => r.length)).toEqual([3, 3, 3]);
    const single = await generate(model, tok, 'one', opts);
    expect(res[0][0].tokens).toEqual(single.tokens);
    // a sequence's sample does not depend on its batch-mates
    const unbatched = await generateBatch(model, tok, ['one', 'three', 'two'], { ...opts, numSamples: 3, batchSize: 1 });
    expect(unbatched.map((r) => r.map((s) => s.tokens))).toEqual(res.map((r) => r.map((s) => s.tokens)));
    for (const r of res.flat()) {
      expect(r.tokens.length).toBe(r.logprobs.length);
      expect(r.finishReason === 'end' ? r.tokens.at(-1) : r.tokens.length).toBe(r.finishReason === 'end' ? opts.endTokens[0] : 12);
      r.logprobs.forEach((l) => expect(l).toBeLessThanOrEqual(0));
    }
  });

  it('streams events whose texts join to the result, one per token', async () => {
    const it = stream(model, tok, 'Hi', { seed: 5, maxTokens: 25, endTokens: null });
    const events = [];
    let r = await it.next();
    while (!r.done) { events.push(r.value); r = await it.next(); }
    const result = r.value;
    expect(events.map((e) => e.token)).toEqual(result.tokens);
    expect(events.map((e) => e.text).join('')).toBe(result.text);
    expect(result.text).toBe(tok.decode(result.tokens));
    expect(events.at(-1)!.finishReason).toBe('length');
  });

  it('an AbortSignal cancels generate and stream, and frees the cache', async () => {
    const before = be.heapBytes();
    const ctl = new AbortController();
    let steps = 0;
    // each step lasts ≥ 1 ms, so the event loop's turn (every ~16 ms) comes within ~16 steps
    const onStep = () => { busy(1); if (++steps === 3) setTimeout(() => ctl.abort(), 0); };
    await expect(generate(model, tok, 'x', { maxTokens: 10_000, endTokens: null, signal: ctl.signal, onStep })).rejects.toThrow(/abort/i);
    expect(steps).toBeLessThan(50);
    const ctl2 = new AbortController(), got: number[] = [];
    await expect((async () => {
      for await (const ev of stream(model, tok, 'x', { maxTokens: 10_000, endTokens: null, signal: ctl2.signal })) {
        got.push(ev.token);
        if (got.length === 4) ctl2.abort();
      }
    })()).rejects.toThrow(/abort/i);
    expect(got).toHaveLength(4);
    await expect(generate(model, tok, 'x', { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    if (be.name === 'js') expect(be.heapBytes()).toBe(before);
  });

  it('gives the event loop turns while it decodes: a timer fires during a 200-token generation', async () => {
    for (const run of [
      (onStep: () => void) => generate(model, tok, 'x', { maxTokens: 200, endTokens: null, onStep }),
      async (onStep: () => void) => { for await (const ev of stream(model, tok, 'x', { maxTokens: 200, endTokens: null, onStep })) void ev; },
    ]) {
      let fired = false, seenDuring = false;
      setTimeout(() => { fired = true; }, 0);
      // ≥ 1 ms a token: the run lasts ≥ 200 ms however fast the model, so a loop that never
      // yields a task would let the timer fire only after it ends
      await run(() => { busy(1); seenDuring ||= fired; });
      expect(seenDuring).toBe(true);
    }
  });

  it('traces each step: the model distribution, the filtered set and the choice', async () => {
    const traces: StepTrace[] = [];
    const r = await generate(model, tok, 'ab', { seed: 1, maxTokens: 5, topK: 3, endTokens: null, onStep: (t) => traces.push(t), traceTop: 5 });
    expect(traces).toHaveLength(5);
    traces.forEach((t, i) => {
      expect(t.step).toBe(i);
      expect(t.keptCount).toBe(3);
      expect(t.kept.map((e) => e.id)).toContain(r.tokens[i]);
      expect(t.chosen.id).toBe(r.tokens[i]);
      expect(t.chosen.logprob).toBeCloseTo(r.logprobs[i], 10);
      expect(t.top).toHaveLength(5);
      for (let j = 1; j < 5; j++) expect(t.top[j].prob).toBeLessThanOrEqual(t.top[j - 1].prob);
      expect(t.kept.reduce((s, e) => s + e.prob, 0)).toBeCloseTo(1, 6); // three kept, renormalised
    });
  });

  it('never emits ids the tokenizer lacks (a padded vocabulary), and restores training mode', async () => {
    const padded = new GPT(be, { vocabSize: 300, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16 }, { seed: 1 }).train();
    const r = await generate(padded, tok, 'a', { seed: 2, maxTokens: 30, endTokens: null, logitBias: { 299: 50 } });
    expect(r.tokens.every((t) => t < 260)).toBe(true);
    expect(padded.training).toBe(true);
    padded.free();
  });

  it('rejects bad prompts and options clearly', async () => {
    await expect(generate(model, tok, [1, 999])).rejects.toThrow(/prompt 0 token 1 is 999, outside the vocabulary \[0, 260\)/);
    await expect(generate(model, tok, 'a', { topP: 0 })).rejects.toThrow(/topP must be in \(0, 1\]/);
    await expect(generateBatch(model, tok, ['a'], { numSamples: 0 })).rejects.toThrow(/numSamples must be a whole number ≥ 1/);
    const small = new GPT(be, { vocabSize: 100, blockSize: 8, nLayer: 1, nHead: 1, nEmbd: 8 });
    await expect(generate(small, tok, 'a')).rejects.toThrow(/tokenizer has 260 ids, the model only 100/);
    small.free();
  });
});

/** Spins for `ms` milliseconds (stands in for a slow model in a test of scheduling). */
function busy(ms: number): void {
  const t = performance.now();
  while (performance.now() - t < ms) { /* spin */ }
}
