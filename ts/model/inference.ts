// The one way to run a model for its outputs rather than to train it: eval mode (no dropout) and
// no autograd graph, with the model's train/eval mode as it was afterwards, whatever fn throws.
// Generation, inspection, evaluation, the reward model's scores and RLHF's re-scoring all use it.

import { noGrad } from '../tensor/tensor.js';
import type { GPT } from './gpt.js';

/** Runs fn on `model` in eval mode without a graph; restores the mode in finally. */
export function inference<T>(model: GPT, fn: () => T): T {
  const training = model.training;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    model.training = training;
  }
}
