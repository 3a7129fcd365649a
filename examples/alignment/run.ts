// The whole alignment pipeline on a small scale (InstructGPT's three steps, then DPO in place of
// steps 2–3): pre-train a tiny GPT on generated facts → SFT on an instruction set (exact match on
// held-out questions) → rank samples with the scripted labeler → reward model → PPO and GRPO →
// compare samples and scores before and after; and DPO on the same rankings.
//
//   node --import tsx examples/alignment/run.ts [--backend auto|js|wasm] [--quick] [--write]
//
// --write puts the tables into benches/results/alignment.md. Runs in a few minutes on wasm.

import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createBackend } from '../../ts/backend/index.js';
import { GPT } from '../../ts/model/gpt.js';
import { trainBpe } from '../../ts/tokenizer/train.js';
import { MemoryTokens, packTokens, Trainer } from '../../ts/train/index.js';
import { SFTTrainer, sftLoss } from '../../ts/align/sft.js';
import { copyModel } from '../../ts/align/model-copy.js';
import { labelRecord, sentimentScore } from '../../ts/align/labeler.js';
import { rankingPairs, type PreferencePair } from '../../ts/align/preference-data.js';
import { sampleRollouts } from '../../ts/align/rollout.js';
import { RewardModel } from '../../ts/align/reward-model.js';
import { RewardTrainer } from '../../ts/align/reward-trainer.js';
import { PPOTrainer } from '../../ts/align/ppo.js';
import { GRPOTrainer } from '../../ts/align/grpo.js';
import { DPOTrainer, preferenceMargin } from '../../ts/align/dpo.js';
import { EVAL_PROMPTS, instructions, pretrainText, RL_PROMPTS, sftConversations } from './data.js';
import { evalPolicy, exactMatch, type PolicyEval } from './eval.js';
import { markdown, type Results } from './report.js';

const { values: args } = parseArgs({ options: { backend: { type: 'string', default: 'auto' }, quick: { type: 'boolean' }, write: { type: 'boolean' } }, strict: true });
const q = args.quick ? 0.25 : 1; // --quick: a quarter of every step count, to check the plumbing
const n = (x: number) => Math.max(2, Math.round(x * q));
const be = await createBackend(args.backend as 'auto' | 'js' | 'wasm');
const t0 = performance.now();
const log = (s: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`);
const judge = (_: string, r: string) => sentimentScore(r);

// 1. Pre-training on generated text ---------------------------------------------------------
const text = pretrainText();
const tok = trainBpe(text, { vocabSize: 640 });
const config = { vocabSize: tok.vocabSize, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0, bias: true };
const base = new GPT(be, config, { seed: 1 });
const preSteps = n(1600);
const pre = new Trainer(base, { train: new MemoryTokens(packTokens(tok.encode(text), tok.vocabSize)), steps: preSteps, batchSize: 16, blockSize: 32, lr: 4e-3, warmupIters: 50, weightDecay: 0.1, evalInterval: preSteps, evalIters: 4, seed: 1 });
for await (const ev of pre.run()) {
  if (ev.type === 'step' && ev.step % 200 === 0) log(`pre-train step ${ev.step}/${preSteps} loss ${ev.loss.toFixed(3)}`);
}
pre.free();
log(`pre-trained: ${base.numParams()} parameters, backend ${be.name}`);

// 2. SFT ----------------------------------------------------------------------------------------
const { train: sftTrain, heldOut } = instructions();
const conversations = sftConversations(sftTrain);
const emPre = await exactMatch(base, tok, heldOut);
const sft = copyModel(base).train();
const sftSteps = n(300);
const st = new SFTTrainer(sft, tok, conversations, { steps: sftSteps, batchSize: 16, lr: 5e-4, seed: 3 });
for (let i = 0; i < sftSteps; i++) { const s = st.trainStep(); if (s.step % 100 === 0) log(`SFT step ${s.step}/${sftSteps} loss ${s.loss.toFixed(3)}`); }
st.free();
const heldOutConv = heldOut.map((i) => [{ role: 'user' as const, content: i.prompt }, { role: 'assistant' as const, content: i.response }]);
const emSft = await exactMatch(sft, tok, heldOut), emSftTrain = await exactMatch(sft, tok, sftTrain);
log(`exact match on ${heldOut.length} held-out instructions: pre-trained ${emPre.rate.toFixed(3)} (answer as prefix ${emPre.prefix.toFixed(3)}) → SFT ${emSft.rate.toFixed(3)} (train ${emSftTrain.rate.toFixed(3)})`);
for (const e of emSft.examples) log(`  ${e.prompt} → ${e.got}${e.got === e.want ? '' : `   (want: ${e.want})`}`);

// 3. Rankings from the scripted labeler, and the reward model -------------------------------
async function rankings(prompts: readonly string[], K: number, seed: number): Promise<PreferencePair[]> {
  const ro = await sampleRollouts(sft, tok, prompts, K, { maxTokens: 16, seed });
  // ties (equal labeler score) carry no preference; a person would not be asked to split them
  return prompts.flatMap((p, g) => rankingPairs(labelRecord(p, ro.filter((r) => r.group === g).map((r) => r.text))))
    .filter((pr) => sentimentScore(pr.chosen) !== sentimentScore(pr.rejected));
}
const prefTrain = [...await rankings(RL_PROMPTS, 6, 11), ...await rankings(RL_PROMPTS, 6, 12)];
const prefHeld = await rankings(EVAL_PROMPTS, 6, 13);
const rm = new RewardModel(copyModel(sft), tok);
const rmSteps = n(150);
const rt = new RewardTrainer(rm, prefTrain, { steps: rmSteps, batchSize: 16, lr: 5e-4, seed: 5 });
for (let i = 0; i < rmSteps; i++) { const s = rt.trainStep(); if (s.step % 50 === 0) log(`reward model step ${s.step}/${rmSteps} loss ${s.loss.toFixed(3)} acc ${s.accuracy.toFixed(2)}`); }
rt.free();
const rmAcc = rm.pairAccuracy(prefHeld), rmTrainAcc = rm.pairAccuracy(prefTrain);
log(`reward model: ${prefTrain.length} comparisons; pair accuracy train ${rmTrainAcc.toFixed(3)}, held-out ${rmAcc.toFixed(3)} (${prefHeld.length} pairs)`);

// 4. PPO, GRPO and DPO from the SFT model ---------------------------------------------------
const before = await evalPolicy(sft, sft, rm, tok, EVAL_PROMPTS);
log(`SFT on held-out prompts: labeler ${before.labeler.toFixed(2)}, reward ${before.reward.toFixed(2)}`);
const iters = n(30);
const curves: Results['curves'] = { ppo: [], grpo: [] };
const after: Record<string, PolicyEval & { exactMatch: number }> = {};

async function rl(algo: 'ppo' | 'grpo'): Promise<void> {
  const policy = copyModel(sft).train();
  const tr = algo === 'ppo'
    ? new PPOTrainer(policy, sft, rm, tok, RL_PROMPTS, { iterations: iters, promptsPerIteration: 16, lr: 2e-4, klCoef: 0.1, klTarget: 3, klHorizon: 2000, epochs: 4, minibatchSize: 8, seed: 7, judge })
    : new GRPOTrainer(policy, sft, rm, tok, RL_PROMPTS, { iterations: iters, promptsPerIteration: 4, groupSize: 8, lr: 2e-4, klCoef: 0.04, epochs: 2, seed: 7, judge });
  for (let i = 0; i < iters; i++) {
    const s = await tr.iterate();
    curves[algo].push({ iteration: s.iteration, reward: s.reward, judge: s.judge!, kl: s.kl, entropy: s.entropy, clipFrac: s.clipFrac, valueLoss: 'valueLoss' in s ? s.valueLoss : null });
    if (s.iteration % 5 === 0) log(`${algo} iteration ${s.iteration}/${iters}: reward ${s.reward.toFixed(2)} labeler ${s.judge!.toFixed(2)} KL ${s.kl.toFixed(2)} entropy ${s.entropy.toFixed(2)} clip ${s.clipFrac.toFixed(2)}`);
  }
  tr.free();
  after[algo] = { ...await evalPolicy(policy, sft, rm, tok, EVAL_PROMPTS), exactMatch: (await exactMatch(policy, tok, heldOut)).rate };
  policy.free();
}
await rl('ppo');
await rl('grpo');

const dpoPolicy = copyModel(sft).train();
const marginBefore = preferenceMargin(dpoPolicy, tok, prefHeld);
const dpoSteps = n(120);
const dpo = new DPOTrainer(dpoPolicy, sft, tok, prefTrain, { steps: dpoSteps, beta: 0.1, batchSize: 16, lr: 2e-4, seed: 9 });
const dpoCurve: Results['dpoCurve'] = [];
for (let i = 0; i < dpoSteps; i++) {
  const s = dpo.trainStep();
  if (s.step % Math.max(1, Math.round(dpoSteps / 6)) === 0 || s.step === dpoSteps) {
    const m = preferenceMargin(dpoPolicy, tok, prefHeld);
    dpoCurve.push({ step: s.step, loss: s.loss, heldOutMargin: m.margin, heldOutAccuracy: m.accuracy });
    log(`DPO step ${s.step}/${dpoSteps}: loss ${s.loss.toFixed(3)}, held-out margin ${m.margin.toFixed(2)}, accuracy ${m.accuracy.toFixed(2)}`);
  }
}
dpo.free();
const marginAfter = preferenceMargin(dpoPolicy, tok, prefHeld);
after.dpo = { ...await evalPolicy(dpoPolicy, sft, rm, tok, EVAL_PROMPTS), exactMatch: (await exactMatch(dpoPolicy, tok, heldOut)).rate };

// 5. Report ---------------------------------------------------------------------------------
const results: Results = {
  backend: be.name, seconds: (performance.now() - t0) / 1000, quick: !!args.quick, params: base.numParams(), config,
  pretrainSteps: preSteps, sftSteps, rmSteps, iterations: iters, dpoSteps,
  heldOutInstructions: heldOut.length, exactMatch: { pretrained: emPre.rate, pretrainedPrefix: emPre.prefix, sft: emSft.rate, sftPrefix: emSft.prefix, sftTrain: emSftTrain.rate },
  sftHeldOutLoss: sftLoss(sft, tok, heldOutConv), emExamples: emSft.examples,
  rm: { trainPairs: prefTrain.length, heldOutPairs: prefHeld.length, trainAccuracy: rmTrainAcc, heldOutAccuracy: rmAcc },
  before: { ...before, exactMatch: emSft.rate }, after, curves, dpoCurve, dpoMargin: { before: marginBefore, after: marginAfter },
};
const md = markdown(results);
console.log('\n' + md);
if (args.write) { await writeFile(new URL('../../benches/results/alignment.md', import.meta.url), md); log('wrote benches/results/alignment.md'); }
