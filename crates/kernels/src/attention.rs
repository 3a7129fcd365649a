// Causal self-attention forward/backward and the KV-cache decode step: the fast twin of
// ts/backend/js/attention.ts (llm.c's attention_forward / attention_backward layout: qkv
// [B, T, 3C] straight from c_attn). Dot products over the head size run in f32x4 lanes, four
// keys at a time so each load of q serves four products; att·v accumulates 16 columns at a time.

use crate::activation::{max_of, scale_in_place};
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
            a0 = a0.add(qv.mul(V::load(&k0[i..])));
            a1 = a1.add(qv.mul(V::load(&k1[i..])));
            a2 = a2.add(qv.mul(V::load(&k2[i..])));
            a3 = a3.add(qv.mul(V::load(&k3[i..])));
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
            a0 = a0.add(x.mul(V::load(&v[0..])));
            a1 = a1.add(x.mul(V::load(&v[4..])));
            a2 = a2.add(x.mul(V::load(&v[8..])));
            a3 = a3.add(x.mul(V::load(&v[12..])));
        }
        fin(&mut out[i..], a0); fin(&mut out[i + 4..], a1);
        fin(&mut out[i + 8..], a2); fin(&mut out[i + 12..], a3);
        i += 16;
    }
    while i + 4 <= hs {
        let mut a = V::zero();
        for j in 0..cnt { a = a.add(V::splat(w[j * ws]).mul(V::load(&vals[j * vs + i..]))); }
        fin(&mut out[i..], a);
        i += 4;
    }
    // leftovers of the head size
    for (c, o) in out.iter_mut().enumerate().skip(i) {
        let s = (0..cnt).fold(0.0, |s, j| s + w[j * ws] * vals[j * vs + c]);
        *o = if add { *o + s } else { s };
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

/// row[i] = exp(row[i] − max) in place; returns the sum (lanes, then the tail, as exp_sum).
pub(crate) fn exp_sum_in_place(row: &mut [f32], max: f32) -> f32 {
    let mut acc = V::zero();
    let mut c = row.chunks_exact_mut(4);
    for v in &mut c {
        let e = crate::math::exp4(V::load(v).sub(V::splat(max)));
        e.store(v);
        acc = acc.add(e);
    }
    let mut s = acc.hsum();
    // leftovers
    for o in c.into_remainder() { *o = crate::math::exp(*o - max); s += *o; }
    s
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
