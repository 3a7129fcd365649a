// The sampler: deterministic exp/log, inverse-CDF sampling against the softmax, greedy = the
// limit of temperature → 0, and seed reproducibility.

import { describe, expect, it } from 'vitest';
import { expDet, logDet } from '../../ts/generate/detmath.js';
import { buildProcessors } from '../../ts/generate/options.js';
import { argmax, chooseToken, logSumExp, sampleFromLogits } from '../../ts/generate/sampler.js';
import { Rng } from '../../ts/tensor/random.js';

describe('deterministic exp and log', () => {
  it('agree with Math.exp / Math.log within a few ulp', () => {
    const rng = new Rng(11);
    let worstExp = 0, worstLog = 0;
    for (let i = 0; i < 20000; i++) {
      const x = -700 + 1400 * rng.uniform(), y = Math.exp(x);
      worstExp = Math.max(worstExp, Math.abs(expDet(x) - y) / y);
      worstLog = Math.max(worstLog, Math.abs(logDet(y) - x) / Math.max(1, Math.abs(x)));
    }
    expect(worstExp).toBeLessThan(1e-15);
    expect(worstLog).toBeLessThan(1e-15);
    expect([expDet(0), logDet(1), expDet(-Infinity), logDet(0), expDet(-800)]).toEqual([1, 0, 0, -Infinity, 0]);
  });
});

describe('sampling', () => {
  it('draws tokens with their softmax probabilities', () => {
    const probs = [0.1, 0.2, 0.3, 0.4, 0];
    const logits = Float64Array.from(probs.map(Math.log));
    const rng = new Rng(5), counts = [0, 0, 0, 0, 0], n = 20000;
    for (let i = 0; i < n; i++) counts[sampleFromLogits(logits, rng.uniform())]++;
    counts.forEach((c, i) => expect(Math.abs(c / n - probs[i])).toBeLessThan(0.012));
    expect(counts[4]).toBe(0); // probability 0 (logit −∞) is never drawn
  });

  it('u at the edges picks the first and the last token with weight', () => {
    const logits = Float64Array.from([-Infinity, 0, 0, -Infinity]);
    expect(sampleFromLogits(logits, 0)).toBe(1);
    expect(sampleFromLogits(logits, 0.9999999999)).toBe(2);
  });

  it('temperature → 0 equals greedy, and temperature 0 is greedy', () => {
    const rng = new Rng(9);
    for (let t = 0; t < 20; t++) {
      const raw = Float32Array.from({ length: 50 }, () => 6 * rng.uniform());
      const greedy = chooseToken(raw, { tokens: [] }, buildProcessors({ temperature: 0 }, []), true, rng).id;
      expect(greedy).toBe(argmax(raw));
      const cold = chooseToken(raw, { tokens: [] }, buildProcessors({ temperature: 1e-4 }, []), false, new Rng(t)).id;
      expect(cold).toBe(greedy);
    }
  });

  it('the same seed reproduces a sample exactly; another seed does not', () => {
    const raw = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i));
    const procs = buildProcessors({ temperature: 0.9, topK: 50, topP: 0.95 }, []);
    const draw = (seed: number) => { const r = new Rng(seed); return Array.from({ length: 30 }, () => chooseToken(raw, { tokens: [] }, procs, false, r).id); };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('golden: seed 42 on fixed logits gives these ids in every engine (integer PRNG, expDet)', () => {
    // the logits are exact binary fractions, so only the sampler's own arithmetic is exercised;
    // a change here means samples from old seeds no longer reproduce
    const raw = Float32Array.from({ length: 100 }, (_, i) => Math.fround(((i * 37) % 101) / 25));
    const procs = buildProcessors({ temperature: 0.9, topK: 50, topP: 0.95 }, []);
    const r = new Rng(42);
    expect(Array.from({ length: 12 }, () => chooseToken(raw, { tokens: [] }, procs, false, r).id)).toEqual([60, 46, 87, 65, 19, 54, 30, 60, 87, 49, 27, 90]);
  });

  it('reports the model log-probability, unaffected by temperature and filtering', () => {
    const raw = Float32Array.from([1, 2, 3, 0.5]);
    const lse = Math.log(raw.reduce((s, x) => s + Math.exp(x), 0));
    const c = chooseToken(raw, { tokens: [] }, buildProcessors({ temperature: 0.3, topK: 2 }, []), false, new Rng(1));
    expect(c.logprob).toBeCloseTo(raw[c.id] - lse, 12);
    expect(logSumExp(raw)).toBeCloseTo(lse, 12);
  });

  it('fails clearly when every token is filtered out', () => {
    expect(() => sampleFromLogits(Float64Array.from([-Infinity, -Infinity]), 0.5)).toThrow(/every token was filtered out/);
  });
});
