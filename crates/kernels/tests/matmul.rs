// matmul against a naive f64 triple loop (llm.c keeps its naive matmul as the reference), for
// every transpose flag, bias on/off, accumulate on/off, batch 2, odd sizes and sizes that cross
// the KC/MC/NC block edges; plus the dropout hash against known js values.

use glassgpt_kernels::{elementwise, matmul::matmul};

fn rnd(n: usize, seed: &mut u64) -> Vec<f32> {
    (0..n).map(|_| { *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); ((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0 }).collect()
}

#[allow(clippy::too_many_arguments)]
fn naive(out: &mut [f32], a: &[f32], b: &[f32], bias: Option<&[f32]>, batch: usize, m: usize, k: usize, n: usize, ta: bool, tb: bool, acc: bool) {
    for bi in 0..batch { for i in 0..m { for j in 0..n {
        let mut s = 0.0f64;
        for p in 0..k {
            let x = if ta { a[bi * m * k + p * m + i] } else { a[bi * m * k + i * k + p] };
            let y = if tb { b[bi * k * n + j * k + p] } else { b[bi * k * n + p * n + j] };
            s += x as f64 * y as f64;
        }
        let v = s + bias.map_or(0.0, |b| b[j] as f64);
        let o = &mut out[bi * m * n + i * n + j];
        *o = if acc { (*o as f64 + v) as f32 } else { v as f32 };
    } } }
}

#[test]
fn matmul_matches_naive() {
    let mut seed = 7u64;
    let shapes = [(1, 1, 1), (1, 7, 3), (3, 5, 7), (7, 17, 9), (17, 3, 65), (65, 129, 17), (4, 8, 8), (130, 300, 1030), (1, 300, 37), (5, 0, 6), (9, 600, 450), (20, 1030, 40)];
    for &(m, k, n) in &shapes {
        for flags in 0..16 {
            let (ta, tb, acc, bias_on) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0, flags & 8 != 0);
            let batch = if m * k * n > 100_000 { 1 } else { 2 };
            let a = rnd(batch * m * k, &mut seed);
            let b = rnd(batch * k * n, &mut seed);
            let bias = rnd(n, &mut seed);
            let init = rnd(batch * m * n, &mut seed);
            let (mut got, mut want) = (init.clone(), init.clone());
            let bias = if bias_on { Some(&bias[..]) } else { None };
            matmul(&mut got, &a, &b, bias, batch, m, k, n, ta, tb, acc);
            naive(&mut want, &a, &b, bias, batch, m, k, n, ta, tb, acc);
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                let tol = 1e-5 * (k as f32).sqrt().max(1.0) * 4.0;
                assert!((g - w).abs() <= tol, "m{m} k{k} n{n} ta{ta} tb{tb} acc{acc} bias{bias_on}: [{i}] {g} vs {w}");
            }
        }
    }
}

#[test]
fn dropout_hash_matches_js() {
    // values from ts/backend/js/elementwise.ts hash32(seed, i)
    assert_eq!(elementwise::hash32(0, 0), 0);
    assert_eq!(elementwise::hash32(42, 1), js_hash(42, 1));
    assert_eq!(elementwise::hash32(0xdeadbeef, 12345), js_hash(0xdeadbeef, 12345));
}

fn js_hash(seed: u32, i: u32) -> u32 {
    // a literal transcription of the js twin with i64 arithmetic and Math.imul semantics
    let imul = |a: u32, b: u32| ((a as u64 * b as u64) & 0xffff_ffff) as u32;
    let mut h = imul(i, 0x9e3779b1) ^ seed;
    h ^= h >> 16; h = imul(h, 0x85ebca6b);
    h ^= h >> 13; h = imul(h, 0xc2b2ae35);
    h ^ (h >> 16)
}

/// A B packed once (pack_matrix) gives the bits of the unpacked matmul where both run the GEMM
/// (m ≥ 16: the same tiles sum in the same order), and matches the naive reference below that
/// (the packed path runs 1×8 or 4×8 tiles there, the unpacked one matrix–vector products).
#[test]
fn packed_matches_unpacked() {
    use glassgpt_kernels::matmul::{matmul_packed, pack_matrix, packed_len};
    let mut seed = 11u64;
    for &(m, k, n) in &[(1, 7, 3), (2, 5, 7), (3, 17, 9), (4, 8, 8), (17, 3, 65), (65, 129, 17), (130, 300, 1030), (1, 300, 37), (20, 1030, 40)] {
        for flags in 0..16 {
            let (ta, tb, acc, bias_on) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0, flags & 8 != 0);
            let (a, b, bias, init) = (rnd(m * k, &mut seed), rnd(k * n, &mut seed), rnd(n, &mut seed), rnd(m * n, &mut seed));
            let bias = if bias_on { Some(&bias[..]) } else { None };
            let mut packed = vec![f32::NAN; packed_len(k, n)];
            pack_matrix(&mut packed, &b, k, n, tb);
            let (mut got, mut want) = (init.clone(), init.clone());
            matmul_packed(&mut got, &a, &packed, bias, m, k, n, ta, acc);
            if m >= 16 {
                matmul(&mut want, &a, &b, bias, 1, m, k, n, ta, tb, acc);
                assert!(got.iter().zip(&want).all(|(x, y)| x.to_bits() == y.to_bits()), "packed ≠ unpacked bits at {m}×{k}×{n} flags {flags}");
            } else {
                naive(&mut want, &a, &b, bias, 1, m, k, n, ta, tb, acc);
                for (x, y) in got.iter().zip(&want) { assert!((x - y).abs() <= 1e-5 + 1e-4 * y.abs(), "{x} vs {y} at {m}×{k}×{n} flags {flags}"); }
            }
        }
    }
}

/// Up to 7 rows run as matrix–vector products in pairs; each row must come out with the bits it
/// has alone (a sequence decodes the same alone or in a batch), for both layouts of B.
#[test]
fn few_rows_equal_each_row_alone() {
    let mut seed = 23u64;
    for &(m, k, n) in &[(2, 7, 5), (3, 768, 61), (5, 33, 130), (7, 129, 9)] {
        for flags in 0..8 {
            let (tb, acc, bias_on) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
            let (a, b, bias, init) = (rnd(m * k, &mut seed), rnd(k * n, &mut seed), rnd(n, &mut seed), rnd(m * n, &mut seed));
            let bias = if bias_on { Some(&bias[..]) } else { None };
            let mut all = init.clone();
            matmul(&mut all, &a, &b, bias, 1, m, k, n, false, tb, acc);
            for i in 0..m {
                let mut one = init[i * n..(i + 1) * n].to_vec();
                matmul(&mut one, &a[i * k..(i + 1) * k], &b, bias, 1, 1, k, n, false, tb, acc);
                assert!(one.iter().zip(&all[i * n..]).all(|(x, y)| x.to_bits() == y.to_bits()), "row {i} of {m}×{k}×{n} flags {flags}");
            }
        }
    }
}
