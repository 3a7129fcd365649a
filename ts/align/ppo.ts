// RLHF with PPO, as InstructGPT (Ouyang et al. 2022, §3.5) and TRL's PPOTrainer do it: the
// policy starts from the SFT model, a frozen copy is the reference, a value head shares the
// policy's backbone (TRL's AutoModelForCausalLMWithValueHead). Per iteration: sample responses,
// score them with the reward model, turn the score into per-token rewards with a KL penalty
// −β(log π_old − log π_ref) on every token and the score on the last, estimate advantages with
// GAE, then run several epochs of clipped policy + value updates on minibatches. β can be held
// at a KL target (kl.ts), and PPO-ptx mixes a cross-entropy on earlier data into each update
// (ptx.ts).

import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { add, reshape, scale } from '../tensor/ops.js';
import { Rng } from '../tensor/random.js';
import { gae, whiten } from './advantages.js';
import { collectExperience, experienceStats, type ExperienceStats } from './experience.js';
import { ScalarHead } from './head.js';
import { KLController, klPenalisedRewards } from './kl.js';
import { AdamW, ADAMW_DEFAULTS } from '../train/adamw.js';
import { TrainLoop, type LoopState } from '../train/loop.js';
import { updatePolicy } from './policy-update.js';
import { policyLoss, valueLoss } from './ppo-loss.js';
import { PtxLoss } from './ptx.js';
import { mean, rewardFn, type RewardFn } from './reward-fn.js';
import type { RewardModel } from './reward-model.js';
import { batchPrompts, checkRL, iterationSeed, type RLCommon } from './rl-common.js';

export interface PPOOptions extends RLCommon {
  samplesPerPrompt?: number; // responses per prompt (default 1)
  epochs?: number; // passes over each batch of rollouts (default 4)
  minibatchSize?: number; // rollouts per update (default: all of the iteration's)
  clip?: number; // ε of the policy ratio (default 0.2)
  clipValue?: number; // ε of the value clip (default 0.2)
  vfCoef?: number; // weight of the value loss (default 0.1, TRL)
  gamma?: number; // discount (default 1)
  lam?: number; // GAE λ (default 0.95)
}

export interface PPOStats extends ExperienceStats {
  step: number; // iterations done (TrainLoop's counter)
  iteration: number; // the same, by its RL name
  klCoef: number; // β used this iteration
  clipFrac: number; // fraction of tokens whose ratio was clipped (last epoch)
  approxKL: number; // ½·mean((log π − log π_old)²) (last epoch)
  policyLoss: number;
  valueLoss: number;
  ptxLoss: number; // cross-entropy of the ptx batches (0 without ptx)
}

export class PPOTrainer extends TrainLoop<PPOStats> {
  readonly valueHead: ScalarHead;
  readonly kl: KLController;
  private readonly opt: AdamW[];
  private readonly rng: Rng;
  private readonly reward: RewardFn;
  private readonly ptx: PtxLoss | null;

  constructor(readonly policy: GPT, readonly reference: GPT, reward: RewardModel | RewardFn, readonly tokenizer: Tokenizer,
    readonly prompts: readonly string[], readonly opts: PPOOptions) {
    super(opts.iterations);
    checkRL('PPO', prompts, opts);
    this.reward = rewardFn(reward);
    this.valueHead = new ScalarHead(policy.backend, policy.config.nEmbd, { name: 'v_head', bias: true, seed: (opts.seed ?? 1337) + 1 });
    this.opt = [policy.params, this.valueHead.params].map((p) => new AdamW(p, { ...ADAMW_DEFAULTS, weightDecay: 0 }));
    this.kl = new KLController(opts.klCoef ?? 0.05, opts.klTarget ?? null, opts.klHorizon ?? 10000, opts.klCoefMin ?? 0);
    this.ptx = opts.ptx ? new PtxLoss(tokenizer, policy.config.blockSize, opts.ptx) : null;
    this.rng = new Rng(opts.seed ?? 1337);
  }

  /** One PPO iteration: rollouts, rewards, GAE, then epochs × minibatches of updates. */
  async iterate(): Promise<PPOStats> {
    const o = this.opts, beta = this.kl.value;
    const prompts = batchPrompts(this.prompts, o.promptsPerIteration ?? 8, this.rng);
    const exp = await collectExperience({ policy: this.policy, reference: this.reference, reward: this.reward, tokenizer: this.tokenizer }, prompts, o.samplesPerPrompt ?? 1, o, iterationSeed(o, this.step), this.valueHead);
    const adv: Float64Array[] = [], ret: Float64Array[] = [];
    exp.rollouts.forEach((_, i) => {
      const g = gae(klPenalisedRewards(exp.logp[i], exp.ref[i], beta, exp.scores[i]), exp.values![i], o.gamma ?? 1, o.lam ?? 0.95);
      adv.push(g.advantages); ret.push(g.returns);
    });
    whiten(adv);
    const last = updatePolicy(this.policy, this.opt, this.tokenizer, exp.rollouts, this.rng, {
      epochs: o.epochs ?? 4, minibatchSize: o.minibatchSize ?? exp.rollouts.length, lr: o.lr ?? 1e-4, gradClip: o.gradClip ?? 1,
      step: this.step + 1, ptx: this.ptx,
    }, (m) => {
      const pl = policyLoss(m.out.logp, { rows: m.rows, old: m.tokens(exp.logp), target: m.tokens(adv) }, o.clip ?? 0.2);
      const values = reshape(this.valueHead.forward(m.out.hidden), [m.out.batch.B * m.out.batch.T]);
      const vl = valueLoss(values, { rows: m.rows, old: m.tokens(exp.values!), target: m.tokens(ret) }, o.clipValue ?? 0.2);
      return {
        loss: add(pl.loss, scale(vl.loss, o.vfCoef ?? 0.1)),
        stats: { clipFrac: pl.clipFrac, approxKL: pl.approxKL, policyLoss: pl.loss.item(), valueLoss: vl.loss.item() },
      };
    });
    this.kl.update(mean(exp.kl), exp.rollouts.length);
    this.step++;
    return { step: this.step, iteration: this.step, ...experienceStats(exp, o.judge), klCoef: beta, ...last };
  }

  protected next(): Promise<PPOStats> { return this.iterate(); }
  protected state(): LoopState { return { model: this.policy, optimizers: this.opt, rng: this.rng, extra: { klCoef: String(this.kl.value) } }; }
  protected override restore(extra: Record<string, string>): void { this.kl.restore(extra.klCoef, 'PPO'); }

  free(): void { for (const o of this.opt) o.free(); this.valueHead.free(); }
}
