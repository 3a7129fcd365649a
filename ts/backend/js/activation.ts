// GELU (GPT-2's tanh form) and row-wise softmax / log-softmax: reference twins of
// crates/kernels/src/activation.rs. They use the host's Math.exp/tanh; the wasm twin has its own
// exp/tanh so its bits do not depend on the JS engine (DESIGN.md, Determinism).

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** out = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
export function geluForward(out: Float32Array, inp: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = inp[i];
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)));
  }
}

/** dinp (+)= gelu'(inp) · dout, from inp alone (the reference: the wasm twin reads σ from the
 *  forward's output instead, so the kernel tests hold that shortcut to this formula). */
export function geluBackward(dinp: Float32Array, inp: Float32Array, _out: Float32Array, dout: Float32Array, n: number, accumulate: boolean): void {
  for (let i = 0; i < n; i++) {
    const x = inp[i];
    const th = Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x));
    const sech2 = 1 - th * th;
    const grad = 0.5 * (1 + th) + 0.5 * x * sech2 * GELU_SCALE * (1 + 3 * 0.044715 * x * x);
    dinp[i] = accumulate ? dinp[i] + grad * dout[i] : grad * dout[i];
  }
}

/** out [rows, n] = softmax(inp) per row, max-subtracted for stability. */
export function softmaxForward(out: Float32Array, inp: Float32Array, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (inp[o + i] > max) max = inp[o + i];
    let sum = 0;
    for (let i = 0; i < n; i++) { const e = Math.exp(inp[o + i] - max); out[o + i] = e; sum += e; }
    const inv = 1 / sum;
    for (let i = 0; i < n; i++) out[o + i] *= inv;
  }
}

/** out [rows, n] = log softmax(inp) per row = x − max − log Σ exp(x − max). */
export function logSoftmaxForward(out: Float32Array, inp: Float32Array, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (inp[o + i] > max) max = inp[o + i];
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(inp[o + i] - max);
    const lse = max + Math.log(sum);
    for (let i = 0; i < n; i++) out[o + i] = inp[o + i] - lse;
  }
}
