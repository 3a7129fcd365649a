// 16-bit (bf16) weights for decoding: a weight is rounded to bf16 once (to_bf16), then the
// few-row matrix products of a decode step widen it back to f32 on the fly (matvec_bf16). A bf16
// is the top half of an f32, so widening is a shift, exact, and the arithmetic stays f32; only the
// bytes read per weight halve, which is what a memory-bound decode step (matvec.rs: 0.91 of copy
// bandwidth at f32) pays for. Loops and summation order follow matvec.rs: `rows` for x·W
// (W [k, n]), `dots` for x·Wᵀ (the tied LM head, W [n, k]); each output row is summed in the same
// order alone or paired, so a sequence decodes to the same bits alone or in a batch.

use crate::matvec::{splat4, sum4};
use crate::simd::V;

/// bf16 bits → f32 (exact).
#[inline(always)]
pub fn widen(h: u16) -> f32 { f32::from_bits((h as u32) << 16) }

/// dst[i] = bf16(src[i]) for i < n: round to nearest, ties to even (PyTorch's .to(bfloat16));
/// NaN stays a quiet NaN of the same sign, ±inf stays ±inf, overflow rounds to ±inf.
pub fn to_bf16(dst: &mut [u16], src: &[f32], n: usize) {
    for (d, &x) in dst[..n].iter_mut().zip(&src[..n]) {
        let b = x.to_bits();
        *d = if x.is_nan() { ((b >> 16) | 0x40) as u16 } else { ((b + 0x7fff + ((b >> 16) & 1)) >> 16) as u16 };
    }
}

/// out[m, n] (+)= a[m, k]·op(b) + bias, b bf16: [k, n] or (trans_b) [n, k]; bias [n] or None.
#[allow(clippy::too_many_arguments)]
pub fn matvec_bf16(out: &mut [f32], a: &[f32], b: &[u16], bias: Option<&[f32]>, m: usize, k: usize, n: usize,
                   trans_b: bool, accumulate: bool) {
    let (out, a, b) = (&mut out[..m * n], &a[..m * k], &b[..k * n]);
    let mut pairs = out.chunks_exact_mut(2 * n).zip(a.chunks_exact(2 * k));
    for (o, x) in &mut pairs {
        if trans_b { dots::<2>(o, x, b, bias, k, n, accumulate) } else { rows::<2>(o, x, b, bias, k, n, accumulate) }
    }
    if m % 2 == 1 {
        let (o, x) = (&mut out[(m - 1) * n..], &a[(m - 1) * k..]);
        if trans_b { dots::<1>(o, x, b, bias, k, n, accumulate) } else { rows::<1>(o, x, b, bias, k, n, accumulate) }
    }
}

/// out[r, j] = Σ_p a[r, p]·b[p, j] for R = 1 or 2 rows: four rows of b per sweep, eight columns
/// (one 16-byte load per row of b) at a time, each widened vector used by both rows of a.
fn rows<const R: usize>(out: &mut [f32], a: &[f32], b: &[u16], bias: Option<&[f32]>, k: usize, n: usize,
                        accumulate: bool) {
    let out = &mut out[..R * n];
    if !accumulate {
        for o in out.chunks_exact_mut(n) { match bias { Some(bs) => o.copy_from_slice(&bs[..n]), None => o.fill(0.0) } }
    }
    let n8 = n - n % 8;
    let mut p = 0;
    while p + 4 <= k {
        let sp = |r: usize| splat4(&a[r * k + p..]);
        let (r0, r1, r2, r3) = (&b[p * n..][..n], &b[(p + 1) * n..][..n], &b[(p + 2) * n..][..n], &b[(p + 3) * n..][..n]);
        // matvec.rs's sum order (sum4), so the bits equal the f32 path's on the widened values
        let a0 = sp(0);
        let a1 = if R == 2 { sp(1) } else { a0 };
        // s: bytes between rows of b (bf16), so: between rows of out (f32)
        let (s, so, x_end) = (2 * n, 4 * n, r0.as_ptr() as usize + 2 * n8);
        let (mut x, mut o) = (r0.as_ptr() as usize, out.as_mut_ptr() as usize);
        while x != x_end {
            // SAFETY: x walks r0[..n8] in steps of 8 bf16 (16 bytes); x + s, x + 2s, x + 3s the
            // same columns of r1..r3 (rows p+1.. of b, bounds-checked slices above); o walks the
            // same columns of out's row 0 (32 bytes per step) and, when R = 2, o + so of row 1.
            unsafe {
                let [x0l, x0h] = V::load_bf16x8_at(x);
                let [x1l, x1h] = V::load_bf16x8_at(x + s);
                let [x2l, x2h] = V::load_bf16x8_at(x + 2 * s);
                let [x3l, x3h] = V::load_bf16x8_at(x + 3 * s);
                V::load_at(o).add(sum4(&a0, x0l, x1l, x2l, x3l)).store_at(o);
                V::load_at(o + 16).add(sum4(&a0, x0h, x1h, x2h, x3h)).store_at(o + 16);
                if R == 2 {
                    V::load_at(o + so).add(sum4(&a1, x0l, x1l, x2l, x3l)).store_at(o + so);
                    V::load_at(o + so + 16).add(sum4(&a1, x0h, x1h, x2h, x3h)).store_at(o + so + 16);
                }
                x += 16;
                o += 32;
            }
        }
        // leftovers: the last n % 8 columns
        for r in 0..R {
            let ar = &a[r * k + p..][..4];
            for j in n8..n {
                out[r * n + j] += (ar[0] * widen(r0[j]) + ar[1] * widen(r1[j])) + (ar[2] * widen(r2[j]) + ar[3] * widen(r3[j]));
            }
        }
        p += 4;
    }
    // leftovers: the last k % 4 rows of b one at a time
    while p < k {
        for r in 0..R {
            let ap = a[r * k + p];
            for (o, &h) in out[r * n..][..n].iter_mut().zip(&b[p * n..][..n]) { *o += ap * widen(h); }
        }
        p += 1;
    }
    if accumulate {
        if let Some(bs) = bias { for o in out.chunks_exact_mut(n) { for (x, y) in o.iter_mut().zip(bs) { *x += *y; } } }
    }
}

/// out[r, j] = a[r, :]·b[j, :] for R rows: four dot products per row at a time, eight columns of
/// k per step, each widened load of b shared by the R rows.
fn dots<const R: usize>(out: &mut [f32], a: &[f32], b: &[u16], bias: Option<&[f32]>, k: usize, n: usize,
                        accumulate: bool) {
    let (out, a) = (&mut out[..R * n], &a[..R * k]);
    let k8 = k - k % 8;
    let fin = |o: &mut f32, s: f32, j: usize| {
        let v = s + bias.map_or(0.0, |bs| bs[j]);
        *o = if accumulate { *o + v } else { v };
    };
    let dot1 = |x: &[f32], y: &[u16]| {
        // one output: lanes over k8, then the leftovers, as the 4-wide loop below sums
        let mut acc = V::zero();
        for (xs, ys) in x[..k8].chunks_exact(8).zip(y[..k8].chunks_exact(8)) {
            let lo = V::load(&[widen(ys[0]), widen(ys[1]), widen(ys[2]), widen(ys[3])]);
            let hi = V::load(&[widen(ys[4]), widen(ys[5]), widen(ys[6]), widen(ys[7])]);
            acc = acc.add(V::load(&xs[..4]).mul(lo)).add(V::load(&xs[4..]).mul(hi));
        }
        let mut s = acc.hsum();
        for p in k8..k { s += x[p] * widen(y[p]); }
        s
    };
    let mut j = 0;
    while j + 4 <= n {
        let ys = [&b[j * k..][..k], &b[(j + 1) * k..][..k], &b[(j + 2) * k..][..k], &b[(j + 3) * k..][..k]];
        let mut s = [[V::zero(); 4]; R];
        // t: bytes between rows of b (bf16), ta: between rows of a (f32)
        let (t, ta, y_end) = (2 * k, 4 * k, ys[0].as_ptr() as usize + 2 * k8);
        let (mut y, mut x) = (ys[0].as_ptr() as usize, a.as_ptr() as usize);
        while y != y_end {
            // SAFETY: y walks b's row j[..k8] 8 bf16 (16 bytes) at a time, y + t.. the same
            // columns of rows j+1..j+3 (bounds-checked slices above); x the same columns of a's
            // row 0 (32 bytes per step) and, when R = 2, x + ta of row 1 (a holds R·k floats).
            unsafe {
                let z = [V::load_bf16x8_at(y), V::load_bf16x8_at(y + t), V::load_bf16x8_at(y + 2 * t), V::load_bf16x8_at(y + 3 * t)];
                for (r, sr) in s.iter_mut().enumerate() {
                    let (lo, hi) = (V::load_at(x + r * ta), V::load_at(x + r * ta + 16));
                    for c in 0..4 { sr[c] = sr[c].add(lo.mul(z[c][0])).add(hi.mul(z[c][1])); }
                }
                y += 16;
                x += 32;
            }
        }
        for (r, sr) in s.iter().enumerate() {
            let ar = &a[r * k..][..k];
            let mut v = [sr[0].hsum(), sr[1].hsum(), sr[2].hsum(), sr[3].hsum()];
            // leftovers
            for p in k8..k { for c in 0..4 { v[c] += ar[p] * widen(ys[c][p]); } }
            for (c, x) in v.into_iter().enumerate() { fin(&mut out[r * n + j + c], x, j + c); }
        }
        j += 4;
    }
    // leftovers: the last n % 4 outputs
    while j < n {
        for r in 0..R { let v = dot1(&a[r * k..][..k], &b[j * k..][..k]); fin(&mut out[r * n + j], v, j); }
        j += 1;
    }
}
