// The KV-cache path of GPT.forward against the plain forward, and the context-window policy:
// cached and uncached decoding give the same logits at every step, also after the window slides.

import { describe, expect, it } from 'vitest';
import { CachedStepper } from '../../ts/generate/cached-stepper.js';
import { KVCache } from '../../ts/generate/kv-cache.js';
import { NoCacheStepper } from '../../ts/generate/stepper.js';
import { ContextWindow } from '../../ts/generate/window.js';
import { noGrad } from '../../ts/tensor/tensor.js';
import { Rng } from '../../ts/tensor/random.js';
import { testBackends } from '../helpers/backends.js';
import { tinyModel } from './helpers.js';

const backends = await testBackends();

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('ContextWindow (slide and re-prefill)', () => {
  it('cuts a long prompt to blockSize, then slides to the newest `keep` tokens when full', () => {
    const w = new ContextWindow(8, 6);
    w.reset(20);
    expect(w.start).toBe(12); // the last 8 prompt tokens
    expect(w.grow(21)).toBe(true); // 9 > 8: slide
    expect(w.start).toBe(15); // 21 − 6: the newest 6
    expect([22, 23].map((n) => w.grow(n))).toEqual([false, false]);
    expect(w.grow(24)).toBe(true);
    expect(w.start).toBe(18);
    expect(() => new ContextWindow(8, 9)).toThrow(/keep must be in \[1, 8\]/);
  });
});

describe.each(backends.map((b) => [b.name, b] as const))('KV cache on %s', (_n, be) => {
  const tol = 2e-4;

  it('prefill and decode logits equal the plain forward', () => {
    const model = tinyModel(be);
    const ids = [[5, 17, 200, 3, 9, 42, 1], [8, 8, 8, 1, 2, 3, 4]];
    const cache = new KVCache(be, model.config, 2, 16);
    noGrad(() => be.scope(() => {
      const pre = model.decode(ids.map((r) => r.slice(0, 5)), cache, 0);
      expect(pre.logits.shape).toEqual([2, 1, 260]);
      const ref = model.forward(ids.map((r) => r.slice(0, 5))).logits.toArray();
      const got = pre.logits.toArray();
      for (let b = 0; b < 2; b++) expect(maxAbsDiff(got.subarray(b * 260, (b + 1) * 260), ref.subarray((b * 5 + 4) * 260, (b * 5 + 5) * 260))).toBeLessThan(tol);
      for (let t = 5; t < 7; t++) {
        const dec = model.decode(ids.map((r) => [r[t]]), cache, t);
        expect(dec.att[0].shape).toEqual([2, 2, 1, t + 1]);
        const full = model.forward(ids.map((r) => r.slice(0, t + 1))).logits.toArray();
        const d = dec.logits.toArray();
        for (let b = 0; b < 2; b++) expect(maxAbsDiff(d.subarray(b * 260, (b + 1) * 260), full.subarray((b * (t + 1) + t) * 260, (b * (t + 1) + t + 1) * 260))).toBeLessThan(tol);
      }
    }));
    cache.free();
    model.free();
  });

  it('rejects misuse with clear errors', () => {
    const model = tinyModel(be);
    const cache = new KVCache(be, model.config, 1, 8);
    be.scope(() => {
      expect(() => model.decode([[1, 2]], cache, 0)).toThrow(/inference; call it under noGrad/);
      noGrad(() => {
        expect(() => model.decode([[1, 2]], cache, 3)).toThrow(/must start at pos 0/);
        expect(() => model.decode([[1]], cache, 8)).toThrow(/exceed the cache \(maxT 8\)/);
      });
    });
    cache.free();
    model.free();
  });

  it('cached and uncached steppers agree at every step, across window slides and batch compaction', () => {
    const model = tinyModel(be, { blockSize: 12 });
    const rng = new Rng(2);
    const prompt = [[1, 2, 3, 4, 5], [9, 8, 7, 6, 5], [100, 101, 102, 103, 104]];
    const a = new NoCacheStepper(model, 7), b = new CachedStepper(model, 7, 12);
    const before = be.heapBytes();
    let la = a.prefill(prompt), lb = b.prefill(prompt);
    let worst = 0, rows = 3;
    for (let step = 0; step < 30; step++) { // 5 + 30 tokens through a window of 12: several slides
      for (let r = 0; r < rows; r++) worst = Math.max(worst, maxAbsDiff(la[r], lb[r]));
      if (step === 10) { a.select([0, 2]); b.select([0, 2]); la = [la[0], la[2]]; lb = [lb[0], lb[2]]; rows = 2; }
      const next = Array.from({ length: rows }, () => Math.floor(rng.uniform() * 256));
      la = a.step(next); lb = b.step(next);
    }
    expect(worst).toBeLessThan(tol);
    b.free();
    if (be.name === 'js') expect(be.heapBytes()).toBe(before); // the cache is released
    model.free();
  });

  it('KVCache.select keeps the chosen rows in order', () => {
    const model = tinyModel(be);
    const cache = new KVCache(be, model.config, 3, 4);
    const n = cache.k[0].length / 3;
    be.write(cache.k[0], Float32Array.from({ length: 3 * n }, (_, i) => Math.floor(i / n)));
    cache.select([1, 2]);
    const k = be.read(cache.k[0]);
    expect([k[0], k[n - 1], k[n], k[2 * n - 1]]).toEqual([1, 1, 2, 2]);
    expect(cache.batch).toBe(2);
    expect(() => cache.select([1, 0])).toThrow(/increasing/);
    cache.free();
    model.free();
  });
});
