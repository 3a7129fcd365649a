// The M = 1 case of matmul (a decode step, x·W): a matrix-vector product, bound by reading B
// once, so no packing: B's rows (or Bᵀ's rows) are streamed in order, several at a time so each
// output vector is loaded and stored once per group of rows, not once per row.

use crate::simd::V;

/// out[1, n] (+)= a[1, k]·op(b) + bias. b [k, n] or (trans_b) [n, k]; bias [n] or None.
#[allow(clippy::too_many_arguments)]
pub fn matvec(out: &mut [f32], a: &[f32], b: &[f32], bias: Option<&[f32]>, k: usize, n: usize,
              trans_b: bool, accumulate: bool) {
    let out = &mut out[..n];
    if trans_b { dots(out, a, b, bias, k, n, accumulate) } else { rows(out, a, b, bias, k, n, accumulate) }
}

/// out[j] = Σ_p a[p]·b[p, j]: out += a[p..p+4]·b[p..p+4, :], four rows of b per sweep.
fn rows(out: &mut [f32], a: &[f32], b: &[f32], bias: Option<&[f32]>, k: usize, n: usize,
        accumulate: bool) {
    // start from bias (or 0), remember to add the old out at the end when accumulating
    let keep = accumulate;
    if !keep {
        match bias { Some(bs) => out.copy_from_slice(&bs[..n]), None => out.fill(0.0) }
    }
    // when accumulating, sum into out directly then add bias: out + Σ + bias
    let n4 = n - n % 4;
    let mut p = 0;
    while p + 4 <= k {
        let (a0, a1, a2, a3) = (V::splat(a[p]), V::splat(a[p + 1]), V::splat(a[p + 2]), V::splat(a[p + 3]));
        let r0 = &b[p * n..][..n];
        let r1 = &b[(p + 1) * n..][..n];
        let r2 = &b[(p + 2) * n..][..n];
        let r3 = &b[(p + 3) * n..][..n];
        let it = out.chunks_exact_mut(4).zip(r0.chunks_exact(4)).zip(r1.chunks_exact(4))
            .zip(r2.chunks_exact(4)).zip(r3.chunks_exact(4));
        for ((((o, x0), x1), x2), x3) in it {
            let s = a0.mul(V::load(x0)).add(a1.mul(V::load(x1)))
                .add(a2.mul(V::load(x2)).add(a3.mul(V::load(x3))));
            V::load(o).add(s).store(o);
        }
        // leftovers
        for j in n4..n {
            out[j] += (a[p] * r0[j] + a[p + 1] * r1[j]) + (a[p + 2] * r2[j] + a[p + 3] * r3[j]);
        }
        p += 4;
    }
    // leftovers: the last k % 4 rows one at a time
    while p < k {
        crate::simd::axpy(out, a[p], &b[p * n..], n);
        p += 1;
    }
    if keep {
        if let Some(bs) = bias { for (o, x) in out.iter_mut().zip(bs) { *o += *x; } }
    }
}

/// out[j] = a · b[j, :]: four dot products at a time sharing each load of a.
fn dots(out: &mut [f32], a: &[f32], b: &[f32], bias: Option<&[f32]>, k: usize, n: usize,
        accumulate: bool) {
    let a = &a[..k];
    let k4 = k - k % 4;
    let fin = |o: &mut f32, s: f32, j: usize| {
        let v = s + bias.map_or(0.0, |bs| bs[j]);
        *o = if accumulate { *o + v } else { v };
    };
    let mut j = 0;
    while j + 4 <= n {
        let (r0, r1, r2, r3) = (&b[j * k..][..k], &b[(j + 1) * k..][..k], &b[(j + 2) * k..][..k], &b[(j + 3) * k..][..k]);
        let (mut s0, mut s1, mut s2, mut s3) = (V::zero(), V::zero(), V::zero(), V::zero());
        let it = a.chunks_exact(4).zip(r0.chunks_exact(4)).zip(r1.chunks_exact(4))
            .zip(r2.chunks_exact(4)).zip(r3.chunks_exact(4));
        for ((((x, y0), y1), y2), y3) in it {
            let av = V::load(x);
            s0 = s0.add(av.mul(V::load(y0)));
            s1 = s1.add(av.mul(V::load(y1)));
            s2 = s2.add(av.mul(V::load(y2)));
            s3 = s3.add(av.mul(V::load(y3)));
        }
        let mut t = [s0.hsum(), s1.hsum(), s2.hsum(), s3.hsum()];
        // leftovers
        for p in k4..k {
            t[0] += a[p] * r0[p]; t[1] += a[p] * r1[p]; t[2] += a[p] * r2[p]; t[3] += a[p] * r3[p];
        }
        for (c, s) in t.into_iter().enumerate() { fin(&mut out[j + c], s, j + c); }
        j += 4;
    }
    // leftovers: the last n % 4 outputs
    while j < n {
        let s = crate::simd::dot(a, &b[j * k..], k);
        fin(&mut out[j], s, j);
        j += 1;
    }
}
