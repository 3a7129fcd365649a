// `glassgpt sft`: instruction-tune a chat checkpoint on JSONL {"prompt","response"} or
// {"messages":[…]} records (loss on the assistant's tokens only), saving a folder like `train`.

import { SFTTrainer, sftLoss } from '../../align/sft.js';
import { parseSftJsonl, type Conversation } from '../../align/sft-data.js';
import { loadChatModel, saveModelDir } from '../../align/checkpoint-node.js';
import { Rng } from '../../tensor/random.js';
import { backendOf, num, parse, readText, Reporter, run, stdio, type CliIO } from './common.js';

const USAGE = `usage: glassgpt sft --checkpoint DIR --data F.jsonl --out DIR [--val F.jsonl | --val-fraction X]
  [--steps 200] [--batch-size 8] [--lr 1e-3] [--eval-interval 50] [--seed 1337] [--backend auto|js|wasm|wasm-relaxed] [--threads N] [--json]
`;

export async function sftCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return run('sft', USAGE, io, async () => {
    const v = parse(argv, {
      checkpoint: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, val: { type: 'string' },
      'val-fraction': { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
      'eval-interval': { type: 'string' },
    }, ['checkpoint', 'data', 'out']);
    if (!v) { io.out(USAGE); return 0; }
    const steps = num(v, 'steps', 200, { int: true, min: 1 }), batchSize = num(v, 'batch-size', 8, { int: true, min: 1 });
    const lr = num(v, 'lr', 1e-3, { gt: 0 }), evalInterval = num(v, 'eval-interval', 50, { int: true, min: 1 });
    const seed = num(v, 'seed', 1337, { int: true, min: 0 }), valFraction = num(v, 'val-fraction', 0, { min: 0 });
    let data = parseSftJsonl(await readText(v.data as string, 'SFT data'), v.data as string);
    let val: Conversation[] = v.val ? parseSftJsonl(await readText(v.val as string, 'validation data'), v.val as string) : [];
    if (!v.val && valFraction > 0) ({ train: data, val } = split(data, valFraction, seed));
    const be = await backendOf(v);
    const { model, tokenizer } = await loadChatModel(be, v.checkpoint as string);
    const tr = new SFTTrainer(model, tokenizer, data, { steps, batchSize, lr, seed });
    if (tr.skipped > 0) io.err(`warning: ${tr.skipped} of ${data.length} conversations skipped: the model's block of ${model.config.blockSize} tokens cuts off every assistant token\n`);
    const rep = new Reporter(io, v.json === true, be);
    let valLoss: number | null = null, loss = NaN, trained = 0, trainMs = 0;
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      const s = tr.trainStep();
      trainMs += performance.now() - t0; // the steps only, not the evaluations
      loss = s.loss;
      trained += s.tokens;
      if (val.length && (s.step % evalInterval === 0 || s.step === steps)) valLoss = sftLoss(model, tokenizer, val);
      rep.progress(s.step, steps, { type: 'step', ...s, valLoss }, { loss: s.loss, ...(valLoss === null ? {} : { val: valLoss }), lr: s.lr.toExponential(1) });
    }
    await saveModelDir(v.out as string, model, tokenizer, { stage: 'sft', step: String(steps) });
    // speed: assistant (target) tokens trained on per second of step time, and seconds per step
    const speed = { targetTokensPerS: +(trained / (trainMs / 1000)).toFixed(1), secondsPerStep: +(trainMs / 1000 / steps).toFixed(3) };
    rep.result({ type: 'done', steps, trainLoss: loss, valLoss, examples: data.length, out: v.out, ...speed },
      `saved ${v.out} (${steps} steps on ${data.length} conversations, loss ${loss.toFixed(3)}${valLoss === null ? '' : `, val ${valLoss.toFixed(3)}`}; ${speed.secondsPerStep} s/step, ${speed.targetTokensPerS} target tokens/s on ${be.name})`);
    tr.free(); model.free();
    return 0;
  });
}

/** A seeded split: the last ⌈n·fraction⌉ of a shuffled copy are held out. */
export function split<T>(xs: readonly T[], fraction: number, seed: number): { train: T[]; val: T[] } {
  if (fraction >= 1) throw new Error(`--val-fraction must be below 1, got ${fraction}`);
  // no records is the data's fault, not the fraction's: say so before blaming the flag
  if (xs.length === 0) throw new Error('the data holds no usable records (e.g. rankings whose responses are all the same text form no pair); check the --data file');
  const rng = new Rng(seed ^ 0x5eed), a = [...xs];
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  const k = Math.ceil(a.length * fraction);
  if (k >= a.length) throw new Error(`--val-fraction ${fraction} leaves no training data of ${a.length} records`);
  return { train: a.slice(0, a.length - k), val: a.slice(a.length - k) };
}
