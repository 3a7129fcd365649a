// The stepper with a KV cache (HF's past_key_values, llm.c's inference loop): prefill the window
// once, then each step feeds one token per sequence at position pos and reads the cache. The
// model's decode runs both phases (GPT.decode with the cache and a position), so there is one copy of
// the block structure; when the window slides, the kept tokens are prefilled again from 0.

import type { GPT } from '../model/gpt.js';
import { KVCache } from './kv-cache.js';
import { WindowedStepper } from './stepper.js';

export class CachedStepper extends WindowedStepper {
  private cache: KVCache | null = null;

  /** maxT: the longest window this run can reach (≤ blockSize); the cache is sized to it. */
  constructor(model: GPT, keep: number, private readonly maxT: number) {
    super(model, keep);
  }

  protected forwardWindow(): Float32Array[] {
    const rows = this.windowRows();
    if (!this.cache || this.cache.batch !== rows.length) {
      this.cache?.free();
      this.cache = new KVCache(this.model.backend, this.model.config, rows.length, Math.max(this.maxT, rows[0].length));
    }
    return this.logitsOf(rows, 0);
  }

  protected forwardNext(tokens: readonly number[]): Float32Array[] {
    const pos = this.rows[0].length - 1 - this.window.start; // cached positions before this token
    return this.logitsOf(tokens.map((t) => [t]), pos);
  }

  override select(rows: readonly number[]): void {
    super.select(rows);
    this.cache?.select(rows);
  }

  override free(): void {
    this.cache?.free();
    this.cache = null;
  }

  private logitsOf(rows: number[][], pos: number): Float32Array[] {
    const cache = this.cache!;
    return this.run(() => {
      const { logits } = this.model.decode(rows, cache, pos); // (B, 1, V)
      const V = logits.shape[2], all = this.model.backend.read(logits.data) as Float32Array;
      return Array.from({ length: rows.length }, (_, b) => all.subarray(b * V, (b + 1) * V));
    });
  }
}
