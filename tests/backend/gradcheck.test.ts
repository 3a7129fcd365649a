// Backward kernels against finite differences, on every backend (tfjs style: written once).
// The reference is a double-precision central difference of a scalar function built from the js
// twin run on Float64Arrays: L = Σ w ⊙ forward(x) with fixed random w, so ∂L/∂x is what the
// backward kernel computes from dout = w. Tolerance: |grad − fd| ≤ 2e-5 + 1e-3·|fd|.

import { beforeAll, describe, it } from 'vitest';
import type { Backend } from '../../ts/backend/backend.js';
import { attentionForward } from '../../ts/backend/js/attention.js';
import { layernormForward } from '../../ts/backend/js/norm.js';
import { geluForward } from '../../ts/backend/js/activation.js';
import { crossEntropyForward } from '../../ts/backend/js/loss.js';
import { expectClose, put, rng, twins } from './helpers.js';

type F64Fn = (x: Float64Array) => number;
const H = 1e-5, ATOL = 2e-5, RTOL = 1e-3;

/** Central differences of f at x (f64). */
function fd(f: F64Fn, x: Float32Array): Float64Array {
  const xs = Float64Array.from(x), g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = xs[i];
    xs[i] = v + H; const up = f(xs);
    xs[i] = v - H; const down = f(xs);
    xs[i] = v;
    g[i] = (up - down) / (2 * H);
  }
  return g;
}
const dotw = (w: Float32Array, y: Float64Array) => y.reduce((s, v, i) => s + v * w[i], 0);
const f64 = (x: Float32Array | Int32Array) => x as unknown as Float32Array; // twins run on f64 arrays too

const backends: Record<string, Backend> = {};
beforeAll(async () => Object.assign(backends, await twins()));

describe.each(['js', 'wasm'])('%s backward = finite differences', (name) => {
  it('attention (B2 T5 C6 H2, and hs = 5 odd)', () => {
    for (const [B, T, C, Hn] of [[2, 5, 6, 2], [1, 6, 10, 2]]) {
      const be = backends[name], r = rng(T + C);
      const qkv = r.f32(B * T * 3 * C, -1.5, 1.5), w = r.f32(B * T * C);
      const L: F64Fn = (x) => {
        const out = new Float64Array(B * T * C), att = new Float64Array(B * Hn * T * T);
        attentionForward(f64(out as never), f64(att as never), f64(x as never), B, T, C, Hn);
        return dotw(w, out);
      };
      const got = be.scope(() => {
        const q = put(be, qkv), out = be.alloc(B * T * C), att = be.alloc(B * Hn * T * T), d = be.alloc(B * T * 3 * C);
        be.attentionForward(out, att, q, B, T, C, Hn);
        be.attentionBackward(d, put(be, w), q, att, B, T, C, Hn, false);
        return be.read(d);
      });
      expectClose(got, fd(L, qkv), ATOL, RTOL, `${name} attention dqkv B${B} T${T} C${C} H${Hn}`);
    }
  });

  it('layernorm (N3 C7): dinp, dweight, dbias', () => {
    const be = backends[name], r = rng(37), [N, C] = [3, 7];
    const inp = r.f32(N * C, -2, 2), wt = r.f32(C), bs = r.f32(C), w = r.f32(N * C);
    const L = (x: Float64Array, wv: Float64Array, bv: Float64Array) => {
      const out = new Float64Array(N * C);
      layernormForward(f64(out as never), f64(new Float64Array(N) as never), f64(new Float64Array(N) as never), f64(x as never), f64(wv as never), f64(bv as never), N, C);
      return dotw(w, out);
    };
    const [x64, w64, b64] = [inp, wt, bs].map((a) => Float64Array.from(a));
    const got = be.scope(() => {
      const [i, wb, bb] = [put(be, inp), put(be, wt), put(be, bs)];
      const out = be.alloc(N * C), mean = be.alloc(N), rstd = be.alloc(N);
      be.layernormForward(out, mean, rstd, i, wb, bb, N, C);
      const [di, dw, db] = [be.alloc(N * C), be.alloc(C), be.alloc(C)];
      be.layernormBackward(di, dw, db, put(be, w), i, wb, mean, rstd, N, C);
      return [be.read(di), be.read(dw), be.read(db)];
    });
    expectClose(got[0], fd((x) => L(x, w64, b64), inp), ATOL, RTOL, `${name} layernorm dinp`);
    expectClose(got[1], fd((x) => L(x64, x, b64), wt), ATOL, RTOL, `${name} layernorm dweight`);
    expectClose(got[2], fd((x) => L(x64, w64, x), bs), ATOL, RTOL, `${name} layernorm dbias`);
  });

  it('gelu (n 17, x in [-5, 5])', () => {
    const be = backends[name], r = rng(17), n = 17, x = r.f32(n, -5, 5), w = r.f32(n);
    const L: F64Fn = (v) => { const out = new Float64Array(n); geluForward(f64(out as never), f64(v as never), n); return dotw(w, out); };
    const got = be.scope(() => {
      const xb = put(be, x), y = be.alloc(n), d = be.alloc(n);
      be.geluForward(y, xb, n);
      be.geluBackward(d, xb, y, put(be, w), n, true);
      return be.read(d);
    });
    expectClose(got, fd(L, x), ATOL, RTOL, `${name} gelu`);
  });

  it('cross-entropy (N5 V7, one ignored row)', () => {
    const be = backends[name], r = rng(57), [N, V] = [5, 7];
    const logits = r.f32(N * V, -3, 3), t = r.int(N, V), dl = r.f32(N);
    t[3] = -1;
    const L: F64Fn = (x) => { const l = new Float64Array(N); crossEntropyForward(f64(l as never), f64(x as never), t, N, V, -1); return dotw(dl, l); };
    const got = be.scope(() => {
      const d = be.alloc(N * V);
      be.crossEntropyBackward(d, put(be, logits), put(be, t), put(be, dl), N, V, -1);
      return be.read(d);
    });
    expectClose(got, fd(L, logits), ATOL, RTOL, `${name} cross-entropy`);
  });
});
