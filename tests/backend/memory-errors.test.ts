// The heap does not grow across 1,000 allocate-compute-release steps (the step arena), and bad
// input gives a clear Error naming the problem: shape mismatch, wrong dtype, negative sizes,
// an invalid .wasm given to the loader. Written once, run on both twins.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../ts/backend/backend.js';
import { createBackend } from '../../ts/backend/index.js';
import { put, rng, twins } from './helpers.js';

const backends: Record<string, Backend> = {};
beforeAll(async () => Object.assign(backends, await twins()));

/** One training-like step: a linear layer, attention, layernorm, GELU, loss and their backwards. */
function step(be: Backend, r: ReturnType<typeof rng>, keep: ReturnType<Backend['alloc']>): void {
  const [B, T, C, H, V] = [2, 16, 32, 4, 50];
  const x = put(be, r.f32(B * T * C)), w = put(be, r.f32(C * 3 * C)), qkv = be.alloc(B * T * 3 * C);
  be.matmul(qkv, x, w, null, 1, B * T, C, 3 * C, false, false, false);
  const out = be.alloc(B * T * C), att = be.alloc(B * H * T * T);
  be.attentionForward(out, att, qkv, B, T, C, H);
  const dq = be.alloc(B * T * 3 * C);
  be.attentionBackward(dq, out, qkv, att, B, T, C, H, true);
  const ln = be.alloc(B * T * C), mean = be.alloc(B * T), rstd = be.alloc(B * T);
  be.layernormForward(ln, mean, rstd, out, put(be, r.f32(C)), null, B * T, C);
  be.geluForward(ln, ln, B * T * C);
  const logits = be.alloc(B * T * V);
  be.matmul(logits, ln, put(be, r.f32(V * C)), null, 1, B * T, C, V, false, true, false);
  const losses = be.alloc(B * T);
  be.crossEntropyForward(losses, logits, put(be, r.int(B * T, V)), B * T, V, -1);
  be.axpy(keep, put(be, r.f32(keep.length)), 1e-3, keep.length);
}

describe.each(['js', 'wasm'])('%s', (name) => {
  it('the heap does not grow across 1,000 allocate-compute-release steps', () => {
    const be = backends[name], r = rng(1), keep = be.alloc(1000);
    be.scope(() => step(be, r, keep)); // first step: the allocator reaches its working size
    const before = be.heapBytes();
    for (let i = 0; i < 1000; i++) be.scope(() => step(be, r, keep));
    expect(be.heapBytes()).toBe(before);
    be.free(keep);
  });

  it('rejects bad input with a clear message', () => {
    const be = backends[name];
    be.scope(() => {
      const a = be.alloc(6), b = be.alloc(6), out = be.alloc(4), ids = be.alloc(3, 'i32');
      expect(() => be.matmul(out, a, b, null, 1, 2, 3, 3, false, false, false)).toThrow(/matmul: out has 4 elements, needs 6/);
      expect(() => be.add(out, a, ids, 3)).toThrow(/add: argument 3 must be f32, got i32/);
      expect(() => be.embeddingForward(out, a, a, 2, 2, 3)).toThrow(/embeddingForward: ids must be i32, got f32/);
      expect(() => be.matmul(out, a, b, null, 1, -2, 3, 3, false, false, false)).toThrow(/matmul: m must be a non-negative integer, got -2/);
      expect(() => be.alloc(-1)).toThrow(/alloc: length must be a non-negative integer, got -1/);
      expect(() => be.attentionForward(out, a, b, 1, 1, 3, 2)).toThrow(/C=3 is not divisible by H=2/);
      be.write(ids, [0, 1, 7]);
      expect(() => be.embeddingForward(be.alloc(6), a, ids, 3, 2, 3)).toThrow(/id 7 at position 2 is outside the vocabulary \[0, 3\)/);
      expect(() => be.dropoutForward(out, be.alloc(4), be.alloc(4), 4, 1, 0)).toThrow(/p must be in \[0, 1\), got 1/);
    });
  });
});

describe('loader', () => {
  it('an invalid .wasm gives a clear Error', async () => {
    await expect(createBackend('wasm', { wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 2]) }))
      .rejects.toThrow(/the given bytes is not a valid glassgpt kernels module/);
    await expect(createBackend('wasm', { wasm: new Uint8Array([1, 2, 3, 4]) })).rejects.toThrow(/not a valid glassgpt kernels module/);
  });
  it('a valid module without the kernels is refused by name', async () => {
    const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]); // a module with nothing in it
    await expect(createBackend('wasm', { wasm: empty })).rejects.toThrow(/memory|alloc|matmul/);
  });
});
