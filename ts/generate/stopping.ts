// Stop rules (transformers.js's StoppingCriteria): an end token, stop strings and maxTokens.
// Stop strings are matched on the decoded text, not on token ids, so a stop string split over
// several tokens ("\n" + "\nUser:") is still found. The text a sequence has emitted never holds
// a stop string: text that could still become one is held back until it cannot (or is one).

import type { Tokenizer } from '../tokenizer/types.js';
import { StreamDecoder } from '../tokenizer/stream.js';

export type FinishReason = 'end' | 'stop' | 'length';

/** Splits `pending` (text not yet emitted) by the stop strings:
 *  - a stop string occurs: emit what precedes the earliest one, report it;
 *  - else: emit all but the longest suffix that is a proper prefix of some stop string.
 *  Example, stops ["User:"]: "Hi\nUs" → emit "Hi\n", hold "Us"; then "Us" + "er: x" → emit "", stop. */
export function splitAtStop(pending: string, stops: readonly string[]): { emit: string; hold: string; stop?: string } {
  let at = -1, which: string | undefined;
  for (const s of stops) {
    const i = pending.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) { at = i; which = s; }
  }
  if (which !== undefined) return { emit: pending.slice(0, at), hold: '', stop: which };
  let hold = 0;
  for (const s of stops) {
    for (let n = Math.min(s.length - 1, pending.length); n > hold; n--) {
      if (pending.endsWith(s.slice(0, n))) { hold = n; break; }
    }
  }
  return { emit: pending.slice(0, pending.length - hold), hold: pending.slice(pending.length - hold) };
}

/** One sequence's text: token bytes → complete UTF-8 characters (StreamDecoder) → stop-string
 *  matching. push() returns only text that is final. */
export class TextAssembler {
  private readonly decoder: StreamDecoder;
  private pending = '';
  /** Everything emitted so far. */
  text = '';
  /** The stop string that ended the sequence, if any. */
  stoppedBy: string | undefined;

  constructor(tokenizer: Pick<Tokenizer, 'tokenBytes'>, private readonly stops: readonly string[]) {
    this.decoder = new StreamDecoder(tokenizer);
  }

  /** Adds a token's bytes; returns the newly final text (possibly ''). */
  push(id: number): string {
    this.pending += this.decoder.push(id);
    if (this.stops.length === 0) return this.emit(this.pending, '');
    const { emit, hold, stop } = splitAtStop(this.pending, this.stops);
    if (stop !== undefined) this.stoppedBy = stop;
    return this.emit(emit, hold);
  }

  /** End of the sequence (not by a stop string): releases held-back text, and an incomplete
   *  last character as U+FFFD (as tokenizer.decode would). */
  finish(): string {
    if (this.stoppedBy !== undefined) return '';
    const rest = this.pending + this.decoder.flush();
    this.pending = '';
    const { emit, stop } = this.stops.length ? splitAtStop(rest, this.stops) : { emit: rest, stop: undefined };
    if (stop !== undefined) this.stoppedBy = stop;
    this.text += emit;
    return emit;
  }

  private emit(emit: string, hold: string): string {
    this.pending = hold;
    this.text += emit;
    return emit;
  }
}
