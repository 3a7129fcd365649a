// GELU (GPT-2's tanh form) forward/backward and row-wise softmax / log-softmax: the fast twins
// of ts/backend/js/activation.ts (llm.c's gelu_forward/backward), on our own exp/tanh/log.
// Also the row helpers (max, exp-and-sum) that loss.rs and attention.rs share.

use crate::math::log;
use crate::simd::{V, VI};

const GELU_SCALE: f32 = 0.797_884_56; // √(2/π)
const GELU_C: f32 = 0.044_715;

/// out [n] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); inp [n].
/// Computed as x·σ(2u), the same function (0.5·(1 + tanh u) = σ(2u)) for one exp and one
/// division instead of tanh's exp, division and polynomial: about half the work.
pub fn gelu_forward(out: &mut [f32], inp: &[f32], n: usize) {
    let k = ExpK::new();
    map4(&mut out[..n], &inp[..n], |x| x.mul(sigmoid2(inner(x, &k), &k)));
}

/// dinp [n] (+)= gelu'(inp)·dout from the forward's input and output (inp, out, dout [n]; added
/// onto dinp when `accumulate`, else written). With s = σ(2u): gelu' = s + 2x·s·(1 − s)·u', which
/// is 0.5·(1 + tanh u) + 0.5·x·sech²u·u' rewritten (sech²u = 4s(1 − s)). The forward's output
/// y = x·s gives both factors without an exp (the exp and its division were ~3/4 of this kernel):
/// s = y/x, and x·(1 − s) = x − y (exact: y is within [x/2, x] when 1 − s is small), so
/// gelu' = s·(1 + 2u'·(x − y)). Below |x| = 2^−100 s is exactly ½ (e^(−2u) rounds to 1) and y/x
/// would be 0/0 at x = 0, so there s = ½.
pub fn gelu_backward(dinp: &mut [f32], inp: &[f32], out: &[f32], dout: &[f32], n: usize, accumulate: bool) {
    let (dinp, inp, out, dout) = (&mut dinp[..n], &inp[..n], &out[..n], &dout[..n]);
    let k = core::hint::black_box([TINY, 0.5, 1.0, 2.0 * GELU_SCALE, 3.0 * GELU_C]).map(V::splat);
    let abs = VI::splat(i32::MAX);
    let g = |x: V, y: V, d: V| {
        let ax = x.bits().and(abs).as_f32();
        let s = ax.lt(k[0]).select(k[1], y.div(x));
        let du2 = k[3].mul(k[2].add(k[4].mul(x).mul(x))); // 2u'
        s.mul(k[2].add(du2.mul(x.sub(y)))).mul(d)
    };
    let mut i = 0;
    while i + 4 <= n {
        let v = g(V::load(&inp[i..]), V::load(&out[i..]), V::load(&dout[i..]));
        let o = &mut dinp[i..];
        if accumulate { V::load(o).add(v).store(o) } else { v.store(o) }
        i += 4;
    }
    // leftovers: the same lane code on splats
    for j in i..n {
        let v = g(V::splat(inp[j]), V::splat(out[j]), V::splat(dout[j])).lane(0);
        dinp[j] = if accumulate { dinp[j] + v } else { v };
    }
}
const TINY: f32 = 7.888_609e-31; // 2^−100

/// σ(2u) = 1 / (1 + e^(−2u)); e^(−2u) = +inf for very negative u gives exactly 0.
/// The same bits as with exp4k for every non-NaN u (NaN in → NaN out), on exp4k without two of
/// its three edge selects, which cannot change 1/(1 + e): below the clamp (z < −87.3) exp4k
/// returns 0 and the clamped value e^−87.3 ≈ 1e−38 instead, and 1 + either rounds to 1; a NaN z
/// (only from a NaN x) already gives a NaN through the polynomial. The +inf select above the
/// clamp stays: e^88.7 is finite, and 1/(1 + it) would be a subnormal instead of 0.
/// (A chain of ~45 dependent ops per vector: every op saved is time, ~20% of GELU here.)
#[inline(always)]
fn sigmoid2(u: V, k: &ExpK) -> V {
    let c = &k.0;
    let z = u.mul(c[19]); // −2u: exact, as (u + u)·(−1) was
    let (er, ni) = exp_core(z.min(c[0]).max(c[1]), c);
    let h = ni.shr(1);
    let s1 = h.add(c[14].bits()).shl(23).as_f32();
    let s2 = ni.sub(h).add(c[14].bits()).shl(23).as_f32();
    let e = z.gt(c[0]).select(c[13], er.mul(s1).mul(s2));
    c[12].div(c[12].add(e))
}

#[inline(always)]
fn inner(x: V, k: &ExpK) -> V { k.0[16].mul(x.add(k.0[17].mul(x).mul(x).mul(x))) }

/// exp4's constants as splatted vectors, read once from memory: V8 builds each v128.const in
/// a loop from immediates (several instructions each, ~20 per exp), while a register or a
/// stack reload is one instruction.
#[derive(Clone, Copy)]
pub(crate) struct ExpK([V; 20]);
static EXP_K: [f32; 20] = [
    88.722_83, -87.336_55, // 0, 1: the clamp (math.rs's EXP_HI, EXP_LO)
    core::f32::consts::LOG2_E, 12_582_912.0, // 2, 3: log2 e, ROUND = 1.5·2^23
    0.693_359_375, -2.121_944_4e-4, // 4, 5: LN2_HI, LN2_LO
    1.987_569_1e-4, 1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1, // 6-11
    1.0, f32::INFINITY, // 12, 13
    f32::from_bits(127), f32::from_bits(0x4b40_0000), // 14, 15: the exponent bias, ROUND's bits (i32 lanes)
    GELU_SCALE, GELU_C, 3.0 * GELU_C, -2.0, // 16-19: gelu's (they ride along)
];
impl ExpK {
    #[inline(always)]
    pub(crate) fn new() -> ExpK {
        let t = core::hint::black_box(&EXP_K);
        ExpK(core::array::from_fn(|i| V::splat(t[i])))
    }
}

/// math::exp4 bit for bit, on constants held in `k`, and with n's integer taken from the
/// rounding sum's bits instead of a float → int conversion (i32x4.trunc_sat_f32x4 is a
/// 7-instruction sequence on x64 in V8): t = x·log2e + 1.5·2^23 holds n in its low mantissa
/// bits, so bits(t) − bits(1.5·2^23) = n exactly for |n| < 2^22 (|n| ≤ 128 after the clamp).
#[cfg(test)] // the reference sigmoid2 is checked against; the kernels use exp4k_nonpos / sigmoid2
#[inline(always)]
pub(crate) fn exp4k(x: V, k: &ExpK) -> V {
    let k = &k.0;
    let (er, ni) = exp_core(x.min(k[0]).max(k[1]), k);
    let h = ni.shr(1);
    let s1 = h.add(k[14].bits()).shl(23).as_f32();
    let s2 = ni.sub(h).add(k[14].bits()).shl(23).as_f32();
    let y = er.mul(s1).mul(s2);
    let y = x.gt(k[0]).select(k[13], y);
    let y = x.lt(k[1]).select(V::zero(), y);
    x.ne(x).select(x, y)
}

/// What both exps share, on a clamped xc: x = n·ln2 + r, e^r by the polynomial; returns e^r and
/// the integer n (read from the bits of the rounding sum).
#[inline(always)]
fn exp_core(xc: V, k: &[V; 20]) -> (V, VI) {
    let tr = xc.mul(k[2]).add(k[3]);
    let n = tr.sub(k[3]);
    let r = xc.sub(n.mul(k[4])).sub(n.mul(k[5]));
    let r2 = r.mul(r);
    let mut p = k[6];
    p = p.mul(r).add(k[7]);
    p = p.mul(r).add(k[8]);
    p = p.mul(r).add(k[9]);
    p = p.mul(r).add(k[10]);
    p = p.mul(r).add(k[11]);
    (p.mul(r2).add(r).add(k[12]), tr.bits().sub(k[15].bits()))
}

/// exp4k for x ≤ 0 (softmax's x − max), the same bits there (NaN in → a NaN out): no upper
/// clamp or +inf select, and one 2^n factor, since n ∈ [−126, 0] keeps it normal and a product
/// by a power of two rounds once either way.
#[inline(always)]
pub(crate) fn exp4k_nonpos(x: V, k: &ExpK) -> V {
    let k = &k.0;
    let (er, ni) = exp_core(x.max(k[1]), k);
    let y = er.mul(ni.add(k[14].bits()).shl(23).as_f32());
    x.lt(k[1]).select(V::zero(), y)
}

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
    let (vm, k) = (V::splat(max), ExpK::new());
    let mut acc = V::zero();
    let mut co = out.chunks_exact_mut(4);
    let mut ci = x.chunks_exact(4);
    for (o, v) in (&mut co).zip(&mut ci) {
        let e = exp4k_nonpos(V::load(v).sub(vm), &k);
        e.store(o);
        acc = acc.add(e);
    }
    let mut s = acc.hsum();
    // leftovers
    for (o, v) in co.into_remainder().iter_mut().zip(ci.remainder()) {
        *o = exp4k_nonpos(V::splat(*v - max), &k).lane(0);
        s += *o;
    }
    s
}

/// Σ exp(x[i] − max) without storing (the same order as exp_sum).
pub(crate) fn sum_exp(x: &[f32], max: f32) -> f32 {
    let (vm, k) = (V::splat(max), ExpK::new());
    let mut acc = V::zero();
    let mut ci = x.chunks_exact(4);
    for v in &mut ci { acc = acc.add(exp4k_nonpos(V::load(v).sub(vm), &k)); }
    let mut s = acc.hsum();
    // leftovers
    for v in ci.remainder() { s += exp4k_nonpos(V::splat(*v - max), &k).lane(0); }
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
    let k = ExpK::new();
    map4_in_place(x, |x| x.mul(sigmoid2(inner(x, &k), &k)));
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

#[cfg(test)]
mod tests {
    #[test]
    fn sigmoid2_matches_one_over_one_plus_exp4k() {
        use crate::simd::V;
        let k = super::ExpK::new();
        let mut us = vec![0.0f32, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::MAX, f32::MIN, 1e-30, -1e-30];
        // around both clamps of z = −2u (−87.34, 88.72) and everywhere between
        for i in 0..=400_000 { us.push(-60.0 + 120.0 * (i as f32 / 400_000.0)); }
        for c in [43.668_276f32, -44.361_42] { for i in -2000..=2000 { us.push(f32::from_bits((c.to_bits() as i32 + i) as u32)); } }
        for u in us {
            let want = V::splat(1.0).div(V::splat(1.0).add(super::exp4k(V::splat(-2.0 * u), &k))).lane(0);
            let got = super::sigmoid2(V::splat(u), &k).lane(0);
            assert_eq!(got.to_bits(), want.to_bits(), "sigmoid2({u}): {got} vs {want}");
        }
        assert!(super::sigmoid2(V::splat(f32::NAN), &k).lane(0).is_nan());
    }
    #[test]
    fn gelu_backward_from_the_output_is_close_to_the_f64_derivative() {
        // The error is absolute and set by y's precision: x − y = x·(1 − s) is a multiple of
        // ulp(x), which 2u' (up to ~8 at x ≈ 4.7) multiplies. Measured on this sweep: 3.2e-6;
        // recomputing s from x (the kernel before): 2.0e-6; PyTorch's f32 tanh form: 5.6e-7.
        let xs: Vec<f32> = (0..=200_000).map(|i| -12.0 + 24.0 * (i as f32 / 200_000.0)).collect();
        let n = xs.len();
        let mut y = vec![0.0; n];
        super::gelu_forward(&mut y, &xs, n);
        let mut g = vec![0.0; n];
        super::gelu_backward(&mut g, &xs, &y, &vec![1.0; n], n, false);
        let (k, c) = (0.797_884_560_802_865_4f64, 0.044_715f64);
        for (&xf, &gi) in xs.iter().zip(&g) {
            let x = xf as f64;
            let t = (k * (x + c * x * x * x)).tanh();
            let want = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * k * (1.0 + 3.0 * c * x * x);
            assert!((gi as f64 - want).abs() < 3.5e-6, "gelu'({xf}) = {gi}, want {want}");
        }
    }
    #[test]
    fn exp4k_matches_math_exp4_bits() {
        use crate::simd::V;
        let mut xs = vec![0.0f32, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, 88.72283, 88.72284,
                          -87.33655, -87.33656, -200.0, 200.0, 1e-30, -1e-30];
        for i in 0..=400_000 { xs.push(-100.0 + 200.0 * (i as f32 / 400_000.0)); }
        for i in 0..=100_000 { xs.push(-1.0 + 2.0 * (i as f32 / 100_000.0)); }
        for i in 0..=200_000 { xs.push(-87.4 + 1.0 * (i as f32 / 200_000.0)); }
        for i in 0..=200_000 { xs.push(-1e-3 * (i as f32 / 200_000.0)); }
        for x in xs {
            let b = crate::math::exp4(V::splat(x)).lane(0);
            let c = super::exp4k(V::splat(x), &super::ExpK::new()).lane(0);
            if x <= 0.0 || x.is_nan() {
                let d = super::exp4k_nonpos(V::splat(x), &super::ExpK::new()).lane(0);
                assert!(d.to_bits() == b.to_bits() || (d.is_nan() && b.is_nan()), "exp4k_nonpos({x}): {d} vs {b}");
            }
            assert!(c.to_bits() == b.to_bits() || (c.is_nan() && b.is_nan()), "exp4k({x}): {c} vs {b}");
        }
    }
}
