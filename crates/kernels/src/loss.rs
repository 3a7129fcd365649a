// Fused softmax + cross-entropy with an ignore index: the fast twin of ts/backend/js/loss.ts
// (llm.c's crossentropy_forward / crossentropy_softmax_backward). Backward recomputes the
// softmax from the logits rather than keeping an [N, V] probability tensor alive.

use crate::activation::{exp4k_nonpos, max_of, sum_exp, ExpK};
use crate::math::log;
use crate::simd::V;

/// losses [N] = log Σ exp(logits[r]) − logits[r, t]; 0 where targets[r] = ignore.
/// logits [N, V]; targets [N] (checked to be in [0, V) or ignore by the caller).
pub fn cross_entropy_forward(losses: &mut [f32], logits: &[f32], targets: &[i32], n: usize,
                             v: usize, ignore: i32) {
    for r in 0..n {
        let t = targets[r];
        if t == ignore { losses[r] = 0.0; continue; }
        let x = &logits[r * v..][..v];
        let m = max_of(x);
        losses[r] = log(sum_exp(x, m)) + m - x[t as usize];
    }
}

/// dlogits [N, V] += dlosses[r]·(softmax(logits[r]) − onehot(t)); ignored rows add nothing.
pub fn cross_entropy_backward(dlogits: &mut [f32], logits: &[f32], targets: &[i32],
                              dlosses: &[f32], n: usize, v: usize, ignore: i32) {
    // exp of x − max ≤ 0 on constants held in registers: the same bits as math::exp4 there
    // (activation.rs tests), which rebuilt its constants and ran its three edge selects per vector
    let k = ExpK::new();
    for r in 0..n {
        let t = targets[r];
        if t == ignore { continue; }
        let x = &logits[r * v..][..v];
        let d = &mut dlogits[r * v..][..v];
        let m = max_of(x);
        let inv = 1.0 / sum_exp(x, m);
        let dl = dlosses[r];
        let (vm, vi, vd) = (V::splat(m), V::splat(inv), V::splat(dl));
        let mut cd = d.chunks_exact_mut(4);
        let mut cx = x.chunks_exact(4);
        for (o, xx) in (&mut cd).zip(&mut cx) {
            let p = exp4k_nonpos(V::load(xx).sub(vm), &k).mul(vi);
            V::load(o).add(vd.mul(p)).store(o);
        }
        // leftovers
        for (o, xx) in cd.into_remainder().iter_mut().zip(cx.remainder()) {
            *o += dl * (exp4k_nonpos(V::splat(*xx - m), &k).lane(0) * inv);
        }
        d[t as usize] -= dl;
    }
}
