// `glassgpt export --format hf`: a model trained here, written as an HF GPT-2 folder, loads in
// the PyTorch re-implementation of GPT2LMHeadModel (tests/reference/hf_gpt2.py, which checks the
// names, Conv1D shapes and "format": "pt" as from_pretrained does) with the same logits; it loads
// back here with the same weights and tokenizer; and `glassgpt sample` runs on an HF folder.
// Where transformers is installed, the real from_pretrained loads it too.

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { KernelBackend } from '../../ts/backend/kernels.js';
import { JsBackend } from '../../ts/backend/js/index.js';
import { saveModelDir } from '../../ts/align/checkpoint-node.js';
import { exportCommand } from '../../ts/cli/export.js';
import { sampleCommand } from '../../ts/cli/sample.js';
import { loadHfDir, saveHfDir } from '../../ts/hf/node.js';
import { GPT } from '../../ts/model/gpt.js';
import { generate } from '../../ts/generate/generate.js';
import { CharTokenizer } from '../../ts/tokenizer/char.js';
import { trainBpe } from '../../ts/tokenizer/train.js';
import { compare } from '../helpers/fixtures.js';
import { py, reference, tmp, torchOk, transformersOk } from './helpers.js';

const be = new JsBackend();
const root = tmp('hfexport');
afterAll(() => rmSync(root, { recursive: true, force: true }));
const TEXT = 'It was too tired to cross the road, so the chicken sat down by the road and slept. '.repeat(20);
const IDS = [[5, 9, 2, 40, 33, 1, 7], [100, 3, 260, 8, 12, 0, 61]];

/** A model after a few SGD steps (so the export is not just the init), saved as glassgpt saves. */
async function trained(bias: boolean, name: string) {
  const tok = trainBpe(TEXT, { vocabSize: 300 });
  const model = new GPT(be, { vocabSize: tok.vocabSize, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 24, bias }, { seed: 11 });
  const ids = [tok.encode(TEXT).slice(0, 16)];
  for (let s = 0; s < 3; s++) be.scope(() => {
    model.zeroGrad();
    model.forward(ids.map((r) => r.slice(0, 15)), ids.map((r) => r.slice(1))).loss!.backward();
    be.axpy(model.params.data, model.params.grad, -0.5, model.params.total);
  });
  const dir = join(root, name);
  await saveModelDir(dir, model, tok);
  return { model, tok, dir };
}

async function cli(fn: typeof exportCommand, ...argv: string[]) {
  let out = '', err = '';
  const code = await fn(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('glassgpt export --format hf', () => {
  it.skipIf(!torchOk).each([true, false])('bias=%s: the exported folder loads in the PyTorch GPT2LMHeadModel with the same logits', async (bias) => {
    const { model, tok, dir } = await trained(bias, `ckpt-${bias}`);
    const out = join(root, `hf-${bias}`);
    const r = await cli(exportCommand, '--format', 'hf', '--checkpoint', dir, '--out', out, '--backend', 'js');
    expect(r.code, r.err).toBe(0);
    if (!bias) expect(r.out).toMatch(/zero biases are written/);
    for (const f of ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const want = be.scope(() => model.forward(IDS).logits.toArray());
    const c = compare(reference(out, IDS).get('logits')!.data, want, 1e-5, 1e-6);
    expect(c.worst, `logits max |Δ| ${c.maxAbs}`).toBeLessThanOrEqual(1);
    // and back: the same weights and the same tokenizer, specials included
    const back = await loadHfDir(be, out);
    expect(back.model.config).toEqual({ ...model.config, bias: true });
    const again = be.scope(() => back.model.forward(IDS).logits.toArray());
    expect(again).toEqual(want); // bit for bit: F32 out, F32 in
    const s = 'the road<|endoftext|><|user|>hi<|end|>';
    expect(back.tokenizer!.encode(s, { allowedSpecial: 'all' })).toEqual(tok.encode(s, { allowedSpecial: 'all' }));
    expect(back.eosTokenId).toBe(tok.specialTokens.get('<|endoftext|>'));
    back.model.free(); model.free();
  });

  it('an HF folder exports to the same tensors and tokenizer files it was read from', async () => {
    const tiny = fileURLToPath(new URL('../fixtures/hf/tiny', import.meta.url));
    const out = join(root, 'tiny-again');
    const r = await cli(exportCommand, '--format', 'hf', '--checkpoint', tiny, '--out', out, '--backend', 'js', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ type: 'done', out, notes: [] });
    const a = await loadHfDir(be, tiny), b = await loadHfDir(be, out);
    expect(be.read(b.model.params.data)).toEqual(be.read(a.model.params.data));
    expect(JSON.parse(readFileSync(join(out, 'vocab.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(tiny, 'vocab.json'), 'utf8')));
    expect(readFileSync(join(out, 'merges.txt'), 'utf8')).toBe(readFileSync(join(tiny, 'merges.txt'), 'utf8'));
    a.model.free(); b.model.free();
  });

  it('a character tokenizer is written as glassgpt JSON, and the notes say AutoTokenizer will not load it', async () => {
    const tok = CharTokenizer.fromText('abc de');
    const model = new GPT(be, { vocabSize: tok.vocabSize, blockSize: 8, nLayer: 1, nHead: 1, nEmbd: 8 });
    const notes = await saveHfDir(join(root, 'char'), model, tok);
    expect(notes.join('\n')).toMatch(/glassgpt_tokenizer.json .* AutoTokenizer will not load/);
    expect(JSON.parse(readFileSync(join(root, 'char', 'glassgpt_tokenizer.json'), 'utf8'))).toEqual(tok.toJSON());
    expect(existsSync(join(root, 'char', 'vocab.json'))).toBe(false);
    model.free();
  });

  it('refuses another --format', async () => {
    const r = await cli(exportCommand, '--format', 'onnx', '--checkpoint', root, '--out', root);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--format must be "hf" .* got "onnx"/);
  });

  it.skipIf(!transformersOk)('transformers itself loads the exported folder (GPT2LMHeadModel, AutoTokenizer)', async () => {
    const { tok, dir } = await trained(true, 'ckpt-tf');
    const out = join(root, 'hf-tf');
    expect((await cli(exportCommand, '--format', 'hf', '--checkpoint', dir, '--out', out, '--backend', 'js')).code).toBe(0);
    const r = JSON.parse(py('hf-check', out, JSON.stringify(IDS)).trim());
    expect(r.max_abs).toBeLessThan(1e-4);
    expect(r.ids).toEqual(tok.encode('Hello world, it is a road.'));
  });
});

describe('glassgpt sample on an HF folder', () => {
  it('greedy text from the committed tiny GPT-2 folder', async () => {
    const tiny = fileURLToPath(new URL('../fixtures/hf/tiny', import.meta.url));
    let out = '', err = '';
    const code = await sampleCommand(['--checkpoint', tiny, '--prompt', 'the road', '--temperature', '0', '--max-tokens', '5', '--json', '--backend', 'js'],
      { out: (s) => { out += s; }, err: (s) => { err += s; } });
    expect(code, err).toBe(0);
    const r = JSON.parse(out);
    const { model, tokenizer } = await loadHfDir(be, tiny);
    const want = await generate(model, tokenizer!, 'the road', { temperature: 0, maxTokens: 5 });
    expect(r.promptTokens).toBe(tokenizer!.encode('the road').length);
    expect(r.tokens).toEqual(want.tokens);
    model.free();
  });

  it('--weights bf16 decodes through the bf16 copies (as loadHfDir({ weights: "bf16" })); a bad value exits 2', async () => {
    const tiny = fileURLToPath(new URL('../fixtures/hf/tiny', import.meta.url));
    let out = '', err = '';
    const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; } };
    const argv = ['--checkpoint', tiny, '--prompt', 'on the road', '--temperature', '0', '--max-tokens', '6', '--json', '--backend', 'js'];
    const spy = vi.spyOn(KernelBackend.prototype, 'matvecBf16');
    expect(await sampleCommand([...argv, '--weights', 'bf16'], io), err).toBe(0);
    expect(spy).toHaveBeenCalled(); // the bf16 kernels ran, not the f32 ones
    spy.mockRestore();
    const { model, tokenizer } = await loadHfDir(be, tiny, { weights: 'bf16' });
    expect(model.weightDtype).toBe('bf16');
    const want = await generate(model, tokenizer!, 'on the road', { temperature: 0, maxTokens: 6 });
    expect(JSON.parse(out).tokens).toEqual(want.tokens);
    model.free();
    expect(await sampleCommand([...argv, '--weights', 'f16'], io)).toBe(2);
    expect(err).toMatch(/--weights must be f32 or bf16, got "f16"/);
  });
});
