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
// A decode product x·W (matmul's few-row path, W [k, n] not transposed) is cut by output
// columns, so each thread streams its slice of every row of W: n/parts floats, 3 KB/2 for
// GPT-2's c_proj (n 768). Below MATVEC_MIN_COLS columns a part (4 KB, a page of each row) the
// split lost in benches/matvec-split.ts's sweep however large k was (1×k×768: 0.60–1.01×,
// 1×k×1024: 0.85–1.03×), while n ≥ 2304 gained (1.3–3×): such a call stays on fewer threads.
// (Cutting along k instead would split a sum: never, by the design's determinism rule.)

import type { ThreadPool } from './threads.js';

type Args = number[];
interface Split {
  part: string;
  /** Work of a call, in the unit minWork is given in. */
  work(a: Args): number;
  /** The most parts the cut allows (rows, batch elements, heads …). */
  maxParts(a: Args): number;
  minWork: number;
  /** The most parts worth running (a speed limit, where maxParts is the cut's): none if absent. */
  worth?(a: Args): number;
}

/** Columns of x·W a part should have at least (floats of each row of W it streams). */
export const MATVEC_MIN_COLS = 1024;
/** The rule's current value: benches set it to 0 (no limit) to time decoding without it. */
export const tuning = { matvecMinCols: MATVEC_MIN_COLS };
/** Whether matmul takes its few-row (matvec) path: crates/kernels/src/matmul.rs's uses_matvec. */
const usesMatvec = (m: number, k: number, n: number, transA: boolean) => !transA && (m < 8 || (m < 16 && k * n >= 1 << 18));

const MAC = 1 << 17; // multiply-adds per added thread (products and attention)
const ELEM = 1 << 13; // elements per added thread (row kernels, AdamW)
const GELU = 1 << 12; // GELU's elements (its exp and division make an element costlier)

export const SPLITS: Record<string, Split> = {
  // (out, a, b, bias, batch, m, k, n, transA, transB, accumulate)
  matmul: { part: 'matmul_part', work: (a) => a[4] * a[5] * a[6] * a[7], maxParts: (a) => Math.max(a[5], a[7]), minWork: MAC,
    worth: (a) => (usesMatvec(a[5], a[6], a[7], !!a[8]) && !a[9] ? Math.floor(a[7] / tuning.matvecMinCols) : Infinity) },
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
  return Math.max(1, Math.min(threads, s.maxParts(dims), Math.floor(s.work(dims) / (s.minWork * minScale)), s.worth?.(dims) ?? Infinity));
}

/** Replaces each splittable entry of the kernel table `k` (bound exports, called with the
 *  twin's handles) by one that runs large calls on the pool. `minScale` scales every
 *  threshold (tests use 0 to split every call, however small). */
export function splitKernels(k: Record<string, unknown>, pool: ThreadPool, minScale = 1): void {
  Object.entries(SPLITS).forEach(([name, s], index) => {
    const whole = k[name] as (...a: unknown[]) => void;
    k[name] = (...raw: unknown[]) => {
      const dims = raw as number[]; // work, maxParts and worth read only the numeric dimensions (and flags)
      const parts = partsFor(s, dims, pool.size, minScale);
      if (parts < 2) return whole(...raw);
      pool.run(index, raw.map((x) => (x === null ? 0 : +(x as number))), parts); // null bias → 0, booleans → 0/1
    };
  });
}
