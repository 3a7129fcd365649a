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

/** The first m ids of rankFinite(logits), in one pass with a sorted buffer of m (GPT-2 has
 *  50257 logits; sorting them all every step costs more than the model's head). Ids arrive in
 *  increasing order, so a tie never displaces an earlier id: ties stay with the lower id. */
export function rankTop(logits: Float64Array, m: number): number[] {
  const ids: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i];
    if (!(l > -Infinity) || (ids.length >= m && !(l > logits[ids[ids.length - 1]]))) continue;
    let lo = 0, hi = ids.length; // first position holding a strictly smaller logit
    while (lo < hi) { const mid = (lo + hi) >> 1; if (logits[ids[mid]] >= l) lo = mid + 1; else hi = mid; }
    ids.splice(lo, 0, i);
    if (ids.length > m) ids.pop();
  }
  return ids;
}

/** Sets every logit to −∞ except those of `keep`. */
function keepOnly(logits: Float64Array, keep: readonly number[]): void {
  const saved = keep.map((id) => logits[id]);
  logits.fill(-Infinity);
  keep.forEach((id, i) => { logits[id] = saved[i]; });
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
    keepOnly(logits, rankTop(logits, this.k));
  }
}

/** Nucleus sampling (Holtzman et al. 2019): keeps the smallest set of most likely tokens whose
 *  probability reaches p. Example p=0.7, probs [0.5, 0.3, 0.2] → keeps the first two. */
export class TopP implements LogitsProcessor {
  readonly name = 'topP';
  constructor(readonly p: number) {}
  apply(logits: Float64Array): void {
    let max = -Infinity, finite = 0;
    for (let i = 0; i < logits.length; i++) if (logits[i] > -Infinity) { finite++; if (logits[i] > max) max = logits[i]; }
    if (finite === 0) return;
    let total = 0; // unnormalised probabilities: exp(l − max)
    for (let i = 0; i < logits.length; i++) if (logits[i] > -Infinity) total += expDet(logits[i] - max);
    const target = this.p * total;
    // rank only as many of the best tokens as needed: the nucleus is a prefix of the ranking
    for (let m = 256; ; m *= 4) {
      const ranked = m * 8 >= finite ? rankFinite(logits) : rankTop(logits, m); // a flat nucleus: sort all
      let cum = 0, keep = 0;
      while (keep < ranked.length) {
        cum += expDet(logits[ranked[keep++]] - max);
        if (cum >= target) break;
      }
      if (cum >= target || ranked.length === finite) { keepOnly(logits, ranked.slice(0, keep)); return; }
    }
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
