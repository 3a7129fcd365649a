// GELU (GPT-2's tanh form) forward/backward and row-wise softmax / log-softmax: the fast twins
// of ts/backend/js/activation.ts (llm.c's gelu_forward/backward), on our own exp/tanh/log.
// Also the row helpers (max, exp-and-sum) that loss.rs and attention.rs share.

use crate::math::{exp4, log};
use crate::simd::V;

const GELU_SCALE: f32 = 0.797_884_56; // √(2/π)
const GELU_C: f32 = 0.044_715;

/// out [n] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); inp [n].
/// Computed as x·σ(2u), the same function (0.5·(1 + tanh u) = σ(2u)) for one exp and one
/// division instead of tanh's exp, division and polynomial: about half the work.
pub fn gelu_forward(out: &mut [f32], inp: &[f32], n: usize) {
    map4(&mut out[..n], &inp[..n], |x| x.mul(sigmoid2(inner(x))));
}

/// dinp [n] += gelu'(inp)·dout; inp, dout [n]. With s = σ(2u): gelu' = s + 2x·s·(1 − s)·u',
/// which is 0.5·(1 + tanh u) + 0.5·x·sech²u·u' rewritten (sech²u = 4s(1 − s)).
pub fn gelu_backward(dinp: &mut [f32], inp: &[f32], dout: &[f32], n: usize) {
    let (dinp, inp, dout) = (&mut dinp[..n], &inp[..n], &dout[..n]);
    let f = |x: V, d: V, acc: V| {
        let s = sigmoid2(inner(x));
        let du = V::splat(GELU_SCALE).mul(V::splat(1.0).add(V::splat(3.0 * GELU_C).mul(x).mul(x)));
        let g = s.add(x.add(x).mul(s).mul(V::splat(1.0).sub(s)).mul(du));
        acc.add(g.mul(d))
    };
    let mut cd = dinp.chunks_exact_mut(4);
    let mut ci = inp.chunks_exact(4);
    for ((o, x), d) in (&mut cd).zip(&mut ci).zip(dout.chunks_exact(4)) {
        f(V::load(x), V::load(d), V::load(o)).store(o);
    }
    // leftovers: the same lane code on a padded vector
    let off = n - ci.remainder().len();
    for (i, o) in cd.into_remainder().iter_mut().enumerate() {
        *o = f(V::splat(inp[off + i]), V::splat(dout[off + i]), V::splat(*o)).lane(0);
    }
}

/// σ(2u) = 1 / (1 + e^(−2u)); e^(−2u) = +inf for very negative u gives exactly 0.
#[inline(always)]
fn sigmoid2(u: V) -> V { V::splat(1.0).div(V::splat(1.0).add(exp4(u.add(u).mul(V::splat(-1.0))))) }

#[inline(always)]
fn inner(x: V) -> V { V::splat(GELU_SCALE).mul(x.add(V::splat(GELU_C).mul(x).mul(x).mul(x))) }

/// out[i] = f(inp[i]) four lanes at a time; the tail runs the same lane code on a splat.
#[inline(always)]
pub(crate) fn map4(out: &mut [f32], inp: &[f32], f: impl Fn(V) -> V) {
    let mut co = out.chunks_exact_mut(4);
    let mut ci = inp.chunks_exact(4);
    for (o, x) in (&mut co).zip(&mut ci) { f(V::load(x)).store(o); }
    // leftovers
    for (o, x) in co.into_remainder().iter_mut().zip(ci.remainder()) { *o = f(V::splat(*x)).lane(0); }
}

/// max over x (−inf for an empty row).
pub(crate) fn max_of(x: &[f32]) -> f32 {
    let mut acc = V::splat(f32::NEG_INFINITY);
    let mut c = x.chunks_exact(4);
    for v in &mut c { acc = acc.max(V::load(v)); }
    let mut m = acc.hmax();
    // leftovers
    for &v in c.remainder() { if v > m { m = v; } }
    m
}

/// out[i] = exp(x[i] − max); returns Σ out in a fixed order (lanes, then the tail).
pub(crate) fn exp_sum(out: &mut [f32], x: &[f32], max: f32) -> f32 {
    let vm = V::splat(max);
    let mut acc = V::zero();
    let mut co = out.chunks_exact_mut(4);
    let mut ci = x.chunks_exact(4);
    for (o, v) in (&mut co).zip(&mut ci) {
        let e = exp4(V::load(v).sub(vm));
        e.store(o);
        acc = acc.add(e);
    }
    let mut s = acc.hsum();
    // leftovers
    for (o, v) in co.into_remainder().iter_mut().zip(ci.remainder()) {
        *o = crate::math::exp(*v - max);
        s += *o;
    }
    s
}

/// Σ exp(x[i] − max) without storing (the same order as exp_sum).
pub(crate) fn sum_exp(x: &[f32], max: f32) -> f32 {
    let vm = V::splat(max);
    let mut acc = V::zero();
    let mut ci = x.chunks_exact(4);
    for v in &mut ci { acc = acc.add(exp4(V::load(v).sub(vm))); }
    let mut s = acc.hsum();
    // leftovers
    for v in ci.remainder() { s += crate::math::exp(*v - max); }
    s
}

/// out[i] *= alpha
pub(crate) fn scale_in_place(out: &mut [f32], alpha: f32) {
    let va = V::splat(alpha);
    let mut co = out.chunks_exact_mut(4);
    for o in &mut co { V::load(o).mul(va).store(o); }
    // leftovers
    for o in co.into_remainder() { *o *= alpha; }
}

/// out [rows, n] = softmax of each row of inp [rows, n].
pub fn softmax_forward(out: &mut [f32], inp: &[f32], rows: usize, n: usize) {
    if n == 0 { return; }
    for (o, x) in out.chunks_exact_mut(n).zip(inp.chunks_exact(n)).take(rows) {
        let s = exp_sum(o, x, max_of(x));
        scale_in_place(o, 1.0 / s);
    }
}

/// out [rows, n] = x − max − log Σ exp(x − max), per row of inp [rows, n].
pub fn log_softmax_forward(out: &mut [f32], inp: &[f32], rows: usize, n: usize) {
    if n == 0 { return; }
    for (o, x) in out.chunks_exact_mut(n).zip(inp.chunks_exact(n)).take(rows) {
        let m = max_of(x);
        let lse = m + log(sum_exp(x, m));
        map4(o, x, |v| v.sub(V::splat(lse)));
    }
}

/// x[i] = f(x[i]) in place, four lanes then the tail (same lane code).
#[inline(always)]
pub(crate) fn map4_in_place(x: &mut [f32], f: impl Fn(V) -> V) {
    let mut c = x.chunks_exact_mut(4);
    for o in &mut c { f(V::load(o)).store(o); }
    // leftovers
    for o in c.into_remainder() { *o = f(V::splat(*o)).lane(0); }
}

/// gelu_forward with out = inp.
pub fn gelu_in_place(x: &mut [f32]) {
    map4_in_place(x, |x| x.mul(sigmoid2(inner(x))));
}

/// softmax_forward with out = inp [rows, n].
pub fn softmax_in_place(x: &mut [f32], rows: usize, n: usize) {
    if n == 0 { return; }
    for row in x.chunks_exact_mut(n).take(rows) {
        let m = max_of(row);
        let s = crate::attention::exp_sum_in_place(row, m);
        scale_in_place(row, 1.0 / s);
    }
}

/// log_softmax_forward with out = inp [rows, n].
pub fn log_softmax_in_place(x: &mut [f32], rows: usize, n: usize) {
    if n == 0 { return; }
    for row in x.chunks_exact_mut(n).take(rows) {
        let m = max_of(row);
        let lse = m + log(sum_exp(row, m));
        map4_in_place(row, |v| v.sub(V::splat(lse)));
    }
}
