// Log-probabilities of responses under a model: per token (PPO, GRPO) and summed per sequence
// (DPO's log π(y|x)). One forward over a right-padded batch, then the fused cross-entropy
// kernel's per-row losses negated (tokenLogprobs): prompt and pad positions carry the ignore
// index, so they come out as exactly 0 and receive no gradient.

import { inference } from '../model/inference.js';
import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { tokenLogprobs } from '../tensor/loss.js';
import { reshape } from '../tensor/ops.js';
import { Tensor } from '../tensor/tensor.js';
import { padBatch, type PaddedBatch, type Sequence } from './batch.js';
import { chatIds, encodeChat } from './chat.js';

/** A prompt and response as one chat sequence whose training tokens are the response's. */
export function chatSequence(tok: Tokenizer, prompt: string, response: string): Sequence {
  return encodeChat(tok, [{ role: 'user', content: prompt }, { role: 'assistant', content: response }]);
}

/** Per-token log-probabilities [B·T] (0 off the response) and the batch they belong to. The
 *  logits are returned too, for entropy. Call inside backend.scope(). */
export function tokenLogprobTensor(model: GPT, seqs: readonly Sequence[], pad: number): { logp: Tensor; logits: Tensor; hidden: Tensor; batch: PaddedBatch } {
  const be = model.backend;
  const batch = padBatch(seqs, pad, model.config.blockSize);
  const { logits, hidden } = model.forward(Tensor.ints(be, batch.ids, [batch.B, batch.T]));
  const logp = tokenLogprobs(logits, Tensor.ints(be, batch.targets, [batch.B * batch.T]));
  return { logp: reshape(logp, [batch.B * batch.T]), logits, hidden, batch };
}

/** Σ log π(response | prompt) per sequence, without a graph. */
export function sequenceLogprobs(model: GPT, tok: Tokenizer, seqs: readonly Sequence[], batchSize = 16): number[] {
  const be = model.backend, pad = chatIds(tok).end, out: number[] = [];
  inference(model, () => {
    for (let i = 0; i < seqs.length; i += batchSize) {
      be.scope(() => {
        const { logp, batch } = tokenLogprobTensor(model, seqs.slice(i, i + batchSize), pad);
        out.push(...rowSums(logp.toArray(), batch.B, batch.T));
      });
    }
  });
  return out;
}

/** Sums of each row of a [B, T] array. */
export function rowSums(v: ArrayLike<number>, B: number, T: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += v[b * T + t];
    out.push(s);
  }
  return out;
}
