// Causal self-attention forward/backward and the KV-cache decode step: the fast twin of
// ts/backend/js/attention.ts (llm.c's attention_forward / attention_backward layout: qkv
// [B, T, 3C] straight from c_attn). Dot products over the head size run in f32x4 lanes, four
// keys at a time so each load of q serves four products; att·v accumulates 16 columns at a time.
// Every c + x·y is written x.madd(y, c): mul then add (same bits) in the default build, one fused
// multiply-add in the opt-in relaxed one.

use crate::activation::{exp4k_nonpos, max_of, scale_in_place, ExpK};
use crate::matmul::{gemm_strided, Mat};
use crate::simd::{dot, V};
use std::cell::RefCell;

thread_local! {
    /// Grow-only scratch: dpre [T, T] for backward.
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// s[j] = scale·(q · k_j) for keys k_j = keys[j·stride ..][..hs], j < s.len().
fn scores(s: &mut [f32], q: &[f32], keys: &[f32], stride: usize, hs: usize, scale: f32) {
    let q = &q[..hs];
    let h4 = hs - hs % 4;
    let mut j = 0;
    while j + 4 <= s.len() {
        let k0 = &keys[j * stride..][..hs];
        let k1 = &keys[(j + 1) * stride..][..hs];
        let k2 = &keys[(j + 2) * stride..][..hs];
        let k3 = &keys[(j + 3) * stride..][..hs];
        let (mut a0, mut a1, mut a2, mut a3) = (V::zero(), V::zero(), V::zero(), V::zero());
        for i in (0..h4).step_by(4) {
            let qv = V::load(&q[i..]);
            a0 = qv.madd(V::load(&k0[i..]), a0);
            a1 = qv.madd(V::load(&k1[i..]), a1);
            a2 = qv.madd(V::load(&k2[i..]), a2);
            a3 = qv.madd(V::load(&k3[i..]), a3);
        }
        let mut t = [a0.hsum(), a1.hsum(), a2.hsum(), a3.hsum()];
        // leftovers of the head size
        for i in h4..hs { t[0] += q[i] * k0[i]; t[1] += q[i] * k1[i]; t[2] += q[i] * k2[i]; t[3] += q[i] * k3[i]; }
        for c in 0..4 { s[j + c] = t[c] * scale; }
        j += 4;
    }
    // leftovers: the last keys one at a time (the same lane order as above)
    while j < s.len() {
        s[j] = dot(q, &keys[j * stride..], hs) * scale;
        j += 1;
    }
}

/// out[..hs] = Σ_j p[j]·v_j for values v_j = vals[j·stride ..][..hs] (see wsum).
fn weighted_sum(out: &mut [f32], p: &[f32], vals: &[f32], stride: usize, hs: usize) {
    wsum(out, p, 1, p.len(), vals, stride, hs, false)
}

/// out[i] (+)= Σ_{j<cnt} w[j·ws]·vals[j·vs + i] for i < hs: a small GEMV whose 16-column
/// accumulators stay in registers for the whole sweep over j (one load of out per column block).
#[allow(clippy::too_many_arguments)]
fn wsum(out: &mut [f32], w: &[f32], ws: usize, cnt: usize, vals: &[f32], vs: usize, hs: usize, add: bool) {
    let out = &mut out[..hs];
    let fin = |o: &mut [f32], a: V| { if add { V::load(o).add(a).store(o) } else { a.store(o) } };
    let mut i = 0;
    while i + 16 <= hs {
        let (mut a0, mut a1, mut a2, mut a3) = (V::zero(), V::zero(), V::zero(), V::zero());
        for j in 0..cnt {
            let v = &vals[j * vs + i..][..16];
            let x = V::splat(w[j * ws]);
            a0 = x.madd(V::load(&v[0..]), a0);
            a1 = x.madd(V::load(&v[4..]), a1);
            a2 = x.madd(V::load(&v[8..]), a2);
            a3 = x.madd(V::load(&v[12..]), a3);
        }
        fin(&mut out[i..], a0); fin(&mut out[i + 4..], a1);
        fin(&mut out[i + 8..], a2); fin(&mut out[i + 12..], a3);
        i += 16;
    }
    while i + 4 <= hs {
        let mut a = V::zero();
        for j in 0..cnt { a = V::splat(w[j * ws]).madd(V::load(&vals[j * vs + i..]), a); }
        fin(&mut out[i..], a);
        i += 4;
    }
    // leftovers of the head size
    for (c, o) in out.iter_mut().enumerate().skip(i) {
        let s = (0..cnt).fold(0.0, |s, j| s + w[j * ws] * vals[j * vs + c]);
        *o = if add { *o + s } else { s };
    }
}

/// The direct 4×8 register tile for small head sizes (no packing, see attention_forward):
/// acc[r][0..8] = Σ_{p<k} A(r, p)·B(p, 0..8), A(r, p) = a[rows[r] + p·aks], B row p = b[p·bs ..][..8].
/// Raw addresses as in matmul.rs's kernel4, so V8 sees one add per pointer per step.
#[inline(always)]
fn tile(a: &[f32], rows: [usize; 4], aks: usize, b: &[f32], bs: usize, k: usize) -> [[V; 2]; 4] {
    let mut c = [[V::zero(); 2]; 4];
    if k == 0 { return c; }
    for r in rows { assert!(r + (k - 1) * aks < a.len()); }
    assert!((k - 1) * bs + 8 <= b.len());
    let base = a.as_ptr() as usize;
    let mut pa = rows.map(|r| base + 4 * r);
    let mut pb = b.as_ptr() as usize;
    let (sa, sb) = (4 * aks, 4 * bs);
    for _ in 0..k {
        // SAFETY: step p reads a[rows[r] + p·aks] and b[p·bs ..][..8], inside a and b (asserted).
        unsafe {
            let b0 = V::load_at(pb);
            let b1 = V::load_at(pb + 16);
            for (cr, p) in c.iter_mut().zip(pa.iter_mut()) {
                let x = V::splat_at(*p);
                cr[0] = x.madd(b0, cr[0]);
                cr[1] = x.madd(b1, cr[1]);
                *p += sa;
            }
            pb += sb;
        }
    }
    c
}

/// `tile` for A packed as [k, 4] (a strip): one A pointer, the four splats at constant offsets.
#[inline(always)]
fn tile_strip(ap: &[f32], b: &[f32], bs: usize, k: usize) -> [[V; 2]; 4] {
    let mut c = [[V::zero(); 2]; 4];
    if k == 0 { return c; }
    assert!(4 * k <= ap.len() && (k - 1) * bs + 8 <= b.len());
    let mut pa = ap.as_ptr() as usize;
    let end = pa + 16 * k;
    let mut pb = b.as_ptr() as usize;
    let sb = 4 * bs;
    while pa != end {
        // SAFETY: step p reads ap[4p ..][..4] and b[p·bs ..][..8], inside ap and b (asserted).
        unsafe {
            let b0 = V::load_at(pb);
            let b1 = V::load_at(pb + 16);
            for (r, cr) in c.iter_mut().enumerate() {
                let x = V::splat_at(pa + 4 * r);
                cr[0] = x.madd(b0, cr[0]);
                cr[1] = x.madd(b1, cr[1]);
            }
            pa += 16;
            pb += sb;
        }
    }
    c
}

/// Stores rows 0..nr of a tile at out[r·ld + j ..][..nc] (nc ≤ 8), times `scale`, added onto
/// out when `add`.
#[inline(always)]
fn put(out: &mut [f32], ld: usize, c: &[[V; 2]; 4], nr: usize, nc: usize, scale: Option<f32>, add: bool) {
    for (r, cr) in c.iter().enumerate().take(nr) {
        let (mut v0, mut v1) = (cr[0], cr[1]);
        if let Some(s) = scale { v0 = v0.mul(V::splat(s)); v1 = v1.mul(V::splat(s)); }
        let row = &mut out[r * ld..];
        if nc == 8 {
            let row = &mut row[..8];
            if add { v0 = V::load(&row[0..4]).add(v0); v1 = V::load(&row[4..8]).add(v1); }
            v0.store(&mut row[0..4]);
            v1.store(&mut row[4..8]);
        } else {
            // leftovers: a partial tile at the right edge
            let mut t = [0.0f32; 8];
            v0.store(&mut t[0..4]);
            v1.store(&mut t[4..8]);
            for (o, x) in row[..nc].iter_mut().zip(t) { *o = if add { *o + x } else { x }; }
        }
    }
}

/// Row offsets r0 + r·ld for r < 4, the missing rows of an edge tile repeating the last one.
#[inline(always)]
fn rows4(r0: usize, ld: usize, nr: usize) -> [usize; 4] {
    core::array::from_fn(|r| r0 + r.min(nr - 1) * ld)
}

/// dst [t, hs] ← the hs-wide rows src[j·rs ..] for j < t (hs a multiple of 4).
fn rows_into(dst: &mut [f32], src: &[f32], rs: usize, t: usize, hs: usize) {
    for (j, d) in dst[..t * hs].chunks_exact_mut(hs).enumerate() {
        let r = &src[j * rs..][..hs];
        for (o, x) in d.chunks_exact_mut(4).zip(r.chunks_exact(4)) { V::load(x).store(o); }
    }
}

/// dst [hs, tp] ← the hs-wide rows src[j·rs ..] for j < t as columns, zero-padded to tp.
/// hs is a multiple of 4 (4×4 register transposes).
fn transpose_into(dst: &mut [f32], src: &[f32], rs: usize, t: usize, hs: usize, tp: usize) {
    let t4 = t - t % 4;
    for j in (0..t4).step_by(4) {
        for i in (0..hs).step_by(4) {
            let r = V::transpose4(V::load(&src[j * rs + i..]), V::load(&src[(j + 1) * rs + i..]),
                                  V::load(&src[(j + 2) * rs + i..]), V::load(&src[(j + 3) * rs + i..]));
            for (q, v) in r.iter().enumerate() { v.store(&mut dst[(i + q) * tp + j..]); }
        }
    }
    for i in 0..hs {
        let d = &mut dst[i * tp..][..tp];
        // leftovers: the last t % 4 keys, then the zero padding
        for (j, x) in d.iter_mut().enumerate().take(t).skip(t4) { *x = src[j * rs + i]; }
        d[t..].fill(0.0);
    }
}

/// Query rows per block: each block's products run only over the keys it can see (0 … q1), so
/// the causal mask wastes at most one diagonal block of work.
const QB: usize = 32;

/// out [B, T, C], att [B, H, T, T] ← causal softmax(q·kᵀ/√hs)·v from qkv [B, T, 3C].
/// Per head: S = Q·Kᵀ and out = att·V as packed GEMMs over strided views of qkv (matmul.rs).
pub fn attention_forward(out: &mut [f32], att: &mut [f32], qkv: &[f32], b: usize, t: usize,
                         c: usize, h: usize) {
    let (hs, c3) = (c / h, 3 * c);
    let scale = 1.0 / (hs as f32).sqrt();
    if hs % 8 == 0 && t > 0 { return forward_direct(out, att, qkv, b, t, c, h); }
    for bi in 0..b {
        let x = &qkv[bi * t * c3..][..t * c3];
        let o = &mut out[bi * t * c..][..t * c];
        for hi in 0..h {
            let (qo, ko, vo) = (hi * hs, c + hi * hs, 2 * c + hi * hs);
            let a = &mut att[(bi * h + hi) * t * t..][..t * t];
            for q0 in (0..t).step_by(QB) {
                let q1 = (q0 + QB).min(t);
                // S[q0..q1, 0..q1] = Q·Kᵀ  (Kᵀ as a view: element (i, j) = k_j[i])
                gemm_strided(&mut a[q0 * t..], t, Mat { s: &x[q0 * c3 + qo..], rs: c3, cs: 1 },
                             Mat { s: &x[ko..], rs: 1, cs: c3 }, q1 - q0, hs, q1, false);
                for ti in q0..q1 {
                    let row = &mut a[ti * t..][..t];
                    let (live, masked) = row.split_at_mut(ti + 1);
                    scale_in_place(live, scale);
                    let mx = max_of(live);
                    let sum = exp_sum_in_place(live, mx);
                    scale_in_place(live, 1.0 / sum);
                    masked.fill(0.0);
                }
                // out[q0..q1] = att[q0..q1, 0..q1]·V
                gemm_strided(&mut o[q0 * c + qo..], c, Mat { s: &a[q0 * t..], rs: t, cs: 1 },
                             Mat { s: &x[vo..], rs: c3, cs: 1 }, q1 - q0, q1, hs, false);
            }
        }
    }
}

/// attention_forward for head sizes that are a multiple of 8, in blocks of 4 query rows:
/// S = scale·Q·Kᵀ by the 4×8 tile over a per-head Kᵀ copy [hs, T'] (only the key columns a block
/// can see), softmax in place, then out = att·V with V read straight from qkv (8 columns at a
/// time). No packing: at T 64 / hs 32 the packed GEMMs' set-up cost as much as their products.
fn forward_direct(out: &mut [f32], att: &mut [f32], qkv: &[f32], b: usize, t: usize, c: usize, h: usize) {
    let (hs, c3) = (c / h, 3 * c);
    let scale = 1.0 / (hs as f32).sqrt();
    let tp = t.div_ceil(8) * 8 + 8; // + 8: no power-of-two row stride (cache-set conflicts)
    let ek = ExpK::new();
    SCRATCH.with(|cell| {
        let s = &mut *cell.borrow_mut();
        if s.len() < hs * tp + t * hs { s.resize(hs * tp + t * hs, 0.0); }
        let (kt, vb) = s.split_at_mut(hs * tp);
        let vb = &mut vb[..t * hs];
        for bi in 0..b {
            let x = &qkv[bi * t * c3..][..t * c3];
            let o = &mut out[bi * t * c..][..t * c];
            for hi in 0..h {
                let (qo, ko, vo) = (hi * hs, c + hi * hs, 2 * c + hi * hs);
                let a = &mut att[(bi * h + hi) * t * t..][..t * t];
                transpose_into(kt, &x[ko..], c3, t, hs, tp);
                rows_into(vb, &x[vo..], c3, t, hs);
                for i0 in (0..t).step_by(4) {
                    let i1 = (i0 + 4).min(t);
                    let nr = i1 - i0;
                    // S[i0..i1, 0..i1]·scale (columns past a row's diagonal are overwritten below)
                    let qr = rows4(i0 * c3 + qo, c3, nr);
                    for j in (0..i1).step_by(8) {
                        let acc = tile(x, qr, 1, &kt[j..], tp, hs);
                        put(&mut a[i0 * t + j..], t, &acc, nr, 8.min(t - j), Some(scale), false);
                    }
                    for ti in i0..i1 {
                        let row = &mut a[ti * t..][..t];
                        let (live, masked) = row.split_at_mut(ti + 1);
                        let mx = max_of(live);
                        let sum = exp_sum_k(live, mx, &ek);
                        scale_in_place(live, 1.0 / sum);
                        masked.fill(0.0);
                    }
                    // out[i0..i1] = att[i0..i1, 0..i1]·V
                    let ar = rows4(i0 * t, t, nr);
                    for d in (0..hs).step_by(8) {
                        let acc = tile(a, ar, 1, &vb[d..], hs, i1);
                        put(&mut o[i0 * c + qo + d..], c, &acc, nr, 8, None, false);
                    }
                }
            }
        }
    });
}

/// exp_sum_in_place (the same bits; the row holds x − max ≤ 0) on constants held in `k`.
fn exp_sum_k(row: &mut [f32], max: f32, k: &ExpK) -> f32 {
    let vm = V::splat(max);
    let mut acc = V::zero();
    let mut c = row.chunks_exact_mut(4);
    for v in &mut c {
        let e = exp4k_nonpos(V::load(v).sub(vm), k);
        e.store(v);
        acc = acc.add(e);
    }
    let mut s = acc.hsum();
    // leftovers
    for o in c.into_remainder() { *o = exp4k_nonpos(V::splat(*o - max), k).lane(0); s += *o; }
    s
}

/// row[i] = exp(row[i] − max) in place; returns the sum (lanes, then the tail, as exp_sum).
pub(crate) fn exp_sum_in_place(row: &mut [f32], max: f32) -> f32 {
    exp_sum_k(row, max, &ExpK::new())
}

/// dqkv [B, T, 3C] += gradient of attention_forward given dout [B, T, C], qkv and att
/// (att as forward wrote it: zeros above the diagonal). Per head, four packed GEMMs:
/// datt = dout·Vᵀ, then dpre = att ⊙ (datt − Σ att·datt)·scale row by row, then
/// dq += dpre·K, dk += dpreᵀ·Q, dv += attᵀ·dout.
#[allow(clippy::too_many_arguments)]
pub fn attention_backward(dqkv: &mut [f32], dout: &[f32], qkv: &[f32], att: &[f32], b: usize,
                          t: usize, c: usize, h: usize) {
    let (hs, c3) = (c / h, 3 * c);
    let scale = 1.0 / (hs as f32).sqrt();
    if hs % 8 == 0 && t > 0 { return backward_direct(dqkv, dout, qkv, att, b, t, c, h); }
    SCRATCH.with(|cell| {
        let s = &mut *cell.borrow_mut();
        if s.len() < t * t { s.resize(t * t, 0.0); }
        let dpre = &mut s[..t * t];
        for bi in 0..b {
            let x = &qkv[bi * t * c3..][..t * c3];
            let dx = &mut dqkv[bi * t * c3..][..t * c3];
            let dy = &dout[bi * t * c..][..t * c];
            for hi in 0..h {
                let a = &att[(bi * h + hi) * t * t..][..t * t];
                let (qo, ko, vo) = (hi * hs, c + hi * hs, 2 * c + hi * hs);
                for q0 in (0..t).step_by(QB) {
                    let q1 = (q0 + QB).min(t);
                    // datt[q0..q1, 0..q1] = dout·Vᵀ
                    gemm_strided(&mut dpre[q0 * t..], t, Mat { s: &dy[q0 * c + qo..], rs: c, cs: 1 },
                                 Mat { s: &x[vo..], rs: 1, cs: c3 }, q1 - q0, hs, q1, false);
                    for ti in q0..q1 {
                        let row = &mut dpre[ti * t..][..t];
                        let ar = &a[ti * t..][..ti + 1];
                        let dd = dot(ar, row, ti + 1);
                        for (d, &p) in row.iter_mut().zip(ar) { *d = p * (*d - dd) * scale; }
                        row[ti + 1..].fill(0.0); // the mask: no gradient above the diagonal
                    }
                    // dq[q0..q1] += dpre[q0..q1, 0..q1]·K
                    gemm_strided(&mut dx[q0 * c3 + qo..], c3, Mat { s: &dpre[q0 * t..], rs: t, cs: 1 },
                                 Mat { s: &x[ko..], rs: c3, cs: 1 }, q1 - q0, q1, hs, true);
                }
                for k0 in (0..t).step_by(QB) {
                    let k1 = (k0 + QB).min(t);
                    // dk[k0..k1] += dpre[k0.., k0..k1]ᵀ·Q[k0..] ; dv[k0..k1] += att[k0.., k0..k1]ᵀ·dout[k0..]
                    gemm_strided(&mut dx[k0 * c3 + ko..], c3, Mat { s: &dpre[k0 * t + k0..], rs: 1, cs: t },
                                 Mat { s: &x[k0 * c3 + qo..], rs: c3, cs: 1 }, k1 - k0, t - k0, hs, true);
                    gemm_strided(&mut dx[k0 * c3 + vo..], c3, Mat { s: &a[k0 * t + k0..], rs: 1, cs: t },
                                 Mat { s: &dy[k0 * c + qo..], rs: c, cs: 1 }, k1 - k0, t - k0, hs, true);
                }
            }
        }
    });
}

/// dst[p·4 + r] = src[(j0 + p)·t + j0 + r] for p < k, r < 4 (r ≥ nr: zeros).
fn strip(dst: &mut [f32], src: &[f32], t: usize, j0: usize, nr: usize, k: usize) {
    let dst = &mut dst[..4 * k];
    if nr == 4 {
        for (p, d) in dst.chunks_exact_mut(4).enumerate() { V::load(&src[(j0 + p) * t + j0..]).store(d); }
    } else {
        // leftovers: the last, partial block of keys
        for (p, d) in dst.chunks_exact_mut(4).enumerate() {
            for (r, x) in d.iter_mut().enumerate() { *x = if r < nr { src[(j0 + p) * t + j0 + r] } else { 0.0 }; }
        }
    }
}

/// attention_backward for head sizes that are a multiple of 8, with the 4×8 tile of
/// forward_direct: per block of 4 query rows datt = dout·Vᵀ (a per-head Vᵀ copy), dpre in place,
/// dq += dpre·K; then per block of 4 keys dk += dpreᵀ·Q and dv += attᵀ·dout over the rows that
/// see them. Each output sums its terms in index order, as the packed GEMMs did.
#[allow(clippy::too_many_arguments)]
fn backward_direct(dqkv: &mut [f32], dout: &[f32], qkv: &[f32], att: &[f32], b: usize, t: usize,
                   c: usize, h: usize) {
    let (hs, c3) = (c / h, 3 * c);
    let scale = 1.0 / (hs as f32).sqrt();
    let tp = t.div_ceil(8) * 8 + 8; // as forward_direct
    SCRATCH.with(|cell| {
        let s = &mut *cell.borrow_mut();
        let need = t * t + hs * tp + 8 * t + 3 * t * hs;
        if s.len() < need { s.resize(need, 0.0); }
        let (dpre, rest) = s.split_at_mut(t * t);
        let (vt, rest) = rest.split_at_mut(hs * tp);
        let (sd, rest) = rest.split_at_mut(4 * t);
        let (sa, rest) = rest.split_at_mut(4 * t);
        let (kb, rest) = rest.split_at_mut(t * hs);
        let (qb, rest) = rest.split_at_mut(t * hs);
        let yb = &mut rest[..t * hs];
        for bi in 0..b {
            let x = &qkv[bi * t * c3..][..t * c3];
            let dx = &mut dqkv[bi * t * c3..][..t * c3];
            let dy = &dout[bi * t * c..][..t * c];
            for hi in 0..h {
                let a = &att[(bi * h + hi) * t * t..][..t * t];
                let (qo, ko, vo) = (hi * hs, c + hi * hs, 2 * c + hi * hs);
                transpose_into(vt, &x[vo..], c3, t, hs, tp);
                // contiguous copies of this head's k, q and dout rows (the tiles' B operands)
                rows_into(kb, &x[ko..], c3, t, hs);
                rows_into(qb, &x[qo..], c3, t, hs);
                rows_into(yb, &dy[qo..], c, t, hs);
                for i0 in (0..t).step_by(4) {
                    let i1 = (i0 + 4).min(t);
                    let nr = i1 - i0;
                    // datt[i0..i1, 0..i1] = dout·Vᵀ
                    let yr = rows4(i0 * c + qo, c, nr);
                    for j in (0..i1).step_by(8) {
                        let acc = tile(dy, yr, 1, &vt[j..], tp, hs);
                        put(&mut dpre[i0 * t + j..], t, &acc, nr, 8.min(t - j), None, false);
                    }
                    for ti in i0..i1 {
                        let row = &mut dpre[ti * t..][..t];
                        let ar = &a[ti * t..][..ti + 1];
                        let dd = dot(ar, row, ti + 1);
                        for (d, &p) in row.iter_mut().zip(ar) { *d = p * (*d - dd) * scale; }
                        // the mask: no gradient above the diagonal (the tiles below read up to
                        // three columns past it)
                        row[ti + 1..(ti + 4).min(t)].fill(0.0);
                    }
                    // dq[i0..i1] += dpre[i0..i1, 0..i1]·K
                    let dr = rows4(i0 * t, t, nr);
                    for d in (0..hs).step_by(8) {
                        let acc = tile(dpre, dr, 1, &kb[d..], hs, i1);
                        put(&mut dx[i0 * c3 + qo + d..], c3, &acc, nr, 8, None, true);
                    }
                }
                for j0 in (0..t).step_by(4) {
                    let j1 = (j0 + 4).min(t);
                    let nr = j1 - j0;
                    // dk[j0..j1] += dpre[j0.., j0..j1]ᵀ·Q[j0..]; dv[j0..j1] += att[j0.., j0..j1]ᵀ·dout[j0..]
                    // the four columns of dpre and att as [t − j0, 4] strips, read once (their
                    // column walk is strided) and then by every 8-column tile
                    let k = t - j0;
                    strip(sd, dpre, t, j0, nr, k);
                    strip(sa, a, t, j0, nr, k);
                    for d in (0..hs).step_by(8) {
                        let acc = tile_strip(sd, &qb[j0 * hs + d..], hs, k);
                        put(&mut dx[j0 * c3 + ko + d..], c3, &acc, nr, 8, None, true);
                        let acc = tile_strip(sa, &yb[j0 * hs + d..], hs, k);
                        put(&mut dx[j0 * c3 + vo + d..], c3, &acc, nr, 8, None, true);
                    }
                }
            }
        }
    });
}

/// kCache, vCache [B, H, maxT, hs] ← k, v of qkv [B, T, 3C] at positions pos … pos+T−1.
#[allow(clippy::too_many_arguments)]
pub fn kv_cache_write(k_cache: &mut [f32], v_cache: &mut [f32], qkv: &[f32], b: usize, t: usize,
                      c: usize, h: usize, pos: usize, max_t: usize) {
    let hs = c / h;
    for bi in 0..b { for ti in 0..t { for hi in 0..h {
        let src = (bi * t + ti) * 3 * c + hi * hs;
        let dst = ((bi * h + hi) * max_t + pos + ti) * hs;
        k_cache[dst..dst + hs].copy_from_slice(&qkv[src + c..][..hs]);
        v_cache[dst..dst + hs].copy_from_slice(&qkv[src + 2 * c..][..hs]);
    } } }
}

/// out [B, C], att [B, H, L] ← one query (q of qkv [B, 3C]) against L cached positions of
/// kCache, vCache [B, H, maxT, hs].
#[allow(clippy::too_many_arguments)]
pub fn attention_decode(out: &mut [f32], att: &mut [f32], qkv: &[f32], k_cache: &[f32],
                        v_cache: &[f32], b: usize, c: usize, h: usize, l: usize, max_t: usize) {
    let hs = c / h;
    let scale = 1.0 / (hs as f32).sqrt();
    for bi in 0..b {
        for hi in 0..h {
            let row = &mut att[(bi * h + hi) * l..][..l];
            let cache = (bi * h + hi) * max_t * hs;
            scores(row, &qkv[bi * 3 * c + hi * hs..], &k_cache[cache..], hs, hs, scale);
            let mx = max_of(row);
            let sum = exp_sum_in_place(row, mx);
            scale_in_place(row, 1.0 / sum);
            weighted_sum(&mut out[bi * c + hi * hs..], row, &v_cache[cache..], hs, hs);
        }
    }
}
