// LayerNorm forward and backward, the reference twins of crates/kernels/src/norm.rs (llm.c's
// layernorm_forward / layernorm_backward). Biased variance and eps 1e-5, as torch.nn.LayerNorm.

const EPS = 1e-5;

/** out [N, C] = (inp − mean)·rstd·weight + bias; saves mean [N] and rstd [N] for backward. */
export function layernormForward(out: Float32Array, mean: Float32Array, rstd: Float32Array,
  inp: Float32Array, weight: Float32Array, bias: Float32Array | null, N: number, C: number): void {
  for (let r = 0; r < N; r++) {
    const x = r * C;
    let m = 0;
    for (let i = 0; i < C; i++) m += inp[x + i];
    m /= C;
    let v = 0;
    for (let i = 0; i < C; i++) { const d = inp[x + i] - m; v += d * d; }
    const s = 1 / Math.sqrt(v / C + EPS);
    for (let i = 0; i < C; i++) out[x + i] = (inp[x + i] - m) * s * weight[i] + (bias ? bias[i] : 0);
    mean[r] = m;
    rstd[r] = s;
  }
}

/** dinp [N, C], dweight [C], dbias [C] += the gradients of layernormForward. */
export function layernormBackward(dinp: Float32Array, dweight: Float32Array,
  dbias: Float32Array | null, dout: Float32Array, inp: Float32Array, weight: Float32Array,
  mean: Float32Array, rstd: Float32Array, N: number, C: number): void {
  for (let r = 0; r < N; r++) {
    const x = r * C, m = mean[r], s = rstd[r];
    // two reductions: mean of dnorm and mean of dnorm·norm
    let dnormMean = 0, dnormNormMean = 0;
    for (let i = 0; i < C; i++) {
      const norm = (inp[x + i] - m) * s, dnorm = weight[i] * dout[x + i];
      dnormMean += dnorm;
      dnormNormMean += dnorm * norm;
    }
    dnormMean /= C;
    dnormNormMean /= C;
    for (let i = 0; i < C; i++) {
      const norm = (inp[x + i] - m) * s, dnorm = weight[i] * dout[x + i];
      if (dbias) dbias[i] += dout[x + i];
      dweight[i] += norm * dout[x + i];
      dinp[x + i] += (dnorm - dnormMean - norm * dnormNormMean) * s;
    }
  }
}
