// Losses and log-probabilities on logits [..., V], over the fused cross-entropy kernel (llm.c's
// crossentropy_forward / crossentropy_softmax_backward, with PyTorch's ignore_index=-100).
// Per-row losses are the negated log-probabilities of the chosen tokens: the "gather" that SFT,
// DPO and PPO need, without ever materialising a [N, V] log-softmax for backward.

import { ShapeError, GradError, fmtShape } from './errors.js';
import { Tensor, record, sameBackend, isGradEnabled } from './tensor.js';

/** The targets value whose rows are skipped (torch.nn.functional.cross_entropy's default). */
export const IGNORE_INDEX = -100;

function rows(logits: Tensor, targets: Tensor, op: string): { N: number; V: number } {
  sameBackend(op, logits, targets);
  if (logits.dtype !== 'f32') throw new ShapeError(`${op}: logits must be f32, got ${logits.dtype}`);
  if (targets.dtype !== 'i32') throw new ShapeError(`${op}: targets must be i32, got ${targets.dtype}`);
  if (logits.shape.length === 0) throw new ShapeError(`${op}: logits must be [..., V], got a scalar`);
  const V = logits.shape[logits.shape.length - 1], N = logits.size / V;
  if (targets.size !== N) throw new ShapeError(`${op}: logits ${fmtShape(logits.shape)} give ${N} rows, targets ${fmtShape(targets.shape)} have ${targets.size}`);
  return { N, V };
}

/** losses [N] = −log softmax(logits)[target] per row (0 on ignored rows); shape = targets'. */
export function crossEntropyRows(logits: Tensor, targets: Tensor, ignoreIndex = IGNORE_INDEX): Tensor {
  const { N, V } = rows(logits, targets, 'crossEntropyRows');
  const be = logits.backend, out = Tensor.empty(be, targets.shape);
  be.crossEntropyForward(out.data, logits.data, targets.data, N, V, ignoreIndex);
  return record(out, [logits], () => {
    // dlogits += dloss_i · (softmax − onehot): the kernel takes the per-row gradient directly
    be.crossEntropyBackward(logits.ensureGrad(), logits.data, targets.data, out.grad!, N, V, ignoreIndex);
  });
}

/** log p(target) per row (0 on ignored rows): the chosen-token log-probabilities. */
export function tokenLogprobs(logits: Tensor, targets: Tensor, ignoreIndex = IGNORE_INDEX): Tensor {
  const nll = crossEntropyRows(logits, targets, ignoreIndex);
  const be = logits.backend, out = Tensor.empty(be, nll.shape);
  be.scale(out.data, nll.data, -1, nll.size);
  return record(out, [nll], () => {
    if (nll.claimGrad()) be.scale(nll.grad!, out.grad!, -1, nll.size);
    else be.axpy(nll.grad!, out.grad!, -1, nll.size);
  });
}

/** Mean cross-entropy over the rows whose target is not ignoreIndex, as F.cross_entropy.
 *  Throws when every target is ignored (PyTorch would return NaN and poison training). */
export function crossEntropy(logits: Tensor, targets: Tensor, ignoreIndex = IGNORE_INDEX): Tensor {
  const { N, V } = rows(logits, targets, 'crossEntropy');
  const be = logits.backend;
  const t = be.read(targets.data);
  let count = 0;
  for (let i = 0; i < N; i++) if (t[i] !== ignoreIndex) count++;
  if (count === 0) throw new ShapeError(`crossEntropy: all ${N} targets are the ignore index ${ignoreIndex}; the mean is undefined`);
  const losses = be.allocUninit(N); // per row, kept for nothing but the sum
  be.crossEntropyForward(losses, logits.data, targets.data, N, V, ignoreIndex);
  const out = Tensor.empty(be, [1]);
  be.sumRows(out.data, losses, N, 1, false); // losses as [N, 1]: Σ over rows
  be.scale(out.data, out.data, 1 / count, 1);
  return record(out, [logits], () => {
    const dlosses = be.allocUninit(N); // every row's share of the mean (ignored rows add 0)
    be.fill(dlosses, be.read(out.grad!)[0] / count, N);
    be.crossEntropyBackward(logits.ensureGrad(), logits.data, targets.data, dlosses, N, V, ignoreIndex);
  });
}

function forwardOnly(op: string, x: Tensor): void {
  if (x.dtype !== 'f32') throw new ShapeError(`${op}: input must be f32, got ${x.dtype}`);
  if (isGradEnabled() && x.requiresGrad) {
    throw new GradError(`${op}: has no backward; call it under noGrad(), or use tokenLogprobs/crossEntropyRows for differentiable log-probabilities`);
  }
}

/** Row-wise softmax over the last dimension (sampling, inspection; no backward). */
export function softmax(x: Tensor): Tensor {
  forwardOnly('softmax', x);
  const V = x.shape[x.shape.length - 1], out = Tensor.empty(x.backend, x.shape);
  x.backend.softmaxForward(out.data, x.data, x.size / V, V);
  return out;
}

/** Row-wise log-softmax over the last dimension (no backward). */
export function logSoftmax(x: Tensor): Tensor {
  forwardOnly('logSoftmax', x);
  const V = x.shape[x.shape.length - 1], out = Tensor.empty(x.backend, x.shape);
  x.backend.logSoftmaxForward(out.data, x.data, x.size / V, V);
  return out;
}
