// The KV cache: per layer, K and V for B sequences as [B, nHead, maxT, headSize] buffers on the
// model's backend (the wasm heap for wasm), the layout kvCacheWrite/attentionDecode expect
// (llm.c/nanoGPT's (B, nh, T, hs)). Long-lived: allocated outside any step scope, freed by free().

import type { Backend, Buf } from '../backend/backend.js';
import type { GPTConfig } from '../model/config.js';
import type { KVCacheBuffers } from '../model/gpt.js';
import { HEAP_LIMIT_BYTES } from '../model/limits.js';

export class KVCache implements KVCacheBuffers {
  readonly k: Buf[] = [];
  readonly v: Buf[] = [];
  /** Rows in use (finished sequences are compacted away by select()). */
  batch: number;
  private readonly rowSize: number; // elements of one sequence in one layer: nHead·maxT·headSize

  constructor(private readonly backend: Backend, config: GPTConfig, batch: number, readonly maxT: number) {
    if (!(Number.isInteger(batch) && batch > 0)) throw new RangeError(`KVCache: batch must be a positive integer, got ${batch}`);
    if (!(Number.isInteger(maxT) && maxT > 0 && maxT <= config.blockSize)) throw new RangeError(`KVCache: maxT must be in [1, ${config.blockSize}], got ${maxT}`);
    this.batch = batch;
    this.rowSize = config.nEmbd * maxT; // nHead · headSize = nEmbd
    const bytes = 2 * config.nLayer * batch * this.rowSize * 4;
    if (bytes > HEAP_LIMIT_BYTES) {
      throw new RangeError(`KVCache: ${config.nLayer} layers × batch ${batch} × ${maxT} positions × nEmbd ${config.nEmbd} need ${bytes} bytes of K and V, ` +
        `over the ${HEAP_LIMIT_BYTES}-byte wasm32 heap: generate fewer sequences at once or fewer tokens`);
    }
    try {
      for (let l = 0; l < config.nLayer; l++) {
        this.k.push(backend.keep(backend.alloc(batch * this.rowSize)));
        this.v.push(backend.keep(backend.alloc(batch * this.rowSize)));
      }
    } catch (e) {
      this.free();
      throw e;
    }
  }

  /** Bytes held (2 · nLayer · B · nEmbd · maxT · 4). */
  get bytes(): number {
    return (this.k.length + this.v.length) * this.k[0].length * 4;
  }

  /** Keeps only these rows, in this order: row rows[j] moves to j. Moves go to lower indices
   *  (rows is increasing), so copying in place never overwrites a row still to be read. */
  select(rows: readonly number[]): void {
    const be = this.backend, n = this.rowSize;
    rows.forEach((r, j) => {
      if (!(Number.isInteger(r) && r >= j && r < this.batch) || (j > 0 && r <= rows[j - 1])) {
        throw new RangeError(`KVCache.select: rows must be increasing indices below ${this.batch}, got [${rows.join(', ')}]`);
      }
    });
    for (const bufs of [this.k, this.v]) {
      for (const buf of bufs) {
        rows.forEach((r, j) => { if (r !== j) be.copy(be.slice(buf, j * n, n), be.slice(buf, r * n, n), n); });
      }
    }
    this.batch = rows.length;
  }

  free(): void {
    for (const b of [...this.k, ...this.v]) this.backend.free(b);
    this.k.length = 0;
    this.v.length = 0;
  }
}
