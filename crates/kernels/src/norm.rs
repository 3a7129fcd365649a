// LayerNorm forward and backward: the fast twin of ts/backend/js/norm.ts (llm.c's
// layernorm_forward / layernorm_backward). Biased variance, eps 1e-5, two passes for the
// variance (mean first) so it does not cancel.

use crate::simd::V;

const EPS: f32 = 1e-5;

/// Σ x in lanes then the tail, a fixed order.
fn sum(x: &[f32]) -> f32 {
    let mut acc = V::zero();
    let mut c = x.chunks_exact(4);
    for v in &mut c { acc = acc.add(V::load(v)); }
    c.remainder().iter().fold(acc.hsum(), |s, v| s + v)
}

/// out [N, C] = (inp − mean)·rstd·weight + bias; mean [N], rstd [N] saved; weight, bias [C].
#[allow(clippy::too_many_arguments)]
pub fn layernorm_forward(out: &mut [f32], mean: &mut [f32], rstd: &mut [f32], inp: &[f32],
                         weight: &[f32], bias: Option<&[f32]>, n: usize, c: usize) {
    let weight = &weight[..c];
    for r in 0..n {
        let x = &inp[r * c..][..c];
        let o = &mut out[r * c..][..c];
        let m = sum(x) / c as f32;
        let vm = V::splat(m);
        let mut acc = V::zero();
        let mut cx = x.chunks_exact(4);
        for v in &mut cx { let d = V::load(v).sub(vm); acc = acc.add(d.mul(d)); }
        let var = cx.remainder().iter().fold(acc.hsum(), |s, v| s + (v - m) * (v - m)) / c as f32;
        let s = 1.0 / (var + EPS).sqrt();
        let vs = V::splat(s);
        for i in (0..c - c % 4).step_by(4) {
            let mut y = V::load(&x[i..]).sub(vm).mul(vs).mul(V::load(&weight[i..]));
            if let Some(b) = bias { y = y.add(V::load(&b[i..])); }
            y.store(&mut o[i..]);
        }
        // leftovers
        for i in c - c % 4..c {
            o[i] = (x[i] - m) * s * weight[i] + bias.map_or(0.0, |b| b[i]);
        }
        mean[r] = m;
        rstd[r] = s;
    }
}

/// dinp [N, C], dweight [C], dbias [C] or None (+=) from dout [N, C], inp [N, C], weight [C],
/// mean [N], rstd [N].
#[allow(clippy::too_many_arguments)]
pub fn layernorm_backward(dinp: &mut [f32], dweight: &mut [f32], mut dbias: Option<&mut [f32]>,
                          dout: &[f32], inp: &[f32], weight: &[f32], mean: &[f32], rstd: &[f32],
                          n: usize, c: usize) {
    let (weight, dweight) = (&weight[..c], &mut dweight[..c]);
    let c4 = c - c % 4;
    for r in 0..n {
        let (x, d) = (&inp[r * c..][..c], &dout[r * c..][..c]);
        let di = &mut dinp[r * c..][..c];
        let (m, s) = (mean[r], rstd[r]);
        let (vm, vs) = (V::splat(m), V::splat(s));
        let (dm, dnm) = dnorm_means(x, d, weight, m, s);
        let (vdm, vdnm) = (V::splat(dm), V::splat(dnm));
        for i in (0..c4).step_by(4) {
            let dv = V::load(&d[i..]);
            let norm = V::load(&x[i..]).sub(vm).mul(vs);
            let dnorm = V::load(&weight[i..]).mul(dv);
            if let Some(db) = dbias.as_deref_mut() { V::load(&db[i..]).add(dv).store(&mut db[i..]); }
            V::load(&dweight[i..]).add(norm.mul(dv)).store(&mut dweight[i..]);
            let g = dnorm.sub(vdm).sub(norm.mul(vdnm)).mul(vs);
            V::load(&di[i..]).add(g).store(&mut di[i..]);
        }
        // leftovers
        for i in c4..c {
            let (norm, dnorm) = ((x[i] - m) * s, weight[i] * d[i]);
            if let Some(db) = dbias.as_deref_mut() { db[i] += d[i]; }
            dweight[i] += norm * d[i];
            di[i] += (dnorm - dm - norm * dnm) * s;
        }
    }
}

/// One row's two reductions of the backward pass: the means of dnorm = weight·dout and of
/// dnorm·norm over the row's c columns (4 lanes, then the leftovers). Both layernorm_backward
/// and a thread's rows call it, so their dinp has the same bits.
fn dnorm_means(x: &[f32], d: &[f32], weight: &[f32], m: f32, s: f32) -> (f32, f32) {
    let c = x.len();
    let c4 = c - c % 4;
    let (vm, vs) = (V::splat(m), V::splat(s));
    let (mut a1, mut a2) = (V::zero(), V::zero());
    for i in (0..c4).step_by(4) {
        let norm = V::load(&x[i..]).sub(vm).mul(vs);
        let dnorm = V::load(&weight[i..]).mul(V::load(&d[i..]));
        a1 = a1.add(dnorm);
        a2 = a2.add(dnorm.mul(norm));
    }
    let (mut s1, mut s2) = (a1.hsum(), a2.hsum());
    for i in c4..c {
        let (norm, dnorm) = ((x[i] - m) * s, weight[i] * d[i]);
        s1 += dnorm;
        s2 += dnorm * norm;
    }
    (s1 / c as f32, s2 / c as f32)
}

/// layernorm_backward's dinp for rows r0..r1 only (a thread's share: split.rs). The same
/// expressions in the same order as layernorm_backward, so the same bits.
#[allow(clippy::too_many_arguments)]
pub fn layernorm_backward_rows(dinp: &mut [f32], dout: &[f32], inp: &[f32], weight: &[f32], mean: &[f32],
                               rstd: &[f32], c: usize, r0: usize, r1: usize) {
    let weight = &weight[..c];
    let c4 = c - c % 4;
    for r in r0..r1 {
        let (x, d) = (&inp[r * c..][..c], &dout[r * c..][..c]);
        let di = &mut dinp[r * c..][..c];
        let (m, s) = (mean[r], rstd[r]);
        let (vm, vs) = (V::splat(m), V::splat(s));
        let (dm, dnm) = dnorm_means(x, d, weight, m, s);
        let (vdm, vdnm) = (V::splat(dm), V::splat(dnm));
        for i in (0..c4).step_by(4) {
            let norm = V::load(&x[i..]).sub(vm).mul(vs);
            let dnorm = V::load(&weight[i..]).mul(V::load(&d[i..]));
            let g = dnorm.sub(vdm).sub(norm.mul(vdnm)).mul(vs);
            V::load(&di[i..]).add(g).store(&mut di[i..]);
        }
        // leftovers
        for i in c4..c {
            let (norm, dnorm) = ((x[i] - m) * s, weight[i] * d[i]);
            di[i] += (dnorm - dm - norm * dnm) * s;
        }
    }
}

/// layernorm_backward's dweight and dbias for columns c0..c1 only (c0 a multiple of 4), summed
/// over all n rows in row order, as layernorm_backward sums them: the same bits.
#[allow(clippy::too_many_arguments)]
pub fn layernorm_backward_cols(dweight: &mut [f32], mut dbias: Option<&mut [f32]>, dout: &[f32], inp: &[f32],
                               mean: &[f32], rstd: &[f32], n: usize, c: usize, c0: usize, c1: usize) {
    let c4 = c1 - (c1 - c0) % 4;
    for r in 0..n {
        let (x, d) = (&inp[r * c..][..c], &dout[r * c..][..c]);
        let (m, s) = (mean[r], rstd[r]);
        let (vm, vs) = (V::splat(m), V::splat(s));
        for i in (c0..c4).step_by(4) {
            let dv = V::load(&d[i..]);
            let norm = V::load(&x[i..]).sub(vm).mul(vs);
            if let Some(db) = dbias.as_deref_mut() { V::load(&db[i..]).add(dv).store(&mut db[i..]); }
            V::load(&dweight[i..]).add(norm.mul(dv)).store(&mut dweight[i..]);
        }
        // leftovers
        for i in c4..c1 {
            let norm = (x[i] - m) * s;
            if let Some(db) = dbias.as_deref_mut() { db[i] += d[i]; }
            dweight[i] += norm * d[i];
        }
    }
}
