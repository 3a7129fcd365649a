// BPE training with incremental pair counts (minbpe's algorithm, Hugging Face tokenizers' and
// sentencepiece's bookkeeping): word frequencies, a pair → positions index and a lazy max-heap,
// so each merge touches only the places where its pair occurs instead of recounting everything.
import { BpeTokenizer } from './bpe.js';
import { utf8 } from './bytes.js';
import { TokenizerConfigError, TokenizerInputError, describe } from './errors.js';
import { patternSource, splitWords } from './patterns.js';
import { DEFAULT_SPECIAL_TOKENS } from './special.js';

export interface TrainOptions {
  /** Total ids including specials; at least 256 + specialTokens.length. */
  vocabSize: number;
  /** Split pattern: 'gpt2' (default), 'gpt4', 'none' or a custom regex source. */
  pattern?: string;
  /** Specials, given the last ids. Default DEFAULT_SPECIAL_TOKENS (<|endoftext|> + chat). */
  specialTokens?: readonly string[];
  /** Called after every merge (for progress bars and the "watch BPE learn" view). */
  onMerge?: (m: { rank: number; left: number; right: number; id: number; count: number }) => void;
}

const KEY = 2097152; // pair key = left * 2^21 + right; ids stay below 2^21
const keyOf = (a: number, b: number) => a * KEY + b;

/**
 * Learn a byte-level BPE from text. Ids 0-255 are the raw bytes, merges take 256 onward, specials
 * come last. Ties between equally frequent pairs go to the smallest (left, right) id pair, so
 * the same text always gives the same merges. Spellings of the specials are cut out of the text
 * first (they are boundaries, never learned). Stops early if no pair is left to merge.
 *
 * Worked example (Wikipedia's "Byte pair encoding"): "aaabdaaabac", vocabSize 259, pattern none:
 *   (a,a) ×4 → 256 "aa";  "ZabdZabac": (Z,a) and (a,b) ×2 each, tie → (97,98) → 257 "ab";
 *   "ZYdZYac": (Z,Y) ×2 → 258 "aaab"; encode → [258, 100, 258, 97, 99].
 */
export function trainBpe(text: string, opts: TrainOptions): BpeTokenizer {
  if (typeof text !== 'string') throw new TokenizerInputError('training text', text);
  if (typeof opts !== 'object' || opts === null) throw new TokenizerConfigError(`train options must be an object, got ${describe(opts)}`);
  const pattern = opts.pattern ?? 'gpt2';
  const specials = opts.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
  if (!Array.isArray(specials) || specials.some((s) => typeof s !== 'string' || s === '') || new Set(specials).size !== specials.length) {
    throw new TokenizerConfigError(`specialTokens must be distinct non-empty strings, got ${JSON.stringify(specials)}`);
  }
  const { vocabSize } = opts;
  if (!Number.isInteger(vocabSize) || vocabSize < 256 + specials.length || vocabSize >= KEY) {
    throw new TokenizerConfigError(
      `vocabSize must be an integer from 256 + ${specials.length} special tokens = ${256 + specials.length} ` +
        `to ${KEY - 1}, got ${describe(vocabSize)}`);
  }
  try {
    patternSource(pattern) !== null && new RegExp(patternSource(pattern)!, 'gu');
  } catch (e) {
    throw new TokenizerConfigError(`split pattern ${JSON.stringify(pattern)} is not a valid regex: ${(e as Error).message}`);
  }

  // 1. Word frequencies (specials cut out first).
  const freq = new Map<string, number>();
  for (const part of cutSpecials(text, specials)) {
    for (const w of splitWords(part, pattern)) freq.set(w, (freq.get(w) ?? 0) + 1);
  }

  // 2. All words' bytes laid end to end; next/prev link the live symbols of one word.
  const words: Uint8Array[] = [];
  const counts: number[] = [];
  let total = 0;
  for (const [w, f] of freq) {
    const b = utf8(w);
    if (b.length < 2) continue; // no pairs
    words.push(b); counts.push(f); total += b.length;
  }
  const sym = new Int32Array(total), next = new Int32Array(total), prev = new Int32Array(total);
  const wfreq = new Float64Array(total);
  const pairCount = new Map<number, number>();
  const pairPos = new Map<number, number[]>();
  const bump = (a: number, b: number, by: number, pos: number) => {
    const k = keyOf(a, b);
    pairCount.set(k, (pairCount.get(k) ?? 0) + by);
    if (pos >= 0) { const l = pairPos.get(k); if (l) l.push(pos); else pairPos.set(k, [pos]); }
    return k;
  };
  let at = 0;
  words.forEach((b, w) => {
    for (let i = 0; i < b.length; i++) {
      const p = at + i;
      sym[p] = b[i]; wfreq[p] = counts[w];
      next[p] = i + 1 < b.length ? p + 1 : -1;
      prev[p] = i > 0 ? p - 1 : -1;
      if (i > 0) bump(b[i - 1], b[i], counts[w], p - 1);
    }
    at += b.length;
  });

  const heap = new PairHeap();
  for (const [k, c] of pairCount) heap.push(c, k);

  // 3. Merge until the vocabulary is full.
  const tokens: Uint8Array[] = [];
  const byBytes = new Map<string, number>();
  for (let b = 0; b < 256; b++) { tokens.push(Uint8Array.of(b)); byBytes.set(String.fromCharCode(b), b); }
  const merges: [number, number, number][] = [];
  const target = vocabSize - specials.length;
  while (tokens.length < target) {
    let best = -1, bestCount = 0;
    while (heap.size > 0) {
      const [c, k] = heap.pop();
      if (pairCount.get(k) === c && c > 0) { best = k; bestCount = c; break; } // else stale
    }
    if (best < 0) break; // nothing left to merge
    const a = Math.floor(best / KEY), b = best - a * KEY;
    const bytes = concat(tokens[a], tokens[b]);
    const name = byteString(bytes);
    let c = byBytes.get(name);
    // A merge can rebuild an existing token ("a"+"bc" after "ab"+"c"): reuse its id.
    if (c === undefined) { c = tokens.length; tokens.push(bytes); byBytes.set(name, c); }
    merges.push([a, b, c]);
    opts.onMerge?.({ rank: merges.length - 1, left: a, right: b, id: c, count: bestCount });

    const changed = new Set<number>();
    const positions = Int32Array.from(pairPos.get(best)!).sort(); // left to right within a word
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i];
      const q = next[p];
      if (sym[p] !== a || q < 0 || sym[q] !== b) continue; // stale: merged away since
      const f = wfreq[p], l = prev[p], r = next[q];
      if (l >= 0) { changed.add(bump(sym[l], a, -f, -1)); changed.add(bump(sym[l], c, f, l)); }
      if (r >= 0) { changed.add(bump(b, sym[r], -f, -1)); changed.add(bump(c, sym[r], f, p)); }
      sym[p] = c; sym[q] = -1;
      next[p] = r;
      if (r >= 0) prev[r] = p;
    }
    pairCount.delete(best); pairPos.delete(best); changed.delete(best);
    for (const k of changed) {
      const n = pairCount.get(k)!;
      if (n > 0) heap.push(n, k);
      else { pairCount.delete(k); pairPos.delete(k); }
    }
  }
  const specialTokens = new Map<string, number>();
  for (const s of specials) specialTokens.set(s, tokens.length + specialTokens.size);
  return new BpeTokenizer({ pattern, tokens, merges, specialTokens });
}

/** Text with the specials' spellings removed, as the pieces between them. */
function cutSpecials(text: string, specials: readonly string[]): string[] {
  if (specials.length === 0) return [text];
  const re = new RegExp([...specials].sort((x, y) => y.length - x.length)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return text.split(re);
}

function concat(x: Uint8Array, y: Uint8Array): Uint8Array {
  const out = new Uint8Array(x.length + y.length);
  out.set(x); out.set(y, x.length);
  return out;
}

/** Max-heap of (count, pair key): higher count first, then the smaller key (deterministic ties). */
class PairHeap {
  private c: number[] = [];
  private k: number[] = [];
  get size() { return this.c.length; }
  private above(i: number, j: number) { return this.c[i] > this.c[j] || (this.c[i] === this.c[j] && this.k[i] < this.k[j]); }
  private swap(i: number, j: number) {
    const c = this.c[i]; this.c[i] = this.c[j]; this.c[j] = c;
    const k = this.k[i]; this.k[i] = this.k[j]; this.k[j] = k;
  }
  push(count: number, key: number) {
    this.c.push(count); this.k.push(key);
    let i = this.c.length - 1;
    while (i > 0) { const p = (i - 1) >> 1; if (!this.above(i, p)) break; this.swap(i, p); i = p; }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.c[0], this.k[0]];
    const last = this.c.length - 1;
    this.swap(0, last); this.c.pop(); this.k.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < last && this.above(l, m)) m = l;
      if (r < last && this.above(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m); i = m;
    }
    return top;
  }
}

/** The bytes as a string of char codes 0–255 (a map key). In chunks: a spread of a token that one
 *  character repeated 2^20 times built would pass 2^20 arguments and overflow the stack. */
function byteString(bytes: Uint8Array): string {
  if (bytes.length <= 4096) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return s;
}
