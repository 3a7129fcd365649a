// Kernel benchmark: matmul (js twin, wasm, tfjs-wasm) and fused attention (js, wasm) on a named
// shape table, as GFLOP/s and as a fraction of the machine's measured SIMD128 peak (candle's
// named-shape benches, nanoGPT's bench.py MFU). Shipped with the package: `npx glassgpt bench
// kernels [--json] [--rounds N]` (in the repository also `npx tsx benches/kernels.ts`). The
// tfjs-wasm and jax-js columns appear when the user has installed those packages.
//
// Methodology: this machine flips between a fast and a ~1.7× slower mode every few seconds, so
// the compared implementations (and the peak probe) run interleaved within each round, and we
// quote medians of GFLOP/s and medians of the per-round ratios.

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createBackend, supportsVariant, type Backend, type Buf } from '../backend/index.js';
import { compileKernels } from '../backend/wasm/loader.js';
import { enableRelaxedSimd } from '../cli/backend.js';

const MATMUL_SHAPES: [number, number, number][] = [
  [768, 128, 128], [768, 128, 512], [768, 512, 128], [256, 256, 256],
  [1024, 1024, 1024], [64, 768, 2304], [1, 768, 3072],
  [4, 768, 3072], // batched decoding, four sequences (not an issue shape)
];
const ATTENTION_SHAPES: [number, number, number, number][] = [[12, 4, 64, 32], [1, 12, 256, 64]];
const SAMPLE_MS = 40; // each sample repeats the op until at least this long
const WARMUP_MS = 300;
const SLOW_S = 1; // an op slower than this (the js twin on 1024³) is timed in the first round only

type Op = () => void;
const allPeaks: number[] = []; // every peak sample, taken between the compared runs
interface Impl { name: string; op: Op; reps: number }

// the opt-in relaxed build is timed too (benches/train.ts relies on this import having done it)
enableRelaxedSimd();
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };

/** Seconds per call of op, timed over `reps` calls. */
function time(op: Op, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) op();
  return (performance.now() - t0) / 1000 / reps;
}
/** Warms op up (V8 tiers wasm from Liftoff to TurboFan in the background, JS likewise), then
 *  returns how many calls make a sample of at least SAMPLE_MS (1 for slow ops). */
function calibrate(op: Op): number {
  const t0 = performance.now();
  if (time(op, 1) > SLOW_S) return 1;
  while (performance.now() - t0 < WARMUP_MS) op();
  const s = time(op, 1);
  return Math.max(1, Math.ceil(SAMPLE_MS / 1000 / Math.max(s, 1e-7)));
}

/** The register-only SIMD128 probe exported by the kernels module: GFLOP/s of one sample.
 *  `tile` instead times matmul's 4×8 register tile alone on L1-resident panels (`tile_probe`):
 *  the ceiling of the GEMM as V8 compiles it, before any packing or cache miss. */
export async function peakProbe(which: 'peak' | 'tile' = 'peak'): Promise<() => number> {
  const instance = await WebAssembly.instantiate(await compileKernels(), {});
  const probe = instance.exports[`${which}_probe`] as (iters: number, seed: number) => number;
  const flopsPerIter = which === 'peak' ? 12 * 4 * 2 : 2 * 4 * 8 * 512; // tile: gemm's KC = 512
  let iters = 1 << 10, sink = 0;
  for (;;) { const t0 = performance.now(); sink += probe(iters, 1); if (performance.now() - t0 > SAMPLE_MS / 2 || iters > 1 << 28) break; iters *= 2; }
  return () => {
    const t0 = performance.now();
    sink += probe(iters, sink > 1e30 ? 0 : 1); // consumed, so the call cannot be dropped
    return (iters * flopsPerIter) / ((performance.now() - t0) / 1000) / 1e9;
  };
}

async function tfjsWasm(): Promise<typeof import('@tensorflow/tfjs-core') | null> {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(dir + '/');
    wasm.setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) return null;
    return tf;
  } catch {
    return null;
  }
}

/** @jax-js/jax's wasm device (its README: "multi-threaded when SharedArrayBuffer is available";
 *  in Node it ran on one thread here: CPU time ≤ wall time). null when not installed. */
async function jaxWasm(): Promise<{ matmul: (m: number, k: number, n: number) => () => void } | null> {
  try {
    const jax = await import('@jax-js/jax');
    await jax.init('wasm'); // 'wasm' only: probing WebGPU needs a navigator, which Node lacks
    jax.defaultDevice('wasm');
    return {
      matmul: (m, k, n) => {
        const a = jax.random.uniform(jax.random.key(1), [m, k]), b = jax.random.uniform(jax.random.key(2), [k, n]);
        const f = jax.jit((x: typeof a, y: typeof b) => jax.numpy.matmul(x, y));
        return () => { f(a.ref, b.ref).dataSync(); }; // dataSync waits for the result (and consumes it)
      },
    };
  } catch {
    return null;
  }
}

function rand(be: Backend, n: number, seed: number): Buf {
  const buf = be.alloc(n);
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = s / 2 ** 32 - 0.5; }
  be.write(buf, x);
  return buf;
}

interface Row { bench: string; shape: Record<string, number>; flops: number; impls: string[]; g: Record<string, number[]>; ratio: Record<string, number[]>; frac: Record<string, number[]> }
const OURS = ['wasm', 'wasm-packed', 'wasm-relaxed'], THEIRS = ['tfjs-wasm', 'jax-js-wasm', 'js', 'wasm'];

/** Runs the impls interleaved for `rounds` rounds with a peak sample each round. */
function measure(row: Row, impls: Impl[], rounds: number, peak: () => number): void {
  for (const im of impls) im.reps = calibrate(im.op);
  const slow: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    const g: Record<string, number> = {};
    for (const im of impls) {
      if (slow[im.name]) { g[im.name] = slow[im.name]; continue; }
      const s = time(im.op, im.reps);
      g[im.name] = row.flops / s / 1e9;
      if (s > SLOW_S) slow[im.name] = g[im.name];
    }
    const p = peak();
    allPeaks.push(p);
    for (const im of impls) (row.g[im.name] ??= []).push(g[im.name]);
    for (const ours of OURS) {
      if (!g[ours]) continue;
      (row.frac[ours] ??= []).push(g[ours] / p);
      for (const other of THEIRS) if (g[other]) (row.ratio[`${ours}/${other}`] ??= []).push(g[ours] / g[other]);
    }
  }
}

export async function runKernelBench(opts: { json: boolean; rounds?: number; threads?: number[] }): Promise<void> {
  const rounds = opts.rounds ?? 5;
  // --threads 1,2: the wasm column at the first count, `wasm×N` columns at the others (same bits)
  const [t0, ...more] = opts.threads ?? [1];
  const [js, wasm, tf, jax, peak, tile] = [await createBackend('js'), await createBackend('wasm', { threads: t0 }), await tfjsWasm(), await jaxWasm(), await peakProbe(), await peakProbe('tile')];
  const extra: Backend[] = [];
  for (const t of more) extra.push(await createBackend('wasm', { threads: t }));
  const xname = (be: Backend) => `wasm×${be.threads}`;
  for (const be of extra) OURS.push(xname(be));
  const threadsOf = (impl: string) => (impl === 'wasm' || impl === 'wasm-packed' ? wasm.threads : /^wasm×\d+$/.test(impl) ? Number(impl.slice(5)) : 1);
  // the opt-in relaxed build (FMA; bits depend on the hardware): timed when the runtime has relaxed SIMD
  const relaxed = supportsVariant('relaxed') ? await createBackend('wasm', { variant: 'relaxed' }) : null;
  // the probes up front, and the tile's ceiling as a fraction of the peak sampled around it
  const peaks: number[] = [], tiles: number[] = [], tileFrac: number[] = [];
  for (let i = 0; i < 3 * rounds; i++) {
    const p0 = peak(), t = tile(), p1 = peak();
    peaks.push(p0, p1); tiles.push(t); tileFrac.push((2 * t) / (p0 + p1));
  }
  const ceiling = { gflops: median(tiles), frac: median(tileFrac) };
  const rows: Row[] = [];
  const out = (o: object) => { if (opts.json) console.log(JSON.stringify(o)); };
  out({ bench: 'peak', impl: 'wasm', threads: 1, gflops: +median(peaks).toFixed(2) });
  out({ bench: 'matmul-tile', impl: 'wasm', threads: 1, gflops: +ceiling.gflops.toFixed(2), ofPeak: +ceiling.frac.toFixed(3) });

  for (const [m, k, n] of MATMUL_SHAPES) {
    const row: Row = { bench: 'matmul', shape: { m, k, n }, flops: 2 * m * k * n, impls: [], g: {}, ratio: {}, frac: {} };
    const impls: Impl[] = [];
    for (const be of [js, wasm]) {
      const a = rand(be, m * k, 1), b = rand(be, k * n, 2), o = be.alloc(m * n);
      impls.push({ name: be.name, reps: 1, op: () => be.matmul(o, a, b, null, 1, m, k, n, false, false, false) });
      // B packed once and reused, as tfjs-wasm does with its weights (it caches the XNNPACK
      // operator, packed weights included, by B's tensor id: this bench passes the same B)
      if (be === wasm && m > 1) {
        const p = be.packMatrix(b, k, n, false);
        impls.push({ name: 'wasm-packed', reps: 1, op: () => be.matmulPacked(o, a, p, null, m, false, false) });
      }
    }
    for (const be of extra) {
      const a = rand(be, m * k, 1), b = rand(be, k * n, 2), o = be.alloc(m * n);
      impls.push({ name: xname(be), reps: 1, op: () => be.matmul(o, a, b, null, 1, m, k, n, false, false, false) });
    }
    if (relaxed) {
      const a = rand(relaxed, m * k, 1), b = rand(relaxed, k * n, 2), o = relaxed.alloc(m * n);
      impls.push({ name: 'wasm-relaxed', reps: 1, op: () => relaxed.matmul(o, a, b, null, 1, m, k, n, false, false, false) });
    }
    if (tf) {
      const a = tf.randomUniform([m, k]), b = tf.randomUniform([k, n]);
      impls.push({ name: 'tfjs-wasm', reps: 1, op: () => tf.matMul(a, b).dispose() });
    }
    if (jax) impls.push({ name: 'jax-js-wasm', reps: 1, op: jax.matmul(m, k, n) });
    row.impls = impls.map((i) => i.name);
    measure(row, impls, rounds, peak);
    rows.push(row);
    for (const im of row.impls) out({ bench: 'matmul', m, k, n, impl: im, threads: threadsOf(im), gflops: +median(row.g[im]).toFixed(2), ...vsWasm(row, im) });
  }

  for (const [B, H, T, D] of ATTENTION_SHAPES) {
    const C = H * D;
    // forward: q·kᵀ and att·v over the causal half; backward: four such products
    const fwd = 2 * 2 * B * H * (T * (T + 1) / 2) * D;
    const rowF: Row = { bench: 'attention_forward', shape: { B, H, T, D }, flops: fwd, impls: ['js', 'wasm', ...extra.map(xname)], g: {}, ratio: {}, frac: {} };
    const rowB: Row = { ...rowF, bench: 'attention_backward', flops: 2 * fwd, g: {}, ratio: {}, frac: {} };
    const fi: Impl[] = [], bi: Impl[] = [];
    for (const be of [js, wasm, ...extra]) {
      const name = be === js || be === wasm ? be.name : xname(be);
      const qkv = rand(be, B * T * 3 * C, 3), o = be.alloc(B * T * C), att = be.alloc(B * H * T * T);
      const dout = rand(be, B * T * C, 4), dqkv = be.alloc(B * T * 3 * C);
      fi.push({ name, reps: 1, op: () => be.attentionForward(o, att, qkv, B, T, C, H) });
      bi.push({ name, reps: 1, op: () => be.attentionBackward(dqkv, dout, qkv, att, B, T, C, H, false) });
      be.attentionForward(o, att, qkv, B, T, C, H);
    }
    measure(rowF, fi, rounds, peak);
    measure(rowB, bi, rounds, peak);
    for (const r of [rowF, rowB]) {
      rows.push(r);
      for (const im of r.impls) out({ bench: r.bench, B, H, T, D, impl: im, threads: threadsOf(im), gflops: +median(r.g[im]).toFixed(2), ...vsWasm(r, im) });
    }
  }
  out({ bench: 'peak', impl: 'wasm', threads: 1, when: 'interleaved', gflops: +median(allPeaks).toFixed(2) });
  for (const be of [wasm, ...extra, ...(relaxed ? [relaxed] : [])]) be.dispose();
  if (!opts.json) printTable(rows, median(peaks), median(allPeaks), ceiling, !!tf, !!jax, !!relaxed, rounds);
  if (!opts.json && extra.length) {
    console.log(`threads: GFLOP/s, and the median of per-round ratios to the wasm column (${wasm.threads} thread${wasm.threads === 1 ? '' : 's'})`);
    for (const r of rows) {
      const cells = extra.map((be) => { const x = vsWasm(r, xname(be)); return `${xname(be)} ${median(r.g[xname(be)] ?? [NaN]).toFixed(1)} (${x.vsWasm?.toFixed(2) ?? '—'}×)`; });
      console.log(`${r.bench.padEnd(20)}${Object.values(r.shape).join('×').padEnd(16)}${cells.join('   ')}`);
    }
  }
}

/** For a `wasm×N` column: the median of its per-round ratios to the wasm column. */
function vsWasm(row: Row, impl: string): { vsWasm?: number } {
  const r = row.ratio[`${impl}/wasm`];
  return impl.startsWith('wasm×') && r?.length ? { vsWasm: +median(r).toFixed(3) } : {};
}

function printTable(rows: Row[], peak: number, peakIn: number, ceiling: { gflops: number; frac: number }, haveTf: boolean, haveJax: boolean, haveRelaxed: boolean, rounds: number): void {
  const cell = (x: number | undefined, width: number, digits = 1) => (x === undefined ? '—' : x.toFixed(digits)).padStart(width);
  const med = (xs?: number[]) => (xs?.length ? median(xs) : undefined);
  const pct = (xs?: number[]) => { const m = med(xs); return m === undefined ? undefined : 100 * m; };
  console.log(`SIMD128 peak (register-only mul+add probe): ${peak.toFixed(1)} GFLOP/s up front, ${peakIn.toFixed(1)} between runs; ` +
    `medians of ${rounds} interleaved rounds; %peak = median of per-round wasm / the peak sample next to it`);
  console.log(`matmul's 4×8 register tile alone (L1-resident panels, no packing): ${ceiling.gflops.toFixed(1)} GFLOP/s = ` +
    `${(100 * ceiling.frac).toFixed(0)}% of the peak sampled around it (the GEMM's ceiling in this engine)`);
  if (!haveTf) console.log('tfjs-wasm: not installed (npm install @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm to compare)');
  if (!haveJax) console.log('jax-js: not installed (npm install @jax-js/jax to compare)');
  console.log('wasm·p = wasm with B packed once (packMatrix + matmulPacked), as tfjs reuses its packed weights; ' +
    (haveRelaxed ? 'relax = the opt-in relaxed build (fused multiply-add; its %peak is still against the mul+add peak)'
      : 'relax: not timed, this runtime lacks relaxed SIMD'));
  const heads: [string, number][] = [['js', 6], ['wasm', 7], ['wasm·p', 7], ['relax', 7], ['tfjs', 7], ['jax-js', 7], ['w/tfjs', 8], ['w·p/tfjs', 9],
    ['r/tfjs', 7], ['w/jax', 7], ['w/js', 6], ['%peak', 6], ['w·p %', 6], ['r %', 5]];
  console.log(`${'kernel'.padEnd(20)}${'shape'.padEnd(16)}${heads.map(([h, w]) => h.padStart(w)).join('')}   (GFLOP/s)`);
  for (const r of rows) {
    const cells = [cell(med(r.g.js), 6), cell(med(r.g.wasm), 7), cell(med(r.g['wasm-packed']), 7), cell(med(r.g['wasm-relaxed']), 7),
      cell(med(r.g['tfjs-wasm']), 7), cell(med(r.g['jax-js-wasm']), 7), cell(med(r.ratio['wasm/tfjs-wasm']), 8, 2),
      cell(med(r.ratio['wasm-packed/tfjs-wasm']), 9, 2), cell(med(r.ratio['wasm-relaxed/tfjs-wasm']), 7, 2), cell(med(r.ratio['wasm/jax-js-wasm']), 7, 2),
      cell(med(r.ratio['wasm/js']), 6, 0), cell(pct(r.frac.wasm), 6, 0), cell(pct(r.frac['wasm-packed']), 6, 0), cell(pct(r.frac['wasm-relaxed']), 5, 0)];
    console.log(`${r.bench.padEnd(20)}${Object.values(r.shape).join('×').padEnd(16)}${cells.join('')}`);
  }
  console.log('attention: tfjs has no fused causal attention kernel, so only js and wasm are compared.');
}
