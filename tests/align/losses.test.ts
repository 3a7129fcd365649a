// The hand-written gradients of the alignment losses against central finite differences, and
// GAE, whitening, group advantages, the KL controller, the KL-shaped rewards and the DPO / IPO
// losses against hand-computed values.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { sum, mul } from '../../ts/tensor/ops.js';
import { gatherRows, vectorLoss, type LossValue } from '../../ts/align/ops.js';
import { bradleyTerryLoss } from '../../ts/align/reward-model.js';
import { policyLoss, valueLoss } from '../../ts/align/ppo-loss.js';
import { gae, whiten, groupAdvantages } from '../../ts/align/advantages.js';
import { KLController, klPenalisedRewards, responseKL } from '../../ts/align/kl.js';
import { dpoLoss, type DPOResponse } from '../../ts/align/dpo.js';

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

  it('the GRPO form: per-token weights and β·k3 to the reference, by hand and by finite differences', () => {
    const rows = [0, 2, 3];
    const t = { rows, old: Float64Array.from([-1, -2, -0.5]), target: Float64Array.from([1, 1, -2]), ref: Float64Array.from([-1.2, -1.7, -0.4]), weight: Float64Array.from([0.25, 0.25, 0.5]) };
    const x0 = [-0.9, 0, -2.1, -0.6];
    expect(gradError(x0, (x) => policyLoss(x, t, 0.2, 0.3).loss)).toBeLessThan(2e-3);
    be.scope(() => {
      const r = policyLoss(Tensor.from(be, x0, [4]), t, 0.2, 0.3);
      // token 0: ρ = e^{0.1} inside the clip, −Aρ = −e^{0.1}; k3 at d = ref − logp = −0.3: e^{−0.3} + 0.3 − 1
      // token 1: ρ = e^{−0.1}, A = 1: −e^{−0.1}; k3 at d = 0.4
      // token 2: ρ = e^{−0.1}, A = −2: max(2e^{−0.1}, 2·0.9)= 2e^{−0.1}; k3 at d = 0.2
      const k3 = (d: number) => Math.exp(d) - d - 1;
      const want = 0.25 * (-Math.exp(0.1) + 0.3 * k3(-0.3)) + 0.25 * (-Math.exp(-0.1) + 0.3 * k3(0.4)) + 0.5 * (2 * Math.exp(-0.1) + 0.3 * k3(0.2));
      expect(r.loss.item()).toBeCloseTo(want, 5);
      expect(r.k3).toBeCloseTo((k3(-0.3) + k3(0.4) + k3(0.2)) / 3, 6);
      expect(r.clipFrac).toBe(0);
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

  it('the KL controller follows β ← β(1 + clip((KL − target)/target, ±0.2)·n/horizon)', () => {
    const cases: [number, number][] = [[3, 0], [4, 1 / 3], [2, -1 / 3], [3.3, 0.1], [2.7, -0.1], [30, 0.2], [0, -0.2]];
    for (const [kl, e] of cases) {
      const c = new KLController(0.5, 3, 16);
      c.update(kl, 8); // n/horizon = 0.5
      expect(c.value, `KL ${kl}`).toBeCloseTo(0.5 * (1 + Math.max(-0.2, Math.min(0.2, e)) * 0.5), 12);
    }
    expect(() => new KLController(-1)).toThrow(/β must be/);
    expect(() => new KLController(0.1, 0)).toThrow(/target must be/);
    expect(() => new KLController(0.1, 2, 0)).toThrow(/horizon must be/);
    expect(() => new KLController(0.1, 2, 16, 0.2)).toThrow(/floor must be in \[0, β = 0.1\]/);
  });

  it('the floor stops β winding down while the KL is below target, and nothing else', () => {
    const floored = new KLController(0.1, 3, 16, 0.1), free = new KLController(0.1, 3, 16);
    for (let i = 0; i < 5; i++) { floored.update(0, 16); free.update(0, 16); } // the policy has not moved yet
    expect(floored.value).toBe(0.1);
    expect(free.value).toBeCloseTo(0.1 * 0.8 ** 5, 12);
    floored.update(6, 16); // now twice the target: +20% from the floor
    expect(floored.value).toBeCloseTo(0.12, 12);
    floored.update(3.3, 8); // +10% × 8/16
    expect(floored.value).toBeCloseTo(0.12 * 1.05, 12);
  });

  it('the KL controller holds its target in closed loop', () => {
    // a policy whose KL falls as β rises (KL = 1.2/β, the optimum of E[r] − β·KL for a quadratic
    // reward): from β = 0.1 (KL 12) the controller settles where KL = 4, i.e. β = 0.3
    const c = new KLController(0.1, 4, 16);
    const kls: number[] = [];
    for (let i = 0; i < 60; i++) { const kl = 1.2 / c.value; kls.push(kl); c.update(kl, 16); }
    expect(kls[0]).toBeCloseTo(12, 9);
    expect(Math.abs(kls[kls.length - 1] - 4)).toBeLessThan(0.05);
    expect(c.value).toBeCloseTo(0.3, 2);
  });

  it('PPO\'s per-token rewards: −β(log π − log π_ref), the score on the last token', () => {
    expect(Array.from(klPenalisedRewards([-1, -2], [-1.5, -1], 0.1, 3))).toEqual([-0.05, 3 + 0.1]);
    expect(Array.from(klPenalisedRewards([-1], [-1], 0.1, 2))).toEqual([2]);
    expect(responseKL([-1, -2, -0.5], [-1.5, -1, -0.5])).toBe(-0.5);
  });
});

describe('DPO losses', () => {
  const pair = (lc: number, rc: number, nc: number, lr: number, rr: number, nr: number) =>
    ({ chosen: { logp: lc, ref: rc, tokens: nc }, rejected: { logp: lr, ref: rr, tokens: nr } });
  const pairs = [pair(-3, -5, 4, -9, -6, 2), pair(-7, -6, 5, -4, -4.5, 3)];
  const sig = (z: number) => 1 / (1 + Math.exp(-z));

  it('sigmoid: −log σ(β(h_w − h_l)) on summed log-probs', () => {
    const l = dpoLoss(pairs, 0.1, 'sigmoid');
    // pair 0: h_w = 2, h_l = −3 → z = 0.5; pair 1: h_w = −1, h_l = 0.5 → z = −0.15
    expect(l.loss).toBeCloseTo((-Math.log(sig(0.5)) - Math.log(sig(-0.15))) / 2, 12);
    expect(l.dChosen[0]).toBeCloseTo((-sig(-0.5) * 0.1) / 2, 12);
    expect(l.dRejected[1]).toBeCloseTo((sig(0.15) * 0.1) / 2, 12);
    expect(l.accuracy).toBe(0.5);
    expect(l.chosenReward).toBeCloseTo((0.2 - 0.1) / 2, 12);
  });

  it('ipo: (h_w − h_l − 1/(2β))² on per-token log-probs', () => {
    const l = dpoLoss(pairs, 0.5, 'ipo');
    // pair 0: h_w = 2/4, h_l = −3/2 → e = 2 − 1 = 1; pair 1: h_w = −1/5, h_l = 0.5/3 → e = −0.2 − 1/6 − 1
    const e1 = -0.2 - 1 / 6 - 1;
    expect(l.loss).toBeCloseTo((1 + e1 * e1) / 2, 12);
    expect(l.dChosen[0]).toBeCloseTo((2 * 1) / 2 / 4, 12);
    expect(l.dRejected[0]).toBeCloseTo((-2 * 1) / 2 / 2, 12);
    expect(l.dChosen[1]).toBeCloseTo((2 * e1) / 2 / 5, 12);
  });

  it('gradients with respect to each summed log-prob match finite differences', () => {
    for (const [variant, beta] of [['sigmoid', 0.1], ['ipo', 0.5], ['ipo', 2]] as const) {
      const l = dpoLoss(pairs, beta, variant);
      pairs.forEach((_, i) => {
        for (const side of ['chosen', 'rejected'] as const) {
          const at = (d: number) => dpoLoss(pairs.map((p, j) => (j === i ? { ...p, [side]: { ...p[side], logp: p[side].logp + d } as DPOResponse } : p)), beta, variant).loss;
          const numeric = (at(1e-5) - at(-1e-5)) / 2e-5;
          expect(side === 'chosen' ? l.dChosen[i] : l.dRejected[i], `${variant} pair ${i} ${side}`).toBeCloseTo(numeric, 6);
        }
      });
    }
  });

  it('IPO is at its minimum when the per-token margin is 1/(2β), the sigmoid loss never is', () => {
    const at = (m: number) => [pair(m, 0, 2, 0, 0, 2)]; // h_w − h_l = m/2
    expect(dpoLoss(at(2), 0.5, 'ipo').loss).toBe(0);
    expect(dpoLoss(at(2), 0.5, 'ipo').dChosen[0]).toBe(0);
    expect(dpoLoss(at(4), 0.5, 'ipo').dChosen[0]).toBeGreaterThan(0); // past the target: pulled back
    expect(dpoLoss(at(40), 0.5, 'sigmoid').dChosen[0]).toBeLessThan(0); // still pushed up
  });
});
