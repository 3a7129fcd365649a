// LayerNorm forward and backward: the fast twin of ts/backend/js/norm.ts (llm.c's
// layernorm_forward / layernorm_backward). Biased variance, eps 1e-5, two passes for the
// variance (mean first) so it does not cancel.
//
// Rows go four at a time: a row's reductions are chains of dependent adds (C/4 of them, each
// waiting for the last), so one row at a time leaves the CPU idle; four rows interleaved run
// four chains side by side. Each row still sums in its own fixed order (lanes, then the tail),
// and dweight/dbias still take the rows in order, so the bits are those of one row at a time.

use crate::simd::V;

const EPS: f32 = 1e-5;
/// Rows per block.
const R: usize = 4;

/// out [N, C] = (inp − mean)·rstd·weight + bias; mean [N], rstd [N] saved; weight, bias [C].
#[allow(clippy::too_many_arguments)]
pub fn layernorm_forward(out: &mut [f32], mean: &mut [f32], rstd: &mut [f32], inp: &[f32],
                         weight: &[f32], bias: Option<&[f32]>, n: usize, c: usize) {
    let weight = &weight[..c];
    let mut r0 = 0;
    while r0 + R <= n { forward_rows::<R>(out, mean, rstd, inp, weight, bias, r0, c); r0 += R; }
    // leftovers: the last n % 4 rows one at a time
    for r in r0..n { forward_rows::<1>(out, mean, rstd, inp, weight, bias, r, c); }
}

/// forward for rows r0 … r0 + K − 1.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn forward_rows<const K: usize>(out: &mut [f32], mean: &mut [f32], rstd: &mut [f32], inp: &[f32],
                                weight: &[f32], bias: Option<&[f32]>, r0: usize, c: usize) {
    let c4 = c - c % 4;
    let x: [&[f32]; K] = core::array::from_fn(|j| &inp[(r0 + j) * c..][..c]);
    // the mean: Σ x in lanes, then the tail
    let mut acc = [V::zero(); K];
    for i in (0..c4).step_by(4) {
        for j in 0..K { acc[j] = acc[j].add(V::load(&x[j][i..])); }
    }
    let m: [f32; K] = core::array::from_fn(|j| x[j][c4..].iter().fold(acc[j].hsum(), |s, v| s + v) / c as f32);
    // the variance around it, in the same order
    let vm = m.map(V::splat);
    let mut acc = [V::zero(); K];
    for i in (0..c4).step_by(4) {
        for j in 0..K { let d = V::load(&x[j][i..]).sub(vm[j]); acc[j] = acc[j].add(d.mul(d)); }
    }
    let s: [f32; K] = core::array::from_fn(|j| {
        let var = x[j][c4..].iter().fold(acc[j].hsum(), |s, v| s + (v - m[j]) * (v - m[j])) / c as f32;
        1.0 / (var + EPS).sqrt()
    });
    for j in 0..K {
        let (x, o) = (x[j], &mut out[(r0 + j) * c..][..c]);
        let (vm, vs) = (vm[j], V::splat(s[j]));
        for i in (0..c4).step_by(4) {
            let mut y = V::load(&x[i..]).sub(vm).mul(vs).mul(V::load(&weight[i..]));
            if let Some(b) = bias { y = y.add(V::load(&b[i..])); }
            y.store(&mut o[i..]);
        }
        // leftovers
        for i in c4..c {
            o[i] = (x[i] - m[j]) * s[j] * weight[i] + bias.map_or(0.0, |b| b[i]);
        }
        mean[r0 + j] = m[j];
        rstd[r0 + j] = s[j];
    }
}

/// dinp [N, C], dweight [C], dbias [C] or None (+=) from dout [N, C], inp [N, C], weight [C],
/// mean [N], rstd [N].
#[allow(clippy::too_many_arguments)]
pub fn layernorm_backward(dinp: &mut [f32], dweight: &mut [f32], mut dbias: Option<&mut [f32]>,
                          dout: &[f32], inp: &[f32], weight: &[f32], mean: &[f32], rstd: &[f32],
                          n: usize, c: usize) {
    let (weight, dweight) = (&weight[..c], &mut dweight[..c]);
    let mut r0 = 0;
    while r0 + R <= n {
        backward_rows::<R>(dinp, dweight, dbias.as_deref_mut(), dout, inp, weight, mean, rstd, r0, c);
        r0 += R;
    }
    // leftovers: the last n % 4 rows one at a time
    for r in r0..n { backward_rows::<1>(dinp, dweight, dbias.as_deref_mut(), dout, inp, weight, mean, rstd, r, c); }
}

/// backward for rows r0 … r0 + K − 1 (dweight, dbias take them in row order).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn backward_rows<const K: usize>(dinp: &mut [f32], dweight: &mut [f32], mut dbias: Option<&mut [f32]>,
                                 dout: &[f32], inp: &[f32], weight: &[f32], mean: &[f32],
                                 rstd: &[f32], r0: usize, c: usize) {
    let c4 = c - c % 4;
    let x: [&[f32]; K] = core::array::from_fn(|j| &inp[(r0 + j) * c..][..c]);
    let d: [&[f32]; K] = core::array::from_fn(|j| &dout[(r0 + j) * c..][..c]);
    let (m, s): ([f32; K], [f32; K]) = (core::array::from_fn(|j| mean[r0 + j]), core::array::from_fn(|j| rstd[r0 + j]));
    let (vm, vs) = (m.map(V::splat), s.map(V::splat));
    // the two reductions per row: mean of dnorm and mean of dnorm·norm
    let (mut a1, mut a2) = ([V::zero(); K], [V::zero(); K]);
    for i in (0..c4).step_by(4) {
        let w = V::load(&weight[i..]);
        for j in 0..K {
            let norm = V::load(&x[j][i..]).sub(vm[j]).mul(vs[j]);
            let dnorm = w.mul(V::load(&d[j][i..]));
            a1[j] = a1[j].add(dnorm);
            a2[j] = a2[j].add(dnorm.mul(norm));
        }
    }
    let mut dm = [0.0f32; K];
    let mut dnm = [0.0f32; K];
    for j in 0..K {
        let (mut s1, mut s2) = (a1[j].hsum(), a2[j].hsum());
        // leftovers
        for i in c4..c {
            let (norm, dnorm) = ((x[j][i] - m[j]) * s[j], weight[i] * d[j][i]);
            s1 += dnorm;
            s2 += dnorm * norm;
        }
        (dm[j], dnm[j]) = (s1 / c as f32, s2 / c as f32);
    }
    let (vdm, vdnm) = (dm.map(V::splat), dnm.map(V::splat));
    for i in (0..c4).step_by(4) {
        let w = V::load(&weight[i..]);
        let mut dw = V::load(&dweight[i..]);
        let mut db = dbias.as_deref().map(|b| V::load(&b[i..]));
        for j in 0..K {
            let dv = V::load(&d[j][i..]);
            let norm = V::load(&x[j][i..]).sub(vm[j]).mul(vs[j]);
            let dnorm = w.mul(dv);
            db = db.map(|b| b.add(dv));
            dw = dw.add(norm.mul(dv));
            let g = dnorm.sub(vdm[j]).sub(norm.mul(vdnm[j])).mul(vs[j]);
            let di = &mut dinp[(r0 + j) * c + i..];
            V::load(di).add(g).store(di);
        }
        dw.store(&mut dweight[i..]);
        if let (Some(b), Some(v)) = (dbias.as_deref_mut(), db) { v.store(&mut b[i..]); }
    }
    // leftovers
    for j in 0..K {
        for i in c4..c {
            let (norm, dnorm) = ((x[j][i] - m[j]) * s[j], weight[i] * d[j][i]);
            if let Some(db) = dbias.as_deref_mut() { db[i] += d[j][i]; }
            dweight[i] += norm * d[j][i];
            dinp[(r0 + j) * c + i] += (dnorm - dm[j] - norm * dnm[j]) * s[j];
        }
    }
}
