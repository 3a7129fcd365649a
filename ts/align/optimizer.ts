// AdamW over several ParameterStores at once (a backbone and its heads), with one global
// gradient-norm clip across all of them, as torch.nn.utils.clip_grad_norm_ over
// model.parameters() of TRL's AutoModelForCausalLMWithValueHead. Reuses ts/train's AdamW and
// nanoGPT's decay groups (2-D weights decay, biases and gains do not).

import { AdamW, ADAMW_DEFAULTS, type AdamWOptions } from '../train/adamw.js';
import { clipFactor } from '../train/clip.js';
import type { ParameterStore } from '../tensor/params.js';
import { AlignError } from './errors.js';

export class MultiAdamW {
  private readonly opts: AdamW[];

  constructor(readonly stores: readonly ParameterStore[], o: Partial<AdamWOptions> = {}) {
    this.opts = stores.map((s) => new AdamW(s, { ...ADAMW_DEFAULTS, ...o }));
  }

  zeroGrad(): void { for (const s of this.stores) s.zeroGrad(); }

  /** Clips the global norm to maxNorm (0 = off), then steps; returns the norm before clipping.
   *  A non-finite norm throws before any weight changes. */
  step(lr: number, maxNorm = 1): number {
    let sq = 0;
    for (const s of this.stores) sq += s.backend.sumSquares(s.grad, s.total);
    const norm = Math.sqrt(sq);
    if (!Number.isFinite(norm)) throw new AlignError(`the gradient norm is ${norm}; stopping before the weights are updated`);
    const f = clipFactor(norm, maxNorm); // applied by AdamW as it reads the gradients
    for (const o of this.opts) o.step(lr, f);
    return norm;
  }

  free(): void { for (const o of this.opts) o.free(); }
}
