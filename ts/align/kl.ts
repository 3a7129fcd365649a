// The KL to the reference in PPO and GRPO. Both measure it the same way, per response:
// KL = Σ_t (log π_old(y_t) − log π_ref(y_t)) over the sampled tokens (a one-sample estimate of
// KL(π‖π_ref), in nats), and both can hold it at a target by adapting the penalty's weight β.
// PPO pays the penalty in the reward, −β(log π_old − log π_ref) on every token; GRPO in the loss
// (the k3 estimator, see ppo-loss.ts).

import { AlignError } from './errors.js';

/** β of the KL penalty, adapted towards a target KL per response (Ziegler et al. 2019, eq. 2;
 *  TRL's AdaptiveKLController), with a floor:
 *
 *    e = clip((KL − target) / target, −0.2, 0.2),   β ← max(min, β·(1 + e·n/horizon))
 *
 *  n is the number of responses the KL was measured on, so n/horizon is the gain K_β: with
 *  horizon = n, β moves by up to ±20% per update. Without a target β stays fixed. The floor
 *  (default 0: the paper's rule) is for short runs: the policy starts at the reference, so the
 *  first iterations measure KL ≈ 0 and the rule shrinks β by 20% each time; by the time the
 *  policy moves β is near 0 and takes many updates to climb back, and the KL overshoots its
 *  target (integral wind-up). min = the initial β keeps the penalty from winding down. */
export class KLController {
  constructor(public value: number, readonly target: number | null = null, readonly horizon = 10000, readonly min = 0) {
    if (!(value >= 0 && Number.isFinite(value))) throw new AlignError(`KL controller: β must be a finite number ≥ 0, got ${value}`);
    if (target !== null && !(target > 0 && Number.isFinite(target))) throw new AlignError(`KL controller: target must be a positive number of nats, got ${target}`);
    if (!(horizon > 0 && Number.isFinite(horizon))) throw new AlignError(`KL controller: horizon must be a positive number, got ${horizon}`);
    if (!(min >= 0 && min <= value)) throw new AlignError(`KL controller: the floor must be in [0, β = ${value}], got ${min}`);
  }

  update(kl: number, n: number): void {
    if (this.target === null) return;
    const e = Math.min(0.2, Math.max(-0.2, (kl - this.target) / this.target));
    this.value = Math.max(this.min, this.value * (1 + (e * n) / this.horizon));
  }

  /** β from a saved train state (`String(value)`: a double's shortest round-trip form). */
  restore(saved: string | undefined, what: string): void {
    const v = Number(saved);
    if (saved === undefined || !(v >= 0 && Number.isFinite(v))) throw new AlignError(`${what} train state: klCoef ${JSON.stringify(saved)} is not a finite number ≥ 0`);
    this.value = v;
  }
}

/** Σ_t (logp_t − ref_t): the KL of one response. */
export function responseKL(logp: ArrayLike<number>, ref: ArrayLike<number>): number {
  let kl = 0;
  for (let t = 0; t < logp.length; t++) kl += logp[t] - ref[t];
  return kl;
}

/** PPO's per-token rewards: −β(log π_old − log π_ref) on every token, and the reward model's
 *  score added on the last (it judges the whole response). Example: logp [−1, −2], ref [−1.5, −1],
 *  β 0.1, score 3 → [−0.05, 3.1]. */
export function klPenalisedRewards(logp: ArrayLike<number>, ref: ArrayLike<number>, beta: number, score: number): Float64Array {
  const r = new Float64Array(logp.length);
  for (let t = 0; t < logp.length; t++) r[t] = -beta * (logp[t] - ref[t]);
  r[r.length - 1] += score;
  return r;
}
