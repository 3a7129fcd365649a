// tfjs-wasm's threaded build against glassgpt's threads build, in one cross-origin isolated
// Chromium page (COOP/COEP: both need SharedArrayBuffer), on the matmul shapes,
// interleaved (A B, then B A, each round; medians and the median per-round ratio, as
// interleave.ts does in Node). Two pages, because tfjs fixes its thread count when its backend
// starts: one at `--threads N` (default 2) for both, one at 1 thread (tfjs's threaded build with
// setThreadsCount(1), glassgpt's simd build) as the baseline each side scales from.
// Needs dist/ (`npm run build`) and Debian's chromium (tests/browser/harness.ts).
// `npx tsx benches/browser-threads.ts [--threads 2] [--rounds 7] [--quiet 1.2] [--json]`

import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ISOLATION_HEADERS, launch, OUT, packageProblem, ROOT, serve } from '../tests/browser/harness.js';
import { cpu } from './interleave.js';
import { waitForQuiet } from './quiet.js';

const args = process.argv.slice(2);
const flag = (name: string, def: number) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : def; };
const THREADS = flag('threads', 2), ROUNDS = flag('rounds', 7), json = args.includes('--json'), quietBelow = flag('quiet', 0);
const SHAPES: [number, number, number][] = args.includes('--smoke') ? [[64, 64, 64]] : [[1024, 1024, 1024], [64, 768, 2304], [768, 128, 384], [1, 768, 3072], [1, 3072, 768]];
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

// The page: `bench(threads, shapes, rounds)` times glassgpt's matmul (A) and tfjs's matMul (B) on
// the same random operands, each call ~60 ms of repetitions after 200 ms of warm-up.
// tfjs caps its pool at navigator.hardwareConcurrency / 2 (it assumes two hyperthreads a core:
// backend.cc's num_cores), so on this 2-core VM it would run one thread whatever
// setThreadsCount says; the page reports 4 logical cores (before tfjs's module runs) so that
// tfjs can run the 2 threads asked for. glassgpt is given its count explicitly.
const PAGE = `<!doctype html><meta charset="utf-8"><title>loading</title>
<script>Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 });</script>
<script type="module">
import * as glassgpt from './dist/index.js';
import { tf, wasm } from './tf.js';
const median = (xs) => { const s = [...xs].sort((a, b) => a - b), h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
const time = (op, reps) => { const t0 = performance.now(); for (let i = 0; i < reps; i++) op(); return (performance.now() - t0) / reps; };
const calibrate = (op) => { const t0 = performance.now(); while (performance.now() - t0 < 200) op(); return Math.max(1, Math.ceil(60 / Math.max(time(op, 1), 1e-3))); };
window.bench = async (threads, shapes, rounds) => {
  wasm.setWasmPaths('./tfjs/');
  wasm.setThreadsCount(threads);
  await tf.setBackend('wasm');
  const be = await glassgpt.createBackend('wasm', threads === 1 ? { variant: 'simd' } : { threads });
  const rows = [];
  for (const [m, k, n] of shapes) {
    const x = new Float32Array(m * k).map((_, i) => ((i * 7919) % 113) / 113 - 0.5), w = new Float32Array(k * n).map((_, i) => ((i * 104729) % 127) / 127 - 0.5);
    const ga = be.alloc(m * k), gw = be.alloc(k * n), go = be.alloc(m * n);
    be.write(ga, x); be.write(gw, w);
    const ta = tf.tensor2d(x, [m, k]), tw = tf.tensor2d(w, [k, n]);
    const ours = () => be.matmul(go, ga, gw, null, 1, m, k, n, false, false, false);
    const theirs = () => tf.matMul(ta, tw).dispose();
    const reps = Math.max(calibrate(ours), calibrate(theirs));
    const a = [], b = [], r = [];
    for (let i = 0; i < rounds; i++) {
      let x1, y1;
      if (i % 2 === 0) { x1 = time(ours, reps); y1 = time(theirs, reps); } else { y1 = time(theirs, reps); x1 = time(ours, reps); }
      a.push(x1); b.push(y1); r.push(y1 / x1);
    }
    rows.push({ shape: m + '×' + k + '×' + n, msGlassgpt: median(a), msTfjs: median(b), tfjsOverGlassgpt: median(r), min: Math.min(...r), max: Math.max(...r),
      gflopsGlassgpt: 2 * m * k * n / median(a) / 1e6, gflopsTfjs: 2 * m * k * n / median(b) / 1e6 });
    ta.dispose(); tw.dispose(); be.free(ga); be.free(gw); be.free(go);
  }
  const info = { threads, glassgptThreads: be.threads, tfjsThreads: wasm.getThreadsCount(), tfjsThreadsSupported: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'), isolated: self.crossOriginIsolated, ua: navigator.userAgent };
  be.dispose();
  return { info, rows };
};
document.title = 'ready';
</script>`;

const missing = packageProblem();
if (missing) throw new Error(missing);
const dir = join(OUT, 'threads-bench-page');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'tfjs'), { recursive: true });
cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
const tfWasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) cpSync(join(tfWasmDir, f), join(dir, 'tfjs', f));
const { build } = await import('esbuild');
await build({ stdin: { contents: "export * as tf from '@tensorflow/tfjs-core'; export * as wasm from '@tensorflow/tfjs-backend-wasm';", resolveDir: ROOT },
  bundle: true, format: 'esm', platform: 'browser', outfile: join(dir, 'tf.js'), logLevel: 'error' });
writeFileSync(join(dir, 'index.html'), PAGE);

const server = await serve(dir, ISOLATION_HEADERS);
const browser = await launch();
try {
  for (const threads of [THREADS, 1]) {
    if (quietBelow > 0) await waitForQuiet({ below: quietBelow });
    const loadBefore = load();
    const page = await browser.context.newPage(); // a fresh page: tfjs's thread count is fixed per page
    page.on('pageerror', (e) => console.error('page error:', e.message));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error('page:', m.text()); });
    page.on('response', (r) => { if (r.status() >= 400) console.error(`page: ${r.status()} for ${r.url()}`); });
    if (args.includes('--debug')) { page.on('request', (r) => console.error('request', r.url().slice(0, 120))); page.on('console', (m) => console.error('console', m.type(), m.text().slice(0, 300))); page.on('worker', (w) => console.error('worker', w.url().slice(0, 80))); }
    await page.goto(`${server.url}index.html`);
    await page.waitForFunction(() => document.title === 'ready');
    const res = await page.evaluate(([t, s, r]) => (window as unknown as { bench(t: number, s: number[][], r: number): Promise<{ info: Record<string, unknown>; rows: Record<string, number | string>[] }> }).bench(t, s, r),
      [threads, SHAPES, ROUNDS] as [number, number[][], number]);
    const loadAfter = load();
    if (json) {
      for (const row of res.rows) console.log(JSON.stringify({ bench: 'browser matmul', ...res.info, ...row, cpu }));
      console.log(JSON.stringify({ bench: 'conditions', cpu, threads, loadBefore, loadAfter, rounds: ROUNDS }));
    } else {
      console.log(`${cpu}, Chromium (${String(res.info.ua).match(/Chrome\/[\d.]+/)?.[0]}), isolated ${res.info.isolated}; glassgpt ${res.info.glassgptThreads} thread(s), tfjs ${res.info.tfjsThreads}; load ${loadBefore} → ${loadAfter}`);
      for (const r of res.rows) {
        console.log(`  ${String(r.shape).padEnd(16)} glassgpt ${(+r.msGlassgpt).toPrecision(4).padStart(8)} ms ${(+r.gflopsGlassgpt).toFixed(1).padStart(6)} GFLOP/s   tfjs ${(+r.msTfjs).toPrecision(4).padStart(8)} ms ${(+r.gflopsTfjs).toFixed(1).padStart(6)} GFLOP/s   tfjs/glassgpt time ×${(+r.tfjsOverGlassgpt).toFixed(2)} (${(+r.min).toFixed(2)}–${(+r.max).toFixed(2)})`);
      }
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
