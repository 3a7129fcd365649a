// The threads build gives the bits of the single-thread simd build at any thread count: every
// split kernel at 1, 2, 3 and 4 threads (oversubscribed on a 2-core machine: fine for bits),
// with the thresholds off (splitScale 0: every call is split, however small), on odd sizes so
// the cuts fall inside SIMD groups' leftovers; then a GPT training run and a generation with
// the thresholds as shipped. Workers never keep the process alive; dispose ends them.
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createBackend, DEFAULT_MAX_THREADS } from '../../ts/backend/index.js';
import type { Backend } from '../../ts/backend/backend.js';
import { createWasmBackend, type WasmBackend } from '../../ts/backend/wasm/index.js';
import { GPT } from '../../ts/model/gpt.js';
import { Trainer, MemoryTokens, packTokens } from '../../ts/train/index.js';
import { generate } from '../../ts/generate/index.js';
import { byteTokenizer, tinyModel } from '../generate/helpers.js';
import { cases } from './thread-cases.js';
import { partsFor, SPLITS } from '../../ts/backend/wasm/split-kernels.js';

const simd = await createWasmBackend(undefined, 'simd');
const threaded: WasmBackend[] = [];
for (const t of [1, 2, 3, 4]) threaded.push(await createWasmBackend(undefined, 'threads', { threads: t, splitScale: 0 }));
afterAll(() => threaded.forEach((b) => b.dispose()));

function bitsEqual(got: Float32Array | Int32Array, want: Float32Array | Int32Array, label: string) {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length), w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  expect(g.length, label).toBe(w.length);
  for (let i = 0; i < w.length; i++) if (g[i] !== w[i]) expect.fail(`${label}: element ${i} is ${got[i]}, one thread gives ${want[i]}`);
}


describe('threads build: every split kernel, bit for bit, at 1–4 threads', () => {
  it.each(Object.keys(cases))('%s', (name) => {
    const want = simd.scope(() => cases[name](simd));
    for (const be of threaded) {
      const got = be.scope(() => cases[name](be));
      got.forEach((g, i) => bitsEqual(g, want[i], `${name}, output ${i}, ${be.threads} threads`));
    }
  });

  it('keeps working after the shared memory grows (workers see the new pages; views are re-made)', async () => {
    const be = threaded[1];
    const before = be.heapBytes();
    const big = be.alloc(24 << 20); // 96 MiB: the memory must grow
    expect(be.heapBytes()).toBeGreaterThan(before);
    const want = simd.scope(() => cases['matmul by columns 20×45×300 tA false tB true'](simd));
    const got = be.scope(() => cases['matmul by columns 20×45×300 tA false tB true'](be));
    bitsEqual(got[0], want[0], 'after growth');
    be.view(big)[(24 << 20) - 1] = 5;
    expect(be.read(big)[(24 << 20) - 1]).toBe(5);
    be.free(big);
  });

  it('reports its thread count; after dispose it runs on one thread, to the same bits', async () => {
    expect(threaded.map((b) => b.threads)).toEqual([1, 2, 3, 4]);
    const be = await createWasmBackend(undefined, 'threads', { threads: 2, splitScale: 0 });
    be.dispose();
    be.dispose(); // twice is fine
    expect(be.threads).toBe(1);
    const name = 'matmul by columns 20×45×300 tA false tB true';
    bitsEqual(be.scope(() => cases[name](be))[0], simd.scope(() => cases[name](simd))[0], 'after dispose');
  });
});

describe('threads build: a model, as shipped (default thresholds)', () => {
  const config = { vocabSize: 67, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 64, bias: true, dropout: 0 };
  const tokens = packTokens(Array.from({ length: 4000 }, (_, i) => (i * 7 + (i >> 3) + (i % 13)) % 67), 67);

  async function train(be: Backend) {
    const t = new Trainer(new GPT(be, config, { seed: 3 }), { train: new MemoryTokens(tokens), steps: 6, batchSize: 8, lr: 3e-3,
      warmupIters: 2, evalInterval: 1000, evalIters: 1, seed: 11 });
    const losses: number[] = [];
    for await (const ev of t.run()) if (ev.type === 'step') losses.push(ev.loss);
    const weights = t.model.namedParameters().map(([, p]) => be.read(p.data) as Float32Array);
    return { losses, weights };
  }

  it('trains to the same losses and weights, bit for bit, at 1, 2 and 3 threads', async () => {
    const want = await train(simd);
    for (const threads of [1, 2, 3]) {
      const be = await createWasmBackend(undefined, 'threads', { threads });
      const got = await train(be);
      expect(got.losses, `${threads} threads`).toEqual(want.losses);
      got.weights.forEach((w, i) => bitsEqual(w, want.weights[i], `weight ${i}, ${threads} threads`));
      be.dispose();
    }
  });

  it('generates the same tokens and log-probabilities at 1, 2 and 4 threads', async () => {
    const tok = byteTokenizer();
    const run = async (be: Backend) => generate(tinyModel(be, { nEmbd: 64, nHead: 4, blockSize: 64 }), tok, 'The jury',
      { maxTokens: 24, temperature: 0.9, topK: 20, seed: 5 });
    const want = await run(simd);
    for (const threads of [1, 2, 4]) {
      const be = await createWasmBackend(undefined, 'threads', { threads, splitScale: 0 });
      const got = await run(be);
      expect(got.tokens).toEqual(want.tokens);
      expect(got.logprobs).toEqual(want.logprobs);
      be.dispose();
    }
  });
});

describe('createBackend: threads', () => {
  it('gives what is asked for, and by default the cores up to DEFAULT_MAX_THREADS', async () => {
    const three = await createBackend('wasm', { threads: 3 });
    expect([three.threads, (three as WasmBackend).variant]).toEqual([3, 'threads']);
    three.dispose();
    const dflt = await createBackend('wasm');
    const want = Math.min(availableParallelism(), DEFAULT_MAX_THREADS);
    expect(dflt.threads).toBe(want);
    expect((dflt as WasmBackend).variant).toBe(want > 1 ? 'threads' : 'simd');
    dflt.dispose();
    const one = await createBackend('wasm', { threads: 1 });
    expect([one.threads, (one as WasmBackend).variant]).toEqual([1, 'simd']);
    expect((await createBackend('js')).threads).toBe(1);
  });

  it('rejects a bad count, and threads with the single-thread builds', async () => {
    for (const bad of [0, 1.5, -2, NaN]) await expect(createBackend('wasm', { threads: bad })).rejects.toThrow(/whole number ≥ 1/);
    await expect(createBackend('wasm', { variant: 'relaxed', threads: 2 })).rejects.toThrow(/relaxed build runs on one thread/);
    await expect(createBackend('wasm', { variant: 'simd', threads: 2 })).rejects.toThrow(/simd build runs on one thread/);
  });

  it('runs on one thread with a notice, never silently, where shared memory is missing', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      const notices: string[] = [];
      const be = await createBackend('wasm', { threads: 2, onThreadsNotice: (n) => notices.push(n) });
      expect(be.threads).toBe(1);
      expect(notices).toEqual([expect.stringMatching(/one thread, not 2: .*SharedArrayBuffer/)]);
      expect((be as WasmBackend).threadsNotice).toBe(notices[0]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('the pool under many small jobs', () => {
  // 60 000 split calls back to back: a worker once took an early return from Atomics.wait for a
  // job, re-ran the last one and counted itself twice, and the caller then waited forever
  // (training stopped at step 96 of 100). The pool now throws instead of hanging, so a
  // regression fails here.
  // 3 threads on 2 cores are oversubscribed: the pool then spins briefly and sleeps, and each job
  // may still wait for a descheduled worker on a loaded machine, so that case runs fewer jobs
  it.each([[2, 120_000], [3, 20_000]])('%i threads, %i jobs: every job answered, none twice', async (threads, jobs) => {
    const be = await createWasmBackend(undefined, 'threads', { threads, splitScale: 0 });
    const x = be.alloc(64), o = be.alloc(64);
    be.write(x, Array.from({ length: 64 }, (_, i) => Math.sin(i)));
    for (let i = 0; i < jobs; i++) {
      be.geluForward(o, x, 64);
      if (i % 3 === 0) be.scope(() => be.layernormForward(o, be.alloc(8), be.alloc(8), x, x, null, 8, 8));
    }
    be.dispose();
  }, 300_000); // minutes only on a machine busy with other work
});

describe('split rules: how many parts a call runs as (split-kernels.ts)', () => {
  // matmul's args: (out, a, b, bias, batch, m, k, n, transA, transB, accumulate)
  const mm = (m: number, k: number, n: number, tB = false) => [1, 2, 3, null, 1, m, k, n, false, tB, false] as number[];
  it('decode products split by columns at any shape (with W from memory every one gains: matvec-split.ts)', () => {
    expect(partsFor(SPLITS.matmul, mm(1, 3072, 768), 2)).toBe(2); // GPT-2's MLP c_proj
    expect(partsFor(SPLITS.matmul, mm(1, 768, 768), 4)).toBe(4); // attention's c_proj
    expect(partsFor(SPLITS.matmul, mm(1, 768, 50257, true), 4)).toBe(4); // x·Wᵀ (the LM head)
    expect(partsFor(SPLITS.matmul, mm(1, 64, 64), 4)).toBe(1); // 4 K multiply-adds: below minWork, one thread
    expect(partsFor(SPLITS.matmul, mm(1, 512, 512), 4)).toBe(2); // 256 K: one added thread per 128 K
  });
  it('splitScale 0 (the bit tests) still splits every call as far as its cut allows', () => {
    expect(partsFor(SPLITS.matmul, mm(1, 3072, 768), 4, 0)).toBe(4);
    expect(partsFor(SPLITS.matmul, mm(1, 37, 29), 3, 0)).toBe(3);
  });
});
