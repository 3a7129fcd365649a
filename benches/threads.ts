// Threads benchmark: the single-thread `simd` build (A) against the `threads` build on N threads
// (B, default 2), interleaved in one process — A B, then B A, round after round — quoting the
// median time of each and the median of the per-round ratios A/B (this machine's speed drifts,
// and other work shares its cores; a ratio taken within a round sees both under one condition).
// Rows: the targets (matmul 1024³ and 64×768×2304, a baby-GPT training step, a
// GPT-2-small-shape decode step), the kernels a training and a decode step spend time in, and
// with --thresholds the sweeps that set split-kernels.ts's minWork (every call split, however
// small: the size where two threads start to win). Prints the CPU and the load average before and
// after: a 2-thread number means little when the cores were busy with something else.
// `npx tsx benches/threads.ts [--threads 2] [--rounds 7] [--thresholds] [--no-models] [--only decode,baby] [--json]`

import { availableParallelism, loadavg } from 'node:os';
import type { Backend } from '../ts/backend/index.js';
import { compare as compareAB, cpu, rand, type Op, type Row } from './interleave.js';
import { createWasmBackend } from '../ts/backend/wasm/index.js';
import { GPT } from '../ts/model/gpt.js';
import { PRESETS } from '../ts/cli/train.js';
import { MemoryTokens, packTokens, Trainer } from '../ts/train/index.js';
import { CachedStepper } from '../ts/generate/cached-stepper.js';

const args = process.argv.slice(2);
const flag = (name: string, def: number) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : def; };
const THREADS = flag('threads', 2), ROUNDS = flag('rounds', 7), json = args.includes('--json');
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const opts = { threads: THREADS, rounds: ROUNDS, json };

const one = await createWasmBackend(undefined, 'simd');
const many = await createWasmBackend(undefined, 'threads', { threads: THREADS });
const forced = await createWasmBackend(undefined, 'threads', { threads: THREADS, splitScale: 0 }); // every call split
const loadBefore = load();
if (!json) console.log(`${cpu}, ${availableParallelism()} logical cores, Node ${process.versions.node}; A = simd (1 thread), B = threads ×${THREADS}; load average before: ${loadBefore}`);

// --only a,b: just the rows whose bench name contains one of these (e.g. `--only decode`)
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const skip = (row: Row) => only !== null && !only.some((w) => row.bench.includes(w));
const compare = async (row: Row, a: Op, b: Op) => (skip(row) ? { msOne: NaN, msThreads: NaN } : compareAB(row, a, b, opts));

/** The same kernel call on each backend: `make` allocates its buffers and returns the call. */
const pair = (make: (be: Backend) => Op, b: Backend = many): [Op, Op] => [make(one), make(b)];

const matmul = (m: number, k: number, n: number, tA = false, tB = false) => (be: Backend): Op => {
  const a = rand(be, m * k, 1), w = rand(be, k * n, 2), o = be.alloc(m * n);
  return () => be.matmul(o, a, w, null, 1, m, k, n, tA, tB, false);
};

if (!json) console.log(`${'bench'.padEnd(22)}${'shape'.padEnd(22)}${'A (1 thread)'.padStart(13)}${'B'.padStart(13)}   median A/B per round`);
// the matmul targets, then a baby-GPT step's products (B·T = 768 rows, C = 128) and decode's
for (const [m, k, n] of [[1024, 1024, 1024], [64, 768, 2304], [768, 128, 384], [768, 128, 512], [768, 512, 128]]) {
  await compare({ bench: 'matmul', shape: `${m}×${k}×${n}`, work: m * k * n }, ...pair(matmul(m, k, n)));
}
await compare({ bench: 'matmul dW = Xᵀ·dY', shape: '128×768×384', work: 128 * 768 * 384 }, ...pair(matmul(128, 768, 384, true)));
await compare({ bench: 'matmul dX = dY·Wᵀ', shape: '768×384×128', work: 768 * 384 * 128 }, ...pair(matmul(768, 384, 128, false, true)));
for (const [k, n, tB] of [[768, 2304, false], [768, 3072, false], [3072, 768, false], [768, 50257, true]] as const) {
  await compare({ bench: `decode matvec${tB ? ' (Wᵀ)' : ''}`, shape: `1×${k}×${n}`, work: k * n }, ...pair(matmul(1, k, n, false, tB)));
}
{
  const [B, T, C, H] = [12, 64, 128, 4];
  await compare({ bench: 'attention fwd', shape: `B${B} T${T} C${C} H${H}` }, ...pair((be) => {
    const qkv = rand(be, B * T * 3 * C, 3), o = be.alloc(B * T * C), att = be.alloc(B * H * T * T);
    return () => be.attentionForward(o, att, qkv, B, T, C, H);
  }));
  await compare({ bench: 'attention bwd', shape: `B${B} T${T} C${C} H${H}` }, ...pair((be) => {
    const qkv = rand(be, B * T * 3 * C, 3), o = be.alloc(B * T * C), att = be.alloc(B * H * T * T);
    const dout = rand(be, B * T * C, 4), dqkv = be.alloc(B * T * 3 * C);
    be.attentionForward(o, att, qkv, B, T, C, H);
    return () => be.attentionBackward(dqkv, dout, qkv, att, B, T, C, H, false);
  }));
  const [C2, H2, L, maxT] = [768, 12, 256, 256];
  await compare({ bench: 'attention decode', shape: `B1 C${C2} H${H2} L${L}` }, ...pair((be) => {
    const q = rand(be, 3 * C2, 5), kc = rand(be, maxT * C2, 6), vc = rand(be, maxT * C2, 7), o = be.alloc(C2), att = be.alloc(H2 * L);
    return () => be.attentionDecode(o, att, q, kc, vc, 1, C2, H2, L, maxT);
  }));
  const N = B * T;
  await compare({ bench: 'layernorm fwd', shape: `${N}×${C}` }, ...pair((be) => {
    const x = rand(be, N * C, 1), w = rand(be, C, 2), o = be.alloc(N * C), mu = be.alloc(N), rs = be.alloc(N);
    return () => be.layernormForward(o, mu, rs, x, w, null, N, C);
  }));
  await compare({ bench: 'layernorm bwd', shape: `${N}×${C}` }, ...pair((be) => {
    const x = rand(be, N * C, 1), w = rand(be, C, 2), o = be.alloc(N * C), mu = be.alloc(N), rs = be.alloc(N);
    be.layernormForward(o, mu, rs, x, w, null, N, C);
    const d = rand(be, N * C, 3), dx = be.alloc(N * C), dw = be.alloc(C);
    return () => be.layernormBackward(dx, dw, null, d, x, w, mu, rs, N, C);
  }));
  await compare({ bench: 'gelu fwd', shape: `${N * 4 * C}` }, ...pair((be) => { const x = rand(be, N * 4 * C, 1), o = be.alloc(N * 4 * C); return () => be.geluForward(o, x, N * 4 * C); }));
  await compare({ bench: 'gelu bwd', shape: `${N * 4 * C}` }, ...pair((be) => {
    const n = N * 4 * C, x = rand(be, n, 1), y = be.alloc(n), d = rand(be, n, 2), dx = be.alloc(n);
    be.geluForward(y, x, n);
    return () => be.geluBackward(dx, x, y, d, n, false);
  }));
  const V = 65; // the baby GPT's character vocabulary
  const tgt = (be: Backend) => { const t = be.alloc(N, 'i32'); be.write(t, Int32Array.from({ length: N }, (_, i) => (i * 7) % V)); return t; };
  await compare({ bench: 'cross-entropy fwd', shape: `${N}×${V}` }, ...pair((be) => {
    const l = rand(be, N * V, 1), t = tgt(be), o = be.alloc(N);
    return () => be.crossEntropyForward(o, l, t, N, V, -100);
  }));
  await compare({ bench: 'cross-entropy bwd', shape: `${N}×${V}` }, ...pair((be) => {
    const l = rand(be, N * V, 1), t = tgt(be), d = rand(be, N, 2), dl = be.alloc(N * V);
    return () => be.crossEntropyBackward(dl, l, t, d, N, V, -100);
  }));
  const P = 800_000; // about the baby GPT's parameters
  await compare({ bench: 'adamw', shape: `${P}` }, ...pair((be) => {
    const p = rand(be, P, 1), g = rand(be, P, 2), m = be.alloc(P), v = be.alloc(P);
    let t = 0;
    return () => be.adamw(p, g, m, v, P, 1e-3, 0.9, 0.99, 1e-8, 0.1, ++t, 1);
  }));
}

if (args.includes('--thresholds')) {
  // every call split in two (forced): where does it start to pay?
  if (!json) console.log('thresholds: B here splits every call (splitScale 0)');
  for (const s of [16, 24, 32, 40, 48, 64, 96]) {
    await compare({ bench: 'threshold matmul', shape: `${s}³`, work: s * s * s }, ...pair(matmul(s, s, s), forced));
  }
  for (const n of [1024, 4096, 8192, 16384, 32768, 65536]) {
    await compare({ bench: 'threshold gelu fwd', shape: `${n}`, work: n }, ...pair((be) => { const x = rand(be, n, 1), o = be.alloc(n); return () => be.geluForward(o, x, n); }, forced));
    await compare({ bench: 'threshold adamw', shape: `${n}`, work: n }, ...pair((be) => {
      const p = rand(be, n, 1), g = rand(be, n, 2), m = be.alloc(n), v = be.alloc(n);
      return () => be.adamw(p, g, m, v, n, 1e-3, 0.9, 0.99, 1e-8, 0.1, 1, 1);
    }, forced));
  }
  for (const rows of [16, 64, 128, 256]) {
    await compare({ bench: 'threshold layernorm fwd', shape: `${rows}×128`, work: rows * 128 }, ...pair((be) => {
      const x = rand(be, rows * 128, 1), w = rand(be, 128, 2), o = be.alloc(rows * 128), mu = be.alloc(rows), rs = be.alloc(rows);
      return () => be.layernormForward(o, mu, rs, x, w, null, rows, 128);
    }, forced));
  }
}

if (!args.includes('--no-models')) {
  // a baby-GPT training step (nanoGPT's baby preset; synthetic tokens: speed does not depend on them)
  const cfg = { ...PRESETS.baby.model, vocabSize: 65 };
  const tokens = packTokens(Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 5)) % 65), 65);
  const trainers = [one, many].map((be) => new Trainer(new GPT(be, cfg, { seed: 1 }), { ...PRESETS.baby.train, train: new MemoryTokens(tokens), steps: 1e9, evalInterval: 1e9 }));
  const step = (t: Trainer) => async () => { for await (const ev of t.run({ until: t.step + 1 })) void ev; };
  const tr = await compare({ bench: 'baby GPT train step', shape: '12×64, 4L 4H 128' }, step(trainers[0]), step(trainers[1]));
  const tokPerStep = 12 * 64;
  if (!json && !skip({ bench: "baby GPT train step", shape: "" })) console.log(`  = ${(tokPerStep / tr.msOne * 1000).toFixed(0)} vs ${(tokPerStep / tr.msThreads * 1000).toFixed(0)} tokens/s`);
  trainers.forEach((t) => t.model.free());
  // GPT-2-small-shape decoding (random weights; 12 layers, 768 wide, 50257 vocab, tied head): an
  // 8-token prefill then 16 greedy steps on the KV cache, as benches/generate.ts decodes
  const gpt2 = { nLayer: 12, nHead: 12, nEmbd: 768, vocabSize: 50257, blockSize: 256 };
  const models = [one, many].map((be) => new GPT(be, gpt2, { seed: 1 }).eval());
  const prompt = Array.from({ length: 8 }, (_, i) => (i * 977) % 50257);
  const dec = (m: GPT) => () => {
    const st = new CachedStepper(m, 256, 24);
    try {
      let logits = st.prefill([prompt]);
      for (let i = 0; i < 16; i++) logits = st.step(logits.map((l) => l.indexOf(Math.max(...l))));
    } finally { st.free(); }
  };
  const d = await compare({ bench: 'GPT-2-small decode', shape: '8 + 16 tokens, 12L 768', unit: 'call' }, dec(models[0]), dec(models[1]));
  if (!json && !skip({ bench: "GPT-2-small decode", shape: "" })) console.log(`  = ${(16000 / d.msOne).toFixed(1)} vs ${(16000 / d.msThreads).toFixed(1)} tokens/s (the 8-token prefill included)`);
}
const loadAfter = load();
if (json) console.log(JSON.stringify({ bench: 'conditions', cpu, cores: availableParallelism(), loadBefore, loadAfter, rounds: ROUNDS }));
else console.log(`load average after: ${loadAfter}`);
for (const be of [many, forced]) be.dispose();
