// The reward model of InstructGPT (Ouyang et al. 2022, §3.5): the GPT backbone (initialised from
// the SFT model) with its LM head replaced by a scalar head read at the last token of
// prompt + response, trained on comparisons with the pairwise Bradley–Terry loss
// −log σ(r(x, y_w) − r(x, y_l)). As in InstructGPT, all pairs of one ranking go into the same
// batch, so each response's forward pass is shared by its K−1 comparisons.

import { inference } from '../model/inference.js';
import { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Tensor } from '../tensor/tensor.js';
import { chatIds, encodeChat } from './chat.js';
import { padBatch } from './batch.js';
import { ScalarHead } from './head.js';
import { gatherRows, logSigmoid, vectorLoss } from './ops.js';
import type { PreferencePair } from './preference-data.js';

export class RewardModel {
  readonly head: ScalarHead;

  constructor(readonly gpt: GPT, readonly tokenizer: Tokenizer, head?: ScalarHead) {
    this.head = head ?? new ScalarHead(gpt.backend, gpt.config.nEmbd, { name: 'score' });
  }

  /** Scores [B] (a Tensor in the graph) of prompt/response pairs, read at each row's last token
   *  (its closing <|end|>). Call inside backend.scope(). */
  scoreTensor(items: readonly { prompt: string; response: string }[]): Tensor {
    const seqs = items.map((it) => encodeChat(this.tokenizer, [{ role: 'user', content: it.prompt }, { role: 'assistant', content: it.response }]));
    return this.scoreIds(seqs.map((s) => s.ids));
  }

  /** Scores [B] of already tokenised chat sequences. */
  scoreIds(seqs: readonly (readonly number[])[]): Tensor {
    const pad = chatIds(this.tokenizer).end; // any id: right padding is never attended to
    const b = padBatch(seqs.map((ids) => ({ ids, train: new Uint8Array(ids.length) })), pad, this.gpt.config.blockSize);
    const { hidden } = this.gpt.features(Tensor.ints(this.gpt.backend, b.ids, [b.B, b.T])); // (B, T, C)
    const rows = Array.from(b.last, (t, i) => i * b.T + t);
    return this.head.forward(gatherRows(hidden, rows)); // (B, 1)
  }

  /** Plain numbers, no graph: the reward of each (prompt, response). */
  score(items: readonly { prompt: string; response: string }[], batchSize = 32): number[] {
    const out: number[] = [];
    const be = this.gpt.backend;
    inference(this.gpt, () => {
      for (let i = 0; i < items.length; i += batchSize) {
        out.push(...be.scope(() => Array.from(this.scoreTensor(items.slice(i, i + batchSize)).toArray())));
      }
    });
    return out;
  }

  /** Fraction of pairs whose chosen response scores higher (ties count as wrong). */
  pairAccuracy(pairs: readonly PreferencePair[]): number {
    if (pairs.length === 0) return NaN;
    const c = this.score(pairs.map((p) => ({ prompt: p.prompt, response: p.chosen })));
    const r = this.score(pairs.map((p) => ({ prompt: p.prompt, response: p.rejected })));
    return c.filter((v, i) => v > r[i]).length / pairs.length;
  }

  free(): void { this.head.free(); this.gpt.free(); }
}

/** Bradley–Terry loss over comparisons whose responses are scored once each: `scores` holds every
 *  distinct response's reward, `pairs` index into it (chosen, rejected). Mean −log σ(r_w − r_l). */
export function bradleyTerryLoss(scores: Tensor, pairs: readonly [number, number][]): Tensor {
  return vectorLoss(scores, (r) => {
    const grad = new Float64Array(r.length);
    let loss = 0;
    for (const [w, l] of pairs) {
      const ls = logSigmoid(r[w] - r[l]);
      loss -= ls.value;
      grad[w] -= ls.grad / pairs.length; // d(−log σ(z))/dz = −σ(−z)
      grad[l] += ls.grad / pairs.length;
    }
    return { loss: loss / pairs.length, grad };
  }, 'reward model loss');
}
