// The one way inspection runs the model: eval mode (no dropout), no autograd graph, inside a
// backend scope, with every number copied out to plain arrays before the scope frees the heap.
// Inspection never re-implements a layer: it reads what GPT.forward computes.

import { GlassgptError } from '../errors.js';
import { inference } from '../model/inference.js';
import type { GPT } from '../model/gpt.js';

export class InspectError extends GlassgptError {
  readonly code: string = 'ERR_INSPECT';
  override name = 'InspectError';
}

/** Runs `fn` on the model in eval mode without a graph; the model's train/eval mode is restored. */
export function inspectRun<T>(model: GPT, fn: () => T): T {
  return inference(model, () => model.backend.scope(fn));
}

/** Checks a prompt's token ids against the model: non-empty, in the vocabulary, within the
 *  context (longer prompts keep their newest blockSize tokens, as generation does). */
export function promptIds(model: GPT, ids: readonly number[], what = 'ids'): number[] {
  if (!Array.isArray(ids) || ids.length === 0) throw new InspectError(`inspect: ${what} must be a non-empty array of token ids`);
  const V = model.config.vocabSize;
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new InspectError(`inspect: ${what}[${i}] = ${id} is not a token id in [0, ${V})`);
  });
  return ids.slice(-model.config.blockSize);
}

/** A token id checked against the vocabulary. */
export function tokenId(model: GPT, id: number, what: string): number {
  const V = model.config.vocabSize;
  if (!Number.isInteger(id) || id < 0 || id >= V) throw new InspectError(`inspect: ${what} = ${id} is not a token id in [0, ${V})`);
  return id;
}
