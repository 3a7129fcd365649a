// Principal component analysis of a row-major matrix, for the embedding map: centre the columns,
// build the C×C covariance in float64, and take its top eigenvectors by power iteration with
// deflation. A fixed start vector, a fixed iteration budget and a sign rule (each axis points so
// that its largest entry is positive) make the map the same on every run of the same weights.

export interface Projection {
  /** coords[i] = [x, y]: row i on the first two principal axes. */
  coords: [number, number][];
  /** The two axes (unit vectors of length cols). */
  axes: [Float64Array, Float64Array];
  /** Fraction of the total variance along each axis. */
  explained: [number, number];
}

/** The rows of `data` [rows, cols] projected on their first two principal components.
 *  Example: points spread 3× more along (1, 1)/√2 than along (1, −1)/√2 get x along the first. */
export function pca2(data: ArrayLike<number>, rows: number, cols: number): Projection {
  if (rows < 2 || cols < 2 || data.length !== rows * cols) throw new RangeError(`pca2: need a [rows ≥ 2, cols ≥ 2] matrix, got ${data.length} values for [${rows}, ${cols}]`);
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += data[r * cols + c] / rows;
  const cov = new Float64Array(cols * cols); // (1/rows) Σ (x − μ)(x − μ)ᵀ
  const x = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) x[c] = data[r * cols + c] - mean[c];
    for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) cov[i * cols + j] += (x[i] * x[j]) / rows;
  }
  let total = 0;
  for (let i = 0; i < cols; i++) total += cov[i * cols + i];
  const a1 = topEigen(cov, cols);
  deflate(cov, cols, a1.vector, a1.value); // remove the first axis; the next top is the second
  const a2 = topEigen(cov, cols);
  const coords = Array.from({ length: rows }, (_, r): [number, number] => {
    let p = 0, q = 0;
    for (let c = 0; c < cols; c++) { const v = data[r * cols + c] - mean[c]; p += v * a1.vector[c]; q += v * a2.vector[c]; }
    return [p, q];
  });
  return { coords, axes: [a1.vector, a2.vector], explained: total > 0 ? [a1.value / total, a2.value / total] : [0, 0] };
}

/** The largest eigenvalue of a symmetric positive semi-definite matrix and its unit eigenvector. */
function topEigen(m: Float64Array, n: number, iterations = 500): { value: number; vector: Float64Array } {
  // start off every axis (a start orthogonal to the answer would never find it)
  let v = Float64Array.from({ length: n }, (_, i) => 1 + i / n);
  normalise(v);
  let value = 0;
  for (let it = 0; it < iterations; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += m[i * n + j] * v[j]; w[i] = s; }
    value = normalise(w);
    if (value === 0) break; // no variance left
    let change = 0;
    for (let i = 0; i < n; i++) change = Math.max(change, Math.abs(w[i] - v[i]));
    v = w;
    if (change < 1e-12) break;
  }
  let big = 0; // the sign rule
  for (let i = 1; i < n; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
  if (v[big] < 0) for (let i = 0; i < n; i++) v[i] = -v[i];
  return { value, vector: v };
}

function deflate(m: Float64Array, n: number, v: Float64Array, value: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] -= value * v[i] * v[j];
}

/** Scales v to unit length in place; returns its former length. */
function normalise(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  const len = Math.sqrt(s);
  if (len > 0) for (let i = 0; i < v.length; i++) v[i] /= len;
  return len;
}
