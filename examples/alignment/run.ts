// The whole alignment pipeline on a small scale (InstructGPT's three steps, then DPO in place of
// steps 2–3): pre-train a tiny GPT on generated facts → SFT on an instruction set (exact match on
// held-out questions) → rank samples with the scripted labeler → reward model → PPO-ptx and GRPO
// with the KL held at a target, and DPO on the same rankings → measure each policy on held-out
// prompts (labeler, reward, KL, repetition) and held-out questions (exact match).
//
//   node --import tsx examples/alignment/run.ts [--backend auto|js|wasm] [--quick] [--write] [--json]
//
// --write puts the tables into benches/results/alignment.md; --json logs to stderr and ends
// stdout with one line {"type":"summary","policies":{"sft":{…},"ppo":{…},"grpo":{…},"dpo":{…}}}.
// The settings are pipeline.ts's SETTINGS (chosen with sweep.ts). About 2 minutes on wasm.

import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createBackend } from '../../ts/backend/index.js';
import { align, prepare, REPETITION_NEGATIVES, SETTINGS, type Aligned, type Measured } from './pipeline.js';
import { markdown } from './report.js';

const { values: args } = parseArgs({ options: { backend: { type: 'string', default: 'auto' }, quick: { type: 'boolean' }, write: { type: 'boolean' }, json: { type: 'boolean' } }, strict: true });
const q = args.quick ? 0.25 : 1; // --quick: a quarter of every step count, to check the plumbing
const be = await createBackend(args.backend as 'auto' | 'js' | 'wasm');
const t0 = performance.now();
const log = (s: string) => (args.json ? console.error : console.log)(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`);

const p = await prepare(be, q, log, { repetitionNegatives: REPETITION_NEGATIVES });
const after: Record<'ppo' | 'grpo' | 'dpo', Aligned> = {
  ppo: await align(p, 'ppo', SETTINGS, q, log),
  grpo: await align(p, 'grpo', SETTINGS, q, log),
  dpo: await align(p, 'dpo', SETTINGS, q, log),
};
const seconds = (performance.now() - t0) / 1000, cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
const md = markdown({ backend: be.name, cpu, load: loadavg()[0], seconds, quick: !!args.quick, prepared: p, settings: SETTINGS, after });
if (args.write) { await writeFile(new URL('../../benches/results/alignment.md', import.meta.url), md); log('wrote benches/results/alignment.md'); }
if (args.json) {
  const pick = (m: Measured) => ({ labeler: m.labeler, rmReward: m.reward, kl: m.kl, exactMatch: m.exactMatch, repetition: m.repetition, distinct2: m.distinct2 });
  const policies = { sft: pick(p.before), ppo: pick(after.ppo.measured), grpo: pick(after.grpo.measured), dpo: pick(after.dpo.measured) };
  console.log(JSON.stringify({ type: 'summary', backend: be.name, cpu, seconds, quick: !!args.quick, policies }));
} else {
  console.log('\n' + md);
}
