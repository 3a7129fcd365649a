// The public generation calls: generate (one prompt → text), generateBatch (several prompts ×
// several samples, per-sequence stop; what RLHF needs), and stream (an async iterator of
// { token, text, logprob } that emits complete characters only and stops on an AbortSignal).
// Mirrors transformers.js's generate(): encode, build processors, loop, decode, stream.

import type { GPT } from '../model/gpt.js';
import { ENDOFTEXT } from '../tokenizer/special.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { CachedStepper } from './cached-stepper.js';
import { GenerateOptionsError } from './errors.js';
import { decodeBatch, type GenerationResult, type TokenEvent } from './loop.js';
import { resolveOptions, type GenerateOptions, type ResolvedOptions } from './options.js';
import { BannedTokens } from './processors.js';
import { NoCacheStepper, type Stepper } from './stepper.js';
import { Breather } from '../yield.js';

/** A prompt: text (encoded with opts.encode) or token ids. */
export type Prompt = string | readonly number[];

export interface BatchOptions extends GenerateOptions {
  /** Samples per prompt. Default 1. */
  numSamples?: number;
  /** Most sequences decoded together (bounds the KV cache's memory). Default 16. */
  batchSize?: number;
}

/** Generates a continuation of one prompt. Rejects with signal.reason when aborted. The decode
 *  loop is synchronous work; every ~16 ms it gives the event loop a turn, so a page stays
 *  responsive and a timer's abort is seen (for no pauses at all, run it in a Worker). */
export async function generate(model: GPT, tokenizer: Tokenizer, prompt: Prompt, opts: GenerateOptions = {}): Promise<GenerationResult> {
  for (const k of ['numSamples', 'batchSize']) if (opts && k in opts) throw new GenerateOptionsError(`generate: ${k} is an option of generateBatch`);
  return (await generateBatch(model, tokenizer, [prompt], opts))[0][0];
}

/** result[p][s]: sample s of prompt p. Sequence p·numSamples + s draws from its own PRNG stream
 *  (see sequenceSeed), so generate(prompt, { seed }) equals generateBatch([prompt], { seed })[0][0].
 *  Sequences are batched by prompt length (the cache has one position counter per batch). */
export async function generateBatch(model: GPT, tokenizer: Tokenizer, prompts: readonly Prompt[], opts: BatchOptions = {}): Promise<GenerationResult[][]> {
  const { numSamples = 1, batchSize = 16, ...rest } = opts;
  for (const [k, v] of [['numSamples', numSamples], ['batchSize', batchSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new GenerateOptionsError(`generate: ${k} must be a whole number ≥ 1, got ${String(v)}`);
  }
  if (!Array.isArray(prompts) || prompts.length === 0) throw new GenerateOptionsError('generateBatch: prompts must be a non-empty array');
  const o = prepare(model, tokenizer, rest);
  const rows = prompts.map((p, i) => encodePrompt(model, tokenizer, p, o, i));
  // sequences grouped by prompt length, then cut into batches of at most batchSize
  const byLength = new Map<number, number[]>();
  for (let p = 0; p < rows.length; p++) for (let s = 0; s < numSamples; s++) {
    const seqs = byLength.get(rows[p].length) ?? [];
    seqs.push(p * numSamples + s);
    byLength.set(rows[p].length, seqs);
  }
  const out: GenerationResult[][] = prompts.map(() => []);
  const breather = new Breather();
  for (const seqs of byLength.values()) {
    for (let i = 0; i < seqs.length; i += batchSize) {
      const batch = seqs.slice(i, i + batchSize);
      const it = decodeBatch(stepperFor(model, o, rows[Math.floor(batch[0] / numSamples)].length), tokenizer,
        batch.map((q) => rows[Math.floor(q / numSamples)]), batch, o);
      let r = it.next();
      while (!r.done) {
        await breather.due(); // timers, clicks and an AbortSignal get their turn
        r = it.next();
      }
      for (const res of r.value) out[Math.floor(res.seq / numSamples)][res.seq % numSamples] = res;
    }
  }
  return out;
}

/** Streams one prompt's tokens as they are generated; the iterator's return value is the full
 *  result. Breaking out of the loop stops generation and frees the cache. */
export async function* stream(model: GPT, tokenizer: Tokenizer, prompt: Prompt, opts: GenerateOptions = {}): AsyncGenerator<TokenEvent, GenerationResult> {
  const o = prepare(model, tokenizer, opts);
  const row = encodePrompt(model, tokenizer, prompt, o, 0);
  const it = decodeBatch(stepperFor(model, o, row.length), tokenizer, [row], [0], o);
  const breather = new Breather();
  try {
    for (let r = it.next(); ; r = it.next()) {
      if (r.done) return r.value[0];
      yield r.value;
      await breather.due();
    }
  } finally {
    it.return([]); // frees the stepper if the consumer stopped early
  }
}

function prepare(model: GPT, tokenizer: Tokenizer, opts: GenerateOptions): ResolvedOptions {
  const V = model.config.vocabSize;
  if (tokenizer.vocabSize > V) throw new GenerateOptionsError(`generate: the tokenizer has ${tokenizer.vocabSize} ids, the model only ${V}`);
  const o = resolveOptions(opts, V, model.config.blockSize, tokenizer.specialTokens.get(ENDOFTEXT));
  // a model padded past the tokenizer (GPT-2's 50257 → 50304) must never emit an id it cannot decode
  if (tokenizer.vocabSize < V) o.processors.unshift(new BannedTokens(Array.from({ length: V - tokenizer.vocabSize }, (_, i) => tokenizer.vocabSize + i)));
  return o;
}

/** Token ids of a prompt; an empty prompt starts from <|endoftext|> (GPT-2's convention). */
function encodePrompt(model: GPT, tokenizer: Tokenizer, prompt: Prompt, o: ResolvedOptions, i: number): number[] {
  let ids: number[];
  if (typeof prompt === 'string') ids = tokenizer.encode(prompt, o.encode);
  else if (Array.isArray(prompt)) ids = [...prompt];
  else throw new GenerateOptionsError(`generate: prompt ${i} must be a string or an array of token ids, got ${String(prompt)}`);
  ids.forEach((id, j) => {
    if (!Number.isInteger(id) || id < 0 || id >= tokenizer.vocabSize) throw new GenerateOptionsError(`generate: prompt ${i} token ${j} is ${String(id)}, outside the vocabulary [0, ${tokenizer.vocabSize})`);
  });
  if (ids.length === 0) {
    const eot = tokenizer.specialTokens.get(ENDOFTEXT);
    if (eot === undefined) throw new GenerateOptionsError(`generate: prompt ${i} is empty and the tokenizer has no ${ENDOFTEXT} to start from`);
    ids = [eot];
  }
  return ids;
}

function stepperFor(model: GPT, o: ResolvedOptions, promptLength: number): Stepper {
  const { blockSize } = model.config;
  if (!o.cache) return new NoCacheStepper(model, o.contextKeep);
  // the window never exceeds blockSize; a short run needs a cache only as long as it gets
  return new CachedStepper(model, o.contextKeep, Math.min(blockSize, Math.min(promptLength, blockSize) + o.maxTokens));
}
