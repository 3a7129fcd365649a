// Memory limits checked with arithmetic before anything is allocated (DESIGN.md "Limits are
// checked before allocation"): a config read from a downloaded checkpoint is a number from a file,
// and `nLayer: 1e9` must fail in milliseconds, not after 12 GB of RSS. Both twins get the same
// limits, so a model that builds on one builds on the other (and in a browser).
//
// Why these numbers:
// - HEAP_LIMIT_BYTES, 4 GiB: a wasm32 linear memory holds at most 65,536 pages of 64 KiB.
// - BUFFER_LIMIT_BYTES, 2 GiB − 16: one allocation's Layout must fit isize::MAX on wasm32
//   (Rust's allocator refuses larger), rounded down to the 16-byte alignment.
// - A GPT holds its weights and gradients in one buffer each (ParameterStore), so its parameters
//   are limited by one buffer, and weights + gradients by the heap; training adds AdamW's two
//   moments (4 × parameter bytes) plus the activations of one step.

import { MAX_ALLOC_BYTES } from '../backend/base.js';
import { ConfigError } from './config-error.js';
import type { GPTConfig } from './config.js';

export const HEAP_LIMIT_BYTES = 2 ** 32;
export const BUFFER_LIMIT_BYTES = MAX_ALLOC_BYTES;

const pad4 = (n: number) => Math.ceil(n / 4) * 4; // ParameterStore aligns each slice to 4 floats

/** Elements of the parameter buffer (ParameterStore's padded total), by arithmetic only: no
 *  per-tensor list is built, so nLayer = 1e9 costs nothing. */
export function parameterElements(c: Pick<GPTConfig, 'vocabSize' | 'blockSize' | 'nLayer' | 'nEmbd' | 'bias'>): number {
  const C = c.nEmbd, b = c.bias ? 1 : 0;
  const ln = pad4(C) * (1 + b);
  const lin = (nin: number, nout: number) => pad4(nin * nout) + b * pad4(nout);
  const layer = 2 * ln + lin(C, 3 * C) + lin(C, C) + lin(C, 4 * C) + lin(4 * C, C);
  return pad4(c.vocabSize * C) + pad4(c.blockSize * C) + c.nLayer * layer + ln;
}

/** Parameter tensors a checkpoint of this config holds (wte, wpe, 12 or 6 per block, ln_f). */
export function parameterTensorCount(c: Pick<GPTConfig, 'nLayer' | 'bias'>): number {
  return 2 + c.nLayer * (c.bias ? 12 : 6) + (c.bias ? 2 : 1);
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 3 : 1)} GiB`;

/** Throws ConfigError when a GPT of config `c` cannot be allocated: its parameter buffer over
 *  one allocation, or weights + gradients over the wasm32 heap. */
export function checkModelFits(c: GPTConfig): void {
  const bytes = 4 * parameterElements(c);
  if (bytes > BUFFER_LIMIT_BYTES || 2 * bytes > HEAP_LIMIT_BYTES) {
    throw new ConfigError(`GPTConfig: vocabSize=${c.vocabSize}, blockSize=${c.blockSize}, nLayer=${c.nLayer}, nEmbd=${c.nEmbd} ` +
      `needs ${gib(bytes)} of parameters (${gib(2 * bytes)} with gradients); one buffer holds at most ${gib(BUFFER_LIMIT_BYTES)} ` +
      `and the wasm32 heap ${gib(HEAP_LIMIT_BYTES)}: use a smaller model (nLayer, nEmbd, vocabSize, blockSize)`);
  }
}

/** Bytes of one training step's activations and their gradients, a lower estimate from the
 *  buffers GPT.forward/backward hold per layer (ln_1, qkv, attention out and probabilities,
 *  c_proj, residual, ln_2, c_fc, GELU, c_proj, residual: ~18·C + H·T floats per token) plus the
 *  logits and their softmax/gradient (3·V per token). A lower estimate so that no run that fits
 *  is refused; a run that passes it may still hit the heap, and then gets the allocator's error. */
export function activationBytes(c: GPTConfig, B: number, T: number): number {
  const perToken = c.nLayer * (18 * c.nEmbd + c.nHead * T + 4) + 2 * c.nEmbd + 3 * c.vocabSize;
  return 2 * 4 * B * T * perToken;
}

/** The largest single activation buffer of a step: attention probabilities [B, H, T, T] or
 *  logits [B, T, V]. */
export function largestActivationBytes(c: GPTConfig, B: number, T: number): number {
  return 4 * Math.max(B * c.nHead * T * T, B * T * c.vocabSize, B * T * 4 * c.nEmbd);
}

/** Throws RangeError when training `c` with B × T tokens per micro-batch cannot fit the heap:
 *  weights, gradients, two AdamW moments and one step's activations. */
export function checkTrainingFits(c: GPTConfig, B: number, T: number): void {
  const params = 4 * parameterElements(c), acts = activationBytes(c, B, T), one = largestActivationBytes(c, B, T);
  if (one > BUFFER_LIMIT_BYTES || 4 * params + acts > HEAP_LIMIT_BYTES) {
    throw new ConfigError(`Trainer: batchSize=${B} × blockSize=${T} with nLayer=${c.nLayer}, nEmbd=${c.nEmbd}, nHead=${c.nHead}, vocabSize=${c.vocabSize} ` +
      `needs at least ${gib(4 * params + acts)} (${gib(4 * params)} weights, gradients and AdamW moments + ${gib(acts)} activations; ` +
      `largest buffer ${gib(one)}), over the wasm32 heap of ${gib(HEAP_LIMIT_BYTES)} (one buffer ≤ ${gib(BUFFER_LIMIT_BYTES)}): ` +
      `lower the batch size or the block size, or use a smaller model`);
  }
}
