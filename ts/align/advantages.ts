// The advantages of PPO and GRPO, side by side. PPO: Generalized Advantage Estimation
// (Schulman et al. 2016) over one response's tokens, as TRL's PPOTrainer computes it:
// δ_t = r_t + γV_{t+1} − V_t, A_t = δ_t + γλA_{t+1}, V after the last token is 0 (the episode
// ends), returns R_t = A_t + V_t; then the batch is whitened. GRPO (Shao et al. 2024): no value
// head; a response's reward standardised within the group of responses to the same prompt.

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

/** (r − mean) / (std + 1e-4) within each group (population std, as TRL); `groupStd` is the mean
 *  within-group std (0: every group tied, no learning signal). */
export function groupAdvantages(scores: readonly number[], rollouts: readonly { group: number }[]): { advantages: number[]; groupStd: number } {
  const groups = new Map<number, number[]>();
  rollouts.forEach((r, i) => { const g = groups.get(r.group) ?? []; g.push(i); groups.set(r.group, g); });
  const advantages = new Array<number>(scores.length).fill(0);
  let stdSum = 0;
  for (const members of groups.values()) {
    const m = members.reduce((s, i) => s + scores[i], 0) / members.length;
    const std = Math.sqrt(members.reduce((s, i) => s + (scores[i] - m) ** 2, 0) / members.length);
    stdSum += std;
    for (const i of members) advantages[i] = (scores[i] - m) / (std + 1e-4);
  }
  return { advantages, groupStd: stdSum / groups.size };
}
