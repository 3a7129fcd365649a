// `glassgpt dpo`: Direct Preference Optimization of a chat checkpoint on JSONL rankings or
// chosen/rejected pairs, against a frozen copy of the same checkpoint; reports the held-out
// chosen-minus-rejected log-probability margin before and after.

import { copyModel } from '../../align/model-copy.js';
import { DPOTrainer, preferenceMargin } from '../../align/dpo.js';
import { parsePreferenceJsonl, type PreferencePair } from '../../align/preference-data.js';
import { loadChatModel, saveModelDir } from '../../align/checkpoint-node.js';
import { backendOf, num, parse, readText, Reporter, run, stdio, type CliIO } from './common.js';
import { split } from './sft.js';

const USAGE = `usage: glassgpt dpo --checkpoint DIR --data prefs.jsonl --out DIR [--val F | --val-fraction 0.1]
  [--steps 100] [--beta 0.1] [--batch-size 8] [--lr 5e-4] [--seed 1337] [--backend auto|js|wasm|wasm-relaxed] [--threads N] [--json]
`;

export async function dpoCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return run('dpo', USAGE, io, async () => {
    const v = parse(argv, {
      checkpoint: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, val: { type: 'string' },
      'val-fraction': { type: 'string' }, steps: { type: 'string' }, beta: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
    }, ['checkpoint', 'data', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    const steps = num(v, 'steps', 100, { int: true, min: 1 }), beta = num(v, 'beta', 0.1, { gt: 0 });
    const batchSize = num(v, 'batch-size', 8, { int: true, min: 1 }), lr = num(v, 'lr', 5e-4, { gt: 0 }), seed = num(v, 'seed', 1337, { int: true, min: 0 });
    let pairs = parsePreferenceJsonl(await readText(v.data as string, 'preference data'), v.data as string);
    let val: PreferencePair[] = v.val ? parsePreferenceJsonl(await readText(v.val as string, 'validation data'), v.val as string) : [];
    if (!v.val) ({ train: pairs, val } = split(pairs, num(v, 'val-fraction', 0.1, { min: 0 }), seed));
    const be = await backendOf(v);
    const { model: policy, tokenizer } = await loadChatModel(be, v.checkpoint as string);
    const reference = copyModel(policy);
    const before = val.length ? preferenceMargin(policy, tokenizer, val) : null;
    const tr = new DPOTrainer(policy, reference, tokenizer, pairs, { steps, beta, batchSize, lr, seed });
    if (tr.skipped > 0) io.err(`warning: ${tr.skipped} of ${pairs.length} pairs skipped: the model's block of ${policy.config.blockSize} tokens cuts off their responses\n`);
    const rep = new Reporter(io, v.json === true, be);
    for (let i = 0; i < steps; i++) {
      const s = tr.trainStep();
      rep.progress(s.step, steps, { type: 'step', ...s }, { loss: s.loss, margin: s.margin, acc: s.rewardAccuracy });
    }
    const after = val.length ? preferenceMargin(policy, tokenizer, val) : null;
    await saveModelDir(v.out as string, policy, tokenizer, { stage: 'dpo', step: String(steps), beta: String(beta) });
    rep.result({ type: 'done', steps, beta, pairs: pairs.length, valMarginBefore: before?.margin ?? null, valMarginAfter: after?.margin ?? null, out: v.out },
      `saved ${v.out} (${steps} steps on ${pairs.length} comparisons${before && after ? `; held-out margin ${before.margin.toFixed(2)} → ${after.margin.toFixed(2)}` : ''})`);
    tr.free(); policy.free(); reference.free();
    return 0;
  });
}
