// Fused softmax + cross-entropy with an ignore index: reference twins of
// crates/kernels/src/loss.rs. Backward recomputes the softmax from the logits instead of keeping
// a [N, V] probability tensor alive between forward and backward.

/** losses [N] = logsumexp(logits[i]) − logits[i, target[i]]; 0 where target = ignoreIndex. */
export function crossEntropyForward(losses: Float32Array, logits: Float32Array, targets: Int32Array,
  N: number, V: number, ignoreIndex: number): void {
  for (let r = 0; r < N; r++) {
    const t = targets[r];
    if (t === ignoreIndex) { losses[r] = 0; continue; }
    const o = r * V;
    let max = -Infinity;
    for (let i = 0; i < V; i++) if (logits[o + i] > max) max = logits[o + i];
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(logits[o + i] - max);
    losses[r] = Math.log(sum) + max - logits[o + t];
  }
}

/** dlogits [N, V] += dlosses[i] · (softmax(logits[i]) − onehot(target[i])). */
export function crossEntropyBackward(dlogits: Float32Array, logits: Float32Array,
  targets: Int32Array, dlosses: Float32Array, N: number, V: number, ignoreIndex: number): void {
  for (let r = 0; r < N; r++) {
    const t = targets[r];
    if (t === ignoreIndex) continue;
    const o = r * V, dl = dlosses[r];
    let max = -Infinity;
    for (let i = 0; i < V; i++) if (logits[o + i] > max) max = logits[o + i];
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(logits[o + i] - max);
    const inv = 1 / sum;
    for (let i = 0; i < V; i++) {
      const p = Math.exp(logits[o + i] - max) * inv;
      dlogits[o + i] += dl * (p - (i === t ? 1 : 0));
    }
  }
}
