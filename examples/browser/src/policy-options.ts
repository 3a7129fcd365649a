// The policy card's knobs in one place: what the page offers for PPO, GRPO and DPO (defaults,
// labels, one line each on what the method does) and how the page's few settings become each
// trainer's options. New knobs of ts/align (a KL controller, PPO-ptx, DPO variants) are wired here.
// Imported by the page and by the worker, so it imports glassgpt's types only.

import type { Conversation, DPOOptions, GRPOOptions, PPOOptions, PtxOptions } from 'glassgpt';
import type { PolicyMethod, PolicySettings } from './protocol.js';

export interface MethodInfo {
  label: string;
  /** What the method optimises, for the card's caption. */
  about: string;
  /** The name of β for this method, and what the per-step chart's first series is. */
  betaLabel: string;
  series: string;
  needsRewardModel: boolean;
  defaults: PolicySettings;
}

export const METHODS: Record<PolicyMethod, MethodInfo> = {
  ppo: {
    label: 'PPO', needsRewardModel: true, betaLabel: 'KL penalty β', series: 'reward',
    about: 'samples answers, scores them with the reward model, subtracts β × (how far each token moved from the reference) and ' +
      'takes clipped policy-gradient steps with a learned value baseline (InstructGPT).',
    defaults: { steps: 12, beta: 0.05, lr: 5e-4, seed: 9, klTarget: null, ptxCoef: 0, variant: 'sigmoid' },
  },
  grpo: {
    label: 'GRPO', needsRewardModel: true, betaLabel: 'KL weight β', series: 'reward',
    about: 'samples a group of answers per prompt and pushes each up or down by how its reward compares with its group\'s mean: ' +
      'no value model (DeepSeekMath).',
    defaults: { steps: 12, beta: 0.04, lr: 5e-4, seed: 9, klTarget: null, ptxCoef: 0, variant: 'sigmoid' },
  },
  dpo: {
    label: 'DPO', needsRewardModel: false, betaLabel: 'β', series: 'margin',
    about: 'learns straight from your rankings, no reward model and no sampling: raise log π(better) − log π(worse) relative to the ' +
      'reference, with β setting how far it may move (Rafailov et al.).',
    defaults: { steps: 40, beta: 0.1, lr: 5e-4, seed: 9, klTarget: null, ptxCoef: 0, variant: 'sigmoid' },
  },
};

/** Response length of the policy's samples (the prompts are short questions). */
export const MAX_TOKENS = 20;

// The page's runs are a dozen iterations of 3 prompts, not InstructGPT's thousands: the KL
// controller's horizon is a few dozen answers so that β can move within the run (±20 % of the
// error per horizon), and β never winds below half its start while the KL is still ~0 (kl.ts).
const klControl = (s: PolicySettings) => ({ klCoef: s.beta, klTarget: s.klTarget, klHorizon: 24, klCoefMin: s.klTarget === null ? 0 : s.beta / 2 });
const ptxOf = (s: PolicySettings, data: readonly (Conversation | string)[]): PtxOptions | undefined =>
  (s.ptxCoef > 0 && data.length > 0 ? { coef: s.ptxCoef, data, batchSize: 4 } : undefined);

export function ppoOptions(s: PolicySettings, prompts: number, ptxData: readonly (Conversation | string)[] = []): PPOOptions {
  return { iterations: s.steps, promptsPerIteration: prompts, maxTokens: MAX_TOKENS, lr: s.lr, ...klControl(s), ptx: ptxOf(s, ptxData), epochs: 2, seed: s.seed };
}

export function grpoOptions(s: PolicySettings, prompts: number, ptxData: readonly (Conversation | string)[] = []): GRPOOptions {
  return { iterations: s.steps, promptsPerIteration: prompts, groupSize: 4, maxTokens: MAX_TOKENS, lr: s.lr, ...klControl(s), ptx: ptxOf(s, ptxData), seed: s.seed };
}

export function dpoOptions(s: PolicySettings, ptxData: readonly (Conversation | string)[] = []): DPOOptions {
  return { steps: s.steps, beta: s.beta, variant: s.variant, ptx: ptxOf(s, ptxData), batchSize: 8, lr: s.lr, seed: s.seed };
}

/** When the KL to the reference has run away: the policy now writes text the reference model
 *  finds very unlikely, and a rising reward is more likely the reward model being fooled than the
 *  answers getting better. `limit` in nats per answer (an answer ~e^limit times less likely under
 *  the reference); 6 is the KL that TRL's adaptive controller aims PPO at by default. */
export function klRunaway(kls: readonly number[], limit = 6): { step: number; kl: number } | null {
  const i = kls.findIndex((k) => k > limit);
  return i < 0 ? null : { step: i + 1, kl: kls[i] };
}
