// The Backend interface: storage plus the ~25 kernels a GPT needs (tinygrad's "small set of
// low-level ops"). Two twins implement it: backend/js (readable reference) and backend/wasm (fast).
//
// Conventions (llm.c): arguments are outputs, inputs, then dims; gradients are prefixed `d`;
// every *backward* kernel ACCUMULATES (+=) into its d-outputs, so autograd can sum the
// contributions of several consumers without temporaries. Shapes are given per argument.

import { GlassgptError } from '../errors.js';

export type DType = 'f32' | 'i32';

/** A handle to `length` elements of `dtype` owned by one backend. Never read its fields:
 *  use `backend.read` / `backend.view`. A Buf made by `slice` shares its parent's memory. */
export interface Buf {
  readonly dtype: DType;
  readonly length: number;
}

/** A matrix packed once by `packMatrix` for `matmulPacked`: a Buf (free it, or let its scope
 *  free it) whose contents are the twin's own layout, plus the shape of op(b) it holds. */
export interface PackedMatrix extends Buf {
  readonly k: number;
  readonly n: number;
}

export interface Backend {
  readonly name: 'js' | 'wasm';
  /** Threads the kernels run on, the calling thread included (1 for js and the simd build). */
  readonly threads: number;
  /** Ends the backend's worker threads, if it has any; it then computes on the calling thread
   *  alone (same bits). Buffers and the heap stay until the backend is dropped. */
  dispose(): void;

  // ---- storage -------------------------------------------------------------------------------
  /** Zero-filled. Inside a `scope`, it is freed when the scope ends unless `keep` is called. */
  alloc(length: number, dtype?: DType): Buf;
  /** As alloc, but the contents are unspecified (the js twin fills them with NaN so a kernel that
   *  reads them shows it): for outputs a kernel overwrites completely. */
  allocUninit(length: number, dtype?: DType): Buf;
  /** Frees an allocation (not a slice). Freeing twice throws. */
  free(buf: Buf): void;
  /** A view of `length` elements starting at element `offset`; shares memory, never owns it. */
  slice(buf: Buf, offset: number, length: number): Buf;
  /** Copies `data` into `buf` starting at element `offset`. */
  write(buf: Buf, data: ArrayLike<number>, offset?: number): void;
  /** A copy of the contents. */
  read(buf: Buf): Float32Array | Int32Array;
  /** A live, zero-copy view, valid until the next allocation (wasm memory may grow). */
  view(buf: Buf): Float32Array | Int32Array;
  /** Runs `fn`; every Buf allocated inside and not kept is freed afterwards (the step arena). */
  scope<T>(fn: () => T): T;
  /** Takes `buf` out of every open scope: it lives until `free` is called (parameters,
   *  optimizer state, caches). */
  keep<B extends Buf>(buf: B): B;
  /** Bytes the backend's memory holds (the wasm heap size; live bytes for js). */
  heapBytes(): number;

  // ---- linear algebra ------------------------------------------------------------------------
  /** out[b] (+)= op(a[b]) · op(b[b]) + bias, for b < batch.
   *  out [batch, m, n]; a [batch, m, k] or, transA, [batch, k, m];
   *  b [batch, k, n] or, transB, [batch, n, k]; bias [n] or null (added once, also when
   *  accumulating). With accumulate the product is added to out instead of replacing it. */
  matmul(out: Buf, a: Buf, b: Buf, bias: Buf | null, batch: number, m: number, k: number,
    n: number, transA: boolean, transB: boolean, accumulate: boolean): void;
  /** Packs op(b) [k, n] (b [k, n] or, transB, [n, k]) once into the layout matmulPacked
   *  reads: for a weight that many calls multiply (a prompt's prefill, decoding steps), so its
   *  packing is not paid per call. A snapshot: later writes to b are not seen. */
  packMatrix(b: Buf, k: number, n: number, transB: boolean): PackedMatrix;
  /** out [m, n] (+)= op(a) · B + bias for B from packMatrix; a [m, k] or, transA, [k, m].
   *  Equals matmul on the unpacked B within rounding; in wasm bit for bit from 16 rows on, where
   *  both run the same GEMM (below that, matmul runs matrix–vector products). */
  matmulPacked(out: Buf, a: Buf, b: PackedMatrix, bias: Buf | null, m: number, transA: boolean,
    accumulate: boolean): void;
  /** dst (+ n bf16 values, two per i32 element: a Buf of ⌈n/2⌉ i32) = src [n] rounded to bf16
   *  (nearest, ties to even): a weight kept at half the bytes for decoding (matvecBf16). */
  toBf16(dst: Buf, src: Buf, n: number): void;
  /** out [m, n] (+)= a [m, k] · op(b) + bias with b bf16 from toBf16: [k, n] or, transB,
   *  [n, k], widened to f32 on the fly (exact), f32 arithmetic. For few rows (decode steps):
   *  each pair of rows reads b once. bias [n] or null, added once also when accumulating. */
  matvecBf16(out: Buf, a: Buf, b: Buf, bias: Buf | null, m: number, k: number, n: number,
    transB: boolean, accumulate: boolean): void;
  /** out[n] (+)= Σ_rows inp[m, n]: the bias gradient of a linear layer. */
  sumRows(out: Buf, inp: Buf, m: number, n: number, accumulate: boolean): void;

  // ---- attention (llm.c layout: qkv is the c_attn output, no head permutes needed) ------------
  /** Causal self-attention. out [B, T, C]; att [B, H, T, T] receives the softmax probabilities
   *  (kept for backward and for inspection; entries above the diagonal are 0);
   *  qkv [B, T, 3C] holds q | k | v, each split into H heads of size C/H. Scale 1/sqrt(C/H). */
  attentionForward(out: Buf, att: Buf, qkv: Buf, B: number, T: number, C: number, H: number): void;
  /** dqkv [B, T, 3C] (+)= gradient of attentionForward given dout [B, T, C]: added when
   *  `accumulate`, else written. */
  attentionBackward(dqkv: Buf, dout: Buf, qkv: Buf, att: Buf, B: number, T: number, C: number,
    H: number, accumulate: boolean): void;
  /** Writes k and v of T new tokens (from qkv [B, T, 3C]) into the caches
   *  kCache, vCache [B, H, maxT, C/H] at positions pos … pos+T-1. */
  kvCacheWrite(kCache: Buf, vCache: Buf, qkv: Buf, B: number, T: number, C: number, H: number,
    pos: number, maxT: number): void;
  /** One query per sequence against the first L cached positions (no mask needed: the cache
   *  holds only the past). out [B, C]; att [B, H, L]; qkv [B, 3C] (only q is read). */
  attentionDecode(out: Buf, att: Buf, qkv: Buf, kCache: Buf, vCache: Buf, B: number, C: number,
    H: number, L: number, maxT: number): void;

  // ---- normalisation, activations, losses ----------------------------------------------------
  /** out [N, C] = (inp - mean) * rstd * weight + bias; saves mean [N], rstd [N]. eps 1e-5. */
  layernormForward(out: Buf, mean: Buf, rstd: Buf, inp: Buf, weight: Buf, bias: Buf | null,
    N: number, C: number): void;
  /** dinp [N, C], dweight [C], dbias [C] (+=). */
  layernormBackward(dinp: Buf, dweight: Buf, dbias: Buf | null, dout: Buf, inp: Buf, weight: Buf,
    mean: Buf, rstd: Buf, N: number, C: number): void;
  /** GELU, GPT-2's tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
  geluForward(out: Buf, inp: Buf, n: number): void;
  /** dinp (+)= gelu'(inp)·dout (added when `accumulate`, else written); `out` is geluForward's
   *  output for this inp: the wasm twin reads σ from out/inp instead of recomputing an exp. */
  geluBackward(dinp: Buf, inp: Buf, out: Buf, dout: Buf, n: number, accumulate: boolean): void;
  /** Row-wise softmax / log-softmax of inp [rows, n]. */
  softmaxForward(out: Buf, inp: Buf, rows: number, n: number): void;
  logSoftmaxForward(out: Buf, inp: Buf, rows: number, n: number): void;
  /** losses [N] = -log softmax(logits [N, V])[target]; targets [N] i32; rows whose target is
   *  ignoreIndex get loss 0. */
  crossEntropyForward(losses: Buf, logits: Buf, targets: Buf, N: number, V: number,
    ignoreIndex: number): void;
  /** dlogits [N, V] += dlosses[i] * (softmax(logits[i]) - onehot(target[i])); ignored rows add 0. */
  crossEntropyBackward(dlogits: Buf, logits: Buf, targets: Buf, dlosses: Buf, N: number, V: number,
    ignoreIndex: number): void;

  // ---- embeddings ----------------------------------------------------------------------------
  /** out [N, C] = table [V, C] rows picked by ids [N] (i32, checked to be < V). */
  embeddingForward(out: Buf, table: Buf, ids: Buf, N: number, C: number, V: number): void;
  /** dtable [V, C] += scatter of dout [N, C] by ids. */
  embeddingBackward(dtable: Buf, dout: Buf, ids: Buf, N: number, C: number, V: number): void;

  // ---- optimiser -----------------------------------------------------------------------------
  /** AdamW (decoupled weight decay), step t ≥ 1 for the bias corrections. Updates param, m, v
   *  from grad·gradScale (default 1; gradient clipping's factor, so clipping needs no pass of
   *  its own over the gradients). */
  adamw(param: Buf, grad: Buf, m: Buf, v: Buf, n: number, lr: number, beta1: number,
    beta2: number, eps: number, weightDecay: number, t: number, gradScale?: number): void;

  // ---- elementwise and reductions ------------------------------------------------------------
  /** out = a + b */
  add(out: Buf, a: Buf, b: Buf, n: number): void;
  /** y += alpha * x */
  axpy(y: Buf, x: Buf, alpha: number, n: number): void;
  /** out = a * b */
  mul(out: Buf, a: Buf, b: Buf, n: number): void;
  /** out += a * b */
  mulAccumulate(out: Buf, a: Buf, b: Buf, n: number): void;
  /** out = alpha * a */
  scale(out: Buf, a: Buf, alpha: number, n: number): void;
  /** out = a, exactly (the two may overlap, as in memmove) */
  copy(out: Buf, a: Buf, n: number): void;
  /** out = value */
  fill(out: Buf, value: number, n: number): void;
  /** Inverted dropout with a counter-based RNG: mask[i] = keep ? 1/(1-p) : 0, out = inp * mask.
   *  keep is decided by hash(seed, i) so both twins draw the same mask bit for bit. */
  dropoutForward(out: Buf, mask: Buf, inp: Buf, n: number, p: number, seed: number): void;
  /** Σ x² in a fixed order (gradient-norm clipping); returned as a double. */
  sumSquares(x: Buf, n: number): number;
}

/** Thrown for invalid kernel arguments; the message names the argument and the value. */
export class KernelArgumentError extends GlassgptError {
  readonly code: string = 'ERR_KERNEL_ARGUMENT';
  override name = 'KernelArgumentError';
}
