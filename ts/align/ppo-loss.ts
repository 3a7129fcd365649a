// The policy-gradient losses of PPO and GRPO on one minibatch of response tokens (Schulman et al.
// 2017; TRL's PPOTrainer.loss and GRPOTrainer): the clipped surrogate max(−A·ρ, −A·clip(ρ, 1±ε))
// with ρ = exp(log π − log π_old), plus for GRPO β times the k3 estimate of KL(π‖π_ref),
// exp(ref − logp) − (ref − logp) − 1 (unbiased, always ≥ 0); and PPO's clipped value loss
// ½·max((V − R)², (clip(V, V_old ± ε_v) − R)²). Each is a weighted sum over the tokens: PPO
// weighs every token of the minibatch alike (1/n), GRPO every response alike (1/(|o_i|·B), the
// paper's 1/G Σ 1/|o_i| Σ_t). Inputs are flat arrays over the tokens' batch rows; gradients are
// analytic (see vectorLoss).

import type { Tensor } from '../tensor/tensor.js';
import { vectorLoss } from './ops.js';

export interface TokenTargets {
  rows: number[]; // flat batch row of each response token
  old: Float64Array; // log π_old per token (or V_old for the value loss)
  target: Float64Array; // advantage A per token (or return R for the value loss)
  weight?: Float64Array; // per-token weight (default 1/n: the mean over the tokens)
}

export interface PolicyTargets extends TokenTargets {
  ref?: Float64Array; // log π_ref per token, for the k3 KL penalty
}

export interface PolicyLoss {
  loss: Tensor;
  clipFrac: number; // fraction of tokens on the clipped branch
  approxKL: number; // ½·mean((log π − log π_old)²)
  k3: number; // mean per-token k3 KL to the reference (0 without ref)
}

/** Clipped surrogate (+ klCoef · k3 when `t.ref` is given). */
export function policyLoss(logp: Tensor, t: PolicyTargets, clip: number, klCoef = 0): PolicyLoss {
  let clipFrac = 0, approxKL = 0, k3 = 0;
  const n = t.rows.length;
  const loss = vectorLoss(logp, (v) => {
    const grad = new Float64Array(v.length);
    let total = 0;
    clipFrac = 0; approxKL = 0; k3 = 0;
    t.rows.forEach((row, i) => {
      const A = t.target[i], w = t.weight ? t.weight[i] : 1 / n, d = v[row] - t.old[i], ratio = Math.exp(d);
      const l1 = -A * ratio, l2 = -A * Math.min(1 + clip, Math.max(1 - clip, ratio));
      total += w * Math.max(l1, l2);
      if (l1 >= l2) grad[row] = w * l1; // d(−Aρ)/dlog π = −Aρ; the clipped branch is flat
      else clipFrac++;
      approxKL += 0.5 * d * d;
      if (t.ref) {
        const dr = t.ref[i] - v[row], e = Math.exp(dr);
        k3 += e - dr - 1;
        total += w * klCoef * (e - dr - 1);
        grad[row] += w * klCoef * (1 - e); // dk3/dlog π = 1 − e^{ref − log π}
      }
    });
    clipFrac /= n; approxKL /= n; k3 /= n;
    return { loss: total, grad };
  }, 'policy loss');
  return { loss, clipFrac, approxKL, k3 };
}

/** Value loss; also reports the fraction of tokens where the clipped branch won. */
export function valueLoss(values: Tensor, t: TokenTargets, clip: number): { loss: Tensor; clipFrac: number } {
  let clipFrac = 0;
  const n = t.rows.length;
  const loss = vectorLoss(values, (v) => {
    const grad = new Float64Array(v.length);
    let total = 0;
    clipFrac = 0;
    t.rows.forEach((row, i) => {
      const V = v[row], R = t.target[i], Vold = t.old[i], w = t.weight ? t.weight[i] : 1 / n;
      const Vc = Math.min(Vold + clip, Math.max(Vold - clip, V));
      const l1 = (V - R) ** 2, l2 = (Vc - R) ** 2;
      total += 0.5 * w * Math.max(l1, l2);
      if (l1 >= l2) grad[row] = w * (V - R);
      else clipFrac++;
    });
    clipFrac /= n;
    return { loss: total, grad };
  }, 'value loss');
  return { loss, clipFrac };
}
