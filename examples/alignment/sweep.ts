// The settings tried for PPO, GRPO and DPO, each run from the same SFT model and reward model
// (pipeline.ts) and measured as run.ts measures them: how the KL target, PPO-ptx's γ, DPO's β and
// loss move the labeler score, the KL, repetition and exact match on held-out questions.
//
//   node --import tsx examples/alignment/sweep.ts [--only ppo|grpo|dpo] [--from N] [--negatives] [--backend …] [--write]
//
// --write puts the table into benches/results/alignment-sweep.md.

import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createBackend } from '../../ts/backend/index.js';
import { align, prepare, SETTINGS, type DPOSettings, type RLSettings, type Settings } from './pipeline.js';
import { TARGETS } from './report.js';

type Trial = { algo: 'ppo' | 'grpo'; with: Partial<RLSettings> } | { algo: 'dpo'; with: Partial<DPOSettings> };
const GRID: Trial[] = [
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 2000, ptxCoef: 0 } }, // issue 7's settings
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 0 } },
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 1 } },
  { algo: 'ppo', with: { klTarget: 4, klHorizon: 16, ptxCoef: 2 } },
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 1, ptxData: 'pretrain' } },
  { algo: 'grpo', with: { klCoef: 0.04, klTarget: null, ptxCoef: 0 } }, // issue 7's settings
  { algo: 'grpo', with: { klCoef: 0.04, klTarget: null, ptxCoef: 1 } },
  { algo: 'grpo', with: { klCoef: 0.04, klTarget: 3, klHorizon: 32, ptxCoef: 1 } },
  { algo: 'dpo', with: { beta: 0.1, variant: 'sigmoid', ptxCoef: 0 } }, // issue 7's settings
  { algo: 'dpo', with: { beta: 0.5, variant: 'sigmoid', ptxCoef: 0 } },
  { algo: 'dpo', with: { beta: 0.1, variant: 'sigmoid', ptxCoef: 1 } },
  { algo: 'dpo', with: { beta: 0.5, variant: 'ipo', ptxCoef: 0 } },
  { algo: 'dpo', with: { beta: 1, variant: 'ipo', ptxCoef: 0 } },
  { algo: 'dpo', with: { beta: 2, variant: 'ipo', ptxCoef: 0 } },
  { algo: 'dpo', with: { beta: 1, variant: 'ipo', ptxCoef: 1 } },
  // round 2: ptx on the pre-training text (it holds the held-out facts) or on both sets; IPO's β between 1 and 2
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 2, ptxData: 'pretrain' } },
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 4, ptxData: 'pretrain' } },
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 1, ptxData: 'both' } },
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 2, ptxData: 'both' } },
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 2, ptxData: 'pretrain', lr: 1e-4 } },
  { algo: 'ppo', with: { klTarget: 2, klHorizon: 16, ptxCoef: 2, ptxData: 'pretrain' } },
  { algo: 'grpo', with: { ptxCoef: 0.5, ptxData: 'pretrain' } },
  { algo: 'grpo', with: { ptxCoef: 1, ptxData: 'pretrain' } },
  { algo: 'grpo', with: { ptxCoef: 0.3, ptxData: 'sft' } },
  { algo: 'grpo', with: { ptxCoef: 1, ptxData: 'both' } },
  { algo: 'dpo', with: { beta: 1.5, variant: 'ipo' } },
  { algo: 'dpo', with: { beta: 1, variant: 'ipo', ptxCoef: 0.3, ptxData: 'pretrain' } },
  { algo: 'dpo', with: { beta: 1, variant: 'ipo', ptxCoef: 1, ptxData: 'pretrain' } },
  { algo: 'dpo', with: { beta: 1.5, variant: 'ipo', ptxCoef: 0.5, ptxData: 'pretrain' } },
  // round 3: around the best of round 2
  { algo: 'ppo', with: { klTarget: 4, klHorizon: 16, ptxCoef: 2, ptxData: 'both' } },
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 3, ptxData: 'both' } },
  { algo: 'grpo', with: { ptxCoef: 0.5, ptxData: 'both' } },
  { algo: 'grpo', with: { ptxCoef: 0.7, ptxData: 'both' } },
  { algo: 'grpo', with: { klTarget: 2, klHorizon: 32, ptxCoef: 0.5, ptxData: 'both' } },
  { algo: 'dpo', with: { beta: 1, variant: 'ipo', ptxCoef: 0.3, ptxData: 'both' } },
  { algo: 'dpo', with: { beta: 0.7, variant: 'ipo', ptxCoef: 0.5, ptxData: 'both' } },
  { algo: 'dpo', with: { beta: 0.5, variant: 'sigmoid', ptxCoef: 0.5, ptxData: 'both' } },
];

const { values: args } = parseArgs({ options: {
  backend: { type: 'string', default: 'auto' }, only: { type: 'string' }, from: { type: 'string' }, negatives: { type: 'boolean' }, write: { type: 'boolean' },
}, strict: true });
const be = await createBackend(args.backend as 'auto' | 'js' | 'wasm');
const t0 = performance.now();
const log = (s: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`);
const p = await prepare(be, 1, log, { repetitionNegatives: !!args.negatives });
const sft = p.before, f = (x: number, d = 2) => x.toFixed(d);
const rows = [
  '| method | settings | labeler | RM reward | KL | repetition | distinct-2 | exact match | targets met | time |',
  '|---|---|---:|---:|---:|---:|---:|---:|---|---:|',
  `| SFT | – | ${f(sft.labeler)} | ${f(sft.reward)} | 0.00 | ${f(sft.repetition, 3)} | ${f(sft.distinct2, 3)} | ${f(sft.exactMatch, 3)} | – | – |`,
];
for (const t of GRID.slice(Number(args.from ?? 0)).filter((g) => !args.only || g.algo === args.only)) {
  const s = { ...SETTINGS, [t.algo]: { ...SETTINGS[t.algo], ...t.with } } as Settings;
  const a = await align(p, t.algo, s, 1, () => {});
  const m = a.measured, met = Object.values(TARGETS).filter((x) => x.ok(m, sft)).length;
  const what = Object.entries(t.with).map(([k, v]) => `${k} ${v}`).join(', ');
  rows.push(`| ${t.algo.toUpperCase()} | ${what} | ${f(m.labeler)} | ${f(m.reward)} | ${f(m.kl)} | ${f(m.repetition, 3)} | ${f(m.distinct2, 3)} | ${f(m.exactMatch, 3)} | ${met}/4 | ${f(a.seconds, 0)} s |`);
  log(rows[rows.length - 1]);
}
const md = `# Alignment settings tried (issue 19)

\`node --import tsx examples/alignment/sweep.ts --write\`, ${be.name} backend, ${cpus()[0]?.model.trim()}, 2 shared cores, ${f((performance.now() - t0) / 1000, 0)} s.
Every run starts from the same SFT model and reward model as \`run.ts\`; settings not named are those of
\`SETTINGS\` in \`examples/alignment/pipeline.ts\`. Measured on the held-out prompts (16 samples each) and the
held-out questions. Targets: ${Object.values(TARGETS).map((x) => x.text).join(', ')}.

${rows.join('\n')}
`;
console.log(md);
if (args.write) await writeFile(new URL('../../benches/results/alignment-sweep.md', import.meta.url), md);
