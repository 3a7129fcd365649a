// --threads on the CLI: the run header and --json say how many threads ran, and a run's losses
// and a sample's tokens are the same, to the bit, at 1, 2 and 3 threads. Bad values exit 2.
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

const dir = await mkdtemp(join(tmpdir(), 'gg-cli-threads-'));
const data = join(dir, 'data.txt');
await writeFile(data, 'the cat sat on the mat. the dog sat on the log.\n'.repeat(40));
// big enough that matmul, attention and the rest split at the shipped thresholds
const small = ['--n-layer', '2', '--n-head', '4', '--n-embd', '64', '--block-size', '32', '--batch-size', '8', '--backend', 'wasm'];

describe('--threads', () => {
  it('train: the same losses to the bit at 1, 2 and 3 threads, and the count in the header and --json', async () => {
    const runs = [];
    for (const t of [1, 2, 3]) {
      const r = await runCli(['train', '--data', data, ...small, '--threads', String(t), '--steps', '5', '--eval-iters', '1', '--out', join(dir, `t${t}`), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines[0]).toEqual({ type: 'backend', backend: 'wasm', threads: t });
      runs.push(lines.filter((l) => l.type === 'step').map((l) => l.loss as number));
    }
    expect(runs[0]).toHaveLength(5);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    const text = await runCli(['train', '--data', data, ...small, '--threads', '2', '--steps', '1', '--eval-iters', '1', '--out', join(dir, 'text')]);
    expect(text.stderr).toContain('wasm backend · 2 threads');
  });

  it('sample: the same tokens at 1 and 3 threads, the count in its --json record', async () => {
    const run = async (t: number) => {
      const r = await runCli(['sample', '--checkpoint', join(dir, 't1'), '--prompt', 'the ', '--max-tokens', '12', '--seed', '3', '--backend', 'wasm', '--threads', String(t), '--json']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    };
    const [a, b] = [await run(1), await run(3)];
    expect([a.threads, b.threads]).toEqual([1, 3]);
    expect(b.tokens).toEqual(a.tokens);
    expect(b.logprobs).toEqual(a.logprobs);
  });

  it('rejects a count that is not a whole number ≥ 1', async () => {
    for (const bad of ['0', '1.5', 'two']) {
      const r = await runCli(['train', '--data', data, ...small, '--threads', bad, '--steps', '1']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--threads must be a whole number ≥ 1/);
    }
  });
});
