// `glassgpt train`: pre-train a GPT on a text file (or the Brown corpus) with next-token
// prediction, showing progress, checkpointing at every evaluation and at the end, and drawing
// the loss curve. `--preset baby` is nanoGPT's "baby GPT on CPU" (shakespeare_char settings).

import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BACKEND_HELP, backendLabel, backendProblem, openBackend, threadsProblem, THREADS_HELP, type CliBackend } from './backend.js';
import { GPT } from '../model/gpt.js';
import type { GPTConfig } from '../model/config.js';
import { Trainer, type TrainerOptions } from '../train/trainer.js';
import { packTokens, splitTokens, type TokenSource } from '../train/data.js';
import { FileTokens } from '../train/data-node.js';
import { saveTrainingCheckpoint, loadModelDir, loadTrainerState } from '../train/checkpoint-node.js';
import { tokenizerFromJSON } from '../tokenizer/json.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { num, usageErrors, UsageError } from './args.js';
import { makeTokenizer, readCorpus } from './corpus.js';
import { lossCurveSvg, type LossPoint } from './loss-svg.js';
import { Progress, reportMode } from './progress.js';

/** nanoGPT's baby GPT: config/train_shakespeare_char.py with the CPU overrides of its README. */
export const PRESETS: Record<string, { model: Partial<GPTConfig>; train: Partial<TrainerOptions> }> = {
  baby: {
    model: { nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 64, dropout: 0, bias: false },
    train: { steps: 2000, batchSize: 12, lr: 1e-3, minLr: 1e-4, warmupIters: 100, beta2: 0.99, weightDecay: 0.1, gradClip: 1.0, evalInterval: 250, evalIters: 20 },
  },
};

const OPTIONS = {
  data: { type: 'string' }, tokenizer: { type: 'string', default: 'char' }, preset: { type: 'string' },
  'n-layer': { type: 'string' }, 'n-head': { type: 'string' }, 'n-embd': { type: 'string' },
  'block-size': { type: 'string' }, dropout: { type: 'string' }, bias: { type: 'boolean' },
  steps: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, 'min-lr': { type: 'string' },
  warmup: { type: 'string' }, 'weight-decay': { type: 'string' }, beta2: { type: 'string' }, 'grad-clip': { type: 'string' },
  'grad-accum': { type: 'string' }, 'eval-interval': { type: 'string' }, 'eval-iters': { type: 'string' },
  'val-fraction': { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string', default: 'auto' },
  threads: { type: 'string' }, out: { type: 'string', default: 'runs/latest' }, resume: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
} as const;

const HELP = `usage: glassgpt train --data FILE|brown|TOKENS.bin [options]
  --data                   a UTF-8 text file, "brown" (the Brown corpus), or a uint16 token file
                           (nanoGPT's train.bin; read window by window, never loaded whole)
  --tokenizer char|bpe:N|gpt2:DIR|FILE.json   (default char)
  --preset baby            nanoGPT's baby GPT on CPU (4 layers, 4 heads, 128 embd, block 64, batch 12, lr 1e-3, 2000 steps)
  --n-layer --n-head --n-embd --block-size --dropout --bias     model shape (override the preset)
  --steps --batch-size --lr --min-lr --warmup --weight-decay --beta2 --grad-clip --grad-accum
  --eval-interval --eval-iters --val-fraction (0.1) --seed (1337)
  --backend js|wasm|wasm-relaxed|auto   (default auto; wasm-relaxed: fused multiply-adds, faster, bits depend on the CPU)
  ${THREADS_HELP}
  --out DIR                checkpoint folder (default runs/latest); --resume continues from it
  --json                   one JSON object per line on stdout`;

export async function trainCommand(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>;
  const parse = () => parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
  try {
    values = usageErrors(parse);
    if (values.help) { console.log(HELP); return 0; }
    return await train(values);
  } catch (e) {
    if (e instanceof UsageError) { console.error(`glassgpt train: ${e.message}\n\n${HELP}`); return 2; }
    throw e;
  }
}

async function train(v: Record<string, string | boolean | undefined>): Promise<number> {
  if (!v.data) throw new UsageError('--data is required (a text file, or "brown" for the Brown corpus)');
  const preset = v.preset === undefined ? { model: {}, train: {} } : PRESETS[v.preset as string];
  if (!preset) throw new UsageError(`--preset: unknown preset "${v.preset}" (known: ${Object.keys(PRESETS).join(', ')})`);
  const backendName = v.backend as CliBackend;
  const badBackend = backendProblem(backendName);
  if (badBackend) throw new UsageError(badBackend);
  const badThreads = threadsProblem(v.threads);
  if (badThreads) throw new UsageError(badThreads);
  const out = v.out as string;
  const valFraction = num(v, 'val-fraction', { min: 0, max: 0.9 }) ?? 0.1;
  const trainOpts: Partial<TrainerOptions> = { ...preset.train };
  const set = <K extends keyof TrainerOptions>(k: K, x: TrainerOptions[K] | undefined) => { if (x !== undefined) trainOpts[k] = x; };
  set('steps', num(v, 'steps', { int: true, min: 0 })); set('batchSize', num(v, 'batch-size', { int: true, min: 1 }));
  set('lr', num(v, 'lr', { min: 1e-12 })); set('minLr', num(v, 'min-lr', { min: 0 })); set('warmupIters', num(v, 'warmup', { int: true, min: 0 }));
  set('weightDecay', num(v, 'weight-decay', { min: 0 })); set('beta2', num(v, 'beta2', { min: 0, max: 0.999999 }));
  set('gradClip', num(v, 'grad-clip', { min: 0 })); set('gradAccumSteps', num(v, 'grad-accum', { int: true, min: 1 }));
  set('evalInterval', num(v, 'eval-interval', { int: true, min: 1 })); set('evalIters', num(v, 'eval-iters', { int: true, min: 1 }));
  set('seed', num(v, 'seed', { int: true, min: 0 }));
  trainOpts.steps ??= 1000;
  const modelOpts: Partial<GPTConfig> = { ...preset.model };
  const setM = <K extends keyof GPTConfig>(k: K, x: GPTConfig[K] | undefined) => { if (x !== undefined) modelOpts[k] = x; };
  setM('nLayer', num(v, 'n-layer', { int: true, min: 1 })); setM('nHead', num(v, 'n-head', { int: true, min: 1 }));
  setM('nEmbd', num(v, 'n-embd', { int: true, min: 1 })); setM('blockSize', num(v, 'block-size', { int: true, min: 1 }));
  setM('dropout', num(v, 'dropout', { min: 0, max: 0.99 })); if (v.bias !== undefined) modelOpts.bias = v.bias as boolean;
  modelOpts.nLayer ??= 4; modelOpts.nHead ??= 4; modelOpts.nEmbd ??= 128; modelOpts.blockSize ??= 64;

  const progress = new Progress(trainOpts.steps, reportMode(Boolean(v.json)));
  const backend = await openBackend(backendName, undefined, v.threads === undefined ? undefined : Number(v.threads));
  if (v.json) process.stdout.write(JSON.stringify({ type: 'backend', backend: backend.name, threads: backend.threads }) + '\n');
  // A .bin is already tokens (nanoGPT's uint16 format), read window by window from disk.
  const tokenFile = (v.data as string).endsWith('.bin');
  if (tokenFile && !v.resume && /^(char|bpe:\d+)$/.test(v.tokenizer as string)) {
    throw new UsageError(`--data ${v.data} holds token ids: give the tokenizer that made them (--tokenizer FILE.json or gpt2:DIR)`);
  }
  const text = tokenFile ? '' : readCorpus(v.data as string);

  let model: GPT, tokenizer: Tokenizer, resumeStep = -1;
  if (v.resume) {
    if (!existsSync(join(out, 'model.safetensors'))) throw new UsageError(`--resume: no checkpoint in ${out}`);
    const dir = await loadModelDir(backend, out);
    if (!dir.tokenizer) throw new UsageError(`--resume: the checkpoint in ${out} has no tokenizer`);
    model = dir.model; tokenizer = tokenizerFromJSON(dir.tokenizer); resumeStep = dir.step;
    progress.line(`resuming from ${out} at step ${dir.step}`);
  } else {
    if (!tokenFile) progress.line(`tokenizing ${(text.length / 1e6).toFixed(2)} M characters with ${v.tokenizer}`);
    tokenizer = makeTokenizer(v.tokenizer as string, text);
    model = new GPT(backend, { ...modelOpts, vocabSize: tokenizer.vocabSize }, { seed: trainOpts.seed ?? 1337 });
  }
  let train: TokenSource, val: TokenSource;
  if (tokenFile) {
    ({ train, val } = FileTokens.split(v.data as string, valFraction));
  } else {
    ({ train, val } = splitTokens(packTokens(tokenizer.encode(text), tokenizer.vocabSize), valFraction));
  }
  const nTokens = train.length + val.length;
  const trainer = new Trainer(model, { ...trainOpts, steps: trainOpts.steps, train, val: valFraction > 0 ? val : undefined });
  if (resumeStep >= 0) await loadTrainerState(out, trainer, resumeStep);
  progress.line(`${backendLabel(backend)} · ${(model.numParams() / 1e6).toFixed(2)} M parameters · ${nTokens.toLocaleString('en-US')} tokens (vocab ${tokenizer.vocabSize}) · ${trainer.B}×${trainer.T} per step`);

  const tokJSON = JSON.stringify(tokenizer.toJSON());
  const curve: LossPoint[] = [], valCurve: LossPoint[] = [];
  const stop = () => trainer.stop();
  process.once('SIGINT', stop);
  try {
    for await (const ev of trainer.run()) {
      progress.event(ev);
      if (ev.type === 'step') curve.push({ step: ev.step, loss: ev.loss });
      if (ev.type === 'eval') {
        if (ev.valLoss !== null) valCurve.push({ step: ev.step, loss: ev.valLoss });
        await saveTrainingCheckpoint(out, trainer, tokJSON); // the last good checkpoint
      }
      if (ev.type === 'done') {
        await saveTrainingCheckpoint(out, trainer, tokJSON);
        await mkdir(out, { recursive: true });
        await writeFile(join(out, 'loss.svg'), lossCurveSvg(curve, valCurve, `glassgpt train · ${v.data}`));
        progress.line(`checkpoint: ${join(out, 'model.safetensors')} · loss curve: ${join(out, 'loss.svg')}`);
      }
    }
  } finally {
    process.off('SIGINT', stop);
    backend.dispose(); // ends the kernel threads (they never hold the process, but they hold memory)
  }
  return 0;
}
