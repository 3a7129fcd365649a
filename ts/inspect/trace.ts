// A generation, step by step: at each step the model's distribution, what the sampler's
// processors (temperature, top-k, top-p, …) left of it, and the token drawn from what was left.
// The numbers are ts/generate's own trace (its onStep hook); this adds each token's text.

import type { GPT } from '../model/gpt.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { generate, type Prompt } from '../generate/generate.js';
import type { GenerateOptions } from '../generate/options.js';
import type { GenerationResult } from '../generate/loop.js';
import type { StepTrace } from '../generate/trace.js';
import { InspectError } from './run.js';

export interface TracedToken {
  id: number;
  text: string;
  prob: number;
}

export interface TraceStep {
  step: number;
  /** The model's distribution (temperature 1, nothing removed), most likely first. */
  top: TracedToken[];
  /** After the processors, most likely first; the sample is drawn from this. */
  kept: TracedToken[];
  /** How many tokens survived the processors (top-k 5 → at most 5). */
  keptCount: number;
  /** The drawn token: prob after processing, logprob under the model. */
  chosen: TracedToken & { logprob: number };
}

export interface GenerationTrace {
  result: GenerationResult;
  steps: TraceStep[];
}

/** Generates from `prompt` and records every step (of the first sequence). */
export async function traceGeneration(model: GPT, tokenizer: Tokenizer, prompt: Prompt,
  opts: Omit<GenerateOptions, 'onStep'> = {}): Promise<GenerationTrace> {
  if ((opts as GenerateOptions).onStep !== undefined) throw new InspectError('traceGeneration: onStep is its own; pass the other options only');
  const raw: StepTrace[] = [];
  const result = await generate(model, tokenizer, prompt, { ...opts, onStep: (t) => { if (t.seq === 0) raw.push(t); } });
  const text = (id: number) => tokenizer.decode([id]);
  const named = (e: { id: number; prob: number }): TracedToken => ({ id: e.id, text: text(e.id), prob: e.prob });
  const steps = raw.map((t) => ({
    step: t.step, top: t.top.map(named), kept: t.kept.map(named), keptCount: t.keptCount,
    chosen: { ...named(t.chosen), logprob: t.chosen.logprob },
  }));
  return { result, steps };
}
