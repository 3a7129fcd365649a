// GPT.setWeightDtype('bf16'): decoding reads bf16 copies of every matrix weight. Held exactly
// where it can be: the logits equal an f32 model whose weights were rounded to bf16 beforehand
// (the same numbers through the f32 kernels), greedy generations equal that model's; with
// gradients on, the f32 weights are used; 'f32' frees the copies. Against the unrounded f32
// model the logits differ by bf16's rounding, within the stated tolerance.

import { describe, expect, it, vi } from 'vitest';
import { GPT } from '../../ts/model/gpt.js';
import { generate } from '../../ts/generate/generate.js';
import { noGrad } from '../../ts/tensor/tensor.js';
import { CharTokenizer } from '../../ts/tokenizer/char.js';
import { testBackends } from '../helpers/backends.js';
import { compare } from '../helpers/fixtures.js';

const backends = await testBackends();
const CFG = { vocabSize: 61, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 48 };
const IDS = [[3, 17, 42, 5, 9, 60, 0, 33, 12]];

/** x rounded to bf16 and widened back, as the reference: nearest, ties to even. */
function roundBf16(x: Float32Array): Float32Array {
  const u = new Uint32Array(Float32Array.from(x).buffer);
  for (let i = 0; i < u.length; i++) u[i] = ((u[i] + 0x7fff + ((u[i] >>> 16) & 1)) >>> 16) << 16;
  return new Float32Array(u.buffer);
}

describe.each(backends.map((b) => [b.name, b] as const))('bf16 weights on %s', (_n, be) => {
  const model = new GPT(be, CFG, { seed: 4 }).eval();
  // wte is both the embedding (read in f32) and the head (read in bf16): made bf16-exact in both
  // models, so the one f32 reference below computes what the bf16 path does
  const wte = model.p('wte.weight');
  be.write(wte.data, roundBf16(be.read(wte.data) as Float32Array));
  // the reference: the same model, every matrix weight rounded to bf16 in f32
  const rounded = new GPT(be, CFG, { seed: 4 }).eval();
  for (const [name, t] of rounded.namedParameters()) {
    if (/\.(c_attn|c_proj|c_fc)\.weight$|^wte\.weight$/.test(name)) be.write(t.data, roundBf16(be.read(t.data) as Float32Array));
  }
  const logits = (m: GPT, ids = IDS) => be.scope(() => noGrad(() => m.forward(ids).logits.toArray()));

  it('logits equal the f32 model on bf16-rounded weights; within 2e-2 of the unrounded f32 model', () => {
    const f32 = logits(model), ref = logits(rounded);
    model.setWeightDtype('bf16');
    expect(model.weightDtype).toBe('bf16');
    const half = logits(model);
    const c = compare(half, ref, 1e-5, 1e-6);
    expect(c.worst, `vs rounded weights: max |Δ| ${c.maxAbs}`).toBeLessThanOrEqual(1);
    const d = compare(half, f32, 0, 2e-2);
    expect(d.worst, `vs f32: max |Δ| ${d.maxAbs}`).toBeLessThanOrEqual(1);
    expect(d.maxAbs).toBeGreaterThan(0); // the bf16 path really ran
    // and for every matrix: 4 per block and the tied head (whose rounding wte already absorbed)
    const spy = vi.spyOn(be, 'matvecBf16');
    logits(model);
    expect(spy.mock.calls.map((c) => c[7])).toEqual([...Array(4 * CFG.nLayer).fill(false), true]);
    spy.mockRestore();
    model.setWeightDtype('f32');
  });

  it('greedy generation (KV cache, one row per step) equals the rounded f32 model', async () => {
    const tok = CharTokenizer.fromText('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;:!?\n');
    model.setWeightDtype('bf16');
    const a = await generate(model, tok, 'the road', { temperature: 0, maxTokens: 12 });
    const b = await generate(rounded, tok, 'the road', { temperature: 0, maxTokens: 12 });
    expect(a.tokens).toEqual(b.tokens);
    model.setWeightDtype('f32');
  });

  it('with gradients on, the f32 weights are used; prefills longer than 16 rows too', () => {
    model.setWeightDtype('bf16');
    const f32 = be.scope(() => { const m2 = model; m2.setWeightDtype('f32'); const r = m2.forward(IDS).logits.toArray(); return r; });
    model.setWeightDtype('bf16');
    const withGrad = be.scope(() => model.forward(IDS).logits.toArray());
    expect(withGrad).toEqual(f32);
    const long = [Array.from({ length: 20 }, (_, i) => (i * 7) % 61)];
    const f32Long = logits(rounded, long);
    const halfLong = logits(model, long);
    expect(compare(halfLong, f32Long, 0, 0).maxAbs).toBeGreaterThan(0); // not the rounded weights: f32 GEMM
    model.setWeightDtype('f32');
    expect(logits(model, long)).toEqual(halfLong);
  });

  it("'f32' frees the copies; a bad dtype is refused", () => {
    const before = be.heapBytes();
    model.setWeightDtype('bf16');
    if (be.name === 'js') expect(be.heapBytes()).toBeGreaterThan(before);
    model.setWeightDtype('f32');
    expect(be.heapBytes()).toBe(before);
    expect(() => model.setWeightDtype('f16' as never)).toThrow(/dtype must be "f32" or "bf16", got "f16"/);
  });
});
