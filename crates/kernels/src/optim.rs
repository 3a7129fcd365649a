// AdamW as torch.optim.AdamW computes it (decoupled decay first, bias corrections folded into
// the step size): the fast twin of ts/backend/js/optim.ts (llm.c's adamw_update).
// The per-step scalars are computed in f64, as the js twin does, then used in f32 lanes.

use crate::simd::V;

/// param, m, v [n] updated in place from grad [n]·grad_scale (gradient clipping's factor, applied
/// here instead of in a pass of its own: the same product, so the same bits); step t ≥ 1.
#[allow(clippy::too_many_arguments)]
pub fn adamw(param: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32], n: usize, lr: f32,
             beta1: f32, beta2: f32, eps: f32, weight_decay: f32, t: i32, grad_scale: f32) {
    let powi = |x: f64| (0..t.max(0)).fold(1.0f64, |r, _| r * x); // repeated products, as the twin
    let (b1, b2) = (beta1 as f64, beta2 as f64);
    let step = (lr as f64 / (1.0 - powi(b1))) as f32;
    let bc2_sqrt = (1.0 - powi(b2)).sqrt() as f32;
    let decay = (1.0 - lr as f64 * weight_decay as f64) as f32;
    let (c1, c2) = ((1.0 - b1) as f32, (1.0 - b2) as f32);
    let gs = V::splat(grad_scale);
    let f = |p: V, g: V, mm: V, vv: V| {
        let g = g.mul(gs);
        let mm = V::splat(beta1).mul(mm).add(V::splat(c1).mul(g));
        let vv = V::splat(beta2).mul(vv).add(V::splat(c2).mul(g).mul(g));
        let den = vv.sqrt().div(V::splat(bc2_sqrt)).add(V::splat(eps));
        let p = p.mul(V::splat(decay)).sub(V::splat(step).mul(mm).div(den));
        (p, mm, vv)
    };
    let (param, grad, m, v) = (&mut param[..n], &grad[..n], &mut m[..n], &mut v[..n]);
    let n4 = n - n % 4;
    for i in (0..n4).step_by(4) {
        let (p, mm, vv) = f(V::load(&param[i..]), V::load(&grad[i..]), V::load(&m[i..]), V::load(&v[i..]));
        p.store(&mut param[i..]); mm.store(&mut m[i..]); vv.store(&mut v[i..]);
    }
    // leftovers: the same lane code on a splat
    for i in n4..n {
        let (p, mm, vv) = f(V::splat(param[i]), V::splat(grad[i]), V::splat(m[i]), V::splat(v[i]));
        param[i] = p.lane(0); m[i] = mm.lane(0); v[i] = vv.lane(0);
    }
}
