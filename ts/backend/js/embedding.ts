// Embedding gather and scatter-add: reference twins of crates/kernels/src/embedding.rs.
// Ids are range-checked by the backend before either twin runs.

/** out [N, C] = table [V, C] rows picked by ids [N]. */
export function embeddingForward(out: Float32Array, table: Float32Array, ids: Int32Array,
  N: number, C: number): void {
  for (let r = 0; r < N; r++) out.set(table.subarray(ids[r] * C, ids[r] * C + C), r * C);
}

/** dtable [V, C] += dout [N, C] scattered by ids (rows repeat: add, never assign). */
export function embeddingBackward(dtable: Float32Array, dout: Float32Array, ids: Int32Array,
  N: number, C: number): void {
  for (let r = 0; r < N; r++) {
    const d = ids[r] * C, s = r * C;
    for (let i = 0; i < C; i++) dtable[d + i] += dout[s + i];
  }
}
