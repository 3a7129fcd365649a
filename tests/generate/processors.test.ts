// Each logits processor against its definition on hand-made logits (HF logits_process.py).

import { describe, expect, it } from 'vitest';
import {
  BannedTokens, FrequencyPresencePenalty, LogitBias, MinP, RepetitionPenalty, Temperature, TopK, TopP,
} from '../../ts/generate/processors.js';
import { Rng } from '../../ts/tensor/random.js';

const f64 = (a: number[]) => Float64Array.from(a);
const kept = (l: Float64Array) => [...l.keys()].filter((i) => l[i] > -Infinity);
const ctx = (tokens: number[] = []) => ({ tokens });

describe('top-k', () => {
  it('keeps exactly k, the highest, ties to the lower id', () => {
    const l = f64([1, 5, 3, 5, 2]);
    new TopK(2).apply(l);
    expect(kept(l)).toEqual([1, 3]);
    const flat = f64([2, 2, 2, 2, 2]);
    new TopK(3).apply(flat);
    expect(kept(flat)).toEqual([0, 1, 2]);
    const big = f64([1, 2]);
    new TopK(5).apply(big);
    expect(kept(big)).toEqual([0, 1]);
  });
  it('leaves the kept logits unchanged', () => {
    const l = f64([0.5, -1, 4, 2]);
    new TopK(2).apply(l);
    expect([...l]).toEqual([-Infinity, -Infinity, 4, 2]);
  });
});

describe('top-p', () => {
  it('keeps the smallest set whose probability reaches p', () => {
    const probs = [0.2, 0.5, 0.3];
    const run = (p: number) => { const l = f64(probs.map(Math.log)); new TopP(p).apply(l); return kept(l); };
    expect(run(0.4)).toEqual([1]);
    expect(run(0.7)).toEqual([1, 2]);
    expect(run(0.79)).toEqual([1, 2]);
    expect(run(0.81)).toEqual([0, 1, 2]);
    expect(run(1)).toEqual([0, 1, 2]);
  });
  it('is minimal on random logits: the kept mass reaches p, without the last kept it does not', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const raw = Array.from({ length: 40 }, () => 4 * rng.uniform() - 2);
      const p = 0.05 + 0.9 * rng.uniform();
      const l = f64(raw);
      new TopP(p).apply(l);
      const z = raw.reduce((s, x) => s + Math.exp(x), 0);
      const ids = kept(l).sort((a, b) => raw[b] - raw[a]);
      const mass = ids.reduce((s, i) => s + Math.exp(raw[i]) / z, 0);
      expect(mass).toBeGreaterThanOrEqual(p - 1e-12);
      expect(mass - Math.exp(raw[ids[ids.length - 1]]) / z).toBeLessThan(p + 1e-12);
      // and they are the most likely ones
      const minKept = Math.min(...ids.map((i) => raw[i]));
      raw.forEach((x, i) => { if (!ids.includes(i)) expect(x).toBeLessThanOrEqual(minKept); });
    }
  });
});

describe('min-p', () => {
  it('keeps tokens with probability ≥ minP × the top probability', () => {
    const l = f64([0.5, 0.3, 0.15, 0.05].map(Math.log));
    new MinP(0.2).apply(l); // threshold 0.1
    expect(kept(l)).toEqual([0, 1, 2]);
    const l2 = f64([0.5, 0.3, 0.15, 0.05].map(Math.log));
    new MinP(0.5).apply(l2); // threshold 0.25
    expect(kept(l2)).toEqual([0, 1]);
  });
});

describe('temperature', () => {
  it('divides every logit by T', () => {
    const l = f64([1, -2, 3]);
    new Temperature(0.5).apply(l);
    expect([...l]).toEqual([2, -4, 6]);
  });
});

describe('penalties change exactly the logits they should', () => {
  it('repetition penalty: positive ÷ θ, negative × θ, once per distinct seen token', () => {
    const l = f64([2, -1, 3, 0.5]);
    new RepetitionPenalty(2).apply(l, ctx([0, 1, 1]));
    expect([...l]).toEqual([1, -2, 3, 0.5]);
  });
  it('frequency and presence: −count·f − presence on seen tokens only', () => {
    const l = f64([1, 1, 1, 1]);
    new FrequencyPresencePenalty(0.5, 1).apply(l, ctx([0, 1, 1, 1]));
    expect([...l]).toEqual([1 - 0.5 - 1, 1 - 1.5 - 1, 1, 1]);
  });
  it('logit bias adds; banned tokens become −∞', () => {
    const l = f64([1, 1, 1, 1]);
    new LogitBias(new Map([[2, 3], [0, -1]])).apply(l);
    new BannedTokens([3]).apply(l);
    expect([...l]).toEqual([0, 1, 4, -Infinity]);
  });
});
