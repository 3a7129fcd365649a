// RLHF with PPO, as InstructGPT (Ouyang et al. 2022, §3.5) and TRL's PPOTrainer do it: the
// policy starts from the SFT model, a frozen copy is the reference, a value head shares the
// policy's backbone (TRL's AutoModelForCausalLMWithValueHead). Per iteration: sample responses,
// score them with the reward model, turn the score into per-token rewards with a KL penalty
// −β(log π_old − log π_ref) on every token and the score on the last, estimate advantages with
// GAE, then run several epochs of clipped policy + value updates on minibatches.

import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { add, reshape, scale } from '../tensor/ops.js';
import { Rng } from '../tensor/random.js';
import { chatIds } from './chat.js';
import { AlignError } from './errors.js';
import { gae, KLController, whiten } from './gae.js';
import { ScalarHead } from './head.js';
import { tokenLogprobTensor } from './logprobs.js';
import { AdamW, ADAMW_DEFAULTS } from '../train/adamw.js';
import { TrainLoop, type LoopState } from '../train/loop.js';
import { optimizerStep } from '../train/step.js';
import { policyLoss, valueLoss } from './ppo-loss.js';
import { mean, rewardFn, scoreRollouts, type RewardFn } from './reward-fn.js';
import type { RewardModel } from './reward-model.js';
import { sampleRollouts, tokenStats } from './rollout.js';
import { batchPrompts, checkRL, shuffle, type RLCommon, type RLSample } from './rl-common.js';

export interface PPOOptions extends RLCommon {
  samplesPerPrompt?: number; // responses per prompt (default 1)
  epochs?: number; // passes over each batch of rollouts (default 4)
  minibatchSize?: number; // rollouts per update (default: all of the iteration's)
  clip?: number; // ε of the policy ratio (default 0.2)
  clipValue?: number; // ε of the value clip (default 0.2)
  vfCoef?: number; // weight of the value loss (default 0.1, TRL)
  gamma?: number; // discount (default 1)
  lam?: number; // GAE λ (default 0.95)
  klCoef?: number; // initial β of the per-token KL penalty (default 0.05)
  targetKL?: number | null; // adapt β towards this KL per response (default null: fixed β)
  klHorizon?: number; // adaptation horizon in samples (default 10000)
}

export interface PPOStats {
  step: number; // iterations done (TrainLoop's counter)
  iteration: number; // the same, by its RL name
  reward: number; // mean reward-model score of the iteration's responses
  judge: number | null; // mean opts.judge score (e.g. the scripted labeler), if given
  kl: number; // mean Σ_t (log π_old − log π_ref) per response, in nats
  klCoef: number; // β used this iteration
  entropy: number; // mean per-token entropy of π on the responses
  clipFrac: number; // fraction of tokens whose ratio was clipped (last epoch)
  approxKL: number; // ½·mean((log π − log π_old)²) (last epoch)
  policyLoss: number;
  valueLoss: number;
  responseLength: number;
  samples: RLSample[];
}

export class PPOTrainer extends TrainLoop<PPOStats> {
  readonly valueHead: ScalarHead;
  readonly kl: KLController;
  private readonly opt: AdamW[];
  private readonly rng: Rng;
  private readonly reward: RewardFn;

  constructor(readonly policy: GPT, readonly reference: GPT, reward: RewardModel | RewardFn, readonly tokenizer: Tokenizer,
    readonly prompts: readonly string[], readonly opts: PPOOptions) {
    super(opts.iterations);
    checkRL('PPO', prompts, opts);
    this.reward = rewardFn(reward);
    this.valueHead = new ScalarHead(policy.backend, policy.config.nEmbd, { name: 'v_head', bias: true, seed: (opts.seed ?? 1337) + 1 });
    this.opt = [policy.params, this.valueHead.params].map((p) => new AdamW(p, { ...ADAMW_DEFAULTS, weightDecay: 0 }));
    this.kl = new KLController(opts.klCoef ?? 0.05, opts.targetKL ?? null, opts.klHorizon ?? 10000);
    this.rng = new Rng(opts.seed ?? 1337);
  }

  /** One PPO iteration: rollouts, rewards, GAE, then epochs × minibatches of updates. */
  async iterate(): Promise<PPOStats> {
    const o = this.opts, tok = this.tokenizer;
    const prompts = batchPrompts(this.prompts, o.promptsPerIteration ?? 8, this.rng);
    const rollouts = await sampleRollouts(this.policy, tok, prompts, o.samplesPerPrompt ?? 1,
      { maxTokens: o.maxTokens ?? 16, temperature: o.temperature, seed: ((o.seed ?? 1337) + this.step * 7919) >>> 0 });
    const scores = scoreRollouts(this.reward, rollouts, o.missingEndPenalty ?? 1);
    const pol = tokenStats(this.policy, tok, rollouts, this.valueHead), ref = tokenStats(this.reference, tok, rollouts, null);
    const beta = this.kl.value, gamma = o.gamma ?? 1, lam = o.lam ?? 0.95;
    const klPer: number[] = [], adv: Float64Array[] = [], ret: Float64Array[] = [];
    rollouts.forEach((_, i) => {
      const lp = pol.logp[i], lr = ref.logp[i], n = lp.length;
      const rewards = new Float64Array(n);
      let kl = 0;
      for (let t = 0; t < n; t++) { const k = lp[t] - lr[t]; kl += k; rewards[t] = -beta * k; }
      rewards[n - 1] += scores[i]; // the reward model's score arrives with the last token
      klPer.push(kl);
      const g = gae(rewards, pol.values![i], gamma, lam);
      adv.push(g.advantages); ret.push(g.returns);
    });
    whiten(adv);
    const pad = chatIds(tok).end, mb = o.minibatchSize ?? rollouts.length, lr = o.lr ?? 1e-4;
    let last = { clipFrac: 0, approxKL: 0, policyLoss: 0, valueLoss: 0 };
    this.policy.train();
    for (let epoch = 0; epoch < (o.epochs ?? 4); epoch++) {
      const order = shuffle(rollouts.length, this.rng);
      const acc = { clipFrac: 0, approxKL: 0, policyLoss: 0, valueLoss: 0, n: 0 };
      for (let s = 0; s < order.length; s += mb) {
        const idx = order.slice(s, s + mb);
        optimizerStep(this.opt, () => {
          const out = tokenLogprobTensor(this.policy, idx.map((i) => rollouts[i].seq), pad);
          const T = out.batch.T, rows: number[] = [];
          idx.forEach((i, b) => { for (const t of rollouts[i].positions) rows.push(b * T + t); });
          const cat = (parts: ArrayLike<number>[]) => Float64Array.from(idx.flatMap((i) => Array.from(parts[i])));
          const pl = policyLoss(out.logp, { rows, old: cat(pol.logp), target: cat(adv) }, o.clip ?? 0.2);
          const values = reshape(this.valueHead.forward(out.hidden), [out.batch.B * T]);
          const vl = valueLoss(values, { rows, old: cat(pol.values!), target: cat(ret) }, o.clipValue ?? 0.2);
          acc.clipFrac += pl.clipFrac; acc.approxKL += pl.approxKL; acc.policyLoss += pl.loss.item(); acc.valueLoss += vl.loss.item(); acc.n++;
          return add(pl.loss, scale(vl.loss, o.vfCoef ?? 0.1));
        }, { lr, gradClip: o.gradClip ?? 1, step: this.step + 1 });
      }
      last = { clipFrac: acc.clipFrac / acc.n, approxKL: acc.approxKL / acc.n, policyLoss: acc.policyLoss / acc.n, valueLoss: acc.valueLoss / acc.n };
    }
    const kl = mean(klPer);
    this.kl.update(kl, rollouts.length);
    this.step++;
    return {
      step: this.step, iteration: this.step, reward: mean(scores), judge: o.judge ? mean(rollouts.map((r) => o.judge!(r.prompt, r.text))) : null,
      kl, klCoef: beta, entropy: pol.entropy, ...last, responseLength: mean(rollouts.map((r) => r.response.length)),
      samples: rollouts.slice(0, 4).map((r, i) => ({ prompt: r.prompt, response: r.text, reward: scores[i] })),
    };
  }

  protected next(): Promise<PPOStats> { return this.iterate(); }
  protected state(): LoopState { return { model: this.policy, optimizers: this.opt, rng: this.rng, extra: { klCoef: String(this.kl.value) } }; }
  protected override restore(extra: Record<string, string>): void {
    const v = Number(extra.klCoef);
    if (!(v >= 0 && Number.isFinite(v))) throw new AlignError(`PPO train state: klCoef ${JSON.stringify(extra.klCoef)} is not a finite number ≥ 0`);
    this.kl.value = v;
  }

  free(): void { for (const o of this.opt) o.free(); this.valueHead.free(); }
}
