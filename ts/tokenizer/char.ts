// Character tokenizer for char-level runs (nanoGPT's shakespeare_char prepare.py): one id per
// code point seen in the training text, sorted by code point, then the special tokens.
import { fromUtf8, utf8 } from './bytes.js';
import { TokenIdError, TokenizerConfigError, TokenizerFormatError, TokenizerInputError, UnknownCharError, describe } from './errors.js';
import { SpecialMatcher } from './special.js';
import type { CharTokenizerJSON, EncodeOptions, TokenPiece, Tokenizer } from './types.js';

export class CharTokenizer implements Tokenizer {
  readonly kind = 'char' as const;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  /** id → character (code point), sorted by code point. */
  readonly chars: readonly string[];
  private readonly ids = new Map<string, number>();
  private readonly names: string[];
  private readonly matcher: SpecialMatcher;

  /**
   * Vocabulary from the distinct code points of `text`, sorted by code point; specials follow.
   * Example: CharTokenizer.fromText("hello") → chars ["e", "h", "l", "o"]; encode("hole") → [1, 3, 2, 0].
   */
  static fromText(text: string, opts: { specialTokens?: readonly string[] } = {}): CharTokenizer {
    if (typeof text !== 'string') throw new TokenizerInputError('training text', text);
    const set = new Set<string>();
    for (const ch of text) set.add(ch);
    const chars = [...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    const specials = opts.specialTokens ?? [];
    return new CharTokenizer(chars, new Map(specials.map((s, i) => [s, chars.length + i])));
  }

  /** From chars in id order and specials with ids from chars.length up (checked). */
  constructor(chars: readonly string[], specialTokens: ReadonlyMap<string, number> = new Map()) {
    chars.forEach((ch, id) => {
      if (typeof ch !== 'string' || [...ch].length !== 1) throw new TokenizerFormatError(`chars[${id}]`, `expected one character, got ${describe(ch)}`);
      if (this.ids.has(ch)) throw new TokenizerFormatError(`chars[${id}]`, `${JSON.stringify(ch)} is already id ${this.ids.get(ch)}`);
      this.ids.set(ch, id);
    });
    this.chars = [...chars];
    this.names = [...chars];
    const size = chars.length + specialTokens.size;
    for (const [name, id] of specialTokens) {
      if (typeof name !== 'string' || name === '') throw new TokenizerConfigError(`special token must be a non-empty string, got ${describe(name)}`);
      if (!Number.isInteger(id) || id < chars.length || id >= size || this.names[id] !== undefined) {
        throw new TokenizerFormatError(`specialTokens[${JSON.stringify(name)}]`, `id ${describe(id)} must be a free id in [${chars.length}, ${size})`);
      }
      this.names[id] = name;
    }
    this.vocabSize = size;
    this.specialTokens = new Map(specialTokens);
    this.matcher = new SpecialMatcher(this.specialTokens);
  }

  /** Text → one id per code point; throws UnknownCharError for characters not in the vocabulary. */
  encode(text: string, opts?: EncodeOptions): number[] {
    if (typeof text !== 'string') throw new TokenizerInputError('encode() text', text);
    const out: number[] = [];
    const segments = this.matcher.segments(text, opts) ?? [{ start: 0, end: text.length, special: -1 }];
    for (const s of segments) {
      if (s.special >= 0) { out.push(s.special); continue; }
      for (let i = s.start; i < s.end; ) {
        const cp = text.codePointAt(i)!;
        const ch = cp > 0xffff ? text.slice(i, i + 2) : text[i];
        const id = this.ids.get(ch);
        if (id === undefined) throw new UnknownCharError(ch, i);
        out.push(id);
        i += ch.length;
      }
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
      throw new TokenizerInputError('decode() ids', ids, 'an array of token ids');
    }
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new TokenIdError(id, i, this.vocabSize);
      s += this.names[id];
    }
    return s;
  }

  tokenBytes(id: number): Uint8Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new TokenIdError(id, 0, this.vocabSize);
    return utf8(this.names[id]);
  }

  encodePieces(text: string, opts?: EncodeOptions): TokenPiece[] {
    return this.encode(text, opts).map((id) => {
      const bytes = this.tokenBytes(id);
      return { id, text: fromUtf8(bytes), bytes, special: id >= this.chars.length };
    });
  }

  toJSON(): CharTokenizerJSON {
    return { type: 'char', version: 1, chars: [...this.chars], specialTokens: Object.fromEntries(this.specialTokens) };
  }

  static fromJSON(json: Record<string, unknown>): CharTokenizer {
    if (json.version !== 1) throw new TokenizerFormatError('version', `expected 1, got ${describe(json.version)}`);
    if (!Array.isArray(json.chars)) throw new TokenizerFormatError('chars', `expected an array of characters, got ${describe(json.chars)}`);
    const sp = json.specialTokens ?? {};
    if (typeof sp !== 'object' || sp === null || Array.isArray(sp)) throw new TokenizerFormatError('specialTokens', `expected an object, got ${describe(sp)}`);
    return new CharTokenizer(json.chars as string[], new Map(Object.entries(sp as Record<string, number>)));
  }
}
