// What the model expects next. nextTokens: at every position of a prompt, the top-N next tokens
// with probabilities, and how likely the token that really came next was. logitLens (nostalgebraist
// 2020): the same question asked of the residual stream after each block, by applying the final
// LayerNorm and the tied head early, which shows the prediction taking shape layer by layer.

import type { GPT } from '../model/gpt.js';
import type { Tensor } from '../tensor/tensor.js';
import { inspectRun, promptIds } from './run.js';
import { softmaxTop, type TokenProb } from './softmax.js';

export interface PositionDistribution {
  position: number;
  /** The token at this position (the prediction is for the one after it). */
  id: number;
  top: TokenProb[];
  /** Entropy in nats of the whole distribution. */
  entropy: number;
  /** The token that actually follows in the prompt and its probability; null at the last position. */
  actual: TokenProb | null;
}

function rows(logits: Tensor, ids: number[], n: number): PositionDistribution[] {
  const V = logits.shape[2];
  const all = logits.toArray();
  return ids.map((id, t) => {
    const d = softmaxTop(all, t * V, V, n);
    const next = t + 1 < ids.length ? ids[t + 1] : null;
    return { position: t, id, top: d.top, entropy: d.entropy, actual: next === null ? null : { id: next, prob: d.probOf(next) } };
  });
}

function checkN(n: number, where: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${where}: topN must be a whole number ≥ 1, got ${n}`);
}

/** The model's next-token distribution at every position of `ids` (top `topN` of each). */
export function nextTokens(model: GPT, ids: readonly number[], topN = 10): PositionDistribution[] {
  checkN(topN, 'nextTokens');
  const x = promptIds(model, ids, 'nextTokens ids');
  return inspectRun(model, () => rows(model.forward([x]).logits, x, topN));
}

export interface LensLayer {
  /** 0 = the embeddings (before any block), l = after block l−1; the last is the model's output. */
  layer: number;
  positions: PositionDistribution[];
}

/** The logit lens: ln_f and the tied head applied to the residual stream before the first block
 *  and after every block (nLayer + 1 readings; the last equals nextTokens). */
export function logitLens(model: GPT, ids: readonly number[], topN = 5): LensLayer[] {
  checkN(topN, 'logitLens');
  const x = promptIds(model, ids, 'logitLens ids');
  return inspectRun(model, () => model.forward([x]).residuals.map((r, layer) => ({ layer, positions: rows(model.unembed(r), x, topN) })));
}
