// The opt-in `relaxed` build: matmul's and attention's multiply-adds are f32x4.relaxed_madd (fused where the CPU
// has FMA), so it is held to the js twin by tolerance, not to the simd build by bits. Also: the
// simd build contains no relaxed instruction (its bits must not depend on the hardware), and a
// runtime without relaxed SIMD gets an error that says what to do.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../../ts/backend/backend.js';
import { createBackend, supportsVariant } from '../../ts/backend/index.js';
import { GPT } from '../../ts/model/gpt.js';
import { expectClose, put, rng } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RELAXED_MADD = [0xfd, 0x85, 0x02]; // f32x4.relaxed_madd (prefix 0xfd, LEB128 opcode 0x105)
const count = (bytes: Uint8Array, seq: number[]) => {
  let n = 0;
  for (let i = 0; i + seq.length <= bytes.length; i++) if (seq.every((b, j) => bytes[i + j] === b)) n++;
  return n;
};

let js: Backend, relaxed: Backend, simd: Backend;
beforeAll(async () => {
  expect(supportsVariant('relaxed'), 'vitest.config.ts turns relaxed SIMD on for Node 20 workers').toBe(true);
  [js, relaxed, simd] = [await createBackend('js'), await createBackend('wasm', { variant: 'relaxed' }), await createBackend('wasm')];
});

describe('the relaxed variant', () => {
  it('is what was asked for, and only its binary carries relaxed_madd', () => {
    expect((relaxed as unknown as { variant: string }).variant).toBe('relaxed');
    expect(count(readFileSync(join(ROOT, 'dist', 'glassgpt-relaxed.wasm')), RELAXED_MADD)).toBeGreaterThan(0);
    expect(count(readFileSync(join(ROOT, 'dist', 'glassgpt-simd.wasm')), RELAXED_MADD)).toBe(0);
  });

  it('matmul and matmulPacked equal the js twin within the matmul tolerance, all flags', () => {
    for (const [m, k, n] of [[3, 7, 17], [17, 65, 3], [65, 600, 33], [130, 129, 65]]) {
      for (let f = 0; f < 16; f++) {
        const [ta, tb, acc, bias] = [!!(f & 1), !!(f & 2), !!(f & 4), !!(f & 8)];
        const run = (be: Backend, packed: boolean) => be.scope(() => {
          const r = rng(f + m);
          const a = put(be, r.f32(m * k)), b = put(be, r.f32(k * n)), bs = bias ? put(be, r.f32(n)) : null, out = put(be, r.f32(m * n));
          if (packed) be.matmulPacked(out, a, be.packMatrix(b, k, n, tb), bs, m, ta, acc);
          else be.matmul(out, a, b, bs, 1, m, k, n, ta, tb, acc);
          return be.read(out);
        });
        const want = run(js, false), label = `relaxed m${m} k${k} n${n} flags ${f}`;
        expectClose(run(relaxed, false), want, 1e-5, 2e-4, label);
        expectClose(run(relaxed, true), want, 1e-5, 2e-4, `${label} packed`);
      }
    }
  });

  it('attention forward, backward and decode equal the js twin within the matmul tolerance', () => {
    for (const [B, T, C, H] of [[2, 7, 12, 3], [1, 65, 64, 2], [2, 33, 96, 4]]) {
      const run = (be: Backend) => be.scope(() => {
        const r = rng(B * T + C);
        const qkv = put(be, r.f32(B * T * 3 * C, -2, 2)), out = be.alloc(B * T * C), att = be.alloc(B * H * T * T);
        be.attentionForward(out, att, qkv, B, T, C, H);
        const dqkv = put(be, r.f32(B * T * 3 * C));
        be.attentionBackward(dqkv, put(be, r.f32(B * T * C)), qkv, att, B, T, C, H, true);
        const kc = be.alloc(B * T * C), vc = be.alloc(B * T * C), dec = be.alloc(B * C), datt = be.alloc(B * H * T);
        be.kvCacheWrite(kc, vc, qkv, B, T, C, H, 0, T);
        be.attentionDecode(dec, datt, put(be, r.f32(B * 3 * C)), kc, vc, B, C, H, T, T);
        return [out, att, dqkv, dec, datt].map((b) => be.read(b));
      });
      const [got, want] = [run(relaxed), run(js)];
      got.forEach((g, i) => expectClose(g, want[i], 1e-5, 2e-4, `relaxed attention B${B} T${T} C${C} H${H} output ${i}`));
    }
  });

  it('trains a GPT to the same losses as the simd build within 1e-4', () => {
    const config = { vocabSize: 31, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 32, dropout: 0, bias: false };
    const losses = (be: Backend) => {
      const model = new GPT(be, config, { seed: 3 });
      const r = rng(5);
      const ids = Array.from({ length: 4 }, () => Array.from(r.int(17, 31)));
      const [x, y] = [ids.map((row) => row.slice(0, 16)), ids.map((row) => row.slice(1))];
      const out: number[] = [];
      for (let step = 0; step < 5; step++) {
        be.scope(() => {
          model.zeroGrad();
          const { loss } = model.forward(x, y);
          out.push(loss!.item());
          loss!.backward();
          be.axpy(model.params.data, model.params.grad, -0.5, model.params.total); // plain SGD
        });
      }
      model.free();
      return out;
    };
    const [a, b] = [losses(relaxed), losses(simd)];
    expect(b[4]).toBeLessThan(b[0]);
    a.forEach((l, i) => expect(Math.abs(l - b[i]), `step ${i}: relaxed ${l} vs simd ${b[i]}`).toBeLessThan(1e-4));
  });

  // Node 22+ has relaxed SIMD on by default: there is no runtime without it to provoke
  it.skipIf(Number(process.versions.node.split('.')[0]) >= 22)('a runtime without relaxed SIMD gets an error that names the fix', () => {
    const script = `import { createBackend } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};
      try { await createBackend('wasm', { variant: 'relaxed' }); console.log('loaded'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out).toMatch(/WasmLoadError: the relaxed variant needs relaxed SIMD.*--experimental-wasm-relaxed-simd.*use the default simd variant/);
  });
});
