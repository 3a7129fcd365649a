// matmul and sumRows, the readable reference twins of crates/kernels/src/matmul.rs.
// Blocked the way a CPU likes it, in plain JS: four output rows share every load of B (A·B,
// Aᵀ·B), or four dot products share every load of A's row (A·Bᵀ); the innermost loop walks
// contiguous memory; sums are kept in double and stored once. No allocation per element.
// (llm.c keeps its naive matmul as the algorithmic reference for the same reason.)

/** out[b] (+)= op(a[b]) · op(b[b]) + bias; see Backend.matmul for shapes. */
export function matmul(out: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null,
  batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean,
  accumulate: boolean): void {
  const acc = new Float64Array(4 * n); // four output rows, summed in double
  // element (i, p) of op(a) for batch offset ao
  const A = transA ? (ao: number, i: number, p: number) => a[ao + p * m + i] : (ao: number, i: number, p: number) => a[ao + i * k + p];
  for (let bi = 0; bi < batch; bi++) {
    const ao = bi * m * k, bo = bi * k * n, oo = bi * m * n;
    for (let i0 = 0; i0 < m; i0 += 4) {
      const rows = Math.min(4, m - i0);
      acc.fill(0);
      if (transB) {
        // b is [n, k]: dot products of op(a)'s rows with b's rows, four rows of b at a time
        // so each element of op(a) is loaded once per four products
        const sa = transA ? m : 1, sp = transA ? 1 : k; // op(a)[i, p] = a[ao + p*sa + i*sp]
        for (let r = 0; r < rows; r++) {
          const ai = ao + (i0 + r) * sp;
          for (let j = 0; j < n; j += 4) {
            const b0 = bo + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
            const last = n - j; // how many of the four rows of b exist
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            if (last >= 4) {
              for (let p = 0; p < k; p++) {
                const av = a[ai + p * sa];
                s0 += av * b[b0 + p]; s1 += av * b[b1 + p]; s2 += av * b[b2 + p]; s3 += av * b[b3 + p];
              }
            } else {
              // leftovers: fewer than four rows of b remain
              for (let p = 0; p < k; p++) {
                const av = a[ai + p * sa];
                s0 += av * b[b0 + p];
                if (last > 1) s1 += av * b[b1 + p];
                if (last > 2) s2 += av * b[b2 + p];
              }
            }
            const o = r * n + j;
            acc[o] = s0;
            if (last > 1) acc[o + 1] = s1;
            if (last > 2) acc[o + 2] = s2;
            if (last > 3) acc[o + 3] = s3;
          }
        }
      } else {
        // b is [k, n]: each row of b is scaled by op(a)[i, p] and added to up to four rows
        for (let p = 0; p < k; p++) {
          const bp = bo + p * n;
          const a0 = A(ao, i0, p), a1 = rows > 1 ? A(ao, i0 + 1, p) : 0;
          const a2 = rows > 2 ? A(ao, i0 + 2, p) : 0, a3 = rows > 3 ? A(ao, i0 + 3, p) : 0;
          for (let j = 0; j < n; j++) {
            const bv = b[bp + j];
            acc[j] += a0 * bv;
            acc[n + j] += a1 * bv;
            acc[2 * n + j] += a2 * bv;
            acc[3 * n + j] += a3 * bv;
          }
        }
      }
      for (let r = 0; r < rows; r++) {
        const oi = oo + (i0 + r) * n;
        for (let j = 0; j < n; j++) {
          const v = acc[r * n + j] + (bias ? bias[j] : 0);
          out[oi + j] = accumulate ? out[oi + j] + v : v;
        }
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

/** The js twin's "packing" is op(b) as a plain row-major [k, n] copy: a snapshot of b that
 *  matmulPacked multiplies with the reference matmul. */
export function packMatrix(dst: Float32Array, b: Float32Array, k: number, n: number, transB: boolean): void {
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) dst[p * n + j] = transB ? b[j * k + p] : b[p * n + j];
}

export function matmulPacked(out: Float32Array, a: Float32Array, packed: Float32Array, bias: Float32Array | null,
  m: number, k: number, n: number, transA: boolean, accumulate: boolean): void {
  matmul(out, a, packed, bias, 1, m, k, n, transA, false, accumulate);
}
