// Autograd ops the alignment losses need beyond ts/tensor, micrograd style (forward and backward
// side by side). The RL and preference losses are functions of a few hundred numbers (one
// log-probability per response token, one score per sequence), so `vectorLoss` computes them in
// plain JS, in float64, with their analytic gradient, instead of asking every backend for a
// kernel per formula; the heavy work (logits, cross-entropy) stays in the kernels.

import { embedding, reshape } from '../tensor/ops.js';
import { ShapeError } from '../tensor/errors.js';
import { Tensor, record } from '../tensor/tensor.js';
import { AlignError } from './errors.js';

export interface LossValue {
  loss: number;
  /** ∂loss/∂x[i], same length as x. */
  grad: ArrayLike<number>;
}

/** A scalar loss of x's values through a JS function that also returns its gradient.
 *  Example: vectorLoss(x, v => ({ loss: v[0]*v[0], grad: [2*v[0]] })). Throws on a non-finite
 *  loss (it would silently poison the weights). */
export function vectorLoss(x: Tensor, fn: (v: Float32Array) => LossValue, what = 'loss'): Tensor {
  if (x.dtype !== 'f32') throw new ShapeError(`vectorLoss: input must be f32, got ${x.dtype}`);
  const be = x.backend;
  const { loss, grad } = fn(be.read(x.data) as Float32Array);
  if (!Number.isFinite(loss)) throw new AlignError(`${what} is ${loss}; stopping before the weights are updated`);
  if (grad.length !== x.size) throw new ShapeError(`vectorLoss: gradient has ${grad.length} entries, input has ${x.size}`);
  const out = Tensor.from(be, [loss], [1]);
  return record(out, [x], () => {
    const g = be.read(out.grad!)[0];
    const d = be.alloc(x.size, 'f32');
    const scaled = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) scaled[i] = grad[i] * g;
    be.write(d, scaled);
    be.axpy(x.ensureGrad(), d, 1, x.size);
  });
}

/** Rows `idx[b]` of x [N, C] (or [B, T, C] flattened to rows) → [len(idx), C]; the gradient
 *  scatters back. It is an embedding lookup whose table is an activation: the same kernel pair
 *  (embeddingForward gathers, embeddingBackward scatter-adds). */
export function gatherRows(x: Tensor, idx: ArrayLike<number>): Tensor {
  const C = x.shape[x.shape.length - 1], N = x.size / C;
  for (let i = 0; i < idx.length; i++) {
    if (!Number.isInteger(idx[i]) || idx[i] < 0 || idx[i] >= N) throw new ShapeError(`gatherRows: index ${idx[i]} outside [0, ${N})`);
  }
  return embedding(reshape(x, [N, C]), Tensor.ints(x.backend, idx, [idx.length]));
}

/** log σ(z) and its derivative σ(−z), stable for large |z|. */
export function logSigmoid(z: number): { value: number; grad: number } {
  const value = z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
  const grad = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  return { value, grad };
}
