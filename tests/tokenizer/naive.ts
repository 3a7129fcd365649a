// Slow, obviously-correct BPE (minbpe's BasicTokenizer/RegexTokenizer loops: recount every pair
// before each merge) to hold the incremental trainer and the fast merge loop to.
import { splitWords } from '../../ts/tokenizer/patterns.js';

const enc = new TextEncoder();

/** minbpe get_stats over all chunks, weighted by nothing (every chunk counted where it occurs). */
function stats(chunks: number[][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const ids of chunks) for (let i = 0; i + 1 < ids.length; i++) {
    const k = `${ids[i]},${ids[i + 1]}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** minbpe merge(): replace every (a, b) left to right by c. */
export function mergeIds(ids: number[], a: number, b: number, c: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) { out.push(c); i++; } else out.push(ids[i]);
  }
  return out;
}

/**
 * Naive training with the same rules as trainBpe: most frequent pair, ties to the smallest
 * (left, right); a merge that rebuilds existing bytes reuses that id. Returns [a, b, c] merges.
 */
export function naiveTrain(text: string, vocabSize: number, pattern: string): [number, number, number][] {
  let chunks = splitWords(text, pattern).map((w) => [...enc.encode(w)]);
  const bytes: number[][] = Array.from({ length: 256 }, (_, i) => [i]);
  const byName = new Map(bytes.map((b, i) => [b.join(','), i]));
  const merges: [number, number, number][] = [];
  while (bytes.length < vocabSize) {
    let best: [number, number] | undefined, bestCount = 0;
    for (const [k, n] of stats(chunks)) {
      const [a, b] = k.split(',').map(Number);
      if (n > bestCount || (n === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) { best = [a, b]; bestCount = n; }
    }
    if (!best) break;
    const name = [...bytes[best[0]], ...bytes[best[1]]].join(',');
    let c = byName.get(name);
    if (c === undefined) { c = bytes.length; bytes.push(name.split(',').map(Number)); byName.set(name, c); }
    merges.push([best[0], best[1], c]);
    chunks = chunks.map((ids) => mergeIds(ids, best![0], best![1], c!));
  }
  return merges;
}

/** minbpe encode_chunk for every word: merge the lowest-ranked pair present until none is left. */
export function naiveEncode(text: string, merges: [number, number, number][], pattern: string): number[] {
  const rank = new Map<string, number>();
  merges.forEach(([a, b], r) => { if (!rank.has(`${a},${b}`)) rank.set(`${a},${b}`, r); });
  const out: number[] = [];
  for (const w of splitWords(text, pattern)) {
    let ids = [...enc.encode(w)];
    for (;;) {
      let best = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = rank.get(`${ids[i]},${ids[i + 1]}`);
        if (r !== undefined && (best < 0 || r < best)) best = r;
      }
      if (best < 0) break;
      const [a, b, c] = merges[best];
      ids = mergeIds(ids, a, b, c);
    }
    out.push(...ids);
  }
  return out;
}
