// The step-by-step trace: at each step, what the model proposed (its top tokens), what survived
// the processors, and what was chosen. The inspection views render it; tests read it.

import { expDet, logDet } from './detmath.js';
import { argmax } from './sampler.js';

export interface TraceEntry {
  id: number;
  /** Probability in that distribution. */
  prob: number;
}

export interface StepTrace {
  /** 0 for the first generated token. */
  step: number;
  /** The sequence within the batch (prompt index × numSamples + sample index). */
  seq: number;
  /** The model's distribution (temperature 1, unfiltered), most likely first. */
  top: TraceEntry[];
  /** The distribution after penalties, bias, temperature and truncation, most likely first. */
  kept: TraceEntry[];
  /** How many tokens survived the processors. */
  keptCount: number;
  /** The chosen token, its probability after processing and its model log-probability. */
  chosen: TraceEntry & { logprob: number };
}

/** Softmax of `logits` restricted to its n most likely entries (ties → lower id). */
export function topEntries(logits: ArrayLike<number>, n: number): { entries: TraceEntry[]; count: number; probOf: (id: number) => number } {
  const max = logits[argmax(logits)];
  let total = 0, count = 0;
  const ids: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (!(logits[i] > -Infinity)) continue;
    total += expDet(logits[i] - max);
    count++;
    ids.push(i);
  }
  const logTotal = logDet(total);
  const probOf = (id: number) => (logits[id] > -Infinity ? expDet(logits[id] - max - logTotal) : 0);
  ids.sort((a, b) => logits[b] - logits[a] || a - b);
  return { entries: ids.slice(0, n).map((id) => ({ id, prob: probOf(id) })), count, probOf };
}

export function makeTrace(step: number, seq: number, raw: ArrayLike<number>, processed: ArrayLike<number>,
  chosen: number, logprob: number, n: number): StepTrace {
  const model = topEntries(raw, n);
  const kept = topEntries(processed, n);
  return { step, seq, top: model.entries, kept: kept.entries, keptCount: kept.count, chosen: { id: chosen, prob: kept.probOf(chosen), logprob } };
}
