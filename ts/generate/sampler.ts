// Choosing the next token (transformers.js's Sampler: greedy or multinomial over processed
// logits). Uniforms come from the integer PRNG (mulberry32 in tensor/random.ts) and weights from
// expDet, so a seed reproduces a sample exactly, in Node and in browsers, given the same logits.
// The logits themselves are bit-identical across engines on the wasm backend (its kernels use
// their own exp/tanh); the js backend uses Math.exp/tanh and is only deterministic per engine.

import type { Rng } from '../tensor/random.js';
import { expDet, logDet } from './detmath.js';
import { GenerateError } from './errors.js';
import type { LogitsProcessor, ProcessorContext } from './processors.js';

/** The highest finite logit's id (ties → the lower id); −1 when none is finite. */
export function argmax(logits: ArrayLike<number>): number {
  let best = -1, max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) { max = logits[i]; best = i; }
  return best;
}

/** ln Σ exp(logits) (deterministic); −∞ when every logit is −∞. */
export function logSumExp(logits: ArrayLike<number>): number {
  const i = argmax(logits);
  if (i < 0) return -Infinity;
  const max = logits[i];
  let sum = 0;
  for (let j = 0; j < logits.length; j++) sum += expDet(logits[j] - max);
  return max + logDet(sum);
}

/** Draws an id with probability ∝ exp(logit), from one uniform u in [0, 1): walks the ids in
 *  order until the running sum passes u·total (inverse-CDF sampling). */
export function sampleFromLogits(logits: Float64Array, u: number): number {
  const top = argmax(logits);
  if (top < 0) throw new GenerateError('sampling: every token was filtered out (all logits are −∞)');
  const max = logits[top];
  const w = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) { w[i] = expDet(logits[i] - max); total += w[i]; }
  const target = u * total;
  let cum = 0, last = top;
  for (let i = 0; i < w.length; i++) {
    if (w[i] === 0) continue;
    cum += w[i];
    last = i;
    if (cum > target) return i;
  }
  return last; // rounding left the target at the very top: the last token with weight
}

export interface Choice {
  id: number;
  /** log p(id) under the model's own distribution (temperature 1, nothing filtered): what
   *  PPO/GRPO/DPO compare against a forward pass. */
  logprob: number;
  /** The processed logits the choice was made from (for traces). */
  processed: Float64Array;
}

/** Runs the processors on one sequence's raw logits and picks a token: argmax when greedy,
 *  else one uniform from `rng` per step (always drawn only when sampling, so greedy steps do
 *  not shift the stream). */
export function chooseToken(raw: ArrayLike<number>, ctx: ProcessorContext, processors: readonly LogitsProcessor[],
  greedy: boolean, rng: Rng): Choice {
  const processed = new Float64Array(raw.length);
  processed.set(raw);
  for (const p of processors) p.apply(processed, ctx);
  let id: number;
  if (greedy) {
    id = argmax(processed);
    if (id < 0) throw new GenerateError('greedy decoding: every token was filtered out (all logits are −∞)');
  } else {
    id = sampleFromLogits(processed, rng.uniform());
  }
  return { id, logprob: raw[id] - logSumExp(raw), processed };
}
