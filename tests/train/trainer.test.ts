// The Trainer: loss falls, a resume is bit-exact, NaN stops the run, steps do not grow the heap,
// and a failed save leaves the previous checkpoint in place.
import { describe, expect, it, vi } from 'vitest';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testBackends } from '../helpers/backends.js';
import { GPT } from '../../ts/model/gpt.js';
import { Trainer, TrainingError, MemoryTokens, packTokens, splitTokens } from '../../ts/train/index.js';
import { saveTrainingCheckpoint, loadModelDir, loadTrainerState } from '../../ts/train/checkpoint-node.js';

// Simulated disk failure for the atomic-write test: the model file's write stops half-way.
const disk = vi.hoisted(() => ({ failModelWrite: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (path: string, flags: string) => {
      const fh = await real.open(path, flags);
      if (disk.failModelWrite && path.includes('model.safetensors') && flags === 'wx') {
        fh.writeFile = async (data: Uint8Array) => {
          await fh.write(data.subarray(0, data.length >> 1));
          throw new Error('simulated disk failure');
        };
      }
      return fh;
    },
  };
});

const backends = await testBackends();
const config = { vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16, bias: false, dropout: 0 };
// a periodic stream: learnable, so the loss must fall far below log(11) ≈ 2.4
const tokens = packTokens(Array.from({ length: 600 }, (_, i) => (i * 7 + (i >> 3)) % 11), 11);
const opts = (extra = {}) => ({ train: new MemoryTokens(tokens), steps: 20, batchSize: 4, lr: 3e-3, warmupIters: 2, evalInterval: 1000, evalIters: 2, seed: 7, ...extra });

async function drain(t: Trainer, until?: number) {
  const events = [];
  for await (const ev of t.run({ until })) events.push(ev);
  return events;
}

describe.each(backends.map((b) => [b.name, b] as const))('Trainer on %s', (_name, be) => {
  it('lowers the loss on a small overfit run and reports val loss', async () => {
    const { train, val } = splitTokens(tokens, 0.1);
    const t = new Trainer(new GPT(be, config, { seed: 1 }), { ...opts(), train, val, steps: 60, lr: 1e-2, evalInterval: 30 });
    const events = await drain(t);
    const steps = events.filter((e) => e.type === 'step');
    expect(steps).toHaveLength(60);
    expect(steps[59].loss).toBeLessThan(steps[0].loss * 0.5);
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type === 'done') expect(done.valLoss).toBeLessThan(steps[0].loss);
    expect(events.filter((e) => e.type === 'eval')).toHaveLength(2);
  });

  it.each([0, 0.2])('resumes bit-exactly with dropout %s: 20 straight steps = 10 + save + load + 10', async (dropout) => {
    const cfg = { ...config, dropout };
    const straight = new Trainer(new GPT(be, cfg, { seed: 3 }), opts());
    await drain(straight);
    const dir = await mkdtemp(join(tmpdir(), 'gg-resume-'));
    const first = new Trainer(new GPT(be, cfg, { seed: 3 }), opts());
    await drain(first, 10);
    await saveTrainingCheckpoint(dir, first, '{"note":"tokenizer json"}');
    const { model, step, tokenizer } = await loadModelDir(be, dir);
    expect(model.config.dropout).toBe(dropout); // the config rides in the checkpoint
    expect(step).toBe(10);
    expect(tokenizer).toBe('{"note":"tokenizer json"}');
    const resumed = new Trainer(model, opts());
    await loadTrainerState(dir, resumed, step);
    await drain(resumed);
    expect(resumed.step).toBe(20);
    expect(be.read(resumed.model.params.data)).toEqual(be.read(straight.model.params.data));
    expect(be.read(resumed.optimizer.v)).toEqual(be.read(straight.optimizer.v));
  });

  it('stops on a NaN loss with an error naming the step, before updating the weights', async () => {
    const model = new GPT(be, config, { seed: 1 });
    const t = new Trainer(model, opts());
    t.trainStep();
    be.fill(model.p('ln_f.weight').data, NaN, config.nEmbd);
    const before = be.read(model.params.data);
    expect(() => t.trainStep()).toThrow(TrainingError);
    expect(() => t.trainStep()).toThrow(/step 2: the loss is NaN/);
    const after = be.read(model.params.data);
    expect(Array.from(after).map(String)).toEqual(Array.from(before).map(String));
  });

  it('does not grow the heap from step to step', () => {
    const t = new Trainer(new GPT(be, config, { seed: 1 }), opts({ steps: 60, gradAccumSteps: 2 }));
    t.trainStep(); t.trainStep();
    const heap = be.heapBytes();
    for (let i = 0; i < 40; i++) t.trainStep();
    expect(be.heapBytes()).toBe(heap);
  });

  it('rejects unknown options and bad values by name', () => {
    const model = new GPT(be, config);
    expect(() => new Trainer(model, { ...opts(), learningRate: 1 } as never)).toThrow(/unknown option "learningRate"/);
    expect(() => new Trainer(model, opts({ batchSize: 0 }))).toThrow(/batchSize must be an integer ≥ 1, got 0/);
    expect(() => new Trainer(model, opts({ blockSize: 9 }))).toThrow(/blockSize 9 exceeds the model's 8/);
    const tiny = new Trainer(model, opts({ train: new MemoryTokens(packTokens([1, 2, 3], 11)) }));
    expect(() => tiny.trainStep()).toThrow(/fewer than one window of blockSize\+1 = 9/);
  });
});

describe('atomic checkpoint writes', () => {
  it('a failure half-way through a save leaves the previous checkpoint intact', async () => {
    const be = backends[0];
    const dir = await mkdtemp(join(tmpdir(), 'gg-atomic-'));
    const t = new Trainer(new GPT(be, config, { seed: 1 }), opts());
    await drain(t, 2);
    await saveTrainingCheckpoint(dir, t);
    const good = await readFile(join(dir, 'model.safetensors'));
    await drain(t, 4);
    disk.failModelWrite = true; // the disk "fails" after half of the model file's bytes
    try {
      await expect(saveTrainingCheckpoint(dir, t)).rejects.toThrow(/simulated disk failure/);
    } finally {
      disk.failModelWrite = false;
    }
    expect(await readFile(join(dir, 'model.safetensors'))).toEqual(good);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // the state of step 4 waits as train-state.safetensors.next, uncommitted: the pair stays
    // the one of step 2, and resuming discards the half-done save (it once left the pair mixed)
    const { model, step } = await loadModelDir(be, dir);
    expect(step).toBe(2);
    const resumed = new Trainer(model, opts());
    await loadTrainerState(dir, resumed, step);
    expect(resumed.step).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['model.safetensors', 'train-state.safetensors']);
  });
});
