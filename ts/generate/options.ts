// Generation options: the types, their defaults, and one validator that names the option and
// the value it rejects (DESIGN "Bad input"). buildProcessors turns valid options into the
// processor chain, in HF transformers' order: penalties and biases on the raw logits, then
// temperature, then the truncations (top-k, top-p, min-p).

import type { EncodeOptions } from '../tokenizer/types.js';
import { GenerateOptionsError } from './errors.js';
import {
  BannedTokens, FrequencyPresencePenalty, LogitBias, MinP, RepetitionPenalty, Temperature, TopK, TopP,
  type LogitsProcessor,
} from './processors.js';
import type { StepTrace } from './trace.js';

export interface SamplingOptions {
  /** Softmax temperature ≥ 0; 0 is greedy decoding (argmax). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens; 0 = off. Default 0. */
  topK?: number;
  /** Nucleus: the smallest set reaching probability p, p in (0, 1]; 1 = off. Default 1. */
  topP?: number;
  /** Drop tokens below minP × the top probability, minP in [0, 1]; 0 = off. Default 0. */
  minP?: number;
  /** CTRL repetition penalty θ > 0 over the whole sequence (prompt included); 1 = off. */
  repetitionPenalty?: number;
  /** OpenAI frequency penalty (any finite number; per occurrence in the sequence). Default 0. */
  frequencyPenalty?: number;
  /** OpenAI presence penalty (any finite number; once per token present). Default 0. */
  presencePenalty?: number;
  /** Added to the logits of these token ids (finite values). */
  logitBias?: Readonly<Record<number, number>> | ReadonlyMap<number, number>;
  /** Token ids that are never generated. */
  bannedTokens?: readonly number[];
}

export interface GenerateOptions extends SamplingOptions {
  /** Most tokens to generate (an end token counts). Default 256. */
  maxTokens?: number;
  /** Stop when the text contains one of these (matched across token boundaries); the stop
   *  string and anything after it are not returned. */
  stop?: string | readonly string[];
  /** Token ids that end a sequence; not part of the text. Default: the tokenizer's
   *  <|endoftext|> if it has one. null or [] = none. */
  endTokens?: number | readonly number[] | null;
  /** Seed of the sampler's PRNG. Default: a random one, reported in the result. */
  seed?: number;
  /** Cancels generation: the call (or the stream) rejects with signal.reason. */
  signal?: AbortSignal;
  /** Called at every step with the distribution, the filtered set and the choice. */
  onStep?: (trace: StepTrace) => void;
  /** How many entries of each distribution a trace lists. Default 10. */
  traceTop?: number;
  /** Use the KV cache (default). false recomputes the whole window every step: the reference. */
  cache?: boolean;
  /** When the context outgrows blockSize, keep this many newest tokens and re-prefill them
   *  (1 ≤ contextKeep ≤ blockSize). Default ⌈3·blockSize/4⌉. See window.ts. */
  contextKeep?: number;
  /** How a string prompt is encoded. Default { allowedSpecial: 'all' }: the prompt is yours. */
  encode?: EncodeOptions;
}

/** Options with defaults filled in and every value checked. */
export interface ResolvedOptions {
  sampling: SamplingOptions & { temperature: number };
  maxTokens: number;
  stop: string[];
  endTokens: Set<number>;
  seed: number;
  signal: AbortSignal | undefined;
  onStep: ((trace: StepTrace) => void) | undefined;
  traceTop: number;
  cache: boolean;
  contextKeep: number;
  encode: EncodeOptions;
  processors: LogitsProcessor[];
}

const KNOWN = new Set(['temperature', 'topK', 'topP', 'minP', 'repetitionPenalty', 'frequencyPenalty',
  'presencePenalty', 'logitBias', 'bannedTokens', 'maxTokens', 'stop', 'endTokens', 'seed', 'signal',
  'onStep', 'traceTop', 'cache', 'contextKeep', 'encode']);

const bad = (what: string, v: unknown, need: string) =>
  new GenerateOptionsError(`generate: ${what} must be ${need}, got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);

function num(o: Record<string, unknown>, key: string, dflt: number, ok: (v: number) => boolean, need: string): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !ok(v)) throw bad(key, v, need);
  return v;
}

/** Checks a token id against the model's vocabulary. */
function tokenId(what: string, v: unknown, V: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= V) throw bad(what, v, `a token id in [0, ${V})`);
  return v;
}

/** Validates `opts` for a model with vocabulary V and context blockSize; `defaultEnd` is the
 *  tokenizer's end-of-text id (or undefined). */
export function resolveOptions(opts: GenerateOptions, V: number, blockSize: number, defaultEnd: number | undefined): ResolvedOptions {
  if (opts === null || typeof opts !== 'object') throw new GenerateOptionsError(`generate: options must be an object, got ${String(opts)}`);
  const o = opts as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.has(k) && o[k] !== undefined) throw new GenerateOptionsError(`generate: unknown option "${k}"`);
  const finite = (v: number) => Number.isFinite(v);
  const temperature = num(o, 'temperature', 1, (v) => finite(v) && v >= 0, 'a finite number ≥ 0 (0 = greedy)');
  const topK = num(o, 'topK', 0, (v) => Number.isInteger(v) && v >= 0, 'a whole number ≥ 0 (0 = off)');
  const topP = num(o, 'topP', 1, (v) => v > 0 && v <= 1, 'in (0, 1]');
  const minP = num(o, 'minP', 0, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  const repetitionPenalty = num(o, 'repetitionPenalty', 1, (v) => finite(v) && v > 0, 'a finite number > 0 (1 = off)');
  const frequencyPenalty = num(o, 'frequencyPenalty', 0, finite, 'a finite number');
  const presencePenalty = num(o, 'presencePenalty', 0, finite, 'a finite number');
  const maxTokens = num(o, 'maxTokens', 256, (v) => Number.isInteger(v) && v >= 0, 'a whole number ≥ 0');
  const traceTop = num(o, 'traceTop', 10, (v) => Number.isInteger(v) && v >= 1, 'a whole number ≥ 1');
  const contextKeep = num(o, 'contextKeep', Math.ceil((3 * blockSize) / 4), (v) => Number.isInteger(v) && v >= 1 && v <= blockSize, `a whole number in [1, ${blockSize}] (blockSize)`);
  const seed = num(o, 'seed', (Math.random() * 2 ** 32) >>> 0, (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32, 'a whole number in [0, 2^32)');

  const bias = new Map<number, number>();
  if (o.logitBias !== undefined) {
    if (o.logitBias === null || typeof o.logitBias !== 'object') throw bad('logitBias', o.logitBias, 'an object or Map of token id → bias');
    const entries = o.logitBias instanceof Map ? [...o.logitBias.entries()] : Object.entries(o.logitBias);
    for (const [k, b] of entries) {
      const id = tokenId('logitBias key', typeof k === 'string' && /^\d+$/.test(k) ? Number(k) : k, V);
      if (typeof b !== 'number' || !finite(b)) throw bad(`logitBias[${id}]`, b, 'a finite number');
      bias.set(id, b);
    }
  }
  const banned: number[] = [];
  if (o.bannedTokens !== undefined) {
    if (!Array.isArray(o.bannedTokens)) throw bad('bannedTokens', o.bannedTokens, 'an array of token ids');
    for (const id of o.bannedTokens) banned.push(tokenId('bannedTokens entry', id, V));
    if (new Set(banned).size >= V) throw new GenerateOptionsError(`generate: bannedTokens bans all ${V} tokens`);
  }
  const stopList = o.stop === undefined ? [] : typeof o.stop === 'string' ? [o.stop] : o.stop;
  if (!Array.isArray(stopList) || stopList.some((s) => typeof s !== 'string' || s === '')) throw bad('stop', o.stop, 'a non-empty string or an array of them');
  let ends: unknown[];
  if (o.endTokens === undefined) ends = defaultEnd === undefined ? [] : [defaultEnd];
  else if (o.endTokens === null) ends = [];
  else ends = Array.isArray(o.endTokens) ? o.endTokens : [o.endTokens];
  const endTokens = new Set(ends.map((id) => tokenId('endTokens entry', id, V)));
  if (o.signal !== undefined && !(typeof o.signal === 'object' && o.signal !== null && 'aborted' in o.signal)) throw bad('signal', o.signal, 'an AbortSignal');
  if (o.onStep !== undefined && typeof o.onStep !== 'function') throw bad('onStep', o.onStep, 'a function');
  if (o.cache !== undefined && typeof o.cache !== 'boolean') throw bad('cache', o.cache, 'a boolean');
  if (o.encode !== undefined && (o.encode === null || typeof o.encode !== 'object')) throw bad('encode', o.encode, 'EncodeOptions');

  const sampling = { temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty, logitBias: bias, bannedTokens: banned };
  return {
    sampling, maxTokens, stop: [...(stopList as string[])], endTokens, seed,
    signal: o.signal as AbortSignal | undefined, onStep: o.onStep as ResolvedOptions['onStep'], traceTop,
    cache: (o.cache as boolean | undefined) ?? true, contextKeep,
    encode: (o.encode as EncodeOptions | undefined) ?? { allowedSpecial: 'all' },
    processors: buildProcessors(sampling, banned),
  };
}

/** The processor chain for checked sampling options (HF order). Processors that would do
 *  nothing are left out; with temperature 0 the truncations are skipped (argmax survives them). */
export function buildProcessors(s: SamplingOptions & { temperature: number }, banned: readonly number[]): LogitsProcessor[] {
  const out: LogitsProcessor[] = [];
  if ((s.repetitionPenalty ?? 1) !== 1) out.push(new RepetitionPenalty(s.repetitionPenalty!));
  if ((s.frequencyPenalty ?? 0) !== 0 || (s.presencePenalty ?? 0) !== 0) out.push(new FrequencyPresencePenalty(s.frequencyPenalty ?? 0, s.presencePenalty ?? 0));
  const bias = s.logitBias instanceof Map ? s.logitBias : new Map(Object.entries(s.logitBias ?? {}).map(([k, v]) => [Number(k), v]));
  if (bias.size > 0) out.push(new LogitBias(bias));
  if (banned.length > 0) out.push(new BannedTokens(banned));
  if (s.temperature === 0) return out;
  if (s.temperature !== 1) out.push(new Temperature(s.temperature));
  if ((s.topK ?? 0) > 0) out.push(new TopK(s.topK!));
  if ((s.topP ?? 1) < 1) out.push(new TopP(s.topP!));
  if ((s.minP ?? 0) > 0) out.push(new MinP(s.minP!));
  return out;
}
