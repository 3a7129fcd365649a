// Checkpoints in the GPT-2 layout: round trip, GPT-2-style files (no config, mask buffers,
// "transformer." prefix), and each way a checkpoint can fail to fit a config.

import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { readSafetensors, writeSafetensors, type StTensor } from '../../ts/io/safetensors.js';
import { writeFileAtomic } from '../../ts/io/save-node.js';
import { CheckpointError, ConfigError, GPT, loadCheckpoint, saveCheckpoint } from '../../ts/model/index.js';

const be = new JsBackend();
const CFG = { vocabSize: 17, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8 };

/** Re-serialises a checkpoint after `edit` changes its tensors/metadata. */
function mutate(bytes: Uint8Array, edit: (t: Map<string, StTensor>, m: Record<string, string>) => void): Uint8Array {
  const f = readSafetensors(bytes);
  edit(f.tensors, f.metadata);
  return writeSafetensors(f.tensors, f.metadata);
}

const model = new GPT(be, CFG, { seed: 3 });
const bytes = saveCheckpoint(model, { tokenizer: '{"vocab":{}}', metadata: { step: '12' } });

describe('checkpoint', () => {
  it('round-trips weights, config, tokenizer and metadata; logits match', () => {
    const f = readSafetensors(bytes);
    expect(f.tensors.get('h.1.attn.c_attn.weight')!.shape).toEqual([8, 24]); // Conv1D [in, out]
    expect(f.tensors.get('h.0.mlp.c_proj.weight')!.shape).toEqual([32, 8]);
    expect(f.tensors.has('lm_head.weight')).toBe(false); // tied to wte
    const { model: m2, tokenizer, metadata } = loadCheckpoint(be, bytes);
    expect(m2.config).toEqual(model.config);
    expect(tokenizer).toBe('{"vocab":{}}');
    expect(metadata.step).toBe('12');
    for (const [name, p] of model.namedParameters()) expect(m2.p(name).toArray(), name).toEqual(p.toArray());
    const ids = [[1, 2, 3, 16]];
    be.scope(() => expect(m2.forward(ids).logits.toArray()).toEqual(model.forward(ids).logits.toArray()));
    m2.free();
  });

  it('loads a GPT-2-style file: no config, "transformer." prefix, mask buffers, tied lm_head', () => {
    const gpt2 = mutate(bytes, (t, m) => {
      delete m.config;
      for (const [k, v] of [...t]) { t.delete(k); t.set(`transformer.${k}`, v); }
      t.set('transformer.h.0.attn.bias', { dtype: 'F32', shape: [1, 1, 8, 8], data: new Float32Array(64) });
      t.set('lm_head.weight', t.get('transformer.wte.weight')!);
    });
    expect(() => loadCheckpoint(be, gpt2)).toThrow(/no "config" in the metadata/);
    const { model: m2 } = loadCheckpoint(be, gpt2, { config: CFG });
    expect(m2.p('wte.weight').toArray()).toEqual(model.p('wte.weight').toArray());
    m2.free();
  });

  const bad: [string, (t: Map<string, StTensor>, m: Record<string, string>) => void, RegExp][] = [
    ['a missing tensor', (t) => t.delete('h.1.ln_2.bias'), /missing tensor "h.1.ln_2.bias"/],
    ['an unknown tensor', (t) => t.set('h.2.ln_1.weight', { dtype: 'F32', shape: [8], data: new Float32Array(8) }), /unknown tensor "h.2.ln_1.weight"/],
    ['a wrong shape', (t) => t.set('wpe.weight', { dtype: 'F32', shape: [9, 8], data: new Float32Array(72) }), /"wpe.weight" has shape \[9, 8\], the config needs \[8, 8\]/],
    ['a transposed Conv1D weight', (t) => t.set('h.0.attn.c_attn.weight', { dtype: 'F32', shape: [24, 8], data: new Float32Array(192) }), /shape \[24, 8\], the config needs \[8, 24\]/],
    ['an I32 weight', (t) => t.set('ln_f.weight', { dtype: 'I32', shape: [8], data: new Int32Array(8) }), /dtype I32, expected F32/],
    ['a NaN weight', (t) => { t.get('ln_f.bias')!.data[3] = NaN; }, /non-finite value NaN at 3/],
    ['a config that is not JSON', (_t, m) => { m.config = '{vocab'; }, /metadata "config" is not JSON/],
    ['an untied lm_head', (t) => t.set('lm_head.weight', { dtype: 'F32', shape: [17, 8], data: new Float32Array(136) }), /differs from "wte.weight"/],
  ];
  it.each(bad)('refuses %s with a CheckpointError', (_what, edit, message) => {
    const b = mutate(bytes, edit);
    expect(() => loadCheckpoint(be, b)).toThrow(CheckpointError);
    expect(() => loadCheckpoint(be, b)).toThrow(message);
  });

  it('refuses a config with an unknown key or an impossible shape (ConfigError)', () => {
    const unknown = mutate(bytes, (_t, m) => { m.config = JSON.stringify({ ...CFG, n_layer: 2 }); });
    expect(() => loadCheckpoint(be, unknown)).toThrow(ConfigError);
    expect(() => loadCheckpoint(be, unknown)).toThrow(/unknown key "n_layer"/);
    const heads = mutate(bytes, (_t, m) => { m.config = JSON.stringify({ ...CFG, nHead: 3 }); });
    expect(() => loadCheckpoint(be, heads)).toThrow(/nEmbd=8 is not divisible by nHead=3/);
  });

  it('refuses a requested config that disagrees with the file, but allows a new dropout', () => {
    expect(() => loadCheckpoint(be, bytes, { config: { ...CFG, nLayer: 3 } })).toThrow(/nLayer=2 differs from the requested 3/);
    const { model: m2 } = loadCheckpoint(be, bytes, { config: { ...CFG, dropout: 0.1 } });
    expect(m2.config.dropout).toBe(0.1);
    m2.free();
  });

  it('frees the half-built model when loading fails', () => {
    const before = be.heapBytes();
    expect(() => loadCheckpoint(be, mutate(bytes, (t) => t.delete('wte.weight')))).toThrow(CheckpointError);
    expect(be.heapBytes()).toBe(before);
  });

  it('writes files atomically: content in place, no temporary left behind', async () => {
    const dir = 'test-output/atomic';
    mkdirSync(dir, { recursive: true });
    await writeFileAtomic(`${dir}/ckpt.safetensors`, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(`${dir}/ckpt.safetensors`, bytes); // replaces the old file
    expect(new Uint8Array(readFileSync(`${dir}/ckpt.safetensors`))).toEqual(bytes);
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
    await expect(writeFileAtomic(`${dir}/missing/x.safetensors`, bytes)).rejects.toThrow(/ENOENT/);
  });
});
