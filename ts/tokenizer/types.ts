// The Tokenizer interface shared by the byte-level BPE and the character tokenizer
// (shape after tiktoken's Encoding: encode / decode / special-token policy / token bytes).

/**
 * Which special tokens encode() may produce. A special token's spelling in the text becomes the
 * special token only if it is allowed; otherwise it is ordinary text (or an error if disallowed).
 * Example: encode("hi<|endoftext|>") → ids of "hi", "<", "|", "endoftext", "|", ">";
 * encode("hi<|endoftext|>", { allowedSpecial: "all" }) → ids of "hi", then 50256 (GPT-2).
 */
export type SpecialSet = 'all' | readonly string[] | ReadonlySet<string>;

export interface EncodeOptions {
  /** Specials whose spelling becomes the special token. Default: none (tiktoken's default). */
  allowedSpecial?: SpecialSet;
  /**
   * Specials whose spelling throws DisallowedSpecialError ('all' = every special not allowed).
   * Default: none, so the spelling is encoded as ordinary text (tiktoken's `encode_ordinary`
   * behaviour; tiktoken's own default is to throw, pass 'all' for that).
   */
  disallowedSpecial?: SpecialSet;
}

/** One token of an explain view: "tokenization" → [{text:"token"}, {text:"ization"}]. */
export interface TokenPiece {
  id: number;
  /**
   * The token's text. Bytes that are not complete UTF-8 on their own (half of an emoji, say)
   * are shown as `<0xF0>` escapes, as sentencepiece's byte-fallback pieces are.
   */
  text: string;
  /** The token's raw bytes (UTF-8 of its text when it is complete). */
  bytes: Uint8Array;
  /** True for special tokens such as <|endoftext|>. */
  special: boolean;
}

/** JSON of a byte-level BPE tokenizer (see bpe-json.ts for the field rules). */
export interface BpeTokenizerJSON {
  type: 'bpe';
  version: 1;
  /** 'gpt2' | 'gpt4' | 'none' or the source of a custom split regex (flags "gu"). */
  pattern: string;
  /** token (bytes written with GPT-2's printable byte alphabet, "Ġthe") → id. */
  vocab: Record<string, number>;
  /** Merges in priority order, each "left right" in the same alphabet ("Ġ t"). */
  merges: string[];
  /** special token spelling → id. */
  specialTokens: Record<string, number>;
}

/** JSON of a character tokenizer. */
export interface CharTokenizerJSON {
  type: 'char';
  version: 1;
  /** The vocabulary in id order (one code point each), sorted by code point. */
  chars: string[];
  /** special token spelling → id (ids follow the characters). */
  specialTokens: Record<string, number>;
}

export type TokenizerJSON = BpeTokenizerJSON | CharTokenizerJSON;

/** What every glassgpt tokenizer does. */
export interface Tokenizer {
  readonly kind: 'bpe' | 'char';
  /** Number of ids, specials included; ids are 0 … vocabSize-1. */
  readonly vocabSize: number;
  /** special token spelling → id. */
  readonly specialTokens: ReadonlyMap<string, number>;
  encode(text: string, opts?: EncodeOptions): number[];
  /** Ids back to text; bytes that do not form UTF-8 become U+FFFD (as TextDecoder does). */
  decode(ids: ArrayLike<number>): string;
  /** encode() plus each token's text, for explain views. */
  encodePieces(text: string, opts?: EncodeOptions): TokenPiece[];
  /** The raw bytes of one token (UTF-8 of the spelling for a special token). */
  tokenBytes(id: number): Uint8Array;
  toJSON(): TokenizerJSON;
}
