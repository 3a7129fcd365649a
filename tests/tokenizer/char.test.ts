// Character tokenizer: vocabulary sorted by code point, same interface as the BPE, JSON round trip.
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '../../ts/tokenizer/char.js';
import { UnknownCharError } from '../../ts/tokenizer/errors.js';
import { tokenizerFromJSON } from '../../ts/tokenizer/json.js';

describe('CharTokenizer', () => {
  it('builds its vocabulary sorted by code point (not UTF-16 order)', () => {
    const tok = CharTokenizer.fromText('hello');
    expect(tok.chars).toEqual(['e', 'h', 'l', 'o']);
    expect(tok.encode('hole')).toEqual([1, 3, 2, 0]);
    // U+1F642 (surrogates D83D DE42) sorts after U+FF01 by code point, before it by UTF-16 unit
    const wide = CharTokenizer.fromText('\uff01🙂a');
    expect(wide.chars).toEqual(['a', '\uff01', '🙂']);
    expect(wide.vocabSize).toBe(3);
    expect(wide.decode(wide.encode('🙂\uff01a'))).toBe('🙂\uff01a');
  });

  it('is stable: the same characters in any order give the same ids', () => {
    expect(CharTokenizer.fromText('cab').toJSON()).toEqual(CharTokenizer.fromText('abcabc').toJSON());
  });

  it('explains and serialises like the BPE', () => {
    const tok = CharTokenizer.fromText('hi 🙂', { specialTokens: ['<|endoftext|>'] });
    expect(tok.encodePieces('hi🙂').map((p) => p.text)).toEqual(['h', 'i', '🙂']);
    expect(tok.specialTokens.get('<|endoftext|>')).toBe(4);
    const back = tokenizerFromJSON(JSON.stringify(tok));
    expect(back).toBeInstanceOf(CharTokenizer);
    expect(back.encode('hi 🙂<|endoftext|>', { allowedSpecial: 'all' })).toEqual([1, 2, 0, 3, 4]);
    expect(back.toJSON()).toEqual(tok.toJSON());
  });

  it('names an unknown character and its offset', () => {
    const tok = CharTokenizer.fromText('abc');
    expect(() => tok.encode('abz')).toThrow(UnknownCharError);
    expect(() => tok.encode('abz')).toThrow('character "z" (U+007A) at offset 2 is not in the character vocabulary');
  });
});
