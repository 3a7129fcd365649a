// What PPO and GRPO share: the options of their rollout phase, of the KL penalty and its
// controller, and of PPO-ptx; their validation; the prompt batches of an iteration (a seeded walk
// through the prompt set); and the logged samples.

import type { Rng } from '../tensor/random.js';
import { AlignError } from './errors.js';
import type { PtxOptions } from './ptx.js';

export interface RLCommon {
  iterations: number; // how many rollout + update rounds the caller plans (for schedules and checks)
  promptsPerIteration?: number; // prompts sampled per iteration (default 8)
  maxTokens?: number; // response length cap (default 16)
  temperature?: number; // sampling temperature (default 1: on-policy)
  lr?: number; // policy learning rate (default 1e-4; constant, as TRL's default)
  gradClip?: number; // global gradient-norm clip (default 1)
  missingEndPenalty?: number; // subtracted from responses without <|end|> (default 1)
  klCoef?: number; // initial β of the KL penalty (PPO default 0.05, GRPO 0.04, the DeepSeekMath paper's)
  klTarget?: number | null; // adapt β towards this KL per response, in nats (default null: fixed β)
  klHorizon?: number; // the controller's horizon in responses (default 10000; see kl.ts)
  klCoefMin?: number; // the controller never takes β below this (default 0; see kl.ts on wind-up)
  ptx?: PtxOptions; // PPO-ptx: cross-entropy on earlier data mixed into every update
  seed?: number; // prompt order and sampling (default 1337)
  /** An outside score logged per iteration, e.g. the scripted labeler (not optimised). */
  judge?: (prompt: string, response: string) => number;
}

export interface RLSample {
  prompt: string;
  response: string;
  reward: number;
}

export function checkRL(what: string, prompts: readonly string[], o: RLCommon & { epochs?: number; minibatchSize?: number }): void {
  if (!Array.isArray(prompts) || prompts.length === 0) throw new AlignError(`${what}: no prompts`);
  prompts.forEach((p, i) => { if (typeof p !== 'string' || p.trim() === '') throw new AlignError(`${what}: prompt ${i} is empty`); });
  const int = (k: string, v: unknown, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min)) throw new AlignError(`${what}: ${k} must be an integer ≥ ${min}, got ${String(v)}`);
  };
  int('iterations', o.iterations, 0);
  int('promptsPerIteration', o.promptsPerIteration, 1);
  int('maxTokens', o.maxTokens, 1);
  int('epochs', o.epochs, 1);
  int('minibatchSize', o.minibatchSize, 1);
  for (const k of ['lr', 'temperature', 'klHorizon'] as const) {
    const v = o[k];
    if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new AlignError(`${what}: ${k} must be a positive number, got ${v}`);
  }
  if (o.klCoef !== undefined && !(o.klCoef >= 0 && Number.isFinite(o.klCoef))) throw new AlignError(`${what}: klCoef must be a finite number ≥ 0, got ${o.klCoef}`);
  if (o.klTarget != null && !(o.klTarget > 0 && Number.isFinite(o.klTarget))) throw new AlignError(`${what}: klTarget must be a positive number of nats, got ${o.klTarget}`);
}

/** `n` prompts drawn uniformly, with replacement, by the seeded `rng`. */
export function batchPrompts(prompts: readonly string[], n: number, rng: Rng): string[] {
  return Array.from({ length: n }, () => prompts[Math.floor(rng.uniform() * prompts.length)]);
}

/** A seeded permutation of 0…n−1 (Fisher–Yates). */
export function shuffle(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

/** The sampling seed of iteration `step` (0-based): a fresh stream per iteration. */
export function iterationSeed(o: RLCommon, step: number): number {
  return ((o.seed ?? 1337) + step * 7919) >>> 0;
}
