// The settings tried for PPO, GRPO and DPO, in the order they were tried, each run from the same
// SFT model and reward model (pipeline.ts) and measured as run.ts measures them: how the KL
// target and controller, PPO-ptx's γ and data, DPO's β and loss move the labeler score, the KL,
// repetition and exact match on held-out questions. Settings not named are issue 7's. Every trial
// runs twice: on the labeler's comparisons alone, and with the repetition negatives.
//
//   node --import tsx examples/alignment/sweep.ts [--only ppo|grpo|dpo] [--from N] [--data plain|negatives] [--backend …] [--write]
//
// --write puts the tables into benches/results/alignment-sweep.md.

import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createBackend } from '../../ts/backend/index.js';
import { align, ISSUE_7, prepare, SETTINGS, type DPOSettings, type RLSettings, type Settings } from './pipeline.js';
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
  // round 4: DPO and GRPO with less ptx or a larger step
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 2, ptxData: 'both' } },
  { algo: 'grpo', with: { ptxCoef: 0.3, ptxData: 'both' } },
  { algo: 'grpo', with: { ptxCoef: 0.5, ptxData: 'both', lr: 3e-4 } },
  { algo: 'grpo', with: { ptxCoef: 0.5, ptxData: 'pretrain' } },
  { algo: 'dpo', with: { beta: 1, variant: 'ipo' } },
  { algo: 'dpo', with: { beta: 0.5, variant: 'ipo', ptxCoef: 0.5, ptxData: 'both' } },
  { algo: 'dpo', with: { beta: 0.7, variant: 'ipo', ptxCoef: 0.3, ptxData: 'both' } },
  { algo: 'dpo', with: { beta: 0.7, variant: 'ipo', ptxCoef: 0.5, ptxData: 'both', lr: 4e-4 } },
  { algo: 'dpo', with: { beta: 0.3, variant: 'sigmoid', ptxCoef: 0.5, ptxData: 'both' } },
  // round 5: the KL controller's part, and the sigmoid loss under the chosen DPO settings
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 16, ptxCoef: 3, ptxData: 'both' } },
  { algo: 'ppo', with: { klTarget: null, klCoef: 0.1, ptxCoef: 3, ptxData: 'both' } },
  { algo: 'ppo', with: { klTarget: 1.5, klHorizon: 16, ptxCoef: 3, ptxData: 'both' } },
  { algo: 'ppo', with: { klTarget: 2, klHorizon: 16, ptxCoef: 2, ptxData: 'both' } },
  { algo: 'grpo', with: { klTarget: 1, klHorizon: 32, ptxCoef: 0.5, ptxData: 'both', lr: 3e-4 } },
  { algo: 'dpo', with: { beta: 1, variant: 'ipo', ptxCoef: 0.5, ptxData: 'both', lr: 4e-4 } },
  { algo: 'dpo', with: { beta: 0.1, variant: 'sigmoid', ptxCoef: 0.5, ptxData: 'both', lr: 4e-4 } },
  { algo: 'dpo', with: { beta: 0.7, variant: 'ipo', ptxCoef: 0, lr: 4e-4 } },
  // round 6: β floored at its initial value (no wind-down while the KL is still ~0), a faster gain
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 8, klCoefMin: 0.1, ptxCoef: 0 } },
  { algo: 'ppo', with: { klTarget: 2, klHorizon: 16, klCoefMin: 0.1, ptxCoef: 2, ptxData: 'both' } },
  { algo: 'ppo', with: { klTarget: 2, klHorizon: 8, klCoefMin: 0.1, ptxCoef: 2, ptxData: 'both' } },
  { algo: 'ppo', with: { klTarget: 3, klHorizon: 8, klCoefMin: 0.1, ptxCoef: 2, ptxData: 'both' } },
  { algo: 'ppo', with: { klTarget: 2, klHorizon: 8, klCoefMin: 0.1, ptxCoef: 3, ptxData: 'both' } },
  { algo: 'grpo', with: { klTarget: 1, klHorizon: 16, klCoefMin: 0.04, ptxCoef: 0.5, ptxData: 'both', lr: 3e-4 } },
];

const { values: args } = parseArgs({ options: {
  backend: { type: 'string', default: 'auto' }, only: { type: 'string' }, from: { type: 'string' }, data: { type: 'string' }, write: { type: 'boolean' },
}, strict: true });
const be = await createBackend(args.backend as 'auto' | 'js' | 'wasm');
const t0 = performance.now();
const log = (s: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`);
const f = (x: number, d = 2) => x.toFixed(d);
const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);
const tables: string[] = [];
for (const negatives of args.data ? [args.data === 'negatives'] : [false, true]) {
  const p = await prepare(be, 1, log, { repetitionNegatives: negatives }), sft = p.before;
  const rows = [
    `### ${negatives ? 'With the repetition negatives' : 'The labeler\'s comparisons alone'} (reward model held-out pair accuracy ${f(p.rmAccuracy.heldOut, 3)})`, '',
    '| # | method | settings | labeler | RM reward | KL | repetition | distinct-2 | exact match | targets met |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---|',
    `| | SFT | – | ${f(sft.labeler)} | ${f(sft.reward)} | 0.00 | ${f(sft.repetition, 3)} | ${f(sft.distinct2, 3)} | ${f(sft.exactMatch, 3)} | – |`,
  ];
  for (const [i, t] of GRID.entries()) {
    if (i < Number(args.from ?? 0) || (args.only && t.algo !== args.only)) continue;
    const s = { ...ISSUE_7, [t.algo]: { ...ISSUE_7[t.algo], ...t.with } } as Settings;
    const m = (await align(p, t.algo, s, 1, () => {})).measured, met = Object.values(TARGETS).filter((x) => x.ok(m, sft)).length;
    const what = Object.entries(t.with).map(([k, v]) => `${k} ${v}`).join(', ') + (same(s[t.algo], SETTINGS[t.algo]) ? ' **(chosen)**' : '');
    rows.push(`| ${i} | ${t.algo.toUpperCase()} | ${what} | ${f(m.labeler)} | ${f(m.reward)} | ${f(m.kl)} | ${f(m.repetition, 3)} | ${f(m.distinct2, 3)} | ${f(m.exactMatch, 3)} | ${met}/4 |`);
    log(rows[rows.length - 1]);
  }
  tables.push(rows.join('\n'));
}
const md = `# Alignment settings tried (issue 19)

\`node --import tsx examples/alignment/sweep.ts --write\`, ${be.name} backend, ${cpus()[0]?.model.trim()}, 2 cores shared with other jobs, ${f((performance.now() - t0) / 1000, 0)} s.
Every run starts from the same SFT model and reward model as \`run.ts\`; settings not named are issue 7's
(\`ISSUE_7\` in \`examples/alignment/pipeline.ts\`: PPO β 0.1 with a KL target of 3 at horizon 2000, GRPO β 0.04,
DPO sigmoid β 0.1, no ptx). Rounds in the order tried (see the comments in \`sweep.ts\`). Measured on the held-out
prompts (16 samples each) and the held-out questions. Targets: ${Object.values(TARGETS).map((x) => x.text).join(', ')}.
KL is in nats per response; repetition is the fraction of samples with a doubled word or a reused word bigram.

${tables.join('\n\n')}
`;
console.log(md);
if (args.write) await writeFile(new URL('../../benches/results/alignment-sweep.md', import.meta.url), md);
