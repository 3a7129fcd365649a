// BPE training: the textbook example by hand, agreement with a naive recount-every-merge trainer,
// determinism, save/load, specials. minbpe's test_tokenizer.py cases, plus the naive twin.
import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from '../../ts/tokenizer/bpe.js';
import { tokenizerFromJSON } from '../../ts/tokenizer/json.js';
import { GPT4_SPLIT_PATTERN, splitWords } from '../../ts/tokenizer/patterns.js';
import { DEFAULT_SPECIAL_TOKENS, ENDOFTEXT } from '../../ts/tokenizer/special.js';
import { trainBpe } from '../../ts/tokenizer/train.js';
import { brownFileText, brownPrefix } from '../../ts/data/brown.js';
import { EDGE_CASES } from './cases.js';
import { naiveEncode, naiveTrain } from './naive.js';

describe('trainBpe', () => {
  it('learns the Wikipedia "aaabdaaabac" merges, checked by hand', () => {
    // aa ×4 → Z=256; "ZabdZabac": Za ×2 and ab ×2 tie → smaller pair (97,98) → Y=257;
    // "ZYdZYac": ZY ×2 → X=258; what is left ("XdXac") has no repeated pair but BPE only stops
    // when the vocabulary is full, so vocabSize 259 stops here.
    const tok = trainBpe('aaabdaaabac', { vocabSize: 259, pattern: 'none', specialTokens: [] });
    expect(tok.merges).toEqual([[97, 97, 256], [97, 98, 257], [256, 257, 258]]);
    expect(tok.encode('aaabdaaabac')).toEqual([258, 100, 258, 97, 99]);
    expect(tok.decode([258, 100, 258, 97, 99])).toBe('aaabdaaabac');
    expect(tok.encodePieces('aaabdaaabac').map((p) => p.text)).toEqual(['aaab', 'd', 'aaab', 'a', 'c']);
  });

  for (const pattern of ['gpt2', 'gpt4', 'none']) {
    it(`gives the same merges as the naive trainer (pattern ${pattern})`, () => {
      const text = brownFileText('ca01').slice(0, pattern === 'none' ? 3000 : 8000) + ' 🙂🙂 日本語 日本語';
      const tok = trainBpe(text, { vocabSize: 256 + 120, pattern, specialTokens: [] });
      const naive = naiveTrain(text, 256 + 120, pattern);
      expect(tok.merges).toEqual(naive);
      // and the fast encoder (short-word scan and long-word heap) equals minbpe's loop
      const probe = brownFileText('cb01').slice(0, 2000) + EDGE_CASES.slice(0, 40).join(' ');
      expect(tok.encode(probe)).toEqual(naiveEncode(probe, naive, pattern));
    });
  }

  it('is deterministic: the same text twice gives the same merges', () => {
    const text = brownPrefix(200_000);
    const a = trainBpe(text, { vocabSize: 1000 });
    const b = trainBpe(text, { vocabSize: 1000 });
    expect(a.merges.length).toBe(1000 - 256 - DEFAULT_SPECIAL_TOKENS.length);
    expect(b.merges).toEqual(a.merges);
    expect(a.vocabSize).toBe(1000);
  });

  it('saved and loaded (JSON text) gives the same ids', () => {
    const text = brownPrefix(100_000);
    for (const pattern of ['gpt2', 'gpt4', 'none']) {
      const tok = trainBpe(text, { vocabSize: 600, pattern });
      const back = tokenizerFromJSON(JSON.stringify(tok.toJSON()));
      expect(back).toBeInstanceOf(BpeTokenizer);
      const probe = brownFileText('cp01') + EDGE_CASES.join('\n');
      expect(back.encode(probe)).toEqual(tok.encode(probe));
      expect(back.decode(tok.encode(probe))).toBe(probe);
      expect(back.toJSON()).toEqual(tok.toJSON());
    }
  });

  it('saves a token spelled "__proto__" like any other', () => {
    const tok = trainBpe('__proto__ constructor '.repeat(40), { vocabSize: 300, pattern: '[^ ]+| ', specialTokens: [] });
    const names = Object.keys(tok.toJSON().vocab);
    expect(names).toContain('__proto__');
    const back = tokenizerFromJSON(JSON.stringify(tok));
    expect(back.encode('__proto__ constructor')).toEqual(tok.encode('__proto__ constructor'));
    expect(back.encodePieces('__proto__').map((p) => p.text)).toEqual(['__proto__']);
  });

  it('gives specials the last ids and never learns their spelling', () => {
    // Every paragraph ends in <|endoftext|>, so "<|", "|>", "endoftext" would be frequent pairs
    // and words if the spelling were not cut out first.
    const text = brownPrefix(30_000).split('\n').join(ENDOFTEXT);
    const tok = trainBpe(text, { vocabSize: 600 });
    expect([...tok.specialTokens]).toEqual(DEFAULT_SPECIAL_TOKENS.map((s, i) => [s, 596 + i]));
    const learned = tok.merges.map(([, , c]) => new TextDecoder().decode(tok.tokenBytes(c)));
    expect(learned.length).toBe(600 - 256 - 4);
    expect(learned.filter((t) => /<\||\|>|endof/.test(t))).toEqual([]);
    expect(tok.encode(ENDOFTEXT, { allowedSpecial: 'all' })).toEqual([596]);
    // Control: without specials the same text does teach those pieces.
    const plain = trainBpe(text, { vocabSize: 600, specialTokens: [] });
    const plainLearned = plain.merges.map(([, , c]) => new TextDecoder().decode(plain.tokenBytes(c)));
    expect(plainLearned.filter((t) => /<\||\|>|endof/.test(t)).length).toBeGreaterThan(0);
  });

  it('stops early when no pair is left and reports every merge', () => {
    const seen: number[] = [];
    const tok = trainBpe('abab', { vocabSize: 1000, pattern: 'none', specialTokens: [], onMerge: (m) => seen.push(m.count) });
    // ab ×2 → 256; "XX" → (256,256) ×1 → 257; then one symbol is left.
    expect(tok.merges).toEqual([[97, 98, 256], [256, 256, 257]]);
    expect(seen).toEqual([2, 1]);
    expect(tok.vocabSize).toBe(258);
  });

  // (its speed is benches/tokenizer.ts's business: a timed test fails on a busy machine)
  it('trains vocab 4096 on 1 MB of Brown text and round-trips it', () => {
    const text = brownPrefix(1_000_000);
    const tok = trainBpe(text, { vocabSize: 4096 });
    expect(tok.vocabSize).toBe(4096);
    expect(tok.decode(tok.encode(text))).toBe(text);
  }, 30_000);
});

describe('split patterns', () => {
  it('a custom pattern that skips characters drops them, as tiktoken does, and survives JSON', () => {
    const tok = trainBpe(brownPrefix(20_000), { vocabSize: 300, pattern: '\\p{L}+', specialTokens: [] });
    expect(tok.pattern).toBe('\\p{L}+');
    expect(tok.encode('ab, cd!! ')).toEqual([...tok.encode('ab'), ...tok.encode('cd')]);
    expect(tok.decode(tok.encode('The jury, said'))).toBe('Thejurysaid');
    expect(tokenizerFromJSON(JSON.stringify(tok)).encode('The jury, said')).toEqual(tok.encode('The jury, said'));
  });

  it('GPT-4 pattern splits like js-tiktoken cl100k_base pat_str on Brown and the edge cases', () => {
    // js-tiktoken spells the case-insensitive contractions as alternatives; the same language.
    const ref = /('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;
    expect(getEncoding('cl100k_base').encode("I'LL pay 12345", [], []).length).toBeGreaterThan(0);
    for (const text of [brownFileText('ca02'), ...EDGE_CASES, "I'LL pay 12345"]) {
      expect(splitWords(text, 'gpt4')).toEqual([...text.matchAll(ref)].map((m) => m[0]));
    }
    expect(splitWords("I'LL pay 12345", GPT4_SPLIT_PATTERN)).toEqual(['I', "'LL", ' pay', ' ', '123', '45']);
    expect(splitWords("Hello world's  3", 'gpt2')).toEqual(['Hello', ' world', "'s", ' ', ' 3']);
  });
});
