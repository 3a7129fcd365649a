// GPT construction and forward: config validation, GPT-2 init statistics, input checks, eval vs
// training (dropout), and that the attention maps come out causal.

import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { ConfigError, DEFAULT_CONFIG, GPT, makeConfig, parameterSpecs } from '../../ts/model/index.js';
import { Tensor, noGrad } from '../../ts/tensor/index.js';

const be = new JsBackend();
const CFG = { vocabSize: 11, blockSize: 8, nLayer: 3, nHead: 2, nEmbd: 16 };

describe('GPTConfig', () => {
  it('fills defaults (nanoGPT values) and validates', () => {
    expect(makeConfig()).toEqual(DEFAULT_CONFIG);
    expect(makeConfig({ nLayer: 4 }).nLayer).toBe(4);
    const bad: [object, RegExp][] = [
      [{ n_embd: 8 }, /unknown key "n_embd"/],
      [{ nEmbd: 36, nHead: 5 }, /nEmbd=36 is not divisible by nHead=5/],
      [{ nLayer: 0 }, /nLayer must be a positive integer, got 0/],
      [{ blockSize: 2.5 }, /blockSize must be a positive integer, got 2.5/],
      [{ vocabSize: '50' }, /vocabSize must be a positive integer, got "50"/],
      [{ dropout: 1 }, /dropout must be a number in \[0, 1\), got 1/],
      [{ bias: 1 }, /bias must be a boolean, got 1/],
    ];
    for (const [c, msg] of bad) {
      expect(() => makeConfig(c as never)).toThrow(ConfigError);
      expect(() => makeConfig(c as never)).toThrow(msg);
    }
  });

  it('lists GPT-2 names and shapes; 124M parameters for GPT-2 small', () => {
    const specs = parameterSpecs(makeConfig({ vocabSize: 50257 }));
    const n = specs.reduce((a, s) => a + s.shape.reduce((x, d) => x * d, 1), 0);
    expect(n).toBe(124439808); // GPT-2 small, head tied (the well-known 124M)
    expect(specs.map((s) => s.name).slice(0, 6)).toEqual(['wte.weight', 'wpe.weight', 'h.0.ln_1.weight', 'h.0.ln_1.bias', 'h.0.attn.c_attn.weight', 'h.0.attn.c_attn.bias']);
    expect(parameterSpecs(makeConfig({ nLayer: 1, bias: false })).map((s) => s.name)).not.toContain('ln_f.bias');
  });
});

describe('GPT', () => {
  const model = new GPT(be, CFG, { seed: 42 });

  it('initialises as GPT-2: std 0.02, residual projections 0.02/√(2·nLayer), LN 1, biases 0', () => {
    const std = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0) / a.length);
    // sample std of n normals is within ~1/√(2n) of the truth: 4.4% for 256 entries
    const near = (name: string, want: number) => expect(Math.abs(std(model.p(name).toArray()) / want - 1), name).toBeLessThan(0.15);
    near('h.0.mlp.c_fc.weight', 0.02);
    near('wte.weight', 0.02);
    near('h.1.mlp.c_proj.weight', 0.02 / Math.sqrt(6));
    near('h.2.attn.c_proj.weight', 0.02 / Math.sqrt(6));
    expect(new Set(model.p('h.0.ln_2.weight').toArray())).toEqual(new Set([1]));
    expect(new Set(model.p('h.0.attn.c_attn.bias').toArray())).toEqual(new Set([0]));
    expect(new GPT(be, CFG, { seed: 42 }).p('wte.weight').toArray()).toEqual(model.p('wte.weight').toArray());
    expect(new GPT(be, CFG, { seed: 43 }).p('wte.weight').toArray()).not.toEqual(model.p('wte.weight').toArray());
  });

  it('gives logits [B, T, V], a loss near ln V at init, and causal attention maps', () => {
    be.scope(() => {
      const out = model.forward([[1, 2, 3], [4, 5, 6]], [[2, 3, 4], [5, 6, 7]]);
      expect(out.logits.shape).toEqual([2, 3, 11]);
      expect(out.loss!.item()).toBeCloseTo(Math.log(11), 1);
      expect(out.att).toHaveLength(3);
      const att = out.att[0].toArray();
      expect(out.att[0].shape).toEqual([2, 2, 3, 3]);
      expect(att[1]).toBe(0); // query 0 cannot see key 1
      expect(att[0]).toBeCloseTo(1, 6); // and sees only itself
      expect(att[3] + att[4]).toBeCloseTo(1, 6);
      expect(model.forward([[1, 2, 3]]).loss).toBeNull();
    });
  });

  it('a position only depends on the past (changing a later token leaves earlier logits alone)', () => {
    be.scope(() => noGrad(() => {
      const a = model.forward([[1, 2, 3, 4]]).logits.toArray(), b = model.forward([[1, 2, 9, 4]]).logits.toArray();
      expect(a.subarray(0, 22)).toEqual(b.subarray(0, 22));
      expect(a.subarray(22, 33)).not.toEqual(b.subarray(22, 33));
    }));
  });

  it('checks its inputs and names the bad value', () => {
    be.scope(() => {
      expect(() => model.forward([[1, 2, 11]])).toThrow('GPT.forward: ids value 11 at position 2 is outside the vocabulary [0, 11)');
      expect(() => model.forward([[1, 2], [3]])).toThrow(/row 1 has length 1, row 0 has 2/);
      expect(() => model.forward([new Array(9).fill(0)])).toThrow(/sequence length 9 exceeds blockSize 8/);
      expect(() => model.forward([[1, 2]], [[1, 2, 3]])).toThrow(/targets \[1, 3\] do not match ids \[1, 2\]/);
      expect(() => model.forward([[1, 2]], [[1, -1]])).toThrow(/targets value -1 at position 1/);
      expect(() => model.forward(Tensor.from(be, [1, 2], [1, 2]))).toThrow(/must be an i32 tensor/);
      expect(() => model.forward([])).toThrow(/non-empty array/);
    });
  });

  it('applies dropout only in training mode; eval matches a dropout-free model', () => {
    const d = new GPT(be, { ...CFG, dropout: 0.2 }, { seed: 42 });
    be.scope(() => {
      const ids = [[1, 2, 3, 4]], t = [[2, 3, 4, 5]];
      const ref = model.forward(ids, t).loss!.item();
      expect(d.eval().forward(ids, t).loss!.item()).toBe(ref);
      const t1 = d.train().forward(ids, t).loss!.item(), t2 = d.forward(ids, t).loss!.item();
      expect(t1).not.toBe(ref);
      expect(t2).not.toBe(t1); // a fresh mask per forward
    });
    d.free();
  });

  it('counts parameters as nanoGPT (without wpe by default)', () => {
    expect(model.numParams(false)).toBe(model.numParams() + 8 * 16);
  });
});
