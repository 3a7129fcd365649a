// Hostile tokenizer files and faults (issue 16, problems 5, 6, 8 and 13): a pattern that can
// backtrack catastrophically is refused when the file is loaded; `tokenizer train --out` writes
// through an exclusive temp file that a planted symlink cannot redirect and that a full disk does
// not leave behind; BPE training on one character repeated 2^20 times does not overflow the stack.

import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tokenizerCommand } from '../../ts/cli/tokenize.js';
import { TokenizerConfigError } from '../../ts/tokenizer/errors.js';
import { tokenizerFromJSON } from '../../ts/tokenizer/json.js';
import { saveTokenizerFile } from '../../ts/tokenizer/node.js';
import { patternHazard } from '../../ts/tokenizer/pattern-safety.js';
import { GPT2_SPLIT_PATTERN, GPT4_SPLIT_PATTERN } from '../../ts/tokenizer/patterns.js';
import { trainBpe } from '../../ts/tokenizer/train.js';

const disk = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    // a full disk: the first chunk is written, then ENOSPC
    writeSync: (fd: number, buf: Uint8Array, off?: number, len?: number, pos?: number) => {
      if (!disk.full) return real.writeSync(fd, buf, off, len, pos);
      real.writeSync(fd, buf, off, Math.min(len ?? buf.length, 10), pos);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'gg-tokhostile-'));
const small = trainBpe('hello hello world', { vocabSize: 260 });

describe('split patterns from files', () => {
  it('a pattern with catastrophic backtracking is refused on load, naming the fix', () => {
    const json = { ...small.toJSON(), pattern: '(a+)+$' };
    expect(() => tokenizerFromJSON(JSON.stringify(json))).toThrow(TokenizerConfigError);
    expect(() => tokenizerFromJSON(JSON.stringify(json))).toThrow(/"\(a\+\)\+\$" is refused: it repeats a group that itself repeats.*Use "gpt2", "gpt4" or "none"/);
  }, 10_000); // tokenize and sample hung on it before: a hang fails by this timeout

  it.each([
    ['(a|a)*b', /repeats a group/], ['(a|ab)+c', /repeats a group/], ['(x*){2,}', /repeats a group/],
    ['(\\w)\\1', /backreference/], ['(?<w>a)\\k<w>', /backreference/], ['\\s*\\s*\\s*x', /more than 2 unbounded/],
    ['(a', /parentheses/],
  ])('%s is refused', (p, why) => expect(patternHazard(p)).toMatch(why));

  it.each([GPT2_SPLIT_PATTERN, GPT4_SPLIT_PATTERN, ' ?\\p{L}+| ?\\p{N}+|\\s+', '(?:ab)+', '(a+)?', '[(]+x+', "'(?:s|t)"])('%s passes', (p) => {
    expect(patternHazard(p)).toBeNull();
  });

  it('the named patterns and safe custom ones still load and encode', () => {
    for (const pattern of ['gpt2', 'gpt4', 'none', ' ?\\p{L}+|\\s+']) {
      const t = tokenizerFromJSON(JSON.stringify({ ...small.toJSON(), pattern }));
      expect(t.decode(t.encode('hello world'))).toBe('hello world');
    }
  });
});

describe('tokenizer train --out', () => {
  it('does not follow a symlink planted at the old temp name', async () => {
    const victim = join(dir, 'victim.txt'), out = join(dir, 'tok.json');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, `${out}.tmp-${process.pid}`); // the name the old writer used
    saveTokenizerFile(small, out);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(JSON.parse(readFileSync(out, 'utf8')).type).toBe('bpe');
  });

  it('a full disk leaves neither a truncated temp file nor a half tokenizer', async () => {
    const sub = mkdtempSync(join(dir, 'full-'));
    const data = join(sub, 'data.txt'), out = join(sub, 'tok.json');
    writeFileSync(data, 'the cat sat on the mat '.repeat(50));
    disk.full = true;
    let r;
    try {
      let err = '';
      r = { code: await tokenizerCommand(['train', '--data', data, '--vocab-size', '270', '--out', out], { out: () => undefined, err: (s) => { err += s; } }), err };
    } finally {
      disk.full = false;
    }
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ENOSPC/);
    expect(readdirSync(sub)).toEqual(['data.txt']);
  });
});

describe('BPE training', () => {
  it('one character repeated 2^20 times trains without a stack overflow', () => {
    const tok = trainBpe('a'.repeat(2 ** 20), { vocabSize: 300, pattern: 'none' });
    expect(tok.encode('a'.repeat(2 ** 20)).length).toBeLessThan(300);
    expect(tok.decode(tok.encode('aaaa'))).toBe('aaaa');
  });
});
