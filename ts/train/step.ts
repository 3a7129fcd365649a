// One optimizer step: the body of nanoGPT's train.py loop (llm.c's gpt2_zero_grad, forward,
// backward, gpt2_update). Every trainer — pre-training, SFT, the reward model, DPO, PPO, GRPO —
// calls it with its own loss; nothing else in glassgpt updates weights.
//
//   zero the gradients
//   for each micro-batch, in one backend scope: loss → backward(loss / microBatches)
//   the global gradient norm over every optimizer's parameters (torch's clip_grad_norm_)
//   AdamW at this step's learning rate, each gradient scaled by the clipping factor as it is read

import { scale } from '../tensor/ops.js';
import type { Tensor } from '../tensor/tensor.js';
import type { AdamW } from './adamw.js';
import { clipFactor } from './clip.js';
import { TrainingError } from './errors.js';

export interface StepOptions {
  lr: number; // this step's learning rate (from the schedule)
  gradClip: number; // max global gradient norm; 0 turns clipping off
  microBatches?: number; // gradient accumulation: micro-batches per step (default 1)
  step: number; // the 1-based number of this step, for error messages
}

export interface StepResult {
  loss: number; // mean loss over the micro-batches
  gradNorm: number; // global gradient norm before clipping
}

/**
 * One step of `optimizers` (one per parameter store: a backbone and its heads share one clip).
 * `lossOf(micro)` builds micro-batch `micro`'s scalar loss; it runs inside a backend scope, so
 * every activation it makes is freed when its backward is done. A non-finite loss or gradient
 * norm throws a TrainingError before any weight changes.
 */
export function optimizerStep(optimizers: readonly AdamW[], lossOf: (micro: number) => Tensor, o: StepOptions): StepResult {
  const micro = o.microBatches ?? 1;
  for (const opt of optimizers) opt.params.zeroGrad();
  let sum = 0;
  for (let i = 0; i < micro; i++) {
    optimizers[0].params.backend.scope(() => {
      const loss = lossOf(i);
      const value = loss.item();
      if (!Number.isFinite(value)) throw new TrainingError(`step ${o.step}: the loss is ${value}; stopping before the weights change`, o.step);
      sum += value;
      (micro > 1 ? scale(loss, 1 / micro) : loss).backward();
    });
  }
  let squares = 0;
  for (const opt of optimizers) squares += opt.params.backend.sumSquares(opt.params.grad, opt.params.total);
  const gradNorm = Math.sqrt(squares);
  if (!Number.isFinite(gradNorm)) throw new TrainingError(`step ${o.step}: the gradient norm is ${gradNorm}; stopping before the weights change`, o.step);
  const f = clipFactor(gradNorm, o.gradClip);
  for (const opt of optimizers) opt.step(o.lr, f);
  return { loss: sum / micro, gradNorm };
}
