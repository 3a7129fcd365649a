// Byte-level BPE tokenizer: split with a regex, merge each word's bytes by rank, cache per word.
// Follows minbpe's RegexTokenizer (structure) and tiktoken (special-token policy, byte decoding).
import { bytesToPieceText, fromUtf8, utf8, utf8Into } from './bytes.js';
import { TokenIdError, TokenizerConfigError, TokenizerFormatError, TokenizerInputError } from './errors.js';
import { WordCache } from './cache.js';
import { PairTable, mergeWord } from './merge.js';
import { compilePattern } from './patterns.js';
import { SpecialMatcher } from './special.js';
import type { BpeTokenizerJSON, EncodeOptions, TokenPiece, Tokenizer } from './types.js';
import { bpeToJSON } from './bpe-json.js';

/** Everything a BPE tokenizer is made of. */
export interface BpeSpec {
  /** 'gpt2' | 'gpt4' | 'none' or a custom regex source. */
  pattern: string;
  /** id → bytes for every non-special id (a special's slot may be left empty). */
  tokens: (Uint8Array | undefined)[];
  /** [left id, right id, merged id] in merge order (rank = index). */
  merges: ReadonlyArray<readonly [number, number, number]>;
  /** special spelling → id. */
  specialTokens: ReadonlyMap<string, number>;
}

/**
 * Per-word cache (cache.ts): word → ids. Default 100,000 words, gpt-tokenizer's default
 * merge-cache size; words longer than 256 UTF-16 units are not cached; when full it is emptied
 * and refills (Brown's 2 MB has ~32,000 distinct words, so it never fills there).
 */
export const DEFAULT_CACHE_SIZE = 100_000;
const MAX_CACHED_WORD = 256;

export class BpeTokenizer implements Tokenizer {
  readonly kind = 'bpe' as const;
  readonly pattern: string;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  /** [left, right, merged] by rank. */
  readonly merges: ReadonlyArray<readonly [number, number, number]>;
  private readonly tokens: Uint8Array[];
  private readonly isSpecial: Uint8Array;
  private readonly byteToId = new Int32Array(256);
  private readonly table: PairTable;
  private readonly rankToId: Int32Array;
  private readonly regex: RegExp | null;
  private readonly matcher: SpecialMatcher;
  private readonly sticky: RegExp | null;
  private cacheSize = DEFAULT_CACHE_SIZE;
  private cache: WordCache | null = null; // made on first encode (~6 MB of tables at 100k words)
  private bytes = new Uint8Array(1024);
  private parts = new Int32Array(1024);

  constructor(spec: BpeSpec) {
    this.pattern = spec.pattern;
    try {
      this.regex = compilePattern(spec.pattern);
      this.sticky = this.regex && new RegExp(this.regex.source, 'uy');
    } catch (e) {
      if (e instanceof TokenizerConfigError) throw e; // refused by the backtracking check
      throw new TokenizerConfigError(`split pattern ${JSON.stringify(spec.pattern)} is not a valid regex: ${(e as Error).message}`);
    }
    this.specialTokens = new Map(spec.specialTokens);
    let size = spec.tokens.length;
    for (const id of this.specialTokens.values()) size = Math.max(size, id + 1);
    this.vocabSize = size;
    this.isSpecial = new Uint8Array(size);
    this.tokens = new Array(size);
    for (const [name, id] of this.specialTokens) { this.tokens[id] = utf8(name); this.isSpecial[id] = 1; }
    this.byteToId.fill(-1);
    for (let id = 0; id < size; id++) {
      if (this.isSpecial[id]) continue;
      const t = spec.tokens[id];
      if (t === undefined) throw new TokenizerFormatError(`tokens[${id}]`, `id ${id} has no token (ids must run from 0 to ${size - 1} without gaps)`);
      this.tokens[id] = t;
      if (t.length === 1 && this.byteToId[t[0]] < 0) this.byteToId[t[0]] = id;
    }
    const missing = this.byteToId.indexOf(-1);
    if (missing >= 0) throw new TokenizerFormatError('tokens', `no token for the single byte 0x${missing.toString(16).toUpperCase().padStart(2, '0')}; a byte-level BPE needs all 256`);
    this.merges = spec.merges;
    this.table = new PairTable(spec.merges.length);
    this.rankToId = new Int32Array(spec.merges.length);
    spec.merges.forEach(([a, b, c], rank) => {
      for (const id of [a, b, c]) {
        if (!Number.isInteger(id) || id < 0 || id >= size || this.isSpecial[id]) {
          throw new TokenizerFormatError(`merges[${rank}]`, `id ${id} is not an ordinary token id in [0, ${size})`);
        }
      }
      const ta = this.tokens[a], tb = this.tokens[b], tc = this.tokens[c];
      if (tc.length !== ta.length + tb.length || !startsWith(tc, ta, 0) || !startsWith(tc, tb, ta.length)) {
        throw new TokenizerFormatError(`merges[${rank}]`, `token ${c} is not the concatenation of tokens ${a} and ${b}`);
      }
      // A repeated pair (training can re-create a pair after a merge rebuilt an existing token)
      // keeps its first rank: encoding applies the earliest merge.
      if (this.table.set(a, b, rank)) this.rankToId[rank] = c;
    });
    this.matcher = new SpecialMatcher(this.specialTokens);
  }

  /**
   * Set the per-word cache size (0 disables it). Returns this.
   * Example: tok.setCacheSize(0) to time cold merges.
   */
  setCacheSize(entries: number): this {
    if (!Number.isInteger(entries) || entries < 0) throw new TokenizerConfigError(`cache size must be a non-negative integer, got ${entries}`);
    this.cacheSize = entries;
    this.cache = null;
    return this;
  }

  /**
   * Text → ids. Spellings of special tokens are ordinary text unless allowed (see EncodeOptions).
   * Example (GPT-2): encode("Hello world") → [15496, 995].
   */
  encode(text: string, opts?: EncodeOptions): number[] {
    if (typeof text !== 'string') throw new TokenizerInputError('encode() text', text);
    const out: number[] = [];
    const segments = this.matcher.segments(text, opts);
    if (segments === null) {
      this.encodeOrdinary(text, out);
    } else {
      for (const s of segments) {
        if (s.special >= 0) out.push(s.special);
        else this.encodeOrdinary(text.slice(s.start, s.end), out);
      }
    }
    return out;
  }

  private encodeOrdinary(text: string, out: number[]): void {
    const re = this.sticky;
    if (re === null) { if (text !== '') this.encodeSpan(text, 0, text.length, out); return; }
    // Sticky test() instead of exec(): no match array and no substring per word. The GPT-2 and
    // GPT-4 patterns match every character, so each word starts where the last one ended; a
    // custom pattern may leave gaps, which the global twin skips (dropped, as tiktoken does).
    let pos = 0;
    while (pos < text.length) {
      re.lastIndex = pos;
      if (!re.test(text)) {
        const g = this.regex!;
        g.lastIndex = pos;
        const m = g.exec(text);
        if (m === null) break;
        pos = m.index === pos ? pos + 1 : m.index; // pos+1: only an empty match can stall
        continue;
      }
      const end = re.lastIndex;
      if (end === pos) { pos++; continue; } // a custom pattern matched empty
      this.encodeSpan(text, pos, end, out);
      pos = end;
    }
  }

  /** BPE of the word text[start, end), through the cache. */
  private encodeSpan(text: string, start: number, end: number, out: number[]): void {
    if (this.cacheSize === 0 || end - start > MAX_CACHED_WORD) { this.mergeBytes(text, start, end, out); return; }
    const cache = (this.cache ??= new WordCache(this.cacheSize));
    const h = WordCache.hash(text, start, end);
    const slot = cache.get(text, start, end, h);
    if (slot >= 0) {
      const vals = cache.vals, from = cache.valStart(slot), to = from + cache.valLength(slot);
      for (let i = from; i < to; i++) out.push(vals[i]);
      return;
    }
    const from = out.length;
    this.mergeBytes(text, start, end, out);
    cache.put(text, start, end, h, out, from, out.length);
  }

  private mergeBytes(text: string, start: number, end: number, out: number[]): void {
    if (this.bytes.length < (end - start) * 3) {
      this.bytes = new Uint8Array((end - start) * 3);
      this.parts = new Int32Array((end - start) * 3);
    }
    const n = utf8Into(text, start, end, this.bytes);
    const parts = this.parts, bytes = this.bytes, byteToId = this.byteToId;
    for (let i = 0; i < n; i++) parts[i] = byteToId[bytes[i]];
    mergeWord(parts, n, this.table, this.rankToId, out);
  }

  /** Ids → text; bytes that are not UTF-8 become U+FFFD. Example (GPT-2): [15496, 995] → "Hello world". */
  decode(ids: ArrayLike<number>): string {
    return fromUtf8(this.decodeBytes(ids));
  }

  /** Ids → raw bytes (what decode() turns into text). */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
      throw new TokenizerInputError('decode() ids', ids, 'an array of token ids');
    }
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < this.vocabSize) || !Number.isInteger(id)) throw new TokenIdError(id, i, this.vocabSize);
      total += this.tokens[id].length;
    }
    const buf = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < ids.length; i++) { const t = this.tokens[ids[i]]; buf.set(t, at); at += t.length; }
    return buf;
  }

  tokenBytes(id: number): Uint8Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new TokenIdError(id, 0, this.vocabSize);
    return this.tokens[id];
  }

  /** Example (GPT-2): encodePieces("tokenization") → [{id: 30001, text: "token"}, {id: 1634, text: "ization"}]. */
  encodePieces(text: string, opts?: EncodeOptions): TokenPiece[] {
    return this.encode(text, opts).map((id) => ({
      id, text: bytesToPieceText(this.tokens[id]), bytes: this.tokens[id], special: this.isSpecial[id] === 1,
    }));
  }

  /**
   * A copy with more special tokens, given ids from vocabSize upward (names already present
   * keep their id). Example: gpt2.withSpecialTokens(CHAT_TOKENS) → <|user|> = 50257, ….
   */
  withSpecialTokens(names: readonly string[]): BpeTokenizer {
    const specials = new Map(this.specialTokens);
    let next = this.vocabSize;
    for (const n of names) {
      if (typeof n !== 'string' || n === '') throw new TokenizerConfigError(`special token must be a non-empty string, got ${JSON.stringify(n)}`);
      if (!specials.has(n)) specials.set(n, next++);
    }
    const tokens = this.tokens.map((t, id) => (this.isSpecial[id] ? undefined : t));
    return new BpeTokenizer({ pattern: this.pattern, tokens, merges: this.merges, specialTokens: specials });
  }

  toJSON(): BpeTokenizerJSON {
    return bpeToJSON(this.pattern, this.tokens, this.isSpecial, this.merges, this.specialTokens);
  }
}

function startsWith(hay: Uint8Array, needle: Uint8Array, at: number): boolean {
  for (let i = 0; i < needle.length; i++) if (hay[at + i] !== needle[i]) return false;
  return true;
}
