// exp, log and tanh of our own (cephes' expf/logf/tanhf: range reduction + minimax polynomial),
// four lanes at a time, so results never depend on the host's Math (DESIGN.md, Determinism).
// The scalar forms run the same lane code on a splat, so a value's bits do not depend on
// whether it fell in a vector body or a leftovers tail. No FMA anywhere: mul then add.

use crate::simd::{V, VI};

const LOG2E: f32 = 1.442_695_040_888_963_4;
const LN2_HI: f32 = 0.693_359_375; // ln 2 split so n·LN2_HI is exact for |n| < 2^9
const LN2_LO: f32 = -2.121_944_4e-4;
const ROUND: f32 = 12_582_912.0; // 1.5·2^23: x + ROUND − ROUND rounds x to an integer (ties even)
const EXP_HI: f32 = 88.722_83; // above: +inf
const EXP_LO: f32 = -87.336_55; // below: 0 (we flush rather than produce subnormals)

/// e^x for four lanes; max error ~1 ulp on [-87, 88]; NaN in → NaN out.
#[inline(always)]
pub fn exp4(x: V) -> V {
    let xc = x.min(V::splat(EXP_HI)).max(V::splat(EXP_LO));
    let n = xc.mul(V::splat(LOG2E)).add(V::splat(ROUND)).sub(V::splat(ROUND));
    let r = xc.sub(n.mul(V::splat(LN2_HI))).sub(n.mul(V::splat(LN2_LO)));
    let r2 = r.mul(r);
    let mut p = V::splat(1.987_569_1e-4);
    p = p.mul(r).add(V::splat(1.398_199_9e-3));
    p = p.mul(r).add(V::splat(8.333_452e-3));
    p = p.mul(r).add(V::splat(4.166_579_6e-2));
    p = p.mul(r).add(V::splat(1.666_666_5e-1));
    p = p.mul(r).add(V::splat(5.000_000_1e-1));
    let er = p.mul(r2).add(r).add(V::splat(1.0));
    // 2^n by building the exponent field; n ∈ [-126, 128] after the clamp, so split 2^n =
    // 2^(n/2)·2^(n−n/2) to keep both factors normal at the ends.
    let ni = n.to_int();
    let h = ni.shr(1);
    let s1 = h.add(VI::splat(127)).shl(23).as_f32();
    let s2 = ni.sub(h).add(VI::splat(127)).shl(23).as_f32();
    let y = er.mul(s1).mul(s2);
    let y = x.gt(V::splat(EXP_HI)).select(V::splat(f32::INFINITY), y);
    let y = x.lt(V::splat(EXP_LO)).select(V::zero(), y);
    x.ne(x).select(x, y)
}

/// ln x for four lanes; max error ~1 ulp for normal x > 0; ln 0 = −inf, ln(x<0) = NaN, ln inf = inf.
#[inline(always)]
pub fn log4(x: V) -> V {
    let bits = x.bits();
    // frexp: x = m·2^e with m ∈ [0.5, 1)
    let e = bits.shr(23).and(VI::splat(0xff)).sub(VI::splat(126));
    let m = bits.and(VI::splat(0x807f_ffff_u32 as i32)).or(VI::splat(0x3f00_0000)).as_f32();
    let small = m.lt(V::splat(0.707_106_77)); // m < √½: use 2m − 1 and e − 1
    let e = e.to_f32().sub(small.and(V::splat(1.0)));
    let t = small.select(m.add(m), m).sub(V::splat(1.0));
    let z = t.mul(t);
    let mut p = V::splat(7.037_683_6e-2);
    p = p.mul(t).add(V::splat(-1.151_461e-1));
    p = p.mul(t).add(V::splat(1.167_699_9e-1));
    p = p.mul(t).add(V::splat(-1.242_014_1e-1));
    p = p.mul(t).add(V::splat(1.424_932_3e-1));
    p = p.mul(t).add(V::splat(-1.666_805_8e-1));
    p = p.mul(t).add(V::splat(2.000_071_4e-1));
    p = p.mul(t).add(V::splat(-2.499_999_4e-1));
    p = p.mul(t).add(V::splat(3.333_333_1e-1));
    let mut y = p.mul(t).mul(z);
    y = y.add(e.mul(V::splat(LN2_LO)));
    y = y.sub(z.mul(V::splat(0.5)));
    let r = t.add(y).add(e.mul(V::splat(LN2_HI)));
    let r = x.lt(V::zero()).select(V::splat(f32::NAN), r);
    let r = x.ne(V::zero()).select(r, V::splat(f32::NEG_INFINITY));
    let r = x.gt(V::splat(f32::MAX)).select(x, r);
    x.ne(x).select(x, r)
}

/// tanh for four lanes: an odd polynomial for |x| < 0.625, 1 − 2/(e^{2|x|} + 1) above.
#[inline(always)]
pub fn tanh4(x: V) -> V {
    let sign = x.bits().and(VI::splat(i32::MIN)).as_f32();
    let ax = x.bits().and(VI::splat(i32::MAX)).as_f32();
    let z = x.mul(x);
    let mut p = V::splat(-5.704_988_7e-3);
    p = p.mul(z).add(V::splat(2.063_908_9e-2));
    p = p.mul(z).add(V::splat(-5.373_971_6e-2));
    p = p.mul(z).add(V::splat(1.333_144_2e-1));
    p = p.mul(z).add(V::splat(-3.333_328_2e-1));
    let small = p.mul(z).mul(x).add(x);
    let e = exp4(ax.add(ax).min(V::splat(40.0)));
    let big = V::splat(1.0).sub(V::splat(2.0).div(e.add(V::splat(1.0))));
    let big = big.or(sign);
    ax.lt(V::splat(0.625)).select(small, big)
}

#[inline] pub fn exp(x: f32) -> f32 { exp4(V::splat(x)).lane(0) }
#[inline] pub fn log(x: f32) -> f32 { log4(V::splat(x)).lane(0) }
#[inline] pub fn tanh(x: f32) -> f32 { tanh4(V::splat(x)).lane(0) }

#[cfg(test)]
mod tests {
    use super::*;
    fn ulps(a: f32, b: f64) -> f64 {
        let bf = b as f32;
        if a == bf { return 0.0; }
        let ulp = (f32::from_bits(bf.abs().to_bits() + 1) - bf.abs()) as f64;
        ((a as f64) - b).abs() / ulp
    }
    fn sweep(lo: f32, hi: f32, n: usize, f: fn(f32) -> f32, g: fn(f64) -> f64) -> f64 {
        let mut worst = 0.0f64;
        for i in 0..=n {
            let x = lo + (hi - lo) * (i as f32 / n as f32);
            let u = ulps(f(x), g(x as f64));
            if u > worst { worst = u; }
        }
        worst
    }
    #[test]
    fn exp_accuracy() {
        assert!(sweep(-87.0, 88.0, 200_000, exp, f64::exp) <= 2.0);
        assert_eq!(exp(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp(-200.0), 0.0);
        assert_eq!(exp(200.0), f32::INFINITY);
        assert!(exp(f32::NAN).is_nan());
        assert_eq!(exp(0.0), 1.0);
    }
    #[test]
    fn log_accuracy() {
        assert!(sweep(1e-30, 1.0, 200_000, log, f64::ln) <= 2.0);
        assert!(sweep(1.0, 1e30, 200_000, log, f64::ln) <= 2.0);
        assert!(sweep(0.5, 2.0, 200_000, log, f64::ln) <= 2.0);
        assert_eq!(log(0.0), f32::NEG_INFINITY);
        assert!(log(-1.0).is_nan());
        assert_eq!(log(f32::INFINITY), f32::INFINITY);
        assert_eq!(log(1.0), 0.0);
    }
    #[test]
    fn tanh_accuracy() {
        // near 0 measure relative error in ulps; tanh's big branch loses a little to 1 − 2/(e+1)
        assert!(sweep(-10.0, 10.0, 200_000, tanh, f64::tanh) <= 4.0);
        assert!(sweep(-0.7, 0.7, 200_000, tanh, f64::tanh) <= 3.0);
        assert_eq!(tanh(50.0), 1.0);
        assert_eq!(tanh(-50.0), -1.0);
        assert_eq!(tanh(0.0), 0.0);
    }
}
