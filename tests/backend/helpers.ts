// Shared helpers of the backend tests: a seeded RNG, buffers from arrays, and a closeness check
// that names the worst element (so a failure says where, not just that).

import { expect } from 'vitest';
import type { Backend, Buf } from '../../ts/backend/backend.js';
import { createBackend } from '../../ts/backend/index.js';

/** mulberry32: uniform floats in [lo, hi), rounded to f32 so every twin starts from the same values. */
export function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    f32: (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * next()),
    int: (n: number, hi: number) => Int32Array.from({ length: n }, () => Math.floor(next() * hi)),
  };
}

/** A buffer of `be` holding `data` (f32 unless an Int32Array is given). */
export function put(be: Backend, data: Float32Array | Int32Array): Buf {
  const b = be.alloc(data.length, data instanceof Int32Array ? 'i32' : 'f32');
  be.write(b, data);
  return b;
}

/** |got − want| ≤ atol + rtol·|want| everywhere; the message names the worst element. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, label: string): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < want.length; i++) {
    const excess = Math.abs(got[i] - want[i]) - (atol + rtol * Math.abs(want[i]));
    if (!(excess <= worstExcess)) { worst = i; worstExcess = Number.isNaN(excess) ? Infinity : excess; }
  }
  if (worst >= 0) {
    expect.fail(`${label}: [${worst}] got ${got[worst]}, want ${want[worst]} (atol ${atol}, rtol ${rtol})`);
  }
}

/** The js and wasm backends (wasm is required here: these tests are its parity tests). */
export async function twins(): Promise<{ js: Backend; wasm: Backend }> {
  return { js: await createBackend('js'), wasm: await createBackend('wasm') };
}
