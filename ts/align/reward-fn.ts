// What RLHF optimises: a reward per (prompt, response). Usually the trained RewardModel; any
// function fits (tests, a rule). Responses that never closed with <|end|> get a fixed penalty
// instead of trusting the reward model on a cut-off text (TRL's missing_eos_penalty).

import type { RewardModel } from './reward-model.js';
import type { Rollout } from './rollout.js';

export type RewardFn = (items: readonly { prompt: string; response: string }[]) => number[];

export function rewardFn(r: RewardModel | RewardFn): RewardFn {
  return typeof r === 'function' ? r : (items) => r.score(items);
}

/** Rewards of the rollouts, with `missingEndPenalty` subtracted from unfinished ones. */
export function scoreRollouts(reward: RewardFn, rollouts: readonly Rollout[], missingEndPenalty: number): number[] {
  const raw = reward(rollouts.map((r) => ({ prompt: r.prompt, response: r.text })));
  return raw.map((v, i) => (rollouts[i].finished ? v : v - missingEndPenalty));
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : 0;
}
