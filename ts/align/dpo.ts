// Direct Preference Optimization on the comparisons the reward model learns from, with no reward
// model and no sampling. With h_w = log π(y_w|x) − log π_ref(y_w|x) for the chosen response and
// h_l likewise for the rejected one, two losses (TRL's DPOTrainer loss_type "sigmoid" and "ipo"):
//
//   sigmoid (Rafailov et al. 2023, eq. 7):  −log σ(β(h_w − h_l)), log-probs summed over tokens
//   ipo (Azar et al. 2023, eq. 17):         (h_w − h_l − 1/(2β))², log-probs averaged over tokens
//
// The sigmoid loss keeps pushing h_w − h_l up long after every pair is ranked right, and the
// cheapest way is often to make the rejected response unlikely by any means, degenerate ones
// included ("was was was"); IPO regresses the margin to a finite target, so it stops there, and
// averaging per token keeps long responses from earning margin by length. The reference
// log-probabilities are computed once up front (the reference never changes).

import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../tensor/random.js';
import { AdamW, ADAMW_DEFAULTS } from '../train/adamw.js';
import { TrainLoop, type LoopState } from '../train/loop.js';
import { fineTuneSchedule, learningRate, type Schedule } from '../train/schedule.js';
import { optimizerStep } from '../train/step.js';
import { IGNORE_INDEX } from '../tensor/loss.js';
import { hasTargetWithin, noTargetsError, type Sequence } from './batch.js';
import { chatIds } from './chat.js';
import { AlignError } from './errors.js';
import { chatSequence, sequenceLogprobs, tokenLogprobTensor } from './logprobs.js';
import { logSigmoid, vectorLoss } from './ops.js';
import type { PreferencePair } from './preference-data.js';
import { PtxLoss, type PtxOptions } from './ptx.js';
import { mean } from './reward-fn.js';

export interface DPOOptions {
  steps: number; // optimizer steps
  beta?: number; // β: strength of the implicit KL constraint (default 0.1, the paper's); IPO's margin target is 1/(2β)
  variant?: DPOVariant; // the loss (default 'sigmoid')
  ptx?: PtxOptions; // cross-entropy on earlier data added to every step, as PPO-ptx (RPO-like with the chosen responses)
  batchSize?: number; // comparisons per step (default 8)
  lr?: number; // peak learning rate (default 5e-4, cosine to lr/10)
  gradClip?: number; // default 1
  seed?: number; // comparison order (default 1337)
}

export type DPOVariant = 'sigmoid' | 'ipo';
export const DPO_VARIANTS: readonly DPOVariant[] = ['sigmoid', 'ipo'];

export interface DPOStep {
  step: number;
  loss: number;
  /** Mean implicit rewards βh of chosen and rejected (h per token for IPO), and how often chosen wins. */
  chosenReward: number;
  rejectedReward: number;
  rewardAccuracy: number;
  /** Mean log π(chosen) − log π(rejected) under the policy. */
  margin: number;
  ptxLoss: number; // cross-entropy of the ptx batch (0 without ptx); `loss` includes coef × it
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
  readonly variant: DPOVariant;
  private readonly ptx: PtxLoss | null;

  constructor(readonly policy: GPT, reference: GPT, readonly tokenizer: Tokenizer, pairs: readonly PreferencePair[], readonly opts: DPOOptions) {
    super(opts.steps);
    if (pairs.length === 0) throw new AlignError('DPO: no comparisons to train on');
    this.beta = opts.beta ?? 0.1;
    if (!(this.beta > 0) || !Number.isFinite(this.beta)) throw new AlignError(`DPO: beta must be a positive number, got ${opts.beta}`);
    this.variant = opts.variant ?? 'sigmoid';
    if (!DPO_VARIANTS.includes(this.variant)) throw new AlignError(`DPO: variant must be one of ${DPO_VARIANTS.join(', ')}, got ${JSON.stringify(opts.variant)}`);
    const T = policy.config.blockSize;
    const both = pairs.map((p) => [chatSequence(tokenizer, p.prompt, p.chosen), chatSequence(tokenizer, p.prompt, p.rejected)] as const);
    const kept = both.filter(([c, r]) => hasTargetWithin(c, T) && hasTargetWithin(r, T)); // else its margin is 0, forever
    this.skipped = both.length - kept.length;
    if (kept.length === 0) throw noTargetsError('DPO', both.length, T, both.reduce((m, [c, r]) => Math.max(m, c.ids.length, r.ids.length), 0));
    const chosen = kept.map(([c]) => c), rejected = kept.map(([, r]) => r);
    const rc = sequenceLogprobs(reference, tokenizer, chosen), rr = sequenceLogprobs(reference, tokenizer, rejected);
    this.seqs = kept.map((_, i) => ({ chosen: chosen[i], rejected: rejected[i], refChosen: rc[i], refRejected: rr[i] }));
    this.ptx = opts.ptx ? new PtxLoss(tokenizer, T, opts.ptx) : null;
    this.opt = new AdamW(policy.params, { ...ADAMW_DEFAULTS, weightDecay: 0 });
    this.schedule = fineTuneSchedule(opts.lr ?? 5e-4, opts.steps);
    this.rng = new Rng(opts.seed ?? 1337);
  }

  trainStep(): DPOStep {
    const B = this.opts.batchSize ?? 8, lr = learningRate(this.schedule, this.step);
    const batch = Array.from({ length: B }, () => this.seqs[Math.floor(this.rng.uniform() * this.seqs.length)]);
    this.policy.train();
    let s = { chosenReward: 0, rejectedReward: 0, rewardAccuracy: 0, margin: 0 }, ptxLoss = 0;
    const { loss, gradNorm } = optimizerStep([this.opt], () => {
      // rows 0…B−1 chosen, B…2B−1 rejected: one forward for both halves
      const { logp, batch: pb } = tokenLogprobTensor(this.policy, [...batch.map((s) => s.chosen), ...batch.map((s) => s.rejected)], chatIds(this.tokenizer).end);
      const T = pb.T, counts = rowCounts(pb.targets, 2 * B, T);
      const dpo = vectorLoss(logp, (v) => {
        const pairs = batch.map((p, i) => ({
          chosen: { logp: rowSum(v, i, T), ref: p.refChosen, tokens: counts[i] },
          rejected: { logp: rowSum(v, B + i, T), ref: p.refRejected, tokens: counts[B + i] },
        }));
        const l = dpoLoss(pairs, this.beta, this.variant), grad = new Float64Array(v.length);
        // every response token's log-prob enters its sequence's sum with weight 1
        for (let i = 0; i < B; i++) for (let t = 0; t < T; t++) { grad[i * T + t] = l.dChosen[i]; grad[(B + i) * T + t] = l.dRejected[i]; }
        s = { chosenReward: l.chosenReward, rejectedReward: l.rejectedReward, rewardAccuracy: l.accuracy, margin: mean(pairs.map((p) => p.chosen.logp - p.rejected.logp)) };
        return { loss: l.loss, grad };
      }, `DPO step ${this.step + 1} loss`);
      if (!this.ptx) return dpo;
      const mixed = this.ptx.mixInto(dpo, this.policy, this.rng);
      ptxLoss = mixed.ptxLoss;
      return mixed.loss;
    }, { lr, gradClip: this.opts.gradClip ?? 1, step: this.step + 1 });
    this.step++;
    return { step: this.step, loss, ...s, ptxLoss, lr, gradNorm };
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

/** One response of a DPO pair: Σ log π over its tokens, the same under π_ref, and its token count. */
export interface DPOResponse { logp: number; ref: number; tokens: number }

export interface DPOLoss {
  loss: number; // mean over the pairs
  dChosen: number[]; // ∂loss/∂(Σ log π) of each pair's chosen response
  dRejected: number[];
  chosenReward: number; // mean βh_w
  rejectedReward: number;
  accuracy: number; // fraction of pairs with h_w > h_l
}

/** The DPO loss of a batch of pairs and its gradient with respect to each response's summed
 *  log-probability. Example (sigmoid, β = 0.1): h_w = 2, h_l = −3 → loss −log σ(0.5) = 0.474. */
export function dpoLoss(pairs: readonly { chosen: DPOResponse; rejected: DPOResponse }[], beta: number, variant: DPOVariant): DPOLoss {
  const B = pairs.length, out: DPOLoss = { loss: 0, dChosen: [], dRejected: [], chosenReward: 0, rejectedReward: 0, accuracy: 0 };
  // IPO compares per-token log-ratios: h = (Σ log π − Σ log π_ref) / |y|
  const per = (r: DPOResponse) => (variant === 'ipo' ? 1 / r.tokens : 1);
  for (const { chosen, rejected } of pairs) {
    const hw = (chosen.logp - chosen.ref) * per(chosen), hl = (rejected.logp - rejected.ref) * per(rejected);
    let dh: number; // ∂loss/∂(h_w − h_l) of this pair
    if (variant === 'ipo') {
      const e = hw - hl - 1 / (2 * beta);
      out.loss += (e * e) / B;
      dh = (2 * e) / B;
    } else {
      const ls = logSigmoid(beta * (hw - hl));
      out.loss -= ls.value / B;
      dh = (-ls.grad * beta) / B; // d(−log σ(z))/dz = −σ(−z)
    }
    out.dChosen.push(dh * per(chosen));
    out.dRejected.push(-dh * per(rejected));
    out.chosenReward += (beta * hw) / B; out.rejectedReward += (beta * hl) / B; out.accuracy += (hw > hl ? 1 : 0) / B;
  }
  return out;
}

/** Σ of row r of a [·, T] array. */
function rowSum(v: ArrayLike<number>, r: number, T: number): number {
  let s = 0;
  for (let t = 0; t < T; t++) s += v[r * T + t];
  return s;
}

/** Target (response) tokens per row of a padded batch's targets. */
function rowCounts(targets: Int32Array, B: number, T: number): number[] {
  return Array.from({ length: B }, (_, b) => targets.subarray(b * T, (b + 1) * T).reduce((n, x) => n + (x === IGNORE_INDEX ? 0 : 1), 0));
}

