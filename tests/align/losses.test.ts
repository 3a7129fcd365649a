// The hand-written gradients of the alignment losses against central finite differences, and
// GAE, whitening, group advantages and the KL controller against hand-computed values.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { sum, mul } from '../../ts/tensor/ops.js';
import { gatherRows, vectorLoss, type LossValue } from '../../ts/align/ops.js';
import { bradleyTerryLoss } from '../../ts/align/reward-model.js';
import { policyLoss, valueLoss } from '../../ts/align/ppo-loss.js';
import { gae, whiten, groupAdvantages } from '../../ts/align/advantages.js';
import { KLController } from '../../ts/align/kl.js';

const be = new JsBackend();

/** max |analytic − numeric| of ∂f/∂x for a loss built from a leaf x. */
function gradError(x0: number[], build: (x: Tensor) => Tensor): number {
  const analytic = be.scope(() => {
    const x = Tensor.from(be, x0, [x0.length], { requiresGrad: true });
    build(x).backward();
    return Array.from(x.gradArray()!);
  });
  let worst = 0;
  x0.forEach((_, i) => {
    const at = (d: number) => be.scope(() => build(Tensor.from(be, x0.map((v, j) => (j === i ? v + d : v)), [x0.length])).item());
    const h = 1e-2, numeric = (at(h) - at(-h)) / (2 * h);
    worst = Math.max(worst, Math.abs(numeric - analytic[i]));
  });
  return worst;
}

describe('loss gradients', () => {
  it('Bradley–Terry', () => {
    expect(gradError([0.3, -0.2, 1.1, 0.5], (x) => bradleyTerryLoss(x, [[0, 1], [2, 3], [3, 1]]))).toBeLessThan(2e-3);
    // the loss of a pair is −log σ(r_w − r_l): log 2 at a tie
    be.scope(() => expect(bradleyTerryLoss(Tensor.from(be, [1, 1], [2]), [[0, 1]]).item()).toBeCloseTo(Math.log(2), 6));
  });

  it('PPO policy and value losses (inside and outside the clip range)', () => {
    const rows = [0, 2, 3, 5];
    const t = { rows, old: Float64Array.from([-1, -2, -0.5, -1.5]), target: Float64Array.from([1, -0.5, 2, -1]) };
    const x0 = [-0.95, 0, -2.3, -0.2, 0, -1.6]; // ratios e^{0.05}, e^{−0.3}, e^{0.3}, e^{−0.1}
    expect(gradError(x0, (x) => policyLoss(x, t, 0.2).loss)).toBeLessThan(2e-3);
    expect(gradError(x0, (x) => valueLoss(x, { rows, old: Float64Array.from([-1, -2, -0.5, -1.5]), target: Float64Array.from([0, -2, 1, -1]) }, 0.2).loss)).toBeLessThan(2e-3);
    be.scope(() => {
      const { clipFrac } = policyLoss(Tensor.from(be, x0, [6]), t, 0.2);
      // token 2 (ratio e^{0.3} > 1.2, A > 0) and token 1 (ratio e^{−0.3} < 0.8, A < 0) are clipped
      expect(clipFrac).toBe(0.5);
    });
  });

  it('vectorLoss composes with kernel ops; gatherRows scatters its gradient back', () => {
    const f = (v: Float32Array): LossValue => ({ loss: v.reduce((a, b) => a + b * b, 0), grad: Array.from(v, (b) => 2 * b) });
    expect(gradError([0.5, -1, 2], (x) => vectorLoss(mul(x, x), f))).toBeLessThan(2e-2);
    expect(gradError([1, 2, 3, 4, 5, 6], (x) => sum(mul(gatherRows(new Tensor(be, x.data, [3, 2], { requiresGrad: x.requiresGrad, grad: x.requiresGrad ? x.ensureGrad() : undefined }), [2, 0, 2]), Tensor.from(be, [1, -1, 2, 3, 0.5, 4], [3, 2]))))).toBeLessThan(1e-3);
    be.scope(() => expect(() => vectorLoss(Tensor.from(be, [1], [1]), () => ({ loss: NaN, grad: [0] }))).toThrow(/NaN/));
  });
});

describe('advantages', () => {
  it('GAE matches the recursion by hand (γ = 1, λ = 0.5)', () => {
    const { advantages, returns } = gae([0, 0, 1], [0.5, 0.2, 0.4], 1, 0.5);
    // δ = [0 + 0.2 − 0.5, 0 + 0.4 − 0.2, 1 + 0 − 0.4] = [−0.3, 0.2, 0.6]; A2 = 0.6, A1 = 0.2 + 0.3, A0 = −0.3 + 0.25
    expect(Array.from(advantages).map((v) => +v.toFixed(10))).toEqual([-0.05, 0.5, 0.6]);
    expect(Array.from(returns).map((v) => +v.toFixed(10))).toEqual([0.45, 0.7, 1]);
  });

  it('whitening, group advantages, the adaptive KL coefficient', () => {
    const a = [Float64Array.from([1, 2]), Float64Array.from([3])];
    whiten(a);
    expect(a.flatMap((x) => Array.from(x)).map((v) => +v.toFixed(6))).toEqual([-1, 0, 1]);
    const g = groupAdvantages([1, 3, 5, 5], [{ group: 0 }, { group: 0 }, { group: 1 }, { group: 1 }]);
    expect(g.advantages.map((v) => +v.toFixed(3))).toEqual([-1, 1, 0, 0]); // a tied group teaches nothing
    const kl = new KLController(0.1, 6, 100);
    kl.update(12, 10); // KL twice the target: β grows by 20% × 10/100
    expect(kl.value).toBeCloseTo(0.1 * 1.02, 12);
    const fixed = new KLController(0.1);
    fixed.update(100, 10);
    expect(fixed.value).toBe(0.1);
  });
});
