// Differentiable ops a GPT needs, micrograd style: each forward and its backward closure side by
// side, calling only Backend kernels. Backward kernels ACCUMULATE into d-buffers (llm.c), so an
// input used by several consumers (the residual stream) sums their contributions for free.
// Rows: a tensor [..., C] is treated as N = size / C rows of C (llm.c's B*T flattening).

import type { Buf } from '../backend/backend.js';
import { ShapeError, fmtShape } from './errors.js';
import { Tensor, record, sameBackend } from './tensor.js';
import { ArgumentError } from '../errors.js';

/** The gradient buffer of `t` if it needs one, else null (skip that contribution). */
function dOf(t: Tensor): Buf | null {
  return t.requiresGrad ? t.ensureGrad() : null;
}

/** A d-buffer for kernels that always write one: the real grad, or a scratch in the scope. */
function dOrScratch(t: Tensor): Buf {
  return dOf(t) ?? t.backend.alloc(t.size, 'f32');
}

/** t.grad += alpha·g, or t.grad = alpha·g for its first contribution (no zero-fill, one read
 *  stream less); nothing when t needs no gradient. */
function addGrad(t: Tensor, g: Buf, alpha: number): void {
  if (!t.requiresGrad) return;
  const be = t.backend;
  if (t.claimGrad()) be.scale(t.grad!, g, alpha, t.size);
  else be.axpy(t.grad!, g, alpha, t.size);
}

/** t.grad += from.grad, or, for t's first contribution, from's gradient buffer itself
 *  (Tensor.adoptGrad): add's and reshape's backward, one copy less per residual add. */
function passGrad(t: Tensor, from: Tensor): void {
  if (t.requiresGrad && !t.adoptGrad(from)) t.backend.axpy(t.grad!, from.grad!, 1, t.size);
}

/** t.grad += a ⊙ b, or t.grad = a ⊙ b for its first contribution. */
function addGradProduct(t: Tensor, a: Buf, b: Buf): void {
  if (!t.requiresGrad) return;
  const be = t.backend;
  if (t.claimGrad()) be.mul(t.grad!, a, b, t.size);
  else be.mulAccumulate(t.grad!, a, b, t.size);
}

function lastDim(t: Tensor, op: string): number {
  if (t.shape.length === 0) throw new ShapeError(`${op}: expected at least one dimension, got a scalar`);
  return t.shape[t.shape.length - 1];
}

function f32(op: string, ...ts: Tensor[]): void {
  for (const t of ts) if (t.dtype !== 'f32') throw new ShapeError(`${op}: ${t.label()} must be f32, got ${t.dtype}`);
}

/** The same values under a new shape (same element count); shares the data buffer. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const out = new Tensor(x.backend, x.data, shape); // throws ShapeError if the sizes differ
  return record(out, [x], () => passGrad(x, out));
}

/** a + b, same shapes (the residual connection). */
export function add(a: Tensor, b: Tensor): Tensor {
  const be = sameBackend('add', a, b);
  f32('add', a, b);
  if (a.size !== b.size || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`add: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} differ`);
  }
  const out = Tensor.empty(be, a.shape);
  be.add(out.data, a.data, b.data, a.size);
  return record(out, [a, b], () => {
    const g = out.grad!;
    addGrad(b, g, 1); // b first: passGrad may hand g itself to a (and a may be b)
    passGrad(a, out);
  });
}

/** a ⊙ b, same sizes. */
export function mul(a: Tensor, b: Tensor): Tensor {
  const be = sameBackend('mul', a, b);
  f32('mul', a, b);
  if (a.size !== b.size) throw new ShapeError(`mul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} differ`);
  const out = Tensor.empty(be, a.shape);
  be.mul(out.data, a.data, b.data, a.size);
  return record(out, [a, b], () => {
    addGradProduct(a, out.grad!, b.data);
    addGradProduct(b, out.grad!, a.data);
  });
}

/** alpha · x. */
export function scale(x: Tensor, alpha: number): Tensor {
  f32('scale', x);
  if (!Number.isFinite(alpha)) throw new ArgumentError(`scale: alpha must be finite, got ${alpha}`);
  const be = x.backend, out = Tensor.empty(be, x.shape);
  be.scale(out.data, x.data, alpha, x.size);
  return record(out, [x], () => addGrad(x, out.grad!, alpha));
}

/** Σ x over every element, a one-element tensor of shape [1]. */
export function sum(x: Tensor): Tensor {
  f32('sum', x);
  const be = x.backend, out = Tensor.empty(be, [1]);
  be.sumRows(out.data, x.data, x.size, 1, false); // x as [size, 1]: one column summed
  return record(out, [x], () => {
    if (!x.requiresGrad) return;
    const g = be.read(out.grad!)[0];
    if (x.claimGrad()) { be.fill(x.grad!, g, x.size); return; } // dx = g · 1
    const ones = be.allocUninit(x.size); // broadcast the scalar gradient: dx += g · 1
    be.fill(ones, 1, x.size);
    be.axpy(x.grad!, ones, g, x.size);
  });
}

/** The mean over every element, shape [1]. */
export function mean(x: Tensor): Tensor {
  if (x.size === 0) throw new ShapeError('mean: of an empty tensor');
  return scale(sum(x), 1 / x.size);
}

/** x [..., K] · w [K, M] + b [M]: nn.Linear with the weight in Conv1D layout [in, out], the
 *  GPT-2 checkpoint layout and the kernel's b [k, n], so no transposes anywhere. */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null): Tensor {
  const be = sameBackend('linear', x, w, ...(b ? [b] : []));
  f32('linear', x, w, ...(b ? [b] : []));
  const K = lastDim(x, 'linear'), N = x.size / K;
  if (w.shape.length !== 2 || w.shape[0] !== K) throw new ShapeError(`linear: input ${fmtShape(x.shape)} does not fit weight ${fmtShape(w.shape)} ([in, out])`);
  const M = w.shape[1];
  if (b && (b.shape.length !== 1 || b.shape[0] !== M)) throw new ShapeError(`linear: bias ${fmtShape(b.shape)} does not fit weight ${fmtShape(w.shape)}`);
  const out = Tensor.empty(be, [...x.shape.slice(0, -1), M]); // (..., M)
  be.matmul(out.data, x.data, w.data, b ? b.data : null, 1, N, K, M, false, false, false);
  return record(out, b ? [x, w, b] : [x, w], () => {
    const dy = out.grad!;
    // dx [N,K] (+)= dy · wᵀ: written, not added, when it is x's first gradient (no zero-fill)
    if (x.requiresGrad) { const first = x.claimGrad(); be.matmul(x.grad!, dy, w.data, null, 1, N, M, K, false, true, !first); }
    const dw = dOf(w), db = b ? dOf(b) : null;
    if (dw) be.matmul(dw, x.data, dy, null, 1, K, N, M, true, false, true); // dw [K,M] += xᵀ · dy
    if (db) be.sumRows(db, dy, N, M, true); // db [M] += Σ_rows dy
  });
}

/** x [..., K] · wᵀ with w [M, K] (nn.Linear / nn.Embedding layout): the LM head tied to wte. */
export function linearT(x: Tensor, w: Tensor): Tensor {
  const be = sameBackend('linearT', x, w);
  f32('linearT', x, w);
  const K = lastDim(x, 'linearT'), N = x.size / K;
  if (w.shape.length !== 2 || w.shape[1] !== K) throw new ShapeError(`linearT: input ${fmtShape(x.shape)} does not fit weight ${fmtShape(w.shape)} ([out, in])`);
  const M = w.shape[0];
  const out = Tensor.empty(be, [...x.shape.slice(0, -1), M]); // (..., M)
  be.matmul(out.data, x.data, w.data, null, 1, N, K, M, false, true, false);
  return record(out, [x, w], () => {
    const dy = out.grad!;
    // dx [N,K] (+)= dy · w, written when it is x's first gradient
    if (x.requiresGrad) { const first = x.claimGrad(); be.matmul(x.grad!, dy, w.data, null, 1, N, M, K, false, false, !first); }
    const dw = dOf(w);
    if (dw) be.matmul(dw, dy, x.data, null, 1, M, N, K, true, false, true); // dw [M,K] += dyᵀ · x
  });
}

/** table [V, C] rows picked by ids (i32, any shape) → [...ids.shape, C]. */
export function embedding(table: Tensor, ids: Tensor): Tensor {
  const be = sameBackend('embedding', table, ids);
  f32('embedding', table);
  if (ids.dtype !== 'i32') throw new ShapeError(`embedding: ids must be i32, got ${ids.dtype}`);
  if (table.shape.length !== 2) throw new ShapeError(`embedding: table must be [V, C], got ${fmtShape(table.shape)}`);
  const [V, C] = table.shape, N = ids.size;
  const out = Tensor.empty(be, [...ids.shape, C]); // (..., C)
  be.embeddingForward(out.data, table.data, ids.data, N, C, V);
  return record(out, [table], () => {
    const dt = dOf(table);
    if (dt) be.embeddingBackward(dt, out.grad!, ids.data, N, C, V);
  });
}

/** LayerNorm over the last dimension (eps 1e-5, as torch); bias may be null (bias=False). */
export function layernorm(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const be = sameBackend('layernorm', x, weight, ...(bias ? [bias] : []));
  f32('layernorm', x, weight, ...(bias ? [bias] : []));
  const C = lastDim(x, 'layernorm'), N = x.size / C;
  if (weight.size !== C || (bias && bias.size !== C)) {
    throw new ShapeError(`layernorm: input ${fmtShape(x.shape)} needs weight and bias of [${C}], got ${fmtShape(weight.shape)}${bias ? ` and ${fmtShape(bias.shape)}` : ''}`);
  }
  const out = Tensor.empty(be, x.shape);
  const mean = be.allocUninit(N), rstd = be.allocUninit(N); // saved for backward
  be.layernormForward(out.data, mean, rstd, x.data, weight.data, bias ? bias.data : null, N, C);
  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dbias = bias ? dOrScratch(bias) : null;
    be.layernormBackward(dOrScratch(x), dOrScratch(weight), dbias, out.grad!, x.data, weight.data, mean, rstd, N, C);
  });
}

/** GELU, tanh approximation (GPT-2; torch's approximate='tanh'). */
export function gelu(x: Tensor): Tensor {
  f32('gelu', x);
  const be = x.backend, out = Tensor.empty(be, x.shape);
  be.geluForward(out.data, x.data, x.size);
  return record(out, [x], () => {
    if (!x.requiresGrad) return;
    const first = x.claimGrad(); // its first gradient is written, not added onto zeros
    be.geluBackward(x.grad!, x.data, out.data, out.grad!, x.size, !first);
  });
}

/** Inverted dropout with a counter-based mask: identity when p = 0 or not training. */
export function dropout(x: Tensor, p: number, seed: number, training: boolean): Tensor {
  if (!(p >= 0 && p < 1)) throw new ArgumentError(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  f32('dropout', x);
  const be = x.backend, out = Tensor.empty(be, x.shape);
  const mask = be.allocUninit(x.size); // 0 or 1/(1-p), saved for backward
  be.dropoutForward(out.data, mask, x.data, x.size, p, seed);
  return record(out, [x], () => addGradProduct(x, out.grad!, mask));
}

/** Causal multi-head self-attention on the c_attn output qkv [B, T, 3C] (llm.c layout: q | k | v,
 *  each split into nHead heads). Returns out [B, T, C] and the probabilities att [B, nHead, T, T]
 *  (saved for backward; read them for attention maps before the step's scope ends). */
export function attention(qkv: Tensor, nHead: number): { out: Tensor; att: Tensor } {
  f32('attention', qkv);
  if (qkv.shape.length !== 3 || qkv.shape[2] % 3 !== 0) throw new ShapeError(`attention: qkv must be [B, T, 3C], got ${fmtShape(qkv.shape)}`);
  const [B, T, C3] = qkv.shape, C = C3 / 3;
  if (!Number.isInteger(nHead) || nHead <= 0 || C % nHead !== 0) throw new ShapeError(`attention: C=${C} is not divisible by nHead=${nHead}`);
  const be = qkv.backend;
  const out = Tensor.empty(be, [B, T, C]);
  const att = Tensor.empty(be, [B, nHead, T, T]); // the kernel writes the masked zeros too
  be.attentionForward(out.data, att.data, qkv.data, B, T, C, nHead);
  record(out, [qkv], () => {
    if (!qkv.requiresGrad) return;
    const first = qkv.claimGrad(); // its first gradient is written, not added onto zeros
    be.attentionBackward(qkv.grad!, out.grad!, qkv.data, att.data, B, T, C, nHead, !first);
  });
  return { out, att };
}
