// The update phase that PPO and GRPO share: `epochs` passes over the iteration's rollouts, each a
// seeded shuffle cut into minibatches, one optimizerStep per minibatch on one teacher-forced
// forward of the policy, with the trainer's own loss — and, for PPO-ptx, γ times the
// cross-entropy of a batch of earlier data (ptx.ts) added to every step.

import type { GPT } from '../model/gpt.js';
import type { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { AdamW } from '../train/adamw.js';
import { optimizerStep } from '../train/step.js';
import { chatIds } from './chat.js';
import { tokenLogprobTensor } from './logprobs.js';
import type { PtxLoss } from './ptx.js';
import { shuffle } from './rl-common.js';
import type { Rollout } from './rollout.js';

export interface UpdateOptions {
  epochs: number;
  minibatchSize: number; // rollouts per optimizer step
  lr: number;
  gradClip: number;
  step: number; // 1-based iteration, for error messages
  ptx: PtxLoss | null;
}

/** One minibatch: its rollouts, the policy's forward on them, and where their tokens sit. */
export interface Minibatch {
  idx: number[]; // rollout indices
  out: ReturnType<typeof tokenLogprobTensor>; // logp [B·T], hidden [B, T, C]
  rows: number[]; // flat batch row of each response token, rollout after rollout
  /** Per-token arrays of the minibatch's rollouts, concatenated in `rows` order. */
  tokens(perRollout: readonly ArrayLike<number>[]): Float64Array;
}

/** Runs the updates; returns each stat of `lossOf` (and `ptxLoss`) averaged over the last epoch. */
export function updatePolicy<K extends string>(policy: GPT, optimizers: readonly AdamW[], tok: Tokenizer, rollouts: readonly Rollout[], rng: Rng,
  o: UpdateOptions, lossOf: (m: Minibatch) => { loss: Tensor; stats: Record<K, number> }): Record<K | 'ptxLoss', number> {
  const pad = chatIds(tok).end;
  let last: Record<string, number> = {};
  policy.train();
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = shuffle(rollouts.length, rng), acc: Record<string, number> = {};
    let steps = 0;
    for (let s = 0; s < order.length; s += o.minibatchSize) {
      const idx = order.slice(s, s + o.minibatchSize);
      optimizerStep(optimizers, () => {
        const out = tokenLogprobTensor(policy, idx.map((i) => rollouts[i].seq), pad), T = out.batch.T;
        const rows = idx.flatMap((i, b) => rollouts[i].positions.map((t) => b * T + t));
        const tokens = (per: readonly ArrayLike<number>[]) => Float64Array.from(idx.flatMap((i) => Array.from(per[i])));
        const { loss, stats } = lossOf({ idx, out, rows, tokens });
        const mixed = o.ptx ? o.ptx.mixInto(loss, policy, rng) : { loss, ptxLoss: 0 };
        for (const [k, v] of Object.entries<number>({ ...stats, ptxLoss: mixed.ptxLoss })) acc[k] = (acc[k] ?? 0) + v;
        return mixed.loss;
      }, { lr: o.lr, gradClip: o.gradClip, step: o.step });
      steps++;
    }
    last = Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, v / steps]));
  }
  return last as Record<K | 'ptxLoss', number>;
}
