// Gradient-norm clipping as torch.nn.utils.clip_grad_norm_: scale every gradient by
// maxNorm / (norm + 1e-6) when the global L2 norm exceeds maxNorm. One sumSquares over the
// contiguous gradient buffer gives the norm.

import type { ParameterStore } from '../tensor/params.js';

/** Returns the norm before clipping (non-finite when a gradient is NaN/Inf). */
export function clipGradNorm(params: ParameterStore, maxNorm: number): number {
  const be = params.backend;
  const norm = Math.sqrt(be.sumSquares(params.grad, params.total));
  if (maxNorm > 0 && Number.isFinite(norm) && norm > maxNorm) {
    be.scale(params.grad, params.grad, maxNorm / (norm + 1e-6), params.total);
  }
  return norm;
}
