// Attention maps: for a prompt, how much each position attends to each earlier one, per layer
// and head. The numbers are the probabilities GPT.forward's attention kernel produced (its `att`
// output), copied out, not recomputed here.

import type { GPT } from '../model/gpt.js';
import { inspectRun, promptIds } from './run.js';
import { InspectError } from './run.js';

export interface AttentionMaps {
  nLayer: number;
  nHead: number;
  /** Prompt length (the newest blockSize tokens of a longer prompt). */
  T: number;
  /** The token ids the maps are about. */
  ids: number[];
  /** weights[layer][head] is [T, T] row-major: row i = query position i, column j = key j
   *  (zero above the diagonal: a token never sees the future). */
  weights: Float32Array[][];
}

export function attentionMaps(model: GPT, ids: readonly number[]): AttentionMaps {
  const x = promptIds(model, ids, 'attentionMaps ids');
  const { nLayer, nHead } = model.config;
  const T = x.length;
  const weights = inspectRun(model, () => {
    const { att } = model.forward([x]);
    return att.map((a) => {
      const all = a.toArray() as Float32Array; // [1, nHead, T, T]
      return Array.from({ length: nHead }, (_, h) => all.slice(h * T * T, (h + 1) * T * T));
    });
  });
  return { nLayer, nHead, T, ids: x, weights };
}

/** One map's row i: where query position i looked, as probabilities over positions 0 … i. */
export function attentionRow(maps: AttentionMaps, layer: number, head: number, i: number): Float32Array {
  if (!(layer >= 0 && layer < maps.nLayer && head >= 0 && head < maps.nHead && i >= 0 && i < maps.T)) {
    throw new InspectError(`attentionRow: layer ${layer}, head ${head}, position ${i} is outside ${maps.nLayer} layers × ${maps.nHead} heads × ${maps.T} positions`);
  }
  return maps.weights[layer][head].subarray(i * maps.T, i * maps.T + i + 1);
}
