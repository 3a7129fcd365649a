// Which kernels the threads build splits, and from what size: each entry names the part export
// (crates/kernels/src/exports_part.rs), its work (multiply-adds or elements touched) and the
// most parts its cut allows. A call runs as min(threads, work / minWork, maxParts) parts; under
// two it stays on the calling thread, whose call costs nothing extra. minWork is per added
// thread, so larger calls use more threads (the design at 8–16 threads: a part never gets less
// than minWork of work, so a job's wake-up cost stays a small fraction of it).
//
// minWork: measured by `benches/threads.ts --thresholds` (every call split in two, against one
// thread, on an idle moment of the 2-core machine: benches/results/threads.md), set at the
// largest size that still lost, so the first size that splits is one that gained:
//   matmul s³: 48³ (110 K multiply-adds) 0.87×, 64³ (262 K) 1.12×       → 128 K
//   GELU: 1 K elements 0.68×, 4 K 1.29×                                  → 4 K
//   AdamW: 8 K 1.02×, 16 K 1.13×; LayerNorm 64×128 (8 K) 1.10×, 16×128 0.45× → 8 K
// Cross-entropy, softmax and LayerNorm backward do more per element than LayerNorm forward and
// take its 8 K; attention's work is in multiply-adds and takes matmul's.
//
// Decode products (matmul's few-row path) split by output columns at any shape: with W from
// memory, as in decoding a model larger than the caches, x·W gained 1.1–1.5× and x·Wᵀ 1.7–2.0×
// on 2 threads (benches/matvec-split.ts, `cold`). Only a W that stays in the caches between calls
// (`hot`: the same W every call, the shape of benches/threads.ts's decode rows) lost split when
// n ≤ 1024 (0.69–0.91×; 0.04–0.2 ms calls, each thread streaming 1.5–2 KB slices of W's rows).
// A per-shape limit tried on that evidence (≥ 1,024 columns a part) made GPT-2-small decoding
// no faster (0.97×), so there is none (benches/results/threads.md).

import type { ThreadPool } from './threads.js';

type Args = number[];
interface Split {
  part: string;
  /** Work of a call, in the unit minWork is given in. */
  work(a: Args): number;
  /** The most parts the cut allows (rows, batch elements, heads …). */
  maxParts(a: Args): number;
  minWork: number;
}

const MAC = 1 << 17; // multiply-adds per added thread (products and attention)
const ELEM = 1 << 13; // elements per added thread (row kernels, AdamW)
const GELU = 1 << 12; // GELU's elements (its exp and division make an element costlier)

export const SPLITS: Record<string, Split> = {
  // (out, a, b, bias, batch, m, k, n, transA, transB, accumulate)
  matmul: { part: 'matmul_part', work: (a) => a[4] * a[5] * a[6] * a[7], maxParts: (a) => Math.max(a[5], a[7]), minWork: MAC },
  // (out, att, qkv, B, T, C, H): batch elements
  attentionForward: { part: 'attention_forward_part', work: (a) => a[3] * a[4] * a[4] * a[5], maxParts: (a) => a[3], minWork: MAC },
  // (dqkv, dout, qkv, att, B, T, C, H, accumulate)
  attentionBackward: { part: 'attention_backward_part', work: (a) => a[4] * a[5] * a[5] * a[6], maxParts: (a) => a[4], minWork: MAC },
  // (out, att, qkv, kCache, vCache, B, C, H, L, maxT): (batch, head) pairs
  attentionDecode: { part: 'attention_decode_part', work: (a) => a[5] * a[6] * a[8], maxParts: (a) => a[5] * a[7], minWork: MAC },
  // (out, mean, rstd, inp, weight, bias, N, C)
  layernormForward: { part: 'layernorm_forward_part', work: (a) => a[6] * a[7], maxParts: (a) => a[6], minWork: ELEM },
  // (dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C)
  layernormBackward: { part: 'layernorm_backward_part', work: (a) => a[8] * a[9], maxParts: (a) => a[8], minWork: ELEM },
  // (out, inp, n)
  geluForward: { part: 'gelu_forward_part', work: (a) => a[2], maxParts: (a) => Math.ceil(a[2] / 8), minWork: GELU },
  // (dinp, inp, out, dout, n, accumulate)
  geluBackward: { part: 'gelu_backward_part', work: (a) => a[4], maxParts: (a) => Math.ceil(a[4] / 8), minWork: GELU },
  // (out, inp, rows, n)
  softmaxForward: { part: 'softmax_forward_part', work: (a) => a[2] * a[3], maxParts: (a) => a[2], minWork: ELEM },
  // (losses, logits, targets, N, V, ignoreIndex)
  crossEntropyForward: { part: 'cross_entropy_forward_part', work: (a) => a[3] * a[4], maxParts: (a) => a[3], minWork: ELEM },
  // (dlogits, logits, targets, dlosses, N, V, ignoreIndex)
  crossEntropyBackward: { part: 'cross_entropy_backward_part', work: (a) => a[4] * a[5], maxParts: (a) => a[4], minWork: ELEM },
  // (param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, t, gradScale)
  adamw: { part: 'adamw_part', work: (a) => a[4], maxParts: (a) => Math.ceil(a[4] / 8), minWork: ELEM },
};

/** The part exports, in the order the pool's jobs name them. */
export const PART_NAMES = Object.values(SPLITS).map((s) => s.part);

/** How many parts a call of `s` with `dims` runs as on `threads` threads (under 2: unsplit).
 *  minScale 0 splits every call as far as the cut allows (the tests' setting). */
export function partsFor(s: Split, dims: Args, threads: number, minScale = 1): number {
  if (minScale <= 0) return Math.max(1, Math.min(threads, s.maxParts(dims)));
  return Math.max(1, Math.min(threads, s.maxParts(dims), Math.floor(s.work(dims) / (s.minWork * minScale))));
}

/** Replaces each splittable entry of the kernel table `k` (bound exports, called with the
 *  twin's handles) by one that runs large calls on the pool. `minScale` scales every
 *  threshold (tests use 0 to split every call, however small). */
export function splitKernels(k: Record<string, unknown>, pool: ThreadPool, minScale = 1): void {
  Object.entries(SPLITS).forEach(([name, s], index) => {
    const whole = k[name] as (...a: unknown[]) => void;
    k[name] = (...raw: unknown[]) => {
      const dims = raw as number[]; // work and maxParts read only the numeric dimensions
      const parts = partsFor(s, dims, pool.size, minScale);
      if (parts < 2) return whole(...raw);
      pool.run(index, raw.map((x) => (x === null ? 0 : +(x as number))), parts); // null bias → 0, booleans → 0/1
    };
  });
}
