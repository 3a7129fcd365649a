// `glassgpt reward train`: a reward model (the checkpoint's backbone + a scalar head) trained on
// JSONL rankings or chosen/rejected pairs with the Bradley–Terry loss; reports held-out pair
// accuracy and saves model.safetensors + score.safetensors. Ctrl-C saves the run and exits 130;
// --resume continues it.

import { parsePreferenceJsonl, type PreferencePair } from '../../align/preference-data.js';
import { RewardModel } from '../../align/reward-model.js';
import { RewardTrainer } from '../../align/reward-trainer.js';
import { loadChatModel, loadRewardModelDir, resumeFromDir, saveRewardModelDir } from '../../align/checkpoint-node.js';
import { readTextFile } from '../../io/read-node.js';
import { command, num, parse, RUN_OPTIONS, stdio, UsageError, type CliIO } from '../args.js';
import { backendOf } from '../backend.js';
import { Reporter } from '../reporter.js';
import { stopOnSignals } from '../signals.js';
import { split } from './sft.js';

const USAGE = `usage: glassgpt reward train --checkpoint DIR --data prefs.jsonl --out DIR [--val F | --val-fraction 0.1]
  [--steps 100] [--batch-size 16] [--lr 5e-4] [--resume] [--seed 1337] [--backend auto|js|wasm|wasm-relaxed] [--threads N] [--json]
  --resume continues the run saved in --out (after Ctrl-C) with the same data and options
`;

export async function rewardCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return command('reward', USAGE, io, async () => {
    if (argv[0] === '--help' || argv[0] === '-h') { io.out(USAGE); return 0; }
    if (argv[0] !== 'train') throw new UsageError(argv[0] === undefined ? 'missing subcommand "train"' : `unknown subcommand ${JSON.stringify(argv[0])}`);
    const v = parse(argv.slice(1), {
      ...RUN_OPTIONS, checkpoint: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, val: { type: 'string' },
      'val-fraction': { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
      resume: { type: 'boolean' },
    }, ['checkpoint', 'data', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    const steps = num(v, 'steps', { int: true, min: 1 }) ?? 100, batchSize = num(v, 'batch-size', { int: true, min: 1 }) ?? 16;
    const lr = num(v, 'lr', { gt: 0 }) ?? 5e-4, seed = num(v, 'seed', { int: true, min: 0 }) ?? 1337;
    const out = v.out as string;
    let pairs = parsePreferenceJsonl(readTextFile(v.data as string, 'preference data'), v.data as string);
    let val: PreferencePair[] = v.val ? parsePreferenceJsonl(readTextFile(v.val as string, 'validation data'), v.val as string) : [];
    if (!v.val) ({ train: pairs, val } = split(pairs, num(v, 'val-fraction', { min: 0 }) ?? 0.1, seed));
    const be = await backendOf(v);
    let rm: RewardModel;
    if (v.resume) rm = await loadRewardModelDir(be, out);
    else { const { model, tokenizer } = await loadChatModel(be, v.checkpoint as string); rm = new RewardModel(model, tokenizer); }
    const tr = new RewardTrainer(rm, pairs, { steps, batchSize, lr, seed });
    if (v.resume) resumeFromDir(out, tr);
    const rep = new Reporter(io, v.json === true, be);
    const signals = stopOnSignals(() => tr.stop(), io.err);
    try {
      for await (const ev of tr.run()) {
        if (ev.type === 'step') rep.progress(ev.step, steps, ev, { loss: ev.loss, acc: ev.accuracy });
      }
    } finally {
      signals.dispose();
    }
    const valAccuracy = val.length ? rm.pairAccuracy(val) : null;
    await saveRewardModelDir(out, rm, { step: String(tr.step) }, tr);
    const stopped = tr.step < steps;
    rep.result({ type: 'done', steps: tr.step, stopped, pairs: pairs.length, valPairs: val.length, valAccuracy, out },
      `saved ${out} (${stopped ? `stopped at step ${tr.step} of ${steps}, --resume continues; ` : ''}${pairs.length} comparisons${valAccuracy === null ? '' : `, held-out pair accuracy ${valAccuracy.toFixed(3)} on ${val.length}`})`);
    tr.free(); rm.free();
    return signals.exitCode();
  });
}
