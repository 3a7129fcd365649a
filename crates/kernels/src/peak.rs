// The machine's SIMD128 peak, measured: twelve independent mul+add chains held in registers
// (no loads in the loop), each chain's result consumed at the end so none can be merged or
// hoisted. FLOPs = iters · 12 chains · 4 lanes · 2. The bench divides by the time taken.

use crate::simd::V;

/// Runs the probe; returns a value that depends on every chain.
pub fn peak_probe(iters: u32, seed: f32) -> f32 {
    let m = V::splat(0.999_99 + seed * 1e-9); // |m| < 1: chains converge, never overflow
    let c = V::splat(1e-3);
    let mut a = [V::zero(); 12];
    for (i, x) in a.iter_mut().enumerate() { *x = V::splat(seed + i as f32); }
    let [mut a0, mut a1, mut a2, mut a3, mut a4, mut a5, mut a6, mut a7, mut a8, mut a9, mut a10, mut a11] = a;
    for _ in 0..iters {
        a0 = a0.mul(m).add(c); a1 = a1.mul(m).add(c); a2 = a2.mul(m).add(c); a3 = a3.mul(m).add(c);
        a4 = a4.mul(m).add(c); a5 = a5.mul(m).add(c); a6 = a6.mul(m).add(c); a7 = a7.mul(m).add(c);
        a8 = a8.mul(m).add(c); a9 = a9.mul(m).add(c); a10 = a10.mul(m).add(c); a11 = a11.mul(m).add(c);
    }
    let s = a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).add(a8.add(a9).add(a10.add(a11)));
    s.hsum()
}

/// The ceiling of matmul's register tile: the 4×8 kernel alone, over one packed A panel and one
/// B panel (gemm's k-block, 24 KiB, L1-resident) that it reads again and again, with the tile
/// store it does in gemm. No packing, no cache misses: what is left is the tile's own
/// instruction stream as V8 compiles it. FLOPs = iters · 2·4·8·KC.
pub fn tile_probe(iters: u32, seed: f32) -> f32 {
    use crate::matmul::{kernel, store_tile, KC, MR, NR};
    let ap: Vec<f32> = (0..MR * KC).map(|i| seed * 1e-3 + (i % 7) as f32 * 1e-3).collect();
    let bp: Vec<f32> = (0..NR * KC).map(|i| (i % 5) as f32 * 1e-3 - 2e-3).collect();
    let mut out = [0.0f32; MR * NR];
    for _ in 0..iters {
        let acc = kernel::<MR>(&ap, &bp);
        store_tile::<MR>(&mut out, &acc, None, 0, 0, MR, NR, NR, false, false);
    }
    out.iter().sum()
}
