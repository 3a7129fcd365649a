// Fine-tuning a Hugging Face GPT-2 folder from the CLI: `glassgpt sft --checkpoint HF_DIR` adds
// the chat tokens GPT-2 lacks (the vocabulary grows, resize_token_embeddings-style: new rows at
// the mean of wte), trains, reports its speed, and the result exports back to an HF folder that
// the PyTorch re-implementation loads with the same logits.

import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { loadChatModel } from '../../ts/align/checkpoint-node.js';
import { sftCommand } from '../../ts/cli/align/sft.js';
import { dpoCommand } from '../../ts/cli/align/dpo.js';
import { exportCommand } from '../../ts/cli/export.js';
import { loadHfDir } from '../../ts/hf/node.js';
import { resizeTokenEmbeddings } from '../../ts/model/resize.js';
import { noGrad } from '../../ts/tensor/tensor.js';
import { compare } from '../helpers/fixtures.js';
import { reference, tmp, torchOk } from './helpers.js';

const TINY = fileURLToPath(new URL('../fixtures/hf/tiny', import.meta.url));
const be = new JsBackend();
const root = tmp('hfsft');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(fn: typeof sftCommand, ...argv: string[]) {
  let out = '', err = '';
  const code = await fn(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('SFT of an HF GPT-2 folder', () => {
  it('resizeTokenEmbeddings keeps every old logit and starts new rows at the mean of wte', async () => {
    const { model } = await loadHfDir(be, TINY);
    const big = resizeTokenEmbeddings(model, 303);
    const ids = [[1, 2, 3, 299]];
    const a = be.scope(() => noGrad(() => model.forward(ids).logits.toArray()));
    const b = be.scope(() => noGrad(() => big.forward(ids).logits.toArray()));
    for (let t = 0; t < 4; t++) expect(b.subarray(t * 303, t * 303 + 300)).toEqual(a.subarray(t * 300, t * 300 + 300));
    const wte = be.read(big.p('wte.weight').data) as Float32Array, C = 32;
    let mean0 = 0;
    for (let v = 0; v < 300; v++) mean0 += wte[v * C] / 300;
    expect(wte[301 * C]).toBeCloseTo(mean0, 6);
    expect(() => resizeTokenEmbeddings(model, 299)).toThrow(/vocabSize must be an integer ≥ 300, got 299/);
    model.free(); big.free();
  });

  it.skipIf(!torchOk)('glassgpt sft --checkpoint HF_DIR trains, reports speed, and exports back to PyTorch', async () => {
    const data = join(root, 'sft.jsonl');
    const pairs = [['the', 'road'], ['it is', 'wide'], ['on the', 'road and'], ['she', 'is on it']];
    writeFileSync(data, Array.from({ length: 8 }, (_, i) => JSON.stringify({ prompt: pairs[i % 4][0], response: pairs[i % 4][1] })).join('\n'));
    const out = join(root, 'sft');
    const r = await cli(sftCommand, '--checkpoint', TINY, '--data', data, '--out', out, '--steps', '30', '--batch-size', '4', '--lr', '3e-3', '--json', '--backend', 'js');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const steps = lines.filter((l) => l.type === 'step'), done = lines.at(-1);
    expect(steps[0].loss).toBeGreaterThan(done.trainLoss + 1); // it learned the four answers
    expect(done.targetTokensPerS).toBeGreaterThan(0);
    expect(done.secondsPerStep).toBeGreaterThan(0);
    const { model, tokenizer } = await loadChatModel(be, out);
    expect(model.config.vocabSize).toBe(303);
    expect(tokenizer.specialTokens.get('<|user|>')).toBe(300);
    // back to an HF folder, into the PyTorch reference
    const hf = join(root, 'sft-hf');
    expect((await cli(exportCommand, '--format', 'hf', '--checkpoint', out, '--out', hf, '--backend', 'js')).code).toBe(0);
    const ids = [[300, 83, 258, 302, 301]];
    const want = be.scope(() => noGrad(() => model.forward(ids).logits.toArray()));
    const c = compare(reference(hf, ids).get('logits')!.data, want, 1e-5, 1e-6);
    expect(c.worst, `max |Δ| ${c.maxAbs}`).toBeLessThanOrEqual(1);
    model.free();
  });

  it('glassgpt dpo --checkpoint HF_DIR runs on chosen/rejected pairs and saves a loadable chat model', async () => {
    const data = join(root, 'dpo.jsonl');
    const rows = [['the', 'road', 'it'], ['on the', 'road', 'is is'], ['she', 'is on it', 'the the']];
    writeFileSync(data, Array.from({ length: 6 }, (_, i) => JSON.stringify({ prompt: rows[i % 3][0], chosen: rows[i % 3][1], rejected: rows[i % 3][2] })).join('\n'));
    const out = join(root, 'dpo');
    const r = await cli(dpoCommand, '--checkpoint', TINY, '--data', data, '--out', out, '--steps', '8', '--batch-size', '3', '--json', '--backend', 'js');
    expect(r.code, r.err).toBe(0);
    const { model, tokenizer } = await loadChatModel(be, out);
    expect(model.config.vocabSize).toBe(303);
    expect(tokenizer.specialTokens.get('<|end|>')).toBe(302);
    model.free();
  });
});
