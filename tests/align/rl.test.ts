// The alignment pipeline on a tiny sentiment world (one deterministic run on the fastest
// backend): the scripted labeler ranks SFT samples, a reward model learns them (held-out pair
// accuracy ≥ 0.8), then PPO, GRPO and DPO each raise the reward-model score and the labeler's
// own score while the KL to the reference stays under a stated bound.
import { beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/backends.js';
import type { GPT } from '../../ts/model/gpt.js';
import { sampleRollouts } from '../../ts/align/rollout.js';
import { labelRecord, sentimentScore } from '../../ts/align/labeler.js';
import { rankingPairs, type PreferencePair } from '../../ts/align/preference-data.js';
import { RewardModel } from '../../ts/align/reward-model.js';
import { RewardTrainer } from '../../ts/align/reward-trainer.js';
import { copyModel } from '../../ts/align/model-copy.js';
import { PPOTrainer } from '../../ts/align/ppo.js';
import { GRPOTrainer } from '../../ts/align/grpo.js';
import { DPOTrainer, preferenceMargin, type DPOVariant } from '../../ts/align/dpo.js';
import { chatSequence, sequenceLogprobs } from '../../ts/align/logprobs.js';
import { PROMPTS, sftModel, tok } from './world.js';

const be = (await testBackends()).at(-1)!; // wasm when it loads: the algorithms do not depend on it
const judge = (_: string, r: string) => sentimentScore(r);
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
// KL(π‖π_ref) per response, in nats, that a run of this size must stay under
const KL_BOUND = 8;

let sft: GPT, rm: RewardModel, train: PreferencePair[], heldOut: PreferencePair[];

/** Labeler comparisons of K samples per prompt; ties (equal labeler score) carry no preference. */
async function labelled(seed: number): Promise<PreferencePair[]> {
  const ro = await sampleRollouts(sft, tok, PROMPTS, 8, { maxTokens: 16, seed });
  return PROMPTS.flatMap((p, g) => rankingPairs(labelRecord(p, ro.filter((r) => r.group === g).map((r) => r.text))))
    .filter((p) => sentimentScore(p.chosen) !== sentimentScore(p.rejected));
}

async function meanJudge(policy: GPT, seed: number): Promise<number> {
  const ro = await sampleRollouts(policy, tok, PROMPTS, 8, { maxTokens: 16, seed });
  return avg(ro.map((r) => sentimentScore(r.text)));
}

beforeAll(async () => {
  sft = sftModel(be);
  train = await labelled(5);
  heldOut = await labelled(6);
  rm = new RewardModel(copyModel(sft), tok);
  const rt = new RewardTrainer(rm, train, { steps: 60, batchSize: 16, lr: 3e-3 });
  for (let i = 0; i < 60; i++) rt.trainStep();
  rt.free();
});

describe(`RLHF on ${be.name}`, () => {
  it('reward model: held-out pair accuracy on the labeler\'s rankings ≥ 0.8', () => {
    expect(train.length).toBeGreaterThan(20);
    expect(heldOut.length).toBeGreaterThan(20);
    const acc = rm.pairAccuracy(heldOut);
    console.log(`reward model: ${train.length} training pairs, held-out accuracy ${acc.toFixed(3)} on ${heldOut.length} pairs`);
    expect(acc).toBeGreaterThanOrEqual(0.8);
  });

  it('PPO raises the reward and the labeler score with KL under the bound', async () => {
    const policy = copyModel(sft).train(), ref = copyModel(sft);
    const ppo = new PPOTrainer(policy, ref, rm, tok, PROMPTS, { iterations: 14, promptsPerIteration: 16, lr: 5e-4, klCoef: 0.1, seed: 3, judge });
    const stats = [];
    for (let i = 0; i < 14; i++) stats.push(await ppo.iterate());
    const first = stats.slice(0, 3), last = stats.slice(-4);
    console.log('PPO reward', stats.map((s) => s.reward.toFixed(2)).join(' '), '| kl', stats.map((s) => s.kl.toFixed(2)).join(' '));
    expect(avg(last.map((s) => s.reward))).toBeGreaterThan(avg(first.map((s) => s.reward)) + 0.5);
    expect(avg(last.map((s) => s.judge!))).toBeGreaterThan(avg(first.map((s) => s.judge!)) + 0.3);
    expect(Math.max(...stats.map((s) => s.kl))).toBeLessThan(KL_BOUND);
    for (const s of stats) for (const k of ['entropy', 'clipFrac', 'valueLoss', 'klCoef'] as const) expect(Number.isFinite(s[k])).toBe(true);
    expect(await meanJudge(policy, 99)).toBeGreaterThan(await meanJudge(sft, 99));
    ppo.free(); policy.free(); ref.free();
  });

  it('GRPO raises the reward and the labeler score with KL under the bound', async () => {
    const policy = copyModel(sft).train(), ref = copyModel(sft);
    const grpo = new GRPOTrainer(policy, ref, rm, tok, PROMPTS, { iterations: 12, promptsPerIteration: 4, groupSize: 8, lr: 5e-4, seed: 3, judge });
    const stats = [];
    for (let i = 0; i < 12; i++) stats.push(await grpo.iterate());
    const first = stats.slice(0, 3), last = stats.slice(-4);
    console.log('GRPO reward', stats.map((s) => s.reward.toFixed(2)).join(' '), '| kl', stats.map((s) => s.kl.toFixed(2)).join(' '));
    expect(avg(last.map((s) => s.reward))).toBeGreaterThan(avg(first.map((s) => s.reward)) + 0.5);
    expect(avg(last.map((s) => s.judge!))).toBeGreaterThan(avg(first.map((s) => s.judge!)) + 0.3);
    expect(Math.max(...stats.map((s) => s.kl))).toBeLessThan(KL_BOUND);
    grpo.free(); policy.free(); ref.free();
  });

  it('DPO widens the chosen-minus-rejected margin on held-out pairs and raises the labeler score', async () => {
    const policy = copyModel(sft).train(), ref = copyModel(sft);
    const before = preferenceMargin(policy, tok, heldOut);
    const dpo = new DPOTrainer(policy, ref, tok, train, { steps: 40, beta: 0.1, batchSize: 16, lr: 1e-3, seed: 4 });
    for (let i = 0; i < 40; i++) dpo.trainStep();
    const after = preferenceMargin(policy, tok, heldOut);
    console.log(`DPO held-out margin ${before.margin.toFixed(2)} → ${after.margin.toFixed(2)}, accuracy ${before.accuracy.toFixed(2)} → ${after.accuracy.toFixed(2)}`);
    expect(after.margin).toBeGreaterThan(before.margin + 1);
    expect(await meanJudge(policy, 99)).toBeGreaterThan(await meanJudge(sft, 99) + 0.3);
    dpo.free(); policy.free(); ref.free();
  });

  it('IPO settles the per-token margin near its target 1/(2β); the sigmoid loss runs past it', async () => {
    // h = (log π − log π_ref)/|y| per response; the margin is mean over pairs of h_w − h_l
    const seqs = (side: 'chosen' | 'rejected') => train.map((p) => chatSequence(tok, p.prompt, p[side]));
    const lengths = (side: 'chosen' | 'rejected') => seqs(side).map((q) => Array.from(q.train).reduce((a, b) => a + b, 0));
    const h = (m: GPT, side: 'chosen' | 'rejected') => {
      const lp = sequenceLogprobs(m, tok, seqs(side)), lr = sequenceLogprobs(sft, tok, seqs(side)), n = lengths(side);
      return lp.map((v, i) => (v - lr[i]) / n[i]);
    };
    const margins = (variant: DPOVariant) => { // after 40 and after 80 steps of one run
      const policy = copyModel(sft).train(), out: number[] = [];
      const dpo = new DPOTrainer(policy, sft, tok, train, { steps: 80, beta: 1, variant, batchSize: 16, lr: 1e-3, seed: 4 });
      for (let i = 1; i <= 80; i++) {
        dpo.trainStep();
        if (i % 40 === 0) { const w = h(policy, 'chosen'), l = h(policy, 'rejected'); out.push(avg(w.map((x, j) => x - l[j]))); }
      }
      dpo.free(); policy.free();
      return out;
    };
    const ipo = margins('ipo'), sig = margins('sigmoid');
    console.log(`per-token margin after 40, 80 steps (β = 1): IPO ${ipo.map((x) => x.toFixed(3)).join(', ')}; sigmoid ${sig.map((x) => x.toFixed(3)).join(', ')}`);
    expect(Math.abs(ipo[1] - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(ipo[1] - ipo[0])).toBeLessThan(0.03);
    expect(sig[1]).toBeGreaterThan(ipo[1] + 0.2); // past IPO's target…
    expect(sig[1]).toBeGreaterThan(sig[0]); // …and still rising
  });
});
