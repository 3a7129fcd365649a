// Every kernel of the wasm twin equals its js twin (the readable reference) on seeded random
// inputs, with awkward sizes (1, 3, 7, 17, 65, 129: not multiples of 4 or 8, so the leftovers
// paths run), all transpose flags, bias and accumulate on/off, batch > 1.
// Tolerances (|wasm − js| ≤ atol + rtol·|js|): matmul/attention/norm 1e-5 + 2e-4 relative
// (f32 sums vs the twin's f64 row sums); exp/tanh/log-based kernels 2e-6 + 1e-5 relative (own
// polynomials vs the host's Math, a few ulp); single-rounding elementwise ops 1e-6 relative;
// the dropout mask bit for bit.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Buf } from '../../ts/backend/backend.js';
import { expectClose, put, rng, twins } from './helpers.js';

let js: Backend, wasm: Backend;
beforeAll(async () => ({ js, wasm } = await twins()));

/** Runs `run` on both twins with the same seed; compares the buffers it returns. */
function parity(label: string, seed: number, atol: number, rtol: number, run: (be: Backend, r: ReturnType<typeof rng>) => Buf[]): void {
  const want = js.scope(() => run(js, rng(seed)).map((b) => js.read(b)));
  const got = wasm.scope(() => run(wasm, rng(seed)).map((b) => wasm.read(b)));
  got.forEach((g, i) => expectClose(g, want[i], atol, rtol, `${label} output ${i}`));
}
const MM = [1e-5, 2e-4] as const, EXP = [2e-6, 1e-5] as const, EW = [0, 1e-6] as const;

describe('matmul and sumRows', () => {
  // (9, 600, 450): few rows and a B over 1 MiB, the per-row matrix–vector route
  const shapes = [[1, 1, 1], [3, 7, 17], [17, 65, 3], [65, 129, 7], [7, 3, 129], [1, 17, 65], [1, 65, 3], [129, 65, 17], [5, 300, 9], [9, 0, 5], [9, 600, 450]];
  for (const [m, k, n] of shapes) {
    it(`(${m}, ${k}, ${n}) × all flags, bias, accumulate, batch 1 and 2`, () => {
      for (let f = 0; f < 32; f++) {
        const [ta, tb, acc, bias, batch] = [!!(f & 1), !!(f & 2), !!(f & 4), !!(f & 8), f & 16 ? 2 : 1];
        parity(`matmul m${m} k${k} n${n} ta${ta} tb${tb} acc${acc} bias${bias} batch${batch}`, f + 1, ...MM, (be, r) => {
          const out = put(be, r.f32(batch * m * n));
          be.matmul(out, put(be, r.f32(batch * m * k)), put(be, r.f32(batch * k * n)), bias ? put(be, r.f32(n)) : null,
            batch, m, k, n, ta, tb, acc);
          return [out];
        });
      }
    });
  }
  it('sumRows', () => {
    for (const [m, n] of [[1, 1], [7, 17], [65, 3], [129, 129]]) for (const acc of [false, true]) {
      parity(`sumRows ${m}×${n} acc${acc}`, m + n, ...MM, (be, r) => {
        const out = put(be, r.f32(n));
        be.sumRows(out, put(be, r.f32(m * n)), m, n, acc);
        return [out];
      });
    }
  });
});

describe('packed matrices (packMatrix + matmulPacked)', () => {
  // the bench's (64, 768, 2304) in small: shapes that cross the KC = 512 block and leave partial
  // 8-column panels, m below, at and above the 4-row tile
  const shapes = [[1, 7, 3], [2, 17, 9], [3, 65, 17], [4, 8, 8], [17, 600, 13], [130, 129, 65], [1, 300, 37]];
  for (const [m, k, n] of shapes) {
    it(`(${m}, ${k}, ${n}): equals the js twin, and wasm's unpacked matmul bit for bit from m = 16`, () => {
      for (let f = 0; f < 16; f++) {
        const [ta, tb, acc, bias] = [!!(f & 1), !!(f & 2), !!(f & 4), !!(f & 8)];
        const run = (be: Backend, packed: boolean) => be.scope(() => {
          const r = rng(f + 7 * m);
          const a = put(be, r.f32(m * k)), b = put(be, r.f32(k * n)), bs = bias ? put(be, r.f32(n)) : null;
          const out = put(be, r.f32(m * n));
          if (packed) {
            const p = be.packMatrix(b, k, n, tb);
            be.fill(b, Number.NaN, k * n); // a snapshot: the original is not read again
            be.matmulPacked(out, a, p, bs, m, ta, acc);
          } else {
            be.matmul(out, a, b, bs, 1, m, k, n, ta, tb, acc);
          }
          return be.read(out);
        });
        const label = `packed m${m} k${k} n${n} ta${ta} tb${tb} acc${acc} bias${bias}`;
        expectClose(run(wasm, true), run(js, false), ...MM, label);
        expectClose(run(js, true), run(js, false), 0, 0, `${label} (js twin)`);
        if (m >= 16) expect(Array.from(run(wasm, true)), label).toEqual(Array.from(run(wasm, false)));
      }
    });
  }
  it('rejects a plain Buf, a matrix packed by the other twin, and short outputs', () => {
    for (const [be, other] of [[wasm, js], [js, wasm]] as const) be.scope(() => {
      const b = be.alloc(12), a = be.alloc(6), out = be.alloc(8);
      const p = be.packMatrix(b, 3, 4, false);
      expect(p.k).toBe(3); expect(p.n).toBe(4);
      expect(() => be.matmulPacked(out, a, b as never, null, 2, false, false)).toThrow(/matmulPacked: b must come from this backend's packMatrix/);
      expect(() => be.matmulPacked(out, a, other.scope(() => other.packMatrix(other.alloc(12), 3, 4, false)), null, 2, false, false))
        .toThrow(/must come from this backend's packMatrix/);
      expect(() => be.matmulPacked(be.alloc(7), a, p, null, 2, false, false)).toThrow(/matmulPacked: out has 7 elements, needs 8/);
      expect(() => be.packMatrix(b, 4, 4, false)).toThrow(/packMatrix: b has 12 elements, needs 16/);
      be.free(p);
      expect(() => be.matmulPacked(out, a, p, null, 2, false, false)).toThrow(/freed/);
    });
  });
});

describe('attention', () => {
  const shapes = [[1, 1, 4, 1], [2, 7, 12, 3], [1, 17, 21, 3], [2, 65, 32, 2], [1, 9, 34, 2]]; // B, T, C, H
  for (const [B, T, C, H] of shapes) {
    it(`forward and backward (added and written) B${B} T${T} C${C} H${H}`, () => {
      for (const accumulate of [true, false]) parity(`attention B${B} T${T} C${C} H${H} accumulate ${accumulate}`, T, ...MM, (be, r) => {
        const qkv = put(be, r.f32(B * T * 3 * C, -2, 2)), out = be.alloc(B * T * C), att = be.alloc(B * H * T * T);
        be.attentionForward(out, att, qkv, B, T, C, H);
        const dqkv = accumulate ? put(be, r.f32(B * T * 3 * C)) : be.allocUninit(B * T * 3 * C);
        be.attentionBackward(dqkv, put(be, r.f32(B * T * C)), qkv, att, B, T, C, H, accumulate);
        return [out, att, dqkv];
      });
    });
  }
  it('kvCacheWrite + attentionDecode, and decode equals the last row of forward', () => {
    const [B, C, H, maxT, T] = [2, 21, 3, 11, 7];
    parity('decode', 5, ...MM, (be, r) => {
      const qkv = put(be, r.f32(B * T * 3 * C, -2, 2));
      const kc = be.alloc(B * maxT * C), vc = be.alloc(B * maxT * C);
      be.kvCacheWrite(kc, vc, qkv, B, T, C, H, 2, maxT); // positions 2 … 8
      const q = put(be, r.f32(B * 3 * C, -2, 2)), out = be.alloc(B * C), att = be.alloc(B * H * 9);
      be.attentionDecode(out, att, q, kc, vc, B, C, H, 9, maxT);
      return [kc, vc, out, att];
    });
    for (const be of [js, wasm]) be.scope(() => {
      const r = rng(9), qkv = put(be, r.f32(B * T * 3 * C, -2, 2));
      const out = be.alloc(B * T * C), att = be.alloc(B * H * T * T);
      be.attentionForward(out, att, qkv, B, T, C, H);
      const kc = be.alloc(B * maxT * C), vc = be.alloc(B * maxT * C);
      be.kvCacheWrite(kc, vc, qkv, B, T, C, H, 0, maxT);
      const q = be.alloc(B * 3 * C), o1 = be.alloc(B * C), a1 = be.alloc(B * H * T);
      const all = be.read(qkv);
      for (let b = 0; b < B; b++) be.write(q, all.subarray(((b * T) + T - 1) * 3 * C, ((b * T) + T) * 3 * C), b * 3 * C);
      be.attentionDecode(o1, a1, q, kc, vc, B, C, H, T, maxT);
      const full = be.read(out);
      const last = Float32Array.from({ length: B * C }, (_, i) => full[(Math.floor(i / C) * T + T - 1) * C + (i % C)]);
      expectClose(be.read(o1), last, 1e-6, 1e-5, `${be.name} decode vs forward`);
    });
  });
});

describe('norms, activations, losses', () => {
  for (const [N, C] of [[1, 1], [3, 7], [17, 65], [5, 129]]) {
    it(`layernorm forward/backward N${N} C${C}, bias on/off`, () => {
      for (const bias of [true, false]) parity(`layernorm ${N}×${C} bias${bias}`, C, ...MM, (be, r) => {
        const inp = put(be, r.f32(N * C, -3, 3)), w = put(be, r.f32(C)), b = bias ? put(be, r.f32(C)) : null;
        const out = be.alloc(N * C), mean = be.alloc(N), rstd = be.alloc(N);
        be.layernormForward(out, mean, rstd, inp, w, b, N, C);
        const dinp = put(be, r.f32(N * C)), dw = put(be, r.f32(C)), db = bias ? put(be, r.f32(C)) : null;
        be.layernormBackward(dinp, dw, db, put(be, r.f32(N * C)), inp, w, mean, rstd, N, C);
        return [out, mean, rstd, dinp, dw, ...(db ? [db] : [])];
      });
    });
  }
  // The wasm backward reads σ = out/inp from the forward's f32 output, so its error is absolute,
  // up to 3.2e-6 per unit of dout (x − out is a multiple of ulp(x); cargo test measures the bound
  // against the exact derivative): GELU_BWD allows 4e-6 on top of EXP's relative part.
  const GELU_BWD = [4e-6, EXP[1]] as const;
  it('gelu forward/backward (added and written), with σ read back from the output', () => {
    for (const n of [1, 3, 17, 129, 1000]) {
      parity(`gelu forward n${n}`, n, ...EXP, (be, r) => {
        const inp = put(be, r.f32(n, -6, 6)), out = be.alloc(n);
        be.geluForward(out, inp, n);
        return [out];
      });
      for (const accumulate of [true, false]) parity(`gelu backward n${n} accumulate ${accumulate}`, n, ...GELU_BWD, (be, r) => {
        const inp = put(be, r.f32(n, -6, 6)), out = be.alloc(n), dinp = accumulate ? put(be, r.f32(n)) : be.allocUninit(n);
        be.geluForward(out, inp, n);
        be.geluBackward(dinp, inp, out, put(be, r.f32(n)), n, accumulate);
        return [dinp];
      });
    }
  });
  it('gelu backward where out/inp is delicate: 0, ±tiny, subnormal, large ±', () => {
    // 0/0 at x = 0, x·½ rounding in subnormals, σ → 0 and 1 far out, σ's exp clamps near −10.5
    const xs = [0, -0, 1e-35, -1e-35, 3e-39, -3e-39, 1e-45, 7.9e-31, 8e-31, 1e-20, -1e-20, 5, -5, 9, -9, 10.5, -10.5, 11, -11, 30, -30, 1e4, -1e4];
    const n = xs.length;
    parity('gelu edges', n, ...GELU_BWD, (be, r) => {
      const inp = put(be, Float32Array.from(xs)), out = be.alloc(n), dinp = be.allocUninit(n);
      be.geluForward(out, inp, n);
      be.geluBackward(dinp, inp, out, put(be, r.f32(n)), n, false);
      return [out, dinp];
    });
  });
  it('softmax and log-softmax', () => {
    for (const [rows, n] of [[1, 1], [3, 7], [5, 129], [2, 1000]]) parity(`softmax ${rows}×${n}`, n, ...EXP, (be, r) => {
      const inp = put(be, r.f32(rows * n, -10, 10)), s = be.alloc(rows * n), l = be.alloc(rows * n);
      be.softmaxForward(s, inp, rows, n);
      be.logSoftmaxForward(l, inp, rows, n);
      return [s, l];
    });
  });
  it('cross-entropy forward/backward with ignored rows', () => {
    for (const V of [1, 3, 65, 129]) parity(`cross-entropy V${V}`, V, ...EXP, (be, r) => {
      const N = 7, logits = put(be, r.f32(N * V, -5, 5)), t = r.int(N, V);
      t[2] = -100; t[5] = -100;
      const targets = put(be, t), losses = be.alloc(N), dl = put(be, r.f32(N)), dlogits = put(be, r.f32(N * V));
      be.crossEntropyForward(losses, logits, targets, N, V, -100);
      be.crossEntropyBackward(dlogits, logits, targets, dl, N, V, -100);
      return [losses, dlogits];
    });
  });
});

describe('embeddings, optimiser, elementwise', () => {
  it('embedding gather and scatter-add (repeated ids)', () => {
    parity('embedding', 1, ...EW, (be, r) => {
      const [V, C, N] = [17, 7, 13], table = put(be, r.f32(V * C)), ids = put(be, Int32Array.from({ length: N }, (_, i) => (i * 5) % 6));
      const out = be.alloc(N * C), dt = put(be, r.f32(V * C));
      be.embeddingForward(out, table, ids, N, C, V);
      be.embeddingBackward(dt, put(be, r.f32(N * C)), ids, N, C, V);
      return [out, dt];
    });
  });
  it('adamw', () => {
    for (const t of [1, 3, 50]) parity(`adamw t${t}`, t, 1e-6, 1e-5, (be, r) => {
      const n = 65, p = put(be, r.f32(n)), m = put(be, r.f32(n, -0.1, 0.1)), v = put(be, r.f32(n, 0, 0.01));
      be.adamw(p, put(be, r.f32(n)), m, v, n, 1e-3, 0.9, 0.95, 1e-8, 0.1, t, t === 3 ? 0.37 : 1);
      return [p, m, v];
    });
  });
  it('adamw with gradScale gives the bits of scaling the gradient first (clipping folded in)', () => {
    for (const be of [js, wasm]) {
      const r = rng(9), n = 67, p0 = r.f32(n), g = r.f32(n), m0 = r.f32(n, -0.1, 0.1), v0 = r.f32(n, 0, 0.01);
      const run = (fold: boolean) => be.scope(() => {
        const p = put(be, p0), m = put(be, m0), v = put(be, v0), gb = put(be, g);
        if (!fold) be.scale(gb, gb, 0.2718, n);
        be.adamw(p, gb, m, v, n, 1e-3, 0.9, 0.99, 1e-8, 0.1, 4, fold ? 0.2718 : 1);
        return [p, m, v].map((b) => Array.from(be.read(b)));
      });
      expect(run(true), be.name).toEqual(run(false));
    }
  });
  it('add, axpy, mul, mulAccumulate, scale, copy, fill, sumSquares', () => {
    for (const n of [1, 3, 17, 129]) parity(`elementwise n${n}`, n, ...EW, (be, r) => {
      const a = put(be, r.f32(n)), b = put(be, r.f32(n));
      const outs = [be.alloc(n), put(be, r.f32(n)), be.alloc(n), put(be, r.f32(n)), be.alloc(n), be.alloc(n), be.alloc(n)];
      be.add(outs[0], a, b, n); be.axpy(outs[1], a, -1.25, n); be.mul(outs[2], a, b, n);
      be.mulAccumulate(outs[3], a, b, n); be.scale(outs[4], a, 0.5, n); be.fill(outs[5], 3.25, n); be.copy(outs[6], a, n);
      return outs;
    });
    for (const n of [1, 3, 129, 10000]) {
      const x = rng(n).f32(n, -3, 3);
      const [sj, sw] = [js, wasm].map((be) => be.scope(() => be.sumSquares(put(be, x), n)));
      expect(Math.abs(sw - sj)).toBeLessThanOrEqual(1e-12 * sj);
    }
  });
  it('copy is exact and safe when the ranges overlap (memmove), either way', () => {
    for (const be of [js, wasm]) be.scope(() => {
      const x = Float32Array.from({ length: 40 }, (_, i) => i + 0.5), buf = put(be, x);
      be.copy(be.slice(buf, 0, 30), be.slice(buf, 10, 30), 30); // down: reads ahead of the writes
      expect(Array.from(be.read(buf)), be.name).toEqual([...x.slice(10, 40), ...x.slice(30, 40)]);
      const y = put(be, x);
      be.copy(be.slice(y, 10, 30), be.slice(y, 0, 30), 30); // up: a forward loop would smear x[0..10)
      expect(Array.from(be.read(y)), be.name).toEqual([...x.slice(0, 10), ...x.slice(0, 30)]);
    });
  });
  it('in-place calls (output = input) match the js twin', () => {
    parity('in place', 3, ...EXP, (be, r) => {
      const n = 19, a = put(be, r.f32(n)), b = put(be, r.f32(n)), c = put(be, r.f32(n)), d = put(be, r.f32(n));
      const e = put(be, r.f32(n)), f = put(be, r.f32(2 * n, -5, 5)), g = put(be, r.f32(n));
      be.add(a, a, b, n); be.mul(b, c, b, n); be.scale(c, c, 1.5, n); be.geluForward(d, d, n);
      be.axpy(e, e, 0.5, n); be.softmaxForward(f, f, 2, n); be.mulAccumulate(g, g, a, n);
      return [a, b, c, d, e, f, g];
    });
  });
  it('dropout: the mask is bit for bit the js twin\'s', () => {
    for (const [p, seed] of [[0, 1], [0.1, 7], [0.5, 123456789], [0.7, 0xdeadbeef], [0.3, 42], [0.6, 5]]) {
      parity(`dropout p${p}`, seed, 0, 0, (be, r) => {
        const n = 1003, inp = put(be, r.f32(n)), out = be.alloc(n), mask = be.alloc(n);
        be.dropoutForward(out, mask, inp, n, p, seed);
        return [out, mask];
      });
    }
  });
});
