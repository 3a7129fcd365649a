// `glassgpt sample` on a checkpoint directory written the way the trainer writes it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { sampleCommand } from '../../ts/cli/sample.js';
import { saveCheckpoint } from '../../ts/model/checkpoint.js';
import { byteTokenizer, tinyModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'glassgpt-sample-'));
const model = tinyModel(new JsBackend());
writeFileSync(join(dir, 'model.safetensors'), saveCheckpoint(model, { tokenizer: JSON.stringify(byteTokenizer().toJSON()) }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let out = '', err = '';
  const code = await sampleCommand(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('glassgpt sample', () => {
  it('prints JSON with the text, tokens, logprobs and seed; the seed reproduces it', async () => {
    const a = await run('--checkpoint', dir, '--prompt', 'Hi', '--max-tokens', '8', '--seed', '4', '--top-k', '20', '--json', '--backend', 'js');
    expect(a.code, a.err).toBe(0);
    const r = JSON.parse(a.out);
    expect(r).toMatchObject({ type: 'result', seed: 4, promptTokens: 2, backend: 'js' });
    expect(r.tokens.length).toBe(r.logprobs.length);
    const b = await run('--checkpoint', dir, '--prompt', 'Hi', '--max-tokens', '8', '--seed', '4', '--top-k', '20', '--json', '--backend', 'js');
    expect(JSON.parse(b.out).tokens).toEqual(r.tokens);
  });

  it('streams one JSON line per token, then the result', async () => {
    const a = await run('--checkpoint', dir, '--prompt', 'Hi', '--max-tokens', '5', '--seed', '1', '--stream', '--json', '--stop', 'zz', '--stop', 'qq', '--backend', 'js');
    expect(a.code, a.err).toBe(0);
    const lines = a.out.trim().split('\n').map((l) => JSON.parse(l));
    const result = lines.pop();
    expect(lines.map((l) => l.type)).toEqual(Array(result.tokens.length).fill('token'));
    expect(lines.map((l) => l.text).join('')).toBe(result.text);
  });

  it.each([
    [['--top-p', '2'], /topP must be in \(0, 1\], got 2/],
    [['--temperature=-1'], /temperature must be a finite number ≥ 0/],
    [['--max-tokens', 'ten'], /--max-tokens must be an integer ≥ 0, got "ten"/],
    [['--top-k', '1.5'], /--top-k must be an integer ≥ 0, got "1.5"/],
    [['--backend', 'gpu'], /--backend must be js, wasm, wasm-relaxed or auto/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ])('bad flags exit 2 with a clear message: %j', async (extra, message) => {
    const a = await run('--checkpoint', dir, '--prompt', 'Hi', '--backend', 'js', ...extra);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(message);
  });

  it('a missing checkpoint or prompt is reported', async () => {
    expect((await run('--prompt', 'x')).code).toBe(2);
    const a = await run('--checkpoint', join(dir, 'nope'), '--prompt', 'x');
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/no checkpoint at .*nope/);
  });
});
