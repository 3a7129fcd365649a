// Group Relative Policy Optimization (Shao et al. 2024, DeepSeekMath §4.1; TRL's GRPOTrainer):
// G responses per prompt, each response's advantage is its reward standardised within its group
// (advantages.ts), shared by all its tokens; no value head. The loss per token is the clipped
// surrogate plus β times the k3 estimate of KL(π‖π_ref) (ppo-loss.ts), averaged over each
// response's tokens and then over responses. Rollouts, the KL measure and controller, and PPO-ptx
// are PPO's (experience.ts, kl.ts, policy-update.ts).

import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../tensor/random.js';
import { AdamW, ADAMW_DEFAULTS } from '../train/adamw.js';
import { TrainLoop, type LoopState } from '../train/loop.js';
import { groupAdvantages } from './advantages.js';
import { AlignError } from './errors.js';
import { collectExperience, experienceStats, type ExperienceStats } from './experience.js';
import { KLController } from './kl.js';
import { updatePolicy } from './policy-update.js';
import { policyLoss } from './ppo-loss.js';
import { PtxLoss } from './ptx.js';
import { mean, rewardFn, type RewardFn } from './reward-fn.js';
import type { RewardModel } from './reward-model.js';
import { batchPrompts, checkRL, iterationSeed, type RLCommon } from './rl-common.js';

export interface GRPOOptions extends RLCommon {
  groupSize?: number; // G responses per prompt (default 8)
  epochs?: number; // μ: updates per batch of rollouts (default 1, as the paper's main runs)
  minibatchSize?: number; // rollouts per update (default: all)
  clip?: number; // ε (default 0.2)
}

export interface GRPOStats extends ExperienceStats {
  step: number; // iterations done (TrainLoop's counter)
  iteration: number; // the same, by its RL name
  klCoef: number; // β used this iteration
  k3: number; // mean per-token k3 KL estimate (what the loss penalises)
  clipFrac: number;
  groupStd: number; // mean within-group reward std (0 = no learning signal)
  loss: number;
  ptxLoss: number; // cross-entropy of the ptx batches (0 without ptx)
}

export class GRPOTrainer extends TrainLoop<GRPOStats> {
  readonly kl: KLController;
  private readonly opt: AdamW[];
  private readonly rng: Rng;
  private readonly reward: RewardFn;
  private readonly ptx: PtxLoss | null;

  constructor(readonly policy: GPT, readonly reference: GPT, reward: RewardModel | RewardFn, readonly tokenizer: Tokenizer,
    readonly prompts: readonly string[], readonly opts: GRPOOptions) {
    super(opts.iterations);
    checkRL('GRPO', prompts, opts);
    if (opts.groupSize !== undefined && (!Number.isInteger(opts.groupSize) || opts.groupSize < 2)) {
      throw new AlignError(`GRPO: groupSize must be an integer ≥ 2 (advantages are relative to the group), got ${opts.groupSize}`);
    }
    this.reward = rewardFn(reward);
    this.opt = [new AdamW(policy.params, { ...ADAMW_DEFAULTS, weightDecay: 0 })];
    this.kl = new KLController(opts.klCoef ?? 0.04, opts.klTarget ?? null, opts.klHorizon ?? 10000, opts.klCoefMin ?? 0);
    this.ptx = opts.ptx ? new PtxLoss(tokenizer, policy.config.blockSize, opts.ptx) : null;
    this.rng = new Rng(opts.seed ?? 1337);
  }

  async iterate(): Promise<GRPOStats> {
    const o = this.opts, beta = this.kl.value;
    const prompts = batchPrompts(this.prompts, o.promptsPerIteration ?? 8, this.rng);
    const exp = await collectExperience({ policy: this.policy, reference: this.reference, reward: this.reward, tokenizer: this.tokenizer }, prompts, o.groupSize ?? 8, o, iterationSeed(o, this.step), null);
    const { advantages, groupStd } = groupAdvantages(exp.scores, exp.rollouts);
    const perToken = exp.logp.map((lp, i) => new Float64Array(lp.length).fill(advantages[i]));
    const invLength = exp.logp.map((lp) => new Float64Array(lp.length).fill(1 / lp.length));
    const last = updatePolicy(this.policy, this.opt, this.tokenizer, exp.rollouts, this.rng, {
      epochs: o.epochs ?? 1, minibatchSize: o.minibatchSize ?? exp.rollouts.length, lr: o.lr ?? 1e-4, gradClip: o.gradClip ?? 1,
      step: this.step + 1, ptx: this.ptx,
    }, (m) => {
      // every response weighs the same whatever its length: 1/(|o_i|·B) per token
      const weight = m.tokens(invLength).map((w) => w / m.idx.length);
      const pl = policyLoss(m.out.logp, { rows: m.rows, old: m.tokens(exp.logp), target: m.tokens(perToken), ref: m.tokens(exp.ref), weight }, o.clip ?? 0.2, beta);
      return { loss: pl.loss, stats: { clipFrac: pl.clipFrac, k3: pl.k3, loss: pl.loss.item() } };
    });
    this.kl.update(mean(exp.kl), exp.rollouts.length);
    this.step++;
    return { step: this.step, iteration: this.step, ...experienceStats(exp, o.judge), klCoef: beta, groupStd, ...last };
  }

  protected next(): Promise<GRPOStats> { return this.iterate(); }
  protected state(): LoopState { return { model: this.policy, optimizers: this.opt, rng: this.rng, extra: { klCoef: String(this.kl.value) } }; }
  protected override restore(extra: Record<string, string>): void { this.kl.restore(extra.klCoef, 'GRPO'); }

  free(): void { for (const o of this.opt) o.free(); }
}
