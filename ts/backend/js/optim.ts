// AdamW as torch.optim.AdamW computes it (decoupled decay applied first, bias corrections folded
// into the step size): the reference twin of crates/kernels/src/optim.rs.

/** One AdamW step t ≥ 1 on n parameters from grad·gradScale (rounded to f32, as a separate
 *  scale pass would); updates param, m and v in place. */
export function adamw(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
  n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number,
  t: number, gradScale: number): void {
  const bc1 = 1 - powi(beta1, t), bc2 = 1 - powi(beta2, t);
  const stepSize = lr / bc1, bc2Sqrt = Math.sqrt(bc2), decay = 1 - lr * weightDecay;
  for (let i = 0; i < n; i++) {
    const g = Math.fround(grad[i] * Math.fround(gradScale));
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    param[i] = param[i] * decay - stepSize * m[i] / (Math.sqrt(v[i]) / bc2Sqrt + eps);
  }
}

/** x^t by repeated multiplication, as the Rust twin does (Math.pow may differ by an ulp). */
export function powi(x: number, t: number): number {
  let r = 1;
  for (let i = 0; i < t; i++) r *= x;
  return r;
}
