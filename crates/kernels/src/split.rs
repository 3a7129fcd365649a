// One kernel call cut into `parts` pieces that threads run side by side (ts/backend/wasm/threads.ts):
// part p of P computes a disjoint set of outputs, each exactly as the whole kernel computes it.
// Work is cut along output rows, output columns, batch elements or (batch, head) pairs, never
// along a sum, so every output sees the same operations in the same order at any thread count:
// same bits as one thread (tests/backend/threads.test.ts holds each kernel to that).
// Cuts across columns or elements fall on multiples of 8 (matvec's four-column groups, GELU's
// eight-lane steps), so each part runs the whole's SIMD groups and only the last part a tail.
// (The kernels' scalar tails do each element's arithmetic as its lane would, so the bits do not
// hang on this; a part of full vectors is just faster.)
#![allow(clippy::too_many_arguments)]

use crate::matmul::{gemm, init_rows, uses_matvec, BSrc, Blocks, Mat, MR, NR};
use crate::{activation, attention, loss, matvec, norm, optim};

/// Part `part` of `parts` near-equal pieces of 0..n, cut at multiples of `align` (the last
/// piece ends at n). Pieces past the work are empty.
pub fn piece(n: usize, align: usize, part: usize, parts: usize) -> (usize, usize) {
    let units = n.div_ceil(align);
    let (q, r) = (units / parts, units % parts);
    let lo = part * q + part.min(r);
    let hi = lo + q + usize::from(part < r);
    ((lo * align).min(n), (hi * align).min(n))
}

/// matmul's outputs for part `part`: per batch element, the few-row (matvec) path by columns;
/// the GEMM by rows when the product has at least as many 4-row tiles as 8-column ones, else by
/// columns (a thread then packs only its columns of B: 64×768×2304 split by rows would pack all
/// of B twice).
pub fn matmul_part(out: &mut [f32], a: &[f32], b: &[f32], bias: Option<&[f32]>, batch: usize, m: usize,
                   k: usize, n: usize, trans_a: bool, trans_b: bool, accumulate: bool, part: usize, parts: usize) {
    if m == 0 || n == 0 { return; }
    for bi in 0..batch {
        let o = &mut out[bi * m * n..][..m * n];
        let ab = &a[bi * m * k..][..m * k];
        let bb = &b[bi * k * n..][..k * n];
        if k == 0 {
            let (i0, i1) = piece(m, 1, part, parts);
            init_rows(&mut o[i0 * n..i1 * n], bias, i1 - i0, n, accumulate);
        } else if uses_matvec(m, k, n, trans_a) {
            let (j0, j1) = piece(n, 8, part, parts);
            matvec::matvec_cols(o, ab, bb, bias, m, k, n, j0, j1, trans_b, accumulate);
        } else if m.div_ceil(MR) >= n.div_ceil(NR) {
            let (i0, i1) = piece(m, MR, part, parts);
            if i0 == i1 { continue; }
            // rows i0..i1 of op(a): row-major rows, or (Aᵀ) columns i0.. of the stored [k, m]
            let am = if trans_a { Mat { s: &ab[i0..], rs: 1, cs: m } } else { Mat { s: &ab[i0 * k..], rs: k, cs: 1 } };
            let bm = if trans_b { Mat { s: bb, rs: 1, cs: k } } else { Mat { s: bb, rs: n, cs: 1 } };
            gemm::<MR>(&mut o[i0 * n..i1 * n], n, am, BSrc::View(bm), bias, i1 - i0, k, n, accumulate, Blocks::DEFAULT);
        } else {
            let (j0, j1) = piece(n, NR, part, parts);
            if j0 == j1 { continue; }
            let am = if trans_a { Mat { s: ab, rs: 1, cs: m } } else { Mat { s: ab, rs: k, cs: 1 } };
            // columns j0..j1 of op(b), and of out at row stride n. The parts' slices of out
            // overlap in range but each writes only its own columns (store_tile touches its
            // tile's elements alone), and each part runs on its own thread in its own instance.
            let bm = if trans_b { Mat { s: &bb[j0 * k..], rs: 1, cs: k } } else { Mat { s: &bb[j0..], rs: n, cs: 1 } };
            gemm::<MR>(&mut o[j0..], n, am, BSrc::View(bm), bias.map(|x| &x[j0..]), m, k, j1 - j0, accumulate, Blocks::DEFAULT);
        }
    }
}

/// attention_forward for batch elements of part `part` (each element's heads are independent).
pub fn attention_forward_part(out: &mut [f32], att: &mut [f32], qkv: &[f32], b: usize, t: usize, c: usize, h: usize,
                              part: usize, parts: usize) {
    let (b0, b1) = piece(b, 1, part, parts);
    if b0 == b1 { return; }
    attention::attention_forward(&mut out[b0 * t * c..b1 * t * c], &mut att[b0 * h * t * t..b1 * h * t * t],
                                 &qkv[b0 * t * 3 * c..b1 * t * 3 * c], b1 - b0, t, c, h)
}

/// attention_backward for batch elements of part `part`.
pub fn attention_backward_part(dqkv: &mut [f32], dout: &[f32], qkv: &[f32], att: &[f32], b: usize, t: usize, c: usize,
                               h: usize, accumulate: bool, part: usize, parts: usize) {
    let (b0, b1) = piece(b, 1, part, parts);
    if b0 == b1 { return; }
    let (s3, s1, sa) = (t * 3 * c, t * c, h * t * t);
    attention::attention_backward(&mut dqkv[b0 * s3..b1 * s3], &dout[b0 * s1..b1 * s1], &qkv[b0 * s3..b1 * s3],
                                  &att[b0 * sa..b1 * sa], b1 - b0, t, c, h, accumulate)
}

/// attention_decode for the (batch element, head) pairs of part `part`: decoding one sequence
/// still has H pairs to share out.
pub fn attention_decode_part(out: &mut [f32], att: &mut [f32], qkv: &[f32], k_cache: &[f32], v_cache: &[f32], b: usize,
                             c: usize, h: usize, l: usize, max_t: usize, part: usize, parts: usize) {
    let (p0, p1) = piece(b * h, 1, part, parts);
    for bh in p0..p1 { attention::decode_head(out, att, qkv, k_cache, v_cache, bh, c, h, l, max_t); }
}

/// layernorm_forward for rows of part `part`.
pub fn layernorm_forward_part(out: &mut [f32], mean: &mut [f32], rstd: &mut [f32], inp: &[f32], weight: &[f32],
                              bias: Option<&[f32]>, n: usize, c: usize, part: usize, parts: usize) {
    let (r0, r1) = piece(n, 1, part, parts);
    norm::layernorm_forward(&mut out[r0 * c..r1 * c], &mut mean[r0..r1], &mut rstd[r0..r1], &inp[r0 * c..r1 * c],
                            weight, bias, r1 - r0, c)
}

/// layernorm_backward for part `part`: dinp of its rows, and dweight/dbias of its columns
/// (those sum over every row, so they are cut across columns instead).
pub fn layernorm_backward_part(dinp: &mut [f32], dweight: &mut [f32], dbias: Option<&mut [f32]>, dout: &[f32],
                               inp: &[f32], weight: &[f32], mean: &[f32], rstd: &[f32], n: usize, c: usize,
                               part: usize, parts: usize) {
    let (r0, r1) = piece(n, 1, part, parts);
    norm::layernorm_backward_rows(dinp, dout, inp, weight, mean, rstd, c, r0, r1);
    let (c0, c1) = piece(c, 4, part, parts);
    if c0 < c1 { norm::layernorm_backward_cols(dweight, dbias, dout, inp, mean, rstd, n, c, c0, c1); }
}

/// gelu_forward (in place when out is inp) for elements of part `part`.
pub fn gelu_forward_part(out: &mut [f32], inp: Option<&[f32]>, n: usize, part: usize, parts: usize) {
    let (i0, i1) = piece(n, 8, part, parts);
    match inp {
        Some(x) => activation::gelu_forward(&mut out[i0..i1], &x[i0..i1], i1 - i0),
        None => activation::gelu_in_place(&mut out[i0..i1]),
    }
}

/// gelu_backward for elements of part `part`.
pub fn gelu_backward_part(dinp: &mut [f32], inp: &[f32], out: &[f32], dout: &[f32], n: usize, accumulate: bool,
                          part: usize, parts: usize) {
    let (i0, i1) = piece(n, 8, part, parts);
    activation::gelu_backward(&mut dinp[i0..i1], &inp[i0..i1], &out[i0..i1], &dout[i0..i1], i1 - i0, accumulate)
}

/// cross_entropy_forward for rows of part `part`.
pub fn cross_entropy_forward_part(losses: &mut [f32], logits: &[f32], targets: &[i32], n: usize, v: usize, ignore: i32,
                                  part: usize, parts: usize) {
    let (r0, r1) = piece(n, 1, part, parts);
    loss::cross_entropy_forward(&mut losses[r0..r1], &logits[r0 * v..r1 * v], &targets[r0..r1], r1 - r0, v, ignore)
}

/// cross_entropy_backward for rows of part `part`.
pub fn cross_entropy_backward_part(dlogits: &mut [f32], logits: &[f32], targets: &[i32], dlosses: &[f32], n: usize,
                                   v: usize, ignore: i32, part: usize, parts: usize) {
    let (r0, r1) = piece(n, 1, part, parts);
    loss::cross_entropy_backward(&mut dlogits[r0 * v..r1 * v], &logits[r0 * v..r1 * v], &targets[r0..r1],
                                 &dlosses[r0..r1], r1 - r0, v, ignore)
}

/// softmax_forward (in place when out is inp) for rows of part `part`.
pub fn softmax_forward_part(out: &mut [f32], inp: Option<&[f32]>, rows: usize, n: usize, part: usize, parts: usize) {
    let (r0, r1) = piece(rows, 1, part, parts);
    let o = &mut out[r0 * n..r1 * n];
    match inp {
        Some(x) => activation::softmax_forward(o, &x[r0 * n..r1 * n], r1 - r0, n),
        None => activation::softmax_in_place(o, r1 - r0, n),
    }
}

/// AdamW for elements of part `part` (every element's update is its own).
pub fn adamw_part(param: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32], n: usize, lr: f32, beta1: f32,
                  beta2: f32, eps: f32, weight_decay: f32, t: i32, grad_scale: f32, part: usize, parts: usize) {
    let (i0, i1) = piece(n, 8, part, parts);
    optim::adamw(&mut param[i0..i1], &grad[i0..i1], &mut m[i0..i1], &mut v[i0..i1], i1 - i0, lr, beta1, beta2, eps,
                 weight_decay, t, grad_scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_range_once_in_order() {
        for n in [0usize, 1, 7, 8, 9, 63, 64, 1000] {
            for parts in 1..=5 {
                let mut next = 0;
                for p in 0..parts {
                    let (lo, hi) = piece(n, 8, p, parts);
                    assert!(lo <= hi && (lo == next || lo == hi), "n {n} parts {parts} part {p}");
                    assert!(lo % 8 == 0 || lo == n);
                    next = next.max(hi);
                }
                assert_eq!(next, n);
            }
        }
    }

    #[test]
    fn matmul_parts_give_the_bits_of_the_whole() {
        // shapes for each path: matvec (m 3), GEMM by rows (m 70), GEMM by columns (m 20, n 300)
        for &(m, k, n, ta, tb) in &[(3usize, 37usize, 29usize, false, false), (3, 37, 29, false, true), (70, 33, 21, true, false),
                                   (20, 45, 300, false, true), (20, 45, 300, true, false)] {
            let a: Vec<f32> = (0..m * k).map(|i| ((i * 7919 % 113) as f32 - 56.0) / 17.0).collect();
            let b: Vec<f32> = (0..k * n).map(|i| ((i * 104729 % 127) as f32 - 63.0) / 19.0).collect();
            let bias: Vec<f32> = (0..n).map(|i| i as f32 * 0.25).collect();
            let mut whole = vec![0.5f32; m * n];
            crate::matmul::matmul(&mut whole, &a, &b, Some(&bias), 1, m, k, n, ta, tb, true);
            for parts in 2..=4 {
                let mut split = vec![0.5f32; m * n];
                for p in 0..parts { matmul_part(&mut split, &a, &b, Some(&bias), 1, m, k, n, ta, tb, true, p, parts); }
                assert!(whole.iter().zip(&split).all(|(x, y)| x.to_bits() == y.to_bits()), "{m}×{k}×{n} parts {parts}");
            }
        }
    }
}
