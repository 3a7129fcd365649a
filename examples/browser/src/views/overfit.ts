// The overfitting warning's rule: the held-out loss has risen clearly above its best while the
// training loss went on falling, so the model is learning its training text by heart rather than
// what generalises. Training losses are averaged over a few steps (single batches are noisy).

export type Point = readonly [step: number, loss: number];

export interface Overfitting { bestStep: number; best: number; step: number; val: number; trainAtBest: number; trainNow: number }

/** `rise`: how far above its best (as a fraction) the held-out loss must be. */
export function overfitting(train: readonly Point[], val: readonly Point[], rise = 0.03): Overfitting | null {
  if (val.length < 2) return null;
  let b = 0;
  for (let i = 1; i < val.length; i++) if (val[i][1] < val[b][1]) b = i;
  const [step, v] = val[val.length - 1], [bestStep, best] = val[b];
  if (b === val.length - 1 || v <= best * (1 + rise)) return null;
  const trainAtBest = recentMean(train, bestStep), trainNow = recentMean(train, step);
  if (!(trainNow < trainAtBest)) return null; // both rising: not overfitting (e.g. a learning rate too high)
  return { bestStep, best, step, val: v, trainAtBest, trainNow };
}

/** Mean training loss over the (up to) 10 steps ending at `step`. */
function recentMean(train: readonly Point[], step: number, n = 10): number {
  const xs = train.filter(([s]) => s <= step && s > step - n).map(([, l]) => l);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}
