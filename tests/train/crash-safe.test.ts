// Checkpoints that always resume (issue 16, problems 3 and 4): a save interrupted at each of its
// points leaves a folder that recovers to a consistent pair (and resumes bit for bit), stray temp
// files of dead writers are removed, and nothing non-finite is ever written or loaded.
// benches/kill-harness.ts does the same with real SIGKILLs at random instants.

import { describe, expect, it, vi } from 'vitest';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../ts/backend/index.js';
import { GPT } from '../../ts/model/gpt.js';
import { MemoryTokens, Trainer, TrainingError } from '../../ts/train/index.js';
import { loadModelDir, loadTrainerState, recoverCheckpoint, saveTrainingCheckpoint } from '../../ts/train/checkpoint-node.js';
import { readSafetensors, writeSafetensors } from '../../ts/io/safetensors.js';
import { saveCheckpoint } from '../../ts/model/checkpoint.js';

// A "crash" at a chosen point of a save: the named fs call throws, as if the process died there.
const crash = vi.hoisted(() => ({ at: '' as '' | 'model.next' | 'rename-state' | 'rename-model' }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (path: string, flags: string) => {
      if (crash.at === 'model.next' && path.includes('model.safetensors.next') && flags === 'wx') throw new Error('crash: writing model.next');
      return real.open(path, flags);
    },
    rename: async (from: string, to: string) => {
      if (crash.at === 'rename-state' && to.endsWith('train-state.safetensors')) throw new Error('crash: before the first rename');
      if (crash.at === 'rename-model' && to.endsWith('/model.safetensors') && from.endsWith('.next')) throw new Error('crash: between the renames');
      return real.rename(from, to);
    },
  };
});

const be = await createBackend('wasm');
const config = { vocabSize: 11, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, bias: false };
const tokens = new Uint16Array(400).map((_, i) => (i * 7) % 11);
const opts = () => ({ train: new MemoryTokens(tokens), steps: 20, batchSize: 2, lr: 1e-2, evalInterval: 1000 });
const steps = (t: Trainer, n: number) => { for (let i = 0; i < n; i++) t.trainStep(); };

async function resume(dir: string): Promise<Trainer> {
  const { model, step } = await loadModelDir(be, dir);
  const t = new Trainer(model, opts());
  await loadTrainerState(dir, t, step);
  return t;
}

describe('a save interrupted at any point resumes', () => {
  it.each([
    ['while writing model.next (state.next written)', 2, 'model.next'],
    ['after both .next files, before the first rename', 4, 'rename-state'],
    ['between the two renames (state renamed, model not)', 4, 'rename-model'],
  ] as const)('%s → resumes at step %i, bit for bit', async (_, expected, at) => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-crash-'));
    const straight = new Trainer(new GPT(be, config, { seed: 5 }), opts());
    steps(straight, expected + 3);
    const t = new Trainer(new GPT(be, config, { seed: 5 }), opts());
    steps(t, 2);
    await saveTrainingCheckpoint(dir, t);
    steps(t, 2);
    crash.at = at;
    try {
      await expect(saveTrainingCheckpoint(dir, t)).rejects.toThrow(/crash/);
    } finally {
      crash.at = '';
    }
    const r = await resume(dir);
    expect(r.step).toBe(expected);
    expect((await readdir(dir)).filter((f) => f.endsWith('.next') || f.endsWith('.tmp'))).toEqual([]);
    steps(r, 3);
    expect(be.read(r.model.params.data)).toEqual(be.read(straight.model.params.data));
  });

  it('removes temp files of dead writers, keeps those of live ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-stale-'));
    const t = new Trainer(new GPT(be, config, { seed: 5 }), opts());
    await saveTrainingCheckpoint(dir, t);
    const dead = '.model.safetensors.next.999999999.123456.tmp', live = `.model.safetensors.next.${process.ppid}.123456.tmp`;
    await writeFile(join(dir, dead), 'half');
    await writeFile(join(dir, live), 'being written');
    const r = await recoverCheckpoint(dir);
    expect(r.removed).toEqual([dead]);
    expect((await readdir(dir)).sort()).toEqual([live, 'model.safetensors', 'train-state.safetensors'].sort());
  });

  it('--force (discardPending) removes a pending save instead of committing it later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-force-'));
    const t = new Trainer(new GPT(be, config, { seed: 5 }), opts());
    await saveTrainingCheckpoint(dir, t);
    steps(t, 1);
    await writeFile(join(dir, 'train-state.safetensors.next'), t.saveState()); // a save of step 1, committed
    await writeFile(join(dir, 'model.safetensors.next'), saveCheckpoint(t.model, { metadata: { step: '1' } }));
    const r = await recoverCheckpoint(dir, { discardPending: true });
    expect(r.action).toBe('discarded');
    expect((await readdir(dir)).sort()).toEqual(['model.safetensors', 'train-state.safetensors']);
    expect((await resume(dir)).step).toBe(0);
  });

  it('names the fix when no consistent pair exists (a folder damaged by an older version)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-mismatch-'));
    const t = new Trainer(new GPT(be, config, { seed: 5 }), opts());
    await saveTrainingCheckpoint(dir, t);
    const model = await readFile(join(dir, 'model.safetensors'));
    steps(t, 1);
    await saveTrainingCheckpoint(dir, t);
    await writeFile(join(dir, 'model.safetensors'), model); // weights of step 0, state of step 1
    await expect(resume(dir)).rejects.toThrow(/weights are from step 0, the optimizer state from step 1; .*start over with --force/);
  });
});

describe('nothing non-finite is saved or loaded', () => {
  it('a diverged model is not saved over the last good checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-nan-'));
    const t = new Trainer(new GPT(be, config, { seed: 5 }), opts());
    steps(t, 1);
    await saveTrainingCheckpoint(dir, t);
    const good = await readFile(join(dir, 'model.safetensors'));
    steps(t, 1);
    be.fill(t.model.p('ln_f.weight').data, Infinity, 8);
    await expect(saveTrainingCheckpoint(dir, t)).rejects.toThrow(/not saving: tensor "ln_f.weight" holds Infinity at 0 .*lower the learning rate/);
    be.fill(t.model.p('ln_f.weight').data, 1, 8);
    be.fill(t.optimizer.m, NaN, 4);
    await expect(saveTrainingCheckpoint(dir, t)).rejects.toThrow(/not saving: exp_avg.wte.weight holds NaN at 0/);
    expect(await readFile(join(dir, 'model.safetensors'))).toEqual(good);
    expect((await readdir(dir)).sort()).toEqual(['model.safetensors', 'train-state.safetensors']);
  });

  it('an evaluation at a non-finite loss stops the run before anyone saves', async () => {
    const t = new Trainer(new GPT(be, config, { seed: 5 }), { ...opts(), evalInterval: 1, evalIters: 1 });
    const run = t.run();
    expect((await run.next()).value).toMatchObject({ type: 'step', step: 1 });
    be.fill(t.model.p('ln_f.weight').data, Infinity, 8); // a step that left finite gradients but Inf weights
    await expect(run.next()).rejects.toThrow(TrainingError);
  });

  it('moments are checked on load: NaN anywhere, or a negative second moment, is refused', async () => {
    const t = new Trainer(new GPT(be, config, { seed: 5 }), opts());
    steps(t, 1);
    const f = readSafetensors(t.saveState());
    for (const [name, value, message] of [
      ['exp_avg.h.0.ln_1.weight', NaN, /train state: exp_avg.h.0.ln_1.weight holds NaN at 3, a moment must be finite/],
      ['exp_avg_sq.wpe.weight', -1, /exp_avg_sq.wpe.weight holds -1 at 3, a second moment must be finite and ≥ 0/],
    ] as const) {
      const tensors = new Map([...f.tensors].map(([k, v]) => [k, { ...v, data: v.data.slice() }]));
      tensors.get(name)!.data[3] = value;
      const bytes = writeSafetensors(tensors, f.metadata);
      expect(() => new Trainer(t.model, opts()).loadState(bytes)).toThrow(message);
    }
  });
});
