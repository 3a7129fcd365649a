// The stages of the alignment example as functions, so that run.ts (one run, the report) and
// sweep.ts (many PPO/GRPO/DPO settings on one SFT model and reward model) share them:
// prepare() pre-trains, instruction-tunes, collects the labeler's rankings and trains the reward
// model; align() runs PPO, GRPO or DPO from the SFT model with given settings and measures the
// result on held-out prompts and held-out questions.

import type { Backend } from '../../ts/backend/backend.js';
import { GPT } from '../../ts/model/gpt.js';
import type { GPTConfig } from '../../ts/model/config.js';
import { trainBpe } from '../../ts/tokenizer/train.js';
import type { Tokenizer } from '../../ts/tokenizer/types.js';
import { MemoryTokens, packTokens, Trainer } from '../../ts/train/index.js';
import { SFTTrainer } from '../../ts/align/sft.js';
import { copyModel } from '../../ts/align/model-copy.js';
import { labelRecord, sentimentScore } from '../../ts/align/labeler.js';
import { rankingPairs, type PreferencePair } from '../../ts/align/preference-data.js';
import { sampleRollouts } from '../../ts/align/rollout.js';
import { RewardModel } from '../../ts/align/reward-model.js';
import { RewardTrainer } from '../../ts/align/reward-trainer.js';
import { PPOTrainer } from '../../ts/align/ppo.js';
import { GRPOTrainer } from '../../ts/align/grpo.js';
import { DPOTrainer, preferenceMargin, type DPOVariant } from '../../ts/align/dpo.js';
import type { Conversation } from '../../ts/align/sft-data.js';
import { Rng } from '../../ts/tensor/random.js';
import { EVAL_PROMPTS, instructions, pretrainText, RL_PROMPTS, sftConversations, stutter, type Instruction } from './data.js';
import { evalPolicy, exactMatch, type PolicyEval } from './eval.js';

export type Log = (s: string) => void;

/** What PPO, GRPO and DPO start from, built once. */
export interface Prepared {
  tok: Tokenizer;
  config: GPTConfig;
  base: GPT; // pre-trained
  sft: GPT; // instruction-tuned: the initial policy and the frozen reference
  rm: RewardModel;
  conversations: Conversation[]; // the SFT set (also PPO-ptx's data)
  pretrain: string[]; // the pre-training text, one sentence per entry (the other ptx data)
  heldOut: Instruction[]; // questions no stage trained on
  prefTrain: PreferencePair[];
  prefHeld: PreferencePair[];
  repetitionNegatives: boolean; // whether prefTrain and prefHeld hold the stuttered negatives
  steps: { pretrain: number; sft: number; rm: number };
  exactMatch: { pretrained: number; pretrainedPrefix: number; sft: number; sftPrefix: number; sftTrain: number };
  emExamples: { prompt: string; got: string; want: string }[];
  rmAccuracy: { train: number; heldOut: number };
  before: Measured; // the SFT model, measured as the aligned ones are
}

export interface Measured extends PolicyEval { exactMatch: number }

export interface PrepareOptions {
  /** Per prompt, the labeler's best sample against itself with a word doubled: a person prefers
   *  the fluent one, a word-counting labeler cannot tell (and SFT samples never stutter, so
   *  without these neither the reward model nor DPO ever sees a repetition to avoid). */
  repetitionNegatives: boolean;
}

/** Pre-training, SFT, the labeler's rankings and the reward model. `q` scales every step count. */
export async function prepare(be: Backend, q: number, log: Log, o: PrepareOptions): Promise<Prepared> {
  const n = (x: number) => Math.max(2, Math.round(x * q));
  // 1. pre-training on generated text
  const text = pretrainText();
  const tok = trainBpe(text, { vocabSize: 640 });
  const config: GPTConfig = { vocabSize: tok.vocabSize, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0, bias: true };
  const base = new GPT(be, config, { seed: 1 });
  const preSteps = n(1600);
  const pre = new Trainer(base, { train: new MemoryTokens(packTokens(tok.encode(text), tok.vocabSize)), steps: preSteps, batchSize: 16, blockSize: 32, lr: 4e-3, warmupIters: 50, weightDecay: 0.1, evalInterval: preSteps, evalIters: 4, seed: 1 });
  for await (const ev of pre.run()) if (ev.type === 'step' && ev.step % 400 === 0) log(`pre-train step ${ev.step}/${preSteps} loss ${ev.loss.toFixed(3)}`);
  pre.free();
  log(`pre-trained: ${base.numParams()} parameters, backend ${be.name}`);

  // 2. SFT
  const { train: sftTrain, heldOut } = instructions();
  const conversations = sftConversations(sftTrain);
  const emPre = await exactMatch(base, tok, heldOut);
  const sft = copyModel(base).train();
  const sftSteps = n(300);
  const st = new SFTTrainer(sft, tok, conversations, { steps: sftSteps, batchSize: 16, lr: 5e-4, seed: 3 });
  for (let i = 0; i < sftSteps; i++) { const s = st.trainStep(); if (s.step % 100 === 0) log(`SFT step ${s.step}/${sftSteps} loss ${s.loss.toFixed(3)}`); }
  st.free();
  const emSft = await exactMatch(sft, tok, heldOut), emSftTrain = await exactMatch(sft, tok, sftTrain);
  log(`exact match on ${heldOut.length} held-out instructions: pre-trained ${emPre.rate.toFixed(3)} → SFT ${emSft.rate.toFixed(3)} (train ${emSftTrain.rate.toFixed(3)})`);

  // 3. rankings from the scripted labeler, and the reward model
  async function rankings(prompts: readonly string[], K: number, seed: number): Promise<PreferencePair[]> {
    const ro = await sampleRollouts(sft, tok, prompts, K, { maxTokens: 16, seed }), rng = new Rng(seed);
    return prompts.flatMap((p, g) => {
      const rec = labelRecord(p, ro.filter((r) => r.group === g).map((r) => r.text)), best = rec.responses[rec.ranking[0]];
      // ties (equal labeler score) carry no preference; a person would not be asked to split them
      const pairs = rankingPairs(rec).filter((pr) => sentimentScore(pr.chosen) !== sentimentScore(pr.rejected));
      return o.repetitionNegatives ? [...pairs, { prompt: p, chosen: best, rejected: stutter(best, rng) }] : pairs;
    });
  }
  const prefTrain = [...await rankings(RL_PROMPTS, 6, 11), ...await rankings(RL_PROMPTS, 6, 12)];
  const prefHeld = await rankings(EVAL_PROMPTS, 6, 13);
  const rm = new RewardModel(copyModel(sft), tok);
  const rmSteps = n(150);
  const rt = new RewardTrainer(rm, prefTrain, { steps: rmSteps, batchSize: 16, lr: 5e-4, seed: 5 });
  for (let i = 0; i < rmSteps; i++) { const s = rt.trainStep(); if (s.step % 50 === 0) log(`reward model step ${s.step}/${rmSteps} loss ${s.loss.toFixed(3)} acc ${s.accuracy.toFixed(2)}`); }
  rt.free();
  const rmAccuracy = { train: rm.pairAccuracy(prefTrain), heldOut: rm.pairAccuracy(prefHeld) };
  log(`reward model: ${prefTrain.length} comparisons; pair accuracy train ${rmAccuracy.train.toFixed(3)}, held-out ${rmAccuracy.heldOut.toFixed(3)} (${prefHeld.length} pairs)`);

  const before = { ...await evalPolicy(sft, sft, rm, tok, EVAL_PROMPTS), exactMatch: emSft.rate };
  log(`SFT on held-out prompts: labeler ${before.labeler.toFixed(2)}, reward ${before.reward.toFixed(2)}, repetition ${before.repetition.toFixed(3)}`);
  return {
    tok, config, base, sft, rm, conversations, pretrain: text.split('\n').filter((l) => l !== ''), heldOut, prefTrain, prefHeld, repetitionNegatives: o.repetitionNegatives,
    steps: { pretrain: preSteps, sft: sftSteps, rm: rmSteps },
    exactMatch: { pretrained: emPre.rate, pretrainedPrefix: emPre.prefix, sft: emSft.rate, sftPrefix: emSft.prefix, sftTrain: emSftTrain.rate },
    emExamples: emSft.examples, rmAccuracy, before,
  };
}

/** PPO-ptx's data: the SFT conversations, the pre-training sentences, or both. */
export type PtxData = 'sft' | 'pretrain' | 'both';

/** The knobs of each method (what sweep.ts varies). */
export interface RLSettings { iterations: number; lr: number; klCoef: number; klTarget: number | null; klHorizon: number; klCoefMin: number; ptxCoef: number; ptxData: PtxData }
export interface DPOSettings { steps: number; lr: number; beta: number; variant: DPOVariant; ptxCoef: number; ptxData: PtxData }
export interface Settings { ppo: RLSettings; grpo: RLSettings; dpo: DPOSettings }

/** The settings of the committed report, chosen with sweep.ts (benches/results/alignment-sweep.md):
 *  PPO-ptx with γ 2 on the SFT set and the pre-training text and the KL held at 2 nats (β floored
 *  at its start, gain 2 per iteration); GRPO likewise with γ 0.5 and 1 nat; DPO with the IPO loss
 *  at β 0.7 (margin target 0.71 nats per token) and γ 0.5. The reward model and DPO see a
 *  stuttered copy of each prompt's best sample as a rejected response (PrepareOptions). */
export const SETTINGS: Settings = {
  ppo: { iterations: 30, lr: 2e-4, klCoef: 0.1, klTarget: 2, klHorizon: 8, klCoefMin: 0.1, ptxCoef: 2, ptxData: 'both' },
  grpo: { iterations: 30, lr: 3e-4, klCoef: 0.04, klTarget: 1, klHorizon: 16, klCoefMin: 0.04, ptxCoef: 0.5, ptxData: 'both' },
  dpo: { steps: 120, lr: 4e-4, beta: 0.7, variant: 'ipo', ptxCoef: 0.5, ptxData: 'both' },
};
/** Issue 7's settings (what the sweep starts from). */
export const ISSUE_7: Settings = {
  ppo: { iterations: 30, lr: 2e-4, klCoef: 0.1, klTarget: 3, klHorizon: 2000, klCoefMin: 0, ptxCoef: 0, ptxData: 'sft' },
  grpo: { iterations: 30, lr: 2e-4, klCoef: 0.04, klTarget: null, klHorizon: 10000, klCoefMin: 0, ptxCoef: 0, ptxData: 'sft' },
  dpo: { steps: 120, lr: 2e-4, beta: 0.1, variant: 'sigmoid', ptxCoef: 0, ptxData: 'sft' },
};
export const REPETITION_NEGATIVES = true; // the PrepareOptions of the committed report

export interface CurvePoint { step: number; reward: number; judge: number; kl: number; klCoef: number; entropy: number; repetition: number; clipFrac: number; ptxLoss: number }
export interface DPOPoint { step: number; loss: number; heldOutMargin: number; heldOutAccuracy: number }
export interface Aligned { measured: Measured; curve: CurvePoint[]; dpoCurve: DPOPoint[]; dpoMargin: { before: number; after: number } | null; seconds: number }

/** Runs one method from the SFT model and measures it. */
export async function align(p: Prepared, algo: 'ppo' | 'grpo' | 'dpo', s: Settings, q: number, log: Log): Promise<Aligned> {
  const t0 = performance.now(), n = (x: number) => Math.max(2, Math.round(x * q));
  const judge = (_: string, r: string) => sentimentScore(r);
  const policy = copyModel(p.sft).train();
  const ptxSets = { sft: p.conversations, pretrain: p.pretrain, both: [...p.conversations, ...p.pretrain] };
  const ptx = (coef: number, data: PtxData) => (coef > 0 ? { coef, batchSize: 8, data: ptxSets[data] } : undefined);
  const curve: CurvePoint[] = [], dpoCurve: DPOPoint[] = [];
  let dpoMargin: Aligned['dpoMargin'] = null;
  if (algo === 'dpo') {
    const d = s.dpo, steps = n(d.steps);
    const before = preferenceMargin(policy, p.tok, p.prefHeld).margin;
    const tr = new DPOTrainer(policy, p.sft, p.tok, p.prefTrain, { steps, beta: d.beta, variant: d.variant, ptx: ptx(d.ptxCoef, d.ptxData), batchSize: 16, lr: d.lr, seed: 9 });
    for (let i = 0; i < steps; i++) {
      const st = tr.trainStep();
      if (st.step % Math.max(1, Math.round(steps / 6)) === 0 || st.step === steps) {
        const m = preferenceMargin(policy, p.tok, p.prefHeld);
        dpoCurve.push({ step: st.step, loss: st.loss, heldOutMargin: m.margin, heldOutAccuracy: m.accuracy });
        log(`dpo step ${st.step}/${steps}: loss ${st.loss.toFixed(3)}, held-out margin ${m.margin.toFixed(2)}, accuracy ${m.accuracy.toFixed(2)}`);
      }
    }
    tr.free();
    dpoMargin = { before, after: preferenceMargin(policy, p.tok, p.prefHeld).margin };
  } else {
    const r = s[algo], iters = n(r.iterations);
    const common = { iterations: iters, lr: r.lr, klCoef: r.klCoef, klTarget: r.klTarget, klHorizon: r.klHorizon, klCoefMin: r.klCoefMin, ptx: ptx(r.ptxCoef, r.ptxData), seed: 7, judge };
    const tr = algo === 'ppo'
      ? new PPOTrainer(policy, p.sft, p.rm, p.tok, RL_PROMPTS, { ...common, promptsPerIteration: 16, epochs: 4, minibatchSize: 8 })
      : new GRPOTrainer(policy, p.sft, p.rm, p.tok, RL_PROMPTS, { ...common, promptsPerIteration: 4, groupSize: 8, epochs: 2 });
    for (let i = 0; i < iters; i++) {
      const st = await tr.iterate();
      curve.push({ step: st.iteration, reward: st.reward, judge: st.judge!, kl: st.kl, klCoef: st.klCoef, entropy: st.entropy, repetition: st.repetition, clipFrac: st.clipFrac, ptxLoss: st.ptxLoss });
      if (st.iteration % 10 === 0) log(`${algo} iteration ${st.iteration}/${iters}: reward ${st.reward.toFixed(2)} labeler ${st.judge!.toFixed(2)} KL ${st.kl.toFixed(2)} β ${st.klCoef.toFixed(3)} repetition ${st.repetition.toFixed(2)}`);
    }
    tr.free();
  }
  const measured = { ...await evalPolicy(policy, p.sft, p.rm, p.tok, EVAL_PROMPTS), exactMatch: (await exactMatch(policy, p.tok, p.heldOut)).rate };
  policy.free();
  return { measured, curve, dpoCurve, dpoMargin, seconds: (performance.now() - t0) / 1000 };
}
