// Tokenizer JSON dispatch: recreate a BPE or character tokenizer from toJSON() output (object
// or text). Browser-safe.
import { BpeTokenizer } from './bpe.js';
import { bpeSpecFromJSON } from './bpe-json.js';
import { CharTokenizer } from './char.js';
import { TokenizerFormatError, describe, parseJsonIfString } from './errors.js';
import type { Tokenizer, TokenizerJSON } from './types.js';

/**
 * Example: tokenizerFromJSON(JSON.stringify(tok)) gives a tokenizer with the same ids as tok.
 * Throws TokenizerFormatError naming the field for anything malformed.
 */
export function tokenizerFromJSON(json: string | TokenizerJSON | Record<string, unknown>): Tokenizer {
  const obj = parseJsonIfString(json, '(root)');
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new TokenizerFormatError('(root)', `expected an object, got ${describe(obj)}`);
  }
  const type = (obj as Record<string, unknown>).type;
  if (type === 'bpe') return new BpeTokenizer(bpeSpecFromJSON(obj));
  if (type === 'char') return CharTokenizer.fromJSON(obj as Record<string, unknown>);
  throw new TokenizerFormatError('type', `expected "bpe" or "char", got ${describe(type)}`);
}
