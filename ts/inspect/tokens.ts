// Token pieces: how a tokenizer cuts a text, with each piece's id and where it sits in the text,
// for the coloured-pieces view ("tokenization" → "token" + "ization").

import type { Tokenizer } from '../tokenizer/types.js';
import { InspectError } from './run.js';

export interface Piece {
  /** Position in the token sequence. */
  index: number;
  id: number;
  /** The piece's text (incomplete UTF-8 shown as <0x..> escapes by the tokenizer). */
  text: string;
  /** Number of bytes the piece covers. */
  bytes: number;
  special: boolean;
}

/** The pieces of `text`; special-token spellings become special tokens (the text is the user's). */
export function tokenPieces(tokenizer: Tokenizer, text: string): Piece[] {
  if (typeof text !== 'string') throw new InspectError(`tokenPieces: text must be a string, got ${typeof text}`);
  return tokenizer.encodePieces(text, { allowedSpecial: 'all' }).map((p, index) =>
    ({ index, id: p.id, text: p.text, bytes: p.bytes.length, special: p.special }));
}

/** The display text of one token id (its bytes decoded; a special token's spelling). */
export function tokenText(tokenizer: Tokenizer, id: number): string {
  return tokenizer.decode([id]);
}
