// `glassgpt sft`: instruction-tune a chat checkpoint on JSONL {"prompt","response"} or
// {"messages":[…]} records (loss on the assistant's tokens only), saving a folder like `train`.
// Ctrl-C saves the run (weights and optimizer state) and exits 130; --resume continues it.

import { SFTTrainer, sftLoss } from '../../align/sft.js';
import { parseSftJsonl, type Conversation } from '../../align/sft-data.js';
import { loadChatModel, resumeFromDir, savePolicyDir } from '../../align/checkpoint-node.js';
import { readTextFile } from '../../io/read-node.js';
import { now } from '../../yield.js';
import { Rng } from '../../tensor/random.js';
import { AlignError } from '../../align/errors.js';
import { command, num, parse, RUN_OPTIONS, stdio, UsageError, type CliIO } from '../args.js';
import { backendOf } from '../backend.js';
import { Reporter } from '../reporter.js';
import { stopOnSignals } from '../signals.js';

const USAGE = `usage: glassgpt sft --checkpoint DIR --data F.jsonl --out DIR [--val F.jsonl | --val-fraction X]
  [--steps 200] [--batch-size 8] [--lr 1e-3] [--eval-interval 50] [--resume] [--seed 1337] [--backend auto|js|wasm|wasm-relaxed] [--threads N] [--json]
  --resume continues the run saved in --out (after Ctrl-C) with the same data and options
`;

export async function sftCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return command('sft', USAGE, io, async () => {
    const v = parse(argv, {
      ...RUN_OPTIONS, checkpoint: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, val: { type: 'string' },
      'val-fraction': { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
      'eval-interval': { type: 'string' }, resume: { type: 'boolean' },
    }, ['checkpoint', 'data', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    const steps = num(v, 'steps', { int: true, min: 1 }) ?? 200, batchSize = num(v, 'batch-size', { int: true, min: 1 }) ?? 8;
    const lr = num(v, 'lr', { gt: 0 }) ?? 1e-3, evalInterval = num(v, 'eval-interval', { int: true, min: 1 }) ?? 50;
    const seed = num(v, 'seed', { int: true, min: 0 }) ?? 1337, valFraction = num(v, 'val-fraction', { min: 0 }) ?? 0;
    const out = v.out as string;
    let data = parseSftJsonl(readTextFile(v.data as string, 'SFT data'), v.data as string);
    let val: Conversation[] = v.val ? parseSftJsonl(readTextFile(v.val as string, 'validation data'), v.val as string) : [];
    if (!v.val && valFraction > 0) ({ train: data, val } = split(data, valFraction, seed));
    const be = await backendOf(v);
    const { model, tokenizer } = await loadChatModel(be, v.resume ? out : v.checkpoint as string);
    const tr = new SFTTrainer(model, tokenizer, data, { steps, batchSize, lr, seed });
    if (v.resume) resumeFromDir(out, tr);
    if (tr.skipped > 0) io.err(`warning: ${tr.skipped} of ${data.length} conversations skipped: the model's block of ${model.config.blockSize} tokens cuts off every assistant token\n`);
    const rep = new Reporter(io, v.json === true, be);
    const from = tr.step;
    let valLoss: number | null = null, loss = NaN, trained = 0, trainMs = 0, t = now();
    const signals = stopOnSignals(() => tr.stop(), io.err);
    try {
      for await (const ev of tr.run()) {
        if (ev.type !== 'step') continue;
        trainMs += now() - t; // the steps only, not the evaluations
        loss = ev.loss;
        trained += ev.tokens;
        if (val.length && (ev.step % evalInterval === 0 || ev.step === steps)) valLoss = sftLoss(model, tokenizer, val);
        rep.progress(ev.step, steps, { ...ev, valLoss }, { loss: ev.loss, ...(valLoss === null ? {} : { val: valLoss }), lr: ev.lr.toExponential(1) });
        t = now();
      }
    } finally {
      signals.dispose();
    }
    await savePolicyDir(out, model, tokenizer, null, { stage: 'sft', step: String(tr.step) }, tr);
    // speed: assistant (target) tokens trained on per second of step time, and seconds per step
    const ran = tr.step - from;
    const speed = { targetTokensPerS: +(trained / (trainMs / 1000)).toFixed(1), secondsPerStep: +(trainMs / 1000 / Math.max(1, ran)).toFixed(3) };
    const stopped = tr.step < steps;
    rep.result({ type: 'done', steps: tr.step, stopped, trainLoss: loss, valLoss, examples: data.length, out, ...speed },
      `saved ${out} (${stopped ? `stopped at step ${tr.step} of ${steps}; --resume continues` : `${steps} steps`} on ${data.length} conversations, loss ${loss.toFixed(3)}${valLoss === null ? '' : `, val ${valLoss.toFixed(3)}`}; ${speed.secondsPerStep} s/step, ${speed.targetTokensPerS} target tokens/s on ${be.name})`);
    tr.free(); model.free();
    return signals.exitCode();
  });
}

/** A seeded split: the last ⌈n·fraction⌉ of a shuffled copy are held out. */
export function split<T>(xs: readonly T[], fraction: number, seed: number): { train: T[]; val: T[] } {
  if (fraction >= 1) throw new UsageError(`--val-fraction must be below 1, got ${fraction}`);
  // no records is the data's fault, not the fraction's: say so before blaming the flag
  if (xs.length === 0) throw new AlignError('the data holds no usable records (e.g. rankings whose responses are all the same text form no pair); check the --data file');
  const rng = new Rng(seed ^ 0x5eed), a = [...xs];
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  const k = Math.ceil(a.length * fraction);
  if (k >= a.length) throw new UsageError(`--val-fraction ${fraction} leaves no training data of ${a.length} records`);
  return { train: a.slice(0, a.length - k), val: a.slice(a.length - k) };
}
