// The top of a softmax: the n most likely tokens of one row of logits and their probabilities,
// in float64 (so tiny probabilities are not lost), plus the row's entropy in nats.

export interface TokenProb {
  id: number;
  prob: number;
}

export interface RowDistribution {
  /** The n most likely tokens, most likely first (ties → lower id). */
  top: TokenProb[];
  /** Entropy in nats: 0 when certain, ln V when uniform. */
  entropy: number;
  /** Probability of any id in the row. */
  probOf(id: number): number;
}

/** Softmax over logits[offset … offset+V) and its top n. */
export function softmaxTop(logits: ArrayLike<number>, offset: number, V: number, n: number): RowDistribution {
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (logits[offset + v] > max) max = logits[offset + v];
  const p = new Float64Array(V);
  let total = 0;
  for (let v = 0; v < V; v++) total += p[v] = Math.exp(logits[offset + v] - max);
  let entropy = 0;
  for (let v = 0; v < V; v++) {
    p[v] /= total;
    if (p[v] > 0) entropy -= p[v] * Math.log(p[v]);
  }
  // keep the n best by insertion: O(V·n) instead of sorting all V (GPT-2 has 50,257 ids)
  const top: number[] = [];
  for (let v = 0; v < V; v++) {
    if (top.length === n && p[v] <= p[top[n - 1]]) continue; // ties keep the lower id
    if (top.length === n) top.pop();
    let i = top.length;
    while (i > 0 && p[top[i - 1]] < p[v]) i--;
    top.splice(i, 0, v);
  }
  return { top: top.map((id) => ({ id, prob: p[id] })), entropy, probOf: (id) => p[id] ?? 0 };
}
