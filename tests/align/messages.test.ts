// Alignment errors that say what is wrong (issue 16, problems 14 and 15): prompts longer than the
// block are named as such by SFT and DPO (SFT said "all 32 targets are the ignore index"; DPO
// trained on nothing for every step and exited 0), examples that lose their response are skipped
// with a count, and `reward train` on data that forms no pairs blames the data, not the flag.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../ts/backend/index.js';
import { saveModelDir } from '../../ts/align/checkpoint-node.js';
import { SFTTrainer } from '../../ts/align/sft.js';
import { DPOTrainer } from '../../ts/align/dpo.js';
import { dpoCommand, rewardCommand, sftCommand } from '../../ts/cli/align/index.js';
import { GPT } from '../../ts/model/gpt.js';
import { tinyConfig } from './helpers.js';
import { tok } from './world.js';

const be = await createBackend('js');
const block = 16;
const model = new GPT(be, tinyConfig(tok.vocabSize, block), { seed: 1 });
const long = 'x'.repeat(40); // with the chat tokens, well past the 16-token block
let dir: string;

function capture() {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (s: string) => { out.push(s); }, err: (s: string) => { err.push(s); }, tty: false } };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gg-align-msg-'));
  await saveModelDir(join(dir, 'm'), model, tok);
});

describe('prompts longer than the block', () => {
  it('SFT names the prompts and the block, and the fix', () => {
    const conv = [{ role: 'user' as const, content: long }, { role: 'assistant' as const, content: 'ok' }];
    expect(() => new SFTTrainer(model, tok, [conv, conv], { steps: 1 }))
      .toThrow(/SFT: none of the 2 examples has a response token within the model's block of 16 tokens \(the longest is \d+ tokens.*shorten the prompts, or start from a model with a larger blockSize/);
    const fine = [{ role: 'user' as const, content: 'hi' }, { role: 'assistant' as const, content: 'ok' }];
    const tr = new SFTTrainer(model, tok, [conv, fine, conv], { steps: 1, batchSize: 4 });
    expect(tr.skipped).toBe(2);
    expect(() => tr.trainStep()).not.toThrow(); // every batch now has targets
    tr.free();
  });

  it('DPO refuses pairs whose responses the block cuts off, instead of training on nothing', () => {
    const ref = new GPT(be, tinyConfig(tok.vocabSize, block), { seed: 1 });
    expect(() => new DPOTrainer(model, ref, tok, [{ prompt: long, chosen: 'good', rejected: 'bad' }], { steps: 1 }))
      .toThrow(/DPO: none of the 1 examples has a response token within the model's block of 16 tokens/);
    const tr = new DPOTrainer(model, ref, tok, [{ prompt: long, chosen: 'a', rejected: 'b' }, { prompt: 'hi', chosen: 'good', rejected: 'bad' }], { steps: 1 });
    expect(tr.skipped).toBe(1);
    tr.free();
    ref.free();
  });

  it('the dpo command exits 1 naming the problem (it exited 0 after training on nothing)', async () => {
    await writeFile(join(dir, 'long.jsonl'), JSON.stringify({ prompt: long, chosen: 'good', rejected: 'bad' }) + '\n');
    const c = capture();
    expect(await dpoCommand(['--checkpoint', join(dir, 'm'), '--data', join(dir, 'long.jsonl'), '--out', join(dir, 'dpo'), '--val-fraction', '0', '--steps', '2', '--backend', 'js'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/none of the 1 examples has a response token within the model's block/);
  });

  it('the sft command warns with a count when some conversations are skipped', async () => {
    await writeFile(join(dir, 'mixed.jsonl'), [{ prompt: long, response: 'ok' }, { prompt: 'hi', response: 'ok' }].map((r) => JSON.stringify(r)).join('\n'));
    const c = capture();
    expect(await sftCommand(['--checkpoint', join(dir, 'm'), '--data', join(dir, 'mixed.jsonl'), '--out', join(dir, 'sft'), '--steps', '1', '--backend', 'js'], c.io)).toBe(0);
    expect(c.err.join('')).toMatch(/warning: 1 of 2 conversations skipped: the model's block of 16 tokens cuts off every assistant token/);
  });
});

describe('reward train on data that forms no pairs', () => {
  it('blames the data, not --val-fraction', async () => {
    // valid records, but identical responses make no comparison
    await writeFile(join(dir, 'single.jsonl'), JSON.stringify({ prompt: 'a', responses: ['same', 'same'], ranking: [1, 0] }) + '\n');
    const c = capture();
    const code = await rewardCommand(['train', '--checkpoint', join(dir, 'm'), '--data', join(dir, 'single.jsonl'), '--out', join(dir, 'rm'), '--backend', 'js'], c.io);
    expect(code).toBe(1);
    expect(c.err.join('')).not.toMatch(/val-fraction/);
    expect(c.err.join('')).toMatch(/the data holds no usable records .*check the --data file/);
  });
});
