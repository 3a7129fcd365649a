// `glassgpt train`: JSON lines ending in a summary, a checkpoint + loss curve in --out, resume,
// and clear usage errors with exit code 2.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

const dir = await mkdtemp(join(tmpdir(), 'gg-cli-train-'));
const data = join(dir, 'data.txt');
await writeFile(data, 'the cat sat on the mat. the dog sat on the log.\n'.repeat(40));
const tiny = ['--n-layer', '1', '--n-head', '2', '--n-embd', '16', '--block-size', '16', '--batch-size', '4', '--backend', 'js'];

describe('glassgpt train', () => {
  it('prints one JSON object per line and a final summary; writes checkpoint and loss curve', async () => {
    const out = join(dir, 'run');
    const r = await runCli(['train', '--data', data, ...tiny, '--steps', '12', '--eval-interval', '6', '--eval-iters', '2', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'step')).toHaveLength(12);
    expect(lines.filter((l) => l.type === 'eval').map((l) => l.step)).toEqual([6, 12]);
    const last = lines.at(-1);
    expect(last).toMatchObject({ type: 'done', step: 12 });
    for (const k of ['trainLoss', 'valLoss', 'tokensPerSec']) expect(Number.isFinite(last[k])).toBe(true);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
    expect(existsSync(join(out, 'train-state.safetensors'))).toBe(true);
    const svg = await readFile(join(out, 'loss.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect((svg.match(/<circle/g) ?? []).length).toBe(3); // two val points + the legend dot

    const resumed = await runCli(['train', '--data', data, ...tiny, '--steps', '16', '--eval-interval', '8', '--eval-iters', '2', '--out', out, '--resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const steps = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'step').map((l) => l.step);
    expect(steps).toEqual([13, 14, 15, 16]);
  });

  it('--backend wasm-relaxed trains on the opt-in relaxed build, to the losses of wasm within 1e-3', async () => {
    const run = async (backend: string) => {
      const r = await runCli(['train', '--data', data, ...tiny.slice(0, -2), '--backend', backend, '--steps', '6', '--eval-iters', '1', '--out', join(dir, backend), '--json']);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'step').map((l) => l.loss as number);
    };
    const [relaxed, wasm] = [await run('wasm-relaxed'), await run('wasm')];
    expect(relaxed).toHaveLength(6);
    relaxed.forEach((l, i) => expect(Math.abs(l - wasm[i]), `step ${i + 1}`).toBeLessThan(1e-3));
  });

  it('trains from a uint16 token file with the tokenizer that made it', async () => {
    const { CharTokenizer } = await import('../../ts/tokenizer/char.js');
    const { writeTokenFile } = await import('../../ts/train/data-node.js');
    const text = await readFile(data, 'utf8');
    const tok = CharTokenizer.fromText(text);
    const bin = join(dir, 'train.bin'), tokJson = join(dir, 'tok.json');
    writeTokenFile(bin, tok.encode(text));
    await writeFile(tokJson, JSON.stringify(tok.toJSON()));
    const r = await runCli(['train', '--data', bin, '--tokenizer', tokJson, ...tiny, '--steps', '3', '--eval-iters', '1', '--out', join(dir, 'bin-run'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'done', step: 3 });
    const bad = await runCli(['train', '--data', bin, ...tiny, '--steps', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/holds token ids: give the tokenizer that made them/);
  });

  it('rejects bad arguments with a message and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['train'], /--data is required/],
      [['train', '--data', data, '--lr', 'fast'], /--lr must be a number ≥ 1e-12, got "fast"/],
      [['train', '--data', data, '--steps', '2.5'], /--steps must be an integer/],
      [['train', '--data', data, '--learning-rate', '1'], /Unknown option '--learning-rate'/],
      [['train', '--data', data, '--preset', 'huge'], /unknown preset "huge"/],
      [['train', '--data', join(dir, 'missing.txt')], /cannot read .*missing\.txt/],
      [['train', '--data', data, '--backend', 'gpu'], /--backend must be js, wasm, wasm-relaxed or auto/],
      [['train', '--data', data, '--tokenizer', 'bpe:x'], /expected bpe:N/],
    ];
    for (const [argv, msg] of cases) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('fails with a non-zero exit and names the config problem', async () => {
    const r = await runCli(['train', '--data', data, ...tiny, '--n-head', '3', '--steps', '1', '--out', join(dir, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nEmbd=16 is not divisible by nHead=3/);
  });

  it('lists its commands and rejects unknown ones', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
    expect(r.stderr).toMatch(/train/);
  });
});
