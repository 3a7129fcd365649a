// One-line explain view of a tokenization for CLIs and logs ("tokenization" → "token · ization"),
// built on encodePieces (the inspect views use the pieces themselves).
import type { EncodeOptions, Tokenizer } from './types.js';

/**
 * The token texts of `text` joined by " · "; split UTF-8 bytes show as <0xNN>.
 * Example (GPT-2): explain(gpt2, "tokenization") → "token · ization".
 */
export function explain(tok: Tokenizer, text: string, opts?: EncodeOptions, separator = ' · '): string {
  return tok.encodePieces(text, opts).map((p) => p.text).join(separator);
}
