// bf16 weights for decoding: reference twins of crates/kernels/src/bf16.rs. A bf16 is the top
// 16 bits of an f32: rounding keeps the nearest (ties to even), widening shifts back (exact).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** bf16 bits → f32, exactly. */
export function widen(h: number): number {
  u32[0] = h << 16;
  return f32[0];
}

/** dst[i] = bf16(src[i]) for i < n: round to nearest, ties to even; NaN stays a quiet NaN. */
export function toBf16(dst: Uint16Array, src: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    f32[0] = src[i];
    const b = u32[0];
    dst[i] = src[i] !== src[i] ? (b >>> 16) | 0x40 : (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
}

/** out [m, n] (+)= a [m, k] · op(b) + bias; b bf16 [k, n] or (transB) [n, k]; bias [n] or null
 *  (added once, also when accumulating). The naive loop, summed in f64 then rounded. */
export function matvecBf16(out: Float32Array, a: Float32Array, b: Uint16Array, bias: Float32Array | null,
  m: number, k: number, n: number, transB: boolean, accumulate: boolean): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * widen(transB ? b[j * k + p] : b[p * n + j]);
      const v = s + (bias ? bias[j] : 0);
      out[i * n + j] = accumulate ? out[i * n + j] + v : v;
    }
  }
}
