// Gradient-norm clipping as torch.nn.utils.clip_grad_norm_: scale every gradient by
// maxNorm / (norm + 1e-6) when the global L2 norm exceeds maxNorm. One sumSquares over the
// contiguous gradient buffer gives the norm.

import type { ParameterStore } from '../tensor/params.js';

/** The global norm of the gradients and the factor clipping multiplies them by (1 when the norm
 *  is within maxNorm, or maxNorm ≤ 0 turns clipping off). The Trainer hands the factor to
 *  AdamW.step, which applies it as it reads each gradient: the same products as scaling in
 *  place, without a pass of their own. The norm is non-finite when a gradient is NaN/Inf. */
export function clipFactor(norm: number, maxNorm: number): number {
  return maxNorm > 0 && Number.isFinite(norm) && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}

/** L2 norm of every gradient in the store. */
export function gradNorm(params: ParameterStore): number {
  return Math.sqrt(params.backend.sumSquares(params.grad, params.total));
}

/** Scales the gradients in place (clip_grad_norm_); returns the norm before clipping. */
export function clipGradNorm(params: ParameterStore, maxNorm: number): number {
  const norm = gradNorm(params), f = clipFactor(norm, maxNorm);
  if (f !== 1) params.backend.scale(params.grad, params.grad, f, params.total);
  return norm;
}
