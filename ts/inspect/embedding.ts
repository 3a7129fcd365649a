// Embedding space: each token is a row of wte (the same matrix the tied LM head reads). Tokens
// the model treats alike end up pointing the same way, so cosine similarity between rows shows
// what the model has learned to group ("the" near "a", digits near digits).

import type { GPT } from '../model/gpt.js';
import { tokenId } from './run.js';
import { InspectError } from './run.js';

export interface Neighbour {
  id: number;
  /** Cosine similarity in [−1, 1]. */
  similarity: number;
}

/** The wte rows as one Float32Array [V, C] (a copy) and their norms (float64). */
function table(model: GPT): { w: Float32Array; norms: Float64Array; C: number } {
  const { vocabSize: V, nEmbd: C } = model.config;
  const w = model.backend.read(model.p('wte.weight').data) as Float32Array;
  const norms = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += w[v * C + c] * w[v * C + c];
    norms[v] = Math.sqrt(s);
  }
  return { w, norms, C };
}

function cosine(w: Float32Array, norms: Float64Array, C: number, a: number, b: number): number {
  if (norms[a] === 0 || norms[b] === 0) return 0;
  let dot = 0;
  for (let c = 0; c < C; c++) dot += w[a * C + c] * w[b * C + c];
  return dot / (norms[a] * norms[b]);
}

/** Cosine similarity of two tokens' embeddings. */
export function tokenSimilarity(model: GPT, a: number, b: number): number {
  tokenId(model, a, 'tokenSimilarity a');
  tokenId(model, b, 'tokenSimilarity b');
  const { w, norms, C } = table(model);
  return cosine(w, norms, C, a, b);
}

/** The k tokens whose embeddings point most nearly the same way as `id`'s (itself excluded),
 *  most similar first; ties go to the lower id. `exclude` drops further ids (e.g. specials). */
export function nearestTokens(model: GPT, id: number, k = 10, exclude: readonly number[] = []): Neighbour[] {
  tokenId(model, id, 'nearestTokens id');
  if (!Number.isInteger(k) || k < 1) throw new InspectError(`nearestTokens: k must be a whole number ≥ 1, got ${k}`);
  const { w, norms, C } = table(model);
  const skip = new Set([id, ...exclude]);
  const all: Neighbour[] = [];
  for (let v = 0; v < model.config.vocabSize; v++) if (!skip.has(v)) all.push({ id: v, similarity: cosine(w, norms, C, id, v) });
  return all.sort((x, y) => y.similarity - x.similarity || x.id - y.id).slice(0, k);
}
