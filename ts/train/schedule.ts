// The learning-rate schedule of nanoGPT's train.py (get_lr): linear warmup, cosine decay to
// minLr over decayIters, then flat at minLr.

export interface Schedule {
  lr: number; // peak learning rate
  warmupIters: number; // steps of linear warmup from ~0 to lr
  decayIters: number; // step at which the cosine reaches minLr (nanoGPT: ≈ max_iters)
  minLr: number; // floor (nanoGPT: ≈ lr / 10)
}

/** The learning rate at step `it` (0-based, as nanoGPT's iter_num). */
export function learningRate(s: Schedule, it: number): number {
  if (it < s.warmupIters) return (s.lr * (it + 1)) / (s.warmupIters + 1);
  if (it > s.decayIters) return s.minLr;
  const ratio = (it - s.warmupIters) / Math.max(1, s.decayIters - s.warmupIters);
  const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio)); // 1 → 0
  return s.minLr + coeff * (s.lr - s.minLr);
}

/** The fine-tuning trainers' schedule: `warmupIters` of warmup, then a cosine from lr to lr/10
 *  over all `steps`. */
export function fineTuneSchedule(lr: number, steps: number, warmupIters = 0): Schedule {
  return { lr, warmupIters, decayIters: steps, minLr: lr / 10 };
}
