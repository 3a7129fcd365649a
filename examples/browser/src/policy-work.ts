// The policy card's work, run in the worker: optimise the page's model (the policy) with PPO or
// GRPO against the reward model, or with DPO straight from the rankings, keeping a frozen copy as
// the reference. Per step it reports the reward (DPO: the margin) and the KL to the reference;
// the same prompts are answered with the same seed before and after, and scored.

import {
  copyModel, DPOTrainer, GRPOTrainer, PPOTrainer, rankingPairs, responseKL, sampleRollouts, tokenStats,
  type Conversation, type GPT, type RewardModel, type Tokenizer,
} from 'glassgpt';
import { chatAnswers } from './chat-work.js';
import { dpoOptions, grpoOptions, MAX_TOKENS, ppoOptions } from './policy-options.js';
import type { PolicyMethod, PolicyReply, PolicySample, PolicySettings, Ranking } from './protocol.js';

type Loop = PPOTrainer | GRPOTrainer | DPOTrainer;
const SAMPLES = 8; // answers per prompt behind the mean reward before and after
const average = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
export interface PolicyStep { step: number; reward: number; kl: number }

/** Runs `method` on `model` in place; `track` registers the trainer so that Stop reaches it.
 *  `learned`: what the model learned before (tuning pairs, pre-training sentences), for ptx. */
export async function runPolicy(model: GPT, tok: Tokenizer, rm: RewardModel | null, method: PolicyMethod, records: readonly Ranking[],
  s: PolicySettings, learned: readonly (Conversation | string)[], onStep: (p: PolicyStep) => void, track: (t: Loop | null) => void): Promise<PolicyReply> {
  if (method !== 'dpo' && !rm) throw new Error(`${method.toUpperCase()} optimises the reward model's score: train the reward model first`);
  const prompts = records.map((r) => r.prompt);
  const samples = async (): Promise<PolicySample[]> => {
    const answers = await chatAnswers(model, tok, prompts, { samples: SAMPLES, temperature: 1, seed: 33, maxTokens: MAX_TOKENS });
    const scores = rm?.score(answers.flatMap((as, i) => as.map((response) => ({ prompt: prompts[i], response }))));
    return prompts.map((prompt, i) => {
      const mine = scores?.slice(i * SAMPLES, (i + 1) * SAMPLES);
      return { prompt, response: answers[i][0], reward: mine ? mine[0] : null, mean: mine ? average(mine) : null };
    });
  };
  const overall = (ss: PolicySample[]) => (rm ? average(ss.map((x) => x.mean!)) : null);
  const before = await samples();
  const reference = copyModel(model);
  const trainer: Loop = method === 'ppo' ? new PPOTrainer(model, reference, rm!, tok, prompts, ppoOptions(s, prompts.length, learned))
    : method === 'grpo' ? new GRPOTrainer(model, reference, rm!, tok, prompts, grpoOptions(s, prompts.length, learned))
      : new DPOTrainer(model, reference, tok, records.flatMap(rankingPairs), dpoOptions(s, learned));
  const beta = () => ('kl' in trainer ? trainer.kl.value : null), beta0 = beta();
  const t0 = performance.now(); // the optimisation alone is timed
  let done = 0, ms = 0, ptx = false;
  track(trainer);
  try {
    for await (const ev of trainer.run()) {
      if (ev.type !== 'step') continue;
      done = ev.step;
      ptx ||= ev.ptxLoss > 0;
      // PPO and GRPO measure KL on the answers they sampled; DPO samples none, so it is measured
      // the same way on fresh answers every few steps (between them the chart draws a line)
      if ('margin' in ev) {
        const measure = ev.step % 4 === 0 || ev.step === 1 || ev.step === s.steps;
        onStep({ step: ev.step, reward: ev.chosenReward - ev.rejectedReward, kl: measure ? await sampledKL(model, reference, tok, prompts, s.seed + ev.step) : NaN });
      } else onStep({ step: ev.step, reward: ev.reward, kl: ev.kl });
    }
    ms = performance.now() - t0;
  } finally {
    track(null);
    trainer.free();
    reference.free();
  }
  const after = await samples();
  const klCoef: [number, number] | null = beta0 === null ? null : [beta0, beta()!];
  return { before, after, samples: SAMPLES, meanBefore: overall(before), meanAfter: overall(after), steps: done, ms, klCoef, ptx };
}

/** Mean Σ_t (log π − log π_ref) over two sampled answers per prompt: the Monte-Carlo estimate of
 *  KL(π ‖ π_ref) per answer that PPO and GRPO report. */
async function sampledKL(policy: GPT, reference: GPT, tok: Tokenizer, prompts: readonly string[], seed: number): Promise<number> {
  const rollouts = await sampleRollouts(policy, tok, prompts, 2, { maxTokens: MAX_TOKENS, seed });
  const p = tokenStats(policy, tok, rollouts, null), r = tokenStats(reference, tok, rollouts, null);
  return average(p.logp.map((lp, i) => responseKL(lp, r.logp[i])));
}
