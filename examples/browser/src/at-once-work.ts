// "The whole sequence is processed at once", measured in the worker: the logits of every position
// from one batched forward over the text (as in training: causal masking lets position t see
// only 0…t, so all T predictions come out of a single pass), against a loop that feeds the tokens
// one at a time through the KV cache (as in generation). Same numbers, very different speed.

import { inspectRun, KVCache, type GPT } from 'glassgpt';
import type { AtOnceReply } from './protocol.js';

export function atOnce(model: GPT, ids: readonly number[], repeats = 5): AtOnceReply {
  const T = ids.length, V = model.config.vocabSize, be = model.backend;
  let batched: Float32Array = new Float32Array(0);
  const looped = new Float32Array(T * V);
  // a first run of each warms the kernels' buffers and the JIT; then `repeats` timed runs
  const time = (fn: () => void) => { fn(); const t0 = performance.now(); for (let r = 0; r < repeats; r++) fn(); return (performance.now() - t0) / repeats; };
  const batchedMs = time(() => {
    batched = inspectRun(model, () => be.read(model.forward([[...ids]]).logits.data) as Float32Array); // (1, T, V)
  });
  const loopMs = time(() => {
    const cache = new KVCache(be, model.config, 1, T);
    try {
      for (let t = 0; t < T; t++) {
        const row = inspectRun(model, () => be.read(model.decode([[ids[t]]], cache, t).logits.data) as Float32Array); // (1, 1, V)
        looped.set(row.subarray(0, V), t * V);
      }
    } finally {
      cache.free();
    }
  });
  let maxDiff = 0;
  for (let i = 0; i < T * V; i++) maxDiff = Math.max(maxDiff, Math.abs(batched[i] - looped[i]));
  return { tokens: T, batchedMs, loopMs, maxDiff, repeats };
}
