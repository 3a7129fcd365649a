// GPT checkpoints as safetensors in the GPT-2 layout (the names and Conv1D [in, out] shapes of
// HF's GPT2Model, which nanoGPT's from_pretrained reads): config and tokenizer ride in the
// __metadata__ as JSON strings. Loading checks every tensor against the config before copying.

import { GlassgptError } from '../errors.js';
import type { Backend } from '../backend/backend.js';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from '../io/safetensors.js';
import { makeConfig, parameterSpecIter, type GPTConfig } from './config.js';
import { parameterTensorCount } from './limits.js';
import { GPT } from './gpt.js';

/** A checkpoint that does not fit a GPT (missing/unknown tensors, wrong shape or dtype). */
export class CheckpointError extends GlassgptError {
  readonly code: string = 'ERR_CHECKPOINT';
  override name = 'CheckpointError';
}

export interface CheckpointOptions {
  /** A tokenizer serialised as a JSON string, stored as metadata "tokenizer". */
  tokenizer?: string;
  /** Further string metadata (e.g. step, data set); "config" and "tokenizer" are reserved. */
  metadata?: Record<string, string>;
}

/** The model's weights and config as safetensors bytes. */
export function saveCheckpoint(model: GPT, opts: CheckpointOptions = {}): Uint8Array {
  const meta: Record<string, string> = { format: 'pt', ...(opts.metadata ?? {}) };
  if (opts.metadata && ('config' in opts.metadata || 'tokenizer' in opts.metadata)) {
    throw new CheckpointError('saveCheckpoint: metadata keys "config" and "tokenizer" are reserved');
  }
  meta.config = JSON.stringify(model.config);
  if (opts.tokenizer !== undefined) meta.tokenizer = opts.tokenizer;
  const be = model.backend;
  const tensors = model.namedParameters().map(([name, t]): [string, { shape: readonly number[]; data: Float32Array }] => [name, { shape: t.shape, data: be.read(t.data) as Float32Array }]);
  // a diverged model must never replace the last good checkpoint
  for (const [name, t] of tensors) {
    const i = firstNonFinite(t.data);
    if (i >= 0) throw new CheckpointError(`not saving: tensor "${name}" holds ${t.data[i]} at ${i} (the model diverged; lower the learning rate, and resume from the last checkpoint)`);
  }
  return writeSafetensors(tensors, meta);
}

// Buffers that HF's GPT-2 checkpoints carry but that are not parameters: the causal mask
// (attn.bias, attn.masked_bias). Skipped on load; the kernel is causal by construction.
const MASK_BUFFER = /^h\.\d+\.attn\.(bias|masked_bias)$/;

/** A GPT built from checkpoint bytes. The config comes from the metadata, or from
 *  `opts.config` for GPT-2 files that have none (both given: they must agree). */
export function loadCheckpoint(backend: Backend, bytes: Uint8Array, opts: { config?: Partial<GPTConfig> } = {}):
  { model: GPT; tokenizer: string | undefined; metadata: Record<string, string> } {
  // the header first: config and every name and shape are checked before a byte is allocated
  const head = readSafetensorsHeader(bytes);
  let config: GPTConfig;
  if (head.metadata.config !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(head.metadata.config);
    } catch (e) {
      throw new CheckpointError(`checkpoint: metadata "config" is not JSON: ${(e as Error).message}`);
    }
    config = makeConfig(parsed as Partial<GPTConfig>);
    if (opts.config) {
      const given = makeConfig(opts.config);
      for (const k of Object.keys(config) as (keyof GPTConfig)[]) {
        if (k !== 'dropout' && given[k] !== config[k]) throw new CheckpointError(`checkpoint: config ${k}=${String(config[k])} differs from the requested ${String(given[k])}`);
      }
      config = given; // dropout may be changed for fine-tuning
    }
  } else if (opts.config) {
    config = makeConfig(opts.config);
  } else {
    throw new CheckpointError('checkpoint: no "config" in the metadata; pass { config } (e.g. for an original GPT-2 file)');
  }
  checkTensorsMatch(config, head.tensors);
  const file = readSafetensors(bytes);
  const model = new GPT(backend, config);
  try {
    copyWeights(model, file.tensors);
  } catch (e) {
    model.free();
    throw e;
  }
  return { model, tokenizer: file.metadata.tokenizer, metadata: file.metadata };
}

/** The file's tensors against the config's, by name and shape, before the model is built. The
 *  walk stops at the fifth missing name, so a config claiming 1e6 layers in an 11 KB file fails
 *  without listing a million layers (makeConfig has already bounded the bytes). */
function checkTensorsMatch(config: GPTConfig, tensors: Map<string, { shape: number[] }>): void {
  const strip = (k: string) => (k.startsWith('transformer.') ? k.slice('transformer.'.length) : k);
  const byName = new Map([...tensors].map(([k, v]) => [strip(k), v]));
  const missing: string[] = [];
  for (const { name, shape } of parameterSpecIter(config)) {
    const s = byName.get(name);
    if (!s) { if (missing.push(name) === 5) break; continue; }
    if (s.shape.length !== shape.length || s.shape.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(`checkpoint: tensor "${name}" has shape [${s.shape.join(', ')}], the config needs [${shape.join(', ')}]`);
    }
  }
  if (missing.length) {
    const need = parameterTensorCount(config);
    throw new CheckpointError(`checkpoint: missing tensor${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')}` +
      `${missing.length === 5 ? ' and maybe more' : ''} (the config nLayer=${config.nLayer}, bias=${config.bias} needs ${need} tensors, the file holds ${tensors.size})`);
  }
}

/** Index of the first NaN or ±Infinity, or -1. */
export function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/** Overwrites the weights of an existing model from checkpoint bytes (same config). */
export function loadWeights(model: GPT, bytes: Uint8Array): void {
  copyWeights(model, readSafetensors(bytes).tensors);
}

/** Copies a checkpoint's tensors (GPT-2 names, with or without "transformer.", F16/BF16 already
 *  widened by readSafetensors) into `model` after checking names, shapes and values. */
export function copyWeights(model: GPT, tensors: Map<string, { dtype: string; shape: number[]; data: Float32Array | Int32Array }>): void {
  const be = model.backend;
  // HF's GPT2LMHeadModel prefixes "transformer."; accept both spellings
  const byName = new Map<string, { dtype: string; shape: number[]; data: Float32Array | Int32Array }>();
  for (const [k, v] of tensors) byName.set(k.startsWith('transformer.') ? k.slice('transformer.'.length) : k, v);
  const expected = new Set(model.namedParameters().map(([n]) => n));
  for (const name of byName.keys()) {
    if (expected.has(name) || MASK_BUFFER.test(name) || name === 'lm_head.weight') continue;
    throw new CheckpointError(`checkpoint: unknown tensor "${name}" for a GPT with nLayer=${model.config.nLayer}, bias=${model.config.bias}`);
  }
  const missing = [...expected].filter((n) => !byName.has(n));
  if (missing.length) throw new CheckpointError(`checkpoint: missing tensor${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).map((n) => `"${n}"`).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
  for (const [name, t] of model.namedParameters()) {
    const s = byName.get(name)!;
    if (!(s.data instanceof Float32Array)) throw new CheckpointError(`checkpoint: tensor "${name}" has dtype ${s.dtype}, expected F32, F16 or BF16`);
    if (s.shape.length !== t.shape.length || s.shape.some((d, i) => d !== t.shape[i])) {
      throw new CheckpointError(`checkpoint: tensor "${name}" has shape [${s.shape.join(', ')}], the config needs [${t.shape.join(', ')}]`);
    }
  }
  const head = byName.get('lm_head.weight');
  if (head) {
    // a separate head is only accepted when it is the tied one (HF writes it out sometimes)
    const wte = byName.get('wte.weight')!.data;
    if (head.data.length !== wte.length || head.data.some((v, i) => v !== wte[i])) {
      throw new CheckpointError('checkpoint: "lm_head.weight" differs from "wte.weight"; glassgpt ties the LM head to wte');
    }
  }
  for (const [name, t] of model.namedParameters()) {
    const data = byName.get(name)!.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new CheckpointError(`checkpoint: tensor "${name}" holds a non-finite value ${data[i]} at ${i}`);
    }
    be.write(t.data, data);
  }
}
