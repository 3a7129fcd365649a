// bf16 weights: to_bf16 against hand-worked roundings, and matvec_bf16 against the f32 matvec
// on the widened weights (x·W: the same products in the same order, bit for bit; x·Wᵀ: the
// same except the k % 8 tail, so within rounding), for both layouts,
// bias/accumulate on and off, odd sizes so every leftovers loop runs.

use glassgpt_kernels::bf16::{matvec_bf16, to_bf16, widen};
use glassgpt_kernels::matvec::matvec;

fn rnd(n: usize, seed: &mut u64) -> Vec<f32> {
    (0..n).map(|_| { *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); ((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0 }).collect()
}

#[test]
fn to_bf16_rounds_to_nearest_even() {
    let x = [1.0f32, f32::from_bits(0x3f80_8000), f32::from_bits(0x3f81_8000), f32::from_bits(0x3f80_8001), -2.5, f32::INFINITY, f32::MAX, f32::NAN, -0.0];
    // 1; a tie rounds down to even 0x3f80; a tie rounds up to even 0x3f82; above the tie up; exact;
    // inf; MAX overflows to inf; NaN stays a quiet NaN; −0
    let want = [0x3f80u16, 0x3f80, 0x3f82, 0x3f81, 0xc020, 0x7f80, 0x7f80, 0x7fc0, 0x8000];
    let mut got = [0u16; 9];
    to_bf16(&mut got, &x, 9);
    assert_eq!(got, want);
}

#[test]
fn matvec_bf16_equals_f32_matvec_on_widened_weights() {
    let mut seed = 3u64;
    for &(m, k, n) in &[(1, 1, 1), (1, 7, 3), (2, 9, 13), (3, 16, 8), (5, 33, 71), (1, 768, 2304), (2, 64, 50), (4, 19, 4)] {
        for flags in 0..8 {
            let (tb, acc, bias_on) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
            let a = rnd(m * k, &mut seed);
            let w = rnd(k * n, &mut seed);
            let mut h = vec![0u16; k * n];
            to_bf16(&mut h, &w, k * n);
            let wide: Vec<f32> = h.iter().map(|&x| widen(x)).collect();
            let bias = rnd(n, &mut seed);
            let bias = if bias_on { Some(&bias[..]) } else { None };
            let init = rnd(m * n, &mut seed);
            let (mut got, mut want) = (init.clone(), init.clone());
            matvec_bf16(&mut got, &a, &h, bias, m, k, n, tb, acc);
            matvec(&mut want, &a, &wide, bias, m, k, n, tb, acc);
            for i in 0..m * n {
                let tol = if tb { 1e-5 * (1.0 + want[i].abs()) * (k as f32).sqrt() } else { 0.0 };
                assert!((got[i] - want[i]).abs() <= tol, "m{m} k{k} n{n} tb{tb} acc{acc} bias{bias_on} [{i}]: {} vs {}", got[i], want[i]);
            }
        }
    }
}
