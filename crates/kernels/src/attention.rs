// Causal self-attention forward/backward and the KV-cache decode step: the fast twin of
// ts/backend/js/attention.ts (llm.c's attention_forward / attention_backward layout: qkv
// [B, T, 3C] straight from c_attn). Dot products over the head size run in f32x4 lanes, four
// keys at a time so each load of q serves four products; att·v accumulates 16 columns at a time.

use crate::activation::{max_of, scale_in_place};
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

/// out [B, T, C], att [B, H, T, T] ← causal softmax(q·kᵀ/√hs)·v from qkv [B, T, 3C].
pub fn attention_forward(out: &mut [f32], att: &mut [f32], qkv: &[f32], b: usize, t: usize,
                         c: usize, h: usize) {
    let (hs, c3) = (c / h, 3 * c);
    let scale = 1.0 / (hs as f32).sqrt();
    for bi in 0..b {
        let x = &qkv[bi * t * c3..][..t * c3];
        for hi in 0..h {
            for ti in 0..t {
                let row = &mut att[((bi * h + hi) * t + ti) * t..][..t];
                let (live, masked) = row.split_at_mut(ti + 1);
                scores(live, &x[ti * c3 + hi * hs..], &x[c + hi * hs..], c3, hs, scale);
                let mx = max_of(live);
                let sum = exp_sum_in_place(live, mx);
                scale_in_place(live, 1.0 / sum);
                masked.fill(0.0);
                weighted_sum(&mut out[(bi * t + ti) * c + hi * hs..], live, &x[2 * c + hi * hs..], c3, hs);
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

/// dqkv [B, T, 3C] += gradient of attention_forward given dout [B, T, C], qkv and att.
/// Per (batch, head): first dpre [T, T] (the pre-softmax gradient, lower triangle) row by row,
/// then dq, dk and dv as register-accumulated sums over rows or columns of att / dpre, so each
/// gradient row is loaded and stored once instead of once per key.
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
                for ti in 0..t {
                    // out = att·v → datt = dout·vᵀ; softmax backward: dpre = att ⊙ (datt − Σ att·datt)
                    let row = &mut dpre[ti * t..][..ti + 1];
                    scores(row, &dy[ti * c + qo..], &x[vo..], c3, hs, 1.0);
                    let ar = &a[ti * t..][..ti + 1];
                    let dd = dot(ar, row, ti + 1);
                    for (d, &p) in row.iter_mut().zip(ar) { *d = p * (*d - dd) * scale; }
                }
                for ti in 0..t {
                    // dq_t += Σ_{t2 ≤ t} dpre[t, t2]·k_t2
                    wsum(&mut dx[ti * c3 + qo..], &dpre[ti * t..], 1, ti + 1, &x[ko..], c3, hs, true);
                    // dk_t += Σ_{t' ≥ t} dpre[t', t]·q_t' ;  dv_t += Σ_{t' ≥ t} att[t', t]·dout_t'
                    let n = t - ti;
                    wsum(&mut dx[ti * c3 + ko..], &dpre[ti * t + ti..], t, n, &x[ti * c3 + qo..], c3, hs, true);
                    wsum(&mut dx[ti * c3 + vo..], &a[ti * t + ti..], t, n, &dy[ti * c + qo..], c, hs, true);
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
