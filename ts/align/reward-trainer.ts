// Training the reward model on comparisons (InstructGPT §3.5, TRL's RewardTrainer): each step
// draws comparisons, scores every distinct (prompt, response) once, and descends the mean
// Bradley–Terry loss. Reports the step's pair accuracy; held-out accuracy is
// RewardModel.pairAccuracy.

import { Rng } from '../tensor/random.js';
import { AdamW, ADAMW_DEFAULTS } from '../train/adamw.js';
import { TrainLoop, type LoopState } from '../train/loop.js';
import { fineTuneSchedule, learningRate, type Schedule } from '../train/schedule.js';
import { optimizerStep } from '../train/step.js';
import { AlignError } from './errors.js';
import type { PreferencePair } from './preference-data.js';
import { bradleyTerryLoss, type RewardModel } from './reward-model.js';

export interface RewardTrainOptions {
  steps: number; // optimizer steps
  batchSize?: number; // comparisons per step (default 16)
  lr?: number; // peak learning rate (default 5e-4, cosine to lr/10)
  weightDecay?: number; // default 0
  gradClip?: number; // default 1
  seed?: number; // comparison order (default 1337)
}

export interface RewardStep { step: number; loss: number; accuracy: number; lr: number; gradNorm: number }

export class RewardTrainer extends TrainLoop<RewardStep> {
  private readonly opts_: AdamW[];
  private readonly schedule: Schedule;
  private readonly rng: Rng;

  constructor(readonly rm: RewardModel, readonly pairs: readonly PreferencePair[], readonly opts: RewardTrainOptions) {
    super(opts.steps);
    if (pairs.length === 0) throw new AlignError('reward model: no comparisons to train on');
    if (!Number.isInteger(opts.steps) || opts.steps < 0) throw new AlignError(`reward model: steps must be a non-negative integer, got ${opts.steps}`);
    this.opts_ = [rm.gpt.params, rm.head.params].map((p) => new AdamW(p, { ...ADAMW_DEFAULTS, weightDecay: opts.weightDecay ?? 0 }));
    this.schedule = fineTuneSchedule(opts.lr ?? 5e-4, opts.steps);
    this.rng = new Rng(opts.seed ?? 1337);
  }

  trainStep(): RewardStep {
    const lr = learningRate(this.schedule, this.step);
    const batch = Array.from({ length: this.opts.batchSize ?? 16 }, () => this.pairs[Math.floor(this.rng.uniform() * this.pairs.length)]);
    // distinct responses once: the pairs of one ranking share them (InstructGPT's batching)
    const items: { prompt: string; response: string }[] = [], index = new Map<string, number>();
    const at = (prompt: string, response: string) => {
      const key = JSON.stringify([prompt, response]);
      if (!index.has(key)) { index.set(key, items.length); items.push({ prompt, response }); }
      return index.get(key)!;
    };
    const idx = batch.map((p) => [at(p.prompt, p.chosen), at(p.prompt, p.rejected)] as [number, number]);
    this.rm.gpt.train();
    let accuracy = 0;
    const { loss, gradNorm } = optimizerStep(this.opts_, () => {
      const scores = this.rm.scoreTensor(items);
      const r = scores.toArray();
      accuracy = idx.filter(([w, los]) => r[w] > r[los]).length / idx.length;
      return bradleyTerryLoss(scores, idx);
    }, { lr, gradClip: this.opts.gradClip ?? 1, step: this.step + 1 });
    this.step++;
    return { step: this.step, loss, accuracy, lr, gradNorm };
  }

  protected next(): RewardStep { return this.trainStep(); }
  protected state(): LoopState { return { model: this.rm.gpt, optimizers: this.opts_, rng: this.rng }; }

  free(): void { for (const o of this.opts_) o.free(); }
}
