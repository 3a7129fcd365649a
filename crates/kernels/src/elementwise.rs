// Elementwise ops, dropout and the sum of squares: the fast twin of
// ts/backend/js/elementwise.ts. Dropout's mask equals the js twin's bit for bit (same hash32,
// same threshold rule); sum_squares sums in f64 in a fixed order.

use crate::activation::{map4, map4_in_place};
use crate::simd::V;

/// out = a ⊙ b or a + b etc., four lanes then the tail (same lane code).
fn zip4(out: &mut [f32], a: &[f32], b: &[f32], f: impl Fn(V, V, V) -> V) {
    let n = out.len();
    let (a, b) = (&a[..n], &b[..n]);
    let mut co = out.chunks_exact_mut(4);
    for ((o, x), y) in (&mut co).zip(a.chunks_exact(4)).zip(b.chunks_exact(4)) {
        f(V::load(o), V::load(x), V::load(y)).store(o);
    }
    let off = n - n % 4;
    // leftovers
    for (i, o) in co.into_remainder().iter_mut().enumerate() {
        *o = f(V::splat(*o), V::splat(a[off + i]), V::splat(b[off + i])).lane(0);
    }
}

/// out [n] = a + b
pub fn add(out: &mut [f32], a: &[f32], b: &[f32], n: usize) { zip4(&mut out[..n], a, b, |_, x, y| x.add(y)) }
/// y [n] += alpha·x
pub fn axpy(y: &mut [f32], x: &[f32], alpha: f32, n: usize) { crate::simd::axpy(y, alpha, x, n) }
/// out [n] = a ⊙ b
pub fn mul(out: &mut [f32], a: &[f32], b: &[f32], n: usize) { zip4(&mut out[..n], a, b, |_, x, y| x.mul(y)) }
/// out [n] += a ⊙ b
pub fn mul_accumulate(out: &mut [f32], a: &[f32], b: &[f32], n: usize) {
    zip4(&mut out[..n], a, b, |o, x, y| o.add(x.mul(y)))
}
/// out [n] = alpha·a
pub fn scale(out: &mut [f32], a: &[f32], alpha: f32, n: usize) {
    map4(&mut out[..n], &a[..n], |x| V::splat(alpha).mul(x))
}
/// out [n] = value
pub fn fill(out: &mut [f32], value: f32, n: usize) { out[..n].fill(value) }

/// murmur3's finaliser over (seed, i): the same bits as hash32 in the js twin.
#[inline]
pub fn hash32(seed: u32, i: u32) -> u32 {
    let mut h = i.wrapping_mul(0x9e37_79b1) ^ seed;
    h ^= h >> 16; h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13; h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// out [n] = inp ⊙ mask, mask [n] = keep ? 1/(1−p) : 0, keep ⇔ (hash32(seed, i) >> 8) ≥ ⌊p·2²⁴⌋.
pub fn dropout_forward(out: &mut [f32], mask: &mut [f32], inp: &[f32], n: usize, p: f32, seed: u32) {
    let keep = (1.0 / (1.0 - p as f64)) as f32;
    let threshold = (p as f64 * 16_777_216.0).floor() as u32;
    for i in 0..n {
        let mk = if hash32(seed, i as u32) >> 8 >= threshold { keep } else { 0.0 };
        mask[i] = mk;
        out[i] = inp[i] * mk;
    }
}

/// Σ x² over x [n], in f64: eight running sums (element i into sum i mod 8), then a pairwise
/// tree. Each sum is a chain of dependent adds, and four chains left the gradient norm of a
/// baby-GPT step (0.8 M values) waiting on add latency.
pub fn sum_squares(x: &[f32], n: usize) -> f64 {
    let mut s = [0.0f64; 8];
    let mut c = x[..n].chunks_exact(8);
    for v in &mut c {
        for l in 0..8 { s[l] += v[l] as f64 * v[l] as f64; }
    }
    // leftovers
    for (l, v) in c.remainder().iter().enumerate() { s[l] += *v as f64 * *v as f64; }
    ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]))
}

// In-place variants, for calls whose output is also an input (exports.rs routes them here).
/// out += b
pub fn add_assign(out: &mut [f32], b: &[f32]) { let n = out.len(); zip4(out, b, &b[..n], |o, x, _| o.add(x)) }
/// out *= b
pub fn mul_assign(out: &mut [f32], b: &[f32]) { let n = out.len(); zip4(out, b, &b[..n], |o, x, _| o.mul(x)) }
/// out = out²
pub fn square_in_place(out: &mut [f32]) { map4_in_place(out, |x| x.mul(x)) }
/// out *= alpha
pub fn scale_in_place(out: &mut [f32], alpha: f32) { map4_in_place(out, |x| V::splat(alpha).mul(x)) }
/// out += out·b (b = None: out += out·out)
pub fn fma_self(out: &mut [f32], b: Option<&[f32]>) {
    match b {
        Some(b) => { let n = out.len(); zip4(out, b, &b[..n], |o, x, _| o.add(o.mul(x))) }
        None => map4_in_place(out, |x| x.add(x.mul(x))),
    }
}
/// dropout_forward with out = inp.
pub fn dropout_in_place(x: &mut [f32], mask: &mut [f32], n: usize, p: f32, seed: u32) {
    let keep = (1.0 / (1.0 - p as f64)) as f32;
    let threshold = (p as f64 * 16_777_216.0).floor() as u32;
    for i in 0..n {
        let mk = if hash32(seed, i as u32) >> 8 >= threshold { keep } else { 0.0 };
        mask[i] = mk;
        x[i] *= mk;
    }
}
