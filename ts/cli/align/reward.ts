// `glassgpt reward train`: a reward model (the checkpoint's backbone + a scalar head) trained on
// JSONL rankings or chosen/rejected pairs with the Bradley–Terry loss; reports held-out pair
// accuracy and saves model.safetensors + score.safetensors.

import { parsePreferenceJsonl, type PreferencePair } from '../../align/preference-data.js';
import { RewardModel } from '../../align/reward-model.js';
import { RewardTrainer } from '../../align/reward-trainer.js';
import { loadChatModel, saveRewardModelDir } from '../../align/checkpoint-node.js';
import { backendOf, num, parse, readText, Reporter, run, stdio, UsageError, type CliIO } from './common.js';
import { split } from './sft.js';

const USAGE = `usage: glassgpt reward train --checkpoint DIR --data prefs.jsonl --out DIR [--val F | --val-fraction 0.1]
  [--steps 100] [--batch-size 16] [--lr 5e-4] [--seed 1337] [--backend auto|js|wasm|wasm-relaxed] [--threads N] [--json]
`;

export async function rewardCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return run('reward', USAGE, io, async () => {
    if (argv[0] === '--help' || argv[0] === '-h') { io.out(USAGE); return 0; }
    if (argv[0] !== 'train') throw new UsageError(argv[0] === undefined ? 'missing subcommand "train"' : `unknown subcommand ${JSON.stringify(argv[0])}`);
    const v = parse(argv.slice(1), {
      checkpoint: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, val: { type: 'string' },
      'val-fraction': { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
    }, ['checkpoint', 'data', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    const steps = num(v, 'steps', 100, { int: true, min: 1 }), batchSize = num(v, 'batch-size', 16, { int: true, min: 1 });
    const lr = num(v, 'lr', 5e-4, { gt: 0 }), seed = num(v, 'seed', 1337, { int: true, min: 0 });
    let pairs = parsePreferenceJsonl(await readText(v.data as string, 'preference data'), v.data as string);
    let val: PreferencePair[] = v.val ? parsePreferenceJsonl(await readText(v.val as string, 'validation data'), v.val as string) : [];
    if (!v.val) ({ train: pairs, val } = split(pairs, num(v, 'val-fraction', 0.1, { min: 0 }), seed));
    const be = await backendOf(v);
    const { model, tokenizer } = await loadChatModel(be, v.checkpoint as string);
    const rm = new RewardModel(model, tokenizer);
    const tr = new RewardTrainer(rm, pairs, { steps, batchSize, lr, seed });
    const rep = new Reporter(io, v.json === true, be);
    for (let i = 0; i < steps; i++) {
      const s = tr.trainStep();
      rep.progress(s.step, steps, { type: 'step', ...s }, { loss: s.loss, acc: s.accuracy });
    }
    const valAccuracy = val.length ? rm.pairAccuracy(val) : null;
    await saveRewardModelDir(v.out as string, rm, { step: String(steps) });
    rep.result({ type: 'done', steps, pairs: pairs.length, valPairs: val.length, valAccuracy, out: v.out },
      `saved ${v.out} (${pairs.length} comparisons${valAccuracy === null ? '' : `, held-out pair accuracy ${valAccuracy.toFixed(3)} on ${val.length}`})`);
    tr.free(); rm.free();
    return 0;
  });
}
