// The small SIMD layer, after candle's simd128.rs: `V` is four f32 lanes (wasm32 simd128) with a
// scalar twin of the same lane-wise IEEE operations elsewhere, so `cargo test` runs natively and
// computes the same bits. Masks are lanes of all-ones / all-zeros bits; `VI` is four i32 lanes.
//
// The only unsafe outside exports.rs: the simd128 load/store intrinsics take raw pointers, and
// each is given one from a checked `&[f32; 4]`, so it cannot reach outside the slice.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;
    #[derive(Clone, Copy)]
    pub struct V(pub(super) v128);
    #[derive(Clone, Copy)]
    pub struct VI(v128);

    impl V {
        #[inline(always)] pub fn splat(x: f32) -> V { V(f32x4_splat(x)) }
        #[inline(always)] pub fn load(s: &[f32]) -> V {
            let a: &[f32; 4] = s[..4].try_into().unwrap();
            V(unsafe { v128_load(a.as_ptr() as *const v128) })
        }
        /// Unchecked load at byte address `a` (matmul's kernel: lets LLVM fold constant offsets).
        /// # Safety
        /// a..a+16 must lie inside one live `[f32]` whose address was exposed by an `as usize` cast.
        #[inline(always)] pub unsafe fn load_at(a: usize) -> V { V(v128_load(a as *const v128)) }
        /// Unchecked splat of the f32 at byte address `a`.
        /// # Safety
        /// As `load_at`, for a..a+4.
        #[inline(always)] pub unsafe fn splat_at(a: usize) -> V { V(v128_load32_splat(a as *const u32)) }
        /// Unchecked store at byte address `a`.
        /// # Safety
        /// As `load_at`, for a mutable slice.
        #[inline(always)] pub unsafe fn store_at(self, a: usize) { v128_store(a as *mut v128, self.0) }
        /// Eight bf16 at byte address `a` widened to two f32 vectors (lanes 0..4, 4..8): each
        /// 16-bit value becomes the high half of a lane, a zero the low half. Written as the
        /// interleave of zeros with x (V8 emits one punpcklwd / punpckhwd for it).
        /// # Safety
        /// a..a+16 must lie inside one live `[u16]` whose address was exposed by an `as usize` cast.
        #[inline(always)] pub unsafe fn load_bf16x8_at(a: usize) -> [V; 2] {
            let (x, z) = (v128_load(a as *const v128), i16x8_splat(0));
            [V(i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(z, x)), V(i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(z, x))]
        }
        #[inline(always)] pub fn store(self, s: &mut [f32]) {
            let a: &mut [f32; 4] = (&mut s[..4]).try_into().unwrap();
            unsafe { v128_store(a.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)] pub fn add(self, b: V) -> V { V(f32x4_add(self.0, b.0)) }
        #[inline(always)] pub fn sub(self, b: V) -> V { V(f32x4_sub(self.0, b.0)) }
        #[inline(always)] pub fn mul(self, b: V) -> V { V(f32x4_mul(self.0, b.0)) }
        /// self·b + c: one fused multiply-add in the opt-in `relaxed` build (relaxed SIMD: fused
        /// where the CPU has FMA, so its bits depend on the hardware), else mul then add.
        #[cfg(target_feature = "relaxed-simd")]
        #[inline(always)] pub fn madd(self, b: V, c: V) -> V { V(f32x4_relaxed_madd(self.0, b.0, c.0)) }
        #[cfg(not(target_feature = "relaxed-simd"))]
        #[inline(always)] pub fn madd(self, b: V, c: V) -> V { self.mul(b).add(c) }
        #[inline(always)] pub fn div(self, b: V) -> V { V(f32x4_div(self.0, b.0)) }
        #[inline(always)] pub fn sqrt(self) -> V { V(f32x4_sqrt(self.0)) }
        /// Lane-wise max/min that return `self` when the comparison fails (x86 maxps order):
        /// deterministic and NaN-stable in the first operand.
        #[inline(always)] pub fn max(self, b: V) -> V { V(f32x4_pmax(self.0, b.0)) }
        #[inline(always)] pub fn min(self, b: V) -> V { V(f32x4_pmin(self.0, b.0)) }
        #[inline(always)] pub fn lt(self, b: V) -> V { V(f32x4_lt(self.0, b.0)) }
        #[inline(always)] pub fn gt(self, b: V) -> V { V(f32x4_gt(self.0, b.0)) }
        #[inline(always)] pub fn ne(self, b: V) -> V { V(f32x4_ne(self.0, b.0)) }
        /// mask ? a : b, bitwise.
        #[inline(always)] pub fn select(self, a: V, b: V) -> V { V(v128_bitselect(a.0, b.0, self.0)) }
        #[inline(always)] pub fn and(self, b: V) -> V { V(v128_and(self.0, b.0)) }
        #[inline(always)] pub fn or(self, b: V) -> V { V(v128_or(self.0, b.0)) }
        #[inline(always)] pub fn lane(self, i: usize) -> f32 {
            match i { 0 => f32x4_extract_lane::<0>(self.0), 1 => f32x4_extract_lane::<1>(self.0),
                      2 => f32x4_extract_lane::<2>(self.0), _ => f32x4_extract_lane::<3>(self.0) }
        }
        #[inline(always)] pub fn bits(self) -> VI { VI(self.0) }
        /// The 4×4 transpose of rows a, b, c, d (eight shuffles).
        #[inline(always)] pub fn transpose4(a: V, b: V, c: V, d: V) -> [V; 4] {
            let t0 = i32x4_shuffle::<0, 4, 1, 5>(a.0, b.0);
            let t1 = i32x4_shuffle::<2, 6, 3, 7>(a.0, b.0);
            let t2 = i32x4_shuffle::<0, 4, 1, 5>(c.0, d.0);
            let t3 = i32x4_shuffle::<2, 6, 3, 7>(c.0, d.0);
            [V(i32x4_shuffle::<0, 1, 4, 5>(t0, t2)), V(i32x4_shuffle::<2, 3, 6, 7>(t0, t2)),
             V(i32x4_shuffle::<0, 1, 4, 5>(t1, t3)), V(i32x4_shuffle::<2, 3, 6, 7>(t1, t3))]
        }
        /// Round-to-integer-valued f32 → i32 lanes (values already integral).
        #[inline(always)] pub fn to_int(self) -> VI { VI(i32x4_trunc_sat_f32x4(self.0)) }
    }
    impl VI {
        #[inline(always)] pub fn splat(x: i32) -> VI { VI(i32x4_splat(x)) }
        #[inline(always)] pub fn add(self, b: VI) -> VI { VI(i32x4_add(self.0, b.0)) }
        #[inline(always)] pub fn sub(self, b: VI) -> VI { VI(i32x4_sub(self.0, b.0)) }
        #[inline(always)] pub fn and(self, b: VI) -> VI { VI(v128_and(self.0, b.0)) }
        #[inline(always)] pub fn or(self, b: VI) -> VI { VI(v128_or(self.0, b.0)) }
        #[inline(always)] pub fn shl(self, s: u32) -> VI { VI(i32x4_shl(self.0, s)) }
        #[inline(always)] pub fn shr(self, s: u32) -> VI { VI(i32x4_shr(self.0, s)) }
        #[inline(always)] pub fn to_f32(self) -> V { V(f32x4_convert_i32x4(self.0)) }
        #[inline(always)] pub fn as_f32(self) -> V { V(self.0) }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    #[derive(Clone, Copy)]
    pub struct V(pub(super) [f32; 4]);
    #[derive(Clone, Copy)]
    pub struct VI([i32; 4]);
    #[inline(always)] fn m(b: bool) -> f32 { f32::from_bits(if b { u32::MAX } else { 0 }) }
    macro_rules! lanes { ($f:expr) => {{ let f = $f; [f(0usize), f(1usize), f(2usize), f(3usize)] }} }

    impl V {
        #[inline(always)] pub fn splat(x: f32) -> V { V([x; 4]) }
        #[inline(always)] pub fn load(s: &[f32]) -> V { V(s[..4].try_into().unwrap()) }
        /// # Safety
        /// As the wasm twin's.
        #[inline(always)] pub unsafe fn load_at(a: usize) -> V { V(core::ptr::read_unaligned(a as *const [f32; 4])) }
        /// # Safety
        /// As the wasm twin's.
        #[inline(always)] pub unsafe fn splat_at(a: usize) -> V { V([core::ptr::read_unaligned(a as *const f32); 4]) }
        #[inline(always)] pub unsafe fn store_at(self, a: usize) { core::ptr::write_unaligned(a as *mut [f32; 4], self.0) }
        /// # Safety
        /// As the wasm twin's.
        #[inline(always)] pub unsafe fn load_bf16x8_at(a: usize) -> [V; 2] {
            let h = core::ptr::read_unaligned(a as *const [u16; 8]);
            let f = |i: usize| f32::from_bits((h[i] as u32) << 16);
            [V([f(0), f(1), f(2), f(3)]), V([f(4), f(5), f(6), f(7)])]
        }
        #[inline(always)] pub fn store(self, s: &mut [f32]) { s[..4].copy_from_slice(&self.0) }
        #[inline(always)] pub fn add(self, b: V) -> V { V(lanes!(|i: usize| self.0[i] + b.0[i])) }
        #[inline(always)] pub fn sub(self, b: V) -> V { V(lanes!(|i: usize| self.0[i] - b.0[i])) }
        #[inline(always)] pub fn mul(self, b: V) -> V { V(lanes!(|i: usize| self.0[i] * b.0[i])) }
        #[inline(always)] pub fn madd(self, b: V, c: V) -> V { self.mul(b).add(c) }
        #[inline(always)] pub fn div(self, b: V) -> V { V(lanes!(|i: usize| self.0[i] / b.0[i])) }
        #[inline(always)] pub fn sqrt(self) -> V { V(lanes!(|i: usize| self.0[i].sqrt())) }
        // pmax(a, b) = a < b ? b : a ; pmin(a, b) = b < a ? b : a  (wasm's definitions)
        #[inline(always)] pub fn max(self, b: V) -> V { V(lanes!(|i: usize| if self.0[i] < b.0[i] { b.0[i] } else { self.0[i] })) }
        #[inline(always)] pub fn min(self, b: V) -> V { V(lanes!(|i: usize| if b.0[i] < self.0[i] { b.0[i] } else { self.0[i] })) }
        #[inline(always)] pub fn lt(self, b: V) -> V { V(lanes!(|i: usize| m(self.0[i] < b.0[i]))) }
        #[inline(always)] pub fn gt(self, b: V) -> V { V(lanes!(|i: usize| m(self.0[i] > b.0[i]))) }
        #[inline(always)] pub fn ne(self, b: V) -> V { V(lanes!(|i: usize| m(self.0[i] != b.0[i]))) }
        #[inline(always)] pub fn select(self, a: V, b: V) -> V {
            V(lanes!(|i: usize| f32::from_bits((self.0[i].to_bits() & a.0[i].to_bits()) | (!self.0[i].to_bits() & b.0[i].to_bits()))))
        }
        #[inline(always)] pub fn and(self, b: V) -> V { V(lanes!(|i: usize| f32::from_bits(self.0[i].to_bits() & b.0[i].to_bits()))) }
        #[inline(always)] pub fn or(self, b: V) -> V { V(lanes!(|i: usize| f32::from_bits(self.0[i].to_bits() | b.0[i].to_bits()))) }
        #[inline(always)] pub fn lane(self, i: usize) -> f32 { self.0[i] }
        #[inline(always)] pub fn bits(self) -> VI { VI(lanes!(|i: usize| self.0[i].to_bits() as i32)) }
        #[inline(always)] pub fn transpose4(a: V, b: V, c: V, d: V) -> [V; 4] {
            let r = [a.0, b.0, c.0, d.0];
            [V(lanes!(|i: usize| r[i][0])), V(lanes!(|i: usize| r[i][1])), V(lanes!(|i: usize| r[i][2])), V(lanes!(|i: usize| r[i][3]))]
        }
        #[inline(always)] pub fn to_int(self) -> VI { VI(lanes!(|i: usize| self.0[i] as i32)) }
    }
    impl VI {
        #[inline(always)] pub fn splat(x: i32) -> VI { VI([x; 4]) }
        #[inline(always)] pub fn add(self, b: VI) -> VI { VI(lanes!(|i: usize| self.0[i].wrapping_add(b.0[i]))) }
        #[inline(always)] pub fn sub(self, b: VI) -> VI { VI(lanes!(|i: usize| self.0[i].wrapping_sub(b.0[i]))) }
        #[inline(always)] pub fn and(self, b: VI) -> VI { VI(lanes!(|i: usize| self.0[i] & b.0[i])) }
        #[inline(always)] pub fn or(self, b: VI) -> VI { VI(lanes!(|i: usize| self.0[i] | b.0[i])) }
        #[inline(always)] pub fn shl(self, s: u32) -> VI { VI(lanes!(|i: usize| self.0[i] << s)) }
        #[inline(always)] pub fn shr(self, s: u32) -> VI { VI(lanes!(|i: usize| self.0[i] >> s)) }
        #[inline(always)] pub fn to_f32(self) -> V { V(lanes!(|i: usize| self.0[i] as f32)) }
        #[inline(always)] pub fn as_f32(self) -> V { V(lanes!(|i: usize| f32::from_bits(self.0[i] as u32))) }
    }
}

pub use imp::{V, VI};

impl V {
    #[inline(always)] pub fn zero() -> V { V::splat(0.0) }
    /// Horizontal sum in a fixed order, (l0 + l2) + (l1 + l3), as a shuffle-add tree computes it.
    #[inline(always)] pub fn hsum(self) -> f32 { (self.lane(0) + self.lane(2)) + (self.lane(1) + self.lane(3)) }
    #[inline(always)] pub fn hmax(self) -> f32 {
        let (a, b) = (self.lane(0).max(self.lane(2)), self.lane(1).max(self.lane(3)));
        a.max(b)
    }
}

/// Σ a[i]·b[i] over the first n elements: four lanes, then a scalar leftovers tail.
#[inline]
pub fn dot(a: &[f32], b: &[f32], n: usize) -> f32 {
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = V::zero();
    let mut ca = a.chunks_exact(4);
    for (x, y) in (&mut ca).zip(b.chunks_exact(4)) { acc = acc.add(V::load(x).mul(V::load(y))); }
    let mut s = acc.hsum();
    // leftovers
    let r = ca.remainder().len();
    for i in n - r..n { s += a[i] * b[i]; }
    s
}

/// y[i] += alpha·x[i] over the first n elements.
#[inline]
pub fn axpy(y: &mut [f32], alpha: f32, x: &[f32], n: usize) {
    let (y, x) = (&mut y[..n], &x[..n]);
    let va = V::splat(alpha);
    let mut cy = y.chunks_exact_mut(4);
    for (yy, xx) in (&mut cy).zip(x.chunks_exact(4)) { V::load(yy).add(va.mul(V::load(xx))).store(yy); }
    let r = cy.into_remainder();
    let off = n - r.len();
    // leftovers
    for (i, yy) in r.iter_mut().enumerate() { *yy += alpha * x[off + i]; }
}
