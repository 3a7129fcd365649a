// Generalized Advantage Estimation (Schulman et al. 2016) over one response's tokens, as TRL's
// PPOTrainer computes it: δ_t = r_t + γV_{t+1} − V_t, A_t = δ_t + γλA_{t+1}, V after the last
// token is 0 (the episode ends), returns R_t = A_t + V_t. Plus the whitening PPO applies to the
// advantages of a whole batch, and the adaptive KL coefficient of Ziegler et al. 2019.

/** Advantages and returns of one trajectory. */
export function gae(rewards: ArrayLike<number>, values: ArrayLike<number>, gamma: number, lam: number): { advantages: Float64Array; returns: Float64Array } {
  const n = rewards.length, advantages = new Float64Array(n), returns = new Float64Array(n);
  let last = 0;
  for (let t = n - 1; t >= 0; t--) {
    const next = t + 1 < n ? values[t + 1] : 0;
    const delta = rewards[t] + gamma * next - values[t];
    last = delta + gamma * lam * last;
    advantages[t] = last;
    returns[t] = last + values[t];
  }
  return { advantages, returns };
}

/** (x − mean) / (std + 1e-8) over all entries of all arrays, in place (TRL's masked_whiten). */
export function whiten(arrays: Float64Array[]): void {
  let n = 0, s = 0;
  for (const a of arrays) for (const v of a) { s += v; n++; }
  if (n === 0) return;
  const mean = s / n;
  let q = 0;
  for (const a of arrays) for (const v of a) q += (v - mean) ** 2;
  const std = Math.sqrt(q / Math.max(1, n - 1));
  for (const a of arrays) for (let i = 0; i < a.length; i++) a[i] = (a[i] - mean) / (std + 1e-8);
}

/** β of the KL penalty, adapted towards a target KL (Ziegler et al. 2019, eq. 2):
 *  β ← β(1 + clip(KL/target − 1, −0.2, 0.2)·n/horizon). Without a target it stays fixed. */
export class KLController {
  constructor(public value: number, readonly target: number | null = null, readonly horizon = 10000) {}
  update(kl: number, n: number): void {
    if (this.target === null) return;
    const err = Math.min(0.2, Math.max(-0.2, kl / this.target - 1));
    this.value *= 1 + (err * n) / this.horizon;
  }
}
