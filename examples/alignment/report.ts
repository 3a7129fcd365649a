// The alignment example's results as Markdown (benches/results/alignment.md): exact match before
// and after SFT, reward-model pair accuracy, the before/after table of SFT, PPO, GRPO and DPO on
// held-out prompts, and the PPO/GRPO/DPO curves as small tables.

import type { PolicyEval } from './eval.js';

export interface CurvePoint { iteration: number; reward: number; judge: number; kl: number; entropy: number; clipFrac: number; valueLoss: number | null }
export interface Results {
  backend: string; seconds: number; quick: boolean; params: number; config: Record<string, unknown>;
  pretrainSteps: number; sftSteps: number; rmSteps: number; iterations: number; dpoSteps: number;
  heldOutInstructions: number; exactMatch: { pretrained: number; pretrainedPrefix: number; sft: number; sftPrefix: number; sftTrain: number }; sftHeldOutLoss: number;
  emExamples: { prompt: string; got: string; want: string }[];
  rm: { trainPairs: number; heldOutPairs: number; trainAccuracy: number; heldOutAccuracy: number };
  before: PolicyEval & { exactMatch: number };
  after: Record<string, PolicyEval & { exactMatch: number }>;
  curves: { ppo: CurvePoint[]; grpo: CurvePoint[] };
  dpoCurve: { step: number; loss: number; heldOutMargin: number; heldOutAccuracy: number }[];
  dpoMargin: { before: { margin: number; accuracy: number }; after: { margin: number; accuracy: number } };
}

const f = (x: number | null, d = 2) => (x === null ? '–' : x.toFixed(d));

/** Every `step`-th point plus the last one. */
function thin<T>(xs: T[], keep = 7): T[] {
  const step = Math.max(1, Math.ceil(xs.length / keep));
  return xs.filter((_, i) => i % step === 0 || i === xs.length - 1);
}

export function markdown(r: Results): string {
  const rows = [['SFT (reference)', r.before], ...Object.entries(r.after).map(([k, v]) => [k.toUpperCase(), v])] as [string, PolicyEval & { exactMatch: number }][];
  const curve = (name: string, c: CurvePoint[]) => [
    `| ${name} iteration | RM reward | labeler score | KL (nats/response) | entropy | clip fraction | value loss |`, '|---:|---:|---:|---:|---:|---:|---:|',
    ...thin(c).map((p) => `| ${p.iteration} | ${f(p.reward)} | ${f(p.judge)} | ${f(p.kl)} | ${f(p.entropy)} | ${f(p.clipFrac, 3)} | ${f(p.valueLoss, 3)} |`),
  ].join('\n');
  return `# Alignment (issue 7): SFT, reward model, PPO, GRPO, DPO

Produced by \`node --import tsx examples/alignment/run.ts${r.quick ? ' --quick' : ''} --write\` on the ${r.backend} backend in ${r.seconds.toFixed(0)} s
(2 shared cores). Model: ${r.params.toLocaleString('en')} non-embedding parameters, ${JSON.stringify(r.config)}, a BPE
tokenizer trained on the generated text with the chat tokens. Pre-training ${r.pretrainSteps} steps on generated facts, SFT ${r.sftSteps} steps,
reward model ${r.rmSteps} steps, PPO and GRPO ${r.iterations} iterations each, DPO ${r.dpoSteps} steps. The scripted labeler
scores a response by the sum of the AFINN-165 valences of its words; it ranks K samples per prompt and
stands in for people. Ties (equal score) are dropped from the comparisons.

## SFT: exact match on ${r.heldOutInstructions} held-out instructions (greedy)

| model | held-out exact match | held-out, answer as prefix (no stop needed) | SFT-train exact match |
|---|---:|---:|---:|
| pre-trained | ${f(r.exactMatch.pretrained, 3)} | ${f(r.exactMatch.pretrainedPrefix, 3)} | – |
| SFT | ${f(r.exactMatch.sft, 3)} | ${f(r.exactMatch.sftPrefix, 3)} | ${f(r.exactMatch.sftTrain, 3)} |

Held-out assistant-token loss after SFT: ${f(r.sftHeldOutLoss, 3)}. Examples:
${r.emExamples.map((e) => `- ${e.prompt} → ${e.got}${e.got === e.want ? ' ✓' : ` ✗ (want: ${e.want})`}`).join('\n')}

## Reward model

Bradley–Terry on ${r.rm.trainPairs} comparisons from the labeler's rankings of SFT samples: pair accuracy
${f(r.rm.trainAccuracy, 3)} on them, **${f(r.rm.heldOutAccuracy, 3)} on ${r.rm.heldOutPairs} held-out comparisons** (prompts about subjects never used in training).

## Before and after, on held-out prompts (8 samples each, temperature 1)

| policy | labeler score | RM reward | KL to SFT (nats/response) | held-out exact match |
|---|---:|---:|---:|---:|
${rows.map(([k, v]) => `| ${k} | ${f(v.labeler)} | ${f(v.reward)} | ${f(v.kl)} | ${f(v.exactMatch, 3)} |`).join('\n')}

DPO held-out chosen−rejected log-probability margin: ${f(r.dpoMargin.before.margin)} → ${f(r.dpoMargin.after.margin)}
(chosen more likely on ${f(r.dpoMargin.before.accuracy)} → ${f(r.dpoMargin.after.accuracy)} of pairs).

Samples (first sample per held-out prompt):

| SFT | ${Object.keys(r.after).map((k) => k.toUpperCase()).join(' | ')} |
|---|${Object.keys(r.after).map(() => '---').join('|')}|
${r.before.samples.map((s, i) => `| ${s} | ${Object.values(r.after).map((a) => a.samples[i]?.split(' → ')[1] ?? '').join(' | ')} |`).join('\n')}

## Reading the numbers

- The reward model is learned from rankings of SFT samples only; PPO, GRPO and DPO all push the labeler's
  score up on prompts they never trained on, at a KL of several nats per response from the SFT model.
- Optimising one reward costs elsewhere (InstructGPT's "alignment tax"): the RL prompts are all about
  sentiment, and the held-out capital/opposite questions lose exact matches, most under PPO, which drifts
  furthest per iteration. InstructGPT's PPO-ptx (mixing pre-training gradients into PPO) is the known remedy
  and is not implemented here.
- Some reward hacking is visible in the samples ("was was wonderful"): the reward model, trained on
  single-adjective answers, does not penalise repetition it never saw.
- KL is Σ_t (log π − log π_ref) over a sampled response (the quantity PPO penalises per token); the PPO run
  adapts β towards 3 nats (Ziegler et al.), GRPO uses a fixed β = 0.04 on the k3 estimator.

## Curves

${curve('PPO', r.curves.ppo)}

${curve('GRPO', r.curves.grpo)}

| DPO step | loss | held-out margin | held-out accuracy |
|---:|---:|---:|---:|
${r.dpoCurve.map((p) => `| ${p.step} | ${f(p.loss, 3)} | ${f(p.heldOutMargin)} | ${f(p.heldOutAccuracy)} |`).join('\n')}
`;
}
