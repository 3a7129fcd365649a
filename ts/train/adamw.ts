// AdamW over a ParameterStore, with nanoGPT's parameter groups: every parameter of two or more
// dimensions (matmul weights, embeddings) decays, biases and LayerNorm gains do not. Moments
// live in two buffers laid out like the parameters, so a checkpoint stores them by name.

import type { Backend, Buf } from '../backend/backend.js';
import type { ParameterStore } from '../tensor/params.js';

export interface AdamWOptions {
  beta1: number; // first-moment decay (nanoGPT 0.9)
  beta2: number; // second-moment decay (nanoGPT 0.95; 0.99 for the small char models)
  eps: number; // denominator guard (PyTorch 1e-8)
  weightDecay: number; // decoupled decay on 2-D parameters (nanoGPT 0.1)
}

export const ADAMW_DEFAULTS: AdamWOptions = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

export class AdamW {
  readonly m: Buf;
  readonly v: Buf;
  /** Steps taken; the bias corrections use it. */
  t = 0;
  private readonly backend: Backend;
  private readonly groups: { offset: number; size: number; decay: boolean }[];

  constructor(readonly params: ParameterStore, readonly opts: AdamWOptions = ADAMW_DEFAULTS) {
    this.backend = params.backend;
    this.m = this.backend.keep(this.backend.alloc(params.total));
    this.v = this.backend.keep(this.backend.alloc(params.total));
    // Runs of neighbouring parameters with the same decay flag become one kernel call.
    this.groups = [];
    for (const [name, p] of params.named()) {
      const offset = params.offsetOf(name), decay = p.shape.length >= 2;
      const last = this.groups[this.groups.length - 1];
      if (last && last.decay === decay && last.offset + last.size === offset) last.size += p.size;
      else this.groups.push({ offset, size: p.size, decay });
    }
  }

  /** One update with learning rate lr from the gradients in params.grad, times gradScale
   *  (gradient clipping's factor: see clip.ts). */
  step(lr: number, gradScale = 1): void {
    const be = this.backend, { beta1, beta2, eps, weightDecay } = this.opts;
    this.t++;
    for (const g of this.groups) {
      const s = (b: Buf) => be.slice(b, g.offset, g.size);
      be.adamw(s(this.params.data), s(this.params.grad), s(this.m), s(this.v), g.size, lr,
        beta1, beta2, eps, g.decay ? weightDecay : 0, this.t, gradScale);
    }
  }

  free(): void {
    this.backend.free(this.m);
    this.backend.free(this.v);
  }
}
