// The BPE merge loop for one word: a rank table keyed by integer pairs and two merge loops
// (a rank-array scan for short words, a heap over a linked list for long ones). Same result as
// openai/gpt-2 encoder.py `bpe()` and minbpe `encode_chunk`: repeatedly merge the adjacent pair
// with the lowest merge rank, leftmost first.

/**
 * Open-addressing hash table (a, b) → merge rank, on typed arrays so a lookup allocates nothing
 * (a JS Map keyed by a*2^17+b would box the key once it passes 2^31).
 */
export class PairTable {
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly rank: Int32Array;
  private readonly mask: number;
  private readonly shift: number;

  constructor(capacity: number) {
    let bits = 4;
    while (1 << bits < capacity * 2) bits++;
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
    this.left = new Int32Array(1 << bits);
    this.right = new Int32Array(1 << bits);
    this.rank = new Int32Array(1 << bits).fill(-1);
  }

  private slot(a: number, b: number): number {
    // Fibonacci hashing: the top bits of a multiplicative hash.
    return Math.imul(Math.imul(a, 0x9e3779b1) ^ b, 0x85ebca6b) >>> this.shift;
  }

  /** Sets (a, b) → rank; returns false if the pair was already present (rank kept). */
  set(a: number, b: number, rank: number): boolean {
    let i = this.slot(a, b);
    while (this.rank[i] !== -1) {
      if (this.left[i] === a && this.right[i] === b) return false;
      i = (i + 1) & this.mask;
    }
    this.left[i] = a;
    this.right[i] = b;
    this.rank[i] = rank;
    return true;
  }

  /** The merge rank of (a, b), or -1 if they never merge. */
  get(a: number, b: number): number {
    let i = this.slot(a, b);
    let r: number;
    while ((r = this.rank[i]) !== -1) {
      if (this.left[i] === a && this.right[i] === b) return r;
      i = (i + 1) & this.mask;
    }
    return -1;
  }
}

const NONE = 0x7fffffff;
/** Words up to this many bytes use the O(n²) scan, which beats a heap on short words. */
export const SMALL_WORD = 128;

/**
 * Merge `parts[0, n)` (token ids, overwritten) and push the result onto `out`.
 * Example with merges (a,a)→Z rank 0, (a,b)→Y rank 1, (Z,Y)→X rank 2:
 * parts "aaab" → "Zab" → "ZY" → "X".
 */
export function mergeWord(parts: Int32Array, n: number, table: PairTable, rankToId: Int32Array,
  out: number[]): void {
  if (n > SMALL_WORD) return mergeLong(parts, n, table, rankToId, out);
  const ranks = SCRATCH_RANKS;
  for (let i = 0; i + 1 < n; i++) ranks[i] = rankOf(table, parts[i], parts[i + 1]);
  while (n > 1) {
    let best = NONE;
    let at = -1;
    for (let i = 0; i + 1 < n; i++) {
      if (ranks[i] < best) { best = ranks[i]; at = i; }
    }
    if (at < 0) break;
    parts[at] = rankToId[best];
    // Drop parts[at+1] and the pair rank that started there.
    for (let j = at + 1; j + 1 < n; j++) { parts[j] = parts[j + 1]; ranks[j] = ranks[j + 1]; }
    n--;
    if (at > 0) ranks[at - 1] = rankOf(table, parts[at - 1], parts[at]);
    if (at + 1 < n) ranks[at] = rankOf(table, parts[at], parts[at + 1]);
  }
  for (let i = 0; i < n; i++) out.push(parts[i]);
}

const SCRATCH_RANKS = new Int32Array(SMALL_WORD);

function rankOf(table: PairTable, a: number, b: number): number {
  const r = table.get(a, b);
  return r < 0 ? NONE : r;
}

/**
 * Long words (runs of spaces, pattern 'none'): a doubly linked list of parts and a min-heap of
 * (rank, position) keys; stale heap entries are skipped when popped. O(n log n).
 */
function mergeLong(parts: Int32Array, n: number, table: PairTable, rankToId: Int32Array, out: number[]): void {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) { next[i] = i + 1 < n ? i + 1 : -1; prev[i] = i - 1; }
  // key = rank * 2^26 + position: lowest rank first, then leftmost (n < 2^26 bytes per word).
  const POS = 67108864;
  const heap: number[] = [];
  const push = (key: number) => {
    let i = heap.length;
    heap.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p] <= key) break;
      heap[i] = heap[p]; i = p;
    }
    heap[i] = key;
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const len = heap.length;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= len) break;
        if (c + 1 < len && heap[c + 1] < heap[c]) c++;
        if (heap[c] >= last) break;
        heap[i] = heap[c]; i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  const consider = (i: number) => {
    const j = next[i];
    if (j < 0) return;
    const r = table.get(parts[i], parts[j]);
    if (r >= 0) push(r * POS + i);
  };
  for (let i = 0; i + 1 < n; i++) consider(i);
  while (heap.length > 0) {
    const key = pop();
    const r = Math.floor(key / POS);
    const i = key - r * POS;
    const j = next[i];
    // Stale if a neighbour merged since this entry was pushed.
    if (!alive[i] || j < 0 || table.get(parts[i], parts[j]) !== r) continue;
    parts[i] = rankToId[r];
    alive[j] = 0;
    next[i] = next[j];
    if (next[j] >= 0) prev[next[j]] = i;
    if (prev[i] >= 0) consider(prev[i]);
    consider(i);
  }
  for (let i = 0; i >= 0; i = next[i]) out.push(parts[i]);
}
