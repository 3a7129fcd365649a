// Logits processors, one small class each (transformers.js's LogitsProcessor / LogitsWarper
// split; the definitions follow HF transformers' generation/logits_process.py). Each edits one
// sequence's logits in place: a removed token gets −∞. Work is in float64, and probabilities
// come from expDet, so a processor gives the same bits in every engine.

import { expDet } from './detmath.js';

/** What a processor may look at besides the logits. */
export interface ProcessorContext {
  /** Every token of the sequence so far: the prompt, then what was generated. */
  readonly tokens: readonly number[];
}

export interface LogitsProcessor {
  readonly name: string;
  apply(logits: Float64Array, ctx: ProcessorContext): void;
}

/** Token ids of the finite logits, highest first; ties go to the lower id (stable, engine-free). */
export function rankFinite(logits: Float64Array): number[] {
  const ids: number[] = [];
  for (let i = 0; i < logits.length; i++) if (logits[i] > -Infinity) ids.push(i);
  return ids.sort((a, b) => logits[b] - logits[a] || a - b);
}

/** CTRL's repetition penalty (HF RepetitionPenaltyLogitsProcessor): for every distinct token
 *  already in the sequence, a positive logit is divided by θ, a negative one multiplied by θ,
 *  so θ > 1 always makes a repeat less likely. Example θ=2: 3 → 1.5, −1 → −2. */
export class RepetitionPenalty implements LogitsProcessor {
  readonly name = 'repetitionPenalty';
  constructor(readonly penalty: number) {}
  apply(logits: Float64Array, ctx: ProcessorContext): void {
    for (const id of new Set(ctx.tokens)) {
      const l = logits[id];
      logits[id] = l > 0 ? l / this.penalty : l * this.penalty;
    }
  }
}

/** OpenAI's frequency and presence penalties: logit[j] −= c[j]·frequency + (c[j] > 0)·presence,
 *  c[j] = how often j occurs in the sequence so far. Negative values encourage repeats. */
export class FrequencyPresencePenalty implements LogitsProcessor {
  readonly name = 'frequencyPresencePenalty';
  constructor(readonly frequency: number, readonly presence: number) {}
  apply(logits: Float64Array, ctx: ProcessorContext): void {
    const counts = new Map<number, number>();
    for (const id of ctx.tokens) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const [id, c] of counts) logits[id] -= c * this.frequency + this.presence;
  }
}

/** Adds a fixed bias to chosen logits (OpenAI's logit_bias). */
export class LogitBias implements LogitsProcessor {
  readonly name = 'logitBias';
  constructor(readonly bias: ReadonlyMap<number, number>) {}
  apply(logits: Float64Array): void {
    for (const [id, b] of this.bias) logits[id] += b;
  }
}

/** Never emits these ids (HF's bad_words_ids for single tokens). */
export class BannedTokens implements LogitsProcessor {
  readonly name = 'bannedTokens';
  constructor(readonly ids: readonly number[]) {}
  apply(logits: Float64Array): void {
    for (const id of this.ids) logits[id] = -Infinity;
  }
}

/** Divides every logit by T (T < 1 sharpens, T > 1 flattens). T = 0 is greedy decoding and is
 *  handled by the sampler, never here. */
export class Temperature implements LogitsProcessor {
  readonly name = 'temperature';
  constructor(readonly temperature: number) {}
  apply(logits: Float64Array): void {
    for (let i = 0; i < logits.length; i++) logits[i] /= this.temperature;
  }
}

/** Keeps exactly the k highest logits (ties broken towards the lower id, so "exactly" holds). */
export class TopK implements LogitsProcessor {
  readonly name = 'topK';
  constructor(readonly k: number) {}
  apply(logits: Float64Array): void {
    const ranked = rankFinite(logits);
    for (let i = this.k; i < ranked.length; i++) logits[ranked[i]] = -Infinity;
  }
}

/** Nucleus sampling (Holtzman et al. 2019): keeps the smallest set of most likely tokens whose
 *  probability reaches p. Example p=0.7, probs [0.5, 0.3, 0.2] → keeps the first two. */
export class TopP implements LogitsProcessor {
  readonly name = 'topP';
  constructor(readonly p: number) {}
  apply(logits: Float64Array): void {
    const ranked = rankFinite(logits);
    if (ranked.length === 0) return;
    const max = logits[ranked[0]];
    const w = ranked.map((id) => expDet(logits[id] - max)); // unnormalised probabilities
    let total = 0;
    for (let i = w.length - 1; i >= 0; i--) total += w[i]; // smallest first: less rounding
    const target = this.p * total;
    let cum = 0, keep = 0;
    while (keep < ranked.length) {
      cum += w[keep++];
      if (cum >= target) break;
    }
    for (let i = keep; i < ranked.length; i++) logits[ranked[i]] = -Infinity;
  }
}

/** Min-p (Nguyen et al. 2024): keeps the tokens whose probability is at least minP times the
 *  top token's, i.e. logit ≥ max + ln(minP); computed as exp(l − max) ≥ minP. */
export class MinP implements LogitsProcessor {
  readonly name = 'minP';
  constructor(readonly minP: number) {}
  apply(logits: Float64Array): void {
    let max = -Infinity;
    for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
    if (max === -Infinity) return;
    for (let i = 0; i < logits.length; i++) {
      if (logits[i] > -Infinity && expDet(logits[i] - max) < this.minP) logits[i] = -Infinity;
    }
  }
}
