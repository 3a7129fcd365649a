// The few-row case of matmul (decode steps, x·W for one to a few sequences): bound by reading
// B, so no packing. B's rows (or Bᵀ's rows) are streamed in order, four at a time, and every
// vector read from B feeds two rows of a at once (the registers of two rows' splats or sums
// fit; four would spill), so B is read once per pair: against one row at a time, 1.03–1.13× for
// x·W (768×3072, m 2–8: B streams from L3 fast enough) and 1.7–1.9× for x·Wᵀ (the tied LM
// head, 768×8192, m 2 and 4). Each output is summed in the same order for one row or two: a
// sequence decodes to the same bits alone or in a batch.

use crate::simd::V;

/// out[m, n] (+)= a[m, k]·op(b) + bias, m small. b [k, n] or (trans_b) [n, k]; bias [n] or None.
#[allow(clippy::too_many_arguments)]
pub fn matvec(out: &mut [f32], a: &[f32], b: &[f32], bias: Option<&[f32]>, m: usize, k: usize, n: usize,
              trans_b: bool, accumulate: bool) {
    strided(&mut out[..m * n], n, &a[..m * k], b, n, bias, m, k, n, trans_b, accumulate)
}

/// Columns j0..j1 of `matvec`'s out, and nothing else (a thread's share of a decode step's
/// product: split.rs). With j0 a multiple of 4, every column is summed exactly as by `matvec`:
/// the four-column groups of `dots` and the lanes of `rows` fall on the same columns.
#[allow(clippy::too_many_arguments)]
pub fn matvec_cols(out: &mut [f32], a: &[f32], b: &[f32], bias: Option<&[f32]>, m: usize, k: usize, n: usize,
                   j0: usize, j1: usize, trans_b: bool, accumulate: bool) {
    if j0 >= j1 { return; }
    let bs = if trans_b { &b[j0 * k..] } else { &b[j0..] }; // column j0 of op(b)
    strided(&mut out[j0..m * n], n, &a[..m * k], bs, n, bias.map(|x| &x[j0..]), m, k, j1 - j0, trans_b, accumulate)
}

/// out rows ldo apart, b's rows ldb apart (when !trans_b; Bᵀ's rows are k apart), n columns.
#[allow(clippy::too_many_arguments)]
fn strided(out: &mut [f32], ldo: usize, a: &[f32], b: &[f32], ldb: usize, bias: Option<&[f32]>, m: usize, k: usize,
           n: usize, trans_b: bool, accumulate: bool) {
    let mut r = 0;
    while r + 2 <= m {
        let (o, x) = (&mut out[r * ldo..], &a[r * k..]);
        if trans_b { dots::<2>(o, ldo, x, b, bias, k, n, accumulate) } else { rows::<2>(o, ldo, x, b, ldb, bias, k, n, accumulate) }
        r += 2;
    }
    if m % 2 == 1 {
        let (o, x) = (&mut out[(m - 1) * ldo..], &a[(m - 1) * k..]);
        if trans_b { dots::<1>(o, ldo, x, b, bias, k, n, accumulate) } else { rows::<1>(o, ldo, x, b, ldb, bias, k, n, accumulate) }
    }
}

/// a[0..4], each in all lanes: the four multipliers of one sweep over four rows of b.
#[inline(always)]
pub(crate) fn splat4(a: &[f32]) -> [V; 4] { [V::splat(a[0]), V::splat(a[1]), V::splat(a[2]), V::splat(a[3])] }

/// (a0·x0 + a1·x1) + (a2·x2 + a3·x3): the order every row of out sums four rows of b in, then
/// out + that. One function for the f32 rows here and the bf16 rows (bf16.rs), so decoding with
/// bf16 weights gives the bits of the f32 path on the same (widened) values, for every R.
#[inline(always)]
pub(crate) fn sum4(a: &[V; 4], x0: V, x1: V, x2: V, x3: V) -> V { a[0].mul(x0).add(a[1].mul(x1)).add(a[2].mul(x2).add(a[3].mul(x3))) }

/// out[r, j] = Σ_p a[r, p]·b[p, j] for R = 1 or 2 rows: out += a[:, p..p+4]·b[p..p+4, :], four
/// rows of b per sweep, each vector of them used by both rows.
#[allow(clippy::too_many_arguments)]
fn rows<const R: usize>(out: &mut [f32], ldo: usize, a: &[f32], b: &[f32], ldb: usize, bias: Option<&[f32]>, k: usize,
                        n: usize, accumulate: bool) {
    let out = &mut out[..(R - 1) * ldo + n];
    // start from bias (or 0); when accumulating, sum into out directly then add bias: out + Σ + bias
    if !accumulate {
        for r in 0..R {
            let o = &mut out[r * ldo..][..n];
            match bias { Some(bs) => o.copy_from_slice(&bs[..n]), None => o.fill(0.0) }
        }
    }
    let n4 = n - n % 4;
    let mut p = 0;
    while p + 4 <= k {
        let sp = |r: usize| splat4(&a[r * k + p..]);
        let r0 = &b[p * ldb..][..n];
        let r1 = &b[(p + 1) * ldb..][..n];
        let r2 = &b[(p + 2) * ldb..][..n];
        let r3 = &b[(p + 3) * ldb..][..n];
        let a0 = sp(0);
        let a1 = if R == 2 { sp(1) } else { a0 };
        // Raw byte addresses: one pointer walks b's row p, rows p+1.. are s, 2s, 3s bytes on, and
        // out's second row ldo floats after its first (the build turns LLVM's loop strength
        // reduction off for matmul's tile, and iterator state would then cost more than this).
        let (s, so, x_end) = (4 * ldb, 4 * ldo, r0.as_ptr() as usize + 4 * n4);
        let (mut x, mut o) = (r0.as_ptr() as usize, out.as_mut_ptr() as usize);
        while x != x_end {
            // SAFETY: x walks r0[..n4] in steps of 4 floats; x + s, x + 2s, x + 3s the same
            // columns of r1, r2, r3 (rows p+1.. of b, ldb floats apart, bounds-checked slices
            // above); o the same columns of out's row 0 and, when R = 2, o + so of row 1.
            unsafe {
                let [x0, x1, x2, x3] = load4(x, s);
                V::load_at(o).add(sum4(&a0, x0, x1, x2, x3)).store_at(o);
                if R == 2 { V::load_at(o + so).add(sum4(&a1, x0, x1, x2, x3)).store_at(o + so); }
                x += 16;
                o += 16;
            }
        }
        // leftovers
        for r in 0..R {
            let ar = &a[r * k + p..][..4];
            for j in n4..n {
                out[r * ldo + j] += (ar[0] * r0[j] + ar[1] * r1[j]) + (ar[2] * r2[j] + ar[3] * r3[j]);
            }
        }
        p += 4;
    }
    // leftovers: the last k % 4 rows of b one at a time
    while p < k {
        for r in 0..R { crate::simd::axpy(&mut out[r * ldo..], a[r * k + p], &b[p * ldb..], n); }
        p += 1;
    }
    if accumulate {
        if let Some(bs) = bias { for r in 0..R { for (x, y) in out[r * ldo..][..n].iter_mut().zip(bs) { *x += *y; } } }
    }
}

/// out[r, j] = a[r, :]·b[j, :] for R rows: four dot products per row at a time, each load of b
/// shared by the R rows.
#[allow(clippy::too_many_arguments)]
fn dots<const R: usize>(out: &mut [f32], ldo: usize, a: &[f32], b: &[f32], bias: Option<&[f32]>, k: usize, n: usize,
                        accumulate: bool) {
    let (out, a) = (&mut out[..(R - 1) * ldo + n], &a[..R * k]);
    let k4 = k - k % 4;
    let fin = |o: &mut f32, s: f32, j: usize| {
        let v = s + bias.map_or(0.0, |bs| bs[j]);
        *o = if accumulate { *o + v } else { v };
    };
    let mut j = 0;
    while j + 4 <= n {
        let (y0, y1, y2, y3) = (&b[j * k..][..k], &b[(j + 1) * k..][..k], &b[(j + 2) * k..][..k], &b[(j + 3) * k..][..k]);
        let mut s = [[V::zero(); 4]; R];
        // Raw byte addresses, as in `rows`: y walks b's row j, rows j+1.. are t, 2t, 3t bytes on
        // (t = 4k), and a's second row is t bytes after its first.
        let (t, y_end) = (4 * k, y0.as_ptr() as usize + 4 * k4);
        let (mut y, mut x) = (y0.as_ptr() as usize, a.as_ptr() as usize);
        while y != y_end {
            // SAFETY: y walks y0[..k4] in steps of 4 floats, y + t.. the same columns of y1..y3
            // (rows j+1.. of b, k floats apart, bounds-checked slices above); x the same columns
            // of a's row 0 and, when R = 2, x + t of row 1 (a holds R·k floats).
            unsafe {
                let [z0, z1, z2, z3] = load4(y, t);
                for (r, sr) in s.iter_mut().enumerate() {
                    let av = V::load_at(x + r * t);
                    sr[0] = sr[0].add(av.mul(z0));
                    sr[1] = sr[1].add(av.mul(z1));
                    sr[2] = sr[2].add(av.mul(z2));
                    sr[3] = sr[3].add(av.mul(z3));
                }
                y += 16;
                x += 16;
            }
        }
        for (r, sr) in s.iter().enumerate() {
            let ar = &a[r * k..][..k];
            let mut t = [sr[0].hsum(), sr[1].hsum(), sr[2].hsum(), sr[3].hsum()];
            // leftovers
            for p in k4..k {
                t[0] += ar[p] * y0[p]; t[1] += ar[p] * y1[p]; t[2] += ar[p] * y2[p]; t[3] += ar[p] * y3[p];
            }
            for (c, v) in t.into_iter().enumerate() { fin(&mut out[r * ldo + j + c], v, j + c); }
        }
        j += 4;
    }
    // leftovers: the last n % 4 outputs
    while j < n {
        for r in 0..R {
            let v = crate::simd::dot(&a[r * k..], &b[j * k..], k);
            fin(&mut out[r * ldo + j], v, j);
        }
        j += 1;
    }
}

/// The four f32x4 at byte addresses x, x + s, x + 2s, x + 3s: one column of four matrix rows.
/// # Safety
/// Each 16-byte range must lie inside one live slice.
#[inline(always)]
unsafe fn load4(x: usize, s: usize) -> [V; 4] {
    [V::load_at(x), V::load_at(x + s), V::load_at(x + 2 * s), V::load_at(x + 3 * s)]
}
