// Elementwise ops, dropout and the sum of squares: reference twins of
// crates/kernels/src/elementwise.rs.

export function add(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}
export function axpy(y: Float32Array, x: Float32Array, alpha: number, n: number): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}
export function mul(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
}
export function mulAccumulate(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] += a[i] * b[i];
}
export function scale(out: Float32Array, a: Float32Array, alpha: number, n: number): void {
  const s = Math.fround(alpha); // the f32 the wasm twin receives, so both round one product
  for (let i = 0; i < n; i++) out[i] = s * a[i];
}
/** TypedArray.set copies as if through a temporary, so overlapping views are safe. */
export function copy(out: Float32Array, a: Float32Array, n: number): void {
  out.set(a.subarray(0, n));
}

export function fill(out: Float32Array | Int32Array, value: number, n: number): void {
  out.fill(value, 0, n);
}

/** A 32-bit integer hash of (seed, i) (murmur3's finaliser): the same bits in JS and Rust. */
export function hash32(seed: number, i: number): number {
  let h = (Math.imul(i, 0x9e3779b1) ^ seed) >>> 0;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Inverted dropout: element i is kept when its 24-bit uniform draw is ≥ p. */
export function dropoutForward(out: Float32Array, mask: Float32Array, inp: Float32Array, n: number,
  p: number, seed: number): void {
  // p as the f32 the wasm twin receives, so both draw the same threshold and keep scale
  const pf = Math.fround(p);
  const keepScale = Math.fround(1 / (1 - pf)), threshold = Math.floor(pf * 16777216);
  for (let i = 0; i < n; i++) {
    mask[i] = (hash32(seed, i) >>> 8) >= threshold ? keepScale : 0;
    out[i] = inp[i] * mask[i];
  }
}

/** Σ x² in order, in double precision. */
export function sumSquares(x: Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}
