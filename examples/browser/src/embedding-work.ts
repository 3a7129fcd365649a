// The embedding map's numbers, in the worker: every ordinary token's row of wte (the special
// tokens are left out: a model trained on plain text never moves them) projected on the first two
// principal components (pca.ts).

import type { GPT, Tokenizer } from 'glassgpt';
import { pca2 } from './pca.js';
import type { EmbeddingMapReply } from './protocol.js';

export function embeddingMap(model: GPT, tok: Tokenizer): EmbeddingMapReply {
  const { vocabSize: V, nEmbd: C } = model.config;
  const w = model.backend.read(model.p('wte.weight').data) as Float32Array; // [V, C]
  const specials = new Set(tok.specialTokens.values());
  const ids = Array.from({ length: V }, (_, i) => i).filter((i) => !specials.has(i));
  const rows = new Float32Array(ids.length * C);
  ids.forEach((id, r) => rows.set(w.subarray(id * C, (id + 1) * C), r * C));
  const p = pca2(rows, ids.length, C);
  return { points: ids.map((id, r) => ({ id, text: tok.decode([id]), x: p.coords[r][0], y: p.coords[r][1] })), explained: p.explained };
}
