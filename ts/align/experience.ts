// The rollout phase that PPO and GRPO share (TRL's PPOTrainer and GRPOTrainer both begin this
// way): K responses per prompt sampled from π, scored by the reward, re-scored token by token
// under π (the "old" log-probs of the ratio, and V from PPO's value head) and under the frozen
// π_ref, and the KL of each response to the reference (kl.ts). Also the statistics both trainers
// report per iteration, among them the repetition rate of the responses (repetition.ts).

import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { ScalarHead } from './head.js';
import { responseKL } from './kl.js';
import { repetitionRate } from './repetition.js';
import { mean, scoreRollouts, type RewardFn } from './reward-fn.js';
import type { RLCommon, RLSample } from './rl-common.js';
import { sampleRollouts, tokenStats, type Rollout } from './rollout.js';

export interface Experience {
  rollouts: Rollout[];
  scores: number[]; // reward of each response (missing-end penalty applied)
  logp: Float32Array[]; // per response, log π_old of each token
  ref: Float32Array[]; // per response, log π_ref of each token
  values: Float32Array[] | null; // per response, V before each token (with a value head)
  kl: number[]; // per response, Σ_t (log π_old − log π_ref)
  entropy: number; // mean per-token entropy of π on the responses
}

export interface ExperienceSource {
  policy: GPT;
  reference: GPT;
  reward: RewardFn;
  tokenizer: Tokenizer;
}

/** K samples per prompt (sampling seeded by `seed`), scored and re-scored. */
export async function collectExperience(s: ExperienceSource, prompts: readonly string[], K: number, o: RLCommon, seed: number, valueHead: ScalarHead | null): Promise<Experience> {
  const rollouts = await sampleRollouts(s.policy, s.tokenizer, prompts, K, { maxTokens: o.maxTokens ?? 16, temperature: o.temperature, seed });
  const scores = scoreRollouts(s.reward, rollouts, o.missingEndPenalty ?? 1);
  const pol = tokenStats(s.policy, s.tokenizer, rollouts, valueHead), ref = tokenStats(s.reference, s.tokenizer, rollouts, null);
  return {
    rollouts, scores, logp: pol.logp, ref: ref.logp, values: pol.values, entropy: pol.entropy,
    kl: rollouts.map((_, i) => responseKL(pol.logp[i], ref.logp[i])),
  };
}

/** What PPO and GRPO report about an iteration's responses. */
export interface ExperienceStats {
  reward: number; // mean score of the responses
  judge: number | null; // mean opts.judge score (e.g. the scripted labeler), if given
  kl: number; // mean KL per response to the reference, nats
  entropy: number; // mean per-token entropy of π on the responses
  repetition: number; // fraction of responses with a doubled word or a reused word bigram
  responseLength: number; // mean tokens per response
  samples: RLSample[]; // the first four, for a look
}

export function experienceStats(e: Experience, judge: RLCommon['judge']): ExperienceStats {
  const r = e.rollouts;
  return {
    reward: mean(e.scores), judge: judge ? mean(r.map((x) => judge(x.prompt, x.text))) : null, kl: mean(e.kl), entropy: e.entropy,
    repetition: repetitionRate(r.map((x) => x.text)), responseLength: mean(r.map((x) => x.response.length)),
    samples: r.slice(0, 4).map((x, i) => ({ prompt: x.prompt, response: x.text, reward: e.scores[i] })),
  };
}
