// The bf16 kernels on every backend: toBf16 rounds as PyTorch's .to(bfloat16) (hand-worked bit
// patterns), matvecBf16 equals an f32 matmul on the widened weights (both layouts, bias and
// accumulate on and off, odd sizes so every leftovers loop runs), wasm equals js, and bad
// arguments are refused naming the argument.

import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../ts/backend/backend.js';
import { testBackends } from '../helpers/backends.js';
import { expectClose, put, rng } from './helpers.js';

const backends = await testBackends();
const bits = (u: number) => new Float32Array(new Uint32Array([u]).buffer)[0];

describe.each(backends.map((b) => [b.name, b] as const))('bf16 kernels on %s', (_n, be) => {
  it('toBf16 rounds to nearest, ties to even; keeps inf, NaN and −0', () => {
    // 1; a tie rounds down to even; a tie rounds up to even; above a tie rounds up; −2.5; inf;
    // f32 max overflows to inf; NaN quiet; −0; odd n leaves the last i32's top half alone
    const x = Float32Array.from([1, bits(0x3f808000), bits(0x3f818000), bits(0x3f808001), -2.5, Infinity, 3.4028234663852886e38, NaN, -0]);
    const dst = be.alloc(5, 'i32');
    be.toBf16(dst, put(be, x), 9);
    const h = new Uint16Array((be.read(dst) as Int32Array).buffer);
    expect(Array.from(h.subarray(0, 9), (v) => v.toString(16))).toEqual(['3f80', '3f80', '3f82', '3f81', 'c020', '7f80', '7f80', '7fc0', '8000']);
    expect(h[9]).toBe(0);
  });

  it.each([
    [1, 1, 1], [1, 7, 3], [2, 9, 13], [3, 16, 8], [5, 33, 71], [1, 64, 200], [2, 12, 4], [4, 19, 37],
  ])('matvecBf16 m=%i k=%i n=%i equals f32 matmul on the widened weights', (m, k, n) => {
    const r = rng(m * 1000 + k * 10 + n);
    for (let flags = 0; flags < 8; flags++) {
      const [transB, accumulate, withBias] = [!!(flags & 1), !!(flags & 2), !!(flags & 4)];
      const a = put(be, r.f32(m * k)), w = put(be, r.f32(k * n)), bias = withBias ? put(be, r.f32(n)) : null;
      const h = be.alloc(Math.ceil(k * n / 2), 'i32');
      be.toBf16(h, w, k * n);
      // the widened weights, through the js definition of a bf16
      const hv = new Uint16Array((be.read(h) as Int32Array).buffer);
      const wide = put(be, Float32Array.from({ length: k * n }, (_, i) => bits(hv[i] << 16)));
      const init = r.f32(m * n);
      const got = put(be, init), want = put(be, init);
      be.matvecBf16(got, a, h, bias, m, k, n, transB, accumulate);
      be.matmul(want, a, wide, bias, 1, m, k, n, false, transB, accumulate);
      expectClose(be.read(got), be.read(want), 1e-6, 1e-5, `transB ${transB} acc ${accumulate} bias ${withBias}`);
    }
  });

  it('refuses a bf16 buffer that is too short or of the wrong dtype', () => {
    const a = be.alloc(8), out = be.alloc(6);
    expect(() => be.matvecBf16(out, a, be.alloc(23, 'i32'), null, 1, 8, 6, false, false)).toThrow(KernelArgumentError);
    expect(() => be.matvecBf16(out, a, be.alloc(24, 'i32'), null, 1, 8, 6, false, false)).not.toThrow();
    expect(() => be.matvecBf16(out, a, be.alloc(24), null, 1, 8, 6, false, false)).toThrow(/matvecBf16: b/);
    expect(() => be.toBf16(be.alloc(3, 'i32'), be.alloc(8), 8)).toThrow(/toBf16: dst/);
  });
});

describe('bf16: wasm equals js', () => {
  const [js, wasm] = backends;
  // js sums in f64, wasm in f32 lanes: the tolerance grows with k as matmul's does
  it.each([[1, 768, 300, false], [2, 300, 517, false], [1, 768, 200, true], [3, 130, 67, true], [2, 9, 5, false]])(
    'm=%i k=%i n=%i transB=%s', (m, k, n, transB) => {
      const r = rng(k + n);
      const a = r.f32(m * k), w = r.f32(k * n), bias = r.f32(n);
      const run = (be: typeof js) => {
        const h = be.alloc(Math.ceil(k * n / 2), 'i32');
        be.toBf16(h, put(be, w), k * n);
        const out = be.alloc(m * n);
        be.matvecBf16(out, put(be, a), h, put(be, bias), m, k, n, transB, false);
        return { h: be.read(h), out: be.read(out) };
      };
      const x = run(js), y = run(wasm);
      expect(y.h).toEqual(x.h); // rounding is bit-exact
      expectClose(y.out, x.out, 2e-6 * Math.sqrt(k), 1e-5, 'matvecBf16');
    });
});
