// matmul and sumRows, the readable reference twins of crates/kernels/src/matmul.rs.
// Loops are ordered so the innermost one walks contiguous memory (i-p-j for A·B, dot products
// for A·Bᵀ); no allocation per element. llm.c keeps its naive matmul for the same reason.

/** out[b] (+)= op(a[b]) · op(b[b]) + bias; see Backend.matmul for shapes. */
export function matmul(out: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null,
  batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean,
  accumulate: boolean): void {
  const row = new Float64Array(n); // one output row, summed in double then stored once
  for (let bi = 0; bi < batch; bi++) {
    const ao = bi * m * k, bo = bi * k * n, oo = bi * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      if (transB) {
        // b is [n, k]: each output is a dot product of two contiguous rows (or a strided a column)
        for (let j = 0; j < n; j++) {
          let s = 0;
          const bj = bo + j * k;
          if (transA) for (let p = 0; p < k; p++) s += a[ao + p * m + i] * b[bj + p];
          else for (let p = 0, ai = ao + i * k; p < k; p++) s += a[ai + p] * b[bj + p];
          row[j] = s;
        }
      } else {
        for (let p = 0; p < k; p++) {
          const aip = transA ? a[ao + p * m + i] : a[ao + i * k + p];
          if (aip === 0) continue;
          const bp = bo + p * n;
          for (let j = 0; j < n; j++) row[j] += aip * b[bp + j];
        }
      }
      const oi = oo + i * n;
      for (let j = 0; j < n; j++) {
        const v = row[j] + (bias ? bias[j] : 0);
        out[oi + j] = accumulate ? out[oi + j] + v : v;
      }
    }
  }
}

/** out[n] (+)= Σ_rows inp[m, n]. */
export function sumRows(out: Float32Array, inp: Float32Array, m: number, n: number,
  accumulate: boolean): void {
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0, o = i * n; j < n; j++) acc[j] += inp[o + j];
  for (let j = 0; j < n; j++) out[j] = accumulate ? out[j] + acc[j] : acc[j];
}
