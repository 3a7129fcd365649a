// The embedding map's numbers, in the worker: the rows of wte of the tokens that occur in the
// training text, projected on their first two principal components (pca.ts). The others (most of
// the 256 bytes, the special tokens) never receive a gradient; left in, their untouched cloud is
// what the first component would separate from the rest, and the learned structure gets squeezed.

import type { GPT, Tokenizer } from 'glassgpt';
import { pca2 } from './pca.js';
import type { EmbeddingMapReply } from './protocol.js';

/** `seen`: the ids of the training text (null for a loaded model: then every ordinary token). */
export function embeddingMap(model: GPT, tok: Tokenizer, seen: ReadonlySet<number> | null): EmbeddingMapReply {
  const { vocabSize: V, nEmbd: C } = model.config;
  const w = model.backend.read(model.p('wte.weight').data) as Float32Array; // [V, C]
  const specials = new Set(tok.specialTokens.values());
  const ids = Array.from({ length: V }, (_, i) => i).filter((i) => (seen ? seen.has(i) : !specials.has(i)));
  const rows = new Float32Array(ids.length * C);
  ids.forEach((id, r) => rows.set(w.subarray(id * C, (id + 1) * C), r * C));
  const p = pca2(rows, ids.length, C);
  return { points: ids.map((id, r) => ({ id, text: tok.decode([id]), x: p.coords[r][0], y: p.coords[r][1] })), explained: p.explained, fromText: seen !== null };
}
