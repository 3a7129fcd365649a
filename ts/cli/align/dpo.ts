// `glassgpt dpo`: Direct Preference Optimization of a chat checkpoint on JSONL rankings or
// chosen/rejected pairs, against a frozen copy of the same checkpoint; reports the held-out
// chosen-minus-rejected log-probability margin before and after. --variant ipo regresses the
// per-token margin to 1/(2β) instead of pushing it up without end. Ctrl-C saves the run and exits
// 130; --resume continues it (the reference is --checkpoint again).

import { copyModel } from '../../align/model-copy.js';
import { DPO_VARIANTS, DPOTrainer, preferenceMargin } from '../../align/dpo.js';
import { parsePreferenceJsonl, type PreferencePair } from '../../align/preference-data.js';
import { loadChatModel, resumeFromDir, savePolicyDir } from '../../align/checkpoint-node.js';
import { readTextFile } from '../../io/read-node.js';
import { choice, command, num, parse, RUN_OPTIONS, stdio, type CliIO } from '../args.js';
import { backendOf } from '../backend.js';
import { Reporter } from '../reporter.js';
import { stopOnSignals } from '../signals.js';
import { PTX_OPTIONS, PTX_USAGE, ptxFrom } from './ptx.js';
import { split } from './sft.js';

const USAGE = `usage: glassgpt dpo --checkpoint DIR --data prefs.jsonl --out DIR [--val F | --val-fraction 0.1]
  [--steps 100] [--beta 0.1] [--variant sigmoid|ipo] ${PTX_USAGE} [--batch-size 8] [--lr 5e-4] [--resume] [--seed 1337] [--backend auto|js|wasm|wasm-relaxed] [--threads N] [--json]
  --resume continues the run saved in --out (after Ctrl-C) with the same data and options
`;

export async function dpoCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return command('dpo', USAGE, io, async () => {
    const v = parse(argv, {
      ...RUN_OPTIONS, checkpoint: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, val: { type: 'string' },
      'val-fraction': { type: 'string' }, steps: { type: 'string' }, beta: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
      variant: { type: 'string' }, ...PTX_OPTIONS, resume: { type: 'boolean' },
    }, ['checkpoint', 'data', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    const steps = num(v, 'steps', { int: true, min: 1 }) ?? 100, beta = num(v, 'beta', { gt: 0 }) ?? 0.1, variant = choice(v, 'variant', DPO_VARIANTS, 'sigmoid');
    const batchSize = num(v, 'batch-size', { int: true, min: 1 }) ?? 8, lr = num(v, 'lr', { gt: 0 }) ?? 5e-4, seed = num(v, 'seed', { int: true, min: 0 }) ?? 1337;
    const out = v.out as string;
    let pairs = parsePreferenceJsonl(readTextFile(v.data as string, 'preference data'), v.data as string);
    let val: PreferencePair[] = v.val ? parsePreferenceJsonl(readTextFile(v.val as string, 'validation data'), v.val as string) : [];
    if (!v.val) ({ train: pairs, val } = split(pairs, num(v, 'val-fraction', { min: 0 }) ?? 0.1, seed));
    const be = await backendOf(v);
    const { model: reference, tokenizer } = await loadChatModel(be, v.checkpoint as string);
    const policy = v.resume ? (await loadChatModel(be, out)).model : copyModel(reference);
    const before = val.length ? preferenceMargin(reference, tokenizer, val) : null;
    const tr = new DPOTrainer(policy, reference, tokenizer, pairs, { steps, beta, variant, ptx: ptxFrom(v), batchSize, lr, seed });
    if (v.resume) resumeFromDir(out, tr);
    if (tr.skipped > 0) io.err(`warning: ${tr.skipped} of ${pairs.length} pairs skipped: the model's block of ${policy.config.blockSize} tokens cuts off their responses\n`);
    const rep = new Reporter(io, v.json === true, be);
    const signals = stopOnSignals(() => tr.stop(), io.err);
    try {
      for await (const ev of tr.run()) {
        if (ev.type === 'step') rep.progress(ev.step, steps, ev, { loss: ev.loss, margin: ev.margin, acc: ev.rewardAccuracy });
      }
    } finally {
      signals.dispose();
    }
    const after = val.length ? preferenceMargin(policy, tokenizer, val) : null;
    await savePolicyDir(out, policy, tokenizer, null, { stage: 'dpo', step: String(tr.step), beta: String(tr.beta), variant: tr.variant }, tr);
    const stopped = tr.step < steps;
    rep.result({ type: 'done', steps: tr.step, stopped, beta: tr.beta, variant: tr.variant, pairs: pairs.length, valMarginBefore: before?.margin ?? null, valMarginAfter: after?.margin ?? null, out },
      `saved ${out} (${stopped ? `stopped at step ${tr.step} of ${steps}; --resume continues` : `${steps} steps`} on ${pairs.length} comparisons${before && after ? `; held-out margin ${before.margin.toFixed(2)} → ${after.margin.toFixed(2)}` : ''})`);
    tr.free(); policy.free(); reference.free();
    return signals.exitCode();
  });
}
