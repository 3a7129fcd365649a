// PPO's losses on one minibatch of response tokens (Schulman et al. 2017; TRL's PPOTrainer.loss):
// the clipped surrogate max(−A·ρ, −A·clip(ρ, 1±ε)) with ρ = exp(log π − log π_old), and the
// clipped value loss ½·max((V − R)², (clip(V, V_old ± ε_v) − R)²), each a mean over the tokens.
// Inputs are flat arrays of the tokens' batch rows; gradients are analytic (see vectorLoss).

import type { Tensor } from '../tensor/tensor.js';
import { vectorLoss } from './ops.js';

export interface TokenTargets {
  rows: number[]; // flat batch row of each response token
  old: Float64Array; // log π_old per token (or V_old for the value loss)
  target: Float64Array; // advantage A per token (or return R for the value loss)
}

/** Policy loss; also reports the clip fraction and approx KL ½·mean((log π − log π_old)²). */
export function policyLoss(logp: Tensor, t: TokenTargets, clip: number): { loss: Tensor; clipFrac: number; approxKL: number } {
  let clipFrac = 0, approxKL = 0;
  const n = t.rows.length;
  const loss = vectorLoss(logp, (v) => {
    const grad = new Float64Array(v.length);
    let total = 0;
    clipFrac = 0; approxKL = 0;
    t.rows.forEach((row, i) => {
      const A = t.target[i], d = v[row] - t.old[i], ratio = Math.exp(d);
      const l1 = -A * ratio, l2 = -A * Math.min(1 + clip, Math.max(1 - clip, ratio));
      total += Math.max(l1, l2);
      if (l1 >= l2) grad[row] = (-A * ratio) / n; // d(−Aρ)/dlog π = −Aρ; the clipped branch is flat
      else clipFrac++;
      approxKL += 0.5 * d * d;
    });
    clipFrac /= n; approxKL /= n;
    return { loss: total / n, grad };
  }, 'PPO policy loss');
  return { loss, clipFrac, approxKL };
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
      const V = v[row], R = t.target[i], Vold = t.old[i];
      const Vc = Math.min(Vold + clip, Math.max(Vold - clip, V));
      const l1 = (V - R) ** 2, l2 = (Vc - R) ** 2;
      total += 0.5 * Math.max(l1, l2);
      if (l1 >= l2) grad[row] = (V - R) / n;
      else clipFrac++;
    });
    clipFrac /= n;
    return { loss: total / n, grad };
  }, 'PPO value loss');
  return { loss, clipFrac };
}
