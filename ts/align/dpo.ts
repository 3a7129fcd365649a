// Direct Preference Optimization (Rafailov et al. 2023, eq. 7; TRL's DPOTrainer, sigmoid loss):
// L = −log σ(β[(log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x))]) on the same
// comparisons the reward model learns from, with no reward model and no sampling. The reference
// log-probabilities are computed once up front (the reference never changes).

import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../tensor/random.js';
import { AdamW, ADAMW_DEFAULTS } from '../train/adamw.js';
import { TrainLoop, type LoopState } from '../train/loop.js';
import { fineTuneSchedule, learningRate, type Schedule } from '../train/schedule.js';
import { optimizerStep } from '../train/step.js';
import { hasTargetWithin, noTargetsError, type Sequence } from './batch.js';
import { chatIds } from './chat.js';
import { AlignError } from './errors.js';
import { chatSequence, sequenceLogprobs, tokenLogprobTensor } from './logprobs.js';
import { logSigmoid, vectorLoss } from './ops.js';
import type { PreferencePair } from './preference-data.js';

export interface DPOOptions {
  steps: number; // optimizer steps
  beta?: number; // β: strength of the implicit KL constraint (default 0.1, the paper's)
  batchSize?: number; // comparisons per step (default 8)
  lr?: number; // peak learning rate (default 5e-4, cosine to lr/10)
  gradClip?: number; // default 1
  seed?: number; // comparison order (default 1337)
}

export interface DPOStep {
  step: number;
  loss: number;
  /** Mean implicit rewards β(log π − log π_ref) of chosen and rejected, and how often chosen wins. */
  chosenReward: number;
  rejectedReward: number;
  rewardAccuracy: number;
  /** Mean log π(chosen) − log π(rejected) under the policy. */
  margin: number;
  lr: number;
  gradNorm: number;
}

export class DPOTrainer extends TrainLoop<DPOStep> {
  private readonly seqs: { chosen: Sequence; rejected: Sequence; refChosen: number; refRejected: number }[];
  private readonly opt: AdamW;
  private readonly schedule: Schedule;
  private readonly rng: Rng;
  /** Pairs left out because the block cut off a response (their margin could never move). */
  readonly skipped: number;
  readonly beta: number;

  constructor(readonly policy: GPT, reference: GPT, readonly tokenizer: Tokenizer, pairs: readonly PreferencePair[], readonly opts: DPOOptions) {
    super(opts.steps);
    if (pairs.length === 0) throw new AlignError('DPO: no comparisons to train on');
    this.beta = opts.beta ?? 0.1;
    if (!(this.beta > 0) || !Number.isFinite(this.beta)) throw new AlignError(`DPO: beta must be a positive number, got ${opts.beta}`);
    const T = policy.config.blockSize;
    const both = pairs.map((p) => [chatSequence(tokenizer, p.prompt, p.chosen), chatSequence(tokenizer, p.prompt, p.rejected)] as const);
    const kept = both.filter(([c, r]) => hasTargetWithin(c, T) && hasTargetWithin(r, T)); // else its margin is 0, forever
    this.skipped = both.length - kept.length;
    if (kept.length === 0) throw noTargetsError('DPO', both.length, T, both.reduce((m, [c, r]) => Math.max(m, c.ids.length, r.ids.length), 0));
    const chosen = kept.map(([c]) => c), rejected = kept.map(([, r]) => r);
    const rc = sequenceLogprobs(reference, tokenizer, chosen), rr = sequenceLogprobs(reference, tokenizer, rejected);
    this.seqs = kept.map((_, i) => ({ chosen: chosen[i], rejected: rejected[i], refChosen: rc[i], refRejected: rr[i] }));
    this.opt = new AdamW(policy.params, { ...ADAMW_DEFAULTS, weightDecay: 0 });
    this.schedule = fineTuneSchedule(opts.lr ?? 5e-4, opts.steps);
    this.rng = new Rng(opts.seed ?? 1337);
  }

  trainStep(): DPOStep {
    const B = this.opts.batchSize ?? 8, beta = this.beta, lr = learningRate(this.schedule, this.step);
    const batch = Array.from({ length: B }, () => this.seqs[Math.floor(this.rng.uniform() * this.seqs.length)]);
    this.policy.train();
    let s = { chosenReward: 0, rejectedReward: 0, rewardAccuracy: 0, margin: 0 };
    const { loss, gradNorm } = optimizerStep([this.opt], () => {
      // rows 0…B−1 chosen, B…2B−1 rejected: one forward for both halves
      const { logp, batch: pb } = tokenLogprobTensor(this.policy, [...batch.map((s) => s.chosen), ...batch.map((s) => s.rejected)], chatIds(this.tokenizer).end);
      const T = pb.T;
      return vectorLoss(logp, (v) => {
        const grad = new Float64Array(v.length);
        let total = 0;
        s = { chosenReward: 0, rejectedReward: 0, rewardAccuracy: 0, margin: 0 };
        for (let i = 0; i < B; i++) {
          let pc = 0, pr = 0;
          for (let t = 0; t < T; t++) { pc += v[i * T + t]; pr += v[(B + i) * T + t]; }
          const rc = beta * (pc - batch[i].refChosen), rr = beta * (pr - batch[i].refRejected);
          const ls = logSigmoid(rc - rr);
          total -= ls.value;
          // d(−log σ(z))/dz = −σ(−z); z = β(pc − refc) − β(pr − refr); d/dlogπ(token) = d/dpc
          const g = -ls.grad * beta / B;
          for (let t = 0; t < T; t++) { grad[i * T + t] = g; grad[(B + i) * T + t] = -g; }
          s.chosenReward += rc / B; s.rejectedReward += rr / B; s.rewardAccuracy += (rc > rr ? 1 : 0) / B; s.margin += (pc - pr) / B;
        }
        return { loss: total / B, grad };
      }, `DPO step ${this.step + 1} loss`);
    }, { lr, gradClip: this.opts.gradClip ?? 1, step: this.step + 1 });
    this.step++;
    return { step: this.step, loss, ...s, lr, gradNorm };
  }

  protected next(): DPOStep { return this.trainStep(); }
  protected state(): LoopState { return { model: this.policy, optimizers: [this.opt], rng: this.rng }; }

  free(): void { this.opt.free(); }
}

/** Held-out evaluation: mean log π(chosen) − log π(rejected), and how often it is positive. */
export function preferenceMargin(model: GPT, tok: Tokenizer, pairs: readonly PreferencePair[]): { margin: number; accuracy: number } {
  const c = sequenceLogprobs(model, tok, pairs.map((p) => chatSequence(tok, p.prompt, p.chosen)));
  const r = sequenceLogprobs(model, tok, pairs.map((p) => chatSequence(tok, p.prompt, p.rejected)));
  const d = c.map((v, i) => v - r[i]);
  return { margin: d.reduce((a, b) => a + b, 0) / d.length, accuracy: d.filter((x) => x > 0).length / d.length };
}
