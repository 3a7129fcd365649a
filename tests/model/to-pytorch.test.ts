// The other direction: a checkpoint glassgpt writes (after a few SGD steps, so it is not just the
// init) loads into the PyTorch reference model and gives the same loss. Needs Debian's
// /usr/bin/python3 with torch; skipped, saying so, where it is missing (CI has no Python).

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { GPT, saveCheckpoint } from '../../ts/model/index.js';
import { writeSafetensors } from '../../ts/io/safetensors.js';

const PYTHON = '/usr/bin/python3';

function hasTorch(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const torchOk = hasTorch();
if (!torchOk) console.warn(`to-pytorch: skipped, ${PYTHON} with torch is not available`);

describe('checkpoint → PyTorch', () => {
  it.skipIf(!torchOk)('PyTorch loads a glassgpt checkpoint and computes the same loss', () => {
    const be = new JsBackend();
    const model = new GPT(be, { vocabSize: 31, blockSize: 12, nLayer: 2, nHead: 3, nEmbd: 24 }, { seed: 7 });
    const ids = [[1, 5, 9, 2, 30, 4, 4, 0, 17, 11], [3, 3, 8, 21, 6, 12, 29, 1, 2, 5]];
    const targets = ids.map((r) => [...r.slice(1), -100]);
    let loss = 0;
    for (let step = 0; step < 4; step++) be.scope(() => {
      model.zeroGrad();
      const out = model.forward(ids, targets);
      out.loss!.backward();
      loss = out.loss!.item();
      be.axpy(model.params.data, model.params.grad, -0.5, model.params.total); // plain SGD
    });
    loss = be.scope(() => model.forward(ids, targets).loss!.item()); // loss of the saved weights
    const dir = 'test-output';
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/to-pytorch.safetensors`, saveCheckpoint(model, { tokenizer: '{"type":"none"}' }));
    writeFileSync(`${dir}/to-pytorch.inputs.safetensors`, writeSafetensors([
      ['ids', { shape: [2, 10], data: Int32Array.from(ids.flat()) }],
      ['targets', { shape: [2, 10], data: Int32Array.from(targets.flat()) }],
    ]));
    const out = execFileSync(PYTHON, ['tests/reference/load_checkpoint.py', `${dir}/to-pytorch.safetensors`,
      `${dir}/to-pytorch.inputs.safetensors`], { encoding: 'utf8', timeout: 120_000 });
    const torchLoss = JSON.parse(out.trim().split('\n').pop()!).loss as number;
    console.log(`glassgpt loss ${loss}, PyTorch loss ${torchLoss}`);
    expect(Math.abs(loss - torchLoss)).toBeLessThanOrEqual(1e-5 * Math.abs(torchLoss));
    model.free();
  });
});
