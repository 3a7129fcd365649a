// Every differentiable op's backward against central differences, on every backend; plus the
// behaviours around the graph: accumulation into shared inputs, noGrad, errors.

import { describe, expect, it } from 'vitest';
import {
  GradError, ShapeError, Tensor, add, attention, crossEntropy, crossEntropyRows, dropout, embedding, gelu,
  layernorm, linear, linearT, logSoftmax, mean, mul, noGrad, reshape, scale, softmax, sum, tokenLogprobs,
} from '../../ts/tensor/index.js';
import type { Backend, Buf } from '../../ts/backend/backend.js';
import { testBackends } from '../helpers/backends.js';
import { gradcheck } from './gradcheck.js';

const backends = await testBackends();

describe.each(backends.map((b) => [b.name, b] as const))('ops on %s', (_n, be) => {
  const ids = () => Tensor.ints(be, [3, 0, 4, 3, 1, 4], [2, 3]);
  const targets = () => Tensor.ints(be, [1, -100, 4, 0, 2, 2], [2, 3]);
  // each case: input shapes, the function of the inputs
  const cases: [string, number[][], (x: Tensor[]) => Tensor][] = [
    ['add', [[2, 3], [2, 3]], ([a, b]) => add(a, b)],
    ['add of an input to itself', [[5]], ([a]) => add(a, a)],
    ['mul', [[4], [4]], ([a, b]) => mul(a, b)],
    ['scale', [[3, 2]], ([a]) => scale(a, -0.7)],
    ['sum', [[2, 5]], ([a]) => sum(a)],
    ['mean', [[7]], ([a]) => mean(a)],
    ['reshape', [[2, 6]], ([a]) => mul(reshape(a, [3, 4]), reshape(a, [3, 4]))],
    ['linear with bias', [[2, 3, 5], [5, 4], [4]], ([x, w, b]) => linear(x, w, b)],
    ['linear without bias', [[3, 5], [5, 2]], ([x, w]) => linear(x, w)],
    ['linearT', [[3, 5], [6, 5]], ([x, w]) => linearT(x, w)],
    ['embedding', [[5, 3]], ([t]) => embedding(t, ids())],
    ['layernorm', [[3, 7], [7], [7]], ([x, w, b]) => layernorm(x, w, b)],
    ['layernorm without bias', [[2, 6], [6]], ([x, w]) => layernorm(x, w, null)],
    ['gelu', [[9]], ([x]) => gelu(x)],
    ['attention (3 heads of 2, T=5)', [[2, 5, 18]], ([qkv]) => attention(qkv, 3).out],
    ['dropout', [[40]], ([x]) => dropout(x, 0.3, 42, true)],
    ['crossEntropy with ignored rows', [[2, 3, 5]], ([l]) => crossEntropy(l, targets())],
    ['crossEntropyRows', [[2, 3, 5]], ([l]) => crossEntropyRows(l, targets())],
    ['tokenLogprobs', [[6, 5]], ([l]) => tokenLogprobs(l, targets())],
    ['a residual block', [[2, 4, 6], [6], [6, 18], [6, 6]], ([x, w, wq, wp]) => add(x, linear(attention(linear(layernorm(x, w, null), wq), 2).out, wp))],
  ];
  it.each(cases)('%s: backward matches finite differences', (_name, shapes, f) => {
    const r = gradcheck(be, shapes, f);
    expect(r.maxGrad).toBeGreaterThan(1e-3); // the check is not vacuous
    expect(r.maxErr).toBeLessThanOrEqual(1);
  });

  it('accumulates into a leaf used by several consumers, and across backward() calls', () => {
    be.scope(() => {
      const x = Tensor.from(be, [1, 2, 3], [3], { requiresGrad: true });
      sum(add(mul(x, x), scale(x, 3))).backward(); // d/dx (x² + 3x) = 2x + 3
      expect(Array.from(x.gradArray()!)).toEqual([5, 7, 9]);
      sum(x).backward(); // a second graph adds, as PyTorch does until zero_grad
      expect(Array.from(x.gradArray()!)).toEqual([6, 8, 10]);
    });
  });

  it('writes a first gradient contribution and adds later ones, in either consumer order', () => {
    // linear's dx, add's and mul's backward write into an uninitialised gradient when it is
    // the first contribution (Tensor.claimGrad) and add otherwise: x feeds both kinds here
    be.scope(() => {
      const x = Tensor.from(be, [1, -2, 3, 0.5], [2, 2], { requiresGrad: true });
      const w = Tensor.from(be, [2, 0, 1, -1], [2, 2]);
      // d/dx[n, k] Σ (x·w + x ⊙ x + x) = Σ_j w[k, j] + 2x + 1 (row sums of w: 2, 0), in either order
      for (const y of [add(add(linear(x, w), mul(x, x)), x), add(x, add(mul(x, x), linear(x, w)))]) {
        x.grad = null;
        sum(y).backward();
        expect(Array.from(x.gradArray()!)).toEqual([5, -3, 9, 2]);
      }
    });
  });

  it('add and reshape hand their output gradient to an input instead of copying it', () => {
    be.scope(() => {
      const x = Tensor.from(be, [1, -2, 3, 0.5], [2, 2], { requiresGrad: true });
      const y = add(x, x), w = add(y, mul(y, y)), z = reshape(w, [4]); // z = 2x + 4x², dz/dx = 2 + 8x
      sum(z).backward();
      expect(Array.from(x.gradArray()!)).toEqual([10, -14, 26, 6]); // x + x: both halves added
      // z's gradient went on to w, w's to y (their first contributions), without copies
      expect(z.grad).toBeNull();
      expect(w.grad).toBeNull();
    });
  });

  it('uninitialised outputs are never read: the js twin fills them with NaN', () => {
    be.scope(() => {
      const u = be.allocUninit(3);
      if (be.name === 'js') expect(Array.from(be.read(u)).every(Number.isNaN)).toBe(true);
      // an op whose output comes uninitialised still gives exact values
      expect(Array.from(add(Tensor.from(be, [1, 2, 3], [3]), Tensor.from(be, [4, 5, 6], [3])).toArray())).toEqual([5, 7, 9]);
    });
  });

  it('records nothing under noGrad, and refuses backward then', () => {
    be.scope(() => {
      const x = Tensor.from(be, [1, 2], [2], { requiresGrad: true });
      const y = noGrad(() => sum(mul(x, x)));
      expect(y.requiresGrad).toBe(false);
      expect(y.item()).toBe(5);
      expect(() => y.backward()).toThrow(GradError);
      expect(() => y.backward()).toThrow(/does not require grad/);
    });
  });

  it('refuses backward twice, and from a non-scalar', () => {
    be.scope(() => {
      const x = Tensor.from(be, [1, 2], [2], { requiresGrad: true });
      const y = sum(scale(x, 2));
      y.backward();
      expect(() => y.backward()).toThrow(/already used/);
      expect(() => scale(x, 2).backward()).toThrow(/only a one-element loss/);
      // two losses sharing an intermediate: the second backward would lose x's gradient
      const h = mul(x, x), l1 = sum(h), l2 = sum(scale(h, 3));
      l1.backward();
      expect(() => l2.backward()).toThrow(/already consumed; add the losses/);
    });
  });

  it('names shapes in errors', () => {
    be.scope(() => {
      const a = Tensor.zeros(be, [2, 3]), b = Tensor.zeros(be, [3, 2]);
      expect(() => add(a, b)).toThrow(ShapeError);
      expect(() => add(a, b)).toThrow('add: shapes [2, 3] and [3, 2] differ');
      expect(() => linear(a, Tensor.zeros(be, [4, 2]))).toThrow('linear: input [2, 3] does not fit weight [4, 2] ([in, out])');
      expect(() => attention(Tensor.zeros(be, [1, 2, 12]), 3)).toThrow('attention: C=4 is not divisible by nHead=3');
      expect(() => reshape(a, [4, 2])).toThrow(/shape \[4, 2\] needs 8 elements, the buffer has 6/);
      expect(() => crossEntropy(a, Tensor.ints(be, [-100, -100], [2]))).toThrow(/all 2 targets are the ignore index -100/);
      expect(() => dropout(a, 1, 0, true)).toThrow(/p must be in \[0, 1\), got 1/);
    });
  });

  it('crossEntropy is the mean over non-ignored rows; softmax/logSoftmax are forward-only', () => {
    be.scope(() => {
      const l = Tensor.from(be, [0, 0, 0, 0, Math.log(3), 0], [2, 3]);
      const rowsLoss = crossEntropyRows(l, Tensor.ints(be, [2, 1], [2])).toArray();
      expect(rowsLoss[0]).toBeCloseTo(Math.log(3), 6);
      expect(rowsLoss[1]).toBeCloseTo(Math.log(5 / 3), 6);
      expect(crossEntropy(l, Tensor.ints(be, [-100, 1], [2])).item()).toBeCloseTo(Math.log(5 / 3), 6);
      const sm = softmax(l).toArray();
      [1 / 3, 1 / 3, 1 / 3, 0.2, 0.6, 0.2].forEach((v, i) => expect(sm[i]).toBeCloseTo(v, 6));
      expect(logSoftmax(l).toArray()[0]).toBeCloseTo(-Math.log(3), 6);
      const p = Tensor.from(be, [1, 2], [1, 2], { requiresGrad: true });
      expect(() => softmax(p)).toThrow(/has no backward/);
      expect(noGrad(() => softmax(p)).size).toBe(2);
    });
  });

  it('dropout: identity in eval, seeded, scaled by 1/(1-p) in training', () => {
    be.scope(() => {
      const x = Tensor.from(be, new Float32Array(4000).fill(1), [4000]);
      expect(dropout(x, 0.25, 9, false)).toBe(x);
      const a = dropout(x, 0.25, 9, true).toArray(), b = dropout(x, 0.25, 9, true).toArray();
      expect(a).toEqual(b);
      expect(dropout(x, 0.25, 10, true).toArray()).not.toEqual(a);
      const kept = a.filter((v) => v !== 0);
      expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
      expect(Math.abs(kept.length / 4000 - 0.75)).toBeLessThan(0.03);
    });
  });
});
