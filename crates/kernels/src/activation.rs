// GELU (GPT-2's tanh form) forward/backward and row-wise softmax / log-softmax: the fast twins
// of ts/backend/js/activation.ts (llm.c's gelu_forward/backward), on our own exp/tanh/log.
// Also the row helpers (max, exp-and-sum) that loss.rs and attention.rs share.

use crate::math::log;
use crate::simd::{V, VI};

const GELU_SCALE: f32 = 0.797_884_56; // √(2/π)
const GELU_C: f32 = 0.044_715;

/// out [n] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); inp [n].
/// Computed as x·σ(2u), the same function (0.5·(1 + tanh u) = σ(2u)) for one exp and one
/// division instead of tanh's exp, division and polynomial: about half the work. Two vectors per
/// iteration: their chains interleave, and the loop's own instructions are paid once for both
/// (1.08–1.20× in the two instance orders; gelu_sigma says why depth matters here).
pub fn gelu_forward(out: &mut [f32], inp: &[f32], n: usize) {
    let k = GeluK::new();
    let n8 = n - n % 8;
    for (o, x) in out[..n8].chunks_exact_mut(8).zip(inp[..n8].chunks_exact(8)) {
        let (a, b) = (V::load(&x[0..]), V::load(&x[4..]));
        let (sa, sb) = (gelu_sigma(a, &k), gelu_sigma(b, &k));
        a.mul(sa).store(&mut o[0..]);
        b.mul(sb).store(&mut o[4..]);
    }
    // leftovers: one vector, then the tail (map4)
    map4(&mut out[n8..n], &inp[n8..n], |x| x.mul(gelu_sigma(x, &k)));
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
    let k = splat_consts(&[TINY, 0.5, 1.0, 2.0 * GELU_SCALE, 3.0 * GELU_C]);
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

/// GELU's factor σ(2u) = 1/(1 + e^z), z = −2u = −2√(2/π)·(x + 0.044715·x³), written for a short
/// dependency chain: one vector's ~35 dependent ops, not the ~60 instructions of the loop, are
/// what limits this loop (the out-of-order window holds ~5 iterations), so depth is time.
/// - z: x² and 0.044715·x side by side; the −2 is folded into √(2/π) (exact: a power of two).
/// - e^z = 2^n·e^r with r = z − n·ln2 (cephes' split of ln2), e^r by its degree-7 polynomial
///   in Estrin's form (pairs, then r² and r⁴: depth 4 instead of Horner's 7), with every
///   coefficient doubled, giving 2e^r exactly as doubled; then one factor 2^(n−1), normal
///   for every n after the clamp (z below −80 gives σ = 1 just as well: 1 + e^−80 rounds to 1).
/// - z above exp's range (≈ 88.72) gives e = +inf, σ = 0, as the exact value rounds to.
#[inline(always)]
fn gelu_sigma(x: V, k: &GeluK) -> V {
    let c = &k.0;
    let z = x.add(c[0].mul(x).mul(x.mul(x))).mul(c[1]);
    let zc = z.min(c[2]).max(c[3]);
    let tr = zc.mul(c[4]).add(c[5]); // n in the low mantissa bits (see exp4k)
    let n = tr.sub(c[5]);
    let r = zc.sub(n.mul(c[6])).sub(n.mul(c[7]));
    let (r2, rr) = (r.mul(r), r.add(r));
    let hi = c[8].mul(r).add(c[9]).mul(r2.mul(r2));
    let lo = c[10].mul(r).add(c[11]).mul(r2).add(c[12].mul(r).add(c[13]));
    let e2 = hi.add(lo).mul(r2).add(rr).add(c[14]); // 2e^r
    let e = e2.mul(tr.bits().add(c[15].bits()).shl(23).as_f32()); // · 2^(n−1)
    let e = z.gt(c[2]).select(c[16], e);
    c[17].div(c[17].add(e))
}

/// gelu_sigma's constants, splatted once (see ExpK for why they come from memory).
struct GeluK([V; 18]);
static GELU_K: [f32; 18] = [
    GELU_C, -2.0 * GELU_SCALE, // 0, 1
    88.722_83, -80.0, // 2, 3: the clamp of z
    core::f32::consts::LOG2_E, 12_582_912.0, 0.693_359_375, -2.121_944_4e-4, // 4-7: as exp4
    2.0 * 1.987_569_1e-4, 2.0 * 1.398_199_9e-3, 2.0 * 8.333_452e-3, 2.0 * 4.166_579_6e-2, // 8-11
    2.0 * 1.666_666_5e-1, 2.0 * 5.000_000_1e-1, 2.0, // 12-14: exp4's polynomial, doubled
    f32::from_bits(126u32.wrapping_sub(0x4b40_0000)), // 15: bias − 1 − ROUND's bits (i32 lanes)
    f32::INFINITY, 1.0, // 16, 17
];
impl GeluK {
    #[inline(always)]
    fn new() -> GeluK {
        GeluK(splat_consts(&GELU_K))
    }
}

/// Constants as vectors splatted once from memory (black-boxed, so LLVM keeps them there instead
/// of folding them into v128.const: see ExpK).
#[inline(always)]
fn splat_consts<const N: usize>(t: &[f32; N]) -> [V; N] {
    let t = core::hint::black_box(t);
    core::array::from_fn(|i| V::splat(t[i]))
}

/// exp4's constants as splatted vectors, read once from memory: V8 builds each v128.const in
/// a loop from immediates (several instructions each, ~20 per exp), while a register or a
/// stack reload is one instruction.
#[derive(Clone, Copy)]
pub(crate) struct ExpK([V; 16]);
static EXP_K: [f32; 16] = [
    88.722_83, -87.336_55, // 0, 1: the clamp (math.rs's EXP_HI, EXP_LO)
    core::f32::consts::LOG2_E, 12_582_912.0, // 2, 3: log2 e, ROUND = 1.5·2^23
    0.693_359_375, -2.121_944_4e-4, // 4, 5: LN2_HI, LN2_LO
    1.987_569_1e-4, 1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1, // 6-11
    1.0, f32::INFINITY, // 12, 13
    f32::from_bits(127), f32::from_bits(0x4b40_0000), // 14, 15: the exponent bias, ROUND's bits (i32 lanes)
];
impl ExpK {
    #[inline(always)]
    pub(crate) fn new() -> ExpK {
        ExpK(splat_consts(&EXP_K))
    }
}

/// math::exp4 bit for bit, on constants held in `k`, and with n's integer taken from the
/// rounding sum's bits instead of a float → int conversion (i32x4.trunc_sat_f32x4 is a
/// 7-instruction sequence on x64 in V8): t = x·log2e + 1.5·2^23 holds n in its low mantissa
/// bits, so bits(t) − bits(1.5·2^23) = n exactly for |n| < 2^22 (|n| ≤ 128 after the clamp).
#[cfg(test)] // exp_core's reference: the kernels use exp4k_nonpos (softmax) and gelu_sigma
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
fn exp_core(xc: V, k: &[V; 16]) -> (V, VI) {
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
    let k = GeluK::new();
    map4_in_place(x, |x| x.mul(gelu_sigma(x, &k)));
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
    fn gelu_forward_is_within_a_few_ulp_of_f64() {
        // Error in ulps of the f64 value (x·σ(2u), no cancellation), beyond what any f32
        // evaluation loses to rounding the exponent z = 2u itself: e^z's condition number is |z|,
        // and z's few roundings (x³, the sum, the scale) make it ≲ 4|z|·2^−24 relative, up to
        // ~2^−16 at x = −10 (measured: 200 ulp there, all within it). Below 1e−36 (x ≲ −10,
        // where σ's exp reaches its clamp) the error is absolute.
        let mut xs: Vec<f32> = (0..=400_000).map(|i| -12.0 + 24.0 * (i as f32 / 400_000.0)).collect();
        xs.extend([0.0, -0.0, 1e-30, -1e-30, 3e-39, -3e-39, 1e-45, 1e4, -1e4, f32::MAX, f32::MIN]);
        let mut y = vec![0.0; xs.len()];
        super::gelu_forward(&mut y, &xs, xs.len());
        let (k, c) = (0.797_884_560_802_865_4f64, 0.044_715f64);
        let mut worst = 0.0f64;
        for (&x, &g) in xs.iter().zip(&y) {
            let xd = x as f64;
            let z = 2.0 * k * (xd + c * xd * xd * xd);
            let want = if z.is_infinite() { if z > 0.0 { xd } else { -0.0 } } else { xd / (1.0 + (-z).exp()) };
            let w32 = want as f32;
            if w32.abs() < 1e-36 { assert!((g as f64 - want).abs() < 1e-36, "gelu({x}) = {g}, want {want}"); continue; }
            let ulp = (f32::from_bits(w32.abs().to_bits() + 1) - w32.abs()) as f64;
            let cond = z.abs() * 2f64.powi(-24) * want.abs() / ulp; // in ulps
            worst = worst.max((g as f64 - want).abs() / ulp - 4.0 * cond);
        }
        assert!(worst <= 3.0, "worst error {worst} ulp beyond the exponent's rounding");
        let mut nan = [f32::NAN];
        super::gelu_in_place(&mut nan);
        assert!(nan[0].is_nan());
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
