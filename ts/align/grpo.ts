// Group Relative Policy Optimization (Shao et al. 2024, DeepSeekMath §4.1; TRL's GRPOTrainer):
// G responses per prompt, each response's advantage is its reward standardised within its group,
// (r − mean_group) / (std_group + ε), shared by all its tokens; no value head. The loss per token
// is the clipped surrogate plus β times the k3 estimate of KL(π‖π_ref),
// exp(ref − logp) − (ref − logp) − 1 (unbiased, always ≥ 0), averaged over each response's tokens
// and then over responses (the paper's 1/G Σ 1/|o_i| Σ_t).

import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../tensor/random.js';
import { chatIds } from './chat.js';
import { tokenLogprobTensor } from './logprobs.js';
import { vectorLoss } from './ops.js';
import { AdamW, ADAMW_DEFAULTS } from '../train/adamw.js';
import { TrainLoop, type LoopState } from '../train/loop.js';
import { optimizerStep } from '../train/step.js';
import { mean, rewardFn, scoreRollouts, type RewardFn } from './reward-fn.js';
import type { RewardModel } from './reward-model.js';
import { batchPrompts, checkRL, shuffle, type RLCommon, type RLSample } from './rl-common.js';
import { sampleRollouts, tokenStats, type Rollout } from './rollout.js';
import { AlignError } from './errors.js';

export interface GRPOOptions extends RLCommon {
  groupSize?: number; // G responses per prompt (default 8)
  epochs?: number; // μ: updates per batch of rollouts (default 1, as the paper's main runs)
  minibatchSize?: number; // rollouts per update (default: all)
  clip?: number; // ε (default 0.2)
  beta?: number; // KL weight β (default 0.04, the paper's)
}

export interface GRPOStats {
  step: number; // iterations done (TrainLoop's counter)
  iteration: number; // the same, by its RL name
  reward: number; // mean reward of the iteration's responses
  judge: number | null;
  kl: number; // mean Σ_t (log π_old − log π_ref) per response (same measure as PPO's)
  k3: number; // mean per-token k3 KL estimate (what the loss penalises)
  entropy: number;
  clipFrac: number;
  groupStd: number; // mean within-group reward std (0 = no learning signal)
  loss: number;
  responseLength: number;
  samples: RLSample[];
}

export class GRPOTrainer extends TrainLoop<GRPOStats> {
  private readonly opt: AdamW[];
  private readonly rng: Rng;
  private readonly reward: RewardFn;

  constructor(readonly policy: GPT, readonly reference: GPT, reward: RewardModel | RewardFn, readonly tokenizer: Tokenizer,
    readonly prompts: readonly string[], readonly opts: GRPOOptions) {
    super(opts.iterations);
    checkRL('GRPO', prompts, opts);
    if (opts.groupSize !== undefined && (!Number.isInteger(opts.groupSize) || opts.groupSize < 2)) {
      throw new AlignError(`GRPO: groupSize must be an integer ≥ 2 (advantages are relative to the group), got ${opts.groupSize}`);
    }
    this.reward = rewardFn(reward);
    this.opt = [new AdamW(policy.params, { ...ADAMW_DEFAULTS, weightDecay: 0 })];
    this.rng = new Rng(opts.seed ?? 1337);
  }

  async iterate(): Promise<GRPOStats> {
    const o = this.opts, tok = this.tokenizer, G = o.groupSize ?? 8;
    const prompts = batchPrompts(this.prompts, o.promptsPerIteration ?? 8, this.rng);
    const rollouts = await sampleRollouts(this.policy, tok, prompts, G,
      { maxTokens: o.maxTokens ?? 16, temperature: o.temperature, seed: ((o.seed ?? 1337) + this.step * 7919) >>> 0 });
    const scores = scoreRollouts(this.reward, rollouts, o.missingEndPenalty ?? 1);
    const { advantages, groupStd } = groupAdvantages(scores, rollouts);
    const pol = tokenStats(this.policy, tok, rollouts, null), ref = tokenStats(this.reference, tok, rollouts, null);
    const klPer = rollouts.map((_, i) => pol.logp[i].reduce((s, v, t) => s + v - ref.logp[i][t], 0));
    const pad = chatIds(tok).end, mb = o.minibatchSize ?? rollouts.length, clip = o.clip ?? 0.2, beta = o.beta ?? 0.04;
    let last = { clipFrac: 0, k3: 0, loss: 0 };
    this.policy.train();
    for (let epoch = 0; epoch < (o.epochs ?? 1); epoch++) {
      const order = shuffle(rollouts.length, this.rng), acc = { clipFrac: 0, k3: 0, loss: 0, n: 0 };
      for (let s = 0; s < order.length; s += mb) {
        const idx = order.slice(s, s + mb);
        optimizerStep(this.opt, () => {
          const out = tokenLogprobTensor(this.policy, idx.map((i) => rollouts[i].seq), pad);
          const T = out.batch.T;
          let clipped = 0, k3sum = 0, tokens = 0;
          const loss = vectorLoss(out.logp, (v) => {
            const grad = new Float64Array(v.length);
            let total = 0;
            clipped = 0; k3sum = 0; tokens = 0;
            idx.forEach((i, b) => {
              const r = rollouts[i], A = advantages[i], n = r.positions.length, w = 1 / (n * idx.length);
              r.positions.forEach((t, j) => {
                const row = b * T + t, lp = v[row], ratio = Math.exp(lp - pol.logp[i][j]), dr = ref.logp[i][j] - lp;
                const l1 = -A * ratio, l2 = -A * Math.min(1 + clip, Math.max(1 - clip, ratio));
                const k3 = Math.exp(dr) - dr - 1;
                total += w * (Math.max(l1, l2) + beta * k3);
                grad[row] = w * ((l1 >= l2 ? -A * ratio : 0) + beta * (1 - Math.exp(dr))); // dk3/dlogp = 1 − e^{ref−logp}
                if (l1 < l2) clipped++;
                k3sum += k3; tokens++;
              });
            });
            return { loss: total, grad };
          }, 'GRPO loss');
          acc.loss += loss.item();
          acc.clipFrac += clipped / tokens; acc.k3 += k3sum / tokens; acc.n++;
          return loss;
        }, { lr: o.lr ?? 1e-4, gradClip: o.gradClip ?? 1, step: this.step + 1 });
      }
      last = { clipFrac: acc.clipFrac / acc.n, k3: acc.k3 / acc.n, loss: acc.loss / acc.n };
    }
    this.step++;
    return {
      step: this.step, iteration: this.step, reward: mean(scores), judge: o.judge ? mean(rollouts.map((r) => o.judge!(r.prompt, r.text))) : null,
      kl: mean(klPer), ...last, entropy: pol.entropy, groupStd, responseLength: mean(rollouts.map((r) => r.response.length)),
      samples: rollouts.slice(0, 4).map((r, i) => ({ prompt: r.prompt, response: r.text, reward: scores[i] })),
    };
  }

  protected next(): Promise<GRPOStats> { return this.iterate(); }
  protected state(): LoopState { return { model: this.policy, optimizers: this.opt, rng: this.rng }; }

  free(): void { for (const o of this.opt) o.free(); }
}

/** (r − mean) / (std + 1e-4) within each group (population std, as TRL). */
export function groupAdvantages(scores: readonly number[], rollouts: readonly Pick<Rollout, 'group'>[]): { advantages: number[]; groupStd: number } {
  const groups = new Map<number, number[]>();
  rollouts.forEach((r, i) => { const g = groups.get(r.group) ?? []; g.push(i); groups.set(r.group, g); });
  const advantages = new Array<number>(scores.length).fill(0);
  let stdSum = 0;
  for (const members of groups.values()) {
    const m = mean(members.map((i) => scores[i]));
    const std = Math.sqrt(mean(members.map((i) => (scores[i] - m) ** 2)));
    stdSum += std;
    for (const i of members) advantages[i] = (scores[i] - m) / (std + 1e-4);
  }
  return { advantages, groupStd: stdSum / groups.size };
}
