// The optimizer path held to PyTorch (tests/reference/train_steps.py): 24 steps of
// torch.optim.AdamW over nanoGPT's two parameter groups, get_lr's warmup + cosine, an active
// clip_grad_norm_ and two micro-batches of gradient accumulation. Per-step losses, learning rates
// and gradient norms, and every final weight, on each backend, through optimizerStep (the one
// step core every trainer uses). Then the schedule on its own.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSafetensors, type StTensor } from '../../ts/io/safetensors.js';
import { loadCheckpoint } from '../../ts/model/checkpoint.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { AdamW } from '../../ts/train/adamw.js';
import { learningRate, type Schedule } from '../../ts/train/schedule.js';
import { optimizerStep } from '../../ts/train/step.js';
import { testBackends } from '../helpers/backends.js';
import { compare } from '../helpers/fixtures.js';

const DIR = fileURLToPath(new URL('../fixtures/train/', import.meta.url));
const weights = new Uint8Array(readFileSync(`${DIR}adamw.weights.safetensors`));
const expected = readSafetensors(new Uint8Array(readFileSync(`${DIR}adamw.expected.safetensors`))).tensors;
const O = JSON.parse(readSafetensors(weights).metadata.optimizer) as Schedule & {
  beta1: number; beta2: number; eps: number; weightDecay: number; gradClip: number; gradAccumSteps: number;
};
const get = (name: string): StTensor => expected.get(name)!;

describe.each(await testBackends())('$name: AdamW + schedule + clipping + accumulation as PyTorch', (be) => {
  it('matches 24 steps of torch.optim.AdamW: losses, learning rates, gradient norms, final weights', () => {
    const { model } = loadCheckpoint(be, weights);
    const opt = new AdamW(model.params, { beta1: O.beta1, beta2: O.beta2, eps: O.eps, weightDecay: O.weightDecay });
    const [steps, accum, B, T] = get('ids').shape;
    const ids = get('ids').data, targets = get('targets').data;
    const batch = (data: ArrayLike<number>, s: number, m: number) => Array.from((data as Int32Array).subarray(((s * accum + m) * B) * T, ((s * accum + m + 1) * B) * T));
    const losses: number[] = [], lrs: number[] = [], norms: number[] = [];
    for (let s = 0; s < steps; s++) {
      const lr = learningRate(O, s);
      const r = optimizerStep([opt], (m) => model.forward(Tensor.ints(be, batch(ids, s, m), [B, T]), Tensor.ints(be, batch(targets, s, m), [B, T])).loss!,
        { lr, gradClip: O.gradClip, microBatches: O.gradAccumSteps, step: s + 1 });
      losses.push(r.loss); lrs.push(lr); norms.push(r.gradNorm);
    }
    expect(compare(lrs, get('lr').data, 1e-6, 0).worst).toBeLessThanOrEqual(1);
    expect(compare(losses, get('loss').data, 2e-5, 0).worst).toBeLessThanOrEqual(1);
    expect(compare(norms, get('grad_norm').data, 1e-4, 0).worst).toBeLessThanOrEqual(1);
    const C = model.config.nEmbd;
    for (const [name, p] of model.params.named()) {
      let [ours, theirs] = [p.toArray(), get(`final.${name}`).data];
      // The key bias adds the same q·b_k to every score of a row, which softmax ignores: its true
      // gradient is 0, and Adam divides the float noise that stands in for it by its own size,
      // so each implementation takes its own ±lr steps there. The query and value biases count.
      if (name.endsWith('attn.c_attn.bias')) [ours, theirs] = [ours, theirs].map((a) => Float32Array.from([...a.subarray(0, C), ...a.subarray(2 * C)]));
      expect(compare(ours, theirs, 1e-5, 2e-6).worst, name).toBeLessThanOrEqual(1);
    }
    opt.free();
    model.free();
  });
});

describe('learningRate (nanoGPT get_lr)', () => {
  const s: Schedule = { lr: 1, warmupIters: 4, decayIters: 14, minLr: 0.1 };
  it('warms up linearly from lr/(warmup+1), reaching lr at the first decay step', () => {
    expect([0, 1, 2, 3].map((i) => learningRate(s, i))).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(learningRate(s, 4)).toBe(1);
  });
  it('follows a cosine to minLr, halfway at the middle of the decay', () => {
    expect(learningRate(s, 9)).toBeCloseTo(0.55, 12);
    expect(learningRate(s, 6)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.2)), 12);
    expect(learningRate(s, 14)).toBeCloseTo(0.1, 12);
  });
  it('stays at minLr after decayIters', () => {
    expect(learningRate(s, 15)).toBe(0.1);
    expect(learningRate(s, 1000)).toBe(0.1);
  });
});
