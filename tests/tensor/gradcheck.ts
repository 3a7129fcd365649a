// Finite-difference gradient checks for single ops (tinygrad's helper_test_op idea, with central
// differences in place of torch): L = Σ f(inputs) ⊙ R for a fixed random R, analytic dL/dx from
// backward() against (L(x+ε) − L(x−ε)) / 2ε per element.

import type { Backend } from '../../ts/backend/backend.js';
import { Tensor, noGrad, mul, sum } from '../../ts/tensor/index.js';
import { Rng } from '../../ts/tensor/random.js';

export interface CheckResult { maxErr: number; maxGrad: number }

/** Worst |analytic − numeric| / (atol + rtol·|numeric|) over every element of every input. */
export function gradcheck(be: Backend, shapes: number[][], f: (xs: Tensor[]) => Tensor,
  opts: { seed?: number; eps?: number; init?: (i: number, rng: Rng) => number } = {}): CheckResult {
  const rng = new Rng(opts.seed ?? 1);
  const eps = opts.eps ?? 1e-2;
  return be.scope(() => {
    const xs = shapes.map((s) => {
      const n = s.reduce((a, d) => a * d, 1);
      const v = opts.init ? Float32Array.from({ length: n }, (_, i) => opts.init!(i, rng)) : rng.normal(new Float32Array(n), 0, 1);
      return Tensor.from(be, v, s, { requiresGrad: true });
    });
    const y0 = f(xs);
    const R = Tensor.from(be, rng.normal(new Float32Array(y0.size), 0, 1), y0.shape);
    const L = () => sum(mul(f(xs), R)).item();
    sum(mul(y0, R)).backward();
    let maxErr = 0, maxGrad = 0;
    for (const x of xs) {
      const g = x.gradArray()!, v = x.toArray() as Float32Array;
      for (let i = 0; i < x.size; i++) {
        const orig = v[i];
        const num = noGrad(() => {
          be.write(x.data, [orig + eps], i); const lp = L();
          be.write(x.data, [orig - eps], i); const lm = L();
          be.write(x.data, [orig], i);
          return (lp - lm) / (2 * eps);
        });
        maxErr = Math.max(maxErr, Math.abs(g[i] - num) / (1e-3 + 1e-2 * Math.abs(num)));
        maxGrad = Math.max(maxGrad, Math.abs(g[i]));
      }
    }
    return { maxErr, maxGrad };
  });
}
