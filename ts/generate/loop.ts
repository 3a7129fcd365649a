// The decode loop for one batch of equal-length sequences: prefill, then per step and per live
// sequence: processors → sampler → stop rules → text, yielding one event per generated token.
// Finished sequences leave the batch (per-sequence stop), so the rest decode at a smaller B.
// A synchronous generator: generate/stream (generate.ts) drive it and add async and abort.

import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../tensor/random.js';
import type { ResolvedOptions } from './options.js';
import { chooseToken } from './sampler.js';
import type { Stepper } from './stepper.js';
import { TextAssembler, type FinishReason } from './stopping.js';
import { makeTrace } from './trace.js';

/** One generated token. `text` holds only complete UTF-8 characters that are final (never
 *  part of a stop string), so it may be '' while a character or a possible stop is pending;
 *  the texts of a sequence's events concatenate to its result's text. */
export interface TokenEvent {
  /** The sequence (prompt index × numSamples + sample index; 0 for a single prompt). */
  seq: number;
  step: number;
  token: number;
  text: string;
  /** log p(token) under the model (temperature 1, unfiltered). */
  logprob: number;
  /** Set on the sequence's last token. */
  finishReason?: FinishReason;
}

export interface GenerationResult {
  /** The generated text (prompt excluded; end token and stop string excluded). */
  text: string;
  /** Every generated token id, the end token or the one completing a stop string included. */
  tokens: number[];
  /** log p of each generated token under the model, aligned with tokens. */
  logprobs: number[];
  finishReason: FinishReason;
  /** The stop string that ended it, when finishReason is 'stop'. */
  stop?: string;
  /** The prompt as token ids (after encoding). */
  promptTokens: number[];
  /** The seed that reproduces this result (with the same options, batch layout and backend build). */
  seed: number;
  seq: number;
}

/** The PRNG seed of sequence `seq`: each sequence draws from its own stream, so a sequence's
 *  sample does not depend on which other sequences share its batch. */
export function sequenceSeed(seed: number, seq: number): number {
  let h = (seed ^ Math.imul(seq, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

interface SeqState {
  seq: number;
  rng: Rng;
  asm: TextAssembler;
  context: number[];
  prompt: number[];
  tokens: number[];
  logprobs: number[];
  finish?: FinishReason;
}

/** Generates for `rows` (equal lengths; row i is sequence seqs[i]) and returns their results. */
export function* decodeBatch(stepper: Stepper, tokenizer: Pick<Tokenizer, 'tokenBytes'>, rows: readonly (readonly number[])[],
  seqs: readonly number[], opts: ResolvedOptions): Generator<TokenEvent, GenerationResult[]> {
  const states: SeqState[] = rows.map((r, i) => ({
    seq: seqs[i], rng: new Rng(sequenceSeed(opts.seed, seqs[i])), asm: new TextAssembler(tokenizer, opts.stop),
    context: [...r], prompt: [...r], tokens: [], logprobs: [],
  }));
  const greedy = opts.sampling.temperature === 0;
  try {
    if (opts.maxTokens === 0) { states.forEach((s) => { s.finish = 'length'; }); return states.map(result(opts.seed)); }
    opts.signal?.throwIfAborted();
    let live = states;
    let logits = stepper.prefill(rows);
    for (let step = 0; ; step++) {
      opts.signal?.throwIfAborted();
      const keep: number[] = [], next: number[] = [];
      for (let r = 0; r < live.length; r++) {
        const s = live[r];
        const c = chooseToken(logits[r], { tokens: s.context }, opts.processors, greedy, s.rng);
        s.tokens.push(c.id); s.logprobs.push(c.logprob); s.context.push(c.id);
        opts.onStep?.(makeTrace(step, s.seq, logits[r], c.processed, c.id, c.logprob, opts.traceTop));
        let text = '';
        if (opts.endTokens.has(c.id)) s.finish = 'end';
        else {
          text = s.asm.push(c.id);
          if (s.asm.stoppedBy !== undefined) s.finish = 'stop';
        }
        if (!s.finish && s.tokens.length >= opts.maxTokens) s.finish = 'length';
        if (s.finish && s.finish !== 'stop') {
          text += s.asm.finish(); // releases held-back text; a stop string may still close it
          if (s.asm.stoppedBy !== undefined) s.finish = 'stop';
        }
        yield { seq: s.seq, step, token: c.id, text, logprob: c.logprob, ...(s.finish ? { finishReason: s.finish } : {}) };
        if (!s.finish) { keep.push(r); next.push(c.id); }
      }
      if (keep.length === 0) break;
      if (keep.length < live.length) { stepper.select(keep); live = keep.map((r) => live[r]); }
      logits = stepper.step(next);
    }
  } finally {
    stepper.free();
  }
  return states.map(result(opts.seed));
}

const result = (seed: number) => (s: SeqState): GenerationResult => ({
  text: s.asm.text, tokens: s.tokens, logprobs: s.logprobs, finishReason: s.finish!,
  ...(s.asm.stoppedBy !== undefined ? { stop: s.asm.stoppedBy } : {}), promptTokens: s.prompt, seed, seq: s.seq,
});
