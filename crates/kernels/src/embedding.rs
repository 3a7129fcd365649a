// Embedding gather and scatter-add: the fast twin of ts/backend/js/embedding.ts (llm.c's
// encoder_forward/backward without the position table). Ids are range-checked by the caller.

/// out [N, C] = table [V, C] rows picked by ids [N].
pub fn embedding_forward(out: &mut [f32], table: &[f32], ids: &[i32], n: usize, c: usize) {
    if c == 0 { return; }
    for (o, &id) in out.chunks_exact_mut(c).zip(&ids[..n]) {
        o.copy_from_slice(&table[id as usize * c..][..c]);
    }
}

/// dtable [V, C] += dout [N, C] scattered by ids (repeated ids add up, in row order).
pub fn embedding_backward(dtable: &mut [f32], dout: &[f32], ids: &[i32], n: usize, c: usize) {
    if c == 0 { return; }
    for (d, &id) in dout.chunks_exact(c).zip(&ids[..n]) {
        crate::simd::axpy(&mut dtable[id as usize * c..], 1.0, d, c);
    }
}
