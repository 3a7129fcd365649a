// Causal self-attention forward/backward and the KV-cache decode step: the fast twin of
// ts/backend/js/attention.ts (llm.c's attention_forward / attention_backward layout: qkv
// [B, T, 3C] straight from c_attn). Dot products over the head size run in f32x4 lanes, four
// keys at a time so each load of q serves four products; att·v accumulates 16 columns at a time.
// Every c + x·y is written x.madd(y, c): mul then add (same bits) in the default build, one fused
// multiply-add in the opt-in relaxed one.

use crate::activation::{exp4k_nonpos, max_of, scale_in_place, ExpK};
use crate::matmul::{gemm_strided, kernel, Mat};
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

/// Stores rows 0..nr of a tile at out[r·ld + j ..][..nc] (nc ≤ 8).
#[inline(always)]
fn put(out: &mut [f32], ld: usize, c: &[[V; 2]; 4], nr: usize, nc: usize) {
    if nr == 4 && nc == 8 {
        // the common full tile: one bounds check, then 8 stores at offsets from one pointer
        // (per-row slicing cost a check and an address computation per row)
        let o = &mut out[..3 * ld + 8];
        let p = o.as_mut_ptr() as usize;
        for (r, cr) in c.iter().enumerate() {
            // SAFETY: row r < 4 spans floats r·ld .. r·ld + 8 ≤ 3·ld + 8 = o.len()
            unsafe {
                cr[0].store_at(p + 4 * r * ld);
                cr[1].store_at(p + 4 * r * ld + 16);
            }
        }
        return;
    }
    // leftovers: a partial tile at the bottom or right edge
    for (r, cr) in c.iter().enumerate().take(nr) {
        let row = &mut out[r * ld..];
        if nc == 8 {
            cr[0].store(&mut row[0..4]);
            cr[1].store(&mut row[4..8]);
        } else {
            // leftovers: a partial tile at the right edge
            let mut t = [0.0f32; 8];
            cr[0].store(&mut t[0..4]);
            cr[1].store(&mut t[4..8]);
            row[..nc].copy_from_slice(&t[..nc]);
        }
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

/// attention_forward for head sizes that are a multiple of 8, in blocks of 4 query rows, every
/// product on matmul's 4×8 kernel (constant load offsets, one pointer): S = Q·Kᵀ from the
/// block's Q strip [hs, 4] and a per-head Kᵀ in 8-key panels [hs, 8] (only the key columns the
/// block can see), the block's softmax (softmax_block, which also writes its probabilities as
/// a strip), then out = att·V over V in 8-column panels. No GEMM packing: at T 64 / hs 32 the
/// packed GEMMs' set-up cost as much as their products.
fn forward_direct(out: &mut [f32], att: &mut [f32], qkv: &[f32], b: usize, t: usize, c: usize, h: usize) {
    let (hs, c3) = (c / h, 3 * c);
    let scale = 1.0 / (hs as f32).sqrt();
    let t8 = t.div_ceil(8) * 8;
    let ek = ExpK::new();
    SCRATCH.with(|cell| {
        let s = &mut *cell.borrow_mut();
        let sl = 4 * (t + 4);
        let need = hs * t8 + t * hs + 4 * hs + sl;
        if s.len() < need { s.resize(need, 0.0); }
        let (kp, rest) = s.split_at_mut(hs * t8);
        let (vp, rest) = rest.split_at_mut(t * hs);
        let (qs, rest) = rest.split_at_mut(4 * hs);
        let sp = &mut rest[..sl];
        for bi in 0..b {
            let x = &qkv[bi * t * c3..][..t * c3];
            let o = &mut out[bi * t * c..][..t * c];
            for hi in 0..h {
                let (qo, ko, vo) = (hi * hs, c + hi * hs, 2 * c + hi * hs);
                let a = &mut att[(bi * h + hi) * t * t..][..t * t];
                transposed_panels(kp, &x[ko..], c3, t, hs);
                panels_into(vp, &x[vo..], c3, t, hs);
                for i0 in (0..t).step_by(4) {
                    let i1 = (i0 + 4).min(t);
                    let nr = i1 - i0;
                    // S[i0..i1, 0..i1], unscaled (softmax_block scales it, and overwrites the
                    // columns past each row's diagonal)
                    strip_rows(qs, &x[i0 * c3 + qo..], c3, nr, hs);
                    for j in (0..i1).step_by(8) {
                        let acc = kernel::<4>(qs, &kp[j * hs..][..8 * hs]);
                        put(&mut a[i0 * t + j..], t, &acc, nr, 8.min(t - j));
                    }
                    softmax_block(a, t, i0, nr, scale, &ek, sp);
                    // out[i0..i1] = att[i0..i1, 0..i1]·V
                    for d in (0..hs).step_by(8) {
                        let acc = kernel::<4>(&sp[..4 * i1], &vp[d * t..][..8 * i1]);
                        put(&mut o[i0 * c + qo + d..], c, &acc, nr, 8);
                    }
                }
            }
        }
    });
}

/// dst [hs/8, t, 8] ← the hs-wide rows src[j·rs ..] for j < t as 8-column panels: panel d/8
/// holds columns d..d+8 of every row, so a tile's B operand is one contiguous run. One panel
/// at a time: filling the panels row by row (four store streams) ran backward 0.92×.
fn panels_into(dst: &mut [f32], src: &[f32], rs: usize, t: usize, hs: usize) {
    for (pi, d) in (0..hs).step_by(8).enumerate() {
        let p = &mut dst[pi * t * 8..][..t * 8];
        for (j, o) in p.chunks_exact_mut(8).enumerate() {
            let r = &src[j * rs + d..][..8];
            V::load(&r[0..4]).store(&mut o[0..4]);
            V::load(&r[4..8]).store(&mut o[4..8]);
        }
    }
}

/// dst [⌈t/8⌉, hs, 8] ← the hs-wide rows src[j·rs ..] for j < t transposed, in panels of 8 rows:
/// dst[(j/8)·8hs + i·8 + j%8] = src[j·rs + i] (rows past t: zeros), the B operand of Q·Kᵀ.
/// hs is a multiple of 4 (4×4 register transposes).
fn transposed_panels(dst: &mut [f32], src: &[f32], rs: usize, t: usize, hs: usize) {
    let row = |j: usize, i: usize| if j < t { V::load(&src[j * rs + i..]) } else { V::zero() };
    for j in (0..t).step_by(4) {
        let d = &mut dst[(j / 8) * 8 * hs + j % 8..];
        for i in (0..hs).step_by(4) {
            let r = V::transpose4(row(j, i), row(j + 1, i), row(j + 2, i), row(j + 3, i));
            for (q, v) in r.iter().enumerate() { v.store(&mut d[(i + q) * 8..]); }
        }
    }
    if t % 8 != 0 && t % 8 <= 4 {
        // leftovers: the unused half of the last panel (finite, for the products past t)
        let d = &mut dst[(t / 8) * 8 * hs..][..8 * hs];
        for i in 0..hs { V::zero().store(&mut d[i * 8 + 4..]); }
    }
}

/// dst [hs, 4] ← rows src[r·rs ..][..hs] for r < nr as columns (a strip: the A operand of
/// matmul's kernel); columns past nr repeat the last row (their results are not stored).
fn strip_rows(dst: &mut [f32], src: &[f32], rs: usize, nr: usize, hs: usize) {
    let ro: [usize; 4] = core::array::from_fn(|r| r.min(nr - 1) * rs);
    for i in (0..hs).step_by(4) {
        let r = V::transpose4(V::load(&src[ro[0] + i..]), V::load(&src[ro[1] + i..]),
                              V::load(&src[ro[2] + i..]), V::load(&src[ro[3] + i..]));
        for (q, v) in r.iter().enumerate() { v.store(&mut dst[(i + q) * 4..]); }
    }
}

/// Lane masks m[r]: all-ones on the lanes past r (the columns of a diagonal 4-vector that row
/// i0 + r of a block must not see).
#[inline(always)]
fn past_diag() -> [V; 4] {
    let lanes = V::load(&[0.0, 1.0, 2.0, 3.0]);
    core::array::from_fn(|r| lanes.gt(V::splat(r as f32)))
}

/// [v0.hmax(), v1.hmax(), v2.hmax(), v3.hmax()] in one vector (a transpose, then lane-wise
/// maxima in hmax's order): the scalar f32::max compiles to NaN-checking branches in V8.
#[inline(always)]
fn hmax4(v: [V; 4]) -> V {
    let [a, b, c, d] = V::transpose4(v[0], v[1], v[2], v[3]);
    a.max(c).max(b.max(d))
}

/// [v0.hsum(), …, v3.hsum()] in one vector, the same bits as hsum's (l0 + l2) + (l1 + l3).
#[inline(always)]
fn hsum4(v: [V; 4]) -> V {
    let [a, b, c, d] = V::transpose4(v[0], v[1], v[2], v[3]);
    a.add(c).add(b.add(d))
}

/// The 4-vector of `row` at column c, zero-padded past the row's end (the diagonal vector of
/// the last block when t % 4 ≠ 0).
#[inline(always)]
fn load_pad(row: &[f32], c: usize) -> V {
    if c + 4 <= row.len() { return V::load(&row[c..]); }
    // leftovers
    let mut t = [0.0f32; 4];
    t[..row.len() - c].copy_from_slice(&row[c..]);
    V::load(&t)
}

/// Stores the lanes of v that fall inside `row` at column c (see load_pad).
#[inline(always)]
fn store_pad(row: &mut [f32], c: usize, v: V) {
    if c + 4 <= row.len() { return v.store(&mut row[c..]); }
    // leftovers
    let mut t = [0.0f32; 4];
    v.store(&mut t);
    let n = row.len() - c;
    row[c..].copy_from_slice(&t[..n]);
}

/// Causal softmax of att rows i0..i0+nr in place, from the unscaled scores S the tiles stored:
/// row i0 + r becomes exp(scale·s − max)/Σ on columns 0..=i0+r and zeros past them. Also
/// writes the strip sp[c·4 + r] = att[i0 + r][c] for c < i0 + 4 (zeros for r ≥ nr): att·V's A
/// operand. max(scale·s) = scale·max(s) exactly (rounding is monotone), so the exp sees the
/// same bits as when the tiles scaled; the row sums add the diagonal's lanes in the vector.
fn softmax_block(a: &mut [f32], t: usize, i0: usize, nr: usize, scale: f32, ek: &ExpK, sp: &mut [f32]) {
    match nr {
        4 => softmax_rows::<4>(a, t, i0, scale, ek, sp),
        // leftovers: the last block when t % 4 ≠ 0
        3 => softmax_rows::<3>(a, t, i0, scale, ek, sp),
        2 => softmax_rows::<2>(a, t, i0, scale, ek, sp),
        _ => softmax_rows::<1>(a, t, i0, scale, ek, sp),
    }
}

/// softmax_block for N rows, all N rows per step: N independent exp chains in flight, and no
/// per-row set-up. i0 is a multiple of 4, so every row's columns below i0 are live and its
/// diagonal 4-vector starts at i0 (row i0 + r: lanes 0..=r live).
#[inline(always)]
fn softmax_rows<const N: usize>(a: &mut [f32], t: usize, i0: usize, scale: f32, ek: &ExpK, sp: &mut [f32]) {
    let nv = i0 / 4; // full 4-vectors every row of the block sees
    let past = past_diag();
    let vs = V::splat(scale);
    let ro: [usize; N] = core::array::from_fn(|r| (i0 + r) * t);
    // the row maxima (−inf on the diagonal vector's dead lanes)
    let mut mx = [V::splat(f32::NEG_INFINITY); N];
    for v in 0..nv {
        for r in 0..N { mx[r] = mx[r].max(V::load(&a[ro[r] + 4 * v..])); }
    }
    for r in 0..N {
        let d = load_pad(&a[ro[r]..][..t], i0);
        mx[r] = mx[r].max(past[r].select(V::splat(f32::NEG_INFINITY), d));
    }
    let mh = hmax4(core::array::from_fn(|r| if r < N { mx[r] } else { V::zero() })).mul(vs);
    let m: [V; N] = core::array::from_fn(|r| V::splat(mh.lane(r)));
    // exp(scale·s − max) in place, and the row sums
    let mut sum = [V::zero(); N];
    for v in 0..nv {
        for r in 0..N {
            let o = &mut a[ro[r] + 4 * v..][..4];
            let e = exp4k_nonpos(V::load(o).mul(vs).sub(m[r]), ek);
            e.store(o);
            sum[r] = sum[r].add(e);
        }
    }
    for r in 0..N {
        let rw = &mut a[ro[r]..][..t];
        let e = exp4k_nonpos(load_pad(rw, i0).mul(vs).sub(m[r]), ek);
        let e = past[r].select(V::zero(), e);
        store_pad(rw, i0, e);
        sum[r] = sum[r].add(e);
    }
    // normalize, and the strip (4×4 transposes of the rows)
    let ih = V::splat(1.0).div(hsum4(core::array::from_fn(|r| if r < N { sum[r] } else { V::splat(1.0) })));
    let inv: [V; N] = core::array::from_fn(|r| V::splat(ih.lane(r)));
    let sp = &mut sp[..4 * (i0 + 4)];
    for v in 0..=nv {
        let mut p = [V::zero(); 4];
        for r in 0..N {
            let rw = &mut a[ro[r]..][..t];
            p[r] = load_pad(rw, 4 * v).mul(inv[r]);
            store_pad(rw, 4 * v, p[r]);
        }
        for (q, w) in V::transpose4(p[0], p[1], p[2], p[3]).into_iter().enumerate() {
            w.store(&mut sp[(4 * v + q) * 4..]);
        }
    }
    // the mask: zeros past the diagonal vector
    for &o in &ro {
        let rw = &mut a[o..][..t];
        let mut c = i0 + 4;
        while c + 4 <= t { V::zero().store(&mut rw[c..]); c += 4; }
        // leftovers
        for x in &mut rw[c.min(t)..] { *x = 0.0; }
    }
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

/// dqkv [B, T, 3C] (+)= gradient of attention_forward given dout [B, T, C], qkv and att
/// (att as forward wrote it: zeros above the diagonal); added when `accumulate`, else written.
/// Per head, four packed GEMMs:
/// datt = dout·Vᵀ, then dpre = att ⊙ (datt − Σ att·datt)·scale row by row, then
/// dq += dpre·K, dk += dpreᵀ·Q, dv += attᵀ·dout.
#[allow(clippy::too_many_arguments)]
pub fn attention_backward(dqkv: &mut [f32], dout: &[f32], qkv: &[f32], att: &[f32], b: usize,
                          t: usize, c: usize, h: usize, accumulate: bool) {
    let (hs, c3) = (c / h, 3 * c);
    let scale = 1.0 / (hs as f32).sqrt();
    if hs % 8 == 0 && t > 0 { return backward_direct(dqkv, dout, qkv, att, b, t, c, h, accumulate); }
    // the GEMMs below add: a written gradient starts from zeros
    if !accumulate { dqkv[..b * t * c3].fill(0.0); }
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

/// attention_backward for head sizes that are a multiple of 8, on matmul's 4×8 kernel as
/// forward_direct: per block of 4 query rows datt = dout·Vᵀ (the block's dout strip by a
/// per-head Vᵀ in 8-key panels), dpre in place (dpre_block, which also writes the block's dpre
/// as a strip), dq += dpre·K (K in 8-column panels); then per block of 4 keys dk += dpreᵀ·Q
/// and dv += attᵀ·dout over the rows that see them (Q and dout in panels). Each output sums
/// its terms in index order, as the packed GEMMs did.
#[allow(clippy::too_many_arguments)]
fn backward_direct(dqkv: &mut [f32], dout: &[f32], qkv: &[f32], att: &[f32], b: usize, t: usize,
                   c: usize, h: usize, accumulate: bool) {
    let (hs, c3) = (c / h, 3 * c);
    let scale = 1.0 / (hs as f32).sqrt();
    let t8 = t.div_ceil(8) * 8;
    SCRATCH.with(|cell| {
        let s = &mut *cell.borrow_mut();
        let sl = 4 * (t + 4);
        let need = t * t + hs * t8 + 4 * hs + 3 * sl + 3 * t * hs + t * c3;
        if s.len() < need { s.resize(need, 0.0); }
        let (dpre, rest) = s.split_at_mut(t * t);
        let (vtp, rest) = rest.split_at_mut(hs * t8);
        let (ys, rest) = rest.split_at_mut(4 * hs);
        let (ds, rest) = rest.split_at_mut(sl);
        let (sd, rest) = rest.split_at_mut(sl);
        let (sa, rest) = rest.split_at_mut(sl);
        let (kp, rest) = rest.split_at_mut(t * hs);
        let (qp, rest) = rest.split_at_mut(t * hs);
        let (yp, rest) = rest.split_at_mut(t * hs);
        let g = &mut rest[..t * c3]; // this batch element's dq, dk, dv rows [t, 3C]
        for bi in 0..b {
            let x = &qkv[bi * t * c3..][..t * c3];
            let dx = &mut dqkv[bi * t * c3..][..t * c3];
            let dy = &dout[bi * t * c..][..t * c];
            for hi in 0..h {
                let a = &att[(bi * h + hi) * t * t..][..t * t];
                let (qo, ko, vo) = (hi * hs, c + hi * hs, 2 * c + hi * hs);
                transposed_panels(vtp, &x[vo..], c3, t, hs);
                panels_into(kp, &x[ko..], c3, t, hs);
                panels_into(qp, &x[qo..], c3, t, hs);
                panels_into(yp, &dy[qo..], c, t, hs);
                for i0 in (0..t).step_by(4) {
                    let i1 = (i0 + 4).min(t);
                    let nr = i1 - i0;
                    // datt[i0..i1, 0..i1] = dout·Vᵀ
                    strip_rows(ys, &dy[i0 * c + qo..], c, nr, hs);
                    for j in (0..i1).step_by(8) {
                        let acc = kernel::<4>(ys, &vtp[j * hs..][..8 * hs]);
                        put(&mut dpre[i0 * t + j..], t, &acc, nr, 8.min(t - j));
                    }
                    dpre_block(dpre, a, t, i0, nr, scale, ds);
                    // dq[i0..i1] += dpre[i0..i1, 0..i1]·K
                    for d in (0..hs).step_by(8) {
                        let acc = kernel::<4>(&ds[..4 * i1], &kp[d * t..][..8 * i1]);
                        put(&mut g[i0 * c3 + qo + d..], c3, &acc, nr, 8);
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
                        let acc = kernel::<4>(&sd[..4 * k], &qp[d * t + j0 * 8..][..8 * k]);
                        put(&mut g[j0 * c3 + ko + d..], c3, &acc, nr, 8);
                        let acc = kernel::<4>(&sa[..4 * k], &yp[d * t + j0 * 8..][..8 * k]);
                        put(&mut g[j0 * c3 + vo + d..], c3, &acc, nr, 8);
                    }
                }
            }
            // dqkv (+)= the batch element's gradients in one contiguous pass: dqkv is far out of
            // cache, and a sequential sweep overlaps its misses. The tiles storing into dqkv ran
            // 1.2× slower at B 12 T 64 C 128, a pass per head over 128-byte row segments 1.16×
            // slower (written; as fast when accumulating).
            for (ov, gv) in dx.chunks_exact_mut(4).zip(g.chunks_exact(4)) {
                let v = V::load(gv);
                if accumulate { V::load(ov).add(v).store(ov) } else { v.store(ov) }
            }
        }
    });
}

/// dpre rows i0..i0+nr in place from datt (there) and att: dpre = att ⊙ (datt − Σ att·datt)·scale
/// on each row's columns 0..=i0+r, zeros on the rest of its diagonal 4-vector (the dk strips
/// read them; nothing reads further right). Also writes the strip ds[c·4 + r] = dpre[i0 + r][c]
/// for c < i0 + 4 (zeros for r ≥ nr): dq's A operand.
fn dpre_block(dpre: &mut [f32], a: &[f32], t: usize, i0: usize, nr: usize, scale: f32, ds: &mut [f32]) {
    match nr {
        4 => dpre_rows::<4>(dpre, a, t, i0, scale, ds),
        // leftovers: the last block when t % 4 ≠ 0
        3 => dpre_rows::<3>(dpre, a, t, i0, scale, ds),
        2 => dpre_rows::<2>(dpre, a, t, i0, scale, ds),
        _ => dpre_rows::<1>(dpre, a, t, i0, scale, ds),
    }
}

/// dpre_block for N rows, all N rows per step (as softmax_rows). att is zero past the diagonal,
/// so the row dots run over whole 4-vectors.
#[inline(always)]
fn dpre_rows<const N: usize>(dpre: &mut [f32], a: &[f32], t: usize, i0: usize, scale: f32, ds: &mut [f32]) {
    let nv = i0 / 4; // full 4-vectors every row of the block sees
    let past = past_diag();
    let vs = V::splat(scale);
    let ro: [usize; N] = core::array::from_fn(|r| (i0 + r) * t);
    // Σ att·datt per row
    let mut acc = [V::zero(); N];
    for v in 0..=nv {
        for r in 0..N {
            let (ar, dr) = (&a[ro[r]..][..t], &dpre[ro[r]..][..t]);
            acc[r] = acc[r].add(load_pad(ar, 4 * v).mul(load_pad(dr, 4 * v)));
        }
    }
    let dh = hsum4(core::array::from_fn(|r| if r < N { acc[r] } else { V::zero() }));
    let dd: [V; N] = core::array::from_fn(|r| V::splat(dh.lane(r)));
    // dpre, and the strip (4×4 transposes of the rows)
    let ds = &mut ds[..4 * (i0 + 4)];
    for v in 0..=nv {
        let mut p = [V::zero(); 4];
        for r in 0..N {
            let dr = &mut dpre[ro[r]..][..t];
            let g = load_pad(&a[ro[r]..][..t], 4 * v).mul(load_pad(dr, 4 * v).sub(dd[r])).mul(vs);
            // the mask: no gradient above the diagonal
            p[r] = if v == nv { past[r].select(V::zero(), g) } else { g };
            store_pad(dr, 4 * v, p[r]);
        }
        for (q, w) in V::transpose4(p[0], p[1], p[2], p[3]).into_iter().enumerate() {
            w.store(&mut ds[(4 * v + q) * 4..]);
        }
    }
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
    for bh in 0..b * h { decode_head(out, att, qkv, k_cache, v_cache, bh, c, h, l, max_t); }
}

/// attention_decode's work for one (batch element, head) pair bh = bi·H + hi: its att row and
/// its hs columns of out (threads split the decode step by these pairs: split.rs).
#[allow(clippy::too_many_arguments)]
pub(crate) fn decode_head(out: &mut [f32], att: &mut [f32], qkv: &[f32], k_cache: &[f32], v_cache: &[f32],
                          bh: usize, c: usize, h: usize, l: usize, max_t: usize) {
    let hs = c / h;
    let scale = 1.0 / (hs as f32).sqrt();
    let (bi, hi) = (bh / h, bh % h);
    let row = &mut att[bh * l..][..l];
    let cache = bh * max_t * hs;
    scores(row, &qkv[bi * 3 * c + hi * hs..], &k_cache[cache..], hs, hs, scale);
    let mx = max_of(row);
    let sum = exp_sum_in_place(row, mx);
    scale_in_place(row, 1.0 / sum);
    weighted_sum(&mut out[bi * c + hi * hs..], row, &v_cache[cache..], hs, hs);
}
