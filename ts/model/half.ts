// 16-bit (bf16) copies of a GPT's matrix weights, for decoding: a decode step reads every weight
// once and does ~2 flops with it, so it is bound by bytes, and bf16 halves them. The copies are
// made once from the f32 parameters (round to nearest even) and read by matvecBf16, which widens
// them exactly; the arithmetic stays f32. Used only without gradients and for few rows (decode
// steps, short prompts): training and long prefills keep the f32 weights, which stay in memory
// (the parameter store is one buffer), so this costs 50% more weight memory and buys speed.

import type { Backend, Buf } from '../backend/backend.js';
import { ShapeError } from '../tensor/errors.js';
import { isGradEnabled, Tensor } from '../tensor/tensor.js';

/** Weight dtypes a GPT can compute its matrix products with. */
export type WeightDtype = 'f32' | 'bf16';

/** Rows up to which the bf16 kernel runs; above it the f32 GEMM (packed, cache-blocked) is
 *  faster than reading bf16 weights once per pair of rows. matmul switches to GEMM at 16 too. */
export const HALF_MAX_ROWS = 16;

interface HalfMatrix { buf: Buf; k: number; n: number; transB: boolean }

export class HalfWeights {
  private readonly mats = new Map<string, HalfMatrix>();

  /** bf16 copies of `weights`: name → [f32 tensor, whether it is used transposed (the tied head)]. */
  constructor(readonly backend: Backend, weights: [string, Tensor, boolean][]) {
    try {
      for (const [name, t, transB] of weights) {
        if (t.shape.length !== 2) throw new ShapeError(`HalfWeights: "${name}" is not a matrix: [${t.shape.join(', ')}]`);
        const buf = backend.keep(backend.alloc(Math.ceil(t.size / 2), 'i32'));
        this.mats.set(name, { buf, k: transB ? t.shape[1] : t.shape[0], n: transB ? t.shape[0] : t.shape[1], transB });
        backend.toBf16(buf, t.data, t.size);
      }
    } catch (e) {
      this.free();
      throw e;
    }
  }

  /** x [..., K] · W (+ b) through the bf16 copy of `name`, or null when this call should take
   *  the f32 path (gradients on, too many rows, or no copy of that weight). */
  linear(name: string, x: Tensor, b: Tensor | null): Tensor | null {
    const w = this.mats.get(name);
    if (!w || isGradEnabled()) return null;
    const K = x.shape[x.shape.length - 1], N = x.size / K;
    if (N > HALF_MAX_ROWS) return null;
    if (K !== w.k) throw new ShapeError(`HalfWeights: input [${x.shape.join(', ')}] does not fit "${name}" (k ${w.k})`);
    const out = Tensor.empty(this.backend, [...x.shape.slice(0, -1), w.n]);
    this.backend.matvecBf16(out.data, x.data, w.buf, b ? b.data : null, N, w.k, w.n, w.transB, false);
    return out;
  }

  /** Bytes the copies take. */
  bytes(): number {
    let n = 0;
    for (const w of this.mats.values()) n += 4 * w.buf.length;
    return n;
  }

  free(): void {
    for (const w of this.mats.values()) this.backend.free(w.buf);
    this.mats.clear();
  }
}
