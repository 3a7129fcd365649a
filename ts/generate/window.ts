import { ArgumentError } from '../errors.js';
// The context window policy for sequences longer than blockSize (the model has blockSize
// position embeddings, so it can never see more).
//
// Policy "slide and re-prefill": the model always sees the newest tokens, window = tokens[start:].
//   - A prompt longer than blockSize is cut to its last blockSize tokens.
//   - When a new token would make the window longer than blockSize, the window is cut to its
//     newest `keep` tokens (positions restart at 0) and those are prefilled again in one batched
//     forward; decoding then continues from the cache.
// keep = blockSize re-prefills at every step once full, which is exactly nanoGPT's
// `idx[:, -block_size:]` crop (and as slow as no cache); the default ⌈3/4·blockSize⌉ pays one
// prefill every blockSize/4 tokens and keeps three quarters of the context. Both steppers (with
// and without the cache) follow this same window, so they give the same logits.

export class ContextWindow {
  /** Index of the window's first token in the sequence. */
  start = 0;

  constructor(readonly blockSize: number, readonly keep: number) {
    if (!(Number.isInteger(keep) && keep >= 1 && keep <= blockSize)) {
      throw new ArgumentError(`ContextWindow: keep must be in [1, ${blockSize}], got ${keep}`);
    }
  }

  /** Starts a window over a prompt of `length` tokens. */
  reset(length: number): void {
    this.start = Math.max(0, length - this.blockSize);
  }

  /** The sequence has grown to `length`; returns true when the window slid (re-prefill). */
  grow(length: number): boolean {
    if (length - this.start <= this.blockSize) return false;
    this.start = length - this.keep;
    return true;
  }
}
