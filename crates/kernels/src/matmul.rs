// matmul (all transpose flags, bias, accumulate, batch) and sum_rows: the fast twin of
// ts/backend/js/matmul.ts. GotoBLAS/BLIS structure (as in llm.c's matmul_forward notes and
// candle's gemm): pack B into KC×NR panels and A into MR×KC panels, then a 4×8 register tile.
//
// Why 4×8 and no k-unroll: V8 (TurboFan) has 16 xmm registers (one is its scratch), and hoists
// all loads of an unrolled body, which spills; 8 accumulators + 2 B vectors + 1 A splat fit.
// Transposes cost nothing in the kernel: packing reads A, Aᵀ, B or Bᵀ into the same layout.
// The 4×8 kernel (`kernel4`) and matvec.rs's inner loops are the unsafe spots outside
// simd.rs/exports.rs: raw byte addresses, so that the wasm loads carry their constant offsets
// (V8 then needs no address adds).

use crate::simd::V;
use crate::matvec;
use std::cell::RefCell;

pub const MR: usize = 4; // rows of the register tile
pub const NR: usize = 8; // columns (two f32x4)
const JB: usize = 16; // columns of B packed at a time when all of M is one row block (2 panels)
// Block sizes (lscpu here: 32 KiB L1d, 512 KiB L2 per core). KC 512 over 256: 1024³ 1.02–1.07×,
// 768×512×128 1.04–1.07×, 64×768×2304 1.00× (21–31 interleaved rounds, in one instance and in
// two run in both orders): each tile runs twice as long per store of its accumulators. MC and
// NC moved results by less than ±3%.
pub(crate) const KC: usize = 512; // k-block: a KC×NR B panel is 16 KiB, in L1 beside a 8 KiB A panel
const MC: usize = 128; // rows per A block: MC×KC = 256 KiB in L2
const NC: usize = 512; // columns per B block

thread_local! {
    /// Packing panels, grow-only: allocated once per larger size, never on the hot path.
    static PACK: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// A strided matrix view: element (r, c) at off + r·rs + c·cs.
#[derive(Clone, Copy)]
pub(crate) struct Mat<'a> { pub s: &'a [f32], pub rs: usize, pub cs: usize }

/// Where the kernel's B panels come from: packed on the fly from a strided view, or a whole
/// matrix packed once by `pack_matrix` (a weight reused across calls: prefill, batched decode).
#[derive(Clone, Copy)]
pub(crate) enum BSrc<'a> { View(Mat<'a>), Packed(&'a [f32]) }

/// out[b] (+)= op(a[b])·op(b[b]) + bias.
/// out [batch, m, n]; a [batch, m, k] or (trans_a) [batch, k, m];
/// b [batch, k, n] or (trans_b) [batch, n, k]; bias [n] or None.
#[allow(clippy::too_many_arguments)]
pub fn matmul(out: &mut [f32], a: &[f32], b: &[f32], bias: Option<&[f32]>, batch: usize,
              m: usize, k: usize, n: usize, trans_a: bool, trans_b: bool, accumulate: bool) {
    if m == 0 || n == 0 { return; }
    for bi in 0..batch {
        let o = &mut out[bi * m * n..][..m * n];
        let ab = &a[bi * m * k..][..m * k];
        let bb = &b[bi * k * n..][..k * n];
        let am = if trans_a { Mat { s: ab, rs: 1, cs: m } } else { Mat { s: ab, rs: k, cs: 1 } };
        if k == 0 {
            init_rows(o, bias, m, n, accumulate);
        } else if uses_matvec(m, k, n, trans_a) {
            // one row or a few (decoding, batched decoding): matrix–vector products streaming B,
            // pairs of rows sharing each read. gemm would pack all of B for 2–15 rows: 1.3–6.3×
            // slower when B comes from memory (768×3072: 1.8 vs 11.1 GFLOP/s at m = 2, one row
            // at a time), while a B that stays in L2 (≤ 1 MiB) still repays its packing from 8
            // rows on (12×512×128: one row at a time 0.73×).
            matvec::matvec(o, ab, bb, bias, m, k, n, trans_b, accumulate);
        } else {
            let bm = if trans_b { Mat { s: bb, rs: 1, cs: k } } else { Mat { s: bb, rs: n, cs: 1 } };
            gemm::<MR>(o, n, am, BSrc::View(bm), bias, m, k, n, accumulate, Blocks::DEFAULT);
        }
    }
}

/// Whether `matmul` takes the few-row matvec path for this shape (split.rs splits that path by
/// columns, the GEMM by rows or columns: the choice must be the whole product's, not a part's).
#[inline]
pub(crate) fn uses_matvec(m: usize, k: usize, n: usize, trans_a: bool) -> bool {
    !trans_a && (m < 8 || (m < 16 && k * n >= 1 << 18))
}

pub(crate) fn init_rows(o: &mut [f32], bias: Option<&[f32]>, m: usize, n: usize, accumulate: bool) {
    for row in o.chunks_exact_mut(n).take(m) {
        for (j, x) in row.iter_mut().enumerate() {
            let v = bias.map_or(0.0, |b| b[j]);
            *x = if accumulate { *x + v } else { v };
        }
    }
}

/// out (+)= A·B for strided views (attention's per-head products); out rows at stride ldc.
/// a: (m × k), b: (k × n) as Mat views; nothing is allocated but the grow-only panels.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm_strided(out: &mut [f32], ldc: usize, a: Mat, b: Mat, m: usize, k: usize, n: usize,
                           accumulate: bool) {
    if m == 0 || n == 0 || k == 0 { return; }
    gemm::<MR>(out, ldc, a, BSrc::View(b), None, m, k, n, accumulate, Blocks::DEFAULT)
}

/// Cache block sizes (see the constants above).
#[derive(Clone, Copy)]
pub struct Blocks { pub kc: usize, pub mc: usize, pub nc: usize }
impl Blocks { pub const DEFAULT: Blocks = Blocks { kc: KC, mc: MC, nc: NC }; }

#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm<const R: usize>(out: &mut [f32], ldc: usize, a: Mat, b: BSrc, bias: Option<&[f32]>, m: usize,
        k: usize, n: usize, accumulate: bool, blk: Blocks) {
    let (kcb, mcb, ncb) = (blk.kc, blk.mc.div_ceil(R) * R, blk.nc);
    PACK.with(|cell| {
        let (pa, pb) = &mut *cell.borrow_mut();
        let need_b = if let BSrc::View(_) = b { kcb.min(k) * round_up(ncb.min(n), NR) } else { 0 };
        let need_a = kcb.min(k) * round_up(mcb.min(m), R);
        if pb.len() < need_b { pb.resize(need_b, 0.0); }
        if pa.len() < need_a { pa.resize(need_a, 0.0); }
        if m <= mcb {
            // one row block (M ≤ MC, e.g. 64×768×2304): no B panel is reused by another block,
            // so pack 16 columns right before use into a 32 KiB buffer that L1 mostly keeps,
            // instead of a whole NC block (1 MiB, beyond L2) read back later. 64×768×2304 at KC
            // 256: 1.045× (16 columns), 1.03× (8), 1.02× (32); at KC 512, 8 columns 0.97–0.99×
            // of 16. Packing the next block a few rows per tile (to overlap its misses)
            // 0.75–0.89×; reading B rows in order 0.96–0.98×, and whole k-blocks row by row
            // (512–2048 columns, each row one sequential read) 0.89–0.93×.
            for pc in (0..k).step_by(kcb) {
                let kc = kcb.min(k - pc);
                let first = pc == 0;
                pack_a::<R>(pa, a, 0, m, pc, kc);
                for jb in (0..n).step_by(JB) {
                    let nb = JB.min(n - jb);
                    if let BSrc::View(bv) = b { pack_b(pb, bv, pc, kc, jb, nb); }
                    for jr in (0..nb).step_by(NR) {
                        let bp = panel(b, pb, round_up(n, NR), pc, kc, jb, jr);
                        for ir in (0..m).step_by(R) {
                            let ap = &pa[ir * kc..][..kc * R];
                            let acc = kernel::<R>(ap, bp);
                            let j0 = jb + jr;
                            store_tile::<R>(out, &acc, bias, ir, j0, R.min(m - ir), NR.min(n - j0), ldc,
                                       first && !accumulate, first);
                        }
                    }
                }
            }
            return;
        }
        for jc in (0..n).step_by(ncb) {
            let nc = ncb.min(n - jc);
            for pc in (0..k).step_by(kcb) {
                let kc = kcb.min(k - pc);
                if let BSrc::View(bv) = b { pack_b(pb, bv, pc, kc, jc, nc); }
                // the first k-block writes (or adds onto) out with the bias; later ones add
                let first = pc == 0;
                for ic in (0..m).step_by(mcb) {
                    let mc = mcb.min(m - ic);
                    pack_a::<R>(pa, a, ic, mc, pc, kc);
                    for jr in (0..nc).step_by(NR) {
                        let bp = panel(b, pb, round_up(n, NR), pc, kc, jc, jr);
                        for ir in (0..mc).step_by(R) {
                            let ap = &pa[ir * kc..][..kc * R];
                            let acc = kernel::<R>(ap, bp);
                            let (i0, j0) = (ic + ir, jc + jr);
                            store_tile::<R>(out, &acc, bias, i0, j0, R.min(m - i0), NR.min(n - j0), ldc,
                                       first && !accumulate, first);
                        }
                    }
                }
            }
        }
    });
}

#[inline(always)]
fn round_up(x: usize, r: usize) -> usize { x.div_ceil(r) * r }

/// The kc×NR panel of B for k-rows pc.. and columns j0 + jr..: in `pb` (packed just now from
/// column j0 on) or in a whole matrix packed by `pack_matrix` (n rounded up to 8 = `np`).
#[inline(always)]
fn panel<'a>(b: BSrc<'a>, pb: &'a [f32], np: usize, pc: usize, kc: usize, j0: usize, jr: usize) -> &'a [f32] {
    match b {
        BSrc::View(_) => &pb[jr * kc..][..kc * NR],
        BSrc::Packed(pk) => &pk[pc * np + (j0 + jr) * kc..][..kc * NR],
    }
}

/// The register tile: acc[r] = Σ_p ap[p][r]·bp[p][0..8] over one k-block (R rows × 8 columns).
/// ap [kc, R] packed, bp [kc, NR] packed. No k-unroll (see the top of the file).
#[inline(always)]
pub(crate) fn kernel<const R: usize>(ap: &[f32], bp: &[f32]) -> [[V; 2]; R] {
    if R == 4 {
        let c = kernel4(ap, bp);
        return core::array::from_fn(|r| c[r]);
    }
    // other tile heights (matmul_tune only): the plain slice version
    let mut c = [[V::zero(); 2]; R];
    for (av, bv) in ap.chunks_exact(R).zip(bp.chunks_exact(NR)) {
        let b0 = V::load(&bv[0..4]);
        let b1 = V::load(&bv[4..8]);
        for r in 0..R {
            let a = V::splat(av[r]);
            c[r][0] = a.madd(b0, c[r][0]);
            c[r][1] = a.madd(b1, c[r][1]);
        }
    }
    c
}

/// The 4×8 tile, written for the code V8 generates. LLVM's loop strength reduction turns
/// `a + 12` into a plain (wrapping) `i32.add`, which cannot become a load's offset field (wasm
/// offsets do not wrap), so V8 emitted 5 `lea` per k besides 6 loads and 16 FP ops. The build
/// turns that pass off (`-C llvm-args=-disable-lsr`, scripts/build-wasm.mjs), and every
/// `unchecked_add` (an `add nuw`) then folds into its load: `v128.load32_splat offset=12`. The B
/// address is derived, pb = 2·pa + d (one `lea`), because a B step (8 floats) is twice an A step
/// (4 floats): one recurrence, and the loop ends on pa. Per k: 6 loads, 16 FP, 3 integer ops.
/// Before the flag the same folding needed pa masked with a black-boxed !0 to hide the loop
/// from the pass (1.04–1.05× over slices), which cost an `and` per k; without it the tile alone
/// runs 1.06× faster (benches/results/kernels.md). k-unrolled by 2 or 4: 0.61–0.88×, the loads
/// of all steps come first and V8 spills.
#[inline(always)]
fn kernel4(ap: &[f32], bp: &[f32]) -> [[V; 2]; 4] {
    let kc = bp.len() / NR;
    assert!(ap.len() >= 4 * kc && bp.len() == NR * kc);
    let mut c = [[V::zero(); 2]; 4];
    let pa0 = ap.as_ptr() as usize;
    let end = pa0 + 16 * kc;
    let d = (bp.as_ptr() as usize).wrapping_sub(pa0.wrapping_mul(2));
    let mut pa = pa0;
    while pa != end {
        // SAFETY: step p (0 ≤ p < kc, asserted above) has pa = ap + 16p bytes and pb = bp + 32p,
        // so the 4 floats at pa and the 8 at pb are inside ap and bp; the adds cannot overflow
        // since they stay inside those slices.
        unsafe {
            let pb = pa.wrapping_mul(2).wrapping_add(d);
            let b0 = V::load_at(pb);
            let b1 = V::load_at(pb.unchecked_add(16));
            for (r, cr) in c.iter_mut().enumerate() {
                let a = V::splat_at(pa.unchecked_add(4 * r));
                cr[0] = a.madd(b0, cr[0]); // a·b + c: the same bits as c + a·b in the simd build
                cr[1] = a.madd(b1, cr[1]);
            }
            pa = pa.unchecked_add(16);
        }
    }
    c
}

/// Writes a tile: out = acc (+ bias) when `assign`, else out += acc (+ bias when `with_bias`).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn store_tile<const R: usize>(out: &mut [f32], acc: &[[V; 2]; R], bias: Option<&[f32]>, i0: usize, j0: usize,
              mr: usize, nr: usize, ldc: usize, assign: bool, with_bias: bool) {
    let bias = if with_bias { bias } else { None };
    if mr == R && nr == NR {
        let (b0, b1) = match bias {
            Some(b) => (V::load(&b[j0..]), V::load(&b[j0 + 4..])),
            None => (V::zero(), V::zero()),
        };
        for (r, ac) in acc.iter().enumerate() {
            let row = &mut out[(i0 + r) * ldc + j0..][..NR];
            let (mut v0, mut v1) = (ac[0].add(b0), ac[1].add(b1));
            if !assign { v0 = V::load(&row[0..4]).add(v0); v1 = V::load(&row[4..8]).add(v1); }
            v0.store(&mut row[0..4]);
            v1.store(&mut row[4..8]);
        }
        return;
    }
    // leftovers: a partial tile at the right or bottom edge
    let mut t = [[0.0f32; NR]; R];
    for (tr, ac) in t.iter_mut().zip(acc) {
        ac[0].store(&mut tr[0..4]);
        ac[1].store(&mut tr[4..8]);
    }
    for r in 0..mr {
        let row = &mut out[(i0 + r) * ldc + j0..][..nr];
        for (c, x) in row.iter_mut().enumerate() {
            let v = t[r][c] + bias.map_or(0.0, |b| b[j0 + c]);
            *x = if assign { v } else { *x + v };
        }
    }
}

/// pb ← B[pc.., jc..] as panels of NR columns: pb[jr·kc + p·NR + c] = B(pc+p, jc+jr+c),
/// zero-padded past n.
fn pack_b(pb: &mut [f32], b: Mat, pc: usize, kc: usize, jc: usize, nc: usize) {
    for jr in (0..nc).step_by(NR) {
        let w = NR.min(nc - jr);
        let panel = &mut pb[jr * kc..][..kc * NR];
        let j = jc + jr;
        if b.cs == 1 && w == NR {
            // rows of B are contiguous: copy 8 floats per k
            for (p, dst) in panel.chunks_exact_mut(NR).enumerate() {
                let src = &b.s[(pc + p) * b.rs + j..][..NR];
                V::load(&src[0..4]).store(&mut dst[0..4]);
                V::load(&src[4..8]).store(&mut dst[4..8]);
            }
        } else if b.rs == 1 && w == NR {
            // Bᵀ: each column of the panel is a contiguous run of one row of Bᵀ; four of them
            // at a time through a 4×4 register transpose, four k per step (scalar gathers and
            // 8-strided scalar stores were most of dX = dY·Wᵀ's packing)
            let k4 = kc - kc % 4;
            for c0 in [0, 4] {
                let r: [&[f32]; 4] = core::array::from_fn(|q| &b.s[(j + c0 + q) * b.cs + pc..][..kc]);
                for p in (0..k4).step_by(4) {
                    let t = V::transpose4(V::load(&r[0][p..]), V::load(&r[1][p..]), V::load(&r[2][p..]), V::load(&r[3][p..]));
                    for (i, v) in t.iter().enumerate() { v.store(&mut panel[(p + i) * NR + c0..]); }
                }
                // leftovers
                for p in k4..kc { for q in 0..4 { panel[p * NR + c0 + q] = r[q][p]; } }
            }
        } else {
            // an edge panel (fewer than 8 columns left), of B or Bᵀ, element by element
            for c in 0..NR {
                if c < w {
                    for p in 0..kc { panel[p * NR + c] = b.s[(pc + p) * b.rs + (j + c) * b.cs]; }
                } else {
                    for p in 0..kc { panel[p * NR + c] = 0.0; }
                }
            }
        }
    }
}

/// pa ← A[ic.., pc..] as panels of MR rows: pa[ir·kc + p·MR + r] = A(ic+ir+r, pc+p),
/// zero-padded past m.
fn pack_a<const R: usize>(pa: &mut [f32], a: Mat, ic: usize, mc: usize, pc: usize, kc: usize) {
    for ir in (0..mc).step_by(R) {
        let h = R.min(mc - ir);
        let panel = &mut pa[ir * kc..][..kc * R];
        let i = ic + ir;
        if a.rs == 1 && h == R {
            // Aᵀ: the R values of one k are contiguous
            for (p, dst) in panel.chunks_exact_mut(R).enumerate() {
                dst.copy_from_slice(&a.s[(pc + p) * a.cs + i..][..R]);
            }
        } else if a.cs == 1 && h == R && R == 4 {
            // A: walk the four rows side by side
            let r0 = &a.s[i * a.rs + pc..][..kc];
            let r1 = &a.s[(i + 1) * a.rs + pc..][..kc];
            let r2 = &a.s[(i + 2) * a.rs + pc..][..kc];
            let r3 = &a.s[(i + 3) * a.rs + pc..][..kc];
            // four k at a time through a 4×4 register transpose (scalar gathers cost ~9% of
            // (768, 512, 128)), then the leftovers one k at a time
            let k4 = kc - kc % 4;
            let it = panel.chunks_exact_mut(16).zip(r0.chunks_exact(4)).zip(r1.chunks_exact(4))
                .zip(r2.chunks_exact(4)).zip(r3.chunks_exact(4));
            for ((((dst, x0), x1), x2), x3) in it {
                let t = V::transpose4(V::load(x0), V::load(x1), V::load(x2), V::load(x3));
                for (q, v) in t.iter().enumerate() { v.store(&mut dst[4 * q..]); }
            }
            // leftovers
            for p in k4..kc {
                let dst = &mut panel[p * MR..][..MR];
                dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p]; dst[3] = r3[p];
            }
        } else {
            for r in 0..R {
                for p in 0..kc {
                    panel[p * R + r] = if r < h { a.s[(i + r) * a.rs + (pc + p) * a.cs] } else { 0.0 };
                }
            }
        }
    }
}

/// out[n] (+)= Σ_rows inp[m, n], summed down the rows in order (four columns per lane).
pub fn sum_rows(out: &mut [f32], inp: &[f32], m: usize, n: usize, accumulate: bool) {
    let out = &mut out[..n];
    if !accumulate { out.iter_mut().for_each(|x| *x = 0.0); }
    for row in inp.chunks_exact(n.max(1)).take(m) {
        let mut co = out.chunks_exact_mut(4);
        let mut ci = row.chunks_exact(4);
        for (o, x) in (&mut co).zip(&mut ci) { V::load(o).add(V::load(x)).store(o); }
        // leftovers
        for (o, x) in co.into_remainder().iter_mut().zip(ci.remainder()) { *o += *x; }
    }
}

/// Tuning entry (benches only): A·B with a chosen tile height and block sizes.
#[allow(clippy::too_many_arguments)]
pub fn matmul_tune(out: &mut [f32], a: &[f32], b: &[f32], m: usize, k: usize, n: usize, r: usize, blk: Blocks) {
    let am = Mat { s: a, rs: k, cs: 1 };
    let bm = BSrc::View(Mat { s: b, rs: n, cs: 1 });
    match r {
        2 => gemm::<2>(out, n, am, bm, None, m, k, n, false, blk),
        3 => gemm::<3>(out, n, am, bm, None, m, k, n, false, blk),
        5 => gemm::<5>(out, n, am, bm, None, m, k, n, false, blk),
        6 => gemm::<6>(out, n, am, bm, None, m, k, n, false, blk),
        _ => gemm::<4>(out, n, am, bm, None, m, k, n, false, blk),
    }
}

/// Length of `pack_matrix`'s output: k rows of every 8-column panel (n rounded up to 8).
pub fn packed_len(k: usize, n: usize) -> usize { k * round_up(n, NR) }

/// dst ← op(b) [k, n] in the kernel's panel layout, once, for a B used by many calls: the KC
/// k-blocks one after another, each as gemm packs it (8-column panels, zero past n), so the
/// kernel reads one k-block's panels as a single forward stream (the hardware prefetcher
/// follows it; whole-k panels, a jump per panel, ran 0.92× of this on 64×768×2304).
/// b [k, n] or (trans_b) [n, k].
pub fn pack_matrix(dst: &mut [f32], b: &[f32], k: usize, n: usize, trans_b: bool) {
    if k == 0 || n == 0 { return; }
    let bm = if trans_b { Mat { s: b, rs: 1, cs: k } } else { Mat { s: b, rs: n, cs: 1 } };
    let np = round_up(n, NR);
    for pc in (0..k).step_by(KC) {
        let kc = KC.min(k - pc);
        pack_b(&mut dst[pc * np..][..kc * np], bm, pc, kc, 0, n);
    }
}

/// out (+)= op(a)·B + bias with B packed by `pack_matrix`: from 16 rows on the bits of `matmul`
/// on the unpacked B (the same tiles sum in the same order). Fewer than four rows run as 1×8
/// tiles, so a decode step over a packed weight does not compute three padding rows per row.
#[allow(clippy::too_many_arguments)]
pub fn matmul_packed(out: &mut [f32], a: &[f32], packed: &[f32], bias: Option<&[f32]>, m: usize, k: usize,
                     n: usize, trans_a: bool, accumulate: bool) {
    if m == 0 || n == 0 { return; }
    let o = &mut out[..m * n];
    if k == 0 { return init_rows(o, bias, m, n, accumulate); }
    let am = if trans_a { Mat { s: &a[..m * k], rs: 1, cs: m } } else { Mat { s: &a[..m * k], rs: k, cs: 1 } };
    let b = BSrc::Packed(&packed[..packed_len(k, n)]);
    if m < MR { gemm::<1>(o, n, am, b, bias, m, k, n, accumulate, Blocks::DEFAULT) }
    else { gemm::<MR>(o, n, am, b, bias, m, k, n, accumulate, Blocks::DEFAULT) }
}
