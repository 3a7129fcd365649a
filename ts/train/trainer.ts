// The training loop of nanoGPT's train.py, as an object: sample a batch, forward, backward
// (with gradient accumulation), clip, AdamW with warmup + cosine, evaluate every evalInterval
// steps. It runs anywhere (Node, browsers, workers); saving files is the caller's business
// (trainer.saveState() gives bytes, see checkpoint-node.ts). Everything a step allocates lives
// in one backend.scope(), so the heap does not grow from step to step.

import { inference } from '../model/inference.js';
import type { Backend } from '../backend/backend.js';
import type { GPT } from '../model/gpt.js';
import { Tensor } from '../tensor/tensor.js';
import { Rng } from '../tensor/random.js';
import { AdamW, ADAMW_DEFAULTS, type AdamWOptions } from './adamw.js';
import { sampleBatch, type TokenSource } from './data.js';
import { learningRate, type Schedule } from './schedule.js';
import { TrainLoop, type LoopEvent, type LoopState } from './loop.js';
import { now } from '../yield.js';
import { TrainingError } from './errors.js';
import { optimizerStep } from './step.js';
import { checkTrainingFits } from '../model/limits.js';
import { ArgumentError } from '../errors.js';

export interface TrainerOptions extends Partial<Schedule>, Partial<AdamWOptions> {
  train: TokenSource; // training tokens
  val?: TokenSource; // held-out tokens for evaluation
  steps: number; // total optimizer steps (nanoGPT max_iters); also the default decayIters
  batchSize?: number; // B sequences per micro-batch
  blockSize?: number; // T tokens per sequence (default: the model's blockSize)
  gradAccumSteps?: number; // micro-batches per optimizer step
  gradClip?: number; // max global gradient norm; 0 disables
  evalInterval?: number; // evaluate every this many steps (and at the end)
  evalIters?: number; // batches per evaluation
  seed?: number; // batch sampling seed
}

export interface StepStats { step: number; loss: number; lr: number; gradNorm: number; tokensPerSec: number; ms: number }
export interface EvalStats { trainLoss: number; valLoss: number | null; valPerplexity: number | null }
export interface DoneStats { trainLoss: number | null; valLoss: number | null; tokensPerSec: number }
export type TrainEvent = LoopEvent<StepStats, EvalStats, DoneStats>;

const OPTION_KEYS = ['train', 'val', 'steps', 'batchSize', 'blockSize', 'gradAccumSteps', 'gradClip',
  'evalInterval', 'evalIters', 'seed', 'lr', 'warmupIters', 'decayIters', 'minLr', 'beta1', 'beta2', 'eps', 'weightDecay'];

export class Trainer extends TrainLoop<StepStats, EvalStats, DoneStats> {
  readonly optimizer: AdamW;
  readonly schedule: Schedule;
  readonly B: number;
  readonly T: number;
  private readonly rng: Rng;
  private readonly be: Backend;
  private lastEval: { trainLoss: number; valLoss: number | null } | null = null;
  /** Tokens and milliseconds of the steps taken, and the last loss: what 'done' reports. */
  private done = { tokens: 0, ms: 0, loss: null as number | null };

  constructor(readonly model: GPT, readonly opts: TrainerOptions) {
    super(opts.steps);
    for (const k of Object.keys(opts)) if (!OPTION_KEYS.includes(k)) throw new ArgumentError(`Trainer: unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
    const int = (k: keyof TrainerOptions, v: number, min: number) => {
      if (!Number.isInteger(v) || v < min) throw new ArgumentError(`Trainer: ${k} must be an integer ≥ ${min}, got ${v}`);
      return v;
    };
    int('steps', opts.steps, 0);
    this.B = int('batchSize', opts.batchSize ?? 12, 1);
    this.T = int('blockSize', opts.blockSize ?? model.config.blockSize, 1);
    if (this.T > model.config.blockSize) throw new ArgumentError(`Trainer: blockSize ${this.T} exceeds the model's ${model.config.blockSize}`);
    checkTrainingFits(model.config, this.B, this.T); // before AdamW's moments and the first batch
    int('gradAccumSteps', opts.gradAccumSteps ?? 1, 1);
    const lr = opts.lr ?? 6e-4;
    if (!(lr > 0)) throw new ArgumentError(`Trainer: lr must be positive, got ${lr}`);
    this.schedule = { lr, warmupIters: opts.warmupIters ?? 0, decayIters: opts.decayIters ?? opts.steps, minLr: opts.minLr ?? lr / 10 };
    this.be = model.backend;
    this.optimizer = new AdamW(model.params, {
      beta1: opts.beta1 ?? ADAMW_DEFAULTS.beta1, beta2: opts.beta2 ?? ADAMW_DEFAULTS.beta2,
      eps: opts.eps ?? ADAMW_DEFAULTS.eps, weightDecay: opts.weightDecay ?? ADAMW_DEFAULTS.weightDecay,
    });
    this.rng = new Rng(opts.seed ?? 1337);
  }

  /** One optimizer step (the shared core, step.ts) on `gradAccumSteps` sampled micro-batches;
   *  throws TrainingError, before updating anything, on a NaN/Inf. */
  trainStep(): StepStats {
    const t0 = now(), accum = this.opts.gradAccumSteps ?? 1, be = this.be;
    const lr = learningRate(this.schedule, this.step);
    this.model.train();
    const { loss, gradNorm } = optimizerStep([this.optimizer], () => {
      const b = sampleBatch(this.opts.train, this.B, this.T, this.rng);
      return this.model.forward(Tensor.ints(be, b.ids, [b.B, b.T]), Tensor.ints(be, b.targets, [b.B, b.T])).loss!;
    }, { lr, gradClip: this.opts.gradClip ?? 1.0, microBatches: accum, step: this.step + 1 });
    this.step++;
    const ms = now() - t0, tokens = this.B * this.T * accum;
    this.done = { tokens: this.done.tokens + tokens, ms: this.done.ms + ms, loss };
    return { step: this.step, loss, lr, gradNorm, tokensPerSec: (tokens * 1000) / ms, ms };
  }

  protected next(): StepStats { return this.trainStep(); }

  protected override evaluateAt(step: number): EvalStats | null {
    if (step % (this.opts.evalInterval ?? 250) !== 0 && step !== this.steps) return null;
    return this.evalEvent();
  }

  protected override summary(): DoneStats {
    const { tokens, ms, loss } = this.done;
    return { trainLoss: this.lastEval?.trainLoss ?? loss, valLoss: this.lastEval?.valLoss ?? null, tokensPerSec: ms > 0 ? (tokens / ms) * 1000 : 0 };
  }

  protected state(): LoopState { return { model: this.model, optimizers: [this.optimizer], rng: this.rng }; }

  /** Mean loss over evalIters batches of train and val data (fixed batches: the eval RNG is
   *  re-seeded each time, so successive evaluations are comparable and resumes see the same). */
  evaluate(): { trainLoss: number; valLoss: number | null } {
    const iters = this.opts.evalIters ?? 20;
    const mean = (src: TokenSource) => {
      const rng = new Rng((this.opts.seed ?? 1337) ^ 0x5eed);
      let s = 0;
      for (let i = 0; i < iters; i++) {
        s += this.be.scope(() => {
          const b = sampleBatch(src, this.B, this.T, rng);
          return this.model.forward(Tensor.ints(this.be, b.ids, [b.B, b.T]), Tensor.ints(this.be, b.targets, [b.B, b.T])).loss!.item();
        });
      }
      return s / iters;
    };
    return inference(this.model, () => ({ trainLoss: mean(this.opts.train), valLoss: this.opts.val ? mean(this.opts.val) : null }));
  }

  private evalEvent(): EvalStats {
    this.lastEval = this.evaluate();
    const { trainLoss, valLoss } = this.lastEval;
    // a step can leave finite gradients but non-finite weights (a huge lr); the eval shows it,
    // and an eval event is when callers save: stop here so the last good checkpoint stays
    if (!Number.isFinite(trainLoss) || (valLoss !== null && !Number.isFinite(valLoss))) {
      throw new TrainingError(`step ${this.step}: the evaluation loss is ${Number.isFinite(trainLoss) ? valLoss : trainLoss} (train ${trainLoss}, val ${valLoss}); ` +
        'the model diverged: stopping without saving (the last checkpoint is kept); lower the learning rate', this.step);
    }
    return { trainLoss, valLoss, valPerplexity: valLoss === null ? null : Math.exp(valLoss) };
  }

  free(): void { this.optimizer.free(); }
}
