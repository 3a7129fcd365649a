// GPT-2 initialisation as nanoGPT's _init_weights: every Linear and Embedding weight
// normal(0, 0.02), residual projections (attn.c_proj, mlp.c_proj) normal(0, 0.02/√(2·nLayer))
// so the residual stream's variance does not grow with depth, biases 0, LayerNorm weights 1.

import type { ParameterStore } from '../tensor/params.js';
import { Rng } from '../tensor/random.js';
import type { GPTConfig } from './config.js';

export function initGPT2(params: ParameterStore, config: GPTConfig, seed: number): void {
  const rng = new Rng(seed);
  const be = params.backend;
  const residStd = 0.02 / Math.sqrt(2 * config.nLayer);
  // Registration order is fixed (parameterSpecs), so the same seed gives the same weights.
  for (const [name, t] of params.named()) {
    if (name.endsWith('.bias')) {
      be.fill(t.data, 0, t.size);
    } else if (/(^|\.)ln_(1|2|f)\.weight$/.test(name)) {
      be.fill(t.data, 1, t.size);
    } else {
      const std = /\.c_proj\.weight$/.test(name) ? residStd : 0.02;
      be.write(t.data, rng.normal(new Float32Array(t.size), 0, std));
    }
  }
}
