// PPO-ptx (InstructGPT, Ouyang et al. 2022, §3.5 eq. 2): the RL objective plus γ·E_{x∼D}[log π(x)]
// on the data the model learned before, so that raising one reward does not erase what it knew
// (InstructGPT's "alignment tax" on public NLP tasks). In the loss that is γ times the mean
// next-token cross-entropy of a random batch of D, added to every policy update of PPO or GRPO.
// D holds chat conversations (the SFT set: loss on the assistant's tokens, as in SFT) or plain
// texts (pre-training data: loss on every token).

import type { GPT } from '../model/gpt.js';
import type { Rng } from '../tensor/random.js';
import { add, scale } from '../tensor/ops.js';
import { Tensor } from '../tensor/tensor.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { hasTargetWithin, noTargetsError, padBatch, type Sequence } from './batch.js';
import { chatIds, encodeChat } from './chat.js';
import { AlignError } from './errors.js';
import type { Conversation } from './sft-data.js';

export interface PtxOptions {
  data: readonly (Conversation | string)[]; // SFT conversations or pre-training texts
  coef: number; // γ: weight of the cross-entropy beside the policy loss (0 turns it off)
  batchSize?: number; // examples per policy update (default 8)
}

/** The ptx data encoded once, and the loss of a random batch of it. */
export class PtxLoss {
  private readonly seqs: Sequence[];
  private readonly pad: number;
  readonly coef: number;
  readonly batchSize: number;

  constructor(tok: Tokenizer, blockSize: number, o: PtxOptions) {
    if (!(o.coef >= 0 && Number.isFinite(o.coef))) throw new AlignError(`ptx: coef must be a finite number ≥ 0, got ${o.coef}`);
    if (o.batchSize !== undefined && !(Number.isInteger(o.batchSize) && o.batchSize >= 1)) throw new AlignError(`ptx: batchSize must be an integer ≥ 1, got ${o.batchSize}`);
    if (!Array.isArray(o.data) || o.data.length === 0) throw new AlignError('ptx: no data to mix in');
    const all = o.data.map((d): Sequence => {
      if (typeof d !== 'string') return encodeChat(tok, d);
      const ids = tok.encode(d);
      return { ids, train: new Uint8Array(ids.length).fill(1) }; // pre-training text: every token is a target
    });
    this.seqs = all.filter((s) => hasTargetWithin(s, blockSize));
    if (this.seqs.length === 0) throw noTargetsError('ptx', all.length, blockSize, all.reduce((m, s) => Math.max(m, s.ids.length), 0));
    this.pad = chatIds(tok).end;
    this.coef = o.coef;
    this.batchSize = o.batchSize ?? 8;
  }

  /** `loss` + γ · the cross-entropy of a fresh batch (γ = 0: `loss` alone, no batch drawn), and
   *  that cross-entropy's value (0 when none). What PPO's, GRPO's and DPO's steps all add. */
  mixInto(loss: Tensor, model: GPT, rng: Rng): { loss: Tensor; ptxLoss: number } {
    if (this.coef === 0) return { loss, ptxLoss: 0 };
    const l = this.loss(model, rng);
    return { loss: add(loss, scale(l, this.coef)), ptxLoss: l.item() };
  }

  /** Mean cross-entropy per target token of `batchSize` examples drawn with `rng` (a graph
   *  tensor: call inside the optimizer step's scope). */
  loss(model: GPT, rng: Rng): Tensor {
    const batch = Array.from({ length: this.batchSize }, () => this.seqs[Math.floor(rng.uniform() * this.seqs.length)]);
    const b = padBatch(batch, this.pad, model.config.blockSize), be = model.backend;
    return model.forward(Tensor.ints(be, b.ids, [b.B, b.T]), Tensor.ints(be, b.targets, [b.B, b.T])).loss!;
  }
}
