// The kernel cases the threads tests run, in Node (tests/backend/threads.test.ts) and in
// Chromium (tests/browser/threads.test.ts, where this file is transpiled and served as is): one
// call per case on odd sizes, so the cuts between parts fall inside SIMD groups' leftovers.
// Self-contained (its own seeded RNG, no vitest), so a browser page can load it.
import type { Backend, Buf } from '../../ts/backend/backend.js';

/** mulberry32 floats in [lo, hi), as tests/backend/helpers.ts's rng. */
function f32(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  });
}
function put(be: Backend, data: Float32Array | Int32Array): Buf {
  const b = be.alloc(data.length, data instanceof Int32Array ? 'i32' : 'f32');
  be.write(b, data);
  return b;
}
const ints = (n: number, hi: number, seed: number) => Int32Array.from(f32(n, seed, 0, 1), (x) => Math.floor(x * hi));

/** A kernel case: fills its inputs from a seeded RNG, runs, returns every output's contents. */
export type Case = (be: Backend) => (Float32Array | Int32Array)[];

const f = (be: Backend, n: number, seed: number, lo = -1, hi = 1) => put(be, f32(n, seed, lo, hi));
const out = (be: Backend, bufs: Buf[]) => bufs.map((b) => be.read(b));

const matmulCase = (batch: number, m: number, k: number, n: number, tA: boolean, tB: boolean, acc: boolean, bias: boolean): Case => (be) => {
  const o = f(be, batch * m * n, 1), a = f(be, batch * m * k, 2), b = f(be, batch * k * n, 3);
  be.matmul(o, a, b, bias ? f(be, n, 4) : null, batch, m, k, n, tA, tB, acc);
  return out(be, [o]);
};

export const cases: Record<string, Case> = {};
for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
  cases[`matmul by rows 70×33×21 tA ${tA} tB ${tB}`] = matmulCase(1, 70, 33, 21, tA, tB, true, true);
  cases[`matmul by columns 20×45×300 tA ${tA} tB ${tB}`] = matmulCase(1, 20, 45, 300, tA, tB, false, true);
}
cases['matmul few rows (matvec) 3×37×29'] = matmulCase(1, 3, 37, 29, false, false, true, true);
cases['matmul few rows (matvec) 5×37×29 Bᵀ'] = matmulCase(1, 5, 37, 29, false, true, false, true);
cases['matmul batched 2×9×17×13'] = matmulCase(2, 9, 17, 13, false, true, false, false);
cases['matmul k = 0'] = matmulCase(1, 6, 0, 10, false, false, true, true);
for (const [C, H] of [[24, 3], [20, 2]] as const) { // head size 8 (the direct kernels) and 10 (the GEMM route)
  const B = 3, T = 13;
  cases[`attentionForward C ${C} H ${H}`] = (be) => {
    const o = f(be, B * T * C, 1), att = f(be, B * H * T * T, 2), qkv = f(be, B * T * 3 * C, 3);
    be.attentionForward(o, att, qkv, B, T, C, H);
    return out(be, [o, att]);
  };
  for (const acc of [false, true]) {
    cases[`attentionBackward C ${C} H ${H} accumulate ${acc}`] = (be) => {
      const o = be.alloc(B * T * C), att = be.alloc(B * H * T * T), qkv = f(be, B * T * 3 * C, 3);
      be.attentionForward(o, att, qkv, B, T, C, H);
      const dqkv = f(be, B * T * 3 * C, 4), dout = f(be, B * T * C, 5);
      be.attentionBackward(dqkv, dout, qkv, att, B, T, C, H, acc);
      return out(be, [dqkv]);
    };
  }
}
cases['attentionDecode B 2 C 24 H 3 L 7'] = (be) => {
  const [B, C, H, L, maxT] = [2, 24, 3, 7, 9];
  const o = f(be, B * C, 1), att = f(be, B * H * L, 2), qkv = f(be, B * 3 * C, 3);
  const kc = f(be, B * maxT * C, 4), vc = f(be, B * maxT * C, 5);
  be.attentionDecode(o, att, qkv, kc, vc, B, C, H, L, maxT);
  return out(be, [o, att]);
};
for (const bias of [false, true]) {
  const [N, C] = [11, 22];
  cases[`layernormForward bias ${bias}`] = (be) => {
    const o = f(be, N * C, 1), mean = f(be, N, 2), rstd = f(be, N, 3);
    be.layernormForward(o, mean, rstd, f(be, N * C, 4, -3, 3), f(be, C, 5), bias ? f(be, C, 6) : null, N, C);
    return out(be, [o, mean, rstd]);
  };
  cases[`layernormBackward bias ${bias}`] = (be) => {
    const x = f(be, N * C, 4, -3, 3), w = f(be, C, 5), mean = be.alloc(N), rstd = be.alloc(N);
    be.layernormForward(be.alloc(N * C), mean, rstd, x, w, null, N, C);
    const dinp = f(be, N * C, 7), dw = f(be, C, 8), db = f(be, C, 9);
    be.layernormBackward(dinp, dw, bias ? db : null, f(be, N * C, 10), x, w, mean, rstd, N, C);
    return out(be, [dinp, dw, db]);
  };
}
cases['geluForward n 1003'] = (be) => { const o = f(be, 1003, 1); be.geluForward(o, f(be, 1003, 2, -6, 6), 1003); return out(be, [o]); };
cases['geluForward in place n 1003'] = (be) => { const x = f(be, 1003, 2, -6, 6); be.geluForward(x, x, 1003); return out(be, [x]); };
for (const acc of [false, true]) {
  cases[`geluBackward accumulate ${acc}`] = (be) => {
    const n = 1003, x = f(be, n, 2, -6, 6), y = be.alloc(n), d = f(be, n, 3);
    be.geluForward(y, x, n);
    be.geluBackward(d, x, y, f(be, n, 4), n, acc);
    return out(be, [d]);
  };
}
cases['softmaxForward 7×45'] = (be) => { const o = f(be, 315, 1); be.softmaxForward(o, f(be, 315, 2, -5, 5), 7, 45); return out(be, [o]); };
cases['softmaxForward in place 7×45'] = (be) => { const x = f(be, 315, 2, -5, 5); be.softmaxForward(x, x, 7, 45); return out(be, [x]); };
const targets = (be: Backend, N: number, V: number) => { const t = ints(N, V, 5); t[2] = -100; return put(be, t); };
cases['crossEntropyForward 9×37'] = (be) => {
  const l = f(be, 9, 1); be.crossEntropyForward(l, f(be, 9 * 37, 2, -4, 4), targets(be, 9, 37), 9, 37, -100); return out(be, [l]);
};
cases['crossEntropyBackward 9×37'] = (be) => {
  const d = f(be, 9 * 37, 1);
  be.crossEntropyBackward(d, f(be, 9 * 37, 2, -4, 4), targets(be, 9, 37), f(be, 9, 3), 9, 37, -100);
  return out(be, [d]);
};
cases['adamw n 1003'] = (be) => {
  const n = 1003, p = f(be, n, 1), m = f(be, n, 3, -0.1, 0.1), v = f(be, n, 4, 0, 0.01);
  be.adamw(p, f(be, n, 2), m, v, n, 1e-3, 0.9, 0.95, 1e-8, 0.1, 3, 0.7);
  return out(be, [p, m, v]);
};


/** Every case's outputs as one hex string per case (FNV-1a over their bytes): compact enough to
 *  pass out of a browser page, and equal only when every bit is. */
export function caseDigests(be: Backend): Record<string, string> {
  const d: Record<string, string> = {};
  for (const [name, run] of Object.entries(cases)) {
    const outs = be.scope(() => run(be));
    let h = 0x811c9dc5;
    for (const o of outs) {
      const bytes = new Uint8Array(o.buffer, o.byteOffset, o.byteLength);
      for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    }
    d[name] = h.toString(16).padStart(8, '0');
  }
  return d;
}
