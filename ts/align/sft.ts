// Supervised instruction tuning (InstructGPT's SFT stage; TRL's SFTTrainer with a
// completion-only collator): next-token cross-entropy on the assistant's tokens only, over
// right-padded batches of chat-templated conversations drawn at random with a seeded RNG.

import { inference } from '../model/inference.js';
import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { AdamW, ADAMW_DEFAULTS } from '../train/adamw.js';
import { TrainLoop, type LoopState } from '../train/loop.js';
import { fineTuneSchedule, learningRate, type Schedule } from '../train/schedule.js';
import { optimizerStep } from '../train/step.js';
import { countTargets, hasTargetWithin, noTargetsError, padBatch, type Sequence } from './batch.js';
import { chatIds, encodeChat } from './chat.js';
import { AlignError } from './errors.js';
import type { Conversation } from './sft-data.js';

export interface SFTOptions {
  steps: number; // optimizer steps
  batchSize?: number; // conversations per step (default 8)
  lr?: number; // peak learning rate (default 1e-3; cosine to lr/10 after warmup)
  warmupIters?: number; // default 0
  weightDecay?: number; // default 0 (fine-tuning keeps the pre-trained weights near)
  gradClip?: number; // default 1
  seed?: number; // batch order (default 1337)
}

export interface SFTStep { step: number; loss: number; lr: number; gradNorm: number; tokens: number }

export class SFTTrainer extends TrainLoop<SFTStep> {
  readonly data: Sequence[];
  private readonly opt: AdamW;
  private readonly schedule: Schedule;
  private readonly rng: Rng;
  /** Conversations left out because the block cut off every assistant token. */
  readonly skipped: number;
  private readonly pad: number;

  constructor(readonly model: GPT, readonly tokenizer: Tokenizer, conversations: readonly Conversation[], readonly opts: SFTOptions) {
    super(opts.steps);
    if (!Number.isInteger(opts.steps) || opts.steps < 0) throw new AlignError(`SFT: steps must be a non-negative integer, got ${opts.steps}`);
    if (conversations.length === 0) throw new AlignError('SFT: no conversations to train on');
    const all = conversations.map((c) => encodeChat(tokenizer, c)), T = model.config.blockSize;
    this.data = all.filter((s) => hasTargetWithin(s, T));
    this.skipped = all.length - this.data.length; // callers report these; a batch of them had no loss
    if (this.data.length === 0) throw noTargetsError('SFT', all.length, T, all.reduce((m, s) => Math.max(m, s.ids.length), 0));
    this.pad = chatIds(tokenizer).end;
    this.opt = new AdamW(model.params, { ...ADAMW_DEFAULTS, weightDecay: opts.weightDecay ?? 0 });
    this.schedule = fineTuneSchedule(opts.lr ?? 1e-3, opts.steps, opts.warmupIters ?? 0);
    this.rng = new Rng(opts.seed ?? 1337);
  }

  /** One optimizer step on a random batch; returns the mean loss over its assistant tokens. */
  trainStep(): SFTStep {
    const B = this.opts.batchSize ?? 8, be = this.model.backend, lr = learningRate(this.schedule, this.step);
    const batch = Array.from({ length: B }, () => this.data[Math.floor(this.rng.uniform() * this.data.length)]);
    let tokens = 0;
    this.model.train();
    const { loss, gradNorm } = optimizerStep([this.opt], () => {
      const b = padBatch(batch, this.pad, this.model.config.blockSize);
      tokens = countTargets(b.targets);
      return this.model.forward(Tensor.ints(be, b.ids, [b.B, b.T]), Tensor.ints(be, b.targets, [b.B, b.T])).loss!;
    }, { lr, gradClip: this.opts.gradClip ?? 1, step: this.step + 1 });
    this.step++;
    return { step: this.step, loss, lr, gradNorm, tokens };
  }

  protected next(): SFTStep { return this.trainStep(); }
  protected state(): LoopState { return { model: this.model, optimizers: [this.opt], rng: this.rng }; }

  /** Mean loss per assistant token over `conversations` (held-out evaluation). */
  evaluate(conversations: readonly Conversation[], batchSize = 16): number {
    return sftLoss(this.model, this.tokenizer, conversations, batchSize);
  }

  free(): void { this.opt.free(); }
}

/** Mean cross-entropy per assistant token of `conversations` under `model` (no graph). */
export function sftLoss(model: GPT, tok: Tokenizer, conversations: readonly Conversation[], batchSize = 16): number {
  const be = model.backend, pad = chatIds(tok).end, seqs = conversations.map((c) => encodeChat(tok, c));
  let sum = 0, n = 0;
  inference(model, () => {
    for (let i = 0; i < seqs.length; i += batchSize) {
      be.scope(() => {
        const b = padBatch(seqs.slice(i, i + batchSize), pad, model.config.blockSize);
        const k = countTargets(b.targets);
        if (k === 0) return;
        sum += model.forward(Tensor.ints(be, b.ids, [b.B, b.T]), Tensor.ints(be, b.targets, [b.B, b.T])).loss!.item() * k;
        n += k;
      });
    }
  });
  if (n === 0) throw new AlignError('SFT evaluation: no assistant tokens in the data');
  return sum / n;
}
