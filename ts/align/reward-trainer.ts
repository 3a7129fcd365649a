// Training the reward model on comparisons (InstructGPT §3.5, TRL's RewardTrainer): each step
// draws comparisons, scores every distinct (prompt, response) once, and descends the mean
// Bradley–Terry loss. Reports the step's pair accuracy; held-out accuracy is
// RewardModel.pairAccuracy.

import { Rng } from '../tensor/random.js';
import { learningRate } from '../train/schedule.js';
import { AlignError } from './errors.js';
import { MultiAdamW } from './optimizer.js';
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

export class RewardTrainer {
  step = 0;
  private readonly opt: MultiAdamW;
  private readonly rng: Rng;

  constructor(readonly rm: RewardModel, readonly pairs: readonly PreferencePair[], readonly opts: RewardTrainOptions) {
    if (pairs.length === 0) throw new AlignError('reward model: no comparisons to train on');
    if (!Number.isInteger(opts.steps) || opts.steps < 0) throw new AlignError(`reward model: steps must be a non-negative integer, got ${opts.steps}`);
    this.opt = new MultiAdamW([rm.gpt.params, rm.head.params], { weightDecay: opts.weightDecay ?? 0 });
    this.rng = new Rng(opts.seed ?? 1337);
  }

  trainStep(): { step: number; loss: number; accuracy: number; lr: number; gradNorm: number } {
    const lr0 = this.opts.lr ?? 5e-4, be = this.rm.gpt.backend;
    const lr = learningRate({ lr: lr0, warmupIters: 0, decayIters: this.opts.steps, minLr: lr0 / 10 }, this.step);
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
    this.opt.zeroGrad();
    const { loss, accuracy } = be.scope(() => {
      const scores = this.rm.scoreTensor(items);
      const r = scores.toArray();
      const l = bradleyTerryLoss(scores, idx);
      const value = l.item();
      l.backward();
      return { loss: value, accuracy: idx.filter(([w, los]) => r[w] > r[los]).length / idx.length };
    });
    const gradNorm = this.opt.step(lr, this.opts.gradClip ?? 1);
    this.step++;
    return { step: this.step, loss, accuracy, lr, gradNorm };
  }

  free(): void { this.opt.free(); }
}
