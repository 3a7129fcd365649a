// `glassgpt train`: pre-train a GPT on a text file (or the Brown corpus) with next-token
// prediction, showing progress, checkpointing at every evaluation and at the end, and drawing
// the loss curve. `--preset baby` is nanoGPT's "baby GPT on CPU" (shakespeare_char settings).

import { existsSync } from 'node:fs';
import { writeFileAtomic } from '../io/save-node.js';
import { join } from 'node:path';
import { BACKEND_HELP, backendLabel, backendProblem, openBackend, threadsProblem, THREADS_HELP, type CliBackend } from './backend.js';
import { GPT } from '../model/gpt.js';
import { Trainer, type TrainerOptions } from '../train/trainer.js';
import { packTokens, splitTokens, type TokenSource } from '../train/data.js';
import { FileTokens } from '../train/data-node.js';
import { saveTrainingCheckpoint, loadModelDir, loadTrainerState, MODEL_FILE, prepareCheckpointDir, recoverCheckpoint } from '../train/checkpoint-node.js';
import { lockRunDir } from '../train/lock-node.js';
import { ConfigError, makeConfig, type GPTConfig } from '../model/config.js';
import { tokenizerFromJSON } from '../tokenizer/json.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { command, num, parse, stdio, UsageError, type Options, type Values } from './args.js';
import { stopOnSignals } from './signals.js';
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
  threads: { type: 'string' }, out: { type: 'string', default: 'runs/latest' }, resume: { type: 'boolean', default: false }, force: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} satisfies Options;

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
  --out DIR                checkpoint folder (default runs/latest); --resume continues from it;
                           a folder that holds a checkpoint is refused unless --resume or --force (replace it)
  --json                   one JSON object per line on stdout`;

export async function trainCommand(argv: string[]): Promise<number> {
  return command('train', HELP, stdio, async () => {
    const v = parse(argv, OPTIONS);
    if (!v) { console.log(HELP); return 0; }
    return train(v);
  });
}

async function train(v: Values): Promise<number> {
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
  set('seed', num(v, 'seed', { int: true, min: 0, max: 2 ** 32 - 1 })); // the RNG state is 32 bits: larger seeds would wrap
  trainOpts.steps ??= 1000;
  const modelOpts: Partial<GPTConfig> = { ...preset.model };
  const setM = <K extends keyof GPTConfig>(k: K, x: GPTConfig[K] | undefined) => { if (x !== undefined) modelOpts[k] = x; };
  setM('nLayer', num(v, 'n-layer', { int: true, min: 1 })); setM('nHead', num(v, 'n-head', { int: true, min: 1 }));
  setM('nEmbd', num(v, 'n-embd', { int: true, min: 1 })); setM('blockSize', num(v, 'block-size', { int: true, min: 1 }));
  setM('dropout', num(v, 'dropout', { min: 0, max: 0.99 })); if (v.bias !== undefined) modelOpts.bias = v.bias as boolean;
  modelOpts.nLayer ??= 4; modelOpts.nHead ??= 4; modelOpts.nEmbd ??= 128; modelOpts.blockSize ??= 64;

  if (v.resume && v.force) throw new UsageError('--resume continues the checkpoint in --out and --force replaces it: give one of them');
  // the shape alone, before the corpus is read or tokenized (the vocabulary is not known yet)
  if (!v.resume) {
    try { makeConfig({ ...modelOpts, vocabSize: 1 }); } catch (e) {
      throw new ConfigError(`${(e as Error).message.replace('vocabSize=1, ', '')} (before any vocabulary; checked before reading --data)`);
    }
  }
  // the folder is made and locked first: a read-only or busy --out fails now, not at step 250
  await prepareCheckpointDir(out);
  const lock = lockRunDir(out);
  try {
    return await trainLocked(v, out, { modelOpts, trainOpts: { ...trainOpts, steps: trainOpts.steps }, valFraction, backendName });
  } finally {
    lock.release();
  }
}

interface Plan { modelOpts: Partial<GPTConfig>; trainOpts: Partial<TrainerOptions> & { steps: number }; valFraction: number; backendName: CliBackend }

async function trainLocked(v: Values, out: string, plan: Plan): Promise<number> {
  const { modelOpts, trainOpts, valFraction, backendName } = plan;
  const existing = await recoverCheckpoint(out, { discardPending: Boolean(v.force) });
  if (!v.resume && !v.force && (existing.step !== null || existsSync(join(out, MODEL_FILE)))) {
    throw new UsageError(`--out ${out} already holds a checkpoint${existing.step !== null ? ` (step ${existing.step})` : ''}: ` +
      'continue it with --resume, replace it with --force, or choose another --out');
  }
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
    if (!existsSync(join(out, MODEL_FILE))) throw new UsageError(`--resume: no checkpoint in ${out} (start a new run without --resume)`);
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
  const signals = stopOnSignals(() => trainer.stop()); // the loop ends after this step and saves below
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
        await writeFileAtomic(join(out, 'loss.svg'), lossCurveSvg(curve, valCurve, `glassgpt train · ${v.data}`));
        progress.line(`checkpoint: ${join(out, 'model.safetensors')} · loss curve: ${join(out, 'loss.svg')}`);
      }
    }
  } finally {
    signals.dispose();
    backend.dispose(); // ends the kernel threads (they never hold the process, but they hold memory)
  }
  return signals.exitCode();
}
